#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: audit_event_info
short_description: Read the audit trail of a Prefect Cloud account (who changed what, and when)
version_added: 0.1.0
description:
  - Returns the account's audit events, newest first, every page of them, with names resolved - who (a member's
    email or a bot's name), what (the kind of object, its name and the action), where (the workspace's handle) and
    when - and the raw event beside them.
  - Prefect Cloud records every administrative change as an event named C(prefect-cloud.<resource-type>.<action>),
    for example C(prefect-cloud.team.created), C(prefect-cloud.workspace-access.updated) or
    C(prefect-cloud.service-account.rotated). This module reads only those events, unless O(events) says otherwise.
  - Filters are sent to the server; several filters narrow together. Events past the account's retention
    (C(audit_log_retention_days) of the account, depending on the plan) are gone.
  - Reading events needs the account permission C(read:audit_event), which Owners and Admins hold, on a plan with
    audit logs. Without it the task fails with RV(status) C(403) and says so, so that a play can report that the audit
    trail is unavailable rather than stop (see the examples).
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  since:
    description:
      - Only events from this moment on. A duration back from now (V(24h), V(7d), V(2w), V(90m)) or an ISO 8601
        date/time (V(2026-03-01T00:00:00Z)).
      - When unset, as far back as the account keeps events.
    type: str
  until:
    description:
      - Only events up to this moment, in the same forms as O(since). When unset, up to now.
    type: str
  events:
    description:
      - Only events whose name starts with one of these, with or without the C(prefect-cloud.) in front - V(team.)
        for every team event, V(workspace-access.) for every grant, V(service-account.rotated) for key rotations.
      - When unset, every audit event (V(prefect-cloud.)).
    type: list
    elements: str
  actor:
    description:
      - Only events caused by these members (by email) or bots (by name). An actor id (a UUID) is taken as it is,
        which finds the events of a former member.
    type: list
    elements: str
  resource_kind:
    description:
      - Only events about objects of this kind (the resource type of the event).
    type: str
    choices:
      - account
      - account-domain-names
      - account-invitation
      - account-membership
      - account-role
      - account-settings
      - api-key
      - automation
      - incident
      - service-account
      - support-access
      - team
      - team-membership
      - user
      - webhook
      - workspace
      - workspace-access
      - workspace-invitation
      - workspace-role
      - workspace-settings
  resource_name:
    description:
      - Only events about the object of O(resource_kind) with this name - a workspace's handle, a team's, bot's or
        role's name, a member's email - or this id (a UUID).
      - A workspace, team, service account (bot), user, account membership or workspace role that exists is looked up,
        so that its events are found by its id, also those recorded under an earlier name; any other object (or one
        that is gone) is found by the name its events recorded.
    type: str
  include_related:
    description:
      - With O(resource_kind), also the events in which that object is a related resource rather than the subject -
        for a team, the changes of its members and of its grants; for a workspace, every change made in it.
    type: bool
    default: false
  workspace:
    description:
      - Only events that happened in these workspaces (by handle or id).
    type: list
    elements: str
  max_events:
    description:
      - At most this many events, the newest. When unset, all of them.
    type: int
notes:
  - Events are read 200 a page, and the page after is asked for with the page token of the page before; the
    C(next_page) link the API returns is never followed as it is, so the API key goes nowhere but O(api_url).
  - Names are resolved with three reads (members, bots, workspaces) when there is at least one event. An actor who
    is no longer a member shows with the name the event recorded.
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes.info_module
seealso:
  - module: prefect.cloud.access_review_info
  - module: prefect.cloud.workspace_access_info
"""

EXAMPLES = r"""
- name: Read the audit trail
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  tasks:
    - name: Every grant changed in production this week
      prefect.cloud.audit_event_info:
        since: 7d
        events: [workspace-access.]
        workspace: [prod]
      register: prod_grants

    - name: Show who did what
      ansible.builtin.debug:
        msg: "{{ prod_grants.events | map(attribute='summary') | list }}"

    - name: The last three changes of a team, its members and grants included
      prefect.cloud.audit_event_info:
        resource_kind: team
        resource_name: data-engineers
        include_related: true
        max_events: 3
      register: team_history

    - name: What a bot did in March
      prefect.cloud.audit_event_info:
        actor: [prod-deployer]
        since: "2026-03-01T00:00:00Z"
        until: "2026-04-01T00:00:00Z"
      register: bot_events

    - name: Key rotations, or a note when this key may not read the audit trail
      prefect.cloud.audit_event_info:
        events: [service-account.rotated]
      register: rotations
      failed_when: rotations.failed and rotations.status | default(0) not in [403, 404]

    - name: Say so when the trail is unavailable
      ansible.builtin.debug:
        msg: "Attribution unavailable: {{ rotations.msg }}"
      when: rotations.status | default(0) in [403, 404]
