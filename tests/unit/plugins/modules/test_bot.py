"""prefect.cloud.bot: the decisions that do not need a server (validation, rotation, diff views)."""

import datetime

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import Plan
from ansible_collections.prefect.cloud.plugins.module_utils._engine.values import format_datetime
from ansible_collections.prefect.cloud.plugins.module_utils._resources.caller import key_matches_mask
from ansible_collections.prefect.cloud.plugins.modules import bot as bot_module

from fake_api import RecordingClient
from prefect_cloud_emulator.catalogue import ACCOUNT_ROLE_IDS
from unit_seed import ACCOUNT_ID

# The server's clock, years away from the local one: expirations are judged by it alone.
SERVER_NOW = datetime.datetime(2031, 6, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)

DEFAULTS = {
    "name": "deployer",
    "account_role": None,
    "api_key_expiration": None,
    "rotate_api_key": False,
    "rotate_if_expires_within": None,
    "old_key_expires_in_seconds": None,
    "state": "present",
}


class FakeModule:
    """Just what parse_options() and Bot's pure methods touch; the client only tells the server's time."""

    check_mode = False

    def __init__(self, **params):
        self.params = dict(DEFAULTS, **params)
        self.warnings = []
        self.client = RecordingClient(now=SERVER_NOW)

    def is_set(self, name):
        return self.params.get(name) is not None

    def warn(self, message):
        self.warnings.append(message)

    @property
    def resolver(self):
        raise AssertionError("no lookup expected")

    api = resolver


def parse(**params):
    return bot_module.Bot.parse_options(dict(DEFAULTS, **params))


def make_bot(**params):
    module = FakeModule(**params)
    bot = bot_module.Bot(module, bot_module.Bot.parse_options(module.params))
    return bot


def existing(expires_in=None):
    expiration = None if expires_in is None else format_datetime(SERVER_NOW + datetime.timedelta(seconds=expires_in))
    return {"name": "deployer", "account_role": "Member", "active_key": {"expiration": expiration}}


@pytest.mark.parametrize(
    "params, option",
    [
        ({"old_key_expires_in_seconds": -1}, "old_key_expires_in_seconds"),
        ({"api_key_expiration": "next tuesday"}, "api_key_expiration"),
        ({"rotate_if_expires_within": "a week"}, "rotate_if_expires_within"),
    ],
)
def test_bad_values_fail_naming_the_option(params, option):
    with pytest.raises(ValueError, match=option):
        parse(**params)


def test_good_values_are_parsed():
    parsed = parse(api_key_expiration="90d", rotate_if_expires_within="1w", old_key_expires_in_seconds=172800)
    assert parsed["window"] == 7 * 86400
    # A duration is taken from the server's clock when the key is written.
    assert parsed["expiration"].is_duration
    assert parsed["expiration"].at(SERVER_NOW) == SERVER_NOW + datetime.timedelta(days=90)


def test_the_expiration_written_is_counted_from_the_server_clock():
    bot = make_bot(api_key_expiration="1d")
    assert bot.expiration_text() == "2031-06-02T12:00:00.000000Z"
    assert make_bot().expiration_text() is None


@pytest.mark.parametrize(
    "expires_in, window, rotates",
    [
        (None, "7d", False),  # a key that never expires is never near expiry
        (30 * 86400, "7d", False),
        (3 * 86400, "7d", True),
        (-60, "7d", True),  # already expired
        (3 * 86400, None, False),  # no window, no rotation
    ],
)
def test_rotation_window(expires_in, window, rotates):
    bot = make_bot(rotate_if_expires_within=window)
    assert bot.wants_rotation(existing(expires_in)) is rotates


def test_rotate_api_key_always_rotates():
    assert make_bot(rotate_api_key=True).wants_rotation(existing(None)) is True


def test_desired_marks_a_rotation_without_key_ids():
    bot = make_bot(rotate_api_key=True, api_key_expiration="90d")
    before = existing(None)
    desired = bot.desired(before)
    assert desired == {
        "name": "deployer",
        "account_role": "Member",
        "active_key": {"expiration": "90d from now", "rotated": True},
    }
    assert before["active_key"] == {"expiration": None}, "desired() does not touch before"


