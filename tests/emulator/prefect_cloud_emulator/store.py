"""In-memory state of the emulator: plain records plus the indexes that keep
single-object lookups O(1).

Records are dataclasses; every mutation goes through a Store method so that
the indexes and the cascades (deleting a workspace deletes its access rows,
deleting a membership deletes the actor's access and team memberships, ...)
stay in one place. The whole state is serialisable for `--state FILE`.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from uuid import UUID, uuid4

from pydantic import TypeAdapter

from . import catalogue
from .objects import ObjectsSnapshot, WorkspaceObjects
from .events import EventRec

KEY_ALPHABET = string.ascii_letters + string.digits
AccessKind = Literal["user", "bot", "team"]


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def mask_key(key: str) -> str:
    """`pnu_...a1b2`: the prefix, an ellipsis and the last four characters."""
    return f"{key[:4]}...{key[-4:]}"


def new_key(prefix: Literal["pnu_", "pnb_"]) -> str:
    return prefix + "".join(secrets.choice(KEY_ALPHABET) for _ in range(36))


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------
@dataclass
class Record:
    id: UUID
    created: datetime
    updated: datetime


@dataclass
class DomainRec(Record):
    account_id: UUID
    name: str


@dataclass
class IPAllowlistEntryRec:
    """One entry of an account's IP allowlist; `ip_network` in canonical CIDR form."""

    ip_network: str
    enabled: bool
    description: str | None = None
    # Kept by the server: the last time a request came from an address in this network.
    last_seen: datetime | None = None


@dataclass
class AccountRec(Record):
    handle: str
    name: str
    plan_type: str = "ENTERPRISE"
    plan_tier: str | None = "ENTERPRISE"
    location: str | None = None
    link: str | None = None
    image_location: str | None = None
    auth_expiration_seconds: int | None = None
    billing_email: str | None = None
    workos_directory_ids: list[str] = field(default_factory=list)
    workos_organization_id: str | None = None
    workos_connection_ids: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    domains: list[DomainRec] = field(default_factory=list)
    # The IP allowlist is a plan feature: without it, the settings carry no
    # `enforce_ip_allowlist` and the ip_allowlist routes answer 403.
    ip_allowlist_available: bool = True
    ip_allowlist: list[IPAllowlistEntryRec] = field(default_factory=list)
    # How long the account's audit events are kept (a plan limit, AccountResponse field).
    audit_log_retention_days: int = 90
    # AccountResponse.scim_state: ENABLED when an identity provider provisions users and teams (SCIM).
    scim_state: str = "DISABLED"


@dataclass
class UserRec(Record):
    actor_id: UUID
    email: str
    handle: str
    first_name: str
    last_name: str
    location: str | None = None
    title: str | None = None
    image_location: str | None = None
    settings: dict[str, Any] | None = None
    last_login: datetime | None = None


@dataclass
class BotRec(Record):
    actor_id: UUID
    account_id: UUID
    name: str


@dataclass
class ApiKeyRec(Record):
    name: str
    key_hash: str
    masked_key: str
    owner_kind: Literal["user", "bot"]
    owner_id: UUID
    expiration: datetime | None = None
    # A bot key replaced by a rotation that still works until `expiration`.
    rotating: bool = False


@dataclass
class AccountRoleRec(Record):
    account_id: UUID | None
    name: str
    permissions: list[str]
    is_system_role: bool = False


@dataclass
class MembershipRec(Record):
    account_id: UUID
    actor_id: UUID
    account_role_id: UUID
    user_id: UUID | None = None
    bot_id: UUID | None = None
    active: bool = True


@dataclass
class WorkspaceRec(Record):
    account_id: UUID
    name: str
    handle: str
    description: str = ""
    default_workspace_role_id: UUID | None = None


@dataclass
class WorkspaceRoleRec(Record):
    account_id: UUID | None
    name: str
    description: str = ""
    scopes: list[str] = field(default_factory=list)
    inherited_role_id: UUID | None = None


@dataclass
class AccessRec(Record):
    """One access row per (workspace, kind, subject); subject is the user id,
    bot id or team id (not the actor id)."""

    workspace_id: UUID
    kind: AccessKind
    subject_id: UUID
    workspace_role_id: UUID


@dataclass
class TeamRec(Record):
    account_id: UUID
    name: str
    description: str = ""
    workos_directory_group_id: str | None = None
    member_actor_ids: list[UUID] = field(default_factory=list)


