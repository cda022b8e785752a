"""`/api/me/...` (the calling actor) and `/api/users/{id}...`."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Body, HTTPException, Query as QueryParam, Request, Response

from .. import views
from ..auth import Caller, CallerDep
from ..catalogue import WORKSPACE_SCOPES
from ..models import (
    APIKeyCreate,
    APIKeyCreateResponse,
    APIKeyFilter,
    APIKeyReadResponse,
    AccountPermission,
    MeReadResponse,
    User,
    UserAccountResponse,
    UserOrganizationResponse,
    UserSessionFilter,
    UserSessionResponse,
    UserUpdate,
    UserWorkspaceResponse,
    WorkspaceScopeName,
)
from ..query import Query
from ..store import ApiKeyRec, UserRec
from .common import LIMIT, MULTIPART_FILE, OFFSET, not_found, require_future

router = APIRouter(prefix="/api")


# ---- the calling actor --------------------------------------------------------
@router.get("/me/", response_model=MeReadResponse)
async def read_my_profile(caller: Caller = CallerDep) -> dict[str, Any]:
    if caller.user:
        u = caller.user
        return {
            "id": u.id,
            "handle": u.handle,
            "first_name": u.first_name,
            "last_name": u.last_name,
            "email": u.email,
            "location": u.location,
            "settings": u.settings,
        }
    # EMULATOR ASSUMPTION (me-with-bot-key): a bot key gets its bot squeezed into the user shape.
    b = caller.bot
    assert b is not None
    return {"id": b.id, "handle": b.name, "first_name": b.name, "last_name": "", "email": f"{b.id}@bots.emulator.invalid"}


# EMULATOR ASSUMPTION (secondary-endpoints-empty)
@router.get("/me/sessions", response_model=list[UserSessionResponse])
async def read_my_sessions(caller: Caller = CallerDep) -> list[Any]:
    return []  # API keys only: there are no UI sessions in the emulator


@router.post("/me/sessions/filter", response_model=list[UserSessionResponse])
async def filter_my_sessions(
    filter: UserSessionFilter | None = Body(None, embed=True),  # noqa: A002 - the official field name
    limit: int = LIMIT,
    offset: int = OFFSET,
    caller: Caller = CallerDep,
) -> list[Any]:
    return []


@router.post("/me/sessions/{session_id}/terminate")
async def terminate_my_session(session_id: UUID, caller: Caller = CallerDep) -> None:
    not_found("Session")


def _my_keys(caller: Caller) -> list[ApiKeyRec]:
    owner = caller.user.id if caller.user else caller.bot.id  # type: ignore[union-attr]
    return caller.store.keys_of(owner)


@router.get("/me/api_keys", response_model=list[APIKeyReadResponse])
async def read_my_api_keys(name: str | None = None, caller: Caller = CallerDep) -> list[dict[str, Any]]:
    return [views.key_read(k) for k in _my_keys(caller) if name is None or k.name == name]


@router.post("/me/api_keys/filter")
async def filter_my_api_keys(
    api_keys: APIKeyFilter | None = Body(None, embed=True),
    limit: int = LIMIT,
    offset: int = OFFSET,
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    q: Query[ApiKeyRec] = Query()
    q.column(api_keys.name if api_keys else None, lambda k: k.name)
    return [views.key_read(k) for k in q.run(_my_keys(caller), limit=limit, offset=offset)]


def _my_account_rows(caller: Caller) -> list[dict[str, Any]]:
    store = caller.store
    rows = []
    for membership_id in store.memberships_of_actor.get(caller.actor_id, {}):
        m = store.memberships[membership_id]
        a = store.accounts[m.account_id]
        rows.append(
            {
                "account_membership_id": m.id,
                "account_id": a.id,
                "account_name": a.name,
                "account_role_name": views.role_name(store, m),
                "account_handle": a.handle,
                "account_plan_type": a.plan_type,
                "account_plan_tier": a.plan_tier,
                "account_plan_features": [],
            }
        )
    return rows


@router.get("/me/accounts", response_model=list[UserAccountResponse])
async def read_my_accounts(caller: Caller = CallerDep) -> list[dict[str, Any]]:
    return _my_account_rows(caller)


@router.get("/me/organizations", response_model=list[UserOrganizationResponse])
async def read_my_organizations(caller: Caller = CallerDep) -> list[dict[str, Any]]:
    return [r for r in _my_account_rows(caller) if r["account_plan_type"] == "ORGANIZATION"]


@router.get("/me/accounts/has_permission", response_model=list[UUID])
async def read_my_accounts_with_permission(
    permission: AccountPermission = QueryParam(),  # type: ignore[valid-type]
    caller: Caller = CallerDep,
) -> list[UUID]:
    store = caller.store
    accounts = [store.memberships[m].account_id for m in store.memberships_of_actor.get(caller.actor_id, {})]
    return [a for a in accounts if permission.value in caller.permissions(a)]


@router.get("/me/accounts/{account_id}/permissions", response_model=list[AccountPermission])  # type: ignore[valid-type]
async def read_my_account_permissions(account_id: UUID, caller: Caller = CallerDep) -> list[str]:
    caller.account(account_id)
    return caller.permissions(account_id)


@router.get("/me/accounts/{account_id}/has_permission", response_model=bool)
async def check_my_account_permissions(
    account_id: UUID,
    permission: AccountPermission = QueryParam(),  # type: ignore[valid-type]
    caller: Caller = CallerDep,
) -> bool:
    caller.account(account_id)
    return permission.value in caller.permissions(account_id)


@router.delete("/me/accounts/{account_id}", status_code=204)
async def leave_account(account_id: UUID, caller: Caller = CallerDep) -> Response:
    caller.account(account_id)
    membership = caller.membership(account_id)
    assert membership is not None
    caller.store.guard_last_owner({membership.id: None})
    caller.store.delete_membership(membership)
    return Response(status_code=204)


@router.get("/me/workspaces", response_model=list[UserWorkspaceResponse])
async def read_my_workspaces(caller: Caller = CallerDep) -> list[dict[str, Any]]:
    store = caller.store
    rows = []
    for membership_id in store.memberships_of_actor.get(caller.actor_id, {}):
        account = store.accounts[store.memberships[membership_id].account_id]
        for ws in store.workspaces.values():
            if ws.account_id == account.id and caller.scopes(ws):
                rows.append(
                    {
                        "account_id": account.id,
                        "account_name": account.name,
                        "account_handle": account.handle,
                        "workspace_id": ws.id,
                        "workspace_name": ws.name,
                        "workspace_description": ws.description,
                        "workspace_handle": ws.handle,
                    }
                )
    return rows


def _my_workspace_scopes(caller: Caller, workspace_id: UUID) -> set[str]:
    ws = caller.store.workspaces.get(workspace_id)
    scopes = caller.scopes(ws) if ws else set()
    if not scopes:
        not_found("Workspace")
    return scopes


@router.get("/me/workspaces/{workspace_id}/scopes", response_model=list[str])
async def read_my_workspace_scopes(workspace_id: UUID, caller: Caller = CallerDep) -> list[str]:
    scopes = _my_workspace_scopes(caller, workspace_id)
    return [s for s in WORKSPACE_SCOPES if s in scopes]


@router.get("/me/workspaces/{workspace_id}/has_scope", response_model=bool)
async def check_my_workspace_scopes(
    workspace_id: UUID,
    scope: WorkspaceScopeName = QueryParam(),  # type: ignore[valid-type]
    caller: Caller = CallerDep,
) -> bool:
    return scope.value in _my_workspace_scopes(caller, workspace_id)


@router.delete("/me/workspaces/{workspace_id}", status_code=204)
async def leave_workspace(workspace_id: UUID, caller: Caller = CallerDep) -> Response:
    store = caller.store
    ws = store.workspaces.get(workspace_id)
    kind, subject = ("user", caller.user.id) if caller.user else ("bot", caller.bot.id)  # type: ignore[union-attr]
    access_id = store.access_by_subject.get((workspace_id, kind, subject)) if ws else None
    if ws is None or access_id is None:
        not_found("Workspace access")
    store.delete_access(store.access[access_id])
    store.drop_collaborator_if_unused(ws.account_id, caller.actor_id)
    return Response(status_code=204)


@router.put("/me/profile-image", status_code=204, openapi_extra=MULTIPART_FILE)
async def upload_my_profile_image(request: Request, caller: Caller = CallerDep) -> Response:
    await request.body()  # accepted and ignored
    return Response(status_code=204)


@router.delete("/me/profile-image", status_code=204)
async def delete_my_profile_image(caller: Caller = CallerDep) -> Response:
    return Response(status_code=204)


@router.post("/me/profile-image/reset", status_code=204)
async def reset_my_profile_image(caller: Caller = CallerDep) -> Response:
    return Response(status_code=204)


# ---- users: only the user itself may act on its record ------------------------
def _self(caller: Caller, user_id: UUID) -> UserRec:
    user = caller.store.users.get(user_id)
    if user is None:
        not_found("User")
    if caller.user is None or caller.user.id != user_id:
        raise HTTPException(403, "Requests for a user can only be made by the user itself.")
    return user


@router.get("/users/{id}", response_model=User)
async def read_user(id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    return views.user(_self(caller, id))


@router.patch("/users/{id}", status_code=204)
async def update_user(id: UUID, user: UserUpdate, caller: Caller = CallerDep) -> Response:  # noqa: A002
    rec = _self(caller, id)
    changes = user.model_dump(exclude_unset=True)
    if changes.get("email"):
        caller.store.change_user_email(rec, changes.pop("email"))
    for name, value in changes.items():
        if value is not None or name in ("location", "title", "image_location", "last_login"):
            setattr(rec, name, value)
    rec.updated = caller.store.now()
    return Response(status_code=204)


@router.delete("/users/{id}", status_code=204)
async def delete_user(id: UUID, caller: Caller = CallerDep) -> Response:  # noqa: A002
    user = _self(caller, id)
    caller.store.guard_last_owner(dict.fromkeys(caller.store.memberships_of_actor.get(user.actor_id, {})))
    caller.store.delete_user(user)
    return Response(status_code=204)


@router.post("/users/{id}/api_keys", status_code=201, response_model=APIKeyCreateResponse)
async def create_user_api_key(id: UUID, api_key: APIKeyCreate, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    user = _self(caller, id)
    require_future(caller, api_key.expiration, "expiration")
    rec, plaintext = caller.store.add_key("user", user.id, api_key.name, api_key.expiration)
    return views.key_created(rec, plaintext)


@router.get("/users/{id}/api_keys", response_model=list[APIKeyReadResponse])
async def read_user_api_keys(id: UUID, name: str | None = None, caller: Caller = CallerDep) -> list[dict[str, Any]]:  # noqa: A002
    user = _self(caller, id)
    return [views.key_read(k) for k in caller.store.keys_of(user.id) if name is None or k.name == name]


def _user_key(caller: Caller, user_id: UUID, api_key_id: UUID) -> ApiKeyRec:
    user = _self(caller, user_id)
    key = caller.store.api_keys.get(api_key_id)
    if key is None or key.owner_id != user.id:
        not_found("API key")
    return key


@router.get("/users/{id}/api_keys/{api_key_id}", response_model=APIKeyReadResponse)
async def read_user_api_key(id: UUID, api_key_id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    return views.key_read(_user_key(caller, id, api_key_id))


@router.delete("/users/{id}/api_keys/{api_key_id}", status_code=204)
async def delete_user_api_key(id: UUID, api_key_id: UUID, caller: Caller = CallerDep) -> Response:  # noqa: A002
    caller.store.delete_key(_user_key(caller, id, api_key_id))
    return Response(status_code=204)
