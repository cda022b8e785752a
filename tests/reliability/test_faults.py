"""The site playbook under a hostile network.

The emulator answers about a fifth of all requests with 429 + Retry-After, and more with
502/503, slow answers, and lost responses after committed creates and upserts, in a fixed
pattern (rules with ``every``) so that a failure reproduces. The playbook is run until it
succeeds (at most three times); then, with the faults off, a re-run must change nothing and
send no write, and the account must hold exactly what declaration.yml declares: no duplicate,
nothing missing, every deployer key delivered and working.

Known failures are expected failures (strict): they turn red the moment a fix lands.
"""

from __future__ import annotations

import pytest

import json
from pathlib import Path

from conftest import ACCOUNT_ID, PLAYBOOKS, Emulator, run_playbook

DECLARATION = Path(__file__).with_name("declaration.yml")

FAULTS = [
    {"status": 429, "retry_after": 0.2, "every": 5, "count": 100000},
    {"status": 503, "every": 9, "count": 100000},
    {"status": 502, "every": 13, "count": 100000},
    {"method": "POST", "path": r"/(workspaces|teams|bots|invitations)/$", "drop_response": True, "every": 2, "count": 100000},
    {"method": "PUT", "path": r"/team_access/$", "drop_response": True, "every": 3, "count": 100000},
    {"method": "POST", "path": r"/(user|bot)_access/$", "drop_response": True, "every": 3, "count": 100000},
    {"latency": 0.3, "every": 7, "count": 100000},
]
MAX_FAULTY_RUNS = 3
ENVIRONMENTS = {"dev": "Developer", "staging": "Runner", "production": "Viewer"}
DEPLOYERS = {"deployer-dev": "dev", "deployer-staging": "staging", "deployer-prod": "production"}
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def is_write(entry):
    return entry["method"] in WRITES and not entry["path"].endswith(("/filter", "/count"))


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("faults")
    key_dir = workdir / "keys"
    declaration = ("-e", "@%s" % DECLARATION, "-e", json.dumps({"prefect_environments_keys": {"directory": str(key_dir)}}))
    emulator = Emulator(workdir)
    try:
        for rule in FAULTS:
            emulator.fault(**rule)
        faulty_runs = []
        for _ in range(MAX_FAULTY_RUNS):
            faulty_runs.append(run_playbook(PLAYBOOKS / "site.yml", workdir, emulator, *declaration))
            if faulty_runs[-1].rc == 0:
                break
        faulty_log = emulator.log()
        emulator.clear_faults()
        mark = faulty_log[-1]["seq"] if faulty_log else 0
        clean = run_playbook(PLAYBOOKS / "site.yml", workdir, emulator, *declaration)
        yield {"emulator": emulator, "faulty_runs": faulty_runs, "faulty_log": faulty_log, "clean": clean,
               "clean_log": emulator.log(mark), "keys": {p.stem: p.read_text().strip() for p in key_dir.glob("*.key")}}
    finally:
        emulator.stop()


def test_at_least_a_fifth_of_the_requests_were_faulted(scenario):
    log = scenario["faulty_log"]
    faulted = [e for e in log if e["status"] in (429, 502, 503)]
    assert len(log) > 50
    assert len(faulted) / len(log) >= 0.20, "%d of %d" % (len(faulted), len(log))


def test_the_playbook_converges_under_faults(scenario):
    runs = scenario["faulty_runs"]
    assert runs[-1].rc == 0, runs[-1]


def test_a_run_that_fails_under_faults_fails_only_for_the_network(scenario):
    # A faulted run may give up (the retry budget spent, a write left ambiguous): that is
    # honest, and the next run converges. It must never fail for a wrong reason (a conflict
    # with its own earlier write, a duplicate, a traceback).
    honest = ("gave up after", "may or may not have been applied", "retry budget")
    for run in scenario["faulty_runs"]:
        for line in run.failures():
            assert any(reason in line for reason in honest), line
        assert "Traceback" not in run.stdout + run.stderr


def test_the_clean_rerun_changes_nothing_and_writes_nothing(scenario):
    clean = scenario["clean"]
    assert clean.rc == 0, clean
    assert clean.recap().get("changed") == 0, clean
    assert [e for e in scenario["clean_log"] if is_write(e)] == []


def test_no_duplicate_and_nothing_missing(scenario):
    emulator = scenario["emulator"]
    handles = sorted(w["handle"] for w in emulator.rows("/workspaces/filter"))
    assert handles == sorted(ENVIRONMENTS)
    teams = emulator.rows("/teams/filter")
    assert [t["name"] for t in teams] == ["data-engineers"]
    bots = sorted(b["name"] for b in emulator.rows("/bots/filter"))
    assert bots == sorted(DEPLOYERS)
    invitations = [i for i in emulator.rows("/invitations/filter") if i["status"] == "PENDING"]
    assert [i["email"] for i in invitations] == ["dana@acme.io"]


def test_access_is_as_declared(scenario):
    emulator = scenario["emulator"]
    workspaces = {w["handle"]: w["id"] for w in emulator.rows("/workspaces/filter")}
    roles = {r["id"]: r["name"] for r in emulator.rows("/workspace_roles/filter")}
    teams = {t["id"]: t["name"] for t in emulator.rows("/teams/filter")}
    bots = {b["id"]: b["name"] for b in emulator.rows("/bots/filter")}
    for deployer, handle in DEPLOYERS.items():
        base = "/workspaces/%s" % workspaces[handle]
        team_rows = emulator.rows(base + "/team_access/filter")
        bot_rows = emulator.rows(base + "/bot_access/filter")
        assert [(teams[r["team_id"]], roles[r["workspace_role_id"]]) for r in team_rows] == [("data-engineers", ENVIRONMENTS[handle])]
        assert [(bots[r["bot_id"]], roles[r["workspace_role_id"]]) for r in bot_rows] == [(deployer, "Developer")]


def test_every_deployer_key_was_delivered_and_works(scenario):
    emulator = scenario["emulator"]
    assert sorted(scenario["keys"]) == sorted(DEPLOYERS)
    for name, key in scenario["keys"].items():
        response = emulator.api("POST", "/accounts/%s/workspaces/filter" % ACCOUNT_ID, key=key, json={})
        assert response.status_code == 200, name
        assert [w["handle"] for w in response.json()] == [DEPLOYERS[name]]
