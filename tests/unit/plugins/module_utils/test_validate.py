"""Shared input validators (_engine/validate.py), and every module refusing bad input before any request."""

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.modules import (
    account,
    account_member,
    account_member_info,
    account_role_info,
    api_key,
    api_key_info,
    bot,
    bot_info,
    invitation,
    invitation_info,
    me_info,
    team,
    team_info,
    workspace,
    workspace_access,
    workspace_access_info,
    workspace_info,
    workspace_role,
    workspace_role_info,
)

from unit_seed import ACCOUNT_ID

UUID = "6f1c3b8e-2a4d-4e55-9d0f-0a1b2c3d4e5f"
LONG = "x" * 5001


def refused(check, value, option="opt"):
    with pytest.raises(ValueError) as info:
        check(value, option)
    return str(info.value)


# -- the validators ------------------------------------------------------------


@pytest.mark.parametrize("value", ["prod", "data-prod-2", "a", "0", UUID])
def test_handles_of_lowercase_letters_numbers_and_dashes_pass(value):
    assert validate.handle(value, "handle") == value


@pytest.mark.parametrize(
    "value, words",
    [
        ("", "handle must not be empty"),
        ("   ", "handle must not be empty"),
        (" production ", "handle must not have whitespace around it"),
        ("Bad Handle!/?", "handle: a handle takes only lowercase letters, numbers and dashes"),
        ("Prod", "lowercase"),
        ("data_prod", "lowercase"),
        ("a" * 5001, "handle must be at most 5000 characters, got 5001"),
    ],
)
def test_bad_handles_are_refused_naming_the_option(value, words):
    assert words in refused(validate.handle, value, "handle")


def test_a_workspace_reference_is_a_handle_or_an_id():
    assert validate.workspace_reference(UUID.upper(), "workspace") == UUID.upper()
    assert validate.workspace_reference("prod", "workspace") == "prod"
    assert "workspace must not be empty" in refused(validate.workspace_reference, "", "workspace")
    assert "lowercase" in refused(validate.workspace_reference, "My Workspace", "workspace")


@pytest.mark.parametrize("value", ["dana@example.com", "Dana.Doe+ci@mail.example.co.uk"])
def test_emails_pass(value):
    assert validate.email(value, "email") == value


@pytest.mark.parametrize(
    "value, words",
    [
        (" dana@example.com ", "email must not have whitespace around it"),
        ("dana@example.com\n", "email must not have whitespace around it"),
        ("dana", "email: expected an email address"),
        ("dana@example", "email: expected an email address"),
        ("", "email: expected an email address"),
        ("dana@" + "e" * 250 + ".com", "email must be at most 254 characters"),
    ],
)
def test_bad_emails_are_refused(value, words):
    assert words in refused(validate.email, value, "email")


def test_a_user_reference_is_an_email_or_an_id():
    assert validate.user_reference(UUID, "user") == UUID
    assert validate.user_reference("dana@example.com", "user") == "dana@example.com"
    assert "user: expected an email address or a user id, got 'bob'" in refused(validate.user_reference, "bob", "user")


@pytest.mark.parametrize("value", ["acme.io", "sub.acme-corp.co.uk", "ACME.IO", "xn--bcher-kva.example"])
def test_domain_names_pass(value):
    assert validate.domain(value, "domains[0]") == value


@pytest.mark.parametrize("value", ["not a domain", "acme", "https://acme.io", "*.acme.io", "-acme.io", "acme..io", "10.0.0.1", ""])
def test_bad_domain_names_are_refused(value):
    assert refused(validate.domain, value, "domains[0]").startswith("domains[0]")


@pytest.mark.parametrize("value", ["https://acme.io", "http://acme.io/about?x=1", ""])
def test_urls_pass_and_an_empty_one_clears(value):
    assert validate.url(value, "link") == value


@pytest.mark.parametrize("value", ["not a url", "acme.io", "ftp://acme.io", "https://", "https://acme.io/a b", " https://acme.io"])
def test_bad_urls_are_refused(value):
    assert refused(validate.url, value, "link").startswith("link")


def test_identities_refuse_empty_blank_padded_and_overlong_values():
    assert validate.identity("deployer bot", "name") == "deployer bot"  # inner spaces are the name's own
    assert "name must not be empty" in refused(validate.identity, "", "name")
    assert "name must not be empty" in refused(validate.identity, "   ", "name")
    assert "name must not have whitespace around it, got ' ci'" in refused(validate.identity, " ci", "name")
    assert "name must be at most 5000 characters, got 6000" in refused(validate.identity, "x" * 6000, "name")


def test_text_takes_anything_within_its_length():
    assert validate.text("", "description") == ""
    assert validate.text("  padded  ", "description") == "  padded  "
    assert "description must be at most 140 characters, got 141" in refused(
        lambda v, o: validate.text(v, o, 140), "x" * 141, "description"
    )


def test_a_display_name_must_not_be_blank():
    assert validate.display_name("Acme Corp", "name") == "Acme Corp"
    assert "name must not be empty" in refused(validate.display_name, "", "name")


