"""prefect.cloud.workspace_access: option rules (no server), then single and bulk grants against the emulator."""

import pytest

from ansible_collections.prefect.cloud.plugins.modules import bot, team, workspace_access, workspace_role
from ansible_collections.prefect.cloud.plugins.modules.workspace_access import parse_access_options

from unit_seed import ACCOUNT_ID, MEMBER_KEY

ACCOUNT = "/accounts/%s" % ACCOUNT_ID
ALICE = "alice@unit.test"
MEMBER = "member@unit.test"
OWNER = "owner@unit.test"

SINGLE = {
    "workspace": "dev", "user": None, "bot": None, "team": None, "workspace_role": None, "grants": None,
    "exclusive": False, "allow_caller_lockout": False, "state": "present",
}


def options(**params):
    return dict(SINGLE, **params)


def grant(**entry):
    """One entry of ``grants`` as argument_spec hands it over (every suboption present)."""
    return dict({"user": None, "bot": None, "team": None, "workspace_role": None}, **entry)


# -- options: refused before any request, naming the option ---------------------------------


@pytest.mark.parametrize(
    "params, message",
    [
        ({"user": ALICE, "workspace_role": "Viewer", "exclusive": True}, "exclusive applies to grants"),
        ({"bot": "deployer"}, "workspace_role is required to grant access to a bot (state=present)"),
        ({"user": "", "workspace_role": "Viewer"}, "user must not be empty"),
        ({"grants": [], "workspace_role": "Viewer"}, "workspace_role goes into each entry of grants"),
        ({"grants": [grant(user=ALICE, workspace_role="Viewer"), grant(user="x@unit.test", bot="ci", workspace_role="Viewer")]},
         "grants[1] must name exactly one of user, bot or team, got user and bot"),
        ({"grants": [grant(workspace_role="Viewer")]}, "grants[0] must name exactly one of user, bot or team, got none"),
        ({"grants": [grant(team="", workspace_role="Viewer")]}, "grants[0].team must not be empty"),
        ({"grants": [grant(bot="ci")]}, "grants[0] has no workspace_role (required when state=present)"),
        ({"grants": [grant(user=ALICE, workspace_role="Viewer"), grant(user="ALICE@unit.test", workspace_role="Runner")]},
         "grants[1] repeats the user 'ALICE@unit.test' of grants[0]: list each accessor once"),
    ],
)
def test_bad_options_are_refused_naming_the_option(params, message):
    with pytest.raises(ValueError) as info:
        parse_access_options(options(**params))
    assert message in str(info.value)


def test_good_options_pass():
    assert parse_access_options(options(user=ALICE, workspace_role="Viewer"))["user"] == ALICE
    assert parse_access_options(options(team="ops", state="absent"))  # no role needed to revoke
    grants = [grant(bot="ci"), grant(bot="CI")]  # bot names are case-sensitive: two bots
    assert parse_access_options(options(grants=grants, state="absent"))["grants"] == grants
    assert parse_access_options(options(grants=[], exclusive=True))["grants"] == []


def test_option_errors_reach_the_task_before_any_request(emulator, run_module):
    mark = emulator.last_seq()
    result = run_module(workspace_access, workspace="dev", grants=[{"user": ALICE}])
    assert result["failed"] and result["msg"] == "grants[0] has no workspace_role (required when state=present)"
    assert emulator.log(mark) == []


# -- against the emulator -------------------------------------------------------------------


def writes(result):
    """``(method, path below the workspace, safe_to_resend)`` of the writes a run sent."""
    return [
        (r["method"], r["path"].split("/workspaces/")[-1].split("/", 1)[-1], r["safe_to_resend"])
        for r in result["_requests"]
        if r["method"] != "GET" and not r["path"].endswith(("/filter", "/count"))
    ]


@pytest.fixture
def workspace(make_client):
    return make_client().post(ACCOUNT + "/workspaces/", json={"name": "Dev", "handle": "dev"})


