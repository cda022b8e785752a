"""Pydantic models for request and response bodies.

Class and field names follow the schemas of the official OpenAPI document
(`prefect_cloud_admin_openapi.json`), so the emulator's own /openapi.json
lines up with it. Request models forbid unknown fields (the official
schemas say `additionalProperties: false`), which gives FastAPI's 422.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, IPvAnyNetwork, WithJsonSchema

from .catalogue import ACCOUNT_PERMISSIONS, WORKSPACE_SCOPES

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_email(value: str) -> str:
    # A light check instead of pydantic's EmailStr, which needs the
    # email-validator package; the schema still says `format: email`.
    if not _EMAIL_RE.match(value):
        raise ValueError("value is not a valid email address")
    return value


EmailStr = Annotated[str, AfterValidator(_check_email), WithJsonSchema({"type": "string", "format": "email"})]

# Input rules the API applies beyond the schema's types and lengths. They are validators,
# not JSON-schema keywords, so the emulator's /openapi.json still matches the official one.
#
# DOCUMENTED: account handles hold "only lowercase letters, numbers, and dashes"
# (AccountUpdate.handle). EMULATOR ASSUMPTION (input-rules): workspace handles follow the same rule
# (the document only says "a unique handle"; the UI and the issue tracker say the same).
_HANDLE_RE = re.compile(r"^[a-z0-9-]+$")
# EMULATOR ASSUMPTION (input-rules): SSO domains are DNS names (labels of letters, digits and inner dashes,
# at least one dot); the document types them as plain strings.
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$", re.IGNORECASE)
# DOCUMENTED (in words): the account link is "an external url, e.g. https://prefect.io/".
# EMULATOR ASSUMPTION (input-rules): http(s) with a host; an empty string clears it.
_URL_RE = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)


def _check_handle(value: str) -> str:
    if not _HANDLE_RE.match(value):
        raise ValueError("a handle holds only lowercase letters, numbers and dashes, and is not empty")
    return value


def _check_domain(value: str) -> str:
    if not _DOMAIN_RE.match(value):
        raise ValueError("value is not a valid domain name")
    return value


def _check_url(value: str) -> str:
    if value and not _URL_RE.match(value):
        raise ValueError("value is not a valid http(s) URL")
    return value


Handle = Annotated[str, Field(max_length=5000), AfterValidator(_check_handle)]
DomainName = Annotated[str, AfterValidator(_check_domain)]
Url5000 = Annotated[str, Field(max_length=5000), AfterValidator(_check_url)]

# Optional text inputs carry the official length limits.
Str5000 = Annotated[str, Field(max_length=5000)]
Str500 = Annotated[str, Field(max_length=500)]

# Enums generated from the catalogue so the values cannot drift.
AccountPermission = Enum("AccountPermission", {p: p for p in ACCOUNT_PERMISSIONS}, type=str)  # type: ignore[misc]
WorkspaceScopeName = Enum("WorkspaceScopeName", {s: s for s in WORKSPACE_SCOPES}, type=str)  # type: ignore[misc]


class Strict(BaseModel):
    """Schemas with `additionalProperties: false`."""

    model_config = ConfigDict(extra="forbid")


class Loose(BaseModel):
    """Schemas without `additionalProperties` (extra input is ignored)."""


class AccountPlanType(str, Enum):
    ORGANIZATION = "ORGANIZATION"
    PERSONAL = "PERSONAL"
    ENTERPRISE = "ENTERPRISE"


class AccountPlanTier(str, Enum):
    FREE_2025_04 = "FREE_2025_04"
    PRO = "PRO"
    ENTERPRISE = "ENTERPRISE"
    PRO_2024_04 = "PRO_2024_04"
    STARTER = "STARTER"
    TEAM = "TEAM"


class AccountStatus(str, Enum):
    ACTIVE = "ACTIVE"
    DELINQUENT = "DELINQUENT"
    FROZEN = "FROZEN"


class AccountSCIMState(str, Enum):
    DISABLED = "DISABLED"
    NEEDS_ORGANIZATION_ID = "NEEDS_ORGANIZATION_ID"
    NEEDS_CONFIGURATION = "NEEDS_CONFIGURATION"
    ENABLED = "ENABLED"


class AccountSSOState(str, Enum):
    DISABLED = "DISABLED"
    NEEDS_CONFIGURATION = "NEEDS_CONFIGURATION"
    ENABLED = "ENABLED"


class InvitationStatus(str, Enum):
    ACCEPTED = "ACCEPTED"
    PENDING = "PENDING"
    REJECTED = "REJECTED"
    REVOKED = "REVOKED"


class Operator(str, Enum):
    and_ = "and_"
    or_ = "or_"


class AccountMembershipSort(str, Enum):
    CREATED_ASC = "CREATED_ASC"
    CREATED_DESC = "CREATED_DESC"
    LAST_LOGIN_ASC = "LAST_LOGIN_ASC"
    LAST_LOGIN_DESC = "LAST_LOGIN_DESC"
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"
    HANDLE_ASC = "HANDLE_ASC"
    HANDLE_DESC = "HANDLE_DESC"
    EMAIL_ASC = "EMAIL_ASC"
    EMAIL_DESC = "EMAIL_DESC"
    ACCOUNT_ROLE_NAME_ASC = "ACCOUNT_ROLE_NAME_ASC"
    ACCOUNT_ROLE_NAME_DESC = "ACCOUNT_ROLE_NAME_DESC"


class TeamSort(str, Enum):
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"
    CREATED_ASC = "CREATED_ASC"
    CREATED_DESC = "CREATED_DESC"


class WorkspaceUserAccessSort(str, Enum):
    CREATED_ASC = "CREATED_ASC"
    CREATED_DESC = "CREATED_DESC"
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"
    EMAIL_ASC = "EMAIL_ASC"
    EMAIL_DESC = "EMAIL_DESC"
    HANDLE_ASC = "HANDLE_ASC"
    HANDLE_DESC = "HANDLE_DESC"


class WorkspaceBotAccessSort(str, Enum):
    CREATED_ASC = "CREATED_ASC"
    CREATED_DESC = "CREATED_DESC"
    BOT_NAME_ASC = "BOT_NAME_ASC"
    BOT_NAME_DESC = "BOT_NAME_DESC"


# --------------------------------------------------------------------------
# Filter criteria. Each is a small "column filter" with any_/like_/not_any_.
# --------------------------------------------------------------------------
class AnyStr(Strict):
    any_: list[str] | None = None


class AnyUUID(Strict):
    any_: list[UUID] | None = None


class AnyLikeStr(Strict):
    any_: list[str] | None = None
    like_: str | None = None


class LikeStr(Strict):
    like_: str | None = None


class AnyNotAnyUUID(Strict):
    any_: list[UUID] | None = None
    not_any_: list[UUID] | None = None


class AccountMembershipFilterAccountRoleId(AnyUUID):
    pass


class AccountMembershipFilterUserId(AnyNotAnyUUID):
    pass


class AccountMembershipFilterEmail(AnyLikeStr):
    pass


class AccountMembershipFilterHandle(AnyLikeStr):
    pass


class AccountMembershipFilterName(LikeStr):
    pass


class AccountMembershipFilterActorId(AnyUUID):
    pass


class AccountMembershipFilter(Strict):
    operator: Operator = Operator.and_
    account_role_id: AccountMembershipFilterAccountRoleId | None = None
    user_id: AccountMembershipFilterUserId | None = None
    email: AccountMembershipFilterEmail | None = None
    handle: AccountMembershipFilterHandle | None = None
    name: AccountMembershipFilterName | None = None
    actor_id: AccountMembershipFilterActorId | None = None


class AccountRoleFilterName(AnyStr):
    pass


class AccountRoleFilter(Strict):
    name: AccountRoleFilterName | None = None


class BotFilterId(AnyUUID):
    pass


class BotFilterName(AnyLikeStr):
    pass


class BotFilter(Strict):
    id: BotFilterId | None = None
    name: BotFilterName | None = None


class UserFilterId(AnyNotAnyUUID):
    pass


class UserFilterEmail(AnyLikeStr):
    pass


class UserFilterHandle(AnyLikeStr):
    pass


class UserFilterName(LikeStr):
    pass


class UserFilter(Strict):
    id: UserFilterId | None = None
    email: UserFilterEmail | None = None
    handle: UserFilterHandle | None = None
    name: UserFilterName | None = None


class TeamFilterId(AnyUUID):
    pass


class TeamNameFilter(AnyLikeStr):
    pass


class TeamFilterDirectoryId(AnyStr):
    pass


class TeamFilterWorkspaceId(AnyUUID):
    pass


class TeamFilterWorkspaceRoleId(AnyUUID):
    pass


class TeamFilterMemberId(AnyUUID):
    pass


class TeamFilter(Strict):
    id: TeamFilterId | None = None
    name: TeamNameFilter | None = None
    directory_id: TeamFilterDirectoryId | None = None
    workspace_id: TeamFilterWorkspaceId | None = None
    workspace_role_id: TeamFilterWorkspaceRoleId | None = None
    member_id: TeamFilterMemberId | None = None


class WorkspaceFilterId(AnyUUID):
    pass


class WorkspaceFilterHandle(AnyStr):
    pass


class WorkspaceFilter(Strict):
    id: WorkspaceFilterId | None = None
    handle: WorkspaceFilterHandle | None = None


class WorkspaceRoleFilterName(AnyStr):
    pass


class WorkspaceRoleFilter(Strict):
    name: WorkspaceRoleFilterName | None = None
    is_global: bool | None = None


class WorkspaceActorAccessFilterWorkspaceRoleId(AnyUUID):
    pass


class WorkspaceActorAccessFilterActorId(AnyUUID):
    pass


class WorkspaceActorAccessFilter(Strict):
    workspace_role_id: WorkspaceActorAccessFilterWorkspaceRoleId | None = None
    actor_id: WorkspaceActorAccessFilterActorId | None = None


class InvitationFilterStatus(Strict):
    any_: list[InvitationStatus] | None = None


class InvitationFilterExpiration(Strict):
    before_: datetime | None = None
    after_: datetime | None = None


class InvitationFilterEmail(AnyLikeStr):
    pass


class InvitationFilter(Strict):
    status: InvitationFilterStatus | None = None
    expiration: InvitationFilterExpiration | None = None
    email: InvitationFilterEmail | None = None


class APIKeyNameFilter(AnyLikeStr):
    pass


class APIKeyFilter(Strict):
    name: APIKeyNameFilter | None = None


class UserSessionFilterIpAddress(AnyLikeStr):
    pass


class UserSessionFilterLocation(AnyLikeStr):
    pass


class UserSessionFilterExpiresAt(Strict):
    before_: int | None = None
    after_: int | None = None


class UserSessionFilterRestricted(Strict):
    is_restricted_: bool | None = None


class UserSessionFilter(Strict):
    ip_address: UserSessionFilterIpAddress | None = None
    location: UserSessionFilterLocation | None = None
    expires_at: UserSessionFilterExpiresAt | None = None
    restricted: UserSessionFilterRestricted | None = None


# --------------------------------------------------------------------------
# Request bodies
# --------------------------------------------------------------------------
class UserSettings(Loose):
    default_timezone: str | None = None
    default_color_palette: str | None = None
    tutorial_completed: bool = False
    feature_previews: list[str] = Field(default_factory=list)


def _default_user_settings() -> UserSettings:
    return UserSettings()


class UserUpdate(Strict):
    handle: Str5000 | None = None
    first_name: Str500 | None = None
    last_name: Str500 | None = None
    email: EmailStr | None = None
    location: Str5000 | None = None
    title: Str5000 | None = None
    image_location: Str5000 | None = None
    settings: UserSettings | None = Field(default_factory=_default_user_settings)
    last_login: datetime | None = None


class APIKeyCreate(Strict):
    name: str = Field(max_length=5000)
    expiration: datetime | None = None


class AccountDefaultResultStorageBlockType(Loose):
    name: str
    slug: str
    logo_url: str | None = None
    documentation_url: str | None = None
    description: str | None = None
    code_example: str | None = None


class AccountDefaultResultStorageBlockSchema(Loose):
    checksum: str
    fields: dict[str, Any] = Field(default_factory=dict)
    capabilities: list[str] = Field(default_factory=list)
    version: str = "non-versioned"


class AccountDefaultResultStorage(Loose):
    block_type: AccountDefaultResultStorageBlockType
    block_schema: AccountDefaultResultStorageBlockSchema
    data: dict[str, Any] = Field(default_factory=dict)
    block_document_references: dict[str, Any] = Field(default_factory=dict)


class AccountSettings(Loose):
    allow_public_workspaces: bool = False
    ai_log_summaries: bool = False
    managed_execution: bool = True
    enforce_ip_allowlist: bool = False
    enforce_webhook_authentication: bool = False
    self_healing_enabled: bool = False
    enabled_feature_flags: list[str] = Field(default_factory=list)
    default_result_storage: AccountDefaultResultStorage | None = None


class AccountUpdate(Strict):
    name: Str5000 | None = None
    handle: Handle | None = None
    location: Str5000 | None = None
    link: Url5000 | None = None
    workos_directory_ids: list[str] | None = None
    workos_organization_id: Str5000 | None = None
    workos_connection_ids: list[str] | None = None
    auth_expiration_seconds: int | None = None
    settings: AccountSettings | None = None
    billing_email: Str5000 | None = None


class AccountSettingsUpdate(Strict):
    allow_public_workspaces: bool | None = None
    ai_log_summaries: bool | None = None
    managed_execution: bool | None = None
    enforce_ip_allowlist: bool | None = None
    enforce_webhook_authentication: bool | None = None
    self_healing_enabled: bool | None = None
    default_result_storage: AccountDefaultResultStorage | None = None


# The IP allowlist routes are not in the official document; these follow the
# official client (`prefect.client.schemas.objects`), whose names they keep.
class IPAllowlistEntry(Strict):
    ip_network: IPvAnyNetwork  # an address or a CIDR network, no host bits set
    enabled: bool
    description: str | None = None
    # Sent back by clients that echo what they read (the official CLI does);
    # accepted and ignored, as the server keeps it.
    last_seen: str | None = None


class IPAllowlist(Strict):
    entries: list[IPAllowlistEntry]


class IPAllowlistMyAccessResponse(Strict):
    allowed: bool
    detail: str


class AccountRoleUpdate(Strict):
    name: Str5000 | None = None
    permissions: list[AccountPermission] | None = None  # type: ignore[valid-type]


class AccountMembershipUpdate(Strict):
    account_role_id: UUID


class AccountMembershipSetActive(Strict):
    active: bool


class AccountMembershipBulkSetActive(Strict):
    membership_ids: list[UUID] = Field(min_length=1, max_length=200)
    active: bool


class TeamCreate(Strict):
    name: str = Field(max_length=5000)
    description: str | None = Field(default="", max_length=5000)


class TeamUpdate(Strict):
    name: str = Field(max_length=5000)
    description: str | None = Field(default="", max_length=5000)
    workos_directory_group_id: Str5000 | None = None


class TeamMembershipCreate(Strict):
    member_id: UUID
    member_type: Literal["user", "service_account"]


class BotCreate(Strict):
    name: str = Field(max_length=5000)
    api_key_expiration: datetime | None = None
    account_role_id: UUID | None = None


class BotUpdate(Strict):
    name: Str5000 | None = None
    account_role_id: UUID | None = None


class BotRotateAPIKey(Strict):
    api_key_expiration: datetime | None = None
    old_key_expires_in_seconds: int | None = Field(default=None, ge=0, le=172800)


class InvitationCreate(Strict):
    email: EmailStr
    account_role_id: UUID


class WorkspaceInvitationCreate(Strict):
    email: EmailStr


class WorkspaceCreate(Strict):
    name: str = Field(max_length=5000)
    description: str | None = Field(default="", max_length=5000)
    handle: Handle


class WorkspaceUpdate(Strict):
    name: Str5000 | None = None
    handle: Handle | None = None
    description: Str5000 | None = ""
    default_workspace_role_id: UUID | None = None


class WorkspaceRoleCreate(Strict):
    name: str = Field(max_length=5000)
    description: str = Field(default="", max_length=140)
    scopes: list[str] = Field(default_factory=list)
    inherited_role_id: UUID | None = None


class WorkspaceRoleUpdate(Strict):
    name: Str5000 | None = None
    description: str | None = Field(default=None, max_length=140)
    scopes: list[str] = Field(default_factory=list)
    inherited_role_id: UUID | None = None


class WorkspaceUserAccessCreate(Strict):
    user_id: UUID
    workspace_role_id: UUID


class WorkspaceBotAccessCreate(Strict):
    bot_id: UUID
    workspace_role_id: UUID


class WorkspaceTeamAccessCreate(Strict):
    team_id: UUID
    workspace_role_id: UUID


class WorkspaceRateLimitAllocationEntry(Strict):
    workspace_id: UUID
    rate_limit_percentage: float = Field(ge=0.1, le=100)


class WorkspaceRateLimitAllocationsUpsert(Strict):
    allocations: list[WorkspaceRateLimitAllocationEntry] = Field(default_factory=list)


# --------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------
class ORMBase(BaseModel):
    id: UUID
    created: datetime | None = None
    updated: datetime | None = None


class MeReadResponse(Strict):
    id: UUID
    handle: str
    first_name: str
    last_name: str
    email: EmailStr
    location: str | None = None
    personal_account_id: UUID | None = None
    settings: UserSettings | None = Field(default_factory=_default_user_settings)


class User(ORMBase):
    handle: str
    actor_id: UUID
    idp_user_id: str
    first_name: str = Field(max_length=500)
    last_name: str = Field(max_length=500)
    email: EmailStr
    location: str | None = None
    title: str | None = None
    image_location: str | None = None
    personal_account_id: UUID | None = None
    settings: UserSettings | None = Field(default_factory=_default_user_settings)
    last_login: datetime | None = None


class APIKeyReadResponse(Strict):
    id: UUID
    created: datetime | None = None
    name: str
    expiration: datetime | None = None
    masked_key: str | None = None


class APIKeyCreateResponse(Strict):
    id: UUID
    created: datetime | None = None
    name: str
    expiration: datetime | None = None
    key: str


class UserAccountResponse(Strict):
    account_membership_id: UUID
    account_id: UUID
    account_name: str
    account_role_name: str
    account_handle: str
    account_plan_type: str
    account_plan_tier: str | None
    account_plan_features: list[str] = Field(default_factory=list)


class UserOrganizationResponse(Strict):
    account_membership_id: UUID
    account_id: UUID
    account_name: str
    account_role_name: str
    account_handle: str


class UserWorkspaceResponse(Strict):
    account_id: UUID
    account_name: str
    account_handle: str
    workspace_id: UUID
    workspace_name: str
    workspace_description: str
    workspace_handle: str


class UserSessionResponse(ORMBase):
    model_config = ConfigDict(extra="forbid")
    user_id: UUID
    ip_address: str
    location: str | None = None
    user_agent: str | None = None
    expires_at: int
    restricted: bool = False


class AccountResponse(ORMBase):
    model_config = ConfigDict(extra="forbid")
    location: str | None = None
    link: str | None = None
    image_location: str | None = None
    stripe_customer_id: str | None = None
    auth_expiration_seconds: int | None = None
    status_last_updated: datetime | None = None
    name: str
    handle: str
    settings: AccountSettings = Field(default_factory=AccountSettings)
    status: AccountStatus = AccountStatus.ACTIVE
    workos_connection_ids: list[str] = Field(default_factory=list)
    workos_directory_ids: list[str] = Field(default_factory=list)
    workos_organization_id: str | None = None
    plan_type: AccountPlanType
    plan_tier: AccountPlanTier | None = None
    self_serve: bool = False
    scim_state: AccountSCIMState
    sso_state: AccountSSOState
    billing_email: str | None = None
    features: list[str] = Field(default_factory=list)
    max_deployments_per_workspace: int | None = None
    work_pool_limit: int | None
    non_mex_work_pool_limit: int | None = None
    mex_work_pool_limit: int
    run_retention_days: int
    audit_log_retention_days: int
    automations_limit: int


class AccountRole(ORMBase):
    account_id: UUID | None = None
    name: str
    permissions: list[AccountPermission]  # type: ignore[valid-type]
    is_system_role: bool = False


class TeamSummary(Strict):
    id: UUID
    name: str


class AccountMembershipsResponse(Strict):
    id: UUID
    actor_id: UUID
    user_id: UUID | None = None
    first_name: str | None = None
    last_name: str | None = None
    handle: str | None = None
    email: str | None = None
    account_role_name: str
    account_role_id: UUID
    last_login: datetime | None = None
    active: bool


class AccountMemberSummaryResponse(Strict):
    id: UUID
    created: datetime
    updated: datetime
    actor_id: UUID
    account_id: UUID
    user_id: UUID | None = None
    handle: str
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    account_role_id: UUID
    account_role_name: str
    directory_id: str | None = None
    timezone: str | None = None
    teams: list[TeamSummary] = Field(default_factory=list)
    active: bool


class TeamMemberResponse(Loose):
    id: UUID
    handle: str
    name: str
    email: str | None
    type: Literal["user", "service_account"]


class TeamWorkspaceAccess(Loose):
    workspace_id: UUID
    workspace_handle: str
    workspace_role_id: UUID
    workspace_role_name: str


class TeamResponse(ORMBase):
    account_id: UUID
    name: str
    description: str | None = ""
    workos_directory_group_id: str | None = None
    memberships: list[TeamMemberResponse] = Field(default_factory=list)
    workspaces: list[TeamWorkspaceAccess] = Field(default_factory=list)


class BotCreateResponse(ORMBase):
    model_config = ConfigDict(extra="forbid")
    actor_id: UUID
    account_id: UUID
    name: str
    account_role_name: str
    api_key: APIKeyCreateResponse


class BotReadResponse(ORMBase):
    model_config = ConfigDict(extra="forbid")
    actor_id: UUID
    account_id: UUID
    name: str
    account_role_name: str
    api_key: APIKeyReadResponse


class BotAPIKeyReadResponse(Loose):
    active_key: APIKeyReadResponse
    rotating_keys: list[APIKeyReadResponse]


class InvitationReadResponse(ORMBase):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr
    account_id: UUID
    account_role_id: UUID
    status: InvitationStatus
    expiration: datetime


class WorkspaceInvitationReadResponse(InvitationReadResponse):
    workspace_id: UUID
    workspace_role_id: UUID


class Workspace(ORMBase):
    account_id: UUID
    name: str
    description: str | None = ""
    handle: str
    default_workspace_role_id: UUID | None = None
    is_public: bool = False


class WorkspaceScope(Loose):
    name: str
    title: str
    feature_group: str
    includes_scopes: list[str] = Field(default_factory=list)
    see_scope: WorkspaceScopeName | None  # type: ignore[valid-type]


class WorkspaceRole(ORMBase):
    account_id: UUID | None
    name: str
    description: str = Field(default="", max_length=140)
    permissions: list[str] = Field(default_factory=list)
    scopes: list[str] = Field(default_factory=list)
    inherited_role_id: UUID | None = None


class WorkspaceUserAccessResponse(ORMBase):
    model_config = ConfigDict(extra="forbid")
    workspace_id: UUID
    workspace_role_id: UUID
    actor_id: UUID
    user_id: UUID
    first_name: str
    last_name: str
    email: str
    handle: str


class WorkspaceBotAccessResponse(ORMBase):
    model_config = ConfigDict(extra="forbid")
    workspace_id: UUID
    workspace_role_id: UUID
    actor_id: UUID
    bot_id: UUID
    bot_name: str


class WorkspaceTeamAccess(ORMBase):
    team_id: UUID
    workspace_id: UUID
    workspace_role_id: UUID


class WorkspaceTeamAccessResponse(ORMBase):
    model_config = ConfigDict(extra="forbid")
    workspace_id: UUID
    workspace_role_id: UUID
    team_id: UUID
    team_name: str


class ObjectActorAccess(Loose):
    id: UUID | str
    name: str
    email: str | None
    type: Literal["user", "service_account", "team", "*"]


class UsageLimitsResponse(Loose):
    audit_log_retention_days: int | None
    automations_limit: int | None
    log_rate_limit: int | None
    max_deployments_per_workspace: int | None
    mex_compute_limit: int | None
    mex_concurrency_limit: int | None
    mex_work_pool_limit: int | None
    non_mex_work_pool_limit: int | None = None
    orchestration_rate_limit: int | None
    run_retention_days: int | None
    user_limit: float | int
    free_user_slots: int | None = None
    work_pool_limit: int | None
    workspace_limit: float | int


class WorkspaceUsageResponse(Loose):
    id: UUID
    name: str
    automations: int
    deployments: int
    mex_compute: int
    work_pools: int
    non_managed_work_pools: int
    managed_work_pools: int


class WorkOSIntegrationResponse(Loose):
    organization_id: str | None = None
    connections: list[dict[str, Any]] = Field(default_factory=list)
    directories: list[dict[str, Any]] = Field(default_factory=list)


class RateLimitStatusResponse(Loose):
    exceeded_buckets: list[str]


class RateLimitUsageResponse(Loose):
    account: UUID
    since: datetime
    until: datetime
    minutes: list[str]
    keys: dict[str, Any]


class RateLimitGroupedUsageResponse(Loose):
    account: UUID
    since: datetime
    until: datetime
    limit: int
    minutes: list[str]
    groups: dict[str, Any]


class DistinctValuesResponse(Loose):
    values: list[str]


class WorkspaceRateLimitAllocation(ORMBase):
    account_id: UUID
    workspace_id: UUID
    rate_limit_percentage: float = Field(ge=0.1, le=100)
