"""Audit events for the admin writes: which write emits what, in one table.

Every successful admin write emits the events Prefect Cloud names
`prefect-cloud.{resource-type}.{action}`, one per change it makes, with the resource id
`prefect-cloud.{resource-type}.{uuid}` and, as related resources, the acting user or bot
(role `actor`), the account (role `account`) and, for workspace-scoped changes, the
workspace (role `workspace`) - plus the subject of an access grant or a team membership.

How it is wired (one place for every route): `capture_write`, a dependency of the whole
app, runs after routing and before the route; for a write listed in `WRITES` it notes the
caller and what the route is about to change (names of what a delete removes, the grants a
workspace already has). After the route succeeded, the app's middleware calls `commit` with
the response body before that body reaches the client, so a client that reads the events
right after its write sees them. A write that fails emits nothing.

EMULATOR ASSUMPTION (audit-event-resource-names, audit-no-event-for-no-change): the real event
bodies are not published; the names, the resource id pattern and the related resources are.
- The actor is `prefect-cloud.actor.{actor_id}` with `prefect.resource.name` (a user's full
  name, a bot's name), and for users `prefect-cloud.email` and `prefect-cloud.handle`, as
  Prefect's own event fixtures show. The account and workspace carry their handle as name.
- `prefect.resource.name` of a resource is the name the collection uses for it: a
  workspace's handle, a team's, bot's or role's name, a member's, user's or invitee's
  email; a workspace grant is named after whom it grants (email, bot or team name).
- A team membership's id is a UUID derived from the team and the member (the API gives
  memberships no id of their own); a workspace grant's id is its access row's id.
- A write that changes nothing (an upsert to the role already held, a member already in
  the team) emits nothing. Revoking an invitation is `...-invitation.deleted`; rotating a
  bot's key is `service-account.rotated`; the IP allowlist and the settings are
  `account-settings.updated`. Writes on a user (profile, API keys) are recorded in every
  account the user belongs to.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from fastapi import HTTPException, Request

from . import events
from .auth import Caller, resolve_caller
from .events import RESOURCE_ID, RESOURCE_NAME, RESOURCE_ROLE, EventRec
from .objects import LEVELS, ObjectAccess
from .store import AccessRec, BotRec, MembershipRec, Store, UserRec

if TYPE_CHECKING:
    from .app import Emulator

PREFIX = "prefect-cloud"
# Where capture_write leaves a pending write for the middleware (in the ASGI scope).
SCOPE_KEY = "prefect_cloud_emulator.audit"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


# ---- labels ------------------------------------------------------------------------------------
def resource(kind: str, rid: Any, name: str | None = None) -> dict[str, str]:
    labels = {RESOURCE_ID: f"{PREFIX}.{kind}.{rid}"}
    if name is not None:
        labels[RESOURCE_NAME] = name
    return labels


def related(kind: str, rid: Any, role: str, name: str | None = None) -> dict[str, str]:
    return {**resource(kind, rid, name), RESOURCE_ROLE: role}


def user_actor(u: UserRec) -> dict[str, str]:
    full_name = f"{u.first_name} {u.last_name}".strip() or u.email
    return {
        **related("actor", u.actor_id, "actor", full_name),
        "prefect-cloud.email": u.email,
        "prefect-cloud.handle": u.handle,
        "prefect-cloud.name": full_name,
    }


def bot_actor(b: BotRec) -> dict[str, str]:
    return {**related("actor", b.actor_id, "actor", b.name), "prefect-cloud.handle": b.name}


def actor(caller: Caller) -> dict[str, str]:
    if caller.user is not None:
        return user_actor(caller.user)
    assert caller.bot is not None
    return bot_actor(caller.bot)


def member_of(store: Store, m: MembershipRec) -> tuple[str, Any, str]:
    """(resource kind, id, name) of a membership's user or bot."""
    if m.user_id is not None and m.user_id in store.users:
        return "user", m.user_id, store.users[m.user_id].email
    bot = store.bots.get(m.bot_id) if m.bot_id else None
    return "service-account", m.bot_id, bot.name if bot else ""


