"""Semantics of the admin API as the emulator models them."""
from __future__ import annotations

import json


import emu_support as es
from emu_support import ACCT, assert_detail_string, expect


def scope_closure(catalogue, names):
    by_name = {s["name"]: s for s in catalogue}
    out, todo = set(), list(names)
    while todo:
        n = todo.pop()
        if n in out:
            continue
        out.add(n)
        todo.extend(by_name.get(n, {}).get("includes_scopes") or [])
    return out


# ------------------------------------------------------------------------------- catalogues

def test_workspace_scope_catalogue_matches_official_enum(emu, official):
    cat = expect(emu.owner.get("/api/workspace_scopes"), 200)
    names = [s["name"] for s in cat]
    assert len(names) == len(set(names))
    assert set(names) == set(official["components"]["schemas"]["WorkspaceScopeName"]["enum"])
    for s in cat:
        assert set(s.get("includes_scopes") or []) <= set(names), s
        assert s["see_scope"] is None or s["see_scope"] in names, s
    manage = {s["name"]: s for s in cat}["manage_blocks"]
    assert "see_blocks" in scope_closure(cat, ["manage_blocks"]), manage


def test_account_permissions_match_official_enum(emu, official):
    perms = expect(emu.owner.get("/api/accounts/permissions"), 200)
    assert sorted(perms) == sorted(official["components"]["schemas"]["AccountPermission"]["enum"])


def test_builtin_roles_are_seeded(emu):
    ws_roles = expect(emu.owner.post(f"{ACCT}/workspace_roles/filter", json={}), 200)
    builtin = [r for r in ws_roles if r["account_id"] is None]
    assert {r["name"] for r in builtin} == es.BUILTIN_WORKSPACE_ROLES
    acct_roles = expect(emu.owner.post(f"{ACCT}/account_roles/filter", json={}), 200)
    names = {r["name"] for r in acct_roles}
    assert es.BUILTIN_ACCOUNT_ROLES <= names
    for r in acct_roles:
        if r["name"] in es.BUILTIN_ACCOUNT_ROLES:
            assert r["account_id"] is None and r["is_system_role"] is True, r
    owner = [r for r in acct_roles if r["name"] == "Owner"][0]
    assert {"create:workspace", "delete:account", "bypass:sso"} <= set(owner["permissions"])


def test_builtin_role_ids_are_stable_across_reset(emu):
    before = emu.workspace_role_id("Developer"), emu.account_role_id("Admin")
    emu.reset()
    assert (emu.workspace_role_id("Developer"), emu.account_role_id("Admin")) == before


def test_builtin_workspace_roles_are_read_only(emu):
    dev = emu.workspace_role_id("Developer")
    before = expect(emu.owner.get(f"{ACCT}/workspace_roles/{dev}"), 200)
    r = emu.owner.patch(f"{ACCT}/workspace_roles/{dev}", json={"name": "Dev2", "scopes": []})
    assert r.status_code in (403, 422), r.text
    r = emu.owner.delete(f"{ACCT}/workspace_roles/{dev}")
    assert r.status_code in (403, 422), r.text
    assert expect(emu.owner.get(f"{ACCT}/workspace_roles/{dev}"), 200) == before


def test_builtin_account_roles_are_read_only(emu):
    member = emu.account_role_id("Member")
    before = expect(emu.owner.get(f"{ACCT}/account_roles/{member}"), 200)
    r = emu.owner.patch(f"{ACCT}/account_roles/{member}", json={"permissions": ["read:account"]})
    assert r.status_code in (403, 422), r.text
    r = emu.owner.delete(f"{ACCT}/account_roles/{member}")
    assert r.status_code in (403, 422), r.text
    assert expect(emu.owner.get(f"{ACCT}/account_roles/{member}"), 200) == before


# ------------------------------------------------------------------------------- me

def test_me_reflects_seed_and_patch(emu):
    me = emu.me()
    assert (me["email"], me["handle"], me["first_name"], me["last_name"]) == (
        es.OWNER_EMAIL, "olive", "Olive", "Owner")
    assert "actor_id" not in me
    expect(emu.owner.patch(f"/api/users/{me['id']}", json={"first_name": "Olivia"}), 204)
    assert emu.me()["first_name"] == "Olivia"
    user = expect(emu.owner.get(f"/api/users/{me['id']}"), 200)
    assert user["first_name"] == "Olivia" and user["actor_id"] and user["actor_id"] != me["id"]


def test_me_accounts(emu):
    rows = expect(emu.member.get("/api/me/accounts"), 200)
    assert len(rows) == 1
    row = rows[0]
    assert (row["account_id"], row["account_handle"], row["account_name"], row["account_role_name"],
            row["account_plan_type"]) == (es.ACCOUNT_ID, es.ACCOUNT_HANDLE, es.ACCOUNT_NAME, "Member", "ENTERPRISE")
    assert row["account_membership_id"] == emu.membership(es.MEMBER_EMAIL)["id"]


