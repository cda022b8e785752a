# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""Workspace access on the wire: the user, bot and team grants of a workspace.

The three kinds of grant live in three lists with three different rules: users and
bots are upserted with POST and revoked by access id, teams are upserted with PUT
and revoked by team id; users are granted by ``user_id`` (not their actor id).
This file keeps those rules in one place for ``workspace_access`` and its info module.
"""

from ansible_collections.prefect.cloud.plugins.module_utils._resolve import is_uuid

ACCESSORS = ("user", "bot", "team")

# How each kind of accessor appears in the workspace's access lists.
LISTS = {
    "user": {"path": "user_access", "id": "user_id", "name": "email", "plural": "users"},
    "bot": {"path": "bot_access", "id": "bot_id", "name": "bot_name", "plural": "bots"},
    "team": {"path": "team_access", "id": "team_id", "name": "team_name", "plural": "teams"},
}


def norm(kind, ref):
    """The form references are matched in: ids and emails without case, names as they are."""
    if is_uuid(ref) or kind == "user":
        return ref.lower()
    return ref


def accessor_of(entry):
    """``(kind, ref)`` of a grant (or of the module's own options)."""
    for kind in ACCESSORS:
        if entry.get(kind) is not None:
            return kind, entry[kind]
    return None, None


def sort_key(grant):
    kind, ref = accessor_of(grant)
    return (ACCESSORS.index(kind), ref.lower())


class AccessLists:
    """The user, bot and team grants of one workspace, indexed by accessor id and name."""

    def __init__(self, workspace, rows_by_kind):
        self.workspace = workspace
        self.rows = rows_by_kind
        self._index = {}
        for kind, rows in rows_by_kind.items():
            index = self._index.setdefault(kind, {})
            for row in rows:
                for field in (LISTS[kind]["id"], LISTS[kind]["name"]):
                    if row.get(field):
                        index[norm(kind, row[field])] = row

    def find(self, kind, ref):
        return self._index.get(kind, {}).get(norm(kind, ref))

    def all(self):
        for kind in ACCESSORS:
            for row in self.rows.get(kind, []):
                yield kind, row


def accessor_name(kind, row):
    name = row.get(LISTS[kind]["name"])
    return name.lower() if kind == "user" and name else name


def accessor_id(kind, row):
    return row[LISTS[kind]["id"]]


def describe_row(kind, row):
    return "%s %r" % (kind, accessor_name(kind, row))


# Accessors as the resolver finds them: account membership rows for users, bot and team rows.
RESOLVED = {
    "user": ("user_id", "email"),
    "bot": ("id", "name"),
    "team": ("id", "name"),
}


def access_list_path(workspace_path, kind):
    """``.../workspaces/{id}/user_access`` (or bot_access, team_access)."""
    return "%s/%s" % (workspace_path, LISTS[kind]["path"])


def read_access_list(client, workspace_path, kind, body=None):
    """Every grant of one kind on the workspace (all pages)."""
    return client.list_all(access_list_path(workspace_path, kind) + "/filter", body)


def upsert_access(client, workspace_path, kind, pairs):
    """One write granting ``[(accessor_id, role_id), ...]``; returns the API's rows."""
    if not pairs:
        return []
    path = access_list_path(workspace_path, kind) + "/"
    body = [{LISTS[kind]["id"]: ident, "workspace_role_id": role_id} for ident, role_id in pairs]
    if kind == "team":
        return client.put(path, json=body) or []
    return client.post(path, json=body) or []


def revoke_access(client, workspace_path, kind, row):
    """Remove one grant: team access by team id, user and bot access by the access id."""
    ident = row["team_id"] if kind == "team" else row["id"]
    client.delete("%s/%s" % (access_list_path(workspace_path, kind), ident))
