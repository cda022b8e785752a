"""The account itself, its settings and domains, account roles, the
permission and scope catalogues, and the secondary account endpoints
(usage, image, SSO, rate limits), which return plausible empty data
(EMULATOR ASSUMPTION (secondary-endpoints-empty))."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Body, HTTPException, Query as QueryParam, Request, Response
from fastapi.responses import JSONResponse

from .. import views
from ..auth import Caller, CallerDep
from ..catalogue import ACCOUNT_PERMISSIONS, scope_catalogue
from ..models import (
    AccountPermission,
    AccountResponse,
    AccountRole,
    AccountRoleFilter,
    AccountRoleUpdate,
    AccountSettings,
    AccountSettingsUpdate,
    AccountUpdate,
    DistinctValuesResponse,
    DomainName,
    RateLimitGroupedUsageResponse,
    RateLimitStatusResponse,
    RateLimitUsageResponse,
    UsageLimitsResponse,
    WorkOSIntegrationResponse,
    WorkspaceRateLimitAllocation,
    WorkspaceRateLimitAllocationsUpsert,
    WorkspaceScope,
    WorkspaceUsageResponse,
)
from ..query import Query
from ..store import AccountRec, AccountRoleRec, DomainRec
from .common import A, IP_ALLOWLIST_UNAVAILABLE, LIMIT, MULTIPART_FILE, OFFSET, not_found

router = APIRouter(prefix="/api")


# ---- catalogues (declared before /accounts/{account_id}) ----------------------
@router.get("/workspace_scopes", response_model=list[WorkspaceScope])
async def get_workspace_scopes(caller: Caller = CallerDep) -> list[dict[str, Any]]:
    return scope_catalogue()


@router.get("/accounts/permissions", response_model=list[AccountPermission])  # type: ignore[valid-type]
async def list_permissions(caller: Caller = CallerDep) -> list[str]:
    return list(ACCOUNT_PERMISSIONS)


# ---- the account ------------------------------------------------------------------
IP_ALLOWLIST_SETTING = "enforce_ip_allowlist"


def settings_view(rec: AccountRec) -> dict[str, Any]:
    """The account settings with their defaults; an account without the IP
    allowlist feature has no `enforce_ip_allowlist` (the official CLI reads its
    absence as "not available for this account").

    EMULATOR ASSUMPTION (ip-allowlist-plan-feature)
    """
    settings = AccountSettings.model_validate(rec.settings).model_dump(mode="json")
    if not rec.ip_allowlist_available:
        del settings[IP_ALLOWLIST_SETTING]
    return settings


def refuse_unavailable_ip_allowlist(rec: AccountRec, settings: dict[str, Any]) -> None:
    if not rec.ip_allowlist_available and settings.get(IP_ALLOWLIST_SETTING) is not None:
        raise HTTPException(403, IP_ALLOWLIST_UNAVAILABLE)


@router.get(A, response_model=AccountResponse)
async def read_account(account_id: UUID, caller: Caller = CallerDep) -> Response:
    rec = caller.account(account_id, "read:account")
    body = AccountResponse.model_validate(views.account(rec)).model_dump(mode="json")
    body["settings"] = settings_view(rec)
    return JSONResponse(body)


@router.patch(A, status_code=204)
async def update_account(account_id: UUID, account: AccountUpdate, caller: Caller = CallerDep) -> Response:
    rec = caller.account(account_id, "update:account")
    changes = account.model_dump(exclude_unset=True, mode="json")
    if changes.get("handle"):
        caller.store.rename_account_handle(rec, changes.pop("handle"))
    for name, value in changes.items():
        if value is None and name in ("name", "handle", "settings"):
            continue  # required fields: an explicit null means "no change"
        if name == "settings" and not rec.ip_allowlist_available:
            # AccountSettings always carries enforce_ip_allowlist (default false);
            # only turning it on is refused, and the key is not stored.
            if value.pop(IP_ALLOWLIST_SETTING, False):
                raise HTTPException(403, IP_ALLOWLIST_UNAVAILABLE)
        setattr(rec, name, value)
    rec.updated = caller.store.now()
    return Response(status_code=204)


@router.delete(A, status_code=204)
async def delete_account(account_id: UUID, caller: Caller = CallerDep) -> Response:
    store = caller.store
    rec = caller.account(account_id, "delete:account")
    for ws in [w for w in store.workspaces.values() if w.account_id == account_id]:
        store.delete_workspace(ws)
    for team in [t for t in store.teams.values() if t.account_id == account_id]:
        store.delete_team(team)
    for bot in [b for b in store.bots.values() if b.account_id == account_id]:
        store.delete_bot(bot)
    for m in [m for m in store.memberships.values() if m.account_id == account_id]:
        store.delete_membership(m)
    for inv in [i for i in store.invitations.values() if i.account_id == account_id]:
        store.delete_invitation(inv)
    for role in [r for r in store.workspace_roles.values() if r.account_id == account_id]:
        store.delete_workspace_role(role)
    del store.accounts[rec.id]
    del store.account_by_handle[rec.handle]
    return Response(status_code=204)


@router.get(A + "/settings")
async def read_account_settings(account_id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:
    return settings_view(caller.account(account_id, "read:account"))


@router.patch(A + "/settings", status_code=204)
async def update_account_settings(account_id: UUID, settings: AccountSettingsUpdate, caller: Caller = CallerDep) -> Response:
    rec = caller.account(account_id, "update:account")
    # Partial update: only the keys sent (and not null) change.
    changes = {k: v for k, v in settings.model_dump(exclude_unset=True, mode="json").items() if v is not None}
    refuse_unavailable_ip_allowlist(rec, changes)
    rec.settings = {**rec.settings, **changes}
    rec.updated = caller.store.now()
    return Response(status_code=204)


@router.get(A + "/domains")
async def read_account_domains(account_id: UUID, caller: Caller = CallerDep) -> list[dict[str, Any]]:
    rec = caller.account(account_id, "read:account")
    return [{**views.stamps(d), "account_id": d.account_id, "name": d.name} for d in rec.domains]


@router.patch(A + "/domains", status_code=204)
async def update_account_domains(
    account_id: UUID, domain_names: list[DomainName] = Body(..., embed=True), caller: Caller = CallerDep
) -> Response:
    rec = caller.account(account_id, "update:account")
    now = caller.store.now()
    # Full replacement; a domain that stays keeps its id.
    kept = {d.name: d for d in rec.domains}
    rec.domains = [
        kept.get(name) or DomainRec(id=uuid4(), created=now, updated=now, account_id=rec.id, name=name)
        for name in dict.fromkeys(domain_names)
    ]
    return Response(status_code=204)


@router.get(A + "/usage_limits", response_model=UsageLimitsResponse)
async def read_account_usage_limits(account_id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:
    rec = caller.account(account_id, "read:account")
    limits = {**views.ACCOUNT_LIMITS, "audit_log_retention_days": rec.audit_log_retention_days}
    return {
        **{k: limits[k] for k in ("audit_log_retention_days", "automations_limit", "max_deployments_per_workspace")},
        **{k: limits[k] for k in ("mex_work_pool_limit", "non_mex_work_pool_limit", "run_retention_days", "work_pool_limit")},
        "log_rate_limit": None,
        "mex_compute_limit": None,
        "mex_concurrency_limit": None,
        "orchestration_rate_limit": None,
        "user_limit": 1000,
        "workspace_limit": 1000,
    }


@router.get(A + "/usage", response_model=list[WorkspaceUsageResponse])
async def read_account_usage(account_id: UUID, caller: Caller = CallerDep) -> list[dict[str, Any]]:
    caller.account(account_id, "read:account")
    zero = dict.fromkeys(("automations", "deployments", "mex_compute", "work_pools", "non_managed_work_pools", "managed_work_pools"), 0)
    return [{"id": w.id, "name": w.name, **zero} for w in caller.store.workspaces.values() if w.account_id == account_id]


@router.get(A + "/image")
async def get_account_image(account_id: UUID, caller: Caller = CallerDep) -> None:
    caller.account(account_id, "read:account")
    not_found("Account image")


@router.put(A + "/image", status_code=204, openapi_extra=MULTIPART_FILE)
async def upload_account_image(account_id: UUID, request: Request, caller: Caller = CallerDep) -> Response:
    caller.account(account_id, "update:account")
    await request.body()  # accepted and ignored
    return Response(status_code=204)


@router.delete(A + "/image", status_code=204)
async def delete_account_image(account_id: UUID, caller: Caller = CallerDep) -> Response:
    caller.account(account_id, "update:account")
    return Response(status_code=204)


# ---- SSO (not configured in the emulator) --------------------------------------------
@router.get(A + "/sso/setup_url", response_model=str)
async def read_sso_setup_url(account_id: UUID, caller: Caller = CallerDep) -> str:
    caller.account(account_id, "administrate:sso")
    return "https://sso.emulator.invalid/setup"


@router.get(A + "/sso/dsync_setup_url", response_model=str)
async def read_dsync_setup_url(account_id: UUID, caller: Caller = CallerDep) -> str:
    caller.account(account_id, "administrate:sso")
    return "https://sso.emulator.invalid/dsync"


@router.post(A + "/sso/validate", status_code=204)
async def validate(account_id: UUID, redirect_uri: str | None = Body(None, embed=True), caller: Caller = CallerDep) -> Response:
    caller.account(account_id, "read:account")
    return Response(status_code=204)


@router.get(A + "/sso/integrations", response_model=WorkOSIntegrationResponse)
async def integrations(account_id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:
    caller.account(account_id, "administrate:sso")
    return {"organization_id": None, "connections": [], "directories": []}


@router.delete(A + "/sso/integrations/{integration_id}", status_code=204)
async def remove_integration(account_id: UUID, integration_id: str, caller: Caller = CallerDep) -> Response:
    caller.account(account_id, "administrate:sso")
    not_found("Integration")


# ---- rate limits (no usage is recorded) ------------------------------------------------
def _window(caller: Caller, since: Any, until: Any) -> dict[str, Any]:
    now = caller.store.now()
    return {"since": since or now - timedelta(hours=1), "until": until or now, "minutes": []}


@router.get(A + "/rate-limits/status", response_model=RateLimitStatusResponse)
async def read_rate_limit_status(account_id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:
    caller.account(account_id, "read:account")
    return {"exceeded_buckets": []}


@router.get(A + "/rate-limits/usage", response_model=RateLimitUsageResponse)
async def read_rate_limit_usage(
    account_id: UUID,
    since: datetime | None = None,
    until: datetime | None = None,
    keys: list[str] = QueryParam(None, min_length=1),
    caller: Caller = CallerDep,
) -> dict[str, Any]:
    caller.account(account_id, "read:account")
    return {"account": account_id, **_window(caller, since, until), "keys": {}}


@router.get(A + "/rate-limits/usage/download")
async def download_rate_limit_usage(
    account_id: UUID,
    since: datetime | None = None,
    until: datetime | None = None,
    keys: list[str] = QueryParam(None, min_length=1),
    caller: Caller = CallerDep,
) -> Response:
    caller.account(account_id, "read:account")
    return Response("minute,key,limit,usage,requested,granted\n", media_type="text/csv")


def _grouped(caller: Caller, account_id: UUID) -> dict[str, Any]:
    caller.account(account_id, "read:account")
    return {"account": account_id, **_window(caller, None, None), "limit": 0, "groups": {}}


@router.get(A + "/rate-limits/orchestration-api", response_model=RateLimitGroupedUsageResponse)
async def read_orchestration_api_grouped_usage(
    account_id: UUID,
    since: datetime,
    until: datetime,
    group_by: str,
    workspace_id: UUID | None = None,
    api_key_name: str | None = None,
    actor_name: str | None = None,
    caller: Caller = CallerDep,
) -> dict[str, Any]:
    return _grouped(caller, account_id)


@router.get(A + "/rate-limits/events", response_model=RateLimitGroupedUsageResponse)
async def read_events_grouped_usage(
    account_id: UUID,
    since: datetime,
    until: datetime,
    group_by: str,
    workspace_id: UUID | None = None,
    api_key_name: str | None = None,
    actor_name: str | None = None,
    caller: Caller = CallerDep,
) -> dict[str, Any]:
    return _grouped(caller, account_id)


@router.get(A + "/rate-limits/api-key-names", response_model=DistinctValuesResponse)
async def list_api_key_names(
    account_id: UUID,
    since: datetime,
    until: datetime,
    search: str | None = None,
    limit: int = QueryParam(50, ge=1, le=250),
    keys: list[str] | None = QueryParam(None),
    caller: Caller = CallerDep,
) -> dict[str, Any]:
    caller.account(account_id, "read:account")
    return {"values": []}


@router.get(A + "/rate-limits/actor-names", response_model=DistinctValuesResponse)
async def list_actor_names(
    account_id: UUID,
    since: datetime,
    until: datetime,
    search: str | None = None,
    limit: int = QueryParam(50, ge=1, le=250),
    keys: list[str] | None = QueryParam(None),
    caller: Caller = CallerDep,
) -> dict[str, Any]:
    caller.account(account_id, "read:account")
    return {"values": []}


@router.get(A + "/rate-limit-allocations/", response_model=list[WorkspaceRateLimitAllocation])
async def read_workspace_rate_limit_allocations(account_id: UUID, caller: Caller = CallerDep) -> list[dict[str, Any]]:
    caller.account(account_id, "read:account")
    return []  # allocations are not stored: the emulator does not rate-limit


@router.put(A + "/rate-limit-allocations/", response_model=list[WorkspaceRateLimitAllocation])
async def upsert_workspace_rate_limit_allocations(
    account_id: UUID, allocations: WorkspaceRateLimitAllocationsUpsert, caller: Caller = CallerDep
) -> list[dict[str, Any]]:
    caller.account(account_id, "update:account")
    # Not stored: the emulator does not rate-limit. Echo what was asked for.
    now = caller.store.now()
    return [
        {"id": uuid4(), "created": now, "updated": now, "account_id": account_id, **entry.model_dump()}
        for entry in allocations.allocations
    ]


# ---- account roles --------------------------------------------------------------------------
def _account_role(caller: Caller, account_id: UUID, role_id: UUID, permission: str) -> AccountRoleRec:
    caller.account(account_id, permission)
    role = caller.store.account_roles.get(role_id)
    if role is None or role.account_id not in (None, account_id):
        not_found("Account role")
    return role


def _writable(role: AccountRoleRec) -> AccountRoleRec:
    if role.is_system_role:  # EMULATOR ASSUMPTION (builtin-role-immutable)
        raise HTTPException(403, f"The built-in account role {role.name!r} cannot be modified.")
    return role


def account_role_view(rec: AccountRoleRec) -> dict[str, Any]:
    return {**views.stamps(rec), "account_id": rec.account_id, "name": rec.name, "permissions": rec.permissions, "is_system_role": rec.is_system_role}


@router.post(A + "/account_roles/filter", response_model=list[AccountRole])
async def read_account_roles(
    account_id: UUID,
    limit: int = LIMIT,
    offset: int = OFFSET,
    account_roles: AccountRoleFilter | None = Body(None, embed=True),
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    caller.account(account_id, "read:account_role")
    q: Query[AccountRoleRec] = Query()
    q.column(account_roles.name if account_roles else None, lambda r: r.name)
    roles = (r for r in caller.store.account_roles.values() if r.account_id in (None, account_id))
    return [account_role_view(r) for r in q.run(roles, limit=limit, offset=offset)]


@router.get(A + "/account_roles/{id}", response_model=AccountRole)
async def read_account_role(account_id: UUID, id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    return account_role_view(_account_role(caller, account_id, id, "read:account_role"))


@router.patch(A + "/account_roles/{id}", status_code=204)
async def update_account_role(account_id: UUID, id: UUID, account_role: AccountRoleUpdate, caller: Caller = CallerDep) -> Response:  # noqa: A002
    role = _writable(_account_role(caller, account_id, id, "update:account_role"))
    if account_role.name is not None:
        role.name = account_role.name
    if account_role.permissions is not None:
        role.permissions = [p.value for p in account_role.permissions]
    role.updated = caller.store.now()
    return Response(status_code=204)


@router.delete(A + "/account_roles/{id}", status_code=204)
async def delete_account_role(account_id: UUID, id: UUID, caller: Caller = CallerDep) -> Response:  # noqa: A002
    role = _writable(_account_role(caller, account_id, id, "delete:account_role"))
    if any(m.account_role_id == role.id for m in caller.store.memberships.values()):
        # EMULATOR ASSUMPTION (account-role-in-use-409)
        raise HTTPException(409, "The account role is still assigned to members.")
    del caller.store.account_roles[role.id]
    return Response(status_code=204)
