"""prefect.cloud.access_review_info against the emulator, on an account with every kind of path to access.

The effective access is computed here a second time, independently of the module: from the seed
itself (its users, bots, teams, grants and default roles, with the emulator's role catalogue), by a
hand-written table of the expected roles, and - for every path the emulator's own authorisation
models - by asking the emulator what scopes each member holds. All three must agree row by row.
"""

import copy
from pathlib import Path

import pytest
import yaml

from ansible_collections.prefect.cloud.plugins.module_utils._resources.access_report import read_csv, to_csv
from ansible_collections.prefect.cloud.plugins.modules import access_review_info, deployment_access, work_pool_access

from prefect_cloud_emulator import object_access as emulator_acl
from prefect_cloud_emulator.auth import Caller
from prefect_cloud_emulator.catalogue import WORKSPACE_ROLE_SCOPES, WORKSPACE_SCOPES, expand_scopes
from prefect_cloud_emulator.seed import build_store
from unit_seed import UNIT_SEED

REVIEW_SEED = Path(__file__).resolve().parents[3] / "integration" / "targets" / "access_review" / "files" / "review_seed.yml"
SEED = yaml.safe_load(REVIEW_SEED.read_text(encoding="utf-8"))
ACCOUNT_ID = SEED["account"]["id"]
OWNER_KEY = SEED["users"][0]["api_key"]
MEMBER_KEY = SEED["users"][5]["api_key"]

# The roles an auditor expects, written by hand (None: no access).
EXPECTED_ROLES = {
    "prod": {
        "olive@acme.test": "Owner", "alan@acme.test": "Owner", "dan@acme.test": "Developer", "tess@acme.test": "Runner",
        "cindy@acme.test": "Deployer", "mia@acme.test": None, "sam@acme.test": None, "carl@acme.test": None,
        "ina@acme.test": None, "prod-deployer": "Runner", "legacy-sync": "Runner", "=SUM(1+1)": None, "{{ 7 * 7 }}": None,
    },
    "staging": {
        "olive@acme.test": "Owner", "alan@acme.test": "Owner", "dan@acme.test": "Viewer", "tess@acme.test": "Viewer",
        "cindy@acme.test": "Viewer", "mia@acme.test": "Viewer", "sam@acme.test": "Viewer + SecretsReader",
        "carl@acme.test": None, "ina@acme.test": None, "prod-deployer": None, "legacy-sync": None, "=SUM(1+1)": "Runner",
        "{{ 7 * 7 }}": None,
    },
    "dev": {
        "olive@acme.test": "Owner", "alan@acme.test": "Owner", "dan@acme.test": None, "tess@acme.test": "Developer",
        "cindy@acme.test": "Developer", "mia@acme.test": None, "sam@acme.test": None, "carl@acme.test": "Viewer",
        "ina@acme.test": None, "prod-deployer": None, "legacy-sync": "Developer", "=SUM(1+1)": None, "{{ 7 * 7 }}": "Viewer",
    },
}


def independent_review(seed):
    """``{(actor, workspace): (scopes, sources, teams)}`` straight from the seed."""
    custom = {
        r["name"]: set(expand_scopes(r["scopes"])) | set(WORKSPACE_ROLE_SCOPES.get(r.get("inherited_role"), []))
        for r in seed["workspace_roles"]
    }

    def role_scopes(name):
        return set(WORKSPACE_ROLE_SCOPES[name]) if name in WORKSPACE_ROLE_SCOPES else custom[name]

    actors = [(u["email"], "user", u["account_role"], u.get("active", True)) for u in seed["users"]]
    actors += [(b["name"], "bot", b["account_role"], True) for b in seed["bots"]]
    teams = {t["name"]: t.get("users", []) + t.get("bots", []) for t in seed["teams"]}
    defaults = {w["handle"]: w.get("default_workspace_role") for w in seed["workspaces"]}
    out = {}
    for name, kind, account_role, active in actors:
        for ws in defaults:
            scopes, sources, via = set(), [], []
            if account_role in ("Owner", "Admin"):
                scopes |= set(WORKSPACE_SCOPES)
                sources.append("account role")
            for grant in seed["access"]:
                if grant["workspace"] == ws and grant.get(kind) == name:
                    scopes |= role_scopes(grant["workspace_role"])
                    sources.append("direct grant")
            for grant in seed["access"]:
                if grant["workspace"] == ws and grant.get("team") and name in teams[grant["team"]]:
                    scopes |= role_scopes(grant["workspace_role"])
                    via.append(grant["team"])
                    if "team grant" not in sources:
                        sources.append("team grant")
            if kind == "user" and account_role != "Collaborator" and defaults[ws]:
                scopes |= role_scopes(defaults[ws])
                sources.append("default role")
            out[(name, ws)] = (scopes, sources, sorted(via)) if active else (set(), [], [])
    return out


