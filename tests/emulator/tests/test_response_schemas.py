"""Run a full administration scenario over HTTP and validate every 2xx JSON response body
against the official response schema of its operation (OpenAPI 3.1 / JSON Schema 2020-12,
nullable fields as ``anyOf [..., {"type": "null"}]``). Also checks each success status against
the official one. All failures are reported together in one assertion message.
"""
from __future__ import annotations

import re
import traceback

import jsonschema
import pytest

import emu_support as es
import openapi_compare as oc
from emu_support import ACCT, expect


class Recorder:
    def __init__(self, official):
        self.components = official.get("components", {})
        self.routes = []
        for path, item in official["paths"].items():
            for method, op in item.items():
                if method not in oc.HTTP_METHODS:
                    continue
                rx = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")
                self.routes.append((method.upper(), rx, path, op, path.count("{")))
        self.routes.sort(key=lambda r: r[4])  # literal segments win over parameters
        self.validators = {}
        self.failures = []
        self.validated = set()
        self.calls = 0

    def match(self, method, path):
        for m, rx, opath, op, _ in self.routes:
            if m == method and rx.match(path):
                return opath, op
        return None, None

    def validator(self, opath, method, schema):
        key = (method, opath)
        if key not in self.validators:
            root = dict(schema)
            root["components"] = self.components
            self.validators[key] = jsonschema.Draft202012Validator(
                root, format_checker=jsonschema.FormatChecker())
        return self.validators[key]

    def hook(self, resp, *args, **kwargs):
        self.calls += 1
        method = resp.request.method
        path = resp.request.path_url.split("?", 1)[0]
        if not path.startswith("/api"):
            return resp
        opath, op = self.match(method, path)
        if op is None:
            self.failures.append(f"{method} {path}: no official operation matches")
            return resp
        if not 200 <= resp.status_code < 300:
            return resp
        label = f"{method} {opath}"
        want = oc.success_code(op)
        if str(resp.status_code) != want:
            self.failures.append(f"{label}: status {resp.status_code}, official {want}")
        schema = oc.response_schema(op)
        if schema is None:
            return resp
        try:
            body = resp.json()
        except ValueError:
            self.failures.append(f"{label}: 2xx body is not JSON: {resp.text[:200]!r}")
            return resp
        errors = sorted(self.validator(opath, method, schema).iter_errors(body),
                        key=lambda e: list(e.absolute_path))
        for err in errors[:5]:
            loc = "/".join(map(str, err.absolute_path)) or "(root)"
            self.failures.append(f"{label}: at {loc}: {err.message[:300]}")
        if len(errors) > 5:
            self.failures.append(f"{label}: ... {len(errors) - 5} more errors")
        self.validated.add((method, opath))
        return resp


@pytest.fixture
def recorded(emu, official):
    rec = Recorder(official)
    for client in (emu.owner, emu.admin, emu.member):
        client.session.hooks["response"].append(rec.hook)
    yield emu, rec
    for client in (emu.owner, emu.admin, emu.member):
        client.session.hooks["response"].remove(rec.hook)


