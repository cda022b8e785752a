"""The smoke run's safety (tests/smoke/smoke.yml, tools/smoke.py): what it refuses, and what its
cleanup mode removes.

The whole run is `make smoke` / `make smoke-oldest` (it compares the emulator's state before and
after). Here, on the newest and the oldest core: the refusals that must come before any request
(an API URL that is not loopback without confirmation, emulator hooks off loopback, a cleanup
prefix the run would not have made), a confirmation naming another account, and the cleanup mode
against an emulator holding objects named with the prefix and look-alikes that are not: only the
former go, and more of them than the bound are refused with nothing deleted.
"""

import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
import urllib.request

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(TOP, "tests", "smoke", "smoke.yml")
CORES = {"newest": os.path.join(TOP, ".venv"), "oldest": os.path.join(TOP, ".venv-2.16")}
PREFIX = "smoke-abcd1234"

sys.path.insert(0, os.path.join(TOP, "tests", "emulator"))
from prefect_cloud_emulator.seed import DEMO_OWNER_KEY, DEMO_SEED  # noqa: E402

sys.path.pop(0)
ACCOUNT_ID = DEMO_SEED["account"]["id"]
HANDLE = DEMO_SEED["account"]["handle"]


def load_driver():
    spec = importlib.util.spec_from_file_location("smoke_driver", os.path.join(TOP, "tools", "smoke.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------- the emulator

class Emulator:
    def __init__(self):
        env = dict(os.environ, PYTHON=os.path.join(CORES["newest"], "bin", "python"))
        self.url = subprocess.run([os.path.join(TOP, "tools", "emulator.sh"), "start", ""], env=env, check=True,
                                  capture_output=True, text=True).stdout.strip()
        self.port = self.url.rsplit(":", 1)[1]
        self.env = env

    def stop(self):
        subprocess.run([os.path.join(TOP, "tools", "emulator.sh"), "stop", self.port], env=self.env, check=False)

    def call(self, method, path, body=None, key=DEMO_OWNER_KEY):
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = "Bearer " + key
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
        return json.loads(text) if text else None

    def api(self, method, path, body=None):
        return self.call(method, "/api/accounts/%s/%s" % (ACCOUNT_ID, path), body)

    def state(self):
        return self.call("GET", "/_emulator/state", key=None)

    def writes(self):
        return [e for e in self.call("GET", "/_emulator/requests", key=None) if e["method"] != "GET" and not e["path"].endswith("/filter")]

    def requests(self):
        return self.call("GET", "/_emulator/requests", key=None)

    def reset(self):
        self.call("POST", "/_emulator/reset", key=None)


@pytest.fixture(scope="module")
def collections():
    tree = subprocess.run([os.path.join(TOP, "tools", "collection_tree.sh")], check=True, capture_output=True, text=True).stdout
    return os.path.dirname(os.path.dirname(os.path.dirname(tree.strip())))


@pytest.fixture(scope="module")
def emulator():
    emu = Emulator()
    yield emu
    emu.stop()


@pytest.fixture
def fresh(emulator):
    emulator.reset()
    return emulator


def loopback_alias():
    """A host name that is not a loopback name but resolves to 127.0.0.1 here (such as the machine's
    own name in /etc/hosts): the playbook must treat it as a real service, while it reaches the emulator."""
    for name in (socket.gethostname(), "runsc", "vm"):
        try:
            if name and name != "localhost" and socket.gethostbyname(name) == "127.0.0.1":
                return name
        except OSError:
            continue
    return None


def run(core, collections, env, *args):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "ANSIBLE_")) and "proxy" not in k.lower()}
    environment.update(ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="false",
                       ANSIBLE_INVENTORY_UNPARSED_WARNING="false", PYTHONWARNINGS="ignore", **env)
    completed = subprocess.run([os.path.join(CORES[core], "bin", "ansible-playbook"), PLAYBOOK, *args], cwd=TOP,
                               env=environment, capture_output=True, text=True, timeout=600, check=False)
    return completed.returncode, completed.stdout + completed.stderr


