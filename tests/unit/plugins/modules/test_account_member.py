"""prefect.cloud.account_member against the emulator: roles, deactivation, and the guards that keep an owner.

The unit seed has one Owner (owner@unit.test, whose key the tests use) and two Members.
"""

import pytest

from ansible_collections.prefect.cloud.plugins.modules import account_member, bot

from unit_seed import ACCOUNT_ID

OWNER = "owner@unit.test"
ALICE = "alice@unit.test"


def writes_since(emulator, mark):
    """``(method, path below the account)`` of every write sent since ``mark``."""
    return [
        (e["method"], e["path"].split(ACCOUNT_ID)[-1])
        for e in emulator.log(mark)
        if e["method"] != "GET" and not e["path"].endswith(("/filter", "/count"))
    ]


def test_a_role_change_is_predicted_made_and_then_unchanged(emulator, run_module):
    check = run_module(account_member, email=ALICE, account_role="Admin", check_mode=True)
    assert check["changed"] and not check["failed"]
    assert check["diff"] == {
        "before": {"email": ALICE, "account_role": "Member", "active": True},
        "after": {"email": ALICE, "account_role": "Admin", "active": True},
    }
    mark = emulator.last_seq()
    real = run_module(account_member, email=ALICE, account_role="Admin")
    assert real["changed"] and real["diff"] == check["diff"]
    assert real["msg"] == "account member 'alice@unit.test' updated"
    assert real["account_member"]["account_role"] == "Admin"
    assert [method for method, _path in writes_since(emulator, mark)] == ["PATCH"]
    mark = emulator.last_seq()
    again = run_module(account_member, email="ALICE@unit.test", account_role="Admin")
    assert not again["changed"] and again["msg"] == "account member 'ALICE@unit.test' unchanged"
    assert writes_since(emulator, mark) == []


def test_someone_who_is_not_a_member_is_sent_to_the_invitation_module(run_module):
    result = run_module(account_member, email="stranger@unit.test", account_role="Admin")
    assert result["failed"]
    assert "not a member" in result["msg"] and "prefect.cloud.invitation" in result["msg"]
    assert run_module(account_member, email="stranger@unit.test", state="absent")["changed"] is False


@pytest.mark.parametrize("check_mode", [True, False])
def test_an_unknown_role_fails_in_check_mode_too_since_no_task_creates_account_roles(emulator, run_module, check_mode):
    mark = emulator.last_seq()
    result = run_module(account_member, email=ALICE, account_role="Emperor", check_mode=check_mode)
    assert result["failed"] and "account role 'Emperor' not found" in result["msg"]
    assert "Owner" in result["msg"]  # the roles the account has are listed
    assert writes_since(emulator, mark) == []


@pytest.mark.parametrize("check_mode", [True, False])
@pytest.mark.parametrize(
    "args, action",
    [
        ({"account_role": "Member"}, "demote"),
        ({"active": False, "allow_self_removal": True}, "deactivate"),
        ({"state": "absent", "allow_self_removal": True}, "remove"),
    ],
)
def test_the_last_owner_is_never_demoted_deactivated_or_removed(emulator, run_module, check_mode, args, action):
    mark = emulator.last_seq()
    result = run_module(account_member, email=OWNER, check_mode=check_mode, **args)
    assert result["failed"]
    assert result["msg"] == (
        "refusing to %s owner@unit.test: they are the account's last active Owner, and the account would have no owner left" % action
    )
    assert writes_since(emulator, mark) == []


def test_an_inactive_owner_does_not_count_as_an_owner_left(emulator, run_module):
    assert run_module(account_member, email=ALICE, account_role="Owner")["changed"]
    assert run_module(account_member, email=ALICE, active=False)["changed"]  # another owner is active: allowed
    mark = emulator.last_seq()
    result = run_module(account_member, email=OWNER, account_role="Member")
    assert result["failed"] and "last active Owner" in result["msg"]
    assert writes_since(emulator, mark) == []


