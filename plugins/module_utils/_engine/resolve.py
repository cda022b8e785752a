# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""Name to id resolution, through the resource table.

Users refer to objects by their natural key - users by email, bots and teams by
name, workspaces by handle, roles by name - and a UUID works everywhere too.
Lookups use the API's server-side filters (never "list everything and search"),
are batched (one filter with ``any_: [...]`` for many names), and are cached for
the module run. Which filter, which criterion and which id field is the table's
knowledge: a resource here is an entry of ``table.py`` (``WORKSPACE``, ``TEAM``,
``BOT``, ``ACCOUNT_MEMBER``; ``WORKSPACE_ROLE`` and ``ACCOUNT_ROLE`` for roles).
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import ReferenceNotFound
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import is_uuid


class Resolver:
    """Resolves references inside one account, with a cache per module run."""

    def __init__(self, api):
        self.api = api
        self._cache = {}
        self._role_catalogues = {}

    # -- users, bots, teams, workspaces ------------------------------------

    def find(self, resource, ref):
        """The object ``ref`` names (natural key or UUID), or ``None``."""
        return self.find_many(resource, [ref]).get(ref)

    def require(self, resource, ref):
        found = self.find(resource, ref)
        if found is None:
            raise ReferenceNotFound(resource.label, ref, creatable=resource.creatable)
        return found

    def find_many(self, resource, refs):
        """Map each of ``refs`` to its object; references that do not exist are left out.

        One filter request (paginated) per id/key split, however many refs.
        """
        cache = self._cache.setdefault(resource.name, {})
        wanted = [r for r in dict.fromkeys(refs) if resource.norm(r) not in cache]
        by_id = [r.lower() for r in wanted if is_uuid(r)]
        by_key = [r for r in wanted if not is_uuid(r)]
        if by_id:
            self._load(resource, resource.id_criterion, by_id)
        if by_key:
            self._load(resource, resource.natural_key, by_key)
        for ref in wanted:
            cache.setdefault(resource.norm(ref), None)
        result = {}
        for ref in refs:
            row = cache.get(resource.norm(ref))
            if row is not None:
                result[ref] = row
        return result

    def require_many(self, resource, refs):
        found = self.find_many(resource, refs)
        missing = [r for r in refs if r not in found]
        if missing:
            raise ReferenceNotFound(resource.label, missing[0] if len(missing) == 1 else missing, creatable=resource.creatable)
        return found

    def remember(self, resource, row):
        """Put an object the module just created or read into the cache."""
        cache = self._cache.setdefault(resource.name, {})
        key = resource.key_of(row)
        if key is not None:
            cache[resource.norm(key)] = row
        if row.get(resource.id_field):
            cache[row[resource.id_field]] = row

    def clear(self):
        """Forget every cached lookup and role catalogue."""
        self._cache.clear()
        self._role_catalogues.clear()

    def _load(self, resource, field, values):
        for row in self.api.list_by(resource, field, values):
            self.remember(resource, row)

    # -- roles (small catalogues: built-in plus the account's custom ones) ---

    def role_catalogue(self, resource):
        """Every workspace role or account role the account can use, loaded once.

        Roles are a short catalogue (a handful of built-ins and custom roles), and
        modules need them in both directions (name to id for writes, id to name for
        readable diffs), so one paginated read beats a request per role.
        """
        if resource.name not in self._role_catalogues:
            self._role_catalogues[resource.name] = self.api.list(resource)
        return self._role_catalogues[resource.name]

    def role(self, resource, ref):
        """The role named (or with the id) ``ref``, or ``None``."""
        if ref is None:
            return None
        for row in self.role_catalogue(resource):
            if row.get("id") == ref or row.get("name") == ref:
                return row
        return None

    def require_role(self, resource, ref):
        row = self.role(resource, ref)
        if row is None:
            names = sorted(r.get("name") for r in self.role_catalogue(resource))
            raise ReferenceNotFound(
                resource.label, ref, hint="the account has: %s" % ", ".join(names), creatable=resource.creatable
            )
        return row

    def role_name(self, resource, role_id):
        """A role id turned into its name for display; the id itself when unknown."""
        if role_id is None:
            return None
        row = self.role(resource, role_id)
        return row["name"] if row else role_id

    def forget_roles(self, resource):
        self._role_catalogues.pop(resource.name, None)
