"""Work pools, deployments and block documents, and their access control lists (ACLs).

The emulator runs on a variant of the test seed with one workspace of objects (``OBJECT_SEED``);
each test starts from it and the test seed is put back afterwards.
"""
from __future__ import annotations

import copy
import re

import pytest

import emu_support as es
import openapi_compare as oc
from emu_support import ACCT, assert_detail_string, assert_validation_error, expect

WS_HANDLE = "objects"
OBJECT_SEED = copy.deepcopy(es.TEST_SEED)
OBJECT_SEED["workspaces"] = [
    {
        "handle": WS_HANDLE,
        "name": "Objects",
        "work_pools": [
            {"name": "pool-open", "type": "kubernetes"},
            {"name": "pool-owned", "access": {"manage": [es.OWNER_EMAIL], "run": [es.OWNER_EMAIL]}},
        ],
        "deployments": [
            {"name": "etl/nightly", "work_pool": "pool-open"},
            {"name": "etl/hourly"},
            {"name": "reports/weekly", "work_pool": "pool-owned"},
        ],
        "block_documents": [
            {"name": "secret/db-password", "access": {"manage": [es.OWNER_EMAIL], "view": [es.OWNER_EMAIL, es.ADMIN_EMAIL]}},
            {"name": "s3-bucket/raw"},
        ],
    },
    {"handle": "other", "name": "Other", "work_pools": [{"name": "pool-open"}]},
]
EVERYONE = {"id": "*", "name": "*", "email": None, "type": "*"}


@pytest.fixture
def objects(emu):
    """The emulator on OBJECT_SEED; the test seed again afterwards."""
    emu.reset(OBJECT_SEED)
    yield Objects(emu)
    emu.reset(es.TEST_SEED)


class Objects:
    def __init__(self, emu):
        self.emu = emu
        rows = expect(emu.owner.post(f"{ACCT}/workspaces/filter", json={"workspaces": {"handle": {"any_": [WS_HANDLE, "other"]}}}), 200)
        ids = {row["handle"]: row["id"] for row in rows}
        self.ws_id = ids[WS_HANDLE]
        self.other_id = ids["other"]
        self.ws = f"{ACCT}/workspaces/{self.ws_id}"

    def deployment(self, flow, name, client=None):
        return expect((client or self.emu.owner).get(f"{self.ws}/deployments/name/{flow}/{name}"), 200)

    def block(self, slug, name, client=None):
        return expect((client or self.emu.owner).get(f"{self.ws}/block_types/slug/{slug}/block_documents/name/{name}"), 200)

    def actor(self, email):
        return self.emu.membership(email)["actor_id"]

    def grant_member(self, role):
        """Mia (account Member) gets ``role`` in the objects workspace."""
        self.emu.grant_user(self.ws_id, self.emu.user_id(es.MEMBER_EMAIL), role)


def body(kind, manage=(), run=(), view=(), manage_teams=(), run_teams=(), view_teams=()):
    levels = {"manage": (manage, manage_teams), "run": (run, run_teams), "view": (view, view_teams)}
    if kind == "block":
        del levels["run"]
    access = {}
    for level, (actors, teams) in levels.items():
        access[f"{level}_actor_ids"] = list(actors)
        access[f"{level}_team_ids"] = list(teams)
    return {"access_control": access}


# ------------------------------------------------------------------------------- finding objects

