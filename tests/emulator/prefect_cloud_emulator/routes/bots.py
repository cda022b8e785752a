"""Service accounts ("bots") and their API keys.

The plaintext key is returned only by create and rotate. A rotation with
`old_key_expires_in_seconds` > 0 keeps the old key working for that long
(it is listed in `rotating_keys`); 0 or null deletes it at once (EMULATOR
ASSUMPTION (rotation-grace-keeps-old-key, rotation-without-grace-deletes-old-key)).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Body, HTTPException, Response

from .. import views
from ..auth import Caller, CallerDep
from ..catalogue import ACCOUNT_ROLE_IDS
from ..models import BotAPIKeyReadResponse, BotCreate, BotCreateResponse, BotFilter, BotReadResponse, BotRotateAPIKey, BotUpdate
from ..query import Query, by_ids, lookup
from ..store import BotRec
from .common import A, LIMIT, OFFSET, not_found, require_future

router = APIRouter(prefix="/api")


def _bot(caller: Caller, account_id: UUID, bot_id: UUID, permission: str) -> BotRec:
    caller.account(account_id, permission)
    bot = caller.store.bots.get(bot_id)
    if bot is None or bot.account_id != account_id:
        not_found("Bot")
    return bot


def _account_role_id(caller: Caller, account_id: UUID, role_id: UUID | None) -> UUID:
    if role_id is None:
        return ACCOUNT_ROLE_IDS["Member"]  # documented default
    role = caller.store.account_roles.get(role_id)
    if role is None or role.account_id not in (None, account_id):
        not_found("Account role")
    return role_id


@router.post(A + "/bots/", status_code=201, response_model=BotCreateResponse)
async def create_bot(account_id: UUID, bot: BotCreate, caller: Caller = CallerDep) -> dict[str, Any]:
    caller.account(account_id, "create:bot")
    require_future(caller, bot.api_key_expiration, "api_key_expiration")
    role_id = _account_role_id(caller, account_id, bot.account_role_id)
    rec, plaintext = caller.store.add_bot(account_id, bot.name, role_id, bot.api_key_expiration)
    key = caller.store.active_bot_key(rec.id)
    assert key is not None
    return views.bot(caller.store, rec, views.key_created(key, plaintext))


@router.get(A + "/bots/{id}", response_model=BotReadResponse)
async def read_bot(account_id: UUID, id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    return views.bot(caller.store, _bot(caller, account_id, id, "read:bot"))


@router.patch(A + "/bots/{id}", status_code=204)
async def update_bot(account_id: UUID, id: UUID, bot: BotUpdate, caller: Caller = CallerDep) -> Response:  # noqa: A002
    store = caller.store
    rec = _bot(caller, account_id, id, "update:bot")
    if bot.account_role_id is not None:
        membership = store.membership_of(account_id, rec.actor_id)
        if membership is not None:
            role_id = _account_role_id(caller, account_id, bot.account_role_id)
            store.guard_last_owner({membership.id: (role_id, membership.active)})
            membership.account_role_id = role_id
            membership.updated = store.now()
    if bot.name is not None:
        store.rename_bot(rec, bot.name)
    rec.updated = store.now()
    return Response(status_code=204)


@router.delete(A + "/bots/{id}", status_code=204)
async def delete_bot(account_id: UUID, id: UUID, caller: Caller = CallerDep) -> Response:  # noqa: A002
    rec = _bot(caller, account_id, id, "delete:bot")
    caller.store.guard_last_owner(dict.fromkeys(caller.store.memberships_of_actor.get(rec.actor_id, {})))
    caller.store.delete_bot(rec)
    return Response(status_code=204)


@router.post(A + "/bots/filter", response_model=list[BotReadResponse])
async def read_bots(
    account_id: UUID,
    limit: int = LIMIT,
    offset: int = OFFSET,
    service_accounts: BotFilter | None = Body(None, embed=True),
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    caller.account(account_id, "read:bot")
    store = caller.store
    q: Query[BotRec] = Query()
    candidates: Any = store.bots.values()
    if service_accounts is not None:
        q.column(service_accounts.id, lambda b: b.id).column(service_accounts.name, lambda b: b.name)
        if service_accounts.id and service_accounts.id.any_ is not None:
            candidates = by_ids(service_accounts.id.any_, store.bots)
        elif service_accounts.name and service_accounts.name.any_ is not None:
            candidates = lookup(store.bot_by_name, [(account_id, n) for n in service_accounts.name.any_], store.bots)
    rows = q.run(candidates, limit=limit, offset=offset, required=[lambda b: b.account_id == account_id])
    return [views.bot(store, b) for b in rows]


@router.post(A + "/bots/{id}/rotate_api_key", status_code=201, response_model=BotCreateResponse)
async def rotate_api_key(
    account_id: UUID,
    id: UUID,  # noqa: A002
    bot_rotate_key: BotRotateAPIKey | None = Body(None),
    caller: Caller = CallerDep,
) -> dict[str, Any]:
    store = caller.store
    rec = _bot(caller, account_id, id, "update:bot")
    body = bot_rotate_key or BotRotateAPIKey()
    require_future(caller, body.api_key_expiration, "api_key_expiration")
    now = store.now()
    old = store.active_bot_key(rec.id)
    if old is not None:
        if body.old_key_expires_in_seconds:
            grace_end = now + timedelta(seconds=body.old_key_expires_in_seconds)
            old.expiration = min(old.expiration, grace_end) if old.expiration else grace_end
            old.rotating = True
        else:  # 0 or null: the old key stops working at once
            store.delete_key(old)
    new, plaintext = store.add_key("bot", rec.id, f"{rec.name}-key", body.api_key_expiration)
    rec.updated = now
    return views.bot(store, rec, views.key_created(new, plaintext))


@router.get(A + "/bots/{id}/read_bot_api_keys", response_model=BotAPIKeyReadResponse)
async def read_bot_api_keys(account_id: UUID, id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    store = caller.store
    rec = _bot(caller, account_id, id, "read:bot")
    store.purge_expired_rotating_keys(rec.id)
    active = store.active_bot_key(rec.id)
    if active is None:
        not_found("Active API key")
    rotating = [views.key_read(k) for k in store.keys_of(rec.id) if k.rotating]
    return {"active_key": views.key_read(active), "rotating_keys": rotating}


@router.delete(A + "/bots/{id}/delete_bot_api_key/{api_key_id}", status_code=200)
async def delete_bot_api_key(account_id: UUID, id: UUID, api_key_id: UUID, caller: Caller = CallerDep) -> None:  # noqa: A002
    store = caller.store
    rec = _bot(caller, account_id, id, "update:bot")
    key = store.api_keys.get(api_key_id)
    if key is None or key.owner_id != rec.id:
        not_found("API key")
    if not key.rotating:
        # EMULATOR ASSUMPTION (active-bot-key-undeletable): a bot always keeps one active key; rotate instead.
        raise HTTPException(422, "The active API key cannot be deleted; rotate it instead.")
    store.delete_key(key)
