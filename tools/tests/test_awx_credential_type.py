"""The AWX credential type shipped in extensions/awx and the playbook that creates it.

The playbook runs against a stand-in for the AWX API (the few calls awx.awx.credential_type
makes), on the newest and the oldest supported ansible-core, with awx.awx from
tools/awx_collection.sh: what reaches the controller must be the file, injector templates intact.
"""

import os
import pathlib
import re
import subprocess
import sys

import pytest
import yaml
from awx_standin import StandIn

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


@pytest.fixture
def controller():
    """The AWX stand-in the job-template tests use (its credential_types endpoints are what this needs)."""
    with StandIn() as (url, state):
        yield url, state


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
    assert [method for method, _path, _body in state.writes] == ["POST"]
    sent = state.writes[0][2]
    assert {k: sent[k] for k in ("name", "description", "kind", "inputs", "injectors")} == {
        k: CREDENTIAL_TYPE[k] for k in ("name", "description", "kind", "inputs", "injectors")}
