#!/usr/bin/env python3
"""Run the smoke playbook (tests/smoke/smoke.yml) against the emulator or a real account.

    tools/smoke.py --venv VENV [--real [--confirm ACCOUNT] [--cleanup PREFIX]] [-- ANSIBLE-PLAYBOOK ARGS]

Against the emulator (the default): starts it on a free loopback port with tools/emulator.sh and the
built-in demo seed, runs the playbook as the demo account's owner with the connection in the
environment, and then checks what the playbook cannot see itself: the emulator's whole state after
the run is the state before it (GET /_emulator/state) but for the audit trail, which keeps what the
run did; every audit event the run recorded names one of the run's own objects (smoke-xxxxxxxx-...,
one prefix); and no API key appears in the output.

Against a real account (--real): the connection comes from this environment (PREFECT_API_KEY,
PREFECT_CLOUD_ACCOUNT_ID, PREFECT_CLOUD_API_URL); --confirm names the account (handle or id), which
the playbook requires for any API URL that is not loopback; --cleanup PREFIX runs the playbook's
cleanup mode instead of a run. The output is checked for keys there too.

Prints the wall and CPU seconds of the run at the end. Exits non-zero when the playbook fails, the
state differs, or a key was printed.
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
import urllib.request

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAYBOOK = os.path.join(TOP, "tests", "smoke", "smoke.yml")
COLLECTIONS = os.path.join(TOP, ".cache", "collections")
# A Prefect API key as Prefect Cloud mints them; a masked key (pnb_...a1b2) does not match.
KEY_PATTERN = re.compile(r"pn[ub]_[A-Za-z0-9]{36}")
# The names a run gives its objects (workspaces by handle, invitations by email).
RUN_OBJECT = re.compile(r"^(smoke-[a-z0-9]{8})-")
# The audit trail: what happened stays recorded, so it is not part of "as the run found it".
HISTORY = "events"


def demo_owner_key():
    sys.path.insert(0, os.path.join(TOP, "tests", "emulator"))
    try:
        from prefect_cloud_emulator import DEMO_SEED
    finally:
        sys.path.pop(0)
    owner = next(u for u in DEMO_SEED["users"] if u.get("account_role") == "Owner" and u.get("api_key"))
    return owner["api_key"], DEMO_SEED["account"]["handle"]


def read_state(base_url):
    with urllib.request.urlopen(base_url + "/_emulator/state", timeout=30) as response:
        return json.load(response)


def state_differences(before, after):
    """What differs between two emulator states, as lines; empty when the run left the account as it was.

    One thing is not the account's: a user the emulator created when the run's invitee accepted
    through its hook stays in the emulator's user directory once they are no member of any account
    (as a person keeps their Prefect Cloud login). Every other record must be as it was, ``updated``
    stamps included.
    """
    members = {m["actor_id"] for m in after.get("memberships", [])}
    known = {u["id"] for u in before.get("users", [])}
    if "users" in after:
        after = dict(after, users=[u for u in after["users"] if u["id"] in known or u["actor_id"] in members])
    lines = []
    for table in sorted((set(before) | set(after)) - {HISTORY}):
        old, new = before.get(table), after.get(table)
        if old == new:
            continue
        if not isinstance(old, list) or not isinstance(new, list):
            lines.append("%s: %r -> %r" % (table, old, new))
            continue
        old_by_id = {r["id"]: r for r in old}
        new_by_id = {r["id"]: r for r in new}
        for rid in sorted(set(old_by_id) | set(new_by_id)):
            if old_by_id.get(rid) != new_by_id.get(rid):
                change = "added" if rid not in old_by_id else "removed" if rid not in new_by_id else "changed"
                record = new_by_id.get(rid) or old_by_id.get(rid)
                label = record.get("handle") or record.get("name") or record.get("email") or rid
                lines.append("%s %s: %s" % (table, change, label))
    return lines


def events_of_other_objects(before, after):
    """The audit events the run recorded that do not name one of its objects, as lines (empty when
    every event names an object called <prefix>-..., all with the same prefix)."""
    known = {e["id"] for e in before.get(HISTORY, [])}
    lines, prefixes = [], set()
    for event in after.get(HISTORY, []):
        if event["id"] in known:
            continue
        name = event["resource"].get("prefect.resource.name", "")
        match = RUN_OBJECT.match(name)
        if match:
            prefixes.add(match.group(1))
        else:
            lines.append("%s about %r" % (event["event"], name))
    if len(prefixes) > 1:
        lines.append("events about objects of more than one run: %s" % ", ".join(sorted(prefixes)))
    return lines


def run_playbook(venv, env, extra):
    """ansible-playbook, its output shown as it comes and kept for the key check."""
    command = [os.path.join(venv, "bin", "ansible-playbook"), PLAYBOOK, *extra]
    process = subprocess.Popen(command, cwd=TOP, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    for line in process.stdout:
        sys.stdout.write(line)
        output.append(line)
    return process.wait(), "".join(output)


def ansible_environment(base):
    env = dict(base)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_RETRY_FILES_ENABLED="false",
        PYTHONWARNINGS="ignore",
    )
    return env


def check_output_for_keys(output, known_keys):
    leaks = set(KEY_PATTERN.findall(output)) | {k for k in known_keys if k and k in output}
    if leaks:
        print("smoke: %d API key(s) appear in the output" % len(leaks), file=sys.stderr)
        return False
    return True


def emulator_run(venv, extra):
    python = os.path.join(venv, "bin", "python")
    key, account = demo_owner_key()
    emulator = os.path.join(TOP, "tools", "emulator.sh")
    # No connection or Ansible setting of this shell reaches the run, but where to log and colours.
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("PREFECT_", "ANSIBLE_")) or name in ("ANSIBLE_LOG_PATH", "ANSIBLE_NOCOLOR", "ANSIBLE_FORCE_COLOR")}
    env.update(PYTHON=python)
    url = subprocess.run([emulator, "start", ""], env=env, check=True, capture_output=True, text=True).stdout.strip()
    port = url.rsplit(":", 1)[1]
    try:
        print("==> the emulator on %s (built-in demo seed, account %s)" % (url, account), flush=True)
        before = read_state(url)
        env.update(PREFECT_API_KEY=key, PREFECT_CLOUD_API_URL=url + "/api", PREFECT_CLOUD_ACCOUNT_ID=account)
        status, output = run_playbook(venv, ansible_environment(env), ["-e", "smoke_emulator_url=" + url, *extra])
        after = read_state(url)
    finally:
        subprocess.run([emulator, "stop", port], env=env, check=False)
    ok = status == 0
    differences = state_differences(before, after)
    if differences:
        print("smoke: the emulator's state after the run differs from the state before it:\n  " + "\n  ".join(differences),
              file=sys.stderr)
        ok = False
    else:
        print("==> the emulator's state after the run is the state before it (but for its audit trail)")
    foreign = events_of_other_objects(before, after)
    if foreign:
        print("smoke: the run recorded audit events about objects that are not its own:\n  " + "\n  ".join(foreign), file=sys.stderr)
        ok = False
    else:
        recorded = len(after.get(HISTORY, [])) - len(before.get(HISTORY, []))
        print("==> the run's %d audit events are all about its own objects" % recorded)
    return check_output_for_keys(output, [key]) and ok


def real_run(venv, confirm, cleanup, extra):
    missing = [name for name in ("PREFECT_API_KEY", "PREFECT_CLOUD_ACCOUNT_ID") if not os.environ.get(name, "").strip()]
    if missing:
        print("smoke: set %s (a key of a dedicated test account, and that account)" % " and ".join(missing), file=sys.stderr)
        return False
    args = []
    if confirm:
        args += ["-e", "smoke_confirm_account=" + confirm]
    if cleanup:
        args += ["-e", "smoke_cleanup_prefix=" + cleanup]
    status, output = run_playbook(venv, ansible_environment(os.environ), [*args, *extra])
    return check_output_for_keys(output, [os.environ["PREFECT_API_KEY"].strip()]) and status == 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", required=True)
    parser.add_argument("--real", action="store_true", help="against the account of the environment, not the emulator")
    parser.add_argument("--confirm", default="", help="the real account's handle or id")
    parser.add_argument("--cleanup", default="", help="a prefix a run printed: remove what it left (with --real)")
    parser.add_argument("extra", nargs="*", help="more ansible-playbook arguments (after --)")
    args = parser.parse_args(argv)
    if args.cleanup and not args.real:
        parser.error("--cleanup is for a real account (an emulator run starts from a fresh emulator)")
    started = time.monotonic()
    ok = real_run(args.venv, args.confirm, args.cleanup, args.extra) if args.real else emulator_run(args.venv, args.extra)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print("==> smoke %s in %.1f s wall, %.1f s CPU (ansible-playbook and its modules)"
          % ("passed" if ok else "FAILED", time.monotonic() - started, usage.ru_utime + usage.ru_stime))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
