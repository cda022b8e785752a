"""Team membership rows turned into emails and bot names, and back into actor ids."""

from ansible_collections.prefect.cloud.plugins.module_utils._resources.members import member_names, members_to_remove

TEAM = {
    "id": "team-1",
    "memberships": [
        {"id": "actor-bob", "type": "user", "email": "Bob@Acme.test", "name": "Bob Baker", "handle": "bob"},
        {"id": "actor-alice", "type": "user", "email": "alice@acme.test", "name": "Alice Able", "handle": "alice"},
        {"id": "actor-deployer", "type": "service_account", "email": None, "name": "deployer", "handle": "deployer"},
        {"id": "actor-ci", "type": "service_account", "email": None, "name": "ci", "handle": "ci"},
    ],
}


def test_member_names_sorted_and_emails_lower_case():
    assert member_names(TEAM) == (["alice@acme.test", "bob@acme.test"], ["ci", "deployer"])


def test_member_names_of_a_team_without_members():
    assert member_names({"id": "t"}) == ([], [])
    assert member_names({"id": "t", "memberships": None}) == ([], [])
    assert member_names({"id": "t", "memberships": []}) == ([], [])


def test_members_to_remove_gives_actor_ids():
    assert members_to_remove(TEAM, ["bob@acme.test"], ["ci"]) == ["actor-bob", "actor-ci"]


def test_members_to_remove_matches_emails_without_case():
    assert members_to_remove(TEAM, ["ALICE@acme.test"], []) == ["actor-alice"]


def test_members_to_remove_keeps_kinds_apart():
    # A bot is never removed because a user email matches its name, and the other way round.
    team = {"memberships": [
        {"id": "a1", "type": "service_account", "email": None, "name": "x@acme.test", "handle": "x"},
        {"id": "a2", "type": "user", "email": "ci@acme.test", "name": "ci", "handle": "ci"},
    ]}
    assert members_to_remove(team, ["x@acme.test"], ["ci"]) == []


def test_members_to_remove_nothing():
    assert members_to_remove(TEAM, [], []) == []
    assert members_to_remove({"id": "t"}, ["bob@acme.test"], ["ci"]) == []