@pytest.fixture
def reviewed(emulator):
    emulator.hook("POST", "/reset", {"seed": SEED})
    yield emulator
    emulator.hook("POST", "/reset", {"seed": UNIT_SEED})


def run(run_module, **args):
    result = run_module(access_review_info, account=ACCOUNT_ID, api_key=OWNER_KEY, **args)
    assert not result["failed"], result.get("msg")
    return result


def test_every_row_agrees_with_an_independent_computation(run_module, reviewed):
    result = run(run_module)
    expected = independent_review(SEED)
    rows = {(r["actor"], r["workspace"]): r for r in result["rows"]}
    assert set(rows) == set(expected), "one row per member and workspace"
    assert len(result["rows"]) == 13 * 3
    for key, (scopes, sources, via) in sorted(expected.items()):
        row = rows[key]
        assert set(row["scopes"]) == scopes, key
        assert row["source"] == sources, key
        assert row["via_team"] == via, key
        assert row["effective_role"] == EXPECTED_ROLES[key[1]][key[0]], key
    # Invitees: the account role they get, or the workspace and its default role (Viewer when none).
    defaults = {w["handle"]: w.get("default_workspace_role") or "Viewer" for w in SEED["workspaces"]}
    invited = sorted(
        (i["email"], i["account_role"] if not i.get("workspace") else "Collaborator", i.get("workspace"),
         defaults[i["workspace"]] if i.get("workspace") else None, bool(i.get("expired")))
        for i in [dict({"account_role": "Member"}, **i) for i in SEED["invitations"]]
    )
    assert sorted((i["email"], i["account_role"], i["workspace"], i["workspace_role"], i["expired"])
                  for i in result["invitations"]) == invited


def test_the_emulator_grants_the_same_scopes(run_module, reviewed):
    """Where the emulator's own authorisation models the path (all but default roles), it agrees."""
    store = build_store(copy.deepcopy(SEED))
    account = next(iter(store.accounts.values()))
    workspaces = {w.handle: w for w in store.workspaces.values()}
    compared = 0
    for row in run(run_module)["rows"]:
        if row["status"] != "active" or "default role" in row["source"]:
            continue
        if row["kind"] == "user":
            caller = Caller(store, None, store.users[store.user_by_email[row["actor"]]], None)
        else:
            caller = Caller(store, None, None, store.bots[store.bot_by_name[(account.id, row["actor"])]])
        assert set(row["scopes"]) == caller.scopes(workspaces[row["workspace"]]), (row["actor"], row["workspace"])
        compared += 1
    assert compared > 20


