"""The bulk form of the engine (_engine/bulk.py), on a resource kept in memory: no server needed."""

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import Refusal
from ansible_collections.prefect.cloud.plugins.module_utils._engine.bulk import BulkForm
from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import Resource

from fake_api import RecordingClient

STORE = {}


class Failed(Exception):
    def __init__(self, msg, result):
        super().__init__(msg)
        self.result = dict(result, msg=msg)


class FakeAnsible:
    def __init__(self, spec):
        self.argument_spec = spec


class FakeModule:
    """What the bulk form and the resource touch; ``fail`` raises ``Failed`` with the task's result."""

    def __init__(self, params, spec, check_mode=False):
        self.params = params
        self.ansible = FakeAnsible(spec)
        self.client = RecordingClient()
        self.check_mode = check_mode
        self.diff_mode = True
        self.warnings = []

    def is_set(self, name):
        return self.params.get(name) is not None

    def warn(self, message):
        self.warnings.append(message)

    def forget_lookups(self):
        pass

    def fail(self, msg, **result):
        raise Failed(msg, result)


class Widget(Resource):
    """A named widget with a colour in STORE; ``refuse`` in an entry makes its write a refusal after a write."""

    result_key = "widget"
    identity = "name"
    noun = "widget"
    guarded_together = []
    task_result = ("painter",)

    def read(self):
        return STORE.get(self.params["name"])

    def view(self, raw):
        return {"name": raw["name"], "colour": raw["colour"]}

    def desired(self, before):
        return self.overlay(before, {"name": self.params["name"], "colour": "grey"}, {"colour": "colour"})

    def guard(self, plan):
        if self.params["colour"] == "forbidden":
            raise Refusal("no widget may be %s" % self.params["colour"])

    @classmethod
    def guard_many(cls, module, planned):
        cls.guarded_together = [resource.params["name"] for resource, _plan in planned]
        if sum(1 for resource, plan in planned if plan.changed and resource.params["colour"] == "red") > 1:
            raise Refusal("at most one widget turns red per task")

    @classmethod
    def entry_key(cls, params):
        return params["name"]  # widgets live in STORE, not in the resource table

    @classmethod
    def resolved_key(cls, module, params):
        # ``alias-of-<name>`` names the widget ``<name>``: only the prefetch could tell.
        return params["name"].replace("alias-of-", "")

    @classmethod
    def prefetch(cls, module, entries, exclusive):
        unlisted = []
        if exclusive:
            listed = set(params["name"] for params in entries)
            unlisted = [{"name": name, "state": "absent"} for name in sorted(STORE) if name not in listed]
        return "shared", unlisted

    def create(self, plan):
        if self.params.get("refuse"):
            STORE[plan.desired["name"]] = dict(plan.desired)
            raise Refusal("the widget was made, then refused", changed=True)
        STORE[plan.desired["name"]] = dict(plan.desired)
        plan.extra_result["api_key"] = "secret-of-%s" % plan.desired["name"]
        return STORE[plan.desired["name"]]

    def update(self, plan):
        STORE[plan.before_raw["name"]] = dict(plan.desired)
        plan.extra_result["painter"] = "found once for the task"
        return None

    def delete(self, plan):
        del STORE[plan.before_raw["name"]]


ENTRY_SPEC = {
    "name": {"type": "str", "required": True},
    "colour": {"type": "str"},
    "refuse": {"type": "bool", "default": False},
    "state": {"type": "str", "default": "present"},
}
SPEC = dict(ENTRY_SPEC, name={"type": "str"}, widgets={"type": "list", "options": ENTRY_SPEC}, exclusive={"type": "bool", "default": False})


def run(entries, check_mode=False, exclusive=False, **top):
    params = {"name": None, "colour": None, "refuse": False, "state": "present", "widgets": entries, "exclusive": exclusive}
    params.update(top)
    full = [dict({"colour": None, "refuse": False, "state": "present"}, **entry) for entry in entries]
    params["widgets"] = full
    module = FakeModule(params, SPEC, check_mode=check_mode)
    form = BulkForm(Widget, "widgets", exclusive="exclusive")
    return form.reconcile(module, form.parse(module))


@pytest.fixture(autouse=True)
def empty_store():
    STORE.clear()
    STORE.update({"kept": {"name": "kept", "colour": "blue"}})
    yield


def test_entries_are_reconciled_each_by_the_resource_and_counted():
    result = run([{"name": "kept", "colour": "blue"}, {"name": "new", "colour": "green"}])
    assert result["msg"] == "2 widgets: 1 created"
    assert [r["action"] for r in result["results"]] == [None, "create"]
    assert result["api_keys"] == {"new": "secret-of-new"}
    assert "secret-of-new" not in repr(result["results"]) + repr(result["widgets"])
    assert result["diff"] == {"before": {"widgets": [{}]}, "after": {"widgets": [{"name": "new", "colour": "green"}]}}


def test_check_mode_writes_nothing_and_predicts_the_same():
    check = run([{"name": "new", "colour": "green"}], check_mode=True)
    assert "new" not in STORE and check["changed"] and "api_keys" not in check
    real = run([{"name": "new", "colour": "green"}])
    assert real["diff"] == check["diff"]


def test_a_guard_of_any_entry_stops_the_task_before_the_first_write():
    with pytest.raises(Failed) as failed:
        run([{"name": "first", "colour": "green"}, {"name": "second", "colour": "forbidden"}])
    assert failed.value.args[0].startswith("widgets[1]: no widget may be forbidden")
    assert "first" not in STORE


def test_the_entries_are_guarded_together_before_any_write():
    with pytest.raises(Failed) as failed:
        run([{"name": "a", "colour": "red"}, {"name": "b", "colour": "red"}])
    assert "at most one widget turns red" in failed.value.args[0]
    assert Widget.guarded_together == ["a", "b"] and "a" not in STORE