def test_clearable_lets_only_the_empty_string_through():
    check = validate.clearable(validate.identity)
    assert check("", "inherited_role") == ""
    assert check("Runner", "inherited_role") == "Runner"
    assert "whitespace" in refused(check, " Runner", "inherited_role")


def test_durations_are_bounded():
    assert validate.duration("7d", "expires_within") == 7 * 86400
    assert validate.duration("36500d", "expires_within") == 36500 * 86400
    assert "expires_within: '99999999d' is too long; at most 36500 days" in refused(validate.duration, "99999999d", "expires_within")
    assert "expires_within" in refused(validate.duration, "soon", "expires_within")


def test_list_of_names_the_item():
    check = validate.list_of(validate.domain)
    assert check(["acme.io", "acme.dev"], "domains") == ["acme.io", "acme.dev"]
    assert refused(check, ["acme.io", "not a domain"], "domains").startswith("domains[1]")


def test_check_options_skips_unset_options():
    validate.check_options({"handle": None, "name": "ok"}, {"handle": validate.handle, "name": validate.identity})
    assert "handle" in refused(lambda v, o: validate.check_options({"handle": v}, {"handle": validate.handle}), "Bad!")


def test_the_strict_string_type_refuses_lists_dicts_and_booleans():
    assert validate.STRING("prod") == "prod"
    assert validate.STRING(42) == "42"
    assert validate.STRING(1.5) == "1.5"
    for value in (["a", "b"], {"a": 1}, True):
        with pytest.raises(TypeError, match="expected a string"):
            validate.STRING(value)


def test_the_strict_string_type_equals_the_documented_type():
    # validate-modules compares argument_spec types with the documentation's by equality.
    assert validate.STRING == "str"
    assert validate.STRING.__name__ == "str"
    assert validate.STRING("x", param="name", prefix="") == "x"


# -- every module: refused before any request, naming the option -------------------------------

