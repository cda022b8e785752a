"""Fixtures shared by the unit tests.

The collection is imported as ``ansible_collections.prefect.cloud``: when the
checkout is not already inside such a tree (the Makefile provides one), a
symlinked tree is made in a temporary folder. HTTP tests run against the
emulator (tests/emulator) served by uvicorn on 127.0.0.1 in a thread, so the
client is exercised through real sockets.
"""

import os
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
EMULATOR_DIR = REPO_ROOT / "tests" / "emulator"


def _make_collection_importable():
    try:
        import ansible_collections.prefect.cloud.plugins.module_utils._api.client  # noqa: F401
        return
    except ImportError:
        pass
    root = Path(tempfile.mkdtemp(prefix="prefect-cloud-units-"))
    namespace = root / "ansible_collections" / "prefect"
    namespace.mkdir(parents=True)
    os.symlink(REPO_ROOT, namespace / "cloud")
    sys.path.insert(0, str(root))
    for name in [m for m in sys.modules if m.startswith("ansible_collections")]:
        del sys.modules[name]


_make_collection_importable()
if str(EMULATOR_DIR) not in sys.path:
    sys.path.insert(0, str(EMULATOR_DIR))

from unit_seed import OWNER_KEY, UNIT_SEED  # noqa: E402  (the seed the HTTP tests run against)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EmulatorServer:
    """The emulator on a loopback port, with helpers for its test hooks.

    With ``tls`` (a dict of ``certfile``, ``keyfile`` and ``ca_file`` paths) it is served
    over HTTPS with that certificate; the hooks trust ``ca_file``.
    """

    def __init__(self, tls=None):
        import requests
        import uvicorn
        from prefect_cloud_emulator import create_app

        self.port = _free_port()
        self.base_url = "%s://127.0.0.1:%d" % ("https" if tls else "http", self.port)
        self.api_url = self.base_url + "/api"
        ssl_options = {"ssl_certfile": tls["certfile"], "ssl_keyfile": tls["keyfile"]} if tls else {}
        config = uvicorn.Config(
            create_app(UNIT_SEED), host="127.0.0.1", port=self.port, log_level="warning", date_header=False,
            **ssl_options
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        self.http = requests.Session()
        self.http.trust_env = False
        if tls:
            self.http.verify = tls["ca_file"]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                self.http.get(self.base_url + "/_emulator/requests", timeout=5)
                return
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("the emulator did not start")

    def stop(self):
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def hook(self, method, path, json=None):
        response = self.http.request(method, self.base_url + "/_emulator" + path, json=json, timeout=10)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self):
        self.hook("POST", "/reset")

    def fault(self, **rule):
        self.hook("POST", "/faults", json=rule)

    def log(self, since=0):
        return self.hook("GET", "/requests?since=%d" % since)

    def last_seq(self):
        entries = self.log()
        return entries[-1]["seq"] if entries else 0


# Prefect's own settings that the connection reads: a developer's shell or Prefect profile must not steer a test.
PREFECT_SETTINGS = (
    "PREFECT_HOME", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH", "PREFECT_CLIENT_MAX_RETRIES", "PREFECT_API_KEY",
    "PREFECT_API_URL", "PREFECT_CLOUD_API_URL", "PREFECT_CLOUD_ACCOUNT_ID", "PREFECT_API_SSL_CERT_FILE",
    "PREFECT_API_TLS_INSECURE_SKIP_VERIFY",
)


@pytest.fixture(autouse=True)
def no_prefect_settings(monkeypatch, tmp_path_factory):
    """No Prefect setting from the environment, and a Prefect home with no profile, unless a test sets them."""
    from ansible_collections.prefect.cloud.plugins.module_utils._engine import profiles

    for name in PREFECT_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(profiles, "DEFAULT_HOME", str(tmp_path_factory.getbasetemp() / "no-prefect-home"))


@pytest.fixture(scope="session")
def emulator_server():
    server = EmulatorServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def certificate_authority(tmp_path_factory):
    """A throw-away CA and a certificate for 127.0.0.1 it signed, as PEM files.

    ``other_ca_file`` is a second CA that did not sign it (a REQUESTS_CA_BUNDLE that
    would refuse the server if it were used).
    """
    pytest.importorskip("trustme")
    from prefect_cloud_emulator.pki import make_test_pki

    return make_test_pki(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def tls_emulator_server(certificate_authority):
    """The emulator served over HTTPS with ``certificate_authority``'s certificate."""
    server = EmulatorServer(tls=certificate_authority)
    server.ca_file = certificate_authority["ca_file"]
    server.other_ca_file = certificate_authority["other_ca_file"]
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server):
    """The emulator reset to UNIT_SEED, with no faults and an empty log."""
    emulator_server.reset()
    yield emulator_server
    emulator_server.hook("DELETE", "/faults")


@pytest.fixture
def make_client(emulator):
    """Build a PrefectCloudClient for the emulator; waits are recorded, not slept."""
    from ansible_collections.prefect.cloud.plugins.module_utils._api.client import PrefectCloudClient

    def factory(api_key=OWNER_KEY, **kwargs):
        waits, warnings = [], []
        kwargs.setdefault("sleep", waits.append)
        kwargs.setdefault("warn", warnings.append)
        client = PrefectCloudClient(emulator.api_url, api_key, **kwargs)
        client.waits, client.warnings = waits, warnings
        return client

    return factory


@pytest.fixture
def run_module(emulator):
    """Run a module's ``main()`` against the emulator as the account's Owner; returns the task result.

    ``run_module(team_module, name="ops", check_mode=True)``; ``api_key=`` runs as someone else.
    """
    from module_runner import run

    def runner(module, check_mode=False, diff=True, api_key=OWNER_KEY, **args):
        args = dict(args, api_url=emulator.api_url, api_key=api_key)
        return run(module, args, check_mode=check_mode, diff=diff)

    return runner
