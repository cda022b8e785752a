"""The active Prefect profile as the lowest source of the connection settings.

``prefect cloud login`` writes ``profiles.toml`` under ``PREFECT_HOME``; every module and the
lookup read the active profile for what neither the task, ``module_defaults`` (or the lookup's
keywords and variables) nor the environment set. The file is TOML: ``tomllib`` reads it on
Python 3.11 and later, a small reader of the part profiles use on 3.9 and 3.10 (tested here on
every core, against ``tomllib``).
"""

import textwrap

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudError
from ansible_collections.prefect.cloud.plugins.module_utils._engine import profiles
from ansible_collections.prefect.cloud.plugins.module_utils._engine.connection import Connection, resolve_settings
from ansible_collections.prefect.cloud.plugins.module_utils._engine.profiles import (
    ProfileError,
    load_profile,
    read_toml,
    read_toml_subset,
)

from unit_seed import ACCOUNT_ID, MEMBER_KEY, OWNER_KEY

tomllib = pytest.importorskip("tomllib")

WORKSPACE_ID = "9a7e3c11-0d5b-4f4e-b0a1-1c2d3e4f5a6b"
OTHER_ACCOUNT = "4db86fa3-9bc2-4d09-9df0-86b0fe7c6477"

# What prefect 3 writes after `prefect cloud login` (toml.dumps of the profiles), with a second profile.
LOGGED_IN = textwrap.dedent(
    """\
    active = "unit"

    [profiles.ephemeral]
    PREFECT_SERVER_EPHEMERAL_ENABLED = "true"

    [profiles.unit]
    PREFECT_API_KEY = "{key}"
    PREFECT_API_URL = "{base}/accounts/{account}/workspaces/{workspace}"

    [profiles.other]
    PREFECT_API_KEY = "{other_key}"
    PREFECT_API_URL = "{other_base}/accounts/{other}/workspaces/{workspace}"
    PREFECT_CLIENT_MAX_RETRIES = "7"
    """
)


def write_profiles(folder, base="http://127.0.0.1:9/api", **changes):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "profiles.toml"
    fields = dict(key=OWNER_KEY, other_key=MEMBER_KEY, base=base, account=ACCOUNT_ID, other=OTHER_ACCOUNT, workspace=WORKSPACE_ID)
    fields.setdefault("other_base", "http://127.0.0.1:9/api")
    fields.update(changes)
    path.write_text(LOGGED_IN.format(**fields), encoding="utf-8")
    return path


# -- the TOML reader of Python 3.9 and 3.10 --------------------------------------------------------

SUBSET_DOCUMENTS = [
    LOGGED_IN.format(
        key=OWNER_KEY, other_key=MEMBER_KEY, base="http://x/api", other_base="http://y/api", account=ACCOUNT_ID, other=OTHER_ACCOUNT,
        workspace=WORKSPACE_ID,
    ),
    'active = "a" # trailing comment\n# a comment line\n\n[profiles.a]\nPREFECT_API_KEY = \'lit#eral\'\n',
    '[profiles."with space"]\n"QUOTED.KEY" = "tab\\there \\"quoted\\" \\u00e9 \\\\ back"\n',
    "[profiles.n]\nINT = 5\nNEG = -3\nBIG = 1_000\nFLOAT = 2.5\nEXP = 1e3\nYES = true\nNO = false\n",
    "[ profiles . spaced ]\nA.B = 'dotted'\n",
    "",
]


@pytest.mark.parametrize("text", SUBSET_DOCUMENTS)
def test_the_subset_reader_reads_what_tomllib_reads(text):
    assert read_toml_subset(text) == tomllib.loads(text)


@pytest.mark.parametrize(
    "text, words",
    [
        ("[profiles.a]\nLIST = [1, 2]\n", ["line 2", "not a string, number or boolean", "Python 3.11"]),
        ("[profiles.a]\nT = {a = 1}\n", ["line 2", "not a string, number or boolean"]),
        ('A = """\nmulti\n"""\n', ["line 1", "multi-line strings"]),
        ("[[profiles]]\n", ["line 1", "array of tables"]),
        ("A = 1979-05-27\n", ["line 1", "not a string, number or boolean"]),
        ('A = "open\n', ["line 1", "open and close on its line"]),
        ("A = 1\nA = 2\n", ["line 2", "set twice"]),
        ("[a]\n[a]\n", ["line 2", "defined twice"]),
        ("just words\n", ["line 1", "not a table or a key = value line"]),
        ('A = "\\q"\n', ["line 1", "unknown escape"]),
    ],
)
def test_the_subset_reader_refuses_the_rest_naming_the_line(text, words):
    with pytest.raises(ValueError) as info:
        read_toml_subset(text)
    for word in words:
        assert word in str(info.value)


