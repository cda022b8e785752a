"""The reconcile flow, with an in-memory resource: what is compared, written and reported."""

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import (
    AmbiguousWriteError,
    PrefectCloudHTTPError,
    ReferenceNotFound,
    Refusal,
)
from ansible_collections.prefect.cloud.plugins.module_utils._engine import reconcile as reconcile_module
from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import Plan, Resource, reconcile, run_resource

from fake_api import RecordingClient


class FakeModule:
    def __init__(self, params, check_mode=False, diff_mode=True):
        self.params = dict(params)
        self.client = RecordingClient()  # nothing here sends a request; the engine reads its timeout
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.warnings = []
        self.lookups_forgotten = 0

    def forget_lookups(self):
        self.lookups_forgotten += 1

    def is_set(self, name):
        return self.params.get(name) is not None

    def warn(self, message):
        self.warnings.append(message)


class Gadget(Resource):
    """A named object with a colour and a size, kept in ``store`` (name -> dict)."""

    result_key = "gadget"

    def __init__(self, module, store, known_owners=("ann",), lose_create_response=False):
        super().__init__(module)
        self.store = store
        self.writes = []
        self.known_owners = known_owners
        self.lose_create_response = lose_create_response

    def describe(self):
        return "gadget %r" % self.params["name"]

    def read(self):
        raw = self.store.get(self.params["name"])
        return dict(raw) if raw else None

    def view(self, raw):
        return {"name": raw["name"], "colour": raw["colour"], "size": raw["size"], "owner": raw.get("owner")}

    def desired(self, before):
        defaults = {"name": self.params["name"], "colour": "grey", "size": 1, "owner": None}
        return self.overlay(before, defaults, {"colour": "colour", "size": ("size", int), "owner": "owner"})

    def check_references(self, plan):
        owner = plan.desired["owner"]
        if owner is not None and owner not in self.known_owners:
            raise ReferenceNotFound("user", owner)

    def create(self, plan):
        desired = plan.desired

        def send():
            self.writes.append(("create", desired["name"]))
            self.store[desired["name"]] = dict(desired, id="id-1")
            if self.lose_create_response:
                self.lose_create_response = False
                raise AmbiguousWriteError("POST /api/gadgets/: connection lost")
            return dict(self.store[desired["name"]])

        return self.write_recovering(send)

    def update(self, plan):
        self.writes.append(("update", plan.desired["name"]))
        self.store[plan.before_raw["name"]].update(plan.desired)
        return None  # have the engine re-read

    def delete(self, plan):
        self.writes.append(("delete", plan.before_raw["name"]))
        del self.store[plan.before_raw["name"]]


def run(params, store, check_mode=False, **kwargs):
    module = FakeModule(params, check_mode=check_mode)
    gadget = Gadget(module, store, **kwargs)
    return reconcile(module, gadget), gadget, module


def test_create_check_then_real_then_again():
    store = {}
    check, gadget, _module = run({"name": "g", "colour": "red"}, store, check_mode=True)
    assert check["changed"] and gadget.writes == [] and store == {}
    assert check["diff"] == {"before": {}, "after": {"name": "g", "colour": "red", "size": 1, "owner": None}}

    real, gadget, _module = run({"name": "g", "colour": "red"}, store)
    assert real["changed"] and gadget.writes == [("create", "g")]
    assert real["diff"] == check["diff"]
    assert real["gadget"]["id"] == "id-1"
    assert real["msg"] == "gadget 'g' created"

    again, gadget, _module = run({"name": "g", "colour": "red"}, store)
    assert not again["changed"] and gadget.writes == []
    assert again["msg"] == "gadget 'g' unchanged"


def test_only_set_options_are_compared():
    store = {"g": {"name": "g", "colour": "red", "size": 5, "owner": None, "id": "id-1"}}
    result, gadget, _module = run({"name": "g", "colour": None, "size": None}, store)
    assert not result["changed"] and gadget.writes == []

    result, gadget, module = run({"name": "g", "size": "7"}, store)
    assert result["changed"] and gadget.writes == [("update", "g")]
    assert module.lookups_forgotten == 1  # the read after the write asks the server again
    assert result["diff"]["before"]["size"] == 5 and result["diff"]["after"]["size"] == 7
    assert result["diff"]["after"]["colour"] == "red"  # kept, not reset to the default


