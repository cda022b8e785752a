# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""The module object every prefect.cloud module is built on.

It adds the common connection options (documented in the ``prefect.cloud.common`` doc
fragment), checks them before any request, and opens the ``Connection`` lazily, so that
bad input fails before anything is sent. Errors become clean failures with warnings kept.

A list of entries (a bulk form's ``members``, ``grants``, ``entries``) given with no value
is refused here, naming the option: in YAML an empty key - every entry commented out - is
null, not an empty list, and Ansible fills every option left out with null too, so a module
could only tell the two apart from what the task gave.
"""

import os

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.prefect.cloud.plugins.module_utils._api.client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudError, Refusal
from ansible_collections.prefect.cloud.plugins.module_utils._api.secrets import redact_secrets, sanitize
from ansible_collections.prefect.cloud.plugins.module_utils._engine.connection import (
    CONNECTION_OPTIONS,
    INSECURE_SKIP_VERIFY_ENV,
    Connection,
    validate_certs_from_environment,
)


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


class _TaskModule(AnsibleModule):
    """``AnsibleModule`` that remembers the options the task gave (``given``), before defaults fill in the rest."""

    def _load_params(self):
        super()._load_params()
        self.given = frozenset(self.params)


def null_list_forms(argument_spec, given, params):
    """The options holding a list of entries (``elements: dict``) that the task gave as null."""
    return [
        name
        for name, option in argument_spec.items()
        if option.get("type") == "list" and option.get("elements") == "dict" and name in given and params.get(name) is None
    ]


def connection_origins(given):
    """Where each connection option the task set came from: the task or module_defaults (a module cannot tell which)."""
    return {name: "the %s option (task or module_defaults)" % name for name in CONNECTION_OPTIONS if name in given}


def common_argument_spec():
    """The connection options every module takes."""
    spec = {}
    for name, option in CONNECTION_OPTIONS.items():
        entry = {key: value for key, value in option.items() if key != "env"}
        if "env" in option:
            entry["fallback"] = (env_fallback, option["env"])
        spec[name] = entry
    spec["validate_certs"]["fallback"] = (_validate_certs_fallback,)
    return spec


class PrefectCloudModule:
    """Wraps ``AnsibleModule`` with a lazily opened connection to Prefect Cloud.

    ``account_scoped``: the module works in an account, which is resolved once, before its first
    request (``run``); a module that reaches only the caller's own routes (``/me/``, user API keys)
    says ``False`` and resolves none, so that a key of several accounts needs no ``account``.
    """

    def __init__(self, argument_spec, supports_check_mode=True, account_scoped=True, **kwargs):
        spec = common_argument_spec()
        spec.update(argument_spec)
        self.ansible = _TaskModule(argument_spec=spec, supports_check_mode=supports_check_mode, **kwargs)
        if not HAS_REQUESTS:
            self.ansible.fail_json(msg=missing_required_lib("requests"), exception=str(REQUESTS_IMPORT_ERROR))
        self.params = self.ansible.params
        self.account_scoped = account_scoped
        self.warnings = []
        for name in null_list_forms(spec, self.ansible.given, self.params):
            self.fail(
                "%s is null: give a list ([] for none) or leave %s out. An empty YAML key - every entry commented "
                "out, say - is null, not an empty list" % (name, name)
            )
        try:
            self.connection = Connection(self.params, warn=self.warn, origins=connection_origins(self.ansible.given))
        except ValueError as exc:
            self.fail(str(exc))
        # The key as it is sent (surrounding whitespace removed), from the option, the environment or
        # a Prefect profile, is masked like the option.
        self.ansible.no_log_values.add(self.connection.api_key)

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

    # -- the connection's parts, for short ---------------------------------

    @property
    def client(self):
        return self.connection.client

    @property
    def api(self):
        return self.connection.api

    @property
    def resolver(self):
        return self.connection.resolver

    @property
    def account_id(self):
        return self.connection.account_id

    def forget_lookups(self):
        self.connection.forget_lookups()

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
        """Run ``body()`` and exit with its result; Prefect Cloud errors become clean failures.

        The options are checked before (``parse_options``); the account is resolved here, before
        the first path is built, so that building a path never sends a request.
        """
        try:
            if self.account_scoped:
                self.connection.resolve_account()
            result = body()
        except PrefectCloudError as exc:
            self.fail(str(exc), **error_fields(exc))
        self.exit(**result)


def error_fields(exc):
    fields = {}
    if isinstance(exc, Refusal):
        fields.update(sanitize(exc.result))
        # A refusal that came after a write reports the change that was made.
        fields["changed"] = bool(exc.changed)
    if exc.status is not None:
        fields["status"] = exc.status
    return fields
