"""Request and response models of the account event feed (the audit log).

Names and fields follow the schemas of the official document that holds the event routes
(`prefect_cloud_access_events_openapi.json`): `EventFilter` and its parts, `EventPage`,
`ReceivedEvent`, `EventCount`, `Countable`, `TimeUnit`. Filter models forbid unknown fields
(`additionalProperties: false`), which gives FastAPI's 422.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

# An event's resource and its related resources are flat maps of labels (strings).
Labels = dict[str, str]
# A ResourceSpecification: each label must match one of the given values.
ResourceSpecification = dict[str, str | list[str]]


class _Filter(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventOrder(str, Enum):
    ASC = "ASC"
    DESC = "DESC"


class Countable(str, Enum):
    day = "day"
    time = "time"
    event = "event"
    resource = "resource"
    workspace = "workspace"
    actor = "actor"


class TimeUnit(str, Enum):
    week = "week"
    day = "day"
    hour = "hour"
    minute = "minute"
    second = "second"


class EventOccurredFilter(_Filter):
    # Optional on the wire but not nullable; an absent bound is the server's choice (events.py).
    since: datetime = Field(None, description="Only include events after this time (inclusive)")  # type: ignore[assignment]
    until: datetime = Field(None, description="Only include events prior to this time (inclusive)")  # type: ignore[assignment]


class EventNameFilter(_Filter):
    prefix: list[str] | None = None
    exclude_prefix: list[str] | None = None
    name: list[str] | None = None
    exclude_name: list[str] | None = None


class EventResourceFilter(_Filter):
    id: list[str] | None = None
    id_prefix: list[str] | None = None
    labels: ResourceSpecification | None = None
    distinct: bool = False


class EventRelatedFilter(_Filter):
    id: list[str] | None = None
    role: list[str] | None = None
    resources_in_roles: list[tuple[str, str]] | None = None
    labels: ResourceSpecification | None = None


class EventAnyResourceFilter(_Filter):
    id: list[str] | None = None
    id_prefix: list[str] | None = None
    labels: ResourceSpecification | None = None


class EventIDFilter(_Filter):
    id: list[UUID] | None = None


class EventScopeFilter(_Filter):
    account: UUID | None = None
    workspace: list[UUID] | None = None


class EventTextFilter(_Filter):
    query: str = Field(..., max_length=200)


class EventFilter(_Filter):
    occurred: EventOccurredFilter = Field(default_factory=EventOccurredFilter)
    event: EventNameFilter | None = None
    resource: EventResourceFilter | None = None
    related: EventRelatedFilter | list[EventRelatedFilter] | None = None
    any_resource: EventAnyResourceFilter | list[EventAnyResourceFilter] | None = None
    id: EventIDFilter = Field(default_factory=EventIDFilter)
    scope: EventScopeFilter = Field(default_factory=EventScopeFilter)
    text: EventTextFilter | None = None
    order: EventOrder = EventOrder.DESC
    limit: int | None = Field(None, ge=0, le=200)
    offset: int | None = Field(None, ge=0, le=5000)


class ReceivedEvent(BaseModel):
    occurred: datetime
    event: str = Field(..., max_length=1024)
    resource: Labels
    related: list[Labels] = Field(default_factory=list)
    payload: dict[str, Any] = Field(default_factory=dict)
    id: UUID
    follows: UUID | None = None
    account: UUID
    workspace: UUID | None = None
    received: datetime


class EventPage(BaseModel):
    events: list[ReceivedEvent]
    total: int
    next_page: Annotated[str, Field(min_length=1, json_schema_extra={"format": "uri"})] | None


class EventCount(BaseModel):
    value: str
    label: str
    count: int
    start_time: datetime
    end_time: datetime
