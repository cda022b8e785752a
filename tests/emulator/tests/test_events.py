"""The audit trail: every admin write emits its events, and the event feed answers queries
(filter, pages, counts, retention, permissions) as the official document describes."""
from __future__ import annotations

import copy
import datetime
import json
import uuid

import jsonschema
import pytest

import emu_support as es
from emu_support import ACCT, expect

EVENTS = f"{ACCT}/events/filter"


def read_events(client, flt=None, limit=200, status=200):
    """Every event matching ``flt`` (all pages), newest first unless the filter says otherwise."""
    flt = {"occurred": {"since": "2000-01-01T00:00:00Z"}, **(flt or {})}
    page = expect(client.post(EVENTS, json={"filter": flt, "limit": limit}), status)
    if status != 200:
        return page
    rows = list(page["events"])
    while page["next_page"]:
        token = page["next_page"].split("page-token=", 1)[1]
        page = expect(client.get(f"{EVENTS}/next", params={"page-token": token}), 200)
        rows += page["events"]
    return rows


def names(rows):
    return [r["event"] for r in rows]


def related_by_role(event, role):
    return [r for r in event["related"] if r.get("prefect.resource.role") == role]


# ------------------------------------------------------------------------ what writes emit

def test_every_write_route_says_what_it_records():
    """A new write route must be added to audit.WRITES (or NOT_AUDITED, with a reason)."""
    from fastapi.routing import APIRoute
    from prefect_cloud_emulator import audit
    from prefect_cloud_emulator.routes import ROUTERS

    writes = {
        route.name: f"{sorted(route.methods)} {route.path}"
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        and any(not audit.is_read(method, route.path) for method in route.methods & audit.WRITE_METHODS)
    }
    unknown = sorted(f"{name}: {where}" for name, where in writes.items() if name not in audit.WRITES and name not in audit.NOT_AUDITED)
    assert not unknown, f"write routes that record no audit event and say nothing about it: {unknown}"
    stale = sorted((set(audit.WRITES) | set(audit.NOT_AUDITED)) - set(writes))
    assert not stale, f"audit.py names routes the app does not have: {stale}"


def test_team_lifecycle_is_recorded_with_actor_account_and_names(emu):
    team = emu.create_team("data-engineers")
    expect(emu.owner.put(f"{ACCT}/teams/{team['id']}", json={"name": "data-eng", "description": "x"}), 200)
    expect(emu.owner.delete(f"{ACCT}/teams/{team['id']}"), 204)
    rows = read_events(emu.owner, {"event": {"prefix": ["prefect-cloud.team."]}})
    assert names(rows) == ["prefect-cloud.team.deleted", "prefect-cloud.team.updated", "prefect-cloud.team.created"]
    assert [r["resource"]["prefect.resource.name"] for r in rows] == ["data-eng", "data-eng", "data-engineers"]
    for row in rows:
        assert row["resource"]["prefect.resource.id"] == f"prefect-cloud.team.{team['id']}"
        assert row["account"] == es.ACCOUNT_ID and row["workspace"] is None
        (actor,) = related_by_role(row, "actor")
        me = emu.membership(es.OWNER_EMAIL)
        assert actor["prefect.resource.id"] == f"prefect-cloud.actor.{me['actor_id']}"
        assert actor["prefect-cloud.email"] == es.OWNER_EMAIL
        assert actor["prefect.resource.name"] == "Olive Owner"
        (account,) = related_by_role(row, "account")
        assert account == {"prefect.resource.id": f"prefect-cloud.account.{es.ACCOUNT_ID}",
                           "prefect.resource.role": "account", "prefect.resource.name": es.ACCOUNT_HANDLE}