def test_the_seed_makes_the_objects_and_the_reads_find_them_by_name(objects):
    owner, ws = objects.emu.owner, objects.ws
    pools = expect(owner.post(f"{ws}/work_pools/filter", json={}), 200)
    assert [p["name"] for p in pools] == ["pool-open", "pool-owned"]
    assert pools[0]["type"] == "kubernetes" and pools[1]["type"] == "process"
    by_name = expect(owner.post(f"{ws}/work_pools/filter", json={"work_pools": {"name": {"any_": ["pool-owned", "nope"]}}}), 200)
    assert [p["name"] for p in by_name] == ["pool-owned"]
    assert expect(owner.get(f"{ws}/work_pools/pool-open"), 200)["id"] == pools[0]["id"]

    flows = expect(owner.post(f"{ws}/flows/filter", json={"flows": {"name": {"any_": ["etl"]}}}), 200)
    assert [f["name"] for f in flows] == ["etl"]
    deployments = expect(owner.post(f"{ws}/deployments/filter", json={
        "flows": {"id": {"any_": [flows[0]["id"]]}}, "deployments": {"name": {"any_": ["nightly", "weekly"]}}}), 200)
    assert [d["name"] for d in deployments] == ["nightly"]
    nightly = objects.deployment("etl", "nightly")
    assert nightly["id"] == deployments[0]["id"] and nightly["flow_id"] == flows[0]["id"]
    assert nightly["work_pool_name"] == "pool-open"
    assert expect(owner.get(f"{ws}/deployments/{nightly['id']}"), 200)["name"] == "nightly"

    blocks = expect(owner.post(f"{ws}/block_documents/filter", json={
        "block_types": {"slug": {"any_": ["secret"]}}, "block_documents": {"name": {"any_": ["db-password", "raw"]}}}), 200)
    assert [(b["block_type"]["slug"], b["name"]) for b in blocks] == [("secret", "db-password")]
    assert blocks[0]["data"] == {}
    block = objects.block("secret", "db-password")
    assert block["id"] == blocks[0]["id"] and block["block_type_name"] == "Secret"
    assert expect(owner.get(f"{ws}/block_documents/{block['id']}"), 200)["name"] == "db-password"


def test_missing_objects_are_404_and_each_workspace_has_its_own(objects):
    owner, ws = objects.emu.owner, objects.ws
    assert_detail_string(owner.get(f"{ws}/work_pools/nope"), 404)
    assert_detail_string(owner.get(f"{ws}/work_pools/nope/access"), 404)
    assert_detail_string(owner.get(f"{ws}/deployments/name/etl/nope"), 404)
    assert_detail_string(owner.get(f"{ws}/deployments/{es.random_id()}/access"), 404)
    assert_detail_string(owner.get(f"{ws}/block_types/slug/secret/block_documents/name/nope"), 404)
    assert_detail_string(owner.put(f"{ws}/block_documents/{es.random_id()}/access", json=body("block", view=["*"])), 404)
    other = f"{ACCT}/workspaces/{objects.other_id}"
    assert [p["name"] for p in expect(owner.post(f"{other}/work_pools/filter", json={}), 200)] == ["pool-open"]
    nightly = objects.deployment("etl", "nightly")
    assert_detail_string(owner.get(f"{other}/deployments/{nightly['id']}"), 404)


def test_criteria_the_emulator_does_not_evaluate_are_refused_by_name(objects):
    owner, ws = objects.emu.owner, objects.ws
    resp = owner.post(f"{ws}/deployments/filter", json={"flow_runs": {"name": {"any_": ["x"]}}})
    assert "flow_runs" in assert_detail_string(resp, 422)["detail"]
    resp = owner.post(f"{ws}/work_pools/filter", json={"work_pools": {"paused": {"eq_": True}}})
    assert "work_pools.paused" in assert_detail_string(resp, 422)["detail"]
    resp = owner.post(f"{ws}/deployments/filter", json={"deployments": {"tags": {"all_": ["a"]}}})
    assert "deployments.tags" in assert_detail_string(resp, 422)["detail"]
    # an unknown field is FastAPI's own 422 (the filters forbid extra fields)
    assert_validation_error(owner.post(f"{ws}/work_pools/filter", json={"work_pools": {"colour": {"any_": ["x"]}}}))


# ------------------------------------------------------------------------------- reading and replacing ACLs

