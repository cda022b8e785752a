"""The connection: where the API URL and the account come from, and what is read once per run."""

import pytest

from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudError
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import TEAM
from ansible_collections.prefect.cloud.plugins.module_utils._engine.connection import (
    Connection,
    account_id_from_memberships,
    check_connection_options,
    connection_settings,
    validate_certs_from_environment,
)
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import common_argument_spec

from unit_seed import ACCOUNT_ID, OWNER_KEY

ACCOUNT = "4db86fa3-9bc2-4d09-9df0-86b0fe7c6477"
WORKSPACE = "9a7e3c11-0d5b-4f4e-b0a1-1c2d3e4f5a6b"
WORKSPACE_URL = "https://api.prefect.cloud/api/accounts/%s/workspaces/%s" % (ACCOUNT, WORKSPACE)


@pytest.mark.parametrize(
    "params, environ, expected",
    [
        ({}, {}, ("https://api.prefect.cloud/api", None)),
        ({"api_url": "http://127.0.0.1:8686/api/"}, {}, ("http://127.0.0.1:8686/api", None)),
        ({}, {"PREFECT_API_URL": WORKSPACE_URL}, ("https://api.prefect.cloud/api", ACCOUNT)),
        ({}, {"PREFECT_API_URL": WORKSPACE_URL + "/"}, ("https://api.prefect.cloud/api", ACCOUNT)),
        # An explicit account wins over the one in the workspace URL.
        ({"account": "acme"}, {"PREFECT_API_URL": WORKSPACE_URL}, ("https://api.prefect.cloud/api", "acme")),
        # An explicit api_url means PREFECT_API_URL is not consulted at all.
        ({"api_url": "https://api.prefect.dev/api"}, {"PREFECT_API_URL": WORKSPACE_URL}, ("https://api.prefect.dev/api", None)),
        # A self-hosted server URL is not a Cloud workspace URL: ignored.
        ({}, {"PREFECT_API_URL": "http://localhost:4200/api"}, ("https://api.prefect.cloud/api", None)),
        (
            {},
            {"PREFECT_API_URL": "https://acme.private.prefect.cloud/api/accounts/%s/workspaces/%s" % (ACCOUNT, WORKSPACE)},
            ("https://acme.private.prefect.cloud/api", ACCOUNT),
        ),
    ],
)
def test_precedence(params, environ, expected):
    assert connection_settings(params, environ)[:2] == expected


@pytest.mark.parametrize("url", ["api.prefect.cloud/api", "ftp://x/api", "://"])
def test_api_url_must_be_http(url):
    with pytest.raises(ValueError) as info:
        connection_settings({"api_url": url}, {})
    assert "api_url" in str(info.value)


@pytest.mark.parametrize(
    "value, expected",
    [(None, None), ("", None), ("true", False), ("1", False), ("yes", False), ("false", True), ("0", True), (" off ", True)],
)
def test_validate_certs_from_prefect_insecure_skip_verify(value, expected):
    environ = {} if value is None else {"PREFECT_API_TLS_INSECURE_SKIP_VERIFY": value}
    assert validate_certs_from_environment(environ) is expected


def test_an_unreadable_insecure_skip_verify_names_the_variable():
    with pytest.raises(ValueError) as info:
        validate_certs_from_environment({"PREFECT_API_TLS_INSECURE_SKIP_VERIFY": "sometimes"})
    assert "PREFECT_API_TLS_INSECURE_SKIP_VERIFY" in str(info.value)


def test_the_module_option_falls_back_to_the_inverted_variable(monkeypatch):
    spec = common_argument_spec()
    assert spec["ca_path"]["fallback"][1] == ["PREFECT_API_SSL_CERT_FILE"]
    strategy = spec["validate_certs"]["fallback"][0]
    monkeypatch.setenv("PREFECT_API_TLS_INSECURE_SKIP_VERIFY", "true")
    assert strategy() is False
    monkeypatch.delenv("PREFECT_API_TLS_INSECURE_SKIP_VERIFY")
    with pytest.raises(AnsibleFallbackNotFound):
        strategy()


