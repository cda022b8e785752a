"""prefect.cloud.audit_event_info against the emulator: the filter it sends, every page, names resolved."""

import copy

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._api.client import PrefectCloudClient
from ansible_collections.prefect.cloud.plugins.modules import audit_event_info, team

from unit_seed import ACCOUNT_ID, MEMBER_KEY, UNIT_SEED

BOT_KEY = "pnb_" + "UnitAuditBot".ljust(36, "0")

SEED = copy.deepcopy(UNIT_SEED)
SEED["account"]["audit_log_retention_days"] = 90
SEED["workspaces"] = [{"handle": "prod", "name": "Production"}, {"handle": "dev", "name": "Development"}]
SEED["bots"] = [{"name": "deployer", "account_role": "Admin", "api_key": BOT_KEY}]
SEED["teams"] = [{"name": "ops", "users": ["alice@unit.test"]}]
SEED["events"] = [
    {"event": "team.created", "ago": "60d", "actor": "owner@unit.test", "resource": {"kind": "team", "name": "ops"}},
    {"event": "workspace-access.created", "ago": "20d", "actor": "deployer", "workspace": "prod",
     "resource": {"kind": "workspace-access", "name": "ops"}, "payload": {"workspace_role": "Developer"}},
    {"event": "team-membership.created", "ago": "10d", "actor": "owner@unit.test",
     "resource": {"kind": "team-membership", "name": "alice@unit.test"}},
    {"event": "team.deleted", "ago": "5d", "actor": "owner@unit.test", "resource": {"kind": "team", "name": "gone"}},
    {"event": "workspace.updated", "ago": "2h", "actor": "member@unit.test", "workspace": "dev",
     "resource": {"kind": "workspace", "name": "dev"}},
]


@pytest.fixture
def audited(emulator):
    emulator.hook("POST", "/reset", {"seed": SEED})
    yield emulator
    emulator.hook("POST", "/reset", {"seed": UNIT_SEED})


def run(run_module, **args):
    return run_module(audit_event_info, account=ACCOUNT_ID, **args)


def queries(result):
    return [r for r in result["_requests"] if r["path"].startswith("/accounts/%s/events/" % ACCOUNT_ID)]


def test_events_come_newest_first_with_names_resolved(run_module, audited):
    result = run(run_module)
    assert not result["failed"], result["msg"]
    assert [e["event"] for e in result["events"]] == [
        "prefect-cloud.workspace.updated",
        "prefect-cloud.team.deleted",
        "prefect-cloud.team-membership.created",
        "prefect-cloud.workspace-access.created",
        "prefect-cloud.team.created",
    ]
    latest, grant = result["events"][0], result["events"][3]
    assert latest["actor"]["kind"] == "user" and latest["actor"]["name"] == "member@unit.test"
    assert latest["workspace"] == "dev" and latest["resource_kind"] == "workspace" and latest["action"] == "updated"
    assert latest["summary"].startswith("member@unit.test updated workspace dev in workspace dev at ")
    assert grant["actor"] == {"id": grant["actor"]["id"], "kind": "bot", "name": "deployer"}
    assert grant["resource_name"] == "ops" and grant["workspace"] == "prod"
    assert grant["raw"]["payload"] == {"workspace_role": "Developer"}
    assert result["count"] == 5 and result["changed"] is False


def test_the_window_is_always_sent_and_defaults_to_the_retention(run_module, audited):
    """Without since, the 60-day-old event is there although the server alone would give one day."""
    result = run(run_module)
    (query,) = queries(result)
    occurred = query["json"]["filter"]["occurred"]
    assert set(occurred) == {"since"}, "the start is always sent; the end only when asked for"
    assert "prefect-cloud.team.created" in [e["event"] for e in result["events"]]
    assert [e["event"] for e in run(run_module, since="7d")["events"]] == [
        "prefect-cloud.workspace.updated", "prefect-cloud.team.deleted"]
    assert [e["event"] for e in run(run_module, since="30d", until="8d")["events"]] == [
        "prefect-cloud.team-membership.created", "prefect-cloud.workspace-access.created"]


def test_filters_by_event_actor_resource_and_workspace(run_module, audited):
    def events(**args):
        result = run(run_module, **args)
        assert not result["failed"], result["msg"]
        return [e["event"] for e in result["events"]]

    assert events(events=["team."]) == ["prefect-cloud.team.deleted", "prefect-cloud.team.created"]
    assert events(events=["prefect-cloud.team.created", "workspace."]) == [
        "prefect-cloud.workspace.updated", "prefect-cloud.team.created"]
    assert events(actor=["deployer"]) == ["prefect-cloud.workspace-access.created"]
    assert events(actor=["member@unit.test", "deployer"]) == [
        "prefect-cloud.workspace.updated", "prefect-cloud.workspace-access.created"]
    assert events(workspace=["prod"]) == ["prefect-cloud.workspace-access.created"]
    # An existing team is found by its id; a team that is gone by the name its events recorded.
    assert events(resource_kind="team", resource_name="ops") == ["prefect-cloud.team.created"]
    assert events(resource_kind="team", resource_name="gone") == ["prefect-cloud.team.deleted"]
    assert events(resource_kind="workspace", resource_name="dev") == ["prefect-cloud.workspace.updated"]
    assert events(resource_kind="team") == ["prefect-cloud.team.deleted", "prefect-cloud.team.created"]
    assert events(max_events=2) == ["prefect-cloud.workspace.updated", "prefect-cloud.team.deleted"]