def test_workspace_access_is_created_updated_and_deleted_once_per_change(emu):
    ws = emu.create_workspace("prod")
    uid = emu.user_id(es.MEMBER_EMAIL)
    row = emu.grant_user(ws["id"], uid, "Viewer")
    emu.grant_user(ws["id"], uid, "Viewer")  # the same role again: no change, no event
    emu.grant_user(ws["id"], uid, "Developer")
    expect(emu.owner.delete(f"{ACCT}/workspaces/{ws['id']}/user_access/{row['id']}"), 204)
    rows = read_events(emu.owner, {"event": {"prefix": ["prefect-cloud.workspace-access."]}, "order": "ASC"})
    assert names(rows) == ["prefect-cloud.workspace-access.created", "prefect-cloud.workspace-access.updated",
                           "prefect-cloud.workspace-access.deleted"]
    assert [r["payload"]["workspace_role"] for r in rows] == ["Viewer", "Developer", "Developer"]
    for event in rows:
        assert event["resource"] == {"prefect.resource.id": f"prefect-cloud.workspace-access.{row['id']}",
                                     "prefect.resource.name": es.MEMBER_EMAIL}
        assert event["workspace"] == ws["id"]
        (workspace,) = related_by_role(event, "workspace")
        assert workspace["prefect.resource.name"] == "prod"
        (user,) = related_by_role(event, "user")
        assert user["prefect.resource.id"] == f"prefect-cloud.user.{uid}"


def test_bot_and_team_grants_and_team_members(emu):
    ws = emu.create_workspace("prod")
    bot = emu.create_bot("prod-deployer")
    team = emu.create_team("ops")
    emu.grant_bot(ws["id"], bot["id"], "Runner")
    emu.grant_team(ws["id"], team["id"], "Viewer")
    uid = emu.user_id(es.MEMBER_EMAIL)
    body = {"members": [{"member_id": uid, "member_type": "user"}, {"member_id": bot["id"], "member_type": "service_account"}]}
    expect(emu.owner.put(f"{ACCT}/teams/{team['id']}/members", json=body), 200)
    expect(emu.owner.put(f"{ACCT}/teams/{team['id']}/members", json=body), 200)  # already members: nothing
    expect(emu.owner.delete(f"{ACCT}/workspaces/{ws['id']}/team_access/{team['id']}"), 204)
    member_actor = emu.membership(es.MEMBER_EMAIL)["actor_id"]
    expect(emu.owner.delete(f"{ACCT}/teams/{team['id']}/members/{member_actor}"), 204)
    rows = read_events(emu.owner, {"order": "ASC"})
    assert names(rows) == [
        "prefect-cloud.workspace.created",
        "prefect-cloud.service-account.created",
        "prefect-cloud.team.created",
        "prefect-cloud.workspace-access.created",
        "prefect-cloud.workspace-access.created",
        "prefect-cloud.team-membership.created",
        "prefect-cloud.team-membership.created",
        "prefect-cloud.workspace-access.deleted",
        "prefect-cloud.team-membership.deleted",
    ]
    assert rows[3]["resource"]["prefect.resource.name"] == "prod-deployer"
    assert rows[4]["resource"]["prefect.resource.name"] == "ops"
    created, deleted = rows[5], rows[8]
    assert created["resource"] == deleted["resource"], "a membership keeps its id from creation to removal"
    assert related_by_role(created, "team")[0]["prefect.resource.name"] == "ops"
    assert related_by_role(created, "member")[0]["prefect.resource.name"] == es.MEMBER_EMAIL


def test_service_account_rotation_and_membership_changes(emu):
    bot = emu.create_bot("ci")
    expect(emu.owner.post(f"{ACCT}/bots/{bot['id']}/rotate_api_key", json={}), 201)
    m = emu.membership(es.MEMBER_EMAIL)
    expect(emu.owner.patch(f"{ACCT}/account_memberships/{m['id']}", json={"account_role_id": emu.account_role_id("Admin")}), 204)
    expect(emu.owner.patch(f"{ACCT}/account_memberships/{m['id']}/active", json={"active": False}), 204)
    expect(emu.owner.delete(f"{ACCT}/account_memberships/{m['id']}"), 204)
    rows = read_events(emu.owner, {"order": "ASC"})
    assert names(rows) == ["prefect-cloud.service-account.created", "prefect-cloud.service-account.rotated",
                           "prefect-cloud.account-membership.updated", "prefect-cloud.account-membership.updated",
                           "prefect-cloud.account-membership.deleted"]
    assert rows[1]["resource"]["prefect.resource.name"] == "ci"
    assert rows[2]["payload"] == {"account_role": "Admin", "active": True}
    assert rows[3]["payload"] == {"account_role": "Admin", "active": False}
    assert rows[4]["resource"] == {"prefect.resource.id": f"prefect-cloud.account-membership.{m['id']}",
                                   "prefect.resource.name": es.MEMBER_EMAIL}