def test_me_workspaces_lists_accessible_workspaces(emu):
    ws = emu.create_workspace("mine", name="Mine", description="my ws")
    rows = expect(emu.owner.get("/api/me/workspaces"), 200)
    assert [(r["workspace_id"], r["workspace_handle"], r["workspace_name"], r["workspace_description"],
             r["account_handle"]) for r in rows] == [(ws["id"], "mine", "Mine", "my ws", es.ACCOUNT_HANDLE)]


# ------------------------------------------------------------------------------- account

def test_account_patch_and_read(emu):
    expect(emu.owner.patch(ACCT, json={"name": "Renamed", "link": "https://x.io"}), 204)
    acct = expect(emu.owner.get(ACCT), 200)
    assert (acct["name"], acct["link"], acct["handle"]) == ("Renamed", "https://x.io", es.ACCOUNT_HANDLE)
    assert acct["plan_type"] == "ENTERPRISE"


def test_account_settings_patch_is_partial(emu):
    before = expect(emu.owner.get(f"{ACCT}/settings"), 200)
    assert before.get("managed_execution") is True and before.get("ai_log_summaries") is False
    expect(emu.owner.patch(f"{ACCT}/settings", json={"ai_log_summaries": True}), 204)
    after = expect(emu.owner.get(f"{ACCT}/settings"), 200)
    assert after["ai_log_summaries"] is True
    assert {k: v for k, v in after.items() if k != "ai_log_summaries"} == \
        {k: v for k, v in before.items() if k != "ai_log_summaries"}
    assert expect(emu.owner.get(ACCT), 200)["settings"]["ai_log_summaries"] is True


def test_account_domains_replace(emu):
    expect(emu.owner.patch(f"{ACCT}/domains", json={"domain_names": ["a.io", "b.io"]}), 204)
    names = sorted(d["name"] for d in expect(emu.owner.get(f"{ACCT}/domains"), 200))
    assert names == ["a.io", "b.io"]
    expect(emu.owner.patch(f"{ACCT}/domains", json={"domain_names": ["b.io"]}), 204)
    rows = expect(emu.owner.get(f"{ACCT}/domains"), 200)
    assert [d["name"] for d in rows] == ["b.io"]
    assert rows[0]["account_id"] == es.ACCOUNT_ID


# ------------------------------------------------------------------------------- bots & keys

def test_bot_key_shown_only_at_create_and_rotate(emu):
    bot = emu.create_bot("secretive")
    key1 = bot["api_key"]["key"]
    rotated = expect(emu.owner.post(f"{ACCT}/bots/{bot['id']}/rotate_api_key",
                                    json={"old_key_expires_in_seconds": 100}), 201)
    key2 = rotated["api_key"]["key"]
    reads = [emu.owner.get(f"{ACCT}/bots/{bot['id']}"),
             emu.owner.post(f"{ACCT}/bots/filter", json={}),
             emu.owner.get(f"{ACCT}/bots/{bot['id']}/read_bot_api_keys"),
             emu.owner.get(f"{ACCT}/account_memberships/by-bot/{bot['id']}"),
             emu.owner.post(f"{ACCT}/account_memberships/filter", json={})]
    for r in reads:
        expect(r, 200)
        assert key1 not in r.text and key2 not in r.text, f"key leaked by {r.request.path_url}"
    got = expect(emu.owner.get(f"{ACCT}/bots/{bot['id']}"), 200)
    assert "key" not in got["api_key"]
    assert got["api_key"]["id"] == rotated["api_key"]["id"], "GET shows the active key id"
    masked = got["api_key"].get("masked_key")
    if masked is not None:
        assert masked.startswith("pnb_") and masked.endswith(key2[-4:]) and key2 not in masked


def test_user_key_shown_only_at_create(emu):
    uid = emu.me()["id"]
    created = expect(emu.owner.post(f"/api/users/{uid}/api_keys", json={"name": "once"}), 201)
    for r in (emu.owner.get(f"/api/users/{uid}/api_keys"),
              emu.owner.get(f"/api/users/{uid}/api_keys/{created['id']}"),
              emu.owner.get(f"/api/users/{uid}/api_keys", params={"name": "once"})):
        expect(r, 200)
        assert created["key"] not in r.text
        assert '"key"' not in r.text
    listed = expect(emu.owner.get(f"/api/users/{uid}/api_keys", params={"name": "once"}), 200)
    assert [k["id"] for k in listed] == [created["id"]]


def test_bot_defaults_and_patch(emu):
    bot = emu.create_bot("patchable")
    assert bot["account_id"] == es.ACCOUNT_ID and bot["account_role_name"] == "Member"
    assert bot["actor_id"] and bot["actor_id"] != bot["id"]
    assert bot["api_key"]["expiration"] is None
    expect(emu.owner.patch(f"{ACCT}/bots/{bot['id']}", json={"name": "patched"}), 204)
    got = expect(emu.owner.get(f"{ACCT}/bots/{bot['id']}"), 200)
    assert got["name"] == "patched" and got["account_role_name"] == "Member"
    assert got["api_key"]["id"] == bot["api_key"]["id"], "rename keeps the key"


