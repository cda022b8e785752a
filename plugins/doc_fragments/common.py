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
        (C(https://api.prefect.cloud/api/accounts/<account>/workspaces/<workspace>)), then the same two
        settings of the active Prefect profile (see O(profile)), then the default."
      - Defaults to V(https://api.prefect.cloud/api).
      - When the API cannot be reached, the error names the base URL and where it was set.
    type: str
  api_key:
    description:
      - A Prefect Cloud API key, a user key (C(pnu_...)) or a service-account key (C(pnb_...)).
      - Falls back to the environment variable E(PREFECT_API_KEY), then to E(PREFECT_API_KEY) of the active
        Prefect profile (the key C(prefect cloud login) stored). Required after those fallbacks.
      - A profile's key is used only with the API its profile names (its E(PREFECT_CLOUD_API_URL), the base
        of its workspace URL, or the default), never with a base URL set elsewhere.
      - Spaces and newlines around the key (a key pasted from a file) are removed; a key with
        whitespace or control characters inside fails before any request is sent.
      - The key is never logged or returned.
    type: str
  account:
    description:
      - The account to manage, by UUID or by handle.
      - Falls back to E(PREFECT_CLOUD_ACCOUNT_ID), then to the account in a workspace URL held by
        E(PREFECT_API_URL) (when O(api_url) is unset), in the environment or else in the active Prefect profile.
      - When still unset and the API key belongs to exactly one account, that account is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the API. Turn off only for a test endpoint.
      - "Precedence: this option (in the task or in C(module_defaults)), then the environment variable
        E(PREFECT_API_TLS_INSECURE_SKIP_VERIFY), the setting of Prefect's own client, which means the
        opposite (V(true) there turns verification off), then the same setting of the active Prefect profile,
        then the default."
      - When V(false), certificates are not verified whatever O(ca_path), E(REQUESTS_CA_BUNDLE) or
        E(CURL_CA_BUNDLE) say.
      - A certificate that fails verification stops the task at once ("certificate verify failed");
        it is not retried.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of the CA certificates that may sign the API's certificate (a private CA, a TLS
        inspecting proxy), instead of the bundle C(requests) uses by default.
      - "Precedence: this option (in the task or in C(module_defaults)), then the environment variable
        E(PREFECT_API_SSL_CERT_FILE) (the setting of Prefect's own client), then the same setting of the active
        Prefect profile, then the environment variables E(REQUESTS_CA_BUNDLE) and E(CURL_CA_BUNDLE) that
        C(requests) reads, then the bundle of C(certifi)."
      - Ignored when O(validate_certs) is V(false). A path that is not a readable file fails before any
        request is sent.
    type: path
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
      - Falls back to E(PREFECT_CLIENT_MAX_RETRIES), the setting of Prefect's own client, in the
        environment, then in the active Prefect profile, then to the default.
    type: int
    default: 3
  profile:
    description:
      - The Prefect profile that gives what neither the task, C(module_defaults) nor the environment set,
        from its E(PREFECT_API_KEY), the account and base URL of its workspace URL E(PREFECT_API_URL) (or its
        E(PREFECT_CLOUD_API_URL)), E(PREFECT_API_TLS_INSECURE_SKIP_VERIFY), E(PREFECT_API_SSL_CERT_FILE) and
        E(PREFECT_CLIENT_MAX_RETRIES). C(prefect cloud login) writes such a profile.
      - Falls back to the environment variable E(PREFECT_PROFILE), then to the profile the file marks
        active, as Prefect's own tools choose it.
      - A profile named by this option must exist in the file; one named by E(PREFECT_PROFILE) or by the
        file is read when it is there, as Prefect does.
      - The key is never logged or returned.
    type: str
  profile_file:
    description:
      - The Prefect profiles file, C(profiles.toml).
      - Falls back to the environment variable E(PREFECT_PROFILES_PATH), then to C(profiles.toml) in
        E(PREFECT_HOME), then to C(~/.prefect/profiles.toml), on the host that runs the module.
        C($PREFECT_HOME) in the path stands for that folder, as in Prefect's own setting.
      - A file named by this option must exist; otherwise a missing file means no profile.
      - Read with Python's C(tomllib) on Python 3.11 and later. On Python 3.9 and 3.10 a small reader takes
        the part of TOML that profiles use (tables, and keys set to strings, numbers or booleans) and fails
        naming the line of anything else.
    type: path
requirements:
  - requests >= 2.25 (on the host that runs the module, usually the controller)
notes:
  - Modules talk to Prefect Cloud from the host they run on; set C(delegate_to) to V(localhost) or run the
    play against C(localhost).
"""
