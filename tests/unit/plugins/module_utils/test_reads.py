"""read_concurrently: independent reads at the same time, a few at a time, results as if sequential.

Then ``Api.list_many`` on top of it, and the client's state under concurrent reads.
"""

import datetime
import threading
import time

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._api.reads import MAX_CONCURRENT_READS, read_concurrently
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import Api, BOT_ACCESS, TEAM_ACCESS, USER_ACCESS

from fake_api import RecordingClient
from unit_seed import ACCOUNT_ID

UTC = datetime.timezone.utc


class InFlight:
    """Counts the calls running at once, and the most ever seen."""

    def __init__(self):
        self._lock = threading.Lock()
        self.now = 0
        self.most = 0
        self.threads = set()

    def __enter__(self):
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
            self.threads.add(threading.current_thread().name)

    def __exit__(self, *exc):
        with self._lock:
            self.now -= 1


def reader_threads():
    return [t for t in threading.enumerate() if t.name.startswith("prefect-cloud-read")]


def test_results_come_in_the_order_of_the_calls_whatever_order_they_end_in():
    ended = []

    def call(index, delay):
        def run():
            time.sleep(delay)
            ended.append(index)
            return "result %d" % index
        return run

    results = read_concurrently([call(0, 0.3), call(1, 0.2), call(2, 0.1), call(3, 0.0)])
    assert results == ["result 0", "result 1", "result 2", "result 3"]
    assert ended == [3, 2, 1, 0]  # they did run at the same time, and ended last first


def test_no_more_than_max_workers_calls_are_in_flight():
    # Each call waits for two others at a barrier: with more than 3 at once the count
    # would exceed 3; with fewer, the barrier would time out.
    in_flight = InFlight()
    barrier = threading.Barrier(3, timeout=10)

    def call(index):
        def run():
            with in_flight:
                barrier.wait()
                time.sleep(0.02)
            return index
        return run

    assert read_concurrently([call(i) for i in range(9)], max_workers=3) == list(range(9))
    assert in_flight.most == 3


def test_the_default_bound_is_a_few_reads():
    assert 3 <= MAX_CONCURRENT_READS <= 4
    in_flight = InFlight()

    def call():
        with in_flight:
            time.sleep(0.1)

    read_concurrently([call] * (3 * MAX_CONCURRENT_READS))
    assert in_flight.most == MAX_CONCURRENT_READS


def test_the_first_failure_in_the_order_of_the_calls_is_raised_as_is():
    first, later = ValueError("bot list: permission denied"), KeyError("team list")

    def fails_late():
        time.sleep(0.2)
        raise first

    def fails_at_once():
        raise later

    with pytest.raises(ValueError) as info:
        read_concurrently([lambda: "users", fails_late, fails_at_once])
    # The same object a sequential run would have raised, though the other failed sooner.
    assert info.value is first and str(info.value) == "bot list: permission denied"


def test_no_thread_outlives_a_failure():
    finished = threading.Event()

    def slow():
        time.sleep(0.3)
        finished.set()
        return "slow"

    def fails():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        read_concurrently([slow, fails])
    # The slow read was running when the failure came: it was waited for, not left behind.
    assert finished.is_set()
    assert reader_threads() == []


def test_calls_after_a_failure_are_not_started_one_at_a_time():
    made = []

    def call(index):
        def run():
            made.append(index)
            if index == 1:
                raise RuntimeError("second")
            return index
        return run

    with pytest.raises(RuntimeError):
        read_concurrently([call(i) for i in range(4)], max_workers=1)
    assert made == [0, 1]


def test_one_call_or_one_worker_runs_in_the_calling_thread():
    here = threading.current_thread().name
    assert read_concurrently([lambda: threading.current_thread().name]) == [here]
    assert read_concurrently([lambda: threading.current_thread().name] * 3, max_workers=1) == [here] * 3
    assert read_concurrently([]) == []
    with pytest.raises(ValueError, match="max_workers must be 1 or more"):
        read_concurrently([lambda: 1], max_workers=0)