def test_an_object_without_an_acl_reads_as_everyone_on_every_level(objects):
    owner, ws = objects.emu.owner, objects.ws
    pool = expect(owner.get(f"{ws}/work_pools/pool-open/access"), 200)
    assert pool == {"manage_actors": [EVERYONE], "run_actors": [EVERYONE], "view_actors": [EVERYONE]}
    raw = objects.block("s3-bucket", "raw")
    assert expect(owner.get(f"{ws}/block_documents/{raw['id']}/access"), 200) == {
        "manage_actors": [EVERYONE], "view_actors": [EVERYONE]}


def test_the_seeded_acl_names_its_actors(objects):
    block = objects.block("secret", "db-password")
    acl = expect(objects.emu.owner.get(f"{objects.ws}/block_documents/{block['id']}/access"), 200)
    assert [(a["email"], a["type"]) for a in acl["manage_actors"]] == [(es.OWNER_EMAIL, "user")]
    assert [a["email"] for a in acl["view_actors"]] == [es.OWNER_EMAIL, es.ADMIN_EMAIL]
    assert acl["view_actors"][0]["id"] == objects.actor(es.OWNER_EMAIL)
    assert acl["view_actors"][0]["name"] == "Olive Owner"


def test_put_replaces_the_whole_list_with_users_bots_teams_and_everyone(objects):
    emu, ws = objects.emu, objects.ws
    bot = emu.create_bot("acl-bot")
    team = emu.create_team("acl-team")
    olive, adam = objects.actor(es.OWNER_EMAIL), objects.actor(es.ADMIN_EMAIL)
    nightly = objects.deployment("etl", "nightly")
    path = f"{ws}/deployments/{nightly['id']}/access"
    resp = emu.owner.put(path, json=body("deployment", manage=[olive], run=[bot["actor_id"], olive, olive], view=["*"], run_teams=[team["id"]]))
    assert resp.status_code == 204 and not resp.content
    acl = expect(emu.owner.get(path), 200)
    assert [(a["type"], a["name"]) for a in acl["manage_actors"]] == [("user", "Olive Owner")]
    assert [(a["type"], a["name"], a["email"]) for a in acl["run_actors"]] == [
        ("service_account", "acl-bot", None), ("user", "Olive Owner", es.OWNER_EMAIL), ("team", "acl-team", None)]
    assert acl["run_actors"][2]["id"] == team["id"]
    assert acl["view_actors"] == [EVERYONE]

    # a second PUT replaces everything: what it leaves out is gone (team lists may be left out)
    expect(emu.owner.put(path, json={"access_control": {"manage_actor_ids": [adam], "run_actor_ids": [], "view_actor_ids": ["*"]}}), 204)
    acl = expect(emu.owner.get(path), 200)
    assert [a["email"] for a in acl["manage_actors"]] == [es.ADMIN_EMAIL]
    assert acl["run_actors"] == [] and acl["view_actors"] == [EVERYONE]

    # deleting an actor takes it off the list
    expect(emu.owner.put(path, json=body("deployment", manage=[olive], view=[bot["actor_id"]], view_teams=[team["id"]])), 204)
    expect(emu.owner.delete(f"{ACCT}/bots/{bot['id']}"), 204)
    expect(emu.owner.delete(f"{ACCT}/teams/{team['id']}"), 204)
    assert expect(emu.owner.get(path), 200)["view_actors"] == []


def test_put_refuses_unknown_actors_and_teams_and_changes_nothing(objects):
    emu, ws = objects.emu, objects.ws
    path = f"{ws}/work_pools/pool-open/access"
    before = expect(emu.owner.get(path), 200)
    detail = assert_detail_string(emu.owner.put(path, json=body("pool", manage=[es.random_id()])), 404)["detail"]
    assert detail.startswith("Actor ")
    detail = assert_detail_string(emu.owner.put(path, json=body("pool", manage=["*"], view_teams=[es.random_id()])), 404)["detail"]
    assert detail.startswith("Team ")
    assert expect(emu.owner.get(path), 200) == before


