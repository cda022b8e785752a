"""The module runner: how a task that raised ends (message, status, and what a refusal reports)."""

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudHTTPError, Refusal
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule

from fake_api import USER_KEY


class Ended(Exception):
    def __init__(self, how, result):
        super().__init__(how)
        self.how = how
        self.result = result


class FakeAnsible:
    """The part of ``AnsibleModule`` the runner ends a task with."""

    def warn(self, message):
        pass

    def fail_json(self, **result):
        raise Ended("failed", result)

    def exit_json(self, **result):
        raise Ended("exited", result)


def runner():
    module = PrefectCloudModule.__new__(PrefectCloudModule)
    module.ansible = FakeAnsible()
    module.account_scoped = False
    module.warnings = []
    return module


def ended(body):
    with pytest.raises(Ended) as end:
        runner().run(body)
    return end.value


def raising(exc):
    def body():
        raise exc

    return body


def test_a_refusal_after_a_write_fails_as_changed_with_its_fields():
    end = ended(raising(Refusal("no: half done", changed=True, result={"guard": {"verdict": "cut_off"}})))
    assert end.how == "failed"
    assert end.result == {"msg": "no: half done", "changed": True, "guard": {"verdict": "cut_off"}}


def test_a_refusal_before_any_write_fails_unchanged():
    end = ended(raising(Refusal("no")))
    assert end.result == {"msg": "no", "changed": False}


def test_a_refusals_fields_never_carry_a_key():
    end = ended(raising(Refusal("no", result={"detail": {"key": USER_KEY, "note": "made with " + USER_KEY}})))
    assert USER_KEY not in repr(end.result)


def test_other_errors_report_their_status_and_claim_no_change():
    end = ended(raising(PrefectCloudHTTPError("PUT /x failed (HTTP 422)", status=422)))
    assert end.result == {"msg": "PUT /x failed (HTTP 422)", "status": 422}


def test_a_result_exits():
    end = ended(lambda: {"changed": True, "msg": "done"})
    assert (end.how, end.result) == ("exited", {"changed": True, "msg": "done"})


# -- a list form given as null --------------------------------------------------------------

LIST_FORMS = [
    ("account_member", "members"),
    ("bot", "bots"),
    ("invitation", "invitations"),
    ("ip_allowlist", "entries"),
    ("team", "teams"),
    ("workspace", "workspaces"),
    ("workspace_access", "grants"),
]


@pytest.mark.parametrize("module_name, option", LIST_FORMS)
def test_a_list_form_given_as_null_fails_naming_it_before_any_request(module_name, option):
    """An empty YAML key (every entry commented out) is null: never the single form with no identity."""
    import importlib

    from module_runner import run

    module = importlib.import_module("ansible_collections.prefect.cloud.plugins.modules." + module_name)
    args = {option: None, "api_key": USER_KEY, "api_url": "http://127.0.0.1:9/api", "account": "acme"}
    if module_name == "workspace_access":
        args["workspace"] = "prod"
    result = run(module, args)
    assert result["failed"]
    assert result["msg"].startswith("%s is null" % option), result["msg"]
    assert result["_requests"] == []


@pytest.mark.parametrize("module_name, option", [("invitation", "invitations"), ("ip_allowlist", "entries")])
def test_a_list_form_left_out_is_not_null(module_name, option):
    """Only a key given with no value is refused; a module without the option goes on as before."""
    import importlib

    from module_runner import run

    module = importlib.import_module("ansible_collections.prefect.cloud.plugins.modules." + module_name)
    args = {"api_key": USER_KEY, "api_url": "http://127.0.0.1:9/api", "account": "acme", "state": "absent"}
    if module_name == "invitation":
        args["email"] = "dana@acme.io"
    else:
        del args["state"]
    result = run(module, args)
    assert "is null" not in result["msg"]


class AccountConnection:
    def __init__(self, seen):
        self.seen = seen

    def resolve_account(self):
        self.seen.append("account resolved")


@pytest.mark.parametrize("account_scoped, expected", [(True, ["account resolved", "body"]), (False, ["body"])])
def test_a_module_in_an_account_resolves_it_before_its_body_runs(account_scoped, expected):
    seen = []
    module = runner()
    module.account_scoped = account_scoped
    module.connection = AccountConnection(seen)
    with pytest.raises(Ended):
        module.run(lambda: seen.append("body") or {"changed": False})
    assert seen == expected
