"""The caller guard: recognising the caller's own user, bot and team grants."""

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudHTTPError, Refusal
from ansible_collections.prefect.cloud.plugins.module_utils._resources.caller import CallerIdentity, key_matches_mask

from fake_api import BOT_KEY, USER_KEY, FakeConnection, RecordingClient, http_error

ACCOUNT = "/accounts/acc"


def caller_with(key, gets=None, filters=None):
    """A CallerIdentity over a recording client: ``gets`` answer GETs, ``filters`` answer list reads."""
    client = RecordingClient(answers={("GET", path): answer for path, answer in (gets or {}).items()}, lists=filters)
    return CallerIdentity(FakeConnection(client, api_key=key)), client


def asked(client):
    """``(method, path)`` of every request, list reads as ``LIST``."""
    return [call[:2] for call in client.calls]


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
    caller, client = caller_with(USER_KEY, gets={"/me/": ME_USER})
    assert caller.is_user(user_id="USER-OLIVE")
    assert caller.is_user(email="olive@ACME.test")
    assert not caller.is_user(user_id="user-alice", email="alice@acme.test")
    assert not caller.is_user()
    assert asked(client) == [("GET", "/me/")]


def test_me_is_read_through_the_connection_once_whoever_asks():
    client = RecordingClient(answers={("GET", "/me/"): ME_USER})
    connection = FakeConnection(client)
    assert connection.me() is CallerIdentity(connection).me()
    assert asked(client) == [("GET", "/me/")]


def test_a_user_caller_never_owns_a_bot_and_asks_nothing_about_bot_keys():
    caller, client = caller_with(USER_KEY, gets={"/me/": ME_USER})
    assert not caller.is_bot("bot-1")
    assert asked(client) == [("GET", "/me/")]


def test_a_user_key_that_me_does_not_describe_refuses_the_purge():
    caller, _client = caller_with(USER_KEY, gets={"/me/": {}})
    with pytest.raises(Refusal, match="refusing to purge"):
        caller.is_user(user_id="x")


def test_a_user_key_refused_by_me_is_an_error():
    caller, _client = caller_with(USER_KEY, gets={"/me/": http_error(401)})
    with pytest.raises(PrefectCloudHTTPError):
        caller.is_user(user_id="x")


def test_a_bot_caller_refused_by_me_is_recognised_by_its_key_mask():
    keys = ACCOUNT + "/bots/bot-1/read_bot_api_keys"
    other = ACCOUNT + "/bots/bot-2/read_bot_api_keys"
    caller, client = caller_with(
        BOT_KEY,
        gets={
            "/me/": http_error(403),
            keys: {"active_key": {"id": "k1", "masked_key": "pnb_...Q7x1"}, "rotating_keys": []},
            other: {"active_key": {"id": "k2", "masked_key": "pnb_...AAAA"}, "rotating_keys": []},
        },
    )
    assert caller.is_bot("bot-1")
    assert not caller.is_bot("bot-2")
    assert not caller.is_user(user_id="user-olive", email="olive@acme.test")
    assert caller.is_bot("bot-1")  # cached
    assert asked(client) == [("GET", "/me/"), ("GET", keys), ("GET", other)]


def test_a_bot_caller_with_a_rotating_key_is_still_the_caller():
    keys = ACCOUNT + "/bots/bot-1/read_bot_api_keys"
    caller, _client = caller_with(
        BOT_KEY,
        gets={
            "/me/": http_error(404),
            keys: {"active_key": {"id": "new", "masked_key": "pnb_...NEW1"}, "rotating_keys": [{"id": "old", "masked_key": "pnb_...Q7x1"}]},
        },
    )
    assert caller.is_bot("bot-1")


def test_a_bot_caller_described_by_me_is_recognised_by_id():
    caller, client = caller_with(BOT_KEY, gets={"/me/": {"id": "bot-1", "email": "bot-1@bots.invalid"}})
    assert caller.is_bot("BOT-1")
    assert asked(client) == [("GET", "/me/")]


def test_a_deleted_bot_is_not_the_caller():
    caller, _client = caller_with(BOT_KEY, gets={"/me/": http_error(404)})
    assert not caller.is_bot("gone")


def test_teams_with_a_user_caller_come_from_one_filter():
    teams = [
        {"id": "t1", "memberships": [{"id": "a1", "type": "user", "email": "olive@acme.test", "name": "Olive"}]},
        {"id": "t2", "memberships": [{"id": "a2", "type": "user", "email": "alice@acme.test", "name": "Alice"}]},
        {"id": "t3", "memberships": None},
    ]
    caller, client = caller_with(USER_KEY, gets={"/me/": ME_USER}, filters={ACCOUNT + "/teams/filter": teams})
    assert caller.teams_with_caller(["t1", "t2", "t3"]) == {"t1"}
    assert client.calls == [
        ("LIST", ACCOUNT + "/teams/filter", {"teams": {"id": {"any_": ["t1", "t2", "t3"]}}}),
        ("GET", "/me/", None),
    ]


def test_teams_with_a_bot_caller_are_found_through_the_bot_names():
    teams = [
        {"id": "t1", "memberships": [{"id": "actor-b1", "type": "service_account", "email": None, "name": "deployer"}]},
        {"id": "t2", "memberships": [{"id": "actor-b2", "type": "service_account", "email": None, "name": "other"}]},
    ]
    bots = [{"id": "bot-1", "name": "deployer"}, {"id": "bot-2", "name": "other"}]
    caller, client = caller_with(
        BOT_KEY,
        gets={
            "/me/": http_error(403),
            ACCOUNT + "/bots/bot-1/read_bot_api_keys": {"active_key": {"masked_key": "pnb_...Q7x1"}},
            ACCOUNT + "/bots/bot-2/read_bot_api_keys": {"active_key": {"masked_key": "pnb_...0000"}},
        },
        filters={ACCOUNT + "/teams/filter": teams, ACCOUNT + "/bots/filter": bots},
    )
    assert caller.teams_with_caller(["t1", "t2"]) == {"t1"}
    assert ("LIST", ACCOUNT + "/bots/filter", {"service_accounts": {"name": {"any_": ["deployer", "other"]}}}) in client.calls


def test_no_team_asks_nothing():
    caller, client = caller_with(USER_KEY)
    assert caller.teams_with_caller([]) == set()
    assert client.calls == []
