#!/usr/bin/env python3
"""The environments role's no-op beside a hand-written ansible.builtin.uri playbook, on a small declaration.

What a team pays for the role over doing it by hand: the same small declaration - 2 workspaces, 1 team
(one user), 1 bot, 1 invitation and 5 grants (a user in both workspaces, the bot in one, the team in both
through its role matrix), account given as UUID - converged once by the role (not measured), then, on
the converged account, for each latency (0 = loopback; 100 = the emulator's latency fault, 100 ms added
to every API request):

  role    playbooks/site.yml with the declaration (changed=0, no write)
  uri     benchmarks/uri_small_declaration.yml: the reads a careful hand-written playbook needs to tell
          that nothing is to be done (one filter per kind, the three access lists of each workspace),
          with its writes guarded by `when` (all skipped on the converged account)

each --rounds times, alternating, with wall time and CPU seconds (ansible-playbook and every process it
waited for: RUSAGE_CHILDREN deltas) as medians, module runs (a callback plugin counts them) and requests
(the emulator's request log). Targets: the role's requests <= 1.0x the uri playbook's, its wall time
<= 0.7x, on loopback and at 100 ms. Exits non-zero when a run fails or the role reports a change or
writes; a missed target only with --strict-targets.

    .venv/bin/python benchmarks/role_vs_uri.py [--latency-ms 0 100] [--rounds 5] [--collection DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _bench as b  # noqa: E402

CALLBACKS = b.HERE / "callback_plugins"
URI_PLAYBOOK = b.HERE / "uri_small_declaration.yml"
OUT_DIR = b.REPO / ".cache" / "benchmarks"
PLAY_TIME_LIMIT = 900
TARGET_REQUESTS = 1.0  # role / uri
TARGET_WALL = 0.7  # role / uri
# Tasks that run on the controller only (no module process, no request).
CONTROLLER_ACTIONS = {"set_fact", "assert", "debug", "include_tasks", "import_tasks", "include_role", "import_role",
                      "meta", "validate_argument_spec", "fail", "include_vars", "add_host", "group_by", "set_stats"}


def declaration(seed: dict, keys_dir: Path) -> dict:
    """The small declaration, on the integration seed's account and people."""
    return {
        "prefect_environments_account": seed["account"]["id"],
        "prefect_environments": [
            {"name": "dev", "deployer": False, "grants": [
                {"user": "alice@acme.test", "workspace_role": "Developer"},
                {"bot": "bench-etl", "workspace_role": "Runner"},
            ]},
            {"name": "prod", "deployer": False, "grants": [
                {"user": "alice@acme.test", "workspace_role": "Viewer"},
            ]},
        ],
        "prefect_environments_teams": [
            {"name": "bench-data", "users": ["bob@acme.test"], "roles": {"dev": "Developer", "prod": "Viewer"}},
        ],
        "prefect_environments_bots": [{"name": "bench-etl"}],
        "prefect_environments_people": [{"email": "new-hire@acme.test", "account_role": "Member"}],
        "prefect_environments_keys": {"directory": str(keys_dir)},
    }