def test_several_calls_run_in_reader_threads_that_are_gone_afterwards():
    names = read_concurrently([lambda: threading.current_thread().name] * 3)
    assert all(name.startswith("prefect-cloud-read") for name in names)
    assert reader_threads() == []


# -- Api.list_many --------------------------------------------------------------------------------


class ThreadedClient(RecordingClient):
    """A recording client that says it may be read from several threads, and notes which."""

    max_concurrent_reads = 4

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.in_flight = InFlight()

    def list_all(self, path, body=None):
        with self.in_flight:
            time.sleep(0.1)
            return super().list_all(path, body)


class CountingConnection:
    """A connection whose account id is looked up lazily, as the real one's is."""

    def __init__(self, client):
        self.client = client
        self.lookups = []

    @property
    def account_id(self):
        self.lookups.append(threading.current_thread().name)
        return "a1"


WS = "/accounts/a1/workspaces/w1"
LISTS = {
    WS + "/user_access/filter": [{"id": "u"}],
    WS + "/bot_access/filter": [{"id": "b"}],
    WS + "/team_access/filter": [{"team_id": "t"}],
}


def test_list_many_reads_at_the_same_time_and_answers_in_order():
    client = ThreadedClient(lists=LISTS)
    connection = CountingConnection(client)
    api = Api(connection)
    listings = [api.listing(resource, workspace_id="w1") for resource in (USER_ACCESS, BOT_ACCESS, TEAM_ACCESS)]
    assert api.list_many(listings) == [[{"id": "u"}], [{"id": "b"}], [{"team_id": "t"}]]
    assert client.in_flight.most == 3
    assert all(name.startswith("prefect-cloud-read") for name in client.in_flight.threads)
    # Paths were built before the reads, in the calling thread (the account asked of the connection once): the
    # threads only send.
    assert connection.lookups == [threading.current_thread().name]


def test_list_many_reads_one_after_the_other_with_a_client_that_takes_one_read_at_a_time():
    client = RecordingClient(lists=LISTS)
    api = Api(CountingConnection(client))
    listings = [api.listing(resource, workspace_id="w1") for resource in (USER_ACCESS, BOT_ACCESS, TEAM_ACCESS)]
    api.list_many(listings)
    assert [call[1] for call in client.calls] == [WS + "/user_access/filter", WS + "/bot_access/filter", WS + "/team_access/filter"]


# -- the client under concurrent reads, through real HTTP -----------------------------------------


def test_the_client_says_how_many_reads_it_takes_at_once(make_client):
    assert make_client().max_concurrent_reads == MAX_CONCURRENT_READS


def test_retries_of_concurrent_reads_are_counted_and_warned_once_each(emulator, make_client):
    client = make_client()
    paths = ["/accounts/%s/%s/filter" % (ACCOUNT_ID, kind) for kind in ("bots", "teams", "workspaces", "workspace_roles")]
    for path in paths:
        # Each list is refused twice (Retry-After: 0), then read.
        emulator.fault(path=path + "$", count=2, status=429, retry_after=0)
    results = read_concurrently([lambda path=path: client.list_all(path) for path in paths])
    assert [isinstance(rows, list) for rows in results] == [True] * 4
    assert client.request_count == 12
    assert sorted(client.warnings) == sorted(
        "POST /api%s: HTTP 429, retrying in 0.0 s (retry %d of 3)" % (path, retry) for path in paths for retry in (1, 2)
    )
    assert client.server_date is not None


def test_the_server_clock_keeps_the_latest_date_whatever_order_responses_arrive_in(make_client):
    client = make_client()
    noon = datetime.datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    client._saw_date(noon)
    client._saw_date(noon - datetime.timedelta(seconds=1))  # a concurrent read's response, sent earlier
    client._saw_date(None)  # no Date header
    assert client.server_now() == noon
    client._saw_date(noon + datetime.timedelta(seconds=1))
    assert client.server_now() == noon + datetime.timedelta(seconds=1)
