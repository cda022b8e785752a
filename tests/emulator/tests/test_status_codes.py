"""Status codes: exact success codes (read from the official document), 404, 409, 422, 405, 307."""
from __future__ import annotations

import pytest

import emu_support as es
import openapi_compare as oc
from emu_calls import CALLS, World
from emu_support import ACCT, assert_detail_string, assert_validation_error, expect


@pytest.fixture(scope="module")
def official_ops(official):
    return {(m, p): op for (m, _), (p, op) in oc.operations(official).items()}


@pytest.mark.parametrize("key", list(CALLS), ids=[f"{m} {p}" for m, p in CALLS])
def test_success_status_is_official(emu, official_ops, key):
    assert key in official_ops, f"{key} is not an official operation (test table error)"
    want = int(oc.success_code(official_ops[key]))
    world = World(emu)
    resp = CALLS[key](emu.owner, world)
    assert resp.status_code == want, (f"{key[0]} {key[1]}: official {want}, got "
                                      f"{resp.status_code}: {resp.text[:400]}")
    if want == 204:
        assert resp.content == b"", f"204 with a body: {resp.content[:200]!r}"
    elif oc.response_schema(official_ops[key]) is not None:
        assert resp.headers["content-type"].startswith("application/json")
        resp.json()


# ---------------------------------------------------------------------------------- 404

NOT_FOUND = [
    ("GET", "/teams/{x}"), ("PUT", "/teams/{x}"), ("DELETE", "/teams/{x}"),
    ("GET", "/bots/{x}"), ("PATCH", "/bots/{x}"), ("DELETE", "/bots/{x}"),
    ("POST", "/bots/{x}/rotate_api_key"), ("GET", "/bots/{x}/read_bot_api_keys"),
    ("GET", "/workspaces/{x}"), ("PATCH", "/workspaces/{x}"), ("DELETE", "/workspaces/{x}"),
    ("GET", "/workspace_roles/{x}"), ("PATCH", "/workspace_roles/{x}"), ("DELETE", "/workspace_roles/{x}"),
    ("GET", "/account_roles/{x}"),
    ("GET", "/account_memberships/{x}"), ("PATCH", "/account_memberships/{x}"),
    ("DELETE", "/account_memberships/{x}"),
    ("GET", "/account_memberships/by-user/{x}"), ("GET", "/account_memberships/by-bot/{x}"),
    ("GET", "/invitations/{x}"), ("POST", "/invitations/{x}/revoke"),
    ("PUT", "/teams/{x}/members"),
]
BODIES = {
    ("PUT", "/teams/{x}"): {"name": "nope"},
    ("PATCH", "/bots/{x}"): {"name": "nope"},
    ("PATCH", "/workspaces/{x}"): {"name": "nope"},
    ("PATCH", "/workspace_roles/{x}"): {"name": "nope"},
    ("PATCH", "/account_memberships/{x}"): {"account_role_id": es.random_id()},
    ("PUT", "/teams/{x}/members"): {"members": []},
}


@pytest.mark.parametrize("method,path", NOT_FOUND, ids=[f"{m} {p}" for m, p in NOT_FOUND])
def test_unknown_id_is_404(emu, method, path):
    body = BODIES.get((method, path))
    if (method, path) == ("PATCH", "/account_memberships/{x}"):
        body = {"account_role_id": emu.account_role_id("Member")}
    r = emu.owner.request(method, ACCT + path.replace("{x}", es.random_id()), json=body)
    assert_detail_string(r, 404)


WS_NOT_FOUND = [("GET", "/user_access/{x}"), ("DELETE", "/user_access/{x}"),
                ("GET", "/bot_access/{x}"), ("DELETE", "/bot_access/{x}"),
                ("DELETE", "/team_access/{x}"), ("GET", "/invitations/{x}"),
                ("POST", "/invitations/{x}/revoke")]


