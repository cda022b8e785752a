"""prefect.cloud.invitation with ``invitations`` and ``exclusive``, through real HTTP against the emulator."""

import pytest

from ansible_collections.prefect.cloud.plugins.modules import invitation

from unit_seed import ACCOUNT_ID

ACCOUNT = "/accounts/%s" % ACCOUNT_ID


def writes(result):
    return [(r["method"], r["path"].split(ACCOUNT_ID)[-1]) for r in result["_requests"]
            if r["method"] != "GET" and not r["path"].endswith(("/filter", "/count"))]


def pending(make_client):
    rows = make_client().list_all(ACCOUNT + "/invitations/filter", {"invitations": {"status": {"any_": ["PENDING"]}}})
    return sorted(row["email"] for row in rows)


def run_invitations(run_module, invitations, **args):
    return run_module(invitation, account=ACCOUNT_ID, invitations=invitations, **args)


PEOPLE = [
    {"email": "Dana@Example.com"},
    {"email": "erin@example.com", "account_role": "Admin"},
    {"email": "member@unit.test"},  # a member already: never invited
]


def test_invitations_are_sent_once_and_a_rerun_reads_twice_and_writes_nothing(run_module, make_client):
    check = run_invitations(run_module, PEOPLE, check_mode=True)
    assert check["changed"] and writes(check) == []
    first = run_invitations(run_module, PEOPLE)
    assert not first["failed"], first["msg"]
    assert first["msg"] == "3 invitations: 2 created"
    assert first["diff"] == check["diff"]
    assert [r["action"] for r in first["results"]] == ["create", "create", None]
    assert first["invitations"][2]["status"] == "member"
    assert pending(make_client) == ["dana@example.com", "erin@example.com"]

    again = run_invitations(run_module, PEOPLE)
    assert not again["changed"] and writes(again) == []
    paths = [r["path"] for r in again["_requests"]]
    assert paths.count(ACCOUNT + "/invitations/filter") == 1
    assert paths.count(ACCOUNT + "/account_memberships/filter") == 1
    assert len(paths) <= 3, paths  # and the account role catalogue


@pytest.mark.parametrize("check_mode", [True, False])
def test_exclusive_revokes_exactly_the_unlisted_account_invitations(run_module, make_client, check_mode):
    run_invitations(run_module, PEOPLE)
    result = run_invitations(run_module, [{"email": "erin@example.com", "account_role": "Admin"}],
                             exclusive=True, check_mode=check_mode)
    assert not result["failed"], result["msg"]
    revoked = [r["email"] for r in result["results"] if r["action"] == "delete"]
    assert revoked == ["dana@example.com"]
    if check_mode:
        assert writes(result) == [] and len(pending(make_client)) == 2
    else:
        assert pending(make_client) == ["erin@example.com"]
        again = run_invitations(run_module, [{"email": "erin@example.com", "account_role": "Admin"}], exclusive=True)
        assert not again["changed"] and writes(again) == []


@pytest.mark.parametrize(
    "entries, message",
    [
        ([{"email": "ok@example.com"}, {"email": "not-an-address"}], "invitations[1]: email"),
        ([{"email": "a@example.com"}, {"email": "A@example.com"}], "invitations[1] repeats the email"),
        ([{"email": "a@example.com", "workspace": "dev", "account_role": "Admin"}], "invitations[0]: account_role cannot be combined"),
    ],
)
def test_a_bad_entry_fails_before_any_request_naming_it(run_module, entries, message):
    result = run_invitations(run_module, entries)
    assert result["failed"] and result["msg"].startswith(message), result["msg"]
    assert result["_requests"] == []


def test_an_unknown_role_in_one_entry_sends_no_invitation_at_all(run_module, make_client):
    result = run_invitations(run_module, [{"email": "dana@example.com"}, {"email": "x@example.com", "account_role": "Emperor"}])
    assert result["failed"] and result["msg"].startswith("invitations[1]: ")
    assert writes(result) == [] and pending(make_client) == []


def test_one_workspace_named_by_handle_and_by_id_is_one_invitation_listed_twice(run_module, make_client):
    created = make_client().post(ACCOUNT + "/workspaces/", json={"name": "Dev", "handle": "dev"})
    entries = [{"email": "z@example.com", "workspace": "dev"}, {"email": "z@example.com", "workspace": created["id"]}]
    for check_mode in (True, False):
        result = run_invitations(run_module, entries, check_mode=check_mode)
        assert result["failed"] and "invitations[1] names the same invitation as invitations[0]" in result["msg"], result["msg"]
        assert writes(result) == []
