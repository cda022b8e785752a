"""_resources/object_access.py without a server: reading an ACL, who gains and loses a level, the
PUT body, finding objects by name with as few reads as the names allow, and the option rules."""

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._resources.object_access import (
    BLOCKS,
    DEPLOYMENTS,
    WORK_POOLS,
    Acl,
    access_changes,
    check_object_access_options,
    describe_level_change,
    everyone_level,
    level_delta,
)

from fake_api import FakeConnection, RecordingClient

EVERYONE = {"id": "*", "name": "*", "email": None, "type": "*"}
OLIVE = {"id": "a0000000-0000-4000-8000-0000000000a1", "name": "Olive Owner", "email": "Olive@Acme.io", "type": "user"}
DEPLOYER = {"id": "a0000000-0000-4000-8000-0000000000b1", "name": "prod-deployer", "email": None, "type": "service_account"}
ENGINEERS = {"id": "a0000000-0000-4000-8000-0000000000c1", "name": "data-engineers", "email": None, "type": "team"}
STRANGER = {"id": "a0000000-0000-4000-8000-0000000000d1", "name": "?", "email": None, "type": "robot"}


def level(everyone=False, users=(), bots=(), teams=()):
    return {"everyone": everyone, "users": list(users), "bots": list(bots), "teams": list(teams)}


def test_an_acl_is_read_by_names_with_everyone_and_teams_among_the_actors():
    acl = Acl(WORK_POOLS, {
        "manage_actors": [OLIVE],
        "run_actors": [DEPLOYER, OLIVE, ENGINEERS, STRANGER],
        "view_actors": [EVERYONE],
    })
    assert acl.view() == {
        "manage": level(users=["olive@acme.io"]),
        "run": level(users=["olive@acme.io"], bots=["prod-deployer"], teams=["data-engineers"]),
        "view": level(everyone=True),
    }
    assert acl.restricted()
    # found by name (emails without case) or id, in any level, without a request
    assert acl.find("users", "OLIVE@acme.io") == ("olive@acme.io", OLIVE["id"])
    assert acl.find("teams", ENGINEERS["id"].upper()) == ("data-engineers", ENGINEERS["id"])
    assert acl.find("bots", "Prod-Deployer") is None  # bot names keep their case
    # what a PUT sends to leave a level as it is, an actor of a kind this collection does not know included
    assert acl.ids("run") == ([DEPLOYER["id"], OLIVE["id"], STRANGER["id"]], [ENGINEERS["id"]])
    assert acl.ids("view") == (["*"], [])


def test_an_object_without_an_acl_is_everyone_everywhere_and_not_restricted():
    acl = Acl(BLOCKS, {"manage_actors": [EVERYONE], "view_actors": [EVERYONE]})
    assert acl.view() == {"manage": everyone_level(), "view": everyone_level()}
    assert not acl.restricted()


def test_who_gains_and_who_loses_a_level_in_data_and_in_words():
    before = level(everyone=True)
    after = level(users=["olive@acme.io"], teams=["data-engineers"])
    assert level_delta(before, after) == ({"users": ["olive@acme.io"], "teams": ["data-engineers"]}, {"everyone": True})
    assert describe_level_change("run", before, after) == (
        "run gains user 'olive@acme.io', team 'data-engineers', loses everyone (narrows it to the actors named)")
    assert describe_level_change("view", after, before) == (
        "view gains everyone, loses user 'olive@acme.io', team 'data-engineers' (opens it to everyone whose workspace role allows it)")
    assert describe_level_change("run", level(bots=["a"]), level()) == "run loses bot 'a'"
    views = {"manage": before, "run": before, "view": before}
    assert access_changes(WORK_POOLS, views, dict(views, run=after)) == {
        "run": {"gains": {"users": ["olive@acme.io"], "teams": ["data-engineers"]}, "loses": {"everyone": True}}}
    assert access_changes(WORK_POOLS, views, views) == {}


