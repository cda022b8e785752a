# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""Workspace access: the user, bot and team grants of a workspace.

The three kinds of accessor have three lists with different rules (see ``USER_ACCESS``,
``BOT_ACCESS`` and ``TEAM_ACCESS`` in the resource table): users and bots are revoked by
the access row's id, teams by team id; users are granted by ``user_id`` (not their
actor id); the team list takes no filter criteria. This file keeps those rules in one
place for ``workspace_access``, its info module and the invitation module.
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import (
    ACCOUNT_MEMBER,
    BOT,
    BOT_ACCESS,
    TEAM,
    TEAM_ACCESS,
    USER_ACCESS,
    is_uuid,
)

ACCESSORS = ("user", "bot", "team")

# The access list of each kind of accessor.
ACCESS_LISTS = {"user": USER_ACCESS, "bot": BOT_ACCESS, "team": TEAM_ACCESS}

# Where an accessor that has no grant yet is looked up: the table entry, and the fields of
# its row that hold the id a grant takes and the name people know it by.
ACCESSOR_LOOKUP = {
    "user": (ACCOUNT_MEMBER, "user_id", "email"),
    "bot": (BOT, "id", "name"),
    "team": (TEAM, "id", "name"),
}


def norm(accessor, ref):
    """The form references are matched in: ids and emails without case, names as they are."""
    if is_uuid(ref) or accessor == "user":
        return ref.lower()
    return ref


def accessor_of(entry):
    """``(accessor, ref)`` of a grant (or of the module's own options)."""
    for accessor in ACCESSORS:
        if entry.get(accessor) is not None:
            return accessor, entry[accessor]
    return None, None


def sort_key(grant):
    accessor, ref = accessor_of(grant)
    return (ACCESSORS.index(accessor), ref.lower())


def accessor_name(accessor, row):
    """The name a grant row shows its accessor by (emails in lower case)."""
    name = ACCESS_LISTS[accessor].key_of(row)
    return name.lower() if accessor == "user" and name else name


def accessor_id(accessor, row):
    """The id of the accessor a grant row is for (user id, bot id, team id)."""
    return row[ACCESS_LISTS[accessor].id_field]


def describe_row(accessor, row):
    return "%s %r" % (accessor, accessor_name(accessor, row))


class AccessLists:
    """The user, bot and team grants of one workspace, indexed by accessor id and name."""

    def __init__(self, workspace, rows_by_accessor):
        self.workspace = workspace
        self.rows = rows_by_accessor
        self._index = {}
        for accessor, rows in rows_by_accessor.items():
            index = self._index.setdefault(accessor, {})
            for row in rows:
                for value in (accessor_id(accessor, row), accessor_name(accessor, row)):
                    if value:
                        index[norm(accessor, value)] = row

    def find(self, accessor, ref):
        return self._index.get(accessor, {}).get(norm(accessor, ref))

    def all(self):
        for accessor in ACCESSORS:
            for row in self.rows.get(accessor, []):
                yield accessor, row


def read_access_list(api, workspace_id, accessor):
    """Every grant of one kind of accessor on the workspace (all pages)."""
    return api.list(ACCESS_LISTS[accessor], workspace_id=workspace_id)


def find_grants(api, workspace_id, accessor, refs):
    """The grants of the accessors ``refs`` name (ids or names), by server-side filter.

    Ids and names are two criteria, so a mixed list costs two reads. The team list takes
    no criteria: it is read whole and matched here.
    """
    resource = ACCESS_LISTS[accessor]
    ids = [r.lower() for r in refs if is_uuid(r)]
    names = [r for r in refs if not is_uuid(r)]
    if accessor == "team":
        wanted_names = set(names)
        return [
            row
            for row in read_access_list(api, workspace_id, "team")
            if row.get("team_id", "").lower() in ids or row.get("team_name") in wanted_names
        ]
    rows = {}
    for criterion, values in ((resource.id_criterion, ids), (resource.key, names)):
        if values:
            for row in api.list_by(resource, criterion, values, workspace_id=workspace_id):
                rows[row["id"]] = row
    return list(rows.values())


def upsert_access(api, workspace_id, accessor, pairs):
    """One write granting ``[(accessor_id, role_id), ...]``; returns the API's rows."""
    if not pairs:
        return []
    resource = ACCESS_LISTS[accessor]
    body = [{resource.id_field: ident, "workspace_role_id": role_id} for ident, role_id in pairs]
    return api.call(resource, "upsert", json=body, workspace_id=workspace_id) or []


def revoke_access(api, workspace_id, accessor, row):
    """Remove one grant: team access by team id, user and bot access by the access row's id."""
    ids = {"team_id": row["team_id"]} if accessor == "team" else {"id": row["id"]}
    api.delete(ACCESS_LISTS[accessor], "revoke", workspace_id=workspace_id, **ids)
