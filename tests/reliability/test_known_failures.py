"""Deterministic reproductions of failures that lived in the modules (a bot rotating its own
key, a lost creation answer, a timed-out write, a 409 on create), one scenario each against the
emulator's fault hooks.

They are expected failures (``strict``): the suite stays green until a fix lands, and then
turns red until the marker is removed, so a fix cannot go unnoticed. Each asserts what must
happen, not what happened before the fix.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import ACCOUNT_ID, Emulator, run_playbook, write_playbook

ADMIN_ROLE = "a0000000-0000-4000-8000-000000000002"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    server = Emulator(tmp_path_factory.mktemp("known-failures"))
    yield server
    server.stop()


@pytest.fixture
def fresh(emulator):
    emulator.reset()
    return emulator


def _report_tasks(task, report):
    return [
        dict(task, register="outcome", ignore_errors=True),
        {"name": "Report", "ansible.builtin.copy": {"dest": str(report), "mode": "0600", "content": "{{ outcome | to_json }}"}},
    ]


def _run_task(emulator, tmp_path, task, name, **kwargs):
    report = tmp_path / ("%s.json" % name)
    playbook = write_playbook(tmp_path / ("%s.yml" % name), _report_tasks(task, report))
    run = run_playbook(playbook, tmp_path, emulator, **kwargs)
    assert run.rc == 0, run
    return json.loads(report.read_text(encoding="utf-8"))


def test_a_bot_rotating_its_own_key_gets_the_new_key(fresh, tmp_path):
    created = fresh.api("POST", "/accounts/%s/bots/" % ACCOUNT_ID, json={"name": "self-bot", "account_role_id": ADMIN_ROLE})
    assert created.status_code == 201, created.text
    own_key = created.json()["api_key"]["key"]
    outcome = _run_task(fresh, tmp_path, {"prefect.cloud.bot": {"name": "self-bot", "rotate_api_key": True}}, "rotate", key=own_key)
    assert not outcome.get("failed"), outcome.get("msg")
    new_key = outcome["api_key"]
    assert fresh.api("POST", "/accounts/%s/workspaces/filter" % ACCOUNT_ID, key=new_key, json={}).status_code == 200


def test_a_bot_whose_create_is_lost_twice_still_gets_a_key(fresh, tmp_path):
    fresh.fault(method="POST", path=r"/bots/$", count=1, status=502)
    fresh.fault(method="POST", path=r"/bots/$", count=1, drop_response=True)
    task = {"prefect.cloud.bot": {"name": "lost-bot"}}
    keys = []
    for attempt in range(2):
        outcome = _run_task(fresh, tmp_path, task, "lost-%d" % attempt)
        if outcome.get("api_key"):
            keys.append(outcome["api_key"])
    assert len(keys) == 1, "the key must reach the user in exactly one of the runs"
    assert fresh.api("POST", "/accounts/%s/workspaces/filter" % ACCOUNT_ID, key=keys[0], json={}).status_code == 200


def _writes(emulator, path_end):
    return [e for e in emulator.log() if e["method"] == "POST" and e["path"].endswith(path_end)]


def test_a_timed_out_api_key_create_is_not_duplicated(fresh, tmp_path):
    fresh.fault(method="POST", path=r"/api_keys$", count=1, latency=2.5)
    task = {"prefect.cloud.api_key": {"name": "to-key", "request_timeout": 1}}
    first = _run_task(fresh, tmp_path, task, "to-key-1")
    time.sleep(2)  # the delayed create has been processed by now
    second = _run_task(fresh, tmp_path, task, "to-key-2")
    # The timed-out create did land, but its plaintext key is lost with the response: the module
    # waits for it to show, deletes it, and mints the one key it can deliver. Never two keys.
    posts = _writes(fresh, "/api_keys")
    deletes = [e for e in fresh.log() if e["method"] == "DELETE" and "/api_keys/" in e["path"]]
    assert len(posts) in (1, 2) and len(deletes) == len(posts) - 1, (posts, deletes)
    keys = [k for k in fresh.api("GET", "/me/api_keys").json() if k["name"] == "to-key"]
    assert len(keys) == 1
    assert first.get("api_key"), "the one key must reach the user in the run that made it"
    assert not second.get("changed") and not second.get("api_key")
    assert not second.get("warnings")


def test_a_timed_out_invitation_is_not_duplicated(fresh, tmp_path):
    fresh.fault(method="POST", path=r"/invitations/$", count=1, latency=2.5)
    task = {"prefect.cloud.invitation": {"email": "slow@acme.io", "account_role": "Member", "request_timeout": 1}}
    _run_task(fresh, tmp_path, task, "slow-1")
    time.sleep(2)
    _run_task(fresh, tmp_path, task, "slow-2")
    assert len(_writes(fresh, "/invitations/")) == 1
    pending = [i for i in fresh.rows("/invitations/filter") if i["email"] == "slow@acme.io"]
    assert len(pending) == 1


def test_two_runs_creating_the_same_workspace_both_succeed(fresh, tmp_path):
    # The first create to arrive is held for 6 s (read, then answered late), so that the other
    # run reads "absent", creates the workspace, and the held one then meets a 409.
    fresh.fault(method="POST", path=r"/workspaces/$", count=1, latency=6)
    playbook = write_playbook(tmp_path / "race.yml", [{"prefect.cloud.workspace": {"handle": "raced", "name": "Raced"}}])
    workdirs = [tmp_path / "run1", tmp_path / "run2"]
    for workdir in workdirs:
        workdir.mkdir()
    with ThreadPoolExecutor(max_workers=2) as pool:  # both runs start together
        results = list(pool.map(lambda workdir: run_playbook(playbook, workdir, fresh), workdirs))
    posts = _writes(fresh, "/workspaces/")
    if [e["status"] for e in posts].count(201) != 1 or len(posts) != 2:
        pytest.skip("the two runs did not race (%s): nothing to judge" % [e["status"] for e in posts])
    assert [r.rc for r in results] == [0, 0], results
    assert [w["handle"] for w in fresh.rows("/workspaces/filter")].count("raced") == 1