def test_bot_has_membership_and_delete_cascades(emu):
    bot = emu.create_bot("cascading")
    ws = emu.create_workspace("bot-cascade")["id"]
    emu.grant_bot(ws, bot["id"])
    m = expect(emu.owner.get(f"{ACCT}/account_memberships/by-bot/{bot['id']}"), 200)
    assert m["actor_id"] == bot["actor_id"] and m["account_role_name"] == "Member"
    expect(emu.owner.delete(f"{ACCT}/bots/{bot['id']}"), 204)
    assert_detail_string(emu.owner.get(f"{ACCT}/bots/{bot['id']}"), 404)
    assert_detail_string(emu.owner.get(f"{ACCT}/account_memberships/by-bot/{bot['id']}"), 404)
    assert expect(emu.owner.post(f"{ACCT}/workspaces/{ws}/bot_access/filter", json={}), 200) == []


# ------------------------------------------------------------------------------- invitations

def test_new_invitation_revokes_earlier_pending_one(emu):
    first = emu.invite("again@example.com", "Member")
    assert first["status"] == "PENDING"
    second = emu.invite("again@example.com", "Admin")
    assert second["id"] != first["id"] and second["status"] == "PENDING"
    assert expect(emu.owner.get(f"{ACCT}/invitations/{first['id']}"), 200)["status"] == "REVOKED"
    body = {"invitations": {"email": {"any_": ["again@example.com"]}, "status": {"any_": ["PENDING"]}}}
    assert expect(emu.owner.post(f"{ACCT}/invitations/count", json=body), 200) == 1


def test_new_invitation_leaves_other_emails_alone(emu):
    a = emu.invite("keep@example.com")
    emu.invite("other@example.com")
    assert expect(emu.owner.get(f"{ACCT}/invitations/{a['id']}"), 200)["status"] == "PENDING"


def test_new_workspace_invitation_revokes_earlier_pending_one(emu):
    ws = emu.create_workspace("reinvite")["id"]
    p = f"{ACCT}/workspaces/{ws}/invitations/"
    first = expect(emu.owner.post(p, json={"email": "w@example.com"}), 201)
    second = expect(emu.owner.post(p, json={"email": "w@example.com"}), 201)
    assert second["id"] != first["id"]
    assert expect(emu.owner.get(f"{p}{first['id']}"), 200)["status"] == "REVOKED"
    assert expect(emu.owner.get(f"{p}{second['id']}"), 200)["status"] == "PENDING"


def test_invitation_fields_and_revoke(emu):
    inv = emu.invite("fields@example.com", "Admin")
    assert inv["email"] == "fields@example.com" and inv["account_id"] == es.ACCOUNT_ID
    assert inv["account_role_id"] == emu.account_role_id("Admin")
    assert es.parse_dt(inv["expiration"]) > es.parse_dt(inv["created"])
    expect(emu.owner.post(f"{ACCT}/invitations/{inv['id']}/revoke"), 204)
    assert expect(emu.owner.get(f"{ACCT}/invitations/{inv['id']}"), 200)["status"] == "REVOKED"


def test_accepting_invitation_creates_membership(emu):
    inv = emu.invite("newbie@example.com", "Admin")
    key = "pnu_" + "N" * 36
    out = emu.accept_invitation(inv["id"], api_key=key)
    assert set(out) >= {"user_id", "actor_id", "membership_id"}
    m = expect(emu.owner.get(f"{ACCT}/account_memberships/by-user/{out['user_id']}"), 200)
    assert (m["id"], m["actor_id"], m["email"], m["account_role_name"]) == (
        out["membership_id"], out["actor_id"], "newbie@example.com", "Admin")
    assert expect(emu.owner.get(f"{ACCT}/invitations/{inv['id']}"), 200)["status"] == "ACCEPTED"
    me = expect(emu.client(key).get("/api/me/"), 200)
    assert me["id"] == out["user_id"] and me["email"] == "newbie@example.com"
    expect(emu.client(key).post(f"{ACCT}/teams/", json={"name": "by-newbie"}), 201)


def test_accepting_workspace_invitation_grants_workspace_access(emu):
    ws = emu.create_workspace("invited-ws")["id"]
    inv = expect(emu.owner.post(f"{ACCT}/workspaces/{ws}/invitations/", json={"email": "wsnew@example.com"}), 201)
    assert inv["workspace_id"] == ws and inv["workspace_role_id"] and inv["account_role_id"]
    out = emu.accept_invitation(inv["id"])
    rows = expect(emu.owner.post(f"{ACCT}/workspaces/{ws}/user_access/filter", json={
        "users": {"id": {"any_": [out["user_id"]]}}}), 200)
    assert len(rows) == 1
    assert (rows[0]["workspace_role_id"], rows[0]["email"], rows[0]["actor_id"]) == (
        inv["workspace_role_id"], "wsnew@example.com", out["actor_id"])
    m = expect(emu.owner.get(f"{ACCT}/account_memberships/by-user/{out['user_id']}"), 200)
    assert m["account_role_id"] == inv["account_role_id"]


