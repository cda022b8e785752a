"""TLS end to end: the emulator over HTTPS with a certificate made for the run.

A module task and the workspace_api_url lookup in one playbook, for each way to trust the
certificate or to skip verification: refused by default ("certificate verify failed", no
retry), accepted with validate_certs false (with and without REQUESTS_CA_BUNDLE or
CURL_CA_BUNDLE naming a CA that would refuse it), accepted with ca_path.
"""

from __future__ import annotations

import json

import pytest

from conftest import Emulator, run_playbook, write_playbook

pytest.importorskip("trustme")

from prefect_cloud_emulator.pki import make_test_pki  # noqa: E402  (tests/emulator is on sys.path: conftest)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def https_emulator(pki, tmp_path_factory):
    emulator = Emulator(tmp_path_factory.mktemp("https-emulator"), tls=pki)
    yield emulator
    emulator.stop()


def _playbook(path, report, module_args, lookup_vars):
    tasks = [
        {"name": "A module over HTTPS", "prefect.cloud.workspace_info": dict(module_args, handle=["production"]),
         "register": "module_outcome", "ignore_errors": True},
        {"name": "The lookup over HTTPS", "vars": lookup_vars,
         "ansible.builtin.set_fact": {"lookup_url": "{{ lookup('prefect.cloud.workspace_api_url', 'production') }}"},
         "register": "lookup_outcome", "ignore_errors": True},
        {"name": "Report", "ansible.builtin.copy": {
            "dest": str(report), "mode": "0600",
            "content": "{{ {'module': module_outcome, 'lookup': lookup_outcome, 'url': lookup_url | default('')} | to_json }}"}},
    ]
    return write_playbook(path, tasks)


CASES = {
    # id: (environment, module options, lookup variables, accepted)
    "default-refused": ({}, {}, {}, False),
    "other-ca-bundle-refused": ({"REQUESTS_CA_BUNDLE": "other"}, {}, {}, False),
    "validate-certs-false": ({}, {"validate_certs": False}, {"ansible_prefect_cloud_validate_certs": False}, True),
    "validate-certs-false-requests-ca-bundle": (
        {"REQUESTS_CA_BUNDLE": "other"}, {"validate_certs": False}, {"ansible_prefect_cloud_validate_certs": False}, True),
    "validate-certs-false-curl-ca-bundle": (
        {"CURL_CA_BUNDLE": "other"}, {"validate_certs": False}, {"ansible_prefect_cloud_validate_certs": False}, True),
    "insecure-skip-verify-env": ({"PREFECT_API_TLS_INSECURE_SKIP_VERIFY": "true", "REQUESTS_CA_BUNDLE": "other"}, {}, {}, True),
    "ca-path-option": ({"REQUESTS_CA_BUNDLE": "other"}, {"ca_path": "ca"}, {"ansible_prefect_cloud_ca_path": "ca"}, True),
    "ca-path-env": ({"PREFECT_API_SSL_CERT_FILE": "ca"}, {}, {}, True),
    "requests-ca-bundle": ({"REQUESTS_CA_BUNDLE": "ca"}, {}, {}, True),
}


@pytest.mark.parametrize("case", list(CASES))
def test_tls_settings(case, pki, https_emulator, tmp_path):
    environment, module_args, lookup_vars, accepted = CASES[case]
    files = {"ca": pki["ca_file"], "other": pki["other_ca_file"]}
    resolve = {name: files.get(value, value) if isinstance(value, str) else value for name, value in environment.items()}
    module_args = {name: files.get(value, value) if isinstance(value, str) else value for name, value in module_args.items()}
    lookup_vars = {name: files.get(value, value) if isinstance(value, str) else value for name, value in lookup_vars.items()}
    report = tmp_path / "report.json"
    https_emulator.reset()
    run = run_playbook(_playbook(tmp_path / "tls.yml", report, module_args, lookup_vars), tmp_path, https_emulator, env=resolve)
    assert run.rc == 0, run
    outcome = json.loads(report.read_text(encoding="utf-8"))
    module, lookup = outcome["module"], outcome["lookup"]
    if accepted:
        assert not module.get("failed"), module
        assert [w["handle"] for w in module["workspaces"]] == ["production"]
        assert not lookup.get("failed"), lookup
        assert outcome["url"].startswith(https_emulator.api_url + "/accounts/")
    else:
        for result in (module, lookup):
            assert result.get("failed"), result
            assert "certificate verify failed" in result["msg"], result["msg"]
            assert "connection lost" not in result["msg"] and "retry" not in result["msg"]
        assert "retrying" not in run.stdout + run.stderr  # refused once, not retried
        assert https_emulator.log() == []
