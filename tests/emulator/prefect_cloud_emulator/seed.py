"""Seeds: the built-in demo seed and turning a seed dict into a Store.

Seed format (see README.md):

    account: {id: <uuid, optional>, handle, name, plan_type, plan_tier (optional),
              ip_allowlist (optional, default true: false = the account lacks the feature),
              audit_log_retention_days (optional, default 90),
              scim_state (optional, default DISABLED: ENABLED, NEEDS_CONFIGURATION, ...)}
    users: [{email, handle, first_name, last_name, account_role, api_key (optional),
             active (optional, default true)}]
    workspaces: [{handle, name, description (optional), default_workspace_role (optional),
                  work_pools, deployments, block_documents}]  # their objects and ACLs (objects.py)
    options: {refuse_me_for_bots: false}

and, all optional, a whole account to review or audit without a single API write:

    workspace_roles: [{name, description, scopes, inherited_role}]   # custom roles
    bots: [{name, account_role, key_expires_in_days (null: never), api_key (pnb_...)}]
    teams: [{name, description, users: [emails], bots: [names]}]
    access: [{workspace, user (email) | bot (name) | team (name), workspace_role}]
    invitations: [{email, account_role, workspace (a handle: a workspace invitation),
                   expired (default false)}]
    events: [{event, ago (7d, 3h, 30m) | occurred (ISO 8601), actor (email or bot name),
              resource: {kind, name, id (optional)}, workspace (handle), payload}]
    ip_allowlist_entries: [{ip_network, enabled (default true), description}]  # the account's IP allowlist
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from pydantic import BaseModel, ConfigDict, Field

from . import audit, events
from .catalogue import ACCOUNT_ROLE_IDS, WORKSPACE_ROLE_IDS, WORKSPACE_SCOPES, expand_scopes
from .events import EventRec
from .models import AccountPlanTier, AccountPlanType, AccountSCIMState
from .objects import SeedBlockDocument, SeedDeployment, SeedWorkPool, seed_objects
from .store import IPAllowlistEntryRec, Store, UserRec


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
    audit_log_retention_days: int = Field(default=90, ge=1)
    # SCIM provisioning (AccountResponse.scim_state): ENABLED for an account whose identity provider owns teams.
    scim_state: AccountSCIMState = AccountSCIMState.DISABLED


class SeedUser(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str
    handle: str
    first_name: str
    last_name: str
    account_role: str = "Member"
    api_key: str | None = Field(default=None, pattern=r"^pnu_[A-Za-z0-9]{36}$")
    active: bool = True


class SeedWorkspace(BaseModel):
    model_config = ConfigDict(extra="forbid")
    handle: str
    name: str
    description: str = ""
    default_workspace_role: str | None = None
    work_pools: list[SeedWorkPool] = Field(default_factory=list)
    deployments: list[SeedDeployment] = Field(default_factory=list)
    block_documents: list[SeedBlockDocument] = Field(default_factory=list)


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
    key_expires_in_days: float | None = None
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
    workspace: str | None = None
    expired: bool = False


class SeedResource(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str
    name: str | None = None
    id: UUID | None = None


class SeedEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event: str
    ago: str | None = None
    occurred: datetime | None = None
    actor: str | None = None
    resource: SeedResource
    workspace: str | None = None
    payload: dict[str, Any] = Field(default_factory=dict)


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
    # Behaviour switches (hooks.EmulatorOptions), validated by the app, not by the store.
    options: dict[str, Any] = Field(default_factory=dict)
    workspace_roles: list[SeedWorkspaceRole] = Field(default_factory=list)
    bots: list[SeedBot] = Field(default_factory=list)
    teams: list[SeedTeam] = Field(default_factory=list)
    access: list[SeedAccess] = Field(default_factory=list)
    invitations: list[SeedInvitation] = Field(default_factory=list)
    events: list[SeedEvent] = Field(default_factory=list)
    ip_allowlist_entries: list[SeedAllowlistEntry] = Field(default_factory=list)


def build_store(seed: dict[str, Any]) -> Store:
    spec = Seed.model_validate(seed)
    store = Store()
    account_fields: dict[str, Any] = {
        "handle": spec.account.handle,
        "name": spec.account.name,
        "plan_type": spec.account.plan_type.value,
        "plan_tier": spec.account.plan_tier.value if spec.account.plan_tier else None,
        "ip_allowlist_available": spec.account.ip_allowlist,
        "audit_log_retention_days": spec.account.audit_log_retention_days,
        "scim_state": spec.account.scim_state.value,
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
        membership = store.add_membership(account.id, user.actor_id, ACCOUNT_ROLE_IDS[u.account_role], user_id=user.id)
        membership.active = u.active
        if u.api_key:
            store.add_key("user", user.id, "seed key", None, plaintext=u.api_key)

    def actor_of_email(email: str) -> UUID:
        if email.lower() not in store.user_by_email:
            raise ValueError(f"seed object access: {email!r} is not a seeded user")
        return store.users[store.user_by_email[email.lower()]].actor_id

    for w in spec.workspaces:
        workspace = store.add_workspace(account.id, w.name, w.handle, w.description)
        seed_objects(store.objects, workspace.id, w.work_pools, w.deployments, w.block_documents, actor_of_email)
    _build_account_contents(store, account.id, spec)
    return store


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _ago(text: str) -> timedelta:
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"seed event: ago must look like 30m, 12h, 3d or 2w, got {text!r}")
    return timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})


def _build_account_contents(store: Store, account_id: UUID, spec: Seed) -> None:
    """Roles, bots, teams, workspace access, invitations and past events of a seed (all optional)."""

    def workspace(handle: str) -> UUID:
        ws_id = store.workspace_by_handle.get((account_id, handle))
        if ws_id is None:
            raise ValueError(f"seed: unknown workspace {handle!r}")
        return ws_id

    def workspace_role(name: str) -> UUID:
        role_id = store.workspace_role_by_name.get((account_id, name)) or store.workspace_role_by_name.get((None, name))
        if role_id is None:
            raise ValueError(f"seed: unknown workspace role {name!r}")
        return role_id

    def account_role(name: str) -> UUID:
        if name not in ACCOUNT_ROLE_IDS:
            raise ValueError(f"seed: unknown account role {name!r} (one of {sorted(ACCOUNT_ROLE_IDS)})")
        return ACCOUNT_ROLE_IDS[name]

    def user(email: str) -> UserRec:
        user_id = store.user_by_email.get(email.lower())
        if user_id is None:
            raise ValueError(f"seed: unknown user {email!r}")
        return store.users[user_id]

    for r in spec.workspace_roles:
        unknown = sorted(set(r.scopes) - set(WORKSPACE_SCOPES))
        if unknown:
            raise ValueError(f"seed workspace role {r.name}: unknown scopes {unknown}")
        inherited = WORKSPACE_ROLE_IDS.get(r.inherited_role) if r.inherited_role else None
        if r.inherited_role and inherited is None:
            raise ValueError(f"seed workspace role {r.name}: inherited_role must be a built-in role")
        store.add_workspace_role(account_id, name=r.name, description=r.description, scopes=expand_scopes(r.scopes),
                                 inherited_role_id=inherited)
    for w in spec.workspaces:
        if w.default_workspace_role:
            store.workspaces[workspace(w.handle)].default_workspace_role_id = workspace_role(w.default_workspace_role)
    now = store.now()
    for b in spec.bots:
        expiration = now + timedelta(days=b.key_expires_in_days) if b.key_expires_in_days is not None else None
        bot, _ = store.add_bot(account_id, b.name, account_role(b.account_role), expiration)
        if b.api_key:  # a known key instead of the one minted with the bot
            for key in store.keys_of(bot.id):
                store.delete_key(key)
            store.add_key("bot", bot.id, f"{b.name}-key", expiration, plaintext=b.api_key)
    for t in spec.teams:
        team = store.add_team(account_id, t.name, t.description)
        for email in t.users:
            store.add_team_member(team, user(email).actor_id)
        for name in t.bots:
            bot_id = store.bot_by_name.get((account_id, name))
            if bot_id is None:
                raise ValueError(f"seed team {t.name}: unknown bot {name!r}")
            store.add_team_member(team, store.bots[bot_id].actor_id)
    for g in spec.access:
        given = [k for k in ("user", "bot", "team") if getattr(g, k) is not None]
        if len(given) != 1:
            raise ValueError(f"seed access to {g.workspace}: name exactly one of user, bot, team")
        kind = given[0]
        name = getattr(g, kind)
        if kind == "user":
            subject = user(name).id
        else:
            index = store.bot_by_name if kind == "bot" else store.team_by_name
            subject_id = index.get((account_id, name))
            if subject_id is None:
                raise ValueError(f"seed access: unknown {kind} {name!r}")
            subject = subject_id
        store.upsert_access(workspace(g.workspace), kind, subject, workspace_role(g.workspace_role))  # type: ignore[arg-type]
    for i in spec.invitations:
        fields: dict[str, Any] = {"account_id": account_id, "email": i.email, "account_role_id": account_role(i.account_role)}
        if i.workspace:
            ws_id = workspace(i.workspace)
            fields.update(workspace_id=ws_id, account_role_id=ACCOUNT_ROLE_IDS["Collaborator"],
                          workspace_role_id=store.workspaces[ws_id].default_workspace_role_id or WORKSPACE_ROLE_IDS["Viewer"])
        fields["expiration"] = now + (timedelta(days=-1) if i.expired else timedelta(days=7))
        store.add_invitation(**fields)
    for e in spec.events:
        events.insert(store.events, _seed_event(store, account_id, e, now))
    if spec.ip_allowlist_entries:
        if not spec.account.ip_allowlist:
            raise ValueError("seed: ip_allowlist_entries for an account without the IP allowlist feature")
        store.accounts[account_id].ip_allowlist = [
            IPAllowlistEntryRec(str(ipaddress.ip_network(e.ip_network)), e.enabled, e.description) for e in spec.ip_allowlist_entries
        ]


def _seed_event(store: Store, account_id: UUID, e: SeedEvent, now: datetime) -> EventRec:
    account = store.accounts[account_id]
    if e.occurred is not None:
        occurred = e.occurred if e.occurred.tzinfo else e.occurred.replace(tzinfo=now.tzinfo)
    else:
        occurred = now - _ago(e.ago or "0s")
    kind, name = e.resource.kind, e.resource.name
    rid = e.resource.id or _existing_id(store, account_id, kind, name) or uuid5(NAMESPACE_URL, f"seed:{kind}:{name}")
    related = [audit.related("account", account_id, "account", account.handle)]
    if e.actor:
        related.insert(0, _seed_actor(store, account_id, e.actor))
    ws_id = None
    if e.workspace:
        ws_id = store.workspace_by_handle.get((account_id, e.workspace))
        if ws_id is None:
            raise ValueError(f"seed event: unknown workspace {e.workspace!r}")
        related.append(audit.related("workspace", ws_id, "workspace", e.workspace))
    name_of_event = e.event if e.event.startswith("prefect-cloud.") else f"prefect-cloud.{e.event}"
    return EventRec(id=uuid4(), occurred=occurred, received=occurred, event=name_of_event, account=account_id,
                    resource=audit.resource(kind, rid, name), related=related, payload=e.payload, workspace=ws_id)


def _existing_id(store: Store, account_id: UUID, kind: str, name: str | None) -> UUID | None:
    if name is None:
        return None
    index: dict[Any, UUID] = {
        "workspace": store.workspace_by_handle,
        "team": store.team_by_name,
        "service-account": store.bot_by_name,
        "workspace-role": store.workspace_role_by_name,
    }.get(kind, {})
    if kind == "user":
        return store.user_by_email.get(name.lower())
    return index.get((account_id, name))


def _seed_actor(store: Store, account_id: UUID, ref: str) -> dict[str, str]:
    bot_id = store.bot_by_name.get((account_id, ref))
    if bot_id is not None:
        return audit.bot_actor(store.bots[bot_id])
    user_id = store.user_by_email.get(ref.lower())
    if user_id is None:
        raise ValueError(f"seed event: actor {ref!r} is neither a seed user's email nor a seed bot's name")
    return audit.user_actor(store.users[user_id])
