#!/usr/bin/env python3
"""The environments role at scale: playbooks/site.yml on a declaration of ~1,000 managed objects.

Generates a declaration in the role's own format (checked against roles/environments/meta/
argument_specs.yml before anything runs): 3 environments (dev, staging, prod), 300 people (270
account members, 30 invitees), 30 teams (13 users and 1 bot each, a workspace role per environment),
60 bots (a deployer per environment and 57 others with a direct grant each), direct user grants and
a custom workspace role: ~600 grants and team memberships, ~1,000 managed objects. Also a matching
emulator seed (the 270 members are account users; the invitees are not and get invitations).

Then, against its own emulator (free 127.0.0.1 port), for each latency asked (0 = loopback, 100 ms
added to every API request with the emulator's latency fault), it runs and measures:

  cold     site.yml on the freshly seeded account (creates everything)
  noop     site.yml again (must report changed=0 and send no write)
  check    site.yml --check on the converged account (no write, changed=0)
  export   playbooks/export.yml, then site.yml with that export (reapply: changed=0, no write)

each with wall time, CPU seconds (ansible-playbook and its module runs: RUSAGE_CHILDREN deltas;
the emulator's from /proc), module runs and changed results (a callback plugin,
benchmarks/callback_plugins/bench_tasks.py), requests by method and writes (the emulator's request
log), and requests per managed object. Targets (no-op and check): <= 8 s wall on loopback, 0 writes,
<= 0.05 requests per managed object.

Keys minted by the role go to a temporary directory (prefect_environments_keys.directory), removed
at the end with the rest of the scratch files. Exits non-zero when a run fails, or when a run on the
converged account (noop, check, reapply) reports a change or sends a write. A missed target is
reported as MISS (non-zero exit only with --strict-targets).

    .venv/bin/python benchmarks/role_scale.py                  # loopback: all; 100 ms: noop and check
    .venv/bin/python benchmarks/role_scale.py --latency-ms 0 --only noop check
    .venv/bin/python benchmarks/role_scale.py --latency-ms 100 --only cold noop check export
"""
from __future__ import annotations

import argparse
import collections
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

import requests
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _bench as b  # noqa: E402

ROLE_SPECS = b.REPO / "roles" / "environments" / "meta" / "argument_specs.yml"
CALLBACKS = b.HERE / "callback_plugins"
OUT_DIR = b.REPO / ".cache" / "benchmarks"
SCENARIOS = ("cold", "noop", "check", "export")
# The runs on the converged account: they must change nothing and write nothing.
CONVERGED = ("noop", "check", "reapply")
PLAY_TIME_LIMIT = 3600  # seconds per ansible-playbook run
# Targets the project committed to, for the no-op re-run and the check-mode run.
TARGET_WALL_S = 8.0  # on loopback only (30 s until the role's no-op was taken to the speed limit)
TARGET_REQ_PER_OBJECT = 0.05
# Tasks that run on the controller only (no module process, no request).
CONTROLLER_ACTIONS = {"set_fact", "assert", "debug", "include_tasks", "import_tasks", "include_role", "import_role",
                      "meta", "validate_argument_spec", "fail", "include_vars", "add_host", "group_by", "set_stats"}

ACCOUNT = {"id": "5ca1ab1e-0000-4000-8000-000000000001", "handle": "scale", "name": "Scale Corp", "plan_type": "ENTERPRISE"}
OWNER_KEY = "pnu_" + ("scaleBenchOwner" + "0" * 36)[:36]
ENVIRONMENTS = ("dev", "staging", "prod")
# Role matrices the teams take in turn (every team has a role in every environment).
MATRICES = (
    {"dev": "Developer", "staging": "Runner", "prod": "Viewer"},
    {"dev": "Developer", "staging": "Deployer", "prod": "Runner"},
    {"dev": "Viewer", "staging": "Viewer", "prod": "Viewer"},
    {"dev": "Owner", "staging": "Developer", "prod": "Deployer"},
    {"dev": "Developer", "staging": "Developer", "prod": "Worker"},
)


# ---- the declaration and the seed ------------------------------------------------------------
def email(i: int) -> str:
    return f"person{i:03d}@scale.example"


