"""prefect.cloud.workspace_role against the emulator: custom roles only, scopes checked and expanded, inheritance."""

import pytest

from ansible_collections.prefect.cloud.plugins.modules import workspace_role

from unit_seed import ACCOUNT_ID

# What the emulator's catalogue makes of manage_flows (it includes run_flows, run_tasks and see_flows).
MANAGE_FLOWS = ["manage_flows", "run_flows", "run_tasks", "see_flows"]


def writes_since(emulator, mark):
    return [
        (e["method"], e["path"].split(ACCOUNT_ID)[-1])
        for e in emulator.log(mark)
        if e["method"] != "GET" and not e["path"].endswith(("/filter", "/count"))
    ]


def write_bodies(result):
    """The JSON bodies of the writes a run sent."""
    return [r["json"] for r in result["_requests"] if r["method"] in ("POST", "PATCH") and not r["path"].endswith("/filter")]


@pytest.mark.parametrize(
    "args, option",
    [
        ({"name": " "}, "name"),
        ({"name": "r", "scopes": ["see_flows", ""]}, "scopes"),
    ],
)
def test_bad_options_fail_naming_the_option_before_any_request(emulator, run_module, args, option):
    mark = emulator.last_seq()
    result = run_module(workspace_role, **args)
    assert result["failed"] and option in result["msg"]
    assert emulator.log(mark) == []


def test_a_description_of_140_characters_is_accepted(run_module):
    result = run_module(workspace_role, name="long", description="x" * 140)
    assert result["changed"] and not result["failed"]


@pytest.mark.parametrize("state", ["present", "absent"])
def test_a_built_in_role_is_refused(emulator, run_module, state):
    mark = emulator.last_seq()
    result = run_module(workspace_role, name="Developer", description="mine now", state=state)
    assert result["failed"]
    assert "workspace role 'Developer' is built in and cannot be changed or deleted" in result["msg"]
    assert writes_since(emulator, mark) == []


def test_scopes_are_expanded_so_the_short_and_the_long_form_agree(emulator, run_module):
    check = run_module(workspace_role, name="flows", scopes=["manage_flows"], check_mode=True)
    expected = {"name": "flows", "description": "", "scopes": MANAGE_FLOWS, "inherited_role": None}
    assert check["changed"] and check["diff"] == {"before": {}, "after": expected}
    mark = emulator.last_seq()
    real = run_module(workspace_role, name="flows", scopes=["manage_flows"])
    assert real["changed"] and real["diff"] == check["diff"]
    assert real["msg"] == "workspace role 'flows' created"
    assert sorted(write_bodies(real)[0]["scopes"]) == MANAGE_FLOWS
    mark = emulator.last_seq()
    for scopes in (["manage_flows"], list(reversed(MANAGE_FLOWS)), ["see_flows", "manage_flows"]):
        again = run_module(workspace_role, name="flows", scopes=scopes)
        assert not again["changed"], scopes
    assert writes_since(emulator, mark) == []


def test_unknown_scopes_fail_listing_the_valid_ones_in_check_mode_too(emulator, run_module):
    for check_mode in (True, False):
        mark = emulator.last_seq()
        result = run_module(workspace_role, name="typo", scopes=["see_flows", "see_flowz"], check_mode=check_mode)
        assert result["failed"]
        assert result["msg"].startswith("scopes: unknown workspace scope see_flowz; valid scopes are: ")
        assert "manage_flows" in result["msg"]
        assert writes_since(emulator, mark) == []


def test_an_update_sends_the_whole_scope_set_and_only_what_changed(run_module):
    run_module(workspace_role, name="ops", description="first", scopes=["see_flows"])
    result = run_module(workspace_role, name="ops", scopes=["manage_flows"])
    assert result["changed"] and result["msg"] == "workspace role 'ops' updated"
    assert result["diff"]["before"]["scopes"] == ["see_flows"] and result["diff"]["after"]["scopes"] == MANAGE_FLOWS
    assert result["diff"]["after"]["description"] == "first"  # not reset
    bodies = write_bodies(result)
    assert len(bodies) == 1 and sorted(bodies[0]["scopes"]) == MANAGE_FLOWS and "description" not in bodies[0]


def test_only_a_built_in_role_can_be_inherited(emulator, run_module):
    created = run_module(workspace_role, name="viewer-plus", inherited_role="Viewer", scopes=["see_flows"])
    assert created["changed"] and created["workspace_role"]["inherited_role"] == "Viewer"
    mark = emulator.last_seq()
    custom = run_module(workspace_role, name="nested", inherited_role="viewer-plus")
    assert custom["failed"]
    assert custom["msg"] == (
        "inherited_role: 'viewer-plus' is a custom workspace role; only a built-in role can be inherited (Developer, Owner, Runner, Viewer, Worker)"
    )
    unknown = run_module(workspace_role, name="nested", inherited_role="Nope", check_mode=True)
    assert unknown["failed"]
    assert unknown["msg"] == "inherited_role: built-in workspace role 'Nope' not found; the built-in roles are: Developer, Owner, Runner, Viewer, Worker"
    assert writes_since(emulator, mark) == []


def test_an_empty_inherited_role_removes_the_inheritance(run_module):
    run_module(workspace_role, name="heir", inherited_role="Runner")
    result = run_module(workspace_role, name="heir", inherited_role="")
    assert result["changed"]
    assert result["diff"]["before"]["inherited_role"] == "Runner" and result["diff"]["after"]["inherited_role"] is None
    assert not run_module(workspace_role, name="heir", inherited_role="")["changed"]


def test_absent_deletes_a_custom_role_once(emulator, run_module):
    run_module(workspace_role, name="gone")
    mark = emulator.last_seq()
    result = run_module(workspace_role, name="gone", state="absent")
    assert result["changed"] and result["msg"] == "workspace role 'gone' deleted"
    assert [method for method, _path in writes_since(emulator, mark)] == ["DELETE"]
    assert not run_module(workspace_role, name="gone", state="absent")["changed"]
