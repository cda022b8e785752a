"""The call table shared by the status-code and permission-matrix tests (not a test module):
one request per required official operation, run against a lazily built world of objects."""
from __future__ import annotations

import emu_support as es
from emu_support import ACCT, expect

A = "/api/accounts/{account_id}"
W = A + "/workspaces/{workspace_id}"


class World:
    """One of everything, created lazily (as the owner) the first time a test needs it."""

    def __init__(self, emu):
        self.emu = emu
        self.cache = {}

    def __getitem__(self, name):
        if name not in self.cache:
            self.cache[name] = getattr(self, "make_" + name)()
        return self.cache[name]

    def make_me(self):
        return self.emu.me()

    def make_ws(self):
        ws = self.emu.create_workspace("codes")["id"]
        return ws

    def make_ws_del(self):
        return self.emu.create_workspace("codes-del")["id"]

    def make_team(self):
        team = self.emu.create_team("codes-team")["id"]
        self.emu.grant_team(self["ws"], team)
        expect(self.emu.owner.put(f"{ACCT}/teams/{team}/members", json={"members": [
            {"member_id": self["bot"], "member_type": "service_account"}]}), 200)
        return team

    def make_team_del(self):
        return self.emu.create_team("codes-team-del")["id"]

    def make_bot_obj(self):
        return self.emu.create_bot("codes-bot")

    def make_bot(self):
        return self["bot_obj"]["id"]

    def make_bot_actor(self):
        self["team"]  # the bot is a member of the team
        return self["bot_obj"]["actor_id"]

    def make_bot_old_key_id(self):
        old = self["bot_obj"]["api_key"]["id"]
        rot = expect(self.emu.owner.post(f"{ACCT}/bots/{self['bot']}/rotate_api_key",
                                         json={"old_key_expires_in_seconds": 3600}), 201)
        assert rot["api_key"]["id"] != old
        return old

    def make_bot_del(self):
        return self.emu.create_bot("codes-bot-del")["id"]

    def make_role(self):
        return self.emu.create_workspace_role("codes-role", ["see_flows"])["id"]

    def make_role_del(self):
        return self.emu.create_workspace_role("codes-role-del", ["see_flows"])["id"]

    def make_viewer(self):
        return self.emu.workspace_role_id("Viewer")

    def make_member_role(self):
        return self.emu.account_role_id("Member")

    def make_admin_role(self):
        return self.emu.account_role_id("Admin")

    def make_mia(self):
        return self.emu.membership(es.MEMBER_EMAIL)

    def make_nora(self):
        return self.emu.membership(es.NOKEY_EMAIL)

    def make_ua(self):
        return self.emu.grant_user(self["ws"], self["nora"]["user_id"])["id"]

    def make_ba(self):
        return self.emu.grant_bot(self["ws"], self["bot"])["id"]

    def make_inv(self):
        return self.emu.invite("codes@example.com")["id"]

    def make_winv(self):
        return expect(self.emu.owner.post(f"{ACCT}/workspaces/{self['ws']}/invitations/",
                                          json={"email": "wcodes@example.com"}), 201)["id"]

    def make_ukey(self):
        return expect(self.emu.owner.post(f"/api/users/{self['me']['id']}/api_keys",
                                          json={"name": "codes"}), 201)["id"]


def _ws(w, rest=""):
    return f"{ACCT}/workspaces/{w['ws']}{rest}"