def run(label: str, cmd: list[str], env: dict, emu: b.Emulator, tmp: Path) -> dict:
    tasks_out = tmp / f"tasks-{label}.json"
    log_out = tmp / f"{label}.log"
    since = emu.last_seq()
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    with open(log_out, "w", encoding="utf-8") as fh:
        proc = subprocess.run(cmd, env=dict(env, BENCH_TASKS_OUT=str(tasks_out)), cwd=b.REPO, stdout=fh,
                              stderr=subprocess.STDOUT, timeout=PLAY_TIME_LIMIT)
    wall = time.monotonic() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    log = emu.requests_log(since)
    if proc.returncode != 0 or not tasks_out.is_file():
        raise RuntimeError(f"{label} failed (exit {proc.returncode}):\n" + log_out.read_text(encoding="utf-8")[-4000:])
    cb = json.loads(tasks_out.read_text(encoding="utf-8"))
    tasks = cb["tasks"]
    return {
        "wall_s": wall,
        "cpu_s": (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime),
        "tasks": len(tasks),
        "module_runs": sum(t["runs"] for t in tasks if t["action"].rsplit(".", 1)[-1] not in CONTROLLER_ACTIONS),
        "changed": cb["stats"].get("localhost", {}).get("changed", 0),
        "requests": len(log),
        "writes": sum(1 for e in log if e["method"] != "GET" and not e["path"].rstrip("/").endswith(("/filter", "/count"))),
        "endpoints": sorted(f"{e['method']} {e['path']}" for e in log),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--latency-ms", type=int, nargs="+", default=[0, 100])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--collection", default=str(b.REPO),
                    help="the checkout of prefect.cloud to run (default: this one; another tree measures 'before')")
    ap.add_argument("--ansible-playbook", default=str(Path(sys.executable).with_name("ansible-playbook")))
    ap.add_argument("--json", default=str(OUT_DIR / "role_vs_uri.json"))
    ap.add_argument("--strict-targets", action="store_true")
    args = ap.parse_args(argv)
    if not 1 <= args.rounds <= 50:
        ap.error("--rounds must be 1..50")

    seed = b.load_seed()
    tmp = Path(tempfile.mkdtemp(prefix="bench-role-vs-uri-"))
    failures, summary = [], []
    try:
        collection = Path(args.collection).resolve()
        link = tmp / "collections" / "ansible_collections" / "prefect" / "cloud"
        link.parent.mkdir(parents=True)
        link.symlink_to(collection, target_is_directory=True)
        decl_file = tmp / "declaration.yml"
        decl_file.write_text(yaml.safe_dump(declaration(seed, tmp / "keys")), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "ANSIBLE_"))}
        env.update({
            "PREFECT_API_KEY": b.owner_key(seed),
            "ANSIBLE_COLLECTIONS_PATH": str(tmp / "collections"), "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS), "ANSIBLE_CALLBACKS_ENABLED": "bench_tasks",
            "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "false", "PYTHONWARNINGS": "ignore",
            "ANSIBLE_LOCAL_TEMP": str(tmp / "ansible-local"), "ANSIBLE_REMOTE_TEMP": str(tmp / "ansible-remote"),
        })
        base = [args.ansible_playbook, "-i", "localhost,"]
        role_cmd = base + [str(collection / "playbooks" / "site.yml"), "-e", f"@{decl_file}"]
        with b.Emulator() as emu:
            env["PREFECT_CLOUD_API_URL"] = emu.api
            uri_cmd = base + [str(URI_PLAYBOOK), "-e", f"@{decl_file}", "-e", f"api_url={emu.api}"]
            run("converge", role_cmd, env, emu, tmp)  # not measured
            print(f"load average {b.load_average()} ({os.cpu_count()} cores); collection {collection}", flush=True)
            for latency in args.latency_ms:
                emu.hook("DELETE", "/faults")
                if latency:
                    emu.hook("POST", "/faults", json={"latency": latency / 1000, "count": 10 ** 9})
                rounds = {"role": [], "uri": []}
                for i in range(args.rounds):
                    for label, cmd in (("role", role_cmd), ("uri", uri_cmd)):
                        row = run(f"{label}-{latency}-{i}", cmd, env, emu, tmp)
                        if label == "role" and (row["changed"] or row["writes"]):
                            failures.append(f"role no-op at {latency} ms: changed={row['changed']}, {row['writes']} writes")
                        if label == "uri" and row["writes"]:
                            failures.append(f"uri playbook at {latency} ms wrote {row['writes']} times: {row['endpoints']}")
                        rounds[label].append(row)
                line = {"latency_ms": latency}
                for label, rows in rounds.items():
                    line[label] = {
                        "wall_s": round(statistics.median(r["wall_s"] for r in rows), 2),
                        "cpu_s": round(statistics.median(r["cpu_s"] for r in rows), 2),
                        "tasks": rows[0]["tasks"], "module_runs": rows[0]["module_runs"], "requests": rows[0]["requests"],
                        "endpoints": rows[0]["endpoints"],
                    }
                line["wall_ratio"] = round(line["role"]["wall_s"] / line["uri"]["wall_s"], 2)
                line["cpu_ratio"] = round(line["role"]["cpu_s"] / line["uri"]["cpu_s"], 2)
                line["requests_ratio"] = round(line["role"]["requests"] / line["uri"]["requests"], 2)
                summary.append(line)
                print(f"  [{latency:>3} ms] role {line['role']['wall_s']:.2f} s wall, {line['role']['cpu_s']:.2f} s CPU, "
                      f"{line['role']['module_runs']} module runs, {line['role']['requests']} requests | uri "
                      f"{line['uri']['wall_s']:.2f} s wall, {line['uri']['cpu_s']:.2f} s CPU, {line['uri']['module_runs']} module runs, "
                      f"{line['uri']['requests']} requests | role/uri wall {line['wall_ratio']:.2f}x, CPU {line['cpu_ratio']:.2f}x, "
                      f"requests {line['requests_ratio']:.2f}x (load {b.load_average()})", flush=True)
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    missed = []
    for line in summary:
        if line["requests_ratio"] > TARGET_REQUESTS:
            missed.append(f"{line['latency_ms']} ms: requests {line['requests_ratio']}x > {TARGET_REQUESTS}x")
        if line["wall_ratio"] > TARGET_WALL:
            missed.append(f"{line['latency_ms']} ms: wall {line['wall_ratio']}x > {TARGET_WALL}x")
    print("\ntargets: role/uri requests <= %.1fx, wall <= %.1fx" % (TARGET_REQUESTS, TARGET_WALL))
    for line in summary:
        for name, ratio, target in (("requests", line["requests_ratio"], TARGET_REQUESTS), ("wall", line["wall_ratio"], TARGET_WALL)):
            print(f"  {'PASS' if ratio <= target else 'MISS'}  {line['latency_ms']:>3} ms {name}: {ratio:.2f}x")
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cores": os.cpu_count(),
                               "load_average_end": b.load_average(), "python": sys.version.split()[0],
                               "collection": args.collection, "rounds": args.rounds, "results": summary,
                               "targets_missed": missed, "failures": failures}, indent=1), encoding="utf-8")
    print(f"figures written to {out}")
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 2 if missed and args.strict_targets else 0


if __name__ == "__main__":
    sys.exit(main())
