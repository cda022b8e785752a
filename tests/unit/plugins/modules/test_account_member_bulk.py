"""prefect.cloud.account_member with ``members`` and ``exclusive``, through real HTTP against the emulator."""

import pytest

from ansible_collections.prefect.cloud.plugins.modules import account_member

from unit_seed import ACCOUNT_ID

OWNER, MEMBER, ALICE = "owner@unit.test", "member@unit.test", "alice@unit.test"


def writes(result):
    return [(r["method"], r["path"]) for r in result["_requests"]
            if r["method"] in ("POST", "PATCH", "PUT", "DELETE") and not r["path"].endswith(("/filter", "/count"))]


def run_members(run_module, members, **args):
    return run_module(account_member, account=ACCOUNT_ID, members=members, **args)


def test_members_converge_in_one_task_and_a_rerun_sends_one_read_and_no_write(run_module):
    members = [{"email": MEMBER, "account_role": "Admin"}, {"email": "Alice@Unit.Test", "account_role": "Member"}]
    first = run_members(run_module, members)
    assert not first["failed"], first["msg"]
    assert first["changed"] and first["msg"] == "2 account members: 1 updated"
    assert [r["changed"] for r in first["results"]] == [True, False]
    again = run_members(run_module, members)
    assert not again["changed"] and writes(again) == []
    paths = [r["path"] for r in again["_requests"]]
    assert paths.count("/accounts/%s/account_memberships/filter" % ACCOUNT_ID) == 1
    assert len(paths) <= 2, paths  # the filter, and the account role catalogue


def test_someone_who_is_not_a_member_fails_the_task_before_any_write(run_module):
    result = run_members(run_module, [{"email": MEMBER, "account_role": "Admin"}, {"email": "stranger@unit.test"}])
    assert result["failed"] and result["msg"].startswith("members[1]: ") and "invitation" in result["msg"]
    assert writes(result) == []


@pytest.mark.parametrize("check_mode", [True, False])
def test_exclusive_removes_exactly_the_unlisted_and_never_the_caller(run_module, check_mode):
    # The caller (owner@) is not listed: it stays. member@ is not listed: it goes.
    result = run_members(run_module, [{"email": ALICE}], exclusive=True, check_mode=check_mode)
    assert not result["failed"], result["msg"]
    assert result["changed"]
    removed = [r["email"] for r in result["results"] if r["action"] == "delete"]
    assert removed == [MEMBER]
    assert [entry["email"] for entry in result["diff"]["before"]["members"]] == [MEMBER]
    if check_mode:
        assert writes(result) == []
    else:
        assert len(writes(result)) == 1
        again = run_members(run_module, [{"email": ALICE}], exclusive=True)
        assert not again["changed"] and writes(again) == []


def test_exclusive_reads_every_member_in_one_paginated_read(run_module):
    result = run_members(run_module, [{"email": OWNER}, {"email": MEMBER}, {"email": ALICE}], exclusive=True)
    assert not result["changed"]
    filters = [r for r in result["_requests"] if r["path"].endswith("/account_memberships/filter")]
    assert len(filters) == 1 and "email" not in repr(filters[0]["json"])


def test_owners_demoted_together_are_judged_together(run_module):
    assert run_module(account_member, email=ALICE, account_role="Owner")["changed"]
    # Each alone would leave an Owner; both in one task would leave none.
    members = [{"email": OWNER, "account_role": "Member"}, {"email": ALICE, "account_role": "Member"}]
    for check_mode in (True, False):
        # The caller is one of them: demoting itself is allowed here, so that the Owners guard speaks.
        result = run_members(run_module, members, check_mode=check_mode, allow_self_demotion=True)
        assert result["failed"] and "without an active Owner" in result["msg"], result["msg"]
        assert writes(result) == []


def test_an_entry_option_at_the_top_level_and_exclusive_without_members_are_refused(run_module):
    result = run_members(run_module, [{"email": ALICE}], account_role="Admin")
    assert result["failed"] and "account_role cannot be combined with members" in result["msg"]
    alone = run_module(account_member, account=ACCOUNT_ID, email=ALICE, exclusive=True)
    assert alone["failed"] and "members" in alone["msg"]
    assert alone["_requests"] == []


def test_a_bad_entry_is_refused_naming_it_before_any_request(run_module):
    result = run_members(run_module, [{"email": ALICE}, {"email": "not-an-address"}])
    assert result["failed"] and result["msg"].startswith("members[1]: email"), result["msg"]
    assert result["_requests"] == []


def test_an_owner_found_lost_after_a_write_fails_the_entry_and_reports_the_others(run_module, monkeypatch):
    assert run_module(account_member, email=ALICE, account_role="Owner")["changed"]
    # The guard counts two active Owners; the count after the write finds none (another run demoted the other).
    counts = iter([2, 0])
    monkeypatch.setattr(account_member.AccountMember, "active_user_owners", lambda self: next(counts))
    result = run_members(run_module, [{"email": MEMBER, "account_role": "Admin"}, {"email": ALICE, "account_role": "Member"}])
    assert result["failed"] and result["changed"]
    assert result["msg"].startswith("members[1]: alice@unit.test was demoted, and the account now has no active Owner")
    assert [(r["email"], r["changed"]) for r in result["results"]] == [(MEMBER, True)]
