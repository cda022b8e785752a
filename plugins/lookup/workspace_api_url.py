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
        a workspace URL in E(PREFECT_API_URL), in the environment or else in the active Prefect profile
        (see O(profile)).
      - When the API cannot be reached, the error names the base URL and where it was set.
    type: str
    vars:
      - name: ansible_prefect_cloud_api_url
    env:
      - name: PREFECT_CLOUD_API_URL
  api_key:
    description:
      - A Prefect Cloud API key. It is never shown. Required, from one of the sources below or, last, from
        E(PREFECT_API_KEY) of the active Prefect profile (used only with the API that profile names).
      - Spaces and newlines around the key are removed; a key with whitespace inside is refused
        before any request.
    type: str
    vars:
      - name: ansible_prefect_cloud_api_key
    env:
      - name: PREFECT_API_KEY
  account:
    description:
      - The account, by id or handle. When unset, the account of a workspace URL in E(PREFECT_API_URL) (the
        environment's, else the active Prefect profile's) when O(api_url) is unset too; else, when the key
        belongs to exactly one account, that one.
    type: str
    vars:
      - name: ansible_prefect_cloud_account
    env:
      - name: PREFECT_CLOUD_ACCOUNT_ID
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the API. Defaults to V(true).
      - When not set as a keyword or a variable, the environment variable
        E(PREFECT_API_TLS_INSECURE_SKIP_VERIFY) of Prefect's own client is read; it means the opposite
        (V(true) there turns verification off).
      - When V(false), certificates are not verified whatever O(ca_path), E(REQUESTS_CA_BUNDLE) or
        E(CURL_CA_BUNDLE) say. A refused certificate fails at once ("certificate verify failed").
    type: bool
    vars:
      - name: ansible_prefect_cloud_validate_certs
  ca_path:
    description:
      - A PEM file of the CA certificates that may sign the API's certificate. When unset,
        E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) if set, else the bundle of C(certifi).
      - Ignored when O(validate_certs) is V(false).
    type: path
    vars:
      - name: ansible_prefect_cloud_ca_path
    env:
      - name: PREFECT_API_SSL_CERT_FILE
  request_timeout:
    description: Seconds to wait for each HTTP response.
    type: float
    default: 30
    vars:
      - name: ansible_prefect_cloud_request_timeout
    env:
      - name: PREFECT_CLOUD_REQUEST_TIMEOUT
  max_retries:
    description:
      - Retries after HTTP 429, 502, 503, 504 or a connection error.
      - E(PREFECT_CLIENT_MAX_RETRIES) is the setting of Prefect's own client; the active Prefect profile's
        comes after the environment's.
    type: int
    default: 3
    vars:
      - name: ansible_prefect_cloud_max_retries
    env:
      - name: PREFECT_CLIENT_MAX_RETRIES
  profile:
    description:
      - The Prefect profile that gives what no keyword, variable or environment variable set, as for the
        modules (see O(prefect.cloud.workspace#module:profile)). When unset, the profile the file marks active.
      - A profile named by keyword or variable must exist in the file.
    type: str
    vars:
      - name: ansible_prefect_cloud_profile
    env:
      - name: PREFECT_PROFILE
  profile_file:
    description:
      - The Prefect profiles file. When unset, C(profiles.toml) in E(PREFECT_HOME), else
        C(~/.prefect/profiles.toml), on the controller.
      - A file named by keyword or variable must exist; otherwise a missing file means no profile.
    type: path
    vars:
      - name: ansible_prefect_cloud_profile_file
    env:
      - name: PREFECT_PROFILES_PATH
notes:
  - "Each option is read, first to last, from: a keyword of the lookup call
    (C(lookup('prefect.cloud.workspace_api_url', 'prod', account='acme'))), the variable listed under
    it (for example in C(group_vars) or the play's C(vars)), the environment variable listed under it,
    the active Prefect profile (for the settings it holds), its default. These are the settings of the
    modules' connection options, but a lookup runs on the controller while templating and does not see
    C(module_defaults)."
requirements:
  - requests >= 2.25
seealso:
  - module: prefect.cloud.workspace
"""

EXAMPLES = r"""
- name: The connection in variables, as the modules get it from module_defaults
  vars:
    ansible_prefect_cloud_account: acme
    ansible_prefect_cloud_api_key: "{{ vault_prefect_api_key }}"
  ansible.builtin.debug:
    msg: "{{ lookup('prefect.cloud.workspace_api_url', 'staging') }}"

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
from ansible.utils.display import Display

from ansible_collections.prefect.cloud.plugins.module_utils._api.client import HAS_REQUESTS
from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudError
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import WORKSPACE, workspace_api_url
from ansible_collections.prefect.cloud.plugins.module_utils._engine.connection import (
    CONNECTION_OPTIONS,
    Connection,
    validate_certs_from_environment,
)


VARIABLE_PREFIX = "ansible_prefect_cloud_"
KEY_SOURCES = "pass api_key=..., set the variable %sapi_key or the environment variable PREFECT_API_KEY" % VARIABLE_PREFIX

display = Display()


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        if not HAS_REQUESTS:
            raise AnsibleLookupError("the prefect.cloud.workspace_api_url lookup needs the Python library requests")
        connection_variables = self._connection_variables(variables)
        self.set_options(var_options=connection_variables, direct=kwargs)
        try:
            # The same settings, precedence and account resolution as the modules.
            options, origins = self._connection_options(kwargs, connection_variables)
            connection = Connection(options, origins=origins, key_sources=KEY_SOURCES, warn=display.warning)
            account_id = connection.resolve_account()
            found = connection.resolver.find_many(WORKSPACE, list(terms))
        except (PrefectCloudError, ValueError) as exc:
            raise AnsibleLookupError(str(exc)) from None
        urls = []
        for term in terms:
            if term not in found:
                raise AnsibleLookupError("workspace %r not found in account %s" % (term, account_id))
            urls.append(workspace_api_url(connection.api_url, account_id, found[term]["id"]))
        return urls

    def _connection_variables(self, variables):
        """The ``ansible_prefect_cloud_*`` variables, templated.

        Plugin options read their variables as they are stored, so a key kept as
        ``"{{ vault_prefect_api_key }}"`` would arrive as that text.
        """
        found = {name: value for name, value in (variables or {}).items() if name.startswith(VARIABLE_PREFIX)}
        if self._templar is None:
            return found
        return {name: self._templar.template(value) for name, value in found.items()}

    def _connection_options(self, keywords=None, variables=None):
        """The connection options as the modules take them, and where those set by keyword or variable came from.

        Keyword > variable > environment > the active Prefect profile > default: the environment
        is Ansible's (its ``env`` entries), the profile the connection's own.
        """
        options, origins = {}, {}
        for name in CONNECTION_OPTIONS:
            options[name] = self.get_option(name)
            if name in (keywords or {}):
                origins[name] = "the %s keyword of the lookup" % name
            elif VARIABLE_PREFIX + name in (variables or {}):
                origins[name] = "the variable %s%s" % (VARIABLE_PREFIX, name)
        if options["validate_certs"] is None:
            # Not set by keyword or variable: the (inverted) environment variable, else verify.
            try:
                from_environment = validate_certs_from_environment()
            except ValueError as exc:
                raise AnsibleLookupError(str(exc)) from None
            options["validate_certs"] = True if from_environment is None else from_environment
        return options, origins