@dataclass
class InvitationRec(Record):
    account_id: UUID
    email: str
    account_role_id: UUID
    status: str
    expiration: datetime
    workspace_id: UUID | None = None
    workspace_role_id: UUID | None = None


@dataclass
class Snapshot:
    """The persisted form of the state (`--state FILE`)."""

    clock_offset: float = 0.0
    accounts: list[AccountRec] = field(default_factory=list)
    users: list[UserRec] = field(default_factory=list)
    bots: list[BotRec] = field(default_factory=list)
    api_keys: list[ApiKeyRec] = field(default_factory=list)
    account_roles: list[AccountRoleRec] = field(default_factory=list)
    memberships: list[MembershipRec] = field(default_factory=list)
    workspaces: list[WorkspaceRec] = field(default_factory=list)
    workspace_roles: list[WorkspaceRoleRec] = field(default_factory=list)
    access: list[AccessRec] = field(default_factory=list)
    teams: list[TeamRec] = field(default_factory=list)
    invitations: list[InvitationRec] = field(default_factory=list)
    # Work pools, deployments and block documents with their ACLs (objects.py).
    objects: ObjectsSnapshot = field(default_factory=ObjectsSnapshot)
    events: list[EventRec] = field(default_factory=list)


SNAPSHOT_ADAPTER = TypeAdapter(Snapshot)


class Conflict(Exception):
    """A uniqueness violation; the routes turn it into a 409.

    EMULATOR ASSUMPTION (duplicate-workspace-handle-409, duplicate-team-name-409,
    duplicate-bot-name-409, duplicate-workspace-role-name-409, duplicate-account-handle-409,
    duplicate-user-email-409): which names are unique, and that a clash is a 409.
    """


class LastOwner(Exception):
    """A change that would leave an account without an active Owner; the app answers 422.

    EMULATOR ASSUMPTION (last-owner-422): the official document declares no such error. 422 with a string
    ``detail`` is what the API answers for its other lock-out guard (an IP allowlist
    that would shut the caller out, docs/reference "Business-rule rejection"), so the
    same shape is used here rather than a 409, which the API uses for uniqueness.
    """


