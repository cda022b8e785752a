"""Filters: every /filter honours its criteria (any_, like_, not_any_, flags), limit/offset,
stable order, and pagination returns each object exactly once."""
from __future__ import annotations

import pytest

import emu_support as es
from emu_support import ACCT, expect


def flt(client, path, body=None, key="id"):
    rows = expect(client.post(ACCT + path, json=body if body is not None else {}), 200)
    assert isinstance(rows, list), rows
    return [r[key] for r in rows]


# ------------------------------------------------------------------------------- workspaces

def test_workspace_filter_by_handle_and_id(emu):
    a = emu.create_workspace("alpha")
    b = emu.create_workspace("beta")
    emu.create_workspace("gamma")
    assert flt(emu.owner, "/workspaces/filter", {"workspaces": {"handle": {"any_": ["beta"]}}}) == [b["id"]]
    got = flt(emu.owner, "/workspaces/filter", {"workspaces": {"id": {"any_": [a["id"], b["id"]]}}})
    assert sorted(got) == sorted([a["id"], b["id"]])
    assert flt(emu.owner, "/workspaces/filter", {"workspaces": {"handle": {"any_": ["nope"]}}}) == []
    assert len(flt(emu.owner, "/workspaces/filter")) == 3


# ------------------------------------------------------------------------------- teams

def test_team_filter_by_name_any_and_like(emu):
    ids = {n: emu.create_team(n)["id"] for n in ("Platform", "platform-ops", "Data", "security")}
    assert flt(emu.owner, "/teams/filter", {"teams": {"name": {"any_": ["Data"]}}}) == [ids["Data"]]
    got = set(flt(emu.owner, "/teams/filter", {"teams": {"name": {"like_": "PLATFORM"}}}))
    assert got == {ids["Platform"], ids["platform-ops"]}, "like_ is a case-insensitive substring match"
    got = set(flt(emu.owner, "/teams/filter", {"teams": {"name": {"like_": "at"}}}))
    assert got == {ids["Platform"], ids["platform-ops"], ids["Data"]}
    got = set(flt(emu.owner, "/teams/filter", {"teams": {"id": {"any_": [ids["security"]]}}}))
    assert got == {ids["security"]}


def test_team_filter_by_member_and_workspace(emu):
    t1, t2 = emu.create_team("t1"), emu.create_team("t2")
    bot = emu.create_bot("member-bot")
    expect(emu.owner.put(f"{ACCT}/teams/{t1['id']}/members", json={"members": [
        {"member_id": bot["id"], "member_type": "service_account"}]}), 200)
    assert flt(emu.owner, "/teams/filter", {"teams": {"member_id": {"any_": [bot["actor_id"]]}}}) == [t1["id"]]
    ws = emu.create_workspace("tws")
    emu.grant_team(ws["id"], t2["id"], "Developer")
    assert flt(emu.owner, "/teams/filter", {"teams": {"workspace_id": {"any_": [ws["id"]]}}}) == [t2["id"]]
    dev = emu.workspace_role_id("Developer")
    assert flt(emu.owner, "/teams/filter", {"teams": {"workspace_role_id": {"any_": [dev]}}}) == [t2["id"]]


def test_team_filter_sort(emu):
    for n in ("b-team", "c-team", "a-team"):
        emu.create_team(n)
    names = flt(emu.owner, "/teams/filter", {"sort": "NAME_ASC"}, key="name")
    assert names == ["a-team", "b-team", "c-team"]
    names = flt(emu.owner, "/teams/filter", {"sort": "NAME_DESC"}, key="name")
    assert names == ["c-team", "b-team", "a-team"]


# ------------------------------------------------------------------------------- bots

