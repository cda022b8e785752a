"""prefect.cloud.ip_allowlist: the desired list, the lock-out guard and the order of the writes.

The module runs its whole reconcile flow against a fake Prefect Cloud that keeps a list and a
setting, answers ``my_access`` for one caller address and, like the real one, refuses a list
that would cut that address off while enforcement is on.
"""

import ipaddress

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudHTTPError
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import Api
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import run_resource
from ansible_collections.prefect.cloud.plugins.modules.ip_allowlist import IPAllowlist

ACCOUNT_PATH = "/accounts/acct"
DEFAULTS = {"account": "acme", "entries": None, "exclusive": False, "enforce": None, "allow_lockout": False}


class FakeCloud:
    """The account's allowlist as the server keeps it; ``address`` is the caller's."""

    def __init__(self, entries=(), enforce=False, address="127.0.0.1", available=True):
        self.entries = [dict(e) for e in entries]
        self.enforce = enforce
        self.address = ipaddress.ip_address(address)
        self.available = available
        self.requests = []

    def request(self, method, path, json=None, params=None, safe_to_resend=None):
        """The HTTP client's one entry point, as the resource table's ``Api`` calls it."""
        if method == "GET":
            return self.get(path)
        return {"PUT": self.put, "PATCH": self.patch}[method](path, json=json)

    def admits(self, entries):
        enabled = [ipaddress.ip_network(e["ip_network"]) for e in entries if e["enabled"]]
        return not enabled or any(n.version == self.address.version and self.address in n for n in enabled)

    def get(self, path):
        self.requests.append(("GET", path))
        if path == ACCOUNT_PATH + "/settings":
            return {"enforce_ip_allowlist": self.enforce, "managed_execution": True} if self.available else {}
        if path == ACCOUNT_PATH + "/ip_allowlist":
            return {"entries": [dict(e, last_seen=None) for e in self.entries]}
        if path == ACCOUNT_PATH + "/ip_allowlist/my_access":
            allowed = self.admits(self.entries)
            return {"allowed": allowed, "detail": "Your current IP address (%s) is %s." % (self.address, "allowed" if allowed else "not allowed")}
        raise AssertionError("unexpected GET %s" % path)

    def put(self, path, json=None):
        self.requests.append(("PUT", path))
        assert path == ACCOUNT_PATH + "/ip_allowlist"
        if self.enforce and not self.admits(json["entries"]):
            raise PrefectCloudHTTPError(
                "PUT /api%s failed: invalid request (HTTP 422)" % path, status=422,
                detail="Your current IP address (%s) must be included in the IP allowlist to prevent account lockout." % self.address,
            )
        self.entries = [dict(e) for e in json["entries"]]
        return {"entries": self.entries}

    def patch(self, path, json=None):
        self.requests.append(("PATCH", path))
        assert path == ACCOUNT_PATH + "/settings" and set(json) == {"enforce_ip_allowlist"}
        self.enforce = json["enforce_ip_allowlist"]

    def writes(self):
        return [(method, path.rsplit("/", 1)[-1]) for method, path in self.requests if method != "GET"]

    def asked_my_access(self):
        return sum(1 for request in self.requests if request[1].endswith("/my_access"))


class Failed(Exception):
    def __init__(self, msg, **result):
        super().__init__(msg)
        self.result = result


class FakeModule(PrefectCloudModule):
    """The real module runner (its failures included) around the fake cloud, without AnsibleModule."""

    diff_mode = True
    check_mode = False
    account_scoped = False  # the fake's Api finds the account on it, below
    account_id = "acct"
    client = None
    api = None

    def __init__(self, cloud, check_mode=False, **params):
        self.client = cloud
        self.api = Api(self)
        self.check_mode = check_mode
        self.params = dict(DEFAULTS, **params)
        for entry in self.params["entries"] or []:
            entry.setdefault("enabled", True)
            entry.setdefault("description", None)
            entry.setdefault("state", "present")
        self.warnings = []
        self.result = None

    def fail(self, msg, **result):
        raise Failed(msg, **result)

    def exit(self, **result):
        self.result = result

    def forget_lookups(self):
        pass


def run_module(cloud, check_mode=False, **params):
    """The module (for its warnings) and its result."""
    module = FakeModule(cloud, check_mode=check_mode, **params)
    run_resource(module, IPAllowlist)
    return module, module.result


def run(cloud, check_mode=False, **params):
    return run_module(cloud, check_mode=check_mode, **params)[1]


def entry(network, enabled=True, description=None):
    return {"ip_network": network, "enabled": enabled, "description": description}


# ------------------------------------------------------------------------------ the desired list