@pytest.fixture
def trap():
    """A listener that counts connections: set as the proxy, it would see any request the run sent."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []

    def serve():
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            accepted.append(1)
            connection.close()

    threading.Thread(target=serve, daemon=True).start()
    yield "http://127.0.0.1:%d" % server.getsockname()[1], accepted
    server.close()


# ---------------------------------------------------------------------------------- refusals, before any request

@pytest.mark.parametrize("core", CORES)
def test_a_real_api_url_is_refused_without_confirmation_and_nothing_is_sent(core, collections, trap):
    proxy, accepted = trap
    rc, out = run(core, collections, {"PREFECT_CLOUD_API_URL": "https://api.prefect.cloud/api", "PREFECT_API_KEY": "pnu_" + "x" * 36,
                                      "PREFECT_CLOUD_ACCOUNT_ID": "acme", "HTTPS_PROXY": proxy, "HTTP_PROXY": proxy})
    assert rc != 0
    assert "not a loopback address" in out and "smoke_confirm_account" in out and "Nothing was sent" in out, out[-3000:]
    assert "Who the key belongs to" not in out
    assert accepted == []
    # Without PREFECT_CLOUD_API_URL the default is the real service: refused the same way.
    rc, out = run(core, collections, {"PREFECT_API_KEY": "pnu_" + "x" * 36, "PREFECT_CLOUD_ACCOUNT_ID": "acme",
                                      "HTTPS_PROXY": proxy, "HTTP_PROXY": proxy})
    assert rc != 0 and "https://api.prefect.cloud/api, which is not a loopback address" in out, out[-3000:]
    assert accepted == []


@pytest.mark.parametrize("core", CORES)
def test_emulator_hooks_and_made_up_cleanup_prefixes_are_refused_before_any_request(core, collections, fresh):
    connection = {"PREFECT_CLOUD_API_URL": fresh.url + "/api", "PREFECT_API_KEY": DEMO_OWNER_KEY, "PREFECT_CLOUD_ACCOUNT_ID": HANDLE}
    rc, out = run(core, collections, connection, "-e", "smoke_emulator_url=http://10.11.12.13:8686")
    assert rc != 0 and "smoke_emulator_url is for the emulator on loopback only" in out, out[-3000:]
    for prefix in ("prod", "smoke-", "smoke-ABCD1234", "smoke-abcd1234-x", ""):
        rc, out = run(core, collections, connection, "-e", "smoke_cleanup_prefix=" + prefix)
        assert rc != 0 and "smoke_cleanup_prefix must be a prefix a smoke run printed" in out, (prefix, out[-3000:])
    rc, out = run(core, collections, {"PREFECT_CLOUD_API_URL": fresh.url + "/api", "PREFECT_API_KEY": DEMO_OWNER_KEY})
    assert rc != 0 and "PREFECT_CLOUD_ACCOUNT_ID" in out, out[-3000:]
    assert fresh.requests() == []


@pytest.mark.parametrize("core", CORES)
def test_a_confirmation_naming_another_account_is_refused_before_any_write(core, collections, fresh):
    alias = loopback_alias()
    if alias is None:
        pytest.skip("no host name here resolves to 127.0.0.1 without being a loopback name")
    url = fresh.url.replace("127.0.0.1", alias)
    rc, out = run(core, collections, {"PREFECT_CLOUD_API_URL": url + "/api", "PREFECT_API_KEY": DEMO_OWNER_KEY,
                                      "PREFECT_CLOUD_ACCOUNT_ID": HANDLE}, "-e", "smoke_confirm_account=some-other-account")
    assert rc != 0 and "not in the confirmed some-other-account" in out and "Nothing was written" in out, out[-3000:]
    assert fresh.requests() and fresh.writes() == []


# ---------------------------------------------------------------------------------- cleanup mode

def make_objects(emu):
    """Objects named with PREFIX (to be removed) and look-alikes (to stay)."""
    member_role = next(r["id"] for r in emu.api("POST", "account_roles/filter", {}) if r["name"] == "Member")
    for handle in (PREFIX + "-a", PREFIX + "5-a", PREFIX, "other-" + PREFIX + "-a"):
        emu.api("POST", "workspaces/", {"name": handle, "handle": handle})
    for name in (PREFIX + "-team", PREFIX + "0-team", PREFIX):
        emu.api("POST", "teams/", {"name": name})
    for name in (PREFIX + "-bot", "other-" + PREFIX + "-bot", PREFIX.upper() + "-bot"):
        emu.api("POST", "bots/", {"name": name})
    for name in (PREFIX + "-role", PREFIX + "x-role"):
        emu.api("POST", "workspace_roles/", {"name": name, "scopes": ["see_flows"]})
    emu.api("POST", "invitations/", [{"email": PREFIX + "-someone@example.com", "account_role_id": member_role},
                                     {"email": PREFIX + "0@example.com", "account_role_id": member_role}])
    workspace = next(w for w in emu.api("POST", "workspaces/filter", {}) if w["handle"] == PREFIX + "-a")
    emu.api("POST", "workspaces/%s/invitations/" % workspace["id"], {"email": PREFIX + "-invitee@example.com"})


def names(state):
    return {
        "workspaces": sorted(w["handle"] for w in state["workspaces"]),
        "teams": sorted(t["name"] for t in state["teams"]),
        "bots": sorted(b["name"] for b in state["bots"]),
        "roles": sorted(r["name"] for r in state["workspace_roles"]),
        "pending invitations": sorted(i["email"] for i in state["invitations"] if i["status"] == "PENDING"),
    }


@pytest.mark.parametrize("core", CORES)
def test_cleanup_removes_the_prefixed_objects_and_nothing_else(core, collections, fresh):
    make_objects(fresh)
    before = names(fresh.state())
    # Through a name that is no loopback name when there is one: the confirmed "real account" path.
    alias = loopback_alias()
    url = fresh.url.replace("127.0.0.1", alias) if alias else fresh.url
    rc, out = run(core, collections, {"PREFECT_CLOUD_API_URL": url + "/api", "PREFECT_API_KEY": DEMO_OWNER_KEY,
                                      "PREFECT_CLOUD_ACCOUNT_ID": HANDLE},
                  "-e", "smoke_cleanup_prefix=" + PREFIX, "-e", "smoke_confirm_account=" + HANDLE, "-vvv")
    assert rc == 0, out[-5000:]
    assert DEMO_OWNER_KEY not in out and not load_driver().KEY_PATTERN.search(out), "a key in the output at -vvv"
    after = names(fresh.state())
    expected = {kind: [n for n in found if not n.startswith(PREFIX + "-")] for kind, found in before.items()}
    assert after == expected
    assert before != expected, "the test made objects to remove"


@pytest.mark.parametrize("core", CORES)
def test_cleanup_refuses_more_objects_than_its_bound_and_deletes_none(core, collections, fresh):
    make_objects(fresh)
    before = fresh.state()
    rc, out = run(core, collections, {"PREFECT_CLOUD_API_URL": fresh.url + "/api", "PREFECT_API_KEY": DEMO_OWNER_KEY,
                                      "PREFECT_CLOUD_ACCOUNT_ID": HANDLE},
                  "-e", "smoke_cleanup_prefix=" + PREFIX, "-e", "smoke_cleanup_limit=3")
    assert rc != 0 and "more than smoke_cleanup_limit (3): nothing was deleted" in out, out[-3000:]
    assert fresh.state() == before


# ---------------------------------------------------------------------------------- the driver's state comparison

def test_the_state_comparison_names_what_changed_and_ignores_the_invitees_login():
    driver = load_driver()
    before = {"clock_offset": 0.0, "users": [{"id": "u1", "actor_id": "a1", "email": "olive@acme.io"}],
              "memberships": [{"id": "m1", "actor_id": "a1"}], "teams": [{"id": "t1", "name": "kept", "updated": "1"}]}
    assert driver.state_differences(before, before) == []
    invitee = {"id": "u2", "actor_id": "a2", "email": "smoke-abcd1234-invitee@example.com"}
    assert driver.state_differences(before, dict(before, users=before["users"] + [invitee])) == []
    still_member = dict(before, users=before["users"] + [invitee], memberships=before["memberships"] + [{"id": "m2", "actor_id": "a2"}])
    assert driver.state_differences(before, still_member) == ["memberships added: m2", "users added: smoke-abcd1234-invitee@example.com"]
    touched = dict(before, teams=[{"id": "t1", "name": "kept", "updated": "2"}, {"id": "t2", "name": "smoke-abcd1234-team"}])
    assert driver.state_differences(before, touched) == ["teams changed: kept", "teams added: smoke-abcd1234-team"]


def test_the_audit_trail_is_history_but_names_only_the_runs_objects():
    driver = load_driver()
    event = {"id": "e0", "event": "prefect-cloud.team.created", "resource": {"prefect.resource.name": "kept"}}
    before = {"teams": [], "events": [event]}

    def made(*names):
        return [{"id": "e%d" % i, "event": "prefect-cloud.x.created", "resource": {"prefect.resource.name": n}}
                for i, n in enumerate(names, 1)]

    own = dict(before, events=[event] + made("smoke-abcd1234-a", "smoke-abcd1234-invitee@example.com"))
    assert driver.state_differences(before, own) == []
    assert driver.events_of_other_objects(before, own) == []
    touched = dict(before, events=[event] + made("smoke-abcd1234-a", "production"))
    assert driver.events_of_other_objects(before, touched) == ["prefect-cloud.x.created about 'production'"]
    two_runs = dict(before, events=[event] + made("smoke-abcd1234-a", "smoke-00000000-a"))
    assert driver.events_of_other_objects(before, two_runs) == [
        "events about objects of more than one run: smoke-00000000, smoke-abcd1234"]
