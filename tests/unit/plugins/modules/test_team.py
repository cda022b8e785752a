"""prefect.cloud.team: purge rules, member resolution and the requests an update sends (no server)."""

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import ReferenceNotFound
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import ACCOUNT_MEMBER, BOT
from ansible_collections.prefect.cloud.plugins.modules import team as team_module

from fake_api import FakeConnection, RecordingClient

CAROL_ID = "3c0e1f52-9d0a-4a43-8a52-1d3f0c2b7e11"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
DEFAULTS = {"name": "engineers", "description": None, "users": None, "bots": None, "purge_members": False, "state": "present"}

USERS = {
    "alice@acme.test": {"email": "alice@acme.test", "user_id": "u-alice", "actor_id": "a-alice"},
    "bob@acme.test": {"email": "bob@acme.test", "user_id": "u-bob", "actor_id": "a-bob"},
    "carol@acme.test": {"email": "Carol@Acme.test", "user_id": CAROL_ID, "actor_id": "a-carol"},
}
BOTS = {"deployer": {"id": "b-deployer", "name": "deployer"}, "ci": {"id": "9a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c5d", "name": "ci"}}

TEAM = {
    "id": "t-1",
    "name": "engineers",
    "description": "Builds things",
    "memberships": [
        {"id": "a-alice", "type": "user", "email": "alice@acme.test", "name": "Alice", "handle": "alice"},
        {"id": "a-bob", "type": "user", "email": "bob@acme.test", "name": "Bob", "handle": "bob"},
        {"id": "a-deployer", "type": "service_account", "email": None, "name": "deployer", "handle": "deployer"},
    ],
}


class FakeResolver:
    """Users and bots from the tables above; records ``(label, refs)`` of every lookup."""

    def __init__(self):
        self.calls = []

    def _table(self, resource):
        assert resource in (ACCOUNT_MEMBER, BOT)
        if resource is ACCOUNT_MEMBER:
            table = dict(USERS)
            table[CAROL_ID] = USERS["carol@acme.test"]
            return table
        table = dict(BOTS)
        table.update({row["id"]: row for row in BOTS.values()})
        return table

    def find_many(self, resource, refs):
        self.calls.append((resource.label, list(refs)))
        table = self._table(resource)
        fold = resource is ACCOUNT_MEMBER
        return {r: table[r.lower() if fold else r] for r in refs if (r.lower() if fold else r) in table}

    def require_many(self, resource, refs):
        found = self.find_many(resource, refs)
        missing = [r for r in refs if r not in found]
        if missing:
            raise ReferenceNotFound(resource.label, missing[0])
        return found


class FakeModule:
    """A module whose lookups come from FakeResolver and whose requests a RecordingClient answers."""

    check_mode = False

    def __init__(self, scim_state="DISABLED", **params):
        self.params = dict(DEFAULTS, **params)
        self.resolver = FakeResolver()
        self.connection = FakeConnection(RecordingClient(answers={("GET", "/accounts/acc"): {"id": "acc", "scim_state": scim_state}}))
        self.client = self.connection.client
        self.api = self.connection.api
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)

    def is_set(self, name):
        return self.params.get(name) is not None


def make_team(scim_state="DISABLED", **params):
    module = FakeModule(scim_state, **params)
    return team_module.Team(module, team_module.Team.parse_options(module.params))


def plan(scim_state="DISABLED", **params):
    """(team resource, the plan of a run) for TEAM and these options."""
    team = make_team(scim_state, **params)
    return team, team.plan(TEAM, team.view(TEAM), "present")


def writes(team):
    return team.module.client.writes()


def test_view_names_members_by_email_and_bot_name():
    _team, run = plan()
    assert run.before == {"name": "engineers", "description": "Builds things", "users": ["alice@acme.test", "bob@acme.test"], "bots": ["deployer"]}
    assert run.desired == run.before
    assert run.action is None and not run.changed


def test_without_purge_members_are_only_added():
    _team, run = plan(users=["CAROL@acme.test"], bots=["ci"])
    assert run.desired["users"] == ["alice@acme.test", "bob@acme.test", "carol@acme.test"]
    assert run.desired["bots"] == ["ci", "deployer"]
    assert run.desired["description"] == run.before["description"]
    assert run.changes == {"add_users": ["carol@acme.test"], "add_bots": ["ci"], "remove_users": [], "remove_bots": []}


def test_purge_touches_only_the_kinds_given():
    _team, run = plan(users=["alice@acme.test"], purge_members=True)
    assert run.desired["users"] == ["alice@acme.test"]
    assert run.desired["bots"] == run.before["bots"]
    assert run.changes["remove_users"] == ["bob@acme.test"] and run.changes["remove_bots"] == []
    _team, run = plan(bots=[], purge_members=True)
    assert run.desired["bots"] == []
    assert run.desired["users"] == run.before["users"]


