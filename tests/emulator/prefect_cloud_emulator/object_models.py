"""Request and response models of the object-access routes (work pools, deployments, block
documents, and the reads that find them).

Class and field names follow the schemas of the official document that describes these routes
(``prefect_cloud_access_events_openapi.json``), field by field, so that the emulator's own
/openapi.json lines up with it (``tests/test_contract_objects.py``). Fields the official schema
does not require and does not let be null default to ``None`` without admitting null: a client
may leave them out but not send null. Where a response field may hold one of several kinds of
object, the emulator declares only the first (it never fills such a field).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import Field

from .models import Loose, ObjectActorAccess, Strict


class BlockDocumentFilterBlockTypeId(Strict):
    any_: list[UUID] | None = None


class BlockDocumentFilterId(Strict):
    any_: list[UUID] | None = None


class BlockDocumentFilterIsAnonymous(Strict):
    eq_: bool | None = None


class BlockDocumentFilterName(Strict):
    any_: list[str] | None = None
    like_: str | None = None


class FilterOperator(str, Enum):
    and_ = "and_"
    or_ = "or_"


class BlockDocumentFilter(Strict):
    block_type_id: BlockDocumentFilterBlockTypeId | None = None
    id: BlockDocumentFilterId | None = None
    is_anonymous: BlockDocumentFilterIsAnonymous | None = Field(default_factory=lambda: BlockDocumentFilterIsAnonymous(eq_=False))
    name: BlockDocumentFilterName | None = None
    operator: FilterOperator = FilterOperator.and_


class BlockSchemaFilterCapabilities(Strict):
    all_: list[str] | None = None


class BlockSchemaFilterBlockTypeId(Strict):
    any_: list[UUID] | None = None


class BlockSchemaFilterId(Strict):
    any_: list[UUID] | None = None


class BlockSchemaFilterVersion(Strict):
    any_: list[str] | None = None


class BlockSchemaFilter(Strict):
    block_capabilities: BlockSchemaFilterCapabilities | None = None
    block_type_id: BlockSchemaFilterBlockTypeId | None = None
    id: BlockSchemaFilterId | None = None
    operator: FilterOperator = FilterOperator.and_
    version: BlockSchemaFilterVersion | None = None


class BlockTypeFilterName(Strict):
    like_: str | None = None


class BlockTypeFilterSlug(Strict):
    any_: list[str] | None = None


class BlockTypeFilter(Strict):
    name: BlockTypeFilterName | None = None
    slug: BlockTypeFilterSlug | None = None


class BlockDocumentSort(str, Enum):
    NAME_DESC = "NAME_DESC"
    NAME_ASC = "NAME_ASC"
    BLOCK_TYPE_AND_NAME_ASC = "BLOCK_TYPE_AND_NAME_ASC"


class ReplaceBlockDocumentAccess(Strict):
    manage_actor_ids: list[UUID | Literal["*"]]
    manage_team_ids: list[UUID] = None
    view_actor_ids: list[UUID | Literal["*"]]
    view_team_ids: list[UUID] = None


class DeploymentFilterBase(Strict):
    any_: list[str] | None = None
    operator: FilterOperator = FilterOperator.and_


class DeploymentFilterBranch(Strict):
    any_: list[str] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_


class DeploymentFilterConcurrencyLimit(Strict):
    ge_: int | None = None
    is_null_: bool | None = None
    le_: int | None = None


class DeploymentFilterCreatedBy(Strict):
    id_: list[UUID] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_
    type_: list[str] | None = None


class DeploymentFilterFlowId(Strict):
    any_: list[UUID] | None = None


class DeploymentOrFlowNameFilter(Strict):
    like_: str | None = None


class DeploymentFilterId(Strict):
    any_: list[UUID] | None = None
    not_any_: list[UUID] | None = None


class DeploymentFilterIsScheduleActive(Strict):
    eq_: bool | None = None


class DeploymentFilterName(Strict):
    any_: list[str] | None = None
    like_: str | None = None


class DeploymentFilterPaused(Strict):
    eq_: bool | None = None


class DeploymentFilterRoot(Strict):
    any_: list[str] | None = None
    operator: FilterOperator = FilterOperator.and_


class DeploymentStatus(str, Enum):
    READY = "READY"
    NOT_READY = "NOT_READY"
    DISABLED = "DISABLED"


class DeploymentFilterStatus(Strict):
    any_: list[DeploymentStatus] | None = None


class DeploymentFilterTags(Strict):
    all_: list[str] | None = None
    any_: list[str] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_


class DeploymentFilterUpdatedBy(Strict):
    id_: list[UUID] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_
    type_: list[str] | None = None


class DeploymentFilterWorkQueueId(Strict):
    any_: list[UUID] | None = None


class DeploymentFilterWorkQueueName(Strict):
    any_: list[str] | None = None


class DeploymentFilter(Strict):
    base: DeploymentFilterBase | None = None
    branch: DeploymentFilterBranch | None = None
    concurrency_limit: DeploymentFilterConcurrencyLimit | None = None
    created_by: DeploymentFilterCreatedBy | None = None
    flow_id: DeploymentFilterFlowId | None = None
    flow_or_deployment_name: DeploymentOrFlowNameFilter | None = None
    id: DeploymentFilterId | None = None
    is_schedule_active: DeploymentFilterIsScheduleActive | None = None
    name: DeploymentFilterName | None = None
    operator: FilterOperator = FilterOperator.and_
    paused: DeploymentFilterPaused | None = None
    root: DeploymentFilterRoot | None = None
    status: DeploymentFilterStatus | None = None
    tags: DeploymentFilterTags | None = None
    updated_by: DeploymentFilterUpdatedBy | None = None
    work_queue_id: DeploymentFilterWorkQueueId | None = None
    work_queue_name: DeploymentFilterWorkQueueName | None = None


class FlowRunFilterCreatedBy(Strict):
    id_: list[UUID] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_
    type_: list[str] | None = None


class FlowRunFilterDeploymentId(Strict):
    any_: list[UUID] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_


class FlowRunFilterDeploymentVersionId(Strict):
    any_: list[UUID] | None = None
    deployment_id: UUID
    operator: FilterOperator = FilterOperator.and_


class VersionInfo(Loose):
    type: str
    version: str


class FlowRunFilterDeploymentVersionInfo(Strict):
    any_: list[VersionInfo] | None = None
    deployment_id: UUID
    operator: FilterOperator = FilterOperator.and_


class FlowRunFilterEndTime(Strict):
    after_: datetime | None = None
    before_: datetime | None = None
    is_null_: bool | None = None


class FlowRunFilterExpectedStartTime(Strict):
    after_: datetime | None = None
    before_: datetime | None = None


class FlowRunFilterFlowId(Strict):
    any_: list[UUID] | None = None
    operator: FilterOperator = FilterOperator.and_


class FlowRunFilterFlowVersion(Strict):
    any_: list[str] | None = None


class FlowRunFilterId(Strict):
    any_: list[UUID] | None = None
    not_any_: list[UUID] | None = None


class FlowRunFilterIdempotencyKey(Strict):
    any_: list[str] | None = None
    not_any_: list[str] | None = None


class FlowRunFilterName(Strict):
    any_: list[str] | None = None
    like_: str | None = None


class FlowRunFilterNextScheduledStartTime(Strict):
    after_: datetime | None = None
    before_: datetime | None = None


class FlowRunFilterParentFlowRunId(Strict):
    any_: list[UUID] | None = None
    operator: FilterOperator = FilterOperator.and_


class FlowRunFilterParentTaskRunId(Strict):
    any_: list[UUID] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_


class FlowRunFilterStartTime(Strict):
    after_: datetime | None = None
    before_: datetime | None = None
    is_null_: bool | None = None


class FlowRunFilterStateName(Strict):
    any_: list[str] | None = None
    not_any_: list[str] | None = None


class StateType(str, Enum):
    SCHEDULED = "SCHEDULED"
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    CRASHED = "CRASHED"
    PAUSED = "PAUSED"
    CANCELLING = "CANCELLING"


class FlowRunFilterStateType(Strict):
    any_: list[StateType] | None = None
    not_any_: list[StateType] | None = None


class FlowRunFilterState(Strict):
    name: FlowRunFilterStateName | None = None
    operator: FilterOperator = FilterOperator.and_
    type: FlowRunFilterStateType | None = None


class FlowRunFilterTags(Strict):
    all_: list[str] | None = None
    any_: list[str] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_


class FlowRunFilterWorkQueueId(Strict):
    any_: list[UUID] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_


class FlowRunFilterWorkQueueName(Strict):
    any_: list[str] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_


class FlowRunFilter(Strict):
    created_by: FlowRunFilterCreatedBy | None = None
    deployment_id: FlowRunFilterDeploymentId | None = None
    deployment_version_id: FlowRunFilterDeploymentVersionId | None = None
    deployment_version_info: FlowRunFilterDeploymentVersionInfo | None = None
    end_time: FlowRunFilterEndTime | None = None
    expected_start_time: FlowRunFilterExpectedStartTime | None = None
    flow_id: FlowRunFilterFlowId | None = None
    flow_version: FlowRunFilterFlowVersion | None = None
    id: FlowRunFilterId | None = None
    idempotency_key: FlowRunFilterIdempotencyKey | None = None
    name: FlowRunFilterName | None = None
    next_scheduled_start_time: FlowRunFilterNextScheduledStartTime | None = None
    operator: FilterOperator = FilterOperator.and_
    parent_flow_run_id: FlowRunFilterParentFlowRunId | None = None
    parent_task_run_id: FlowRunFilterParentTaskRunId | None = None
    start_time: FlowRunFilterStartTime | None = None
    state: FlowRunFilterState | None = None
    tags: FlowRunFilterTags | None = None
    work_queue_id: FlowRunFilterWorkQueueId | None = None
    work_queue_name: FlowRunFilterWorkQueueName | None = None


class FlowFilterCreatedBy(Strict):
    id_: list[UUID] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_
    type_: list[str] | None = None


class FlowFilterDeployment(Strict):
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_


class FlowFilterId(Strict):
    any_: list[UUID] | None = None
    not_any_: list[UUID] | None = None


class FlowFilterName(Strict):
    any_: list[str] | None = None
    like_: str | None = None


class FlowFilterTags(Strict):
    all_: list[str] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_


class FlowFilterUpdatedBy(Strict):
    id_: list[UUID] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_
    type_: list[str] | None = None


class FlowFilter(Strict):
    created_by: FlowFilterCreatedBy | None = None
    deployment: FlowFilterDeployment | None = None
    id: FlowFilterId | None = None
    name: FlowFilterName | None = None
    operator: FilterOperator = FilterOperator.and_
    tags: FlowFilterTags | None = None
    updated_by: FlowFilterUpdatedBy | None = None


class DeploymentSort(str, Enum):
    CREATED_DESC = "CREATED_DESC"
    CREATED_ASC = "CREATED_ASC"
    UPDATED_DESC = "UPDATED_DESC"
    UPDATED_ASC = "UPDATED_ASC"
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"


class TaskRunFilterEndTime(Strict):
    after_: datetime | None = None
    before_: datetime | None = None
    is_null_: bool | None = None


class TaskRunFilterExpectedStartTime(Strict):
    after_: datetime | None = None
    before_: datetime | None = None


class TaskRunFilterFlowRunId(Strict):
    any_: list[UUID] | None = None
    is_null_: bool | None = False
    operator: FilterOperator = FilterOperator.and_


class TaskRunFilterId(Strict):
    any_: list[UUID] | None = None


class TaskRunFilterName(Strict):
    any_: list[str] | None = None
    like_: str | None = None


class TaskRunFilterStartTime(Strict):
    after_: datetime | None = None
    before_: datetime | None = None
    is_null_: bool | None = None


class TaskRunFilterStateName(Strict):
    any_: list[str] | None = None


class TaskRunFilterStateType(Strict):
    any_: list[StateType] | None = None


class TaskRunFilterState(Strict):
    name: TaskRunFilterStateName | None = None
    operator: FilterOperator = FilterOperator.and_
    type: TaskRunFilterStateType | None = None


class TaskRunFilterSubFlowRuns(Strict):
    exists_: bool | None = None


class TaskRunFilterTags(Strict):
    all_: list[str] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_


class TaskRunFilter(Strict):
    end_time: TaskRunFilterEndTime | None = None
    expected_start_time: TaskRunFilterExpectedStartTime | None = None
    flow_run_id: TaskRunFilterFlowRunId | None = None
    id: TaskRunFilterId | None = None
    name: TaskRunFilterName | None = None
    operator: FilterOperator = FilterOperator.and_
    start_time: TaskRunFilterStartTime | None = None
    state: TaskRunFilterState | None = None
    subflow_runs: TaskRunFilterSubFlowRuns | None = None
    tags: TaskRunFilterTags | None = None


class WorkQueueFilterCreatedBy(Strict):
    id_: list[UUID] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_
    type_: list[str] | None = None


class WorkQueueFilterId(Strict):
    any_: list[UUID] | None = None


class WorkQueueFilterName(Strict):
    any_: list[str] | None = None
    startswith_: list[str] | None = None


class WorkQueueFilterUpdatedBy(Strict):
    id_: list[UUID] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_
    type_: list[str] | None = None


class WorkQueueFilter(Strict):
    created_by: WorkQueueFilterCreatedBy | None = None
    id: WorkQueueFilterId | None = None
    name: WorkQueueFilterName | None = None
    operator: FilterOperator = FilterOperator.and_
    updated_by: WorkQueueFilterUpdatedBy | None = None


class WorkPoolFilterCreatedBy(Strict):
    id_: list[UUID] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_
    type_: list[str] | None = None


class WorkPoolFilterId(Strict):
    any_: list[UUID] | None = None


class WorkPoolFilterName(Strict):
    any_: list[str] | None = None
    like_: str | None = None


class WorkPoolFilterPaused(Strict):
    eq_: bool | None = None


class WorkPoolStatus(str, Enum):
    READY = "READY"
    NOT_READY = "NOT_READY"
    PAUSED = "PAUSED"


class WorkPoolFilterStatus(Strict):
    any_: list[WorkPoolStatus] | None = None


class WorkPoolFilterType(Strict):
    any_: list[str] | None = None


class WorkPoolFilterUpdatedBy(Strict):
    id_: list[UUID] | None = None
    is_null_: bool | None = None
    operator: FilterOperator = FilterOperator.and_
    type_: list[str] | None = None


class WorkPoolFilter(Strict):
    created_by: WorkPoolFilterCreatedBy | None = None
    id: WorkPoolFilterId | None = None
    name: WorkPoolFilterName | None = None
    operator: FilterOperator = FilterOperator.and_
    paused: WorkPoolFilterPaused | None = None
    status: WorkPoolFilterStatus | None = None
    type: WorkPoolFilterType | None = None
    updated_by: WorkPoolFilterUpdatedBy | None = None


class ReplaceDeploymentAccess(Strict):
    manage_actor_ids: list[UUID | Literal["*"]]
    manage_team_ids: list[UUID] = None
    run_actor_ids: list[UUID | Literal["*"]]
    run_team_ids: list[UUID] = None
    view_actor_ids: list[UUID | Literal["*"]]
    view_team_ids: list[UUID] = None


class FlowSort(str, Enum):
    CREATED_DESC = "CREATED_DESC"
    CREATED_ASC = "CREATED_ASC"
    UPDATED_DESC = "UPDATED_DESC"
    UPDATED_ASC = "UPDATED_ASC"
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"


class WorkPoolSort(str, Enum):
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"


class ReplaceWorkPoolAccess(Strict):
    manage_actor_ids: list[UUID | Literal["*"]]
    manage_team_ids: list[UUID] = None
    run_actor_ids: list[UUID | Literal["*"]]
    run_team_ids: list[UUID] = None
    view_actor_ids: list[UUID | Literal["*"]]
    view_team_ids: list[UUID] = None


class BlockType(Loose):
    code_example: str | None = None
    created: datetime | None = None
    description: str | None = None
    documentation_url: str | None = None
    id: UUID = None
    is_protected: bool = False
    logo_url: str | None = None
    name: str
    slug: str
    updated: datetime | None = None


class BlockSchema(Loose):
    block_type: BlockType | None = None
    block_type_id: UUID | None
    capabilities: list[str] = None
    checksum: str
    created: datetime | None = None
    fields: dict[str, Any] = None
    id: UUID = None
    updated: datetime | None = None
    version: str = "non-versioned"


class BlockDocument(Loose):
    block_document_references: dict[str, dict[str, Any]] = None
    block_schema: BlockSchema | None = None
    block_schema_id: UUID
    block_type: BlockType | None = None
    block_type_id: UUID
    block_type_name: str | None = None
    created: datetime | None = None
    data: dict[str, Any] = None
    id: UUID = None
    is_anonymous: bool = False
    name: str | None = None
    updated: datetime | None = None


class BlockDocumentAccessControl(Loose):
    manage_actors: list[ObjectActorAccess] = None
    view_actors: list[ObjectActorAccess] = None


class ConcurrencyLimitStrategy(str, Enum):
    ENQUEUE = "ENQUEUE"
    CANCEL_NEW = "CANCEL_NEW"


class ConcurrencyOptions(Loose):
    collision_strategy: ConcurrencyLimitStrategy
    grace_period_seconds: Annotated[int, Field(ge=60)] = 600


class CreatedBy(Loose):
    display_value: str | None = None
    id: UUID | None = None
    type: str | None = None


class GlobalConcurrencyLimitResponse(Loose):
    active: bool = True
    active_slots: int
    created: datetime | None = None
    id: UUID = None
    limit: int
    name: str
    slot_decay_per_second: float = 0.0
    updated: datetime | None = None


class IntervalSchedule(Strict):
    anchor_date: datetime = None
    interval: float | str
    timezone: str | None = None


class CronSchedule(Strict):
    cron: str
    day_or: bool = True
    timezone: str | None = None


class RRuleSchedule(Strict):
    rrule: str
    timezone: str = "UTC"


class DeploymentSchedule(Loose):
    active: bool = True
    catchup: bool = False
    created: datetime | None = None
    deployment_id: UUID | None = None
    id: UUID = None
    last_scheduled_at: datetime | None = None
    latest_scheduled_run: datetime | None = None
    max_active_runs: int | None = None
    max_scheduled_runs: int | None = None
    parameters: dict[str, Any] = None
    schedule: IntervalSchedule
    slug: str | None = None
    soonest_scheduled_run: datetime | None = None
    updated: datetime | None = None


class UpdatedBy(Loose):
    display_value: str | None = None
    id: UUID | None = None
    type: str | None = None


class DeploymentResponse(Loose):
    base: UUID | None = None
    branch: str | None = None
    concurrency_limit: int | None = None
    concurrency_options: ConcurrencyOptions | None = None
    created: datetime | None = None
    created_by: CreatedBy | None = None
    description: str | None = None
    disabled: bool = False
    enforce_parameter_schema: bool = False
    entrypoint: str | None = None
    flow_id: UUID
    global_concurrency_limit: GlobalConcurrencyLimitResponse | None = None
    id: UUID = None
    infra_overrides: dict[str, Any] | None = None
    infrastructure_document_id: UUID | None = None
    is_schedule_active: bool = True
    job_variables: dict[str, Any] = None
    labels: dict[str, bool | int | float | str] | None = None
    last_polled: datetime | None = None
    manifest_path: str | None = None
    name: str
    parameter_openapi_schema: dict[str, Any] | None = None
    parameters: dict[str, Any] = None
    path: str | None = None
    paused: bool = False
    pull_steps: list[dict[str, Any]] | None = None
    root: UUID | None = None
    schedule: IntervalSchedule | None = None
    schedules: list[DeploymentSchedule] = None
    status: DeploymentStatus | None = DeploymentStatus.NOT_READY
    storage_document_id: UUID | None = None
    tags: list[str] = None
    updated: datetime | None = None
    updated_by: UpdatedBy | None = None
    version: str | None = None
    version_id: UUID | None = None
    version_info: VersionInfo | None = None
    work_pool_name: str | None = None
    work_queue_id: UUID | None = None
    work_queue_name: str | None = None


class DeploymentAccessControl(Loose):
    manage_actors: list[ObjectActorAccess] = None
    run_actors: list[ObjectActorAccess] = None
    view_actors: list[ObjectActorAccess] = None


class Flow(Loose):
    created: datetime | None = None
    created_by: CreatedBy | None = None
    id: UUID = None
    labels: dict[str, bool | int | float | str] | None = None
    name: str
    tags: list[str] = None
    updated: datetime | None = None
    updated_by: UpdatedBy | None = None


class WorkPoolStorageConfiguration(Loose):
    bundle_execution_step: dict[str, Any] | None = None
    bundle_upload_step: dict[str, Any] | None = None
    default_result_storage_block_id: UUID | None = None


class WorkPoolResponse(Loose):
    active_slots: int | None = None
    base_job_template: dict[str, Any] = None
    concurrency_limit: Annotated[int, Field(ge=0)] | None = None
    created: datetime | None = None
    created_by: CreatedBy | None = None
    default_queue_id: UUID
    description: str | None = None
    id: UUID = None
    is_mex_pool: bool = False
    is_paused: bool = False
    is_push_pool: bool = False
    last_polled: datetime | None = None
    name: str
    status: WorkPoolStatus | None = None
    storage_configuration: WorkPoolStorageConfiguration = None
    type: str
    updated: datetime | None = None
    updated_by: UpdatedBy | None = None


class WorkPoolAccessControl(Loose):
    manage_actors: list[ObjectActorAccess] = None
    run_actors: list[ObjectActorAccess] = None
    view_actors: list[ObjectActorAccess] = None