"""

RETURN = r"""
events:
  description: The events, newest first.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The event's id.
      type: str
      sample: 5b1f7c2e-9a4d-4f0b-8e3c-2d1a0b9c8e7f
    event:
      description: The event's name.
      type: str
      sample: prefect-cloud.workspace-access.updated
    occurred:
      description: When it happened (UTC).
      type: str
      sample: '2026-03-02T14:05:12Z'
    resource_kind:
      description: The kind of object it is about (the resource type of the event name).
      type: str
      sample: workspace-access
    action:
      description: What happened to it.
      type: str
      sample: updated
    resource_id:
      description: The object's id (from the event's resource id).
      type: str
      sample: 71441aca-7aa5-409c-9425-a87aaab6f051
    resource_name:
      description:
        - The object's name as the event recorded it - for a workspace grant, whom it grants.
      type: str
      sample: data-engineers
    workspace:
      description: The handle of the workspace it happened in; null for account-wide changes.
      type: str
      sample: prod
    workspace_id:
      description: The id of that workspace.
      type: str
      sample: 6f1c3b8e-2a4d-4e55-9d0f-0a1b2c3d4e5f
    actor:
      description: Who did it.
      type: dict
      contains:
        id:
          description: The actor id.
          type: str
          sample: d48e8b2c-bce0-46a2-86b7-d7f392176fac
        kind:
          description: V(user), V(bot), or null when the actor is unknown to the account now and left no email.
          type: str
          sample: user
        name:
          description: A user's email, a bot's name.
          type: str
          sample: dan@acme.io
    summary:
      description: The event in one line.
      type: str
      sample: dan@acme.io updated workspace-access data-engineers in workspace prod at 2026-03-02T14:05:12Z
    raw:
      description: The event as the API returned it (resource, related resources, payload).
      type: dict
      sample:
        event: prefect-cloud.workspace-access.updated
        resource: {prefect.resource.id: prefect-cloud.workspace-access.71441aca-7aa5-409c-9425-a87aaab6f051}
count:
  description: How many events were returned.
  returned: always
  type: int
  sample: 1
since:
  description: The start of the window asked for (UTC).
  returned: always
  type: str
  sample: '2026-02-23T14:05:12Z'
until:
  description: The end of the window asked for (UTC).
  returned: always
  type: str
  sample: '2026-03-02T14:05:12Z'
status:
  description: The HTTP status of the refusal, when the events could not be read (V(403) without the permission).
  returned: on failure to read the events
  type: int
  sample: 403
"""

from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._engine.values import format_datetime
from ansible_collections.prefect.cloud.plugins.module_utils._resources.audit_events import (
    RESOURCE_KINDS,
    AuditTrail,
    check_moment,
)


def check(params):
    """Every option's own rules, before any request."""
    validate.check_options(
        params,
        {
            "since": check_moment,
            "until": check_moment,
            "events": validate.list_of(validate.identity),
            "actor": validate.list_of(validate.identity),
            "resource_name": validate.identity,
            "workspace": validate.list_of(validate.workspace_reference),
        },
    )
    if params["max_events"] is not None and params["max_events"] < 1:
        raise ValueError("max_events must be 1 or more, got %d" % params["max_events"])
    if params["include_related"] and params["resource_kind"] is None:
        raise ValueError("include_related needs resource_kind")


def read(module):
    params = module.params
    trail = AuditTrail(module.api, module.resolver, module.client.server_now)
    try:
        flt = trail.event_filter(
            since=params["since"],
            until=params["until"],
            events=params["events"],
            actors=params["actor"],
            kind=params["resource_kind"],
            name=params["resource_name"],
            include_related=params["include_related"],
            workspaces=params["workspace"],
        )
    except ValueError as exc:
        module.fail(str(exc))
    events = trail.describe(trail.read(flt, params["max_events"]))
    return {
        "changed": False,
        "events": events,
        "count": len(events),
        "since": format_datetime(flt["occurred"]["since"]),
        "until": format_datetime(flt["occurred"].get("until") or module.client.server_now()),
    }


def main():
    module = PrefectCloudModule(
        argument_spec={
            "since": {"type": validate.STRING},
            "until": {"type": validate.STRING},
            "events": {"type": "list", "elements": validate.STRING},
            "actor": {"type": "list", "elements": validate.STRING},
            "resource_kind": {"type": validate.STRING, "choices": list(RESOURCE_KINDS)},
            "resource_name": {"type": validate.STRING},
            "include_related": {"type": "bool", "default": False},
            "workspace": {"type": "list", "elements": validate.STRING},
            "max_events": {"type": "int"},
        },
        required_by={"resource_name": "resource_kind"},
    )
    try:
        check(module.params)
    except ValueError as exc:
        module.fail(str(exc))
    module.run(lambda: read(module))


if __name__ == "__main__":
    main()