def test_without_tomllib_the_subset_reader_is_used(monkeypatch):
    monkeypatch.setattr(profiles, "tomllib", None)
    assert read_toml("[profiles.a]\nX = 'y'\n") == {"profiles": {"a": {"X": "y"}}}
    with pytest.raises(ValueError, match="line 1"):
        read_toml("X = [1]\n")


def test_tomllib_errors_say_the_file_is_not_toml():
    with pytest.raises(ValueError, match="not valid TOML"):
        read_toml("X = = 1\n")


# -- which file, which profile ---------------------------------------------------------------------


def test_the_file_is_under_prefect_home_and_the_profile_is_the_active_one(tmp_path):
    write_profiles(tmp_path / "home")
    profile = load_profile(environ={"PREFECT_HOME": str(tmp_path / "home")})
    assert (profile.name, profile.path) == ("unit", str(tmp_path / "home" / "profiles.toml"))
    assert profile.get("PREFECT_API_KEY") == OWNER_KEY


def test_the_default_home_is_dot_prefect(tmp_path, monkeypatch):
    monkeypatch.setattr(profiles, "DEFAULT_HOME", str(tmp_path / ".prefect"))
    assert load_profile(environ={}) is None
    write_profiles(tmp_path / ".prefect")
    assert load_profile(environ={}).name == "unit"


def test_prefect_profile_and_profiles_path_choose_as_in_prefect(tmp_path):
    path = write_profiles(tmp_path / "elsewhere")
    (tmp_path / "home").mkdir()
    environment = "the environment variable %s"
    profile = load_profile(
        "$PREFECT_HOME/../elsewhere/profiles.toml", environment % "PREFECT_PROFILES_PATH", "other", environment % "PREFECT_PROFILE",
        environ={"PREFECT_HOME": str(tmp_path / "home")},
    )
    assert profile.name == "other" and profile.path.endswith("elsewhere/profiles.toml")
    # A profile only the environment names, and the file lacks, is Prefect's empty default: no settings.
    missing = load_profile(str(path), environment % "PREFECT_PROFILES_PATH", "gone", environment % "PREFECT_PROFILE", environ={})
    assert missing.settings == {}
    # A file only the environment names, and that is not there, is no profile.
    assert load_profile(str(tmp_path / "none.toml"), environment % "PREFECT_PROFILES_PATH", environ={}) is None


@pytest.mark.parametrize(
    "arguments, words",
    [
        (
            {"profile": "gone", "profile_origin": "the profile option"},
            ["profile 'gone' (the profile option) is not in", "(profiles there: ephemeral, other, unit)"],
        ),
        ({"profile_file": "/nonexistent/profiles.toml", "profile_file_origin": "the profile_file option"}, ["profile_file", "is not a file"]),
    ],
)
def test_a_profile_or_file_the_task_names_must_exist(tmp_path, arguments, words):
    write_profiles(tmp_path)
    with pytest.raises(ProfileError) as info:
        load_profile(environ={"PREFECT_HOME": str(tmp_path)}, **arguments)
    for word in words:
        assert word in str(info.value)


def test_a_broken_file_is_named(tmp_path):
    (tmp_path / "profiles.toml").write_text("active = \n", encoding="utf-8")
    with pytest.raises(ProfileError, match="profiles file .*profiles.toml cannot be read"):
        load_profile(environ={"PREFECT_HOME": str(tmp_path)})


# -- the profile among the other sources -----------------------------------------------------------

PARAMS = {"api_url": None, "api_key": None, "account": None, "validate_certs": True, "ca_path": None, "request_timeout": 30, "max_retries": 3}


def resolved(environ, **params):
    settings, origins, _profile = resolve_settings(dict(PARAMS, **params), environ, origins={k: "the %s option" % k for k in params})
    return settings, origins


def test_a_logged_in_profile_is_enough(tmp_path):
    write_profiles(tmp_path)
    settings, origins = resolved({"PREFECT_HOME": str(tmp_path)})
    assert (settings["api_url"], settings["account"], settings["api_key"]) == ("http://127.0.0.1:9/api", ACCOUNT_ID, OWNER_KEY)
    described = "of the Prefect profile 'unit' (%s)" % (tmp_path / "profiles.toml")
    assert origins["api_url"] == "the workspace URL in PREFECT_API_URL " + described
    assert origins["account"] == origins["api_url"]
    assert origins["api_key"] == "PREFECT_API_KEY " + described
    assert (settings["max_retries"], origins["max_retries"]) == (3, "the default")


