"""After ``prefect cloud login``, a play needs no connection setting: the collection reads the profile.

Run by tests/prefect_cli/run.sh (see test_prefect_cli.py for the environment). The official CLI logs
in to two accounts, each in its own profile of one ``PREFECT_HOME``: ``acme`` on the emulator that
run.sh started, ``beta`` on a second emulator started here (the emulator serves one account). Then
``ansible-playbook`` runs a play that sets no connection option, in an environment whose only
``PREFECT_*`` variable is ``PREFECT_HOME``: it converges a workspace and a team in the account of the
active profile, again with nothing to change, and ``prefect profile use`` switches the account it
manages.
"""
from __future__ import annotations

import copy
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from prefect_cloud_emulator.seed import DEMO_OWNER_KEY, DEMO_SEED

EMULATOR_URL = os.environ.get("EMULATOR_URL", "")
PREFECT_CLI = os.environ.get("PREFECT_CLI", "")
TOP = Path(__file__).resolve().parents[2]
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
CLI_TIMEOUT = 90

BETA_SEED = copy.deepcopy(DEMO_SEED)
BETA_SEED["account"].update(id="7b1e0c3a-5d2f-4e8b-9c6a-0f1e2d3c4b5a", handle="beta", name="Beta Corp")
BETA_OWNER_KEY = "pnu_" + "betaOwnerOlive".ljust(36, "0")
BETA_SEED["users"][0]["api_key"] = BETA_OWNER_KEY

PLAY = """\
- name: A play with no connection settings
  hosts: localhost
  gather_facts: false
  tasks:
    - name: A workspace
      prefect.cloud.workspace:
        handle: from-profile
        name: From the profile
    - name: A team
      prefect.cloud.team:
        name: profile-readers
        description: Made by a play that only had a Prefect profile
"""

pytestmark = pytest.mark.skipif(not (EMULATOR_URL and PREFECT_CLI),
                                reason="run through tests/prefect_cli/run.sh (PREFECT_CLI, EMULATOR_URL)")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def beta(tmp_path_factory):
    """A second emulator, serving the account ``beta``."""
    import yaml

    seed = tmp_path_factory.mktemp("beta") / "seed.yml"
    seed.write_text(yaml.safe_dump(BETA_SEED), encoding="utf-8")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "prefect_cloud_emulator", "--port", str(port), "--seed", str(seed)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = "http://127.0.0.1:%d" % port
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(url + "/_emulator/requests/last", timeout=2)
            break
        except requests.RequestException:
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def home(tmp_path_factory, beta):
    """A PREFECT_HOME where the CLI logged in to acme (profile acme) and to beta (profile beta)."""
    requests.post(EMULATOR_URL + "/_emulator/reset", json={"seed": DEMO_SEED}, timeout=10).raise_for_status()
    home = tmp_path_factory.mktemp("cli-home")
    for profile, url, key in (("acme", EMULATOR_URL, DEMO_OWNER_KEY), ("beta", beta, BETA_OWNER_KEY)):
        for args in (["profile", "create", profile],
                     ["--profile", profile, "cloud", "login", "-k", key, "-w", "%s/production" % profile]):
            # The CLI finds the emulator through PREFECT_CLOUD_API_URL; what it stores is the workspace URL.
            result = prefect(home, *args, extra={"PREFECT_CLOUD_API_URL": url + "/api"})
            assert result.returncode == 0, result.stdout + result.stderr
    yield home
    requests.post(EMULATOR_URL + "/_emulator/reset", json={"seed": DEMO_SEED}, timeout=10).raise_for_status()


