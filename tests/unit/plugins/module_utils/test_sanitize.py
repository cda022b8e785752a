"""No secret reaches a result: formatting of errors and the sanitiser."""

from ansible_collections.prefect.cloud.plugins.module_utils._api.client import format_detail
from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudError
from ansible_collections.prefect.cloud.plugins.module_utils._api.secrets import redact_secrets, sanitize

BOT_KEY = "pnb_" + "A1" * 18
USER_KEY = "pnu_" + "z9" * 18


def test_field_errors_become_one_line():
    detail = [
        {"loc": ["body", "name"], "msg": "Field required", "type": "missing"},
        {"loc": ["body", "members", 0, "member_type"], "msg": "Input should be 'user'", "type": "enum"},
        {"loc": ["query", "limit"], "msg": "too big", "type": "x"},
    ]
    assert format_detail(detail) == (
        "name: Field required; members.0.member_type: Input should be 'user'; limit: too big"
    )


def test_plain_details_pass_through():
    assert format_detail("Invalid authentication credentials") == "Invalid authentication credentials"
    assert format_detail(None) == ""


def test_keys_are_masked_in_text():
    text = "bad key %s and %s" % (BOT_KEY, USER_KEY)
    assert BOT_KEY not in redact_secrets(text)
    assert USER_KEY not in redact_secrets(text)
    assert redact_secrets("pnu_short") == "pnu_short"  # too short to be a key


def test_errors_never_carry_a_key():
    error = PrefectCloudError("POST /api/x failed: %s" % BOT_KEY, detail="echo %s" % USER_KEY)
    assert BOT_KEY not in str(error)
    assert USER_KEY not in error.detail


def test_sanitize_drops_secret_fields_and_masks_strings():
    obj = {
        "name": "deployer",
        "api_key": {"id": "1", "key": BOT_KEY, "masked_key": "pnb_...A1A1"},
        "notes": ["rotated to %s" % BOT_KEY],
    }
    clean = sanitize(obj)
    assert "key" not in clean["api_key"]
    assert clean["api_key"]["masked_key"] == "pnb_...A1A1"
    assert BOT_KEY not in repr(clean)
    assert obj["api_key"]["key"] == BOT_KEY  # the original is untouched
