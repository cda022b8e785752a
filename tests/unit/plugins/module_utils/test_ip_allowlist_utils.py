"""_resources/ip_allowlist: canonical networks, validation of the entries option, and the lock-out verdict."""

import ipaddress

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import Refusal
from ansible_collections.prefect.cloud.plugins.module_utils._resources import ip_allowlist as ipa
from prefect_cloud_emulator import allowlist as server_rules

from fake_api import ACCOUNT_ID, FakeConnection, RecordingClient


@pytest.mark.parametrize(
    "given_network, canonical",
    [
        ("10.0.0.1", "10.0.0.1/32"),
        ("10.0.0.1/32", "10.0.0.1/32"),
        (" 192.168.0.0/16 ", "192.168.0.0/16"),
        ("0.0.0.0/0", "0.0.0.0/0"),
        ("2001:DB8:0:0::/32", "2001:db8::/32"),
        ("2001:db8::1", "2001:db8::1/128"),
    ],
)
def test_networks_are_canonical(given_network, canonical):
    assert ipa.normalise_network(given_network) == canonical


def test_host_bits_are_refused_naming_both_readings():
    with pytest.raises(ValueError) as err:
        ipa.normalise_network("10.1.2.3/16")
    assert "host bits" in str(err.value)
    assert "10.1.0.0/16" in str(err.value) and "10.1.2.3/32" in str(err.value)
    with pytest.raises(ValueError, match="2001:db8::/32 for the network or 2001:db8::1/128"):
        ipa.normalise_network("2001:db8::1/32")


@pytest.mark.parametrize("bad", ["office", "10.0.0.256", "10.0.0.0/33", "10.0.0.0/", "1.2.3"])
def test_garbage_is_refused(bad):
    with pytest.raises(ValueError, match="not an IP address or a CIDR network"):
        ipa.normalise_network(bad)


def test_entries_are_validated_naming_the_entry():
    assert ipa.normalise_entries([{"ip_network": "10.0.0.1", "enabled": True}]) == [
        {"ip_network": "10.0.0.1/32", "enabled": True}
    ]
    with pytest.raises(ValueError, match=r"^entries\[1\]: ip_network 'nope'"):
        ipa.normalise_entries([{"ip_network": "10.0.0.0/8"}, {"ip_network": "nope"}])
    with pytest.raises(ValueError, match=r"^entries\[2\]: 10.0.0.1/32 is named twice \(also entries\[0\]\)"):
        ipa.normalise_entries([{"ip_network": "10.0.0.1"}, {"ip_network": "::1"}, {"ip_network": "10.0.0.1/32"}])
    with pytest.raises(ValueError, match=r"^entries\[0\]: ip_network is required"):
        ipa.normalise_entries([{"ip_network": " "}])
    assert ipa.normalise_entries(None) == []


def test_present_entries_are_canonical_and_sorted():
    raw = [
        {"ip_network": "2001:db8::/32", "enabled": True, "description": None, "last_seen": None},
        {"ip_network": "192.168.0.0/16", "enabled": False, "description": "lab", "last_seen": "2026-01-01T00:00:00Z"},
        {"ip_network": "10.0.0.1", "enabled": True},
    ]
    assert ipa.present_entries(raw) == [
        {"ip_network": "10.0.0.1/32", "enabled": True, "description": "", "last_seen": None},
        {"ip_network": "192.168.0.0/16", "enabled": False, "description": "lab", "last_seen": "2026-01-01T00:00:00Z"},
        {"ip_network": "2001:db8::/32", "enabled": True, "description": "", "last_seen": None},
    ]


def entries(*networks):
    """``"10.0.0.0/8"`` an enabled entry, ``"-10.0.0.0/8"`` a disabled one."""
    return [{"ip_network": n.lstrip("-"), "enabled": not n.startswith("-")} for n in networks]