def generate(people: int = 300, invitees: int = 30, teams: int = 30, team_users: int = 13, bots: int = 60,
             user_grants: int = 30, keys_dir: str = "/nonexistent") -> tuple[dict, dict]:
    """(declaration, seed). Person 0 is the Owner (the caller); the last `invitees` people are not
    account members. Every 10th person is declared Admin but seeded Member, so the cold run also
    updates account roles."""
    members = people - invitees
    other_bots = bots - len(ENVIRONMENTS)

    def role(i: int) -> str:
        return "Owner" if i == 0 else "Admin" if i % 10 == 5 else "Member"

    decl_people = [{"email": email(i), "account_role": role(i)} for i in range(people)]
    bot_names = [f"svc-{i:02d}" for i in range(other_bots)]
    decl_bots = []
    for i, name in enumerate(bot_names):
        entry = {"name": name, "account_role": "Member"}
        if i % 3 == 0:
            entry["key_expiration"] = "30d"
        decl_bots.append(entry)
    decl_teams = []
    for t in range(teams):
        users = [email(1 + (t * team_users + j) % (members - 1)) for j in range(team_users)]
        decl_teams.append({
            "name": f"team-{t:02d}", "description": f"Scale team {t}",
            "users": users, "bots": [bot_names[t % other_bots]], "roles": dict(MATRICES[t % len(MATRICES)]),
        })
    grants = {env: [] for env in ENVIRONMENTS}
    for i, name in enumerate(bot_names):  # each other bot: a direct grant in one environment
        grants[ENVIRONMENTS[i % 3]].append({"bot": name, "workspace_role": ("Runner", "Worker", "Deployer")[i % 3]})
    for k in range(min(user_grants, members - 1)):  # direct user grants, each user once (members only: a grant
        # makes an outsider a Collaborator)
        grants[ENVIRONMENTS[k % 3]].append({"user": email(1 + k), "workspace_role": "Developer"})
    declaration = {
        "prefect_environments_account": ACCOUNT["handle"],
        "prefect_environments": [
            {"name": env, "title": env.capitalize(), "description": f"The {env} environment (scale benchmark)",
             "grants": grants[env]} | ({"default_workspace_role": "Viewer"} if env == "prod" else {})
            for env in ENVIRONMENTS
        ],
        "prefect_environments_deployer": {"workspace_role": "Deployer", "key_expiration": "90d", "rotate_if_expires_within": "14d"},
        "prefect_environments_workspace_roles": [{
            "name": "Deployer", "description": "Ships deployments and runs them", "inherited_role": "Runner",
            "scopes": ["write_deployments", "manage_work_pools"],
        }],
        "prefect_environments_teams": decl_teams,
        "prefect_environments_people": decl_people,
        "prefect_environments_bots": decl_bots,
        "prefect_environments_exclusive": False,
        "prefect_environments_keys": {"directory": keys_dir},
    }
    seed = {
        "account": dict(ACCOUNT),
        "users": [{"email": email(i), "handle": f"person{i:03d}", "first_name": "Person", "last_name": f"{i:03d}",
                   "account_role": "Owner" if i == 0 else "Member", **({"api_key": OWNER_KEY} if i == 0 else {})}
                  for i in range(members)],
    }
    return declaration, seed


def count_objects(decl: dict) -> dict[str, int]:
    """The objects the declaration manages, by kind."""
    envs = decl["prefect_environments"]
    teams = decl["prefect_environments_teams"]
    counts = {
        "workspaces": len(envs),
        "custom workspace roles": len(decl["prefect_environments_workspace_roles"]),
        "bots": sum(1 for e in envs if e.get("deployer", True) is not False) + len(decl["prefect_environments_bots"]),
        "people (members and invitations)": len(decl["prefect_environments_people"]),
        "teams": len(teams),
        "team memberships": sum(len(t.get("users", [])) + len(t.get("bots", [])) for t in teams),
        "grants": (sum(len(t.get("roles", {})) for t in teams)
                   + sum(1 for e in envs if e.get("deployer", True) is not False)
                   + sum(len(e.get("grants", [])) for e in envs)),
    }
    counts["total"] = sum(counts.values())
    return counts