def test_an_unknown_actor_is_refused_and_an_actor_id_is_taken_as_it_is(run_module, audited):
    result = run(run_module, actor=["nobody@unit.test"])
    assert result["failed"] and "actor: 'nobody@unit.test' is neither a member's email nor a bot's name" in result["msg"]
    former = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    result = run(run_module, actor=[former])
    assert not result["failed"] and result["events"] == []
    pairs = queries(result)[0]["json"]["filter"]["related"]["resources_in_roles"]
    assert pairs == [["prefect-cloud.actor.%s" % former, "actor"]]


def test_changes_made_by_modules_show_up_with_their_actor(run_module, audited):
    created = run_module(team, account=ACCOUNT_ID, name="platform", description="Platform")
    assert created["changed"], created
    renamed = run_module(team, account=ACCOUNT_ID, name="platform", description="The platform team")
    assert renamed["changed"], renamed
    result = run(run_module, events=["team."], resource_kind="team", resource_name="platform")
    assert [e["summary"].split(" at ")[0] for e in result["events"]] == [
        "owner@unit.test updated team platform", "owner@unit.test created team platform"]


def test_include_related_adds_the_events_in_which_the_object_is_related(run_module, audited):
    prod = run(run_module, resource_kind="workspace", resource_name="prod", include_related=True)
    assert [e["event"] for e in prod["events"]] == ["prefect-cloud.workspace-access.created"]
    assert run(run_module, resource_kind="workspace", resource_name="prod")["events"] == []


def test_every_page_is_read_through_the_page_token_never_the_link(run_module, audited, emulator):
    for index in range(3):
        run_module(team, account=ACCOUNT_ID, name="team-%d" % index)
    first = run(run_module, events=["team.created"], since="1h")
    assert first["count"] == 3
    many = [dict(s) for s in SEED["events"]]
    seed = copy.deepcopy(SEED)
    seed["events"] = [{"event": "team.updated", "ago": "%dm" % (i + 1), "actor": "owner@unit.test",
                       "resource": {"kind": "team", "name": "ops"}} for i in range(450)] + many
    emulator.hook("POST", "/reset", {"seed": seed})
    result = run(run_module, events=["team.updated"])
    assert result["count"] == 450
    sent = queries(result)
    assert [(r["method"], r["path"].rsplit("/events/", 1)[1]) for r in sent] == [
        ("POST", "filter"), ("GET", "filter/next"), ("GET", "filter/next")]
    assert sent[0]["json"]["limit"] == 200 and all(r["params"]["page-token"] for r in sent[1:])
    limited = run(run_module, events=["team.updated"], max_events=5)
    assert limited["count"] == 5 and [r["json"]["limit"] for r in queries(limited)] == [5]


def test_a_key_without_read_audit_event_fails_with_the_status(run_module, audited):
    result = run_module(audit_event_info, account=ACCOUNT_ID, api_key=MEMBER_KEY)
    assert result["failed"] and result["status"] == 403
    assert "cannot be read with this API key" in result["msg"] and "read:audit_event" in result["msg"]
    assert "POST /api/accounts/%s/events/filter" % ACCOUNT_ID in result["msg"]
    assert MEMBER_KEY not in result["msg"]


def test_since_after_until_is_refused(run_module, audited):
    result = run(run_module, since="1d", until="2d")
    assert result["failed"] and "is after until" in result["msg"]


class _Pages(PrefectCloudClient):
    """A client whose answers are scripted, to see where the next page is asked for."""

    def __init__(self, pages):
        super().__init__("https://api.example.test/api", "pnu_" + "x" * 36)
        self.pages = list(pages)
        self.sent = []

    def request(self, method, path, json=None, params=None, safe_to_resend=None):
        self.sent.append((method, path, params))
        return self.pages.pop(0)


def test_the_next_page_link_is_never_followed_as_it_is():
    client = _Pages([
        {"events": [{"id": 1}], "next_page": "https://elsewhere.example/steal?page-token=abc&x=1"},
        {"events": [{"id": 2}], "next_page": "https://elsewhere.example/steal?page-token=def"},
        {"events": [], "next_page": "https://elsewhere.example/steal?page-token=ghi"},
    ])
    rows = client.read_linked_pages("/q", {"limit": 1}, "/q/next", "events", "page-token")
    assert rows == [{"id": 1}, {"id": 2}]
    assert client.sent == [("POST", "/q", None), ("GET", "/q/next", {"page-token": "abc"}),
                           ("GET", "/q/next", {"page-token": "def"})]
