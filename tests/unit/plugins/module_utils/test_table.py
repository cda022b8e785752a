"""The resource table: paths as in the OpenAPI document, what is safe to resend, and how ``Api`` builds requests."""

import json
import os
import re
from pathlib import Path

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._api import table
from ansible_collections.prefect.cloud.plugins.module_utils._api.client import PrefectCloudClient
from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudHTTPError
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import (
    ACCOUNT_MEMBER,
    BOT,
    DEPLOYMENT,
    BOT_ACCESS,
    INVITATION,
    ME,
    TEAM,
    TEAM_ACCESS,
    USER_ACCESS,
    USER_API_KEY,
    WORK_POOL,
    WORKSPACE,
    WORKSPACE_INVITATION,
    WORKSPACE_ROLE,
    WORKSPACE_SCOPES,
    Api,
)

from fake_api import FakeConnection, RecordingClient, http_error

RESOURCES = sorted((r for r in vars(table).values() if isinstance(r, table.ApiResource)), key=lambda r: r.name)


def openapi_document():
    """The official OpenAPI documents as one: the admin document ($PREFECT_CLOUD_OPENAPI) and the one of object
    access and events ($PREFECT_CLOUD_ACCESS_EVENTS_OPENAPI), else both from ``shared/`` beside the checkout."""
    import prefect_cloud_emulator

    checkout = Path(prefect_cloud_emulator.__file__).resolve().parents[3]
    merged = None
    for variable, name in (("PREFECT_CLOUD_OPENAPI", "prefect_cloud_admin_openapi.json"),
                           ("PREFECT_CLOUD_ACCESS_EVENTS_OPENAPI", "prefect_cloud_access_events_openapi.json")):
        path = os.environ.get(variable) or checkout.parent / "shared" / name
        if not Path(path).is_file():
            pytest.skip("the official OpenAPI document is not at %s" % path)
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        if merged is None:
            merged = document
        else:
            merged["paths"].update(document["paths"])
    return merged


def requests_of(resource):
    """``(method, path from the API root with {} for each parameter)`` of every request the entry describes."""
    prefix = "/accounts/{}" if resource.scope == "account" else ""
    sent = [(op.method, op.path) for op in resource.operations.values()]
    if resource.filter_path:
        sent.append(("POST", resource.filter_path))
    return [(method, re.sub(r"\{[^}]+\}", "{}", prefix + path)) for method, path in sent]


def test_every_request_of_the_table_is_in_the_openapi_document():
    document = openapi_document()
    base = document.get("servers", [{}])[0].get("url", "")
    known = set()
    for path, operations in document["paths"].items():
        path = re.sub(r"^/api", "", path)
        known |= {(method.upper(), re.sub(r"\{[^}]+\}", "{}", path)) for method in operations}
    documented = [r for r in RESOURCES if r.documented]
    missing = [(r.name, m, p) for r in documented for m, p in requests_of(r) if (m, p) not in known]
    assert missing == [], "not in the OpenAPI document (%s): %s" % (base, missing)


def test_the_routes_left_out_of_the_openapi_document_are_marked_so():
    """An entry marked undocumented really is absent from the document (or the mark is stale)."""
    document = openapi_document()
    known = {
        (method.upper(), re.sub(r"\{[^}]+\}", "{}", re.sub(r"^/api", "", path)))
        for path, operations in document["paths"].items()
        for method in operations
    }
    undocumented = [r for r in RESOURCES if not r.documented]
    assert [r.name for r in undocumented] == ["ip_allowlist"]
    for resource in undocumented:
        assert not set(requests_of(resource)) & known, resource.name


# -- what may be sent twice -------------------------------------------------------------------


@pytest.mark.parametrize(
    "resource, operation",
    [
        (USER_ACCESS, "upsert"),
        (USER_ACCESS, "revoke"),
        (BOT_ACCESS, "upsert"),
        (BOT_ACCESS, "revoke"),
        (TEAM_ACCESS, "upsert"),
        (TEAM_ACCESS, "revoke"),
        (INVITATION, "revoke"),
        (WORKSPACE_INVITATION, "revoke"),
        (ACCOUNT_MEMBER, "count"),
        (TEAM, "add_members"),
        (WORKSPACE, "delete"),
    ],
)
def test_upserts_revokes_and_reads_are_safe_to_resend(resource, operation):
    assert resource.operation(operation).safe_to_resend is True


