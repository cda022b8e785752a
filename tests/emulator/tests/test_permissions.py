"""Permissions: account roles (users and bots), workspace scopes, 404 for inaccessible workspaces."""
from __future__ import annotations

import emu_support as es
from emu_support import ACCT, assert_detail_string, expect


def _names(client, path, key="name"):
    return {row[key] for row in expect(client.post(path, json={}), 200)}


def test_member_cannot_create_workspace(emu):
    r = emu.member.post(f"{ACCT}/workspaces/", json={"name": "Rogue", "handle": "rogue"})
    assert_detail_string(r, 403)
    assert "rogue" not in _names(emu.owner, f"{ACCT}/workspaces/filter", "handle")


def test_member_cannot_create_bot(emu):
    r = emu.member.post(f"{ACCT}/bots/", json={"name": "rogue-bot"})
    assert_detail_string(r, 403)
    assert "rogue-bot" not in _names(emu.owner, f"{ACCT}/bots/filter")


def test_member_cannot_create_team(emu):
    r = emu.member.post(f"{ACCT}/teams/", json={"name": "rogue-team"})
    assert_detail_string(r, 403)
    assert "rogue-team" not in _names(emu.owner, f"{ACCT}/teams/filter")


def test_member_cannot_invite_or_change_settings(emu):
    role = emu.account_role_id("Member")
    r = emu.member.post(f"{ACCT}/invitations/", json=[{"email": "x@example.com", "account_role_id": role}])
    assert_detail_string(r, 403)
    r = emu.member.patch(f"{ACCT}/settings", json={"ai_log_summaries": True})
    assert_detail_string(r, 403)
    r = emu.member.patch(ACCT, json={"name": "Hijacked"})
    assert_detail_string(r, 403)
    assert expect(emu.owner.get(ACCT), 200)["name"] == es.ACCOUNT_NAME


def test_member_cannot_change_roles_or_delete_bots(emu):
    bot = emu.create_bot("keep-me")
    assert_detail_string(emu.member.delete(f"{ACCT}/bots/{bot['id']}"), 403)
    mia = emu.membership(es.MEMBER_EMAIL)
    r = emu.member.patch(f"{ACCT}/account_memberships/{mia['id']}",
                         json={"account_role_id": emu.account_role_id("Owner")})
    assert_detail_string(r, 403)
    assert emu.membership(es.MEMBER_EMAIL)["account_role_name"] == "Member"
    expect(emu.owner.get(f"{ACCT}/bots/{bot['id']}"), 200)


def test_member_can_read_account_and_lists(emu):
    expect(emu.member.get(ACCT), 200)
    expect(emu.member.post(f"{ACCT}/bots/filter", json={}), 200)
    expect(emu.member.post(f"{ACCT}/account_memberships/filter", json={}), 200)
    expect(emu.member.post(f"{ACCT}/account_roles/filter", json={}), 200)


def test_admin_can_create_workspace_bot_team(emu):
    emu.create_workspace("admin-ws", client=emu.admin)
    emu.create_bot("admin-bot", client=emu.admin)
    emu.create_team("admin-team", client=emu.admin)


def test_my_account_permissions_follow_role(emu):
    owner = set(expect(emu.owner.get(f"/api/me/accounts/{es.ACCOUNT_ID}/permissions"), 200))
    member = set(expect(emu.member.get(f"/api/me/accounts/{es.ACCOUNT_ID}/permissions"), 200))
    assert {"create:workspace", "create:bot", "create:team", "create:invitation",
            "update:account", "read:account"} <= owner
    assert "read:account" in member and "read:workspace" in member
    assert not {"create:workspace", "create:bot", "create:team", "delete:bot"} & member
    assert member < owner


