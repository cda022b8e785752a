"""tools/awx_run_check.py on hand-made ansible-runner artifacts."""

import json
import pathlib
import subprocess
import sys

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[1] / "awx_run_check.py"
CALLER_KEY = "pnu_callerCallerCaller0000000000000000"
MINTED_KEY = "pnb_mintedMintedMinted111111111111111"
RECAP = "PLAY RECAP ***\nlocalhost : ok=9 changed=%d unreachable=0 failed=0\n"


def job(tmp_path, ident, changed=0, failures=0, stdout_extra="", event_extra="", minted=True, status="successful"):
    pdd = tmp_path / "pdd"
    (pdd / "env").mkdir(parents=True, exist_ok=True)
    (pdd / "env" / "envvars").write_text('PREFECT_API_KEY: "%s"\n' % CALLER_KEY)
    keys = tmp_path / "keys"
    keys.mkdir(exist_ok=True)
    if minted:
        (keys / "deployer-dev.key").write_text(MINTED_KEY + "\n")
    artifacts = pdd / "artifacts" / ident
    (artifacts / "job_events").mkdir(parents=True)
    (artifacts / "status").write_text(status)
    (artifacts / "stdout").write_text("TASK [x]\nok: [localhost]\n" + stdout_extra + RECAP % changed)
    events = [
        {"event": "runner_on_ok", "event_data": {"res": {"msg": "done" + event_extra}}},
        {"event": "playbook_on_stats", "event_data": {
            "ok": {"localhost": 9}, "changed": {"localhost": changed} if changed else {},
            "failures": {"localhost": failures} if failures else {}, "dark": {}}},
    ]
    for number, event in enumerate(events, 1):
        (artifacts / "job_events" / ("%d-x.json" % number)).write_text(json.dumps(event))
    return [sys.executable, str(SCRIPT), str(pdd), ident, str(keys)]


def run(command):
    return subprocess.run(command, capture_output=True, text=True)


def test_a_clean_converging_run_passes(tmp_path):
    result = run(job(tmp_path, "converge", changed=7))
    assert result.returncode == 0, result.stderr
    assert "1 minted keys checked" in result.stdout


def test_a_clean_second_run_passes(tmp_path):
    assert run(job(tmp_path, "unchanged")).returncode == 0


def test_a_second_run_that_changes_fails(tmp_path):
    result = run(job(tmp_path, "unchanged", changed=1))
    assert result.returncode == 1
    assert "not idempotent" in result.stderr


def test_a_first_run_that_mints_no_key_fails(tmp_path):
    result = run(job(tmp_path, "converge", changed=3, minted=False))
    assert result.returncode == 1
    assert "minted no deployer key" in result.stderr


def test_a_failed_run_fails(tmp_path):
    assert run(job(tmp_path, "converge", changed=1, failures=1)).returncode == 1
    assert run(job(tmp_path / "b", "unchanged", status="failed")).returncode == 1


@pytest.mark.parametrize("where", ["stdout", "event"])
@pytest.mark.parametrize("key", [CALLER_KEY, MINTED_KEY, "pnb_" + "Z9" * 18], ids=["caller", "minted", "any"])
def test_a_key_in_stdout_or_an_event_fails_without_printing_it(tmp_path, where, key):
    extra = {"stdout_extra": "leak %s\n" % key} if where == "stdout" else {"event_extra": key}
    result = run(job(tmp_path, "unchanged", **extra))
    assert result.returncode == 1
    assert ("stdout" if where == "stdout" else "job_events") in result.stderr
    assert key not in result.stdout + result.stderr


def test_a_key_mask_is_not_a_leak(tmp_path):
    assert run(job(tmp_path, "unchanged", stdout_extra="key pnb_...a1b2\n")).returncode == 0
