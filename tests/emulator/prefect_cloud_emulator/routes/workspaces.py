"""Workspaces and workspace roles."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Body, HTTPException, Response
from fastapi.responses import RedirectResponse

from .. import views
from ..auth import Caller, CallerDep
from ..catalogue import WORKSPACE_ROLE_IDS, WORKSPACE_SCOPES, expand_scopes
from ..models import (
    Workspace,
    WorkspaceCreate,
    WorkspaceFilter,
    WorkspaceRole,
    WorkspaceRoleCreate,
    WorkspaceRoleFilter,
    WorkspaceRoleUpdate,
    WorkspaceUpdate,
)
from ..query import Query, by_ids, lookup
from ..store import WorkspaceRec, WorkspaceRoleRec
from .common import A, LIMIT, OFFSET, W, not_found

router = APIRouter(prefix="/api")


# ---- workspaces -------------------------------------------------------------------
@router.post(A + "/workspaces/", status_code=201, response_model=Workspace)
async def create_workspace(account_id: UUID, workspace: WorkspaceCreate, caller: Caller = CallerDep) -> dict[str, Any]:
    caller.account(account_id, "create:workspace")
    store = caller.store
    rec = store.add_workspace(account_id, workspace.name, workspace.handle, workspace.description or "")
    if not caller.scopes(rec):
        # A creator without implicit access (a custom account role holding
        # create:workspace) would otherwise lose sight of its own workspace.
        kind, subject = ("user", caller.user.id) if caller.user else ("bot", caller.bot.id)  # type: ignore[union-attr]
        store.upsert_access(rec.id, kind, subject, WORKSPACE_ROLE_IDS["Owner"])
    return views.workspace(rec)


@router.get(W, response_model=Workspace)
async def read_workspace(account_id: UUID, workspace_id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:
    return views.workspace(caller.workspace(account_id, workspace_id, permission="read:workspace"))


@router.patch(W, status_code=204)
async def update_workspace(account_id: UUID, workspace_id: UUID, workspace: WorkspaceUpdate, caller: Caller = CallerDep) -> Response:
    rec = caller.workspace(account_id, workspace_id, "write_workspace_settings")
    store = caller.store
    changes = workspace.model_dump(exclude_unset=True)
    if "default_workspace_role_id" in changes:
        role_id = changes["default_workspace_role_id"]
        if role_id is not None:
            _workspace_role(caller, account_id, role_id, None)
        rec.default_workspace_role_id = role_id  # an explicit null clears it
    if changes.get("handle") is not None:
        store.change_workspace_handle(rec, changes["handle"])
    if changes.get("name") is not None:
        rec.name = changes["name"]
    if "description" in changes:
        rec.description = changes["description"] or ""  # null reads back as ""
    rec.updated = store.now()
    return Response(status_code=204)


@router.delete(W, status_code=204)
async def delete_workspace(account_id: UUID, workspace_id: UUID, caller: Caller = CallerDep) -> Response:
    caller.store.delete_workspace(caller.workspace(account_id, workspace_id, "manage_workspace_settings"))
    return Response(status_code=204)


@router.post(A + "/workspaces/filter", response_model=list[Workspace])
async def read_workspaces(
    account_id: UUID,
    limit: int = LIMIT,
    offset: int = OFFSET,
    workspaces: WorkspaceFilter | None = Body(None, embed=True),
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    caller.account(account_id, "read:workspace")
    store = caller.store
    q: Query[WorkspaceRec] = Query()
    candidates: Any = store.workspaces.values()
    if workspaces is not None:
        q.column(workspaces.id, lambda w: w.id).column(workspaces.handle, lambda w: w.handle)
        if workspaces.id and workspaces.id.any_ is not None:
            candidates = by_ids(workspaces.id.any_, store.workspaces)
        elif workspaces.handle and workspaces.handle.any_ is not None:
            candidates = lookup(store.workspace_by_handle, [(account_id, h) for h in workspaces.handle.any_], store.workspaces)
    # Only the workspaces the caller can see.
    required = [lambda w: w.account_id == account_id, lambda w: bool(caller.scopes(w))]
    return [views.workspace(w) for w in q.run(candidates, limit=limit, offset=offset, required=required)]


@router.get("/workspaces/{workspace_id}", status_code=200)
async def find_workspace_without_account_id(workspace_id: UUID, caller: Caller = CallerDep) -> RedirectResponse:
    ws = caller.store.workspaces.get(workspace_id)
    if ws is None or not caller.scopes(ws):
        not_found("Workspace")
    return RedirectResponse(f"/api/accounts/{ws.account_id}/workspaces/{ws.id}", status_code=307)


# ---- workspace roles ------------------------------------------------------------------
def _workspace_role(caller: Caller, account_id: UUID, role_id: UUID, permission: str | None) -> WorkspaceRoleRec:
    caller.account(account_id, permission)
    role = caller.store.workspace_roles.get(role_id)
    if role is None or role.account_id not in (None, account_id):
        not_found("Workspace role")
    return role


def _custom(role: WorkspaceRoleRec) -> WorkspaceRoleRec:
    # EMULATOR ASSUMPTION (builtin-role-immutable): built-in roles are read-only; the
    # emulator answers 403 (the real status is undocumented).
    if role.account_id is None:
        raise HTTPException(403, f"The built-in workspace role {role.name!r} cannot be modified.")
    return role


def _scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(WORKSPACE_SCOPES))
    if unknown:
        raise HTTPException(422, f"Unknown workspace scopes: {', '.join(unknown)}")
    return expand_scopes(scopes)  # EMULATOR ASSUMPTION (role-scopes-stored-expanded)


def _inherited(caller: Caller, role_id: UUID | None) -> UUID | None:
    if role_id is not None:
        base = caller.store.workspace_roles.get(role_id)
        if base is None or base.account_id is not None:
            raise HTTPException(422, "inherited_role_id must be the id of a built-in workspace role.")
    return role_id


@router.post(A + "/workspace_roles/", status_code=201, response_model=WorkspaceRole)
async def create_workspace_role(account_id: UUID, workspace_role: WorkspaceRoleCreate, caller: Caller = CallerDep) -> dict[str, Any]:
    caller.account(account_id, "create:workspace_role")
    rec = caller.store.add_workspace_role(
        account_id,
        name=workspace_role.name,
        description=workspace_role.description,
        scopes=_scopes(workspace_role.scopes),
        inherited_role_id=_inherited(caller, workspace_role.inherited_role_id),
    )
    return views.workspace_role(rec)


@router.patch(A + "/workspace_roles/{id}", status_code=204)
async def update_workspace_role(
    account_id: UUID,
    id: UUID,  # noqa: A002
    workspace_role: WorkspaceRoleUpdate,
    caller: Caller = CallerDep,
) -> Response:
    rec = _custom(_workspace_role(caller, account_id, id, "update:workspace_role"))
    changes = workspace_role.model_dump(exclude_unset=True)
    if changes.get("name") is not None:
        caller.store.rename_workspace_role(rec, changes["name"])
    if "description" in changes:
        rec.description = changes["description"] or ""
    if "scopes" in changes:  # the list replaces the role's scopes
        rec.scopes = _scopes(changes["scopes"])
    if "inherited_role_id" in changes:
        rec.inherited_role_id = _inherited(caller, changes["inherited_role_id"])
    rec.updated = caller.store.now()
    return Response(status_code=204)


@router.delete(A + "/workspace_roles/{id}", status_code=204)
async def delete_workspace_role(account_id: UUID, id: UUID, caller: Caller = CallerDep) -> Response:  # noqa: A002
    store = caller.store
    rec = _custom(_workspace_role(caller, account_id, id, "delete:workspace_role"))
    if any(a.workspace_role_id == rec.id for a in store.access.values()):
        # EMULATOR ASSUMPTION (workspace-role-in-use-409)
        raise HTTPException(409, "The workspace role is still granted in a workspace.")
    for ws in store.workspaces.values():
        if ws.default_workspace_role_id == rec.id:
            ws.default_workspace_role_id = None
    store.delete_workspace_role(rec)
    return Response(status_code=204)


@router.get(A + "/workspace_roles/{id}", response_model=WorkspaceRole)
async def read_workspace_role(account_id: UUID, id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    return views.workspace_role(_workspace_role(caller, account_id, id, "read:workspace_role"))


@router.post(A + "/workspace_roles/filter", response_model=list[WorkspaceRole])
async def read_workspace_roles(
    account_id: UUID,
    limit: int = LIMIT,
    offset: int = OFFSET,
    workspace_roles: WorkspaceRoleFilter | None = Body(None, embed=True),
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    caller.account(account_id, "read:workspace_role")
    store = caller.store
    q: Query[WorkspaceRoleRec] = Query()
    candidates: Any = store.workspace_roles.values()
    if (role_filter := workspace_roles) is not None:
        q.column(role_filter.name, lambda r: r.name)
        if role_filter.is_global is not None:
            want_global = role_filter.is_global
            q.where(lambda r: (r.account_id is None) == want_global)
        if role_filter.name and role_filter.name.any_ is not None:
            keys = [(owner, n) for n in role_filter.name.any_ for owner in (None, account_id)]
            candidates = lookup(store.workspace_role_by_name, keys, store.workspace_roles)
    required = [lambda r: r.account_id in (None, account_id)]
    return [views.workspace_role(r) for r in q.run(candidates, limit=limit, offset=offset, required=required)]
