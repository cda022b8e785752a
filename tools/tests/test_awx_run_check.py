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


def audit_job(tmp_path, ident, status, artifact):
    """An audit job: its runner status and the set_stats data its playbook_on_stats event carries."""
    command = job(tmp_path, ident, status=status, minted=False, failures=1 if status == "failed" else 0)
    events = pathlib.Path(command[2]) / "artifacts" / ident / "job_events"
    stats_file = sorted(events.glob("*.json"))[-1]
    event = json.loads(stats_file.read_text())
    event["event_data"]["artifact_data"] = {} if artifact is None else {"prefect_cloud_audit": artifact}
    stats_file.write_text(json.dumps(event))
    return command


@pytest.mark.parametrize("ident, status, artifact", [
    ("audit-drift", "failed", {"status": "drift", "drift": 3}),
    ("audit-clean", "successful", {"status": "clean", "drift": 0, "unmanaged": 2}),
])
def test_an_audit_whose_artifact_carries_its_status_passes(tmp_path, ident, status, artifact):
    result = run(audit_job(tmp_path, ident, status, artifact))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("ident, status, artifact, problem", [
    ("audit-drift", "failed", None, "carry no prefect_cloud_audit"),
    ("audit-drift", "failed", {"status": "drift"}, "carry no prefect_cloud_audit"),
    ("audit-drift", "successful", {"status": "drift", "drift": 3}, "ended successful, not failed"),
    ("audit-drift", "failed", {"status": "error", "drift": 0}, "status 'error', not 'drift'"),
    ("audit-drift", "failed", {"status": "drift", "drift": 0}, "drift is 0"),
    ("audit-clean", "successful", {"status": "clean", "drift": 1}, "drift is 1"),
    ("audit-clean", "failed", {"status": "clean", "drift": 0}, "ended failed, not successful"),
])
def test_an_audit_whose_artifact_is_missing_or_wrong_fails(tmp_path, ident, status, artifact, problem):
    result = run(audit_job(tmp_path, ident, status, artifact))
    assert result.returncode == 1
    assert problem in result.stderr, result.stderr
