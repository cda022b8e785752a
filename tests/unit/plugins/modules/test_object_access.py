"""prefect.cloud.work_pool_access, deployment_access, block_access and their info modules.

Option rules first (no server), then every behaviour against the emulator, reset to a variant of
the unit seed with a workspace of objects (``OBJECT_SEED``); the unit seed comes back after each test.
"""

import copy

import pytest

from ansible_collections.prefect.cloud.plugins.modules import (
    block_access,
    block_access_info,
    bot,
    deployment_access,
    deployment_access_info,
    team,
    work_pool_access,
    work_pool_access_info,
    workspace_access,
)

from unit_seed import MEMBER_KEY, UNIT_SEED

ALICE = "alice@unit.test"
MEMBER = "member@unit.test"
OWNER = "owner@unit.test"
EVERYONE = {"everyone": True, "users": [], "bots": [], "teams": []}
NOBODY = {"everyone": False, "users": [], "bots": [], "teams": []}

OBJECT_SEED = copy.deepcopy(UNIT_SEED)
OBJECT_SEED["workspaces"] = [
    {
        "handle": "prod",
        "name": "Production",
        "work_pools": [
            {"name": "k8s-prod", "type": "kubernetes"},
            {"name": "batch", "access": {"manage": [OWNER], "run": [OWNER, ALICE]}},
            {"name": "odd name #1"},
        ],
        "deployments": [
            {"name": "etl/nightly", "work_pool": "k8s-prod"},
            {"name": "etl/hourly"},
            {"name": "reports/weekly", "access": {"view": [OWNER]}},
        ],
        "block_documents": [
            {"name": "s3-bucket/raw-data"},
            {"name": "secret/warehouse", "access": {"manage": [OWNER], "view": [OWNER, ALICE]}},
        ],
    }
]


def level(everyone=False, users=(), bots=(), teams=()):
    return {"everyone": everyone, "users": list(users), "bots": list(bots), "teams": list(teams)}


def arg_level(**given):
    """A level option as argument_spec hands it over (every sub-option present)."""
    return dict({"everyone": False, "users": None, "bots": None, "teams": None}, **given)


@pytest.fixture
def objects(emulator):
    emulator.hook("POST", "/reset", json={"seed": OBJECT_SEED})
    yield emulator
    emulator.hook("POST", "/reset", json={"seed": UNIT_SEED})


@pytest.fixture
def actors(objects, run_module):
    """Bot ``deployer`` and team ``ops`` (with alice in it)."""
    assert run_module(bot, name="deployer")["changed"]
    assert run_module(team, name="ops", users=[ALICE])["changed"]
    return objects


def requests(result):
    """``(method, path below the workspace)`` of every request a run sent (account and workspace lookups included)."""
    out = []
    for r in result["_requests"]:
        path = r["path"]
        if "/workspaces/" in path and not path.endswith("/workspaces/filter"):
            path = path.split("/workspaces/", 1)[1].split("/", 1)[1]
        else:
            path = path.rsplit("/", 2)[-2] + "/" + path.rsplit("/", 1)[-1] if path.count("/") > 1 else path
        out.append((r["method"], path))
    # the account is inferred from the key's only account (run_module gives no account): not this module's doing
    return [request for request in out if request != ("GET", "me/accounts")]


def writes(result):
    return [(r["method"], r["path"].split("/workspaces/", 1)[-1].split("/", 1)[-1], r["json"]) for r in result["_requests"]
            if r["method"] not in ("GET",) and not r["path"].endswith(("/filter", "/count"))]


# -- options: bad input is refused before any request in the bad-input sweep (test_bad_input.py) ------


# -- a work pool, step by step ----------------------------------------------------------------------