def test_default_bot_acts_as_member(emu):
    bot = emu.create_bot("member-bot")
    assert bot["account_role_name"] == "Member"
    c = emu.client(bot["api_key"]["key"])
    assert_detail_string(c.post(f"{ACCT}/workspaces/", json={"name": "B", "handle": "bot-ws"}), 403)
    assert_detail_string(c.post(f"{ACCT}/bots/", json={"name": "bot-made"}), 403)


def test_admin_bot_acts_as_admin(emu):
    bot = emu.create_bot("admin-bot", account_role_id=emu.account_role_id("Admin"))
    assert bot["account_role_name"] == "Admin"
    c = emu.client(bot["api_key"]["key"])
    ws = expect(c.post(f"{ACCT}/workspaces/", json={"name": "By Bot", "handle": "by-bot"}), 201)
    assert ws["handle"] == "by-bot"


def test_bot_role_change_takes_effect_on_its_key(emu):
    bot = emu.create_bot("promoted")
    c = emu.client(bot["api_key"]["key"])
    assert_detail_string(c.post(f"{ACCT}/teams/", json={"name": "t1"}), 403)
    expect(emu.owner.patch(f"{ACCT}/bots/{bot['id']}",
                           json={"account_role_id": emu.account_role_id("Admin")}), 204)
    assert expect(emu.owner.get(f"{ACCT}/bots/{bot['id']}"), 200)["account_role_name"] == "Admin"
    expect(c.post(f"{ACCT}/teams/", json={"name": "t1"}), 201)


def test_member_role_change_takes_effect_on_its_key(emu):
    assert_detail_string(emu.member.post(f"{ACCT}/teams/", json={"name": "t2"}), 403)
    mia = emu.membership(es.MEMBER_EMAIL)
    expect(emu.owner.patch(f"{ACCT}/account_memberships/{mia['id']}",
                           json={"account_role_id": emu.account_role_id("Admin")}), 204)
    expect(emu.member.post(f"{ACCT}/teams/", json={"name": "t2"}), 201)


def test_no_workspace_access_is_404(emu):
    ws = emu.create_workspace("secret")["id"]
    m = emu.member
    assert_detail_string(m.get(f"{ACCT}/workspaces/{ws}"), 404)
    assert_detail_string(m.post(f"{ACCT}/workspaces/{ws}/user_access/filter", json={}), 404)
    assert_detail_string(m.get(f"{ACCT}/workspaces/{ws}/access/"), 404)
    assert_detail_string(m.get(f"/api/me/workspaces/{ws}/scopes"), 404)
    assert ws not in {w["workspace_id"] for w in expect(m.get("/api/me/workspaces"), 200)}


def test_workspace_access_makes_workspace_visible(emu):
    ws = emu.create_workspace("shared")["id"]
    emu.grant_user(ws, emu.user_id(es.MEMBER_EMAIL), "Viewer")
    got = expect(emu.member.get(f"{ACCT}/workspaces/{ws}"), 200)
    assert got["handle"] == "shared"
    mine = expect(emu.member.get("/api/me/workspaces"), 200)
    assert [w["workspace_handle"] for w in mine] == ["shared"]
    assert mine[0]["account_handle"] == es.ACCOUNT_HANDLE


def test_viewer_scopes_gate_workspace_admin_calls(emu):
    ws = emu.create_workspace("gated")["id"]
    mia = emu.user_id(es.MEMBER_EMAIL)
    emu.grant_user(ws, mia, "Viewer")
    m = emu.member
    scopes = set(expect(m.get(f"/api/me/workspaces/{ws}/scopes"), 200))
    assert "manage_workspace_settings" not in scopes and "write_workspace_settings" not in scopes
    assert_detail_string(m.patch(f"{ACCT}/workspaces/{ws}", json={"description": "x"}), 403)
    assert_detail_string(m.delete(f"{ACCT}/workspaces/{ws}"), 403)
    body = {"user_id": emu.user_id(es.NOKEY_EMAIL), "workspace_role_id": emu.workspace_role_id("Owner")}
    assert_detail_string(m.post(f"{ACCT}/workspaces/{ws}/user_access/", json=body), 403)
    team = emu.create_team("gate-team")
    tbody = [{"team_id": team["id"], "workspace_role_id": emu.workspace_role_id("Viewer")}]
    assert_detail_string(m.put(f"{ACCT}/workspaces/{ws}/team_access/", json=tbody), 403)
    expect(emu.owner.get(f"{ACCT}/workspaces/{ws}"), 200)