def actor_as_subject(store: Store, actor_id: UUID) -> tuple[str, Any, str]:
    if actor_id in store.user_by_actor:
        user = store.users[store.user_by_actor[actor_id]]
        return "user", user.id, user.email
    bot = store.bots[store.bot_by_actor[actor_id]]
    return "service-account", bot.id, bot.name


def access_subject(store: Store, row: AccessRec) -> tuple[str, Any, str]:
    if row.kind == "user":
        return "user", row.subject_id, store.users[row.subject_id].email
    if row.kind == "bot":
        return "service-account", row.subject_id, store.bots[row.subject_id].name
    return "team", row.subject_id, store.teams[row.subject_id].name


def team_membership_id(team_id: UUID, actor_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"{PREFIX}:team-membership:{team_id}:{actor_id}")


# ---- what a write emits ----------------------------------------------------------------------
@dataclass
class Change:
    """One event to record."""

    account_id: UUID
    name: str  # "team.created"
    resource: dict[str, str]
    workspace_id: UUID | None = None
    related: list[dict[str, str]] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass
class Write:
    """A write about to run: who sends it and what it names."""

    store: Store
    caller: Caller
    params: dict[str, str]
    body: Any

    def id(self, name: str = "id") -> UUID:
        return UUID(self.params[name])

    @property
    def account_id(self) -> UUID:
        return UUID(self.params["account_id"])


Before = Callable[[Write], Any]
After = Callable[[Write, Any, Any], list[Change]]


@dataclass
class Audited:
    after: After
    before: Before = lambda write: None  # noqa: E731


def _accounts_of_user(store: Store, user_id: UUID) -> list[UUID]:
    user = store.users.get(user_id)
    if user is None:
        return []
    return [store.memberships[m].account_id for m in store.memberships_of_actor.get(user.actor_id, {})]


# -- simple objects: created from the response, updated and deleted by the path id --------------
def _named(store: Store, kind: str, rid: UUID) -> str | None:
    if kind == "team":
        return store.teams[rid].name if rid in store.teams else None
    if kind == "workspace":
        return store.workspaces[rid].handle if rid in store.workspaces else None
    if kind in ("workspace-role", "account-role"):
        table = store.workspace_roles if kind == "workspace-role" else store.account_roles
        return table[rid].name if rid in table else None
    if kind == "service-account":
        return store.bots[rid].name if rid in store.bots else None
    if kind in ("account", "account-settings", "account-domain-names"):
        return store.accounts[rid].handle if rid in store.accounts else None
    return None


def _workspace_of(kind: str, rid: UUID) -> UUID | None:
    return rid if kind == "workspace" else None


def created(kind: str) -> Audited:
    def after(w: Write, _before: Any, body: Any) -> list[Change]:
        rid = UUID(str(body["id"]))
        return [Change(w.account_id, f"{kind}.created", resource(kind, rid, _named(w.store, kind, rid)), _workspace_of(kind, rid))]

    return Audited(after)


def changed(kind: str, action: str = "updated", id_param: str = "id") -> Audited:
    """`action` on the object the path names (its name read after the write)."""

    def after(w: Write, _before: Any, _body: Any) -> list[Change]:
        rid = w.id(id_param)
        return [Change(w.account_id, f"{kind}.{action}", resource(kind, rid, _named(w.store, kind, rid)), _workspace_of(kind, rid))]

    return Audited(after)


def deleted(kind: str, id_param: str = "id") -> Audited:
    """A delete: the name is read before the object goes."""

    def before(w: Write) -> Any:
        return _named(w.store, kind, w.id(id_param))

    def after(w: Write, name: Any, _body: Any) -> list[Change]:
        rid = w.id(id_param)
        return [Change(w.account_id, f"{kind}.deleted", resource(kind, rid, name), _workspace_of(kind, rid))]

    return Audited(after, before)


def account_level(kind: str, changed_part: str | None = None) -> Audited:
    """A change of the account itself, or of its settings or domains (resource id: the account's).

    The settings' payload names what changed: the settings sent, or ``changed_part``.
    """

    def after(w: Write, _before: Any, _body: Any) -> list[Change]:
        payload = {}
        if changed_part is not None:
            payload = {"changed": [changed_part]}
        elif kind == "account-settings" and isinstance(w.body, dict):
            payload = {"changed": sorted(w.body)}
        return [Change(w.account_id, f"{kind}.updated", resource(kind, w.account_id, _named(w.store, kind, w.account_id)), payload=payload)]

    return Audited(after)


