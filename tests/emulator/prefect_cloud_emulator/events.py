"""The account event feed: stored audit events, the `EventFilter` query, counting, paging
and retention.

What each admin write emits is `audit.py`'s business; this file keeps the events and
answers queries about them the way the official document describes the routes
(`POST .../events/filter`, `GET .../events/filter/next`, `POST .../events/count-by/{countable}`).

EMULATOR ASSUMPTION (audit-events-default-window, audit-events-retention, audit-events-filter-matching,
audit-events-paging): the document gives the shapes, not every rule.
- An `occurred` bound that is not sent means the last day (`since`: now - 1 day, `until`: now),
  as Prefect's own event filter defaults; a client that wants more sends `since`.
- Events older than the account's `audit_log_retention_days` are gone: never returned,
  never counted, and dropped from the store.
- A related filter (or an any-resource filter) matches when one resource satisfies all of
  its criteria; a list of related filters must all match; the criteria inside one field
  (`id`, `role`, `prefix`, ...) are alternatives. Label values ending in `*` match by prefix.
- `text` matches case-insensitively in the event name, the label values and the payload:
  every plain or `+` term (or "quoted phrase") must occur, no `-` term may.
- Paging: the first page pins `occurred.until` to the time of the query (when later or
  unset), so later events do not shift the pages; the next-page token carries the filter,
  the page size and the offset, and is only good for the same account.
"""

from __future__ import annotations

import base64
import binascii
import json
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from .event_models import Countable, EventAnyResourceFilter, EventFilter, EventOrder, EventRelatedFilter, TimeUnit

RESOURCE_ID = "prefect.resource.id"
RESOURCE_NAME = "prefect.resource.name"
RESOURCE_ROLE = "prefect.resource.role"
DEFAULT_WINDOW = timedelta(days=1)
# EMULATOR ASSUMPTION (audit-events-time-buckets): a time histogram of more buckets than this is refused (422).
MAX_TIME_BUCKETS = 1000
TIME_UNITS = {
    TimeUnit.week: timedelta(weeks=1),
    TimeUnit.day: timedelta(days=1),
    TimeUnit.hour: timedelta(hours=1),
    TimeUnit.minute: timedelta(minutes=1),
    TimeUnit.second: timedelta(seconds=1),
}


@dataclass
class EventRec:
    """One received event, as `ReceivedEvent` shows it."""

    id: UUID
    occurred: datetime
    received: datetime
    event: str
    account: UUID
    resource: dict[str, str]
    related: list[dict[str, str]] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)
    workspace: UUID | None = None
    follows: UUID | None = None


class BadPageToken(ValueError):
    """A next-page token that this emulator did not issue, or issued for another account."""


def view(rec: EventRec) -> dict[str, Any]:
    return {
        "id": rec.id,
        "occurred": rec.occurred,
        "received": rec.received,
        "event": rec.event,
        "account": rec.account,
        "workspace": rec.workspace,
        "resource": rec.resource,
        "related": rec.related,
        "payload": rec.payload,
        "follows": rec.follows,
    }


# ---- retention -----------------------------------------------------------------------------
def retention_start(now: datetime, retention_days: int) -> datetime:
    return now - timedelta(days=retention_days)


def prune(events: list[EventRec], account_id: UUID, oldest: datetime) -> None:
    """Drops the account's events that are past its retention (in place)."""
    events[:] = [e for e in events if e.account != account_id or e.occurred >= oldest]


def insert(events: list[EventRec], rec: EventRec) -> None:
    """Keeps the list in `occurred` order (seeded past events arrive out of order)."""
    if not events or events[-1].occurred <= rec.occurred:
        events.append(rec)
        return
    index = len(events)
    while index > 0 and events[index - 1].occurred > rec.occurred:
        index -= 1
    events.insert(index, rec)


# ---- matching --------------------------------------------------------------------------------
def _value_matches(have: str, wanted: str) -> bool:
    if wanted.endswith("*"):
        return have.startswith(wanted[:-1])
    return have == wanted


