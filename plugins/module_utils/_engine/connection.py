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
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.profiles import ProfileError, load_profile
from ansible_collections.prefect.cloud.plugins.module_utils._engine.resolve import Resolver

# The TLS settings of Prefect's own client, so one environment serves the CLI, workers and this
# collection. PREFECT_API_TLS_INSECURE_SKIP_VERIFY is the inverse of validate_certs.
CA_PATH_ENV = "PREFECT_API_SSL_CERT_FILE"
INSECURE_SKIP_VERIFY_ENV = "PREFECT_API_TLS_INSECURE_SKIP_VERIFY"
# Prefect's client setting for its own retries (its default is 5; this collection's stays 3).
MAX_RETRIES_ENV = "PREFECT_CLIENT_MAX_RETRIES"
# The collection's own: the seconds each HTTP response is waited for.
REQUEST_TIMEOUT_ENV = "PREFECT_CLOUD_REQUEST_TIMEOUT"

# The connection options, their types, defaults and environment variables: one list that the
# modules' argument spec and the lookup's checks are both made from. validate_certs reads its
# (inverted) variable through validate_certs_from_environment.
CONNECTION_OPTIONS = {
    "api_url": {"type": validate.STRING, "env": ["PREFECT_CLOUD_API_URL"]},
    "api_key": {"type": validate.STRING, "no_log": True, "env": ["PREFECT_API_KEY"]},
    "account": {"type": validate.STRING, "env": ["PREFECT_CLOUD_ACCOUNT_ID"]},
    "validate_certs": {"type": "bool", "default": True},
    "ca_path": {"type": "path", "env": [CA_PATH_ENV]},
    # request_timeout from the environment too: a role that sets module_defaults for the action group
    # replaces the play's, so a play may have no other way to reach its modules.
    "request_timeout": {"type": "float", "default": 30, "env": [REQUEST_TIMEOUT_ENV]},
    "max_retries": {"type": "int", "default": 3, "env": [MAX_RETRIES_ENV]},
    # Which Prefect profile fills in what nothing above set (profiles.py).
    "profile": {"type": validate.STRING, "env": ["PREFECT_PROFILE"]},
    "profile_file": {"type": "path", "env": ["PREFECT_PROFILES_PATH"]},
}

DEFAULT_ORIGIN = "the default"


def validate_certs_from_environment(environ=None):
    """``validate_certs`` as the environment sets it (``None`` when it does not).

    Raises ``ValueError`` naming the variable when its value is not a boolean.
    """
    environ = os.environ if environ is None else environ
    return _insecure_skip_verify(environ.get(INSECURE_SKIP_VERIFY_ENV), INSECURE_SKIP_VERIFY_ENV)


def _insecure_skip_verify(value, where):
    """``validate_certs`` from a PREFECT_API_TLS_INSECURE_SKIP_VERIFY value (``None`` when unset)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return not boolean(value, strict=True)
    except TypeError:
        raise ValueError("%s must be true or false, got %r" % (where, value)) from None


def environment_origin(name, environ):
    """Where an option that neither the task nor module_defaults set got its value from the environment, or ``None``."""
    for variable in CONNECTION_OPTIONS[name].get("env", []):
        if variable in environ:
            return "the environment variable %s" % variable
    if name == "validate_certs" and (environ.get(INSECURE_SKIP_VERIFY_ENV) or "").strip():
        return "the environment variable %s" % INSECURE_SKIP_VERIFY_ENV
    return None


def from_environment(name, environ):
    """An option's value from its environment variable, converted to its type; ``ValueError`` names the variable."""
    if name == "validate_certs":
        return validate_certs_from_environment(environ)
    variable = next(v for v in CONNECTION_OPTIONS[name]["env"] if v in environ)
    value = environ[variable]
    kind = CONNECTION_OPTIONS[name]["type"]
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
    except ValueError:
        raise ValueError("%s: the environment variable %s must be a number, got %r" % (name, variable, value)) from None
    if kind == "path" and value:
        return os.path.expanduser(os.path.expandvars(value))
    return value


