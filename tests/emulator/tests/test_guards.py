"""Refusals the real service must make: the last Owner stays, bad input is a 422, and the
switch that refuses /me/ requests from service-account keys."""
from __future__ import annotations

import pytest

import emu_support as es
from emu_support import ACCT, assert_detail_string, assert_validation_error, expect

OWNER_ROLE = "a0000000-0000-4000-8000-000000000001"
ADMIN_ROLE = "a0000000-0000-4000-8000-000000000002"


# ---- the last Owner ------------------------------------------------------------------------------

def _owner_membership_id(emu):
    return emu.membership(es.OWNER_EMAIL)["id"]


def _assert_still_owner(emu):
    membership = emu.membership(es.OWNER_EMAIL)
    assert membership["account_role_name"] == "Owner"
    assert expect(emu.admin.get(f"{ACCT}/account_memberships/by-user/{membership['user_id']}"), 200)


@pytest.mark.parametrize(
    "attempt",
    [
        lambda emu, mid: emu.admin.delete(f"{ACCT}/account_memberships/{mid}"),
        lambda emu, mid: emu.owner.patch(f"{ACCT}/account_memberships/{mid}", json={"account_role_id": ADMIN_ROLE}),
        lambda emu, mid: emu.owner.patch(f"{ACCT}/account_memberships/{mid}/active", json={"active": False}),
        lambda emu, mid: emu.owner.post(f"{ACCT}/account_memberships/set_active", json={"membership_ids": [mid], "active": False}),
        lambda emu, mid: emu.owner.delete(f"/api/me/accounts/{es.ACCOUNT_ID}"),
        lambda emu, mid: emu.owner.delete(f"/api/users/{emu.me()['id']}"),
    ],
    ids=["delete", "demote", "deactivate", "bulk-deactivate", "leave", "delete-user"],
)
def test_the_last_owner_cannot_be_removed_demoted_or_deactivated(emu, attempt):
    body = assert_detail_string(attempt(emu, _owner_membership_id(emu)), 422)
    assert "at least one active Owner" in body["detail"]
    _assert_still_owner(emu)


def test_an_owner_can_go_once_another_owner_exists(emu):
    admin = emu.membership(es.ADMIN_EMAIL)
    expect(emu.owner.patch(f"{ACCT}/account_memberships/{admin['id']}", json={"account_role_id": OWNER_ROLE}), 204)
    # Two Owners: either may be demoted, but not both.
    expect(emu.admin.patch(f"{ACCT}/account_memberships/{_owner_membership_id(emu)}", json={"account_role_id": ADMIN_ROLE}), 204)
    assert_detail_string(emu.admin.patch(f"{ACCT}/account_memberships/{admin['id']}", json={"account_role_id": ADMIN_ROLE}), 422)


def test_a_bulk_change_that_removes_every_owner_changes_nothing(emu):
    admin = emu.membership(es.ADMIN_EMAIL)
    expect(emu.owner.patch(f"{ACCT}/account_memberships/{admin['id']}", json={"account_role_id": OWNER_ROLE}), 204)
    ids = [admin["id"], _owner_membership_id(emu)]
    assert_detail_string(emu.owner.post(f"{ACCT}/account_memberships/set_active", json={"membership_ids": ids, "active": False}), 422)
    assert all(emu.membership(e)["account_role_name"] == "Owner" for e in (es.OWNER_EMAIL, es.ADMIN_EMAIL))
    rows = expect(emu.owner.post(f"{ACCT}/account_memberships/filter", json={"active": False}), 200)
    assert rows == []


def test_a_bot_that_is_the_last_owner_is_guarded_too(emu):
    bot = emu.create_bot("keeper", account_role_id=OWNER_ROLE)
    expect(emu.owner.patch(f"{ACCT}/account_memberships/{_owner_membership_id(emu)}", json={"account_role_id": ADMIN_ROLE}), 204)
    assert_detail_string(emu.admin.patch(f"{ACCT}/bots/{bot['id']}", json={"account_role_id": ADMIN_ROLE}), 422)
    assert_detail_string(emu.admin.delete(f"{ACCT}/bots/{bot['id']}"), 422)


def test_members_other_than_the_last_owner_go_as_before(emu):
    mia = emu.membership(es.MEMBER_EMAIL)
    expect(emu.owner.patch(f"{ACCT}/account_memberships/{mia['id']}/active", json={"active": False}), 204)
    expect(emu.owner.delete(f"{ACCT}/account_memberships/{mia['id']}"), 204)


# ---- /me/ refused for service-account keys ------------------------------------------------------

def _bot_client(emu):
    created = emu.create_bot("ci-runner")
    return emu.client(created["api_key"]["key"])


