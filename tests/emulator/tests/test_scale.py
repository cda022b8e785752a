"""Scale: 10,000 objects loaded through /_emulator/populate, then 300 small requests over one
requests.Session. Prints the measured rate; asserts only a generous sanity bound."""
from __future__ import annotations

import time

from emu_support import ACCT, expect


def test_300_requests_against_10k_objects(emu):
    t0 = time.monotonic()
    out = emu.populate(users=2500, teams=2500, bots=2500, workspaces=2500, prefix="load")
    load_s = time.monotonic() - t0
    assert isinstance(out, dict)

    o = emu.owner
    assert expect(o.post(f"{ACCT}/account_memberships/count", json={"only_users": True}), 200) == 2504
    teams = expect(o.post(f"{ACCT}/teams/filter", json={"teams": {"name": {"like_": "load"}}, "limit": 200}), 200)
    assert len(teams) == 200
    last_page = expect(o.post(f"{ACCT}/teams/filter", json={"limit": 200, "offset": 2400}), 200)
    assert len(last_page) == 100
    bots = expect(o.post(f"{ACCT}/bots/filter", json={"limit": 100}), 200)
    workspaces = expect(o.post(f"{ACCT}/workspaces/filter", json={"limit": 100}), 200)
    names = [t["name"] for t in teams[:100]]
    bot_names = [b["name"] for b in bots]
    handles = [w["handle"] for w in workspaces]

    t0, c0 = time.monotonic(), time.process_time()
    for i in range(100):
        rows = expect(o.post(f"{ACCT}/teams/filter", json={"teams": {"name": {"any_": [names[i]]}}}), 200)
        assert [r["name"] for r in rows] == [names[i]]
        rows = expect(o.post(f"{ACCT}/bots/filter",
                             json={"service_accounts": {"name": {"any_": [bot_names[i]]}}}), 200)
        assert [r["name"] for r in rows] == [bot_names[i]]
        rows = expect(o.post(f"{ACCT}/workspaces/filter",
                             json={"workspaces": {"handle": {"any_": [handles[i]]}}}), 200)
        assert [r["handle"] for r in rows] == [handles[i]]
    elapsed = time.monotonic() - t0
    cpu = time.process_time() - c0  # client and server share this process
    rate, cpu_rate = 300 / elapsed, 300 / max(cpu, 1e-9)
    print(f"\npopulate(10,000 objects): {load_s:.2f}s; 300 filter requests: {elapsed:.2f}s wall = "
          f"{rate:.0f} req/s ({cpu_rate:.0f} req/s per CPU-second of client+server)")
    # Generous sanity bounds. The CPU-time rate does not depend on how loaded the machine is;
    # the wall-clock bound only catches pathological waits (sleeps, timeouts).
    assert cpu_rate > 50, f"only {cpu_rate:.1f} requests per CPU-second over 10,000 objects"
    assert rate > 15, f"only {rate:.1f} req/s wall-clock over 10,000 objects"
