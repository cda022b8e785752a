"""A seed can carry a whole account: custom roles, bots, teams, workspace access, invitations, inactive
members and default roles, read back through the API as if they had been made by it."""
from __future__ import annotations

import copy

import pytest

import emu_support as es
from emu_support import ACCT, expect

BOT_KEY = "pnb_" + ("SeedBotKey" + "0" * 36)[:36]

SEED = copy.deepcopy(es.TEST_SEED)
SEED["users"][3]["active"] = False  # nora
SEED["workspaces"] = [{"handle": "prod", "name": "Production", "default_workspace_role": "Viewer"}]
SEED["workspace_roles"] = [{"name": "Deployer", "scopes": ["run_deployments"], "inherited_role": "Viewer"}]
SEED["bots"] = [{"name": "ci", "account_role": "Member", "key_expires_in_days": 30, "api_key": BOT_KEY},
                {"name": "forever"}]
SEED["teams"] = [{"name": "ops", "users": [es.MEMBER_EMAIL], "bots": ["ci"]}]
SEED["access"] = [{"workspace": "prod", "team": "ops", "workspace_role": "Deployer"},
                  {"workspace": "prod", "bot": "forever", "workspace_role": "Runner"},
                  {"workspace": "prod", "user": es.NOKEY_EMAIL, "workspace_role": "Developer"}]
SEED["invitations"] = [{"email": "new@testco.io", "account_role": "Admin"},
                       {"email": "guest@testco.io", "workspace": "prod", "expired": True}]


@pytest.fixture
def seeded(emu):
    emu.reset(SEED)
    yield emu
    emu.reset(es.TEST_SEED)


def test_the_seeded_account_reads_back(seeded):
    owner = seeded.owner
    (ws,) = expect(owner.post(f"{ACCT}/workspaces/filter", json={}), 200)
    roles = {r["name"]: r for r in expect(owner.post(f"{ACCT}/workspace_roles/filter", json={}), 200)}
    assert ws["default_workspace_role_id"] == roles["Viewer"]["id"]
    assert roles["Deployer"]["inherited_role_id"] == roles["Viewer"]["id"]
    assert "run_deployments" in roles["Deployer"]["scopes"]
    bots = {b["name"]: b for b in expect(owner.post(f"{ACCT}/bots/filter", json={}), 200)}
    assert bots["ci"]["api_key"]["expiration"] is not None and bots["forever"]["api_key"]["expiration"] is None
    assert expect(seeded.client(BOT_KEY).get(f"{ACCT}/bots/{bots['ci']['id']}"), 200)["name"] == "ci"
    (team,) = expect(owner.post(f"{ACCT}/teams/filter", json={}), 200)
    assert sorted(m["name"] for m in team["memberships"]) == ["Mia Member", "ci"]
    assert team["workspaces"] == [{"workspace_id": ws["id"], "workspace_handle": "prod",
                                   "workspace_role_id": roles["Deployer"]["id"], "workspace_role_name": "Deployer"}]
    bot_rows = expect(owner.post(f"{ACCT}/workspaces/{ws['id']}/bot_access/filter", json={}), 200)
    assert [(b["bot_name"], b["workspace_role_id"]) for b in bot_rows] == [("forever", roles["Runner"]["id"])]
    assert not seeded.membership(es.NOKEY_EMAIL)["active"]
    invitations = expect(owner.post(f"{ACCT}/invitations/filter", json={}), 200)
    assert [i["email"] for i in invitations] == ["new@testco.io"]
    (guest,) = expect(owner.post(f"{ACCT}/workspaces/{ws['id']}/invitations/filter", json={}), 200)
    assert es.parse_dt(guest["expiration"]) < es.parse_dt(invitations[0]["expiration"])


def test_a_seed_naming_what_it_lacks_is_refused(emu):
    bad = copy.deepcopy(SEED)
    bad["access"].append({"workspace": "prod", "team": "nobody", "workspace_role": "Viewer"})
    response = emu.hooks.post("/_emulator/reset", json={"seed": bad})
    assert response.status_code == 422 and "unknown team 'nobody'" in response.text


def test_an_account_seeded_with_scim_reports_it(emu):
    assert expect(emu.owner.get(ACCT), 200)["scim_state"] == "DISABLED"
    emu.reset(dict(copy.deepcopy(es.TEST_SEED), account=dict(es.TEST_SEED["account"], scim_state="ENABLED")))
    try:
        assert expect(emu.owner.get(ACCT), 200)["scim_state"] == "ENABLED"
    finally:
        emu.reset(es.TEST_SEED)


def test_a_seed_with_an_unknown_scim_state_is_refused(emu):
    bad = dict(copy.deepcopy(es.TEST_SEED), account=dict(es.TEST_SEED["account"], scim_state="ON"))
    response = emu.hooks.post("/_emulator/reset", json={"seed": bad})
    assert response.status_code == 422 and "scim_state" in response.text
