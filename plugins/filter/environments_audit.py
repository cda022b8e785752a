# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift audit's report (``playbooks/audit.yml``), worked out on the controller.

* ``environments_audit_drift``: the results of the environments role's check-mode run that would
  change something, each described field by field (``team analysts on analytics-live: Viewer ->
  Runner``): ``{kind, object, action, changes, msg, before, after}``;
* ``environments_audit_unmanaged``: what the account has and the declaration does not name
  (workspaces, teams, bots, members, grants on the workspaces the run converges). Only exclusive
  mode removes such things, and then they are drift already: they are left out of this list;
* ``environments_audit_report``: the report written as JSON - ``status`` (clean, drift or error),
  the counts, the drift, the pending team memberships, the unmanaged objects - and its summary lines.
"""

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text
from ansible.utils.unsafe_proxy import AnsibleUnsafeText

# How a row of a list is told from the others, in order of preference.
IDENTITY = ("user", "bot", "team", "email", "name", "handle", "ip_network")
ACCESSORS = ("user", "bot", "team")
ARROW = u" \u2192 "
STATUSES = ("clean", "drift", "error")


def _shown(value):
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value) if value else "(empty)"
    if isinstance(value, dict):
        return ", ".join("%s=%s" % (key, _shown(item)) for key, item in value.items())
    return to_text(value)


def _identity(row):
    if isinstance(row, dict):
        for key in IDENTITY:
            if row.get(key) is not None:
                return key, to_text(row[key])
    return None


def _keyed(rows):
    """``{(key, value): row}`` when every row of the list has an identity, else ``None``.

    An empty row is the side of a bulk form's diff with no object (before a creation, after a deletion).
    """
    keyed = {}
    for row in rows:
        if row == {}:
            continue
        identity = _identity(row)
        if identity is None or identity in keyed:
            return None
        keyed[identity] = row
    return keyed


def _ordered_union(first, second):
    seen = list(first)
    seen += [key for key in second if key not in first]
    return seen


def field_changes(before, after, path=()):
    """``[{'field': [...], 'before': ..., 'after': ...}]``: what differs between two views, leaf by leaf.

    A list of rows with an identity (grants, members, entries) is compared row by row (the field
    names the row, such as ``team analysts``); a list of plain values as one field.
    """
    if before == after:
        return []
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        if not isinstance(before, dict) or not isinstance(after, dict):
            return [{"field": list(path), "before": before or None, "after": after or None}]
        changes = []
        for key in _ordered_union(list(before), list(after)):
            changes += field_changes(before.get(key), after.get(key), path + (to_text(key),))
        return changes
    if isinstance(before, list) and isinstance(after, list):
        old, new = _keyed(before), _keyed(after)
        if old is not None and new is not None and (before or after) and all(isinstance(r, dict) for r in before + after):
            changes = []
            for identity in _ordered_union(list(old), list(new)):
                label = "%s %s" % identity
                was, now = old.get(identity), new.get(identity)
                if was is None or now is None:
                    rest = dict((key, value) for key, value in (was or now).items() if key != identity[0])
                    shown = (rest.get("workspace_role") if list(rest) == ["workspace_role"] else rest) or True
                    changes.append({"field": list(path) + [label], "before": None if was is None else shown,
                                    "after": None if now is None else shown})
                else:
                    changes += field_changes(
                        dict((k, v) for k, v in was.items() if k != identity[0]),
                        dict((k, v) for k, v in now.items() if k != identity[0]),
                        path + (label,),
                    )
            return changes
    return [{"field": list(path), "before": before, "after": after}]


def describe_change(kind, obj, change):
    """One line for one change: ``team analysts on analytics-live: Viewer -> Runner``."""
    field = [part for part in change["field"] if part != "workspace_role"]
    before, after = change["before"], change["after"]
    if kind == "workspace_access" and len(field) == 2 and field[0] == "grants" and field[1].split(" ", 1)[0] in ACCESSORS:
        return "%s on %s: %s%s%s" % (field[1], obj, _shown(before) if before is not None else "(no grant)", ARROW,
                                     _shown(after) if after is not None else "(revoked)")
    if isinstance(before, list) and isinstance(after, list) and not any(isinstance(v, dict) for v in before + after):
        added = [value for value in after if value not in before]
        removed = [value for value in before if value not in after]
        moves = ["+ %s" % _shown(value) for value in added] + ["- %s" % _shown(value) for value in removed]
        return "%s %s: %s: %s" % (kind, obj, ".".join(field) or "value", ", ".join(moves))
    where = ".".join(field)
    shown_before = _shown(before) if before is not None else "(absent)"
    shown_after = _shown(after) if after is not None else "(removed)"
    return "%s %s: %s%s%s%s" % (kind, obj, where + ": " if where else "", shown_before, ARROW, shown_after)


def _object(entry):
    # An entry of a list form's results names its object by its identity option (a workspace's access: workspace).
    for key in ("handle", "email", "name", "workspace"):
        if entry.get(key) is not None:
            return to_text(entry[key])
    item = entry.get("item")
    if isinstance(item, dict):
        for key in ("workspace", "name", "email"):
            if item.get(key) is not None:
                return to_text(item[key])
    return None


def _action(before, after):
    if not before:
        return "create"
    if not after:
        return "remove"
    return "change"


def _drift_entry(kind, obj, before, after, msg):
    action = _action(before, after)
    changes = field_changes(before or {}, after or {})
    if action == "change":
        lines = [describe_change(kind, obj, change) for change in changes]
    else:
        lines = ["%s %s: would be %s" % (kind, obj, "created" if action == "create" else "removed")]
    return {
        "kind": kind,
        "object": obj,
        "action": action,
        "changes": changes,
        "msg": "; ".join(lines) if lines else msg,
        "module_msg": msg,
        "before": before or {},
        "after": after or {},
    }


def audit_drift(results):
    """The drift entries of the results that would change something (each a module result with ``audit_kind``).

    A result without an object of its own whose diff holds one list of rows (the team module's bulk
    form: ``{teams: [...]}``) gives one entry per row that differs.
    """
    drift = []
    for entry in results or []:
        if not isinstance(entry, dict) or not entry.get("changed"):
            continue
        kind = to_text(entry.get("audit_kind") or "object")
        diff = entry.get("diff") or {}
        before, after = diff.get("before") or {}, diff.get("after") or {}
        obj = _object(entry)
        msg = to_text(entry.get("msg") or "")
        if obj is None and len(set(before) | set(after)) == 1:
            key = list(set(before) | set(after))[0]
            old, new = _keyed(before.get(key) or []), _keyed(after.get(key) or [])
            if old is not None and new is not None:
                for identity in _ordered_union(list(old), list(new)):
                    if old.get(identity) != new.get(identity):
                        drift.append(_drift_entry(kind, identity[1], old.get(identity), new.get(identity), msg))
                continue
        drift.append(_drift_entry(kind, obj if obj is not None else kind.replace("_", " "), before, after, msg))
    return drift


def _names(rows, key):
    return [to_text(row.get(key)) for row in rows or [] if isinstance(row, dict) and row.get(key) is not None]


def audit_unmanaged(account, declaration, drift=None):
    """What the account has that the declaration does not name, less what the drift removes already.

    ``account``: ``workspaces`` (handles), ``teams``, ``bots`` (names), ``members`` (emails),
    ``grants`` (``{workspace handle: [{user|bot|team, workspace_role}]}``, or a workspace_access_info
    result per handle, for the workspaces the run converges). ``declaration``: ``workspaces``, ``teams``, ``bots``, ``people`` (what it names) and
    ``grants`` (``{workspace handle: [grant]}`` as the role works them out).
    Grants the drift revokes (exclusive mode) are left out, as are members it removes.
    """
    if not isinstance(account, dict) or not isinstance(declaration, dict):
        raise AnsibleFilterError("environments_audit_unmanaged expects two dictionaries")
    removed = set((d.get("kind"), to_text(d.get("object"))) for d in drift or [] if d.get("action") == "remove")

    def left(kind, have, named, fold=False):
        norm = (lambda value: to_text(value).lower()) if fold else to_text
        named = set(norm(value) for value in named or [])
        return sorted(to_text(value) for value in have or []
                      if norm(value) not in named and (kind, to_text(value)) not in removed)

    grants = []
    for workspace, rows in sorted((account.get("grants") or {}).items()):
        if isinstance(rows, dict):
            # A workspace_access_info result: its users, bots and teams (none for a workspace not made yet).
            rows = ([{"user": row.get("email"), "workspace_role": row.get("workspace_role")} for row in rows.get("users") or []]
                    + [{"bot": row.get("bot_name"), "workspace_role": row.get("workspace_role")} for row in rows.get("bots") or []]
                    + [{"team": row.get("team_name"), "workspace_role": row.get("workspace_role")} for row in rows.get("teams") or []])
        declared = set()
        for grant in (declaration.get("grants") or {}).get(workspace) or []:
            identity = _identity(grant)
            if identity:
                declared.add((identity[0], identity[1].lower() if identity[0] == "user" else identity[1]))
        for row in rows or []:
            identity = _identity(row)
            if identity is None:
                continue
            if (identity[0], identity[1].lower() if identity[0] == "user" else identity[1]) not in declared:
                grants.append({identity[0]: identity[1], "workspace": to_text(workspace), "workspace_role": row.get("workspace_role")})
    # Grants an exclusive run revokes are drift of their workspace's access already.
    revoked = set(
        (to_text(d.get("object")), change["field"][1])
        for d in drift or [] if d.get("kind") == "workspace_access"
        for change in d.get("changes") or []
        if len(change.get("field") or []) >= 2 and change["field"][0] == "grants" and change.get("after") is None
    )
    grants = [grant for grant in grants if (grant["workspace"], "%s %s" % _identity(grant)[:2]) not in revoked]
    return {
        "workspaces": left("workspace", account.get("workspaces"), declaration.get("workspaces")),
        "teams": left("team", account.get("teams"), declaration.get("teams")),
        "bots": left("bot", account.get("bots"), declaration.get("bots")),
        "members": left("account_member", account.get("members"), declaration.get("people"), fold=True),
        "grants": grants,
    }


def audit_report(drift, unmanaged=None, pending=None, error=None, report_path=None):
    """The report: ``{status, counts, drift, pending, unmanaged, error, summary}``.

    ``status`` is ``error`` when ``error`` is given (the audit could not finish: nothing else in
    the report can be trusted to be complete), else ``drift`` when anything would change, else ``clean``.
    """
    drift = list(drift or [])
    pending = list(pending or [])
    unmanaged = dict(unmanaged or {})
    status = "error" if error else ("drift" if drift else "clean")
    counts = {
        "drift": len(drift),
        "create": len([d for d in drift if d.get("action") == "create"]),
        "change": len([d for d in drift if d.get("action") == "change"]),
        "remove": len([d for d in drift if d.get("action") == "remove"]),
        "pending": sum(len(p.get("teams") or []) for p in pending),
        "unmanaged": sum(len(value) for value in unmanaged.values()),
    }
    where = " (report: %s)" % report_path if report_path else ""
    if status == "error":
        summary = ["ERROR: the audit could not finish, so it says nothing about drift%s:" % where, "  %s" % to_text(error)]
    elif status == "drift":
        summary = ["DRIFT: %d object(s) differ from the declaration (%d to create, %d to change, %d to remove)%s:"
                   % (counts["drift"], counts["create"], counts["change"], counts["remove"], where)]
        for d in drift:
            summary.append("  - %s" % d["msg"])
            # Who changed it (the audit trail), when that is known; "unavailable" is said once below.
            if d.get("changed_by"):
                summary.append("    %s" % to_text(d.get("attribution")))
        unavailable = sorted(set(to_text(d["attribution"]) for d in drift
                                 if d.get("attribution") and not d.get("changed_by") and "unavailable" in to_text(d["attribution"])))
        summary += ["  (%s)" % reason for reason in unavailable]
    else:
        summary = ["CLEAN: the account matches the declaration%s." % where]
    if status != "error":
        if pending:
            summary.append("Pending (not drift): team memberships that wait for an invitation to be accepted:")
            summary += ["  - %s joins %s once they accept their invitation" % (p.get("user"), ", ".join(p.get("teams") or []))
                        for p in pending]
        if counts["unmanaged"]:
            summary.append("Unmanaged (not drift): in the account, not named by the declaration:")
            for kind in ("workspaces", "teams", "bots", "members"):
                if unmanaged.get(kind):
                    summary.append("  - %s: %s" % (kind, ", ".join(unmanaged[kind])))
            for grant in unmanaged.get("grants") or []:
                identity = _identity(grant)
                summary.append("  - grant: %s %s on %s (%s)" % (identity[0], identity[1], grant["workspace"], grant.get("workspace_role")))
    return {
        "status": status,
        "counts": counts,
        "count": counts["drift"],
        "drift": drift,
        "pending": pending,
        "unmanaged": unmanaged,
        "error": to_text(error) if error else None,
        "summary": summary,
    }


def _unsafe(value):
    """``value`` in plain containers, every string marked unsafe (``wrap_var`` would rebuild ansible-core 2.19's lazy containers)."""
    if isinstance(value, dict):
        return dict((_unsafe(key), _unsafe(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_unsafe(item) for item in value]
    if isinstance(value, str):
        return AnsibleUnsafeText(str.__str__(value))
    return value


def verbatim(function):
    """``function`` whose result Ansible never evaluates as a template (it holds the account's or the declaration's text).

    ansible-core 2.16 evaluates a string that a fact holds when the fact is used; its result marked unsafe it
    leaves as it is (2.19 and later never evaluate data).
    """

    def wrapped(*args, **kwargs):
        return _unsafe(function(*args, **kwargs))

    wrapped.__doc__ = function.__doc__
    return wrapped


class FilterModule:
    """The drift audit's report."""

    def filters(self):
        return {
            "environments_audit_drift": verbatim(audit_drift),
            "environments_audit_unmanaged": verbatim(audit_unmanaged),
            "environments_audit_report": verbatim(audit_report),
        }
