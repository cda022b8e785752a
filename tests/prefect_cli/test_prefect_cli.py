"""The official Prefect CLI against the emulator: a client nobody here wrote.

Run by tests/prefect_cli/run.sh, which installs the pinned ``prefect`` package into its own
virtual environment and starts the emulator with its demo seed. Environment:

* ``PREFECT_CLI``: the ``prefect`` executable of that virtual environment;
* ``EMULATOR_URL``: the emulator's base URL (``http://127.0.0.1:PORT``).

The tests run in file order and build on one another (``-x`` stops at the first failure): log
in, list the workspaces, then every ``prefect cloud ip-allowlist`` command, each checked against
what its help text promises and against the emulator's state and request log. Every CLI process
gets its own ``PREFECT_HOME`` and ``HOME`` under pytest's temporary directory, so nothing is read
from or written to the real home directory.
"""
from __future__ import annotations

import copy
import json
import os
import re
import subprocess

import pytest
import requests

from prefect_cloud_emulator.seed import DEMO_OWNER_KEY, DEMO_SEED

EMULATOR_URL = os.environ.get("EMULATOR_URL", "")
PREFECT_CLI = os.environ.get("PREFECT_CLI", "")
ACCOUNT_ID = DEMO_SEED["account"]["id"]
ACCOUNT_HANDLE = DEMO_SEED["account"]["handle"]
ACCOUNT = f"/api/accounts/{ACCOUNT_ID}"
LOOPBACK = "127.0.0.1"
CLI_TIMEOUT = 90  # seconds per command: an import of prefect on a busy machine takes a while

pytestmark = pytest.mark.skipif(not (EMULATOR_URL and PREFECT_CLI),
                                reason="run through tests/prefect_cli/run.sh (PREFECT_CLI, EMULATOR_URL)")

# Variables of the caller's environment that would steer the CLI elsewhere.
STEERING = re.compile(r"^(PREFECT_|DO_NOT_TRACK$|HOME$|XDG_)")


class Result:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.rc = proc.returncode
        # Rich folds long lines; join them back so a message is one line.
        self.out = " ".join((proc.stdout + proc.stderr).split())

    def __repr__(self):
        return f"<exit {self.rc}: {self.out[:2000]}>"


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if not STEERING.match(k)}
    env.update({
        "HOME": str(home),
        "PREFECT_HOME": str(home / ".prefect"),
        "PREFECT_CLOUD_API_URL": EMULATOR_URL + "/api",
        "DO_NOT_TRACK": "1",  # no analytics events
        "COLUMNS": "200",  # wide enough that tables keep one row per entry
        "NO_COLOR": "1",
    })

    def run(*args, answer=None):
        """``prefect --no-prompt ARGS`` (or, with ``answer``, prompting and answering on stdin)."""
        flags = ["--prompt"] if answer is not None else ["--no-prompt"]
        proc = subprocess.run([PREFECT_CLI, *flags, *args], input=answer or "", capture_output=True, text=True,
                              env=env, timeout=CLI_TIMEOUT, check=False)
        return Result(proc)

    run.home = home
    return run


@pytest.fixture(scope="module", autouse=True)
def fresh_emulator():
    hook("POST", "/reset")
    yield
    hook("POST", "/reset", json={"seed": DEMO_SEED})


def hook(method, path, **kwargs):
    response = requests.request(method, EMULATOR_URL + "/_emulator" + path, timeout=10, **kwargs)
    response.raise_for_status()
    return response.json() if response.content else None


def api(method, path, **kwargs):
    response = requests.request(method, EMULATOR_URL + path, timeout=10,
                                headers={"Authorization": f"Bearer {DEMO_OWNER_KEY}"}, **kwargs)
    response.raise_for_status()
    return response.json() if response.content else None


def allowlist():
    return {e["ip_network"]: e for e in api("GET", ACCOUNT + "/ip_allowlist")["entries"]}


def enforced():
    return api("GET", ACCOUNT + "/settings")["enforce_ip_allowlist"]


def log_mark():
    entries = hook("GET", "/requests")
    return entries[-1]["seq"] if entries else 0


def writes_since(mark):
    return [(e["method"], e["path"].rsplit("/", 1)[-1], e["status"])
            for e in hook("GET", f"/requests?since={mark}") if e["method"] != "GET"]


# ------------------------------------------------------------------------------------ login

def test_login_with_a_wrong_key_is_refused(cli):
    result = cli("cloud", "login", "-k", "pnu_" + "x" * 36, "-w", f"{ACCOUNT_HANDLE}/production")
    assert result.rc == 1, result
    assert "Unable to authenticate with Prefect Cloud. Please ensure your credentials are correct" in result.out


def test_login_stores_the_key_and_the_workspace_url(cli):
    result = cli("cloud", "login", "-k", DEMO_OWNER_KEY, "-w", f"{ACCOUNT_HANDLE}/production")
    assert result.rc == 0, result
    assert f"Authenticated with Prefect Cloud! Using workspace '{ACCOUNT_HANDLE}/production'." in result.out
    workspace = next(w for w in api("GET", "/api/me/workspaces") if w["workspace_handle"] == "production")
    profiles = (cli.home / ".prefect" / "profiles.toml").read_text(encoding="utf-8")
    api_url = f"{EMULATOR_URL}/api/accounts/{ACCOUNT_ID}/workspaces/{workspace['workspace_id']}"
    assert f'PREFECT_API_URL = "{api_url}"' in profiles
    assert f'PREFECT_API_KEY = "{DEMO_OWNER_KEY}"' in profiles