@pytest.mark.parametrize(
    "current, new, allowed_now, verdict",
    [
        # an empty list restricts nobody
        ((), (), False, ipa.ADMITTED),
        (("10.0.0.0/8",), (), False, ipa.ADMITTED),
        # the same enabled networks: my_access answers for the new list too
        (("127.0.0.1/32", "10.0.0.0/8"), ("10.0.0.0/8", "127.0.0.1/32", "-192.0.2.0/24"), True, ipa.ADMITTED),
        (("10.0.0.0/8",), ("10.0.0.0/8",), False, ipa.CUT_OFF),
        (("-10.0.0.0/8",), ("-10.0.0.0/8", "-192.0.2.0/24"), False, ipa.CUT_OFF),
        # wider: still admitted; two halves cover the whole
        (("127.0.0.1/32",), ("127.0.0.0/8",), True, ipa.ADMITTED),
        (("10.0.0.0/8",), ("10.0.0.0/9", "10.128.0.0/9"), True, ipa.ADMITTED),
        (("10.0.0.0/8",), ("10.0.0.0/9", "10.192.0.0/10"), True, ipa.UNKNOWN),
        # narrower, or moved elsewhere: only the new list can tell
        (("127.0.0.1/32", "10.0.0.0/8"), ("10.0.0.0/8",), True, ipa.UNKNOWN),
        (("127.0.0.1/32",), ("-127.0.0.1/32", "10.0.0.0/8"), True, ipa.UNKNOWN),
        (("10.0.0.0/8",), ("10.0.0.0/8", "127.0.0.1/32"), False, ipa.UNKNOWN),
        # not admitted now, and the new list admits nothing new: still out
        (("10.0.0.0/8", "192.168.0.0/16"), ("10.1.0.0/16",), False, ipa.CUT_OFF),
        # from an empty or all-disabled list, nothing is known about the caller's address
        ((), ("10.0.0.0/8",), True, ipa.UNKNOWN),
        (("-127.0.0.1/32",), ("127.0.0.1/32",), True, ipa.UNKNOWN),
        (("10.0.0.0/8",), ("-10.0.0.0/8",), True, ipa.UNKNOWN),
        # IPv6 networks never hold an IPv4 address
        (("127.0.0.1/32",), ("::/0",), True, ipa.UNKNOWN),
        (("10.0.0.0/8", "2001:db8::/32"), ("2001:db8::/32", "10.0.0.0/8", "2001:db9::/32"), True, ipa.ADMITTED),
    ],
)
def test_lockout_verdict(current, new, allowed_now, verdict):
    assert ipa.lockout_verdict(entries(*current), entries(*new), allowed_now) == verdict


# -- the verdict never contradicts the server --------------------------------------------------
# For any two lists and any caller address, a decided verdict must agree with what the emulator
# (which enforces the lists) would do with that address once the new list is enforced.

ADDRESS_POOL = ["10.0.0.1", "10.200.3.4", "127.0.0.1", "192.168.1.9", "2001:db8::7", "2001:db9::1"]
NETWORK_POOL = [
    "10.0.0.0/8", "10.0.0.0/9", "10.128.0.0/9", "10.0.0.1/32", "127.0.0.0/8", "127.0.0.1/32",
    "192.168.0.0/16", "192.168.1.0/24", "0.0.0.0/0", "2001:db8::/32", "2001:db8::7/128", "::/0",
]  # fmt: skip


class Entry:
    def __init__(self, network, enabled):
        self.ip_network, self.enabled, self.last_seen = network, enabled, None


def server_admits(entry_dicts, address):
    return server_rules.admits([Entry(e["ip_network"], e["enabled"]) for e in entry_dicts], ipaddress.ip_address(address))


lists = st.lists(
    st.builds(lambda n, e: {"ip_network": n, "enabled": e}, st.sampled_from(NETWORK_POOL), st.booleans()),
    max_size=5,
    unique_by=lambda e: e["ip_network"],
)


@settings(max_examples=400, deadline=None)
@given(current=lists, new=lists, address=st.sampled_from(ADDRESS_POOL))
def test_a_decided_verdict_matches_the_server(current, new, address):
    verdict = ipa.lockout_verdict(current, new, server_admits(current, address))
    if verdict == ipa.ADMITTED:
        assert server_admits(new, address)
    elif verdict == ipa.CUT_OFF:
        assert not server_admits(new, address)


# -- the requests: through the resource table ---------------------------------------------------


def test_reads_and_writes_go_through_the_table():
    settings_path = "/accounts/%s/settings" % ACCOUNT_ID
    list_path = "/accounts/%s/ip_allowlist" % ACCOUNT_ID
    client = RecordingClient(
        answers={
            ("GET", settings_path): {"enforce_ip_allowlist": False},
            ("GET", list_path): {"entries": [{"ip_network": "10.0.0.0/8", "enabled": True}]},
            ("GET", list_path + "/my_access"): {"allowed": True, "detail": "ok"},
        }
    )
    api = FakeConnection(client).api
    assert ipa.read_settings(api, "account 'acme'") == {"enforce_ip_allowlist": False}
    assert ipa.read_entries(api) == [{"ip_network": "10.0.0.0/8", "enabled": True}]
    assert ipa.my_access(api) == {"allowed": True, "detail": "ok"}
    ipa.write_entries(api, [{"ip_network": "10.0.0.0/8", "enabled": False, "description": ""}])
    ipa.set_enforcement(api, True)
    assert client.writes() == [
        ("PUT", list_path, {"entries": [{"ip_network": "10.0.0.0/8", "enabled": False, "description": None}]}),
        ("PATCH", settings_path, {"enforce_ip_allowlist": True}),
    ]
    assert [s["safe_to_resend"] for s in client.sent if s["method"] != "GET"] == [True, True]


def test_an_account_without_the_setting_has_no_allowlist():
    client = RecordingClient(answers={("GET", "/accounts/%s/settings" % ACCOUNT_ID): {"managed_execution": True}})
    with pytest.raises(ipa.FeatureUnavailable, match="not available for account 'acme'.*Enterprise") as refused:
        ipa.read_settings(FakeConnection(client).api, "account 'acme'")
    assert isinstance(refused.value, Refusal)
