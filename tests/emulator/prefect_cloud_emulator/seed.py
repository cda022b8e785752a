"""Seeds: the built-in demo seed and turning a seed dict into a Store.

Seed format (see README.md):

    account: {id: <uuid, optional>, handle, name, plan_type, plan_tier (optional),
              ip_allowlist (optional, default true: false = the account lacks the feature)}
    users: [{email, handle, first_name, last_name, account_role, api_key (optional)}]
    workspaces: [{handle, name, description (optional)}]      # extension, optional
    options: {refuse_me_for_bots: false}                      # extension, optional

Objects an account holds besides its users (extensions, optional; each refers to the ones above
it by name, so a seed can hold what a test would otherwise create request by request):

    workspace_roles: [{name, description, scopes, inherited_role (a built-in role's name)}]
    bots: [{name, account_role (default Member), api_key (optional pnb_...: otherwise nobody holds its key)}]
    teams: [{name, description, users: [emails], bots: [names]}]
    access: [{workspace: handle, user: email | bot: name | team: name, workspace_role: name}]
    invitations: [{email, account_role (default Member)}]     # pending account invitations
    ip_allowlist_entries: [{ip_network, enabled (default true), description}]
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from .catalogue import ACCOUNT_ROLE_IDS, WORKSPACE_ROLE_IDS, WORKSPACE_SCOPES, expand_scopes
from .models import AccountPlanTier, AccountPlanType
from .store import IPAllowlistEntryRec, Store

# How long a seeded invitation stays pending (the API's own time to live).
SEED_INVITATION_TTL = timedelta(days=7)


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
        {"handle": "production", "name": "Production", "description": "Production flows"},
        {"handle": "staging", "name": "Staging"},
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


class SeedWorkspaceRole(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    scopes: list[str] = Field(default_factory=list)
    inherited_role: str | None = None


class SeedBot(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    account_role: str = "Member"
    api_key: str | None = Field(default=None, pattern=r"^pnb_[A-Za-z0-9]{36}$")


class SeedTeam(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    users: list[str] = Field(default_factory=list)
    bots: list[str] = Field(default_factory=list)


class SeedAccess(BaseModel):
    model_config = ConfigDict(extra="forbid")
    workspace: str
    user: str | None = None
    bot: str | None = None
    team: str | None = None
    workspace_role: str


class SeedInvitation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str
    account_role: str = "Member"


class SeedAllowlistEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ip_network: str
    enabled: bool = True
    description: str | None = None


class Seed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account: SeedAccount
    users: list[SeedUser] = Field(default_factory=list)
    workspaces: list[SeedWorkspace] = Field(default_factory=list)
    workspace_roles: list[SeedWorkspaceRole] = Field(default_factory=list)
    bots: list[SeedBot] = Field(default_factory=list)
    teams: list[SeedTeam] = Field(default_factory=list)
    access: list[SeedAccess] = Field(default_factory=list)
    invitations: list[SeedInvitation] = Field(default_factory=list)
    ip_allowlist_entries: list[SeedAllowlistEntry] = Field(default_factory=list)
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
        _account_role(u.account_role, f"seed user {u.email}")
        user = store.add_user(email=u.email, handle=u.handle, first_name=u.first_name, last_name=u.last_name)
        store.add_membership(account.id, user.actor_id, ACCOUNT_ROLE_IDS[u.account_role], user_id=user.id)
        if u.api_key:
            store.add_key("user", user.id, "seed key", None, plaintext=u.api_key)
    for w in spec.workspaces:
        store.add_workspace(account.id, w.name, w.handle, w.description)
    _seed_objects(store, account.id, spec)
    return store


def _account_role(name: str, where: str) -> UUID:
    if name not in ACCOUNT_ROLE_IDS:
        raise ValueError(f"{where}: unknown account_role {name!r} (one of {sorted(ACCOUNT_ROLE_IDS)})")
    return ACCOUNT_ROLE_IDS[name]


def _named(index: dict[Any, UUID], key: Any, what: str) -> UUID:
    if key not in index:
        raise ValueError(f"seed: {what} is not in the seed")
    return index[key]


def _seed_objects(store: Store, account_id: UUID, spec: Seed) -> None:
    """The account's roles, bots, teams, grants, invitations and allowlist, by name, as the API would make them."""
    for r in spec.workspace_roles:
        unknown = sorted(set(r.scopes) - set(WORKSPACE_SCOPES))
        if unknown:
            raise ValueError(f"seed workspace role {r.name!r}: unknown scopes {unknown}")
        inherited = None
        if r.inherited_role is not None:
            inherited = _named(WORKSPACE_ROLE_IDS, r.inherited_role, f"built-in workspace role {r.inherited_role!r}")
        store.add_workspace_role(account_id, name=r.name, description=r.description, scopes=expand_scopes(r.scopes),
                                 inherited_role_id=inherited)
    for b in spec.bots:
        bot, _ = store.add_bot(account_id, b.name, _account_role(b.account_role, f"seed bot {b.name!r}"), None)
        if b.api_key:
            for key in store.keys_of(bot.id):
                store.delete_key(key)
            store.add_key("bot", bot.id, f"{b.name}-key", None, plaintext=b.api_key)
    for t in spec.teams:
        team = store.add_team(account_id, t.name, t.description)
        for email in t.users:
            user = store.users[_named(store.user_by_email, email.lower(), f"team {t.name!r}: user {email!r}")]
            store.add_team_member(team, user.actor_id)
        for name in t.bots:
            bot = store.bots[_named(store.bot_by_name, (account_id, name), f"team {t.name!r}: bot {name!r}")]
            store.add_team_member(team, bot.actor_id)
    for a in spec.access:
        where = f"access to {a.workspace!r}"
        workspace_id = _named(store.workspace_by_handle, (account_id, a.workspace), f"{where}: workspace")
        role_id = store.workspace_role_by_name.get((None, a.workspace_role)) or _named(
            store.workspace_role_by_name, (account_id, a.workspace_role), f"{where}: workspace role {a.workspace_role!r}")
        subjects = [(kind, ref) for kind, ref in (("user", a.user), ("bot", a.bot), ("team", a.team)) if ref is not None]
        if len(subjects) != 1:
            raise ValueError(f"seed {where}: give exactly one of user, bot, team")
        kind, ref = subjects[0]
        if kind == "user":
            subject = _named(store.user_by_email, ref.lower(), f"{where}: user {ref!r}")
        elif kind == "bot":
            subject = _named(store.bot_by_name, (account_id, ref), f"{where}: bot {ref!r}")
        else:
            subject = _named(store.team_by_name, (account_id, ref), f"{where}: team {ref!r}")
        store.upsert_access(workspace_id, kind, subject, role_id)
    for i in spec.invitations:
        store.add_invitation(account_id=account_id, email=i.email, expiration=store.now() + SEED_INVITATION_TTL,
                             account_role_id=_account_role(i.account_role, f"seed invitation {i.email!r}"))
    if spec.ip_allowlist_entries:
        if not spec.account.ip_allowlist:
            raise ValueError("seed: ip_allowlist_entries for an account without the IP allowlist feature")
        store.accounts[account_id].ip_allowlist = [
            IPAllowlistEntryRec(str(ipaddress.ip_network(e.ip_network)), e.enabled, e.description)
            for e in spec.ip_allowlist_entries
        ]