def test_workspace_ls_lists_every_workspace_and_marks_the_active_one(cli):
    result = cli("cloud", "workspace", "ls")
    assert result.rc == 0, result
    assert f"* {ACCOUNT_HANDLE}/production" in result.out
    assert f"{ACCOUNT_HANDLE}/staging" in result.out


def test_workspace_ls_json_carries_the_emulators_fields(cli):
    result = cli("cloud", "workspace", "ls", "-o", "json")
    assert result.rc == 0, result
    listed = json.loads(result.out[result.out.index("["):])
    served = sorted(api("GET", "/api/me/workspaces"), key=lambda w: w["workspace_handle"])
    assert listed == served


# ------------------------------------------------------------------------------------ the list

def test_ls_of_an_empty_list(cli):
    result = cli("cloud", "ip-allowlist", "ls")
    assert result.rc == 0, result
    assert "IP allowlist is empty. Add an entry to secure access to your Prefect Cloud account." in result.out


def test_add_entries(cli):
    result = cli("cloud", "ip-allowlist", "add", "10.0.0.0/8", "--description", "corporate")
    assert result.rc == 0, result
    assert re.search(r"10\.0\.0\.0/8 │ corporate │ True │ Never", result.out), result
    assert "Enforcement is DISABLED." in result.out
    result = cli("cloud", "ip-allowlist", "add", "2001:DB8::/32")
    assert result.rc == 0, result
    assert {n: (e["enabled"], e["description"]) for n, e in allowlist().items()} == {
        "10.0.0.0/8": (True, "corporate"), "2001:db8::/32": (True, None)}


def test_toggle_flips_one_entry(cli):
    result = cli("cloud", "ip-allowlist", "toggle", "2001:db8::/32")
    assert result.rc == 0, result
    assert allowlist()["2001:db8::/32"]["enabled"] is False
    assert allowlist()["10.0.0.0/8"]["enabled"] is True


# ------------------------------------------------------------------------------------ enforcement

def test_enable_refuses_a_list_that_would_lock_the_caller_out(cli):
    mark = log_mark()
    result = cli("cloud", "ip-allowlist", "enable", answer="y\n")
    assert result.rc == 1, result
    assert f"Error enabling IP allowlist: Your current IP address ({LOOPBACK}) is not in the IP allowlist" in result.out
    assert enforced() is False
    assert writes_since(mark) == []


def test_enable_once_the_caller_is_listed(cli):
    result = cli("cloud", "ip-allowlist", "add", LOOPBACK, "-d", "this host")
    assert result.rc == 0, result
    mark = log_mark()
    result = cli("cloud", "ip-allowlist", "enable", answer="y\n")
    assert result.rc == 0, result
    assert "IP allowlist enabled." in result.out
    assert enforced() is True
    assert writes_since(mark) == [("PATCH", "settings", 204)]


def test_ls_shows_enforcement_and_when_an_address_was_last_seen(cli):
    result = cli("cloud", "ip-allowlist", "ls")
    assert result.rc == 0, result
    assert "Enforcement is ENABLED." in result.out
    assert re.search(r"127\.0\.0\.1/32 │ this host │ True │ \d{4}-\d\d-\d\dT", result.out), result
    assert re.search(r"10\.0\.0\.0/8 │ corporate │ True │ Never", result.out), result
    mark = log_mark()
    again = cli("cloud", "ip-allowlist", "enable", answer="y\n")
    assert (again.rc, writes_since(mark)) == (0, []), again
    assert "IP allowlist is already enabled." in again.out


@pytest.mark.parametrize("command", ["remove", "toggle"])
def test_while_enforced_the_server_refuses_to_cut_off_the_caller(cli, command):
    before = allowlist()
    result = cli("cloud", "ip-allowlist", command, LOOPBACK)
    assert result.rc == 1, result
    assert (f"Error updating allowlist: Your current IP address ({LOOPBACK}) must be included in the IP "
            "allowlist to prevent account lockout.") in result.out
    assert allowlist().keys() == before.keys()
    assert allowlist()[f"{LOOPBACK}/32"]["enabled"] is True


def test_disable_then_remove(cli):
    result = cli("cloud", "ip-allowlist", "disable")
    assert result.rc == 0, result
    assert "IP allowlist disabled." in result.out
    assert enforced() is False
    result = cli("cloud", "ip-allowlist", "remove", LOOPBACK)
    assert result.rc == 0, result
    assert sorted(allowlist()) == ["10.0.0.0/8", "2001:db8::/32"]


# ------------------------------------------------------------------------------------ no feature

def test_an_account_without_the_feature(cli):
    seed = copy.deepcopy(DEMO_SEED)
    seed["account"]["ip_allowlist"] = False
    hook("POST", "/reset", json={"seed": seed})
    result = cli("cloud", "ip-allowlist", "ls")
    assert result.rc == 1, result
    assert "IP allowlisting is not available for this account." in result.out