def test_narrowing_a_level_is_predicted_written_once_and_then_unchanged(actors, run_module):
    args = dict(workspace="prod", work_pool="k8s-prod", run={"users": [ALICE.upper()], "bots": ["deployer"], "teams": ["ops"]})
    check = run_module(work_pool_access, check_mode=True, **args)
    before = {"workspace": "prod", "work_pool": "k8s-prod", "manage": EVERYONE, "run": EVERYONE, "view": EVERYONE}
    after = dict(before, run=level(users=[ALICE], bots=["deployer"], teams=["ops"]))
    assert not check["failed"], check["msg"]
    assert check["changed"] and check["diff"] == {"before": before, "after": after} and writes(check) == []
    assert check["access_changes"] == {"run": {"gains": {"users": [ALICE], "bots": ["deployer"], "teams": ["ops"]}, "loses": {"everyone": True}}}
    assert check["msg"] == (
        "access to work pool 'k8s-prod' in workspace 'prod' updated: run gains user 'alice@unit.test', bot 'deployer', "
        "team 'ops', loses everyone (narrows it to the actors named)"
    )

    real = run_module(work_pool_access, **args)
    assert real["changed"] and real["diff"] == check["diff"] and real["msg"] == check["msg"]
    assert real["access_changes"] == check["access_changes"]
    assert real["work_pool_access"]["run"] == after["run"] and real["work_pool_access"]["id"]
    [(method, path, body)] = writes(real)
    assert (method, path) == ("PUT", "work_pools/k8s-prod/access")
    access = body["access_control"]
    # the levels not given are sent as read: everyone
    assert access["manage_actor_ids"] == ["*"] and access["view_actor_ids"] == ["*"]
    assert access["manage_team_ids"] == [] and len(access["run_actor_ids"]) == 2 and len(access["run_team_ids"]) == 1

    again = run_module(work_pool_access, **args)
    assert not again["changed"] and writes(again) == [] and again["access_changes"] == {}
    # three reads: the workspace, the work pool, its list - the names are matched in the list itself
    assert requests(again) == [("POST", "workspaces/filter"), ("POST", "work_pools/filter"), ("GET", "work_pools/k8s-prod/access")]
    assert again["msg"] == "access to work pool 'k8s-prod' in workspace 'prod' unchanged"
    assert not run_module(work_pool_access, check_mode=True, **args)["changed"]


def test_actors_that_gain_a_level_are_looked_up_once_per_kind(actors, run_module):
    result = run_module(work_pool_access, workspace="prod", work_pool="k8s-prod",
                        run={"users": [ALICE, OWNER]}, view={"users": [MEMBER], "bots": ["deployer"], "teams": ["ops"]})
    assert result["changed"]
    lookups = [path for method, path in requests(result) if path.endswith("/filter")]
    assert sorted(lookups) == ["account_memberships/filter", "bots/filter", "teams/filter", "work_pools/filter", "workspaces/filter"]
    assert len(writes(result)) == 1


def test_opening_a_level_to_everyone_is_explicit_and_said(actors, run_module):
    result = run_module(work_pool_access, workspace="prod", work_pool="batch", run={"everyone": True})
    assert result["changed"] and result["work_pool_access"]["run"] == EVERYONE
    assert result["access_changes"] == {"run": {"gains": {"everyone": True}, "loses": {"users": [ALICE, OWNER]}}}
    assert "run gains everyone, loses user 'alice@unit.test', user 'owner@unit.test' (opens it to everyone whose workspace role allows it)" in result["msg"]
    # manage was not given: left as it is
    assert result["work_pool_access"]["manage"] == level(users=[OWNER])


def test_removing_every_named_actor_leaves_the_level_empty_not_open(actors, run_module):
    result = run_module(work_pool_access, workspace="prod", work_pool="batch", run={"users": []})
    assert result["work_pool_access"]["run"] == NOBODY
    assert "opens" not in result["msg"]


def test_state_absent_removes_the_list_and_says_it_opens_access(actors, run_module):
    check = run_module(work_pool_access, workspace="prod", work_pool="batch", state="absent", check_mode=True)
    real = run_module(work_pool_access, workspace="prod", work_pool="batch", state="absent")
    assert check["changed"] and real["changed"] and real["diff"] == check["diff"]
    assert real["diff"]["after"] == {"workspace": "prod", "work_pool": "batch", "manage": EVERYONE, "run": EVERYONE, "view": EVERYONE}
    assert real["msg"] == ("access to work pool 'batch' in workspace 'prod': access control list removed - every level is open "
                           "to everyone whose workspace role allows it")
    [(_method, _path, body)] = writes(real)
    assert body == {"access_control": {"manage_actor_ids": ["*"], "manage_team_ids": [], "run_actor_ids": ["*"],
                                       "run_team_ids": [], "view_actor_ids": ["*"], "view_team_ids": []}}
    again = run_module(work_pool_access, workspace="prod", work_pool="batch", state="absent")
    assert not again["changed"] and writes(again) == []