def test_options_and_the_environment_come_before_the_profile(tmp_path):
    write_profiles(tmp_path)
    environ = {"PREFECT_HOME": str(tmp_path), "PREFECT_PROFILE": "other"}
    settings, origins = resolved(environ)
    assert (settings["account"], settings["api_key"], settings["max_retries"]) == (OTHER_ACCOUNT, MEMBER_KEY, 7)
    assert origins["max_retries"].startswith("PREFECT_CLIENT_MAX_RETRIES of the Prefect profile 'other'")
    environ.update(PREFECT_API_KEY=OWNER_KEY, PREFECT_CLOUD_ACCOUNT_ID="unit")
    settings, origins = resolved(environ, max_retries=1)
    assert (settings["account"], settings["api_key"], settings["max_retries"]) == ("unit", OWNER_KEY, 1)
    assert origins["api_key"] == "the environment variable PREFECT_API_KEY"
    # The environment's workspace URL comes before the profile's, base and account together.
    environ["PREFECT_API_URL"] = "http://127.0.0.1:9/api/accounts/%s/workspaces/%s" % (ACCOUNT_ID, WORKSPACE_ID)
    del environ["PREFECT_CLOUD_ACCOUNT_ID"]
    settings, origins = resolved(environ)
    assert (settings["api_url"], settings["account"]) == ("http://127.0.0.1:9/api", ACCOUNT_ID)
    assert origins["api_url"] == "the workspace URL in the environment variable PREFECT_API_URL"


def test_a_profiles_key_goes_only_to_the_api_its_profile_names(tmp_path):
    write_profiles(tmp_path)
    environ = {"PREFECT_HOME": str(tmp_path)}
    with pytest.raises(ValueError) as info:
        Connection(dict(PARAMS, api_url="https://elsewhere.example/api"), environ=environ, origins={"api_url": "the api_url option"})
    message = str(info.value)
    assert message.startswith("api_key is required")
    assert "the key in PREFECT_API_KEY of the Prefect profile 'unit'" in message
    assert "is for http://127.0.0.1:9/api, not for https://elsewhere.example/api (from the api_url option)" in message
    assert OWNER_KEY not in message
    # The same base, given again, is the profile's API: its key is used.
    settings, _origins = resolved(environ, api_url="http://127.0.0.1:9/api/")
    assert settings["api_key"] == OWNER_KEY