@pytest.fixture
def accessors(run_module, workspace):
    """Bots ``deployer`` and ``ci`` (Admins, so their keys could run the module) and team ``ops``; their keys."""
    keys = {}
    for name in ("deployer", "ci"):
        created = run_module(bot, name=name, account_role="Admin")
        assert created["changed"], created
        keys[name] = created["api_key"]
    assert run_module(team, name="ops")["changed"]
    return keys


def test_a_single_grant_is_predicted_made_changed_and_revoked(run_module, accessors):
    check = run_module(workspace_access, workspace="dev", user="ALICE@unit.test", workspace_role="Viewer", check_mode=True)
    expected = {"workspace": "dev", "user": ALICE, "workspace_role": "Viewer"}
    assert check["changed"] and check["diff"] == {"before": {}, "after": expected} and writes(check) == []

    real = run_module(workspace_access, workspace="dev", user="ALICE@unit.test", workspace_role="Viewer")
    assert real["changed"] and real["diff"] == check["diff"]
    assert real["msg"] == "user 'ALICE@unit.test' in workspace 'dev' created"
    assert writes(real) == [("POST", "user_access/", True)]  # an upsert: safe to resend
    assert not run_module(workspace_access, workspace="dev", user=ALICE, workspace_role="Viewer")["changed"]

    changed = run_module(workspace_access, workspace="dev", user=ALICE, workspace_role="Developer")
    assert changed["changed"] and changed["diff"]["after"]["workspace_role"] == "Developer"
    assert writes(changed) == [("POST", "user_access/", True)]

    access_id = changed["workspace_access"]["id"]
    revoked = run_module(workspace_access, workspace="dev", user=ALICE, state="absent")
    assert revoked["changed"] and writes(revoked) == [("DELETE", "user_access/%s" % access_id, True)]
    assert not run_module(workspace_access, workspace="dev", user=ALICE, state="absent")["changed"]


def test_a_team_grant_is_a_put_and_is_revoked_by_team_id(run_module, accessors):
    granted = run_module(workspace_access, workspace="dev", team="ops", workspace_role="Runner")
    assert granted["changed"] and writes(granted) == [("PUT", "team_access/", True)]
    team_id = granted["workspace_access"]["team_id"]
    revoked = run_module(workspace_access, workspace="dev", team="ops", state="absent")
    assert writes(revoked) == [("DELETE", "team_access/%s" % team_id, True)]


@pytest.mark.parametrize(
    "args, message",
    [
        ({"user": "nobody@unit.test", "workspace_role": "Viewer"}, "user 'nobody@unit.test' not found"),
        ({"bot": "ghost", "workspace_role": "Viewer"}, "bot 'ghost' not found"),
        ({"user": ALICE, "workspace_role": "Boss"}, "workspace role 'Boss' not found"),
    ],
)
def test_missing_references_fail_and_check_mode_only_warns(run_module, accessors, args, message):
    result = run_module(workspace_access, workspace="dev", **args)
    assert result["failed"] and message in result["msg"]
    check = run_module(workspace_access, workspace="dev", check_mode=True, **args)
    assert check["changed"] and not check["failed"]
    assert any(message in w for w in check["warnings"])


def test_bulk_grants_send_one_write_per_kind_of_accessor(run_module, accessors):
    grants = [
        {"team": "ops", "workspace_role": "Runner"},
        {"user": ALICE, "workspace_role": "Viewer"},
        {"bot": "deployer", "workspace_role": "Developer"},
        {"user": MEMBER, "workspace_role": "Developer"},
    ]
    check = run_module(workspace_access, workspace="dev", grants=grants, check_mode=True)
    expected = {
        "workspace": "dev",
        "grants": [
            {"user": ALICE, "workspace_role": "Viewer"},
            {"user": MEMBER, "workspace_role": "Developer"},
            {"bot": "deployer", "workspace_role": "Developer"},
            {"team": "ops", "workspace_role": "Runner"},
        ],
    }
    assert check["changed"] and check["diff"] == {"before": {"workspace": "dev", "grants": []}, "after": expected}
    real = run_module(workspace_access, workspace="dev", grants=grants)
    assert real["changed"] and real["diff"] == check["diff"] and real["workspace_access"] == expected
    assert real["msg"] == "access to workspace 'dev' updated"
    assert writes(real) == [("POST", "user_access/", True), ("POST", "bot_access/", True), ("PUT", "team_access/", True)]

    again = run_module(workspace_access, workspace="dev", grants=grants)
    assert not again["changed"] and writes(again) == []
    # Only what differs is sent.
    grants[1]["workspace_role"] = "Runner"
    one = run_module(workspace_access, workspace="dev", grants=grants)
    assert one["changed"] and writes(one) == [("POST", "user_access/", True)]