def test_bot_filter_by_name_and_id(emu):
    b1, b2 = emu.create_bot("deployer-prod"), emu.create_bot("deployer-dev")
    b3 = emu.create_bot("reporter")
    got = set(flt(emu.owner, "/bots/filter", {"service_accounts": {"name": {"like_": "Deployer"}}}))
    assert got == {b1["id"], b2["id"]}
    assert flt(emu.owner, "/bots/filter", {"service_accounts": {"name": {"any_": ["reporter"]}}}) == [b3["id"]]
    assert flt(emu.owner, "/bots/filter", {"service_accounts": {"id": {"any_": [b2["id"]]}}}) == [b2["id"]]


def test_bot_filter_key_is_service_accounts(emu):
    """The filter key is ``service_accounts``; ``bots`` is not a field of this body."""
    emu.create_bot("x1")
    emu.create_bot("x2")
    r = emu.owner.post(f"{ACCT}/bots/filter", json={"service_accounts": {"name": {"any_": ["x1"]}}})
    assert [b["name"] for b in expect(r, 200)] == ["x1"]


# ------------------------------------------------------------------------------- memberships

def test_membership_filter_criteria(emu):
    o = emu.owner
    bot = emu.create_bot("memb-bot")
    rows = expect(o.post(f"{ACCT}/account_memberships/filter", json={}), 200)
    assert len(rows) == 5  # 4 seeded users + the bot
    by_email = flt(o, "/account_memberships/filter",
                   {"account_memberships": {"email": {"any_": [es.ADMIN_EMAIL]}}}, key="email")
    assert by_email == [es.ADMIN_EMAIL]
    like = set(flt(o, "/account_memberships/filter",
                   {"account_memberships": {"email": {"like_": "TESTCO.IO"}}}, key="email"))
    assert like == {es.OWNER_EMAIL, es.ADMIN_EMAIL, es.MEMBER_EMAIL, es.NOKEY_EMAIL}
    handles = flt(o, "/account_memberships/filter",
                  {"account_memberships": {"handle": {"any_": ["mia", "nora"]}}}, key="handle")
    assert sorted(handles) == ["mia", "nora"]
    handles = flt(o, "/account_memberships/filter",
                  {"account_memberships": {"handle": {"like_": "O"}}, "only_users": True}, key="handle")
    assert sorted(handles) == ["nora", "olive"]
    names = flt(o, "/account_memberships/filter",
                {"account_memberships": {"name": {"like_": "mia mem"}}}, key="email")
    assert names == [es.MEMBER_EMAIL], "name.like_ matches 'first last'"
    member_role = emu.account_role_id("Member")
    got = set(flt(o, "/account_memberships/filter",
                  {"account_memberships": {"account_role_id": {"any_": [member_role]}}}, key="actor_id"))
    assert bot["actor_id"] in got and len(got) == 3  # mia, nora, the bot
    mia = emu.membership(es.MEMBER_EMAIL)
    got = flt(o, "/account_memberships/filter",
              {"account_memberships": {"user_id": {"not_any_": [mia["user_id"]]}}, "only_users": True}, key="email")
    assert sorted(got) == sorted([es.OWNER_EMAIL, es.ADMIN_EMAIL, es.NOKEY_EMAIL])
    got = flt(o, "/account_memberships/filter",
              {"account_memberships": {"user_id": {"any_": [mia["user_id"]]}}}, key="email")
    assert got == [es.MEMBER_EMAIL]
    got = flt(o, "/account_memberships/filter",
              {"account_memberships": {"actor_id": {"any_": [bot["actor_id"]]}}}, key="actor_id")
    assert got == [bot["actor_id"]]


