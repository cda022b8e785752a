"""prefect.cloud.invitation against the emulator: account and workspace invitations, members, expiry, revocation."""

import pytest

from ansible_collections.prefect.cloud.plugins.modules import invitation, workspace_access

from prefect_cloud_emulator.catalogue import ACCOUNT_ROLE_IDS
from unit_seed import ACCOUNT_ID

ACCOUNT = "/accounts/%s" % ACCOUNT_ID
DANA = "dana@example.com"


def writes(result):
    """``(method, path below the account, safe_to_resend)`` of the writes a run sent."""
    return [
        (r["method"], r["path"].split(ACCOUNT_ID)[-1], r["safe_to_resend"])
        for r in result["_requests"]
        if r["method"] != "GET" and not r["path"].endswith(("/filter", "/count"))
    ]


def pending(make_client, workspace_id=None):
    path = ACCOUNT + ("/workspaces/%s/invitations/filter" % workspace_id if workspace_id else "/invitations/filter")
    key = "workspace_invitations" if workspace_id else "invitations"
    return make_client().list_all(path, {key: {"status": {"any_": ["PENDING"]}}})


@pytest.fixture
def workspace(make_client):
    return make_client().post(ACCOUNT + "/workspaces/", json={"name": "Dev", "handle": "dev"})


@pytest.mark.parametrize("email", ["dana", "dana@example", " ", "two@@example.com"])
def test_a_bad_email_fails_naming_the_option_before_any_request(emulator, run_module, email):
    mark = emulator.last_seq()
    result = run_module(invitation, email=email)
    assert result["failed"] and result["msg"].startswith("email: expected an email address")
    assert emulator.log(mark) == []


def test_an_account_invitation_is_predicted_sent_once_and_then_pending(run_module, make_client):
    check = run_module(invitation, email="Dana@Example.com", check_mode=True)
    expected = {"email": DANA, "workspace": None, "account_role": "Member", "status": "pending"}
    assert check["changed"] and check["diff"] == {"before": {}, "after": expected}
    assert check["msg"] == "invitation for 'dana@example.com' sent"
    assert writes(check) == []

    real = run_module(invitation, email="Dana@Example.com")
    assert real["changed"] and real["diff"] == check["diff"] and real["msg"] == check["msg"]
    assert real["invitation"]["id"] and real["invitation"]["account_role"] == "Member"
    assert "invite_code" not in real["invitation"]
    # Inviting twice sends two invitations: the create is never resent blindly.
    assert writes(real) == [("POST", "/invitations/", False)]

    again = run_module(invitation, email=DANA)
    assert not again["changed"] and again["msg"] == "invitation for 'dana@example.com' already pending"
    assert writes(again) == []
    assert [row["email"] for row in pending(make_client)] == [DANA]


def test_a_new_role_replaces_the_pending_invitation(run_module):
    run_module(invitation, email=DANA)
    result = run_module(invitation, email=DANA, account_role="Admin")
    assert result["changed"]
    assert result["msg"] == "invitation for 'dana@example.com' re-sent with the account role 'Admin'"
    assert result["diff"]["before"]["account_role"] == "Member" and result["diff"]["after"]["account_role"] == "Admin"
    assert not run_module(invitation, email=DANA, account_role="Admin")["changed"]


def test_an_expired_invitation_is_sent_again_by_the_server_clock(emulator, run_module):
    run_module(invitation, email=DANA)
    # Eight days later by the server's clock (its Date header); an invitation lives seven.
    emulator.hook("POST", "/clock", json={"advance_seconds": 8 * 86400})
    check = run_module(invitation, email=DANA, check_mode=True)
    assert check["changed"] and check["msg"] == "invitation for 'dana@example.com' re-sent (the pending one had expired)"
    real = run_module(invitation, email=DANA)
    assert real["changed"] and real["msg"] == check["msg"]
    assert not run_module(invitation, email=DANA)["changed"]


def test_an_expired_invitation_sent_again_says_so_after_a_lost_answer(emulator, run_module):
    run_module(invitation, email=DANA)
    emulator.hook("POST", "/clock", json={"advance_seconds": 8 * 86400})
    # The re-sent invitation is made, but its answer is lost: the look for it must not change what the read found.
    emulator.fault(method="POST", path="/invitations/$", count=1, drop_response=True)
    real = run_module(invitation, email=DANA)
    assert real["changed"] and real["msg"] == "invitation for 'dana@example.com' re-sent (the pending one had expired)"
    assert not run_module(invitation, email=DANA)["changed"]


def test_a_member_is_not_invited_and_a_different_role_is_a_warning(run_module):
    result = run_module(invitation, email="ALICE@unit.test", account_role="Admin")
    assert not result["changed"] and not result["failed"]
    assert result["msg"] == "alice@unit.test is already a member of the account; no invitation sent"
    assert result["invitation"]["status"] == "member" and result["invitation"]["account_role"] == "Member"
    assert any("account role 'Member', not 'Admin'" in w and "prefect.cloud.account_member" in w for w in result["warnings"])
    assert writes(result) == []
    quiet = run_module(invitation, email="alice@unit.test", account_role="Member")
    assert not quiet["changed"] and quiet["warnings"] == []


