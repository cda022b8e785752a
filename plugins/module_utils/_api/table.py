# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""The resource table: every Prefect Cloud API resource the collection uses, described once.

For each resource: where it lives (under the account, or at the top of the API), how it
is listed (the ``/filter`` request, the key its criteria are wrapped in, the criterion and
row field of its natural key and of its id), and its operations, each with its method,
its path and whether sending it twice has the same effect as sending it once.

Nothing above this file writes a URL path or a filter body; the HTTP client below it
knows no resource. ``Api`` binds the table to one connection: it fills in the account,
sends each operation with the right "safe to resend" answer, and reads lists whole.

Paths are exactly as in the official OpenAPI document: trailing slashes matter (a
mismatch is a redirect, and the client follows none).
"""

import functools
import re
import string
from urllib.parse import quote

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudHTTPError
from ansible_collections.prefect.cloud.plugins.module_utils._api.reads import read_concurrently

UUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_uuid(value):
    """Whether ``value`` is a UUID in its canonical text form (any case)."""
    return isinstance(value, str) and bool(UUID_PATTERN.match(value))


class Operation:
    """One request a resource accepts: method, path template and whether a resend is harmless."""

    __slots__ = ("method", "path", "safe_to_resend")

    def __init__(self, method, path, safe_to_resend=None):
        self.method = method
        self.path = path
        if safe_to_resend is None:
            safe_to_resend = method in ("GET", "PUT", "PATCH", "DELETE")
        self.safe_to_resend = safe_to_resend


def get(path):
    return Operation("GET", path)


def post(path, safe_to_resend=False):
    return Operation("POST", path, safe_to_resend)


def put(path):
    return Operation("PUT", path)


def patch(path):
    return Operation("PATCH", path)


def delete(path):
    return Operation("DELETE", path)


class ApiResource:
    """One API resource.

    ``scope`` is ``account`` (paths below ``/accounts/{account_id}``) or ``api`` (paths from
    the API root). ``filter_path`` is the path of its ``/filter`` request and ``wrap`` the key its
    criteria go under. ``natural_key`` is the filter criterion and row field users
    name the object by (``handle``, ``name``, ``email``). ``id_field`` is the row field that
    identifies it where other resources refer to it, and ``id_criterion`` the filter
    criterion for that id. ``list_defaults`` go into every filter body (``only_users``).
    """

    def __init__(
        self,
        name,
        label,
        scope="account",
        creatable=True,
        filter_path=None,
        wrap=None,
        natural_key=None,
        key_of=None,
        id_field="id",
        id_criterion="id",
        fold_case=False,
        list_defaults=None,
        documented=True,
        items_key=None,
        page_token=None,
        **operations
    ):
        self.name = name
        self.label = label
        self.scope = scope
        # Whether a task of this collection can create one (an account role it cannot).
        self.creatable = creatable
        self.filter_path = filter_path
        self.wrap = wrap
        self.natural_key = natural_key
        self._key_of = key_of
        self.id_field = id_field
        self.id_criterion = id_criterion
        self.fold_case = fold_case
        self.list_defaults = dict(list_defaults or {})
        # False for routes the official client uses that the OpenAPI document leaves out.
        self.documented = documented
        # For a query answered a page at a time (``query`` then ``next``): the key of the rows in a
        # page, and the query parameter of ``next`` that takes the token of the page after.
        self.items_key = items_key
        self.page_token = page_token
        self.operations = operations

    def operation(self, name):
        try:
            return self.operations[name]
        except KeyError:
            raise KeyError("the resource table has no operation %r for %s" % (name, self.name)) from None

    @property
    def filterable(self):
        """Whether its ``/filter`` takes criteria; one without a key to wrap them in is read whole."""
        return self.wrap is not None

    def key_of(self, row):
        """The natural key of a listed row."""
        if self._key_of is not None:
            return self._key_of(row)
        return row.get(self.natural_key)

    def norm(self, ref):
        """The form a reference is compared in: ids and case-insensitive keys in lower case."""
        if isinstance(ref, str) and (is_uuid(ref) or self.fold_case):
            return ref.lower()
        return ref

    def criteria(self, field, values):
        """The filter body that asks for the rows whose ``field`` is any of ``values``."""
        return self.filter_body({field: any_of(values)})

    def filter_body(self, criteria):
        """The filter body of ``criteria`` (``{criterion: any_of(...)}``) under this resource's key; ``{}`` for none."""
        return {self.wrap: criteria} if criteria else {}


