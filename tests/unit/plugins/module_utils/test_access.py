"""Workspace access on the wire: which method, path and id each kind of grant uses."""

from ansible_collections.prefect.cloud.plugins.module_utils._resources.access import (
    KINDS,
    AccessLists,
    AccessWrite,
    CallerAccessPlan,
    GrantChange,
    collaborators_leaving,
)

from fake_api import FakeConnection, RecordingClient

WS_ID = "w1"
WORKSPACE = {"id": WS_ID, "handle": "dev"}
WS = "/accounts/a1/workspaces/w1"
USER_ID = "9a7e3c11-0d5b-4f4e-b0a1-1c2d3e4f5a6b"


def api_with(client=None):
    client = client or RecordingClient()
    return FakeConnection(client, account_id="a1").api, client


def test_users_and_bots_are_upserted_with_one_post_and_teams_with_one_put():
    api, client = api_with()
    KINDS["user"].upsert(api, WS_ID, [("u1", "r1"), ("u2", "r2")])
    KINDS["bot"].upsert(api, WS_ID, [("b1", "r1")])
    KINDS["team"].upsert(api, WS_ID, [("t1", "r3")])
    assert client.calls == [
        ("POST", WS + "/user_access/", [{"user_id": "u1", "workspace_role_id": "r1"}, {"user_id": "u2", "workspace_role_id": "r2"}]),
        ("POST", WS + "/bot_access/", [{"bot_id": "b1", "workspace_role_id": "r1"}]),
        ("PUT", WS + "/team_access/", [{"team_id": "t1", "workspace_role_id": "r3"}]),
    ]
    # Every upsert gives the same state when sent twice, so a lost response may be resent.
    assert [s["safe_to_resend"] for s in client.sent] == [True, True, True]


def test_team_grants_are_revoked_by_team_id_the_others_by_access_id():
    api, client = api_with()
    for accessor, row in (("user", {"id": "acc-1", "user_id": "u1"}), ("bot", {"id": "acc-2", "bot_id": "b1"}),
                          ("team", {"team_id": "t1", "team_name": "ops"})):
        AccessWrite.revocation(accessor, dict(row, workspace_role_id="r1")).send(api, WS_ID)
    assert [c[:2] for c in client.calls] == [
        ("DELETE", WS + "/user_access/acc-1"),
        ("DELETE", WS + "/bot_access/acc-2"),
        ("DELETE", WS + "/team_access/t1"),
    ]


def test_lists_are_read_from_their_filter_endpoint():
    api, client = api_with()
    lists = AccessLists.read(api, WORKSPACE)
    assert client.calls == [("LIST", WS + "/%s_access/filter" % kind, {}) for kind in ("user", "bot", "team")]
    assert lists.rows == {"user": [], "bot": [], "team": []}


def test_grants_are_found_by_server_side_filter_ids_and_names_apart():
    rows = {
        "user": [{"id": "acc-1", "user_id": USER_ID, "email": "alice@acme.io"}],
    }
    client = RecordingClient(lists={WS + "/user_access/filter": rows["user"]})
    api, client = api_with(client)
    found = AccessLists.read(api, WORKSPACE, {"user": [USER_ID.upper(), "alice@acme.io"]}).rows["user"]
    assert [row["id"] for row in found] == ["acc-1"]  # the same grant found twice is listed once
    assert client.calls == [
        ("LIST", WS + "/user_access/filter", {"users": {"id": {"any_": [USER_ID]}}}),
        ("LIST", WS + "/user_access/filter", {"users": {"email": {"any_": ["alice@acme.io"]}}}),
    ]


def test_team_grants_are_read_whole_and_matched_here():
    teams = [{"team_id": "T1", "team_name": "ops"}, {"team_id": "t2", "team_name": "dev"}]
    client = RecordingClient(lists={WS + "/team_access/filter": teams})
    api, client = api_with(client)
    assert AccessLists.read(api, WORKSPACE, {"team": ["dev", "T2"]}).rows["team"] == [teams[1]]
    assert client.calls == [("LIST", WS + "/team_access/filter", {})]


def test_grants_are_found_by_id_or_name_emails_without_case():
    lists = AccessLists(
        {"handle": "dev"},
        {
            "user": [{"id": "acc-1", "user_id": USER_ID, "email": "Alice@Acme.io"}],
            "bot": [{"id": "acc-2", "bot_id": "b1", "bot_name": "Deployer"}],
            "team": [{"team_id": "t1", "team_name": "ops"}],
        },
    )
    assert lists.find("user", "alice@acme.io")["id"] == "acc-1"
    assert lists.find("user", USER_ID.upper())["id"] == "acc-1"
    assert lists.find("bot", "Deployer")["id"] == "acc-2"
    assert lists.find("bot", "deployer") is None  # bot names are case-sensitive
    assert lists.find("team", "ops")["team_id"] == "t1"
    assert [kind for kind, _row in lists.all()] == ["user", "bot", "team"]


# -- planning the caller's own writes ---------------------------------------------------------

