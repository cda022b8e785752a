"""Work pools, deployments and block documents: the reads that find them and their ACLs.

Only what the object-access routes of the official document need: the ``/filter`` reads and
the by-name and by-id reads of each kind, ``GET``/``PUT .../access`` and ``POST .../my-access``.
The objects themselves come from the seed and the populate hook (``objects.py``). Who may see
and change what is ``object_access.py``'s business: an object the caller may not view is left
out of lists and is a 404 when asked for.

EMULATOR ASSUMPTION (object-filter-unevaluated-422): a filter criterion the emulator does not evaluate (flow-run criteria,
tags, ``operator: or_``, ...) is refused with a 422 that names it, rather than ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Body, HTTPException, Response

from .. import object_access as acl
from ..auth import Caller, CallerDep
from ..object_models import (
    BlockDocument,
    BlockDocumentAccessControl,
    BlockDocumentFilter,
    BlockDocumentSort,
    BlockSchemaFilter,
    BlockTypeFilter,
    DeploymentAccessControl,
    DeploymentFilter,
    DeploymentResponse,
    DeploymentSort,
    Flow,
    FlowFilter,
    FlowRunFilter,
    FlowSort,
    ReplaceBlockDocumentAccess,
    ReplaceDeploymentAccess,
    ReplaceWorkPoolAccess,
    TaskRunFilter,
    WorkPoolAccessControl,
    WorkPoolFilter,
    WorkPoolResponse,
    WorkPoolSort,
    WorkQueueFilter,
)
from ..objects import BlockDocumentRec, BlockTypeRec, DeploymentRec, FlowRec, WorkPoolRec
from ..query import Query, nulls_last
from ..store import Store, WorkspaceRec
from .common import W

router = APIRouter(prefix="/api")

# EMULATOR ASSUMPTION (object-filter-page-200): the page size when a filter gives no limit, and the most rows one page holds.
PAGE = 200
LIMIT = Body(None, ge=0)
OFFSET = Body(0, ge=0)
# The criteria operators Query.column evaluates.
EVALUATED_OPERATORS = {"any_", "not_any_", "like_"}


def _not_found(kind: str) -> HTTPException:  # EMULATOR ASSUMPTION (object-acl-hidden-object-404)
    return HTTPException(404, f"{acl.LABELS[kind].capitalize()} not found.")


def _unevaluated(where: str) -> HTTPException:
    return HTTPException(422, f"The emulator does not evaluate the filter criterion {where}.")


def _workspace(caller: Caller, account_id: UUID, workspace_id: UUID, scope: str) -> tuple[WorkspaceRec, set[str]]:
    ws = caller.workspace(account_id, workspace_id, scope)
    return ws, caller.scopes(ws)


def _criteria(q: Query[Any], flt: Any, columns: dict[str, Callable[[Any], Any]], where: str) -> None:
    """Adds one filter object's criteria (``work_pools: {name: {any_: [...]}}``) to ``q``."""
    if flt is None:
        return
    operator = getattr(flt, "operator", None)  # BlockTypeFilter has none
    if operator is not None and operator.value != "and_":
        raise _unevaluated(f"{where}.operator={operator.value}")
    for name in sorted(flt.model_fields_set - {"operator"}):
        criterion = getattr(flt, name)
        if criterion is None:
            continue
        if name not in columns:
            raise _unevaluated(f"{where}.{name}")
        extra = sorted(n for n in criterion.model_fields_set - EVALUATED_OPERATORS if getattr(criterion, n) not in (None, []))
        if extra:
            raise _unevaluated(f"{where}.{name}.{extra[0]}")
        q.column(criterion, columns[name])


def _refuse_set(**filters: Any) -> None:
    for where, flt in filters.items():
        if flt is not None:
            raise _unevaluated(where)


def _page(rows: Iterable[Any], limit: int | None, offset: int, sort_key: Callable[[Any], Any], descending: bool) -> list[Any]:
    size = PAGE if limit is None else min(limit, PAGE)
    return Query[Any]().run(rows, limit=size, offset=offset, sort_key=sort_key, descending=descending)


def _stamps(rec: Any) -> dict[str, Any]:
    return {"id": rec.id, "created": rec.created, "updated": rec.updated}


# ---- views -----------------------------------------------------------------------------------
def work_pool_view(rec: WorkPoolRec) -> dict[str, Any]:
    return {
        **_stamps(rec),
        "name": rec.name,
        "type": rec.type,
        "description": rec.description,
        "default_queue_id": rec.default_queue_id,
        "base_job_template": {},
        "is_paused": False,
        "concurrency_limit": None,
        "status": "NOT_READY",
        "storage_configuration": {"bundle_upload_step": None, "bundle_execution_step": None, "default_result_storage_block_id": None},
    }


