"""Shared input validators (_engine/validate.py).

Every module refusing bad input before any request, through its main(), is the sweep in
tests/unit/plugins/modules/test_bad_input.py.
"""

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate

UUID = "6f1c3b8e-2a4d-4e55-9d0f-0a1b2c3d4e5f"


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
