"""Invitation filters and expiry, and the server clock the client keeps from ``Date`` headers."""

import datetime

from ansible_collections.prefect.cloud.plugins.module_utils._api import client as _client
from ansible_collections.prefect.cloud.plugins.module_utils._api.client import PrefectCloudClient
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import INVITATION, WORKSPACE_INVITATION
from ansible_collections.prefect.cloud.plugins.module_utils._resources.invitations import (
    invitation_criteria,
    invitation_resource,
    is_expired,
    read_invitations,
)

from fake_api import FakeConnection, RecordingClient

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def test_account_filter_asks_for_both_spellings_of_an_email():
    client = RecordingClient()
    read_invitations(FakeConnection(client).api, ["Dana@Example.com", "erin@example.com"], ["PENDING"])
    assert client.calls == [
        (
            "LIST",
            "/accounts/acc/invitations/filter",
            {
                "invitations": {
                    "email": {"any_": ["Dana@Example.com", "dana@example.com", "erin@example.com"]},
                    "status": {"any_": ["PENDING"]},
                }
            },
        )
    ]


def test_workspace_filter_uses_its_own_path_and_key():
    client = RecordingClient()
    assert invitation_resource(None) is INVITATION
    assert invitation_resource("w-1") is WORKSPACE_INVITATION
    read_invitations(FakeConnection(client).api, None, ["PENDING", "REVOKED"], "w-1")
    assert client.calls == [
        ("LIST", "/accounts/acc/workspaces/w-1/invitations/filter", {"workspace_invitations": {"status": {"any_": ["PENDING", "REVOKED"]}}})
    ]


def test_no_criteria_is_an_empty_body():
    assert invitation_criteria() == {}
    client = RecordingClient()
    read_invitations(FakeConnection(client).api)
    assert client.calls == [("LIST", "/accounts/acc/invitations/filter", {})]


def test_expiry_is_at_or_before_now():
    assert is_expired({"expiration": "2026-03-01T11:59:59Z"}, NOW)
    assert is_expired({"expiration": "2026-03-01T12:00:00+00:00"}, NOW)
    assert not is_expired({"expiration": "2026-03-01T12:00:01.123456Z"}, NOW)
    assert not is_expired({}, NOW)


class _Response:
    def __init__(self, date, body=b"[]"):
        self.status_code = 200
        self.headers = {"Date": date} if date else {}
        self.content = body

    def json(self):
        return []


def _client_with(responses):
    client = PrefectCloudClient("http://emulator.test/api", "pnu_" + "x" * 36)
    sent = []

    def request(method, url, **kwargs):
        sent.append((method, url, kwargs.get("json")))
        return responses.pop(0)

    client.session.request = request
    client.sent = sent
    return client


def test_server_now_follows_the_date_header():
    client = _client_with([_Response("Sun, 01 Mar 2026 12:00:00 GMT"), _Response(None), _Response("garbage")])
    before = datetime.datetime.now(UTC)
    assert client.server_now() >= before  # no response yet: the local clock
    read_invitations(FakeConnection(client, account_id="a").api, ["x@example.com"])
    assert client.server_now() == NOW
    # A response without a usable Date keeps the last one seen.
    client.get("/me/")
    client.get("/me/")
    assert client.server_now() == NOW
    assert client.sent[0] == (
        "POST",
        "http://emulator.test/api/accounts/a/invitations/filter",
        {"invitations": {"email": {"any_": ["x@example.com"]}}, "limit": 200, "offset": 0},
    )


def test_http_date_parsing():
    assert _client._http_date("Sun, 01 Mar 2026 13:00:00 +0100") == NOW
    assert _client._http_date("") is None
    assert _client._http_date("not a date") is None
    # Two Date headers (a front server's and the application's) come joined: the last one counts.
    assert _client._http_date("Sat, 28 Feb 2026 09:00:00 GMT, Sun, 01 Mar 2026 12:00:00 GMT") == NOW
