# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""The module object every prefect.cloud module is built on.

It adds the common connection options (documented in the ``prefect.cloud.common``
doc fragment), turns them into a client lazily - so bad input fails before any
request - and resolves the account the module works in.
"""

import os
import re

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.errors import AnsibleFallbackNotFound
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.prefect.cloud.plugins.module_utils._client import (
    DEFAULT_API_URL,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    PrefectCloudClient,
    PrefectCloudError,
    normalise_api_key,
    redact_secrets,
    tls_verify,
)
from ansible_collections.prefect.cloud.plugins.module_utils._resolve import Resolver, account_id_from_memberships, is_uuid

# A workspace API URL as Prefect clients keep it in PREFECT_API_URL.
WORKSPACE_API_URL = re.compile(
    r"^(?P<base>https?://[^?#]+?)/accounts/(?P<account>[0-9a-fA-F-]{36})/workspaces/(?P<workspace>[0-9a-fA-F-]{36})/?$"
)


# The TLS settings of Prefect's own client, so one environment serves the CLI, workers and this
# collection. PREFECT_API_TLS_INSECURE_SKIP_VERIFY is the inverse of validate_certs.
CA_PATH_ENV = "PREFECT_API_SSL_CERT_FILE"
INSECURE_SKIP_VERIFY_ENV = "PREFECT_API_TLS_INSECURE_SKIP_VERIFY"


def validate_certs_from_environment(environ=None):
    """``validate_certs`` as the environment sets it (``None`` when it does not).

    Raises ``ValueError`` naming the variable when its value is not a boolean.
    """
    environ = os.environ if environ is None else environ
    value = environ.get(INSECURE_SKIP_VERIFY_ENV, "").strip()
    if not value:
        return None
    try:
        return not boolean(value, strict=True)
    except TypeError:
        raise ValueError("%s must be true or false, got %r" % (INSECURE_SKIP_VERIFY_ENV, value)) from None


def _validate_certs_fallback():
    """``fallback`` of the validate_certs option: the inverse of PREFECT_API_TLS_INSECURE_SKIP_VERIFY."""
    try:
        value = validate_certs_from_environment()
    except ValueError:
        # Handed on unconverted: the bool type check then fails naming validate_certs.
        return os.environ[INSECURE_SKIP_VERIFY_ENV]
    if value is None:
        raise AnsibleFallbackNotFound
    return value


def common_argument_spec():
    """The connection options every module takes."""
    return {
        "api_url": {"type": "str", "fallback": (env_fallback, ["PREFECT_CLOUD_API_URL"])},
        "api_key": {"type": "str", "no_log": True, "fallback": (env_fallback, ["PREFECT_API_KEY"])},
        "account": {"type": "str", "fallback": (env_fallback, ["PREFECT_CLOUD_ACCOUNT_ID"])},
        "validate_certs": {"type": "bool", "default": True, "fallback": (_validate_certs_fallback,)},
        "ca_path": {"type": "path", "fallback": (env_fallback, [CA_PATH_ENV])},
        "request_timeout": {"type": "float", "default": 30},
        "max_retries": {"type": "int", "default": 3},
    }


def connection_settings(params, environ=None):
    """Work out the API base URL and the account reference from options and environment.

    Precedence: the ``api_url``/``account`` options (task, ``module_defaults`` or their
    own environment variables) win; when ``api_url`` is unset and ``PREFECT_API_URL``
    holds a workspace URL, the base and the account come from it; then the default.
    Returns ``(api_url, account_ref)``; ``account_ref`` may be ``None`` (inferred later).
    """
    environ = os.environ if environ is None else environ
    api_url = params.get("api_url")
    account = params.get("account")
    if not api_url:
        match = WORKSPACE_API_URL.match(environ.get("PREFECT_API_URL", "") or "")
        if match:
            api_url = match.group("base")
            account = account or match.group("account")
        else:
            api_url = DEFAULT_API_URL
    if not re.match(r"^https?://[^/]+", api_url):
        raise ValueError("api_url must be an http(s) URL such as %s, got %r" % (DEFAULT_API_URL, api_url))
    return api_url.rstrip("/"), account


class PrefectCloudModule:
    """Wraps ``AnsibleModule`` with a lazily built client and account resolution."""

    def __init__(self, argument_spec, supports_check_mode=True, **kwargs):
        spec = common_argument_spec()
        spec.update(argument_spec)
        self.ansible = AnsibleModule(argument_spec=spec, supports_check_mode=supports_check_mode, **kwargs)
        if not HAS_REQUESTS:
            self.ansible.fail_json(msg=missing_required_lib("requests"), exception=str(REQUESTS_IMPORT_ERROR))
        self.params = self.ansible.params
        self.warnings = []
        self._client = None
        self._account_id = None
        self._resolver = None
        self._my_accounts = None
        try:
            self._api_url, self._account_ref = connection_settings(self.params)
        except ValueError as exc:
            self.fail(str(exc))
        if not self.params.get("api_key"):
            self.fail("api_key is required: set the api_key option or the PREFECT_API_KEY environment variable")
        try:
            api_key = normalise_api_key(self.params["api_key"])
        except ValueError as exc:
            self.fail(str(exc))
        # Modules read the key as it is sent (surrounding whitespace removed), masked like the option.
        self.ansible.no_log_values.add(api_key)
        self.params["api_key"] = api_key
        try:
            tls_verify(self.params["validate_certs"], self.params["ca_path"])
        except ValueError as exc:
            self.fail(str(exc))
        if self.params["max_retries"] < 0:
            self.fail("max_retries must be 0 or more, got %d" % self.params["max_retries"])
        if self.params["request_timeout"] <= 0:
            self.fail("request_timeout must be a positive number of seconds")

    # -- facts -----------------------------------------------------------

    @property
    def check_mode(self):
        return self.ansible.check_mode

    @property
    def diff_mode(self):
        return self.ansible._diff

    def is_set(self, name):
        """Whether the user gave this option (an unset option is never compared or sent)."""
        return self.params.get(name) is not None

    # -- lazily built collaborators ---------------------------------------

    @property
    def client(self):
        if self._client is None:
            self._client = PrefectCloudClient(
                self._api_url,
                self.params["api_key"],
                validate_certs=self.params["validate_certs"],
                ca_path=self.params["ca_path"],
                timeout=self.params["request_timeout"],
                max_retries=self.params["max_retries"],
                warn=self.warn,
            )
        return self._client

    @property
    def account_id(self):
        if self._account_id is None:
            self._account_id = self._resolve_account(self._account_ref)
        return self._account_id

    @property
    def account_path(self):
        """``/accounts/{account_id}``: the prefix of every account-scoped route."""
        return "/accounts/%s" % self.account_id

    @property
    def resolver(self):
        if self._resolver is None:
            self._resolver = Resolver(self.client, self.account_path)
        return self._resolver

    def forget_lookups(self):
        """Drop every cached name lookup (after a write whose outcome is unknown)."""
        if self._resolver is not None:
            self._resolver.clear()

    @property
    def account_given(self):
        """Whether an account was named (option, environment or workspace URL) rather than to be inferred."""
        return bool(self._account_ref)

    def my_accounts(self):
        """The caller's accounts (``GET /me/accounts``), read once per module run."""
        if self._my_accounts is None:
            self._my_accounts = self.client.get("/me/accounts") or []
        return self._my_accounts

    def _resolve_account(self, ref):
        if ref and is_uuid(ref):
            return ref.lower()
        try:
            return account_id_from_memberships(ref, self.my_accounts())
        except ValueError as exc:
            self.fail(str(exc))

    # -- results ---------------------------------------------------------

    def warn(self, message):
        message = redact_secrets(message)
        if message not in self.warnings:
            self.warnings.append(message)

    def fail(self, msg, **result):
        for warning in self.warnings:
            self.ansible.warn(warning)
        self.ansible.fail_json(msg=redact_secrets(msg), **result)

    def exit(self, **result):
        for warning in self.warnings:
            self.ansible.warn(warning)
        self.ansible.exit_json(**result)

    def run(self, body):
        """Run ``body()`` and exit with its result; Prefect Cloud errors become clean failures."""
        try:
            result = body()
        except PrefectCloudError as exc:
            self.fail(str(exc), **_error_fields(exc))
        self.exit(**result)


def _error_fields(exc):
    fields = {}
    if exc.status is not None:
        fields["status"] = exc.status
    return fields
