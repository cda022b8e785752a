"""The caller guard: recognising the caller's own user, bot and team grants."""

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._resources.caller import CallerIdentity, key_matches_mask
from ansible_collections.prefect.cloud.plugins.module_utils._engine.client import PrefectCloudError, PrefectCloudHTTPError

ACCOUNT = "/accounts/acc"
USER_KEY = "pnu_" + "a" * 32 + "Zz90"
BOT_KEY = "pnb_" + "b" * 32 + "Q7x1"


class FakeClient:
    """Answers GETs and /filter POSTs from a dict, and records what was asked."""

    def __init__(self, gets=None, filters=None):
        self.gets = gets or {}
        self.filters = filters or {}
        self.calls = []

    def get(self, path):
        self.calls.append(("GET", path))
        answer = self.gets.get(path)
        if isinstance(answer, Exception):
            raise answer
        if answer is None:
            raise PrefectCloudHTTPError("GET %s failed: not found (HTTP 404)" % path, status=404)
        return answer

    def list_all(self, path, body=None):
        self.calls.append(("POST", path))
        return self.filters.get(path, [])


def http_error(status):
    return PrefectCloudHTTPError("failed (HTTP %d)" % status, status=status)


ME_USER = {"id": "user-olive", "email": "Olive@acme.test", "handle": "olive"}


@pytest.mark.parametrize(
    "key, masked, expected",
    [
        (BOT_KEY, "pnb_...Q7x1", True),
        (BOT_KEY, "pnb_\u2026Q7x1", True),
        (BOT_KEY, "pnb_...Q7x2", False),
        (BOT_KEY, "pnu_...Q7x1", False),
        (BOT_KEY, "pnb_Q7x1", False),
        (BOT_KEY, "pnb_...", False),
        (BOT_KEY, None, False),
        (None, "pnb_...Q7x1", False),
    ],
)
def test_key_matches_mask(key, masked, expected):
    assert key_matches_mask(key, masked) is expected


def test_a_user_caller_is_recognised_by_id_or_email_with_one_read():
    client = FakeClient(gets={"/me/": ME_USER})
    caller = CallerIdentity(client, ACCOUNT, USER_KEY)
    assert caller.is_user(user_id="USER-OLIVE")
    assert caller.is_user(email="olive@ACME.test")
    assert not caller.is_user(user_id="user-alice", email="alice@acme.test")
    assert not caller.is_user()
    assert client.calls == [("GET", "/me/")]


def test_a_user_caller_never_owns_a_bot_and_asks_nothing_about_bot_keys():
    client = FakeClient(gets={"/me/": ME_USER})
    caller = CallerIdentity(client, ACCOUNT, USER_KEY)
    assert not caller.is_bot("bot-1")
    assert client.calls == [("GET", "/me/")]


def test_a_user_key_that_me_does_not_describe_refuses_the_purge():
    client = FakeClient(gets={"/me/": {}})
    with pytest.raises(PrefectCloudError, match="refusing to purge"):
        CallerIdentity(client, ACCOUNT, USER_KEY).is_user(user_id="x")


def test_a_user_key_refused_by_me_is_an_error():
    client = FakeClient(gets={"/me/": http_error(401)})
    with pytest.raises(PrefectCloudHTTPError):
        CallerIdentity(client, ACCOUNT, USER_KEY).is_user(user_id="x")


def test_a_bot_caller_refused_by_me_is_recognised_by_its_key_mask():
    keys = ACCOUNT + "/bots/bot-1/read_bot_api_keys"
    other = ACCOUNT + "/bots/bot-2/read_bot_api_keys"
    client = FakeClient(
        gets={
            "/me/": http_error(403),
            keys: {"active_key": {"id": "k1", "masked_key": "pnb_...Q7x1"}, "rotating_keys": []},
            other: {"active_key": {"id": "k2", "masked_key": "pnb_...AAAA"}, "rotating_keys": []},
        }
    )
    caller = CallerIdentity(client, ACCOUNT, BOT_KEY)
    assert caller.is_bot("bot-1")
    assert not caller.is_bot("bot-2")
    assert not caller.is_user(user_id="user-olive", email="olive@acme.test")
    assert caller.is_bot("bot-1")  # cached
    assert client.calls == [("GET", "/me/"), ("GET", keys), ("GET", other)]


def test_a_bot_caller_with_a_rotating_key_is_still_the_caller():
    keys = ACCOUNT + "/bots/bot-1/read_bot_api_keys"
    client = FakeClient(
        gets={
            "/me/": http_error(404),
            keys: {"active_key": {"id": "new", "masked_key": "pnb_...NEW1"}, "rotating_keys": [{"id": "old", "masked_key": "pnb_...Q7x1"}]},
        }
    )
    assert CallerIdentity(client, ACCOUNT, BOT_KEY).is_bot("bot-1")


def test_a_bot_caller_described_by_me_is_recognised_by_id():
    client = FakeClient(gets={"/me/": {"id": "bot-1", "email": "bot-1@bots.invalid"}})
    caller = CallerIdentity(client, ACCOUNT, BOT_KEY)
    assert caller.is_bot("BOT-1")
    assert client.calls == [("GET", "/me/")]


def test_a_deleted_bot_is_not_the_caller():
    client = FakeClient(gets={"/me/": http_error(404)})
    assert not CallerIdentity(client, ACCOUNT, BOT_KEY).is_bot("gone")


def test_teams_with_a_user_caller_come_from_one_filter():
    teams = [
        {"id": "t1", "memberships": [{"id": "a1", "type": "user", "email": "olive@acme.test", "name": "Olive"}]},
        {"id": "t2", "memberships": [{"id": "a2", "type": "user", "email": "alice@acme.test", "name": "Alice"}]},
        {"id": "t3", "memberships": None},
    ]
    client = FakeClient(gets={"/me/": ME_USER}, filters={ACCOUNT + "/teams/filter": teams})
    caller = CallerIdentity(client, ACCOUNT, USER_KEY)
    assert caller.teams_with_caller(["t1", "t2", "t3"]) == {"t1"}
    assert client.calls == [("POST", ACCOUNT + "/teams/filter"), ("GET", "/me/")]


def test_teams_with_a_bot_caller_are_found_through_the_bot_names():
    teams = [
        {"id": "t1", "memberships": [{"id": "actor-b1", "type": "service_account", "email": None, "name": "deployer"}]},
        {"id": "t2", "memberships": [{"id": "actor-b2", "type": "service_account", "email": None, "name": "other"}]},
    ]
    bots = [{"id": "bot-1", "name": "deployer"}, {"id": "bot-2", "name": "other"}]
    client = FakeClient(
        gets={
            "/me/": http_error(403),
            ACCOUNT + "/bots/bot-1/read_bot_api_keys": {"active_key": {"masked_key": "pnb_...Q7x1"}},
            ACCOUNT + "/bots/bot-2/read_bot_api_keys": {"active_key": {"masked_key": "pnb_...0000"}},
        },
        filters={ACCOUNT + "/teams/filter": teams, ACCOUNT + "/bots/filter": bots},
    )
    assert CallerIdentity(client, ACCOUNT, BOT_KEY).teams_with_caller(["t1", "t2"]) == {"t1"}


def test_no_team_asks_nothing():
    client = FakeClient()
    assert CallerIdentity(client, ACCOUNT, USER_KEY).teams_with_caller([]) == set()
    assert client.calls == []
