# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""Opening a connection: where the API is, which key, which account, and who is calling.

Modules (through ``PrefectCloudModule``) and the ``workspace_api_url`` lookup open their
connection here, so both read their settings with the same precedence and resolve the
account the same way. Everything is lazy and read at most once per run: the client is
built on the first request, the account is resolved only when an account path is needed
(never when ``account`` is a UUID), and ``GET /me/`` and ``GET /me/accounts`` are each sent
at most once, whoever asks.
"""

import os
import re

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.prefect.cloud.plugins.module_utils._api.client import (
    DEFAULT_API_URL,
    PrefectCloudClient,
    normalise_api_key,
    tls_verify,
)
from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudError, PrefectCloudHTTPError
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import ME, WORKSPACE_API_URL, Api, is_uuid
from ansible_collections.prefect.cloud.plugins.module_utils._engine.resolve import Resolver

# The TLS settings of Prefect's own client, so one environment serves the CLI, workers and this
# collection. PREFECT_API_TLS_INSECURE_SKIP_VERIFY is the inverse of validate_certs.
CA_PATH_ENV = "PREFECT_API_SSL_CERT_FILE"
INSECURE_SKIP_VERIFY_ENV = "PREFECT_API_TLS_INSECURE_SKIP_VERIFY"

# The connection options, their types, defaults and environment variables: one list that the
# modules' argument spec and the lookup's checks are both made from. validate_certs reads its
# (inverted) variable through validate_certs_from_environment.
CONNECTION_OPTIONS = {
    "api_url": {"type": "str", "env": ["PREFECT_CLOUD_API_URL"]},
    "api_key": {"type": "str", "no_log": True, "env": ["PREFECT_API_KEY"]},
    "account": {"type": "str", "env": ["PREFECT_CLOUD_ACCOUNT_ID"]},
    "validate_certs": {"type": "bool", "default": True},
    "ca_path": {"type": "path", "env": [CA_PATH_ENV]},
    # Tuning from the environment too: a role that sets module_defaults for the action group replaces the
    # play's, so a play may have no other way to reach its modules.
    "request_timeout": {"type": "float", "default": 30, "env": ["PREFECT_CLOUD_REQUEST_TIMEOUT"]},
    "max_retries": {"type": "int", "default": 3, "env": ["PREFECT_CLOUD_MAX_RETRIES"]},
}


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


def check_connection_options(params):
    """The connection options' own rules; ``ValueError`` names the option.

    The key is checked as it will be sent (surrounding whitespace removed) and written back
    into ``params`` in that form.
    """
    if not params.get("api_key"):
        raise ValueError("api_key is required: set the api_key option or the PREFECT_API_KEY environment variable")
    params["api_key"] = normalise_api_key(params["api_key"])
    tls_verify(params["validate_certs"], params.get("ca_path"))
    if params["max_retries"] < 0:
        raise ValueError("max_retries must be 0 or more, got %d" % params["max_retries"])
    if params["request_timeout"] <= 0:
        raise ValueError("request_timeout must be a positive number of seconds")


def account_id_from_memberships(ref, accounts):
    """The id of the account ``ref`` (a handle, a UUID or ``None``) among the caller's ``accounts``.

    ``accounts`` is the answer of ``GET /me/accounts``. With no ``ref`` the account is
    inferred when the key belongs to exactly one. ``ValueError`` says what to set otherwise.
    """
    handles = ", ".join(sorted(a.get("account_handle") or "?" for a in accounts)) or "none"
    if ref:
        for entry in accounts:
            if entry.get("account_handle") == ref or entry.get("account_id") == ref.lower():
                return entry["account_id"]
        raise ValueError("account %r not found among the accounts this API key can reach (%s)" % (ref, handles))
    if len(accounts) == 1:
        return accounts[0]["account_id"]
    if not accounts:
        raise ValueError("this API key belongs to no account; set the account option")
    raise ValueError(
        "this API key reaches %d accounts (%s): set the account option (or PREFECT_CLOUD_ACCOUNT_ID) to one of them"
        % (len(accounts), handles)
    )


class Connection:
    """One API key talking to one API base, in one account (resolved when first needed)."""

    def __init__(self, params, warn=None, environ=None):
        check_connection_options(params)
        self.api_url, self.account_ref = connection_settings(params, environ)
        self.api_key = params["api_key"]
        self._params = params
        self._warn = warn
        self._client = None
        self._account_id = None
        self._me = None
        self._my_accounts = None
        self.api = Api(self)
        self._resolver = None

    @property
    def client(self):
        if self._client is None:
            self._client = PrefectCloudClient(
                self.api_url,
                self.api_key,
                validate_certs=self._params["validate_certs"],
                ca_path=self._params.get("ca_path"),
                timeout=self._params["request_timeout"],
                max_retries=self._params["max_retries"],
                warn=self._warn,
            )
        return self._client

    @property
    def account_given(self):
        """Whether an account was named (option, environment or workspace URL) rather than to be inferred."""
        return bool(self.account_ref)

    @property
    def account_id(self):
        """The account's UUID: as given, or from ``GET /me/accounts`` for a handle or none."""
        if self._account_id is None:
            ref = self.account_ref
            if ref and is_uuid(ref):
                self._account_id = ref.lower()
            else:
                try:
                    accounts = self.my_accounts()
                except PrefectCloudHTTPError as exc:
                    if not self.is_bot_key or exc.status not in (401, 403, 404, 422):
                        raise
                    # What /me/ answers a service-account key is not documented; the account's id needs no lookup.
                    raise PrefectCloudError(
                        "%s: this service-account key may not list its accounts, so the account %s; "
                        "set account (or PREFECT_CLOUD_ACCOUNT_ID) to the account's id, a UUID"
                        % (exc, "%r cannot be looked up by handle" % ref if ref else "cannot be inferred")
                    ) from None
                try:
                    self._account_id = account_id_from_memberships(ref, accounts)
                except ValueError as exc:
                    raise PrefectCloudError(str(exc)) from None
        return self._account_id

    @property
    def is_bot_key(self):
        """Whether the key is a service account's (``pnb_``) rather than a user's (``pnu_``)."""
        return self.api_key.startswith("pnb_")

    def me(self):
        """``GET /me/``: the caller's profile, read once per run."""
        if self._me is None:
            self._me = self.api.call(ME, "get") or {}
        return self._me

    def my_accounts(self):
        """``GET /me/accounts``: the caller's accounts, read once per run."""
        if self._my_accounts is None:
            self._my_accounts = self.api.call(ME, "accounts") or []
        return self._my_accounts

    @property
    def resolver(self):
        if self._resolver is None:
            self._resolver = Resolver(self.api)
        return self._resolver

    def forget_lookups(self):
        """Drop every cached name lookup (after a write whose outcome is unknown)."""
        if self._resolver is not None:
            self._resolver.clear()