def test_desired_new_bot_defaults_to_member_and_never_expiring_key():
    assert make_bot().desired(None) == {"name": "deployer", "account_role": "Member", "active_key": {"expiration": None}}


def test_expiration_alone_changes_nothing():
    before = existing(30 * 86400)
    assert make_bot(api_key_expiration="90d").desired(before) == before


def test_minted_key_goes_to_api_key_only():
    bot = make_bot(api_key_expiration="2040-01-01T00:00:00Z", rotate_api_key=True)
    before = existing(None)
    plan = Plan({"id": "b", "name": "deployer"}, before, bot.desired(before))
    key = {"id": "k", "expiration": "2040-01-01T00:00:00Z", "key": "pnb_" + "x" * 36}
    response = {"id": "b", "name": "deployer", "account_role_name": "Member", "api_key": key}
    assert bot.keep_key(plan, response) == "pnb_" + "x" * 36
    assert "key" not in response["api_key"]
    assert plan.extra_result == {"api_key": "pnb_" + "x" * 36}
    # The view after the write says what was asked, as check mode predicted it.
    assert bot.view_after(plan, response)["active_key"] == {"expiration": "2040-01-01T00:00:00Z", "rotated": True}
    assert bot.view_after(plan, response) == plan.desired


def test_without_a_minted_key_the_view_after_is_the_server_view():
    bot = make_bot()
    before = existing(None)
    plan = Plan({"id": "b", "name": "deployer"}, before, bot.desired(before))
    response = {"id": "b", "name": "deployer", "account_role_name": "Member", "api_key": {"id": "k", "expiration": None}}
    assert bot.view_after(plan, response) == bot.view(response)


def test_public_object_has_no_secret():
    bot = make_bot()
    raw = {"id": "b", "name": "deployer", "account_role_name": "Member", "api_key": {"id": "k", "masked_key": "pnb_...abcd"}}
    public = bot.public(raw, bot.view(raw))
    assert public["account_role"] == "Member"
    assert "active_key" not in public
    assert public["api_key"] == {"id": "k", "masked_key": "pnb_...abcd"}


def test_a_fixed_expiration_already_past_by_the_server_clock_fails_cleanly(emulator, run_module):
    # In the future by the local clock (so parse_options accepts it), past by the server's.
    moment = format_datetime(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=2))
    emulator.hook("POST", "/clock", json={"advance_seconds": 3 * 86400})
    result = run_module(bot_module, name="late", api_key_expiration=moment)
    assert result["failed"] and "api_key_expiration" in result["msg"]


ACCOUNT_PATH = "/accounts/%s" % ACCOUNT_ID


def make_admin_bot(make_client, name="self-rotator"):
    """A bot that may manage bots, and its key."""
    created = make_client().post(ACCOUNT_PATH + "/bots/", json={"name": name, "account_role_id": str(ACCOUNT_ROLE_IDS["Admin"])})
    return created, created["api_key"]["key"]


def test_a_bot_rotating_its_own_key_reads_the_result_with_the_new_key(run_module, make_client):
    created, own_key = make_admin_bot(make_client)
    result = run_module(bot_module, api_key=own_key, account=ACCOUNT_ID, name="self-rotator", rotate_api_key=True)
    assert not result["failed"], result["msg"]
    assert result["changed"] and result["warnings"] == []
    new_key = result["api_key"]
    assert new_key.startswith("pnb_") and new_key != own_key
    # The bot as read after the rotation, with the new key (the old one died with it).
    assert result["bot"]["api_key"]["id"] != created["api_key"]["id"]
    assert key_matches_mask(new_key, result["bot"]["api_key"]["masked_key"])
    assert make_client(api_key=new_key).get("/me/workspaces") is not None


def test_a_key_minted_is_returned_even_when_the_read_after_fails(emulator, run_module, make_client):
    created = make_admin_bot(make_client, "unreadable")[0]
    emulator.fault(method="GET", path="/bots/%s$" % created["id"], count=1, status=403)
    result = run_module(bot_module, name="unreadable", rotate_api_key=True)
    assert not result["failed"], result["msg"]
    assert result["changed"] and result["api_key"].startswith("pnb_")
    assert any("could not read" in warning for warning in result["warnings"])
    # The rotation's own answer stands in for the read: the new key's metadata, never the key.
    assert result["bot"]["api_key"]["id"] != created["api_key"]["id"]
    assert result["api_key"] not in repr(result["bot"])


