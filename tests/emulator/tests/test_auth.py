"""Authentication: seed keys, minted keys, expiry, deletion, rotation grace, the 401 body."""
from __future__ import annotations

import datetime as dt
import re

import pytest

import emu_support as es
from emu_support import ACCT, INVALID_CREDENTIALS, expect

USER_KEY_RE = re.compile(r"^pnu_[A-Za-z0-9]{36}$")
BOT_KEY_RE = re.compile(r"^pnb_[A-Za-z0-9]{36}$")


def assert_401(resp):
    assert resp.status_code == 401, f"expected 401, got {resp.status_code}: {resp.text[:300]}"
    assert resp.json() == INVALID_CREDENTIALS


@pytest.mark.parametrize("key,email", [(es.OWNER_KEY, es.OWNER_EMAIL), (es.ADMIN_KEY, es.ADMIN_EMAIL),
                                       (es.MEMBER_KEY, es.MEMBER_EMAIL)],
                         ids=["owner", "admin", "member"])
def test_seed_keys_authenticate(emu, key, email):
    me = expect(emu.client(key).get("/api/me/"), 200)
    assert me["email"] == email
    accounts = expect(emu.client(key).get("/api/me/accounts"), 200)
    assert [a["account_id"] for a in accounts] == [es.ACCOUNT_ID]
    assert accounts[0]["account_handle"] == es.ACCOUNT_HANDLE


def test_missing_authorization_header_is_401(emu):
    assert_401(emu.anon.get("/api/me/"))
    assert_401(emu.anon.get(ACCT))
    assert_401(emu.anon.post(f"{ACCT}/workspaces/filter", json={}))


def test_unknown_key_is_401_with_exact_body(emu):
    assert_401(emu.client("pnu_" + "x" * 36).get("/api/me/"))
    assert_401(emu.client("pnb_" + "y" * 36).get(ACCT))


def test_non_bearer_authorization_is_401(emu):
    r = emu.anon.get("/api/me/", headers={"Authorization": f"Basic {es.OWNER_KEY}"})
    assert_401(r)
    r = emu.anon.get("/api/me/", headers={"Authorization": es.OWNER_KEY})
    assert_401(r)


def test_401_before_validation_and_not_found(emu):
    """A bad key gets 401 even on a request that would be a 404 or a 422."""
    bad = emu.client("pnu_" + "z" * 36)
    assert_401(bad.get(f"{ACCT}/teams/{es.random_id()}"))
    assert_401(bad.post(f"{ACCT}/workspaces/", json={"bogus": True}))


def test_minted_bot_key_works(emu):
    bot = emu.create_bot("auth-bot")
    key = bot["api_key"]["key"]
    assert BOT_KEY_RE.match(key), key
    c = emu.client(key)
    expect(c.get("/api/me/workspaces"), 200)
    acct = expect(c.get(ACCT), 200)
    assert acct["id"] == es.ACCOUNT_ID
    bots = expect(c.post(f"{ACCT}/bots/filter", json={}), 200)
    assert bot["id"] in {b["id"] for b in bots}


def test_minted_user_key_works(emu):
    uid = emu.me()["id"]
    created = expect(emu.owner.post(f"/api/users/{uid}/api_keys", json={"name": "laptop"}), 201)
    key = created["key"]
    assert USER_KEY_RE.match(key), key
    assert created["name"] == "laptop"
    me = expect(emu.client(key).get("/api/me/"), 200)
    assert me["id"] == uid and me["email"] == es.OWNER_EMAIL


def test_user_cannot_mint_keys_for_another_user(emu):
    mia = emu.user_id(es.MEMBER_EMAIL)
    r = emu.admin.post(f"/api/users/{mia}/api_keys", json={"name": "stolen"})
    assert r.status_code in (403, 404), r.text
    r = emu.admin.get(f"/api/users/{mia}/api_keys")
    assert r.status_code in (403, 404), r.text


def test_expired_user_key_stops_working(emu):
    now = emu.server_now()
    uid = emu.me()["id"]
    created = expect(emu.owner.post(f"/api/users/{uid}/api_keys", json={
        "name": "short", "expiration": es.iso(now + dt.timedelta(seconds=120))}), 201)
    c = emu.client(created["key"])
    expect(c.get("/api/me/"), 200)
    emu.advance_clock(60)
    expect(c.get("/api/me/"), 200)
    emu.advance_clock(120)
    assert_401(c.get("/api/me/"))
    # the seed key (no expiration) is unaffected
    expect(emu.owner.get("/api/me/"), 200)


