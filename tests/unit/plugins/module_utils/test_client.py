"""The HTTP client against the emulator, through real sockets.

Retries (Retry-After, 5xx, give-up), lost responses on writes, pagination over
several pages, error mapping, and that no key ever shows in an error.
"""

import time

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._api.client import PrefectCloudClient
from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import (
    AmbiguousWriteError,
    PrefectCloudError,
    PrefectCloudHTTPError,
)

from unit_seed import ACCOUNT_ID, MEMBER_KEY, OWNER_KEY

ACCOUNT = "/accounts/%s" % ACCOUNT_ID


def writes(entries):
    return [e for e in entries if e["method"] != "GET" and not e["path"].endswith(("/filter", "/count"))]


def test_reads_and_decodes(make_client):
    client = make_client()
    me = client.get("/me/")
    assert me["email"] == "owner@unit.test"
    accounts = client.get("/me/accounts")
    assert [a["account_handle"] for a in accounts] == ["unit"]


def test_retry_after_is_honoured(emulator, make_client):
    emulator.fault(path="/me/accounts$", count=2, status=429, retry_after=0.25)
    client = make_client()
    assert client.get("/me/accounts")[0]["account_id"] == ACCOUNT_ID
    assert client.waits == [0.25, 0.25]
    assert len(client.warnings) == 2 and "HTTP 429" in client.warnings[0]
    statuses = [e["status"] for e in emulator.log() if e["path"].endswith("/me/accounts")]
    assert statuses == [429, 429, 200]


def test_retries_give_up_with_a_clear_error(emulator, make_client):
    emulator.fault(path="/me/accounts$", count=5, status=503)
    client = make_client(max_retries=2)
    with pytest.raises(PrefectCloudHTTPError) as info:
        client.get("/me/accounts")
    assert info.value.status == 503
    assert "GET /api/me/accounts" in str(info.value)
    assert "gave up after 2 retries" in str(info.value)
    assert len(client.waits) == 2


def test_a_refused_write_is_resent(emulator, make_client):
    # 429 means the request was not processed, so even a create may be repeated.
    emulator.fault(method="POST", path="/workspaces/$", count=1, status=429, retry_after=0)
    client = make_client()
    created = client.post(ACCOUNT + "/workspaces/", json={"name": "W", "handle": "w1"})
    assert created["handle"] == "w1"
    handles = [w["handle"] for w in client.list_all(ACCOUNT + "/workspaces/filter")]
    assert handles == ["w1"]


def test_a_gateway_error_on_a_create_is_not_resent(emulator, make_client):
    emulator.fault(method="POST", path="/workspaces/$", count=1, status=502)
    client = make_client()
    with pytest.raises(AmbiguousWriteError):
        client.post(ACCOUNT + "/workspaces/", json={"name": "W", "handle": "w2"})
    assert client.waits == []


def test_a_gateway_error_on_a_read_is_retried(emulator, make_client):
    emulator.fault(path="/workspaces/filter$", count=1, status=502)
    client = make_client()
    assert client.list_all(ACCOUNT + "/workspaces/filter") == []
    assert len(client.waits) == 1


def test_a_dropped_create_response_is_ambiguous_and_the_write_happened(emulator, make_client):
    emulator.fault(method="POST", path="/workspaces/$", count=1, drop_response=True)
    client = make_client()
    with pytest.raises(AmbiguousWriteError) as info:
        client.post(ACCOUNT + "/workspaces/", json={"name": "W", "handle": "w3"})
    assert "may or may not have been applied" in str(info.value)
    handles = [w["handle"] for w in client.list_all(ACCOUNT + "/workspaces/filter")]
    assert handles == ["w3"]


def test_a_dropped_read_response_is_retried(emulator, make_client):
    emulator.fault(path="/workspaces/filter$", count=1, drop_response=True)
    client = make_client()
    assert client.list_all(ACCOUNT + "/workspaces/filter") == []
    assert len(client.waits) == 1


def test_pagination_reads_every_page_once(emulator, make_client):
    emulator.hook("POST", "/populate", json={"bots": 450, "prefix": "page"})
    mark = emulator.last_seq()
    client = make_client()
    bots = client.list_all(ACCOUNT + "/bots/filter")
    assert len(bots) == 450
    assert len({b["id"] for b in bots}) == 450
    filter_calls = [e for e in emulator.log(mark) if e["path"].endswith("/bots/filter")]
    assert len(filter_calls) == 3  # 200 + 200 + 50


def test_pagination_of_an_exact_multiple_stops_on_the_empty_page(emulator, make_client):
    emulator.hook("POST", "/populate", json={"bots": 400, "prefix": "even"})
    mark = emulator.last_seq()
    client = make_client()
    assert len(client.list_all(ACCOUNT + "/bots/filter")) == 400
    assert len([e for e in emulator.log(mark) if e["path"].endswith("/bots/filter")]) == 3


@pytest.mark.parametrize(
    "key, method, path, body, status, words",
    [
        ("pnu_" + "0" * 36, "GET", "/me/", None, 401, ["API key rejected", "GET /api/me/", "Invalid authentication credentials"]),
        (MEMBER_KEY, "POST", ACCOUNT + "/workspaces/", {"name": "x", "handle": "x"}, 403, ["permission denied", "POST /api/accounts/"]),
        (OWNER_KEY, "GET", ACCOUNT + "/teams/00000000-0000-4000-8000-000000000000", None, 404, ["not found"]),
        (OWNER_KEY, "POST", ACCOUNT + "/workspaces/", {"handle": "nameless"}, 422, ["invalid request", "name: Field required"]),
        (OWNER_KEY, "POST", ACCOUNT + "/workspaces/filter", {"limit": 500}, 422, ["invalid request", "limit"]),
    ],
)
def test_errors_name_method_path_and_detail_but_no_secret(make_client, key, method, path, body, status, words):
    client = make_client(api_key=key)
    with pytest.raises(PrefectCloudHTTPError) as info:
        client.request(method, path, json=body)
    text = str(info.value)
    assert info.value.status == status
    for word in words:
        assert word in text
    assert key not in text
    assert "127.0.0.1" not in text
    assert "Bearer" not in text