def test_a_failure_part_way_returns_what_was_done_and_the_keys_minted():
    with pytest.raises(Failed) as failed:
        run([{"name": "made", "colour": "green"}, {"name": "refused", "refuse": True}, {"name": "never"}])
    result = failed.value.result
    assert result["msg"].startswith("widgets[1]: the widget was made, then refused")
    assert result["changed"] and result["api_keys"] == {"made": "secret-of-made"}
    assert [r["name"] for r in result["results"]] == ["made"] and "never" not in STORE


def test_a_refusal_after_the_first_entry_wrote_reports_changed_even_with_nothing_done_before():
    with pytest.raises(Failed) as failed:
        run([{"name": "refused", "refuse": True}])
    assert failed.value.result["changed"] is True and failed.value.result["results"] == []


def test_exclusive_removes_what_no_entry_names():
    result = run([{"name": "new"}], exclusive=True)
    assert [(r["name"], r["action"]) for r in result["results"]] == [("new", "create"), ("kept", "delete")]
    assert sorted(STORE) == ["new"]


def test_two_entries_that_resolve_to_one_object_are_refused_before_any_plan():
    with pytest.raises(Failed) as failed:
        run([{"name": "kept", "colour": "red"}, {"name": "alias-of-kept", "colour": "green"}])
    assert failed.value.args[0] == "widgets[1] names the same widget as widgets[0] ('kept' and 'alias-of-kept'): list each once"
    assert STORE["kept"]["colour"] == "blue"


def test_what_the_resource_finds_for_the_task_is_returned_once_not_per_entry():
    result = run([{"name": "kept", "colour": "red"}, {"name": "new"}])
    assert result["painter"] == "found once for the task"
    assert all("painter" not in entry for entry in result["results"])


@pytest.mark.parametrize(
    "entries, top, message",
    [
        ([{"name": "a"}, {"name": "a"}], {}, "widgets[1] repeats the name 'a' of widgets[0]"),
        ([{"name": "a"}], {"colour": "red"}, "colour cannot be combined with widgets"),
    ],
)
def test_bad_lists_are_refused_before_anything_is_read(entries, top, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        run(entries, **top)


# -- bounds on what one task removes ------------------------------------------------------------


def removal_run(entries, check_mode=False, **top):
    """``run`` with the removal options of a form with exclusive mode (their defaults unless given)."""
    top.setdefault("allow_remove_all", False)
    top.setdefault("max_removals", 10)
    return run(entries, check_mode=check_mode, **top)


@pytest.fixture
def many_widgets():
    for index in range(12):
        STORE["w%02d" % index] = {"name": "w%02d" % index, "colour": "blue"}


def test_the_form_with_exclusive_mode_has_the_removal_options():
    form = BulkForm(Widget, "widgets", exclusive="exclusive")
    spec = form.module_options({"name": {"type": "str"}})["argument_spec"]
    assert spec["allow_remove_all"] == {"type": "bool", "default": False}
    assert spec["max_removals"] == {"type": "int", "default": 10}
    assert "max_removals" not in BulkForm(Widget, "widgets").module_options({"name": {"type": "str"}})["argument_spec"]


@pytest.mark.parametrize("check_mode", [True, False])
@pytest.mark.parametrize("entries", [[], [{"name": "kept", "state": "absent"}]])
def test_exclusive_with_nothing_to_keep_is_refused_before_any_write(entries, check_mode):
    with pytest.raises(Failed) as failed:
        removal_run(entries, check_mode=check_mode, exclusive=True)
    message = failed.value.args[0]
    assert message.startswith("refusing to remove every widget (1): exclusive with nothing listed to keep"), message
    assert "'kept'" in message and "allow_remove_all" in message
    assert STORE["kept"] == {"name": "kept", "colour": "blue"}
    # the refused plan is in the result: what each entry would do
    assert [(r["name"], r["action"]) for r in failed.value.result["results"]] == [("kept", "delete")]
    assert failed.value.result["changed"] is False


def test_exclusive_with_nothing_to_keep_goes_ahead_when_allowed():
    result = removal_run([], exclusive=True, allow_remove_all=True)
    assert result["msg"] == "1 widgets: 1 deleted" and STORE == {}


def test_exclusive_with_nothing_to_remove_needs_no_confirmation():
    STORE.clear()
    assert removal_run([], exclusive=True)["changed"] is False


@pytest.mark.parametrize("check_mode", [True, False])
def test_more_removals_than_max_removals_are_refused_before_any_write(many_widgets, check_mode):
    with pytest.raises(Failed) as failed:
        removal_run([{"name": "new"}], check_mode=check_mode, exclusive=True)
    message = failed.value.args[0]
    assert message.startswith("refusing to remove 13 widgets in one task, more than max_removals (10):"), message
    # the message names the first ten, the result every one
    assert "'kept', 'w00'" in message and "and 3 more" in message and "'w11'" not in message
    assert len([r for r in failed.value.result["results"] if r["action"] == "delete"]) == 13
    assert "new" not in STORE and len(STORE) == 13


def test_max_removals_can_be_raised_and_counts_listed_removals_too(many_widgets):
    with pytest.raises(Failed):
        removal_run([{"name": "w00", "state": "absent"}, {"name": "w01", "state": "absent"}], max_removals=1)
    result = removal_run([{"name": "new"}], exclusive=True, max_removals=13)
    assert result["msg"] == "14 widgets: 1 created, 13 deleted" and sorted(STORE) == ["new"]


def test_max_removals_below_zero_is_refused_before_anything_is_read():
    with pytest.raises(ValueError, match="max_removals must be 0 or more, got -1"):
        removal_run([], exclusive=True, max_removals=-1)