def test_put_bodies_are_validated_as_fastapi_does(objects):
    emu, ws = objects.emu, objects.ws
    pool = f"{ws}/work_pools/pool-open/access"
    bad_id = assert_validation_error(emu.owner.put(pool, json=body("pool", manage=["everyone"])))
    assert bad_id["detail"][0]["loc"][:3] == ["body", "access_control", "manage_actor_ids"]
    missing = assert_validation_error(emu.owner.put(pool, json={"access_control": {"manage_actor_ids": [], "view_actor_ids": []}}))
    assert any(item["loc"][-1] == "run_actor_ids" for item in missing["detail"])
    assert_validation_error(emu.owner.put(pool, json={"manage_actor_ids": ["*"], "run_actor_ids": [], "view_actor_ids": []}))
    assert_validation_error(emu.owner.put(pool, json={"access_control": {**body("pool")["access_control"], "colour": []}}))
    # a team list takes team ids only, never "*"
    assert_validation_error(emu.owner.put(pool, json=body("pool", manage=["*"], manage_teams=["*"])))
    # a block document has no run level
    raw = objects.block("s3-bucket", "raw")
    extra = assert_validation_error(emu.owner.put(f"{ws}/block_documents/{raw['id']}/access", json=body("deployment")))
    assert any("run_actor_ids" in item["loc"] for item in extra["detail"])


# ------------------------------------------------------------------------------- who may do what

def test_a_workspace_role_without_the_scope_is_refused_and_no_access_is_404(objects):
    emu, ws = objects.emu, objects.ws
    mia = emu.member
    assert_detail_string(mia.get(f"{ws}/work_pools/pool-open/access"), 404)
    objects.grant_member("Viewer")
    assert expect(mia.get(f"{ws}/work_pools/pool-open/access"), 200)["manage_actors"] == [EVERYONE]
    detail = assert_detail_string(mia.put(f"{ws}/work_pools/pool-open/access", json=body("pool", manage=["*"])), 403)["detail"]
    assert "manage_work_pools" in detail


def test_an_acl_narrows_what_the_role_allows(objects):
    emu, ws = objects.emu, objects.ws
    mia = emu.member
    objects.grant_member("Developer")
    # pool-owned: manage and run are Olive's only, view is everyone's
    assert expect(mia.get(f"{ws}/work_pools/pool-owned/access"), 200)["view_actors"] == [EVERYONE]
    detail = assert_detail_string(mia.put(f"{ws}/work_pools/pool-owned/access", json=body("pool", manage=["*"])), 403)["detail"]
    assert "manage access" in detail
    # the secret block is not even visible to Mia: left out of lists, 404 by name
    names = [b["name"] for b in expect(mia.post(f"{ws}/block_documents/filter", json={}), 200)]
    assert names == ["raw"]
    assert_detail_string(mia.get(f"{ws}/block_types/slug/secret/block_documents/name/db-password"), 404)
    # "*" on manage lets a Developer manage; a team Mia is in works as well as her own actor id
    mia_actor = objects.actor(es.MEMBER_EMAIL)
    expect(emu.owner.put(f"{ws}/work_pools/pool-open/access", json=body("pool", manage=["*"], view=["*"])), 204)
    expect(mia.put(f"{ws}/work_pools/pool-open/access", json=body("pool", manage=[mia_actor], view=["*"])), 204)
    team = emu.create_team("mias-team")
    expect(emu.owner.put(f"{ACCT}/teams/{team['id']}/members", json={"members": [
        {"member_id": emu.user_id(es.MEMBER_EMAIL), "member_type": "user"}]}), 200)
    expect(mia.put(f"{ws}/work_pools/pool-open/access", json=body("pool", manage_teams=[team["id"]], view=["*"])), 204)
    # and a Developer can lock itself out: after this, it may no longer manage the pool
    expect(mia.put(f"{ws}/work_pools/pool-open/access", json=body("pool", manage=[objects.actor(es.OWNER_EMAIL)], view=["*"])), 204)
    assert_detail_string(mia.put(f"{ws}/work_pools/pool-open/access", json=body("pool", manage=["*"], view=["*"])), 403)


