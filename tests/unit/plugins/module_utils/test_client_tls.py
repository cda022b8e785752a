"""TLS settings of the HTTP client against the emulator served over HTTPS.

The certificate is made for the test by a throw-away CA (``certificate_authority``):
refused by default, accepted with ``ca_path``, accepted with ``validate_certs=False``
even when ``REQUESTS_CA_BUNDLE`` or ``CURL_CA_BUNDLE`` name a CA that would refuse it.
"""

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._api.client import PrefectCloudClient
from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import AmbiguousWriteError, CertificateVerifyError

from unit_seed import ACCOUNT_ID, OWNER_KEY


@pytest.fixture
def tls(tls_emulator_server, monkeypatch):
    tls_emulator_server.reset()
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    return tls_emulator_server


def client_for(server, **kwargs):
    waits = []
    client = PrefectCloudClient(server.api_url, OWNER_KEY, sleep=waits.append, **kwargs)
    client.waits = waits
    return client


@pytest.mark.parametrize("method, path", [("GET", "/me/accounts"), ("POST", "/accounts/%s/workspaces/" % ACCOUNT_ID)])
def test_an_untrusted_certificate_is_refused_at_once(tls, method, path):
    client = client_for(tls)
    with pytest.raises(CertificateVerifyError) as info:
        client.request(method, path, json={"name": "W", "handle": "w"} if method == "POST" else None)
    text = str(info.value)
    assert "certificate verify failed" in text
    assert "unable to get local issuer certificate" in text  # the cause, from the TLS library
    assert "ca_path" in text and "validate_certs" in text
    assert "connection lost" not in text and "SSLError" not in text
    # The TLS library's text is shortened; the base URL is named once, as for every unreachable API.
    assert text.endswith("(API base URL %s)" % tls.api_url) and text.count("127.0.0.1") == 1
    # Not retried, and a refused handshake is no ambiguous write: nothing was sent.
    assert not isinstance(info.value, AmbiguousWriteError)
    assert client.waits == [] and client.request_count == 1
    assert tls.log() == []


def test_ca_path_trusts_the_private_authority(tls):
    client = client_for(tls, ca_path=tls.ca_file)
    assert client.get("/me/accounts")[0]["account_id"] == ACCOUNT_ID


def test_requests_ca_bundle_is_honoured_when_nothing_else_is_set(tls, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", tls.ca_file)
    assert client_for(tls).get("/me/accounts")[0]["account_id"] == ACCOUNT_ID


def test_ca_path_wins_over_requests_ca_bundle(tls, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", tls.other_ca_file)
    client = client_for(tls, ca_path=tls.ca_file)
    assert client.get("/me/accounts")[0]["account_id"] == ACCOUNT_ID


@pytest.mark.parametrize("variable", [None, "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_validate_certs_false_is_not_overridden_by_the_environment(tls, monkeypatch, variable):
    # requests replaces a session-level verify=False with these variables; the client
    # passes verify with each request so that they cannot.
    if variable:
        monkeypatch.setenv(variable, tls.other_ca_file)
    client = client_for(tls, validate_certs=False, ca_path=tls.other_ca_file)
    assert client.get("/me/accounts")[0]["account_id"] == ACCOUNT_ID


def test_a_ca_path_that_is_not_a_file_fails_before_any_request(tls, tmp_path):
    with pytest.raises(ValueError) as info:
        client_for(tls, ca_path=str(tmp_path / "missing.pem"))
    assert "ca_path" in str(info.value)
    assert tls.log() == []
