# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The connection options every prefect.cloud module takes.
    DOCUMENTATION = r"""
options:
  api_url:
    description:
      - Base URL of the Prefect Cloud API.
      - "Precedence: this option (in the task or in C(module_defaults)), then the environment variable
        E(PREFECT_CLOUD_API_URL), then the base of a workspace URL in E(PREFECT_API_URL)
        (C(https://api.prefect.cloud/api/accounts/<account>/workspaces/<workspace>)), then the default."
      - Defaults to V(https://api.prefect.cloud/api).
    type: str
  api_key:
    description:
      - A Prefect Cloud API key, a user key (C(pnu_...)) or a service-account key (C(pnb_...)).
      - Falls back to the environment variable E(PREFECT_API_KEY). Required after that fallback.
      - The key is never logged or returned.
    type: str
  account:
    description:
      - The account to manage, by UUID or by handle.
      - Falls back to E(PREFECT_CLOUD_ACCOUNT_ID), then to the account in a workspace URL held by
        E(PREFECT_API_URL) (when O(api_url) is unset).
      - When still unset and the API key belongs to exactly one account, that account is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the API. Turn off only for a test endpoint.
    type: bool
    default: true
  request_timeout:
    description:
      - Seconds to wait for each HTTP response.
    type: float
    default: 30
  max_retries:
    description:
      - How many times a request is retried after HTTP 429, 502, 503 or 504 or a connection
        error, waiting as long as the C(Retry-After) header asks (otherwise an exponential
        backoff with jitter), at most two minutes in all.
      - A write whose response is lost is never resent blindly; the object is read back by
        its natural key first.
    type: int
    default: 3
requirements:
  - requests >= 2.25 (on the host that runs the module, usually the controller)
notes:
  - Modules talk to Prefect Cloud from the host they run on; set C(delegate_to) to V(localhost) or run the
    play against C(localhost).
"""