def test_revoking_a_collaborators_last_workspace_access_removes_their_membership(emu):
    """The official document: DELETE .../user_access/{id} also deletes the membership of a Collaborator
    who has no other workspace access under the account; a Member keeps theirs."""
    ws1, ws2 = emu.create_workspace("collab-1")["id"], emu.create_workspace("collab-2")["id"]
    inv = expect(emu.owner.post(f"{ACCT}/workspaces/{ws1}/invitations/", json={"email": "collab@example.com"}), 201)
    collab = emu.accept_invitation(inv["id"])
    member = expect(emu.owner.get(f"{ACCT}/account_memberships/by-user/{collab['user_id']}"), 200)
    assert member["account_role_id"] == emu.account_role_id("Collaborator")
    emu.grant_user(ws2, collab["user_id"])
    mia = emu.membership(es.MEMBER_EMAIL)
    emu.grant_user(ws1, mia["user_id"])

    def revoke(ws, user_id):
        rows = expect(emu.owner.post(f"{ACCT}/workspaces/{ws}/user_access/filter", json={"users": {"id": {"any_": [user_id]}}}), 200)
        expect(emu.owner.delete(f"{ACCT}/workspaces/{ws}/user_access/{rows[0]['id']}"), 204)

    revoke(ws1, collab["user_id"])  # access to ws2 remains: still a member
    expect(emu.owner.get(f"{ACCT}/account_memberships/by-user/{collab['user_id']}"), 200)
    revoke(ws2, collab["user_id"])  # the last one: the membership goes with it
    assert_detail_string(emu.owner.get(f"{ACCT}/account_memberships/by-user/{collab['user_id']}"), 404)
    revoke(ws1, mia["user_id"])  # a Member's last access is only an access
    expect(emu.owner.get(f"{ACCT}/account_memberships/by-user/{mia['user_id']}"), 200)


def test_accepting_a_revoked_invitation_fails(emu):
    inv = emu.invite("late@example.com")
    expect(emu.owner.post(f"{ACCT}/invitations/{inv['id']}/revoke"), 204)
    r = emu.hooks.post(f"/_emulator/invitations/{inv['id']}/accept")
    assert r.status_code >= 400, r.text
    rows = expect(emu.owner.post(f"{ACCT}/account_memberships/filter", json={
        "account_memberships": {"email": {"any_": ["late@example.com"]}}}), 200)
    assert rows == []


# ------------------------------------------------------------------------------- teams

def test_team_description_defaults_to_empty_string(emu):
    t = emu.create_team("nodesc")
    assert t["description"] == ""
    t2 = expect(emu.owner.post(f"{ACCT}/teams/", json={"name": "nulldesc", "description": None}), 201)
    assert t2["description"] == ""
    expect(emu.owner.put(f"{ACCT}/teams/{t['id']}", json={"name": "nodesc", "description": "set"}), 200)
    assert expect(emu.owner.get(f"{ACCT}/teams/{t['id']}"), 200)["description"] == "set"
    expect(emu.owner.put(f"{ACCT}/teams/{t['id']}", json={"name": "nodesc2"}), 200)
    got = expect(emu.owner.get(f"{ACCT}/teams/{t['id']}"), 200)
    assert (got["name"], got["description"]) == ("nodesc2", ""), "PUT is a full replacement"


def test_team_put_returns_the_team(emu):
    t = emu.create_team("ret")
    body = expect(emu.owner.put(f"{ACCT}/teams/{t['id']}", json={"name": "ret2", "description": "d"}), 200)
    assert body["id"] == t["id"] and body["name"] == "ret2" and body["description"] == "d"


def test_team_members_added_by_id_removed_by_actor_id(emu):
    team = emu.create_team("members")
    mia = emu.membership(es.MEMBER_EMAIL)
    bot = emu.create_bot("team-bot")
    expect(emu.owner.put(f"{ACCT}/teams/{team['id']}/members", json={"members": [
        {"member_id": mia["user_id"], "member_type": "user"},
        {"member_id": bot["id"], "member_type": "service_account"}]}), 200)
    got = expect(emu.owner.get(f"{ACCT}/teams/{team['id']}"), 200)
    members = {m["id"]: m for m in got["memberships"]}
    assert set(members) == {mia["actor_id"], bot["actor_id"]}
    assert members[mia["actor_id"]]["type"] == "user"
    assert members[mia["actor_id"]]["email"] == es.MEMBER_EMAIL
    assert members[bot["actor_id"]]["type"] == "service_account"
    assert members[bot["actor_id"]]["email"] is None
    assert members[bot["actor_id"]]["name"] == "team-bot"
    # removal takes the actor id, not the user id
    if mia["user_id"] != mia["actor_id"]:
        r = emu.owner.delete(f"{ACCT}/teams/{team['id']}/members/{mia['user_id']}")
        assert r.status_code == 404, r.text
    expect(emu.owner.delete(f"{ACCT}/teams/{team['id']}/members/{mia['actor_id']}"), 204)
    got = expect(emu.owner.get(f"{ACCT}/teams/{team['id']}"), 200)
    assert [m["id"] for m in got["memberships"]] == [bot["actor_id"]]
    # membership shows on the member's account membership summary
    summary = expect(emu.owner.get(f"{ACCT}/account_memberships/by-bot/{bot['id']}"), 200)
    assert [t["id"] for t in summary["teams"]] == [team["id"]]


