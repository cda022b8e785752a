"""prefect.cloud.bot: the decisions that do not need a server (validation, rotation, diff views)."""

import datetime

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._engine.values import format_datetime, utcnow
from ansible_collections.prefect.cloud.plugins.modules import bot as bot_module

DEFAULTS = {
    "name": "deployer",
    "account_role": None,
    "api_key_expiration": None,
    "rotate_api_key": False,
    "rotate_if_expires_within": None,
    "old_key_expires_in_seconds": None,
    "state": "present",
}


class Failed(Exception):
    pass


class FakeModule:
    """Just what validate() and Bot's pure methods touch; any request would raise."""

    check_mode = False

    def __init__(self, **params):
        self.params = dict(DEFAULTS, **params)
        self.warnings = []

    def is_set(self, name):
        return self.params.get(name) is not None

    def fail(self, msg, **result):
        raise Failed(msg)

    def warn(self, message):
        self.warnings.append(message)

    @property
    def client(self):
        raise AssertionError("no request expected")

    resolver = client


def make_bot(**params):
    module = FakeModule(**params)
    return bot_module.Bot(module, bot_module.validate(module))


def existing(expires_in=None):
    expiration = None if expires_in is None else format_datetime(utcnow() + datetime.timedelta(seconds=expires_in))
    return {"name": "deployer", "account_role": "Member", "active_key": {"expiration": expiration}}


@pytest.mark.parametrize(
    "params, option",
    [
        ({"old_key_expires_in_seconds": 172801}, "old_key_expires_in_seconds"),
        ({"old_key_expires_in_seconds": -1}, "old_key_expires_in_seconds"),
        ({"api_key_expiration": "next tuesday"}, "api_key_expiration"),
        ({"api_key_expiration": "2001-01-01T00:00:00Z"}, "api_key_expiration"),
        ({"rotate_if_expires_within": "a week"}, "rotate_if_expires_within"),
    ],
)
def test_bad_values_fail_naming_the_option(params, option):
    with pytest.raises(Failed, match=option):
        bot_module.validate(FakeModule(**params))


def test_good_values_are_parsed():
    parsed = bot_module.validate(
        FakeModule(api_key_expiration="90d", rotate_if_expires_within="1w", old_key_expires_in_seconds=172800)
    )
    assert parsed["window"] == 7 * 86400
    left = parsed["expiration"] - utcnow()
    assert datetime.timedelta(days=89, hours=23) < left <= datetime.timedelta(days=90)


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
    bot = make_bot(api_key_expiration="2030-01-01T00:00:00Z")
    response = {"id": "b", "name": "deployer", "api_key": {"id": "k", "expiration": "2030-01-01T00:00:00Z", "key": "pnb_" + "x" * 36}}
    assert bot.keep_key(response, rotated=True) == "pnb_" + "x" * 36
    assert "key" not in response["api_key"]
    assert bot.extra_result == {"api_key": "pnb_" + "x" * 36}
    assert bot.view(response)["active_key"] == {"expiration": "2030-01-01T00:00:00Z", "rotated": True}


def test_public_object_has_no_secret():
    bot = make_bot()
    raw = {"id": "b", "name": "deployer", "account_role_name": "Member", "api_key": {"id": "k", "masked_key": "pnb_...abcd"}}
    public = bot.public(raw, bot.view(raw))
    assert public["account_role"] == "Member"
    assert "active_key" not in public
    assert public["api_key"] == {"id": "k", "masked_key": "pnb_...abcd"}
