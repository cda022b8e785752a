#!/usr/bin/env python3
"""The walk of one ``workspace_access`` run through the collection's code, traced with ``sys.settrace``.

A ``grants`` run with ``exclusive`` (one grant kept, one changed, one added, two revoked, the
caller's own team grant kept) runs ``main()`` in this process against an emulator in a thread,
and every call into the collection's Python (``plugins/``) is counted, split at the first write
request into the read-and-plan path and the write path:

* ``calls``: calls into collection code (a frame each), and the deepest stack of them;
* ``functions`` and ``files``: how many distinct ones those calls reached;
* ``layer changes``: calls and returns that cross from one layer to another (module,
  ``_engine``, ``_resources``, ``_api``, ``plugins``' others);
* ``accessor-kind comparisons``: executed lines that compare a value with ``"user"``, ``"bot"``
  or ``"team"`` (the accessor kind), counted once per execution.

Reads are sent one at a time while traced: the same requests, in one thread, so the walk is one stack.

It needs nothing but the project's ``.venv``: ``.venv/bin/python benchmarks/trace_walk.py [--json out.json]``.
"""

import argparse
import contextlib
import io
import json
import os
import re
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLUGINS = str(REPO / "plugins")
KEY = "pnu_" + "TraceOwnerKey".ljust(36, "0")
ACCOUNT_ID = "5d1e0c3a-7b2f-4c8e-9a1d-3e5f7a9b1c2d"
SEED = {
    "account": {"id": ACCOUNT_ID, "handle": "trace", "name": "Trace", "plan_type": "ENTERPRISE"},
    "users": [
        {"email": "owner@trace.test", "handle": "owner", "first_name": "Owner", "last_name": "Trace", "account_role": "Owner", "api_key": KEY},
        {"email": "alice@trace.test", "handle": "alice", "first_name": "Alice", "last_name": "Trace", "account_role": "Member"},
        {"email": "bob@trace.test", "handle": "bob", "first_name": "Bob", "last_name": "Trace", "account_role": "Member"},
        {"email": "carol@trace.test", "handle": "carol", "first_name": "Carol", "last_name": "Trace", "account_role": "Member"},
    ],
    "workspaces": [{"handle": "prod", "name": "Production"}],
    "bots": [{"name": "deployer", "account_role": "Member"}, {"name": "old-ci", "account_role": "Member"}],
    "teams": [{"name": "owners", "users": ["owner@trace.test"]}, {"name": "engineers", "users": ["bob@trace.test"]},
              {"name": "contractors", "users": ["carol@trace.test"]}],
    "access": [
        {"workspace": "prod", "user": "owner@trace.test", "workspace_role": "Owner"},
        {"workspace": "prod", "user": "alice@trace.test", "workspace_role": "Viewer"},
        {"workspace": "prod", "bot": "deployer", "workspace_role": "Runner"},
        {"workspace": "prod", "bot": "old-ci", "workspace_role": "Runner"},
        {"workspace": "prod", "team": "owners", "workspace_role": "Owner"},
        {"workspace": "prod", "team": "contractors", "workspace_role": "Developer"},
    ],
}
ARGS = {
    "workspace": "prod",
    "exclusive": True,
    "grants": [
        {"user": "alice@trace.test", "workspace_role": "Developer"},
        {"bot": "deployer", "workspace_role": "Runner"},
        {"team": "engineers", "workspace_role": "Viewer"},
    ],
}
LAYERS = (("/module_utils/_api/", "api"), ("/module_utils/_engine/", "engine"), ("/module_utils/_resources/", "resources"),
          ("/modules/", "module"))
KIND_COMPARISON = re.compile(r"""(==|!=)\s*["'](user|bot|team)["']|["'](user|bot|team)["']\s*(==|!=)""")
WRITE_METHODS = ("PUT", "PATCH", "DELETE")


def layer_of(filename):
    for marker, layer in LAYERS:
        if marker in filename:
            return layer
    return "other"


class Walk:
    """Counts of one part of the run (before or after the first write)."""

    def __init__(self):
        self.calls = 0
        self.depth = 0
        self.max_depth = 0
        self.functions = set()
        self.files = set()
        self.layer_changes = 0
        self.kind_comparisons = 0

    def report(self):
        return {"calls": self.calls, "max_depth": self.max_depth, "functions": len(self.functions), "files": len(self.files),
                "layer_changes": self.layer_changes, "accessor_kind_comparisons": self.kind_comparisons}