def test_expired_bot_key_stops_working(emu):
    now = emu.server_now()
    bot = emu.create_bot("short-lived", api_key_expiration=es.iso(now + dt.timedelta(hours=1)))
    c = emu.client(bot["api_key"]["key"])
    expect(c.get("/api/me/workspaces"), 200)
    emu.advance_clock(2 * 3600)
    assert_401(c.get("/api/me/workspaces"))


def test_deleted_user_key_stops_working(emu):
    uid = emu.me()["id"]
    created = expect(emu.owner.post(f"/api/users/{uid}/api_keys", json={"name": "temp"}), 201)
    c = emu.client(created["key"])
    expect(c.get("/api/me/"), 200)
    expect(emu.owner.delete(f"/api/users/{uid}/api_keys/{created['id']}"), 204)
    assert_401(c.get("/api/me/"))


def test_deleted_bot_key_stops_working(emu):
    bot = emu.create_bot("doomed")
    c = emu.client(bot["api_key"]["key"])
    expect(c.get("/api/me/workspaces"), 200)
    expect(emu.owner.delete(f"{ACCT}/bots/{bot['id']}"), 204)
    assert_401(c.get("/api/me/workspaces"))


def test_rotated_key_works_through_grace_window_only(emu):
    bot = emu.create_bot("rotator")
    old_key, old_id = bot["api_key"]["key"], bot["api_key"]["id"]
    rotated = expect(emu.owner.post(f"{ACCT}/bots/{bot['id']}/rotate_api_key",
                                    json={"old_key_expires_in_seconds": 600}), 201)
    new_key = rotated["api_key"]["key"]
    assert BOT_KEY_RE.match(new_key) and new_key != old_key
    assert rotated["api_key"]["id"] != old_id
    old_c, new_c = emu.client(old_key), emu.client(new_key)
    expect(old_c.get("/api/me/workspaces"), 200)
    expect(new_c.get("/api/me/workspaces"), 200)
    keys = expect(emu.owner.get(f"{ACCT}/bots/{bot['id']}/read_bot_api_keys"), 200)
    assert keys["active_key"]["id"] == rotated["api_key"]["id"]
    assert [k["id"] for k in keys["rotating_keys"]] == [old_id]
    emu.advance_clock(300)
    expect(old_c.get("/api/me/workspaces"), 200)
    emu.advance_clock(301)
    assert_401(old_c.get("/api/me/workspaces"))
    expect(new_c.get("/api/me/workspaces"), 200)
    keys = expect(emu.owner.get(f"{ACCT}/bots/{bot['id']}/read_bot_api_keys"), 200)
    assert keys["rotating_keys"] == []


@pytest.mark.parametrize("body", [None, {}, {"old_key_expires_in_seconds": None},
                                  {"old_key_expires_in_seconds": 0}],
                         ids=["no-body", "empty", "null", "zero"])
def test_rotation_without_grace_revokes_old_key_at_once(emu, body):
    bot = emu.create_bot("rotator-now")
    old_key = bot["api_key"]["key"]
    rotated = expect(emu.owner.post(f"{ACCT}/bots/{bot['id']}/rotate_api_key", json=body), 201)
    assert_401(emu.client(old_key).get("/api/me/workspaces"))
    expect(emu.client(rotated["api_key"]["key"]).get("/api/me/workspaces"), 200)


def test_deleting_a_rotating_key_ends_its_grace_early(emu):
    bot = emu.create_bot("rotator-del")
    old_key, old_id = bot["api_key"]["key"], bot["api_key"]["id"]
    expect(emu.owner.post(f"{ACCT}/bots/{bot['id']}/rotate_api_key",
                          json={"old_key_expires_in_seconds": 3600}), 201)
    expect(emu.client(old_key).get("/api/me/workspaces"), 200)
    r = emu.owner.delete(f"{ACCT}/bots/{bot['id']}/delete_bot_api_key/{old_id}")
    assert r.status_code == 200, r.text
    assert_401(emu.client(old_key).get("/api/me/workspaces"))
    keys = expect(emu.owner.get(f"{ACCT}/bots/{bot['id']}/read_bot_api_keys"), 200)
    assert keys["rotating_keys"] == []


