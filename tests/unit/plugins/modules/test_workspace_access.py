"""prefect.cloud.workspace_access: option rules (no server), then single and bulk grants against the emulator."""

import pytest

from ansible_collections.prefect.cloud.plugins.modules import bot, team, workspace_access
from ansible_collections.prefect.cloud.plugins.modules.workspace_access import parse_access_options

from unit_seed import ACCOUNT_ID

ACCOUNT = "/accounts/%s" % ACCOUNT_ID
ALICE = "alice@unit.test"
MEMBER = "member@unit.test"
OWNER = "owner@unit.test"

SINGLE = {"workspace": "dev", "user": None, "bot": None, "team": None, "workspace_role": None, "grants": None, "exclusive": False, "state": "present"}


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
        ({"grants": [], "exclusive": True, "state": "absent"}, "exclusive cannot be combined with state=absent"),
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