# --------------------------------------------------------------------------
# Store
# --------------------------------------------------------------------------
class Store:
    def __init__(self) -> None:
        self.clock_offset = 0.0
        # Primary tables: id -> record, in creation order.
        self.accounts: dict[UUID, AccountRec] = {}
        self.users: dict[UUID, UserRec] = {}
        self.bots: dict[UUID, BotRec] = {}
        self.api_keys: dict[UUID, ApiKeyRec] = {}
        self.account_roles: dict[UUID, AccountRoleRec] = {}
        self.memberships: dict[UUID, MembershipRec] = {}
        self.workspaces: dict[UUID, WorkspaceRec] = {}
        self.workspace_roles: dict[UUID, WorkspaceRoleRec] = {}
        self.access: dict[UUID, AccessRec] = {}
        self.teams: dict[UUID, TeamRec] = {}
        self.invitations: dict[UUID, InvitationRec] = {}
        # The accounts' audit events, oldest first (events.py, audit.py).
        self.events: list[EventRec] = []
        # Secondary indexes.
        self.account_by_handle: dict[str, UUID] = {}
        self.user_by_email: dict[str, UUID] = {}
        self.user_by_actor: dict[UUID, UUID] = {}
        self.bot_by_actor: dict[UUID, UUID] = {}
        self.bot_by_name: dict[tuple[UUID, str], UUID] = {}
        self.key_by_hash: dict[str, UUID] = {}
        self.keys_by_owner: dict[UUID, dict[UUID, None]] = {}
        self.membership_by_actor: dict[tuple[UUID, UUID], UUID] = {}
        self.memberships_of_actor: dict[UUID, dict[UUID, None]] = {}
        self.workspace_by_handle: dict[tuple[UUID, str], UUID] = {}
        self.workspace_role_by_name: dict[tuple[UUID | None, str], UUID] = {}
        self.access_by_subject: dict[tuple[UUID, str, UUID], UUID] = {}
        self.access_of_workspace: dict[UUID, dict[UUID, None]] = {}
        self.access_of_subject: dict[tuple[str, UUID], dict[UUID, None]] = {}
        self.team_by_name: dict[tuple[UUID, str], UUID] = {}
        self.teams_of_actor: dict[UUID, dict[UUID, None]] = {}
        self.invitations_of_email: dict[tuple[UUID, str], dict[UUID, None]] = {}
        # Work pools, deployments and block documents of the workspaces, with their ACLs.
        self.objects = WorkspaceObjects(self.now)
        self._install_builtins()

    # ---- time -------------------------------------------------------------
    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.clock_offset)

    def _stamps(self) -> dict[str, Any]:
        now = self.now()
        return {"id": uuid4(), "created": now, "updated": now}

    @staticmethod
    def touch(rec: Record, now: datetime) -> None:
        rec.updated = now

    # ---- built-ins ----------------------------------------------------------
    def _install_builtins(self) -> None:
        epoch = datetime(2024, 1, 1, tzinfo=UTC)
        for name, role_id in catalogue.ACCOUNT_ROLE_IDS.items():
            self.account_roles[role_id] = AccountRoleRec(
                id=role_id,
                created=epoch,
                updated=epoch,
                account_id=None,
                name=name,
                permissions=list(catalogue.ACCOUNT_ROLE_PERMISSIONS[name]),
                is_system_role=True,
            )
        for name, role_id in catalogue.WORKSPACE_ROLE_IDS.items():
            self._index_workspace_role(
                WorkspaceRoleRec(
                    id=role_id,
                    created=epoch,
                    updated=epoch,
                    account_id=None,
                    name=name,
                    description=catalogue.WORKSPACE_ROLE_DESCRIPTIONS[name],
                    scopes=list(catalogue.WORKSPACE_ROLE_SCOPES[name]),
                )
            )

    def account_role_by_name(self, name: str) -> AccountRoleRec:
        return self.account_roles[catalogue.ACCOUNT_ROLE_IDS[name]]

    # ---- accounts -----------------------------------------------------------
    def add_account(self, **fields: Any) -> AccountRec:
        if fields.get("handle") in self.account_by_handle:
            raise Conflict(f"An account with handle {fields['handle']!r} already exists.")
        rec = AccountRec(**{**self._stamps(), **fields})
        self.accounts[rec.id] = rec
        self.account_by_handle[rec.handle] = rec.id
        return rec

    def rename_account_handle(self, rec: AccountRec, handle: str) -> None:
        if handle != rec.handle:
            if handle in self.account_by_handle:
                raise Conflict(f"An account with handle {handle!r} already exists.")
            del self.account_by_handle[rec.handle]
            self.account_by_handle[handle] = rec.id
            rec.handle = handle

    # ---- users --------------------------------------------------------------
    def add_user(self, *, email: str, handle: str, first_name: str, last_name: str, **extra: Any) -> UserRec:
        if email.lower() in self.user_by_email:
            raise Conflict(f"A user with email {email!r} already exists.")
        rec = UserRec(
            **self._stamps(),
            actor_id=uuid4(),
            email=email,
            handle=handle,
            first_name=first_name,
            last_name=last_name,
            **extra,
        )
        self._index_user(rec)
        return rec

    def _index_user(self, rec: UserRec) -> None:
        self.users[rec.id] = rec
        self.user_by_email[rec.email.lower()] = rec.id
        self.user_by_actor[rec.actor_id] = rec.id

    def change_user_email(self, rec: UserRec, email: str) -> None:
        if email.lower() != rec.email.lower():
            if email.lower() in self.user_by_email:
                raise Conflict(f"A user with email {email!r} already exists.")
            del self.user_by_email[rec.email.lower()]
            self.user_by_email[email.lower()] = rec.id
        rec.email = email

    def delete_user(self, rec: UserRec) -> None:
        for membership_id in list(self.memberships_of_actor.get(rec.actor_id, {})):
            self.delete_membership(self.memberships[membership_id])
        for key_id in list(self.keys_by_owner.get(rec.id, {})):
            self.delete_key(self.api_keys[key_id])
        del self.users[rec.id]
        del self.user_by_email[rec.email.lower()]
        del self.user_by_actor[rec.actor_id]

    # ---- API keys -------------------------------------------------------------
    def add_key(
        self,
        owner_kind: Literal["user", "bot"],
        owner_id: UUID,
        name: str,
        expiration: datetime | None,
        plaintext: str | None = None,
    ) -> tuple[ApiKeyRec, str]:
        """Mint (or register a given) key. Only its hash is kept; the
        plaintext is returned once to the caller."""
        key = plaintext or new_key("pnu_" if owner_kind == "user" else "pnb_")
        rec = ApiKeyRec(
            **self._stamps(),
            name=name,
            key_hash=hash_key(key),
            masked_key=mask_key(key),
            owner_kind=owner_kind,
            owner_id=owner_id,
            expiration=expiration,
        )
        self.api_keys[rec.id] = rec
        self.key_by_hash[rec.key_hash] = rec.id
        self.keys_by_owner.setdefault(owner_id, {})[rec.id] = None
        return rec, key

    def delete_key(self, rec: ApiKeyRec) -> None:
        del self.api_keys[rec.id]
        self.key_by_hash.pop(rec.key_hash, None)
        self.keys_by_owner.get(rec.owner_id, {}).pop(rec.id, None)

    def keys_of(self, owner_id: UUID) -> list[ApiKeyRec]:
        return [self.api_keys[k] for k in self.keys_by_owner.get(owner_id, {})]

    def key_is_live(self, rec: ApiKeyRec) -> bool:
        return rec.expiration is None or rec.expiration > self.now()

    def purge_expired_rotating_keys(self, owner_id: UUID) -> None:
        """Rotated-out keys vanish once their grace window is over."""
        for rec in self.keys_of(owner_id):
            if rec.rotating and not self.key_is_live(rec):
                self.delete_key(rec)

    # ---- bots -----------------------------------------------------------------
    def add_bot(self, account_id: UUID, name: str, role_id: UUID, key_expiration: datetime | None) -> tuple[BotRec, str]:
        if (account_id, name) in self.bot_by_name:
            raise Conflict(f"A service account named {name!r} already exists.")
        rec = BotRec(**self._stamps(), actor_id=uuid4(), account_id=account_id, name=name)
        self.bots[rec.id] = rec
        self.bot_by_actor[rec.actor_id] = rec.id
        self.bot_by_name[(account_id, name)] = rec.id
        self.add_membership(account_id, rec.actor_id, role_id, bot_id=rec.id)
        _, key = self.add_key("bot", rec.id, f"{name}-key", key_expiration)
        return rec, key

    def rename_bot(self, rec: BotRec, name: str) -> None:
        if name != rec.name:
            if (rec.account_id, name) in self.bot_by_name:
                raise Conflict(f"A service account named {name!r} already exists.")
            del self.bot_by_name[(rec.account_id, rec.name)]
            self.bot_by_name[(rec.account_id, name)] = rec.id
            rec.name = name

    def active_bot_key(self, bot_id: UUID) -> ApiKeyRec | None:
        for rec in reversed(self.keys_of(bot_id)):
            if not rec.rotating:
                return rec
        return None

    def delete_bot(self, rec: BotRec) -> None:
        for membership_id in list(self.memberships_of_actor.get(rec.actor_id, {})):
            self.delete_membership(self.memberships[membership_id])
        for key in self.keys_of(rec.id):
            self.delete_key(key)
        for access_id in list(self.access_of_subject.get(("bot", rec.id), {})):
            self.delete_access(self.access[access_id])
        del self.bots[rec.id]
        del self.bot_by_actor[rec.actor_id]
        del self.bot_by_name[(rec.account_id, rec.name)]

    # ---- memberships ------------------------------------------------------------
    def add_membership(
        self,
        account_id: UUID,
        actor_id: UUID,
        role_id: UUID,
        *,
        user_id: UUID | None = None,
        bot_id: UUID | None = None,
    ) -> MembershipRec:
        existing = self.membership_by_actor.get((account_id, actor_id))
        if existing:
            return self.memberships[existing]
        rec = MembershipRec(
            **self._stamps(),
            account_id=account_id,
            actor_id=actor_id,
            account_role_id=role_id,
            user_id=user_id,
            bot_id=bot_id,
        )
        self._index_membership(rec)
        return rec

    def _index_membership(self, rec: MembershipRec) -> None:
        self.memberships[rec.id] = rec
        self.membership_by_actor[(rec.account_id, rec.actor_id)] = rec.id
        self.memberships_of_actor.setdefault(rec.actor_id, {})[rec.id] = None

    def membership_of(self, account_id: UUID, actor_id: UUID) -> MembershipRec | None:
        membership_id = self.membership_by_actor.get((account_id, actor_id))
        return self.memberships[membership_id] if membership_id else None

    def guard_last_owner(self, changes: dict[UUID, tuple[UUID, bool] | None]) -> None:
        """Refuses (``LastOwner``) changes that leave an account with no active Owner.

        ``changes`` maps membership ids to their ``(account_role_id, active)`` after the
        change, or ``None`` for a removal. Owners are active memberships with the built-in
        Owner role, users and bots alike (a bot key can still administer the account).
        """
        owner = catalogue.ACCOUNT_ROLE_IDS["Owner"]
        accounts = {self.memberships[mid].account_id for mid in changes if mid in self.memberships}
        for account_id in accounts:
            before = after = 0
            for m in self.memberships.values():
                if m.account_id != account_id:
                    continue
                before += m.account_role_id == owner and m.active
                state = changes[m.id] if m.id in changes else (m.account_role_id, m.active)
                after += state is not None and state[0] == owner and state[1]
            if before and not after:
                handle = self.accounts[account_id].handle if account_id in self.accounts else account_id
                raise LastOwner(
                    f"Account {handle!r} must keep at least one active Owner: this change would remove, demote or "
                    "deactivate the last one. Make another member an Owner first."
                )

    def delete_membership(self, rec: MembershipRec) -> None:
        """Removes the member and, as the real API does, the actor's workspace
        access and team memberships under that account."""
        subject = ("user", rec.user_id) if rec.user_id else ("bot", rec.bot_id)
        for access_id in list(self.access_of_subject.get(subject, {})):  # type: ignore[arg-type]
            access = self.access[access_id]
            if self.workspaces[access.workspace_id].account_id == rec.account_id:
                self.delete_access(access)
        for team_id in list(self.teams_of_actor.get(rec.actor_id, {})):
            team = self.teams[team_id]
            if team.account_id == rec.account_id:
                self.remove_team_member(team, rec.actor_id)
        del self.memberships[rec.id]
        del self.membership_by_actor[(rec.account_id, rec.actor_id)]
        self.memberships_of_actor.get(rec.actor_id, {}).pop(rec.id, None)

    # ---- workspaces ---------------------------------------------------------------
    def add_workspace(self, account_id: UUID, name: str, handle: str, description: str = "") -> WorkspaceRec:
        if (account_id, handle) in self.workspace_by_handle:
            raise Conflict(f"A workspace with handle {handle!r} already exists.")
        rec = WorkspaceRec(**self._stamps(), account_id=account_id, name=name, handle=handle, description=description)
        self.workspaces[rec.id] = rec
        self.workspace_by_handle[(account_id, handle)] = rec.id
        self.access_of_workspace[rec.id] = {}
        return rec

    def change_workspace_handle(self, rec: WorkspaceRec, handle: str) -> None:
        if handle != rec.handle:
            if (rec.account_id, handle) in self.workspace_by_handle:
                raise Conflict(f"A workspace with handle {handle!r} already exists.")
            del self.workspace_by_handle[(rec.account_id, rec.handle)]
            self.workspace_by_handle[(rec.account_id, handle)] = rec.id
            rec.handle = handle

    def delete_workspace(self, rec: WorkspaceRec) -> None:
        for access_id in list(self.access_of_workspace.get(rec.id, {})):
            self.delete_access(self.access[access_id])
        for inv in [i for i in self.invitations.values() if i.workspace_id == rec.id]:
            self.delete_invitation(inv)
        del self.workspaces[rec.id]
        del self.workspace_by_handle[(rec.account_id, rec.handle)]
        self.access_of_workspace.pop(rec.id, None)
        self.objects.drop_workspace(rec.id)

    # ---- workspace roles --------------------------------------------------------------
    def _index_workspace_role(self, rec: WorkspaceRoleRec) -> None:
        self.workspace_roles[rec.id] = rec
        self.workspace_role_by_name[(rec.account_id, rec.name)] = rec.id

    def _check_role_name(self, account_id: UUID, name: str) -> None:
        # A custom role may not shadow a built-in one either: clients look
        # roles up by name across both and expect exactly one hit.
        if (account_id, name) in self.workspace_role_by_name or (None, name) in self.workspace_role_by_name:
            raise Conflict(f"A workspace role named {name!r} already exists.")

    def add_workspace_role(self, account_id: UUID, **fields: Any) -> WorkspaceRoleRec:
        self._check_role_name(account_id, fields["name"])
        rec = WorkspaceRoleRec(**self._stamps(), account_id=account_id, **fields)
        self._index_workspace_role(rec)
        return rec

    def rename_workspace_role(self, rec: WorkspaceRoleRec, name: str) -> None:
        if name != rec.name:
            assert rec.account_id is not None
            self._check_role_name(rec.account_id, name)
            del self.workspace_role_by_name[(rec.account_id, rec.name)]
            self.workspace_role_by_name[(rec.account_id, name)] = rec.id
            rec.name = name

    def delete_workspace_role(self, rec: WorkspaceRoleRec) -> None:
        del self.workspace_roles[rec.id]
        del self.workspace_role_by_name[(rec.account_id, rec.name)]

    def role_scopes(self, role_id: UUID) -> set[str]:
        rec = self.workspace_roles.get(role_id)
        if rec is None:
            return set()
        scopes = set(rec.scopes)
        if rec.inherited_role_id and rec.inherited_role_id in self.workspace_roles:
            scopes.update(self.workspace_roles[rec.inherited_role_id].scopes)
        return scopes

    # ---- workspace access ----------------------------------------------------------------
    def upsert_access(self, workspace_id: UUID, kind: AccessKind, subject_id: UUID, role_id: UUID) -> AccessRec:
        """One row per (workspace, accessor); a repeat upsert changes the role
        in place and keeps the row id."""
        existing = self.access_by_subject.get((workspace_id, kind, subject_id))
        if existing:
            rec = self.access[existing]
            if rec.workspace_role_id != role_id:
                rec.workspace_role_id = role_id
                rec.updated = self.now()
            return rec
        rec = AccessRec(
            **self._stamps(), workspace_id=workspace_id, kind=kind, subject_id=subject_id, workspace_role_id=role_id
        )
        self._index_access(rec)
        return rec

    def _index_access(self, rec: AccessRec) -> None:
        self.access[rec.id] = rec
        self.access_by_subject[(rec.workspace_id, rec.kind, rec.subject_id)] = rec.id
        self.access_of_workspace.setdefault(rec.workspace_id, {})[rec.id] = None
        self.access_of_subject.setdefault((rec.kind, rec.subject_id), {})[rec.id] = None

    def delete_access(self, rec: AccessRec) -> None:
        del self.access[rec.id]
        del self.access_by_subject[(rec.workspace_id, rec.kind, rec.subject_id)]
        self.access_of_workspace.get(rec.workspace_id, {}).pop(rec.id, None)
        self.access_of_subject.get((rec.kind, rec.subject_id), {}).pop(rec.id, None)

    def drop_collaborator_if_unused(self, account_id: UUID, actor_id: UUID) -> None:
        """A `Collaborator` membership exists only through workspace access:
        it goes when the actor's last access row in the account goes
        (EMULATOR ASSUMPTION (collaborator-last-access-removes-membership))."""
        membership = self.membership_of(account_id, actor_id)
        if membership is None or membership.account_role_id != catalogue.ACCOUNT_ROLE_IDS["Collaborator"]:
            return
        subject = ("user", membership.user_id) if membership.user_id else ("bot", membership.bot_id)
        for access_id in self.access_of_subject.get(subject, {}):  # type: ignore[call-overload]
            if self.workspaces[self.access[access_id].workspace_id].account_id == account_id:
                return
        self.delete_membership(membership)

    def access_of(self, workspace_id: UUID, kind: AccessKind) -> Iterator[AccessRec]:
        for access_id in self.access_of_workspace.get(workspace_id, {}):
            rec = self.access[access_id]
            if rec.kind == kind:
                yield rec

    def access_rows_of_subject(self, kind: AccessKind, subject_id: UUID) -> list[AccessRec]:
        return [self.access[a] for a in self.access_of_subject.get((kind, subject_id), {})]

    # ---- teams -------------------------------------------------------------------------------
    def add_team(self, account_id: UUID, name: str, description: str) -> TeamRec:
        if (account_id, name) in self.team_by_name:
            raise Conflict(f"A team named {name!r} already exists.")
        rec = TeamRec(**self._stamps(), account_id=account_id, name=name, description=description)
        self._index_team(rec)
        return rec

    def _index_team(self, rec: TeamRec) -> None:
        self.teams[rec.id] = rec
        self.team_by_name[(rec.account_id, rec.name)] = rec.id
        for actor_id in rec.member_actor_ids:
            self.teams_of_actor.setdefault(actor_id, {})[rec.id] = None

    def rename_team(self, rec: TeamRec, name: str) -> None:
        if name != rec.name:
            if (rec.account_id, name) in self.team_by_name:
                raise Conflict(f"A team named {name!r} already exists.")
            del self.team_by_name[(rec.account_id, rec.name)]
            self.team_by_name[(rec.account_id, name)] = rec.id
            rec.name = name

    def add_team_member(self, rec: TeamRec, actor_id: UUID) -> None:
        if actor_id not in rec.member_actor_ids:
            rec.member_actor_ids.append(actor_id)
            self.teams_of_actor.setdefault(actor_id, {})[rec.id] = None

    def remove_team_member(self, rec: TeamRec, actor_id: UUID) -> None:
        rec.member_actor_ids.remove(actor_id)
        self.teams_of_actor.get(actor_id, {}).pop(rec.id, None)

    def delete_team(self, rec: TeamRec) -> None:
        for actor_id in list(rec.member_actor_ids):
            self.remove_team_member(rec, actor_id)
        for access in self.access_rows_of_subject("team", rec.id):
            self.delete_access(access)
        del self.teams[rec.id]
        del self.team_by_name[(rec.account_id, rec.name)]

    # ---- invitations ----------------------------------------------------------------------------
    def add_invitation(self, **fields: Any) -> InvitationRec:
        """A new invitation revokes the earlier PENDING ones for the same email
        in the same scope (account, or the same workspace)."""
        rec = InvitationRec(**self._stamps(), status="PENDING", **fields)
        key = (rec.account_id, rec.email.lower())
        for other_id in self.invitations_of_email.get(key, {}):
            other = self.invitations[other_id]
            if other.status == "PENDING" and other.workspace_id == rec.workspace_id:
                other.status = "REVOKED"
                other.updated = rec.created
        self.invitations[rec.id] = rec
        self.invitations_of_email.setdefault(key, {})[rec.id] = None
        return rec

    def delete_invitation(self, rec: InvitationRec) -> None:
        del self.invitations[rec.id]
        self.invitations_of_email.get((rec.account_id, rec.email.lower()), {}).pop(rec.id, None)

    # ---- persistence ----------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        snap = Snapshot(
            clock_offset=self.clock_offset,
            accounts=list(self.accounts.values()),
            users=list(self.users.values()),
            bots=list(self.bots.values()),
            api_keys=list(self.api_keys.values()),
            account_roles=[r for r in self.account_roles.values() if not r.is_system_role],
            memberships=list(self.memberships.values()),
            workspaces=list(self.workspaces.values()),
            workspace_roles=[r for r in self.workspace_roles.values() if r.account_id is not None],
            access=list(self.access.values()),
            teams=list(self.teams.values()),
            invitations=list(self.invitations.values()),
            objects=self.objects.snapshot(),
            events=self.events,
        )
        return SNAPSHOT_ADAPTER.dump_python(snap, mode="json")  # type: ignore[no-any-return]

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> Store:
        snap = SNAPSHOT_ADAPTER.validate_python(data)
        store = cls()
        store.clock_offset = snap.clock_offset
        for account in snap.accounts:
            store.accounts[account.id] = account
            store.account_by_handle[account.handle] = account.id
        for user in snap.users:
            store._index_user(user)
        for bot in snap.bots:
            store.bots[bot.id] = bot
            store.bot_by_actor[bot.actor_id] = bot.id
            store.bot_by_name[(bot.account_id, bot.name)] = bot.id
        for key in snap.api_keys:
            store.api_keys[key.id] = key
            store.key_by_hash[key.key_hash] = key.id
            store.keys_by_owner.setdefault(key.owner_id, {})[key.id] = None
        for role in snap.account_roles:
            store.account_roles[role.id] = role
        for membership in snap.memberships:
            store._index_membership(membership)
        for ws in snap.workspaces:
            store.workspaces[ws.id] = ws
            store.workspace_by_handle[(ws.account_id, ws.handle)] = ws.id
            store.access_of_workspace[ws.id] = {}
        for wrole in snap.workspace_roles:
            store._index_workspace_role(wrole)
        for access in snap.access:
            store._index_access(access)
        for team in snap.teams:
            store._index_team(team)
        for inv in snap.invitations:
            store.invitations[inv.id] = inv
            store.invitations_of_email.setdefault((inv.account_id, inv.email.lower()), {})[inv.id] = None
        store.objects.restore(snap.objects)
        store.events = list(snap.events)
        return store


def first(items: Iterable[Any]) -> Any:
    return next(iter(items), None)
