"""Seeds: the built-in demo seed and turning a seed dict into a Store.

Seed format (see README.md):

    account: {id: <uuid, optional>, handle, name, plan_type, plan_tier (optional),
              ip_allowlist (optional, default true: false = the account lacks the feature)}
    users: [{email, handle, first_name, last_name, account_role, api_key (optional)}]
    workspaces: [{handle, name, description (optional),       # extension, optional
                  work_pools, deployments, block_documents}]  # their objects and ACLs (objects.py)
    options: {refuse_me_for_bots: false}                      # extension, optional
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from .catalogue import ACCOUNT_ROLE_IDS
from .models import AccountPlanTier, AccountPlanType
from .objects import SeedBlockDocument, SeedDeployment, SeedWorkPool, seed_objects
from .store import Store


def _demo_key(tag: str) -> str:
    """A fixed, well-formed demo key: `pnu_` + 36 letters/digits."""
    return "pnu_" + (tag + "0" * 36)[:36]


DEMO_OWNER_KEY = _demo_key("acmeDemoOwnerOlive")
DEMO_ADMIN_KEY = _demo_key("acmeDemoAdminAlan")
DEMO_MEMBER_KEY = _demo_key("acmeDemoMemberMia")

DEMO_SEED: dict[str, Any] = {
    "account": {
        "id": "3c8a0e1f-2b4d-4e6a-8c0f-1a2b3c4d5e6f",
        "handle": "acme",
        "name": "Acme Corp",
        "plan_type": "ENTERPRISE",
    },
    "users": [
        {"email": "olive@acme.io", "handle": "olive", "first_name": "Olive", "last_name": "Owner", "account_role": "Owner", "api_key": DEMO_OWNER_KEY},
        {"email": "alan@acme.io", "handle": "alan", "first_name": "Alan", "last_name": "Admin", "account_role": "Admin", "api_key": DEMO_ADMIN_KEY},
        {"email": "mia@acme.io", "handle": "mia", "first_name": "Mia", "last_name": "Member", "account_role": "Member", "api_key": DEMO_MEMBER_KEY},
        {"email": "nick@acme.io", "handle": "nick", "first_name": "Nick", "last_name": "Nokey", "account_role": "Member"},
    ],
    "workspaces": [
        {
            "handle": "production",
            "name": "Production",
            "description": "Production flows",
            # Objects with access control lists (objects.py): a level left out is "*" (everyone).
            "work_pools": [
                {"name": "k8s-prod", "type": "kubernetes", "access": {"manage": ["olive@acme.io"], "run": ["olive@acme.io", "mia@acme.io"]}},
                {"name": "process-pool"},
            ],
            "deployments": [
                {"name": "etl/nightly", "work_pool": "k8s-prod"},
                {"name": "etl/hourly", "work_pool": "process-pool", "access": {"manage": ["olive@acme.io"]}},
                {"name": "reports/weekly"},
            ],
            "block_documents": [
                {"name": "s3-bucket/raw-data", "access": {"manage": ["olive@acme.io"], "view": ["olive@acme.io", "alan@acme.io"]}},
                {"name": "secret/warehouse-password"},
            ],
        },
        {
            "handle": "staging",
            "name": "Staging",
            "work_pools": [{"name": "k8s-staging", "type": "kubernetes"}],
            "deployments": [{"name": "etl/nightly", "work_pool": "k8s-staging"}],
            "block_documents": [{"name": "s3-bucket/staging-data"}],
        },
    ],
}


class SeedAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: UUID | None = None
    handle: str
    name: str
    plan_type: AccountPlanType = AccountPlanType.ENTERPRISE
    plan_tier: AccountPlanTier | None = AccountPlanTier.ENTERPRISE
    # Whether the account has the IP allowlist feature (an Enterprise add-on).
    ip_allowlist: bool = True


class SeedUser(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str
    handle: str
    first_name: str
    last_name: str
    account_role: str = "Member"
    api_key: str | None = Field(default=None, pattern=r"^pnu_[A-Za-z0-9]{36}$")


class SeedWorkspace(BaseModel):
    model_config = ConfigDict(extra="forbid")
    handle: str
    name: str
    description: str = ""
    work_pools: list[SeedWorkPool] = Field(default_factory=list)
    deployments: list[SeedDeployment] = Field(default_factory=list)
    block_documents: list[SeedBlockDocument] = Field(default_factory=list)


class Seed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account: SeedAccount
    users: list[SeedUser] = Field(default_factory=list)
    workspaces: list[SeedWorkspace] = Field(default_factory=list)
    # Behaviour switches (hooks.EmulatorOptions), validated by the app, not by the store.
    options: dict[str, Any] = Field(default_factory=dict)


def build_store(seed: dict[str, Any]) -> Store:
    spec = Seed.model_validate(seed)
    store = Store()
    account_fields: dict[str, Any] = {
        "handle": spec.account.handle,
        "name": spec.account.name,
        "plan_type": spec.account.plan_type.value,
        "plan_tier": spec.account.plan_tier.value if spec.account.plan_tier else None,
        "ip_allowlist_available": spec.account.ip_allowlist,
    }
    account = store.add_account(**account_fields)
    if spec.account.id is not None:  # keep the seed's id
        del store.accounts[account.id]
        account.id = spec.account.id
        store.accounts[account.id] = account
        store.account_by_handle[account.handle] = account.id
    for u in spec.users:
        if u.account_role not in ACCOUNT_ROLE_IDS:
            raise ValueError(f"seed user {u.email}: unknown account_role {u.account_role!r} (one of {sorted(ACCOUNT_ROLE_IDS)})")
        user = store.add_user(email=u.email, handle=u.handle, first_name=u.first_name, last_name=u.last_name)
        store.add_membership(account.id, user.actor_id, ACCOUNT_ROLE_IDS[u.account_role], user_id=user.id)
        if u.api_key:
            store.add_key("user", user.id, "seed key", None, plaintext=u.api_key)

    def actor_of_email(email: str) -> UUID:
        if email.lower() not in store.user_by_email:
            raise ValueError(f"seed object access: {email!r} is not a seeded user")
        return store.users[store.user_by_email[email.lower()]].actor_id

    for w in spec.workspaces:
        workspace = store.add_workspace(account.id, w.name, w.handle, w.description)
        seed_objects(store.objects, workspace.id, w.work_pools, w.deployments, w.block_documents, actor_of_email)
    return store
