"""Where the API URL and the account come from: options, environment, defaults."""

import pytest

from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.prefect.cloud.plugins.module_utils._module import (
    common_argument_spec,
    connection_settings,
    validate_certs_from_environment,
)

ACCOUNT = "4db86fa3-9bc2-4d09-9df0-86b0fe7c6477"
WORKSPACE = "9a7e3c11-0d5b-4f4e-b0a1-1c2d3e4f5a6b"
WORKSPACE_URL = "https://api.prefect.cloud/api/accounts/%s/workspaces/%s" % (ACCOUNT, WORKSPACE)


@pytest.mark.parametrize(
    "params, environ, expected",
    [
        ({}, {}, ("https://api.prefect.cloud/api", None)),
        ({"api_url": "http://127.0.0.1:8686/api/"}, {}, ("http://127.0.0.1:8686/api", None)),
        ({}, {"PREFECT_API_URL": WORKSPACE_URL}, ("https://api.prefect.cloud/api", ACCOUNT)),
        ({}, {"PREFECT_API_URL": WORKSPACE_URL + "/"}, ("https://api.prefect.cloud/api", ACCOUNT)),
        # An explicit account wins over the one in the workspace URL.
        ({"account": "acme"}, {"PREFECT_API_URL": WORKSPACE_URL}, ("https://api.prefect.cloud/api", "acme")),
        # An explicit api_url means PREFECT_API_URL is not consulted at all.
        ({"api_url": "https://api.prefect.dev/api"}, {"PREFECT_API_URL": WORKSPACE_URL}, ("https://api.prefect.dev/api", None)),
        # A self-hosted server URL is not a Cloud workspace URL: ignored.
        ({}, {"PREFECT_API_URL": "http://localhost:4200/api"}, ("https://api.prefect.cloud/api", None)),
        (
            {},
            {"PREFECT_API_URL": "https://acme.private.prefect.cloud/api/accounts/%s/workspaces/%s" % (ACCOUNT, WORKSPACE)},
            ("https://acme.private.prefect.cloud/api", ACCOUNT),
        ),
    ],
)
def test_precedence(params, environ, expected):
    assert connection_settings(params, environ) == expected


@pytest.mark.parametrize("url", ["api.prefect.cloud/api", "ftp://x/api", "://"])
def test_api_url_must_be_http(url):
    with pytest.raises(ValueError) as info:
        connection_settings({"api_url": url}, {})
    assert "api_url" in str(info.value)


@pytest.mark.parametrize(
    "value, expected",
    [(None, None), ("", None), ("true", False), ("1", False), ("yes", False), ("false", True), ("0", True), (" off ", True)],
)
def test_validate_certs_from_prefect_insecure_skip_verify(value, expected):
    environ = {} if value is None else {"PREFECT_API_TLS_INSECURE_SKIP_VERIFY": value}
    assert validate_certs_from_environment(environ) is expected


def test_an_unreadable_insecure_skip_verify_names_the_variable():
    with pytest.raises(ValueError) as info:
        validate_certs_from_environment({"PREFECT_API_TLS_INSECURE_SKIP_VERIFY": "sometimes"})
    assert "PREFECT_API_TLS_INSECURE_SKIP_VERIFY" in str(info.value)


def test_the_module_option_falls_back_to_the_inverted_variable(monkeypatch):
    spec = common_argument_spec()
    assert spec["ca_path"]["fallback"][1] == ["PREFECT_API_SSL_CERT_FILE"]
    strategy = spec["validate_certs"]["fallback"][0]
    monkeypatch.setenv("PREFECT_API_TLS_INSECURE_SKIP_VERIFY", "true")
    assert strategy() is False
    monkeypatch.delenv("PREFECT_API_TLS_INSECURE_SKIP_VERIFY")
    with pytest.raises(AnsibleFallbackNotFound):
        strategy()
