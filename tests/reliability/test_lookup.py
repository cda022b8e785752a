"""The workspace_api_url lookup reads its connection like the modules: from
``ansible_prefect_cloud_*`` variables, templated, with no environment at all; a keyword of
the call wins over a variable."""

from __future__ import annotations

import json

from conftest import DEMO_OWNER_KEY, Emulator, run_playbook, write_playbook


def test_the_connection_in_templated_variables(tmp_path):
    emulator = Emulator(tmp_path)
    try:
        report = tmp_path / "report.json"
        tasks = [
            {"name": "From variables", "ansible.builtin.set_fact": {
                "from_vars": "{{ lookup('prefect.cloud.workspace_api_url', 'production') }}"}},
            {"name": "A keyword wins over the variable", "ansible.builtin.set_fact": {
                "from_keyword": "{{ lookup('prefect.cloud.workspace_api_url', 'production', account='no-such-account') }}"},
             "register": "keyword_outcome", "ignore_errors": True},
            {"name": "Report", "ansible.builtin.copy": {"dest": str(report), "mode": "0600", "content":
                "{{ {'from_vars': from_vars, 'keyword': keyword_outcome} | to_json }}"}},
        ]
        variables = {
            "vault_prefect_api_key": DEMO_OWNER_KEY,
            "ansible_prefect_cloud_api_key": "{{ vault_prefect_api_key }}",
            "ansible_prefect_cloud_api_url": emulator.api_url,
            "ansible_prefect_cloud_account": "acme",
            "ansible_prefect_cloud_max_retries": 0,
        }
        run = run_playbook(write_playbook(tmp_path / "lookup.yml", tasks, vars_=variables), tmp_path, emulator,
                           key=None, env={"PREFECT_CLOUD_API_URL": "http://127.0.0.1:9/api", "PREFECT_CLOUD_ACCOUNT_ID": "wrong"})
        assert run.rc == 0, run
        outcome = json.loads(report.read_text(encoding="utf-8"))
        assert outcome["from_vars"].startswith(emulator.api_url + "/accounts/")
        assert outcome["keyword"]["failed"] and "no-such-account" in outcome["keyword"]["msg"]
        assert DEMO_OWNER_KEY not in run.stdout + run.stderr + run.log
    finally:
        emulator.stop()
