"""The objects of a workspace that carry access control lists: work pools, deployments (with
their flows) and block documents (with their block types).

The emulator holds only what the object-access routes need to find these objects and keep
their ACLs: names, ids, the flow of a deployment, the block type of a block document and the
work pool a deployment runs on. They are made by the seed (``workspaces[].work_pools``,
``deployments``, ``block_documents``) and the populate hook, never through the API.

An ACL (``ObjectAccess``) keeps, per level, the actor ids (users' and bots' actor ids, or
``"*"``: anyone whose workspace role allows it) and the team ids. An object that never had
one (``access is None``) reads as ``"*"`` on every level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field, field_validator

ObjectKind = Literal["work_pool", "deployment", "block_document"]
EVERYONE = "*"

# The levels of each kind of object, highest first: each level includes the ones after it.
LEVELS: dict[str, tuple[str, ...]] = {
    "work_pool": ("manage", "run", "view"),
    "deployment": ("manage", "run", "view"),
    "block_document": ("manage", "view"),
}


@dataclass
class ObjectAccess:
    """An object's access control list, as the last PUT of it set it."""

    actor_ids: dict[str, list[str]] = field(default_factory=dict)
    team_ids: dict[str, list[UUID]] = field(default_factory=dict)

    @classmethod
    def everyone(cls, kind: str) -> ObjectAccess:
        return cls({level: [EVERYONE] for level in LEVELS[kind]}, {level: [] for level in LEVELS[kind]})

    def restricts(self) -> bool:
        """Whether this list narrows anything: some level is not exactly ``"*"`` (with no teams)."""
        return any(self.actor_ids.get(level) != [EVERYONE] or self.team_ids.get(level) for level in self.actor_ids)


@dataclass
class WorkPoolRec:
    id: UUID
    created: datetime
    updated: datetime
    workspace_id: UUID
    name: str
    type: str = "process"
    description: str | None = None
    default_queue_id: UUID = field(default_factory=uuid4)
    access: ObjectAccess | None = None


@dataclass
class FlowRec:
    id: UUID
    created: datetime
    updated: datetime
    workspace_id: UUID
    name: str


@dataclass
class DeploymentRec:
    id: UUID
    created: datetime
    updated: datetime
    workspace_id: UUID
    flow_id: UUID
    name: str
    work_pool_name: str | None = None
    access: ObjectAccess | None = None


@dataclass
class BlockTypeRec:
    id: UUID
    created: datetime
    updated: datetime
    workspace_id: UUID
    slug: str
    name: str
    block_schema_id: UUID = field(default_factory=uuid4)


@dataclass
class BlockDocumentRec:
    id: UUID
    created: datetime
    updated: datetime
    workspace_id: UUID
    block_type_id: UUID
    name: str
    access: ObjectAccess | None = None


@dataclass
class ObjectsSnapshot:
    work_pools: list[WorkPoolRec] = field(default_factory=list)
    flows: list[FlowRec] = field(default_factory=list)
    deployments: list[DeploymentRec] = field(default_factory=list)
    block_types: list[BlockTypeRec] = field(default_factory=list)
    block_documents: list[BlockDocumentRec] = field(default_factory=list)


