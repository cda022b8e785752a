"""Account memberships (users and bots that belong to the account)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Body, Response

from .. import views
from ..auth import Caller, CallerDep
from ..models import (
    AccountMemberSummaryResponse,
    AccountMembershipBulkSetActive,
    AccountMembershipFilter,
    AccountMembershipSetActive,
    AccountMembershipSort,
    AccountMembershipsResponse,
    AccountMembershipUpdate,
    Operator,
)
from ..query import Query, lookup, nulls_last
from ..store import MembershipRec, Store, UserRec
from .common import A, LIMIT, OFFSET, not_found

router = APIRouter(prefix="/api")


def _user(store: Store, m: MembershipRec) -> UserRec | None:
    return store.users.get(m.user_id) if m.user_id else None


def _name(store: Store, m: MembershipRec) -> str | None:
    u = _user(store, m)
    if u is not None:
        return f"{u.first_name} {u.last_name}"
    b = store.bots.get(m.bot_id) if m.bot_id else None
    return b.name if b else None


def _filtered(
    store: Store,
    account_id: UUID,
    criteria: list[AccountMembershipFilter | None],
    only_users: bool,
    only_bots: bool,
    active: bool | None,
) -> tuple[Query[MembershipRec], list[MembershipRec] | Any, list[Callable[[MembershipRec], bool]]]:
    """The query, the candidate records (narrowed through an index when an
    AND filter names actor ids, user ids or emails) and the always-AND
    predicates (account, only_users/only_bots, active)."""
    candidates: Any = store.memberships.values()
    any_of = False
    q: Query[MembershipRec] = Query()
    for f in criteria:
        if f is None:
            continue
        any_of = any_of or f.operator == Operator.or_
        q.column(f.account_role_id, lambda m: m.account_role_id)
        q.column(f.user_id, lambda m: m.user_id)
        q.column(f.email, lambda m: (u.email if (u := _user(store, m)) else None), casefold=True)
        q.column(f.handle, lambda m: (u.handle if (u := _user(store, m)) else None))
        q.column(f.name, lambda m: _name(store, m))
        q.column(f.actor_id, lambda m: m.actor_id)
    q.any_of = any_of
    first = next((f for f in criteria if f is not None), None)
    if first is not None and not any_of:
        if first.actor_id and first.actor_id.any_ is not None:
            candidates = lookup(store.membership_by_actor, [(account_id, a) for a in first.actor_id.any_], store.memberships)
        elif first.email and first.email.any_ is not None:
            actors = [store.users[store.user_by_email[e.lower()]].actor_id for e in first.email.any_ if e.lower() in store.user_by_email]
            candidates = lookup(store.membership_by_actor, [(account_id, a) for a in actors], store.memberships)
        elif first.user_id and first.user_id.any_ is not None:
            actors = [store.users[u].actor_id for u in first.user_id.any_ if u in store.users]
            candidates = lookup(store.membership_by_actor, [(account_id, a) for a in actors], store.memberships)
    required: list[Callable[[MembershipRec], bool]] = [lambda m: m.account_id == account_id]
    if only_users:
        required.append(lambda m: m.user_id is not None)
    if only_bots:
        required.append(lambda m: m.bot_id is not None)
    if active is not None:
        required.append(lambda m: m.active == active)
    return q, candidates, required


def _sort_key(store: Store, sort: AccountMembershipSort) -> Callable[[MembershipRec], Any]:
    field = sort.value.rsplit("_", 1)[0]
    if field == "CREATED":
        return lambda m: m.created
    if field == "LAST_LOGIN":
        return lambda m: nulls_last(u.last_login if (u := _user(store, m)) else None)
    if field == "NAME":
        return lambda m: nulls_last(_name(store, m))
    if field == "HANDLE":
        return lambda m: nulls_last(u.handle if (u := _user(store, m)) else None)
    if field == "EMAIL":
        return lambda m: nulls_last(u.email if (u := _user(store, m)) else None)
    return lambda m: nulls_last(views.role_name(store, m))  # ACCOUNT_ROLE_NAME


@router.post(A + "/account_memberships/filter", response_model=list[AccountMembershipsResponse])
async def read_account_memberships(
    account_id: UUID,
    limit: int = LIMIT,
    offset: int = OFFSET,
    account_memberships: AccountMembershipFilter | None = Body(None, embed=True),
    sort: AccountMembershipSort | None = Body(None, embed=True),
    only_users: bool = Body(False, embed=True),
    only_bots: bool = Body(False, embed=True),
    active: bool | None = Body(None, embed=True),
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    caller.account(account_id, "read:account_membership")
    store = caller.store
    q, candidates, required = _filtered(store, account_id, [account_memberships], only_users, only_bots, active)
    rows = q.run(
        candidates,
        limit=limit,
        offset=offset,
        required=required,
        sort_key=_sort_key(store, sort) if sort else None,
        descending=bool(sort and sort.value.endswith("_DESC")),
    )
    return [views.membership(store, m) for m in rows]


@router.post(A + "/account_memberships/count", response_model=int)
async def count_account_memberships(
    account_id: UUID,
    account_memberships: AccountMembershipFilter | None = Body(None, embed=True),
    filter: AccountMembershipFilter | None = Body(None, embed=True),  # noqa: A002 - the official field name
    only_users: bool = Body(False, embed=True),
    only_bots: bool = Body(False, embed=True),
    active: bool | None = Body(None, embed=True),
    caller: Caller = CallerDep,
) -> int:
    caller.account(account_id, "read:account_membership")
    q, candidates, required = _filtered(caller.store, account_id, [account_memberships, filter], only_users, only_bots, active)
    return q.count(candidates, required)


def _membership(caller: Caller, account_id: UUID, membership_id: UUID | None, permission: str) -> MembershipRec:
    caller.account(account_id, permission)
    m = caller.store.memberships.get(membership_id) if membership_id else None
    if m is None or m.account_id != account_id:
        not_found("Account membership")
    return m


@router.get(A + "/account_memberships/by-user/{user_id}", response_model=AccountMemberSummaryResponse)
async def read_account_membership_by_user(account_id: UUID, user_id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:
    store = caller.store
    user = store.users.get(user_id)
    membership_id = store.membership_by_actor.get((account_id, user.actor_id)) if user else None
    return views.membership_summary(store, _membership(caller, account_id, membership_id, "read:account_membership"))


@router.get(A + "/account_memberships/by-bot/{bot_id}", response_model=AccountMemberSummaryResponse)
async def read_account_membership_by_bot(account_id: UUID, bot_id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:
    store = caller.store
    bot = store.bots.get(bot_id)
    membership_id = store.membership_by_actor.get((account_id, bot.actor_id)) if bot else None
    return views.membership_summary(store, _membership(caller, account_id, membership_id, "read:account_membership"))


@router.get(A + "/account_memberships/{id}", response_model=AccountMemberSummaryResponse)
async def read_account_membership(account_id: UUID, id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    m = _membership(caller, account_id, id, "read:account_membership")
    if m.bot_id is not None:  # as documented: bots are read through by-bot
        not_found("Account membership")
    return views.membership_summary(caller.store, m)


@router.patch(A + "/account_memberships/{id}", status_code=204)
async def update_account_membership(
    account_id: UUID,
    id: UUID,  # noqa: A002
    account_membership: AccountMembershipUpdate,
    caller: Caller = CallerDep,
) -> Response:
    m = _membership(caller, account_id, id, "update:account_membership")
    role = caller.store.account_roles.get(account_membership.account_role_id)
    if role is None or role.account_id not in (None, account_id):
        not_found("Account role")
    caller.store.guard_last_owner({m.id: (role.id, m.active)})
    m.account_role_id = role.id
    m.updated = caller.store.now()
    return Response(status_code=204)


@router.delete(A + "/account_memberships/{id}", status_code=204)
async def delete_account_membership(account_id: UUID, id: UUID, caller: Caller = CallerDep) -> Response:  # noqa: A002
    m = _membership(caller, account_id, id, "delete:account_membership")
    caller.store.guard_last_owner({m.id: None})
    caller.store.delete_membership(m)
    return Response(status_code=204)


@router.patch(A + "/account_memberships/{id}/active", status_code=204)
async def toggle_account_membership_active(
    account_id: UUID,
    id: UUID,  # noqa: A002
    account_membership: AccountMembershipSetActive,
    caller: Caller = CallerDep,
) -> Response:
    m = _membership(caller, account_id, id, "update:account_membership")
    caller.store.guard_last_owner({m.id: (m.account_role_id, account_membership.active)})
    m.active = account_membership.active
    m.updated = caller.store.now()
    return Response(status_code=204)


@router.post(A + "/account_memberships/set_active", status_code=204)
async def bulk_set_account_membership_active(
    account_id: UUID, body: AccountMembershipBulkSetActive, caller: Caller = CallerDep
) -> Response:
    caller.account(account_id, "update:account_membership")
    # Validate every id first so that a bad id changes nothing.
    targets = [_membership(caller, account_id, mid, "update:account_membership") for mid in body.membership_ids]
    caller.store.guard_last_owner({m.id: (m.account_role_id, body.active) for m in targets})
    now = caller.store.now()
    for m in targets:
        m.active = body.active
        m.updated = now
    return Response(status_code=204)