# (module, options, words the message must contain)
REFUSED = [
    # workspace: the reproductions of the bad input that reached the server before
    (workspace, {"handle": ""}, "handle must not be empty"),
    (workspace, {"handle": "Bad Handle!/?"}, "handle: a handle takes only"),
    (workspace, {"handle": " production "}, "handle must not have whitespace around it"),
    (workspace, {"handle": ["prod", "dev"]}, "argument 'handle' is of type"),
    (workspace, {"handle": "prod", "name": "x" * 6000}, "name must be at most 5000 characters, got 6000"),
    (workspace, {"handle": "prod", "name": " "}, "name must not be empty"),
    (workspace, {"handle": "prod", "description": LONG}, "description must be at most 5000"),
    (workspace, {"handle": "prod", "default_workspace_role": " Viewer"}, "default_workspace_role must not have whitespace"),
    # bot
    (bot, {"name": ""}, "name must not be empty"),
    (bot, {"name": "   "}, "name must not be empty"),
    (bot, {"name": {"a": 1}}, "argument 'name' is of type"),
    (bot, {"name": True}, "argument 'name' is of type"),
    (bot, {"name": LONG}, "name must be at most 5000"),
    (bot, {"name": "ci", "account_role": ""}, "account_role must not be empty"),
    (bot, {"name": "ci", "api_key_expiration": "99999999d"}, "api_key_expiration: '99999999d' is too far in the future"),
    (bot, {"name": "ci", "rotate_if_expires_within": "99999999d"}, "rotate_if_expires_within: '99999999d' is too long"),
    (bot, {"name": "ci", "rotate_if_expires_within": "soon"}, "rotate_if_expires_within"),
    (bot, {"name": "ci", "old_key_expires_in_seconds": 172801}, "old_key_expires_in_seconds"),
    # api_key
    (api_key, {"name": ""}, "name must not be empty"),
    (api_key, {"name": " ci "}, "name must not have whitespace"),
    (api_key, {"name": "ci", "expiration": "99999999d"}, "expiration: '99999999d' is too far in the future"),
    (api_key, {"name": "ci", "expiration": "tomorrow"}, "expiration: expected a duration"),
    # invitation
    (invitation, {"email": "dana@example.com", "workspace": ""}, "workspace must not be empty"),
    (invitation, {"email": "dana@example.com", "workspace": "Bad Handle"}, "workspace: a handle takes only"),
    (invitation, {"email": " dana@example.com "}, "email must not have whitespace around it"),
    (invitation, {"email": ["dana@example.com"]}, "argument 'email' is of type"),
    (invitation, {"email": "dana@example.com", "account_role": " Member"}, "account_role must not have whitespace"),
    # account
    (account, {"handle": "Bad Handle!"}, "handle: a handle takes only"),
    (account, {"handle": ""}, "handle must not be empty"),
    (account, {"name": ""}, "name must not be empty"),
    (account, {"name": "x" * 6000}, "name must be at most 5000"),
    (account, {"domains": ["not a domain"]}, "domains[0]: expected a domain name"),
    (account, {"domains": ["acme.io", "https://acme.io"]}, "domains[1]: expected a domain name"),
    (account, {"link": "not a url"}, "link: expected an http(s) URL"),
    (account, {"location": LONG}, "location must be at most 5000"),
    # account_member
    (account_member, {"email": " alice@unit.test "}, "email must not have whitespace around it"),
    (account_member, {"email": "alice"}, "email: expected an email address"),
    (account_member, {"email": "alice@unit.test", "account_role": ""}, "account_role must not be empty"),
    # team
    (team, {"name": " "}, "name must not be empty"),
    (team, {"name": "ops", "users": [" alice@unit.test "]}, "users[0] must not have whitespace around it"),
    (team, {"name": "ops", "users": ["alice@unit.test", "bob"]}, "users[1]: expected an email address or a user id"),
    (team, {"name": "ops", "bots": ["ci", ""]}, "bots[1] must not be empty"),
    (team, {"name": "ops", "bots": [["ci"]]}, "'bots'"),
    (team, {"name": "ops", "description": LONG}, "description must be at most 5000"),
    # workspace_role
    (workspace_role, {"name": "r", "description": "x" * 141}, "description must be at most 140"),
    (workspace_role, {"name": "r", "scopes": ["see_flows", " "]}, "scopes[1] must not be empty"),
    (workspace_role, {"name": "r", "inherited_role": " Viewer "}, "inherited_role must not have whitespace"),
    # workspace_access
    (workspace_access, {"workspace": "", "user": "alice@unit.test", "workspace_role": "Viewer"}, "workspace must not be empty"),
    (workspace_access, {"workspace": "prod", "user": " alice@unit.test ", "workspace_role": "Viewer"}, "user must not have whitespace"),
    (workspace_access, {"workspace": "prod", "bot": "ci", "workspace_role": ""}, "workspace_role must not be empty"),
    (
        workspace_access,
        {"workspace": "prod", "grants": [{"user": "alice@unit.test", "workspace_role": "Viewer"}, {"user": " bob@unit.test", "workspace_role": "Viewer"}]},
        "grants[1].user must not have whitespace",
    ),
    (workspace_access, {"workspace": "prod", "grants": [{"team": "ops", "workspace_role": ["Viewer"]}]}, "workspace_role"),
    # the info modules
    (account_member_info, {"email": [" alice@unit.test"]}, "email[0] must not have whitespace"),
    (account_member_info, {"account_role": [""]}, "account_role[0] must not be empty"),
    (account_role_info, {"name": ["Owner", " "]}, "name[1] must not be empty"),
    (api_key_info, {"name": ""}, "name must not be empty"),
    (api_key_info, {"expires_within": "99999999d"}, "expires_within: '99999999d' is too long"),
    (bot_info, {"name": [" ci"]}, "name[0] must not have whitespace"),
    (bot_info, {"expires_within": "99999999d"}, "expires_within: '99999999d' is too long"),
    (invitation_info, {"email": ["dana@example.com "]}, "email[0] must not have whitespace"),
    (invitation_info, {"workspace": ""}, "workspace must not be empty"),
    (me_info, {"workspace": "Bad Handle"}, "workspace: a handle takes only"),
    (me_info, {"require_permissions": [""]}, "require_permissions[0] must not be empty"),
    (team_info, {"name": [""]}, "name[0] must not be empty"),
    (workspace_access_info, {"workspace": " prod"}, "workspace must not have whitespace"),
    (workspace_access_info, {"workspace": "prod", "user": ["bob"]}, "user[0]: expected an email address or a user id"),
    (workspace_info, {"handle": ["prod", "Bad Handle"]}, "handle[1]: a handle takes only"),
    (workspace_role_info, {"name": [" Runner"]}, "name[0] must not have whitespace"),
]


@pytest.mark.parametrize(
    "module, options, words",
    REFUSED,
    ids=["%s-%d" % (case[0].__name__.rsplit(".", 1)[-1], index) for index, case in enumerate(REFUSED)],
)
def test_bad_input_fails_naming_the_option_before_any_request(emulator, run_module, module, options, words):
    mark = emulator.last_seq()
    result = run_module(module, **options)
    assert result["failed"], result
    assert words in result["msg"]
    assert result["_requests"] == []
    assert emulator.log(mark) == []


# -- check mode fails where the real run must: an account role no task can create ----------------


def writes_since(emulator, mark):
    return [
        (e["method"], e["path"].split(ACCOUNT_ID)[-1])
        for e in emulator.log(mark)
        if e["method"] != "GET" and not e["path"].endswith(("/filter", "/count"))
    ]


@pytest.mark.parametrize(
    "module, options",
    [
        (bot, {"name": "ci-bot"}),
        (invitation, {"email": "dana@example.com"}),
        (account_member, {"email": "alice@unit.test"}),
    ],
    ids=["bot", "invitation", "account_member"],
)
@pytest.mark.parametrize("check_mode", [True, False], ids=["check", "real"])
def test_an_account_role_named_in_another_case_is_unknown_in_check_mode_too(emulator, run_module, module, options, check_mode):
    # Role names match exactly, as the API's name filter does: "member" is not "Member".
    mark = emulator.last_seq()
    result = run_module(module, account_role="member", check_mode=check_mode, **options)
    assert result["failed"], result
    assert "'member'" in result["msg"] and "Member" in result["msg"]
    assert writes_since(emulator, mark) == []