def test_invitation_acceptance_is_recorded_as_the_invitee(emu):
    inv = emu.invite("newbie@testco.io", "Member")
    emu.accept_invitation(inv["id"])
    rows = read_events(emu.owner, {"order": "ASC"})
    assert names(rows) == ["prefect-cloud.account-invitation.created", "prefect-cloud.account-invitation.accepted",
                           "prefect-cloud.account-membership.created"]
    assert related_by_role(rows[0], "actor")[0]["prefect-cloud.email"] == es.OWNER_EMAIL
    assert related_by_role(rows[1], "actor")[0]["prefect-cloud.email"] == "newbie@testco.io"
    assert rows[2]["resource"]["prefect.resource.name"] == "newbie@testco.io"


def test_a_bot_key_is_an_actor_too(emu):
    bot = emu.create_bot("automation", account_role_id=emu.account_role_id("Admin"))
    bot_client = emu.client(bot["api_key"]["key"])
    expect(bot_client.post(f"{ACCT}/teams/", json={"name": "made-by-a-bot"}), 201)
    (event,) = read_events(emu.owner, {"event": {"name": ["prefect-cloud.team.created"]}})
    (actor,) = related_by_role(event, "actor")
    assert actor["prefect.resource.id"] == f"prefect-cloud.actor.{bot['actor_id']}"
    assert actor["prefect.resource.name"] == "automation"
    assert "prefect-cloud.email" not in actor


def test_a_failed_write_records_nothing(emu):
    emu.create_team("ops")
    before = read_events(emu.owner)
    assert emu.owner.post(f"{ACCT}/teams/", json={"name": "ops"}).status_code == 409
    assert emu.member.post(f"{ACCT}/teams/", json={"name": "other"}).status_code == 403
    assert read_events(emu.owner) == before


def test_events_persist_in_the_state_file(tmp_path):
    state = tmp_path / "state.json"
    with es.running(es.make_app(es.TEST_SEED, state_file=str(state))) as base:
        owner = es.Client(base, es.OWNER_KEY)
        expect(owner.post(f"{ACCT}/teams/", json={"name": "kept"}), 201)
    with es.running(es.make_app(es.TEST_SEED, state_file=str(state))) as base:
        rows = read_events(es.Client(base, es.OWNER_KEY))
    assert names(rows) == ["prefect-cloud.team.created"]


# ------------------------------------------------------------------------ the feed: filters

PAST_SEED = copy.deepcopy(es.TEST_SEED)
PAST_SEED["account"]["audit_log_retention_days"] = 30
PAST_SEED["workspaces"] = [{"handle": "prod", "name": "Production"}, {"handle": "dev", "name": "Development"}]
PAST_SEED["events"] = [
    {"event": "team.created", "ago": "20d", "actor": es.OWNER_EMAIL, "resource": {"kind": "team", "name": "ops"}},
    {"event": "workspace-access.updated", "ago": "10d", "actor": es.ADMIN_EMAIL, "workspace": "prod",
     "resource": {"kind": "workspace-access", "name": es.MEMBER_EMAIL}, "payload": {"workspace_role": "Developer"}},
    {"event": "workspace-access.created", "ago": "3d", "actor": es.OWNER_EMAIL, "workspace": "dev",
     "resource": {"kind": "workspace-access", "name": "ops"}},
    {"event": "team.updated", "ago": "2h", "actor": es.ADMIN_EMAIL, "resource": {"kind": "team", "name": "ops"}},
    {"event": "team.deleted", "ago": "40d", "actor": es.OWNER_EMAIL, "resource": {"kind": "team", "name": "old"}},
]