def test_owners_and_admins_keep_every_level_whatever_the_acl(objects):
    emu, ws = objects.emu, objects.ws
    nobody = body("pool")
    expect(emu.owner.put(f"{ws}/work_pools/pool-open/access", json=nobody), 204)
    for client in (emu.owner, emu.admin):
        assert expect(client.get(f"{ws}/work_pools/pool-open"), 200)["name"] == "pool-open"
        expect(client.put(f"{ws}/work_pools/pool-open/access", json=nobody), 204)
    # a workspace Owner (not an account Owner or Admin) holds manage_acls too
    objects.grant_member("Owner")
    expect(emu.member.put(f"{ws}/work_pools/pool-open/access", json=nobody), 204)


def test_a_restricted_work_pool_governs_its_deployments(objects):
    emu, ws = objects.emu, objects.ws
    mia = emu.member
    objects.grant_member("Developer")
    # reports/weekly runs on pool-owned, whose manage and run are Olive's only
    weekly = objects.deployment("reports", "weekly")
    assert expect(emu.owner.get(f"{ws}/deployments/{weekly['id']}/access"), 200)["manage_actors"] == [EVERYONE]
    path = f"{ws}/deployments/{weekly['id']}/access"
    assert_detail_string(mia.put(path, json=body("deployment", manage=["*"], run=["*"], view=["*"])), 403)
    levels = expect(mia.post(f"{ws}/deployments/my-access", json={"deployment_ids": [weekly["id"]]}), 200)
    assert levels == {weekly["id"]: ["view"]}
    # the pool opened again (everyone on every level): the deployment's own (open) list applies
    expect(emu.owner.put(f"{ws}/work_pools/pool-owned/access", json=body("pool", manage=["*"], run=["*"], view=["*"])), 204)
    expect(mia.put(path, json=body("deployment", manage=["*"], run=["*"], view=["*"])), 204)


def test_my_access_answers_the_callers_levels(objects):
    emu, ws = objects.emu, objects.ws
    objects.grant_member("Runner")
    mia = emu.member
    pools = expect(mia.post(f"{ws}/work_pools/my-access", json={"work_pool_names": ["pool-open", "pool-owned", "nope"]}), 200)
    # a Runner has no manage_work_pools; pool-owned's run is Olive's only
    assert pools == {"pool-open": ["run", "view"], "pool-owned": ["view"]}
    pool_id = expect(emu.owner.get(f"{ws}/work_pools/pool-open"), 200)["id"]
    assert expect(mia.post(f"{ws}/work_pools/my-access", json={"work_pool_ids": [pool_id]}), 200) == {pool_id: ["run", "view"]}
    nightly = objects.deployment("etl", "nightly")
    assert expect(mia.post(f"{ws}/deployments/my-access", json={"deployment_ids": [nightly["id"]]}), 200) == {
        nightly["id"]: ["run", "view"]}
    secret, raw = objects.block("secret", "db-password"), objects.block("s3-bucket", "raw")
    blocks = expect(mia.post(f"{ws}/block_documents/my-access", json={"block_document_ids": [secret["id"], raw["id"]]}), 200)
    assert blocks == {raw["id"]: ["view"]}
    owner = expect(emu.owner.post(f"{ws}/block_documents/my-access", json={"block_document_ids": [secret["id"]]}), 200)
    assert owner == {secret["id"]: ["manage", "view"]}
    assert_validation_error(mia.post(f"{ws}/deployments/my-access", json={}))


# ------------------------------------------------------------------------------- every operation's scope

def _requirement(op):
    return re.findall(r"`([^`]+)`", op.get("description", "").split("Required workspace scopes:", 1)[-1])