def test_absent_revokes_every_pending_invitation_and_a_revoke_may_be_resent(run_module, make_client):
    run_module(invitation, email=DANA)
    check = run_module(invitation, email=DANA, state="absent", check_mode=True)
    assert check["changed"] and writes(check) == []
    result = run_module(invitation, email=DANA, state="absent")
    assert result["changed"] and result["msg"] == "invitation for 'dana@example.com' revoked"
    assert result["diff"]["after"] == {} and result["invitation"] == {}
    assert [(method, safe) for method, _path, safe in writes(result)] == [("POST", True)]
    assert pending(make_client) == []
    again = run_module(invitation, email=DANA, state="absent")
    assert not again["changed"] and again["msg"] == "no pending invitation for 'dana@example.com'"


def test_workspace_and_account_role_do_not_go_together(run_module, workspace):
    result = run_module(invitation, email=DANA, workspace="dev", account_role="Admin")
    assert result["failed"] and "mutually exclusive" in result["msg"]


def test_a_workspace_invitation_uses_the_workspace_list(run_module, make_client, workspace):
    result = run_module(invitation, email=DANA, workspace="dev")
    assert result["changed"] and result["msg"] == "invitation for 'dana@example.com' to workspace 'dev' sent"
    # The server picks the account role of a workspace invitation: not predicted.
    assert result["diff"]["after"] == {"email": DANA, "workspace": "dev", "account_role": None, "status": "pending"}
    assert writes(result) == [("POST", "/workspaces/%s/invitations/" % workspace["id"], False)]
    assert [row["email"] for row in pending(make_client, workspace["id"])] == [DANA]
    # A workspace invitation is not an account invitation.
    assert pending(make_client) == []
    assert run_module(invitation, email=DANA)["changed"]
    assert not run_module(invitation, email=DANA, workspace=workspace["id"])["changed"]


def test_a_member_without_access_to_the_workspace_is_invited_to_it(run_module, workspace):
    invited = run_module(invitation, email="alice@unit.test", workspace="dev", check_mode=True)
    assert invited["changed"] and invited["diff"]["after"]["status"] == "pending"
    granted = run_module(workspace_access, workspace="dev", user="alice@unit.test", workspace_role="Viewer")
    assert granted["changed"] and not granted["failed"]
    result = run_module(invitation, email="alice@unit.test", workspace="dev")
    assert not result["changed"]
    assert result["msg"] == "alice@unit.test is already a member of workspace 'dev'; no invitation sent"


def test_a_missing_workspace_fails_is_assumed_in_check_mode_and_is_nothing_to_revoke(run_module):
    result = run_module(invitation, email=DANA, workspace="nowhere")
    assert result["failed"] and result["msg"] == "workspace 'nowhere' not found"
    check = run_module(invitation, email=DANA, workspace="nowhere", check_mode=True)
    assert check["changed"] and any("nowhere" in w and "check mode" in w for w in check["warnings"])
    absent = run_module(invitation, email=DANA, workspace="nowhere", state="absent")
    assert not absent["changed"] and not absent["failed"]


def test_an_invitation_sent_by_another_run_after_the_read_is_not_sent_again(monkeypatch, emulator, run_module, make_client):
    guard = invitation.Invitation.guard

    def another_run_sends_it_meanwhile(resource, plan):
        # Between this run's read and its create, a concurrent run of the same task invites dana.
        make_client().post(ACCOUNT + "/invitations/", json=[{"email": DANA, "account_role_id": str(ACCOUNT_ROLE_IDS["Member"])}])
        guard(resource, plan)

    monkeypatch.setattr(invitation.Invitation, "guard", another_run_sends_it_meanwhile)
    mark = emulator.last_seq()
    result = run_module(invitation, email=DANA)
    assert not result["failed"], result["msg"]
    sent = [entry for entry in emulator.log(mark) if entry["method"] == "POST" and entry["path"].endswith("/invitations/")]
    assert len(sent) == 1, "only the other run's"
    assert not result["changed"] and result["msg"] == "invitation for 'dana@example.com' already pending"
    assert any("meanwhile" in warning for warning in result["warnings"])
    assert [row["email"] for row in pending(make_client)] == [DANA]


def test_a_timed_out_invitation_is_waited_for_and_sent_once(emulator, run_module, make_client):
    # The service stores the invitation 2 s after the request, which gave up after 1 s.
    emulator.fault(method="POST", path="/invitations/$", count=1, latency=2)
    result = run_module(invitation, email=DANA, request_timeout=1)
    assert not result["failed"], result["msg"]
    assert result["changed"] and writes(result) == [("POST", "/invitations/", False)]
    assert [row["id"] for row in pending(make_client)] == [result["invitation"]["id"]]

    again = run_module(invitation, email=DANA)
    assert not again["changed"] and writes(again) == []
