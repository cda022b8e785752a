"""Who may do what to a work pool, a deployment or a block document: the object ACLs.

An ACL narrows what the workspace role allows; it never widens it. For each level of the
object (``manage``, ``run``, ``view``; blocks have no ``run``), a caller holds the level when

* its workspace role has the level's scope (``SCOPES``), and
* the ACL grants it: ``"*"`` (anyone whose role allows it), the caller's own actor id, or a
  team the caller is in, on that level or a higher one (``manage`` includes ``run`` and
  ``view``) - or the object has no ACL at all.

EMULATOR ASSUMPTION (object-acl-narrows-role, object-acl-manage-acls-keeps-all,
object-acl-deployment-follows-pool): the level scopes below; a caller holding the
workspace scope ``manage_acls`` (the workspace Owner role, and account Owners and Admins, who
hold every scope) keeps every level whatever the ACL says; a deployment that runs on a work
pool whose ACL restricts anything follows the pool's ACL instead of its own.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import HTTPException

from .auth import Caller
from .objects import EVERYONE, LEVELS, ObjectAccess
from .store import Store

# The workspace scope each level needs.
SCOPES: dict[str, dict[str, str]] = {
    "work_pool": {"manage": "manage_work_pools", "run": "see_work_pools", "view": "see_work_pools"},
    "deployment": {"manage": "manage_deployments", "run": "run_deployments", "view": "see_deployments"},
    "block_document": {"manage": "manage_blocks", "view": "see_blocks"},
}
# Holders of this scope keep every level of every object, whatever its ACL.
ACL_ADMINISTRATOR_SCOPE = "manage_acls"
LABELS = {"work_pool": "work pool", "deployment": "deployment", "block_document": "block document"}


def governing_access(store: Store, kind: str, rec: Any) -> ObjectAccess | None:
    """The ACL that decides who may use ``rec``: a deployment on a restricted work pool follows the pool's."""
    if kind == "deployment" and rec.work_pool_name:
        pool = store.objects.work_pool_named(rec.workspace_id, rec.work_pool_name)
        if pool is not None and pool.access is not None and pool.access.restricts():
            return pool.access
    return rec.access  # type: ignore[no-any-return]


def levels_held(caller: Caller, scopes: set[str], kind: str, rec: Any) -> list[str]:
    """The levels of ``rec`` the caller holds, highest first."""
    if ACL_ADMINISTRATOR_SCOPE in scopes:
        return list(LEVELS[kind])
    access = governing_access(caller.store, kind, rec)
    actor = str(caller.actor_id)
    teams = set(caller.store.teams_of_actor.get(caller.actor_id, {}))
    held, granted = [], False
    for level in LEVELS[kind]:  # highest first: a grant carries down to the levels below
        if access is None:
            granted = True
        else:
            actors = access.actor_ids.get(level, [])
            granted = granted or EVERYONE in actors or actor in actors or bool(teams & set(access.team_ids.get(level, [])))
        if granted and SCOPES[kind][level] in scopes:
            held.append(level)
    return held


def visible(caller: Caller, scopes: set[str], kind: str, rec: Any) -> bool:
    return "view" in levels_held(caller, scopes, kind, rec)


def require_manage(caller: Caller, scopes: set[str], kind: str, rec: Any) -> None:
    if "manage" not in levels_held(caller, scopes, kind, rec):
        raise HTTPException(403, f"You do not have manage access to this {LABELS[kind]}.")


# ---- reading an ACL ---------------------------------------------------------------------------
def _actor_entry(store: Store, ident: str) -> dict[str, Any] | None:
    if ident == EVERYONE:
        # EMULATOR ASSUMPTION (object-acl-default-everyone): how the "*" entry names itself.
        return {"id": EVERYONE, "name": EVERYONE, "email": None, "type": EVERYONE}
    actor_id = UUID(ident)
    user_id = store.user_by_actor.get(actor_id)
    if user_id is not None:
        user = store.users[user_id]
        return {"id": actor_id, "name": f"{user.first_name} {user.last_name}".strip(), "email": user.email, "type": "user"}
    bot_id = store.bot_by_actor.get(actor_id)
    if bot_id is not None:
        return {"id": actor_id, "name": store.bots[bot_id].name, "email": None, "type": "service_account"}
    return None  # an actor deleted since: gone from the list


def render(store: Store, kind: str, access: ObjectAccess | None) -> dict[str, list[dict[str, Any]]]:
    """The body of ``GET .../access``: per level, its actors, then its teams (``type: team``)."""
    access = access or ObjectAccess.everyone(kind)
    body: dict[str, list[dict[str, Any]]] = {}
    for level in LEVELS[kind]:
        entries = [_actor_entry(store, ident) for ident in access.actor_ids.get(level, [])]
        for team_id in access.team_ids.get(level, []):
            team = store.teams.get(team_id)
            entries.append({"id": team.id, "name": team.name, "email": None, "type": "team"} if team else None)
        body[f"{level}_actors"] = [entry for entry in entries if entry is not None]
    return body


# ---- replacing an ACL ------------------------------------------------------------------------
def replacement(store: Store, account_id: UUID, kind: str, body: Any) -> ObjectAccess:
    """The ACL a ``PUT .../access`` body asks for, each id checked against the account.

    EMULATOR ASSUMPTION (object-acl-unknown-actor-404): an actor id that is not a user or a bot of the account, or a team id
    that is not a team of the account, is a 404 naming it, and nothing is changed.
    """
    access = ObjectAccess()
    for level in LEVELS[kind]:
        actors: list[str] = []
        for ident in getattr(body, f"{level}_actor_ids"):
            if ident != EVERYONE and store.membership_of(account_id, ident) is None:
                raise HTTPException(404, f"Actor {ident} not found.")
            actors.append(str(ident))
        teams: list[UUID] = []
        for team_id in getattr(body, f"{level}_team_ids") or []:
            team = store.teams.get(team_id)
            if team is None or team.account_id != account_id:
                raise HTTPException(404, f"Team {team_id} not found.")
            teams.append(team_id)
        access.actor_ids[level] = list(dict.fromkeys(actors))
        access.team_ids[level] = list(dict.fromkeys(teams))
    return access
