"""The workspace_api_url lookup: where its connection comes from, TLS, and the shared client.

Precedence of every option: a keyword of the lookup call, then its ``ansible_prefect_cloud_*``
variable, then its environment variable, then its default. The lookup builds the
same ``PrefectCloudClient`` the modules use, so TLS and key checks are the modules' own.
"""

import pytest
import yaml
from ansible import constants as C
from ansible.errors import AnsibleLookupError

from ansible_collections.prefect.cloud.plugins.lookup import workspace_api_url as plugin
from ansible_collections.prefect.cloud.plugins.module_utils._api.client import PrefectCloudClient
from ansible_collections.prefect.cloud.plugins.module_utils._engine.connection import Connection

from unit_seed import ACCOUNT_ID, OWNER_KEY

CONNECTION_ENVIRONMENT = (
    "PREFECT_API_KEY", "PREFECT_API_URL", "PREFECT_CLOUD_API_URL", "PREFECT_CLOUD_ACCOUNT_ID",
    "PREFECT_API_SSL_CERT_FILE", "PREFECT_API_TLS_INSECURE_SKIP_VERIFY", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
)


@pytest.fixture
def lookup(monkeypatch):
    """The lookup as the plugin loader makes it: its documented options registered."""
    for name in CONNECTION_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    instance = plugin.LookupModule()
    instance._load_name = "prefect.cloud.workspace_api_url"
    options = yaml.safe_load(plugin.DOCUMENTATION)["options"]
    C.config.initialize_plugin_configuration_definitions("lookup", instance._load_name, options)
    return instance


def connect(lookup, variables=None, **kwargs):
    """``(client, api_url, account reference)`` of the connection the lookup opens (no request sent)."""
    lookup.set_options(var_options=variables or {}, direct=kwargs)
    options, origins = lookup._connection_options(kwargs, variables)
    connection = Connection(options, origins=origins)
    return connection.client, connection.api_url, connection.account_ref


def test_keyword_wins_over_variable_over_environment(lookup, monkeypatch):
    monkeypatch.setenv("PREFECT_CLOUD_ACCOUNT_ID", "from-env")
    monkeypatch.setenv("PREFECT_API_KEY", "pnu_" + "e" * 36)
    variables = {"ansible_prefect_cloud_account": "from-vars", "ansible_prefect_cloud_request_timeout": 7}
    _client, _url, account = connect(lookup, variables, account="from-keyword")
    assert account == "from-keyword"
    client, _url, account = connect(lookup, variables)
    assert account == "from-vars" and client.timeout == 7
    client, _url, account = connect(lookup)
    assert account == "from-env" and client.timeout == 30