def test_absent_deletes_once():
    store = {"g": {"name": "g", "colour": "red", "size": 5, "owner": None, "id": "id-1"}}
    check, gadget, _module = run({"name": "g", "state": "absent"}, store, check_mode=True)
    assert check["changed"] and gadget.writes == [] and "g" in store
    real, gadget, _module = run({"name": "g", "state": "absent"}, store)
    assert real["changed"] and gadget.writes == [("delete", "g")]
    assert real["diff"] == check["diff"] == {"before": {"name": "g", "colour": "red", "size": 5, "owner": None}, "after": {}}
    assert real["gadget"] == {}
    again, gadget, _module = run({"name": "g", "state": "absent"}, store)
    assert not again["changed"] and gadget.writes == []


def test_missing_reference_warns_in_check_mode_and_fails_for_real():
    result, gadget, module = run({"name": "g", "owner": "zed"}, {}, check_mode=True)
    assert result["changed"] and gadget.writes == []
    assert any("zed" in w for w in module.warnings)
    with pytest.raises(ReferenceNotFound) as info:
        run({"name": "g", "owner": "zed"}, {})
    assert "user 'zed' not found" in str(info.value)


def test_lost_create_response_is_recovered_without_a_duplicate():
    store = {}
    result, gadget, module = run({"name": "g"}, store, lose_create_response=True)
    assert result["changed"]
    assert gadget.writes == [("create", "g")]  # not sent a second time
    assert any("re-read" in w for w in module.warnings)
    assert module.lookups_forgotten == 1  # the re-read asks the server, not a stale cache
    assert result["gadget"]["id"] == "id-1"


def test_no_diff_outside_diff_mode():
    module = FakeModule({"name": "g"}, diff_mode=False)
    result = reconcile(module, Gadget(module, {}))
    assert "diff" not in result


class GuardedGadget(Gadget):
    """A gadget that must never lose its owner 'ann'."""

    def guard(self, plan):
        raw, desired = plan.before_raw, plan.desired
        if raw and raw.get("owner") == "ann" and (desired is None or desired["owner"] != "ann"):
            raise Refusal("refusing to take the gadget from ann")


@pytest.mark.parametrize("check_mode", [True, False])
@pytest.mark.parametrize("params", [{"name": "g", "state": "absent"}, {"name": "g", "owner": "bob"}])
def test_guards_stop_the_change_in_check_mode_too(check_mode, params):
    store = {"g": {"name": "g", "colour": "red", "size": 5, "owner": "ann", "id": "id-1"}}
    module = FakeModule(params, check_mode=check_mode)
    gadget = GuardedGadget(module, store, known_owners=("ann", "bob"))
    with pytest.raises(Refusal) as info:
        reconcile(module, gadget)
    assert "refusing" in str(info.value)
    assert gadget.writes == [] and store["g"]["owner"] == "ann"


def test_guards_do_not_run_when_nothing_changes():
    store = {"g": {"name": "g", "colour": "red", "size": 5, "owner": "ann", "id": "id-1"}}
    module = FakeModule({"name": "g", "owner": "ann"})
    result = reconcile(module, GuardedGadget(module, store))
    assert not result["changed"]


# -- the plan ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "before_raw, before, desired, action",
    [
        (None, None, {"size": 1}, "create"),
        ({"id": 1}, {"size": 1}, {"size": 1}, None),
        ({"id": 1}, {"size": 1}, {"size": 2}, "update"),
        ({"id": 1}, {"size": 1}, None, "delete"),
        (None, None, None, None),
    ],
)
def test_plan_actions(before_raw, before, desired, action):
    plan = Plan(before_raw, before, desired)
    assert plan.action == action
    assert plan.changed is (action is not None)
    assert plan.changes == {}