@pytest.mark.parametrize(
    "option, variable, value, expected",
    [("request_timeout", "PREFECT_CLOUD_REQUEST_TIMEOUT", "2.5", 2.5), ("max_retries", "PREFECT_CLIENT_MAX_RETRIES", "0", 0)],
)
def test_request_timeout_and_max_retries_fall_back_to_the_environment(monkeypatch, run_module, option, variable, value, expected):
    """A play that cannot reach module_defaults (a role sets them for the group) tunes the modules from the environment."""
    from ansible_collections.prefect.cloud.plugins.module_utils._engine import module as engine_module
    from ansible_collections.prefect.cloud.plugins.modules import me_info

    seen = {}

    def recording(self, params, *args, **kwargs):
        real_init(self, params, *args, **kwargs)
        seen.update(request_timeout=self.settings["request_timeout"], max_retries=self.settings["max_retries"])

    real_init = engine_module.Connection.__init__
    monkeypatch.setattr(engine_module.Connection, "__init__", recording)
    monkeypatch.setenv(variable, value)
    assert not run_module(me_info)["failed"]
    assert seen[option] == expected
    # a task argument (or module_defaults) wins over the environment
    run_module(me_info, **{option: 7})
    assert seen[option] == 7
    monkeypatch.setenv(variable, "soon")
    refused = run_module(me_info)
    assert refused["failed"] and option in refused["msg"] and refused["_requests"] == []


# -- the connection: account resolution and the caller, read at most once ----------------------

PARAMS = {"api_url": None, "api_key": OWNER_KEY, "account": None, "validate_certs": True, "request_timeout": 10, "max_retries": 0}


def connect(emulator, **params):
    return Connection(dict(PARAMS, api_url=emulator.api_url, **params), environ={})


def sent_since(emulator, mark):
    return [(e["method"], e["path"]) for e in emulator.log(mark)]


def test_opening_a_connection_sends_nothing(emulator):
    mark = emulator.last_seq()
    connection = connect(emulator, account="unit")
    assert connection.account_given and not connection.is_bot_key
    assert sent_since(emulator, mark) == []


def test_me_and_my_accounts_are_read_once_whoever_asks(emulator):
    connection = connect(emulator)
    mark = emulator.last_seq()
    assert connection.me()["email"] == "owner@unit.test"
    assert connection.me() is connection.me()
    assert connection.account_id == ACCOUNT_ID  # inferred: the key reaches one account
    assert [a["account_handle"] for a in connection.my_accounts()] == ["unit"]
    assert sent_since(emulator, mark) == [("GET", "/api/me/"), ("GET", "/api/me/accounts")]


def test_an_account_given_as_a_uuid_needs_no_request(emulator):
    connection = connect(emulator, account=ACCOUNT_ID.upper())
    mark = emulator.last_seq()
    assert connection.account_id == ACCOUNT_ID
    assert sent_since(emulator, mark) == []


def test_an_account_handle_is_resolved_once(emulator):
    connection = connect(emulator, account="unit")
    mark = emulator.last_seq()
    assert connection.account_id == ACCOUNT_ID
    assert connection.account_id == ACCOUNT_ID
    connection.my_accounts()
    assert sent_since(emulator, mark) == [("GET", "/api/me/accounts")]


def test_the_account_is_resolved_before_the_first_path_which_then_asks_nothing(emulator, monkeypatch):
    connection = connect(emulator, account="unit")
    mark = emulator.last_seq()
    assert connection.resolve_account() == ACCOUNT_ID
    assert sent_since(emulator, mark) == [("GET", "/api/me/accounts")]

    def resolving(self):
        raise AssertionError("a path asked the connection for the account")

    monkeypatch.setattr(Connection, "account_id", property(resolving))
    assert connection.api.path(TEAM, "/teams/", {}) == "/accounts/%s/teams/" % ACCOUNT_ID
    assert connection.resolver.find(TEAM, "ops") is None


def test_an_unknown_account_fails_naming_the_reachable_ones(emulator):
    connection = connect(emulator, account="elsewhere")
    with pytest.raises(PrefectCloudError) as info:
        assert connection.account_id is None  # not reached: resolving the account fails
    assert str(info.value) == "account 'elsewhere' not found among the accounts this API key can reach (unit)"