@pytest.mark.parametrize("method,path", WS_NOT_FOUND, ids=[f"{m} {p}" for m, p in WS_NOT_FOUND])
def test_unknown_id_in_workspace_is_404(emu, method, path):
    ws = emu.create_workspace("nf")["id"]
    r = emu.owner.request(method, f"{ACCT}/workspaces/{ws}" + path.replace("{x}", es.random_id()))
    assert_detail_string(r, 404)


def test_unknown_workspace_in_access_routes_is_404(emu):
    ws = es.random_id()
    assert_detail_string(emu.owner.post(f"{ACCT}/workspaces/{ws}/user_access/filter", json={}), 404)
    assert_detail_string(emu.owner.get(f"{ACCT}/workspaces/{ws}/access/"), 404)


def test_unknown_user_and_bot_ids_in_writes_are_404(emu):
    ws = emu.create_workspace("nf2")["id"]
    viewer = emu.workspace_role_id("Viewer")
    r = emu.owner.post(f"{ACCT}/workspaces/{ws}/user_access/",
                       json={"user_id": es.random_id(), "workspace_role_id": viewer})
    assert r.status_code in (404, 422), r.text
    r = emu.owner.post(f"{ACCT}/workspaces/{ws}/bot_access/",
                       json={"bot_id": es.random_id(), "workspace_role_id": viewer})
    assert r.status_code in (404, 422), r.text
    team = emu.create_team("nf-team")
    r = emu.owner.put(f"{ACCT}/teams/{team['id']}/members",
                      json={"members": [{"member_id": es.random_id(), "member_type": "user"}]})
    assert r.status_code in (404, 422), r.text


def test_bot_membership_is_404_on_plain_membership_read(emu):
    bot = emu.create_bot("m404")
    m = expect(emu.owner.get(f"{ACCT}/account_memberships/by-bot/{bot['id']}"), 200)
    assert m["actor_id"] == bot["actor_id"]
    assert_detail_string(emu.owner.get(f"{ACCT}/account_memberships/{m['id']}"), 404)


# ---------------------------------------------------------------------------------- 409

def test_duplicate_workspace_handle_is_409(emu):
    emu.create_workspace("dup", name="One")
    assert_detail_string(emu.owner.post(f"{ACCT}/workspaces/", json={"name": "Two", "handle": "dup"}), 409)
    rows = expect(emu.owner.post(f"{ACCT}/workspaces/filter",
                                 json={"workspaces": {"handle": {"any_": ["dup"]}}}), 200)
    assert len(rows) == 1 and rows[0]["name"] == "One"


def test_renaming_workspace_to_taken_handle_is_409(emu):
    emu.create_workspace("taken")
    other = emu.create_workspace("other")
    assert_detail_string(emu.owner.patch(f"{ACCT}/workspaces/{other['id']}", json={"handle": "taken"}), 409)


def test_duplicate_team_name_is_409(emu):
    emu.create_team("dup-team")
    assert_detail_string(emu.owner.post(f"{ACCT}/teams/", json={"name": "dup-team"}), 409)
    rows = expect(emu.owner.post(f"{ACCT}/teams/filter", json={"teams": {"name": {"any_": ["dup-team"]}}}), 200)
    assert len(rows) == 1


def test_renaming_team_to_taken_name_is_409(emu):
    emu.create_team("t-a")
    b = emu.create_team("t-b")
    assert_detail_string(emu.owner.put(f"{ACCT}/teams/{b['id']}", json={"name": "t-a"}), 409)


def test_duplicate_bot_name_is_409(emu):
    emu.create_bot("dup-bot")
    assert_detail_string(emu.owner.post(f"{ACCT}/bots/", json={"name": "dup-bot"}), 409)
    rows = expect(emu.owner.post(f"{ACCT}/bots/filter",
                                 json={"service_accounts": {"name": {"any_": ["dup-bot"]}}}), 200)
    assert len(rows) == 1


def test_renaming_bot_to_taken_name_is_409(emu):
    emu.create_bot("b-a")
    b = emu.create_bot("b-b")
    assert_detail_string(emu.owner.patch(f"{ACCT}/bots/{b['id']}", json={"name": "b-a"}), 409)