def test_team_members_upsert_is_idempotent(emu):
    team = emu.create_team("idem")
    mia = emu.user_id(es.MEMBER_EMAIL)
    body = {"members": [{"member_id": mia, "member_type": "user"}]}
    expect(emu.owner.put(f"{ACCT}/teams/{team['id']}/members", json=body), 200)
    expect(emu.owner.put(f"{ACCT}/teams/{team['id']}/members", json=body), 200)
    got = expect(emu.owner.get(f"{ACCT}/teams/{team['id']}"), 200)
    assert len(got["memberships"]) == 1


def test_team_lists_its_workspaces(emu):
    team = emu.create_team("wsteam")
    ws = emu.create_workspace("team-ws")
    emu.grant_team(ws["id"], team["id"], "Runner")
    got = expect(emu.owner.get(f"{ACCT}/teams/{team['id']}"), 200)
    assert [(w["workspace_id"], w["workspace_handle"], w["workspace_role_name"]) for w in got["workspaces"]] == [
        (ws["id"], "team-ws", "Runner")]


def test_deleting_team_removes_its_access(emu):
    team = emu.create_team("gone")
    ws = emu.create_workspace("team-gone")["id"]
    emu.grant_team(ws, team["id"])
    expect(emu.owner.delete(f"{ACCT}/teams/{team['id']}"), 204)
    assert expect(emu.owner.post(f"{ACCT}/workspaces/{ws}/team_access/filter", json={}), 200) == []


# ------------------------------------------------------------------------------- workspaces

def test_workspace_create_defaults_and_patch(emu):
    ws = emu.create_workspace("plain", name="Plain")
    assert ws["description"] == "" and ws["is_public"] is False and ws["account_id"] == es.ACCOUNT_ID
    expect(emu.owner.patch(f"{ACCT}/workspaces/{ws['id']}", json={"description": "now described"}), 204)
    got = expect(emu.owner.get(f"{ACCT}/workspaces/{ws['id']}"), 200)
    assert (got["name"], got["handle"], got["description"]) == ("Plain", "plain", "now described")
    runner = emu.workspace_role_id("Runner")
    expect(emu.owner.patch(f"{ACCT}/workspaces/{ws['id']}", json={"default_workspace_role_id": runner}), 204)
    assert expect(emu.owner.get(f"{ACCT}/workspaces/{ws['id']}"), 200)["default_workspace_role_id"] == runner


def test_deleting_workspace_removes_its_access(emu):
    ws = emu.create_workspace("doomed")["id"]
    mia = emu.user_id(es.MEMBER_EMAIL)
    team = emu.create_team("doomed-team")
    bot = emu.create_bot("doomed-bot")
    ua = emu.grant_user(ws, mia)
    emu.grant_bot(ws, bot["id"])
    emu.grant_team(ws, team["id"])
    expect(emu.member.get(f"{ACCT}/workspaces/{ws}"), 200)
    expect(emu.owner.delete(f"{ACCT}/workspaces/{ws}"), 204)
    assert_detail_string(emu.owner.get(f"{ACCT}/workspaces/{ws}"), 404)
    assert_detail_string(emu.owner.get(f"{ACCT}/workspaces/{ws}/user_access/{ua['id']}"), 404)
    assert expect(emu.owner.get(f"{ACCT}/teams/{team['id']}"), 200)["workspaces"] == []
    assert expect(emu.member.get("/api/me/workspaces"), 200) == []
    assert expect(emu.client(bot["api_key"]["key"]).get("/api/me/workspaces"), 200) == []
    # recreating the same handle works: the old row is really gone
    emu.create_workspace("doomed")


