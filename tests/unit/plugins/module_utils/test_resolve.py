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

from fake_api import FakeConnection
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