def connection_settings(params, environ=None, profile=None, origins=None):
    """Work out the API base URL and the account reference from options, environment and profile.

    Precedence: the ``api_url``/``account`` options (task, ``module_defaults`` or their
    own environment variables) win; when ``api_url`` is unset, a workspace URL in
    ``PREFECT_API_URL`` gives the base and the account; then the active Prefect profile
    (``PREFECT_CLOUD_API_URL``, else the workspace URL in its ``PREFECT_API_URL``); then the default.
    Returns ``(api_url, account_ref, api_url_origin)``; ``account_ref`` may be ``None`` (inferred later).
    """
    environ = os.environ if environ is None else environ
    origins = origins or {}
    api_url = params.get("api_url")
    account = params.get("account")
    origin = origins.get("api_url") or environment_origin("api_url", environ) or "the api_url option"
    if not api_url:
        layers = [(environ.get, "the environment variable %s".__mod__)]
        if profile is not None:
            layers.append((profile.get, profile.describe))
        for read, describe in layers:
            api_url = read("PREFECT_CLOUD_API_URL")
            if api_url:
                origin = describe("PREFECT_CLOUD_API_URL")
                break
            match = WORKSPACE_API_URL.match(read("PREFECT_API_URL") or "")
            if match:
                api_url, origin = match.group("base"), "the workspace URL in %s" % describe("PREFECT_API_URL")
                account = account or match.group("account")
                break
        else:
            api_url, origin = DEFAULT_API_URL, DEFAULT_ORIGIN
    if not re.match(r"^https?://[^/]+", api_url):
        raise ValueError("api_url must be an http(s) URL such as %s, got %r (from %s)" % (DEFAULT_API_URL, api_url, origin))
    return api_url.rstrip("/"), account, origin


def profile_api_url(profile):
    """The API base a profile's key belongs to: its PREFECT_CLOUD_API_URL, the base of its workspace URL, or the default."""
    base = profile.get("PREFECT_CLOUD_API_URL")
    if not base:
        match = WORKSPACE_API_URL.match(profile.get("PREFECT_API_URL") or "")
        base = match.group("base") if match else DEFAULT_API_URL
    return base.rstrip("/")


def resolve_settings(params, environ=None, origins=None):
    """The settings a connection uses, each with where it came from.

    ``params`` are the connection options as the module or lookup read them (an option the task
    left unset holds its environment variable, if any, or its default); ``origins`` names where
    each option the task (or ``module_defaults``, or the lookup's keywords and variables) set
    came from. ``None`` takes every option that has a value as set by the task. What neither set
    comes from the environment, then the active Prefect profile, then the default.

    Returns ``(settings, origins, profile)``: ``settings`` has every key of ``CONNECTION_OPTIONS``
    (``api_url`` resolved, ``account`` possibly ``None``), ``origins`` a text per setting.
    """
    environ = os.environ if environ is None else environ
    if origins is None:
        origins = {name: "the %s option" % name for name in CONNECTION_OPTIONS if params.get(name) is not None}
    settings = {name: params.get(name, CONNECTION_OPTIONS[name].get("default")) for name in CONNECTION_OPTIONS}
    where = {}
    for name in CONNECTION_OPTIONS:
        where[name] = origins.get(name)
        if not where[name]:
            # What the task did not set: the environment's value (a module's fallback read the same).
            where[name] = environment_origin(name, environ)
            if where[name]:
                settings[name] = from_environment(name, environ)
    try:
        profile = load_profile(
            settings["profile_file"], where["profile_file"], settings["profile"], where["profile"], environ
        )
    except ProfileError as exc:
        raise ValueError(str(exc)) from None

    settings["api_url"], settings["account"], where["api_url"] = connection_settings(settings, environ, profile, origins)
    if settings["account"] and not where["account"]:
        where["account"] = where["api_url"]
    if profile is not None:
        _fill_from_profile(settings, where, profile)
    for name in settings:
        where[name] = where[name] or DEFAULT_ORIGIN
    return settings, where, profile


