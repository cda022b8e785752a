"""The account event feed: query, page, count (`events.py` holds the rules).

EMULATOR ASSUMPTION (audit-events-read-permission): the official document names no permission for these routes; the account
permission `read:audit_event` (held by Owner and Admin) is required, and a caller without it
gets a 403 like any other missing permission.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Body, HTTPException, Query as QueryParam, Request

from .. import events
from ..auth import Caller, CallerDep
from ..event_models import Countable, EventCount, EventFilter, EventPage, TimeUnit
from ..store import AccountRec
from .common import A

router = APIRouter(prefix="/api")

READ_PERMISSION = "read:audit_event"
FILTER = Body(None, description="Additional optional filter criteria to narrow down the set of Events")


def _account(caller: Caller, account_id: UUID) -> AccountRec:
    return caller.account(account_id, READ_PERMISSION)


def _oldest(caller: Caller, account: AccountRec) -> Any:
    now = caller.store.now()
    oldest = events.retention_start(now, account.audit_log_retention_days)
    events.prune(caller.store.events, account.id, oldest)
    return now, oldest


def _page(request: Request, caller: Caller, account: AccountRec, flt: EventFilter, limit: int, offset: int) -> dict[str, Any]:
    now, oldest = _oldest(caller, account)
    matched = events.select(caller.store.events, account.id, flt, now, oldest)
    page = matched[offset : offset + limit]
    next_page = None
    if offset + len(page) < len(matched) and limit > 0:
        token = events.page_token(account.id, flt, limit, offset + len(page))
        next_page = str(request.url_for("read_account_events_page", account_id=account.id).include_query_params(**{"page-token": token}))
    return {"events": [events.view(e) for e in page], "total": len(matched), "next_page": next_page}


@router.post(A + "/events/filter", response_model=EventPage)
async def read_account_events(
    request: Request,
    account_id: UUID,
    filter: EventFilter | None = FILTER,  # noqa: A002 - the official field name
    limit: int = Body(50, ge=0, le=200, description="The number of events to return with each page"),
    caller: Caller = CallerDep,
) -> dict[str, Any]:
    account = _account(caller, account_id)
    flt = events.pinned(filter or EventFilter(), caller.store.now())
    return _page(request, caller, account, flt, limit, 0)


@router.get(A + "/events/filter/next", response_model=EventPage)
async def read_account_events_page(
    request: Request,
    account_id: UUID,
    page_token: str = QueryParam(..., alias="page-token"),
    caller: Caller = CallerDep,
) -> dict[str, Any]:
    account = _account(caller, account_id)
    try:
        flt, limit, offset = events.read_page_token(page_token, account_id)
    except events.BadPageToken as exc:
        raise HTTPException(422, str(exc)) from None
    return _page(request, caller, account, flt, limit, offset)


@router.post(A + "/events/count-by/{countable}", response_model=list[EventCount])
async def count_account_events(
    account_id: UUID,
    countable: Countable,
    filter: EventFilter | None = FILTER,  # noqa: A002 - the official field name
    time_unit: TimeUnit = Body(TimeUnit.day),
    time_interval: float = Body(1.0, ge=0.01),
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    account = _account(caller, account_id)
    now, oldest = _oldest(caller, account)
    flt = events.pinned(filter or EventFilter(), now)
    since, until = events.window(flt, now, oldest)
    matched = events.select(caller.store.events, account.id, flt.model_copy(update={"limit": None, "offset": None}), now, oldest)
    names = {w.id: w.handle for w in caller.store.workspaces.values() if w.account_id == account.id}
    try:
        return events.count_by(matched, countable, since, until, time_unit, time_interval, names)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