def test_a_bot_whose_own_rotation_answer_is_lost_says_what_to_do(emulator, run_module, make_client):
    own_key = make_admin_bot(make_client)[1]
    emulator.fault(method="POST", path="/rotate_api_key$", count=1, drop_response=True)
    result = run_module(bot_module, api_key=own_key, account=ACCOUNT_ID, name="self-rotator", rotate_api_key=True)
    assert result["failed"]
    assert "rotated the key this task authenticates with" in result["msg"]
    assert "old_key_expires_in_seconds" in result["msg"]


def bot_keys(make_client, bot_id):
    """The bot's active key id and its rotating (still working) key ids."""
    keys = make_client().get(ACCOUNT_PATH + "/bots/%s/read_bot_api_keys" % bot_id)
    return keys["active_key"]["id"], [key["id"] for key in keys["rotating_keys"]]


def test_a_lost_creation_whose_recovering_rotations_are_lost_too_still_delivers_a_key(emulator, run_module, make_client):
    # The creation's answer is lost (its key with it), and so are the answers of the first two
    # rotations that replace that key: each is looked for before anything is sent again.
    emulator.fault(method="POST", path="/bots/$", count=1, drop_response=True)
    emulator.fault(method="POST", path="/rotate_api_key$", count=2, drop_response=True)
    result = run_module(bot_module, name="unlucky")
    assert not result["failed"], result["msg"]
    assert result["changed"] and result["api_key"].startswith("pnb_")
    assert make_client(api_key=result["api_key"]).get("/me/workspaces") is not None
    # Every key lost on the way was ended at once: the one delivered is the bot's only key.
    active, rotating = bot_keys(make_client, result["bot"]["id"])
    assert rotating == [] and key_matches_mask(result["api_key"], result["bot"]["api_key"]["masked_key"])
    assert any("rotated it again" in w for w in result["warnings"])
    posts = [e for e in emulator.hook("GET", "/requests") if e["method"] == "POST" and e["path"].endswith("/rotate_api_key")]
    assert len(posts) == 3


def test_a_rotation_whose_answers_are_all_lost_names_the_bot_and_how_to_recover(emulator, run_module, make_client):
    created = make_admin_bot(make_client, "unlucky-rotation")[0]
    emulator.fault(method="POST", path="/rotate_api_key$", count=3, drop_response=True)
    result = run_module(bot_module, name="unlucky-rotation", rotate_api_key=True, old_key_expires_in_seconds=600)
    assert result["failed"]
    assert "bot 'unlucky-rotation'" in result["msg"]
    assert "rotate_api_key" in result["msg"] and "rotate_keys.yml" in result["msg"]
    # Three rotations were sent, each looked for first; the key from before keeps its grace window,
    # and no other key minted on the way still works but the last, lost one.
    posts = [e for e in emulator.hook("GET", "/requests") if e["path"].endswith("/rotate_api_key")]
    assert len(posts) == 3
    active, rotating = bot_keys(make_client, created["id"])
    assert rotating == [created["api_key"]["id"]] and active != created["api_key"]["id"]


def test_a_timed_out_rotation_that_lands_late_is_ended_and_replaced(emulator, run_module, make_client):
    created = make_admin_bot(make_client, "slow-rotation")[0]
    emulator.fault(method="POST", path="/rotate_api_key$", count=1, latency=2.5)
    result = run_module(bot_module, name="slow-rotation", rotate_api_key=True, request_timeout=1, old_key_expires_in_seconds=600)
    assert not result["failed"], result["msg"]
    assert make_client(api_key=result["api_key"]).get("/me/workspaces") is not None
    active, rotating = bot_keys(make_client, created["id"])
    # The late rotation's key (its answer timed out) was ended; the first key keeps its grace window.
    assert rotating == [created["api_key"]["id"]]
    assert key_matches_mask(result["api_key"], result["bot"]["api_key"]["masked_key"])