# -- account memberships ---------------------------------------------------------------------------
def _membership_change(w: Write, m: MembershipRec, action: str, name: str | None = None, payload: dict[str, Any] | None = None) -> Change:
    kind, sid, sname = member_of(w.store, m)
    return Change(
        m.account_id,
        f"account-membership.{action}",
        resource("account-membership", m.id, name if name is not None else sname),
        related=[related(kind, sid, "member", name if name is not None else sname)],
        payload=payload or {},
    )


def _role_payload(store: Store, m: MembershipRec) -> dict[str, Any]:
    role = store.account_roles.get(m.account_role_id)
    return {"account_role": role.name if role else None, "active": m.active}


def membership_updated(id_param: str = "id") -> Audited:
    def after(w: Write, _before: Any, _body: Any) -> list[Change]:
        m = w.store.memberships[w.id(id_param)]
        return [_membership_change(w, m, "updated", payload=_role_payload(w.store, m))]

    return Audited(after)


def _memberships_before(w: Write, ids: list[UUID]) -> dict[UUID, Change]:
    return {mid: _membership_change(w, w.store.memberships[mid], "deleted") for mid in ids if mid in w.store.memberships}


MEMBERSHIP_DELETED = Audited(
    before=lambda w: _memberships_before(w, [w.id()]),
    after=lambda w, gone, _body: list(gone.values()),
)

MEMBERSHIPS_SET_ACTIVE = Audited(
    after=lambda w, _before, _body: [
        _membership_change(w, w.store.memberships[UUID(str(mid))], "updated", payload=_role_payload(w.store, w.store.memberships[UUID(str(mid))]))
        for mid in dict.fromkeys(w.body.get("membership_ids", []))
    ],
)


def _leave_account_before(w: Write) -> Any:
    m = w.caller.membership(w.account_id)
    return _memberships_before(w, [m.id] if m else [])


# -- workspace access --------------------------------------------------------------------------------
def _access_change(store: Store, row: AccessRec, action: str, account_id: UUID) -> Change:
    kind, sid, sname = access_subject(store, row)
    ws = store.workspaces.get(row.workspace_id)
    role = store.workspace_roles.get(row.workspace_role_id)
    role_name = role.name if role else None
    return Change(
        account_id,
        f"workspace-access.{action}",
        resource("workspace-access", row.id, sname),
        row.workspace_id,
        related=[
            related(kind, sid, kind, sname),
            related("workspace-role", row.workspace_role_id, "workspace-role", role_name),
        ],
        payload={"workspace_role": role_name, "workspace": ws.handle if ws else None},
    )


def _grants_of(store: Store, workspace_id: UUID, kind: str) -> dict[UUID, UUID]:
    return {a.id: a.workspace_role_id for a in store.access_of(workspace_id, kind)}  # type: ignore[arg-type]


def _membership_of_user(store: Store, account_id: UUID, user_id: UUID | None) -> MembershipRec | None:
    user = store.users.get(user_id) if user_id else None
    return store.membership_of(account_id, user.actor_id) if user else None


def access_upserted(kind: str) -> Audited:
    """An upsert of grants: `created` for a new row, `updated` for a changed role, nothing else.

    Granting a user from outside the account makes them a Collaborator: that membership
    is recorded too.
    """

    def before(w: Write) -> Any:
        items = w.body if isinstance(w.body, list) else [w.body]
        users = [UUID(str(i["user_id"])) for i in items if isinstance(i, dict) and "user_id" in i] if kind == "user" else []
        outsiders = [u for u in users if _membership_of_user(w.store, w.account_id, u) is None]
        return _grants_of(w.store, w.id("workspace_id"), kind), outsiders

    def after(w: Write, state: Any, body: Any) -> list[Change]:
        grants, outsiders = state
        changes = []
        for user_id in dict.fromkeys(outsiders):
            m = _membership_of_user(w.store, w.account_id, user_id)
            if m is not None:
                changes.append(_membership_change(w, m, "created", payload=_role_payload(w.store, m)))
        for row in body if isinstance(body, list) else [body]:
            rec = w.store.access.get(UUID(str(row["id"])))
            if rec is None:
                continue
            if rec.id not in grants:
                changes.append(_access_change(w.store, rec, "created", w.account_id))
            elif grants[rec.id] != rec.workspace_role_id:
                changes.append(_access_change(w.store, rec, "updated", w.account_id))
        return changes

    return Audited(after, before)