def test_an_api_scoped_request_resolves_no_account(emulator):
    connection = connect(emulator, account="unit")
    mark = emulator.last_seq()
    connection.me()
    assert sent_since(emulator, mark) == [("GET", "/api/me/")]


def test_lookups_are_one_resolver_per_connection_and_can_be_forgotten(emulator):
    connection = connect(emulator, account=ACCOUNT_ID)
    assert connection.resolver is connection.resolver
    mark = emulator.last_seq()
    assert connection.resolver.find(TEAM, "ops") is None
    assert connection.resolver.find(TEAM, "ops") is None
    connection.forget_lookups()
    assert connection.resolver.find(TEAM, "ops") is None
    assert [path for _m, path in sent_since(emulator, mark)] == ["/api/accounts/%s/teams/filter" % ACCOUNT_ID] * 2


ACCOUNTS = [
    {"account_id": "4db86fa3-9bc2-4d09-9df0-86b0fe7c6477", "account_handle": "acme"},
    {"account_id": "9a7e3c11-0d5b-4f4e-b0a1-1c2d3e4f5a6b", "account_handle": "beta"},
]


def test_account_from_memberships():
    assert account_id_from_memberships("beta", ACCOUNTS) == ACCOUNTS[1]["account_id"]
    assert account_id_from_memberships(ACCOUNTS[0]["account_id"].upper(), ACCOUNTS) == ACCOUNTS[0]["account_id"]
    assert account_id_from_memberships(None, ACCOUNTS[:1]) == ACCOUNTS[0]["account_id"]
    with pytest.raises(ValueError, match=r"reaches 2 accounts \(acme, beta\): set the account option"):
        account_id_from_memberships(None, ACCOUNTS)
    with pytest.raises(ValueError, match="belongs to no account"):
        account_id_from_memberships(None, [])


@pytest.mark.parametrize(
    "params, option",
    [({"api_key": None}, "api_key"), ({"api_key": ""}, "api_key"), ({"max_retries": -1}, "max_retries"), ({"request_timeout": 0}, "request_timeout")],
)
def test_connection_options_name_the_option(params, option):
    with pytest.raises(ValueError, match=option):
        check_connection_options(dict(PARAMS, **params))


@pytest.mark.parametrize("account", [None, "unit"])
def test_a_bot_key_refused_its_accounts_is_told_to_give_the_account_id(monkeypatch, account):
    from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudHTTPError

    def refused():
        raise PrefectCloudHTTPError("GET /api/me/accounts failed: permission denied (HTTP 403)", status=403)

    connection = Connection(dict(PARAMS, api_url="http://127.0.0.1:9/api", api_key="pnb_" + "b" * 36, account=account), environ={})
    monkeypatch.setattr(connection, "my_accounts", refused)
    with pytest.raises(PrefectCloudError) as info:
        assert connection.account_id is None  # not reached
    message = str(info.value)
    assert "HTTP 403" in message and "set account (or PREFECT_CLOUD_ACCOUNT_ID) to the account's id, a UUID" in message
    assert ("'unit' cannot be looked up by handle" in message) == (account == "unit")


def test_a_user_key_refused_its_accounts_gets_the_api_error(monkeypatch):
    from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudHTTPError

    def refused():
        raise PrefectCloudHTTPError("GET /api/me/accounts failed: API key rejected (HTTP 401)", status=401)

    connection = Connection(dict(PARAMS, api_url="http://127.0.0.1:9/api", account="unit"), environ={})
    monkeypatch.setattr(connection, "my_accounts", refused)
    with pytest.raises(PrefectCloudHTTPError):
        assert connection.account_id is None  # not reached


# -- where the API base URL came from, named when the API cannot be reached ----------------------

UNREACHABLE = "http://127.0.0.1:9/api"
UNREACHABLE_WORKSPACE = UNREACHABLE + "/accounts/%s/workspaces/%s" % (ACCOUNT, WORKSPACE)