class WorkspaceObjects:
    """Every workspace's work pools, flows, deployments, block types and block documents, indexed
    by their names within the workspace."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self.work_pools: dict[UUID, WorkPoolRec] = {}
        self.flows: dict[UUID, FlowRec] = {}
        self.deployments: dict[UUID, DeploymentRec] = {}
        self.block_types: dict[UUID, BlockTypeRec] = {}
        self.block_documents: dict[UUID, BlockDocumentRec] = {}
        self.work_pool_by_name: dict[tuple[UUID, str], UUID] = {}
        self.flow_by_name: dict[tuple[UUID, str], UUID] = {}
        self.deployment_by_name: dict[tuple[UUID, UUID, str], UUID] = {}
        self.block_type_by_slug: dict[tuple[UUID, str], UUID] = {}
        self.block_document_by_name: dict[tuple[UUID, UUID, str], UUID] = {}

    def _stamps(self) -> dict[str, Any]:
        now = self.now()
        return {"id": uuid4(), "created": now, "updated": now}

    # ---- making them (seed and populate only) -------------------------------------------
    def add_work_pool(self, workspace_id: UUID, name: str, type: str = "process", description: str | None = None) -> WorkPoolRec:  # noqa: A002
        if (workspace_id, name) in self.work_pool_by_name:
            raise ValueError(f"work pool {name!r} is listed twice")
        rec = WorkPoolRec(**self._stamps(), workspace_id=workspace_id, name=name, type=type, description=description)
        self._index_work_pool(rec)
        return rec

    def flow(self, workspace_id: UUID, name: str) -> FlowRec:
        """The flow named ``name``, made when it does not exist yet."""
        existing = self.flow_by_name.get((workspace_id, name))
        if existing is not None:
            return self.flows[existing]
        rec = FlowRec(**self._stamps(), workspace_id=workspace_id, name=name)
        self._index_flow(rec)
        return rec

    def add_deployment(self, workspace_id: UUID, flow_name: str, name: str, work_pool_name: str | None = None) -> DeploymentRec:
        flow = self.flow(workspace_id, flow_name)
        if (workspace_id, flow.id, name) in self.deployment_by_name:
            raise ValueError(f"deployment {flow_name}/{name} is listed twice")
        if work_pool_name is not None and (workspace_id, work_pool_name) not in self.work_pool_by_name:
            raise ValueError(f"deployment {flow_name}/{name}: no work pool {work_pool_name!r} in its workspace")
        rec = DeploymentRec(**self._stamps(), workspace_id=workspace_id, flow_id=flow.id, name=name, work_pool_name=work_pool_name)
        self._index_deployment(rec)
        return rec

    def block_type(self, workspace_id: UUID, slug: str) -> BlockTypeRec:
        """The block type with this slug, made when it does not exist yet (named after its slug)."""
        existing = self.block_type_by_slug.get((workspace_id, slug))
        if existing is not None:
            return self.block_types[existing]
        name = " ".join(part.capitalize() for part in slug.split("-"))
        rec = BlockTypeRec(**self._stamps(), workspace_id=workspace_id, slug=slug, name=name)
        self._index_block_type(rec)
        return rec

    def add_block_document(self, workspace_id: UUID, slug: str, name: str) -> BlockDocumentRec:
        block_type = self.block_type(workspace_id, slug)
        if (workspace_id, block_type.id, name) in self.block_document_by_name:
            raise ValueError(f"block document {slug}/{name} is listed twice")
        rec = BlockDocumentRec(**self._stamps(), workspace_id=workspace_id, block_type_id=block_type.id, name=name)
        self._index_block_document(rec)
        return rec

    # ---- indexes -----------------------------------------------------------------------
    def _index_work_pool(self, rec: WorkPoolRec) -> None:
        self.work_pools[rec.id] = rec
        self.work_pool_by_name[(rec.workspace_id, rec.name)] = rec.id

    def _index_flow(self, rec: FlowRec) -> None:
        self.flows[rec.id] = rec
        self.flow_by_name[(rec.workspace_id, rec.name)] = rec.id

    def _index_deployment(self, rec: DeploymentRec) -> None:
        self.deployments[rec.id] = rec
        self.deployment_by_name[(rec.workspace_id, rec.flow_id, rec.name)] = rec.id

    def _index_block_type(self, rec: BlockTypeRec) -> None:
        self.block_types[rec.id] = rec
        self.block_type_by_slug[(rec.workspace_id, rec.slug)] = rec.id

    def _index_block_document(self, rec: BlockDocumentRec) -> None:
        self.block_documents[rec.id] = rec
        self.block_document_by_name[(rec.workspace_id, rec.block_type_id, rec.name)] = rec.id

    # ---- lookups -----------------------------------------------------------------------
    def in_workspace(self, table: dict[UUID, Any], workspace_id: UUID) -> list[Any]:
        return [rec for rec in table.values() if rec.workspace_id == workspace_id]

    def work_pool_named(self, workspace_id: UUID, name: str) -> WorkPoolRec | None:
        rec_id = self.work_pool_by_name.get((workspace_id, name))
        return self.work_pools[rec_id] if rec_id else None

    def deployment_named(self, workspace_id: UUID, flow_name: str, name: str) -> DeploymentRec | None:
        flow_id = self.flow_by_name.get((workspace_id, flow_name))
        rec_id = self.deployment_by_name.get((workspace_id, flow_id, name)) if flow_id else None
        return self.deployments[rec_id] if rec_id else None

    def block_document_named(self, workspace_id: UUID, slug: str, name: str) -> BlockDocumentRec | None:
        type_id = self.block_type_by_slug.get((workspace_id, slug))
        rec_id = self.block_document_by_name.get((workspace_id, type_id, name)) if type_id else None
        return self.block_documents[rec_id] if rec_id else None

    # ---- cascades and persistence -----------------------------------------------------------
    def drop_workspace(self, workspace_id: UUID) -> None:
        """Forgets every object of a deleted workspace."""
        kept = self.snapshot()
        for name in ("work_pools", "flows", "deployments", "block_types", "block_documents"):
            setattr(kept, name, [rec for rec in getattr(kept, name) if rec.workspace_id != workspace_id])
        self.restore(kept)

    def snapshot(self) -> ObjectsSnapshot:
        return ObjectsSnapshot(
            work_pools=list(self.work_pools.values()),
            flows=list(self.flows.values()),
            deployments=list(self.deployments.values()),
            block_types=list(self.block_types.values()),
            block_documents=list(self.block_documents.values()),
        )

    def restore(self, snap: ObjectsSnapshot) -> None:
        self.__init__(self.now)  # type: ignore[misc]
        for pool in snap.work_pools:
            self._index_work_pool(pool)
        for flow in snap.flows:
            self._index_flow(flow)
        for deployment in snap.deployments:
            self._index_deployment(deployment)
        for block_type in snap.block_types:
            self._index_block_type(block_type)
        for block in snap.block_documents:
            self._index_block_document(block)


# ---- the seed's part: workspaces[].work_pools, deployments, block_documents -------------------
class SeedAccess(BaseModel):
    """An ACL in a seed: per level, seeded users' emails or ``"*"``. A level left out is ``["*"]``."""

    model_config = ConfigDict(extra="forbid")
    manage: list[str] = Field(default_factory=lambda: [EVERYONE])
    run: list[str] = Field(default_factory=lambda: [EVERYONE])
    view: list[str] = Field(default_factory=lambda: [EVERYONE])