def test_a_missing_object_fails_in_check_mode_too_and_absent_has_nothing_to_do(objects, run_module):
    for check_mode in (True, False):
        result = run_module(work_pool_access, workspace="prod", work_pool="nope", view={"everyone": True}, check_mode=check_mode)
        assert result["failed"] and result["msg"] == (
            "work pool 'nope' not found; workspace 'prod' has none by that name or id (work pools are made by Prefect's own "
            "clients, never by this collection)")
        assert writes(result) == []
    absent = run_module(work_pool_access, workspace="prod", work_pool="nope", state="absent")
    assert not absent["failed"] and not absent["changed"] and absent["access_changes"] == {}
    assert absent["msg"] == "work pool 'nope' not found in workspace 'prod': no access control list to remove"
    missing_ws = run_module(work_pool_access, workspace="nowhere", work_pool="k8s-prod", view={"everyone": True}, check_mode=True)
    assert missing_ws["failed"] and "work pool 'k8s-prod' not found" in missing_ws["msg"]


def test_missing_actors_fail_naming_them_and_check_mode_warns_for_what_a_task_could_create(actors, run_module):
    result = run_module(work_pool_access, workspace="prod", work_pool="k8s-prod", run={"bots": ["ghost"]})
    assert result["failed"] and result["msg"] == "bot 'ghost' not found" and writes(result) == []
    check = run_module(work_pool_access, workspace="prod", work_pool="k8s-prod", run={"bots": ["ghost"]}, check_mode=True)
    assert check["changed"] and check["diff"]["after"]["run"] == level(bots=["ghost"])
    assert any("bot 'ghost' not found" in warning for warning in check["warnings"])
    # no task makes a user: check mode fails as the real run would
    user = run_module(work_pool_access, workspace="prod", work_pool="k8s-prod", run={"users": ["nobody@unit.test"]}, check_mode=True)
    assert user["failed"] and user["msg"] == "user 'nobody@unit.test' not found"


def test_names_with_spaces_and_hashes_are_one_path_segment(objects, run_module):
    result = run_module(work_pool_access, workspace="prod", work_pool="odd name #1", view={"users": [OWNER]})
    assert result["changed"] and not result["failed"], result["msg"]
    assert writes(result)[0][1] == "work_pools/odd%20name%20%231/access"
    assert not run_module(work_pool_access, workspace="prod", work_pool="odd name #1", view={"users": [OWNER]})["changed"]


def test_ids_work_for_the_object_and_the_actors(actors, run_module, make_client):
    pool = run_module(work_pool_access_info, workspace="prod", work_pool=["k8s-prod"])["work_pools"][0]
    alice = [m for m in make_client().post("/accounts/%s/account_memberships/filter" % OBJECT_SEED["account"]["id"], json={})
             if m["email"] == ALICE][0]
    result = run_module(work_pool_access, workspace="prod", work_pool=pool["id"].upper(), run={"users": [alice["user_id"]]})
    assert result["changed"] and result["work_pool_access"]["run"] == level(users=[ALICE])
    assert result["work_pool_access"]["work_pool"] == "k8s-prod"
    assert not run_module(work_pool_access, workspace="prod", work_pool="k8s-prod", run={"users": [ALICE]})["changed"]


# -- the caller's own manage ---------------------------------------------------------------------


@pytest.fixture
def member_develops(actors, run_module):
    """The Member user gets the Developer role in prod: it may manage objects, but holds no manage_acls."""
    assert run_module(workspace_access, workspace="prod", user=MEMBER, workspace_role="Developer")["changed"]


@pytest.mark.parametrize("check_mode", [True, False])
def test_narrowing_manage_away_from_the_caller_is_refused(member_develops, run_module, check_mode):
    result = run_module(work_pool_access, workspace="prod", work_pool="k8s-prod", manage={"users": [ALICE]},
                        api_key=MEMBER_KEY, check_mode=check_mode)
    assert result["failed"] and writes(result) == []
    assert result["msg"].startswith("refusing to change access to work pool 'k8s-prod' in workspace 'prod': after it the caller")
    assert "allow_caller_lockout: true" in result["msg"]


