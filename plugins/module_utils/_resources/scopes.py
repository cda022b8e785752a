# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""Workspace scopes: the catalogue, validation of scope names and their expansion.

Prefect Cloud keeps workspace scopes hierarchically: granting ``manage_flows``
also grants the scopes it includes, and the API may hand a role back with that
expanded set (in any order). Comparing what a user wrote with what the server
returns would then show a difference that is not one. So both sides are
expanded through ``includes_scopes`` of the global catalogue
(``GET /workspace_scopes``) and compared as sorted sets.
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import Refusal
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import WORKSPACE_SCOPES


class UnknownScopesError(Refusal):
    """Scope names that the catalogue does not know."""

    def __init__(self, option, unknown, valid):
        super().__init__(
            "%s: unknown workspace scope%s %s; valid scopes are: %s"
            % (option, "s" if len(unknown) > 1 else "", ", ".join(unknown), ", ".join(valid))
        )
        self.option = option
        self.unknown = unknown
        self.valid = valid


class ScopeCatalogue:
    """The workspace scopes Prefect Cloud knows, and what each one includes."""

    def __init__(self, rows):
        self.rows = list(rows or [])
        self._includes = {}
        for row in self.rows:
            name = row.get("name")
            if name:
                self._includes[name] = [s for s in (row.get("includes_scopes") or []) if s]

    @property
    def names(self):
        """Every scope name, sorted."""
        return sorted(self._includes)

    def unknown(self, names):
        """The names in ``names`` that are not in the catalogue, in the order given, once each."""
        return [n for n in dict.fromkeys(names) if n not in self._includes]

    def validate(self, names, option="scopes"):
        """Raise ``UnknownScopesError`` naming ``option`` when a name is not in the catalogue."""
        unknown = self.unknown(names)
        if unknown:
            raise UnknownScopesError(option, unknown, self.names)

    def expand(self, names):
        """``names`` closed under ``includes_scopes`` (transitively), as a sorted list.

        A name the catalogue does not know is kept as it is, so that a scope the
        server returns but the catalogue lacks still shows up (and compares).
        """
        seen = set()
        stack = [n for n in names if n]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            stack.extend(self._includes.get(name, ()))
        return sorted(seen)


def read_scope_rows(api):
    """The global scope catalogue as the API lists it (one GET)."""
    return api.call(WORKSPACE_SCOPES, "get") or []


def load_scope_catalogue(api):
    """Read the global scope catalogue (one GET) into a ``ScopeCatalogue``."""
    return ScopeCatalogue(read_scope_rows(api))