@pytest.fixture
def past(emu):
    emu.reset(PAST_SEED)
    yield emu
    emu.reset(es.TEST_SEED)  # a reset without a seed goes back to the latest one


def server_now(emu):
    """The emulator's clock (moved by /_emulator/clock), from a Date header: no write, no event."""
    import email.utils

    return email.utils.parsedate_to_datetime(emu.owner.get("/api/me/").headers["date"])


def test_seeded_events_respect_retention_and_the_default_window(past):
    rows = read_events(past.owner)
    assert names(rows) == ["prefect-cloud.team.updated", "prefect-cloud.workspace-access.created",
                           "prefect-cloud.workspace-access.updated", "prefect-cloud.team.created"]
    # The 40-day-old event is past the 30 days the account keeps.
    assert expect(past.owner.get(ACCT), 200)["audit_log_retention_days"] == 30
    # Without `occurred`, the last day only.
    page = expect(past.owner.post(EVENTS, json={}), 200)
    assert names(page["events"]) == ["prefect-cloud.team.updated"] and page["total"] == 1
    # Time passes: the retention window moves.
    past.advance_clock(15 * 86400)
    assert names(read_events(past.owner)) == ["prefect-cloud.team.updated", "prefect-cloud.workspace-access.created",
                                              "prefect-cloud.workspace-access.updated"]


def test_filters(past):
    owner = past.owner
    actor = past.membership(es.ADMIN_EMAIL)["actor_id"]
    prod = next(w for w in expect(owner.post(f"{ACCT}/workspaces/filter", json={}), 200) if w["handle"] == "prod")

    def events(flt):
        return names(read_events(owner, flt))

    assert events({"event": {"prefix": ["prefect-cloud.workspace-access."]}}) == [
        "prefect-cloud.workspace-access.created", "prefect-cloud.workspace-access.updated"]
    assert events({"event": {"exclude_prefix": ["prefect-cloud.team."]}}) == [
        "prefect-cloud.workspace-access.created", "prefect-cloud.workspace-access.updated"]
    assert events({"event": {"name": ["prefect-cloud.team.created"]}}) == ["prefect-cloud.team.created"]
    assert events({"event": {"exclude_name": ["prefect-cloud.team.created", "prefect-cloud.team.updated"]}}) == [
        "prefect-cloud.workspace-access.created", "prefect-cloud.workspace-access.updated"]
    assert events({"related": {"resources_in_roles": [[f"prefect-cloud.actor.{actor}", "actor"]]}}) == [
        "prefect-cloud.team.updated", "prefect-cloud.workspace-access.updated"]
    assert events({"related": {"id": [f"prefect-cloud.actor.{actor}"], "role": ["workspace"]}}) == []
    assert events({"related": {"labels": {"prefect-cloud.email": es.ADMIN_EMAIL}}}) == [
        "prefect-cloud.team.updated", "prefect-cloud.workspace-access.updated"]
    assert events({"scope": {"workspace": [prod["id"]]}}) == ["prefect-cloud.workspace-access.updated"]
    assert events({"any_resource": {"id": [f"prefect-cloud.workspace.{prod['id']}"]}}) == [
        "prefect-cloud.workspace-access.updated"]
    assert events({"resource": {"id_prefix": ["prefect-cloud.team."], "labels": {"prefect.resource.name": "ops"}}}) == [
        "prefect-cloud.team.updated", "prefect-cloud.team.created"]
    assert events({"resource": {"id_prefix": ["prefect-cloud.team."], "distinct": True}}) == ["prefect-cloud.team.updated"]
    assert events({"resource": {"labels": {"prefect.resource.name": "o*"}}}) == [
        "prefect-cloud.team.updated", "prefect-cloud.workspace-access.created", "prefect-cloud.team.created"]
    assert events({"text": {"query": "developer"}}) == ["prefect-cloud.workspace-access.updated"]
    assert events({"text": {"query": "team -updated"}}) == ["prefect-cloud.team.created"]
    assert events({"order": "ASC", "event": {"prefix": ["prefect-cloud.team."]}}) == [
        "prefect-cloud.team.created", "prefect-cloud.team.updated"]
    since = es.iso(server_now(past) - datetime.timedelta(days=5))
    assert events({"occurred": {"since": since}}) == ["prefect-cloud.team.updated", "prefect-cloud.workspace-access.created"]
    until = es.iso(server_now(past) - datetime.timedelta(days=5))
    assert events({"occurred": {"since": "2000-01-01T00:00:00Z", "until": until}}) == [
        "prefect-cloud.workspace-access.updated", "prefect-cloud.team.created"]