def test_membership_only_users_only_bots_and_active(emu):
    o = emu.owner
    bot = emu.create_bot("flag-bot")
    users = flt(o, "/account_memberships/filter", {"only_users": True}, key="email")
    assert sorted(users) == sorted([es.OWNER_EMAIL, es.ADMIN_EMAIL, es.MEMBER_EMAIL, es.NOKEY_EMAIL])
    bots = expect(o.post(f"{ACCT}/account_memberships/filter", json={"only_bots": True}), 200)
    assert [b["actor_id"] for b in bots] == [bot["actor_id"]]
    assert bots[0]["user_id"] is None and bots[0]["email"] is None
    nora = emu.membership(es.NOKEY_EMAIL)
    expect(o.patch(f"{ACCT}/account_memberships/{nora['id']}/active", json={"active": False}), 204)
    inactive = flt(o, "/account_memberships/filter", {"active": False}, key="email")
    assert inactive == [es.NOKEY_EMAIL]
    active = flt(o, "/account_memberships/filter", {"active": True, "only_users": True}, key="email")
    assert es.NOKEY_EMAIL not in active and len(active) == 3
    assert expect(o.post(f"{ACCT}/account_memberships/count", json={"active": False}), 200) == 1
    assert expect(o.post(f"{ACCT}/account_memberships/count", json={"only_bots": True}), 200) == 1
    assert expect(o.post(f"{ACCT}/account_memberships/count", json={}), 200) == 5


def test_membership_operator_or(emu):
    got = flt(emu.owner, "/account_memberships/filter", {"account_memberships": {
        "operator": "or_", "email": {"any_": [es.OWNER_EMAIL]}, "handle": {"any_": ["mia"]}}}, key="email")
    assert sorted(got) == sorted([es.OWNER_EMAIL, es.MEMBER_EMAIL])
    got = flt(emu.owner, "/account_memberships/filter", {"account_memberships": {
        "email": {"any_": [es.OWNER_EMAIL]}, "handle": {"any_": ["mia"]}}}, key="email")
    assert got == [], "criteria combine with AND by default"


def test_membership_count_matches_filter(emu):
    body = {"account_memberships": {"email": {"like_": "a"}}}
    n = len(flt(emu.owner, "/account_memberships/filter", body))
    assert expect(emu.owner.post(f"{ACCT}/account_memberships/count", json=body), 200) == n


def test_membership_sort(emu):
    emails = flt(emu.owner, "/account_memberships/filter", {"only_users": True, "sort": "EMAIL_ASC"}, key="email")
    assert emails == sorted(emails)
    emails = flt(emu.owner, "/account_memberships/filter", {"only_users": True, "sort": "EMAIL_DESC"}, key="email")
    assert emails == sorted(emails, reverse=True)


# ------------------------------------------------------------------------------- roles

def test_account_role_filter_by_name(emu):
    rows = expect(emu.owner.post(f"{ACCT}/account_roles/filter",
                                 json={"account_roles": {"name": {"any_": ["Admin", "Owner"]}}}), 200)
    assert sorted(r["name"] for r in rows) == ["Admin", "Owner"]


def test_workspace_role_filter_by_name_and_is_global(emu):
    custom = emu.create_workspace_role("custom-one", ["see_flows"])
    globals_ = flt(emu.owner, "/workspace_roles/filter", {"workspace_roles": {"is_global": True}}, key="name")
    assert set(globals_) == es.BUILTIN_WORKSPACE_ROLES
    customs = flt(emu.owner, "/workspace_roles/filter", {"workspace_roles": {"is_global": False}})
    assert customs == [custom["id"]]
    both = flt(emu.owner, "/workspace_roles/filter", {}, key="name")
    assert set(both) == es.BUILTIN_WORKSPACE_ROLES | {"custom-one"}
    named = flt(emu.owner, "/workspace_roles/filter",
                {"workspace_roles": {"name": {"any_": ["custom-one", "Viewer"]}}}, key="name")
    assert sorted(named) == ["Viewer", "custom-one"]


# ------------------------------------------------------------------------------- invitations