def any_of(values):
    """The filter criterion matching any of ``values``."""
    return {"any_": list(values)}


# -- the account and who is calling ----------------------------------------------------------

ACCOUNT = ApiResource(
    "account",
    "account",
    get=get(""),
    update=patch(""),
    settings=get("/settings"),
    update_settings=patch("/settings"),
    domains=get("/domains"),
    update_domains=patch("/domains"),
)

# The IP allowlist: routes of the official client (``prefect.client.cloud.CloudClient``), not of
# the OpenAPI document. ``replace`` writes the whole list; ``my_access`` says whether the
# caller's address passes the current list as if it were enforced. Enforcement itself is the
# account setting ``enforce_ip_allowlist`` (``ACCOUNT`` ``settings`` / ``update_settings``).
IP_ALLOWLIST = ApiResource(
    "ip_allowlist",
    "IP allowlist",
    creatable=False,
    documented=False,
    get=get("/ip_allowlist"),
    replace=put("/ip_allowlist"),
    my_access=get("/ip_allowlist/my_access"),
)

ME = ApiResource(
    "me",
    "caller",
    scope="api",
    get=get("/me/"),
    accounts=get("/me/accounts"),
    permissions=get("/me/accounts/{account_id}/permissions"),
    workspaces=get("/me/workspaces"),
    workspace_scopes=get("/me/workspaces/{workspace_id}/scopes"),
)

# -- people and service accounts -------------------------------------------------------------

# Account members. Users are named by email; elsewhere (workspace access, team adds) a user is
# referred to by ``user_id``, which membership rows carry beside their own id. By default the
# listing leaves service accounts out: a bot is a member too, but it is named by bot name.
ACCOUNT_MEMBER = ApiResource(
    "account_member",
    "user",
    # People become members by accepting an invitation: no task can make one.
    creatable=False,
    filter_path="/account_memberships/filter",
    wrap="account_memberships",
    natural_key="email",
    id_field="user_id",
    id_criterion="user_id",
    fold_case=True,
    list_defaults={"only_users": True},
    count=post("/account_memberships/count", safe_to_resend=True),
    update=patch("/account_memberships/{id}"),
    set_active=patch("/account_memberships/{id}/active"),
    delete=delete("/account_memberships/{id}"),
)

BOT = ApiResource(
    "bot",
    "bot",
    filter_path="/bots/filter",
    wrap="service_accounts",
    natural_key="name",
    create=post("/bots/"),
    get=get("/bots/{id}"),
    update=patch("/bots/{id}"),
    delete=delete("/bots/{id}"),
    # Each rotation mints a new key: never sent twice blindly.
    rotate_key=post("/bots/{id}/rotate_api_key"),
    keys=get("/bots/{id}/read_bot_api_keys"),
)

# Teams list their members as ``memberships`` rows whose ``id`` is the member's *actor* id:
# members are added by user or bot id and removed by actor id.
TEAM = ApiResource(
    "team",
    "team",
    filter_path="/teams/filter",
    wrap="teams",
    natural_key="name",
    create=post("/teams/"),
    get=get("/teams/{id}"),
    replace=put("/teams/{id}"),
    delete=delete("/teams/{id}"),
    add_members=put("/teams/{id}/members"),
    remove_member=delete("/teams/{id}/members/{actor_id}"),
)

# The caller's own user API keys: below the user, not the account. The listing takes the
# name as a query parameter, which the API treats as a hint rather than an exact match.
USER_API_KEY = ApiResource(
    "user_api_key",
    "user API key",
    scope="api",
    natural_key="name",
    list=get("/users/{user_id}/api_keys"),
    create=post("/users/{user_id}/api_keys"),
    get=get("/users/{user_id}/api_keys/{id}"),
    delete=delete("/users/{user_id}/api_keys/{id}"),
)

