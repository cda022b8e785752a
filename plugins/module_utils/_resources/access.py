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
    WORKSPACE,
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


def read_access_lists(api, workspace_id, accessors=ACCESSORS):
    """``{accessor: every grant of that kind}`` on the workspace, the lists read at the same time."""
    accessors = list(accessors)
    listings = [api.listing(ACCESS_LISTS[accessor], workspace_id=workspace_id) for accessor in accessors]
    return dict(zip(accessors, api.list_many(listings)))


def find_grants(api, workspace_id, accessor, refs):
    """The grants of the accessors ``refs`` name (ids or names), by server-side filter.

    Ids and names are two criteria, so a mixed list costs two reads (sent at the same
    time). The team list takes no criteria: it is read whole and matched here.
    """
    return find_grants_of(api, workspace_id, {accessor: refs})[accessor]


def find_grants_of(api, workspace_id, refs_by_accessor):
    """``{accessor: grants}`` of the accessors ``refs_by_accessor`` names, per kind, as ``find_grants``.

    Every read of every kind is sent at the same time; the rows come in the order
    ``find_grants`` gives them, kind by kind.
    """
    plans = [(accessor, refs, _grant_listings(api, workspace_id, accessor, refs)) for accessor, refs in refs_by_accessor.items()]
    results = api.list_many([listing for _accessor, _refs, listings in plans for listing in listings])
    found = {}
    for accessor, refs, listings in plans:
        found[accessor] = _matched_grants(accessor, refs, results[: len(listings)])
        results = results[len(listings):]
    return found


def _grant_listings(api, workspace_id, accessor, refs):
    """The reads that find the grants of ``refs``: one per criterion (ids, names); the whole team list."""
    resource = ACCESS_LISTS[accessor]
    if accessor == "team":
        return [api.listing(resource, workspace_id=workspace_id)]
    ids = [r.lower() for r in refs if is_uuid(r)]
    names = [r for r in refs if not is_uuid(r)]
    return [
        api.listing_by(resource, criterion, values, workspace_id=workspace_id)
        for criterion, values in ((resource.id_criterion, ids), (resource.key, names))
        if values
    ]


def _matched_grants(accessor, refs, lists):
    """The grants of ``refs`` among the rows ``_grant_listings`` read, each grant once."""
    if accessor == "team":
        ids = {r.lower() for r in refs if is_uuid(r)}
        names = {r for r in refs if not is_uuid(r)}
        return [row for row in lists[0] if row.get("team_id", "").lower() in ids or row.get("team_name") in names]
    rows = {}
    for listed in lists:
        for row in listed:
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


# -- Collaborators: a revocation that ends an account membership ---------------------------------
#
# Prefect Cloud removes a user whose account role is Collaborator from the account when their last
# workspace access in it is revoked (DELETE .../user_access/{id}; the role a workspace invitation
# gives). A revocation that does so is more than a revocation, and says so.

COLLABORATOR = "Collaborator"


def collaborators_leaving(api, resolver, workspace_id, revoked_rows):
    """The emails (lower case, sorted) of the users whose account membership revoking ``revoked_rows`` ends.

    ``revoked_rows`` are user grants on ``workspace_id`` about to be revoked. Nothing is read
    without one; then one read of their memberships, and only when one is a Collaborator, one of
    the account's workspaces and one of the user grants of each other workspace (at the same time).
    """
    rows = {row["user_id"].lower(): row for row in revoked_rows if row.get("user_id")}
    if not rows:
        return []
    members = resolver.find_many(ACCOUNT_MEMBER, sorted(rows))
    collaborators = sorted(user_id for user_id, member in members.items() if member.get("account_role_name") == COLLABORATOR)
    if not collaborators:
        return []
    others = [ws for ws in api.list(WORKSPACE) if ws["id"].lower() != workspace_id.lower()]
    listings = [api.listing_by(USER_ACCESS, USER_ACCESS.id_criterion, collaborators, workspace_id=ws["id"]) for ws in others]
    elsewhere = set()
    for grants in api.list_many(listings):
        elsewhere |= {(grant.get("user_id") or "").lower() for grant in grants}
    return sorted((rows[user_id].get("email") or user_id).lower() for user_id in collaborators if user_id not in elsewhere)