def test_a_plan_may_name_its_action_and_changes():
    # A bulk form decides itself: equal views can still hide work (a grant to revoke, say).
    plan = Plan({"id": 1}, {"size": 1}, {"size": 1}, changes={"revoke": ["x"]}, action="update")
    assert plan.changed and plan.changes == {"revoke": ["x"]}


class PlannedGadget(Gadget):
    """Works out its changes once; reference checks, guards and writes must get that same dict."""

    def __init__(self, module, store, **kwargs):
        super().__init__(module, store, **kwargs)
        self.seen = []
        self.changes_computed = 0

    def changes(self, plan):
        self.changes_computed += 1
        return {"resize": (plan.before or {}).get("size"), "token": object()}

    def check_references(self, plan):
        self.seen.append(("check_references", plan.changes["token"]))
        super().check_references(plan)

    def guard(self, plan):
        self.seen.append(("guard", plan.changes["token"]))

    def update(self, plan):
        self.seen.append(("update", plan.changes["token"]))
        return super().update(plan)

    def message(self, plan):
        return "gadget %s: %s from size %s" % (plan.action or "kept", plan.desired and plan.desired["size"], plan.changes.get("resize"))


def test_changes_are_worked_out_once_and_handed_to_every_step():
    store = {"g": {"name": "g", "colour": "red", "size": 5, "owner": None, "id": "id-1"}}
    module = FakeModule({"name": "g", "size": 6})
    gadget = PlannedGadget(module, store)
    result = reconcile(module, gadget)
    assert gadget.changes_computed == 1
    assert [step for step, _token in gadget.seen] == ["check_references", "guard", "update"]
    assert len({id(token) for _step, token in gadget.seen}) == 1
    assert result["msg"] == "gadget update: 6 from size 5"


def test_no_change_computes_no_changes_and_the_message_hook_still_speaks():
    store = {"g": {"name": "g", "colour": "red", "size": 5, "owner": None, "id": "id-1"}}
    module = FakeModule({"name": "g", "size": 5})
    gadget = PlannedGadget(module, store)
    result = reconcile(module, gadget)
    assert gadget.changes_computed == 0 and gadget.seen == []
    assert result["msg"] == "gadget kept: 5 from size None"


def test_default_messages():
    store = {"g": {"name": "g", "colour": "red", "size": 5, "owner": None, "id": "id-1"}}
    assert run({"name": "g", "size": 6}, store)[0]["msg"] == "gadget 'g' updated"
    assert run({"name": "g", "state": "absent"}, store)[0]["msg"] == "gadget 'g' deleted"
    assert run({"name": "g", "state": "absent"}, store)[0]["msg"] == "gadget 'g' absent"


class MintingGadget(Gadget):
    """Creates with a server-made serial; its view after the write says what was asked (as check mode did)."""

    def create(self, plan):
        raw = super().create(plan)
        raw["serial"] = "S-1"
        return raw

    def view_after(self, plan, after_raw):
        assert after_raw["serial"] == "S-1"
        return dict(plan.desired)


def test_the_view_after_a_create_comes_from_the_hook():
    module = FakeModule({"name": "g", "colour": "red"})
    result = reconcile(module, MintingGadget(module, {}))
    assert result["diff"]["after"] == {"name": "g", "colour": "red", "size": 1, "owner": None}
    assert result["gadget"]["serial"] == "S-1"


class ParentlessGadget(Gadget):
    """Lives in a parent that does not exist."""

    def read(self):
        raise ReferenceNotFound("workspace", "nowhere")


def test_a_missing_parent_is_absent_for_absent_assumed_in_check_mode_and_fails_for_real():
    module = FakeModule({"name": "g", "state": "absent"})
    absent = reconcile(module, ParentlessGadget(module, {}))
    assert not absent["changed"] and module.warnings == []
    module = FakeModule({"name": "g"}, check_mode=True)
    check = reconcile(module, ParentlessGadget(module, {}))
    assert check["changed"] and any("workspace 'nowhere' not found" in w for w in module.warnings)
    with pytest.raises(ReferenceNotFound):
        module = FakeModule({"name": "g"})
        reconcile(module, ParentlessGadget(module, {}))