def test_the_same_accessor_by_id_and_by_name_is_refused(run_module, accessors):
    user_id = run_module(workspace_access, workspace="dev", user=ALICE, workspace_role="Viewer")["workspace_access"]["user_id"]
    grants = [{"user": ALICE, "workspace_role": "Viewer"}, {"user": user_id.upper(), "workspace_role": "Runner"}]
    result = run_module(workspace_access, workspace="dev", grants=grants)
    assert result["failed"]
    assert result["msg"] == "grants[0] and grants[1] name the same user (alice@unit.test): list each accessor once"
    assert writes(result) == []


def test_bulk_references_are_checked_before_any_write(run_module, accessors):
    grants = [{"user": ALICE, "workspace_role": "Viewer"}, {"bot": "ghost", "workspace_role": "Viewer"}]
    result = run_module(workspace_access, workspace="dev", grants=grants)
    assert result["failed"] and result["msg"] == "bot 'ghost' not found"
    assert writes(result) == []


def test_bulk_absent_revokes_only_the_listed_grants(run_module, accessors):
    run_module(workspace_access, workspace="dev", grants=[
        {"user": ALICE, "workspace_role": "Viewer"}, {"bot": "ci", "workspace_role": "Viewer"}, {"team": "ops", "workspace_role": "Viewer"},
    ])
    result = run_module(workspace_access, workspace="dev", state="absent", grants=[{"bot": "ci"}, {"team": "ops"}, {"user": MEMBER}])
    assert result["changed"]
    assert [method for method, _path, _safe in writes(result)] == ["DELETE", "DELETE"]
    left = run_module(workspace_access, workspace="dev", grants=[], exclusive=True, check_mode=True)
    assert left["diff"]["before"]["grants"] == [{"user": ALICE, "workspace_role": "Viewer"}]


def test_exclusive_revokes_the_unlisted_but_keeps_the_callers_own_grants(run_module, accessors):
    run_module(team, name="ops", users=[OWNER])  # the caller is in team ops
    run_module(workspace_access, workspace="dev", grants=[
        {"user": OWNER, "workspace_role": "Owner"},
        {"user": MEMBER, "workspace_role": "Viewer"},
        {"bot": "ci", "workspace_role": "Viewer"},
        {"team": "ops", "workspace_role": "Runner"},
    ])
    for check_mode in (True, False):
        result = run_module(workspace_access, workspace="dev", grants=[{"user": ALICE, "workspace_role": "Viewer"}], exclusive=True, check_mode=check_mode)
        assert result["changed"] and not result["failed"]
        assert result["diff"]["after"]["grants"] == [
            {"user": ALICE, "workspace_role": "Viewer"},
            {"user": OWNER, "workspace_role": "Owner"},
            {"team": "ops", "workspace_role": "Runner"},
        ]
        assert any("user 'owner@unit.test' keeps its Owner access" in w and "caller's own access" in w for w in result["warnings"])
        assert any("team 'ops' keeps its Runner access" in w for w in result["warnings"])
    assert [(method, path.split("/")[0]) for method, path, _safe in writes(result)] == [
        ("POST", "user_access"), ("DELETE", "user_access"), ("DELETE", "bot_access"),
    ]
    again = run_module(workspace_access, workspace="dev", grants=[{"user": ALICE, "workspace_role": "Viewer"}], exclusive=True)
    assert not again["changed"] and writes(again) == []


