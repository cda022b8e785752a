"""Name to id resolution: server-side filters, batching and the cache."""

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import ReferenceNotFound
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import (
    ACCOUNT_MEMBER,
    ACCOUNT_ROLE,
    BOT,
    TEAM,
    WORKSPACE_ROLE,
)
from ansible_collections.prefect.cloud.plugins.module_utils._engine.resolve import Resolver

from fake_api import FakeConnection, RecordingClient
from unit_seed import ACCOUNT_ID

ACCOUNT = "/accounts/%s" % ACCOUNT_ID


@pytest.fixture
def resolver(make_client):
    return Resolver(FakeConnection(make_client(), account_id=ACCOUNT_ID).api)


def requests_since(emulator, mark):
    return [(e["method"], e["path"].split(ACCOUNT_ID)[-1]) for e in emulator.log(mark)]


def test_users_by_email_in_one_filter_and_then_from_the_cache(emulator, resolver):
    mark = emulator.last_seq()
    found = resolver.find_many(ACCOUNT_MEMBER, ["alice@unit.test", "OWNER@unit.test", "nobody@unit.test"])
    assert set(found) == {"alice@unit.test", "OWNER@unit.test"}
    assert found["alice@unit.test"]["user_id"] and found["alice@unit.test"]["actor_id"]
    assert requests_since(emulator, mark) == [("POST", "/account_memberships/filter")]
    mark = emulator.last_seq()
    assert resolver.find(ACCOUNT_MEMBER, "alice@unit.test") is found["alice@unit.test"]
    assert resolver.find(ACCOUNT_MEMBER, "nobody@unit.test") is None
    assert requests_since(emulator, mark) == []


def test_lookup_by_uuid_uses_the_id_filter(emulator, resolver, make_client):
    client = make_client()
    team = client.post(ACCOUNT + "/teams/", json={"name": "ops"})
    mark = emulator.last_seq()
    assert resolver.find(TEAM, team["id"].upper())["name"] == "ops"
    assert resolver.find(TEAM, "ops")["id"] == team["id"]
    assert requests_since(emulator, mark) == [("POST", "/teams/filter")]


def test_a_thousand_objects_do_not_slow_a_single_lookup(emulator, resolver):
    emulator.hook("POST", "/populate", json={"users": 1000, "teams": 1000, "bots": 1000, "prefix": "load"})
    mark = emulator.last_seq()
    resolver.find(BOT, "load-bot-0500")
    resolver.find(TEAM, "load-team-0999")
    assert len(requests_since(emulator, mark)) == 2


def test_missing_references_name_the_kind_and_value(resolver):
    with pytest.raises(ReferenceNotFound) as info:
        resolver.require(TEAM, "ghosts")
    assert str(info.value) == "team 'ghosts' not found"
    with pytest.raises(ReferenceNotFound) as info:
        resolver.require_many(BOT, ["a", "b"])
    assert "bot" in str(info.value) and "'a'" in str(info.value)


def test_roles_resolve_both_ways_from_one_read(emulator, resolver):
    mark = emulator.last_seq()
    viewer = resolver.require_role(WORKSPACE_ROLE, "Viewer")
    assert resolver.role_name(WORKSPACE_ROLE, viewer["id"]) == "Viewer"
    assert resolver.role(WORKSPACE_ROLE, "Nope") is None
    assert requests_since(emulator, mark) == [("POST", "/workspace_roles/filter")]
    with pytest.raises(Exception) as info:
        resolver.require_role(ACCOUNT_ROLE, "Emperor")
    assert "Owner" in str(info.value) and "Emperor" in str(info.value)


# -- by table entry: which filter, criterion and id field (no server) --------------------------

USER_ID = "9a7e3c11-0d5b-4f4e-b0a1-1c2d3e4f5a6b"


def recorded_resolver(lists=None):
    connection = FakeConnection(RecordingClient(lists=lists))
    return Resolver(connection.api), connection.client


def test_the_table_entry_decides_filter_criterion_and_defaults():
    alice = {"id": "m1", "user_id": USER_ID, "email": "Alice@Acme.io"}
    resolver, client = recorded_resolver({"/accounts/acc/account_memberships/filter": [alice]})
    found = resolver.find_many(ACCOUNT_MEMBER, [USER_ID.upper(), "bob@acme.io"])
    assert found == {USER_ID.upper(): alice}
    assert client.calls == [
        ("LIST", "/accounts/acc/account_memberships/filter", {"only_users": True, "account_memberships": {"user_id": {"any_": [USER_ID]}}}),
        ("LIST", "/accounts/acc/account_memberships/filter", {"only_users": True, "account_memberships": {"email": {"any_": ["bob@acme.io"]}}}),
    ]
    # The row is cached under its email as well (without case) and its user id.
    assert resolver.find(ACCOUNT_MEMBER, "alice@ACME.io") == alice
    assert resolver.find(ACCOUNT_MEMBER, "bob@acme.io") is None  # a miss is cached too
    assert len(client.calls) == 2


def test_bots_are_listed_under_service_accounts_and_remembered_rows_need_no_request():
    resolver, client = recorded_resolver()
    assert resolver.find_many(BOT, ["deployer"]) == {}
    assert client.calls == [("LIST", "/accounts/acc/bots/filter", {"service_accounts": {"name": {"any_": ["deployer"]}}})]
    resolver.remember(BOT, {"id": "b1", "name": "deployer"})
    resolver.remember(TEAM, {"id": "t1", "name": "deployer"})
    assert resolver.find(BOT, "deployer")["id"] == "b1"
    assert resolver.find(TEAM, "deployer")["id"] == "t1"  # one cache per table entry
    assert resolver.find(BOT, "b1")["name"] == "deployer"
    assert len(client.calls) == 1


def test_require_many_names_every_missing_reference():
    resolver, _client = recorded_resolver()
    with pytest.raises(ReferenceNotFound) as info:
        resolver.require_many(TEAM, ["a", "b"])
    assert str(info.value) == "team ['a', 'b'] not found"


def test_role_catalogues_are_read_once_per_entry_until_forgotten():
    roles = [{"id": "r1", "name": "Viewer", "account_id": None}]
    resolver, client = recorded_resolver({"/accounts/acc/workspace_roles/filter": roles, "/accounts/acc/account_roles/filter": []})
    assert resolver.role_name(WORKSPACE_ROLE, "r1") == "Viewer"
    assert resolver.role(WORKSPACE_ROLE, "Viewer")["id"] == "r1"
    assert resolver.role_name(ACCOUNT_ROLE, "r1") == "r1"  # another catalogue; an unknown id shows as itself
    assert resolver.role_name(WORKSPACE_ROLE, None) is None
    assert [path for _m, path, _b in client.calls] == ["/accounts/acc/workspace_roles/filter", "/accounts/acc/account_roles/filter"]
    resolver.forget_roles(WORKSPACE_ROLE)
    resolver.role(WORKSPACE_ROLE, "Viewer")
    resolver.role(ACCOUNT_ROLE, "Owner")
    assert [path for _m, path, _b in client.calls][2:] == ["/accounts/acc/workspace_roles/filter"]