# -- the caller's right to manage the workspace's access ---------------------------------------
#
# Each access list is written with its own workspace scope. A caller holds the scopes of its
# own user (or bot) grant and of the grants of every team it is in - or all of them, when its
# account role administrates workspaces. A change to the caller's own grants can take a scope
# away; the writes below are planned so that none is sent without the scope it needs, and a
# plan that takes the caller's right away can be refused before anything is sent.

# The scope that writing each kind of grant needs.
MANAGE_SCOPES = {
    "user": "manage_workspace_users",
    "bot": "manage_workspace_service_accounts",
    "team": "manage_workspace_teams",
}


def managing_scopes(scopes):
    """The access-managing scopes among ``scopes``, sorted."""
    return sorted(set(scopes) & set(MANAGE_SCOPES.values()))


class GrantChange:
    """One grant a write changes: the accessor's id, its role before (``None``: no grant) and after."""

    def __init__(self, ident, label, before_role_id, after_role_id):
        self.ident = ident.lower()
        self.label = label
        self.before_role_id = before_role_id
        self.after_role_id = after_role_id


class AccessWrite:
    """One request of an access change: an upsert of grants of one kind, or one revocation."""

    def __init__(self, accessor, changes, revoked_row=None):
        self.accessor = accessor
        self.changes = list(changes)
        self.revoked_row = revoked_row

    @classmethod
    def revocation(cls, accessor, row):
        change = GrantChange(accessor_id(accessor, row), describe_row(accessor, row), row["workspace_role_id"], None)
        return cls(accessor, [change], revoked_row=row)

    @property
    def needs(self):
        return MANAGE_SCOPES[self.accessor]

    def keys(self):
        return [(self.accessor, change.ident) for change in self.changes]

    def only(self, keys, keep):
        """This write restricted to the grants whose key is (``keep``) or is not in ``keys``; ``None`` if empty."""
        changes = [c for c in self.changes if ((self.accessor, c.ident) in keys) == keep]
        if not changes:
            return None
        if len(changes) == len(self.changes):
            return self
        return AccessWrite(self.accessor, changes, self.revoked_row)

    def applied_to(self, held):
        """``held`` (``{(accessor, id): role id or None}``) after this write."""
        result = dict(held)
        for change in self.changes:
            key = (self.accessor, change.ident)
            if key in result:
                result[key] = change.after_role_id
        return result

    def send(self, api, workspace_id):
        if self.revoked_row is not None:
            revoke_access(api, workspace_id, self.accessor, self.revoked_row)
        else:
            upsert_access(api, workspace_id, self.accessor, [(c.ident, c.after_role_id) for c in self.changes])


class CallerAccessPlan:
    """What a list of writes does to the caller's own grants, and an order to send them in.

    ``held`` maps each of the caller's accessors (its user or bot, its teams) on the workspace
    to the role id of its grant there (``None``: no grant yet); ``scopes_of(role_id)`` gives a
    role's scopes. The writes that touch none of them go first, in the order given; the
    caller's own follow, each chosen so that the caller still holds the scope it needs and as
    many access-managing scopes as possible stay for the rest.
    """

    def __init__(self, held, writes, scopes_of):
        self.held = dict(held)
        self.scopes_of = scopes_of
        own_keys = set(held)
        self.others = [part for part in (w.only(own_keys, keep=False) for w in writes) if part is not None]
        pending = [part for part in (w.only(own_keys, keep=True) for w in writes) if part is not None]
        self.own = []
        #: the first of the caller's writes that would be sent without the scope it needs, if any
        self.stuck = None
        state = self.held
        while pending:
            allowed = [w for w in pending if w.needs in self.scopes(state)]
            if allowed:
                chosen = max(allowed, key=lambda w: (len(managing_scopes(self.scopes(w.applied_to(state)))), -pending.index(w)))
            else:
                chosen = pending[0]
                self.stuck = self.stuck or chosen
            pending.remove(chosen)
            self.own.append(chosen)
            state = chosen.applied_to(state)
        self.after = state

    def scopes(self, held):
        found = set()
        for role_id in held.values():
            if role_id is not None:
                found |= self.scopes_of(role_id)
        return found

    @property
    def ordered(self):
        return self.others + self.own

    @property
    def lost(self):
        """The access-managing scopes the caller holds now and would not hold after the writes."""
        return sorted(set(managing_scopes(self.scopes(self.held))) - set(self.scopes(self.after)))

    def own_changes(self):
        """The changes to the caller's own grants."""
        return [change for write in self.own for change in write.changes]