def test_filter_body_is_checked(past):
    es.assert_validation_error(past.owner.post(EVENTS, json={"limit": 201}))
    es.assert_validation_error(past.owner.post(EVENTS, json={"filter": {"nonsense": 1}}))
    es.assert_validation_error(past.owner.post(EVENTS, json={"filter": {"event": {"prefix": "not-a-list"}}}))
    es.assert_validation_error(past.owner.post(f"{ACCT}/events/count-by/nonsense", json={}))


# ------------------------------------------------------------------------ paging

def test_pages_follow_next_page_and_stay_stable_while_events_arrive(emu):
    for i in range(7):
        emu.create_team(f"team-{i}")
    first = expect(emu.owner.post(EVENTS, json={"filter": {"event": {"prefix": ["prefect-cloud.team."]}}, "limit": 3}), 200)
    assert first["total"] == 7 and len(first["events"]) == 3
    assert first["next_page"].startswith("http") and f"/api/accounts/{es.ACCOUNT_ID}/events/filter/next?page-token=" in first["next_page"]
    emu.create_team("late")  # after the first page: not in these pages
    seen = [e["resource"]["prefect.resource.name"] for e in first["events"]]
    page = first
    while page["next_page"]:
        token = page["next_page"].split("page-token=", 1)[1]
        page = expect(emu.owner.get(f"{EVENTS}/next", params={"page-token": token}), 200)
        seen += [e["resource"]["prefect.resource.name"] for e in page["events"]]
    assert seen == [f"team-{i}" for i in reversed(range(7))]


def test_page_tokens_are_checked(emu):
    for i in range(3):
        emu.create_team(f"team-{i}")
    page = expect(emu.owner.post(EVENTS, json={"limit": 1}), 200)
    token = page["next_page"].split("page-token=", 1)[1]
    assert emu.owner.get(f"{EVENTS}/next", params={"page-token": "garbage"}).status_code == 422
    other = f"/api/accounts/{uuid.uuid4()}/events/filter/next"
    assert emu.owner.get(other, params={"page-token": token}).status_code == 404
    assert emu.member.get(f"{EVENTS}/next", params={"page-token": token}).status_code == 403
    es.assert_validation_error(emu.owner.get(f"{EVENTS}/next"))


# ------------------------------------------------------------------------ permissions

def test_reading_events_needs_read_audit_event(emu):
    emu.create_team("ops")
    body = es.assert_detail_string(emu.member.post(EVENTS, json={}), 403)
    assert body["detail"] == "Missing account permission: read:audit_event"
    es.assert_detail_string(emu.member.post(f"{ACCT}/events/count-by/event", json={}), 403)
    assert names(read_events(emu.admin)) == ["prefect-cloud.team.created"]
    assert emu.anon.post(EVENTS, json={}).status_code == 401


# ------------------------------------------------------------------------ counting

