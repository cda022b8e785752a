"""The three access lists of a workspace are read at the same time, through real HTTP.

The emulator answers the three ``/filter`` reads late (a latency fault); each request's
start and end are recorded where the client hands it to ``requests``. Read one after the
other, each read would start after the previous one ended; read together, every read
starts before any of them ends. No wall-clock threshold is involved.
"""

import threading
import time

import pytest
import requests

from ansible_collections.prefect.cloud.plugins.modules import bot, team, workspace_access, workspace_access_info

from unit_seed import ACCOUNT_ID

ACCOUNT = "/accounts/%s" % ACCOUNT_ID
LATENCY = 0.3  # seconds the emulator holds each access-list read
ACCESS_READ = r"/workspaces/[^/]+/(user|bot|team)_access/filter$"

GRANTS = [
    {"user": "alice@unit.test", "workspace_role": "Viewer"},
    {"bot": "deployer", "workspace_role": "Runner"},
    {"team": "ops", "workspace_role": "Developer"},
]


@pytest.fixture
def granted(make_client, run_module):
    """Workspace ``dev`` where a user, a bot and a team each hold a grant."""
    make_client().post(ACCOUNT + "/workspaces/", json={"name": "Dev", "handle": "dev"})
    assert run_module(bot, name="deployer", account_role="Member")["changed"]
    assert run_module(team, name="ops")["changed"]
    assert run_module(workspace_access, workspace="dev", grants=GRANTS)["changed"]


@pytest.fixture
def spans(monkeypatch):
    """``[(path, started, ended)]`` of every HTTP request sent, whatever thread sent it."""
    recorded = []
    lock = threading.Lock()
    send = requests.Session.request

    def timed(self, method, url, *args, **kwargs):
        started = time.monotonic()
        try:
            return send(self, method, url, *args, **kwargs)
        finally:
            with lock:
                recorded.append((url.split("?")[0], started, time.monotonic()))

    monkeypatch.setattr(requests.Session, "request", timed)
    return recorded


def access_reads(recorded):
    reads = [span for span in recorded if span[0].endswith("_access/filter")]
    kinds = sorted(path.rsplit("/", 2)[-2] for path, _started, _ended in reads)
    assert kinds == ["bot_access", "team_access", "user_access"], reads
    return reads


def assert_overlap(reads):
    last_start = max(started for _path, started, _ended in reads)
    first_end = min(ended for _path, _started, ended in reads)
    # Sequential reads would each start after the previous one ended.
    assert last_start < first_end, "the access lists were read one after the other: %r" % reads


def test_a_bulk_no_op_reads_the_three_lists_at_the_same_time(emulator, run_module, granted, spans):
    emulator.fault(path=ACCESS_READ, count=3, latency=LATENCY)
    result = run_module(workspace_access, workspace="dev", grants=GRANTS)
    assert not result["changed"] and not result["failed"], result.get("msg")
    assert_overlap(access_reads(spans))


def test_the_info_module_reads_the_three_lists_at_the_same_time(emulator, run_module, granted, spans):
    emulator.fault(path=ACCESS_READ, count=3, latency=LATENCY)
    result = run_module(workspace_access_info, workspace="dev")
    assert not result["failed"], result.get("msg")
    # Rows come in the same order as ever: users, bots, teams, each sorted by name.
    assert [row["email"] for row in result["users"]] == ["alice@unit.test"]
    assert [row["bot_name"] for row in result["bots"]] == ["deployer"]
    assert [row["team_name"] for row in result["teams"]] == ["ops"]
    assert result["count"] == 3
    assert_overlap(access_reads(spans))


def test_the_info_module_filtered_by_every_kind_reads_them_at_the_same_time(emulator, run_module, granted, spans):
    emulator.fault(path=ACCESS_READ, count=3, latency=LATENCY)
    result = run_module(workspace_access_info, workspace="dev", user=["alice@unit.test"], bot=["deployer"], team=["ops"])
    assert not result["failed"], result.get("msg")
    assert result["count"] == 3
    assert_overlap(access_reads(spans))


def test_a_failing_read_fails_the_task_as_it_would_sequentially(emulator, run_module, granted):
    # Only the bot list fails (403 is never retried); the user and team reads succeed meanwhile.
    emulator.fault(path=r"/bot_access/filter$", count=1, status=403)
    result = run_module(workspace_access, workspace="dev", grants=GRANTS)
    assert result["failed"]
    assert result["msg"].startswith("POST /api%s/workspaces/" % ACCOUNT)
    assert "/bot_access/filter failed: permission denied (HTTP 403)" in result["msg"]
    assert result["status"] == 403


def test_retries_of_concurrent_reads_warn_once_each(emulator, run_module, granted):
    # Each list is refused once with a 429 and Retry-After: 0, then read.
    for kind in ("user", "bot", "team"):
        emulator.fault(path=r"/%s_access/filter$" % kind, count=1, status=429, retry_after=0)
    result = run_module(workspace_access, workspace="dev", grants=GRANTS)
    assert not result["changed"] and not result["failed"], result.get("msg")
    retries = sorted(w for w in result["warnings"] if "retrying" in w)
    assert len(retries) == 3, result["warnings"]
    assert [w.split("/workspaces/")[1].split("/")[1] for w in retries] == ["bot_access", "team_access", "user_access"]


def test_me_info_reads_what_the_caller_holds_at_the_same_time(emulator, run_module, spans):
    """The caller and its accounts together, then its permissions and workspaces together (two round trips, not four)."""
    from ansible_collections.prefect.cloud.plugins.modules import me_info

    emulator.fault(path=r"/api/me/(accounts)?$", count=2, latency=LATENCY)
    emulator.fault(path=r"/api/me/(workspaces|accounts/[^/]+/permissions)$", count=2, latency=LATENCY)
    result = run_module(me_info, account=ACCOUNT_ID)
    assert not result["failed"], result.get("msg")
    assert result["me"]["email"] == "owner@unit.test" and result["permissions"] and result["workspaces"] is not None
    first = [span for span in spans if span[0].endswith(("/api/me/", "/api/me/accounts"))]
    second = [span for span in spans if span[0].endswith(("/permissions", "/api/me/workspaces"))]
    assert len(first) == 2 and len(second) == 2, spans
    assert_overlap(first)
    assert_overlap(second)