def test_invitation_filter_by_status_and_email(emu):
    a = emu.invite("ann@example.com")
    b = emu.invite("bob@example.com")
    c = emu.invite("cat@other.org")
    expect(emu.owner.post(f"{ACCT}/invitations/{b['id']}/revoke"), 204)
    pending = set(flt(emu.owner, "/invitations/filter", {"invitations": {"status": {"any_": ["PENDING"]}}}))
    assert pending == {a["id"], c["id"]}
    revoked = flt(emu.owner, "/invitations/filter", {"invitations": {"status": {"any_": ["REVOKED"]}}})
    assert revoked == [b["id"]]
    assert flt(emu.owner, "/invitations/filter", {"invitations": {"email": {"any_": ["cat@other.org"]}}}) == [c["id"]]
    like = set(flt(emu.owner, "/invitations/filter", {"invitations": {"email": {"like_": "EXAMPLE"}}}))
    assert like == {a["id"], b["id"]}
    body = {"invitations": {"status": {"any_": ["PENDING"]}}}
    assert expect(emu.owner.post(f"{ACCT}/invitations/count", json=body), 200) == 2
    assert expect(emu.owner.post(f"{ACCT}/invitations/count", json={}), 200) == 3


def test_invitation_filter_by_expiration(emu):
    inv = emu.invite("exp@example.com")
    exp = es.parse_dt(inv["expiration"])
    after = flt(emu.owner, "/invitations/filter", {"invitations": {"expiration": {
        "after_": es.iso(exp - es.dt.timedelta(minutes=1))}}})
    before = flt(emu.owner, "/invitations/filter", {"invitations": {"expiration": {
        "before_": es.iso(exp - es.dt.timedelta(minutes=1))}}})
    assert after == [inv["id"]] and before == []


def test_workspace_invitation_filter(emu):
    ws = emu.create_workspace("winv")["id"]
    path = f"{ACCT}/workspaces/{ws}/invitations/"
    a = expect(emu.owner.post(path, json={"email": "wa@example.com"}), 201)
    b = expect(emu.owner.post(path, json={"email": "wb@example.com"}), 201)
    expect(emu.owner.post(f"{path}{b['id']}/revoke"), 204)
    rows = expect(emu.owner.post(f"{path}filter", json={"workspace_invitations": {
        "status": {"any_": ["PENDING"]}}}), 200)
    assert [r["id"] for r in rows] == [a["id"]]
    rows = expect(emu.owner.post(f"{path}filter", json={"workspace_invitations": {
        "email": {"any_": ["wb@example.com"]}}}), 200)
    assert [r["id"] for r in rows] == [b["id"]]


# ------------------------------------------------------------------------------- access

def test_user_access_filter(emu):
    ws = emu.create_workspace("ua")["id"]
    mia, nora = emu.user_id(es.MEMBER_EMAIL), emu.user_id(es.NOKEY_EMAIL)
    a = emu.grant_user(ws, mia, "Viewer")
    b = emu.grant_user(ws, nora, "Developer")
    p = f"/workspaces/{ws}/user_access/filter"
    assert set(flt(emu.owner, p)) == {a["id"], b["id"]}
    assert flt(emu.owner, p, {"users": {"email": {"any_": [es.NOKEY_EMAIL]}}}) == [b["id"]]
    assert flt(emu.owner, p, {"users": {"id": {"any_": [mia]}}}) == [a["id"]]
    assert flt(emu.owner, p, {"users": {"id": {"not_any_": [mia]}}}) == [b["id"]]
    assert flt(emu.owner, p, {"users": {"handle": {"like_": "NOR"}}}) == [b["id"]]
    assert flt(emu.owner, p, {"workspace_accesses": {"actor_id": {"any_": [a["actor_id"]]}}}) == [a["id"]]
    dev = emu.workspace_role_id("Developer")
    assert flt(emu.owner, p, {"workspace_accesses": {"workspace_role_id": {"any_": [dev]}}}) == [b["id"]]