def test_additive_adds_updates_and_keeps_the_rest():
    cloud = FakeCloud([entry("10.0.0.0/8", description="corporate"), entry("192.168.0.0/16", False, "lab")])
    result = run(cloud, entries=[{"ip_network": "192.168.0.0/16"}, {"ip_network": "203.0.113.7", "description": "ci"}])
    assert result["changed"] is True
    assert result["diff"]["after"]["entries"] == [
        {"ip_network": "10.0.0.0/8", "enabled": True, "description": "corporate"},
        {"ip_network": "192.168.0.0/16", "enabled": True, "description": "lab"},
        {"ip_network": "203.0.113.7/32", "enabled": True, "description": "ci"},
    ]
    assert cloud.writes() == [("PUT", "ip_allowlist")]
    assert cloud.entries[2] == {"ip_network": "203.0.113.7/32", "enabled": True, "description": "ci"}


def test_exclusive_keeps_only_what_is_named_and_absent_removes():
    cloud = FakeCloud([entry("10.0.0.0/8"), entry("192.168.0.0/16"), entry("2001:db8::/32")])
    result = run(cloud, exclusive=True, entries=[{"ip_network": "2001:DB8::/32"}, {"ip_network": "10.0.0.0/8", "state": "absent"}])
    assert [e["ip_network"] for e in result["ip_allowlist"]["entries"]] == ["2001:db8::/32"]
    cloud = FakeCloud([entry("10.0.0.0/8"), entry("192.168.0.0/16")])
    result = run(cloud, entries=[{"ip_network": "10.0.0.0/8", "state": "absent"}, {"ip_network": "172.16.0.0/12"}])
    assert [e["ip_network"] for e in result["ip_allowlist"]["entries"]] == ["172.16.0.0/12", "192.168.0.0/16"]
    assert cloud.writes() == [("PUT", "ip_allowlist")], "one update for a removal and an addition"


def test_the_same_list_is_no_change_and_no_write():
    cloud = FakeCloud([entry("10.0.0.1/32", description="a"), entry("10.0.0.0/8", False)])
    for check_mode in (False, True):
        result = run(cloud, check_mode=check_mode, exclusive=True,
                     entries=[{"ip_network": "10.0.0.0/8", "enabled": False}, {"ip_network": "10.0.0.1"}])
        assert result["changed"] is False
        assert result["lockout_guard"]["verdict"] == "not_needed"
    assert cloud.writes() == []


def test_an_empty_description_clears_it_and_an_absent_one_keeps_it():
    cloud = FakeCloud([entry("10.0.0.0/8", description="corporate")])
    kept = run(cloud, entries=[{"ip_network": "10.0.0.0/8"}])
    assert kept["changed"] is False
    cleared = run(cloud, entries=[{"ip_network": "10.0.0.0/8", "description": ""}])
    assert cleared["changed"] is True
    assert cloud.entries == [{"ip_network": "10.0.0.0/8", "enabled": True, "description": None}]


def test_more_than_25_entries_fail_before_writing():
    cloud = FakeCloud([entry("10.%d.0.0/16" % i) for i in range(20)])
    with pytest.raises(Failed, match="26 entries; Prefect Cloud allows at most 25"):
        run(cloud, entries=[{"ip_network": "172.16.%d.0/24" % i} for i in range(6)])
    assert cloud.writes() == []


def test_an_account_without_the_feature_fails_with_a_plain_message():
    cloud = FakeCloud(available=False)
    with pytest.raises(Failed, match="IP allowlisting is not available for account 'acme'"):
        run(cloud, entries=[{"ip_network": "10.0.0.0/8"}])
    assert cloud.requests == [("GET", ACCOUNT_PATH + "/settings")]


# ------------------------------------------------------------------------------ the lock-out guard

def test_turning_on_a_list_that_admits_the_caller():
    cloud = FakeCloud([entry("127.0.0.1/32")])
    check = run(cloud, check_mode=True, enforce=True)
    assert (check["changed"], check["lockout_guard"]["verdict"], cloud.writes()) == (True, "admitted", [])
    real = run(cloud, enforce=True)
    assert real["diff"] == check["diff"]
    assert cloud.writes() == [("PATCH", "settings")] and cloud.enforce is True


def test_turning_on_a_list_that_does_not_admit_the_caller_is_refused_in_check_mode_too():
    cloud = FakeCloud([entry("10.0.0.0/8")])
    for check_mode in (True, False):
        with pytest.raises(Failed) as refused:
            run(cloud, check_mode=check_mode, enforce=True)
        assert "refusing to turn on enforcement" in str(refused.value)
        assert "allow_lockout" in str(refused.value)
        assert refused.value.result["changed"] is False
        assert refused.value.result["lockout_guard"]["verdict"] == "cut_off"
    assert cloud.writes() == [] and cloud.enforce is False