def test_user_ids_become_emails_and_unknown_ids_stay_as_given():
    _team, run = plan(users=[CAROL_ID, UNKNOWN_ID])
    assert run.desired["users"] == [UNKNOWN_ID, "alice@acme.test", "bob@acme.test", "carol@acme.test"]


def test_bot_ids_become_names():
    _team, run = plan(bots=["9a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c5d"])
    assert run.desired["bots"] == ["ci", "deployer"]


def test_references_checked_are_only_the_additions():
    team, run = plan(users=["alice@acme.test", "nobody@acme.test"])
    with pytest.raises(ReferenceNotFound, match="nobody@acme.test"):
        team.check_references(run)
    assert ("user", ["nobody@acme.test"]) in team.module.resolver.calls
    assert ("user", ["alice@acme.test", "nobody@acme.test"]) not in team.module.resolver.calls


def test_creating_checks_every_member():
    team = make_team(users=["alice@acme.test"], bots=["ghost"])
    run = team.plan(None, None, "present")
    assert run.action == "create"
    assert run.desired == {"name": "engineers", "description": "", "users": ["alice@acme.test"], "bots": ["ghost"]}
    with pytest.raises(ReferenceNotFound, match="ghost"):
        team.check_references(run)


def test_member_changes_send_one_add_and_deletes_by_actor_id_and_never_the_team():
    team, run = plan(users=["alice@acme.test", "carol@acme.test"], bots=["ci"], purge_members=True)
    team.check_references(run)
    assert team.update(run) is None
    assert writes(team) == [
        ("PUT", "/accounts/acc/teams/t-1/members", {"members": [
            {"member_id": CAROL_ID, "member_type": "user"},
            {"member_id": "9a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c5d", "member_type": "service_account"},
        ]}),
        ("DELETE", "/accounts/acc/teams/t-1/members/a-bob", None),
        ("DELETE", "/accounts/acc/teams/t-1/members/a-deployer", None),
    ]


def test_a_description_change_sends_the_name_with_it():
    team, run = plan(description="")
    team.update(run)
    assert writes(team) == [("PUT", "/accounts/acc/teams/t-1", {"name": "engineers", "description": ""})]


@pytest.mark.parametrize(
    "params, option",
    [
        ({"name": "  "}, "name"),
        ({"users": ["bob"]}, "users"),
        ({"users": [""]}, "users"),
        ({"bots": [""]}, "bots"),
    ],
)
def test_bad_values_fail_naming_the_option(params, option):
    with pytest.raises(ValueError, match=option):
        team_module.Team.parse_options(dict(DEFAULTS, **params))


# -- SCIM: the identity provider owns the users of teams; bots are still managed ---------------------------

def account_reads(team):
    return [call for call in team.module.client.calls if call[:2] == ("GET", "/accounts/acc")]


def test_with_scim_on_purge_leaves_users_and_manages_bots():
    team, run = plan("ENABLED", users=["alice@acme.test", "carol@acme.test"], bots=["ci"], purge_members=True)
    assert run.desired["users"] == run.before["users"] == ["alice@acme.test", "bob@acme.test"]
    assert run.desired["bots"] == ["ci"]
    assert run.changes == {"add_users": [], "add_bots": ["ci"], "remove_users": [], "remove_bots": ["deployer"]}
    assert run.extra_result == {"scim": True}
    (warning,) = team.module.warnings
    assert "SCIM is on" in warning and "declared but not in the team: carol@acme.test" in warning
    assert "in the team but not declared: bob@acme.test" in warning
    team.check_references(run)
    team.update(run)
    assert writes(team) == [
        ("PUT", "/accounts/acc/teams/t-1/members", {"members": [
            {"member_id": "9a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c5d", "member_type": "service_account"}]}),
        ("DELETE", "/accounts/acc/teams/t-1/members/a-deployer", None),
    ]
    assert len(account_reads(team)) == 1


def test_with_scim_on_users_that_match_need_no_warning():
    team, run = plan("ENABLED", users=["alice@acme.test", "bob@acme.test"], purge_members=True)
    assert not run.changed and team.module.warnings == []
    team, run = plan("ENABLED", users=["alice@acme.test"])  # without purge, fewer declared users are no difference
    assert not run.changed and team.module.warnings == []


def test_with_scim_on_a_new_team_gets_its_bots_only():
    team = make_team("ENABLED", users=["alice@acme.test"], bots=["ci"])
    run = team.plan(None, None, "present")
    assert run.action == "create" and run.desired["users"] == [] and run.desired["bots"] == ["ci"]
    assert run.changes["add_users"] == [] and "alice@acme.test" in team.module.warnings[0]


