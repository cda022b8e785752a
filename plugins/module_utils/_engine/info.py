# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""The reader behind every ``_info`` module.

They all have one shape: options that name objects become filter criteria, every page
of the resource's ``/filter`` is read, role ids are shown by name, each row may be
completed, and the result is ``{changed: false, <plural>: [...], count}``. An option
given as an empty list asks for nothing, so it returns nothing without a request.

Times are judged by the server's clock (its ``Date`` header), never the local one,
since the server stamped the expirations being compared.
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.secrets import sanitize
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import any_of


class NothingAsked(Exception):
    """A filter option is an empty list: the answer is empty, and no request is needed."""


class InfoReader:
    """Lists one resource for an info module. Subclasses set the class attributes and hooks."""

    #: the table entry listed (``table.WORKSPACE``, ...)
    api_resource = None
    #: the result key of the rows (``workspaces``)
    result_key = "objects"
    #: ``{option: filter criterion}``: a list option becomes ``{criterion: {any_: [...]}}``
    filters = {}
    #: ``{option: (filter criterion, role table entry)}``: a list option of role names (or
    #: ids) becomes a criterion on role ids
    role_filters = {}
    #: ``{row field: (role table entry, id field)}``: role ids shown by name
    role_fields = {}

    def __init__(self, module, options=None):
        self.module = module
        self.params = module.params
        self.options = options if options is not None else module.params

    @classmethod
    def parse_options(cls, params):
        """Check and convert options before any request; ``ValueError`` names the option."""
        return params

    @property
    def api(self):
        return self.module.api

    @property
    def resolver(self):
        return self.module.resolver

    @property
    def now(self):
        """The current time by the server's clock (its latest ``Date`` header)."""
        return self.module.client.server_now()

    # -- hooks -------------------------------------------------------------

    def criteria(self):
        """The filter criteria from the options; raise ``NothingAsked`` for an empty list."""
        criteria = {}
        for option, criterion in self.filters.items():
            values = self.params.get(option)
            if values is None:
                continue
            if not values:
                raise NothingAsked()
            criteria[criterion] = any_of(values)
        for option, (criterion, role_resource) in self.role_filters.items():
            refs = self.params.get(option)
            if refs is None:
                continue
            if not refs:
                raise NothingAsked()
            criteria[criterion] = any_of(self.resolver.require_role(role_resource, ref)["id"] for ref in refs)
        return criteria

    def body(self):
        """Filter body entries beside the wrapped criteria (``only_users``, ...)."""
        return {}

    def path_ids(self):
        """Ids the listing path needs (``workspace_id``)."""
        return {}

    def rows(self):
        criteria = self.criteria()
        body = self.api_resource.filter_body(criteria)
        body.update(self.body())
        return self.api.list(self.api_resource, body, **self.path_ids())

    def decorate(self, row):
        """Complete one row for the result; return ``None`` to leave it out."""
        return row

    def extras(self):
        """Results beside the rows (catalogues, the workspace read, ...)."""
        return {}

    # -- the flow ------------------------------------------------------------

    def read(self):
        try:
            rows = self.rows()
        except NothingAsked:
            rows = []
        listed = []
        for row in rows:
            for field, (role_resource, id_field) in self.role_fields.items():
                row[field] = self.resolver.role_name(role_resource, row.get(id_field))
            row = self.decorate(row)
            if row is not None:
                listed.append(sanitize(row))
        result = {"changed": False, self.result_key: listed, "count": len(listed)}
        result.update(self.extras())
        return result


def run_info(module, reader_class):
    """Entry point for an info module: parse the options, read, exit."""
    try:
        options = reader_class.parse_options(module.params)
    except ValueError as exc:
        module.fail(str(exc))
    module.run(lambda: reader_class(module, options).read())