def test_deleting_member_removes_their_workspace_access(emu):
    ws1, ws2 = emu.create_workspace("m1")["id"], emu.create_workspace("m2")["id"]
    nora = emu.membership(es.NOKEY_EMAIL)
    mia = emu.membership(es.MEMBER_EMAIL)
    emu.grant_user(ws1, nora["user_id"])
    emu.grant_user(ws2, nora["user_id"])
    emu.grant_user(ws1, mia["user_id"])
    expect(emu.owner.delete(f"{ACCT}/account_memberships/{nora['id']}"), 204)
    rows = expect(emu.owner.post(f"{ACCT}/workspaces/{ws1}/user_access/filter", json={}), 200)
    assert [r["user_id"] for r in rows] == [mia["user_id"]]
    assert expect(emu.owner.post(f"{ACCT}/workspaces/{ws2}/user_access/filter", json={}), 200) == []
    assert_detail_string(emu.owner.get(f"{ACCT}/account_memberships/{nora['id']}"), 404)
    assert_detail_string(emu.owner.get(f"{ACCT}/account_memberships/by-user/{nora['user_id']}"), 404)


def test_membership_role_and_active_changes(emu):
    mia = emu.membership(es.MEMBER_EMAIL)
    admin = emu.account_role_id("Admin")
    expect(emu.owner.patch(f"{ACCT}/account_memberships/{mia['id']}", json={"account_role_id": admin}), 204)
    got = expect(emu.owner.get(f"{ACCT}/account_memberships/{mia['id']}"), 200)
    assert (got["account_role_id"], got["account_role_name"], got["active"]) == (admin, "Admin", True)
    expect(emu.owner.patch(f"{ACCT}/account_memberships/{mia['id']}/active", json={"active": False}), 204)
    assert expect(emu.owner.get(f"{ACCT}/account_memberships/{mia['id']}"), 200)["active"] is False
    nora = emu.membership(es.NOKEY_EMAIL)
    expect(emu.owner.post(f"{ACCT}/account_memberships/set_active",
                          json={"membership_ids": [mia["id"], nora["id"]], "active": False}), 204)
    rows = expect(emu.owner.post(f"{ACCT}/account_memberships/filter", json={"active": False}), 200)
    assert sorted(r["id"] for r in rows) == sorted([mia["id"], nora["id"]])
    expect(emu.owner.post(f"{ACCT}/account_memberships/set_active",
                          json={"membership_ids": [mia["id"], nora["id"]], "active": True}), 204)
    assert expect(emu.owner.post(f"{ACCT}/account_memberships/filter", json={"active": False}), 200) == []


def test_set_active_accepts_at_most_200_ids(emu):
    ids = [es.random_id() for _ in range(201)]
    r = emu.owner.post(f"{ACCT}/account_memberships/set_active", json={"membership_ids": ids, "active": True})
    assert r.status_code == 422, r.text


# ------------------------------------------------------------------------------- workspace roles

def test_scopes_expand_through_includes_scopes(emu):
    cat = expect(emu.owner.get("/api/workspace_scopes"), 200)
    wanted = ["manage_blocks", "see_flows"]
    role = emu.create_workspace_role("expander", wanted)
    expected = scope_closure(cat, wanted)
    assert set(role["scopes"]) == expected
    got = expect(emu.owner.get(f"{ACCT}/workspace_roles/{role['id']}"), 200)
    assert set(got["scopes"]) == expected
    ws = emu.create_workspace("expand-ws")["id"]
    expect(emu.owner.post(f"{ACCT}/workspaces/{ws}/user_access/", json={
        "user_id": emu.user_id(es.MEMBER_EMAIL), "workspace_role_id": role["id"]}), 200)
    assert set(expect(emu.member.get(f"/api/me/workspaces/{ws}/scopes"), 200)) >= expected


def test_leaf_scopes_read_back_exactly(emu):
    cat = expect(emu.owner.get("/api/workspace_scopes"), 200)
    wanted = ["see_blocks", "see_artifacts"]
    role = emu.create_workspace_role("leafy", wanted, description="two leaves")
    assert set(role["scopes"]) == scope_closure(cat, wanted)
    assert role["description"] == "two leaves" and role["account_id"] == es.ACCOUNT_ID


def test_workspace_role_patch_replaces_scopes(emu):
    cat = expect(emu.owner.get("/api/workspace_scopes"), 200)
    role = emu.create_workspace_role("patchrole", ["manage_flows"])
    expect(emu.owner.patch(f"{ACCT}/workspace_roles/{role['id']}", json={"scopes": ["see_variables"]}), 204)
    got = expect(emu.owner.get(f"{ACCT}/workspace_roles/{role['id']}"), 200)
    assert set(got["scopes"]) == scope_closure(cat, ["see_variables"])
    assert got["name"] == "patchrole"


def test_unknown_scope_is_rejected(emu):
    r = emu.owner.post(f"{ACCT}/workspace_roles/", json={"name": "bad", "scopes": ["fly_to_the_moon"]})
    assert r.status_code == 422, r.text


def test_inherited_role_must_be_builtin(emu):
    dev = emu.workspace_role_id("Developer")
    role = emu.create_workspace_role("child", [], inherited_role_id=dev)
    assert role["inherited_role_id"] == dev
    r = emu.owner.post(f"{ACCT}/workspace_roles/", json={"name": "grandchild", "scopes": [],
                                                          "inherited_role_id": role["id"]})
    assert r.status_code in (404, 409, 422), r.text