def test_exclusive_run_by_a_bot_keeps_that_bots_own_grant(run_module, accessors):
    run_module(workspace_access, workspace="dev", grants=[{"bot": "deployer", "workspace_role": "Owner"}, {"bot": "ci", "workspace_role": "Viewer"}])
    result = run_module(workspace_access, workspace="dev", grants=[], exclusive=True, api_key=accessors["deployer"])
    assert not result["failed"], result["msg"]
    assert result["changed"]
    assert result["diff"]["after"]["grants"] == [{"bot": "deployer", "workspace_role": "Owner"}]
    assert [(method, path.split("/")[0]) for method, path, _safe in writes(result)] == [("DELETE", "bot_access")]
    assert not any(accessors["deployer"] in w for w in result["warnings"])


# -- the caller's own right to manage the workspace's access ---------------------------------


@pytest.fixture
def member_manages_dev(run_module, accessors):
    """member@unit.test (account role Member) is workspace Owner of dev through its user grant and team ops; Alice views it."""
    assert run_module(team, name="ops", users=[MEMBER])["changed"]
    run_module(workspace_access, workspace="dev", grants=[
        {"user": MEMBER, "workspace_role": "Owner"},
        {"team": "ops", "workspace_role": "Owner"},
        {"user": ALICE, "workspace_role": "Viewer"},
    ])


DEMOTE_BOTH = [{"user": MEMBER, "workspace_role": "Viewer"}, {"team": "ops", "workspace_role": "Viewer"}]


@pytest.mark.parametrize("check_mode", [True, False])
def test_exclusive_refuses_to_demote_every_grant_the_caller_manages_access_through(run_module, member_manages_dev, check_mode):
    result = run_module(workspace_access, workspace="dev", grants=DEMOTE_BOTH, exclusive=True, api_key=MEMBER_KEY, check_mode=check_mode)
    assert result["failed"], result
    assert result["msg"] == (
        "refusing to change access to workspace 'dev': the caller would lose the right to manage the workspace's access "
        "(manage_workspace_service_accounts, manage_workspace_teams, manage_workspace_users) that it holds through its "
        "own grants - user 'member@unit.test' (Owner -> Viewer) and team 'ops' (Owner -> Viewer). Keep one of them "
        "with a role that manages access, or set allow_caller_lockout: true to do it anyway"
    )
    assert writes(result) == []


def test_allow_caller_lockout_demotes_the_callers_own_grants_last(run_module, member_manages_dev):
    result = run_module(
        workspace_access, workspace="dev", grants=DEMOTE_BOTH, exclusive=True, allow_caller_lockout=True, api_key=MEMBER_KEY,
    )
    assert not result["failed"], result["msg"]
    # Alice's grant goes while the caller may still revoke it; its own grants follow, each sent while it holds the scope.
    assert [(method, path.split("/")[0]) for method, path, _safe in writes(result)] == [
        ("DELETE", "user_access"), ("POST", "user_access"), ("PUT", "team_access"),
    ]
    assert any("the caller would lose" in w and "allow_caller_lockout is set" in w for w in result["warnings"])
    # The caller may still read the workspace's access, and the run reported what it left.
    assert result["workspace_access"]["grants"] == [
        {"user": MEMBER, "workspace_role": "Viewer"}, {"team": "ops", "workspace_role": "Viewer"},
    ]


def test_a_caller_keeping_one_managing_grant_may_demote_the_other(run_module, member_manages_dev):
    grants = [{"user": MEMBER, "workspace_role": "Viewer"}, {"team": "ops", "workspace_role": "Owner"}]
    result = run_module(workspace_access, workspace="dev", grants=grants, exclusive=True, api_key=MEMBER_KEY)
    assert not result["failed"], result["msg"]
    assert [(method, path.split("/")[0]) for method, path, _safe in writes(result)] == [("DELETE", "user_access"), ("POST", "user_access")]