def test_a_deployment_of_one_flow_is_found_in_one_read():
    client = RecordingClient(lists={"/accounts/acc/workspaces/w1/deployments/filter": [{"id": "d1", "name": "nightly", "flow_id": "f1"}]})
    found = DEPLOYMENTS.find(FakeConnection(client).api, "w1", ["etl/nightly", "etl/missing"])
    assert found == {"etl/nightly": ({"id": "d1", "name": "nightly", "flow_id": "f1"}, "etl/nightly")}
    assert client.calls == [("LIST", "/accounts/acc/workspaces/w1/deployments/filter",
                             {"flows": {"name": {"any_": ["etl"]}}, "deployments": {"name": {"any_": ["missing", "nightly"]}}})]


def test_deployments_of_several_flows_cost_one_more_read_that_names_the_flows():
    rows = [{"id": "d1", "name": "nightly", "flow_id": "f1"}, {"id": "d2", "name": "nightly", "flow_id": "f2"},
            {"id": "d3", "name": "weekly", "flow_id": "f1"}]
    client = RecordingClient(lists={
        "/accounts/acc/workspaces/w1/deployments/filter": rows,
        "/accounts/acc/workspaces/w1/flows/filter": [{"id": "f1", "name": "etl"}, {"id": "f2", "name": "reports"}],
    })
    found = DEPLOYMENTS.find(FakeConnection(client).api, "w1", ["etl/nightly", "reports/nightly"])
    assert {ref: row["id"] for ref, (row, _name) in found.items()} == {"etl/nightly": "d1", "reports/nightly": "d2"}
    assert [call[1].rsplit("/", 2)[-2] for call in client.calls] == ["deployments", "flows"]
    assert client.calls[1][2] == {"flows": {"id": {"any_": ["f1", "f2"]}}}


def test_blocks_are_found_by_type_slug_and_name_in_one_read():
    rows = [{"id": "b1", "name": "raw", "block_type": {"slug": "s3-bucket"}}, {"id": "b2", "name": "raw", "block_type": {"slug": "secret"}}]
    client = RecordingClient(lists={"/accounts/acc/workspaces/w1/block_documents/filter": rows})
    found = BLOCKS.find(FakeConnection(client).api, "w1", ["s3-bucket/raw"])
    assert found == {"s3-bucket/raw": (rows[0], "s3-bucket/raw")}
    assert client.calls[0][2] == {"block_types": {"slug": {"any_": ["s3-bucket"]}}, "block_documents": {"name": {"any_": ["raw"]}}}


def test_a_work_pool_acl_is_addressed_by_name_the_others_by_id():
    assert WORK_POOLS.path_ids({"id": "p1", "name": "k8s"}) == {"name": "k8s"}
    assert DEPLOYMENTS.path_ids({"id": "d1", "name": "nightly"}) == {"id": "d1"}


def params(**given):
    base = {"workspace": "prod", "work_pool": "k8s", "manage": None, "run": None, "view": None, "state": "present"}
    return dict(base, **given)


@pytest.mark.parametrize("given, message", [
    ({}, "give at least one of manage, run, view"),
    ({"state": "absent", "manage": {"everyone": True}}, "manage cannot be combined with state=absent"),
    ({"workspace": "Prod"}, "workspace: a handle takes only lowercase letters"),
    ({"view": {"teams": ["ops", "ops"]}}, "view.teams[1] repeats 'ops' of view.teams[0]"),
    ({"view": {"bots": [""]}}, "view.bots[0] must not be empty"),
])
def test_option_rules(given, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        check_object_access_options(WORK_POOLS, params(**given))


def test_bot_names_differ_by_case_and_ids_are_accepted():
    ok = params(view={"bots": ["ci", "CI"]}, work_pool="9a7e3c11-0d5b-4f4e-b0a1-1c2d3e4f5a6b")
    assert check_object_access_options(WORK_POOLS, ok) is ok
    assert check_object_access_options(WORK_POOLS, params(state="absent"))