def test_duplicate_custom_workspace_role_name_is_409(emu):
    emu.create_workspace_role("dup-role", ["see_flows"])
    r = emu.owner.post(f"{ACCT}/workspace_roles/", json={"name": "dup-role", "scopes": []})
    assert_detail_string(r, 409)


def test_custom_workspace_role_named_like_builtin_is_rejected(emu):
    r = emu.owner.post(f"{ACCT}/workspace_roles/", json={"name": "Developer", "scopes": []})
    assert r.status_code in (409, 422), r.text
    assert isinstance(r.json()["detail"], (str, list))


# ---------------------------------------------------------------------------------- 422

def test_missing_required_field_is_422(emu):
    body = assert_validation_error(emu.owner.post(f"{ACCT}/workspaces/", json={"name": "No handle"}))
    assert any(item["loc"][-1] == "handle" for item in body["detail"]), body


def test_unknown_field_is_422(emu):
    body = assert_validation_error(emu.owner.post(f"{ACCT}/teams/", json={"name": "t", "colour": "red"}))
    assert any("colour" in map(str, item["loc"]) for item in body["detail"]), body


@pytest.mark.parametrize("path,body", [
    ("/workspaces/", {"name": "x", "handle": "x", "owner": "me"}),
    ("/bots/", {"name": "x", "key": "pnb_abc"}),
    ("/workspace_roles/", {"name": "x", "scopes": [], "colour": 1}),
    ("/invitations/", [{"email": "a@b.co", "account_role_id": "00000000-0000-0000-0000-000000000000", "x": 1}]),
], ids=["workspace", "bot", "workspace_role", "invitation"])
def test_unknown_field_in_create_bodies_is_422(emu, path, body):
    assert_validation_error(emu.owner.post(ACCT + path, json=body))


def test_unknown_field_in_patch_body_is_422(emu):
    ws = emu.create_workspace("patchy")
    assert_validation_error(emu.owner.patch(f"{ACCT}/workspaces/{ws['id']}", json={"colour": "red"}))
    assert_validation_error(emu.owner.patch(f"{ACCT}/settings", json={"not_a_setting": True}))


def test_unknown_field_in_nested_filter_is_422(emu):
    assert_validation_error(emu.owner.post(f"{ACCT}/teams/filter", json={"teams": {"colour": {"any_": ["x"]}}}))
    assert_validation_error(emu.owner.post(f"{ACCT}/bots/filter",
                                           json={"service_accounts": {"name": {"exact_": "x"}}}))


FILTERS = ["/teams/filter", "/bots/filter", "/workspaces/filter", "/workspace_roles/filter",
           "/account_roles/filter", "/account_memberships/filter", "/invitations/filter"]
WS_FILTERS = ["/user_access/filter", "/bot_access/filter", "/team_access/filter", "/invitations/filter"]


@pytest.mark.parametrize("path", FILTERS + [f"/workspaces/{{ws}}{p}" for p in WS_FILTERS])
@pytest.mark.parametrize("body", [{"limit": 201}, {"limit": -1}, {"offset": -1}, {"limit": "many"}],
                         ids=["limit201", "limit-neg", "offset-neg", "limit-str"])
def test_filter_paging_bounds_are_422(emu, path, body):
    if "{ws}" in path:
        path = path.replace("{ws}", emu.create_workspace("paging")["id"])
    body = assert_validation_error(emu.owner.post(ACCT + path, json=body))
    assert any(item["loc"][-1] in ("limit", "offset") for item in body["detail"]), body


@pytest.mark.parametrize("path", FILTERS)
def test_filter_limit_200_is_accepted(emu, path):
    expect(emu.owner.post(ACCT + path, json={"limit": 200, "offset": 0}), 200)


def test_filter_without_body_is_accepted(emu):
    for path in FILTERS:
        expect(emu.owner.post(ACCT + path), 200)


def test_wrong_types_and_bad_ids_are_422(emu):
    assert_validation_error(emu.owner.post(f"{ACCT}/teams/", json={"name": ["not", "a", "string"]}))
    assert_validation_error(emu.owner.get(f"{ACCT}/teams/not-a-uuid"))
    assert_validation_error(emu.owner.post(f"{ACCT}/bots/", json={"name": "b", "account_role_id": "nope"}))