USERS, BOTS, TEAMS = "manage_workspace_users", "manage_workspace_service_accounts", "manage_workspace_teams"
ROLE_SCOPES = {"owner": {USERS, BOTS, TEAMS, "see_flows"}, "users": {USERS}, "teams": {TEAMS}, "viewer": {"see_flows"}}


def upsert(accessor, ident, before, after):
    return AccessWrite(accessor, [GrantChange(ident, "%s %r" % (accessor, ident), before, after)])


def plan_for(held, writes):
    return CallerAccessPlan(held, writes, lambda role: ROLE_SCOPES[role])


def test_others_writes_go_first_and_the_callers_own_keep_the_most_scopes_longest():
    others = upsert("user", "ALICE", "viewer", "owner")
    demote_own_user = upsert("user", "me", "owner", "viewer")
    promote_own_team = upsert("team", "t1", "viewer", "owner")
    plan = plan_for({("user", "me"): "owner", ("team", "t1"): "viewer"}, [demote_own_user, promote_own_team, others])
    assert plan.ordered == [others, promote_own_team, demote_own_user]
    assert plan.lost == [] and plan.stuck is None


def test_an_upsert_is_split_into_others_grants_and_the_callers_own():
    batch = AccessWrite("team", [GrantChange("t1", "team 't1'", "owner", "viewer"), GrantChange("t2", "team 't2'", "owner", "viewer")])
    plan = plan_for({("user", "me"): "owner", ("team", "t1"): "owner"}, [batch])
    assert [[c.ident for c in w.changes] for w in plan.ordered] == [["t2"], ["t1"]]


def test_losing_a_managing_scope_is_reported():
    plan = plan_for({("user", "me"): "owner"}, [upsert("user", "me", "owner", "users")])
    assert plan.lost == [BOTS, TEAMS] and plan.stuck is None


def test_writes_that_take_each_others_scope_have_no_order_and_are_stuck():
    # The user grant alone gives the team scope, the team grant alone the user scope: whichever goes first,
    # the other can no longer be written.
    writes = [upsert("user", "me", "teams", "viewer"), upsert("team", "t1", "users", "viewer")]
    plan = plan_for({("user", "me"): "teams", ("team", "t1"): "users"}, writes)
    assert plan.stuck is not None and len(plan.ordered) == 2
    assert plan.lost == [TEAMS, USERS]


# -- Collaborators whose last workspace access a revocation takes ---------------------------------

CAROL_ID = "c0000000-0000-4000-8000-00000000000c"
MIA_ID = "d0000000-0000-4000-8000-00000000000d"


def collaborator_account(elsewhere):
    """Carol is a Collaborator, Mia a Member; ``elsewhere`` lists Carol's grants on workspace w2."""
    members = [
        {"user_id": CAROL_ID, "email": "carol@acme.io", "account_role_name": "Collaborator"},
        {"user_id": MIA_ID, "email": "mia@acme.io", "account_role_name": "Member"},
    ]
    return RecordingClient(lists={
        "/accounts/a1/account_memberships/filter": members,
        "/accounts/a1/workspaces/filter": [{"id": "w1", "handle": "dev"}, {"id": "w2", "handle": "prod"}],
        "/accounts/a1/workspaces/w2/user_access/filter": elsewhere,
    })


def revoked(*users):
    return [{"id": "acc-%s" % user_id, "user_id": user_id, "email": email} for user_id, email in users]


def test_a_collaborator_losing_the_last_workspace_access_leaves_the_account():
    api, client = api_with(collaborator_account(elsewhere=[]))
    rows = revoked((CAROL_ID, "Carol@acme.io"), (MIA_ID, "mia@acme.io"))
    assert collaborators_leaving(api, FakeConnection(client, account_id="a1").resolver, WS_ID, rows) == ["carol@acme.io"]
    # the other workspaces are asked about the Collaborators only, this one not at all
    reads = [(path, body) for method, path, body in client.calls if method == "LIST"]
    assert ("/accounts/a1/workspaces/w2/user_access/filter", {"users": {"id": {"any_": [CAROL_ID]}}}) in reads
    assert not any(path.startswith(WS + "/") for path, _body in reads)


def test_a_collaborator_with_access_elsewhere_stays_and_members_are_never_asked_about():
    api, client = api_with(collaborator_account(elsewhere=[{"id": "acc-x", "user_id": CAROL_ID.upper()}]))
    resolver = FakeConnection(client, account_id="a1").resolver
    assert collaborators_leaving(api, resolver, WS_ID, revoked((CAROL_ID, "carol@acme.io"))) == []
    api, client = api_with(collaborator_account(elsewhere=[]))
    resolver = FakeConnection(client, account_id="a1").resolver
    assert collaborators_leaving(api, resolver, WS_ID, revoked((MIA_ID, "mia@acme.io"))) == []
    assert [path for _method, path, _body in client.calls] == ["/accounts/a1/account_memberships/filter"]


def test_no_user_revoked_reads_nothing():
    api, client = api_with(collaborator_account(elsewhere=[]))
    assert collaborators_leaving(api, FakeConnection(client, account_id="a1").resolver, WS_ID, []) == []
    assert client.calls == []
