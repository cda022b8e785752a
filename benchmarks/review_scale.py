#!/usr/bin/env python3
"""The access review of an account the size of a real organisation.

Generates an emulator seed - 300 people (every 30th inactive, 3 Owners, 6 Admins, 10 Collaborators),
60 bots (a third of them with a key that never expires), 30 teams of 12 people and 2 bots,
3 workspaces (one with a default role), a custom role, grants of every team in one to three
workspaces, 100 direct user grants and a grant for every bot, 20 pending invitations - starts the
emulator with it (own process, free 127.0.0.1 port) and runs

    ansible-playbook playbooks/access_review.yml -e access_review_dir=<tmp>

as users do. It measures the wall time, the CPU seconds of ansible-playbook and its module run and
of the emulator, the requests (emulator request log) and requests per member, checks that nothing
was written to the API and that both files are there with a row per member and workspace, and
prints PASS / MISS against the targets: <= 30 s wall on loopback, <= 0.2 requests per member.

    .venv/bin/python benchmarks/review_scale.py [--people 300 --bots 60 --teams 30 --workspaces 3]
                                                [--json .cache/benchmarks/review_scale.json] [--strict-targets]
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _bench as b  # noqa: E402

OWNER_KEY = "pnu_" + "ReviewScaleOwner".ljust(36, "0")
ACCOUNT_ID = "5d2c7e41-8a3b-4c6d-9e0f-1a2b3c4d5e6f"
TARGET_WALL = 30.0
TARGET_REQUESTS_PER_MEMBER = 0.2


def make_seed(people: int, bots: int, teams: int, workspaces: int) -> dict:
    handles = ["prod", "staging", "dev"][:workspaces] + ["ws-%d" % i for i in range(3, workspaces)]
    users = []
    for i in range(people):
        role = "Owner" if i < 3 else "Admin" if i < 9 else "Collaborator" if i >= people - 10 else "Member"
        users.append({"email": "person-%03d@review.example" % i, "handle": "person-%03d" % i, "first_name": "Person",
                      "last_name": str(i), "account_role": role, "active": i % 30 != 29})
    users[0]["api_key"] = OWNER_KEY
    members = [u["email"] for u in users if u["account_role"] == "Member"]
    bot_rows = [{"name": "bot-%02d" % i, "key_expires_in_days": None if i % 3 == 0 else 90} for i in range(bots)]
    team_rows = []
    for t in range(teams):
        people_of_team = [members[(t * 12 + j) % len(members)] for j in range(12)]
        bots_of_team = [bot_rows[(t * 2 + j) % bots]["name"] for j in range(2)] if bots else []
        team_rows.append({"name": "team-%02d" % t, "users": people_of_team, "bots": bots_of_team})
    roles = ["Viewer", "Runner", "Developer", "Deployer"]
    grants = []
    for t, team in enumerate(team_rows):
        for w in range(1 + t % len(handles)):
            grants.append({"workspace": handles[w], "team": team["name"], "workspace_role": roles[(t + w) % len(roles)]})
    for i, email in enumerate(members[:100]):
        grants.append({"workspace": handles[i % len(handles)], "user": email, "workspace_role": roles[i % len(roles)]})
    for i, bot in enumerate(bot_rows):
        grants.append({"workspace": handles[i % len(handles)], "bot": bot["name"], "workspace_role": "Runner"})
    for i, user in enumerate(users[-10:]):  # Collaborators reach only what they were granted
        grants.append({"workspace": handles[i % len(handles)], "user": user["email"], "workspace_role": "Viewer"})
    return {
        "account": {"id": ACCOUNT_ID, "handle": "review-scale", "name": "Review Scale"},
        "users": users,
        "workspaces": [dict({"handle": h, "name": h.title()}, **({"default_workspace_role": "Viewer"} if h == "staging" else {}))
                       for h in handles],
        "workspace_roles": [{"name": "Deployer", "scopes": ["run_deployments"], "inherited_role": "Viewer"}],
        "bots": bot_rows,
        "teams": team_rows,
        "access": grants,
        "invitations": [{"email": "invitee-%02d@review.example" % i} for i in range(20)],
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=300)
    ap.add_argument("--bots", type=int, default=60)
    ap.add_argument("--teams", type=int, default=30)
    ap.add_argument("--workspaces", type=int, default=3)
    ap.add_argument("--ansible-playbook", default=str(Path(sys.executable).with_name("ansible-playbook")))
    ap.add_argument("--json", default=str(b.REPO / ".cache" / "benchmarks" / "review_scale.json"))
    ap.add_argument("--strict-targets", action="store_true", help="exit non-zero when a target is missed")
    args = ap.parse_args(argv)
    people, bots = max(20, min(args.people, 5000)), max(0, min(args.bots, 1000))
    teams, workspaces = max(1, min(args.teams, 500)), max(1, min(args.workspaces, 50))

    print(f"load average {b.load_average()} ({os.cpu_count()} cores)", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-review-scale-"))
    try:
        seed_file = tmp / "seed.yml"
        seed_file.write_text(yaml.safe_dump(make_seed(people, bots, teams, workspaces)), encoding="utf-8")
        out = tmp / "review"
        out.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "ANSIBLE_"))}
        with b.Emulator(seed_file) as emu:
            env.update({
                "ANSIBLE_COLLECTIONS_PATH": b.collections_path(tmp), "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
                "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
                "ANSIBLE_NOCOLOR": "1", "ANSIBLE_LOCAL_TEMP": str(tmp / "ansible-local"),
                "PREFECT_API_KEY": OWNER_KEY, "PREFECT_CLOUD_API_URL": emu.api, "PREFECT_CLOUD_ACCOUNT_ID": ACCOUNT_ID,
            })
            since = emu.last_seq()
            emu_cpu = emu.cpu()
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.monotonic()
            run = subprocess.run(
                [args.ansible_playbook, str(b.REPO / "playbooks" / "access_review.yml"), "-e", f"access_review_dir={out}"],
                env=env, capture_output=True, text=True, timeout=600, check=False,
            )
            wall = time.monotonic() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            emu_cpu = emu.cpu() - emu_cpu
            log = emu.requests_log(since)
        if run.returncode != 0:
            print(run.stdout[-4000:], run.stderr[-2000:], sep="\n")
            return 1
        members = people + bots
        writes = [e for e in log if e["method"] != "GET" and not e["path"].endswith(("/filter", "/count"))]
        rows = (out / "access_review.csv").read_text(encoding="utf-8").splitlines()
        expected_rows = 1 + members * workspaces + 20
        figures = {
            "people": people, "bots": bots, "teams": teams, "workspaces": workspaces, "members": members,
            "wall_seconds": round(wall, 2),
            "ansible_cpu_seconds": round((after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime), 2),
            "emulator_cpu_seconds": round(emu_cpu, 2),
            "requests": len(log), "writes": len(writes),
            "requests_per_member": round(len(log) / members, 3),
            "csv_rows": len(rows) - 1, "html_bytes": (out / "access_review.html").stat().st_size,
            "by_endpoint": dict(collections.Counter(
                f"{e['method']} .../{'/'.join(e['path'].split('/')[-2:])}" for e in log).most_common()),
            "load_average": b.load_average(),
        }
        checks = {
            f"wall <= {TARGET_WALL:g} s": wall <= TARGET_WALL,
            f"requests per member <= {TARGET_REQUESTS_PER_MEMBER}": figures["requests_per_member"] <= TARGET_REQUESTS_PER_MEMBER,
        }
        print(f"access review of {people} people, {bots} bots, {teams} teams, {workspaces} workspaces:")
        print(f"  wall {figures['wall_seconds']} s (CPU: ansible-playbook and module {figures['ansible_cpu_seconds']} s, "
              f"emulator {figures['emulator_cpu_seconds']} s)")
        print(f"  requests {figures['requests']} ({figures['requests_per_member']} per member), writes {len(writes)}")
        print(f"  CSV rows {figures['csv_rows']}, page {figures['html_bytes']:,} bytes")
        for name, ok in checks.items():
            print(f"  {'PASS' if ok else 'MISS'} {name}")
        if writes or len(rows) != expected_rows:
            print(f"FAILED: writes {writes[:5]}, CSV rows {len(rows)} (expected {expected_rows})")
            return 1
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        return 0 if all(checks.values()) or not args.strict_targets else 2
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