def test_summary_invitations_and_inactive_members(run_module, reviewed):
    result = run(run_module)
    summary = result["summary"]
    assert summary["owners"] == ["olive@acme.test"] and summary["admins"] == ["alan@acme.test"]
    assert summary["bots_without_key_expiry"] == ["legacy-sync"]
    assert summary["default_role_only"] == [
        {"actor": "cindy@acme.test", "workspaces": ["staging"]},
        {"actor": "mia@acme.test", "workspaces": ["staging"]},
        {"actor": "tess@acme.test", "workspaces": ["staging"]},
    ]
    assert (summary["people"], summary["bots"], summary["workspaces"]) == (8, 4, 3)
    assert summary["inactive_members"] == ["ina@acme.test"]
    assert (summary["pending_invitations"], summary["expired_invitations"]) == (1, 1)
    assert [(i["email"], i["workspace"], i["workspace_role"], i["expired"]) for i in result["invitations"]] == [
        ("guest@acme.test", "staging", "Viewer", True), ("newbie@acme.test", None, None, False)]
    ina = [r for r in result["rows"] if r["actor"] == "ina@acme.test"]
    assert {r["status"] for r in ina} == {"inactive"} and all(r["effective_role"] is None for r in ina)
    assert {r["workspace"]: r["inactive_would_have"] for r in ina} == {"prod": "Developer", "staging": "Viewer", "dev": None}
    deployer = next(a for a in result["actors"] if a["name"] == "prod-deployer")
    assert deployer["key_expiration"] is not None
    assert result["object_acls"]["covered"] is True
    # the review seed has no object: nothing is narrowed
    assert {r["object_acls"] for r in result["rows"]} == {""} and all(r["object_levels"] == [] for r in result["rows"])
    assert result["changed"] is False and result["count"] == 39


def test_the_review_only_reads_and_costs_a_few_requests(run_module, reviewed):
    result = run(run_module)
    sent = result["_requests"]
    assert all(r["method"] == "GET" or r["path"].endswith("/filter") for r in sent), sent
    # the account, the scopes, seven lists, three per workspace, and per workspace its work pools, deployments, blocks
    assert len(sent) == 2 + 7 + 3 * 3 + 3 * 3, [r["path"] for r in sent]


def test_the_csv_keeps_every_value_as_data(run_module, reviewed):
    result = run(run_module, render=["csv"])
    lines = result["csv"].splitlines()
    assert lines[0] == "actor,kind,account_role,workspace,effective_role,source,via_team,scopes,status,key_expiration,object_acls"
    assert len(lines) == 1 + 39 + 2
    assert "'=SUM(1+1),bot,Member,staging,Runner,direct grant" in result["csv"], "a formula is neutralised"
    assert "{{ 7 * 7 }},bot,Member,dev,Viewer" in result["csv"]
    rows = read_csv(result["csv"])
    assert {r["actor"] for r in rows} >= {"=SUM(1+1)", "{{ 7 * 7 }}", "newbie@acme.test"}
    sam = next(r for r in rows if r["actor"] == "sam@acme.test" and r["workspace"] == "staging")
    assert (sam["effective_role"], sam["source"]) == ("Viewer + SecretsReader", "direct grant; default role")
    legacy = next(r for r in rows if r["actor"] == "legacy-sync" and r["workspace"] == "dev")
    assert (legacy["via_team"], legacy["key_expiration"]) == ("data-engineers", "never")


def test_the_page_escapes_everything_and_needs_nothing_else(run_module, reviewed):
    page = run(run_module, render=["html"])["html"]
    assert page.startswith("<!DOCTYPE html>")
    assert "<b>ops</b>" not in page and "team &lt;b&gt;ops&lt;/b&gt; (Viewer)" in page
    assert "{{ 7 * 7 }}" in page and "=SUM(1+1)" in page
    lowered = page.lower()
    for outside in ("<link", " src=", "href=", "@import", "url(", "http://", "https://", "fetch(", "xmlhttprequest"):
        assert outside not in lowered, outside
    assert page.count("<script>") == 1 and 'id="matrix"' in page and 'id="filter"' in page
    assert 'data-actor="olive@acme.test"' in page and 'data-actor="ina@acme.test"' not in page