def _access_removed_before(w: Write, row: AccessRec | None) -> Any:
    if row is None:
        return None
    account_id = w.store.workspaces[row.workspace_id].account_id
    membership = _membership_of_user(w.store, account_id, row.subject_id) if row.kind == "user" else None
    leaving = _membership_change(w, membership, "deleted") if membership is not None else None
    return _access_change(w.store, row, "deleted", account_id), membership.id if membership else None, leaving


def _access_removed_after(w: Write, state: Any, _body: Any) -> list[Change]:
    if state is None:
        return []
    change, membership_id, leaving = state
    # A Collaborator whose last grant went leaves the account with it.
    if membership_id is not None and membership_id not in w.store.memberships:
        return [change, leaving]
    return [change]


def access_deleted(kind: str) -> Audited:
    def before(w: Write) -> Any:
        row = w.store.access.get(w.id())
        return _access_removed_before(w, row if row is not None and row.kind == kind else None)

    return Audited(_access_removed_after, before)


def _team_access_before(w: Write) -> Any:
    access_id = w.store.access_by_subject.get((w.id("workspace_id"), "team", w.id("team_id")))
    return _access_removed_before(w, w.store.access.get(access_id) if access_id else None)


def _leave_workspace_before(w: Write) -> Any:
    caller = w.caller
    kind, subject = ("user", caller.user.id) if caller.user else ("bot", caller.bot.id)  # type: ignore[union-attr]
    access_id = w.store.access_by_subject.get((w.id("workspace_id"), kind, subject))
    return _access_removed_before(w, w.store.access.get(access_id) if access_id else None)


# -- teams ------------------------------------------------------------------------------------------
def _team_membership(store: Store, team_id: UUID, actor_id: UUID, action: str, account_id: UUID) -> Change:
    kind, sid, sname = actor_as_subject(store, actor_id)
    team = store.teams.get(team_id)
    return Change(
        account_id,
        f"team-membership.{action}",
        resource("team-membership", team_membership_id(team_id, actor_id), sname),
        related=[related("team", team_id, "team", team.name if team else None), related(kind, sid, "member", sname)],
    )


TEAM_MEMBERS_ADDED = Audited(
    before=lambda w: set(w.store.teams[w.id()].member_actor_ids) if w.id() in w.store.teams else set(),
    after=lambda w, known, _body: [
        _team_membership(w.store, w.id(), a, "created", w.account_id)
        for a in w.store.teams[w.id()].member_actor_ids if a not in known
    ],
)

TEAM_MEMBER_REMOVED = Audited(
    before=lambda w: _team_membership(w.store, w.id("team_id"), w.id("actor_id"), "deleted", w.account_id),
    after=lambda w, change, _body: [change],
)


# -- bots and keys -----------------------------------------------------------------------------------
def _bot_key_deleted_before(w: Write) -> Any:
    key = w.store.api_keys.get(w.id("api_key_id"))
    bot = w.store.bots.get(w.id())
    return Change(
        w.account_id,
        "api-key.deleted",
        resource("api-key", w.id("api_key_id"), key.name if key else None),
        related=[related("service-account", w.id(), "owner", bot.name if bot else None)],
    )


def _user_key_change(w: Write, key_id: UUID, name: str | None, action: str, accounts: list[UUID]) -> list[Change]:
    user = w.store.users.get(w.id())
    owner = related("user", w.id(), "owner", user.email if user else None)
    return [Change(a, f"api-key.{action}", resource("api-key", key_id, name), related=[owner]) for a in accounts]


USER_KEY_CREATED = Audited(
    after=lambda w, _before, body: _user_key_change(w, UUID(str(body["id"])), body.get("name"), "created", _accounts_of_user(w.store, w.id())),
)