# -- run_resource: options parsed once, before any request -------------------------------------


class Failed(Exception):
    pass


class EntryModule(FakeModule):
    """What run_resource touches: fail() ends the run, run() runs the body (and records that it did)."""

    def __init__(self, params):
        super().__init__(params)
        self.ran = False
        self.result = None

    def fail(self, msg, **result):
        raise Failed(msg)

    def run(self, body):
        self.ran = True
        self.result = body()


class SizedGadget(Gadget):
    built = []

    @classmethod
    def parse_options(cls, params):
        if params.get("size") is not None and int(params["size"]) < 0:
            raise ValueError("size must be 0 or more, got %s" % params["size"])
        return {"size": int(params["size"] or 0)}

    def __init__(self, module, options=None):
        super().__init__(module, {})
        self.options = options
        SizedGadget.built.append(self)

    def read(self):
        raise AssertionError("no request may be sent when the options are bad")


def test_bad_options_fail_before_the_resource_is_built_or_anything_is_read():
    SizedGadget.built = []
    module = EntryModule({"name": "g", "size": -1})
    with pytest.raises(Failed, match="size must be 0 or more, got -1"):
        run_resource(module, SizedGadget)
    assert not module.ran and SizedGadget.built == []


def test_parsed_options_reach_the_resource():
    SizedGadget.built = []

    class Stored(SizedGadget):
        def read(self):
            return None

    module = EntryModule({"name": "g", "size": "3"})
    run_resource(module, Stored)
    assert module.ran and [g.options for g in Stored.built] == [{"size": 3}]
    assert module.result["changed"]


# -- writes whose outcome is unknown: look before sending again ----------------------------------


class FakeClock:
    """Stands in for the ``time`` module of the engine: sleeping moves the clock, nothing waits."""

    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(reconcile_module, "time", fake)
    return fake


class FlakyGadget(Gadget):
    """Creates through ``write_recovering``; each send ends as the next of ``outcomes`` says.

    ``ok``: made, answered. ``lost``: made, response lost. ``dropped``: not made, response lost.
    ``timeout``: timed out, made only once it has been looked for ``late_after`` times (never if 0).
    ``conflict``: someone else made it meanwhile (409).
    """

    def __init__(self, module, store, outcomes, unique=True, late_after=0):
        super().__init__(module, store)
        self.outcomes = list(outcomes)
        self.unique = unique
        self.late_after = late_after
        self.looks = 0
        self.late = None

    def read(self):
        self.looks += 1
        if self.late is not None and self.looks > self.late_after:
            self.store[self.late["name"]], self.late = self.late, None
        return super().read()

    def create(self, plan):
        desired = plan.desired

        def send():
            self.writes.append(("create", desired["name"]))
            made = dict(desired, id="id-%d" % len(self.writes))
            outcome = self.outcomes.pop(0)
            if outcome in ("ok", "lost"):
                self.store[desired["name"]] = made
            if outcome in ("lost", "dropped"):
                raise AmbiguousWriteError("POST /api/gadgets/: connection lost (ConnectionError)")
            if outcome == "timeout":
                if self.late_after:
                    self.looks, self.late = 0, made
                raise AmbiguousWriteError("POST /api/gadgets/: timed out", in_flight=True)
            if outcome == "conflict":
                self.store[desired["name"]] = {"name": desired["name"], "colour": "blue", "size": 9, "owner": None, "id": "theirs"}
                raise PrefectCloudHTTPError("POST /api/gadgets/ failed: conflict (HTTP 409)", status=409)
            return dict(made)

        return self.write_recovering(send, unique=self.unique)


def run_flaky(outcomes, params=None, **kwargs):
    store = {}
    module = FakeModule(params or {"name": "g", "colour": "red"})
    gadget = FlakyGadget(module, store, outcomes, **kwargs)
    return reconcile(module, gadget), gadget, module, store


def test_a_second_lost_response_is_recovered_too(clock):
    result, gadget, module, store = run_flaky(["dropped", "lost"])
    assert result["changed"] and result["gadget"]["id"] == "id-2" == store["g"]["id"]
    assert len(gadget.writes) == 2
    assert len([w for w in module.warnings if "re-read" in w]) == 2