def test_workspace_role_description_over_140_is_422(emu):
    assert_validation_error(emu.owner.post(f"{ACCT}/workspace_roles/",
                                           json={"name": "long", "description": "x" * 141, "scopes": []}))
    expect(emu.owner.post(f"{ACCT}/workspace_roles/",
                          json={"name": "exact", "description": "x" * 140, "scopes": []}), 201)


def test_rotation_grace_over_48h_is_422(emu):
    bot = emu.create_bot("grace")
    assert_validation_error(emu.owner.post(f"{ACCT}/bots/{bot['id']}/rotate_api_key",
                                           json={"old_key_expires_in_seconds": 172801}))
    expect(emu.owner.post(f"{ACCT}/bots/{bot['id']}/rotate_api_key",
                          json={"old_key_expires_in_seconds": 172800}), 201)


def test_invalid_team_member_type_is_422(emu):
    team = emu.create_team("mt")
    assert_validation_error(emu.owner.put(f"{ACCT}/teams/{team['id']}/members", json={"members": [
        {"member_id": emu.user_id(es.MEMBER_EMAIL), "member_type": "robot"}]}))


def test_invitations_body_must_be_a_list(emu):
    assert_validation_error(emu.owner.post(f"{ACCT}/invitations/", json={
        "email": "a@b.co", "account_role_id": emu.account_role_id("Member")}))


def test_team_access_body_must_be_a_list(emu):
    ws = emu.create_workspace("tal")
    team = emu.create_team("tal")
    assert_validation_error(emu.owner.put(f"{ACCT}/workspaces/{ws['id']}/team_access/", json={
        "team_id": team["id"], "workspace_role_id": emu.workspace_role_id("Viewer")}))


# ---------------------------------------------------------------------------------- 405 / 307

def test_post_on_team_access_is_405(emu):
    ws = emu.create_workspace("method")
    team = emu.create_team("method")
    r = emu.owner.post(f"{ACCT}/workspaces/{ws['id']}/team_access/",
                       json=[{"team_id": team["id"], "workspace_role_id": emu.workspace_role_id("Viewer")}])
    assert r.status_code == 405, r.text
    assert r.json() == {"detail": "Method Not Allowed"}
    assert "PUT" in r.headers.get("allow", ""), r.headers


def test_wrong_method_on_user_access_is_405(emu):
    ws = emu.create_workspace("method2")
    r = emu.owner.put(f"{ACCT}/workspaces/{ws['id']}/user_access/", json=[])
    assert r.status_code == 405, r.text


@pytest.mark.parametrize("method,path,target", [
    ("GET", "/api/me", "/api/me/"),
    ("POST", ACCT + "/teams", ACCT + "/teams/"),
    ("POST", ACCT + "/workspaces", ACCT + "/workspaces/"),
    ("POST", ACCT + "/teams/filter/", ACCT + "/teams/filter"),
    ("GET", ACCT + "/settings/", ACCT + "/settings"),
    ("GET", "/api/workspace_scopes/", "/api/workspace_scopes"),
], ids=["me-no-slash", "teams-no-slash", "workspaces-no-slash", "filter-extra-slash",
        "settings-extra-slash", "scopes-extra-slash"])
def test_trailing_slash_mismatch_is_307(emu, method, path, target):
    r = emu.owner.request(method, path, json={} if method == "POST" else None)
    assert r.status_code == 307, f"{method} {path}: {r.status_code} {r.text[:200]}"
    loc = r.headers.get("location")
    assert loc, r.headers
    assert loc.split("?")[0].endswith(target) and not loc.split("?")[0].endswith(target + "/"), loc


def test_307_followed_by_requests_resends_body(emu):
    r = emu.owner.post(f"{ACCT}/teams", json={"name": "via-redirect"}, allow_redirects=True)
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "via-redirect"
    assert len(r.history) == 1 and r.history[0].status_code == 307
