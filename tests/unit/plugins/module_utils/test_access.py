"""Workspace access on the wire: which method, path and id each kind of grant uses."""

from ansible_collections.prefect.cloud.plugins.module_utils._resources.access import (
    AccessLists,
    read_access_list,
    revoke_access,
    upsert_access,
)

WS = "/accounts/a1/workspaces/w1"


class RecordingClient:
    def __init__(self):
        self.calls = []

    def put(self, path, json=None):
        self.calls.append(("PUT", path, json))
        return json

    def post(self, path, json=None):
        self.calls.append(("POST", path, json))
        return json

    def delete(self, path):
        self.calls.append(("DELETE", path, None))

    def list_all(self, path, body=None):
        self.calls.append(("LIST", path, body))
        return []


def test_users_and_bots_are_upserted_with_one_post_and_teams_with_one_put():
    client = RecordingClient()
    upsert_access(client, WS, "user", [("u1", "r1"), ("u2", "r2")])
    upsert_access(client, WS, "bot", [("b1", "r1")])
    upsert_access(client, WS, "team", [("t1", "r3")])
    assert client.calls == [
        ("POST", WS + "/user_access/", [{"user_id": "u1", "workspace_role_id": "r1"}, {"user_id": "u2", "workspace_role_id": "r2"}]),
        ("POST", WS + "/bot_access/", [{"bot_id": "b1", "workspace_role_id": "r1"}]),
        ("PUT", WS + "/team_access/", [{"team_id": "t1", "workspace_role_id": "r3"}]),
    ]


def test_nothing_to_grant_sends_nothing():
    client = RecordingClient()
    assert upsert_access(client, WS, "user", []) == []
    assert client.calls == []


def test_team_grants_are_revoked_by_team_id_the_others_by_access_id():
    client = RecordingClient()
    revoke_access(client, WS, "user", {"id": "acc-1", "user_id": "u1"})
    revoke_access(client, WS, "bot", {"id": "acc-2", "bot_id": "b1"})
    revoke_access(client, WS, "team", {"team_id": "t1", "team_name": "ops"})
    assert [c[1] for c in client.calls] == [WS + "/user_access/acc-1", WS + "/bot_access/acc-2", WS + "/team_access/t1"]


def test_lists_are_read_from_their_filter_endpoint():
    client = RecordingClient()
    read_access_list(client, WS, "bot", {"bots": {"name": {"any_": ["x"]}}})
    assert client.calls == [("LIST", WS + "/bot_access/filter", {"bots": {"name": {"any_": ["x"]}}})]


def test_grants_are_found_by_id_or_name_emails_without_case():
    lists = AccessLists(
        {"handle": "dev"},
        {
            "user": [{"id": "acc-1", "user_id": "9a7e3c11-0d5b-4f4e-b0a1-1c2d3e4f5a6b", "email": "Alice@Acme.io"}],
            "bot": [{"id": "acc-2", "bot_id": "b1", "bot_name": "Deployer"}],
            "team": [{"team_id": "t1", "team_name": "ops"}],
        },
    )
    assert lists.find("user", "alice@acme.io")["id"] == "acc-1"
    assert lists.find("user", "9A7E3C11-0D5B-4F4E-B0A1-1C2D3E4F5A6B")["id"] == "acc-1"
    assert lists.find("bot", "Deployer")["id"] == "acc-2"
    assert lists.find("bot", "deployer") is None  # bot names are case-sensitive
    assert lists.find("team", "ops")["team_id"] == "t1"
    assert [kind for kind, _row in lists.all()] == ["user", "bot", "team"]
