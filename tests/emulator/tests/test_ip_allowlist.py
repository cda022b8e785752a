"""The account IP allowlist: the three routes the official client uses, enforcement, the feature
present or absent per account, and `last_seen` kept by the server.

Every request of these tests comes from 127.0.0.1, which is the address the emulator sees.
"""
from __future__ import annotations

import copy

import pytest

import emu_support as es
from emu_support import ACCT, assert_detail_string, assert_validation_error, expect

ALLOWLIST = f"{ACCT}/ip_allowlist"
MY_ACCESS = f"{ALLOWLIST}/my_access"
SETTINGS = f"{ACCT}/settings"
LOOPBACK = "127.0.0.1"


def entry(network, enabled=True, description=None):
    return {"ip_network": network, "enabled": enabled, "description": description}


def put(emu, *entries, client=None):
    return (client or emu.owner).put(ALLOWLIST, json={"entries": list(entries)})


def networks(emu):
    return [(e["ip_network"], e["enabled"]) for e in expect(emu.owner.get(ALLOWLIST), 200)["entries"]]


def enforce(emu, on):
    expect(emu.owner.patch(SETTINGS, json={"enforce_ip_allowlist": on}), 204)


@pytest.fixture
def no_feature(emu):
    """The test account without the IP allowlist feature; the seed is put back afterwards."""
    seed = copy.deepcopy(es.TEST_SEED)
    seed["account"]["ip_allowlist"] = False
    emu.reset(seed)
    yield emu
    emu.reset(es.TEST_SEED)


# ------------------------------------------------------------------------------ read and replace

def test_a_new_account_has_an_empty_list_and_the_setting(emu):
    assert expect(emu.owner.get(ALLOWLIST), 200) == {"entries": []}
    assert expect(emu.owner.get(SETTINGS), 200)["enforce_ip_allowlist"] is False
    assert expect(emu.owner.get(ACCT), 200)["settings"]["enforce_ip_allowlist"] is False


def test_put_replaces_the_list_with_canonical_networks(emu):
    body = expect(put(emu, entry("10.0.0.1", description="office"), entry("192.168.0.0/16", False),
                      entry("2001:DB8:0:0::/32")), 200)
    want = [
        {"ip_network": "10.0.0.1/32", "enabled": True, "description": "office", "last_seen": None},
        {"ip_network": "192.168.0.0/16", "enabled": False, "description": None, "last_seen": None},
        {"ip_network": "2001:db8::/32", "enabled": True, "description": None, "last_seen": None},
    ]
    assert body == {"entries": want}
    assert expect(emu.owner.get(ALLOWLIST), 200) == {"entries": want}
    expect(put(emu, entry("172.16.0.0/12")), 200)
    assert networks(emu) == [("172.16.0.0/12", True)]


def test_the_official_clients_body_is_accepted(emu):
    """The CLI sends back every field it read, last_seen included, and description null."""
    sent = {"entries": [{"ip_network": "10.1.0.0/16", "enabled": True, "description": None,
                         "last_seen": "2020-01-01T00:00:00Z"}]}
    body = expect(emu.owner.put(ALLOWLIST, json=sent), 200)
    assert body["entries"][0]["last_seen"] is None, "last_seen is the server's, not the client's"


@pytest.mark.parametrize("network", ["10.0.0.256", "10.0.0.0/33", "10.0.0.1/24", "office", "",
                                     "2001:db8::1/32"])
def test_a_malformed_network_is_a_validation_error(emu, network):
    body = assert_validation_error(put(emu, entry("10.9.0.0/16"), entry(network)))
    assert body["detail"][0]["loc"][:4] == ["body", "entries", 1, "ip_network"], body
    assert networks(emu) == []


def test_at_most_25_entries(emu):
    many = [entry(f"10.0.{i}.0/24") for i in range(26)]
    detail = assert_detail_string(put(emu, *many), 422)["detail"]
    assert "25" in detail
    expect(put(emu, *many[:25]), 200)
    assert len(networks(emu)) == 25


def test_the_same_network_twice_is_refused(emu):
    detail = assert_detail_string(put(emu, entry("10.0.0.1"), entry("10.0.0.1/32", False)), 422)["detail"]
    assert "10.0.0.1/32" in detail


def test_unknown_fields_are_refused(emu):
    assert_validation_error(emu.owner.put(ALLOWLIST, json={"entries": [], "enforce": True}))
    assert_validation_error(emu.owner.put(ALLOWLIST, json={"entries": [{"ip_network": "10.0.0.0/8"}]}))


# ------------------------------------------------------------------------------ last_seen

def test_last_seen_is_stamped_by_requests_from_the_network_and_kept(emu):
    expect(put(emu, entry("127.0.0.0/8"), entry("10.0.0.0/8")), 200)
    first = {e["ip_network"]: e["last_seen"] for e in expect(emu.owner.get(ALLOWLIST), 200)["entries"]}
    assert first["10.0.0.0/8"] is None
    assert first["127.0.0.0/8"] is not None
    seen = es.parse_dt(first["127.0.0.0/8"])
    emu.advance_clock(60)
    expect(emu.owner.get(ACCT), 200)
    again = {e["ip_network"]: e["last_seen"] for e in expect(emu.owner.get(ALLOWLIST), 200)["entries"]}
    assert es.parse_dt(again["127.0.0.0/8"]) > seen
    # A PUT that keeps the network keeps its last_seen; a disabled entry is stamped too.
    expect(put(emu, entry("127.0.0.0/8", False), entry("10.0.0.0/8")), 200)
    kept = {e["ip_network"]: e["last_seen"] for e in expect(emu.owner.get(ALLOWLIST), 200)["entries"]}
    assert kept["127.0.0.0/8"] is not None and kept["10.0.0.0/8"] is None


