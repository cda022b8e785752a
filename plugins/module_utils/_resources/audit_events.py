# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""The audit trail: the account's ``prefect-cloud.*`` events, asked for by what people know.

Prefect Cloud records every administrative change as an event named
``prefect-cloud.{resource-type}.{action}`` whose resource id is ``prefect-cloud.{resource-type}.{uuid}``
and whose related resources name the actor (role ``actor``, id ``prefect-cloud.actor.{actor_id}``),
the account and, for workspace-scoped changes, the workspace. People ask by email, bot name,
workspace handle and object name; this file turns that into an event filter, reads every page,
and turns each event back into names: who (an email or a bot name), what (the kind, the name and
the action), where (the workspace's handle) and when, next to the raw event.

The events come newest first. Reading them needs the account permission ``read:audit_event``
and a plan with audit logs: without them the query fails with ``EventsUnavailable`` (its
status is the API's), so that a caller can say "attribution unavailable" instead of failing.
"""

import datetime

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudHTTPError
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import (
    ACCOUNT,
    ACCOUNT_MEMBER,
    AUDIT_EVENT,
    BOT,
    TEAM,
    WORKSPACE,
    WORKSPACE_ROLE,
    is_uuid,
)
from ansible_collections.prefect.cloud.plugins.module_utils._engine.values import format_datetime, parse_datetime, parse_duration

PREFIX = "prefect-cloud."
RESOURCE_ID = "prefect.resource.id"
RESOURCE_NAME = "prefect.resource.name"
RESOURCE_ROLE = "prefect.resource.role"
ACTOR_ROLE = "actor"
EMAIL_LABEL = "prefect-cloud.email"

# The resource types of Prefect Cloud's audit events.
RESOURCE_KINDS = (
    "account",
    "account-domain-names",
    "account-invitation",
    "account-membership",
    "account-role",
    "account-settings",
    "api-key",
    "automation",
    "incident",
    "service-account",
    "support-access",
    "team",
    "team-membership",
    "user",
    "webhook",
    "workspace",
    "workspace-access",
    "workspace-invitation",
    "workspace-role",
    "workspace-settings",
)

# Kinds whose objects can be looked up by name (table entry, and the row field that holds the
# id the events use). A name of another kind, or of an object that is gone, is matched by the
# name the event recorded.
NAMED_KINDS = {
    "workspace": (WORKSPACE, "id"),
    "team": (TEAM, "id"),
    "service-account": (BOT, "id"),
    "user": (ACCOUNT_MEMBER, "user_id"),
    "account-membership": (ACCOUNT_MEMBER, "id"),
}


class EventsUnavailable(PrefectCloudHTTPError):
    """The account's events cannot be read with this key (permission, or plan)."""


def event_name(prefix):
    """``team.`` or ``prefect-cloud.team.`` alike: the full event name or prefix."""
    return prefix if prefix.startswith(PREFIX) else PREFIX + prefix


def moment(value, option, now):
    """A time option: a duration before ``now`` (``24h``, ``7d``) or an ISO 8601 timestamp."""
    try:
        return now - datetime.timedelta(seconds=parse_duration(value, option))
    except ValueError:
        pass
    except OverflowError:
        raise ValueError("%s: %r is too far back" % (option, value)) from None
    try:
        return parse_datetime(value)
    except (ValueError, OverflowError):
        raise ValueError(
            "%s: expected a duration before now (such as 24h or 7d) or an ISO 8601 date/time "
            "(such as 2026-03-01T00:00:00Z), got %r" % (option, value)
        ) from None


def check_moment(value, option):
    """Checks a time option before any request (``ValueError`` names the option)."""
    moment(value, option, datetime.datetime.now(datetime.timezone.utc))
    return value


def wire_time(when):
    return when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _uuid_of(resource_id):
    """``prefect-cloud.team.<uuid>`` -> ``<uuid>`` (``None`` for another shape)."""
    tail = (resource_id or "").rsplit(".", 1)[-1]
    return tail.lower() if is_uuid(tail) else None


def split_event(name):
    """``prefect-cloud.team-membership.created`` -> ``("team-membership", "created")``."""
    body = name[len(PREFIX):] if name.startswith(PREFIX) else name
    kind, dot, action = body.partition(".")
    return kind, action if dot and action else None


class AuditTrail:
    """Reads the account's audit events for one module run (``api`` and ``resolver`` of its connection)."""

    def __init__(self, api, resolver, clock):
        self.api = api
        self.resolver = resolver
        # The server's clock (the Date of its latest answer): windows are the server's, not this host's.
        self._clock = clock

    @property
    def now(self):
        return self._clock()

    # -- the query ---------------------------------------------------------

    def retention_start(self):
        """The oldest moment the account keeps events for (one read of the account)."""
        account = self.api.call(ACCOUNT, "get") or {}
        days = account.get("audit_log_retention_days")
        return self.now - datetime.timedelta(days=days if isinstance(days, int) and days > 0 else 3650)

    def actor_ids(self, refs):
        """Actor ids of users (by email or user id), bots (by name or id) or actor ids themselves."""
        ids = []
        users = self.resolver.find_many(ACCOUNT_MEMBER, [r for r in refs if "@" in r or is_uuid(r)])
        bots = self.resolver.find_many(BOT, [r for r in refs if "@" not in r])
        for ref in refs:
            row = users.get(ref) or bots.get(ref)
            if row is not None and row.get("actor_id"):
                ids.append(row["actor_id"])
            elif is_uuid(ref):
                ids.append(ref.lower())  # an actor id (a former member's, say) as it is
            else:
                raise ValueError(
                    "actor: %r is neither a member's email nor a bot's name in this account (for a former "
                    "member, give their actor id)" % ref
                )
        return ids

    def resource_criteria(self, kind, name, include_related):
        """The filter part that asks for one object (by name, or by id) of ``kind``."""
        key = "any_resource" if include_related else "resource"
        rid = None
        if name is not None and is_uuid(name):
            rid = name.lower()
        elif name is not None and kind in NAMED_KINDS:
            resource, id_field = NAMED_KINDS[kind]
            row = self.resolver.find(resource, name)
            rid = row.get(id_field) if row else None
        elif name is not None and kind == "workspace-role":
            row = self.resolver.role(WORKSPACE_ROLE, name)
            rid = row.get("id") if row else None
        if rid is not None:
            return {key: {"id": ["%s%s.%s" % (PREFIX, kind, rid)]}}
        criteria = {"id_prefix": ["%s%s." % (PREFIX, kind)]}
        if name is not None:
            criteria["labels"] = {RESOURCE_NAME: name}
        return {key: criteria}

    def event_filter(self, since=None, until=None, events=None, actors=None, kind=None, name=None,
                     include_related=False, workspaces=None):
        """The ``EventFilter`` body for the options (already checked), with an explicit window.

        The start is always sent: a query without one may cover only the last day. The end is
        sent only when asked for: the server's own "now" is more precise than its Date header.
        """
        oldest = self.retention_start()  # first: it also sets the server's clock
        now = self.now
        start = moment(since, "since", now) if since is not None else oldest
        occurred = {"since": wire_time(start)}
        if until is not None:
            end = moment(until, "until", now)
            if start > end:
                raise ValueError("since (%s) is after until (%s)" % (format_datetime(start), format_datetime(end)))
            occurred["until"] = wire_time(end)
        flt = {
            "occurred": occurred,
            "event": {"prefix": [event_name(e) for e in (events or [PREFIX])]},
            "order": "DESC",
        }
        if actors:
            pairs = [["%sactor.%s" % (PREFIX, a), ACTOR_ROLE] for a in self.actor_ids(actors)]
            flt["related"] = {"resources_in_roles": pairs}
        if kind is not None:
            flt.update(self.resource_criteria(kind, name, include_related))
        if workspaces:
            flt["scope"] = {"workspace": [self.resolver.require(WORKSPACE, w)["id"] for w in workspaces]}
        return flt

    def read(self, flt, max_events=None):
        """The events matching ``flt`` (every page), newest first; ``EventsUnavailable`` when not allowed."""
        page_size = min(200, max_events) if max_events else 200
        try:
            return self.api.read_pages(AUDIT_EVENT, {"filter": flt, "limit": page_size}, max_rows=max_events)
        except PrefectCloudHTTPError as exc:
            if exc.status in (403, 404):
                raise EventsUnavailable(
                    "the audit events of this account cannot be read with this API key: %s. Reading them needs the "
                    "account permission read:audit_event (Owners and Admins hold it) on a plan with audit logs" % exc,
                    method=exc.method,
                    path=exc.path,
                    status=exc.status,
                    detail=exc.detail,
                ) from None
            raise

    # -- names ---------------------------------------------------------------

    def directory(self):
        """Actors (by actor id) and workspaces (by id) of the account, read once together."""
        users, bots, workspaces = self.api.list_many(
            [self.api.listing(ACCOUNT_MEMBER), self.api.listing(BOT), self.api.listing(WORKSPACE)]
        )
        actors = {}
        for row in users:
            if row.get("actor_id"):
                actors[row["actor_id"]] = {"kind": "user", "name": row.get("email")}
        for row in bots:
            if row.get("actor_id"):
                actors[row["actor_id"]] = {"kind": "bot", "name": row.get("name")}
        return actors, {row["id"]: row.get("handle") for row in workspaces if row.get("id")}

    def describe(self, events):
        """Each event with names resolved, newest first (as read)."""
        if not events:
            return []
        actors, workspaces = self.directory()
        return [describe_event(event, actors, workspaces) for event in events]


def _actor_of(event, actors):
    for resource in event.get("related") or []:
        if resource.get(RESOURCE_ROLE) != ACTOR_ROLE:
            continue
        actor_id = _uuid_of(resource.get(RESOURCE_ID))
        known = actors.get(actor_id)
        if known is not None:
            return dict(known, id=actor_id)
        # A former member, or an actor this key may not list: what the event recorded.
        email = resource.get(EMAIL_LABEL)
        return {"id": actor_id, "kind": "user" if email else None, "name": email or resource.get(RESOURCE_NAME)}
    return {"id": None, "kind": None, "name": None}


def describe_event(event, actors, workspaces):
    """One event in names: who, what, where, when; the raw event beside them."""
    kind, action = split_event(event.get("event") or "")
    resource = event.get("resource") or {}
    actor = _actor_of(event, actors)
    workspace_id = event.get("workspace")
    workspace = workspaces.get(workspace_id) if workspace_id else None
    if workspace_id and workspace is None:
        related = [r for r in event.get("related") or [] if r.get(RESOURCE_ROLE) == "workspace"]
        workspace = related[0].get(RESOURCE_NAME) if related else None
    name = resource.get(RESOURCE_NAME)
    occurred = format_datetime(event.get("occurred")) if event.get("occurred") else None
    summary = "%s %s %s%s%s" % (
        actor["name"] or "someone",
        action or "changed",
        kind,
        " %s" % name if name else "",
        " in workspace %s" % workspace if workspace else "",
    )
    if occurred:
        summary += " at %s" % occurred
    return {
        "id": event.get("id"),
        "event": event.get("event"),
        "occurred": occurred,
        "resource_kind": kind,
        "action": action,
        "resource_id": _uuid_of(resource.get(RESOURCE_ID)),
        "resource_name": name,
        "workspace": workspace,
        "workspace_id": workspace_id,
        "actor": actor,
        "summary": summary,
        "raw": event,
    }
