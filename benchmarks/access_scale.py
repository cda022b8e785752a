#!/usr/bin/env python3
"""Requests of no-op prefect.cloud.workspace_access runs as the account grows.

Against the emulator (integration seed, own process, free 127.0.0.1 port): creates a
workspace and its grants, then counts (emulator request log) the requests of no-op runs of

  single    one grant (workspace + user + workspace_role)
  grants    a 100-entry `grants` list (40 users, 30 bots, 30 teams)
  exclusive the same list with exclusive: true

at three sizes of the account: the seed only (single grant only), after populating 1,000
users, teams and bots, and after populating 1,000 more of each. The single grant must cost a
small constant, the list a number of reads that depends on the workspace's pages of grants,
never on the size of the account, and no run may write.

    /tmp/probe312/bin/python benchmarks/access_scale.py [--per-kind 1000]
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

WS = "scale-ws"
SINGLE = {"workspace": WS, "user": "carol@acme.test", "workspace_role": "Developer"}


def grants_list(prefix: str = "load") -> list[dict]:
    return ([{"user": f"{prefix}-user-{i}@populate.example", "workspace_role": "Developer"} for i in range(40)]
            + [{"bot": f"{prefix}-bot-{i}", "workspace_role": "Runner"} for i in range(30)]
            + [{"team": f"{prefix}-team-{i}", "workspace_role": "Viewer"} for i in range(30)])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-kind", type=int, default=1000, help="users, teams and bots per populate call (default 1000)")
    ap.add_argument("--ansible-playbook", default=str(Path(sys.executable).with_name("ansible-playbook")))
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    k = max(100, min(args.per_kind, 20000))

    seed = b.load_seed()
    key, handle = b.owner_key(seed), seed["account"]["handle"]
    print(f"load average {b.load_average()} ({os.cpu_count()} cores)", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-access-scale-"))
    table = {}
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
            defaults = {"api_url": emu.api, "api_key": key, "account": handle}

            def count(name: str, params: dict) -> dict:
                since = emu.last_seq()
                r = runner.run(playbook([{"name": name, "prefect.cloud.workspace_access": params}], defaults), emu)
                log = emu.requests_log(since)
                writes = [e for e in log if e["method"] != "GET" and not e["path"].endswith(("/filter", "/count"))]
                assert r["changed"] == 0 and not writes, (name, r, writes)
                kinds = collections.Counter(f"{e['method']} {e['path'].rsplit('/', 2)[-2]}/{e['path'].rsplit('/', 1)[-1]}"
                                            for e in log)
                return {"requests": len(log), "by_endpoint": dict(kinds)}

            runner.run(playbook([{"prefect.cloud.workspace": {"handle": WS, "name": "Scale"}},
                                 {"prefect.cloud.workspace_access": SINGLE}], defaults), emu)
            size = 6
            table[f"seed ({size} users)"] = {"single": count("single", SINGLE)}

            emu.populate(users=k, teams=k, bots=k, prefix="load")
            size += k
            big = {"workspace": WS, "grants": grants_list("load")}
            # exclusive: the list plus the single grant made above, so that nothing is to revoke
            excl = {"workspace": WS, "exclusive": True,
                    "grants": big["grants"] + [{"user": SINGLE["user"], "workspace_role": "Developer"}]}
            runner.run(playbook([{"prefect.cloud.workspace_access": big}], defaults), emu)  # set-up: grants them
            row = {"single": count("single", SINGLE), "grants": count("grants", big)}
            row["exclusive"] = count("exclusive", excl)
            table[f"+{k} users/teams/bots"] = row

            emu.populate(users=k, teams=k, bots=k, prefix="load")  # names load-2-...
            row = {"single": count("single", SINGLE), "grants": count("grants", big)}
            row["exclusive"] = count("exclusive", excl)
            table[f"+{2 * k} users/teams/bots"] = row

        print(f"\n{'account':<26} {'single':>7} {'grants(100)':>12} {'exclusive(101)':>15}")
        for label, row in table.items():
            cells = [str(row[c]["requests"]) if c in row else "-" for c in ("single", "grants", "exclusive")]
            print(f"{label:<26} {cells[0]:>7} {cells[1]:>12} {cells[2]:>15}")
        print("\nrequests by endpoint (largest account):")
        for c, v in list(table.values())[-1].items():
            print(f"  {c}: {v['by_endpoint']}")
        print(f"\nload average now {b.load_average()}")
        if args.json:
            Path(args.json).write_text(json.dumps(table, indent=2), encoding="utf-8")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
