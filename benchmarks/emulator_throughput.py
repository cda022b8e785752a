#!/usr/bin/env python3
"""Emulator throughput with 10,000 objects loaded.

Starts the emulator (integration seed) in its own process on a free 127.0.0.1 port, loads
2,500 users, teams, bots and workspaces through /_emulator/populate, then sends a fixed number
of small requests over one requests.Session, in ROUNDS rounds, each round cycling through:

  me        GET  /api/me/
  team      POST .../teams/filter            {"teams": {"name": {"any_": [name]}}}
  bot       POST .../bots/filter             {"service_accounts": {"name": {"any_": [name]}}}
  member    POST .../account_memberships/filter {"account_memberships": {"email": {"any_": [email]}}}
  missing   GET  .../teams/<random uuid>     (404)

Prints, per kind and for the mix: wall-clock req/s (median of the rounds) and the server's
CPU seconds per request (utime+stime of the emulator process, /proc/<pid>/stat), i.e. the
rate one free core would allow. Target (the scale issue): >= 300 req/s with 10,000 objects.

    /tmp/probe312/bin/python benchmarks/emulator_throughput.py [--requests 600] [--rounds 3]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _bench as b  # noqa: E402

KINDS = ("me", "team", "bot", "member", "missing")
TARGET = 300.0
ROUND_TIME_LIMIT = 300.0  # seconds; a round stops early (and says so) past this


def client_cpu() -> float:
    t = os.times()
    return t.user + t.system


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=600, help="requests per round (default 600)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--per-kind", type=int, default=2500, help="users, teams, bots and workspaces each (default 2500)")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    n = max(len(KINDS), min(args.requests, 20000))

    seed = b.load_seed()
    acct = seed["account"]["id"]
    print(f"load average {b.load_average()} ({os.cpu_count()} cores)", flush=True)
    with b.Emulator() as emu:
        print(f"emulator up in {emu.startup_wall:.1f}s wall, {emu.startup_cpu:.2f}s CPU (import + seed)", flush=True)
        c0, t0 = emu.cpu(), time.monotonic()
        emu.populate(users=args.per_kind, teams=args.per_kind, bots=args.per_kind, workspaces=args.per_kind, prefix="load")
        print(f"populate {4 * args.per_kind:,} objects: {time.monotonic() - t0:.1f}s wall, {emu.cpu() - c0:.2f}s server CPU", flush=True)

        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {b.owner_key(seed)}"
        a = f"{emu.api}/accounts/{acct}"
        k = args.per_kind
        # the objects looked up: spread over the whole range (not just the first page)
        idx = [(i * 7919) % k for i in range(n)]

        def call(kind: str, i: int) -> requests.Response:
            j = idx[i]
            if kind == "me":
                return s.get(f"{emu.api}/me/", timeout=30)
            if kind == "team":
                return s.post(f"{a}/teams/filter", json={"teams": {"name": {"any_": [f"load-team-{j}"]}}}, timeout=30)
            if kind == "bot":
                return s.post(f"{a}/bots/filter", json={"service_accounts": {"name": {"any_": [f"load-bot-{j}"]}}}, timeout=30)
            if kind == "member":
                return s.post(f"{a}/account_memberships/filter",
                              json={"account_memberships": {"email": {"any_": [f"load-user-{j}@populate.example"]}}}, timeout=30)
            return s.get(f"{a}/teams/{uuid.uuid4()}", timeout=30)

        expected = {"me": 200, "team": 200, "bot": 200, "member": 200, "missing": 404}
        # correctness of each kind once, before timing
        for kind in KINDS:
            r = call(kind, 0)
            assert r.status_code == expected[kind], (kind, r.status_code, r.text[:300])
            if kind in ("team", "bot", "member"):
                assert len(r.json()) == 1, (kind, r.text[:300])

        rounds = []
        for rnd in range(args.rounds):
            per = {kk: {"wall": 0.0, "cpu": 0.0, "n": 0} for kk in KINDS}
            r_t0, r_c0, r_k0 = time.monotonic(), emu.cpu(), client_cpu()
            done = 0
            for i in range(n):
                kind = KINDS[i % len(KINDS)]
                t, c = time.perf_counter(), emu.cpu()
                r = call(kind, i)
                per[kind]["wall"] += time.perf_counter() - t
                per[kind]["cpu"] += emu.cpu() - c
                per[kind]["n"] += 1
                if r.status_code != expected[kind]:
                    raise SystemExit(f"{kind}: HTTP {r.status_code} {r.text[:200]}")
                done += 1
                if time.monotonic() - r_t0 > ROUND_TIME_LIMIT:
                    print(f"  round {rnd + 1}: stopped after {done} requests (time limit)")
                    break
            wall, cpu, kcpu = time.monotonic() - r_t0, emu.cpu() - r_c0, client_cpu() - r_k0
            rounds.append({"n": done, "wall": wall, "cpu": cpu, "client_cpu": kcpu, "per": per})
            print(f"  round {rnd + 1}: {done} requests in {wall:.2f}s = {done / wall:.0f} req/s wall; "
                  f"server CPU {cpu:.2f}s = {1000 * cpu / done:.2f} ms/request; "
                  f"client CPU {1000 * kcpu / done:.2f} ms/request", flush=True)

    def med(f):
        return b.median([f(r) for r in rounds])

    # /proc CPU is counted in clock ticks (10 ms): per-kind figures come from summing many
    # single-request deltas, so they are only accurate in aggregate.
    print()
    print(f"{'kind':<9} {'req/s wall':>11} {'server ms CPU/req':>18} {'req/s by CPU':>13}")
    summary = {}
    for kind in KINDS:
        rate = med(lambda r, kind=kind: r["per"][kind]["n"] / max(r["per"][kind]["wall"], 1e-9))
        ms = med(lambda r, kind=kind: 1000 * r["per"][kind]["cpu"] / max(r["per"][kind]["n"], 1))
        summary[kind] = {"req_per_s_wall": rate, "server_cpu_ms_per_req": ms}
        print(f"{kind:<9} {rate:>11.0f} {ms:>18.2f} {1000 / ms if ms else float('inf'):>13.0f}")
    rate = med(lambda r: r["n"] / r["wall"])
    ms = med(lambda r: 1000 * r["cpu"] / r["n"])
    kms = med(lambda r: 1000 * r["client_cpu"] / r["n"])
    summary["mix"] = {"req_per_s_wall": rate, "server_cpu_ms_per_req": ms, "client_cpu_ms_per_req": kms}
    print(f"{'mix':<9} {rate:>11.0f} {ms:>18.2f} {1000 / ms:>13.0f}")
    print(f"\nclient (requests + this script, /proc sampling included) {kms:.2f} ms CPU/request: "
          f"server + client {ms + kms:.2f} ms/request = {1000 / (ms + kms):.0f} req/s on one free core")
    verdict_wall = "meets" if rate >= TARGET else "BELOW"
    verdict_cpu = "meets" if 1000 / ms >= TARGET else "BELOW"
    print(f"\ntarget {TARGET:.0f} req/s: wall clock {rate:.0f} ({verdict_wall}); "
          f"CPU-bound rate {1000 / ms:.0f} ({verdict_cpu}); load average now {b.load_average()}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"summary": summary, "load": b.load_average()}, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