def _calls(objects):
    """One request per object operation, as (method, official path) -> callable(client)."""
    ws = objects.ws
    nightly = objects.deployment("etl", "nightly")["id"]
    raw = objects.block("s3-bucket", "raw")["id"]
    w = "/api/accounts/{account_id}/workspaces/{workspace_id}"
    open_pool, open_deployment, open_block = (body(kind, manage=["*"], run=["*"], view=["*"]) for kind in ("pool", "deployment", "block"))
    return {
        ("POST", w + "/work_pools/filter"): lambda c: c.post(f"{ws}/work_pools/filter", json={}),
        ("GET", w + "/work_pools/{name}"): lambda c: c.get(f"{ws}/work_pools/pool-open"),
        ("GET", w + "/work_pools/{name}/access"): lambda c: c.get(f"{ws}/work_pools/pool-open/access"),
        ("PUT", w + "/work_pools/{name}/access"): lambda c: c.put(f"{ws}/work_pools/pool-open/access", json=open_pool),
        ("POST", w + "/work_pools/my-access"): lambda c: c.post(f"{ws}/work_pools/my-access", json={"work_pool_names": ["pool-open"]}),
        ("POST", w + "/flows/filter"): lambda c: c.post(f"{ws}/flows/filter", json={}),
        ("POST", w + "/deployments/filter"): lambda c: c.post(f"{ws}/deployments/filter", json={}),
        ("GET", w + "/deployments/{id}"): lambda c: c.get(f"{ws}/deployments/{nightly}"),
        ("GET", w + "/deployments/name/{flow_name}/{deployment_name}"): lambda c: c.get(f"{ws}/deployments/name/etl/nightly"),
        ("GET", w + "/deployments/{id}/access"): lambda c: c.get(f"{ws}/deployments/{nightly}/access"),
        ("PUT", w + "/deployments/{id}/access"): lambda c: c.put(f"{ws}/deployments/{nightly}/access", json=open_deployment),
        ("POST", w + "/deployments/my-access"): lambda c: c.post(f"{ws}/deployments/my-access", json={"deployment_ids": [nightly]}),
        ("POST", w + "/block_documents/filter"): lambda c: c.post(f"{ws}/block_documents/filter", json={}),
        ("GET", w + "/block_documents/{id}"): lambda c: c.get(f"{ws}/block_documents/{raw}"),
        ("GET", w + "/block_types/slug/{slug}/block_documents/name/{block_document_name}"): lambda c: c.get(
            f"{ws}/block_types/slug/s3-bucket/block_documents/name/raw"),
        ("GET", w + "/block_documents/{id}/access"): lambda c: c.get(f"{ws}/block_documents/{raw}/access"),
        ("PUT", w + "/block_documents/{id}/access"): lambda c: c.put(f"{ws}/block_documents/{raw}/access", json=open_block),
        ("POST", w + "/block_documents/my-access"): lambda c: c.post(f"{ws}/block_documents/my-access", json={"block_document_ids": [raw]}),
    }


@pytest.mark.parametrize("role", ["Worker", "Viewer", "Runner", "Developer", "Owner"])
def test_every_object_operation_needs_the_scope_its_description_names(objects, role):
    official = es.load_official_openapi(es.ACCESS_EVENTS_OPENAPI_NAME)
    if official is None:
        pytest.skip(es.missing_openapi_message(es.ACCESS_EVENTS_OPENAPI_NAME))
    ops = {(m, p): op for (m, _), (p, op) in oc.operations(official).items()}
    calls = _calls(objects)
    mia = objects.emu.member
    for key, call in calls.items():
        resp = call(mia)
        assert resp.status_code == 404, f"{key}: no access to the workspace: {resp.status_code} {resp.text[:200]}"
    objects.grant_member(role)
    held = set(expect(mia.get(f"/api/me/workspaces/{objects.ws_id}/scopes"), 200))
    checked = 0
    for key, call in calls.items():
        needed = set(_requirement(ops[key]))
        assert needed, f"{key}: the document names no scope"
        resp = call(mia)
        if needed - held:
            assert resp.status_code == 403, f"{role} lacks {sorted(needed - held)} for {key}: {resp.status_code} {resp.text[:200]}"
        else:
            assert resp.status_code == int(oc.success_code(ops[key])), f"{role} may {key}: {resp.status_code} {resp.text[:200]}"
        checked += 1
    assert checked == 18