def test_rotated_key_with_expiration(emu):
    now = emu.server_now()
    bot = emu.create_bot("rotator-exp")
    rotated = expect(emu.owner.post(f"{ACCT}/bots/{bot['id']}/rotate_api_key", json={
        "api_key_expiration": es.iso(now + dt.timedelta(seconds=100))}), 201)
    assert rotated["api_key"]["expiration"] is not None
    assert abs((es.parse_dt(rotated["api_key"]["expiration"]) - now).total_seconds() - 100) < 2
    c = emu.client(rotated["api_key"]["key"])
    expect(c.get("/api/me/workspaces"), 200)
    emu.advance_clock(200)
    assert_401(c.get("/api/me/workspaces"))


def test_removed_member_key_loses_account_access(emu):
    mia = emu.membership(es.MEMBER_EMAIL)
    expect(emu.member.get(ACCT), 200)
    expect(emu.owner.delete(f"{ACCT}/account_memberships/{mia['id']}"), 204)
    r = emu.member.get(ACCT)
    assert r.status_code in (401, 403, 404), r.text
    accounts = emu.member.get("/api/me/accounts")
    if accounts.status_code == 200:
        assert accounts.json() == []


def test_two_rotations_with_grace_keep_all_keys_until_their_windows_end(emu):
    bot = emu.create_bot("double-rotator")
    k1, id1 = bot["api_key"]["key"], bot["api_key"]["id"]
    r2 = expect(emu.owner.post(f"{ACCT}/bots/{bot['id']}/rotate_api_key",
                               json={"old_key_expires_in_seconds": 100}), 201)["api_key"]
    emu.advance_clock(10)
    r3 = expect(emu.owner.post(f"{ACCT}/bots/{bot['id']}/rotate_api_key",
                               json={"old_key_expires_in_seconds": 1000}), 201)["api_key"]
    keys = expect(emu.owner.get(f"{ACCT}/bots/{bot['id']}/read_bot_api_keys"), 200)
    assert keys["active_key"]["id"] == r3["id"]
    assert sorted(k["id"] for k in keys["rotating_keys"]) == sorted([id1, r2["id"]])
    for k in (k1, r2["key"], r3["key"]):
        expect(emu.client(k).get("/api/me/workspaces"), 200)
    emu.advance_clock(100)  # k1's window (100 s from the first rotation) is over
    assert_401(emu.client(k1).get("/api/me/workspaces"))
    expect(emu.client(r2["key"]).get("/api/me/workspaces"), 200)
    emu.advance_clock(1000)
    assert_401(emu.client(r2["key"]).get("/api/me/workspaces"))
    expect(emu.client(r3["key"]).get("/api/me/workspaces"), 200)


def test_rotation_without_expiration_gives_a_key_that_never_expires(emu):
    now = emu.server_now()
    bot = emu.create_bot("exp-then-rotate", api_key_expiration=es.iso(now + dt.timedelta(hours=1)))
    assert bot["api_key"]["expiration"] is not None
    rotated = expect(emu.owner.post(f"{ACCT}/bots/{bot['id']}/rotate_api_key", json={}), 201)
    assert rotated["api_key"]["expiration"] is None
    emu.advance_clock(2 * 3600)
    expect(emu.client(rotated["api_key"]["key"]).get("/api/me/workspaces"), 200)


def test_deleting_bot_also_kills_its_rotating_keys(emu):
    bot = emu.create_bot("rotating-doomed")
    old = bot["api_key"]["key"]
    new = expect(emu.owner.post(f"{ACCT}/bots/{bot['id']}/rotate_api_key",
                                json={"old_key_expires_in_seconds": 3600}), 201)["api_key"]["key"]
    expect(emu.owner.delete(f"{ACCT}/bots/{bot['id']}"), 204)
    assert_401(emu.client(old).get("/api/me/workspaces"))
    assert_401(emu.client(new).get("/api/me/workspaces"))


def test_bearer_scheme_is_case_insensitive(emu):
    r = emu.anon.get("/api/me/", headers={"Authorization": f"bearer {es.OWNER_KEY}"})
    assert r.status_code == 200, r.text