def _user_key_deleted_before(w: Write) -> Any:
    key = w.store.api_keys.get(w.id("api_key_id"))
    return _user_key_change(w, w.id("api_key_id"), key.name if key else None, "deleted", _accounts_of_user(w.store, w.id()))


def user_changed(action: str, user_of: Callable[[Write], UUID | None]) -> Audited:
    """A change of a user record, recorded in each of the user's accounts."""

    def before(w: Write) -> Any:
        user_id = user_of(w)
        if user_id is None:
            return []
        return [(a, user_id) for a in _accounts_of_user(w.store, user_id)]

    def after(w: Write, targets: Any, _body: Any) -> list[Change]:
        changes = []
        for account_id, user_id in targets:
            user = w.store.users.get(user_id)
            email = user.email if user else None
            changes.append(Change(account_id, f"user.{action}", resource("user", user_id, email)))
        return changes

    return Audited(after, before)


# -- invitations -----------------------------------------------------------------------------------------
def _invitation_change(store: Store, invitation_id: UUID, action: str) -> Change | None:
    inv = store.invitations.get(invitation_id)
    if inv is None:
        return None
    kind = "workspace-invitation" if inv.workspace_id else "account-invitation"
    return Change(inv.account_id, f"{kind}.{action}", resource(kind, inv.id, inv.email), inv.workspace_id,
                  payload={"status": inv.status})


INVITATIONS_CREATED = Audited(
    after=lambda w, _before, body: [
        c for row in (body if isinstance(body, list) else [body])
        if (c := _invitation_change(w.store, UUID(str(row["id"])), "created")) is not None
    ],
)


def _invitee_membership(store: Store, invitation_id: UUID) -> MembershipRec | None:
    inv = store.invitations.get(invitation_id)
    user_id = store.user_by_email.get(inv.email.lower()) if inv else None
    return _membership_of_user(store, inv.account_id, user_id) if inv and user_id else None


def invitation_ended(action: str) -> Audited:
    """Revoked (`deleted`), accepted or rejected; an acceptance may also make a membership."""

    def before(w: Write) -> Any:
        return _invitee_membership(w.store, w.id()) is not None

    def after(w: Write, was_member: Any, _body: Any) -> list[Change]:
        change = _invitation_change(w.store, w.id(), action)
        if change is None:
            return []
        m = _invitee_membership(w.store, w.id())
        if was_member or m is None:
            return [change]
        return [change, _membership_change(w, m, "created", payload=_role_payload(w.store, m))]

    return Audited(after, before)


# -- object access lists (work pools, deployments, block documents) --------------------------------
# EMULATOR ASSUMPTION (object-access-audit-events): the published resource types name no object access
# list, so the emulator names them as the other access events are named: `work-pool-access.updated`,
# `deployment-access.updated`, `block-document-access.updated`, resource id
# `prefect-cloud.{kind}-access.{object id}`, named as the collection names the object (`k8s-prod`,
# `etl/nightly`, `s3-bucket/raw-data`), with the workspace related; a PUT that leaves the list as it
# was (an object without a list reads as everyone on every level) records nothing.
OBJECT_ACCESS_KINDS = {"work_pool": "work-pool-access", "deployment": "deployment-access", "block_document": "block-document-access"}


def _object_of(w: Write, kind: str) -> Any:
    objects = w.store.objects
    if kind == "work_pool":
        return objects.work_pool_named(w.id("workspace_id"), w.params["name"])
    table = objects.deployments if kind == "deployment" else objects.block_documents
    return table.get(w.id())


def _object_name(store: Store, kind: str, rec: Any) -> str:
    if kind == "deployment":
        flow = store.objects.flows.get(rec.flow_id)
        return f"{flow.name if flow else rec.flow_id}/{rec.name}"
    if kind == "block_document":
        block_type = store.objects.block_types.get(rec.block_type_id)
        return f"{block_type.slug if block_type else rec.block_type_id}/{rec.name}"
    return str(rec.name)


def _acl_levels(kind: str, access: Any) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Each level's actors and teams, as sets: an object without a list is everyone on every level."""
    access = access if access is not None else ObjectAccess.everyone(kind)
    return {
        level: (frozenset(str(a) for a in access.actor_ids.get(level, [])), frozenset(str(t) for t in access.team_ids.get(level, [])))
        for level in LEVELS[kind]
    }


