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
