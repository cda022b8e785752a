"""prefect.cloud.me_info: what it reads, against the emulator."""

from ansible_collections.prefect.cloud.plugins.modules import me_info

from unit_seed import ACCOUNT_ID


def read_paths(result):
    return sorted(r["path"] for r in result["_requests"])


def test_by_default_it_reads_the_caller_its_accounts_its_permissions_and_workspaces(run_module):
    result = run_module(me_info, account=ACCOUNT_ID)
    assert not result["failed"], result.get("msg")
    assert read_paths(result) == ["/me/", "/me/accounts", "/me/accounts/%s/permissions" % ACCOUNT_ID, "/me/workspaces"]
    assert result["me"]["email"] == "owner@unit.test" and result["account"]["account_id"] == ACCOUNT_ID
    assert "administrate:workspace" in result["permissions"] and isinstance(result["workspaces"], list)


def test_an_empty_gather_subset_reads_only_the_caller_and_its_accounts(run_module):
    result = run_module(me_info, account=ACCOUNT_ID, gather_subset=[])
    assert not result["failed"], result.get("msg")
    assert read_paths(result) == ["/me/", "/me/accounts"]
    assert result["me"]["email"] == "owner@unit.test" and result["accounts"] and result["account"]["account_id"] == ACCOUNT_ID
    assert "permissions" not in result and "workspaces" not in result


def test_one_subset_reads_one_more_list(run_module):
    result = run_module(me_info, account=ACCOUNT_ID, gather_subset=["workspaces"])
    assert read_paths(result) == ["/me/", "/me/accounts", "/me/workspaces"]
    assert "permissions" not in result and "workspaces" in result


def test_what_an_option_needs_is_read_whatever_the_subset(run_module):
    required = run_module(me_info, account=ACCOUNT_ID, gather_subset=[], require_permissions=["create:team"])
    assert not required["failed"] and "/me/accounts/%s/permissions" % ACCOUNT_ID in read_paths(required)
    assert required["missing_permissions"] == []
    refused = run_module(me_info, account=ACCOUNT_ID, gather_subset=[], require_permissions=["no:such"])
    assert refused["failed"] and refused["missing_permissions"] == ["no:such"]
    missing = run_module(me_info, account=ACCOUNT_ID, gather_subset=[], workspace="nowhere")
    assert missing["failed"] and "/me/workspaces" in read_paths(missing)
    assert missing["msg"] == "workspace 'nowhere' is not among the workspaces this API key can reach in the account"


def test_an_unknown_subset_is_refused_before_any_request(emulator, run_module):
    mark = emulator.last_seq()
    result = run_module(me_info, gather_subset=["teams"])
    assert result["failed"] and "gather_subset" in result["msg"]
    assert emulator.log(mark) == []