def validate(decl: dict) -> None:
    """The declaration against the role's argument_specs (as the role checks it at its start)."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    spec = yaml.safe_load(ROLE_SPECS.read_text(encoding="utf-8"))["argument_specs"]["main"]["options"]

    def strip(opts: dict) -> dict:  # documentation keys are not argument spec keys
        out = {}
        for name, o in opts.items():
            o = {k: v for k, v in o.items() if k not in ("description", "version_added")}
            if "options" in o:
                o["options"] = strip(o["options"])
            out[name] = o
        return out

    result = ArgumentSpecValidator(strip(spec)).validate(decl)
    if result.error_messages:
        raise SystemExit("the generated declaration fails the role's argument_specs: " + "; ".join(result.error_messages))


# ---- running ansible-playbook ----------------------------------------------------------------
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def endpoint(e: dict) -> str:
    path = re.sub(r"^/api/accounts/\{id\}", "", UUID_RE.sub("{id}", e["path"])) or "/"
    return f"{e['method']} {path}"


def is_write(e: dict) -> bool:
    return e["method"] != "GET" and not re.search(r"/(filter|count)$", e["path"])


class Runner:
    def __init__(self, tmp: Path, ansible_playbook: str, env: dict):
        self.tmp, self.ansible_playbook, self.env = tmp, ansible_playbook, env
        self.count = 0

    def run(self, label: str, playbook: str, args: list[str], emu: b.Emulator, objects: int) -> dict:
        self.count += 1
        tasks_out = self.tmp / f"tasks-{self.count}-{label}.json"
        log_out = self.tmp / f"run-{self.count}-{label}.log"
        env = dict(self.env, BENCH_TASKS_OUT=str(tasks_out))
        since = emu.last_seq()
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        e0 = emu.cpu()
        t0 = time.monotonic()
        with open(log_out, "w", encoding="utf-8") as fh:
            try:
                proc = subprocess.run([self.ansible_playbook, "-i", "localhost,", playbook, *args], env=env, cwd=b.REPO,
                                      stdout=fh, stderr=subprocess.STDOUT, timeout=PLAY_TIME_LIMIT)
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"{label}: ansible-playbook ran over {PLAY_TIME_LIMIT} s") from None
        wall = time.monotonic() - t0
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_cpu = emu.cpu() - e0
        log = emu.requests_log(since)
        if proc.returncode != 0 or not tasks_out.is_file():
            raise RuntimeError(f"{label}: ansible-playbook {playbook} failed (exit {proc.returncode}):\n"
                               + log_out.read_text(encoding="utf-8")[-4000:])
        cb = json.loads(tasks_out.read_text(encoding="utf-8"))
        stats = cb["stats"].get("localhost", {})
        tasks = cb["tasks"]
        module_tasks = [t for t in tasks if t["action"].rsplit(".", 1)[-1] not in CONTROLLER_ACTIONS]
        methods = collections.Counter(e["method"] for e in log)
        writes = [e for e in log if is_write(e)]
        return {
            "scenario": label,
            "wall_s": round(wall, 2),
            "cpu_s": round((ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime), 2),
            "emulator_cpu_s": round(server_cpu, 2),
            "tasks": len(tasks),
            "task_runs": sum(t["runs"] for t in tasks),
            "module_runs": sum(t["runs"] for t in module_tasks),
            "changed": stats.get("changed", 0),  # tasks, as in the play recap
            "changed_runs": sum(t["changed"] for t in tasks),  # module runs (loop items) that reported a change
            "failed": stats.get("failures", 0),
            "requests": len(log),
            "by_method": dict(sorted(methods.items())),
            "writes": len(writes),
            "writes_by_endpoint": dict(collections.Counter(endpoint(e) for e in writes).most_common()),
            "requests_per_object": round(len(log) / objects, 3),
            "by_endpoint": dict(collections.Counter(endpoint(e) for e in log).most_common()),
            "errors": dict(collections.Counter(f"{endpoint(e)} {e['status']}" for e in log if e["status"] >= 400)),
            "task_detail": [{k: (round(v, 2) if isinstance(v, float) else v) for k, v in t.items()} for t in tasks],
        }


def run_latency(latency_ms: int, scenarios: list[str], runner: Runner, decl_file: Path, seed_file: Path, tmp: Path,
                objects: int, keys_dir: Path) -> list[dict]:
    rows = []
    with b.Emulator(seed_file=seed_file) as emu:
        env = dict(runner.env, PREFECT_CLOUD_API_URL=emu.api)
        r = Runner(tmp, runner.ansible_playbook, env)
        site = ["-e", f"@{decl_file}"]

        def slow_down():
            if latency_ms:
                emu.hook("POST", "/faults", json={"latency": latency_ms / 1000, "count": 10 ** 9})

        def record(row: dict):
            row["latency_ms"] = latency_ms
            rows.append(row)
            print(f"  [{latency_ms:>3} ms] {row['scenario']:<8} {row['wall_s']:>8.1f} s wall, {row['cpu_s']:.1f} s CPU "
                  f"(emulator {row['emulator_cpu_s']:.1f}), {row['module_runs']:>4} module runs, changed={row['changed']}, "
                  f"{row['requests']} requests {row['by_method']}, {row['writes']} writes (load {b.load_average()})", flush=True)

        if "cold" in scenarios:
            slow_down()
            record(r.run("cold", "playbooks/site.yml", site, emu, objects))
            keys = sorted(keys_dir.glob("*.key"))
            if len(keys) != count_bots(decl_file):
                raise RuntimeError(f"cold: {len(keys)} key files in the key directory, expected one per bot")
        else:  # the converged account, built at full speed and not measured
            r.run("setup", "playbooks/site.yml", site, emu, objects)
            slow_down()
        if "noop" in scenarios:
            record(r.run("noop", "playbooks/site.yml", site, emu, objects))
        if "check" in scenarios:
            record(r.run("check", "playbooks/site.yml", [*site, "--check"], emu, objects))
        if "export" in scenarios:
            export = tmp / f"export-{latency_ms}.yml"
            record(r.run("export", "playbooks/export.yml",
                         ["-e", f"export_path={export}", "-e", f"export_keys_directory={keys_dir}"], emu, objects))
            exported = yaml.safe_load(export.read_text(encoding="utf-8"))
            validate(exported)
            record(r.run("reapply", "playbooks/site.yml", ["-e", f"@{export}"], emu, objects))
    return rows


def count_bots(decl_file: Path) -> int:
    return count_objects(yaml.safe_load(decl_file.read_text(encoding="utf-8")))["bots"]


# ---- the report ---------------------------------------------------------------------------------
def verdicts(row: dict) -> dict[str, bool]:
    """Target -> met, for the no-op and check runs (the wall-clock target only on loopback)."""
    if row["scenario"] not in ("noop", "check"):
        return {}
    v = {}
    if row["latency_ms"] == 0:
        v[f"wall <= {TARGET_WALL_S:.0f} s"] = row["wall_s"] <= TARGET_WALL_S
    v["0 writes"] = row["writes"] == 0
    v[f"<= {TARGET_REQ_PER_OBJECT} requests/object"] = row["requests_per_object"] <= TARGET_REQ_PER_OBJECT
    return v


def problems(row: dict) -> list[str]:
    """What makes the benchmark fail (beyond a failed run, which raises)."""
    out = []
    if row["scenario"] in CONVERGED and (row["changed"] or row["changed_runs"]):
        out.append(f"{row['scenario']} at {row['latency_ms']} ms reported changed={row['changed']} ({row['changed_runs']} module runs)")
    if row["scenario"] in CONVERGED and row["writes"]:
        out.append(f"{row['scenario']} at {row['latency_ms']} ms sent {row['writes']} write(s): {row['writes_by_endpoint']}")
    return out


def print_report(rows: list[dict], objects: dict) -> None:
    print(f"\nmanaged objects: {objects['total']} ("
          + ", ".join(f"{v} {k}" for k, v in objects.items() if k != "total") + ")")
    head = (f"{'latency':>7} {'run':<8} {'wall s':>7} {'CPU s':>6} {'emu CPU':>7} {'modules':>7} {'changed':>7} "
            f"{'requests':>8} {'GET':>5} {'POST':>5} {'PUT':>4} {'PATCH':>5} {'DEL':>4} {'writes':>6} {'req/obj':>7}")
    print("\n" + head)
    print("-" * len(head))
    for r in rows:
        m = r["by_method"]
        print(f"{r['latency_ms']:>5}ms {r['scenario']:<8} {r['wall_s']:>7.1f} {r['cpu_s']:>6.1f} {r['emulator_cpu_s']:>7.1f} "
              f"{r['module_runs']:>7} {r['changed']:>7} {r['requests']:>8} {m.get('GET', 0):>5} {m.get('POST', 0):>5} "
              f"{m.get('PUT', 0):>4} {m.get('PATCH', 0):>5} {m.get('DELETE', 0):>4} {r['writes']:>6} {r['requests_per_object']:>7.2f}")
    print("\ntargets (no-op re-run and check mode):")
    for r in rows:
        for name, ok in verdicts(r).items():
            print(f"  {'PASS' if ok else 'MISS'}  {r['scenario']:<6} at {r['latency_ms']:>3} ms: {name}"
                  f"  ({r['wall_s'] if 'wall' in name else r['writes'] if 'writes' in name else r['requests_per_object']})")
    for r in rows:
        if r["scenario"] in ("noop", "cold"):
            print(f"\nwhere the {r['scenario']} run at {r['latency_ms']} ms goes (tasks by wall time; module runs; requests by endpoint):")
            for t in sorted(r["task_detail"], key=lambda t: -t["wall"])[:8]:
                print(f"  {t['wall']:>7.1f} s  {t['runs']:>4} run(s) {t['changed']:>4} changed  {t['action']}: {t['name']}")
            for ep, n in list(r["by_endpoint"].items())[:10]:
                print(f"  {n:>6}  {ep}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--latency-ms", type=int, nargs="+", default=None,
                    help="latencies to run, in ms added to every API request (default: 0 and 100)")
    ap.add_argument("--only", nargs="+", choices=SCENARIOS,
                    help="scenarios (default: all on loopback; noop and check at a latency > 0)")
    ap.add_argument("--people", type=int, default=300)
    ap.add_argument("--invitees", type=int, default=30)
    ap.add_argument("--teams", type=int, default=30)
    ap.add_argument("--bots", type=int, default=60)
    ap.add_argument("--ansible-playbook", default=str(Path(sys.executable).with_name("ansible-playbook")))
    ap.add_argument("--json", default=str(OUT_DIR / "role_scale.json"), help="where the figures go (default %(default)s)")
    ap.add_argument("--keep", metavar="DIR", help="also copy the declaration, the seed, the exports and the logs here")
    ap.add_argument("--strict-targets", action="store_true", help="exit non-zero when a target is missed")
    args = ap.parse_args(argv)
    latencies = args.latency_ms if args.latency_ms is not None else [0, 100]
    if not (1 <= args.invitees < args.people - 20 and 1 <= args.teams and len(ENVIRONMENTS) < args.bots):
        ap.error("need people > invitees + 20, invitees >= 1, teams >= 1, bots > 3")

    tmp = Path(tempfile.mkdtemp(prefix="bench-role-scale-"))
    keys_dir = tmp / "keys"
    rows: list[dict] = []
    failures: list[str] = []
    try:
        decl, seed = generate(args.people, args.invitees, args.teams, bots=args.bots, keys_dir=str(keys_dir))
        validate(decl)
        objects = count_objects(decl)
        print(f"load average {b.load_average()} ({os.cpu_count()} cores); managed objects: {objects['total']}", flush=True)
        decl_file, seed_file = tmp / "declaration.yml", tmp / "seed.yml"
        decl_file.write_text(yaml.safe_dump(decl, sort_keys=False), encoding="utf-8")
        seed_file.write_text(yaml.safe_dump(seed, sort_keys=False), encoding="utf-8")
        env = dict(os.environ)
        for var in ("PREFECT_API_URL", "PREFECT_CLOUD_ACCOUNT_ID", "PREFECT_API_KEY"):
            env.pop(var, None)
        env.update({
            "PREFECT_API_KEY": OWNER_KEY,
            "ANSIBLE_COLLECTIONS_PATH": b.collections_path(tmp), "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS), "ANSIBLE_CALLBACKS_ENABLED": "bench_tasks",
            "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_LOCAL_TEMP": str(tmp / "ansible-local"), "ANSIBLE_REMOTE_TEMP": str(tmp / "ansible-remote"),
        })
        runner = Runner(tmp, args.ansible_playbook, env)
        try:
            for latency in latencies:
                scenarios = args.only or (list(SCENARIOS) if latency == 0 else ["noop", "check"])
                shutil.rmtree(keys_dir, ignore_errors=True)  # a fresh account mints every key again
                print(f"latency {latency} ms: {', '.join(scenarios)}", flush=True)
                rows += run_latency(latency, scenarios, runner, decl_file, seed_file, tmp, objects["total"], keys_dir)
                for row in rows:
                    failures += [p for p in problems(row) if p not in failures]
        except (RuntimeError, requests.RequestException, OSError) as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            if args.keep:
                keep = Path(args.keep)
                keep.mkdir(parents=True, exist_ok=True)
                for f in tmp.iterdir():
                    if f.is_file():
                        shutil.copy2(f, keep / f.name)
        print_report(rows, objects)
        missed = [f"{r['scenario']} at {r['latency_ms']} ms: {n}" for r in rows for n, ok in verdicts(r).items() if not ok]
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cores": os.cpu_count(),
            "load_average_end": b.load_average(), "python": sys.version.split()[0], "ansible_core": ansible_version(args),
            "managed_objects": objects, "runs": rows, "targets_missed": missed, "failures": failures,
        }, indent=1), encoding="utf-8")
        print(f"\nfigures written to {out}; load average now {b.load_average()}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the minted keys with the rest
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    if missed and args.strict_targets:
        print("\ntargets missed (--strict-targets):\n  " + "\n  ".join(missed), file=sys.stderr)
        return 2
    return 0


def ansible_version(args) -> str:
    try:
        out = subprocess.run([args.ansible_playbook, "--version"], capture_output=True, text=True, timeout=60).stdout
        return out.splitlines()[0] if out else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


if __name__ == "__main__":
    sys.exit(main())