@pytest.mark.parametrize("scim_state", ["DISABLED", "NEEDS_CONFIGURATION"])
def test_without_scim_enabled_users_are_managed(scim_state):
    team, run = plan(scim_state, users=["alice@acme.test"], purge_members=True)
    assert run.changes["remove_users"] == ["bob@acme.test"]
    assert run.extra_result == {"scim": False} and team.module.warnings == []


def test_the_account_is_read_only_when_users_are_given():
    team, run = plan("ENABLED", bots=["ci"], description="x")
    assert account_reads(team) == [] and "scim" not in run.extra_result


def bulk_entry(module, **params):
    """One entry of ``teams`` as the bulk form builds it: the task's module, the entry's options, the shared prefetch."""
    module.params = dict(DEFAULTS, **params)
    team = team_module.Team(module, team_module.Team.parse_options(module.params))
    team.prefetched = module.shared
    return team


@pytest.mark.parametrize("scim_state, users_after", [("ENABLED", ["alice@acme.test", "bob@acme.test"]), ("DISABLED", ["carol@acme.test"])])
def test_the_bulk_form_keeps_the_same_rule_and_reads_the_account_once(scim_state, users_after):
    module = FakeModule(scim_state)
    module.shared = {}
    for name in ("engineers", "analysts"):
        team = bulk_entry(module, name=name, users=["carol@acme.test"], bots=[], purge_members=True)
        run = team.plan(dict(TEAM, name=name), team.view(dict(TEAM, name=name)), "present")
        assert run.desired["users"] == users_after and run.desired["bots"] == []
        assert run.extra_result == {"scim": scim_state == "ENABLED"}
    assert len(account_reads(team)) == 1
    assert len(module.warnings) == (2 if scim_state == "ENABLED" else 0)


def test_the_bulk_form_reads_the_team_again_right_before_an_update():
    module = FakeModule()
    module.shared = {}
    team = bulk_entry(module, users=["alice@acme.test"], purge_members=True)
    stale = dict(TEAM, memberships=TEAM["memberships"][:1])  # the filter row lags: only alice
    run = team.plan(stale, team.view(stale), "present")
    assert not run.changed  # as the filter row has it
    team = bulk_entry(module, users=["alice@acme.test"], purge_members=True, description="new")
    run = team.plan(stale, team.view(stale), "present")
    module.client.answers[("GET", "/accounts/acc/teams/t-1")] = TEAM
    after = team.update(run)
    assert after is TEAM and team.view_after(run, after) == run.desired
    # bob is removed because the team itself, read right before, has him; bots are not given, so the deployer stays
    assert writes(team) == [
        ("PUT", "/accounts/acc/teams/t-1", {"name": "engineers", "description": "new"}),
        ("DELETE", "/accounts/acc/teams/t-1/members/a-bob", None),
    ]
    assert team.result_object(run, after, run.desired) == dict(run.desired, id="t-1")


INVITATIONS = "/accounts/acc/invitations/filter"


def invitations(*rows):
    """The account's pending invitations, as the invitations filter answers them."""
    return {INVITATIONS: [dict({"status": "PENDING", "expiration": "2999-01-01T00:00:00Z"}, **row) for row in rows]}


def test_a_non_member_with_a_pending_invitation_is_named_with_the_team_and_the_invitation():
    team, run = plan(users=["priya@acme.test"])
    team.module.client.lists.update(invitations({"email": "priya@acme.test"}))
    with pytest.raises(ReferenceNotFound) as refused:
        team.check_references(run)
    assert "team 'engineers': 'priya@acme.test' is not a member of the account; their invitation is pending" in str(refused.value)
    assert refused.value.creatable is False  # check mode fails too: no task of the play can make a member


def test_a_non_member_without_an_invitation_is_told_to_be_invited():
    team, run = plan(users=["nobody@acme.test"])
    team.module.client.lists.update(invitations({"email": "other@acme.test"}, {"email": "nobody@acme.test", "expiration": "2001-01-01T00:00:00Z"}))
    with pytest.raises(ReferenceNotFound, match="team 'engineers': 'nobody@acme.test' is not a member of the account; no invitation to them is pending"):
        team.check_references(run)


def test_the_bulk_form_names_the_team_of_each_non_member():
    module = FakeModule()
    module.shared = {}
    module.client.lists.update(invitations({"email": "Priya@acme.test"}))
    team = bulk_entry(module, name="analysts", users=["priya@acme.test"])
    run = team.plan(None, None, "present")
    with pytest.raises(ReferenceNotFound) as refused:
        team.check_references(run)
    assert "team 'analysts': 'priya@acme.test' is not a member of the account; their invitation is pending" in str(refused.value)