def clean_environment(home):
    """The caller's environment without any Prefect, Ansible or home setting, and the home given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "ANSIBLE_", "XDG_")) and k != "HOME"}
    env.update(HOME=str(home), PREFECT_HOME=str(home / ".prefect"), NO_COLOR="1", DO_NOT_TRACK="1")
    return env


def prefect(home, *args, extra=None):
    """``prefect ARGS`` without prompts (a leading ``--profile NAME`` stays first, where Prefect looks for it)."""
    env = dict(clean_environment(home), **(extra or {}))
    head = list(args[:2]) if args[:1] == ("--profile",) else []
    command = [PREFECT_CLI, *head, "--no-prompt", *args[len(head):]]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=CLI_TIMEOUT, check=False)


def use(home, profile, url):
    """``prefect profile use PROFILE``; its connection check reaches the emulator through PREFECT_CLOUD_API_URL."""
    result = prefect(home, "profile", "use", profile, extra={"PREFECT_CLOUD_API_URL": url + "/api"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Connected to Prefect Cloud using profile %r" % profile in " ".join(result.stdout.split())


def play(home, tmp_path):
    """ansible-playbook with the collection and nothing but PREFECT_HOME to connect with."""
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAY, encoding="utf-8")
    env = clean_environment(home)
    assert [k for k in env if k.startswith("PREFECT_")] == ["PREFECT_HOME"]
    env.update(ANSIBLE_COLLECTIONS_PATH=str(TOP / ".cache" / "collections"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    result = subprocess.run([str(ANSIBLE_PLAYBOOK), str(playbook), "--diff"], capture_output=True, text=True, env=env,
                            timeout=300, check=False)
    assert DEMO_OWNER_KEY not in result.stdout + result.stderr and BETA_OWNER_KEY not in result.stdout + result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    return recap(result.stdout)


def recap(stdout):
    line = next(line for line in stdout.splitlines() if line.startswith("localhost") and "ok=" in line)
    return {k: int(v) for k, v in (part.split("=") for part in line.split(":", 1)[1].split())}


def names(url, account_id, kind, field):
    key = BETA_OWNER_KEY if account_id == BETA_SEED["account"]["id"] else DEMO_OWNER_KEY
    response = requests.post("%s/api/accounts/%s/%s/filter" % (url, account_id, kind), json={},
                             headers={"Authorization": "Bearer " + key}, timeout=10)
    response.raise_for_status()
    return sorted(item[field] for item in response.json())


def writes_since(url, mark):
    log = requests.get(url + "/_emulator/requests?since=%d" % mark, timeout=10).json()
    return [(e["method"], e["path"]) for e in log if e["method"] != "GET" and not e["path"].endswith("/filter")]


def last(url):
    return requests.get(url + "/_emulator/requests/last", timeout=10).json()["seq"]


def test_the_login_wrote_a_profile_per_account(home):
    profiles = (home / ".prefect" / "profiles.toml").read_text(encoding="utf-8")
    assert "[profiles.acme]" in profiles and "[profiles.beta]" in profiles
    assert "/accounts/%s/workspaces/" % DEMO_SEED["account"]["id"] in profiles
    assert "/accounts/%s/workspaces/" % BETA_SEED["account"]["id"] in profiles


def test_a_play_with_nothing_but_the_profile_converges_the_active_account(home, beta, tmp_path):
    acme = DEMO_SEED["account"]["id"]
    use(home, "beta", beta)
    beta_mark = last(beta)
    assert play(home, tmp_path)["changed"] == 2
    assert "from-profile" in names(beta, BETA_SEED["account"]["id"], "workspaces", "handle")
    assert "profile-readers" in names(beta, BETA_SEED["account"]["id"], "teams", "name")
    assert writes_since(beta, beta_mark)
    assert "from-profile" not in names(EMULATOR_URL, acme, "workspaces", "handle")
    mark = last(beta)
    assert play(home, tmp_path)["changed"] == 0
    assert writes_since(beta, mark) == []


def test_switching_the_profile_switches_the_account(home, beta, tmp_path):
    acme = DEMO_SEED["account"]["id"]
    use(home, "acme", EMULATOR_URL)
    beta_mark = last(beta)
    assert play(home, tmp_path)["changed"] == 2
    assert "from-profile" in names(EMULATOR_URL, acme, "workspaces", "handle")
    assert "profile-readers" in names(EMULATOR_URL, acme, "teams", "name")
    assert last(beta) == beta_mark, "nothing was sent to the other account"
