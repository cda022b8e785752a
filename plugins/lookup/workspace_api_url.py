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

from ansible_collections.prefect.cloud.plugins.module_utils._client import (
    HAS_REQUESTS,
    PrefectCloudClient,
    PrefectCloudError,
)
from ansible_collections.prefect.cloud.plugins.module_utils._module import connection_settings
from ansible_collections.prefect.cloud.plugins.module_utils._resolve import Resolver, account_id_from_memberships, is_uuid


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        if not HAS_REQUESTS:
            raise AnsibleLookupError("the prefect.cloud.workspace_api_url lookup needs the Python library requests")
        self.set_options(var_options=variables, direct=kwargs)
        options = {name: self.get_option(name) for name in ("api_url", "api_key", "account")}
        try:
            api_url, account_ref = connection_settings(options)
        except ValueError as exc:
            raise AnsibleLookupError(str(exc)) from None
        client = PrefectCloudClient(
            api_url,
            options["api_key"],
            validate_certs=self.get_option("validate_certs"),
            timeout=self.get_option("request_timeout"),
            max_retries=self.get_option("max_retries"),
        )
        try:
            if account_ref and is_uuid(account_ref):
                account_id = account_ref.lower()
            else:
                account_id = account_id_from_memberships(account_ref, client.get("/me/accounts") or [])
            resolver = Resolver(client, "/accounts/%s" % account_id)
            found = resolver.find_many("workspace", list(terms))
        except (PrefectCloudError, ValueError) as exc:
            raise AnsibleLookupError(str(exc)) from None
        urls = []
        for term in terms:
            if term not in found:
                raise AnsibleLookupError("workspace %r not found in account %s" % (term, account_id))
            urls.append("%s/accounts/%s/workspaces/%s" % (api_url, account_id, found[term]["id"]))
        return urls
