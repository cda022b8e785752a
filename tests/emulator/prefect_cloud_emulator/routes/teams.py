"""Teams and team members.

Members are added by user id or bot id (with `member_type`) and removed by
actor id; `memberships[].id` in responses is the actor id.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Body, Response

from .. import views
from ..auth import Caller, CallerDep
from ..models import BotFilter, TeamCreate, TeamFilter, TeamMembershipCreate, TeamResponse, TeamSort, TeamUpdate, UserFilter
from ..query import Query, by_ids, lookup, nulls_last
from ..store import BotRec, Store, TeamRec, UserRec
from .common import A, LIMIT, OFFSET, not_found

router = APIRouter(prefix="/api")


def _team(caller: Caller, account_id: UUID, team_id: UUID, permission: str) -> TeamRec:
    caller.account(account_id, permission)
    team = caller.store.teams.get(team_id)
    if team is None or team.account_id != account_id:
        not_found("Team")
    return team


@router.post(A + "/teams/", status_code=201, response_model=TeamResponse)
async def create_team(account_id: UUID, team: TeamCreate, caller: Caller = CallerDep) -> dict[str, Any]:
    caller.account(account_id, "create:team")
    rec = caller.store.add_team(account_id, team.name, team.description or "")
    return views.team(caller.store, rec)


@router.get(A + "/teams/{id}", response_model=TeamResponse)
async def read_team(account_id: UUID, id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    return views.team(caller.store, _team(caller, account_id, id, "read:team"))


@router.put(A + "/teams/{id}", response_model=TeamResponse)
async def update_team(account_id: UUID, id: UUID, team: TeamUpdate, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    rec = _team(caller, account_id, id, "update:team")
    # PUT replaces the metadata: an omitted description becomes "".
    caller.store.rename_team(rec, team.name)
    rec.description = team.description or ""
    rec.workos_directory_group_id = team.workos_directory_group_id
    rec.updated = caller.store.now()
    return views.team(caller.store, rec)


@router.delete(A + "/teams/{id}", status_code=204)
async def delete_team(account_id: UUID, id: UUID, caller: Caller = CallerDep) -> Response:  # noqa: A002
    caller.store.delete_team(_team(caller, account_id, id, "delete:team"))
    return Response(status_code=204)


def _has_criteria(model: Any) -> bool:
    return model is not None and bool(model.model_dump(exclude_none=True))


def _member_users(store: Store, team: TeamRec) -> list[UserRec]:
    return [store.users[store.user_by_actor[a]] for a in team.member_actor_ids if a in store.user_by_actor]


def _member_bots(store: Store, team: TeamRec) -> list[BotRec]:
    return [store.bots[store.bot_by_actor[a]] for a in team.member_actor_ids if a in store.bot_by_actor]


@router.post(A + "/teams/filter", response_model=list[TeamResponse])
async def read_teams(
    account_id: UUID,
    # Not nullable in the official schema (unlike the other filters).
    teams: TeamFilter = Body(None, embed=True),
    users: UserFilter = Body(None, embed=True),
    bots: BotFilter = Body(None, embed=True),
    sort: TeamSort | None = Body(None, embed=True),
    limit: int = LIMIT,
    offset: int = OFFSET,
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    caller.account(account_id, "read:team")
    store = caller.store
    q: Query[TeamRec] = Query()
    candidates: Any = store.teams.values()

    def team_workspace_rows(t: TeamRec) -> list[Any]:
        return store.access_rows_of_subject("team", t.id)

    if teams is not None:
        q.column(teams.id, lambda t: t.id)
        q.column(teams.name, lambda t: t.name)
        q.column(teams.directory_id, lambda t: t.workos_directory_group_id)
        if teams.workspace_id and teams.workspace_id.any_ is not None:
            wanted_ws = set(teams.workspace_id.any_)
            q.where(lambda t: any(a.workspace_id in wanted_ws for a in team_workspace_rows(t)))
        if teams.workspace_role_id and teams.workspace_role_id.any_ is not None:
            wanted_roles = set(teams.workspace_role_id.any_)
            q.where(lambda t: any(a.workspace_role_id in wanted_roles for a in team_workspace_rows(t)))
        if teams.member_id and teams.member_id.any_ is not None:
            wanted_actors = set(teams.member_id.any_)
            q.where(lambda t: bool(wanted_actors.intersection(t.member_actor_ids)))
        if teams.id and teams.id.any_ is not None:
            candidates = by_ids(teams.id.any_, store.teams)
        elif teams.name and teams.name.any_ is not None:
            candidates = lookup(store.team_by_name, [(account_id, n) for n in teams.name.any_], store.teams)
    if _has_criteria(users):
        assert users is not None
        uq: Query[UserRec] = Query()
        uq.column(users.id, lambda u: u.id).column(users.email, lambda u: u.email, casefold=True)
        uq.column(users.handle, lambda u: u.handle).column(users.name, lambda u: f"{u.first_name} {u.last_name}")
        q.where(lambda t: any(uq.matches(u) for u in _member_users(store, t)))
    if _has_criteria(bots):
        assert bots is not None
        bq: Query[BotRec] = Query()
        bq.column(bots.id, lambda b: b.id).column(bots.name, lambda b: b.name)
        q.where(lambda t: any(bq.matches(b) for b in _member_bots(store, t)))
    sort_key = None
    if sort is not None:
        sort_key = (lambda t: t.created) if sort.value.startswith("CREATED") else (lambda t: nulls_last(t.name))
    rows = q.run(
        candidates,
        limit=limit,
        offset=offset,
        sort_key=sort_key,
        descending=bool(sort and sort.value.endswith("_DESC")),
        required=[lambda t: t.account_id == account_id],
    )
    return [views.team(store, t) for t in rows]


@router.put(A + "/teams/{id}/members", response_model=TeamResponse)
async def upsert_team_members(
    account_id: UUID,
    id: UUID,  # noqa: A002
    members: list[TeamMembershipCreate] = Body(..., embed=True),
    caller: Caller = CallerDep,
) -> dict[str, Any]:
    store = caller.store
    team = _team(caller, account_id, id, "update:team")
    actors = []
    for member in members:  # resolve everything before changing anything
        if member.member_type == "user":
            user = store.users.get(member.member_id)
            actor_id = user.actor_id if user else None
        else:
            bot = store.bots.get(member.member_id)
            actor_id = bot.actor_id if bot else None
        if actor_id is None or store.membership_of(account_id, actor_id) is None:
            not_found("User" if member.member_type == "user" else "Bot")
        actors.append(actor_id)
    # EMULATOR ASSUMPTION (team-members-put-adds): an upsert: members already in the team
    # stay (the request does not replace the member list).
    for actor_id in actors:
        store.add_team_member(team, actor_id)
    team.updated = store.now()
    return views.team(store, team)


@router.delete(A + "/teams/{team_id}/members/{actor_id}", status_code=204)
async def remove_team_member(account_id: UUID, team_id: UUID, actor_id: UUID, caller: Caller = CallerDep) -> Response:
    team = _team(caller, account_id, team_id, "update:team")
    if actor_id not in team.member_actor_ids:
        not_found("Team member")
    caller.store.remove_team_member(team, actor_id)
    return Response(status_code=204)