def test_changes_since_an_earlier_review(run_module, reviewed, tmp_path):
    first = run(run_module, render=["csv"])
    earlier = read_csv(first["csv"])
    for row in earlier:
        if row["actor"] == "dan@acme.test" and row["workspace"] == "prod":
            row["effective_role"] = "Viewer"  # since then: Developer
        if row["actor"] == "mia@acme.test" and row["workspace"] == "staging":
            row["effective_role"] = ""  # since then: Viewer
    earlier.append({"actor": "gone@acme.test", "kind": "user", "workspace": "dev", "effective_role": "Runner"})
    path = tmp_path / "access_review.csv"
    path.write_text(to_csv(earlier), encoding="utf-8")
    result = run(run_module, previous_csv=str(path), render=["html"])
    changes = result["changes"]
    assert changes["changed"] == [{"actor": "dan@acme.test", "kind": "user", "workspace": "prod", "before": "Viewer", "after": "Developer"}]
    assert changes["gained"] == [{"actor": "mia@acme.test", "kind": "user", "workspace": "staging", "before": None, "after": "Viewer"}]
    assert changes["lost"] == [{"actor": "gone@acme.test", "kind": "user", "workspace": "dev", "before": "Runner", "after": None}]
    assert 'id="changes"' in result["html"] and "gone@acme.test" in result["html"]


def test_one_workspace(run_module, reviewed):
    result = run(run_module, workspace=["dev"])
    assert {r["workspace"] for r in result["rows"]} == {"dev"} and len(result["rows"]) == 13
    assert [i["email"] for i in result["invitations"]] == ["newbie@acme.test"]
    missing = run_module(access_review_info, account=ACCOUNT_ID, api_key=OWNER_KEY, workspace=["nope"])
    assert missing["failed"] and "no workspace 'nope'" in missing["msg"]


def test_a_member_key_cannot_review(run_module, reviewed):
    result = run_module(access_review_info, account=ACCOUNT_ID, api_key=MEMBER_KEY)
    assert result["failed"] and result["status"] == 403
    assert MEMBER_KEY not in result["msg"]


# -- object access lists ----------------------------------------------------------------------------

OBJECT_SEED = copy.deepcopy(SEED)
for _ws in OBJECT_SEED["workspaces"]:
    if _ws["handle"] == "prod":
        _ws["work_pools"] = [{"name": "k8s-prod"}, {"name": "batch"}]
        _ws["deployments"] = [{"name": "etl/nightly", "work_pool": "k8s-prod"}, {"name": "etl/adhoc"}, {"name": "etl/open"}]
        _ws["block_documents"] = [{"name": "secret/warehouse", "access": {"manage": ["olive@acme.test"], "view": ["dan@acme.test"]}}]
    if _ws["handle"] == "staging":
        _ws["block_documents"] = [{"name": "s3-bucket/raw", "access": {"view": ["mia@acme.test"]}}]


@pytest.fixture
def with_objects(emulator, run_module):
    """The review seed with objects and lists naming users, bots, teams and everyone (set through the modules)."""
    emulator.hook("POST", "/reset", {"seed": OBJECT_SEED})
    for module, args in (
        (work_pool_access, {"work_pool": "k8s-prod", "manage": {"users": ["olive@acme.test"]},
                            "run": {"teams": ["data-engineers"], "users": ["dan@acme.test"]}, "view": {"everyone": True}}),
        (deployment_access, {"deployment": "etl/adhoc", "manage": {"bots": ["prod-deployer"]}, "run": {"users": ["cindy@acme.test"]},
                             "view": {"users": ["tess@acme.test"]}}),
    ):
        result = run_module(module, account=ACCOUNT_ID, api_key=OWNER_KEY, workspace="prod", **args)
        assert not result["failed"], result.get("msg")
    yield emulator
    emulator.hook("POST", "/reset", {"seed": UNIT_SEED})