def test_an_owner_may_be_demoted_while_another_is_active(run_module):
    assert run_module(account_member, email=ALICE, account_role="Owner")["changed"]
    result = run_module(account_member, email=ALICE, account_role="Member")
    assert result["changed"] and not result["failed"]


@pytest.mark.parametrize(
    "args, action",
    [({"state": "absent"}, "remove"), ({"active": False}, "deactivate")],
)
def test_the_caller_does_not_remove_or_deactivate_itself_unless_allowed(emulator, run_module, args, action):
    # With a second owner, only the self-removal guard stands in the way.
    assert run_module(account_member, email=ALICE, account_role="Owner")["changed"]
    mark = emulator.last_seq()
    refused = run_module(account_member, email=OWNER, **args)
    assert refused["failed"]
    assert refused["msg"] == (
        "refusing to %s owner@unit.test: that is the caller's own membership (set allow_self_removal: true to do it anyway)" % action
    )
    assert writes_since(emulator, mark) == []
    allowed = run_module(account_member, email=OWNER, allow_self_removal=True, **args)
    assert allowed["changed"] and not allowed["failed"]


def test_removing_someone_else_needs_no_permission_flag(emulator, run_module):
    mark = emulator.last_seq()
    result = run_module(account_member, email=ALICE, state="absent")
    assert result["changed"] and result["msg"] == "account member 'alice@unit.test' deleted"
    assert [method for method, _path in writes_since(emulator, mark)] == ["DELETE"]
    assert not run_module(account_member, email=ALICE, state="absent")["changed"]


MEMBER_ROLE_ID = "a0000000-0000-4000-8000-000000000003"


def demote_directly(make_client, email):
    """Another run, elsewhere: ``email`` demoted to Member straight through the API, as the Owner."""
    client = make_client()
    rows = client.post("/accounts/%s/account_memberships/filter" % ACCOUNT_ID, json={})
    membership = next(row for row in rows if row["email"] == email)
    client.request("PATCH", "/accounts/%s/account_memberships/%s" % (ACCOUNT_ID, membership["id"]), json={"account_role_id": MEMBER_ROLE_ID})


def test_an_owner_lost_to_a_concurrent_run_after_the_guard_counted_fails_loudly(emulator, run_module, make_client, monkeypatch):
    # Alice and Olive are Owners; an Admin bot demotes Alice while, between its count and its write, another run
    # demotes Olive: each run saw another Owner left, and together they leave none.
    assert run_module(account_member, email=ALICE, account_role="Owner")["changed"]
    admin_key = run_module(bot, name="steward", account_role="Admin")["api_key"]
    counted = account_member.AccountMember.guard

    def guard_then_race(self, plan):
        counted(self, plan)
        demote_directly(make_client, OWNER)

    monkeypatch.setattr(account_member.AccountMember, "guard", guard_then_race)
    mark = emulator.last_seq()
    result = run_module(account_member, email=ALICE, account_role="Member", api_key=admin_key)
    assert result["failed"], result
    patches = [e for e in emulator.log(mark) if e["method"] == "PATCH"]
    if any(e["status"] == 422 for e in patches):
        # The server itself refuses to demote the last Owner: nothing was changed, and the refusal is told.
        assert not result.get("changed") and "HTTP 422" in result["msg"]
    else:
        # The server took both writes: only the count after them can tell.
        assert result["changed"]
        assert result["msg"].startswith(
            "alice@unit.test was demoted, and the account now has no active Owner: another Owner lost that role between"
        )
        assert "prefect.cloud.account_member with account_role: Owner" in result["msg"]


def test_an_owner_demoted_with_another_left_is_counted_again_and_passes(emulator, run_module):
    assert run_module(account_member, email=ALICE, account_role="Owner")["changed"]
    mark = emulator.last_seq()
    result = run_module(account_member, email=ALICE, state="absent")
    assert result["changed"] and not result["failed"]
    counts = [e for e in emulator.log(mark) if e["path"].endswith("/account_memberships/count")]
    assert len(counts) == 2  # the guard's, and the one after the write
