"""The /_emulator/ test hooks: request log, faults, reset, persistence, demo seed, CLI."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
import requests

import emu_support as es
from emu_support import ACCT, expect


# ------------------------------------------------------------------------------- request log

def test_request_log_records_method_path_status(emu):
    expect(emu.owner.get("/api/me/"), 200)
    emu.owner.post(f"{ACCT}/teams/", json={"name": "logged"})
    emu.owner.get(f"{ACCT}/teams/{es.random_id()}")
    emu.anon.get("/api/me/")
    log = emu.request_log()
    tail = [(e["method"], e["path"], e["status"]) for e in log]
    assert tail == [("GET", "/api/me/", 200), ("POST", f"{ACCT}/teams/", 201),
                    ("GET", tail[2][1], 404), ("GET", "/api/me/", 401)], tail
    assert tail[2][1].startswith(f"{ACCT}/teams/")
    seqs = [e["seq"] for e in log]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    for e in log:
        assert set(e) == {"seq", "method", "path", "status"}, e


def test_request_log_never_holds_bodies_keys_or_query_strings(emu):
    bot = emu.create_bot("log-bot")
    minted = bot["api_key"]["key"]
    uid = emu.me()["id"]
    ukey = expect(emu.owner.post(f"/api/users/{uid}/api_keys", json={"name": "SECRET-NAME-42"}), 201)["key"]
    emu.owner.get(f"/api/users/{uid}/api_keys", params={"name": "QUERY-SECRET-77"})
    emu.client(minted).get("/api/me/workspaces")
    emu.client(ukey).get("/api/me/")
    emu.owner.post(f"{ACCT}/teams/filter", json={"teams": {"name": {"any_": ["BODY-SECRET-99"]}}})
    emu.client("pnu_" + "W" * 36).get("/api/me/")
    raw = emu.hooks.get("/_emulator/requests").text
    for secret in (minted, ukey, es.OWNER_KEY, "SECRET-NAME-42", "QUERY-SECRET-77", "BODY-SECRET-99",
                   "pnu_" + "W" * 36, "Bearer", "Authorization"):
        assert secret not in raw, f"{secret!r} appears in the request log"
    assert "?" not in raw
    assert len(json.loads(raw)) == 8


def test_hook_calls_are_not_logged(emu):
    emu.request_log()
    emu.hooks.delete("/_emulator/faults")
    expect(emu.owner.get("/api/me/"), 200)
    log = emu.request_log()
    assert [e["path"] for e in log] == ["/api/me/"]


def test_request_log_since_and_clear(emu):
    expect(emu.owner.get("/api/me/"), 200)
    first = emu.request_log()
    last_seq = first[-1]["seq"]
    expect(emu.owner.get("/api/me/accounts"), 200)
    newer = emu.request_log(since=last_seq)
    assert [e["path"] for e in newer] == ["/api/me/accounts"]
    assert newer[0]["seq"] > last_seq
    r = emu.hooks.delete("/_emulator/requests")
    assert r.status_code in (200, 204)
    assert emu.request_log() == []
    expect(emu.owner.get("/api/me/"), 200)
    after = emu.request_log()
    assert len(after) == 1 and after[0]["seq"] > newer[0]["seq"], "sequence numbers keep growing"


# ------------------------------------------------------------------------------- faults

def test_fault_429_with_retry_after_then_success(emu):
    emu.add_fault(method="POST", path=r"/teams/filter$", count=2, status=429, retry_after=1)
    for _ in range(2):
        r = emu.owner.post(f"{ACCT}/teams/filter", json={})
        assert r.status_code == 429, r.text
        assert r.headers.get("Retry-After") == "1"
        assert isinstance(r.json().get("detail"), str)
    expect(emu.owner.post(f"{ACCT}/teams/filter", json={}), 200)
    statuses = [e["status"] for e in emu.request_log()]
    assert statuses == [429, 429, 200]


def test_faulted_write_is_not_processed(emu):
    emu.add_fault(method="POST", path=r"/teams/$", count=1, status=429, retry_after=2)
    r = emu.owner.post(f"{ACCT}/teams/", json={"name": "not-yet"})
    assert r.status_code == 429 and r.headers.get("Retry-After") == "2"
    assert expect(emu.owner.post(f"{ACCT}/teams/filter", json={}), 200) == []
    expect(emu.owner.post(f"{ACCT}/teams/", json={"name": "not-yet"}), 201)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_fault_5xx_then_success(emu, status):
    emu.add_fault(path=r"/api/me/$", count=1, status=status)
    r = emu.owner.get("/api/me/")
    assert r.status_code == status
    assert "detail" in r.json()
    expect(emu.owner.get("/api/me/"), 200)


def test_fault_matches_method_and_path_only(emu):
    emu.add_fault(method="DELETE", path=r"/workspaces/", count=1, status=503)
    ws = emu.create_workspace("fault-scope")  # POST: not matched
    expect(emu.owner.get(f"{ACCT}/workspaces/{ws['id']}"), 200)  # GET: not matched
    assert emu.owner.delete(f"{ACCT}/workspaces/{ws['id']}").status_code == 503
    expect(emu.owner.delete(f"{ACCT}/workspaces/{ws['id']}"), 204)


def test_fault_latency(emu):
    emu.add_fault(path=r"/api/me/$", count=1, latency=0.4)
    t0 = time.monotonic()
    expect(emu.owner.get("/api/me/"), 200)
    slow = time.monotonic() - t0
    fast = []
    for _ in range(3):  # the fault was for one request only; min() absorbs load spikes
        t0 = time.monotonic()
        expect(emu.owner.get("/api/me/"), 200)
        fast.append(time.monotonic() - t0)
    assert slow >= 0.4, slow
    assert min(fast) < 0.3, fast


def test_fault_latency_completes_a_write_whose_client_gave_up(emu):
    emu.add_fault(method="POST", path=r"/teams/$", count=1, latency=1.0)
    with pytest.raises(requests.exceptions.Timeout):
        requests.post(f"{emu.base_url}{ACCT}/teams/", json={"name": "late"},
                      headers={"Authorization": f"Bearer {es.OWNER_KEY}"}, timeout=0.3)
    deadline = time.monotonic() + 10
    rows = []
    while not rows and time.monotonic() < deadline:
        time.sleep(0.2)
        rows = expect(emu.owner.post(f"{ACCT}/teams/filter", json={"teams": {"name": {"any_": ["late"]}}}), 200)
    assert [r["name"] for r in rows] == ["late"], "the slow write was committed after the client gave up"


def test_drop_response_commits_write_but_client_sees_connection_error(emu):
    emu.add_fault(method="POST", path=r"/teams/$", count=1, drop_response=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        emu.owner.post(f"{ACCT}/teams/", json={"name": "ghost"})
    rows = expect(emu.owner.post(f"{ACCT}/teams/filter", json={"teams": {"name": {"any_": ["ghost"]}}}), 200)
    assert [r["name"] for r in rows] == ["ghost"], "the write was committed"
    # a retried create now conflicts, exactly like the real service after a lost response
    assert emu.owner.post(f"{ACCT}/teams/", json={"name": "ghost"}).status_code == 409


def test_drop_response_on_fresh_connection(emu):
    emu.add_fault(method="POST", path=r"/bots/$", count=1, drop_response=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(f"{emu.base_url}{ACCT}/bots/", json={"name": "ghost-bot"},
                      headers={"Authorization": f"Bearer {es.OWNER_KEY}"}, timeout=10)
    rows = expect(emu.owner.post(f"{ACCT}/bots/filter", json={}), 200)
    assert [r["name"] for r in rows] == ["ghost-bot"]


def test_clear_faults(emu):
    emu.add_fault(path=r"/api/me/$", count=5, status=503)
    assert emu.owner.get("/api/me/").status_code == 503
    emu.clear_faults()
    expect(emu.owner.get("/api/me/"), 200)


def test_faults_do_not_touch_hooks(emu):
    emu.add_fault(path=".*", count=3, status=503)
    assert isinstance(emu.request_log(), list)
    emu.clear_faults()


# ------------------------------------------------------------------------------- reset / clock

def test_reset_restores_seed_and_clears_log_and_faults(emu):
    emu.create_workspace("temporary")
    emu.create_bot("temporary")
    mia = emu.membership(es.MEMBER_EMAIL)
    expect(emu.owner.delete(f"{ACCT}/account_memberships/{mia['id']}"), 204)
    emu.add_fault(path=r"/api/me/$", count=10, status=503)
    emu.reset()
    expect(emu.owner.get("/api/me/"), 200)  # fault gone
    assert expect(emu.owner.post(f"{ACCT}/workspaces/filter", json={}), 200) == []
    assert expect(emu.owner.post(f"{ACCT}/bots/filter", json={}), 200) == []
    assert emu.membership(es.MEMBER_EMAIL)["account_role_name"] == "Member"
    expect(emu.member.get("/api/me/"), 200)
    assert [e["path"] for e in emu.request_log()][-1] == "/api/me/"
    assert len(emu.request_log()) <= 5


def test_reset_with_a_new_seed():
    with es.running(es.make_app(es.TEST_SEED)) as base:
        c = requests.Session()
        key = "pnu_" + "R" * 36
        seed = {"account": {"handle": "other", "name": "Other", "plan_type": "ENTERPRISE"},
                "users": [{"email": "rita@other.io", "handle": "rita", "first_name": "Rita",
                           "last_name": "Reset", "account_role": "Owner", "api_key": key}]}
        r = c.post(base + "/_emulator/reset", json={"seed": seed})
        assert r.status_code in (200, 204), r.text
        r = c.get(base + "/api/me/accounts", headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 200 and [a["account_handle"] for a in r.json()] == ["other"]
        r = c.get(base + "/api/me/", headers={"Authorization": f"Bearer {es.OWNER_KEY}"})
        assert r.status_code == 401


def test_a_seed_holds_the_ip_allowlist():
    seed = dict(es.TEST_SEED, ip_allowlist_entries=[{"ip_network": "10.0.0.1", "description": "one"},
                                                     {"ip_network": "2001:db8::/32", "enabled": False}])
    with es.running(es.make_app(seed)) as base:
        entries = expect(es.Client(base, es.OWNER_KEY).get(f"{ACCT}/ip_allowlist"), 200)["entries"]
        assert [(e["ip_network"], e["enabled"], e["description"]) for e in entries] == [
            ("10.0.0.1/32", True, "one"), ("2001:db8::/32", False, None)]


def test_allowlist_entries_need_the_feature():
    seed = dict(es.TEST_SEED, account=dict(es.TEST_SEED["account"], ip_allowlist=False),
                ip_allowlist_entries=[{"ip_network": "10.0.0.0/8"}])
    with pytest.raises(ValueError, match="without the IP allowlist feature"):
        es.make_app(seed)


def test_state_hook_returns_the_whole_state_without_keys(emu):
    before = expect(emu.hooks.get("/_emulator/state"), 200)
    assert [a["handle"] for a in before["accounts"]] == [es.TEST_SEED["account"]["handle"]]
    bot_key = emu.create_bot("state-bot")["api_key"]["key"]
    after = expect(emu.hooks.get("/_emulator/state"), 200)
    assert [b["name"] for b in after["bots"]] == ["state-bot"]
    assert len(after["api_keys"]) == len(before["api_keys"]) + 1
    assert bot_key not in json.dumps(after), "the state holds key hashes, never keys"
    bot_id = after["bots"][0]["id"]
    expect(emu.owner.delete(f"{ACCT}/bots/{bot_id}"), 204)
    final = expect(emu.hooks.get("/_emulator/state"), 200)
    # The audit trail keeps what happened (the bot's creation and deletion); the rest is as it was.
    assert [e["event"] for e in final["events"][len(before["events"]):]] == [
        "prefect-cloud.service-account.created", "prefect-cloud.service-account.deleted"]
    assert dict(final, events=None) == dict(before, events=None)


def test_clock_hook_moves_time_forward(emu):
    t0 = emu.server_now()
    emu.advance_clock(86400)
    t1 = emu.server_now()
    assert 86400 <= (t1 - t0).total_seconds() < 86400 + 60


def test_invitation_expires_with_clock(emu):
    inv = emu.invite("slow@example.com")
    exp = es.parse_dt(inv["expiration"])
    now = emu.server_now()
    emu.advance_clock(int((exp - now).total_seconds()) + 60)
    r = emu.hooks.post(f"/_emulator/invitations/{inv['id']}/accept")
    assert r.status_code >= 400, "an expired invitation cannot be accepted"


def test_populate_loads_objects(emu):
    out = emu.populate(users=30, teams=20, bots=10, workspaces=5, prefix="pop")
    assert isinstance(out, dict)
    assert len(expect(emu.owner.post(f"{ACCT}/teams/filter", json={"teams": {"name": {"like_": "pop"}}}), 200)) == 20
    assert len(expect(emu.owner.post(f"{ACCT}/bots/filter", json={"service_accounts": {"name": {"like_": "pop"}}}), 200)) == 10
    assert len(expect(emu.owner.post(f"{ACCT}/workspaces/filter", json={}), 200)) == 5
    assert expect(emu.owner.post(f"{ACCT}/account_memberships/count", json={"only_users": True}), 200) == 34


# ------------------------------------------------------------------------------- demo seed / persistence

def _demo_owner(seed):
    owners = [u for u in seed["users"] if u.get("account_role") == "Owner" and u.get("api_key")]
    assert owners, "the demo seed has an Owner with an API key"
    return owners[0]


def test_demo_seed_serves_and_owner_key_works():
    from prefect_cloud_emulator import DEMO_SEED

    assert isinstance(DEMO_SEED, dict) and DEMO_SEED["users"]
    owner = _demo_owner(DEMO_SEED)
    assert re.fullmatch(r"pnu_[A-Za-z0-9]{36}", owner["api_key"])
    with es.running(es.make_app(DEMO_SEED)) as base:
        c = es.Client(base, owner["api_key"])
        assert expect(c.get("/api/me/"), 200)["email"] == owner["email"]
        accounts = expect(c.get("/api/me/accounts"), 200)
        assert [a["account_handle"] for a in accounts] == [DEMO_SEED["account"]["handle"]]
        # the demo account is usable end to end: its owner can create a workspace
        expect(c.post(f"/api/accounts/{accounts[0]['account_id']}/workspaces/",
                      json={"name": "Demo", "handle": "demo-check"}), 201)


def test_create_app_without_seed_uses_demo_seed():
    from prefect_cloud_emulator import DEMO_SEED, create_app

    owner = _demo_owner(DEMO_SEED)
    with es.running(create_app()) as base:
        expect(es.Client(base, owner["api_key"]).get("/api/me/"), 200)


def test_state_file_survives_restart(tmp_path):
    state = tmp_path / "state.json"
    with es.running(es.make_app(es.TEST_SEED, state_file=str(state))) as base:
        c = es.Client(base, es.OWNER_KEY)
        ws_id = expect(c.post(f"{ACCT}/workspaces/", json={"name": "Kept", "handle": "kept"}), 201)["id"]
        bot_key = expect(c.post(f"{ACCT}/bots/", json={"name": "kept-bot"}), 201)["api_key"]["key"]
    assert state.exists()
    assert bot_key not in state.read_text(), "plaintext keys are not written to the state file"
    with es.running(es.make_app(es.TEST_SEED, state_file=str(state))) as base:
        c = es.Client(base, es.OWNER_KEY)
        assert expect(c.get(f"{ACCT}/workspaces/{ws_id}"), 200)["handle"] == "kept"
        expect(es.Client(base, bot_key).get("/api/me/workspaces"), 200)  # minted keys survive
        assert c.post(f"{ACCT}/workspaces/", json={"name": "Kept", "handle": "kept"}).status_code == 409


def test_state_file_written_without_clean_shutdown(tmp_path):
    """Writes are persisted as they happen (a killed emulator keeps its demo account): the second
    app reads the file while the first one is still running."""
    state = tmp_path / "state.json"
    with es.running(es.make_app(es.TEST_SEED, state_file=str(state))) as base1:
        expect(es.Client(base1, es.OWNER_KEY).post(f"{ACCT}/teams/", json={"name": "durable"}), 201)
        # The emulator saves right after the response goes out; allow it a moment.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not (state.exists() and "durable" in state.read_text()):
            time.sleep(0.05)
        with es.running(es.make_app(es.TEST_SEED, state_file=str(state))) as base2:
            rows = expect(es.Client(base2, es.OWNER_KEY).post(f"{ACCT}/teams/filter", json={}), 200)
            assert [t["name"] for t in rows] == ["durable"]


def _start_cli(args, env):
    proc = subprocess.Popen([sys.executable, "-m", "prefect_cloud_emulator", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    return proc


def _wait_up(url, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"emulator exited: {proc.stdout.read()}")
        try:
            requests.get(url + "/api/workspace_scopes", timeout=5)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("emulator CLI did not come up")


def test_cli_with_seed_and_state(tmp_path):
    yaml = pytest.importorskip("yaml")
    seed_file = tmp_path / "seed.yml"
    seed_file.write_text(yaml.safe_dump(es.TEST_SEED))
    state = tmp_path / "state.json"
    env = dict(os.environ, PYTHONPATH=str(es.EMULATOR_DIR), PYTHONUNBUFFERED="1")
    auth = {"Authorization": f"Bearer {es.OWNER_KEY}"}
    port = es.free_port()
    base = f"http://127.0.0.1:{port}"
    args = ["--port", str(port), "--seed", str(seed_file), "--state", str(state)]
    proc = _start_cli(args, env)
    try:
        _wait_up(base, proc)
        r = requests.post(f"{base}{ACCT}/workspaces/", json={"name": "CLI", "handle": "cli"}, headers=auth, timeout=30)
        assert r.status_code == 201, r.text
    finally:
        proc.send_signal(signal.SIGTERM)
        out = proc.communicate(timeout=30)[0]
    assert f"127.0.0.1:{port}" in out and es.ACCOUNT_ID in out and es.OWNER_KEY in out, out
    # what the CLI saved is what a restarted emulator serves (restart in-process: cheaper)
    with es.running(es.make_app(es.TEST_SEED, state_file=str(state))) as base:
        rows = expect(es.Client(base, es.OWNER_KEY).post(f"{ACCT}/workspaces/filter", json={}), 200)
        assert [w["handle"] for w in rows] == ["cli"]


def test_fault_count_defaults_to_one_and_retry_after_only_when_given(emu):
    emu.add_fault(path=r"/api/me/$", status=503)
    r = emu.owner.get("/api/me/")
    assert r.status_code == 503 and "Retry-After" not in r.headers
    expect(emu.owner.get("/api/me/"), 200)
    emu.add_fault(path=r"/api/me/$", status=503, retry_after=3)
    r = emu.owner.get("/api/me/")
    assert r.status_code == 503 and r.headers.get("Retry-After") == "3"


def test_fault_rules_apply_in_order_and_expire_independently(emu):
    emu.add_fault(path=r"/teams/filter$", count=1, status=429, retry_after=1)
    emu.add_fault(path=r"/bots/filter$", count=1, status=502)
    assert emu.owner.post(f"{ACCT}/bots/filter", json={}).status_code == 502
    assert emu.owner.post(f"{ACCT}/teams/filter", json={}).status_code == 429
    expect(emu.owner.post(f"{ACCT}/bots/filter", json={}), 200)
    expect(emu.owner.post(f"{ACCT}/teams/filter", json={}), 200)


def test_fault_every_nth_matching_request(emu):
    emu.add_fault(path=r"/api/me/$", count=2, status=503, every=3)
    statuses = [emu.owner.get("/api/me/").status_code for _ in range(8)]
    assert statuses == [200, 200, 503, 200, 200, 503, 200, 200]


def test_a_tagged_path_is_served_and_logged_with_its_tag(emu):
    emu.hooks.delete("/_emulator/requests")
    expect(emu.owner.get("/_tag/case-1/api/me/"), 200)
    expect(emu.owner.get("/api/me/"), 200)
    entries = emu.request_log()
    assert [(e["path"], e.get("tag")) for e in entries] == [("/api/me/", "case-1"), ("/api/me/", None)]


def test_the_log_is_read_by_tag_and_from_a_mark(emu):
    expect(emu.owner.get("/_tag/step-a/api/me/"), 200)
    mark = emu.hooks.get("/_emulator/requests/last").json()["seq"]
    expect(emu.owner.get("/_tag/step-b/api/me/"), 200)
    expect(emu.owner.get("/_tag/step-a/api/me/"), 200)
    by_tag = emu.hooks.get("/_emulator/requests", params={"tag": "step-a"}).json()
    assert [e["tag"] for e in by_tag] == ["step-a", "step-a"]
    since = emu.hooks.get("/_emulator/requests", params={"since": mark, "tag": "step-a"}).json()
    assert [e["seq"] for e in since] == [by_tag[1]["seq"]]
    assert emu.hooks.get("/_emulator/requests/last").json()["seq"] == by_tag[1]["seq"]


def test_the_cli_serves_https(tmp_path):
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    certificate.cert_chain_pems[0].write_to_path(str(tmp_path / "cert.pem"))
    certificate.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    port = es.free_port()
    env = dict(os.environ, PYTHONPATH=str(es.EMULATOR_DIR), PYTHONUNBUFFERED="1")
    args = ["--port", str(port), "--ssl-certfile", str(tmp_path / "cert.pem"), "--ssl-keyfile", str(tmp_path / "key.pem")]
    proc = _start_cli(args, env)
    base = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stdout.read()
            try:
                response = requests.get(base + "/_emulator/requests", verify=str(tmp_path / "ca.pem"), timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the emulator did not come up over HTTPS"
                time.sleep(0.1)
        assert response.status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(base + "/_emulator/requests", timeout=5)  # not signed by a CA it knows
    finally:
        proc.send_signal(signal.SIGTERM)
        out = proc.communicate(timeout=30)[0]
    assert f"https://127.0.0.1:{port}/api" in out, out
