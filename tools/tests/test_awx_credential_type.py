"""The AWX credential type shipped in extensions/awx and the playbook that creates it.

The playbook runs against a stand-in for the AWX API (the few calls awx.awx.credential_type
makes), on the newest and the oldest supported ansible-core, with awx.awx from
tools/awx_collection.sh: what reaches the controller must be the file, injector templates intact.
"""

import http.server
import json
import os
import pathlib
import re
import subprocess
import sys
import threading
import urllib.parse

import pytest
import yaml

TOP = pathlib.Path(__file__).resolve().parents[2]
CREDENTIAL_TYPE = yaml.safe_load((TOP / "extensions" / "awx" / "credential_type.yml").read_text())
# Field keys an AWX credential type input may have (AWX's CredentialTypeInputField schema).
AWX_FIELD_KEYS = {"id", "label", "type", "help_text", "secret", "multiline", "format", "choices", "ask_at_runtime", "default"}
CORES = {"newest": TOP / ".venv", "oldest": TOP / ".venv-2.16"}


@pytest.fixture(scope="module")
def module_utils():
    """The collection's engine module, HTTP client and connection settings, imported from its tree copy (tools/collection_tree.sh)."""
    tree = subprocess.run([str(TOP / "tools" / "collection_tree.sh")], check=True, capture_output=True, text=True).stdout
    sys.path.insert(0, str(pathlib.Path(tree.strip()).parents[2]))
    try:
        from ansible_collections.prefect.cloud.plugins.module_utils._api import client
        from ansible_collections.prefect.cloud.plugins.module_utils._engine import connection, module
    finally:
        sys.path.pop(0)
    return module, client, connection


# Which Prefect profile fills in the rest is no credential: a job's environment has no profile.
PROFILE_SELECTORS = {"profile", "profile_file"}


def option_environment(module_utils):
    """{option: environment variable} of the string connection options every module reads."""
    spec = module_utils[0].common_argument_spec()
    return {name: option["fallback"][1][0] for name, option in spec.items()
            if option.get("type") == "str" and "fallback" in option and name not in PROFILE_SELECTORS}


def test_the_injectors_set_what_the_modules_read(module_utils):
    environment = option_environment(module_utils)
    assert set(environment) == {"api_url", "api_key", "account"}
    assert CREDENTIAL_TYPE["injectors"] == {"env": {env: "{{ %s }}" % option for option, env in environment.items()}}


def test_the_fields_are_the_connection_options(module_utils):
    fields = {f["id"]: f for f in CREDENTIAL_TYPE["inputs"]["fields"]}
    assert set(fields) == set(option_environment(module_utils))
    assert CREDENTIAL_TYPE["inputs"]["required"] == ["api_key"]
    assert fields["api_key"]["secret"] is True
    assert not any(f.get("secret") for name, f in fields.items() if name != "api_key")
    default_url = module_utils[1].DEFAULT_API_URL
    assert fields["api_url"]["default"] == default_url
    assert default_url in fields["api_url"]["help_text"]


def test_an_empty_optional_field_counts_as_unset(module_utils):
    """AWX injects an empty string for an optional field left empty: the defaults must still apply."""
    _module, _client, _connection = module_utils
    api_url, account, _origin = _connection.connection_settings({"api_url": "", "api_key": "k", "account": ""}, environ={})
    assert api_url == _client.DEFAULT_API_URL
    assert not account


@pytest.mark.parametrize("field", CREDENTIAL_TYPE["inputs"]["fields"], ids=lambda f: f["id"])
def test_each_field_is_one_awx_accepts(field):
    assert set(field) <= AWX_FIELD_KEYS
    assert re.match(r"^[a-zA-Z_]+[a-zA-Z0-9_]*$", field["id"])
    assert field["type"] == "string"
    assert field["label"] and field["help_text"]


def test_the_type_is_a_custom_kind():
    assert CREDENTIAL_TYPE["kind"] in ("cloud", "net")
    assert CREDENTIAL_TYPE["name"] == "Prefect Cloud"


class StandInController(http.server.BaseHTTPRequestHandler):
    """The credential_types endpoints of the AWX API, enough for awx.awx.credential_type."""

    store = {}
    writes = []

    def _answer(self, status, body):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-API-Product-Name", "AWX")
        self.send_header("X-API-Product-Version", "24.6.1")
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/api/v2/credential_types/":
            name = urllib.parse.parse_qs(url.query).get("name", [None])[0]
            found = [t for t in self.store.values() if t["name"] == name]
            return self._answer(200, {"count": len(found), "results": found})
        return self._answer(404, {"detail": "Not found."})

    def _body(self):
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def do_POST(self):
        if self.path != "/api/v2/credential_types/":
            return self._answer(404, {"detail": "Not found."})
        body = self._body()
        self.writes.append(("POST", body))
        item = dict(body, id=len(self.store) + 1, type="credential_type", managed=False)
        item["url"] = "/api/v2/credential_types/%d/" % item["id"]
        self.store[item["id"]] = item
        return self._answer(201, item)

    def do_PATCH(self):
        match = re.match(r"^/api/v2/credential_types/(\d+)/$", self.path)
        if not match or int(match.group(1)) not in self.store:
            return self._answer(404, {"detail": "Not found."})
        body = self._body()
        self.writes.append(("PATCH", body))
        self.store[int(match.group(1))].update(body)
        return self._answer(200, self.store[int(match.group(1))])

    def log_message(self, *args):
        pass


@pytest.fixture
def controller():
    StandInController.store, StandInController.writes = {}, []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandInController)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_address[1], StandInController
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def awx_collection_path():
    return subprocess.run([str(TOP / "tools" / "awx_collection.sh"), str(CORES["newest"] / "bin" / "python")],
                          check=True, capture_output=True, text=True).stdout.strip()


@pytest.mark.parametrize("core", sorted(CORES))
def test_the_playbook_creates_the_type_from_the_file_once(core, controller, awx_collection_path):
    playbook = CORES[core] / "bin" / "ansible-playbook"
    assert playbook.exists(), "make venv venv-oldest first (%s)" % playbook
    url, state = controller
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "CONTROLLER_", "TOWER_"))}
    env.update(CONTROLLER_HOST=url, CONTROLLER_OAUTH_TOKEN="stand-in-token", CONTROLLER_VERIFY_SSL="false",
               ANSIBLE_COLLECTIONS_PATH=awx_collection_path, ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    for run in ("create", "again"):
        result = subprocess.run([str(playbook), str(TOP / "playbooks" / "awx_credential_type.yml")],
                                env=env, capture_output=True, text=True, cwd=str(TOP))
        assert result.returncode == 0, result.stdout + result.stderr
        assert re.search(r"changed=%d\b" % (1 if run == "create" else 0), result.stdout), result.stdout
    assert [method for method, _ in state.writes] == ["POST"]
    sent = state.writes[0][1]
    assert {k: sent[k] for k in ("name", "description", "kind", "inputs", "injectors")} == {
        k: CREDENTIAL_TYPE[k] for k in ("name", "description", "kind", "inputs", "injectors")}