def test_a_duplicate_is_a_conflict(make_client):
    client = make_client()
    client.post(ACCOUNT + "/workspaces/", json={"name": "A", "handle": "dup"})
    with pytest.raises(PrefectCloudHTTPError) as info:
        client.post(ACCOUNT + "/workspaces/", json={"name": "B", "handle": "dup"})
    assert info.value.status == 409 and "conflict" in str(info.value)


def test_one_session_for_every_request(make_client):
    client = make_client()
    session = client.session
    client.get("/me/")
    client.get("/me/accounts")
    assert client.session is session
    assert client.request_count == 2


def test_an_unreachable_server_fails_after_the_retries():
    waits = []
    client = PrefectCloudClient("http://127.0.0.1:9/api", OWNER_KEY, max_retries=2, sleep=waits.append, timeout=2)
    with pytest.raises(PrefectCloudError) as info:
        client.get("/me/")
    assert "could not connect" in str(info.value)
    assert len(waits) == 2
    assert OWNER_KEY not in str(info.value)


# -- a write whose response times out is ambiguous -------------------------

def _requests_after_latency(emulator, mark, path_suffix, latency):
    """The log entries for ``path_suffix`` once a delayed request has been processed."""
    deadline = time.monotonic() + latency + 5
    while time.monotonic() < deadline:
        entries = [e for e in emulator.log(mark) if e["path"].endswith(path_suffix)]
        if entries:
            return entries
        time.sleep(0.1)
    return []


def test_a_timed_out_create_is_ambiguous_and_sent_once(emulator, make_client):
    emulator.fault(method="POST", path="/workspaces/$", count=1, latency=1.5)
    mark = emulator.last_seq()
    client = make_client(timeout=0.5)
    with pytest.raises(AmbiguousWriteError) as info:
        client.post(ACCOUNT + "/workspaces/", json={"name": "W", "handle": "slow"})
    assert "timed out" in str(info.value)
    assert "may or may not have been applied" in str(info.value)
    assert client.waits == []
    posts = [e for e in _requests_after_latency(emulator, mark, "/workspaces/", 1.5) if e["method"] == "POST"]
    assert [e["status"] for e in posts] == [201]
    # The server did apply it: exactly one workspace, which only a read can tell.
    assert [w["handle"] for w in client.list_all(ACCOUNT + "/workspaces/filter")] == ["slow"]


def test_a_timed_out_read_is_retried(emulator, make_client):
    emulator.fault(path="/me/accounts$", count=1, latency=1.5)
    client = make_client(timeout=0.5)
    assert client.get("/me/accounts")[0]["account_id"] == ACCOUNT_ID
    assert len(client.waits) == 1 and "timed out" in client.warnings[0]


# -- plain messages --------------------------------------------------------

def test_surrounding_whitespace_around_the_key_is_removed(emulator, make_client):
    client = make_client(api_key=" %s\n" % OWNER_KEY)
    assert client.get("/me/")["email"] == "owner@unit.test"


@pytest.mark.parametrize("key", [OWNER_KEY[:10] + "\n" + OWNER_KEY[10:], OWNER_KEY[:10] + " " + OWNER_KEY[10:],
                                 OWNER_KEY + "\x00", "pnu_ключ", "\n"])
def test_a_key_that_cannot_be_a_header_fails_before_any_request(emulator, make_client, key):
    mark = emulator.last_seq()
    with pytest.raises(ValueError) as info:
        make_client(api_key=key)
    text = str(info.value)
    assert "api_key" in text
    assert "InvalidHeader" not in text and "connection lost" not in text
    assert OWNER_KEY[:10] not in text
    assert emulator.log(mark) == []


def test_a_retry_after_beyond_the_budget_is_not_waited_for_and_says_so(emulator, make_client):
    emulator.fault(path="/me/accounts$", count=1, status=429, retry_after=300)
    client = make_client()
    with pytest.raises(PrefectCloudHTTPError) as info:
        client.get("/me/accounts")
    text = str(info.value)
    assert info.value.status == 429
    assert "asked to wait 300 s" in text and "120 s retry budget" in text and "not retried" in text
    assert "gave up after" not in text
    assert client.waits == []


def test_a_retry_after_beyond_the_budget_later_counts_the_retries_made(emulator, make_client):
    emulator.fault(path="/me/accounts$", count=1, status=503, retry_after=1)
    emulator.fault(path="/me/accounts$", count=1, status=503, retry_after=500)
    client = make_client()
    with pytest.raises(PrefectCloudHTTPError) as info:
        client.get("/me/accounts")
    assert "asked to wait 500 s" in str(info.value) and "gave up after 1 retry" in str(info.value)
    assert client.waits == [1.0]


def test_no_retry_at_all_says_why(emulator, make_client):
    emulator.fault(path="/me/accounts$", count=1, status=503)
    client = make_client(max_retries=0)
    with pytest.raises(PrefectCloudHTTPError) as info:
        client.get("/me/accounts")
    assert "not retried: max_retries is 0" in str(info.value)