def test_object_lists_narrow_each_row_as_the_emulator_authorises(run_module, with_objects, emulator_server):
    """Row by row, the levels the review says each actor loses are those the emulator's own ACL model denies."""
    result = run(run_module)
    store = emulator_server._server.config.app.state.emulator.store
    account = next(iter(store.accounts.values()))
    workspaces = {w.handle: w for w in store.workspaces.values()}
    objects = store.objects
    compared = narrowed = 0
    for row in result["rows"]:
        if row["status"] != "active" or not row["scopes"]:
            assert row["object_levels"] == [] and row["object_acls"] == "", row
            continue
        if row["kind"] == "user":
            caller = Caller(store, None, store.users[store.user_by_email[row["actor"]]], None)
        else:
            caller = Caller(store, None, None, store.bots[store.bot_by_name[(account.id, row["actor"])]])
        ws_id = workspaces[row["workspace"]].id
        scopes = set(row["scopes"])
        expected = {}
        kinds = (("work_pool", "work pool", objects.work_pools, lambda r: r.name),
                 ("deployment", "deployment", objects.deployments, lambda r: "%s/%s" % (objects.flows[r.flow_id].name, r.name)),
                 ("block_document", "block", objects.block_documents,
                  lambda r: "%s/%s" % (objects.block_types[r.block_type_id].slug, r.name)))
        for kind, noun, table, name_of in kinds:
            for rec in table.values():
                if rec.workspace_id != ws_id:
                    continue
                held = emulator_acl.levels_held(caller, scopes, kind, rec)
                allowed = [level for level in emulator_acl.LEVELS[kind] if emulator_acl.SCOPES[kind][level] in scopes]
                loses = [level for level in allowed if level not in held]
                if loses:
                    expected[(noun, name_of(rec))] = (held, loses)
                compared += 1
        got = {(e["kind"], e["object"]): (e["holds"], e["loses"]) for e in row["object_levels"]}
        assert got == expected, (row["actor"], row["workspace"])
        narrowed += bool(got)
    assert compared >= 50 and narrowed >= 5


def test_object_lists_in_words_and_in_the_csv(run_module, with_objects):
    result = run(run_module, render=["csv"])
    rows = {(r["actor"], r["workspace"]): r for r in result["rows"]}
    dan = rows[("dan@acme.test", "prod")]
    # Dan develops in prod: named in k8s-prod's run (so he keeps run and view, not manage), the deployment on that pool
    # follows the pool's list, etl/adhoc names only others, the warehouse block lets him view it
    assert [(e["kind"], e["object"], e["holds"], e["loses"], e["via_work_pool"]) for e in dan["object_levels"]] == [
        ("work pool", "k8s-prod", ["run", "view"], ["manage"], None),
        ("deployment", "etl/adhoc", [], ["manage", "run", "view"], None),
        ("deployment", "etl/nightly", ["run", "view"], ["manage"], "k8s-prod"),
        ("block", "secret/warehouse", ["view"], ["manage"], None),
    ]
    assert dan["object_acls"] == ("work pool k8s-prod: keeps run, view; deployment etl/adhoc: no access; deployment etl/nightly: "
                                  "keeps run, view (the list of work pool k8s-prod); block secret/warehouse: keeps view")
    assert dan["why"][-1] == "narrowed by object access lists: " + dan["object_acls"]
    # Owners and Admins keep every level; a row with no access has nothing to narrow
    assert rows[("olive@acme.test", "prod")]["object_levels"] == [] and rows[("alan@acme.test", "prod")]["object_levels"] == []
    assert rows[("mia@acme.test", "prod")]["object_acls"] == ""
    assert "dan@acme.test,user,Member,prod,Developer,direct grant" in result["csv"]
    assert ',"work pool k8s-prod: keeps run, view; deployment etl/adhoc: no access;' in result["csv"]


def test_objects_the_key_may_not_read_are_said_so(run_module, with_objects):
    with_objects.fault(method="POST", path="/block_documents/filter$", status=403, count=3)
    rows = run(run_module)["rows"]
    prod = [r for r in rows if r["workspace"] == "prod" and r["status"] == "active" and r["scopes"]]
    assert prod and {r["object_acls"] for r in prod} == {"object access lists not readable with this key (403)"}