def test_bot_access_filter(emu):
    ws = emu.create_workspace("ba")["id"]
    b1, b2 = emu.create_bot("ba-one"), emu.create_bot("ba-two")
    x = emu.grant_bot(ws, b1["id"])
    y = emu.grant_bot(ws, b2["id"])
    p = f"/workspaces/{ws}/bot_access/filter"
    assert set(flt(emu.owner, p)) == {x["id"], y["id"]}
    assert flt(emu.owner, p, {"bots": {"name": {"any_": ["ba-two"]}}}) == [y["id"]]
    assert flt(emu.owner, p, {"bots": {"id": {"any_": [b1["id"]]}}}) == [x["id"]]
    assert flt(emu.owner, p, {"workspace_accesses": {"actor_id": {"any_": [b2["actor_id"]]}}}) == [y["id"]]


def test_team_access_filter_lists_workspace_grants_only(emu):
    ws1, ws2 = emu.create_workspace("ta1")["id"], emu.create_workspace("ta2")["id"]
    t1, t2 = emu.create_team("ta-one"), emu.create_team("ta-two")
    emu.grant_team(ws1, t1["id"])
    emu.grant_team(ws2, t2["id"])
    rows = expect(emu.owner.post(f"{ACCT}/workspaces/{ws1}/team_access/filter", json={}), 200)
    assert [(r["team_id"], r["team_name"]) for r in rows] == [(t1["id"], "ta-one")]


# ------------------------------------------------------------------------------- paging

def _make(emu, kind, n):
    if kind == "teams":
        for i in range(n):
            emu.create_team(f"page-team-{i:02d}")
        return "/teams/filter", {}, n
    if kind == "bots":
        for i in range(n):
            emu.create_bot(f"page-bot-{i:02d}")
        return "/bots/filter", {}, n
    if kind == "workspaces":
        for i in range(n):
            emu.create_workspace(f"page-ws-{i:02d}")
        return "/workspaces/filter", {}, n
    if kind == "account_memberships":
        for i in range(n - 4):
            emu.create_bot(f"page-mb-{i:02d}")
        return "/account_memberships/filter", {}, n
    if kind == "invitations":
        for i in range(n):
            emu.invite(f"page{i:02d}@example.com")
        return "/invitations/filter", {}, n
    if kind == "workspace_roles":
        for i in range(n - 5):
            emu.create_workspace_role(f"page-role-{i:02d}", [])
        return "/workspace_roles/filter", {}, n
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["teams", "bots", "workspaces", "account_memberships",
                                  "invitations", "workspace_roles"])
def test_pagination_returns_each_object_exactly_once(emu, kind):
    path, body, total = _make(emu, kind, 11)
    everything = flt(emu.owner, path, body)
    assert len(everything) == total and len(set(everything)) == total
    pages = []
    for offset in range(0, 15, 4):
        page = flt(emu.owner, path, {**body, "limit": 4, "offset": offset})
        pages.append(page)
    assert [len(p) for p in pages] == [4, 4, 3, 0]
    flat = [x for p in pages for x in p]
    assert flat == everything, "pages concatenate to the unpaginated order"
    assert flt(emu.owner, path, {**body, "limit": 4, "offset": 4}) == pages[1], "order is stable"
    assert flt(emu.owner, path, {**body, "limit": 0}) == []


def test_user_access_pagination(emu):
    ws = emu.create_workspace("uap")["id"]
    for email in (es.OWNER_EMAIL, es.ADMIN_EMAIL, es.MEMBER_EMAIL, es.NOKEY_EMAIL):
        emu.grant_user(ws, emu.user_id(email))
    p = f"/workspaces/{ws}/user_access/filter"
    everything = flt(emu.owner, p)
    pages = [flt(emu.owner, p, {"limit": 1, "offset": i}) for i in range(5)]
    assert [len(x) for x in pages] == [1, 1, 1, 1, 0]
    assert [x[0] for x in pages[:4]] == everything


def test_default_limit_is_200(emu):
    emu.populate(teams=230, prefix="lim")
    rows = expect(emu.owner.post(f"{ACCT}/teams/filter", json={}), 200)
    assert len(rows) == 200
    rows = expect(emu.owner.post(f"{ACCT}/teams/filter"), 200)
    assert len(rows) == 200
    rest = expect(emu.owner.post(f"{ACCT}/teams/filter", json={"offset": 200}), 200)
    assert len(rest) == 30
    assert not {r["id"] for r in rows} & {r["id"] for r in rest}