def _fill_from_profile(settings, where, profile):
    """The profile's settings for what the task and the environment left unset."""
    if not settings["api_key"] and profile.get("PREFECT_API_KEY"):
        # A key goes only to the API its profile names: never to a base URL set elsewhere.
        if settings["api_url"] == profile_api_url(profile):
            settings["api_key"] = profile.get("PREFECT_API_KEY")
            where["api_key"] = profile.describe("PREFECT_API_KEY")
        else:
            where["api_key_refused"] = "the key in %s is for %s, not for %s (from %s)" % (
                profile.describe("PREFECT_API_KEY"), profile_api_url(profile), settings["api_url"], where["api_url"]
            )
    if not where["validate_certs"]:
        value = _insecure_skip_verify(profile.get(INSECURE_SKIP_VERIFY_ENV), profile.describe(INSECURE_SKIP_VERIFY_ENV))
        if value is not None:
            settings["validate_certs"], where["validate_certs"] = value, profile.describe(INSECURE_SKIP_VERIFY_ENV)
    if not settings["ca_path"] and profile.get(CA_PATH_ENV):
        settings["ca_path"], where["ca_path"] = os.path.expanduser(profile.get(CA_PATH_ENV)), profile.describe(CA_PATH_ENV)
    if not where["max_retries"] and profile.get(MAX_RETRIES_ENV):
        text = profile.get(MAX_RETRIES_ENV)
        try:
            settings["max_retries"] = int(text)
        except ValueError:
            raise ValueError("max_retries: %s must be a whole number, got %r" % (profile.describe(MAX_RETRIES_ENV), text)) from None
        where["max_retries"] = profile.describe(MAX_RETRIES_ENV)


KEY_SOURCES = "set the api_key option or the PREFECT_API_KEY environment variable"


def check_connection_options(params, origins=None, profile=None, key_sources=KEY_SOURCES):
    """The connection options' own rules; ``ValueError`` names the option.

    The key is checked as it will be sent (surrounding whitespace removed) and written back
    into ``params`` in that form.
    """
    origins = origins or {}
    if not params.get("api_key"):
        if origins.get("api_key_refused"):
            where = origins["api_key_refused"]
        elif profile is not None:
            where = "the Prefect profile %r (%s) holds no PREFECT_API_KEY" % (profile.name, profile.path)
        else:
            where = "no Prefect profile was found (prefect cloud login writes one)"
        raise ValueError("api_key is required: %s, or log in with prefect cloud login; %s" % (key_sources, where))
    params["api_key"] = normalise_api_key(params["api_key"])
    tls_verify(params["validate_certs"], params.get("ca_path"))
    if params["max_retries"] < 0:
        raise ValueError("max_retries must be 0 or more, got %d (from %s)" % (params["max_retries"], origins.get("max_retries", "the option")))
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
    """One API key talking to one API base, in one account (resolved when first needed).

    ``origins`` says where each option the task set came from (see ``resolve_settings``); what it
    did not set comes from the environment, the active Prefect profile or the default, and
    ``origins`` (the attribute) then says which, for every setting.
    """

    def __init__(self, params, warn=None, environ=None, origins=None, key_sources=KEY_SOURCES):
        settings, self.origins, self.profile = resolve_settings(params, environ, origins)
        check_connection_options(settings, self.origins, self.profile, key_sources)
        self.api_url, self.account_ref = settings["api_url"], settings["account"]
        self.api_key = settings["api_key"]
        self.settings = settings
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
                validate_certs=self.settings["validate_certs"],
                ca_path=self.settings.get("ca_path"),
                timeout=self.settings["request_timeout"],
                max_retries=self.settings["max_retries"],
                warn=self._warn,
                origin=self.origins["api_url"],
            )
        return self._client

    @property
    def account_given(self):
        """Whether an account was named (option, environment or workspace URL) rather than to be inferred."""
        return bool(self.account_ref)

    def resolve_account(self):
        """Resolve the account (see ``account_id``) and hand it to the ``Api``, which builds every path with it."""
        self.api.account_id = self.account_id
        return self.api.account_id

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