def object_access_set(kind: str) -> Audited:
    def before(w: Write) -> Any:
        rec = _object_of(w, kind)
        return _acl_levels(kind, rec.access) if rec is not None else None

    def after(w: Write, levels_before: Any, _body: Any) -> list[Change]:
        rec = _object_of(w, kind)
        if rec is None or _acl_levels(kind, rec.access) == levels_before:
            return []
        name = f"{OBJECT_ACCESS_KINDS[kind]}.updated"
        return [Change(w.account_id, name, resource(OBJECT_ACCESS_KINDS[kind], rec.id, _object_name(w.store, kind, rec)), rec.workspace_id)]

    return Audited(after, before)


# ---- the table ----------------------------------------------------------------------------------------
# Route (endpoint function) name -> what it emits. Every write route of the app is here or in
# NOT_AUDITED (a test keeps it so): a new write route must say what it records.
WRITES: dict[str, Audited] = {
    # the account, its settings, domains, image, IP allowlist and roles
    "update_account": changed("account", id_param="account_id"),
    "delete_account": deleted("account", id_param="account_id"),
    "update_account_settings": account_level("account-settings"),
    "update_account_domains": account_level("account-domain-names"),
    "upload_account_image": account_level("account"),
    "delete_account_image": account_level("account"),
    "update_ip_allowlist": account_level("account-settings", "ip_allowlist"),
    "update_account_role": changed("account-role"),
    "delete_account_role": deleted("account-role"),
    # members
    "update_account_membership": membership_updated(),
    "toggle_account_membership_active": membership_updated(),
    "bulk_set_account_membership_active": MEMBERSHIPS_SET_ACTIVE,
    "delete_account_membership": MEMBERSHIP_DELETED,
    "leave_account": Audited(before=_leave_account_before, after=lambda w, gone, _body: list(gone.values())),
    # workspaces and workspace roles
    "create_workspace": created("workspace"),
    "update_workspace": changed("workspace", id_param="workspace_id"),
    "delete_workspace": deleted("workspace", id_param="workspace_id"),
    "create_workspace_role": created("workspace-role"),
    "update_workspace_role": changed("workspace-role"),
    "delete_workspace_role": deleted("workspace-role"),
    # workspace access
    "upsert_workspace_user_access": access_upserted("user"),
    "upsert_workspace_bot_access": access_upserted("bot"),
    "upsert_workspace_team_access": access_upserted("team"),
    "delete_workspace_user_access": access_deleted("user"),
    "delete_workspace_bot_access": access_deleted("bot"),
    "remove_workspace_team_access": Audited(_access_removed_after, _team_access_before),
    "leave_workspace": Audited(_access_removed_after, _leave_workspace_before),
    # teams
    "create_team": created("team"),
    "update_team": changed("team"),
    "delete_team": deleted("team"),
    "upsert_team_members": TEAM_MEMBERS_ADDED,
    "remove_team_member": TEAM_MEMBER_REMOVED,
    # service accounts and their keys
    "create_bot": created("service-account"),
    "update_bot": changed("service-account"),
    "delete_bot": deleted("service-account"),
    "rotate_api_key": changed("service-account", "rotated"),
    "delete_bot_api_key": Audited(before=_bot_key_deleted_before, after=lambda w, change, _body: [change]),
    # invitations
    "create_invitation": INVITATIONS_CREATED,
    "create_workspace_invitation": INVITATIONS_CREATED,
    "revoke_invitation": invitation_ended("deleted"),
    "revoke_workspace_invitation": invitation_ended("deleted"),
    "accept_invitation": invitation_ended("accepted"),
    "reject_invitation": invitation_ended("rejected"),
    # users (recorded in each of their accounts)
    "update_user": user_changed("updated", lambda w: w.id()),
    "delete_user": user_changed("deleted", lambda w: w.id()),
    "upload_my_profile_image": user_changed("updated", lambda w: w.caller.user.id if w.caller.user else None),
    "delete_my_profile_image": user_changed("updated", lambda w: w.caller.user.id if w.caller.user else None),
    "reset_my_profile_image": user_changed("updated", lambda w: w.caller.user.id if w.caller.user else None),
    "create_user_api_key": USER_KEY_CREATED,
    "delete_user_api_key": Audited(before=_user_key_deleted_before, after=lambda w, changes, _body: changes),
    # object access lists
    "set_work_pool_access": object_access_set("work_pool"),
    "set_deployment_access": object_access_set("deployment"),
    "set_block_document_access": object_access_set("block_document"),
}

