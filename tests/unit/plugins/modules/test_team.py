"""prefect.cloud.team: purge rules, member resolution and the requests an update sends (no server)."""

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._engine.resolve import ReferenceNotFound
from ansible_collections.prefect.cloud.plugins.modules import team as team_module

CAROL_ID = "3c0e1f52-9d0a-4a43-8a52-1d3f0c2b7e11"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
DEFAULTS = {"name": "engineers", "description": None, "users": None, "bots": None, "purge_members": False, "state": "present"}

USERS = {
    "alice@acme.test": {"email": "alice@acme.test", "user_id": "u-alice", "actor_id": "a-alice"},
    "bob@acme.test": {"email": "bob@acme.test", "user_id": "u-bob", "actor_id": "a-bob"},
    "carol@acme.test": {"email": "Carol@Acme.test", "user_id": CAROL_ID, "actor_id": "a-carol"},
}
BOTS = {"deployer": {"id": "b-deployer", "name": "deployer"}, "ci": {"id": "9a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c5d", "name": "ci"}}

TEAM = {
    "id": "t-1",
    "name": "engineers",
    "description": "Builds things",
    "memberships": [
        {"id": "a-alice", "type": "user", "email": "alice@acme.test", "name": "Alice", "handle": "alice"},
        {"id": "a-bob", "type": "user", "email": "bob@acme.test", "name": "Bob", "handle": "bob"},
        {"id": "a-deployer", "type": "service_account", "email": None, "name": "deployer", "handle": "deployer"},
    ],
}


class Failed(Exception):
    pass


class FakeResolver:
    def __init__(self):
        self.calls = []

    def _table(self, kind):
        if kind == "user":
            table = dict(USERS)
            table[CAROL_ID] = USERS["carol@acme.test"]
            return table
        table = dict(BOTS)
        table.update({row["id"]: row for row in BOTS.values()})
        return table

    def find_many(self, kind, refs):
        self.calls.append((kind, list(refs)))
        table = self._table(kind)
        return {r: table[r.lower() if kind == "user" else r] for r in refs if (r.lower() if kind == "user" else r) in table}

    def require_many(self, kind, refs):
        found = self.find_many(kind, refs)
        missing = [r for r in refs if r not in found]
        if missing:
            raise ReferenceNotFound(kind, missing[0])
        return found


class FakeClient:
    def __init__(self):
        self.writes = []

    def put(self, path, json=None):
        self.writes.append(("PUT", path, json))

    def delete(self, path):
        self.writes.append(("DELETE", path, None))


class FakeModule:
    check_mode = False
    account_path = "/accounts/acc"

    def __init__(self, **params):
        self.params = dict(DEFAULTS, **params)
        self.resolver = FakeResolver()
        self.client = FakeClient()

    def is_set(self, name):
        return self.params.get(name) is not None

    def fail(self, msg, **result):
        raise Failed(msg)


def plan(**params):
    """(team resource, before view, desired view) for TEAM and these options."""
    team = team_module.Team(FakeModule(**params))
    before = team.view(TEAM)
    return team, before, team.desired(before)


def test_view_names_members_by_email_and_bot_name():
    team, before, desired = plan()
    assert before == {"name": "engineers", "description": "Builds things", "users": ["alice@acme.test", "bob@acme.test"], "bots": ["deployer"]}
    assert desired == before


def test_without_purge_members_are_only_added():
    _team, before, desired = plan(users=["CAROL@acme.test"], bots=["ci"])
    assert desired["users"] == ["alice@acme.test", "bob@acme.test", "carol@acme.test"]
    assert desired["bots"] == ["ci", "deployer"]
    assert desired["description"] == before["description"]


def test_purge_touches_only_the_kinds_given():
    _team, before, desired = plan(users=["alice@acme.test"], purge_members=True)
    assert desired["users"] == ["alice@acme.test"]
    assert desired["bots"] == before["bots"]
    _team, before, desired = plan(bots=[], purge_members=True)
    assert desired["bots"] == []
    assert desired["users"] == before["users"]


def test_user_ids_become_emails_and_unknown_ids_stay_as_given():
    _team, _before, desired = plan(users=[CAROL_ID, UNKNOWN_ID])
    assert desired["users"] == [UNKNOWN_ID, "alice@acme.test", "bob@acme.test", "carol@acme.test"]


def test_bot_ids_become_names():
    _team, _before, desired = plan(bots=["9a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c5d"])
    assert desired["bots"] == ["ci", "deployer"]


def test_references_checked_are_only_the_additions():
    team, _before, desired = plan(users=["alice@acme.test", "nobody@acme.test"])
    with pytest.raises(ReferenceNotFound, match="nobody@acme.test"):
        team.check_references(desired)
    assert ("user", ["nobody@acme.test"]) in team.module.resolver.calls


def test_creating_checks_every_member():
    team = team_module.Team(FakeModule(users=["alice@acme.test"], bots=["ghost"]))
    desired = team.desired(None)
    assert desired == {"name": "engineers", "description": "", "users": ["alice@acme.test"], "bots": ["ghost"]}
    with pytest.raises(ReferenceNotFound, match="ghost"):
        team.check_references(desired)


def test_member_changes_send_one_add_and_deletes_by_actor_id_and_never_the_team():
    team, before, desired = plan(users=["alice@acme.test", "carol@acme.test"], bots=["ci"], purge_members=True)
    team.check_references(desired)
    assert team.update(TEAM, before, desired) is None
    assert team.module.client.writes == [
        ("PUT", "/accounts/acc/teams/t-1/members", {"members": [
            {"member_id": CAROL_ID, "member_type": "user"},
            {"member_id": "9a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c5d", "member_type": "service_account"},
        ]}),
        ("DELETE", "/accounts/acc/teams/t-1/members/a-bob", None),
        ("DELETE", "/accounts/acc/teams/t-1/members/a-deployer", None),
    ]


def test_a_description_change_sends_the_name_with_it():
    team, before, desired = plan(description="")
    team.update(TEAM, before, desired)
    assert team.module.client.writes == [("PUT", "/accounts/acc/teams/t-1", {"name": "engineers", "description": ""})]


@pytest.mark.parametrize(
    "params, option",
    [
        ({"name": "  "}, "name"),
        ({"users": ["bob"]}, "users"),
        ({"users": [""]}, "users"),
        ({"bots": [""]}, "bots"),
    ],
)
def test_bad_values_fail_naming_the_option(params, option):
    with pytest.raises(Failed, match=option):
        team_module.validate(FakeModule(**params))
