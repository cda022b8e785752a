"""Smoke tests of emulator internals not covered elsewhere: scope catalogue
closure, in-process cascades, and the state-file round trip (in-process, no
server, so they run in well under a second)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from prefect_cloud_emulator import DEMO_SEED, create_app
from prefect_cloud_emulator.catalogue import SCOPE_INCLUDES, WORKSPACE_ROLE_SCOPES, WORKSPACE_SCOPES, expand_scopes
from prefect_cloud_emulator.seed import DEMO_MEMBER_KEY, DEMO_OWNER_KEY

ACCT = f"/api/accounts/{DEMO_SEED['account']['id']}"


def _client(app, key=DEMO_OWNER_KEY):
    client = TestClient(app)
    client.headers["Authorization"] = f"Bearer {key}"
    return client


def test_scope_closure_is_closed_and_within_catalogue():
    for scope, included in SCOPE_INCLUDES.items():
        assert included[0] == scope
        assert set(included) <= set(WORKSPACE_SCOPES)
        for sub in included:  # transitively closed
            assert set(SCOPE_INCLUDES[sub]) <= set(included)
    assert set(expand_scopes(["manage_deployments"])) >= {"write_deployments", "run_deployments", "see_deployments"}
    assert WORKSPACE_ROLE_SCOPES["Owner"] == list(WORKSPACE_SCOPES)


def test_demo_seed_has_owner_and_member_keys():
    app = create_app()
    assert _client(app).get("/api/me/").json()["email"] == "olive@acme.io"
    member = _client(app, DEMO_MEMBER_KEY)
    denied = member.post(f"{ACCT}/workspaces/", json={"name": "X", "handle": "x"})
    assert denied.status_code == 403 and "create:workspace" in denied.json()["detail"]


def test_membership_delete_cascades_access_and_teams():
    app = create_app()
    owner = _client(app)
    ws = owner.post(f"{ACCT}/workspaces/", json={"name": "C", "handle": "cascade"}).json()
    mia = owner.post(f"{ACCT}/account_memberships/filter", json={"account_memberships": {"email": {"any_": ["mia@acme.io"]}}}).json()[0]
    viewer = owner.post(f"{ACCT}/workspace_roles/filter", json={"workspace_roles": {"name": {"any_": ["Viewer"]}}}).json()[0]["id"]
    owner.post(f"{ACCT}/workspaces/{ws['id']}/user_access/", json={"user_id": mia["user_id"], "workspace_role_id": viewer})
    team = owner.post(f"{ACCT}/teams/", json={"name": "t"}).json()
    owner.put(f"{ACCT}/teams/{team['id']}/members", json={"members": [{"member_id": mia["user_id"], "member_type": "user"}]})
    assert owner.delete(f"{ACCT}/account_memberships/{mia['id']}").status_code == 204
    assert owner.post(f"{ACCT}/workspaces/{ws['id']}/user_access/filter").json() == []
    assert owner.get(f"{ACCT}/teams/{team['id']}").json()["memberships"] == []


def test_state_file_round_trip_keeps_hashes_only(tmp_path):
    state = tmp_path / "state.json"
    app = create_app(DEMO_SEED, state_file=str(state))
    created = _client(app).post(f"{ACCT}/bots/", json={"name": "persisted"}).json()
    plaintext = created["api_key"]["key"]
    assert plaintext.startswith("pnb_") and plaintext not in state.read_text()
    reloaded = create_app(DEMO_SEED, state_file=str(state))
    bot_client = _client(reloaded, plaintext)
    assert bot_client.get("/api/me/workspaces").status_code == 200
    names = [b["name"] for b in _client(reloaded).post(f"{ACCT}/bots/filter").json()]
    assert names == ["persisted"]
