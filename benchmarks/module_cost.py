#!/usr/bin/env python3
"""What a no-op module run costs, compared with one ansible.builtin.uri GET.

Against the emulator (integration seed, own process, free 127.0.0.1 port), sets up a
workspace, a team with two users, a bot and a single workspace grant, then times
ansible-playbook runs of N identical no-op tasks of each module (the object exists and
matches) and of N `ansible.builtin.uri` GETs of /api/me/ on the same emulator:

  per-task cost = (T(playbook of N tasks) - T(playbook with no task)) / N

both in wall-clock seconds and in CPU seconds (user+sys of ansible-playbook and every
process it waited for: RUSAGE_CHILDREN, plus the emulator's own CPU from /proc), median
of the rounds. The ratio module / uri is the figure of merit (target <= 1.2).

It also counts the HTTP requests one no-op run of each module sends (emulator request log),
with the account given by handle (as the integration tests and the demo do) and by UUID.

    /tmp/probe312/bin/python benchmarks/module_cost.py [--tasks 20] [--rounds 3]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _bench as b  # noqa: E402

WS = "bench-ws"
TEAM = "bench-team"
BOT = "bench-bot"
GRANT_USER = "carol@acme.test"

# module -> task arguments of its no-op run (every object exists and matches)
CASES = {
    "workspace": ("prefect.cloud.workspace", {"handle": WS, "name": "Benchmark", "description": "no-op target"}),
    "team": ("prefect.cloud.team", {"name": TEAM, "description": "two users", "users": ["alice@acme.test", "bob@acme.test"]}),
    "workspace_access": ("prefect.cloud.workspace_access", {"workspace": WS, "user": GRANT_USER, "workspace_role": "Developer"}),
    "bot": ("prefect.cloud.bot", {"name": BOT, "account_role": "Member"}),
}
PLAY_TIME_LIMIT = 600  # seconds per ansible-playbook run


def playbook(tasks: list[dict], defaults: dict) -> list[dict]:
    return [{
        "name": "bench", "hosts": "localhost", "connection": "local", "gather_facts": False,
        "module_defaults": {"group/prefect.cloud.prefect_cloud": defaults},
        "tasks": tasks,
    }]


class Runner:
    def __init__(self, tmp: Path, ansible_playbook: str, env: dict):
        self.tmp = tmp
        self.ansible_playbook = ansible_playbook
        self.env = env
        self.count = 0

    def run(self, play: list[dict], emu: b.Emulator | None = None) -> dict:
        self.count += 1
        path = self.tmp / f"play{self.count}.yml"
        path.write_text(json.dumps(play), encoding="utf-8")  # JSON is YAML
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        e0 = emu.cpu() if emu else 0.0
        t0 = time.monotonic()
        out = subprocess.run([self.ansible_playbook, "-i", "localhost,", str(path)], env=self.env,
                             capture_output=True, text=True, timeout=PLAY_TIME_LIMIT)
        wall = time.monotonic() - t0
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
        recap = re.search(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", out.stdout)
        if out.returncode != 0 or (play[0]["tasks"] and not recap):
            raise RuntimeError(f"ansible-playbook failed ({out.returncode}):\n{out.stdout[-3000:]}\n{out.stderr[-2000:]}")
        return {"wall": wall, "cpu": cpu, "server_cpu": (emu.cpu() - e0) if emu else 0.0,
                "ok": int(recap.group(1)) if recap else 0, "changed": int(recap.group(2)) if recap else 0}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tasks", type=int, default=20, help="tasks per playbook (default 20)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", nargs="*", choices=list(CASES), help="modules to time (default: all)")
    ap.add_argument("--ansible-playbook", default=str(Path(sys.executable).with_name("ansible-playbook")))
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    n = max(1, min(args.tasks, 200))
    cases = {k: CASES[k] for k in (args.only or CASES)}

    seed = b.load_seed()
    key, acct_id, handle = b.owner_key(seed), seed["account"]["id"], seed["account"]["handle"]
    print(f"load average {b.load_average()} ({os.cpu_count()} cores); {n} tasks per playbook, {args.rounds} rounds", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-module-cost-"))
    try:
        env = dict(os.environ)
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": b.collections_path(tmp),
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_LOCAL_TEMP": str(tmp / "ansible-local"), "ANSIBLE_REMOTE_TEMP": str(tmp / "ansible-remote"),
        })
        env.pop("PREFECT_API_KEY", None)
        env.pop("PREFECT_API_URL", None)
        runner = Runner(tmp, args.ansible_playbook, env)
        with b.Emulator() as emu:
            defaults = {"api_url": emu.api, "api_key": key, "account": handle}
            # set-up, with the modules themselves; then check that each case is a no-op
            setup = [{"name": f"set up {name}", mod: params} for name, (mod, params) in CASES.items()]
            runner.run(playbook(setup, defaults), emu)
            for name, (mod, params) in cases.items():
                r = runner.run(playbook([{"name": name, mod: params}], defaults), emu)
                assert r["changed"] == 0, f"{name} is not a no-op: {r}"

            # requests per no-op run (request log), account by handle and by id
            counts = {}
            for label, account in (("handle", handle), ("id", acct_id)):
                d = dict(defaults, account=account)
                for name, (mod, params) in cases.items():
                    since = emu.last_seq()
                    runner.run(playbook([{"name": name, mod: params}], d), emu)
                    log = emu.requests_log(since)
                    counts.setdefault(name, {})[label] = [f"{e['method']} {e['path']} {e['status']}" for e in log]
            uri_task = {"name": "GET /api/me/", "ansible.builtin.uri": {
                "url": f"{emu.api}/me/", "headers": {"Authorization": f"Bearer {key}"}, "return_content": False}, "no_log": True}
            since = emu.last_seq()
            runner.run(playbook([uri_task], defaults), emu)
            assert len(emu.requests_log(since)) == 1
            plays = {"(empty)": playbook([], defaults), "uri": playbook([uri_task] * n, defaults)}
            for name, (mod, params) in cases.items():
                plays[name] = playbook([{"name": name, mod: params}] * n, defaults)

            results = {k: [] for k in plays}
            for rnd in range(args.rounds):
                for k, play in plays.items():
                    r = runner.run(play, emu)
                    if k not in ("(empty)",):
                        assert r["changed"] == 0 and r["ok"] == n, (k, r)
                    results[k].append(r)
                print(f"  round {rnd + 1} done (load {b.load_average()})", flush=True)

        def med(k, field):
            return b.median([r[field] for r in results[k]])

        base_w, base_c = med("(empty)", "wall"), med("(empty)", "cpu")
        per = {}
        for k in plays:
            if k == "(empty)":
                continue
            per[k] = {
                "wall": (med(k, "wall") - base_w) / n,
                "cpu": (med(k, "cpu") - base_c) / n,
                "server_cpu": med(k, "server_cpu") / n,
            }
        print(f"\nempty playbook: {base_w:.2f}s wall, {base_c:.2f}s CPU (ansible-playbook start-up, median)")
        print(f"{'task':<17} {'wall s/task':>11} {'x uri':>6} {'CPU s/task':>11} {'x uri':>6} {'server ms/task':>15} {'requests':>9}")
        uw, uc = per["uri"]["wall"], per["uri"]["cpu"]
        for k, v in per.items():
            nreq = len(counts[k]["handle"]) if k in counts else 1
            print(f"{k:<17} {v['wall']:>11.3f} {v['wall'] / uw:>6.2f} {v['cpu']:>11.3f} {v['cpu'] / uc:>6.2f} "
                  f"{1000 * v['server_cpu']:>15.2f} {nreq:>9}")
        print("\nHTTP requests of one no-op run (account by handle | by id):")
        for k, c in counts.items():
            print(f"  {k}: {len(c['handle'])} | {len(c['id'])}")
            for line in c["handle"]:
                print(f"      {line}")
        if args.json:
            Path(args.json).write_text(json.dumps({"per_task": per, "requests": counts, "load": b.load_average()}, indent=2),
                                       encoding="utf-8")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