class SeedWorkPool(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    type: str = "process"
    description: str | None = None
    access: SeedAccess | None = None


def _two_part(value: str) -> str:
    first, sep, second = value.partition("/")
    if not sep or not first or not second or "/" in second:
        raise ValueError(f"expected two names joined by '/', got {value!r}")
    return value


class SeedDeployment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str  # flow name / deployment name
    work_pool: str | None = None
    access: SeedAccess | None = None

    @field_validator("name")
    @classmethod
    def _flow_and_deployment(cls, value: str) -> str:
        return _two_part(value)


class SeedBlockDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str  # block type slug / block document name
    access: SeedAccess | None = None

    @field_validator("name")
    @classmethod
    def _block_type_and_name(cls, value: str) -> str:
        return _two_part(value)


def seed_access(kind: str, spec: SeedAccess | None, actor_of_email: Callable[[str], UUID]) -> ObjectAccess | None:
    if spec is None:
        return None
    unknown = sorted(spec.model_fields_set - set(LEVELS[kind]))
    if unknown:
        raise ValueError(f"a {kind.replace('_', ' ')} has no level {', '.join(unknown)} (levels: {', '.join(LEVELS[kind])})")
    access = ObjectAccess.everyone(kind)
    for level in LEVELS[kind]:
        refs = getattr(spec, level)
        access.actor_ids[level] = [ref if ref == EVERYONE else str(actor_of_email(ref)) for ref in dict.fromkeys(refs)]
    return access


def seed_objects(
    objects: WorkspaceObjects,
    workspace_id: UUID,
    work_pools: list[SeedWorkPool],
    deployments: list[SeedDeployment],
    block_documents: list[SeedBlockDocument],
    actor_of_email: Callable[[str], UUID],
) -> None:
    """Makes a seeded workspace's objects and their ACLs (``actor_of_email`` names a seeded user)."""
    for pool in work_pools:
        rec = objects.add_work_pool(workspace_id, pool.name, pool.type, pool.description)
        rec.access = seed_access("work_pool", pool.access, actor_of_email)
    for deployment in deployments:
        flow_name, _, name = deployment.name.partition("/")
        dep = objects.add_deployment(workspace_id, flow_name, name, deployment.work_pool)
        dep.access = seed_access("deployment", deployment.access, actor_of_email)
    for block in block_documents:
        slug, _, name = block.name.partition("/")
        doc = objects.add_block_document(workspace_id, slug, name)
        doc.access = seed_access("block_document", block.access, actor_of_email)