# ------------------------------------------------------------------------------- seed, populate, persistence

def test_populate_adds_objects_to_a_workspace(objects):
    emu, ws = objects.emu, objects.ws
    counts = emu.populate(work_pools=3, deployments=2, block_documents=2, workspace=WS_HANDLE, prefix="bulk")
    assert counts["work_pools"] == 3
    pools = expect(emu.owner.post(f"{ws}/work_pools/filter", json={"work_pools": {"name": {"like_": "bulk-pool-"}}}), 200)
    assert [p["name"] for p in pools] == ["bulk-pool-0", "bulk-pool-1", "bulk-pool-2"]
    assert objects.deployment("bulk-flow", "bulk-deployment-1")["name"] == "bulk-deployment-1"
    assert objects.block("bulk-block", "bulk-block-0")["name"] == "bulk-block-0"
    resp = emu.hooks.post("/_emulator/populate", json={"users": 2, "work_pools": 1, "workspace": "nope"})
    assert resp.status_code == 422
    assert not [m for m in expect(emu.owner.post(f"{ACCT}/account_memberships/filter", json={}), 200) if "populate" in m["email"]]


@pytest.mark.parametrize("workspace, message", [
    ({"work_pools": [{"name": "p", "access": {"manage": ["stranger@example.com"]}}]}, "not a seeded user"),
    ({"block_documents": [{"name": "secret/x", "access": {"run": ["*"]}}]}, "no level run"),
    ({"deployments": [{"name": "no-slash"}]}, "joined by '/'"),
    ({"deployments": [{"name": "f/d", "work_pool": "missing"}]}, "no work pool"),
    ({"work_pools": [{"name": "p"}, {"name": "p"}]}, "listed twice"),
])
def test_bad_seeds_are_refused(emu, workspace, message):
    seed = copy.deepcopy(es.TEST_SEED)
    seed["workspaces"] = [dict({"handle": "bad", "name": "Bad"}, **workspace)]
    resp = emu.hooks.post("/_emulator/reset", json={"seed": seed})
    assert resp.status_code == 422 and message in resp.text, resp.text


def test_objects_and_acls_survive_a_restart_and_go_with_their_workspace(tmp_path):
    from prefect_cloud_emulator.store import Store

    state = tmp_path / "state.json"
    app = es.make_app(OBJECT_SEED, state_file=str(state))
    store = app.state.emulator.store
    ws_id = store.workspace_by_handle[(next(iter(store.accounts)), WS_HANDLE)]
    block = store.objects.block_document_named(ws_id, "secret", "db-password")
    restored = Store.from_snapshot(store.snapshot())
    again = restored.objects.block_document_named(ws_id, "secret", "db-password")
    assert again is not None and again.access == block.access and again.access.actor_ids["manage"]
    assert restored.objects.deployment_named(ws_id, "reports", "weekly").work_pool_name == "pool-owned"
    restored.delete_workspace(restored.workspaces[ws_id])
    assert restored.objects.block_document_named(ws_id, "secret", "db-password") is None
    assert [p.name for p in restored.objects.work_pools.values()] == ["pool-open"]  # the other workspace's


def test_the_demo_seed_has_objects_with_acls_in_both_workspaces():
    from prefect_cloud_emulator import DEMO_SEED

    app = es.make_app(DEMO_SEED)
    objects = app.state.emulator.store.objects
    assert {p.name for p in objects.work_pools.values()} >= {"k8s-prod", "k8s-staging"}
    assert any(p.access is not None and p.access.restricts() for p in objects.work_pools.values())
    assert any(b.access is not None and b.access.restricts() for b in objects.block_documents.values())
    assert len({d.workspace_id for d in objects.deployments.values()}) == 2
