#!/usr/bin/env python3
"""Requests of object ACL runs (work pools, deployments, blocks) for a workspace of 50 objects.

Against the emulator (integration seed, own process, free 127.0.0.1 port): populates 30 users,
10 teams and 10 bots, a workspace, and in it 17 work pools, 17 deployments and 16 blocks. Then
one play of three tasks - the list form of work_pool_access, deployment_access and block_access,
every object with a narrowed ACL naming users, bots and teams - runs

  cold   on objects without ACLs (one PUT per object)
  noop   the same again (no write: the figure this benchmark is for)
  check  the same with --check

and each task's requests are counted from the emulator's request log (every task has its own
tagged API URL). A single-object no-op is counted too. No-op and check runs must not write.

    .venv/bin/python benchmarks/object_access.py [--objects 50] [--json out.json]
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _bench as b  # noqa: E402
from module_cost import Runner, playbook  # noqa: E402

KINDS = ("work_pool", "deployment", "block")
MODULES = {"work_pool": "prefect.cloud.work_pool_access", "deployment": "prefect.cloud.deployment_access",
           "block": "prefect.cloud.block_access"}
LISTS = {"work_pool": "work_pools", "deployment": "deployments", "block": "blocks"}
WORKSPACE = "acl-ws-0"  # the populate hook's name for the first workspace of prefix "acl"


def split(total: int) -> dict[str, int]:
    """``total`` objects over the three kinds, as evenly as can be (17, 17, 16 for 50)."""
    base, extra = divmod(total, 3)
    return {kind: base + (1 if i < extra else 0) for i, kind in enumerate(KINDS)}


def object_names(counts: dict[str, int]) -> dict[str, list[str]]:
    # the objects of the second populate call: prefix "obj", batch "-2"
    p = "obj-2"
    return {
        "work_pool": [f"{p}-pool-{i}" for i in range(counts["work_pool"])],
        "deployment": [f"{p}-flow/{p}-deployment-{i}" for i in range(counts["deployment"])],
        "block": [f"{p}-block/{p}-block-{i}" for i in range(counts["block"])],
    }


def entries(kind: str, names: list[str]) -> list[dict]:
    out = []
    for i, name in enumerate(names):
        entry = {kind: name, "manage": {"teams": [f"acl-team-{i % 10}"]},
                 "view": {"teams": [f"acl-team-{i % 10}", f"acl-team-{(i + 1) % 10}"], "users": [f"acl-user-{i % 30}@populate.example"]}}
        if kind != "block":
            entry["run"] = {"users": [f"acl-user-{i % 30}@populate.example", f"acl-user-{(i + 7) % 30}@populate.example"],
                            "bots": [f"acl-bot-{i % 10}"]}
        out.append(entry)
    return out


def endpoint(path: str) -> str:
    """``work_pools/*/access``, ``deployments/filter``: a path without its ids and names."""
    parts = path.split("/")
    if parts[-1] == "access":
        return f"{parts[-3]}/*/access"
    return "/".join(parts[-2:])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--objects", type=int, default=50, help="objects with an ACL in the workspace (default 50)")
    ap.add_argument("--ansible-playbook", default=str(Path(sys.executable).with_name("ansible-playbook")))
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    total = max(3, min(args.objects, 600))
    counts = split(total)

    seed = b.load_seed()
    key, account_id = b.owner_key(seed), seed["account"]["id"]
    print(f"load average {b.load_average()} ({os.cpu_count()} cores); {total} objects: {counts}", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-object-access-"))
    figures: dict = {"objects": counts, "runs": {}}
    try:
        env = dict(os.environ)
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": b.collections_path(tmp), "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_LOCAL_TEMP": str(tmp / "ansible-local"), "ANSIBLE_REMOTE_TEMP": str(tmp / "ansible-remote"),
        })
        env.pop("PREFECT_API_KEY", None)
        env.pop("PREFECT_API_URL", None)
        runner = Runner(tmp, args.ansible_playbook, env)
        with b.Emulator() as emu:
            emu.populate(users=30, teams=10, bots=10, workspaces=1, prefix="acl")
            emu.populate(work_pools=counts["work_pool"], deployments=counts["deployment"], block_documents=counts["block"],
                         workspace=WORKSPACE, prefix="obj")
            names = object_names(counts)
            # account by id: no /me/accounts per task, as the environments role hands it on
            defaults = {"api_key": key, "account": account_id}

            def tasks(run: str) -> list[dict]:
                return [{"name": f"{run} {kind}", MODULES[kind]: {
                    "api_url": f"{emu.base}/_tag/{run}-{kind}/api", "workspace": WORKSPACE, LISTS[kind]: entries(kind, names[kind])}}
                    for kind in KINDS]

            for run in ("cold", "noop", "check"):
                play = playbook(tasks(run), defaults)
                if run == "check":
                    play[0]["check_mode"] = True
                since = emu.last_seq()
                result = runner.run(play, emu)
                log = emu.requests_log(since)
                row = {"wall": round(result["wall"], 2), "cpu": round(result["cpu"], 2), "server_cpu": round(result["server_cpu"], 2),
                       "changed": result["changed"], "kinds": {}}
                for kind in KINDS:
                    mine = [e for e in log if e.get("tag") == f"{run}-{kind}"]
                    writes = [e for e in mine if e["method"] != "GET" and not e["path"].endswith(("/filter", "/count"))]
                    by_endpoint = collections.Counter(f"{e['method']} {endpoint(e['path'])}" for e in mine)
                    row["kinds"][kind] = {"objects": counts[kind], "requests": len(mine), "writes": len(writes),
                                          "by_endpoint": dict(by_endpoint)}
                row["requests"] = sum(k["requests"] for k in row["kinds"].values())
                row["writes"] = sum(k["writes"] for k in row["kinds"].values())
                figures["runs"][run] = row
                if run != "cold":
                    assert row["changed"] == 0 and row["writes"] == 0, (run, row)
                else:
                    assert row["writes"] == total, (run, row)

            since = emu.last_seq()
            single = {"name": "single", MODULES["work_pool"]: {"api_url": emu.api, "workspace": WORKSPACE, **entries("work_pool", names["work_pool"])[0]}}
            result = runner.run(playbook([single], defaults), emu)
            assert result["changed"] == 0
            figures["single_work_pool_noop_requests"] = len(emu.requests_log(since))

        print(f"\n{'run':<6} {'kind':<11} {'objects':>7} {'requests':>9} {'writes':>7} {'per object':>11}")
        for run, row in figures["runs"].items():
            for kind, k in row["kinds"].items():
                print(f"{run:<6} {kind:<11} {k['objects']:>7} {k['requests']:>9} {k['writes']:>7} {k['requests'] / k['objects']:>11.2f}")
            print(f"{run:<6} {'all':<11} {total:>7} {row['requests']:>9} {row['writes']:>7} {row['requests'] / total:>11.2f}"
                  f"   (play: {row['wall']} s wall, {row['cpu']} s CPU; emulator {row['server_cpu']} s CPU)")
        print(f"\nsingle work pool, no-op: {figures['single_work_pool_noop_requests']} requests")
        print("no-op requests by endpoint:")
        for kind, k in figures["runs"]["noop"]["kinds"].items():
            print(f"  {kind}: {k['by_endpoint']}")
        print(f"\nload average now {b.load_average()}")
        if args.json:
            Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