# Write routes that record nothing, and why.
NOT_AUDITED: dict[str, str] = {
    "validate": "checks an SSO redirect; changes nothing",
    "remove_integration": "SSO integrations are not kept by the emulator (always 404)",
    "upsert_workspace_rate_limit_allocations": "rate-limit allocations are not kept by the emulator",
    "terminate_my_session": "the emulator has no UI sessions (always 404)",
}

# POST routes that read: never audited.
READ_SUFFIXES = ("/filter", "/count", "/filter/next", "/my-access")


def is_read(method: str, path: str) -> bool:
    return method == "GET" or path.rstrip("/").endswith(READ_SUFFIXES) or "/events/count-by/" in path


# ---- recording ------------------------------------------------------------------------------------------
@dataclass
class Pending:
    audited: Audited
    write: Write
    state: Any


def record(store: Store, change: Change, actor_labels: dict[str, str]) -> EventRec | None:
    """Stores one event (unless its account is gone) and drops what the retention no longer keeps."""
    account = store.accounts.get(change.account_id)
    if account is None:
        return None
    now = store.now()
    rel = [actor_labels, related("account", account.id, "account", account.handle)]
    if change.workspace_id is not None:
        ws = store.workspaces.get(change.workspace_id)
        rel.append(related("workspace", change.workspace_id, "workspace", ws.handle if ws else None))
    rec = EventRec(
        id=uuid4(),
        occurred=now,
        received=now,
        event=f"{PREFIX}.{change.name}",
        account=account.id,
        resource=change.resource,
        related=rel + change.related,
        payload=change.payload,
        workspace=change.workspace_id,
    )
    events.insert(store.events, rec)
    events.prune(store.events, account.id, events.retention_start(now, account.audit_log_retention_days))
    return rec


async def capture_write(request: Request) -> None:
    """App-wide dependency: notes an audited write before its route runs (see the module docstring)."""
    if request.method not in WRITE_METHODS:
        return
    route = request.scope.get("route")
    audited = WRITES.get(getattr(route, "name", ""))
    if audited is None:
        return
    emulator: Emulator = request.app.state.emulator
    store = emulator.store
    try:
        caller = resolve_caller(store, request.headers.get("authorization"))
    except HTTPException:
        return  # the route answers 401 and records nothing
    raw = await request.body()
    try:
        body = await request.json() if raw and "json" in request.headers.get("content-type", "") else None
    except ValueError:
        body = None
    write = Write(store, caller, {k: str(v) for k, v in request.path_params.items()}, body)
    try:
        state = audited.before(write)
    except (KeyError, ValueError):
        return  # an id that names nothing: the route answers 404 or 422
    request.scope[SCOPE_KEY] = Pending(audited, write, state)


def commit(scope: dict[str, Any], status: int, body: bytes) -> None:
    """Records the events of a write that succeeded (called by the app's middleware)."""
    pending: Pending | None = scope.pop(SCOPE_KEY, None)
    if pending is None or status >= 400:
        return
    try:
        response = json.loads(body) if body else None
    except ValueError:
        response = None
    write = pending.write
    actor_labels = actor(write.caller)
    for change in pending.audited.after(write, pending.state, response):
        record(write.store, change, actor_labels)


def record_acceptance(store: Store, invitation_id: UUID, was_member: bool, invitee: Caller) -> None:
    """The `/_emulator/.../accept` hook accepts as the invitee would: the same events."""
    write = Write(store, invitee, {"id": str(invitation_id)}, None)
    for change in invitation_ended("accepted").after(write, was_member, None):
        record(store, change, actor(invitee))


def invitee_was_member(store: Store, invitation_id: UUID) -> bool:
    return _invitee_membership(store, invitation_id) is not None