def test_without_a_key_anywhere_the_message_says_where_it_looked(tmp_path):
    with pytest.raises(ValueError, match="no Prefect profile was found"):
        Connection(dict(PARAMS), environ={"PREFECT_HOME": str(tmp_path)}, origins={})
    (tmp_path / "profiles.toml").write_text('active = "bare"\n[profiles.bare]\nPREFECT_API_URL = "x"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="the Prefect profile 'bare' .* holds no PREFECT_API_KEY"):
        Connection(dict(PARAMS), environ={"PREFECT_HOME": str(tmp_path)}, origins={})


def test_tls_settings_and_retries_from_the_profile(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not read before a request\n", encoding="utf-8")
    (tmp_path / "profiles.toml").write_text(
        'active = "tls"\n[profiles.tls]\nPREFECT_API_KEY = "%s"\nPREFECT_API_SSL_CERT_FILE = "%s"\n'
        'PREFECT_API_TLS_INSECURE_SKIP_VERIFY = "false"\nPREFECT_CLIENT_MAX_RETRIES = "0"\n' % (OWNER_KEY, bundle),
        encoding="utf-8",
    )
    connection = Connection(dict(PARAMS), environ={"PREFECT_HOME": str(tmp_path)}, origins={})
    client = connection.client
    assert (client.verify, client.max_retries, connection.api_url) == (str(bundle), 0, "https://api.prefect.cloud/api")
    assert connection.origins["api_url"] == "the default"
    # The environment's TLS setting comes first.
    connection = Connection(dict(PARAMS), environ={"PREFECT_HOME": str(tmp_path), "PREFECT_API_TLS_INSECURE_SKIP_VERIFY": "true"}, origins={})
    assert connection.client.verify is False


@pytest.mark.parametrize(
    "setting, value, words",
    [
        ("PREFECT_CLIENT_MAX_RETRIES", "many", ["max_retries", "PREFECT_CLIENT_MAX_RETRIES of the Prefect profile 'p'", "'many'"]),
        ("PREFECT_CLIENT_MAX_RETRIES", "-1", ["max_retries must be 0 or more", "PREFECT_CLIENT_MAX_RETRIES of the Prefect profile"]),
        ("PREFECT_API_TLS_INSECURE_SKIP_VERIFY", "perhaps", ["PREFECT_API_TLS_INSECURE_SKIP_VERIFY of the Prefect profile 'p'", "true or false"]),
        ("PREFECT_API_URL", "https://api.prefect.cloud/api/accounts/x/workspaces/y", ["api_key is required"]),
    ],
)
def test_bad_profile_settings_are_named(tmp_path, setting, value, words):
    key = 'PREFECT_API_KEY = "%s"\n' % OWNER_KEY if setting != "PREFECT_API_URL" else ""
    (tmp_path / "profiles.toml").write_text('active = "p"\n[profiles.p]\n%s%s = "%s"\n' % (key, setting, value), encoding="utf-8")
    with pytest.raises(ValueError) as info:
        Connection(dict(PARAMS), environ={"PREFECT_HOME": str(tmp_path)}, origins={})
    for word in words:
        assert word in str(info.value)


# -- modules and the lookup, with nothing but the profile -------------------------------------------


def test_a_module_runs_on_the_logged_in_profile_alone(tmp_path, monkeypatch, emulator):
    """No connection option and no PREFECT_* variable but PREFECT_HOME: the profile gives key, URL and account."""
    from module_runner import run

    from ansible_collections.prefect.cloud.plugins.modules import me_info

    write_profiles(tmp_path, base=emulator.api_url)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    mark = emulator.last_seq()
    result = run(me_info, {})
    assert not result["failed"], result["msg"]
    assert result["account"]["account_id"] == ACCOUNT_ID
    assert OWNER_KEY not in repr(result)
    assert emulator.log(mark), "the requests went to the emulator the profile names"


def test_the_profile_option_picks_another_profile_and_must_exist(tmp_path, monkeypatch, emulator):
    from module_runner import run

    from ansible_collections.prefect.cloud.plugins.modules import me_info

    write_profiles(tmp_path, base=emulator.api_url)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    result = run(me_info, {"profile": "other", "max_retries": 0})
    # The other profile's workspace URL names another API (an unreachable port): the profile was switched.
    assert result["failed"] and "could not connect" in result["msg"]
    assert "API base URL http://127.0.0.1:9/api, from the workspace URL in PREFECT_API_URL of the Prefect profile 'other'" in result["msg"]
    assert MEMBER_KEY not in result["msg"]
    result = run(me_info, {"profile": "nope"})
    assert result["failed"] and "profile 'nope' (the profile option (task or module_defaults)) is not in" in result["msg"]
    assert result["_requests"] == []


def test_the_lookup_reads_the_profile_after_its_variables(tmp_path, monkeypatch, emulator):
    import yaml
    from ansible import constants as C

    from ansible_collections.prefect.cloud.plugins.lookup import workspace_api_url as plugin

    client_workspace = emulator.http.post(
        emulator.api_url + "/accounts/%s/workspaces/" % ACCOUNT_ID, json={"name": "Dev", "handle": "dev"},
        headers={"Authorization": "Bearer " + OWNER_KEY}, timeout=10,
    ).json()
    write_profiles(tmp_path, base=emulator.api_url)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    lookup = plugin.LookupModule()
    lookup._load_name = "prefect.cloud.workspace_api_url"
    C.config.initialize_plugin_configuration_definitions("lookup", lookup._load_name, yaml.safe_load(plugin.DOCUMENTATION)["options"])
    assert lookup.run(["dev"], variables={}) == ["%s/accounts/%s/workspaces/%s" % (emulator.api_url, ACCOUNT_ID, client_workspace["id"])]
    with pytest.raises(Exception) as info:
        lookup.run(["dev"], variables={"ansible_prefect_cloud_profile": "missing"})
    assert "profile 'missing' (the variable ansible_prefect_cloud_profile) is not in" in str(info.value)


def test_a_connection_error_names_the_profile_that_set_the_base_url(tmp_path):
    write_profiles(tmp_path)
    connection = Connection(dict(PARAMS, max_retries=0), environ={"PREFECT_HOME": str(tmp_path)}, origins={})
    with pytest.raises(PrefectCloudError) as info:
        connection.me()
    assert str(info.value).endswith(
        "API base URL http://127.0.0.1:9/api, from the workspace URL in PREFECT_API_URL of the Prefect profile 'unit' (%s)"
        % (tmp_path / "profiles.toml")
    )


def test_a_bot_whose_profile_key_rotates_itself_reads_the_result_on_the_profiles_api(tmp_path, monkeypatch, emulator, make_client):
    """The read after a rotation that ended the caller's own key uses the new key with the same settings, from the profile."""
    from module_runner import run

    from ansible_collections.prefect.cloud.plugins.modules import bot as bot_module
    from prefect_cloud_emulator.catalogue import ACCOUNT_ROLE_IDS

    created = make_client().post("/accounts/%s/bots/" % ACCOUNT_ID, json={"name": "self-rotator", "account_role_id": str(ACCOUNT_ROLE_IDS["Admin"])})
    write_profiles(tmp_path, base=emulator.api_url, key=created["api_key"]["key"])
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.setenv("PREFECT_PROFILE", "unit")
    result = run(bot_module, {"name": "self-rotator", "rotate_api_key": True})
    assert not result["failed"], result["msg"]
    assert result["warnings"] == [] and result["bot"]["api_key"]["id"] != created["api_key"]["id"]
    assert created["api_key"]["key"] not in repr({k: v for k, v in result.items() if k != "api_key"})
