"""No key in any output: playbooks/site.yml at -vvvv --diff, a check run
and a failing run. The caller's key and every key minted during the runs (read back from the
files the playbook writes them to) must appear in none of: stdout, stderr, the ANSIBLE_LOG_PATH
log, the emulator's request log. Anything shaped like a Prefect key counts, known or not.
"""

from __future__ import annotations

import re

import pytest

import json
from pathlib import Path

from conftest import PLAYBOOKS, SEED_KEYS, Emulator, run_playbook

DECLARATION = Path(__file__).with_name("declaration.yml")

KEY_SHAPE = re.compile(r"pn[ub]_[A-Za-z0-9]{36}")
VERBOSE = ("-vvvv", "--diff")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("secrets")
    emulator = Emulator(workdir)
    try:
        outputs = {}
        minted = set()

        def site(name, *args):
            key_dir = workdir / ("keys-" + name)
            keys = json.dumps({"prefect_environments_keys": {"directory": str(key_dir)}})
            run = run_playbook(PLAYBOOKS / "site.yml", workdir, emulator, *VERBOSE, "-e", "@%s" % DECLARATION, "-e", keys, *args)
            outputs[name] = run
            minted.update(path.read_text(encoding="utf-8").strip() for path in key_dir.glob("*.key"))
            return run

        site("converge")
        site("check", "--check")
        emulator.reset()  # a fresh account: the failing run mints keys too, then fails (on the team, after the bots)
        # Every name the declaration uses is checked before any write, so the failure comes from the server: the
        # team's creation is refused once the bots have their keys.
        emulator.fault(method="POST", path=r"/teams/$", count=1, status=400)
        team = {"name": "data-engineers", "roles": {"dev": "Developer"}}
        site("failing", "-e", json.dumps({"prefect_environments_teams": [team]}))
        yield outputs, minted, emulator.log_text().split("\n", 1)[0]  # the request log (not the banner)
    finally:
        emulator.stop()


def test_the_runs_did_what_they_should(runs):
    outputs, minted, _log = runs
    assert outputs["converge"].rc == 0, outputs["converge"]
    assert outputs["check"].rc == 0, outputs["check"]
    assert outputs["failing"].rc != 0 and "Injected fault" in outputs["failing"].stdout, outputs["failing"]
    # Six deployer keys were minted (three per fresh account) and delivered: the check
    # below is not vacuous.
    assert len(minted) == 6 and all(key.startswith("pnb_") for key in minted), len(minted)


@pytest.mark.parametrize("run_name", ["converge", "check", "failing"])
@pytest.mark.parametrize("stream", ["stdout", "stderr", "log"])
def test_no_key_in_the_output(runs, run_name, stream):
    outputs, minted, _log = runs
    text = getattr(outputs[run_name], stream)
    assert text.strip() or stream == "stderr", "nothing captured: the check would be vacuous"
    for key in (*SEED_KEYS, *minted):
        assert key not in text
        assert key[4:] not in text  # not even without its prefix
    assert KEY_SHAPE.findall(text) == []


def test_no_key_in_the_emulator_request_log(runs):
    _outputs, minted, log = runs
    assert '"path"' in log
    for key in (*SEED_KEYS, *minted):
        assert key[4:] not in log
    assert KEY_SHAPE.findall(log) == []