# -- workspaces and who may use them ---------------------------------------------------------

WORKSPACE = ApiResource(
    "workspace",
    "workspace",
    filter_path="/workspaces/filter",
    wrap="workspaces",
    natural_key="handle",
    create=post("/workspaces/"),
    get=get("/workspaces/{id}"),
    update=patch("/workspaces/{id}"),
    delete=delete("/workspaces/{id}"),
)

# What Prefect clients keep in PREFECT_API_URL to reach one workspace: its API root.
WORKSPACE_API_URL = re.compile(
    r"^(?P<base>https?://[^?#]+?)/accounts/(?P<account>[0-9a-fA-F-]{36})/workspaces/(?P<workspace>[0-9a-fA-F-]{36})/?$"
)


def workspace_api_url(api_url, account_id, workspace_id):
    """The API URL of one workspace (what ``WORKSPACE_API_URL`` reads back)."""
    return "%s/accounts/%s/workspaces/%s" % (api_url.rstrip("/"), account_id, workspace_id)


# Workspace access: three lists with three sets of rules. Users and bots are upserted with a
# POST (an upsert, so safe to resend) and revoked by the access row's id; teams are upserted
# with a PUT and revoked by team id, and their filter takes no criteria.
USER_ACCESS = ApiResource(
    "user_access",
    "user",
    filter_path="/workspaces/{workspace_id}/user_access/filter",
    wrap="users",
    natural_key="email",
    id_field="user_id",
    fold_case=True,
    upsert=post("/workspaces/{workspace_id}/user_access/", safe_to_resend=True),
    revoke=delete("/workspaces/{workspace_id}/user_access/{id}"),
)

BOT_ACCESS = ApiResource(
    "bot_access",
    "bot",
    filter_path="/workspaces/{workspace_id}/bot_access/filter",
    wrap="bots",
    natural_key="name",
    key_of=lambda row: row.get("bot_name"),
    id_field="bot_id",
    upsert=post("/workspaces/{workspace_id}/bot_access/", safe_to_resend=True),
    revoke=delete("/workspaces/{workspace_id}/bot_access/{id}"),
)

TEAM_ACCESS = ApiResource(
    "team_access",
    "team",
    filter_path="/workspaces/{workspace_id}/team_access/filter",
    wrap=None,
    natural_key="team_name",
    id_field="team_id",
    upsert=put("/workspaces/{workspace_id}/team_access/"),
    revoke=delete("/workspaces/{workspace_id}/team_access/{team_id}"),
)

# -- objects of a workspace that carry an access control list -----------------------------------
#
# Work pools, deployments and block documents live in a workspace and are made by Prefect's own
# clients (deploys, workers, the UI), never by this collection: it only finds them, by their
# ``/filter`` reads, and reads and replaces their ACLs. ``read_access`` answers the lists of each
# level; ``replace_access`` (a PUT) replaces every level at once. A work pool's ACL is addressed by
# the pool's name, a deployment's and a block document's by their id. Deployments are named by
# their flow's name and their own, block documents by their block type's slug and their own.

WORK_POOL = ApiResource(
    "work_pool",
    "work pool",
    creatable=False,
    filter_path="/workspaces/{workspace_id}/work_pools/filter",
    wrap="work_pools",
    natural_key="name",
    read_access=get("/workspaces/{workspace_id}/work_pools/{name}/access"),
    replace_access=put("/workspaces/{workspace_id}/work_pools/{name}/access"),
)

FLOW = ApiResource(
    "flow",
    "flow",
    creatable=False,
    filter_path="/workspaces/{workspace_id}/flows/filter",
    wrap="flows",
    natural_key="name",
)

# A deployment row carries its flow's id, not the flow's name.
DEPLOYMENT = ApiResource(
    "deployment",
    "deployment",
    creatable=False,
    filter_path="/workspaces/{workspace_id}/deployments/filter",
    wrap="deployments",
    natural_key="name",
    read_access=get("/workspaces/{workspace_id}/deployments/{id}/access"),
    replace_access=put("/workspaces/{workspace_id}/deployments/{id}/access"),
)

