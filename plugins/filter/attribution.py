# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who changed what drifted: playbooks/audit.yml's drift, each object with its latest audit events.

``environments_attribute_drift(drift, events)`` takes the audit's drift (one entry per object that
differs from the declaration: ``kind``, ``object``, ``before``, ``after``) and what one
``prefect.cloud.audit_event_info`` run read (the events of a window, newest first), and gives each
entry ``changed_by`` - the most recent events on that object, who and when - and ``attribution``,
the sentence a reader wants: "changed outside the declaration by mel@acme.io at ...". When the
events could not be read (a Member's key: 403), every entry says attribution is unavailable and
why, and the audit goes on.

Matching is by the names the events recorded (``resource_name``, the workspace's handle), since an
object the declaration would create or has renamed has no id the declaration knows.
"""

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.prefect.cloud.plugins.filter.environments_audit import verbatim as _verbatim

# The most recent events kept per object.
MAX_EVENTS_PER_OBJECT = 3

# Per kind of drift (audit.yml's audit_kinds): the resource types of the events about such an object,
# and where the drift entry holds the object's name (the first found, in the diff before or after).
KINDS = {
    "ip_allowlist": {"resources": ("account-settings",), "name": None},
    "workspace_role": {"resources": ("workspace-role",), "name": ("name",)},
    "workspace": {"resources": ("workspace",), "name": ("handle",)},
    "account_member": {"resources": ("account-membership",), "name": ("email",)},
    "invitation": {"resources": ("account-invitation",), "name": ("email",)},
    "bot": {"resources": ("service-account",), "name": ("name",)},
    "team": {"resources": ("team", "team-membership"), "name": ("name",)},
    "workspace_access": {"resources": ("workspace-access",), "name": None, "in_workspace": True},
    "object_access": {
        "resources": ("work-pool-access", "deployment-access", "block-document-access"),
        "name": ("work_pool", "deployment", "block"),
        "in_workspace": True,
    },
}
# The resource type of the events on each kind of object access list, by the key of its name.
OBJECT_ACCESS_RESOURCES = {"work_pool": "work-pool-access", "deployment": "deployment-access", "block": "block-document-access"}


def _text(value):
    return to_text(value) if value is not None else None


def _sides(entry):
    return [side for side in ((entry.get("before") or {}), (entry.get("after") or {})) if isinstance(side, dict)]


def _first(entry, keys):
    for side in _sides(entry):
        for key in keys:
            if side.get(key) not in (None, ""):
                return key, _text(side[key])
    return None, None


def _target(entry):
    """``(resource types, name or None, workspace or None)`` of the events about a drift entry's object."""
    kind = KINDS.get(entry.get("kind"))
    if kind is None:
        return None
    resources, name, workspace = kind["resources"], None, None
    if kind.get("in_workspace"):
        _key, workspace = _first(entry, ("workspace",))
        workspace = workspace or (_text(entry.get("object")) if entry.get("kind") == "workspace_access" else None)
    if kind["name"]:
        key, name = _first(entry, kind["name"])
        if entry.get("kind") == "object_access" and key:
            resources = (OBJECT_ACCESS_RESOURCES[key],)
        if name is None and entry.get("kind") != "object_access":
            name = _text(entry.get("object"))
    return resources, name, workspace


def _about(event, resources, name, workspace):
    if event.get("resource_kind") not in resources:
        return False
    if workspace is not None and event.get("workspace") != workspace:
        return False
    if name is None:
        return True
    if event.get("resource_kind") == "team-membership":
        # A membership is named after its member; the team is a related resource.
        related = ((event.get("raw") or {}).get("related")) or []
        return any(r.get("prefect.resource.role") == "team" and r.get("prefect.resource.name") == name for r in related)
    recorded = _text(event.get("resource_name"))
    if recorded is None:
        return False
    return recorded.lower() == name.lower() if "@" in name else recorded == name


def _who(event):
    return _text(((event.get("actor") or {}).get("name")) or ((event.get("actor") or {}).get("id"))) or "an unknown actor"


def _unavailable(events):
    """Why the events could not be read, or ``None`` when they were."""
    if not isinstance(events, dict):
        return None
    if events.get("skipped"):
        return "attribution unavailable: the audit trail was not read"
    # A failed read registered with failed_when: false is no longer "failed": it has no events, and says why.
    if events.get("failed") or not isinstance(events.get("events"), list):
        status = events.get("status")
        reason = _text(events.get("msg")) or "the events could not be read"
        if status == 403:
            return "attribution unavailable: the key cannot read the audit trail (%s)" % reason
        return "attribution unavailable: %s" % reason
    return None


def attribute_drift(drift, events):
    """``drift`` with ``changed_by`` and ``attribution`` on each entry (a new list; the entries are copies).

    ``events`` is the registered result of ``prefect.cloud.audit_event_info`` (or its ``events``
    list), newest first.
    """
    if drift is None:
        return []
    if not isinstance(drift, list):
        raise AnsibleFilterError("environments_attribute_drift expects the list of drift entries, got %s" % type(drift).__name__)
    unavailable = _unavailable(events)
    rows = events.get("events") if isinstance(events, dict) else events
    rows = sorted(rows or [], key=lambda event: _text(event.get("occurred")) or "", reverse=True)
    since = _text(events.get("since")) if isinstance(events, dict) else None
    attributed = []
    for entry in drift:
        entry = dict(entry)
        if unavailable:
            entry["changed_by"] = []
            entry["attribution"] = unavailable
            attributed.append(entry)
            continue
        target = _target(entry)
        found = [event for event in rows if target and _about(event, *target)][:MAX_EVENTS_PER_OBJECT]
        entry["changed_by"] = [
            {"actor": _who(event), "occurred": event.get("occurred"), "event": event.get("event"), "summary": event.get("summary")}
            for event in found
        ]
        if found:
            entry["attribution"] = "changed outside the declaration by %s at %s (%s)" % (_who(found[0]), found[0].get("occurred"), found[0].get("event"))
        elif target is None:
            entry["attribution"] = "no attribution for drift of kind %s" % entry.get("kind")
        else:
            entry["attribution"] = "no audit event on it%s: changed before the window, or never (the declaration may be new)" % (
                " since %s" % since if since else "")
        attributed.append(entry)
    return attributed


class FilterModule:
    """The audit's attribution of drift to the audit trail."""

    def filters(self):
        # The events hold text an account Admin chose (a bot's name, an object's name): never a template.
        return {"environments_attribute_drift": _verbatim(attribute_drift)}