def test_allow_lockout_turns_it_on_with_a_warning_and_reports_without_reading_back():
    cloud = FakeCloud([entry("10.0.0.0/8")])
    module, result = run_module(cloud, enforce=True, allow_lockout=True)
    assert result["changed"] is True and cloud.enforce is True
    assert result["lockout_guard"]["verdict"] == "cut_off"
    assert any("allow_lockout" in w for w in module.warnings)
    assert cloud.requests[-1][0] == "PATCH", "no read after the write: this address is shut out now"
    assert result["ip_allowlist"]["enforce"] is True


def test_turning_on_with_a_new_list_writes_it_first_then_asks_again():
    cloud = FakeCloud([entry("10.0.0.0/8")])
    module, check = run_module(cloud, check_mode=True, enforce=True, entries=[{"ip_network": "127.0.0.1"}])
    assert check["lockout_guard"]["verdict"] == "unknown"
    assert any("check mode cannot tell" in w for w in module.warnings)
    assert cloud.writes() == []
    real = run(cloud, enforce=True, entries=[{"ip_network": "127.0.0.1"}])
    assert real["lockout_guard"]["verdict"] == "admitted"
    assert cloud.writes() == [("PUT", "ip_allowlist"), ("PATCH", "settings")]
    assert cloud.asked_my_access() == 3  # check mode once, the real run before and after the PUT


def test_turning_on_a_new_list_that_shuts_the_caller_out_leaves_enforcement_off():
    cloud = FakeCloud([entry("127.0.0.1/32")])
    with pytest.raises(Failed) as refused:
        run(cloud, enforce=True, exclusive=True, entries=[{"ip_network": "10.0.0.0/8"}])
    assert refused.value.result["changed"] is True
    assert "The entries were written; enforcement stays off." in str(refused.value)
    assert cloud.writes() == [("PUT", "ip_allowlist")]
    assert cloud.enforce is False and [e["ip_network"] for e in cloud.entries] == ["10.0.0.0/8"]


def test_while_enforced_a_wider_list_is_admitted_without_a_second_question():
    cloud = FakeCloud([entry("127.0.0.1/32")], enforce=True)
    result = run(cloud, exclusive=True, entries=[{"ip_network": "127.0.0.0/8"}])
    assert result["lockout_guard"]["verdict"] == "admitted"
    assert cloud.asked_my_access() == 1


def test_while_enforced_the_servers_refusal_is_reported_and_nothing_changes():
    cloud = FakeCloud([entry("127.0.0.1/32"), entry("10.0.0.0/8")], enforce=True)
    module, check = run_module(cloud, check_mode=True, exclusive=True, entries=[{"ip_network": "10.0.0.0/8"}])
    assert check["lockout_guard"]["verdict"] == "unknown" and module.warnings
    with pytest.raises(Failed) as refused:
        run(cloud, exclusive=True, entries=[{"ip_network": "10.0.0.0/8"}])
    assert "Prefect Cloud refused the new IP allowlist of account 'acme', which stays as it was" in str(refused.value)
    assert "must be included in the IP allowlist" in str(refused.value)
    assert refused.value.result["changed"] is False
    assert len(cloud.entries) == 2


def test_while_enforced_an_accepted_list_is_admitted_by_the_server():
    cloud = FakeCloud([entry("127.0.0.1/32"), entry("10.0.0.0/8")], enforce=True)
    result = run(cloud, exclusive=True, entries=[{"ip_network": "127.0.0.0/24"}])
    assert result["lockout_guard"]["verdict"] == "admitted"
    assert "accepted" in result["lockout_guard"]["detail"]


def test_turning_off_goes_first_and_needs_no_guard():
    cloud = FakeCloud([entry("127.0.0.1/32")], enforce=True)
    result = run(cloud, enforce=False, exclusive=True, entries=[{"ip_network": "10.0.0.0/8"}])
    assert cloud.writes() == [("PATCH", "settings"), ("PUT", "ip_allowlist")]
    assert cloud.asked_my_access() == 0
    assert result["lockout_guard"]["verdict"] == "not_needed"


def test_a_422_the_guard_did_not_expect_is_reported_as_the_server_sent_it():
    class Refusing(FakeCloud):
        def put(self, path, json=None):
            raise PrefectCloudHTTPError("PUT /api%s failed: invalid request (HTTP 422): something else" % path,
                                        status=422, detail="something else")

    cloud = Refusing([entry("127.0.0.1/32")], enforce=True)
    with pytest.raises(Failed, match="something else") as failed:
        run(cloud, entries=[{"ip_network": "10.0.0.0/8"}])  # a wider list: admitted before the write
    assert failed.value.result["status"] == 422 and "lockout_guard" not in failed.value.result
