"""prefect.cloud.workspace_access with ``workspaces``: the grants of many workspaces in one run, against the emulator."""

import pytest

from ansible_collections.prefect.cloud.plugins.modules import bot, team, workspace_access

from unit_seed import ACCOUNT_ID

ACCOUNT = "/accounts/%s" % ACCOUNT_ID
ALICE = "alice@unit.test"
MEMBER = "member@unit.test"


@pytest.fixture
def two_workspaces(make_client, run_module):
    """Workspaces ``dev`` and ``prod``, bot ``deployer`` and team ``ops``; the workspaces' ids."""
    client = make_client()
    ids = {handle: client.post(ACCOUNT + "/workspaces/", json={"name": handle.title(), "handle": handle})["id"] for handle in ("dev", "prod")}
    assert run_module(bot, name="deployer")["changed"]
    assert run_module(team, name="ops")["changed"]
    return ids


def paths(result):
    """``(method, path below the account)`` of every request a run sent."""
    return [(r["method"], r["path"].split(ACCOUNT, 1)[-1]) for r in result["_requests"]]


def writes(result):
    return [(method, path) for method, path in paths(result) if method != "GET" and not path.endswith(("/filter", "/count"))]


DECLARED = [
    {"workspace": "dev", "grants": [{"team": "ops", "workspace_role": "Developer"}, {"bot": "deployer", "workspace_role": "Runner"}]},
    {"workspace": "prod", "grants": [{"team": "ops", "workspace_role": "Viewer"}, {"user": ALICE, "workspace_role": "Viewer"}]},
]


def test_many_workspaces_are_predicted_converged_and_left_alone_in_one_run(run_module, two_workspaces):
    check = run_module(workspace_access, workspaces=DECLARED, check_mode=True)
    assert check["changed"] and writes(check) == []
    assert [(r["workspace"], r["changed"], r["action"]) for r in check["results"]] == [("dev", True, "update"), ("prod", True, "update")]

    real = run_module(workspace_access, workspaces=DECLARED)
    assert real["changed"] and real["diff"] == check["diff"] and real["results"] == check["results"]
    assert real["msg"] == "2 workspace access lists: 2 updated"
    assert real["workspaces"] == [
        {"workspace": "dev", "grants": [{"bot": "deployer", "workspace_role": "Runner"}, {"team": "ops", "workspace_role": "Developer"}]},
        {"workspace": "prod", "grants": [{"user": ALICE, "workspace_role": "Viewer"}, {"team": "ops", "workspace_role": "Viewer"}]},
    ]
    dev, prod = "/workspaces/%s/" % two_workspaces["dev"], "/workspaces/%s/" % two_workspaces["prod"]
    assert writes(real) == [("POST", dev + "bot_access/"), ("PUT", dev + "team_access/"),
                            ("POST", prod + "user_access/"), ("PUT", prod + "team_access/")]

    again = run_module(workspace_access, workspaces=DECLARED)
    assert not again["changed"] and again["msg"] == "2 workspace access lists unchanged" and again["leaves_account"] == []
    # One read of the workspaces and one of the role catalogue for both; then each workspace's three lists.
    reads = [path for _method, path in paths(again) if not path.startswith("/me/")]  # the account handle, resolved once
    assert reads.count("/workspaces/filter") == 1 and reads.count("/workspace_roles/filter") == 1
    assert sorted(reads) == sorted(["/workspaces/filter", "/workspace_roles/filter"] + [
        ws + kind + "_access/filter" for ws in (dev, prod) for kind in ("user", "bot", "team")])


def test_a_refusal_in_one_workspace_leaves_every_workspace_unwritten(run_module, two_workspaces):
    declared = [DECLARED[0], dict(DECLARED[1], grants=DECLARED[1]["grants"] + [{"bot": "ghost", "workspace_role": "Viewer"}])]
    result = run_module(workspace_access, workspaces=declared)
    assert result["failed"] and result["msg"] == "workspaces[1]: bot 'ghost' not found"
    assert writes(result) == []  # dev, planned first, was not written either


def test_the_removal_bound_applies_to_each_workspace(run_module, two_workspaces):
    run_module(workspace_access, workspaces=DECLARED)
    # dev loses two grants, prod one: within a bound of 2 for each workspace, over it for the task as a whole.
    kept = [{"workspace": "dev", "grants": []}, {"workspace": "prod", "grants": [DECLARED[1]["grants"][0]]}]
    within = run_module(workspace_access, workspaces=kept, exclusive=True, allow_remove_all=True, max_removals=2, check_mode=True)
    assert within["changed"] and not within["failed"]
    over = run_module(workspace_access, workspaces=kept, exclusive=True, allow_remove_all=True, max_removals=1)
    assert over["failed"] and over["msg"].startswith("workspaces[0]: ") and "grants on workspace 'dev'" in over["msg"]
    assert writes(over) == []


def test_one_workspace_named_twice_is_refused_before_any_plan(run_module, two_workspaces):
    twice = [DECLARED[0], dict(DECLARED[0], workspace=two_workspaces["dev"].upper())]
    result = run_module(workspace_access, workspaces=twice)
    assert result["failed"] and result["msg"].startswith("workspaces[1] names the same workspace as workspaces[0]")
    assert writes(result) == []
    repeated = run_module(workspace_access, workspaces=[DECLARED[0], DECLARED[0]])
    assert repeated["failed"] and repeated["msg"] == "workspaces[1] repeats the workspace 'dev' of workspaces[0]: list each once"


@pytest.mark.parametrize(
    "args, message",
    [
        ({"workspaces": [{"workspace": "dev", "grants": [{"bot": "deployer"}]}]},
         "workspaces[0]: grants[0] has no workspace_role (required when state=present)"),
        ({"workspaces": [], "workspace": "dev"}, "parameters are mutually exclusive: workspace|workspaces"),
        ({"workspaces": [], "grants": []}, "parameters are mutually exclusive"),
        ({"user": ALICE, "workspace_role": "Viewer"}, "one of the following is required: workspace, workspaces"),
    ],
)
def test_bad_input_is_refused_before_any_request(emulator, run_module, args, message):
    mark = emulator.last_seq()
    result = run_module(workspace_access, **args)
    assert result["failed"] and message in result["msg"], result["msg"]
    assert emulator.log(mark) == []