def test_the_caller_keeps_manage_by_name_or_through_a_team(member_develops, run_module):
    named = run_module(work_pool_access, workspace="prod", work_pool="k8s-prod", manage={"users": [MEMBER, ALICE]}, api_key=MEMBER_KEY)
    assert named["changed"] and not named["failed"], named["msg"]
    assert run_module(team, name="ops", users=[MEMBER])["changed"]
    teamed = run_module(work_pool_access, workspace="prod", work_pool="k8s-prod", manage={"teams": ["ops"]}, api_key=MEMBER_KEY)
    assert teamed["changed"] and not teamed["failed"], teamed["msg"]


def test_allow_caller_lockout_goes_ahead_with_a_warning(member_develops, run_module):
    result = run_module(work_pool_access, workspace="prod", work_pool="k8s-prod", manage={"users": [ALICE]}, run={"users": [ALICE]},
                        view={"users": [ALICE]}, allow_caller_lockout=True, api_key=MEMBER_KEY)
    assert result["changed"] and not result["failed"], result["msg"]
    assert any("allow_caller_lockout is set" in w for w in result["warnings"])
    # the caller may no longer see the pool: the result is what was written
    assert result["work_pool_access"]["manage"] == level(users=[ALICE])
    assert any("could not be read back" in w for w in result["warnings"])


def test_owners_and_admins_keep_implicit_manage(actors, run_module):
    result = run_module(work_pool_access, workspace="prod", work_pool="k8s-prod", manage={"users": [ALICE]})
    assert result["changed"] and not result["failed"], result["msg"]
    assert any(r["path"].startswith("/me/workspaces/") and r["path"].endswith("/scopes") for r in result["_requests"])


# -- deployments and blocks ---------------------------------------------------------------------


def test_a_deployment_by_flow_and_name(actors, run_module):
    args = dict(workspace="prod", deployment="etl/nightly", manage={"users": [OWNER]}, run={"teams": ["ops"]})
    real = run_module(deployment_access, **args)
    assert real["changed"] and real["deployment_access"]["deployment"] == "etl/nightly"
    assert real["deployment_access"]["run"] == level(teams=["ops"])
    assert [path for _m, path, _b in writes(real)] == ["deployments/%s/access" % real["deployment_access"]["id"]]
    again = run_module(deployment_access, **args)
    assert not again["changed"]
    # one read finds a deployment by its flow's name and its own
    assert [p for _m, p in requests(again) if "deployments" in p or "flows" in p][0] == "deployments/filter"
    assert not any("flows/filter" in p for _m, p in requests(again))


def test_a_block_by_type_slug_and_name(actors, run_module):
    args = dict(workspace="prod", block="secret/warehouse", view={"users": [OWNER, ALICE], "teams": ["ops"]})
    check = run_module(block_access, check_mode=True, **args)
    assert check["changed"] and check["diff"]["before"]["view"] == level(users=[ALICE, OWNER])
    assert check["access_changes"] == {"view": {"gains": {"teams": ["ops"]}}}
    real = run_module(block_access, **args)
    assert real["diff"] == check["diff"] and set(real["block_access"]) == {"workspace", "block", "id", "manage", "view"}
    assert not run_module(block_access, **args)["changed"]


# -- the list form ---------------------------------------------------------------------------------


def test_the_list_form_reads_everything_once_and_writes_only_what_changes(actors, run_module):
    entries = [
        {"deployment": "etl/nightly", "run": {"teams": ["ops"]}},
        {"deployment": "etl/hourly", "run": {"teams": ["ops"]}, "view": {"everyone": True}},
        {"deployment": "reports/weekly", "state": "absent"},
    ]
    check = run_module(deployment_access, workspace="prod", deployments=entries, check_mode=True)
    assert check["changed"] and writes(check) == []
    assert check["msg"] == "3 deployment access control lists: 3 updated"
    real = run_module(deployment_access, workspace="prod", deployments=entries)
    assert real["diff"] == check["diff"] and len(writes(real)) == 3
    assert [r["action"] for r in real["results"]] == ["update"] * 3
    assert real["results"][0]["access_changes"] == {"run": {"gains": {"teams": ["ops"]}, "loses": {"everyone": True}}}
    again = run_module(deployment_access, workspace="prod", deployments=entries)
    assert not again["changed"] and writes(again) == []
    paths = [p for _m, p in requests(again)]
    # the workspace, the deployments (one read), their flows (one read), three lists
    assert paths.count("deployments/filter") == 1 and paths.count("flows/filter") == 1
    assert len(paths) == 6, paths
    assert again["msg"] == "3 deployment access control lists unchanged"