def labels_match(labels: dict[str, str], spec: dict[str, str | list[str]] | None) -> bool:
    """A ResourceSpecification: every label given must match one of its values."""
    if not spec:
        return True
    for key, wanted in spec.items():
        have = labels.get(key)
        values = [wanted] if isinstance(wanted, str) else wanted
        if have is None or not any(_value_matches(have, v) for v in values):
            return False
    return True


def _related_match(rec: EventRec, f: EventRelatedFilter) -> bool:
    for resource in rec.related:
        rid, role = resource.get(RESOURCE_ID, ""), resource.get(RESOURCE_ROLE, "")
        if f.id is not None and rid not in f.id:
            continue
        if f.role is not None and role not in f.role:
            continue
        if f.resources_in_roles is not None and (rid, role) not in {tuple(p) for p in f.resources_in_roles}:
            continue
        if not labels_match(resource, f.labels):
            continue
        return True
    return False


def _any_resource_match(rec: EventRec, f: EventAnyResourceFilter) -> bool:
    for resource in [rec.resource, *rec.related]:
        rid = resource.get(RESOURCE_ID, "")
        if f.id is not None and rid not in f.id:
            continue
        if f.id_prefix is not None and not any(rid.startswith(p) for p in f.id_prefix):
            continue
        if not labels_match(resource, f.labels):
            continue
        return True
    return False


def _text_terms(query: str) -> tuple[list[str], list[str]]:
    try:
        tokens = shlex.split(query)
    except ValueError:  # an unbalanced quote: the words as they are
        tokens = query.split()
    required = [t.lstrip("+").lower() for t in tokens if not t.startswith("-") and t.lstrip("+")]
    excluded = [t[1:].lower() for t in tokens if t.startswith("-") and len(t) > 1]
    return required, excluded


def _text_of(rec: EventRec) -> str:
    parts = [rec.event, *rec.resource.values()]
    for resource in rec.related:
        parts.extend(resource.values())
    parts.append(json.dumps(rec.payload, sort_keys=True, default=str))
    return "\n".join(parts).lower()


def window(flt: EventFilter, now: datetime, oldest: datetime) -> tuple[datetime, datetime]:
    """The `occurred` window a filter asks for, within the retention."""
    until = flt.occurred.until or now
    since = flt.occurred.since or (until - DEFAULT_WINDOW)
    return max(since, oldest), until


def select(events: Iterable[EventRec], account_id: UUID, flt: EventFilter, now: datetime, oldest: datetime) -> list[EventRec]:
    """The account's events matching `flt`, in the filter's order (newest first by default)."""
    since, until = window(flt, now, oldest)
    required, excluded = _text_terms(flt.text.query) if flt.text else ([], [])
    related = [] if flt.related is None else (flt.related if isinstance(flt.related, list) else [flt.related])
    any_resource = [] if flt.any_resource is None else (
        flt.any_resource if isinstance(flt.any_resource, list) else [flt.any_resource]
    )
    ids = set(flt.id.id) if flt.id.id is not None else None
    workspaces = set(flt.scope.workspace) if flt.scope.workspace is not None else None
    out = []
    for rec in events:
        if rec.account != account_id or not since <= rec.occurred <= until:
            continue
        if flt.scope.account is not None and rec.account != flt.scope.account:
            continue
        if workspaces is not None and rec.workspace not in workspaces:
            continue
        if ids is not None and rec.id not in ids:
            continue
        name = flt.event
        if name is not None:
            if name.prefix is not None and not any(rec.event.startswith(p) for p in name.prefix):
                continue
            if name.exclude_prefix is not None and any(rec.event.startswith(p) for p in name.exclude_prefix):
                continue
            if name.name is not None and rec.event not in name.name:
                continue
            if name.exclude_name is not None and rec.event in name.exclude_name:
                continue
        res = flt.resource
        if res is not None:
            rid = rec.resource.get(RESOURCE_ID, "")
            if res.id is not None and rid not in res.id:
                continue
            if res.id_prefix is not None and not any(rid.startswith(p) for p in res.id_prefix):
                continue
            if not labels_match(rec.resource, res.labels):
                continue
        if not all(_related_match(rec, f) for f in related):
            continue
        if not all(_any_resource_match(rec, f) for f in any_resource):
            continue
        if required or excluded:
            text = _text_of(rec)
            if not all(t in text for t in required) or any(t in text for t in excluded):
                continue
        out.append(rec)
    # Stable: events of the same moment keep the order they were recorded in.
    if flt.order == EventOrder.DESC:
        out.reverse()
    if flt.resource is not None and flt.resource.distinct:
        seen: set[str] = set()
        distinct = []
        for rec in out:
            rid = rec.resource.get(RESOURCE_ID, "")
            if rid not in seen:
                seen.add(rid)
                distinct.append(rec)
        out = distinct
    start = flt.offset or 0
    stop = None if flt.limit is None else start + flt.limit
    return out[start:stop]