def test_workspace_owner_role_allows_workspace_admin_calls(emu):
    ws = emu.create_workspace("delegated")["id"]
    emu.grant_user(ws, emu.user_id(es.MEMBER_EMAIL), "Owner")
    m = emu.member
    scopes = set(expect(m.get(f"/api/me/workspaces/{ws}/scopes"), 200))
    assert {"write_workspace_settings", "manage_workspace_users"} <= scopes
    expect(m.patch(f"{ACCT}/workspaces/{ws}", json={"description": "by a workspace owner"}), 204)
    assert expect(emu.owner.get(f"{ACCT}/workspaces/{ws}"), 200)["description"] == "by a workspace owner"
    body = {"user_id": emu.user_id(es.NOKEY_EMAIL), "workspace_role_id": emu.workspace_role_id("Viewer")}
    expect(m.post(f"{ACCT}/workspaces/{ws}/user_access/", json=body), 200)


def test_custom_role_scope_grants_exactly_that_call(emu):
    ws = emu.create_workspace("custom-gated")["id"]
    role = emu.create_workspace_role("settings-writer", ["see_workspace_settings", "write_workspace_settings"])
    body = {"user_id": emu.user_id(es.MEMBER_EMAIL), "workspace_role_id": role["id"]}
    expect(emu.owner.post(f"{ACCT}/workspaces/{ws}/user_access/", json=body), 200)
    expect(emu.member.patch(f"{ACCT}/workspaces/{ws}", json={"name": "Renamed"}), 204)
    # delete needs manage_workspace_settings
    assert_detail_string(emu.member.delete(f"{ACCT}/workspaces/{ws}"), 403)


def test_bot_workspace_access_scopes(emu):
    ws = emu.create_workspace("bot-gated")["id"]
    bot = emu.create_bot("ws-bot")
    c = emu.client(bot["api_key"]["key"])
    assert_detail_string(c.get(f"{ACCT}/workspaces/{ws}"), 404)
    emu.grant_bot(ws, bot["id"], "Developer")
    expect(c.get(f"{ACCT}/workspaces/{ws}"), 200)
    scopes = set(expect(c.get(f"/api/me/workspaces/{ws}/scopes"), 200))
    assert "see_flows" in scopes and "manage_workspace_settings" not in scopes
    assert_detail_string(c.delete(f"{ACCT}/workspaces/{ws}"), 403)


def test_owner_and_admin_have_implicit_access_to_every_workspace(emu):
    ws = emu.create_workspace("anywhere", client=emu.admin)["id"]
    for c in (emu.owner, emu.admin):
        expect(c.get(f"{ACCT}/workspaces/{ws}"), 200)
        scopes = set(expect(c.get(f"/api/me/workspaces/{ws}/scopes"), 200))
        assert "manage_workspace_settings" in scopes


def test_team_access_grants_members_access(emu):
    ws = emu.create_workspace("via-team")["id"]
    team = emu.create_team("readers")
    expect(emu.owner.put(f"{ACCT}/teams/{team['id']}/members", json={"members": [
        {"member_id": emu.user_id(es.MEMBER_EMAIL), "member_type": "user"}]}), 200)
    assert_detail_string(emu.member.get(f"{ACCT}/workspaces/{ws}"), 404)
    emu.grant_team(ws, team["id"], "Viewer")
    expect(emu.member.get(f"{ACCT}/workspaces/{ws}"), 200)
    assert ws in {w["workspace_id"] for w in expect(emu.member.get("/api/me/workspaces"), 200)}