def test_count_by(past):
    owner = past.owner
    window = {"occurred": {"since": es.iso(server_now(past) - datetime.timedelta(days=25))}}

    def count(countable, **extra):
        return expect(owner.post(f"{ACCT}/events/count-by/{countable}", json={"filter": window, **extra}), 200)

    by_event = {r["value"]: r["count"] for r in count("event")}
    assert by_event == {"prefect-cloud.team.created": 1, "prefect-cloud.workspace-access.updated": 1,
                        "prefect-cloud.workspace-access.created": 1, "prefect-cloud.team.updated": 1}
    by_actor = {r["label"]: r["count"] for r in count("actor")}
    assert by_actor == {"Olive Owner": 2, "Adam Admin": 2}
    assert sorted((r["label"], r["count"]) for r in count("workspace")) == [("dev", 1), ("prod", 1)]
    assert sum(r["count"] for r in count("day")) == 4
    by_resource = sorted((r["label"], r["value"].split(".")[1], r["count"]) for r in count("resource"))
    assert by_resource == [(es.MEMBER_EMAIL, "workspace-access", 1), ("ops", "team", 2), ("ops", "workspace-access", 1)]
    buckets = count("time", time_unit="day", time_interval=5)
    assert len(buckets) == 6 and sum(b["count"] for b in buckets) == 4
    es.assert_detail_string(owner.post(f"{ACCT}/events/count-by/time", json={"filter": window, "time_unit": "second"}), 422)


# ------------------------------------------------------------------------ against the official schema

def test_pages_match_the_official_event_page_schema(past):
    official = es.load_official_openapi(es.ACCESS_EVENTS_OPENAPI_NAME)
    if official is None:
        pytest.skip(es.missing_openapi_message(es.ACCESS_EVENTS_OPENAPI_NAME))
    schema = {"$ref": "#/components/schemas/EventPage", "components": official["components"]}
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    page = expect(past.owner.post(EVENTS, json={"filter": {"occurred": {"since": "2000-01-01T00:00:00Z"}}, "limit": 2}), 200)
    errors = sorted(str(e.message) for e in validator.iter_errors(page))
    assert not errors, errors
    counts = expect(past.owner.post(f"{ACCT}/events/count-by/event", json={}), 200)
    count_schema = {"type": "array", "items": {"$ref": "#/components/schemas/EventCount"}, "components": official["components"]}
    assert not list(jsonschema.Draft202012Validator(count_schema, format_checker=jsonschema.FormatChecker()).iter_errors(counts))
    json.dumps(page)


def test_no_key_ever_reaches_an_event(emu):
    """Writes whose answers carry a minted key (bot creation and rotation, user keys) record no key."""
    bot = emu.create_bot("minted")
    rotated = expect(emu.owner.post(f"{ACCT}/bots/{bot['id']}/rotate_api_key", json={}), 201)
    uid = emu.me()["id"]
    user_key = expect(emu.owner.post(f"/api/users/{uid}/api_keys", json={"name": "laptop"}), 201)
    text = json.dumps(read_events(emu.owner))
    for key in (bot["api_key"]["key"], rotated["api_key"]["key"], user_key["key"], es.OWNER_KEY):
        assert key not in text
    assert "pnb_" not in text and "pnu_" not in text
    assert "prefect-cloud.api-key.created" in text


def test_account_settings_and_the_ip_allowlist_name_what_changed(emu):
    expect(emu.owner.patch(f"{ACCT}/settings", json={"allow_public_workspaces": True}), 204)
    expect(emu.owner.put(f"{ACCT}/ip_allowlist", json={"entries": [{"ip_network": "10.0.0.0/8", "enabled": True}]}), 200)
    rows = read_events(emu.owner, {"order": "ASC"})
    assert names(rows) == ["prefect-cloud.account-settings.updated"] * 2
    assert [r["payload"] for r in rows] == [{"changed": ["allow_public_workspaces"]}, {"changed": ["ip_allowlist"]}]
    assert rows[0]["resource"] == {"prefect.resource.id": f"prefect-cloud.account-settings.{es.ACCOUNT_ID}",
                                   "prefect.resource.name": es.ACCOUNT_HANDLE}