# ------------------------------------------------------------------------------- more criteria

def test_team_filter_by_member_users_and_bots(emu):
    t1, t2, t3 = emu.create_team("with-mia"), emu.create_team("with-bot"), emu.create_team("empty")
    bot = emu.create_bot("tb")
    mia = emu.user_id(es.MEMBER_EMAIL)
    expect(emu.owner.put(f"{ACCT}/teams/{t1['id']}/members", json={"members": [
        {"member_id": mia, "member_type": "user"}]}), 200)
    expect(emu.owner.put(f"{ACCT}/teams/{t2['id']}/members", json={"members": [
        {"member_id": bot["id"], "member_type": "service_account"}]}), 200)
    assert flt(emu.owner, "/teams/filter", {"users": {"email": {"any_": [es.MEMBER_EMAIL]}}}) == [t1["id"]]
    assert flt(emu.owner, "/teams/filter", {"users": {"id": {"any_": [mia]}}}) == [t1["id"]]
    assert flt(emu.owner, "/teams/filter", {"bots": {"name": {"any_": ["tb"]}}}) == [t2["id"]]
    assert flt(emu.owner, "/teams/filter", {"bots": {"id": {"any_": [bot["id"]]}}}) == [t2["id"]]
    assert set(flt(emu.owner, "/teams/filter", {})) == {t1["id"], t2["id"], t3["id"]}


def test_user_access_filter_more_user_criteria(emu):
    ws = emu.create_workspace("ua2")["id"]
    ids = {}
    for email in (es.OWNER_EMAIL, es.MEMBER_EMAIL, es.NOKEY_EMAIL):
        ids[email] = emu.grant_user(ws, emu.user_id(email))["id"]
    p = f"/workspaces/{ws}/user_access/filter"
    assert set(flt(emu.owner, p, {"users": {"email": {"like_": "N"}}})) == {ids[es.NOKEY_EMAIL]}
    assert set(flt(emu.owner, p, {"users": {"handle": {"any_": ["mia", "olive"]}}})) == {
        ids[es.MEMBER_EMAIL], ids[es.OWNER_EMAIL]}
    assert flt(emu.owner, p, {"users": {"name": {"like_": "nokey"}}}) == [ids[es.NOKEY_EMAIL]]
    emails = flt(emu.owner, p, {"sort": "EMAIL_DESC"}, key="email")
    assert emails == sorted(emails, reverse=True) and len(emails) == 3


def test_bot_access_filter_like_and_sort(emu):
    ws = emu.create_workspace("ba2")["id"]
    for n in ("zeta-bot", "alpha-bot", "mid-robot"):
        emu.grant_bot(ws, emu.create_bot(n)["id"])
    p = f"/workspaces/{ws}/bot_access/filter"
    assert sorted(flt(emu.owner, p, {"bots": {"name": {"like_": "-BOT"}}}, key="bot_name")) == [
        "alpha-bot", "zeta-bot"]
    assert flt(emu.owner, p, {"sort": "BOT_NAME_ASC"}, key="bot_name") == ["alpha-bot", "mid-robot", "zeta-bot"]
    assert flt(emu.owner, p, {"sort": "BOT_NAME_DESC"}, key="bot_name") == ["zeta-bot", "mid-robot", "alpha-bot"]


def test_member_sees_only_accessible_workspaces_in_filter(emu):
    a = emu.create_workspace("visible")
    emu.create_workspace("hidden")
    emu.grant_user(a["id"], emu.user_id(es.MEMBER_EMAIL))
    assert flt(emu.member, "/workspaces/filter", key="handle") == ["visible"]
    assert sorted(flt(emu.owner, "/workspaces/filter", key="handle")) == ["hidden", "visible"]