def test_every_connection_option_has_a_variable(lookup, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not read before a request\n")
    variables = {
        "ansible_prefect_cloud_api_url": "https://prefect.example.test/api/",
        "ansible_prefect_cloud_api_key": OWNER_KEY,
        "ansible_prefect_cloud_account": "acme",
        "ansible_prefect_cloud_ca_path": str(bundle),
        "ansible_prefect_cloud_request_timeout": 4.5,
        "ansible_prefect_cloud_max_retries": 1,
    }
    client, api_url, account = connect(lookup, variables)
    assert (api_url, account) == ("https://prefect.example.test/api", "acme")
    assert (client.verify, client.timeout, client.max_retries) == (str(bundle), 4.5, 1)
    client, _url, _account = connect(lookup, dict(variables, ansible_prefect_cloud_validate_certs=False))
    assert client.verify is False


@pytest.mark.parametrize(
    "environment, variables, keywords, expected",
    [
        ({}, {}, {}, True),
        ({"PREFECT_API_TLS_INSECURE_SKIP_VERIFY": "true"}, {}, {}, False),
        ({"PREFECT_API_TLS_INSECURE_SKIP_VERIFY": "0"}, {}, {}, True),
        ({"PREFECT_API_TLS_INSECURE_SKIP_VERIFY": "true"}, {"ansible_prefect_cloud_validate_certs": True}, {}, True),
        ({}, {"ansible_prefect_cloud_validate_certs": True}, {"validate_certs": False}, False),
    ],
)
def test_validate_certs_precedence(lookup, monkeypatch, environment, variables, keywords, expected):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    client, _url, _account = connect(lookup, dict(variables, ansible_prefect_cloud_api_key=OWNER_KEY), **keywords)
    assert client.verify is expected


def test_a_nonsense_insecure_skip_verify_is_refused(lookup, monkeypatch):
    monkeypatch.setenv("PREFECT_API_TLS_INSECURE_SKIP_VERIFY", "maybe")
    with pytest.raises(AnsibleLookupError) as info:
        connect(lookup, api_key=OWNER_KEY)
    assert "PREFECT_API_TLS_INSECURE_SKIP_VERIFY" in str(info.value)


@pytest.mark.parametrize(
    "keywords, words",
    [
        ({}, ["api_key is required", "ansible_prefect_cloud_api_key", "PREFECT_API_KEY"]),
        ({"api_key": OWNER_KEY[:9] + "\n" + OWNER_KEY[9:]}, ["api_key", "HTTP header"]),
        ({"api_key": OWNER_KEY, "ca_path": "/nonexistent/ca.pem"}, ["ca_path", "not a readable file"]),
        ({"api_key": OWNER_KEY, "max_retries": -1}, ["max_retries"]),
        ({"api_key": OWNER_KEY, "request_timeout": 0}, ["request_timeout"]),
    ],
)
def test_bad_settings_fail_before_any_request(lookup, emulator, keywords, words):
    mark = emulator.last_seq()
    with pytest.raises(AnsibleLookupError) as info:
        lookup.run(["anything"], variables={"ansible_prefect_cloud_api_url": emulator.api_url}, **keywords)
    for word in words:
        assert word in str(info.value)
    assert OWNER_KEY[9:] not in str(info.value)
    assert emulator.log(mark) == []


def test_it_finds_workspaces_with_the_connection_in_variables(lookup, emulator):
    client = PrefectCloudClient(emulator.api_url, OWNER_KEY)
    created = client.post("/accounts/%s/workspaces/" % ACCOUNT_ID, json={"name": "Staging", "handle": "staging"})
    variables = {"ansible_prefect_cloud_api_url": emulator.api_url, "ansible_prefect_cloud_api_key": OWNER_KEY + "\n"}
    urls = lookup.run(["staging"], variables=variables)
    assert urls == ["%s/accounts/%s/workspaces/%s" % (emulator.api_url, ACCOUNT_ID, created["id"])]
    with pytest.raises(AnsibleLookupError) as info:
        lookup.run(["nowhere"], variables=variables)
    assert "'nowhere' not found" in str(info.value)


@pytest.fixture
def tls(tls_emulator_server):
    tls_emulator_server.reset()
    return tls_emulator_server


def test_tls_refused_by_default_without_retry(lookup, tls):
    with pytest.raises(AnsibleLookupError) as info:
        lookup.run(["x"], variables={"ansible_prefect_cloud_api_url": tls.api_url, "ansible_prefect_cloud_api_key": OWNER_KEY})
    assert "certificate verify failed" in str(info.value)
    assert tls.log() == []


@pytest.mark.parametrize(
    "environment, variables",
    [
        ({}, {"ansible_prefect_cloud_validate_certs": False}),
        ({"REQUESTS_CA_BUNDLE": "other"}, {"ansible_prefect_cloud_validate_certs": False}),
        ({"CURL_CA_BUNDLE": "other"}, {"ansible_prefect_cloud_validate_certs": False}),
        ({"PREFECT_API_TLS_INSECURE_SKIP_VERIFY": "true", "REQUESTS_CA_BUNDLE": "other"}, {}),
        ({"PREFECT_API_SSL_CERT_FILE": "ca"}, {}),
        ({"REQUESTS_CA_BUNDLE": "other"}, {"ansible_prefect_cloud_ca_path": "ca"}),
    ],
)
def test_tls_accepted(lookup, tls, monkeypatch, environment, variables):
    files = {"ca": tls.ca_file, "other": tls.other_ca_file}
    for name, value in environment.items():
        monkeypatch.setenv(name, files.get(value, value))
    variables = {name: files.get(value, value) for name, value in variables.items()}
    variables.update(ansible_prefect_cloud_api_url=tls.api_url, ansible_prefect_cloud_api_key=OWNER_KEY,
                     ansible_prefect_cloud_account=ACCOUNT_ID)
    with pytest.raises(AnsibleLookupError) as info:
        lookup.run(["absent"], variables=variables)
    # Connected and answered: the workspace simply does not exist.
    assert "'absent' not found" in str(info.value)
    assert [e["path"] for e in tls.log()] == ["/api/accounts/%s/workspaces/filter" % ACCOUNT_ID]