class Tracer:
    def __init__(self):
        self.read_and_plan, self.write = Walk(), Walk()
        self.current = self.read_and_plan
        self.lines = {}
        self.stack = []  # layers of the collection frames now running

    def source_line(self, filename, number):
        lines = self.lines.get(filename)
        if lines is None:
            with open(filename, encoding="utf-8") as handle:
                lines = self.lines[filename] = handle.read().splitlines()
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def trace(self, frame, event, arg):
        filename = frame.f_code.co_filename
        if event != "call":
            return None
        if not filename.startswith(PLUGINS) and "ansible_collections/prefect/cloud/plugins" not in filename:
            return None
        walk, layer = self.current, layer_of(filename)
        walk.calls += 1
        walk.functions.add((filename, frame.f_code.co_firstlineno))
        walk.files.add(os.path.basename(filename))
        if self.stack and self.stack[-1] != layer:
            walk.layer_changes += 1
        self.stack.append(layer)
        walk.depth = len(self.stack)
        walk.max_depth = max(walk.max_depth, walk.depth)
        return self.local

    def local(self, frame, event, arg):
        if event == "line":
            if KIND_COMPARISON.search(self.source_line(frame.f_code.co_filename, frame.f_lineno)):
                self.current.kind_comparisons += 1
        elif event == "return":
            layer = self.stack.pop()
            if self.stack and self.stack[-1] != layer:
                self.current.layer_changes += 1
        return self.local


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_emulator():
    import requests
    import uvicorn
    from prefect_cloud_emulator import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(SEED), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            requests.get("http://127.0.0.1:%d/_emulator/requests" % port, timeout=1)
            return server, "http://127.0.0.1:%d/api" % port
        except requests.RequestException:
            time.sleep(0.1)
    raise SystemExit("the emulator did not start")


def importable_collection():
    root = Path(tempfile.mkdtemp(prefix="trace-walk-"))
    (root / "ansible_collections" / "prefect").mkdir(parents=True)
    os.symlink(REPO, root / "ansible_collections" / "prefect" / "cloud")
    sys.path.insert(0, str(root))
    sys.path.insert(0, str(REPO / "tests" / "emulator"))


def run_traced(api_url):
    from ansible.module_utils import basic

    from ansible_collections.prefect.cloud.plugins.module_utils._api.client import PrefectCloudClient
    from ansible_collections.prefect.cloud.plugins.modules import workspace_access

    tracer = Tracer()
    send = PrefectCloudClient.request
    requests_sent = []

    def request(self, method, path, **kwargs):
        is_write = method in WRITE_METHODS or (method == "POST" and not path.endswith("/filter"))
        if is_write and tracer.current is tracer.read_and_plan:
            tracer.current = tracer.write
        requests_sent.append((method, path))
        return send(self, method, path, **kwargs)

    result = {}

    class Exited(Exception):
        pass

    def exit_json(self, **fields):
        result.update(fields)
        raise Exited()

    args = dict(ARGS, api_url=api_url, api_key=KEY, account=ACCOUNT_ID, _ansible_check_mode=False, _ansible_diff=True)
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()
    if hasattr(basic, "_ANSIBLE_PROFILE"):
        basic._ANSIBLE_PROFILE = "legacy"
    original = (basic.AnsibleModule.exit_json, basic.AnsibleModule.fail_json, basic.AnsibleModule._log_invocation,
                PrefectCloudClient.request)
    basic.AnsibleModule.exit_json = exit_json
    basic.AnsibleModule.fail_json = lambda self, msg, **fields: exit_json(self, msg=msg, failed=True, **fields)
    basic.AnsibleModule._log_invocation = lambda self: None
    PrefectCloudClient.request = request
    # One read at a time, in this thread: the walk is one stack (the requests are the same).
    concurrent_reads, PrefectCloudClient.max_concurrent_reads = PrefectCloudClient.max_concurrent_reads, 1
    try:
        sys.settrace(tracer.trace)
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                workspace_access.main()
            except (Exited, SystemExit):
                pass
    finally:
        sys.settrace(None)
        (basic.AnsibleModule.exit_json, basic.AnsibleModule.fail_json, basic.AnsibleModule._log_invocation,
         PrefectCloudClient.request) = original
        PrefectCloudClient.max_concurrent_reads = concurrent_reads
    return tracer, result, requests_sent


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", help="write the counts here as well")
    options = parser.parse_args()
    importable_collection()
    server, api_url = start_emulator()
    tracer, result, requests_sent = run_traced(api_url)
    server.should_exit = True
    if result.get("failed") or not result.get("changed"):
        raise SystemExit("the traced run did not change what it should: %s" % result.get("msg"))
    report = {
        "msg": result["msg"],
        "requests": len(requests_sent),
        "writes": sum(1 for method, path in requests_sent if method in WRITE_METHODS or (method == "POST" and not path.endswith("/filter"))),
        "read_and_plan": tracer.read_and_plan.report(),
        "write": tracer.write.report(),
    }
    print(json.dumps(report, indent=2))
    if options.json:
        Path(options.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