@pytest.mark.parametrize(
    "resource, operation",
    [
        (WORKSPACE, "create"),
        (TEAM, "create"),
        (BOT, "create"),
        (BOT, "rotate_key"),  # each rotation mints another key
        (USER_API_KEY, "create"),
        (WORKSPACE_ROLE, "create"),
        (INVITATION, "create"),
        (WORKSPACE_INVITATION, "create"),
    ],
)
def test_creates_and_rotations_are_not_safe_to_resend(resource, operation):
    assert resource.operation(operation).safe_to_resend is False


def test_every_post_says_whether_it_is_safe_to_resend_on_purpose():
    # A POST is unsafe unless the table says otherwise: the ones marked safe are exactly these.
    safe_posts = sorted(
        (r.name, name) for r in RESOURCES for name, op in r.operations.items() if op.method == "POST" and op.safe_to_resend
    )
    assert safe_posts == [
        ("account_member", "count"),
        ("audit_event", "query"),
        ("bot_access", "upsert"),
        ("invitation", "revoke"),
        ("user_access", "upsert"),
        ("workspace_invitation", "revoke"),
    ]


class SpyClient(PrefectCloudClient):
    """The real client's paging, with request() recorded and answered by a list of pages."""

    def __init__(self, pages):
        super().__init__("http://127.0.0.1:9/api", "pnu_" + "k" * 36)
        self.pages = list(pages)
        self.sent = []

    def request(self, method, path, json=None, params=None, safe_to_resend=None):
        self.sent.append((method, path, json, safe_to_resend))
        return self.pages.pop(0)


def test_every_filter_is_read_as_safe_to_resend_page_by_page():
    client = SpyClient([[{"id": i} for i in range(200)], [{"id": 200}]])
    api = FakeConnection(client).api
    rows = api.list_by(BOT, "name", ["a"])
    assert len(rows) == 201
    assert client.sent == [
        ("POST", "/accounts/acc/bots/filter", {"service_accounts": {"name": {"any_": ["a"]}}, "limit": 200, "offset": 0}, True),
        ("POST", "/accounts/acc/bots/filter", {"service_accounts": {"name": {"any_": ["a"]}}, "limit": 200, "offset": 200}, True),
    ]


# -- Api: paths, ids, 404s ----------------------------------------------------------------------


class NoAccount(FakeConnection):
    """A connection that must not be asked for an account (API-scoped requests)."""

    @property
    def account_id(self):
        raise AssertionError("an API-scoped request asked for the account")

    @account_id.setter
    def account_id(self, value):
        pass


def test_account_paths_are_below_the_account_and_api_paths_are_not():
    connection = FakeConnection(RecordingClient(answers={("GET", "/me/"): {"id": "me"}}))
    api = connection.api
    assert api.path(TEAM, TEAM.operation("remove_member").path, {"id": "t1", "actor_id": "a1"}) == "/accounts/acc/teams/t1/members/a1"
    assert api.path(USER_ACCESS, USER_ACCESS.filter_path, {"workspace_id": "w1"}) == "/accounts/acc/workspaces/w1/user_access/filter"
    api_scoped = NoAccount(RecordingClient(answers={("GET", "/me/"): {"id": "me"}})).api
    assert api_scoped.call(ME, "get") == {"id": "me"}
    assert api_scoped.path(USER_API_KEY, USER_API_KEY.operation("get").path, {"user_id": "u", "id": "k"}) == "/users/u/api_keys/k"
    assert api_scoped.path(WORKSPACE_SCOPES, "/workspace_scopes", {}) == "/workspace_scopes"


def test_a_missing_id_is_an_error_naming_the_resource_and_the_path():
    api = FakeConnection().api
    with pytest.raises(KeyError) as info:
        api.call(TEAM, "remove_member", id="t1")
    assert "team" in str(info.value) and "actor_id" in str(info.value)
    with pytest.raises(KeyError, match="no operation 'rotate_key' for team"):
        api.call(TEAM, "rotate_key", id="t1")
    assert api.client.calls == []


def test_call_sends_the_tables_method_and_resend_answer():
    client = RecordingClient()
    api = FakeConnection(client).api
    api.call(BOT_ACCESS, "upsert", json=[{"bot_id": "b"}], workspace_id="w1")
    api.call(BOT, "rotate_key", json={}, id="b1")
    api.call(TEAM, "add_members", json={"members": []}, id="t1")
    assert [(s["method"], s["path"], s["safe_to_resend"]) for s in client.sent] == [
        ("POST", "/accounts/acc/workspaces/w1/bot_access/", True),
        ("POST", "/accounts/acc/bots/b1/rotate_api_key", False),
        ("PUT", "/accounts/acc/teams/t1/members", True),
    ]