# ------------------------------------------------------------------------------- access

def test_user_access_upsert_keeps_id_and_matches_shape(emu):
    ws = emu.create_workspace("upsert")["id"]
    mia = emu.membership(es.MEMBER_EMAIL)
    viewer, dev = emu.workspace_role_id("Viewer"), emu.workspace_role_id("Developer")
    single = expect(emu.owner.post(f"{ACCT}/workspaces/{ws}/user_access/",
                                   json={"user_id": mia["user_id"], "workspace_role_id": viewer}), 200)
    assert isinstance(single, dict)
    assert (single["user_id"], single["actor_id"], single["workspace_id"], single["workspace_role_id"],
            single["email"]) == (mia["user_id"], mia["actor_id"], ws, viewer, es.MEMBER_EMAIL)
    listed = expect(emu.owner.post(f"{ACCT}/workspaces/{ws}/user_access/",
                                   json=[{"user_id": mia["user_id"], "workspace_role_id": dev}]), 200)
    assert isinstance(listed, list) and len(listed) == 1
    assert listed[0]["id"] == single["id"] and listed[0]["workspace_role_id"] == dev
    rows = expect(emu.owner.post(f"{ACCT}/workspaces/{ws}/user_access/filter", json={}), 200)
    assert [(r["id"], r["workspace_role_id"]) for r in rows] == [(single["id"], dev)]


def test_bot_access_upsert(emu):
    ws = emu.create_workspace("bupsert")["id"]
    bot = emu.create_bot("ub")
    viewer, runner = emu.workspace_role_id("Viewer"), emu.workspace_role_id("Runner")
    a = emu.grant_bot(ws, bot["id"], "Viewer")
    assert (a["bot_id"], a["actor_id"], a["bot_name"], a["workspace_role_id"]) == (
        bot["id"], bot["actor_id"], "ub", viewer)
    b = expect(emu.owner.post(f"{ACCT}/workspaces/{ws}/bot_access/",
                              json=[{"bot_id": bot["id"], "workspace_role_id": runner}]), 200)
    assert b[0]["id"] == a["id"] and b[0]["workspace_role_id"] == runner
    expect(emu.owner.delete(f"{ACCT}/workspaces/{ws}/bot_access/{a['id']}"), 204)
    assert_detail_string(emu.owner.get(f"{ACCT}/workspaces/{ws}/bot_access/{a['id']}"), 404)


def test_team_access_put_and_delete_by_team_id(emu):
    ws = emu.create_workspace("tput")["id"]
    t1, t2 = emu.create_team("tp1"), emu.create_team("tp2")
    viewer, dev = emu.workspace_role_id("Viewer"), emu.workspace_role_id("Developer")
    out = expect(emu.owner.put(f"{ACCT}/workspaces/{ws}/team_access/", json=[
        {"team_id": t1["id"], "workspace_role_id": viewer},
        {"team_id": t2["id"], "workspace_role_id": viewer}]), 200)
    assert sorted((r["team_id"], r["workspace_id"], r["workspace_role_id"]) for r in out) == sorted(
        [(t1["id"], ws, viewer), (t2["id"], ws, viewer)])
    expect(emu.owner.put(f"{ACCT}/workspaces/{ws}/team_access/",
                         json=[{"team_id": t1["id"], "workspace_role_id": dev}]), 200)
    rows = expect(emu.owner.post(f"{ACCT}/workspaces/{ws}/team_access/filter", json={}), 200)
    assert sorted((r["team_name"], r["workspace_role_id"]) for r in rows) == sorted(
        [("tp1", dev), ("tp2", viewer)]), "PUT upserts the listed teams and keeps the others"
    expect(emu.owner.delete(f"{ACCT}/workspaces/{ws}/team_access/{t1['id']}"), 204)
    rows = expect(emu.owner.post(f"{ACCT}/workspaces/{ws}/team_access/filter", json={}), 200)
    assert [r["team_id"] for r in rows] == [t2["id"]]


def test_access_listing_includes_users_bots_and_teams(emu):
    ws = emu.create_workspace("acl")["id"]
    nora = emu.membership(es.NOKEY_EMAIL)
    bot = emu.create_bot("acl-bot")
    team = emu.create_team("acl-team")
    emu.grant_user(ws, nora["user_id"])
    emu.grant_bot(ws, bot["id"])
    emu.grant_team(ws, team["id"])
    rows = expect(emu.owner.get(f"{ACCT}/workspaces/{ws}/access/"), 200)
    got = {(r["id"], r["type"]) for r in rows}
    assert (nora["actor_id"], "user") in got
    assert (bot["actor_id"], "service_account") in got
    assert (team["id"], "team") in got
    by_id = {r["id"]: r for r in rows}
    assert by_id[nora["actor_id"]]["email"] == es.NOKEY_EMAIL
    assert by_id[bot["actor_id"]]["email"] is None and by_id[bot["actor_id"]]["name"] == "acl-bot"