# A block document row carries its block type (``block_type.slug``); block types are filtered
# under their own key (``block_types``) beside ``block_documents``.
BLOCK_DOCUMENT = ApiResource(
    "block_document",
    "block",
    creatable=False,
    filter_path="/workspaces/{workspace_id}/block_documents/filter",
    wrap="block_documents",
    natural_key="name",
    read_access=get("/workspaces/{workspace_id}/block_documents/{id}/access"),
    replace_access=put("/workspaces/{workspace_id}/block_documents/{id}/access"),
)

# Block types have no read of their own here: their criteria go beside a block document filter.
BLOCK_TYPE = ApiResource("block_type", "block type", creatable=False, wrap="block_types", natural_key="slug")

# -- roles and scopes ------------------------------------------------------------------------

# Built-in roles have no account_id; custom ones belong to the account.
WORKSPACE_ROLE = ApiResource(
    "workspace_role",
    "workspace role",
    filter_path="/workspace_roles/filter",
    wrap="workspace_roles",
    natural_key="name",
    create=post("/workspace_roles/"),
    get=get("/workspace_roles/{id}"),
    update=patch("/workspace_roles/{id}"),
    delete=delete("/workspace_roles/{id}"),
)

ACCOUNT_ROLE = ApiResource(
    "account_role",
    "account role",
    creatable=False,
    filter_path="/account_roles/filter",
    wrap="account_roles",
    natural_key="name",
)

# Global catalogues, the same for every account.
WORKSPACE_SCOPES = ApiResource("workspace_scopes", "workspace scope catalogue", scope="api", get=get("/workspace_scopes"))
ACCOUNT_PERMISSIONS = ApiResource(
    "account_permissions", "account permission catalogue", scope="api", get=get("/accounts/permissions")
)

# -- invitations -----------------------------------------------------------------------------

# Inviting is a POST of a list; revoking twice leaves the same state, so a revoke may be resent.
INVITATION = ApiResource(
    "invitation",
    "invitation",
    filter_path="/invitations/filter",
    wrap="invitations",
    natural_key="email",
    fold_case=True,
    create=post("/invitations/"),
    revoke=post("/invitations/{id}/revoke", safe_to_resend=True),
)

WORKSPACE_INVITATION = ApiResource(
    "workspace_invitation",
    "workspace invitation",
    filter_path="/workspaces/{workspace_id}/invitations/filter",
    wrap="workspace_invitations",
    natural_key="email",
    fold_case=True,
    create=post("/workspaces/{workspace_id}/invitations/"),
    revoke=post("/workspaces/{workspace_id}/invitations/{id}/revoke", safe_to_resend=True),
)


# -- the audit trail -------------------------------------------------------------------------

# The account's events (Prefect Cloud's audit log is its ``prefect-cloud.*`` events). A query is a
# POST (a read) answered a page at a time, each page linking the next with a page token.
AUDIT_EVENT = ApiResource(
    "audit_event",
    "audit event",
    creatable=False,
    items_key="events",
    page_token="page-token",
    query=post("/events/filter", safe_to_resend=True),
    next=get("/events/filter/next"),
)


def _placeholders(template):
    return [name for _text, name, _spec, _conversion in string.Formatter().parse(template) if name]


class Listing:
    """One ``/filter`` read, ready to send: its path (account filled in) and body."""

    __slots__ = ("path", "body")

    def __init__(self, path, body):
        self.path = path
        self.body = body