def test_a_missing_object_is_none_and_its_delete_is_done_other_errors_propagate():
    client = RecordingClient(answers={
        ("DELETE", "/accounts/acc/bots/gone"): http_error(404, "DELETE"),
        ("DELETE", "/accounts/acc/bots/locked"): http_error(403, "DELETE"),
        ("GET", "/accounts/acc/bots/locked"): http_error(403),
    })
    api = Api(FakeConnection(client))
    assert api.get_or_none(BOT, id="gone") is None
    assert api.delete(BOT, id="gone") is None
    with pytest.raises(PrefectCloudHTTPError) as info:
        api.get_or_none(BOT, id="locked")
    assert info.value.status == 403
    with pytest.raises(PrefectCloudHTTPError) as info:
        api.delete(BOT, id="locked")
    assert info.value.status == 403


def test_lists_carry_the_entrys_defaults_and_criteria():
    client = RecordingClient()
    api = FakeConnection(client).api
    api.list(ACCOUNT_MEMBER)
    api.list_by(ACCOUNT_MEMBER, "email", ["a@x.io"], body={"only_users": False})
    api.list(WORKSPACE_INVITATION, workspace_id="w1")
    assert client.calls == [
        ("LIST", "/accounts/acc/account_memberships/filter", {"only_users": True}),
        ("LIST", "/accounts/acc/account_memberships/filter", {"only_users": False, "account_memberships": {"email": {"any_": ["a@x.io"]}}}),
        ("LIST", "/accounts/acc/workspaces/w1/invitations/filter", {}),
    ]


def test_natural_keys_and_their_comparison_form():
    assert ACCOUNT_MEMBER.norm("Alice@Acme.io") == "alice@acme.io"  # emails without case
    assert BOT.norm("Deployer") == "Deployer"  # names as they are
    assert BOT.norm("9A7E3C11-0D5B-4F4E-B0A1-1C2D3E4F5A6B") == "9a7e3c11-0d5b-4f4e-b0a1-1c2d3e4f5a6b"
    assert BOT_ACCESS.key_of({"bot_name": "ci", "name": "other"}) == "ci"
    assert TEAM.key_of({"name": "ops"}) == "ops"


def test_every_path_value_is_one_segment():
    """Names go into paths (a work pool's ACL is addressed by its name): "/", "?", "#", "%" and spaces are escaped."""
    api = FakeConnection().api
    path = api.path(WORK_POOL, WORK_POOL.operation("read_access").path, {"workspace_id": "w1", "name": "a b/c?d#e%f"})
    assert path == "/accounts/acc/workspaces/w1/work_pools/a%20b%2Fc%3Fd%23e%25f/access"
    assert api.path(TEAM, TEAM.operation("get").path, {"id": "9a7e3c11-0d5b-4f4e-b0a1-1c2d3e4f5a6b"}).endswith("/teams/9a7e3c11-0d5b-4f4e-b0a1-1c2d3e4f5a6b")


def test_call_many_reads_in_order_and_sends_only_reads():
    client = RecordingClient(answers={
        ("GET", "/accounts/acc/workspaces/w1/deployments/d1/access"): {"manage_actors": []},
        ("GET", "/accounts/acc/workspaces/w1/deployments/d2/access"): {"view_actors": []},
    })
    api = FakeConnection(client).api
    answers = api.call_many(DEPLOYMENT, "read_access", [{"workspace_id": "w1", "id": "d1"}, {"workspace_id": "w1", "id": "d2"}])
    assert answers == [{"manage_actors": []}, {"view_actors": []}]
    assert [(s["method"], s["safe_to_resend"]) for s in client.sent] == [("GET", True), ("GET", True)]
    with pytest.raises(ValueError, match="reads only"):
        api.call_many(DEPLOYMENT, "replace_access", [{"workspace_id": "w1", "id": "d1"}])
    with pytest.raises(PrefectCloudHTTPError):
        api.call_many(DEPLOYMENT, "read_access", [{"workspace_id": "w1", "id": "d1"}, {"workspace_id": "w1", "id": "gone"}])
