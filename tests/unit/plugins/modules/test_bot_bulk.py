"""prefect.cloud.bot with ``bots`` (the bulk form), through real HTTP against the emulator."""

import pytest

from ansible_collections.prefect.cloud.plugins.modules import bot as bot_module

from unit_seed import ACCOUNT_ID

WRITES = ("POST", "PATCH", "PUT", "DELETE")


def writes(result):
    """The write requests a run sent (filters are POSTs that only read)."""
    return [(r["method"], r["path"]) for r in result["_requests"]
            if r["method"] in WRITES and not r["path"].endswith("/filter") and not r["path"].endswith("/count")]


def run_bots(run_module, bots, **args):
    return run_module(bot_module, account=ACCOUNT_ID, bots=bots, **args)


BOTS = [
    {"name": "bulk-a", "api_key_expiration": "30d"},
    {"name": "bulk-b", "account_role": "Admin"},
    {"name": "bulk-c"},
]


def test_bots_converge_in_one_task_and_a_rerun_sends_one_read(run_module):
    first = run_bots(run_module, BOTS)
    assert not first["failed"], first["msg"]
    assert first["changed"] and first["msg"] == "3 bots: 3 created"
    assert sorted(first["api_keys"]) == ["bulk-a", "bulk-b", "bulk-c"]
    assert all(key.startswith("pnb_") for key in first["api_keys"].values())
    assert [b["name"] for b in first["bots"]] == ["bulk-a", "bulk-b", "bulk-c"]
    assert [r["action"] for r in first["results"]] == ["create"] * 3
    # A key is in api_keys and nowhere else.
    for key in first["api_keys"].values():
        assert key not in repr({k: v for k, v in first.items() if k != "api_keys"})

    again = run_bots(run_module, BOTS)
    assert not again["failed"] and not again["changed"], again["msg"]
    assert again["msg"] == "3 bots unchanged" and "api_keys" not in again
    assert writes(again) == []
    # One filter for the three bots; the account role catalogue only for the entry naming a role.
    paths = [r["path"] for r in again["_requests"]]
    assert paths.count("/accounts/%s/bots/filter" % ACCOUNT_ID) == 1
    assert len(paths) <= 2, paths


def test_check_mode_predicts_and_sends_no_write(run_module):
    result = run_bots(run_module, BOTS, check_mode=True)
    assert not result["failed"] and result["changed"]
    assert writes(result) == [] and "api_keys" not in result
    assert [entry["name"] for entry in result["diff"]["after"]["bots"]] == ["bulk-a", "bulk-b", "bulk-c"]
    real = run_bots(run_module, BOTS)
    assert real["diff"]["after"]["bots"] == result["diff"]["after"]["bots"]


def test_only_the_entries_that_change_are_written_and_in_the_diff(run_module):
    run_bots(run_module, BOTS)
    changed = [dict(BOTS[0]), dict(BOTS[1], account_role="Member"), dict(BOTS[2], rotate_api_key=True)]
    result = run_bots(run_module, changed)
    assert result["changed"] and result["msg"] == "3 bots: 2 updated"
    assert [r["changed"] for r in result["results"]] == [False, True, True]
    assert list(result["api_keys"]) == ["bulk-c"]
    assert [b["name"] for b in result["diff"]["before"]["bots"]] == ["bulk-b", "bulk-c"]


@pytest.mark.parametrize(
    "bots, message",
    [
        ([{"name": "ok"}, {"name": "bad", "api_key_expiration": "soon"}], "bots[1]: api_key_expiration"),
        ([{"name": "same"}, {"name": "same"}], "bots[1] repeats the name 'same' of bots[0]"),
        ([{"name": "ok"}, {"name": " padded "}], "bots[1]: name must not have whitespace"),
        ([{"name": "ok", "old_key_expires_in_seconds": -5}], "bots[0]: old_key_expires_in_seconds"),
    ],
)
def test_a_bad_entry_fails_before_any_request_naming_it(run_module, bots, message):
    result = run_bots(run_module, bots)
    assert result["failed"] and message in result["msg"], result["msg"]
    assert result["_requests"] == []


def test_an_entry_option_given_at_the_top_level_too_is_refused(run_module):
    result = run_bots(run_module, BOTS, account_role="Admin")
    assert result["failed"] and "account_role cannot be combined with bots" in result["msg"]
    both = run_bots(run_module, BOTS, name="bulk-a")
    assert both["failed"] and "mutually exclusive" in both["msg"]


def test_a_missing_role_in_any_entry_fails_with_nothing_written(run_module):
    result = run_bots(run_module, [{"name": "first"}, {"name": "second", "account_role": "Emperor"}])
    assert result["failed"] and result["msg"].startswith("bots[1]: ") and "Emperor" in result["msg"]
    assert writes(result) == []


def test_a_failure_part_way_returns_the_keys_minted_before_it(emulator, run_module):
    # The second create is refused outright (not a fault that is retried or recovered).
    emulator.fault(method="POST", path="/bots/$", status=403, count=1, every=2)
    result = run_bots(run_module, [{"name": "made-first"}, {"name": "refused"}, {"name": "never"}])
    assert result["failed"] and result["msg"].startswith("bots[1]: ")
    assert result["changed"]
    assert list(result["api_keys"]) == ["made-first"]
    assert [r["name"] for r in result["results"]] == ["made-first"]
    assert ("POST", "/accounts/%s/bots/" % ACCOUNT_ID) in writes(result)


def test_bots_are_removed_in_bulk(run_module):
    run_bots(run_module, BOTS)
    result = run_bots(run_module, [{"name": "bulk-a", "state": "absent"}, {"name": "never-was", "state": "absent"}])
    assert result["changed"] and result["msg"] == "2 bots: 1 deleted"
    assert [b["name"] for b in result["bots"]] == []
    assert not run_bots(run_module, [{"name": "bulk-a", "state": "absent"}])["changed"]