def test_me_answers_bot_keys_by_default(emu):
    bot = _bot_client(emu)
    expect(bot.get("/api/me/"), 200)
    expect(bot.get("/api/me/accounts"), 200)


def test_the_switch_refuses_every_me_request_from_a_bot_key(emu):
    bot = _bot_client(emu)
    switched = expect(emu.hooks.patch("/_emulator/options", json={"refuse_me_for_bots": True}), 200)
    assert switched == {"refuse_me_for_bots": True, "client_address": None}
    for path in ("/api/me/", "/api/me/accounts", f"/api/me/accounts/{es.ACCOUNT_ID}/permissions", "/api/me/workspaces"):
        body = assert_detail_string(bot.get(path), 403)
        assert "service accounts" in body["detail"]
    # Users keep /me/, and the bot keeps everything else.
    expect(emu.owner.get("/api/me/"), 200)
    expect(bot.post(f"{ACCT}/workspaces/filter", json={}), 200)
    # A reset goes back to the seed's options (off here).
    emu.reset()
    assert expect(emu.hooks.get("/_emulator/options"), 200) == {"refuse_me_for_bots": False, "client_address": None}


def test_the_switch_can_come_from_the_seed(emu):
    emu.reset({**es.TEST_SEED, "options": {"refuse_me_for_bots": True}})
    try:
        assert_detail_string(_bot_client(emu).get("/api/me/"), 403)
        emu.reset()  # a plain reset keeps the current seed, and so its options
        assert expect(emu.hooks.get("/_emulator/options"), 200) == {"refuse_me_for_bots": True, "client_address": None}
    finally:
        emu.reset(es.TEST_SEED)


def test_unknown_options_are_refused(emu):
    assert emu.hooks.patch("/_emulator/options", json={"refuse_everything": True}).status_code == 422


# ---- input the API refuses ------------------------------------------------------------------------
# Each rule is marked in models.py as documented (in the OpenAPI document) or as an emulator
# assumption.

LONG = "x" * 6000


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("POST", "/workspaces/", {"name": "W", "handle": ""}),
        ("POST", "/workspaces/", {"name": "W", "handle": "Bad Handle!/?"}),
        ("POST", "/workspaces/", {"name": "W", "handle": " production "}),
        ("POST", "/workspaces/", {"name": "W", "handle": "UPPER"}),
        ("POST", "/workspaces/", {"name": LONG, "handle": "long"}),
        ("POST", "/teams/", {"name": LONG}),
        ("POST", "/bots/", {"name": LONG}),
        ("PATCH", "", {"handle": "Bad Handle!"}),
        ("PATCH", "", {"handle": ""}),
        ("PATCH", "", {"name": LONG}),
        ("PATCH", "", {"link": "not a url"}),
        ("PATCH", "", {"link": "ftp://prefect.io/"}),
        ("PATCH", "/domains", {"domain_names": ["not a domain"]}),
        ("PATCH", "/domains", {"domain_names": ["acme.io", "-bad.io"]}),
        ("PATCH", "/domains", {"domain_names": ["localhost"]}),
        ("POST", "/invitations/", {"email": "not an email", "account_role_id": OWNER_ROLE}),
    ],
)
def test_invalid_input_is_a_validation_error_and_changes_nothing(emu, method, path, body):
    before_account = expect(emu.owner.get(ACCT), 200)
    before_workspaces = expect(emu.owner.post(f"{ACCT}/workspaces/filter", json={}), 200)
    assert_validation_error(emu.owner.request(method, ACCT + path, json=body))
    assert expect(emu.owner.get(ACCT), 200) == before_account
    assert expect(emu.owner.post(f"{ACCT}/workspaces/filter", json={}), 200) == before_workspaces
    assert expect(emu.owner.get(f"{ACCT}/domains"), 200) == []


def test_a_workspace_handle_update_is_checked_too(emu):
    ws = emu.create_workspace("fine-handle-2")
    assert_validation_error(emu.owner.patch(f"{ACCT}/workspaces/{ws['id']}", json={"handle": "Not Fine"}))


@pytest.mark.parametrize(
    "path, body",
    [
        ("/workspaces/", {"name": "W", "handle": "data-platform-2"}),
        ("", {"link": "https://prefect.io/", "handle": "testco-2"}),
        ("", {"link": ""}),
        ("/domains", {"domain_names": ["acme.io", "eu.acme-corp.co.uk", "XN--BCHER-KVA.example"]}),
    ],
)
def test_valid_input_still_goes_through(emu, path, body):
    response = emu.owner.request("POST" if path == "/workspaces/" else "PATCH", ACCT + path, json=body)
    assert response.status_code in (201, 204), response.text
