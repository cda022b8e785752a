# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: workspace_api_url
short_description: The PREFECT_API_URL of a Prefect Cloud workspace
version_added: 0.1.0
description:
  - For each workspace handle (or id), returns the workspace API URL that Prefect clients, workers and
    pipelines need in E(PREFECT_API_URL), C(<api_url>/accounts/<account id>/workspaces/<workspace id>).
  - Looks the workspace up in Prefect Cloud with one filtered request; fails when a workspace does not exist.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  _terms:
    description: Workspace handles or ids.
    required: true
    type: list
    elements: str
  api_url:
    description:
      - Base URL of the Prefect Cloud API. Defaults to V(https://api.prefect.cloud/api), or the base of
        a workspace URL in E(PREFECT_API_URL).
    type: str
    env:
      - name: PREFECT_CLOUD_API_URL
  api_key:
    description: A Prefect Cloud API key. It is never shown.
    type: str
    required: true
    env:
      - name: PREFECT_API_KEY
  account:
    description:
      - The account, by id or handle. When unset and the key belongs to exactly one account, that one.
    type: str
    env:
      - name: PREFECT_CLOUD_ACCOUNT_ID
  validate_certs:
    description: Whether to verify the TLS certificate of the API.
    type: bool
    default: true
  request_timeout:
    description: Seconds to wait for each HTTP response.
    type: float
    default: 30
  max_retries:
    description: Retries after HTTP 429, 502, 503, 504 or a connection error.
    type: int
    default: 3
requirements:
  - requests >= 2.25
seealso:
  - module: prefect.cloud.workspace
"""

EXAMPLES = r"""
- name: Write the settings a pipeline needs for the production workspace
  ansible.builtin.copy:
    dest: /etc/pipelines/prefect.env
    mode: "0600"
    content: |
      PREFECT_API_URL={{ lookup('prefect.cloud.workspace_api_url', 'prod', account='acme') }}

- name: One URL per environment
  ansible.builtin.set_fact:
    workspace_urls: "{{ dict(['dev', 'prod'] | zip(query('prefect.cloud.workspace_api_url', 'dev', 'prod'))) }}"
"""

RETURN = r"""
_raw:
  description: One workspace API URL per term.
  type: list
  elements: str
  sample:
    - https://api.prefect.cloud/api/accounts/4db86fa3-9bc2-4d09-9df0-86b0fe7c6477/workspaces/6f1c3b8e-2a4d-4e55-9d0f-0a1b2c3d4e5f
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.prefect.cloud.plugins.module_utils._api.client import HAS_REQUESTS
from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudError
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import WORKSPACE, workspace_api_url
from ansible_collections.prefect.cloud.plugins.module_utils._engine.connection import CONNECTION_OPTIONS, Connection


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        if not HAS_REQUESTS:
            raise AnsibleLookupError("the prefect.cloud.workspace_api_url lookup needs the Python library requests")
        self.set_options(var_options=variables, direct=kwargs)
        try:
            # The same settings, precedence and account resolution as the modules.
            connection = Connection({name: self.get_option(name) for name in CONNECTION_OPTIONS})
            found = connection.resolver.find_many(WORKSPACE, list(terms))
            account_id = connection.account_id
        except (PrefectCloudError, ValueError) as exc:
            raise AnsibleLookupError(str(exc)) from None
        urls = []
        for term in terms:
            if term not in found:
                raise AnsibleLookupError("workspace %r not found in account %s" % (term, account_id))
            urls.append(workspace_api_url(connection.api_url, account_id, found[term]["id"]))
        return urls