def test_state_never_contains_plain_keys_in_reads(emu):
    """No GET or filter returns any seed key."""
    bodies = [emu.owner.get(f"/api/users/{emu.me()['id']}").text,
              emu.owner.post(f"{ACCT}/account_memberships/filter", json={}).text,
              emu.owner.get("/api/me/").text]
    blob = json.dumps(bodies)
    for key in (es.OWNER_KEY, es.ADMIN_KEY, es.MEMBER_KEY):
        assert key not in blob


def test_deleting_bot_removes_it_from_teams(emu):
    team = emu.create_team("bot-team")
    bot = emu.create_bot("leaving-bot")
    expect(emu.owner.put(f"{ACCT}/teams/{team['id']}/members", json={"members": [
        {"member_id": bot["id"], "member_type": "service_account"}]}), 200)
    expect(emu.owner.delete(f"{ACCT}/bots/{bot['id']}"), 204)
    assert expect(emu.owner.get(f"{ACCT}/teams/{team['id']}"), 200)["memberships"] == []


def test_deleting_member_removes_them_from_teams(emu):
    team = emu.create_team("user-team")
    nora = emu.membership(es.NOKEY_EMAIL)
    expect(emu.owner.put(f"{ACCT}/teams/{team['id']}/members", json={"members": [
        {"member_id": nora["user_id"], "member_type": "user"}]}), 200)
    assert [m["id"] for m in expect(emu.owner.get(f"{ACCT}/teams/{team['id']}"), 200)["memberships"]] == [
        nora["actor_id"]]
    expect(emu.owner.delete(f"{ACCT}/account_memberships/{nora['id']}"), 204)
    assert expect(emu.owner.get(f"{ACCT}/teams/{team['id']}"), 200)["memberships"] == []


def test_user_key_with_past_expiration_is_rejected(emu):
    uid = emu.me()["id"]
    r = emu.owner.post(f"/api/users/{uid}/api_keys", json={"name": "past", "expiration": "2001-01-01T00:00:00Z"})
    assert r.status_code == 422, r.text
    assert expect(emu.owner.get(f"/api/users/{uid}/api_keys", params={"name": "past"}), 200) == []


def test_user_key_listing_and_name_query(emu):
    uid = emu.me()["id"]
    a = expect(emu.owner.post(f"/api/users/{uid}/api_keys", json={"name": "alpha"}), 201)
    b = expect(emu.owner.post(f"/api/users/{uid}/api_keys", json={"name": "beta"}), 201)
    ids = {k["id"] for k in expect(emu.owner.get(f"/api/users/{uid}/api_keys"), 200)}
    assert {a["id"], b["id"]} <= ids
    assert [k["id"] for k in expect(emu.owner.get(f"/api/users/{uid}/api_keys", params={"name": "beta"}), 200)] == [b["id"]]
    expect(emu.owner.delete(f"/api/users/{uid}/api_keys/{a['id']}"), 204)
    assert_detail_string(emu.owner.get(f"/api/users/{uid}/api_keys/{a['id']}"), 404)
    assert_detail_string(emu.owner.delete(f"/api/users/{uid}/api_keys/{a['id']}"), 404)


def test_accepting_workspace_invitation_as_existing_member(emu):
    ws = emu.create_workspace("existing")["id"]
    mia = emu.membership(es.MEMBER_EMAIL)
    inv = expect(emu.owner.post(f"{ACCT}/workspaces/{ws}/invitations/", json={"email": es.MEMBER_EMAIL}), 201)
    out = emu.accept_invitation(inv["id"])
    assert out["user_id"] == mia["user_id"] and out["actor_id"] == mia["actor_id"]
    assert out["membership_id"] == mia["id"], "no second membership for an existing member"
    rows = expect(emu.owner.post(f"{ACCT}/account_memberships/filter", json={
        "account_memberships": {"email": {"any_": [es.MEMBER_EMAIL]}}}), 200)
    assert len(rows) == 1 and rows[0]["account_role_name"] == "Member", "role is not downgraded"
    expect(emu.member.get(f"{ACCT}/workspaces/{ws}"), 200)  # the existing key now reaches it


def test_deactivated_member_loses_access_and_regains_it(emu):
    mia = emu.membership(es.MEMBER_EMAIL)
    ws = emu.create_workspace("inactive")["id"]
    emu.grant_user(ws, mia["user_id"])
    expect(emu.member.get(f"{ACCT}/workspaces/{ws}"), 200)
    expect(emu.owner.patch(f"{ACCT}/account_memberships/{mia['id']}/active", json={"active": False}), 204)
    assert emu.member.get(ACCT).status_code in (401, 403)
    assert emu.member.get(f"{ACCT}/workspaces/{ws}").status_code in (401, 403, 404)
    expect(emu.owner.patch(f"{ACCT}/account_memberships/{mia['id']}/active", json={"active": True}), 204)
    expect(emu.member.get(f"{ACCT}/workspaces/{ws}"), 200)