def test_the_list_form_checks_every_entry_before_the_first_write(actors, run_module):
    entries = [{"work_pool": "k8s-prod", "run": {"teams": ["ops"]}}, {"work_pool": "nope", "run": {"teams": ["ops"]}}]
    result = run_module(work_pool_access, workspace="prod", work_pools=entries)
    assert result["failed"] and result["msg"].startswith("work_pools[1]: work pool 'nope' not found") and writes(result) == []


# -- the info modules -------------------------------------------------------------------------------


def test_info_reports_every_object_with_names_and_everyone(actors, run_module):
    pools = run_module(work_pool_access_info, workspace="prod")
    assert not pools["changed"] and pools["count"] == 3
    assert [p["work_pool"] for p in pools["work_pools"]] == ["batch", "k8s-prod", "odd name #1"]
    batch = pools["work_pools"][0]
    assert batch["manage"] == level(users=[OWNER]) and batch["run"] == level(users=[ALICE, OWNER]) and batch["view"] == EVERYONE
    assert batch["restricted"] and not pools["work_pools"][1]["restricted"]
    assert pools["workspace"]["handle"] == "prod"

    deployments = run_module(deployment_access_info, workspace="prod", deployment=["etl/hourly", "reports/weekly", "etl/nope"])
    assert [d["deployment"] for d in deployments["deployments"]] == ["etl/hourly", "reports/weekly"]
    assert deployments["deployments"][1]["view"] == level(users=[OWNER])
    blocks = run_module(block_access_info, workspace="prod")
    assert [b["block"] for b in blocks["blocks"]] == ["s3-bucket/raw-data", "secret/warehouse"]
    assert set(blocks["blocks"][0]) == {"block", "id", "manage", "view", "restricted"}
    assert run_module(block_access_info, workspace="prod", block=[])["blocks"] == []


def test_what_info_reports_can_be_declared_back_unchanged(actors, run_module):
    entries = [{"work_pool": p["work_pool"], "manage": p["manage"], "run": p["run"], "view": p["view"]}
               for p in run_module(work_pool_access_info, workspace="prod")["work_pools"]]
    result = run_module(work_pool_access, workspace="prod", work_pools=entries)
    assert not result["failed"] and not result["changed"], result["msg"]
    assert writes(result) == []


def test_the_same_object_by_name_and_by_id_is_refused_before_any_write(actors, run_module):
    pool_id = run_module(work_pool_access_info, workspace="prod", work_pool=["batch"])["work_pools"][0]["id"]
    entries = [{"work_pool": "batch", "run": {"everyone": True}}, {"work_pool": pool_id, "view": {"users": [OWNER]}}]
    result = run_module(work_pool_access, workspace="prod", work_pools=entries)
    assert result["failed"] and result["msg"] == "work_pools[0] and work_pools[1] name the same work pool (batch): list each once"
    assert writes(result) == []


# -- a service account's key -----------------------------------------------------------------------


@pytest.fixture
def developer_bot(actors, run_module, emulator):
    """A Member bot with the Developer role in prod, and its key (no manage_acls)."""
    created = run_module(bot, name="ci-bot")
    assert created["changed"]
    assert run_module(workspace_access, workspace="prod", bot="ci-bot", workspace_role="Developer")["changed"]
    return created["api_key"]


@pytest.mark.parametrize("refuse_me", [False, True])
def test_a_bot_key_is_recognised_in_manage_and_refused_out_of_it(developer_bot, run_module, emulator, refuse_me):
    emulator.hook("PATCH", "/options", json={"refuse_me_for_bots": refuse_me})
    try:
        as_bot = dict(api_key=developer_bot, account=UNIT_SEED["account"]["id"])
        refused = run_module(work_pool_access, workspace="prod", work_pool="k8s-prod", manage={"users": [ALICE]}, **as_bot)
        assert refused["failed"] and refused["msg"].startswith("refusing to change access") and writes(refused) == []
        kept = run_module(work_pool_access, workspace="prod", work_pool="k8s-prod", manage={"bots": ["ci-bot"]}, **as_bot)
        assert kept["changed"] and not kept["failed"], kept["msg"]
    finally:
        emulator.hook("PATCH", "/options", json={"refuse_me_for_bots": False})