# (method, official path) -> lambda(owner client, world) -> response
CALLS = {
    ("GET", "/api/me/"): lambda o, w: o.get("/api/me/"),
    ("GET", "/api/me/accounts"): lambda o, w: o.get("/api/me/accounts"),
    ("GET", "/api/me/workspaces"): lambda o, w: o.get("/api/me/workspaces"),
    ("GET", "/api/me/workspaces/{workspace_id}/scopes"): lambda o, w: o.get(f"/api/me/workspaces/{w['ws']}/scopes"),
    ("GET", "/api/me/accounts/{account_id}/permissions"): lambda o, w: o.get(f"/api/me/accounts/{es.ACCOUNT_ID}/permissions"),
    ("GET", "/api/workspace_scopes"): lambda o, w: o.get("/api/workspace_scopes"),
    ("GET", "/api/accounts/permissions"): lambda o, w: o.get("/api/accounts/permissions"),
    ("GET", "/api/users/{id}"): lambda o, w: o.get(f"/api/users/{w['me']['id']}"),
    ("PATCH", "/api/users/{id}"): lambda o, w: o.patch(f"/api/users/{w['me']['id']}", json={"last_name": "O."}),
    ("POST", "/api/users/{id}/api_keys"): lambda o, w: o.post(f"/api/users/{w['me']['id']}/api_keys", json={"name": "k"}),
    ("GET", "/api/users/{id}/api_keys"): lambda o, w: o.get(f"/api/users/{w['me']['id']}/api_keys"),
    ("GET", "/api/users/{id}/api_keys/{api_key_id}"): lambda o, w: o.get(f"/api/users/{w['me']['id']}/api_keys/{w['ukey']}"),
    ("DELETE", "/api/users/{id}/api_keys/{api_key_id}"): lambda o, w: o.delete(f"/api/users/{w['me']['id']}/api_keys/{w['ukey']}"),
    ("GET", A): lambda o, w: o.get(ACCT),
    ("PATCH", A): lambda o, w: o.patch(ACCT, json={"location": "Berlin"}),
    ("GET", A + "/settings"): lambda o, w: o.get(f"{ACCT}/settings"),
    ("PATCH", A + "/settings"): lambda o, w: o.patch(f"{ACCT}/settings", json={"managed_execution": False}),
    ("GET", A + "/domains"): lambda o, w: o.get(f"{ACCT}/domains"),
    ("PATCH", A + "/domains"): lambda o, w: o.patch(f"{ACCT}/domains", json={"domain_names": ["testco.io"]}),
    ("POST", A + "/account_roles/filter"): lambda o, w: o.post(f"{ACCT}/account_roles/filter", json={}),
    ("GET", A + "/account_roles/{id}"): lambda o, w: o.get(f"{ACCT}/account_roles/{w['member_role']}"),
    ("POST", A + "/account_memberships/filter"): lambda o, w: o.post(f"{ACCT}/account_memberships/filter", json={}),
    ("POST", A + "/account_memberships/count"): lambda o, w: o.post(f"{ACCT}/account_memberships/count", json={}),
    ("GET", A + "/account_memberships/by-user/{user_id}"): lambda o, w: o.get(f"{ACCT}/account_memberships/by-user/{w['mia']['user_id']}"),
    ("GET", A + "/account_memberships/by-bot/{bot_id}"): lambda o, w: o.get(f"{ACCT}/account_memberships/by-bot/{w['bot']}"),
    ("GET", A + "/account_memberships/{id}"): lambda o, w: o.get(f"{ACCT}/account_memberships/{w['mia']['id']}"),
    ("PATCH", A + "/account_memberships/{id}"): lambda o, w: o.patch(f"{ACCT}/account_memberships/{w['mia']['id']}", json={"account_role_id": w["admin_role"]}),
    ("DELETE", A + "/account_memberships/{id}"): lambda o, w: o.delete(f"{ACCT}/account_memberships/{w['nora']['id']}"),
    ("PATCH", A + "/account_memberships/{id}/active"): lambda o, w: o.patch(f"{ACCT}/account_memberships/{w['mia']['id']}/active", json={"active": False}),
    ("POST", A + "/account_memberships/set_active"): lambda o, w: o.post(
        f"{ACCT}/account_memberships/set_active",
        json={"membership_ids": [w["mia"]["id"], w["nora"]["id"]], "active": False}),
    ("POST", A + "/workspaces/"): lambda o, w: o.post(f"{ACCT}/workspaces/", json={"name": "New", "handle": "new"}),
    ("GET", W): lambda o, w: o.get(_ws(w)),
    ("PATCH", W): lambda o, w: o.patch(_ws(w), json={"name": "Codes 2"}),
    ("DELETE", W): lambda o, w: o.delete(f"{ACCT}/workspaces/{w['ws_del']}"),
    ("POST", A + "/workspaces/filter"): lambda o, w: o.post(f"{ACCT}/workspaces/filter", json={}),
    ("POST", A + "/workspace_roles/"): lambda o, w: o.post(f"{ACCT}/workspace_roles/", json={"name": "r2", "scopes": []}),
    ("GET", A + "/workspace_roles/{id}"): lambda o, w: o.get(f"{ACCT}/workspace_roles/{w['role']}"),
    ("PATCH", A + "/workspace_roles/{id}"): lambda o, w: o.patch(f"{ACCT}/workspace_roles/{w['role']}", json={"description": "d"}),
    ("DELETE", A + "/workspace_roles/{id}"): lambda o, w: o.delete(f"{ACCT}/workspace_roles/{w['role_del']}"),
    ("POST", A + "/workspace_roles/filter"): lambda o, w: o.post(f"{ACCT}/workspace_roles/filter", json={}),
    ("POST", W + "/user_access/"): lambda o, w: o.post(_ws(w, "/user_access/"), json={"user_id": w["mia"]["user_id"], "workspace_role_id": w["viewer"]}),
    ("POST", W + "/user_access/filter"): lambda o, w: o.post(_ws(w, "/user_access/filter"), json={}),
    ("GET", W + "/user_access/{id}"): lambda o, w: o.get(_ws(w, f"/user_access/{w['ua']}")),
    ("DELETE", W + "/user_access/{id}"): lambda o, w: o.delete(_ws(w, f"/user_access/{w['ua']}")),
    ("POST", W + "/bot_access/"): lambda o, w: o.post(_ws(w, "/bot_access/"), json={"bot_id": w["bot_del"], "workspace_role_id": w["viewer"]}),
    ("POST", W + "/bot_access/filter"): lambda o, w: o.post(_ws(w, "/bot_access/filter"), json={}),
    ("GET", W + "/bot_access/{id}"): lambda o, w: o.get(_ws(w, f"/bot_access/{w['ba']}")),
    ("DELETE", W + "/bot_access/{id}"): lambda o, w: o.delete(_ws(w, f"/bot_access/{w['ba']}")),
    ("PUT", W + "/team_access/"): lambda o, w: o.put(_ws(w, "/team_access/"), json=[{"team_id": w["team_del"], "workspace_role_id": w["viewer"]}]),
    ("POST", W + "/team_access/filter"): lambda o, w: o.post(_ws(w, "/team_access/filter"), json={}),
    ("DELETE", W + "/team_access/{team_id}"): lambda o, w: o.delete(_ws(w, f"/team_access/{w['team']}")),
    ("GET", W + "/access/"): lambda o, w: o.get(_ws(w, "/access/")),
    ("POST", A + "/teams/"): lambda o, w: o.post(f"{ACCT}/teams/", json={"name": "new-team"}),
    ("GET", A + "/teams/{id}"): lambda o, w: o.get(f"{ACCT}/teams/{w['team']}"),
    ("PUT", A + "/teams/{id}"): lambda o, w: o.put(f"{ACCT}/teams/{w['team']}", json={"name": "codes-team", "description": "x"}),
    ("DELETE", A + "/teams/{id}"): lambda o, w: o.delete(f"{ACCT}/teams/{w['team_del']}"),
    ("POST", A + "/teams/filter"): lambda o, w: o.post(f"{ACCT}/teams/filter", json={}),
    ("PUT", A + "/teams/{id}/members"): lambda o, w: o.put(
        f"{ACCT}/teams/{w['team']}/members",
        json={"members": [{"member_id": w["mia"]["user_id"], "member_type": "user"}]}),
    ("DELETE", A + "/teams/{team_id}/members/{actor_id}"): lambda o, w: o.delete(f"{ACCT}/teams/{w['team']}/members/{w['bot_actor']}"),
    ("POST", A + "/bots/"): lambda o, w: o.post(f"{ACCT}/bots/", json={"name": "new-bot"}),
    ("GET", A + "/bots/{id}"): lambda o, w: o.get(f"{ACCT}/bots/{w['bot']}"),
    ("PATCH", A + "/bots/{id}"): lambda o, w: o.patch(f"{ACCT}/bots/{w['bot']}", json={"name": "codes-bot-2"}),
    ("DELETE", A + "/bots/{id}"): lambda o, w: o.delete(f"{ACCT}/bots/{w['bot_del']}"),
    ("POST", A + "/bots/filter"): lambda o, w: o.post(f"{ACCT}/bots/filter", json={}),
    ("POST", A + "/bots/{id}/rotate_api_key"): lambda o, w: o.post(f"{ACCT}/bots/{w['bot']}/rotate_api_key", json={"old_key_expires_in_seconds": 60}),
    ("GET", A + "/bots/{id}/read_bot_api_keys"): lambda o, w: o.get(f"{ACCT}/bots/{w['bot']}/read_bot_api_keys"),
    ("DELETE", A + "/bots/{id}/delete_bot_api_key/{api_key_id}"): lambda o, w: o.delete(f"{ACCT}/bots/{w['bot']}/delete_bot_api_key/{w['bot_old_key_id']}"),
    ("POST", A + "/invitations/"): lambda o, w: o.post(f"{ACCT}/invitations/", json=[{"email": "n@example.com", "account_role_id": w["member_role"]}]),
    ("GET", A + "/invitations/{id}"): lambda o, w: o.get(f"{ACCT}/invitations/{w['inv']}"),
    ("POST", A + "/invitations/filter"): lambda o, w: o.post(f"{ACCT}/invitations/filter", json={}),
    ("POST", A + "/invitations/count"): lambda o, w: o.post(f"{ACCT}/invitations/count", json={}),
    ("POST", A + "/invitations/{id}/revoke"): lambda o, w: o.post(f"{ACCT}/invitations/{w['inv']}/revoke"),
    ("POST", W + "/invitations/"): lambda o, w: o.post(_ws(w, "/invitations/"), json={"email": "wn@example.com"}),
    ("GET", W + "/invitations/{id}"): lambda o, w: o.get(_ws(w, f"/invitations/{w['winv']}")),
    ("POST", W + "/invitations/filter"): lambda o, w: o.post(_ws(w, "/invitations/filter"), json={}),
    ("POST", W + "/invitations/{id}/revoke"): lambda o, w: o.post(_ws(w, f"/invitations/{w['winv']}/revoke")),
}