def test_every_response_matches_official_schema(recorded):
    emu, rec = recorded
    o = emu.owner
    ctx = {}
    step_errors = []

    def step(name):
        def deco(fn):
            try:
                fn()
            except Exception as exc:  # collect and continue with the next step
                tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
                step_errors.append(f"step {name!r} failed: {tb[:500]}")
            return fn
        return deco

    @step("me")
    def _():
        ctx["me"] = expect(o.get("/api/me/"), 200)
        expect(o.get("/api/me/accounts"), 200)
        expect(o.get("/api/me/workspaces"), 200)
        expect(o.get("/api/workspace_scopes"), 200)
        expect(o.get("/api/accounts/permissions"), 200)
        expect(o.get(f"/api/me/accounts/{es.ACCOUNT_ID}/permissions"), 200)
        expect(emu.member.get("/api/me/"), 200)
        expect(emu.member.get("/api/me/accounts"), 200)

    @step("users and user api keys")
    def _():
        uid = ctx["me"]["id"]
        expect(o.get(f"/api/users/{uid}"), 200)
        expect(o.patch(f"/api/users/{uid}", json={"first_name": "Olivia"}), 204)
        key = expect(o.post(f"/api/users/{uid}/api_keys", json={"name": "ci"}), 201)
        key2 = expect(o.post(f"/api/users/{uid}/api_keys",
                             json={"name": "ci-exp", "expiration": "2099-01-01T00:00:00Z"}), 201)
        expect(o.get(f"/api/users/{uid}/api_keys"), 200)
        expect(o.get(f"/api/users/{uid}/api_keys", params={"name": "ci"}), 200)
        expect(o.get(f"/api/users/{uid}/api_keys/{key['id']}"), 200)
        expect(o.delete(f"/api/users/{uid}/api_keys/{key2['id']}"), 204)

    @step("account")
    def _():
        expect(o.get(ACCT), 200)
        expect(o.patch(ACCT, json={"name": "Test Co Renamed", "link": "https://testco.io"}), 204)
        expect(o.get(f"{ACCT}/settings"), 200)
        expect(o.patch(f"{ACCT}/settings", json={"ai_log_summaries": True}), 204)
        expect(o.get(f"{ACCT}/domains"), 200)
        expect(o.patch(f"{ACCT}/domains", json={"domain_names": ["testco.io"]}), 204)
        expect(o.get(f"{ACCT}/domains"), 200)
        expect(emu.member.get(ACCT), 200)

    @step("account roles")
    def _():
        roles = expect(o.post(f"{ACCT}/account_roles/filter", json={}), 200)
        expect(o.post(f"{ACCT}/account_roles/filter"), 200)
        ctx["account_roles"] = {r["name"]: r["id"] for r in roles}
        expect(o.post(f"{ACCT}/account_roles/filter",
                      json={"account_roles": {"name": {"any_": ["Member"]}}}), 200)
        for rid in ctx["account_roles"].values():
            expect(o.get(f"{ACCT}/account_roles/{rid}"), 200)

    @step("workspaces")
    def _():
        ctx["ws"] = expect(o.post(f"{ACCT}/workspaces/", json={"name": "Dev", "handle": "dev"}), 201)
        ctx["ws2"] = expect(o.post(f"{ACCT}/workspaces/", json={
            "name": "Prod", "handle": "prod", "description": "production"}), 201)
        ws = ctx["ws"]["id"]
        expect(o.get(f"{ACCT}/workspaces/{ws}"), 200)
        expect(o.patch(f"{ACCT}/workspaces/{ws}", json={"description": "development"}), 204)
        expect(o.post(f"{ACCT}/workspaces/filter", json={}), 200)
        expect(o.post(f"{ACCT}/workspaces/filter",
                      json={"workspaces": {"handle": {"any_": ["prod"]}}}), 200)
        expect(o.get("/api/me/workspaces"), 200)
        expect(o.get(f"/api/me/workspaces/{ws}/scopes"), 200)

    @step("workspace roles")
    def _():
        roles = expect(o.post(f"{ACCT}/workspace_roles/filter", json={}), 200)
        ctx["ws_roles"] = {r["name"]: r["id"] for r in roles}
        expect(o.post(f"{ACCT}/workspace_roles/filter", json={"workspace_roles": {"is_global": True}}), 200)
        role = expect(o.post(f"{ACCT}/workspace_roles/", json={
            "name": "Auditor", "description": "reads things", "scopes": ["see_flows", "manage_blocks"]}), 201)
        ctx["custom_role"] = role
        expect(o.get(f"{ACCT}/workspace_roles/{role['id']}"), 200)
        expect(o.patch(f"{ACCT}/workspace_roles/{role['id']}", json={
            "scopes": ["see_flows", "see_blocks"]}), 204)
        expect(o.post(f"{ACCT}/workspace_roles/filter", json={"workspace_roles": {"is_global": False}}), 200)
        expect(o.get(f"{ACCT}/workspace_roles/{ctx['ws_roles']['Developer']}"), 200)
        temp = expect(o.post(f"{ACCT}/workspace_roles/", json={"name": "Temp", "scopes": []}), 201)
        expect(o.delete(f"{ACCT}/workspace_roles/{temp['id']}"), 204)

    @step("bots")
    def _():
        bot = expect(o.post(f"{ACCT}/bots/", json={"name": "ci-bot"}), 201)
        ctx["bot"] = bot
        bot2 = expect(o.post(f"{ACCT}/bots/", json={
            "name": "deployer", "api_key_expiration": "2099-01-01T00:00:00Z",
            "account_role_id": ctx["account_roles"]["Admin"]}), 201)
        ctx["bot2"] = bot2
        expect(o.get(f"{ACCT}/bots/{bot['id']}"), 200)
        expect(o.post(f"{ACCT}/bots/filter", json={}), 200)
        expect(o.post(f"{ACCT}/bots/filter",
                      json={"service_accounts": {"name": {"any_": ["ci-bot"]}}}), 200)
        expect(o.patch(f"{ACCT}/bots/{bot2['id']}", json={"name": "deployer-2"}), 204)
        expect(o.post(f"{ACCT}/bots/{bot['id']}/rotate_api_key",
                      json={"old_key_expires_in_seconds": 3600}), 201)
        expect(o.post(f"{ACCT}/bots/{bot2['id']}/rotate_api_key"), 201)
        keys = expect(o.get(f"{ACCT}/bots/{bot['id']}/read_bot_api_keys"), 200)
        expect(o.get(f"{ACCT}/account_memberships/by-bot/{bot['id']}"), 200)
        old = keys["rotating_keys"][0]["id"]
        expect(o.delete(f"{ACCT}/bots/{bot['id']}/delete_bot_api_key/{old}"), 200)
        expect(o.get(f"{ACCT}/bots/{bot['id']}/read_bot_api_keys"), 200)

    @step("teams")
    def _():
        team = expect(o.post(f"{ACCT}/teams/", json={"name": "platform"}), 201)
        ctx["team"] = team
        expect(o.post(f"{ACCT}/teams/", json={"name": "data", "description": "data team"}), 201)
        mia = emu.user_id(es.MEMBER_EMAIL)
        expect(o.put(f"{ACCT}/teams/{team['id']}/members", json={"members": [
            {"member_id": mia, "member_type": "user"},
            {"member_id": ctx["bot"]["id"], "member_type": "service_account"}]}), 200)
        got = expect(o.get(f"{ACCT}/teams/{team['id']}"), 200)
        expect(o.put(f"{ACCT}/teams/{team['id']}", json={"name": "platform", "description": "p"}), 200)
        expect(o.post(f"{ACCT}/teams/filter", json={}), 200)
        expect(o.post(f"{ACCT}/teams/filter", json={"teams": {"name": {"like_": "plat"}}}), 200)
        bot_actor = ctx["bot"]["actor_id"]
        assert any(m["id"] == bot_actor for m in got["memberships"]), got
        expect(o.delete(f"{ACCT}/teams/{team['id']}/members/{bot_actor}"), 204)

    @step("memberships")
    def _():
        rows = expect(o.post(f"{ACCT}/account_memberships/filter", json={}), 200)
        expect(o.post(f"{ACCT}/account_memberships/filter", json={"only_users": True}), 200)
        expect(o.post(f"{ACCT}/account_memberships/count", json={}), 200)
        expect(o.post(f"{ACCT}/account_memberships/count", json={"only_bots": True}), 200)
        mia = [r for r in rows if r.get("email") == es.MEMBER_EMAIL][0]
        expect(o.get(f"{ACCT}/account_memberships/by-user/{mia['user_id']}"), 200)
        expect(o.get(f"{ACCT}/account_memberships/{mia['id']}"), 200)
        expect(o.patch(f"{ACCT}/account_memberships/{mia['id']}",
                       json={"account_role_id": ctx["account_roles"]["Admin"]}), 204)
        expect(o.patch(f"{ACCT}/account_memberships/{mia['id']}/active", json={"active": False}), 204)
        expect(o.post(f"{ACCT}/account_memberships/set_active",
                      json={"membership_ids": [mia["id"]], "active": True}), 204)
        expect(o.get(f"{ACCT}/account_memberships/{mia['id']}"), 200)

    @step("invitations")
    def _():
        member_role = ctx["account_roles"]["Member"]
        invs = expect(o.post(f"{ACCT}/invitations/", json=[
            {"email": "ivy@example.com", "account_role_id": member_role},
            {"email": "ian@example.com", "account_role_id": member_role}]), 201)
        expect(o.get(f"{ACCT}/invitations/{invs[0]['id']}"), 200)
        expect(o.post(f"{ACCT}/invitations/filter", json={}), 200)
        expect(o.post(f"{ACCT}/invitations/filter",
                      json={"invitations": {"status": {"any_": ["PENDING"]}}}), 200)
        expect(o.post(f"{ACCT}/invitations/count", json={}), 200)
        expect(o.post(f"{ACCT}/invitations/{invs[1]['id']}/revoke"), 204)
        accepted = emu.accept_invitation(invs[0]["id"])
        expect(o.get(f"{ACCT}/account_memberships/by-user/{accepted['user_id']}"), 200)
        expect(o.get(f"{ACCT}/invitations/{invs[0]['id']}"), 200)
        ws = ctx["ws"]["id"]
        winv = expect(o.post(f"{ACCT}/workspaces/{ws}/invitations/", json={"email": "wes@example.com"}), 201)
        expect(o.get(f"{ACCT}/workspaces/{ws}/invitations/{winv['id']}"), 200)
        expect(o.post(f"{ACCT}/workspaces/{ws}/invitations/filter", json={}), 200)
        winv2 = expect(o.post(f"{ACCT}/workspaces/{ws}/invitations/", json={"email": "wyn@example.com"}), 201)
        expect(o.post(f"{ACCT}/workspaces/{ws}/invitations/{winv2['id']}/revoke"), 204)

    @step("workspace access")
    def _():
        ws = ctx["ws"]["id"]
        viewer, dev = ctx["ws_roles"]["Viewer"], ctx["ws_roles"]["Developer"]
        nora = emu.user_id(es.NOKEY_EMAIL)
        mia = emu.user_id(es.MEMBER_EMAIL)
        ua = expect(o.post(f"{ACCT}/workspaces/{ws}/user_access/",
                           json={"user_id": nora, "workspace_role_id": viewer}), 200)
        expect(o.post(f"{ACCT}/workspaces/{ws}/user_access/",
                      json=[{"user_id": mia, "workspace_role_id": dev}]), 200)
        expect(o.post(f"{ACCT}/workspaces/{ws}/user_access/filter", json={}), 200)
        expect(o.get(f"{ACCT}/workspaces/{ws}/user_access/{ua['id']}"), 200)
        ba = expect(o.post(f"{ACCT}/workspaces/{ws}/bot_access/",
                           json={"bot_id": ctx["bot"]["id"], "workspace_role_id": viewer}), 200)
        expect(o.post(f"{ACCT}/workspaces/{ws}/bot_access/",
                      json=[{"bot_id": ctx["bot2"]["id"], "workspace_role_id": dev}]), 200)
        expect(o.post(f"{ACCT}/workspaces/{ws}/bot_access/filter", json={}), 200)
        expect(o.get(f"{ACCT}/workspaces/{ws}/bot_access/{ba['id']}"), 200)
        expect(o.put(f"{ACCT}/workspaces/{ws}/team_access/",
                     json=[{"team_id": ctx["team"]["id"], "workspace_role_id": viewer}]), 200)
        expect(o.post(f"{ACCT}/workspaces/{ws}/team_access/filter", json={}), 200)
        expect(o.post(f"{ACCT}/workspaces/{ws}/team_access/filter"), 200)
        expect(o.get(f"{ACCT}/workspaces/{ws}/access/"), 200)
        expect(o.get(f"{ACCT}/teams/{ctx['team']['id']}"), 200)
        expect(emu.member.get("/api/me/workspaces"), 200)
        expect(emu.member.get(f"/api/me/workspaces/{ws}/scopes"), 200)
        expect(o.delete(f"{ACCT}/workspaces/{ws}/team_access/{ctx['team']['id']}"), 204)
        expect(o.delete(f"{ACCT}/workspaces/{ws}/bot_access/{ba['id']}"), 204)
        expect(o.delete(f"{ACCT}/workspaces/{ws}/user_access/{ua['id']}"), 204)

    @step("secondary operations")
    def _():
        ws = ctx["ws"]["id"]
        since, until = "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"
        expect(o.get("/api/me/organizations"), 200)
        expect(o.get("/api/me/api_keys"), 200)
        expect(o.get("/api/me/api_keys", params={"name": "ci"}), 200)
        expect(o.post("/api/me/api_keys/filter", json={}), 200)
        expect(o.get("/api/me/sessions"), 200)
        expect(o.post("/api/me/sessions/filter", json={}), 200)
        expect(o.get("/api/me/accounts/has_permission", params={"permission": "create:workspace"}), 200)
        expect(o.get(f"/api/me/accounts/{es.ACCOUNT_ID}/has_permission",
                     params={"permission": "create:workspace"}), 200)
        expect(o.get(f"/api/me/workspaces/{ws}/has_scope", params={"scope": "see_flows"}), 200)
        expect(o.get(f"{ACCT}/usage_limits"), 200)
        expect(o.get(f"{ACCT}/usage"), 200)
        expect(o.get(f"{ACCT}/sso/setup_url"), 200)
        expect(o.get(f"{ACCT}/sso/dsync_setup_url"), 200)
        expect(o.get(f"{ACCT}/sso/integrations"), 200)
        expect(o.get(f"{ACCT}/rate-limits/status"), 200)
        expect(o.get(f"{ACCT}/rate-limits/usage", params={"since": since, "until": until}), 200)
        window = {"since": since, "until": until}
        expect(o.get(f"{ACCT}/rate-limits/orchestration-api", params={**window, "group_by": "workspace_id"}), 200)
        expect(o.get(f"{ACCT}/rate-limits/events", params={**window, "group_by": "workspace_id"}), 200)
        expect(o.get(f"{ACCT}/rate-limits/api-key-names", params=window), 200)
        expect(o.get(f"{ACCT}/rate-limits/actor-names", params=window), 200)
        expect(o.get(f"{ACCT}/rate-limit-allocations/"), 200)
        expect(o.put(f"{ACCT}/rate-limit-allocations/", json={"allocations": [
            {"workspace_id": ws, "rate_limit_percentage": 50}]}), 200)

    @step("deletes")
    def _():
        expect(o.delete(f"{ACCT}/teams/{ctx['team']['id']}"), 204)
        expect(o.delete(f"{ACCT}/bots/{ctx['bot2']['id']}"), 204)
        expect(o.delete(f"{ACCT}/workspace_roles/{ctx['custom_role']['id']}"), 204)
        expect(o.delete(f"{ACCT}/workspaces/{ctx['ws2']['id']}"), 204)
        nora = emu.membership(es.NOKEY_EMAIL)
        expect(o.delete(f"{ACCT}/account_memberships/{nora['id']}"), 204)

    problems = step_errors + rec.failures
    summary = f"{len(rec.validated)} operations validated over {rec.calls} calls"
    assert not problems, summary + "; problems:\n  " + "\n  ".join(problems)
    # the scenario must really have exercised the JSON-returning operations
    assert len(rec.validated) >= 70, summary + f": {sorted(rec.validated)}"
