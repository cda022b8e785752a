"""Drift attributed to the audit trail (plugins/filter/attribution.py): no server needed."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.prefect.cloud.plugins.filter.attribution import FilterModule, attribute_drift

LEVEL = {"everyone": True, "users": [], "bots": [], "teams": []}


def event(name, resource_name, actor, occurred, workspace=None, related=()):
    kind, action = name.split(".")
    return {"event": "prefect-cloud.%s" % name, "resource_kind": kind, "action": action, "resource_name": resource_name,
            "workspace": workspace, "occurred": occurred, "actor": {"name": actor, "kind": "user"},
            "summary": "%s %s" % (actor, name), "raw": {"related": list(related)}}


POOL_DRIFT = {"kind": "object_access", "object": "object_access", "action": "change",
              "before": {"workspace": "prod", "work_pool": "k8s-prod", "run": LEVEL},
              "after": {"workspace": "prod", "work_pool": "k8s-prod", "run": dict(LEVEL, everyone=False, users=["olive@acme.io"])}}
EVENTS = {"since": "2026-02-01T00:00:00Z", "events": [
    # newest first, as the module returns them
    event("work-pool-access.updated", "k8s-prod", "mel@acme.io", "2026-03-02T14:02:11Z", workspace="prod"),
    event("work-pool-access.updated", "k8s-prod", "dan@acme.io", "2026-03-01T09:00:00Z", workspace="staging"),
    event("deployment-access.updated", "k8s-prod", "dan@acme.io", "2026-03-01T08:00:00Z", workspace="prod"),
    event("team-membership.created", "dan@acme.io", "erin@acme.io", "2026-02-20T10:00:00Z",
          related=[{"prefect.resource.role": "team", "prefect.resource.name": "data-engineers"}]),
    event("workspace-access.updated", "data-engineers", "erin@acme.io", "2026-02-15T10:00:00Z", workspace="prod"),
    event("work-pool-access.updated", "k8s-prod", "olive@acme.io", "2026-02-10T10:00:00Z", workspace="prod"),
    event("account-membership.updated", "Mia@acme.io", "olive@acme.io", "2026-02-05T10:00:00Z"),
]}


def test_the_filter_is_registered():
    registered = FilterModule().filters()
    assert list(registered) == ["environments_attribute_drift"]
    # attribute_drift itself, its result marked as never a template
    assert registered["environments_attribute_drift"].__doc__ == attribute_drift.__doc__


def test_each_drifted_object_gets_its_latest_events_on_it_only():
    (pool,) = attribute_drift([POOL_DRIFT], EVENTS)
    # only the work pool's list in its own workspace: not another workspace's pool of that name, nor a deployment
    assert [(c["actor"], c["occurred"]) for c in pool["changed_by"]] == [
        ("mel@acme.io", "2026-03-02T14:02:11Z"), ("olive@acme.io", "2026-02-10T10:00:00Z")]
    assert pool["attribution"] == (
        "changed outside the declaration by mel@acme.io at 2026-03-02T14:02:11Z (prefect-cloud.work-pool-access.updated)")
    assert pool["before"] == POOL_DRIFT["before"] and "changed_by" not in POOL_DRIFT, "the drift entry is copied, not changed"


def test_kinds_are_matched_by_their_own_events():
    drift = [
        {"kind": "workspace_access", "object": "prod", "before": {"workspace": "prod", "grants": []}, "after": {"workspace": "prod"}},
        {"kind": "team", "object": "data-engineers", "before": {"name": "data-engineers"}, "after": {"name": "data-engineers"}},
        # emails without regard to case
        {"kind": "account_member", "object": "mia@acme.io", "before": {"email": "mia@acme.io"}, "after": {"email": "mia@acme.io"}},
    ]
    access, team, member = attribute_drift(drift, EVENTS["events"])
    assert [c["actor"] for c in access["changed_by"]] == ["erin@acme.io"]
    assert [c["event"] for c in team["changed_by"]] == ["prefect-cloud.team-membership.created"]
    assert [c["occurred"] for c in member["changed_by"]] == ["2026-02-05T10:00:00Z"]


def test_at_most_three_events_per_object_newest_first():
    rows = [event("workspace.updated", "prod", "dan@acme.io", "2026-03-0%dT10:00:00Z" % day) for day in (1, 5, 3, 4, 2)]
    (entry,) = attribute_drift([{"kind": "workspace", "object": "prod", "before": {"handle": "prod"}, "after": {"handle": "prod"}}], rows)
    assert [c["occurred"][:10] for c in entry["changed_by"]] == ["2026-03-05", "2026-03-04", "2026-03-03"]


def test_an_object_without_events_in_the_window_says_so():
    (entry,) = attribute_drift([dict(POOL_DRIFT, before={"workspace": "prod", "work_pool": "batch"})], EVENTS)
    assert entry["changed_by"] == []
    assert entry["attribution"].startswith("no audit event on it since 2026-02-01T00:00:00Z")


@pytest.mark.parametrize("events, says", [
    ({"failed": True, "status": 403, "msg": "Missing account permission: read:audit_event"},
     "attribution unavailable: the key cannot read the audit trail (Missing account permission: read:audit_event)"),
    # as audit.yml registers it (failed_when: false): not failed, but no events
    ({"failed": False, "status": 403, "msg": "Missing account permission: read:audit_event"},
     "attribution unavailable: the key cannot read the audit trail (Missing account permission: read:audit_event)"),
    ({"failed": True, "msg": "GET /events: 500"}, "attribution unavailable: GET /events: 500"),
    ({"skipped": True, "changed": False}, "attribution unavailable: the audit trail was not read"),
])
def test_without_the_events_every_entry_says_attribution_is_unavailable(events, says):
    entries = attribute_drift([POOL_DRIFT, {"kind": "team", "object": "ops"}], events)
    assert [(e["changed_by"], e["attribution"]) for e in entries] == [([], says), ([], says)]


def test_no_drift_and_bad_input():
    assert attribute_drift([], EVENTS) == []
    assert attribute_drift(None, EVENTS) == []
    with pytest.raises(AnsibleFilterError, match="list of drift entries"):
        attribute_drift({"kind": "team"}, EVENTS)


def test_what_the_filter_gives_is_never_a_template():
    """ansible-core 2.16 evaluates a fact's strings when the fact is used, unless they are marked unsafe: an actor
    named like a template (a bot name an account Admin chose) must stay text in the audit's summary."""
    from ansible.utils.unsafe_proxy import AnsibleUnsafeText
    from ansible_collections.prefect.cloud.plugins.filter.attribution import FilterModule

    planted = "{{ lookup('ansible.builtin.pipe', 'id') }}"
    event = {"event": "prefect-cloud.team.updated", "occurred": "2026-12-07T14:02:11Z", "resource_kind": "team",
             "resource_name": "analysts", "actor": {"name": planted}}
    drift = [{"kind": "team", "object": "analysts", "before": {"name": "analysts"}, "after": {"name": "analysts"}}]
    (entry,) = FilterModule().filters()["environments_attribute_drift"](drift, {"events": [event]})
    assert planted in entry["attribution"] and entry == attribute_drift(drift, {"events": [event]})[0]
    if isinstance(AnsibleUnsafeText("x"), AnsibleUnsafeText):  # ansible-core 2.16: strings are marked; 2.19+ never evaluate data
        assert isinstance(entry["attribution"], AnsibleUnsafeText)
        assert isinstance(entry["changed_by"][0]["actor"], AnsibleUnsafeText)