@pytest.mark.parametrize(
    "params, environ, origin",
    [
        ({"api_url": UNREACHABLE}, {}, "the api_url option"),
        ({}, {"PREFECT_CLOUD_API_URL": UNREACHABLE}, "the environment variable PREFECT_CLOUD_API_URL"),
        ({}, {"PREFECT_API_URL": UNREACHABLE_WORKSPACE}, "the workspace URL in the environment variable PREFECT_API_URL"),
        ({}, {"PREFECT_API_URL": WORKSPACE_URL}, "the workspace URL in the environment variable PREFECT_API_URL"),
        ({}, {"PREFECT_API_URL": "http://localhost:4200/api"}, "the default"),
    ],
)
def test_the_origin_of_the_base_url(params, environ, origin):
    assert connection_settings(params, environ)[2] == origin


@pytest.mark.parametrize(
    "params, environ, origin",
    [
        ({"api_url": UNREACHABLE}, {}, "the api_url option"),
        ({"api_url": UNREACHABLE + "/"}, {"PREFECT_CLOUD_API_URL": UNREACHABLE}, "the environment variable PREFECT_CLOUD_API_URL"),
        ({}, {"PREFECT_API_URL": UNREACHABLE_WORKSPACE}, "the workspace URL in the environment variable PREFECT_API_URL"),
    ],
)
def test_an_unreachable_api_names_its_base_url_and_where_it_was_set(params, environ, origin):
    # As a module sees it: an option the environment filled holds that value, and origins name only the task's.
    origins = {} if environ.get("PREFECT_CLOUD_API_URL") else None
    connection = Connection(dict(PARAMS, **params), environ=environ, origins=origins)
    with pytest.raises(PrefectCloudError) as info:
        connection.me()
    message = str(info.value)
    assert message.startswith("GET /api/me/ failed: could not connect (not retried: max_retries is 0)")
    assert message.endswith("; API base URL %s, from %s" % (UNREACHABLE, origin))
    assert OWNER_KEY not in message


def test_a_base_url_with_credentials_is_named_without_them():
    connection = Connection(dict(PARAMS, api_url="http://user:secret@127.0.0.1:9/api"), environ={})
    with pytest.raises(PrefectCloudError) as info:
        connection.me()
    assert "API base URL http://127.0.0.1:9/api, from the api_url option" in str(info.value)
    assert "secret" not in str(info.value)


def test_a_module_says_whether_the_task_or_the_environment_set_the_base_url(monkeypatch):
    """Through a module's main(): the task's options and module_defaults arrive together, the environment apart."""
    from module_runner import run

    from ansible_collections.prefect.cloud.plugins.modules import me_info

    result = run(me_info, {"api_url": UNREACHABLE, "api_key": OWNER_KEY, "max_retries": 0})
    assert result["failed"]
    assert result["msg"].endswith("API base URL %s, from the api_url option (task or module_defaults)" % UNREACHABLE)
    monkeypatch.setenv("PREFECT_CLOUD_API_URL", UNREACHABLE)
    result = run(me_info, {"api_key": OWNER_KEY, "max_retries": 0})
    assert result["msg"].endswith("API base URL %s, from the environment variable PREFECT_CLOUD_API_URL" % UNREACHABLE)
    monkeypatch.delenv("PREFECT_CLOUD_API_URL")
    monkeypatch.setenv("PREFECT_API_URL", UNREACHABLE_WORKSPACE)
    result = run(me_info, {"api_key": OWNER_KEY, "max_retries": 0})
    assert result["msg"].endswith(
        "API base URL %s, from the workspace URL in the environment variable PREFECT_API_URL" % UNREACHABLE
    )


def test_a_page_that_is_not_json_names_the_base_url(emulator):
    connection = Connection(dict(PARAMS, api_url=emulator.base_url + "/docs"), environ={})
    with pytest.raises(PrefectCloudError) as info:
        connection.client.get("")
    assert str(info.value) == (
        "GET /docs: the response is not JSON, so the base URL may not be the API's (API base URL %s/docs, from the api_url option)"
        % emulator.base_url
    )