def test_the_callers_own_writes_are_ordered_so_each_is_sent_with_the_scope_it_needs(run_module, member_manages_dev):
    # The caller moves its Owner role from its user grant to team ops, which only views now. User grants come
    # first in the request order; sending that demotion first would leave the caller unable to write team access.
    run_module(workspace_access, workspace="dev", team="ops", workspace_role="Viewer")
    grants = [{"user": MEMBER, "workspace_role": "Viewer"}, {"team": "ops", "workspace_role": "Owner"}]
    result = run_module(workspace_access, workspace="dev", grants=grants, api_key=MEMBER_KEY)
    assert not result["failed"], result["msg"]
    assert [(method, path.split("/")[0]) for method, path, _safe in writes(result)] == [("PUT", "team_access"), ("POST", "user_access")]
    assert result["workspace_access"]["grants"] == [{"user": MEMBER, "workspace_role": "Viewer"}, {"team": "ops", "workspace_role": "Owner"}]


@pytest.mark.parametrize("args", [{"workspace_role": "Viewer"}, {"state": "absent"}], ids=["demote", "revoke"])
def test_the_single_form_refuses_to_take_the_callers_last_managing_grant(run_module, accessors, args):
    run_module(workspace_access, workspace="dev", user=MEMBER, workspace_role="Owner")
    for check_mode in (True, False):
        result = run_module(workspace_access, workspace="dev", user=MEMBER, api_key=MEMBER_KEY, check_mode=check_mode, **args)
        assert result["failed"] and "refusing to change access to workspace 'dev': the caller would lose" in result["msg"]
        assert "user 'member@unit.test' (Owner -> " in result["msg"] and writes(result) == []
    allowed = run_module(workspace_access, workspace="dev", user=MEMBER, api_key=MEMBER_KEY, allow_caller_lockout=True, **args)
    assert allowed["changed"] and not allowed["failed"]


def test_an_account_owner_manages_every_workspace_so_may_demote_its_own_grant(run_module, accessors):
    run_module(workspace_access, workspace="dev", user=OWNER, workspace_role="Owner")
    result = run_module(workspace_access, workspace="dev", user=OWNER, workspace_role="Viewer")
    assert result["changed"] and not result["failed"] and not result["warnings"]


def test_a_bot_is_refused_demoting_its_own_last_managing_grant(run_module, accessors):
    key = run_module(bot, name="steward", account_role="Member")["api_key"]
    run_module(workspace_access, workspace="dev", grants=[{"bot": "steward", "workspace_role": "Owner"}, {"bot": "ci", "workspace_role": "Owner"}])
    result = run_module(workspace_access, workspace="dev", grants=[{"bot": "steward", "workspace_role": "Runner"}], api_key=key)
    assert result["failed"] and "bot 'steward' (Owner -> Runner)" in result["msg"] and writes(result) == []
    # Another bot's managing grant is no business of the guard's.
    other = run_module(workspace_access, workspace="dev", grants=[{"bot": "ci", "workspace_role": "Runner"}], api_key=key)
    assert other["changed"] and not other["failed"], other["msg"]
    assert not any(key in w for w in other["warnings"]) and key not in result["msg"]


def test_changes_that_no_order_lets_the_caller_send_are_refused_even_when_lockout_is_allowed(run_module, accessors):
    # The user grant alone lets the caller write team access, the team grant alone user access:
    # whichever demotion goes first, the other can no longer be sent.
    run_module(workspace_role, name="teams-steward", scopes=["manage_workspace_teams", "see_workspace_users", "see_workspace_service_accounts"])
    run_module(workspace_role, name="users-steward", scopes=["manage_workspace_users", "see_workspace_service_accounts"])
    run_module(team, name="ops", users=[MEMBER])
    run_module(workspace_access, workspace="dev", grants=[
        {"user": MEMBER, "workspace_role": "teams-steward"}, {"team": "ops", "workspace_role": "users-steward"},
    ])
    result = run_module(workspace_access, workspace="dev", grants=DEMOTE_BOTH, allow_caller_lockout=True, api_key=MEMBER_KEY)
    assert result["failed"] and "in no order of the writes does it still hold" in result["msg"], result["msg"]
    assert writes(result) == []