# ------------------------------------------------------------------------------ my_access

@pytest.mark.parametrize("entries, allowed", [
    ([], True),
    ([entry("10.0.0.0/8")], False),
    ([entry("10.0.0.0/8"), entry("127.0.0.1")], True),
    ([entry("10.0.0.0/8"), entry("127.0.0.0/8", False)], False),
    ([entry("127.0.0.1", False)], True),  # nothing enabled: the list restricts no one
    ([entry("::1/128")], False),  # loopback over IPv6 is another address
], ids=["empty", "elsewhere", "listed", "listed-but-disabled", "nothing-enabled", "ipv6-loopback"])
def test_my_access_reports_on_the_current_list(emu, entries, allowed):
    expect(put(emu, *entries), 200)
    body = expect(emu.owner.get(MY_ACCESS), 200)
    assert set(body) == {"allowed", "detail"}
    assert body["allowed"] is allowed
    assert LOOPBACK in body["detail"]


# ------------------------------------------------------------------------------ enforcement

def test_while_enforced_a_put_that_cuts_off_the_caller_is_refused(emu):
    expect(put(emu, entry("127.0.0.1", description="me"), entry("10.0.0.0/8")), 200)
    enforce(emu, True)
    for cut in ([entry("10.0.0.0/8")], [entry("127.0.0.1", False), entry("10.0.0.0/8")]):
        detail = assert_detail_string(put(emu, *cut), 422)["detail"]
        assert detail == (f"Your current IP address ({LOOPBACK}) must be included in the IP allowlist "
                          "to prevent account lockout.")
    assert networks(emu) == [("127.0.0.1/32", True), ("10.0.0.0/8", True)]
    expect(put(emu, entry("127.0.0.0/24"), entry("10.0.0.0/8", False)), 200)
    expect(put(emu), 200)  # an empty list restricts nothing
    enforce(emu, False)
    expect(put(emu, entry("10.0.0.0/8")), 200)  # not enforced: no lock-out rule


def test_enforcement_turns_away_addresses_the_list_does_not_admit(emu):
    expect(put(emu, entry("10.0.0.0/8")), 200)
    enforce(emu, True)  # the server does not guard this switch: the official CLI asks my_access first
    for client in (emu.owner, emu.admin, emu.member):
        detail = assert_detail_string(client.get(ACCT), 403)["detail"]
        assert LOOPBACK in detail and "IP allowlist" in detail
    assert_detail_string(emu.owner.get(ALLOWLIST), 403)
    assert_detail_string(emu.owner.patch(SETTINGS, json={"enforce_ip_allowlist": False}), 403)
    expect(emu.owner.get("/api/me/"), 200)  # not an account route
    emu.reset()
    expect(emu.owner.get(ACCT), 200)


# ------------------------------------------------------------------------------ feature absent

def test_an_account_without_the_feature(no_feature):
    emu = no_feature
    assert "enforce_ip_allowlist" not in expect(emu.owner.get(SETTINGS), 200)
    assert "enforce_ip_allowlist" not in expect(emu.owner.get(ACCT), 200)["settings"]
    for resp in (emu.owner.get(ALLOWLIST), put(emu, entry("10.0.0.0/8")), emu.owner.get(MY_ACCESS),
                 emu.owner.patch(SETTINGS, json={"enforce_ip_allowlist": True})):
        assert assert_detail_string(resp, 403)["detail"] == "IP allowlisting is not available for this account."
    expect(emu.owner.patch(SETTINGS, json={"ai_log_summaries": True}), 204)
    # A full settings object through PATCH /accounts/{id} carries the key with its default.
    full = {k: v for k, v in expect(emu.owner.get(SETTINGS), 200).items()}
    expect(emu.owner.patch(ACCT, json={"settings": dict(full, enforce_ip_allowlist=False)}), 204)
    assert "enforce_ip_allowlist" not in expect(emu.owner.get(SETTINGS), 200)
    assert_detail_string(emu.owner.patch(ACCT, json={"settings": dict(full, enforce_ip_allowlist=True)}), 403)


def test_the_seed_hook_returns_what_a_reset_goes_back_to(no_feature):
    seed = expect(no_feature.hooks.get("/_emulator/seed"), 200)
    assert seed["account"]["ip_allowlist"] is False
    assert seed["account"]["id"] == es.ACCOUNT_ID
    no_feature.reset()
    assert "enforce_ip_allowlist" not in expect(no_feature.owner.get(SETTINGS), 200)


# ------------------------------------------------------------------------------ permissions

def test_members_may_neither_read_nor_change_the_list(emu):
    for resp in (emu.member.get(ALLOWLIST), emu.member.get(MY_ACCESS), put(emu, client=emu.member)):
        assert "ip_allowlist" in assert_detail_string(resp, 403)["detail"]
    expect(put(emu, entry("127.0.0.1"), client=emu.admin), 200)
    assert expect(emu.admin.get(MY_ACCESS), 200)["allowed"] is True


# ------------------------------------------------------------------------------ persistence

def test_the_list_survives_a_restart(tmp_path):
    state = tmp_path / "state.json"
    with es.running(es.make_app(es.TEST_SEED, state_file=str(state))) as base:
        owner = es.Client(base, es.OWNER_KEY)
        expect(owner.put(ALLOWLIST, json={"entries": [entry("127.0.0.1", description="me")]}), 200)
    with es.running(es.make_app(es.TEST_SEED, state_file=str(state))) as base:
        entries = expect(es.Client(base, es.OWNER_KEY).get(ALLOWLIST), 200)["entries"]
        assert [(e["ip_network"], e["description"]) for e in entries] == [("127.0.0.1/32", "me")]