def flow_view(rec: FlowRec) -> dict[str, Any]:
    return {**_stamps(rec), "name": rec.name, "tags": [], "labels": {}}


def deployment_view(rec: DeploymentRec) -> dict[str, Any]:
    return {
        **_stamps(rec),
        "name": rec.name,
        "flow_id": rec.flow_id,
        "work_pool_name": rec.work_pool_name,
        "work_queue_name": "default" if rec.work_pool_name else None,
        "tags": [],
        "labels": {},
        "parameters": {},
        "job_variables": {},
        "schedules": [],
        "status": "NOT_READY",
    }


def block_type_view(rec: BlockTypeRec) -> dict[str, Any]:
    return {**_stamps(rec), "name": rec.name, "slug": rec.slug}


def block_document_view(store: Store, rec: BlockDocumentRec) -> dict[str, Any]:
    block_type = store.objects.block_types[rec.block_type_id]
    return {
        **_stamps(rec),
        "name": rec.name,
        "data": {},  # EMULATOR ASSUMPTION (block-documents-no-data): no block data is kept, so never a secret
        "block_schema_id": block_type.block_schema_id,
        "block_type_id": block_type.id,
        "block_type_name": block_type.name,
        "block_type": block_type_view(block_type),
        "block_document_references": {},
        "is_anonymous": False,
    }


# ---- the ACL routes, the same for every kind ------------------------------------------------------
def _read_access(caller: Caller, scopes: set[str], kind: str, rec: Any) -> dict[str, Any]:
    if rec is None or not acl.visible(caller, scopes, kind, rec):
        raise _not_found(kind)
    return acl.render(caller.store, kind, rec.access)


def _set_access(caller: Caller, account_id: UUID, scopes: set[str], kind: str, rec: Any, body: Any) -> Response:
    if rec is None or not acl.visible(caller, scopes, kind, rec):
        raise _not_found(kind)
    acl.require_manage(caller, scopes, kind, rec)
    rec.access = acl.replacement(caller.store, account_id, kind, body)
    rec.updated = caller.store.now()
    return Response(status_code=204)


def _my_access(caller: Caller, scopes: set[str], kind: str, found: dict[str, Any]) -> dict[str, list[str]]:
    """``{asked id or name: levels}`` for the objects found that the caller may view.

    EMULATOR ASSUMPTION (object-acl-my-access-shape)
    """
    return {
        key: acl.levels_held(caller, scopes, kind, rec)
        for key, rec in found.items()
        if rec is not None and acl.visible(caller, scopes, kind, rec)
    }


# ---- work pools ------------------------------------------------------------------------------------
def _work_pool(caller: Caller, ws: WorkspaceRec, name: str) -> WorkPoolRec | None:
    return caller.store.objects.work_pool_named(ws.id, name)


