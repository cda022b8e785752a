# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""Name to ID resolution.

Users refer to objects by their natural key - users by email, bots and teams by
name, workspaces by handle, roles by name - and a UUID works everywhere too.
Lookups use the API's server-side filters (never "list everything and search"),
can be batched (one filter with ``any_: [...]`` for many names), and are cached
for the module run.

Mind the ID types (see the API reference): a *user* is addressed by ``user_id``
for workspace access and team adds, but team members are removed by *actor* id.
The membership rows returned for users carry both.
"""

import re

from ansible_collections.prefect.cloud.plugins.module_utils._client import PrefectCloudError

UUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_uuid(value):
    return isinstance(value, str) and bool(UUID_PATTERN.match(value))


def account_id_from_memberships(ref, accounts):
    """The id of the account ``ref`` (a handle, a UUID or ``None``) among the caller's ``accounts``.

    ``accounts`` is the answer of ``GET /me/accounts``. With no ``ref`` the account is
    inferred when the key belongs to exactly one. ``ValueError`` says what to set otherwise.
    """
    handles = ", ".join(sorted(a.get("account_handle") or "?" for a in accounts)) or "none"
    if ref:
        for entry in accounts:
            if entry.get("account_handle") == ref or entry.get("account_id") == ref.lower():
                return entry["account_id"]
        raise ValueError("account %r not found among the accounts this API key can reach (%s)" % (ref, handles))
    if len(accounts) == 1:
        return accounts[0]["account_id"]
    if not accounts:
        raise ValueError("this API key belongs to no account; set the account option")
    raise ValueError(
        "this API key reaches %d accounts (%s): set the account option (or PREFECT_CLOUD_ACCOUNT_ID) to one of them"
        % (len(accounts), handles)
    )


class ReferenceNotFound(PrefectCloudError):
    """A referenced object (by name, email, handle or id) does not exist."""

    def __init__(self, kind, ref, hint=None):
        super().__init__("%s %r not found%s" % (kind, ref, "; " + hint if hint else ""))
        self.kind = kind
        self.ref = ref


class _Kind:
    """How one kind of object is looked up through its ``/filter`` endpoint."""

    def __init__(self, label, path, wrap, key_field, key_of, id_field="id", extra=None, fold_case=False):
        self.label = label  # used in messages: "team 'x' not found"
        self.path = path  # relative to the account path
        self.wrap = wrap  # the filter body's top-level key
        self.key_field = key_field  # the filter criterion for the natural key
        self.key_of = key_of  # row -> natural key
        self.id_field = id_field  # the filter criterion (and row field) for the id
        self.extra = extra or {}
        self.fold_case = fold_case  # emails compare case-insensitively

    def norm(self, ref):
        if is_uuid(ref) or (self.fold_case and isinstance(ref, str)):
            return ref.lower()
        return ref


KINDS = {
    "workspace": _Kind("workspace", "/workspaces/filter", "workspaces", "handle", lambda r: r.get("handle")),
    "team": _Kind("team", "/teams/filter", "teams", "name", lambda r: r.get("name")),
    "bot": _Kind("bot", "/bots/filter", "service_accounts", "name", lambda r: r.get("name")),
    "user": _Kind(
        "user",
        "/account_memberships/filter",
        "account_memberships",
        "email",
        lambda r: r.get("email"),
        id_field="user_id",
        extra={"only_users": True},
        fold_case=True,
    ),
}


class Resolver:
    """Resolves references inside one account, with a cache per module run."""

    def __init__(self, client, account_path):
        self.client = client
        self.account_path = account_path
        self._cache = {kind: {} for kind in KINDS}
        self._role_catalogues = {}

    # -- users, bots, teams, workspaces ------------------------------------

    def find(self, kind, ref):
        """The object ``ref`` names (natural key or UUID), or ``None``."""
        return self.find_many(kind, [ref]).get(ref)

    def require(self, kind, ref):
        found = self.find(kind, ref)
        if found is None:
            raise ReferenceNotFound(KINDS[kind].label, ref)
        return found

    def find_many(self, kind, refs):
        """Map each of ``refs`` to its object; references that do not exist are left out.

        One filter request (paginated) per kind and id/key split, however many refs.
        """
        spec = KINDS[kind]
        cache = self._cache[kind]
        wanted = [r for r in dict.fromkeys(refs) if spec.norm(r) not in cache]
        by_id = [r for r in wanted if is_uuid(r)]
        by_key = [r for r in wanted if not is_uuid(r)]
        if by_id:
            self._load(spec, cache, spec.id_field, [r.lower() for r in by_id], by_id=True)
        if by_key:
            self._load(spec, cache, spec.key_field, by_key, by_id=False)
        for ref in wanted:
            cache.setdefault(spec.norm(ref), None)
        result = {}
        for ref in refs:
            row = cache.get(spec.norm(ref))
            if row is not None:
                result[ref] = row
        return result

    def require_many(self, kind, refs):
        found = self.find_many(kind, refs)
        missing = [r for r in refs if r not in found]
        if missing:
            raise ReferenceNotFound(KINDS[kind].label, missing[0] if len(missing) == 1 else missing)
        return found

    def remember(self, kind, row):
        """Put an object the module just created or read into the cache."""
        spec = KINDS[kind]
        cache = self._cache[kind]
        key = spec.key_of(row)
        if key is not None:
            cache[spec.norm(key)] = row
        if row.get(spec.id_field):
            cache[row[spec.id_field]] = row

    def clear(self):
        """Forget every cached lookup and role catalogue."""
        for cache in self._cache.values():
            cache.clear()
        self._role_catalogues.clear()

    def forget(self, kind, ref):
        self._cache[kind].pop(KINDS[kind].norm(ref), None)

    def _load(self, spec, cache, field, values, by_id):
        body = {spec.wrap: {field: {"any_": values}}}
        body.update(spec.extra)
        for row in self.client.paginate(self.account_path + spec.path, body):
            key = spec.key_of(row)
            if key is not None:
                cache[spec.norm(key)] = row
            if row.get(spec.id_field):
                cache[row[spec.id_field]] = row

    # -- roles (small catalogues: built-in plus the account's custom ones) ---

    def role_catalogue(self, kind):
        """Every workspace role or account role the account can use, loaded once.

        Roles are a short catalogue (a handful of built-ins and custom roles), and
        modules need them in both directions (name to id for writes, id to name for
        readable diffs), so one paginated read beats a request per role.
        """
        if kind not in self._role_catalogues:
            path = {"workspace_role": "/workspace_roles/filter", "account_role": "/account_roles/filter"}[kind]
            self._role_catalogues[kind] = self.client.list_all(self.account_path + path)
        return self._role_catalogues[kind]

    def role(self, kind, ref):
        """The role named (or with the id) ``ref``, or ``None``."""
        if ref is None:
            return None
        for row in self.role_catalogue(kind):
            if row.get("id") == ref or row.get("name") == ref:
                return row
        return None

    def require_role(self, kind, ref):
        row = self.role(kind, ref)
        if row is None:
            names = sorted(r.get("name") for r in self.role_catalogue(kind))
            raise ReferenceNotFound(kind.replace("_", " "), ref, hint="the account has: %s" % ", ".join(names))
        return row

    def role_name(self, kind, role_id):
        """A role id turned into its name for display; the id itself when unknown."""
        if role_id is None:
            return None
        row = self.role(kind, role_id)
        return row["name"] if row else role_id

    def forget_roles(self, kind):
        self._role_catalogues.pop(kind, None)