# ---- paging ------------------------------------------------------------------------------------
def pinned(flt: EventFilter, now: datetime) -> EventFilter:
    """`flt` with `occurred` fixed to the window of the first page (see the module docstring)."""
    until = flt.occurred.until if flt.occurred.until is not None and flt.occurred.until <= now else now
    since = flt.occurred.since or (until - DEFAULT_WINDOW)
    return flt.model_copy(update={"occurred": flt.occurred.model_copy(update={"since": since, "until": until})})


def page_token(account_id: UUID, flt: EventFilter, limit: int, offset: int) -> str:
    body = {"a": str(account_id), "f": flt.model_dump(mode="json", exclude_none=True), "l": limit, "o": offset}
    return base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode().rstrip("=")


def read_page_token(token: str, account_id: UUID) -> tuple[EventFilter, int, int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        body = json.loads(raw)
        if body["a"] != str(account_id):
            raise BadPageToken("The page token belongs to another account.")
        return EventFilter.model_validate(body["f"]), int(body["l"]), int(body["o"])
    except BadPageToken:
        raise
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise BadPageToken("Invalid page token.") from exc


# ---- counting --------------------------------------------------------------------------------------
def _actor(rec: EventRec) -> dict[str, str] | None:
    return next((r for r in rec.related if r.get(RESOURCE_ROLE) == "actor"), None)


def count_by(
    matched: list[EventRec],
    countable: Countable,
    since: datetime,
    until: datetime,
    time_unit: TimeUnit,
    time_interval: float,
    workspace_names: dict[UUID, str],
) -> list[dict[str, Any]]:
    """`EventCount` rows: distinct values of `countable` with their counts, first seen first."""
    if countable == Countable.time:
        step = TIME_UNITS[time_unit] * time_interval
        buckets = int((until - since) / step) + 1
        if buckets > MAX_TIME_BUCKETS:
            raise ValueError(
                f"The time interval would create {buckets} buckets; at most {MAX_TIME_BUCKETS} are allowed."
            )
        counts = [0] * buckets
        for rec in matched:
            counts[min(int((rec.occurred - since) / step), buckets - 1)] += 1
        rows = []
        for index, count in enumerate(counts):
            start = since + step * index
            rows.append({"value": start.isoformat(), "label": start.isoformat(), "count": count,
                         "start_time": start, "end_time": min(start + step, until)})
        return rows
    groups: dict[str, dict[str, Any]] = {}
    for rec in sorted(matched, key=lambda r: r.occurred):
        if countable == Countable.day:
            day = rec.occurred.replace(hour=0, minute=0, second=0, microsecond=0)
            value, label, start, end = day.date().isoformat(), day.date().isoformat(), day, day + timedelta(days=1)
        else:
            if countable == Countable.event:
                value = label = rec.event
            elif countable == Countable.resource:
                value = rec.resource.get(RESOURCE_ID, "")
                label = rec.resource.get(RESOURCE_NAME, value)
            elif countable == Countable.workspace:
                if rec.workspace is None:
                    continue
                value = str(rec.workspace)
                label = workspace_names.get(rec.workspace, value)
            else:  # actor
                actor = _actor(rec)
                if actor is None:
                    continue
                value = actor.get(RESOURCE_ID, "")
                label = actor.get(RESOURCE_NAME, value)
            start = end = rec.occurred
        group = groups.setdefault(value, {"value": value, "label": label, "count": 0, "start_time": start, "end_time": end})
        group["count"] += 1
        group["start_time"] = min(group["start_time"], start)
        group["end_time"] = max(group["end_time"], end)
    return list(groups.values())