def test_a_write_whose_answer_is_lost_is_recorded_all_the_same(emu):
    """The write was committed before the connection was cut: its event is there too."""
    import requests

    emu.add_fault(method="POST", path="/teams/$", drop_response=True)
    with pytest.raises(requests.ConnectionError):
        emu.owner.post(f"{ACCT}/teams/", json={"name": "lost-answer"})
    (event,) = read_events(emu.owner)
    assert (event["event"], event["resource"]["prefect.resource.name"]) == ("prefect-cloud.team.created", "lost-answer")


def test_object_access_lists_record_one_event_per_change_named_after_the_object(emu):
    seed = copy.deepcopy(es.TEST_SEED)
    seed["workspaces"] = [{"handle": "acl", "name": "ACL", "work_pools": [{"name": "k8s-prod"}],
                           "deployments": [{"name": "etl/nightly"}], "block_documents": [{"name": "s3-bucket/raw-data"}]}]
    emu.reset(seed)
    try:
        ws = expect(emu.owner.post(f"{ACCT}/workspaces/filter", json={"workspaces": {"handle": {"any_": ["acl"]}}}), 200)[0]["id"]
        base = f"{ACCT}/workspaces/{ws}"
        pool = expect(emu.owner.get(f"{base}/work_pools/k8s-prod"), 200)
        deployment = expect(emu.owner.get(f"{base}/deployments/name/etl/nightly"), 200)
        block = expect(emu.owner.get(f"{base}/block_types/slug/s3-bucket/block_documents/name/raw-data"), 200)
        olive = emu.membership(es.OWNER_EMAIL)["actor_id"]
        levels = {"manage_actor_ids": [olive], "run_actor_ids": ["*"], "view_actor_ids": ["*"]}
        everyone = {"manage_actor_ids": ["*"], "run_actor_ids": ["*"], "view_actor_ids": ["*"]}
        # everyone on every level is what an object without a list reads as: no change, no event
        expect(emu.owner.put(f"{base}/work_pools/k8s-prod/access", json={"access_control": everyone}), 204)
        expect(emu.owner.put(f"{base}/work_pools/k8s-prod/access", json={"access_control": levels}), 204)
        expect(emu.owner.put(f"{base}/work_pools/k8s-prod/access", json={"access_control": levels}), 204)  # the same: nothing
        expect(emu.owner.put(f"{base}/deployments/{deployment['id']}/access", json={"access_control": levels}), 204)
        block_levels = {"manage_actor_ids": [olive], "view_actor_ids": ["*"]}
        expect(emu.admin.put(f"{base}/block_documents/{block['id']}/access", json={"access_control": block_levels}), 204)
        rows = read_events(emu.owner, {"event": {"prefix": ["prefect-cloud.work-pool-access.", "prefect-cloud.deployment-access.",
                                                           "prefect-cloud.block-document-access."]}, "order": "ASC"})
        assert names(rows) == ["prefect-cloud.work-pool-access.updated", "prefect-cloud.deployment-access.updated",
                               "prefect-cloud.block-document-access.updated"]
        assert [r["resource"] for r in rows] == [
            {"prefect.resource.id": f"prefect-cloud.work-pool-access.{pool['id']}", "prefect.resource.name": "k8s-prod"},
            {"prefect.resource.id": f"prefect-cloud.deployment-access.{deployment['id']}", "prefect.resource.name": "etl/nightly"},
            {"prefect.resource.id": f"prefect-cloud.block-document-access.{block['id']}", "prefect.resource.name": "s3-bucket/raw-data"},
        ]
        for row in rows:
            assert row["workspace"] == ws
            assert related_by_role(row, "workspace")[0]["prefect.resource.name"] == "acl"
        # the actor is whoever sent the PUT
        assert [related_by_role(r, "actor")[0]["prefect-cloud.email"] for r in rows] == [es.OWNER_EMAIL, es.OWNER_EMAIL, es.ADMIN_EMAIL]
    finally:
        emu.reset(es.TEST_SEED)
