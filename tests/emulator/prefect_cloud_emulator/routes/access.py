"""Workspace access: users, bots and teams, and the combined `access/` list.

The writes are upserts keyed by (workspace, accessor); a repeat upsert with
another role changes the role of the existing row, which keeps its id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Body, Response

from .. import views
from ..auth import Caller, CallerDep
from ..catalogue import ACCOUNT_ROLE_IDS
from ..models import (
    BotFilter,
    ObjectActorAccess,
    UserFilter,
    WorkspaceActorAccessFilter,
    WorkspaceBotAccessCreate,
    WorkspaceBotAccessResponse,
    WorkspaceBotAccessSort,
    WorkspaceTeamAccess,
    WorkspaceTeamAccessCreate,
    WorkspaceTeamAccessResponse,
    WorkspaceUserAccessCreate,
    WorkspaceUserAccessResponse,
    WorkspaceUserAccessSort,
)
from ..query import Query, nulls_last
from ..store import AccessKind, AccessRec, Store, WorkspaceRec
from .common import LIMIT, OFFSET, W, not_found

router = APIRouter(prefix="/api")


def _role_id(store: Store, ws: WorkspaceRec, role_id: UUID) -> UUID:
    role = store.workspace_roles.get(role_id)
    if role is None or role.account_id not in (None, ws.account_id):
        not_found("Workspace role")
    return role_id


def _access_row(caller: Caller, ws: WorkspaceRec, kind: AccessKind, access_id: UUID) -> AccessRec:
    rec = caller.store.access.get(access_id)
    if rec is None or rec.workspace_id != ws.id or rec.kind != kind:
        not_found("Workspace access")
    return rec


def _user_filter(q: Query[AccessRec], store: Store, users: UserFilter | None) -> None:
    if users is None:
        return
    q.column(users.id, lambda a: a.subject_id)
    q.column(users.email, lambda a: store.users[a.subject_id].email, casefold=True)
    q.column(users.handle, lambda a: store.users[a.subject_id].handle)
    q.column(users.name, lambda a: f"{store.users[a.subject_id].first_name} {store.users[a.subject_id].last_name}")


def _actor_filter(q: Query[AccessRec], f: WorkspaceActorAccessFilter | None, actor_of: Callable[[AccessRec], UUID]) -> None:
    if f is not None:
        q.column(f.workspace_role_id, lambda a: a.workspace_role_id)
        q.column(f.actor_id, actor_of)


# ---- users ----------------------------------------------------------------------------
@router.post(W + "/user_access/", response_model=WorkspaceUserAccessResponse | list[WorkspaceUserAccessResponse])
async def upsert_workspace_user_access(
    account_id: UUID,
    workspace_id: UUID,
    workspace_user_accesses: WorkspaceUserAccessCreate | list[WorkspaceUserAccessCreate] = Body(...),
    caller: Caller = CallerDep,
) -> Any:
    ws = caller.workspace(account_id, workspace_id, "manage_workspace_users")
    store = caller.store
    items = workspace_user_accesses if isinstance(workspace_user_accesses, list) else [workspace_user_accesses]
    for item in items:  # validate everything before writing anything
        if item.user_id not in store.users:
            not_found("User")
        _role_id(store, ws, item.workspace_role_id)
    rows = []
    for item in items:
        user = store.users[item.user_id]
        # EMULATOR ASSUMPTION (outside-user-becomes-collaborator): a user outside the account
        # joins it as a Collaborator.
        store.add_membership(account_id, user.actor_id, ACCOUNT_ROLE_IDS["Collaborator"], user_id=user.id)
        rows.append(views.user_access(store, store.upsert_access(ws.id, "user", user.id, item.workspace_role_id)))
    return rows if isinstance(workspace_user_accesses, list) else rows[0]


@router.post(W + "/user_access/filter", response_model=list[WorkspaceUserAccessResponse])
async def read_workspace_user_accesses(
    account_id: UUID,
    workspace_id: UUID,
    limit: int = LIMIT,
    offset: int = OFFSET,
    workspace_accesses: WorkspaceActorAccessFilter | None = Body(None, embed=True),
    users: UserFilter | None = Body(None, embed=True),
    sort: WorkspaceUserAccessSort | None = Body(None, embed=True),
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    ws = caller.workspace(account_id, workspace_id, "see_workspace_users")
    store = caller.store
    q: Query[AccessRec] = Query()
    _actor_filter(q, workspace_accesses, lambda a: store.users[a.subject_id].actor_id)
    _user_filter(q, store, users)
    sort_key = None
    if sort is not None:
        field = sort.value.rsplit("_", 1)[0]
        getters: dict[str, Callable[[AccessRec], Any]] = {
            "CREATED": lambda a: a.created,
            "NAME": lambda a: nulls_last(f"{store.users[a.subject_id].first_name} {store.users[a.subject_id].last_name}"),
            "EMAIL": lambda a: nulls_last(store.users[a.subject_id].email),
            "HANDLE": lambda a: nulls_last(store.users[a.subject_id].handle),
        }
        sort_key = getters[field]
    rows = q.run(
        store.access_of(ws.id, "user"),
        limit=limit,
        offset=offset,
        sort_key=sort_key,
        descending=bool(sort and sort.value.endswith("_DESC")),
    )
    return [views.user_access(store, a) for a in rows]


@router.get(W + "/user_access/{id}", response_model=WorkspaceUserAccessResponse)
async def read_workspace_user_access(account_id: UUID, workspace_id: UUID, id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    ws = caller.workspace(account_id, workspace_id, "see_workspace_users")
    return views.user_access(caller.store, _access_row(caller, ws, "user", id))


@router.delete(W + "/user_access/{id}", status_code=204)
async def delete_workspace_user_access(account_id: UUID, workspace_id: UUID, id: UUID, caller: Caller = CallerDep) -> Response:  # noqa: A002
    ws = caller.workspace(account_id, workspace_id, "manage_workspace_users")
    store = caller.store
    rec = _access_row(caller, ws, "user", id)
    store.delete_access(rec)
    store.drop_collaborator_if_unused(account_id, store.users[rec.subject_id].actor_id)
    return Response(status_code=204)


# ---- bots -----------------------------------------------------------------------------
@router.post(W + "/bot_access/", response_model=WorkspaceBotAccessResponse | list[WorkspaceBotAccessResponse])
async def upsert_workspace_bot_access(
    account_id: UUID,
    workspace_id: UUID,
    workspace_bot_accesses: WorkspaceBotAccessCreate | list[WorkspaceBotAccessCreate] = Body(...),
    caller: Caller = CallerDep,
) -> Any:
    ws = caller.workspace(account_id, workspace_id, "manage_workspace_service_accounts")
    store = caller.store
    items = workspace_bot_accesses if isinstance(workspace_bot_accesses, list) else [workspace_bot_accesses]
    for item in items:
        bot = store.bots.get(item.bot_id)
        if bot is None or bot.account_id != account_id:
            not_found("Bot")
        _role_id(store, ws, item.workspace_role_id)
    rows = [views.bot_access(store, store.upsert_access(ws.id, "bot", i.bot_id, i.workspace_role_id)) for i in items]
    return rows if isinstance(workspace_bot_accesses, list) else rows[0]


@router.post(W + "/bot_access/filter", response_model=list[WorkspaceBotAccessResponse])
async def read_workspace_bot_accesses(
    account_id: UUID,
    workspace_id: UUID,
    limit: int = LIMIT,
    offset: int = OFFSET,
    workspace_accesses: WorkspaceActorAccessFilter | None = Body(None, embed=True),
    bots: BotFilter | None = Body(None, embed=True),
    sort: WorkspaceBotAccessSort | None = Body(None, embed=True),
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    ws = caller.workspace(account_id, workspace_id, "see_workspace_service_accounts")
    store = caller.store
    q: Query[AccessRec] = Query()
    _actor_filter(q, workspace_accesses, lambda a: store.bots[a.subject_id].actor_id)
    if bots is not None:
        q.column(bots.id, lambda a: a.subject_id).column(bots.name, lambda a: store.bots[a.subject_id].name)
    sort_key = None
    if sort is not None:
        sort_key = (lambda a: a.created) if sort.value.startswith("CREATED") else (lambda a: nulls_last(store.bots[a.subject_id].name))
    rows = q.run(
        store.access_of(ws.id, "bot"),
        limit=limit,
        offset=offset,
        sort_key=sort_key,
        descending=bool(sort and sort.value.endswith("_DESC")),
    )
    return [views.bot_access(store, a) for a in rows]


@router.get(W + "/bot_access/{id}", response_model=WorkspaceBotAccessResponse)
async def read_workspace_bot_access(account_id: UUID, workspace_id: UUID, id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    ws = caller.workspace(account_id, workspace_id, "see_workspace_service_accounts")
    return views.bot_access(caller.store, _access_row(caller, ws, "bot", id))


@router.delete(W + "/bot_access/{id}", status_code=204)
async def delete_workspace_bot_access(account_id: UUID, workspace_id: UUID, id: UUID, caller: Caller = CallerDep) -> Response:  # noqa: A002
    ws = caller.workspace(account_id, workspace_id, "manage_workspace_service_accounts")
    caller.store.delete_access(_access_row(caller, ws, "bot", id))
    return Response(status_code=204)


# ---- teams ----------------------------------------------------------------------------
@router.put(W + "/team_access/", response_model=list[WorkspaceTeamAccess])
async def upsert_workspace_team_access(
    account_id: UUID,
    workspace_id: UUID,
    workspace_team_accesses: list[WorkspaceTeamAccessCreate] = Body(...),
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    ws = caller.workspace(account_id, workspace_id, "manage_workspace_teams")
    store = caller.store
    for item in workspace_team_accesses:
        team = store.teams.get(item.team_id)
        if team is None or team.account_id != account_id:
            not_found("Team")
        _role_id(store, ws, item.workspace_role_id)
    return [views.team_access(store.upsert_access(ws.id, "team", i.team_id, i.workspace_role_id)) for i in workspace_team_accesses]


@router.post(W + "/team_access/filter", response_model=list[WorkspaceTeamAccessResponse])
async def read_workspace_team_accesses(
    account_id: UUID,
    workspace_id: UUID,
    limit: int = LIMIT,
    offset: int = OFFSET,
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    ws = caller.workspace(account_id, workspace_id, "manage_workspace_teams")
    rows = Query[AccessRec]().run(caller.store.access_of(ws.id, "team"), limit=limit, offset=offset)
    return [views.team_access_named(caller.store, a) for a in rows]


@router.delete(W + "/team_access/{team_id}", status_code=204)
async def remove_workspace_team_access(account_id: UUID, workspace_id: UUID, team_id: UUID, caller: Caller = CallerDep) -> Response:
    ws = caller.workspace(account_id, workspace_id, "manage_workspace_teams")
    store = caller.store
    access_id = store.access_by_subject.get((ws.id, "team", team_id))
    if access_id is None:
        not_found("Workspace team access")
    store.delete_access(store.access[access_id])
    return Response(status_code=204)


# ---- everyone with access ---------------------------------------------------------------
@router.get(W + "/access/", response_model=list[ObjectActorAccess])
async def read_actor_access(account_id: UUID, workspace_id: UUID, caller: Caller = CallerDep) -> list[dict[str, Any]]:
    ws = caller.workspace(account_id, workspace_id, "see_workspace_users", "see_workspace_service_accounts")
    store = caller.store
    out: dict[Any, dict[str, Any]] = {}

    def add_actor(actor_id: UUID) -> None:
        member = views.team_member(store, actor_id)
        out.setdefault(actor_id, {"id": actor_id, "name": member["name"], "email": member["email"], "type": member["type"]})

    for access_id in store.access_of_workspace.get(ws.id, {}):
        rec = store.access[access_id]
        if rec.kind == "user":
            add_actor(store.users[rec.subject_id].actor_id)
        elif rec.kind == "bot":
            add_actor(store.bots[rec.subject_id].actor_id)
        else:
            team = store.teams[rec.subject_id]
            out.setdefault(team.id, {"id": team.id, "name": team.name, "email": None, "type": "team"})
            for actor_id in team.member_actor_ids:  # access through team membership
                add_actor(actor_id)
    return list(out.values())
