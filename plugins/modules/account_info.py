#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: account_info
short_description: Read a Prefect Cloud account, its settings and SSO domains
version_added: 0.1.0
description:
  - Returns the account named by O(account) (or the API key's only account) with its settings and SSO domains.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options: {}
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes.info_module
seealso:
  - module: prefect.cloud.account
  - module: prefect.cloud.me_info
"""

EXAMPLES = r"""
- name: Read the account
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  tasks:
    - name: The account with its settings and domains
      prefect.cloud.account_info:
      register: acme

    - name: Show the plan
      ansible.builtin.debug:
        msg: "{{ acme.account.plan_type }} / {{ acme.account.plan_tier }}"
"""

RETURN = r"""
account:
  description: The account.
  returned: always
  type: dict
  contains:
    id:
      description: Account id.
      type: str
      sample: 4db86fa3-9bc2-4d09-9df0-86b0fe7c6477
    name:
      description: Display name.
      type: str
      sample: Acme Corp
    handle:
      description: Handle.
      type: str
      sample: acme
    location:
      description: Location, or null.
      type: str
      sample: Berlin
    link:
      description: Web address, or null.
      type: str
      sample: https://acme.io
    settings:
      description: The account settings.
      type: dict
      sample:
        allow_public_workspaces: false
        ai_log_summaries: true
        managed_execution: true
        enforce_ip_allowlist: false
        enforce_webhook_authentication: true
        self_healing_enabled: false
    domains:
      description: The SSO domains, sorted.
      type: list
      elements: str
      sample: [acme.io]
    plan_type:
      description: Plan type.
      type: str
      sample: ENTERPRISE
    plan_tier:
      description: Plan tier.
      type: str
      sample: ENTERPRISE
    status:
      description: Account status.
      type: str
      sample: ACTIVE
    features:
      description: Features of the plan.
      type: list
      elements: str
      sample: [teams, custom_roles, sso]
    sso_state:
      description: State of single sign-on.
      type: str
      sample: ENABLED
    scim_state:
      description: State of SCIM provisioning.
      type: str
      sample: DISABLED
    created:
      description: Creation time.
      type: str
      sample: '2026-01-12T09:30:41.204518Z'
    updated:
      description: Last update time.
      type: str
      sample: '2026-03-02T14:05:12.871093Z'
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.secrets import sanitize
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import ACCOUNT
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule


def read_account(module):
    account = module.api.call(ACCOUNT, "get")
    domains = module.api.call(ACCOUNT, "domains") or []
    account["domains"] = sorted(d["name"] if isinstance(d, dict) else str(d) for d in domains)
    return {"changed": False, "account": sanitize(account)}


def main():
    module = PrefectCloudModule(argument_spec={})
    module.run(lambda: read_account(module))


if __name__ == "__main__":
    main()
