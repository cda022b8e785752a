"""prefect.cloud.workspace with ``workspaces`` (the bulk form), through real HTTP against the emulator."""

from ansible_collections.prefect.cloud.plugins.modules import workspace

from unit_seed import ACCOUNT_ID

ENTRIES = [
    {"handle": "dev", "name": "Development"},
    {"handle": "staging"},
    {"handle": "prod", "name": "Production", "default_workspace_role": "Viewer"},
]


def writes(result):
    return [(r["method"], r["path"]) for r in result["_requests"]
            if r["method"] != "GET" and not r["path"].endswith(("/filter", "/count"))]


def run_workspaces(run_module, entries, **args):
    return run_module(workspace, account=ACCOUNT_ID, workspaces=entries, **args)


def test_workspaces_converge_in_one_task_and_a_noop_costs_two_reads(run_module):
    check = run_workspaces(run_module, ENTRIES, check_mode=True)
    assert check["changed"] and writes(check) == []
    first = run_workspaces(run_module, ENTRIES)
    assert not first["failed"], first["msg"]
    assert first["msg"] == "3 workspaces: 3 created" and first["diff"] == check["diff"]
    assert [w["handle"] for w in first["workspaces"]] == ["dev", "staging", "prod"]
    assert first["workspaces"][2]["default_workspace_role"] == "Viewer"
    again = run_workspaces(run_module, ENTRIES)
    assert not again["changed"] and writes(again) == []
    # One filter for the three workspaces and one read of the role catalogue, not one of each per workspace.
    assert len(again["_requests"]) == 2, [r["path"] for r in again["_requests"]]


def test_a_bad_or_repeated_handle_is_refused_before_any_request(run_module):
    bad = run_workspaces(run_module, [{"handle": "dev"}, {"handle": "Not A Handle"}])
    assert bad["failed"] and bad["msg"].startswith("workspaces[1]: handle"), bad["msg"]
    repeated = run_workspaces(run_module, [{"handle": "dev"}, {"handle": "dev"}])
    assert repeated["failed"] and "workspaces[1] repeats the handle 'dev'" in repeated["msg"]
    assert bad["_requests"] == [] and repeated["_requests"] == []


def test_an_unknown_default_role_in_one_entry_creates_no_workspace(run_module):
    result = run_workspaces(run_module, [{"handle": "dev"}, {"handle": "prod", "default_workspace_role": "Emperor"}])
    assert result["failed"] and result["msg"].startswith("workspaces[1]: ") and "Emperor" in result["msg"]
    assert writes(result) == []
