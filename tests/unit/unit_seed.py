"""The account the unit tests' emulator starts with."""

OWNER_KEY = "pnu_" + "UnitOwnerKey".ljust(36, "0")
MEMBER_KEY = "pnu_" + "UnitMemberKey".ljust(36, "0")
ACCOUNT_ID = "0b6f5a9e-1c2d-4e3f-8a9b-0c1d2e3f4a5b"
UNIT_SEED = {
    "account": {"id": ACCOUNT_ID, "handle": "unit", "name": "Unit Test Co", "plan_type": "ENTERPRISE"},
    "users": [
        {"email": "owner@unit.test", "handle": "owner", "first_name": "Olive", "last_name": "Owner",
         "account_role": "Owner", "api_key": OWNER_KEY},
        {"email": "member@unit.test", "handle": "member", "first_name": "Mia", "last_name": "Member",
         "account_role": "Member", "api_key": MEMBER_KEY},
        {"email": "alice@unit.test", "handle": "alice", "first_name": "Alice", "last_name": "Able",
         "account_role": "Member"},
    ],
}
