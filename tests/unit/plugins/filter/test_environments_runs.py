"""The filters of the environments role's runs and playbooks: team memberships that wait, key rotation by the
declaration, the drift audit's report (no server needed)."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.prefect.cloud.plugins.filter import environments_audit, environments_memberships, environments_rotation
from ansible_collections.prefect.cloud.plugins.filter.environments_audit import audit_drift, audit_report, audit_unmanaged, field_changes
from ansible_collections.prefect.cloud.plugins.filter.environments_memberships import team_memberships
from ansible_collections.prefect.cloud.plugins.filter.environments_rotation import rotation_entries

TEAMS = [
    {"name": "analysts", "description": "Reads", "users": ["dan@acme.io", "Priya@acme.io"], "bots": ["ci"]},
    {"name": "ops", "users": ["priya@acme.io", "ghost@acme.io"]},
]
INVITED = [{"email": "priya@acme.io", "status": "pending", "id": "eacec617-d0a0-4f76-bdfb-b61b9bf75b39", "expiration": "2026-03-09T14:05:12Z"}]


# ------------------------------------------------------------ team memberships that wait for an invitation

def test_an_invited_persons_memberships_wait_and_the_others_are_kept(monkeypatch):
    warnings = []
    monkeypatch.setattr(environments_memberships.display, "warning", warnings.append)
    result = team_memberships(TEAMS, ["dan@acme.io"], INVITED)
    assert result["entries"] == [
        {"name": "analysts", "users": ["dan@acme.io"], "bots": ["ci"], "description": "Reads"},
        # a user neither member nor invited stays: the role's reference check refuses it before any write
        {"name": "ops", "users": ["ghost@acme.io"], "bots": []},
    ]
    assert result["pending"] == [{
        "user": "priya@acme.io", "teams": ["analysts", "ops"],
        "invitation_id": "eacec617-d0a0-4f76-bdfb-b61b9bf75b39", "invitation_expiration": "2026-03-09T14:05:12Z",
    }]
    assert len(warnings) == 1
    assert "priya@acme.io joins analysts, ops after accepting invitation eacec617-d0a0-4f76-bdfb-b61b9bf75b39" in warnings[0]


def test_a_member_joins_at_once_and_nothing_waits(monkeypatch):
    warnings = []
    monkeypatch.setattr(environments_memberships.display, "warning", warnings.append)
    result = team_memberships(TEAMS[:1], ["dan@acme.io", "priya@acme.io"], INVITED)
    assert result["entries"][0]["users"] == ["dan@acme.io", "Priya@acme.io"]
    assert result["pending"] == [] and warnings == []


def test_an_invitation_not_sent_yet_has_no_id(monkeypatch):
    monkeypatch.setattr(environments_memberships.display, "warning", lambda msg: None)
    result = team_memberships(TEAMS[:1], ["dan@acme.io"], [{"email": "priya@acme.io", "status": "pending"}], warn=False)
    assert result["pending"][0]["invitation_id"] is None


# ------------------------------------------------------------ key rotation by the declaration

ROTATION = {
    "environments": [{"name": "dev"}, {"name": "prod", "deployer": {"key_expiration": "7d", "old_key_expires_in_seconds": 60}},
                     {"name": "scratch", "deployer": False}],
    "deployer": {"name_prefix": "deployer-", "key_expiration": "90d", "old_key_expires_in_seconds": 3600},
    "bots": [{"name": "ci", "key_expiration": "30d"}, {"name": "forever", "key_expiration": "", "old_key_expires_in_seconds": 0}],
}


def test_each_bot_is_rotated_as_the_declaration_says():
    entries = rotation_entries(["ci", "deployer-dev", "deployer-prod", "forever", "stranger"], ROTATION)
    assert entries == [
        {"name": "ci", "rotate_api_key": True, "api_key_expiration": "30d", "old_key_expires_in_seconds": 3600},
        {"name": "deployer-dev", "rotate_api_key": True, "api_key_expiration": "90d", "old_key_expires_in_seconds": 3600},
        {"name": "deployer-prod", "rotate_api_key": True, "api_key_expiration": "7d", "old_key_expires_in_seconds": 60},
        {"name": "forever", "rotate_api_key": True, "old_key_expires_in_seconds": 0},
        # a bot the declaration does not name: the deployer defaults
        {"name": "stranger", "rotate_api_key": True, "api_key_expiration": "90d", "old_key_expires_in_seconds": 3600},
    ]


def test_the_rotation_described():
    assert rotation_entries(["ci", "forever"], ROTATION, describe=True) == [
        "ci (new key expires in 30d; the old key works 3600 s more)", "forever (new key never expires; the old key works 0 s more)"]


def test_the_playbooks_variables_override_every_bot():
    entries = rotation_entries(["ci", "deployer-prod"], ROTATION, {"key_expiration": "14d", "old_key_expires_in_seconds": None})
    assert [(e["api_key_expiration"], e["old_key_expires_in_seconds"]) for e in entries] == [("14d", 3600), ("14d", 60)]


def test_a_declaration_without_deployer_settings_gets_the_roles_defaults():
    assert rotation_entries(["ci"], {"bots": [{"name": "ci"}]}) == [
        {"name": "ci", "rotate_api_key": True, "api_key_expiration": "90d", "old_key_expires_in_seconds": 3600}]
    with pytest.raises(AnsibleFilterError):
        rotation_entries(["ci"], None)


# ------------------------------------------------------------ the audit

ACCESS_CHANGE = {
    "audit_kind": "workspace_access", "changed": True, "msg": "grants on 'analytics-live' updated",
    "item": {"workspace": "analytics-live"},
    "diff": {
        "before": {"workspace": "analytics-live", "grants": [
            {"team": "analysts", "workspace_role": "Viewer"}, {"user": "bob@acme.io", "workspace_role": "Developer"}]},
        "after": {"workspace": "analytics-live", "grants": [
            {"team": "analysts", "workspace_role": "Runner"}, {"bot": "ci", "workspace_role": "Runner"}]},
    },
}
TEAM_CHANGE = {
    "audit_kind": "team", "changed": True, "msg": "2 team(s): 1 updated, 1 created",
    "diff": {"before": {"teams": [{"name": "analysts", "description": "", "users": ["dan@acme.io"], "bots": []}]},
             "after": {"teams": [{"name": "analysts", "description": "", "users": ["erin@acme.io"], "bots": []},
                                 {"name": "ops", "description": "", "users": [], "bots": []}]}},
}
# The same change as the team module's bulk form reports it: one diff row per entry that changes, an
# empty one where there is no object (before a creation).
TEAM_CHANGE_PER_ENTRY = dict(TEAM_CHANGE, msg="2 teams: 1 updated, 1 created", diff={
    "before": {"teams": [{"name": "analysts", "description": "", "users": ["dan@acme.io"], "bots": []}, {}]},
    "after": {"teams": [{"name": "analysts", "description": "", "users": ["erin@acme.io"], "bots": []},
                        {"name": "ops", "description": "", "users": [], "bots": []}]}})
MEMBER_REMOVAL = {"audit_kind": "account_member", "changed": True, "email": "carol@acme.io", "action": "delete", "msg": "removed",
                  "diff": {"before": {"email": "carol@acme.io", "account_role": "Member"}, "after": {}}}


def test_an_entry_of_the_workspace_access_list_form_is_named_by_its_workspace():
    """The role converges every workspace of an account in one task: each entry of its results is one workspace."""
    entry = dict(ACCESS_CHANGE, item="4db86fa3-9bc2-4d09-9df0-86b0fe7c6477", workspace="analytics-live", action="update")
    [drift] = audit_drift([entry])
    assert drift["object"] == "analytics-live"
    assert drift["msg"].startswith(u"team analysts on analytics-live: Viewer \u2192 Runner")


def test_the_drift_says_what_would_change_field_by_field():
    drift = audit_drift([ACCESS_CHANGE, {"audit_kind": "bot", "changed": False}])
    assert len(drift) == 1
    assert drift[0]["kind"] == "workspace_access" and drift[0]["object"] == "analytics-live" and drift[0]["action"] == "change"
    assert drift[0]["msg"] == (
        u"team analysts on analytics-live: Viewer \u2192 Runner; user bob@acme.io on analytics-live: Developer \u2192 (revoked); "
        u"bot ci on analytics-live: (no grant) \u2192 Runner"
    )
    assert drift[0]["changes"][0] == {"field": ["grants", "team analysts", "workspace_role"], "before": "Viewer", "after": "Runner"}
    assert set(drift[0]) == {"kind", "object", "action", "changes", "msg", "module_msg", "before", "after"}


@pytest.mark.parametrize("team_change", [TEAM_CHANGE, TEAM_CHANGE_PER_ENTRY])
def test_a_bulk_result_gives_one_entry_per_object_that_differs(team_change):
    drift = audit_drift([team_change, MEMBER_REMOVAL])
    assert [(d["kind"], d["object"], d["action"]) for d in drift] == [
        ("team", "analysts", "change"), ("team", "ops", "create"), ("account_member", "carol@acme.io", "remove")]
    assert drift[0]["msg"] == "team analysts: users: + erin@acme.io, - dan@acme.io"
    assert drift[1]["msg"] == "team ops: would be created"


def test_a_scalar_change_names_its_field():
    assert field_changes({"account_role": "Member"}, {"account_role": "Admin"}) == [
        {"field": ["account_role"], "before": "Member", "after": "Admin"}]


def test_unmanaged_objects_are_listed_unless_the_drift_removes_them():
    drift = audit_drift([ACCESS_CHANGE, MEMBER_REMOVAL])
    unmanaged = audit_unmanaged(
        {"workspaces": ["analytics-live", "sandbox"], "teams": ["analysts", "finance"], "bots": ["ci", "old-bot"],
         "members": ["Dan@acme.io", "carol@acme.io", "zed@acme.io"],
         "grants": {"analytics-live": [{"team": "analysts", "workspace_role": "Viewer"}, {"user": "bob@acme.io", "workspace_role": "Developer"},
                                       {"user": "zed@acme.io", "workspace_role": "Viewer"}]}},
        {"workspaces": ["analytics-live"], "teams": ["analysts"], "bots": ["ci"], "people": ["dan@acme.io"],
         "grants": {"analytics-live": [{"team": "analysts", "workspace_role": "Runner"}]}},
        drift,
    )
    assert unmanaged == {
        "workspaces": ["sandbox"], "teams": ["finance"], "bots": ["old-bot"],
        "members": ["zed@acme.io"],  # carol is removed by the drift: counted there
        "grants": [{"user": "zed@acme.io", "workspace": "analytics-live", "workspace_role": "Viewer"}],  # bob's is revoked
    }


def test_the_report_status_is_clean_drift_or_error():
    clean = audit_report([], {"teams": ["finance"]}, [{"user": "priya@acme.io", "teams": ["ops"]}], report_path="r.json")
    assert clean["status"] == "clean" and clean["counts"]["drift"] == 0 and clean["counts"]["unmanaged"] == 1
    assert clean["summary"][0] == "CLEAN: the account matches the declaration (report: r.json)."
    assert "  - priya@acme.io joins ops once they accept their invitation" in clean["summary"]
    assert "  - teams: finance" in clean["summary"]
    drift = audit_report(audit_drift([ACCESS_CHANGE]))
    assert drift["status"] == "drift" and drift["counts"]["change"] == 1 and drift["count"] == 1
    assert drift["summary"][1].startswith(u"  - team analysts on analytics-live: Viewer \u2192 Runner")
    error = audit_report(audit_drift([ACCESS_CHANGE]), error="GET /api/me/ failed (HTTP 401): Invalid API key")
    assert error["status"] == "error" and error["error"].endswith("Invalid API key")
    assert error["summary"][0].startswith("ERROR: the audit could not finish")


def test_the_summary_says_who_changed_each_drift_and_once_when_nobody_can_tell():
    from ansible_collections.prefect.cloud.plugins.filter.attribution import attribute_drift

    drift = audit_drift([ACCESS_CHANGE])
    event = {"event": "prefect-cloud.workspace-access.updated", "occurred": "2026-12-07T14:02:11Z",
             "resource_kind": "workspace-access", "workspace": "analytics-live", "actor": {"name": "mel@acme.io"}}
    attributed = audit_report(attribute_drift(drift, {"events": [event]}))["summary"]
    assert attributed[2] == ("    changed outside the declaration by mel@acme.io at 2026-12-07T14:02:11Z "
                             "(prefect-cloud.workspace-access.updated)")
    refused = {"failed": True, "status": 403, "msg": "permission denied"}
    unattributed = audit_report(attribute_drift(drift + drift, refused))["summary"]
    assert [line for line in unattributed if "unavailable" in line] == [
        "  (attribution unavailable: the key cannot read the audit trail (permission denied))"]


def test_the_filters_are_registered():
    assert set(environments_audit.FilterModule().filters()) == {
        "environments_audit_drift", "environments_audit_unmanaged", "environments_audit_report"}
    assert set(environments_rotation.FilterModule().filters()) == {"environments_rotation_entries"}
    assert set(environments_memberships.FilterModule().filters()) == {"environments_team_memberships"}


# ------------------------------------------------------------ the export

from ansible_collections.prefect.cloud.plugins.filter.environments_export import duration, export_declaration, key_settings  # noqa: E402


def key(created, expiration, rotating=None):
    return {"api_keys": {"active": {"created": created, "expiration": expiration}, "rotating": rotating or []}}


READS = {
    "account": "acme",
    "workspaces": [
        {"handle": "acme-dev", "name": "Development", "description": "", "default_workspace_role": None},
        {"handle": "acme-prod", "name": "Production", "description": "Flows that matter", "default_workspace_role": "Viewer"},
        {"handle": "sandbox", "name": "Sandbox", "description": None, "default_workspace_role": None},
    ],
    "access": {
        "acme-dev": {"users": [{"email": "Dan@acme.io", "workspace_role": "Developer"}],
                     "bots": [{"bot_name": "deployer-dev", "workspace_role": "Developer"}], "teams": []},
        "acme-prod": {"users": [], "teams": [], "bots": [
            {"bot_name": "deployer-prod", "workspace_role": "Runner"}, {"bot_name": "ci", "workspace_role": "Runner"}]},
        "sandbox": {"users": [], "bots": [{"bot_name": "ci", "workspace_role": "Developer"}], "teams": []},
    },
    "bots": [
        dict({"name": "deployer-dev", "account_role": "Member"}, **key("2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z")),
        dict({"name": "deployer-prod", "account_role": "Member"},
             **key("2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z", [{"expiration": "2026-01-01T01:00:00Z"}])),
        dict({"name": "ci", "account_role": "Member"}, **key("2026-01-01T00:00:00Z", "2026-01-31T00:00:00Z")),
        dict({"name": "forever", "account_role": "Admin"}, **key("2026-01-01T00:00:00Z", None)),
    ],
    "teams": [{"name": "engineers", "description": "", "users": ["dan@acme.io"], "bots": [],
               "workspaces": [{"workspace_handle": "acme-dev", "workspace_role_name": "Developer"},
                              {"workspace_handle": "acme-prod", "workspace_role_name": "Viewer"}]}],
    "members": [{"email": "Dan@acme.io", "account_role": "Admin"}],
    "invitations": [{"email": "priya@acme.io", "workspace": None, "expired": False, "account_role": "Member"},
                    {"email": "old@acme.io", "workspace": None, "expired": True, "account_role": "Member"}],
    "workspace_roles": [],
    "ip_allowlist": {"available": False},
}


def test_the_export_recognises_deployers_the_workspace_prefix_and_the_keys():
    declaration = export_declaration(READS, {"keys_directory": "/keys"})
    assert declaration["prefect_environments_workspace_prefix"] == "acme-"
    assert declaration["prefect_environments"] == [
        {"name": "dev", "title": "Development", "grants": [{"user": "dan@acme.io", "workspace_role": "Developer"}]},
        {"name": "prod", "title": "Production", "description": "Flows that matter", "default_workspace_role": "Viewer",
         "deployer": {"workspace_role": "Runner"},
         "grants": [{"bot": "ci", "workspace_role": "Runner"}]},
        # not named by the prefix: its handle, explicitly; no bot named deployer-sandbox
        {"name": "sandbox", "workspace": "sandbox", "title": "Sandbox", "deployer": False,
         "grants": [{"bot": "ci", "workspace_role": "Developer"}]},
    ]
    assert declaration["prefect_environments_deployer"] == {
        "name_prefix": "deployer-", "account_role": "Member", "workspace_role": "Developer", "key_expiration": "90d",
        # the one grace window the keys show (deployer-prod's old key worked an hour after its rotation)
        "old_key_expires_in_seconds": 3600}
    assert declaration["prefect_environments_bots"] == [
        {"name": "ci", "account_role": "Member", "key_expiration": "30d"},
        {"name": "forever", "account_role": "Admin", "key_expiration": ""},
    ]
    assert declaration["prefect_environments_teams"][0]["roles"] == {"dev": "Developer", "prod": "Viewer"}
    assert [p["email"] for p in declaration["prefect_environments_people"]] == ["dan@acme.io", "priya@acme.io"]
    assert declaration["prefect_environments_keys"] == {"directory": "/keys", "remint_missing": False}
    assert "prefect_environments_ip_allowlist" not in declaration


def test_a_stripped_name_that_is_another_workspaces_handle_keeps_both_handles():
    reads = dict(READS, workspaces=READS["workspaces"] + [{"handle": "dev", "name": "Old dev"}], access=dict(READS["access"], dev={}))
    environments = export_declaration(reads)["prefect_environments"]
    assert [(e["name"], e.get("workspace")) for e in environments] == [
        ("acme-dev", "acme-dev"), ("prod", None), ("sandbox", "sandbox"), ("dev", "dev")]
    # deployer-dev no longer fits acme-dev's name: a plain grant
    assert environments[0]["deployer"] is False


def test_durations_and_key_settings():
    assert duration(90 * 86400) == "90d" and duration(36 * 3600) == "36h" and duration(59) is None
    assert key_settings({"api_keys": {"active": None}}) == {}
    assert key_settings(key("2026-01-01T00:00:00Z", "2026-01-08T00:00:00Z", [{"expiration": "2026-01-01T00:10:00Z"}])) == {
        "key_expiration": "7d", "old_key_expires_in_seconds": 600}
