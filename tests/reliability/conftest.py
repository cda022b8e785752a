"""The reliability suites: playbooks run with ansible-playbook against the emulator.

``make reliability`` syncs the collection tree (.cache/collections) and runs these with the
newest virtual environment. Each suite starts its own emulator process on a free loopback port
(plain HTTP, or HTTPS with a certificate made for the run) and stops it by its process id.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml

TOP = Path(__file__).resolve().parents[2]
EMULATOR_DIR = TOP / "tests" / "emulator"
COLLECTIONS = TOP / ".cache" / "collections"
PLAYBOOKS = TOP / "playbooks"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(EMULATOR_DIR))

from prefect_cloud_emulator.seed import DEMO_ADMIN_KEY, DEMO_MEMBER_KEY, DEMO_OWNER_KEY, DEMO_SEED  # noqa: E402

ACCOUNT_ID = DEMO_SEED["account"]["id"]
SEED_KEYS = (DEMO_OWNER_KEY, DEMO_ADMIN_KEY, DEMO_MEMBER_KEY)
PLAYBOOK_TIMEOUT = 420  # seconds; a run past this is a hang, not a slow machine


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Emulator:
    """The emulator CLI in a child process, with helpers for its /_emulator hooks."""

    def __init__(self, workdir, seed=None, tls=None):
        self.port = _free_port()
        scheme = "https" if tls else "http"
        self.base_url = "%s://127.0.0.1:%d" % (scheme, self.port)
        self.api_url = self.base_url + "/api"
        self.output = Path(workdir) / ("emulator-%d.log" % self.port)
        args = [sys.executable, "-m", "prefect_cloud_emulator", "--host", "127.0.0.1", "--port", str(self.port)]
        if seed is not None:
            seed_file = Path(workdir) / ("seed-%d.yml" % self.port)
            seed_file.write_text(yaml.safe_dump(seed), encoding="utf-8")
            args += ["--seed", str(seed_file)]
        if tls:
            args += ["--ssl-certfile", tls["certfile"], "--ssl-keyfile", tls["keyfile"]]
        env = dict(os.environ, PYTHONPATH=str(EMULATOR_DIR), PYTHONUNBUFFERED="1")
        with open(self.output, "w", encoding="utf-8") as out:
            self.process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env)
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.verify = tls["ca_file"] if tls else True
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("the emulator exited: %s" % self.output.read_text(encoding="utf-8"))
            try:
                self.http.get(self.base_url + "/_emulator/requests", timeout=5)
                return
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the emulator did not answer within 60 s") from None
                time.sleep(0.1)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self.http.close()

    def hook(self, method, path, body=None):
        response = self.http.request(method, self.base_url + "/_emulator" + path, json=body, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self):
        self.hook("POST", "/reset")

    def fault(self, **rule):
        self.hook("POST", "/faults", rule)

    def clear_faults(self):
        self.hook("DELETE", "/faults")

    def log(self, since=0):
        return self.hook("GET", "/requests?since=%d" % since)

    def log_text(self):
        """Everything the emulator keeps about requests, and its own output, as text."""
        return json.dumps(self.log()) + "\n" + self.output.read_text(encoding="utf-8")

    def api(self, method, path, key=DEMO_OWNER_KEY, **kwargs):
        """A direct API call (as a test's observer, outside the playbook)."""
        response = self.http.request(method, self.api_url + path, headers={"Authorization": "Bearer " + key},
                                     timeout=30, **kwargs)
        return response

    def rows(self, path, body=None):
        response = self.api("POST", "/accounts/%s%s" % (ACCOUNT_ID, path), json=dict(body or {}, limit=200))
        response.raise_for_status()
        return response.json()


class PlaybookRun:
    def __init__(self, completed, log_file):
        self.rc = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.log = log_file.read_text(encoding="utf-8") if log_file.exists() else ""

    def recap(self):
        """``{"ok": n, "changed": n, "failed": n, ...}`` of localhost from PLAY RECAP."""
        for line in self.stdout.splitlines()[::-1]:
            if line.startswith("localhost") and "ok=" in line:
                return {k: int(v) for k, v in (part.split("=") for part in line.split()[2:])}
        return {}

    def failures(self):
        """The lines that report a failed task."""
        return [line for line in self.stdout.splitlines() if line.startswith(("fatal:", "failed:"))]

    def __repr__(self):
        return "rc=%d; failed tasks:\n%s\n--- stdout (tail)\n%s\n--- stderr (tail)\n%s" % (
            self.rc, "\n".join(self.failures()), self.stdout[-6000:], self.stderr[-3000:])


def run_playbook(playbook, workdir, emulator, *args, key=DEMO_OWNER_KEY, env=None, timeout=PLAYBOOK_TIMEOUT):
    """ansible-playbook with the connection in the environment, as CI and AWX set it."""
    workdir = Path(workdir)
    log_file = workdir / ("ansible-%d.log" % time.monotonic_ns())
    environment = {
        name: value for name, value in os.environ.items()
        if not name.startswith(("PREFECT_", "ANSIBLE_")) and name not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
    }
    environment.update(
        ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
        ANSIBLE_LOG_PATH=str(log_file),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_RETRY_FILES_ENABLED="false",
        ANSIBLE_LOCAL_TEMP=str(workdir / "ansible-tmp"),
        ANSIBLE_HOME=str(workdir / "ansible-home"),
        PREFECT_CLOUD_API_URL=emulator.api_url,
        PREFECT_CLOUD_ACCOUNT_ID="acme",
    )
    if key is not None:
        environment["PREFECT_API_KEY"] = key
    environment.update(env or {})
    completed = subprocess.run(
        [str(BIN / "ansible-playbook"), str(playbook), *args],
        cwd=str(TOP), env=environment, capture_output=True, text=True, timeout=timeout, check=False,
    )
    return PlaybookRun(completed, log_file)


def write_playbook(path, tasks, vars_=None, module_defaults=None):
    play = {"name": "reliability", "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}
    if vars_:
        play["vars"] = vars_
    if module_defaults:
        play["module_defaults"] = {"group/prefect.cloud.prefect_cloud": module_defaults}
    Path(path).write_text(yaml.safe_dump([play], sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session", autouse=True)
def collection_tree():
    if not (COLLECTIONS / "ansible_collections" / "prefect" / "cloud" / "galaxy.yml").is_file():
        pytest.exit("run through `make reliability` (it syncs the collection into .cache/collections)", returncode=2)
