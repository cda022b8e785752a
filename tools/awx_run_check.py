"""Check one ansible-runner job of tools/awx_run.sh.

Usage: awx_run_check.py PRIVATE_DATA_DIR IDENT KEY_DIR

IDENT ``converge``: the run succeeded, changed something and minted at least one key (in KEY_DIR).
IDENT ``unchanged``: the run succeeded and changed nothing.
IDENT ``audit-drift``: a run of playbooks/audit.yml on an account that differs from the declaration: the job
failed (as a drifted audit does, so that AWX notifies on failure) and its artifact (``set_stats``) says so:
``prefect_cloud_audit`` with ``status`` ``drift`` and a positive ``drift`` count.
IDENT ``audit-clean``: the audit of an account that matches: the job succeeded, ``status`` ``clean``, ``drift`` 0.
Every IDENT: no API key appears in ``artifacts/IDENT/stdout`` or ``artifacts/IDENT/job_events/*.json``:
neither the caller's (``PREFECT_API_KEY`` in env/envvars), nor one minted by the run (the files
in KEY_DIR), nor anything shaped like a Prefect Cloud key. A finding names the file and the
offset, never the key. On success the play recap is printed.
"""

import glob
import json
import os
import re
import sys

import yaml

# A Prefect Cloud API key: the user or bot prefix and letters/digits (masks, pnu_...a1b2, do not match).
KEY_SHAPE = re.compile(r"pn[bu]_[A-Za-z0-9]{8,}")


def load_stats(artifacts):
    """The ``playbook_on_stats`` event data: per-host ok, changed, failures, dark counts."""
    for path in glob.glob(os.path.join(artifacts, "job_events", "*.json")):
        with open(path, encoding="utf-8") as f:
            event = json.load(f)
        if event.get("event") == "playbook_on_stats":
            return event["event_data"]
    return None


# What the audit hands to AWX with set_stats: the job's artifacts hold this dict, with these keys at least.
AUDIT_STATS = "prefect_cloud_audit"
AUDIT_DRIFT_COUNT = "drift"
AUDIT_STATS_KEYS = ("status", AUDIT_DRIFT_COUNT)
# IDENT: (the ansible-runner status, the audit's status, whether the drift count is positive).
AUDIT_RUNS = {"audit-drift": ("failed", "drift", True), "audit-clean": ("successful", "clean", False)}
IDENTS = ("converge", "unchanged") + tuple(AUDIT_RUNS)


def check_audit(ident, status, stats):
    """The problems of an audit job: its outcome, and the status its artifact carries."""
    expected_status, audit_status, drifted = AUDIT_RUNS[ident]
    problems = []
    if status != expected_status or stats is None:
        problems.append("the audit job ended %s, not %s" % (status, expected_status))
    artifact = (stats or {}).get("artifact_data", {}).get(AUDIT_STATS)
    if not isinstance(artifact, dict) or not all(key in artifact for key in AUDIT_STATS_KEYS):
        problems.append("the job's artifacts carry no %s with %s (set_stats): %r"
                        % (AUDIT_STATS, " and ".join(AUDIT_STATS_KEYS), (stats or {}).get("artifact_data")))
        return problems
    if artifact["status"] != audit_status:
        problems.append("the artifact says status %r, not %r" % (artifact["status"], audit_status))
    count = artifact[AUDIT_DRIFT_COUNT]
    if not isinstance(count, int) or isinstance(count, bool) or (count > 0) != drifted:
        problems.append("the artifact's %s is %r, which does not fit status %r" % (AUDIT_DRIFT_COUNT, count, audit_status))
    return problems


def find_leaks(artifacts, secrets):
    """(file, offset, what) for each key found in stdout or the job events."""
    leaks = []
    paths = [os.path.join(artifacts, "stdout")] + sorted(glob.glob(os.path.join(artifacts, "job_events", "*.json")))
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for secret, what in secrets:
            offset = text.find(secret)
            if offset >= 0:
                leaks.append((path, offset, what))
        for match in KEY_SHAPE.finditer(text):
            leaks.append((path, match.start(), "a string shaped like an API key"))
    return leaks


def main(pdd, ident, key_dir):
    artifacts = os.path.join(pdd, "artifacts", ident)
    problems = []
    with open(os.path.join(pdd, "env", "envvars"), encoding="utf-8") as f:
        secrets = [(yaml.safe_load(f)["PREFECT_API_KEY"], "the caller's API key (PREFECT_API_KEY)")]
    minted = sorted(glob.glob(os.path.join(key_dir, "*.key")))
    for path in minted:
        with open(path, encoding="utf-8") as f:
            secrets.append((f.read().strip(), "the key minted into %s" % os.path.basename(path)))
    if any(len(secret) < 8 for secret, _ in secrets):
        problems.append("an API key to look for is empty or too short: the leak check would mean nothing")

    with open(os.path.join(artifacts, "status"), encoding="utf-8") as f:
        status = f.read().strip()
    stats = load_stats(artifacts)
    if ident in AUDIT_RUNS:
        problems += check_audit(ident, status, stats)
    elif status != "successful" or stats is None:
        problems.append("the run did not succeed (status %s)" % status)
    else:
        failed = {host: n for kind in ("failures", "dark") for host, n in stats.get(kind, {}).items() if n}
        changed = sum(stats.get("changed", {}).values())
        if failed:
            problems.append("failed or unreachable hosts: %r" % failed)
        if ident == "converge":
            if not changed:
                problems.append("the first run on a fresh emulator changed nothing")
            if not minted:
                problems.append("the first run minted no deployer key into %s" % key_dir)
        elif changed:
            problems.append("the second run changed %d task(s): not idempotent" % changed)

    for path, offset, what in find_leaks(artifacts, secrets):
        problems.append("%s at offset %d of %s" % (what, offset, os.path.relpath(path, pdd)))

    if problems:
        for problem in problems:
            print("awx-run %s: %s" % (ident, problem), file=sys.stderr)
        return 1
    with open(os.path.join(artifacts, "stdout"), encoding="utf-8") as f:
        recap = "; ".join(" ".join(line.split()) for line in f.read().rsplit("PLAY RECAP", 1)[-1].splitlines() if ":" in line)
    print("awx-run %s: passed (%d job events, %d minted keys checked); recap: %s"
          % (ident, len(glob.glob(os.path.join(artifacts, "job_events", "*.json"))), len(minted), recap))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[2] not in IDENTS:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