@router.post(W + "/work_pools/filter", response_model=list[WorkPoolResponse])
async def read_work_pools(
    account_id: UUID,
    workspace_id: UUID,
    work_pools: WorkPoolFilter | None = Body(None, embed=True),
    limit: int = LIMIT,
    offset: int = OFFSET,
    sort: WorkPoolSort = Body(WorkPoolSort.NAME_ASC, embed=True),
    exclude_base_job_template: bool = Body(False, embed=True),
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    ws, scopes = _workspace(caller, account_id, workspace_id, "see_work_pools")
    q: Query[WorkPoolRec] = Query()
    _criteria(q, work_pools, {"id": lambda r: r.id, "name": lambda r: r.name, "type": lambda r: r.type}, "work_pools")
    rows = [r for r in caller.store.objects.in_workspace(caller.store.objects.work_pools, ws.id) if q.matches(r)]
    rows = [r for r in rows if acl.visible(caller, scopes, "work_pool", r)]
    page = _page(rows, limit, offset, lambda r: nulls_last(r.name), sort == WorkPoolSort.NAME_DESC)
    return [work_pool_view(r) for r in page]


@router.post(W + "/work_pools/my-access")
async def read_actors_work_pool_access(
    account_id: UUID,
    workspace_id: UUID,
    work_pool_ids: list[UUID] = Body([], embed=True),
    work_pool_names: list[str] = Body([], embed=True),
    caller: Caller = CallerDep,
) -> dict[str, list[str]]:
    ws, scopes = _workspace(caller, account_id, workspace_id, "see_work_pools")
    objects = caller.store.objects
    found: dict[str, Any] = {}
    for pool_id in work_pool_ids:
        rec = objects.work_pools.get(pool_id)
        found[str(pool_id)] = rec if rec is not None and rec.workspace_id == ws.id else None
    for name in work_pool_names:
        found[name] = _work_pool(caller, ws, name)
    return _my_access(caller, scopes, "work_pool", found)


@router.get(W + "/work_pools/{name}", response_model=WorkPoolResponse)
async def read_work_pool(account_id: UUID, workspace_id: UUID, name: str, caller: Caller = CallerDep) -> dict[str, Any]:
    ws, scopes = _workspace(caller, account_id, workspace_id, "see_work_pools")
    rec = _work_pool(caller, ws, name)
    if rec is None or not acl.visible(caller, scopes, "work_pool", rec):
        raise _not_found("work_pool")
    return work_pool_view(rec)


@router.get(W + "/work_pools/{name}/access", response_model=WorkPoolAccessControl)
async def read_work_pool_access(account_id: UUID, workspace_id: UUID, name: str, caller: Caller = CallerDep) -> dict[str, Any]:
    ws, scopes = _workspace(caller, account_id, workspace_id, "see_work_pools")
    return _read_access(caller, scopes, "work_pool", _work_pool(caller, ws, name))


@router.put(W + "/work_pools/{name}/access", status_code=204)
async def set_work_pool_access(
    account_id: UUID,
    workspace_id: UUID,
    name: str,
    access_control: ReplaceWorkPoolAccess = Body(..., embed=True),
    caller: Caller = CallerDep,
) -> Response:
    ws, scopes = _workspace(caller, account_id, workspace_id, "manage_work_pools")
    return _set_access(caller, account_id, scopes, "work_pool", _work_pool(caller, ws, name), access_control)


# ---- flows and deployments -------------------------------------------------------------------------
FLOW_COLUMNS: dict[str, Callable[[Any], Any]] = {"id": lambda r: r.id, "name": lambda r: r.name}


def _deployment(caller: Caller, ws: WorkspaceRec, deployment_id: UUID) -> DeploymentRec | None:
    rec = caller.store.objects.deployments.get(deployment_id)
    return rec if rec is not None and rec.workspace_id == ws.id else None


_SORT_KEYS: dict[str, Callable[[Any], Any]] = {
    "CREATED": lambda r: r.created,
    "UPDATED": lambda r: r.updated,
    "NAME": lambda r: nulls_last(r.name),
}


@router.post(W + "/flows/filter", response_model=list[Flow])
async def read_flows(
    account_id: UUID,
    workspace_id: UUID,
    flows: FlowFilter | None = Body(None, embed=True),
    flow_runs: FlowRunFilter | None = Body(None, embed=True),
    task_runs: TaskRunFilter | None = Body(None, embed=True),
    deployments: DeploymentFilter | None = Body(None, embed=True),
    work_pools: WorkPoolFilter | None = Body(None, embed=True),
    sort: FlowSort = Body(FlowSort.NAME_ASC, embed=True),
    limit: int = LIMIT,
    offset: int = OFFSET,
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    ws, _scopes = _workspace(caller, account_id, workspace_id, "see_flows")
    _refuse_set(flow_runs=flow_runs, task_runs=task_runs, deployments=deployments, work_pools=work_pools)
    q: Query[FlowRec] = Query()
    _criteria(q, flows, FLOW_COLUMNS, "flows")
    if flows is not None and flows.deployment is not None:
        raise _unevaluated("flows.deployment")
    rows = [r for r in caller.store.objects.in_workspace(caller.store.objects.flows, ws.id) if q.matches(r)]
    field, _, direction = sort.value.partition("_")
    return [flow_view(r) for r in _page(rows, limit, offset, _SORT_KEYS[field], direction == "DESC")]


@router.post(W + "/deployments/filter", response_model=list[DeploymentResponse])
async def read_deployments(
    account_id: UUID,
    workspace_id: UUID,
    flows: FlowFilter | None = Body(None, embed=True),
    flow_runs: FlowRunFilter | None = Body(None, embed=True),
    task_runs: TaskRunFilter | None = Body(None, embed=True),
    deployments: DeploymentFilter | None = Body(None, embed=True),
    work_pools: WorkPoolFilter | None = Body(None, embed=True),
    work_pool_queues: WorkQueueFilter | None = Body(None, embed=True),
    sort: DeploymentSort = Body(DeploymentSort.NAME_ASC, embed=True),
    limit: int = LIMIT,
    offset: int = OFFSET,
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    ws, scopes = _workspace(caller, account_id, workspace_id, "see_deployments")
    _refuse_set(flow_runs=flow_runs, task_runs=task_runs, work_pool_queues=work_pool_queues)
    objects = caller.store.objects
    q: Query[DeploymentRec] = Query()
    _criteria(q, deployments, {"id": lambda r: r.id, "name": lambda r: r.name, "flow_id": lambda r: r.flow_id}, "deployments")
    flow_q: Query[FlowRec] = Query()
    _criteria(flow_q, flows, FLOW_COLUMNS, "flows")
    pool_q: Query[WorkPoolRec] = Query()
    _criteria(pool_q, work_pools, {"id": lambda r: r.id, "name": lambda r: r.name, "type": lambda r: r.type}, "work_pools")
    rows = []
    for rec in objects.in_workspace(objects.deployments, ws.id):
        if not q.matches(rec) or not flow_q.matches(objects.flows[rec.flow_id]):
            continue
        if work_pools is not None:
            pool = objects.work_pool_named(ws.id, rec.work_pool_name) if rec.work_pool_name else None
            if pool is None or not pool_q.matches(pool):
                continue
        if acl.visible(caller, scopes, "deployment", rec):
            rows.append(rec)
    field, _, direction = sort.value.partition("_")
    return [deployment_view(r) for r in _page(rows, limit, offset, _SORT_KEYS[field], direction == "DESC")]


@router.post(W + "/deployments/my-access")
async def read_actors_deployment_access(
    account_id: UUID,
    workspace_id: UUID,
    deployment_ids: list[UUID] = Body(..., embed=True),
    caller: Caller = CallerDep,
) -> dict[str, list[str]]:
    ws, scopes = _workspace(caller, account_id, workspace_id, "see_deployments")
    return _my_access(caller, scopes, "deployment", {str(i): _deployment(caller, ws, i) for i in deployment_ids})


@router.get(W + "/deployments/name/{flow_name}/{deployment_name}", response_model=DeploymentResponse)
async def read_deployment_by_name(
    account_id: UUID, workspace_id: UUID, flow_name: str, deployment_name: str, caller: Caller = CallerDep
) -> dict[str, Any]:
    ws, scopes = _workspace(caller, account_id, workspace_id, "see_deployments")
    rec = caller.store.objects.deployment_named(ws.id, flow_name, deployment_name)
    if rec is None or not acl.visible(caller, scopes, "deployment", rec):
        raise _not_found("deployment")
    return deployment_view(rec)


@router.get(W + "/deployments/{id}", response_model=DeploymentResponse)
async def read_deployment(account_id: UUID, workspace_id: UUID, id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    ws, scopes = _workspace(caller, account_id, workspace_id, "see_deployments")
    rec = _deployment(caller, ws, id)
    if rec is None or not acl.visible(caller, scopes, "deployment", rec):
        raise _not_found("deployment")
    return deployment_view(rec)


@router.get(W + "/deployments/{id}/access", response_model=DeploymentAccessControl)
async def read_deployment_access(account_id: UUID, workspace_id: UUID, id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    ws, scopes = _workspace(caller, account_id, workspace_id, "see_deployments")
    return _read_access(caller, scopes, "deployment", _deployment(caller, ws, id))


@router.put(W + "/deployments/{id}/access", status_code=204)
async def set_deployment_access(
    account_id: UUID,
    workspace_id: UUID,
    id: UUID,  # noqa: A002
    access_control: ReplaceDeploymentAccess = Body(..., embed=True),
    caller: Caller = CallerDep,
) -> Response:
    ws, scopes = _workspace(caller, account_id, workspace_id, "manage_deployments")
    return _set_access(caller, account_id, scopes, "deployment", _deployment(caller, ws, id), access_control)


# ---- block documents ---------------------------------------------------------------------------------
def _block_document(caller: Caller, ws: WorkspaceRec, block_id: UUID) -> BlockDocumentRec | None:
    rec = caller.store.objects.block_documents.get(block_id)
    return rec if rec is not None and rec.workspace_id == ws.id else None


@router.post(W + "/block_documents/filter", response_model=list[BlockDocument])
async def read_block_documents(
    account_id: UUID,
    workspace_id: UUID,
    block_documents: BlockDocumentFilter | None = Body(None, embed=True),
    block_types: BlockTypeFilter | None = Body(None, embed=True),
    block_schemas: BlockSchemaFilter | None = Body(None, embed=True),
    include_secrets: bool = Body(False, embed=True),
    sort: BlockDocumentSort | None = Body(BlockDocumentSort.NAME_ASC, embed=True),
    limit: int = LIMIT,
    offset: int = OFFSET,
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    ws, scopes = _workspace(caller, account_id, workspace_id, "see_blocks")
    _refuse_set(block_schemas=block_schemas)
    store, objects = caller.store, caller.store.objects
    anonymous_only = False
    if block_documents is not None:
        anonymous = block_documents.is_anonymous
        anonymous_only = bool(anonymous is not None and anonymous.eq_)
        block_documents = block_documents.model_copy(update={"is_anonymous": None})
    q: Query[BlockDocumentRec] = Query()
    _criteria(
        q, block_documents, {"id": lambda r: r.id, "name": lambda r: r.name, "block_type_id": lambda r: r.block_type_id}, "block_documents"
    )
    type_q: Query[BlockTypeRec] = Query()
    _criteria(type_q, block_types, {"slug": lambda t: t.slug, "name": lambda t: t.name}, "block_types")
    rows = []
    for rec in objects.in_workspace(objects.block_documents, ws.id):
        # The emulator holds no anonymous block documents.
        if anonymous_only or not q.matches(rec) or not type_q.matches(objects.block_types[rec.block_type_id]):
            continue
        if acl.visible(caller, scopes, "block_document", rec):
            rows.append(rec)
    if sort == BlockDocumentSort.BLOCK_TYPE_AND_NAME_ASC:
        key: Callable[[Any], Any] = lambda r: (objects.block_types[r.block_type_id].name.lower(), r.name.lower())  # noqa: E731
    else:
        key = lambda r: nulls_last(r.name)  # noqa: E731
    return [block_document_view(store, r) for r in _page(rows, limit, offset, key, sort == BlockDocumentSort.NAME_DESC)]


@router.post(W + "/block_documents/my-access")
async def read_actors_block_document_access(
    account_id: UUID,
    workspace_id: UUID,
    block_document_ids: list[UUID] = Body(..., embed=True),
    caller: Caller = CallerDep,
) -> dict[str, list[str]]:
    ws, scopes = _workspace(caller, account_id, workspace_id, "see_blocks")
    return _my_access(caller, scopes, "block_document", {str(i): _block_document(caller, ws, i) for i in block_document_ids})


@router.get(W + "/block_documents/{id}", response_model=BlockDocument)
async def read_block_document_by_id(
    account_id: UUID, workspace_id: UUID, id: UUID, include_secrets: bool = False, caller: Caller = CallerDep  # noqa: A002
) -> dict[str, Any]:
    ws, scopes = _workspace(caller, account_id, workspace_id, "see_blocks")
    rec = _block_document(caller, ws, id)
    if rec is None or not acl.visible(caller, scopes, "block_document", rec):
        raise _not_found("block_document")
    return block_document_view(caller.store, rec)


@router.get(W + "/block_types/slug/{slug}/block_documents/name/{block_document_name}", response_model=BlockDocument)
async def read_block_document_by_name_for_block_type(
    account_id: UUID,
    workspace_id: UUID,
    slug: str,
    block_document_name: str,
    include_secrets: bool = False,
    caller: Caller = CallerDep,
) -> dict[str, Any]:
    ws, scopes = _workspace(caller, account_id, workspace_id, "see_blocks")
    rec = caller.store.objects.block_document_named(ws.id, slug, block_document_name)
    if rec is None or not acl.visible(caller, scopes, "block_document", rec):
        raise _not_found("block_document")
    return block_document_view(caller.store, rec)


@router.get(W + "/block_documents/{id}/access", response_model=BlockDocumentAccessControl)
async def read_block_document_access(account_id: UUID, workspace_id: UUID, id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    ws, scopes = _workspace(caller, account_id, workspace_id, "see_blocks")
    return _read_access(caller, scopes, "block_document", _block_document(caller, ws, id))


@router.put(W + "/block_documents/{id}/access", status_code=204)
async def set_block_document_access(
    account_id: UUID,
    workspace_id: UUID,
    id: UUID,  # noqa: A002
    access_control: ReplaceBlockDocumentAccess = Body(..., embed=True),
    caller: Caller = CallerDep,
) -> Response:
    ws, scopes = _workspace(caller, account_id, workspace_id, "manage_blocks")
    return _set_access(caller, account_id, scopes, "block_document", _block_document(caller, ws, id), access_control)