class Api:
    """The table bound to one connection: the one way above this layer to reach the wire.

    ``connection`` gives the client and the account: ``account_id`` is set by the connection when
    it resolves the account (before a module's first request); a caller that did not resolve it
    first has it resolved when the first account path is built.
    """

    def __init__(self, connection):
        self._connection = connection
        self.account_id = None

    @property
    def client(self):
        return self._connection.client

    def path(self, resource, template, ids):
        missing = [name for name in _placeholders(template) if ids.get(name) is None]
        if missing:
            # A path with "None" in it would reach some other object, or 404 and look like success.
            raise KeyError("%s: %s needs %s" % (resource.name, template, ", ".join(missing)))
        # Names go into paths too (a work pool's ACL is addressed by the pool's name): every value
        # is one path segment, with "/", "?", "#", "%" and spaces escaped.
        path = template.format(**{name: quote(str(value), safe="") for name, value in ids.items()})
        if resource.scope == "account":
            if self.account_id is None:
                self.account_id = self._connection.account_id
            path = "/accounts/%s%s" % (self.account_id, path)
        return path

    def call(self, resource, operation, json=None, params=None, **ids):
        """Send ``operation`` of ``resource``; ``ids`` fill its path (``id=...``, ``workspace_id=...``)."""
        op = resource.operation(operation)
        return self.client.request(
            op.method, self.path(resource, op.path, ids), json=json, params=params, safe_to_resend=op.safe_to_resend
        )

    def get_or_none(self, resource, operation="get", **ids):
        """A GET that answers ``None`` when the object does not exist (404)."""
        try:
            return self.call(resource, operation, **ids)
        except PrefectCloudHTTPError as exc:
            if exc.status == 404:
                return None
            raise

    def delete(self, resource, operation="delete", **ids):
        """A DELETE (or revoke); a 404 means it is already gone, which is what was wanted."""
        try:
            return self.call(resource, operation, **ids)
        except PrefectCloudHTTPError as exc:
            if exc.status == 404:
                return None
            raise

    def listing(self, resource, body=None, **ids):
        """The read of every row of the resource's ``/filter``, with its default criteria, ready to send."""
        request = dict(resource.list_defaults)
        request.update(body or {})
        return Listing(self.path(resource, resource.filter_path, ids), request)

    def listing_by(self, resource, field, values, body=None, **ids):
        """The read of the rows whose ``field`` (a filter criterion) is any of ``values``, ready to send."""
        request = resource.criteria(field, values)
        request.update(body or {})
        return self.listing(resource, request, **ids)

    def list(self, resource, body=None, **ids):
        """Every row of the resource's ``/filter`` (all pages), with its default criteria."""
        return self.list_many([self.listing(resource, body, **ids)])[0]

    def list_by(self, resource, field, values, body=None, **ids):
        """The rows whose ``field`` (a filter criterion) is any of ``values``."""
        return self.list_many([self.listing_by(resource, field, values, body, **ids)])[0]

    def call_many(self, resource, operation, ids_list):
        """``call(resource, operation, **ids)`` for each ``ids`` of ``ids_list`` (GETs), read at the same time.

        As ``list_many``: the results come in the order of ``ids_list``, the first failure in that
        order is raised, and every path is built here first (the account is resolved once).
        """
        op = resource.operation(operation)
        if op.method != "GET":
            raise ValueError("call_many sends reads only, not %s %s" % (op.method, op.path))
        client = self.client
        paths = [self.path(resource, op.path, ids) for ids in ids_list]
        reads = [functools.partial(client.request, op.method, path, safe_to_resend=True) for path in paths]
        return read_concurrently(reads, max_workers=client.max_concurrent_reads)

    def read_pages(self, resource, body, max_rows=None):
        """Every row of a query answered page by page (``query``, then ``next``), or the first ``max_rows``."""
        query, following = resource.operation("query"), resource.operation("next")
        return self.client.read_linked_pages(
            self.path(resource, query.path, {}),
            body,
            self.path(resource, following.path, {}),
            resource.items_key,
            resource.page_token,
            max_rows=max_rows,
        )

    def list_many(self, listings):
        """The rows of each of ``listings`` (made by ``listing``), read at the same time.

        Independent lists cost one round trip together instead of one each (each list's
        pages still follow one another). The results come in the order of ``listings``,
        and the first failure in that order is raised, as if they were read one by one.
        Every path was built before (here, in this thread), so the account is resolved
        once, and the threads only send reads, at most the client's ``max_concurrent_reads``.
        """
        client = self.client
        reads = [functools.partial(client.list_all, listing.path, listing.body) for listing in listings]
        return read_concurrently(reads, max_workers=client.max_concurrent_reads)
