"""`python -m prefect_cloud_emulator --host 127.0.0.1 --port 8686 --seed FILE --state FILE
[--ssl-certfile PEM --ssl-keyfile PEM]`"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any
from uuid import UUID

import uvicorn
import yaml

from . import DEMO_SEED, create_app
from .store import Store


def describe_people(store: Store, account_id: UUID, seed: dict[str, Any]) -> list[str]:
    """Who is in the account, with account roles and the seeded keys, its teams and workspaces:
    enough to write a declaration against the emulator without reading its seed."""
    keys = {u["email"].lower(): u["api_key"] for u in seed.get("users", []) if u.get("api_key")}
    roles = {rec.id: rec.name for rec in store.account_roles.values()}
    users, bots = [], []
    for membership in store.memberships.values():
        if membership.account_id != account_id:
            continue
        role = roles.get(membership.account_role_id, "?") + ("" if membership.active else ", inactive")
        if membership.user_id is not None:
            email = store.users[membership.user_id].email
            users.append((email, role, keys.get(email.lower(), "(no key)")))
        elif membership.bot_id is not None:
            bots.append((store.bots[membership.bot_id].name, role))
    names = {rec.actor_id: rec.email for rec in store.users.values()}
    names.update({rec.actor_id: rec.name for rec in store.bots.values()})
    lines = ["  users (email, account role, API key):"]
    width = max((len(email) for email, _role, _key in users), default=0)
    lines += [f"    {email:<{width}}  {role:<7}  {key}" for email, role, key in sorted(users)] or ["    none"]
    lines.append("  bots (name, account role): " + (", ".join(f"{name} {role}" for name, role in sorted(bots)) or "none"))
    teams = sorted((t for t in store.teams.values() if t.account_id == account_id), key=lambda t: t.name)
    lines.append("  teams: " + ("; ".join(
        f"{t.name} ({', '.join(sorted(names.get(a, '?') for a in t.member_actor_ids)) or 'no members'})" for t in teams) or "none"))
    handles = sorted(w.handle for w in store.workspaces.values() if w.account_id == account_id)
    lines.append("  workspaces: " + (", ".join(handles) or "none"))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="prefect_cloud_emulator", description="Local Prefect Cloud admin-API emulator.")
    parser.add_argument("--host", default="127.0.0.1", help="listen address (loopback only; default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8686)
    parser.add_argument("--seed", help="YAML or JSON seed file (default: the built-in demo seed)")
    parser.add_argument("--state", help="JSON state file: loaded at start when present, saved after each write")
    parser.add_argument("--ssl-certfile", help="serve HTTPS with this PEM certificate (chain); needs --ssl-keyfile")
    parser.add_argument("--ssl-keyfile", help="the PEM private key of --ssl-certfile")
    args = parser.parse_args(argv)
    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        parser.error("--ssl-certfile and --ssl-keyfile go together")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the emulator only listens on loopback (127.0.0.1, localhost or ::1)")

    seed: dict[str, Any] = DEMO_SEED
    if args.seed:
        seed = yaml.safe_load(Path(args.seed).read_text(encoding="utf-8"))
    app = create_app(seed, state_file=args.state)
    store = app.state.emulator.store
    account = next(iter(store.accounts.values()))
    owner_key = next((u.get("api_key") for u in seed.get("users", []) if u.get("account_role") == "Owner" and u.get("api_key")), None)
    host = f"[{args.host}]" if ":" in args.host else args.host
    scheme = "https" if args.ssl_certfile else "http"
    print(f"Prefect Cloud emulator: API URL  {scheme}://{host}:{args.port}/api", flush=True)
    print(f"  account   {account.id}  handle {account.handle!r}", flush=True)
    print(f"  PREFECT_API_URL={scheme}://{host}:{args.port}/api/accounts/{account.id}/workspaces/<workspace id>", flush=True)
    if owner_key:
        print(f"  owner key {owner_key}", flush=True)
    for line in describe_people(store, account.id, seed):
        print(line, flush=True)
    objects = store.objects
    for ws in store.workspaces.values():
        tables = {"work pool": objects.work_pools, "deployment": objects.deployments, "block": objects.block_documents}
        held = {noun: objects.in_workspace(table, ws.id) for noun, table in tables.items()}
        if any(held.values()):
            narrowed = sum(1 for recs in held.values() for rec in recs if rec.access is not None and rec.access.restricts())
            counts = ", ".join(f"{len(recs)} {noun}{'' if len(recs) == 1 else 's'}" for noun, recs in held.items())
            print(f"  workspace {ws.handle!r}: {counts}, {narrowed} with an access control list", flush=True)
    if args.state:
        print(f"  state     {args.state}", flush=True)
    # date_header=False: the app stamps Date from its own clock (moved by /_emulator/clock).
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", date_header=False,
                ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile,
                # A client that leaves a connection open (a refused TLS handshake) must not hold up a stop.
                timeout_graceful_shutdown=5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