def test_a_write_that_never_shows_is_sent_a_bounded_number_of_times(clock):
    module = FakeModule({"name": "g"})
    gadget = FlakyGadget(module, {}, ["dropped"] * 5)
    with pytest.raises(AmbiguousWriteError) as info:
        reconcile(module, gadget)
    assert "did not show up after the write; it was not sent again to avoid a duplicate" in str(info.value)
    assert "Run the task again" in str(info.value)
    assert len(gadget.writes) == reconcile_module.MAX_SENDS


def test_a_timed_out_write_that_shows_late_is_not_sent_again(clock):
    result, gadget, _module, store = run_flaky(["timeout"], late_after=3)
    assert result["changed"] and store["g"]["id"] == "id-1"
    assert gadget.writes == [("create", "g")]
    assert clock.slept and sum(clock.slept) < reconcile_module.MIN_IN_FLIGHT_WAIT


def test_a_timed_out_write_of_a_non_unique_object_is_not_sent_again(clock):
    with pytest.raises(AmbiguousWriteError, match="not sent again"):
        run_flaky(["timeout", "ok"], unique=False)
    # Looked for at least as long as the server may take (the request timeout, here 30 s).
    assert sum(clock.slept) >= max(reconcile_module.MIN_IN_FLIGHT_WAIT, RecordingClient.timeout) - 2.0


def test_a_timed_out_write_of_a_unique_object_is_sent_again_after_looking(clock):
    result, gadget, _module, store = run_flaky(["timeout", "ok"], unique=True)
    assert result["changed"] and store["g"]["id"] == "id-2"
    assert len(gadget.writes) == 2 and clock.slept


def test_an_object_made_meanwhile_elsewhere_is_converged_not_duplicated(clock):
    result, gadget, module, store = run_flaky(["conflict"])
    assert result["changed"]
    assert gadget.writes == [("create", "g"), ("update", "g")]
    assert store["g"]["id"] == "theirs" and store["g"]["colour"] == "red"
    assert result["diff"]["before"]["colour"] == "blue" and result["diff"]["after"]["colour"] == "red"
    assert any("created meanwhile, elsewhere" in w for w in module.warnings)


def test_an_object_made_meanwhile_as_wanted_needs_no_further_write(clock):
    result, gadget, _module, _store = run_flaky(["conflict"], params={"name": "g", "colour": "blue", "size": 9})
    assert gadget.writes == [("create", "g")]
    assert result["diff"]["before"] == result["diff"]["after"]


class UndoingGadget(Gadget):
    """Its lost create made an unusable object, which recover() removes (UNDONE): send again."""

    def create(self, plan):
        def send():
            self.writes.append(("create", plan.desired["name"]))
            self.store[plan.desired["name"]] = dict(plan.desired, id="id-%d" % len(self.writes))
            if len(self.writes) == 1:
                raise AmbiguousWriteError("POST /api/gadgets/: connection lost")
            return dict(self.store[plan.desired["name"]])

        def recover():
            del self.store[plan.desired["name"]]
            return reconcile_module.UNDONE

        return self.write_recovering(send, recover)


def test_an_undone_write_is_sent_again(clock):
    store = {}
    module = FakeModule({"name": "g"})
    gadget = UndoingGadget(module, store)
    result = reconcile(module, gadget)
    assert result["changed"] and store["g"]["id"] == "id-2" and len(gadget.writes) == 2


class RoleGadget(Gadget):
    """Refers to a role no task can create."""

    def check_references(self, plan):
        raise ReferenceNotFound("account role", "Emperor", creatable=False)


def test_check_mode_assumes_only_what_a_task_can_create():
    module = FakeModule({"name": "g"}, check_mode=True)
    with pytest.raises(ReferenceNotFound, match="account role 'Emperor' not found"):
        reconcile(module, RoleGadget(module, {}))
    result, _gadget, module = run({"name": "g", "owner": "zed"}, {}, check_mode=True)
    assert result["changed"] and any("check mode assumes" in w for w in module.warnings)
