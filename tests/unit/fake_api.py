"""Test doubles for what lies under a module: a recording HTTP client and a connection around it.

``RecordingClient`` has the real client's interface (``request``, ``list_all``, ``server_now``)
and answers from tables given by the test, so everything above it - the resource table's
``Api``, the ``Resolver``, the resource helpers and the modules' resources - runs unchanged
and the test sees exactly which requests went out. ``FakeConnection`` is the part of
``Connection`` those layers use.
"""

import datetime

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudHTTPError
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import ME, Api
from ansible_collections.prefect.cloud.plugins.module_utils._engine.resolve import Resolver

ACCOUNT_ID = "acc"
USER_KEY = "pnu_" + "a" * 32 + "Zz90"
BOT_KEY = "pnb_" + "b" * 32 + "Q7x1"


def http_error(status, method="GET", path="/x"):
    return PrefectCloudHTTPError("%s %s failed (HTTP %d)" % (method, path, status), method=method, path=path, status=status)


class RecordingClient:
    """Answers requests from ``answers`` and lists from ``lists``, and records every call.

    ``answers`` maps ``(method, path)`` to the decoded body, an exception to raise, or a
    callable taking the JSON body. A GET nobody answered is a 404; any other unanswered
    request returns ``None`` (no content). ``lists`` maps a ``/filter`` path to its rows
    (or a callable taking the filter body).

    ``calls`` holds ``(method, path, json)`` per request and ``("LIST", path, body)`` per
    list read; ``sent`` holds every request with its ``safe_to_resend`` answer as well.
    """

    timeout = 30  # seconds, as the real client's request_timeout
    max_concurrent_reads = 1  # one read after the other: the recorded calls come in the order they were asked for

    def __init__(self, answers=None, lists=None, now=None):
        self.answers = dict(answers or {})
        self.lists = dict(lists or {})
        self.now = now
        self.calls = []
        self.sent = []

    def request(self, method, path, json=None, params=None, safe_to_resend=None):
        self.calls.append((method, path, json))
        self.sent.append({"method": method, "path": path, "json": json, "params": params, "safe_to_resend": safe_to_resend})
        key = (method, path)
        if key not in self.answers:
            if method == "GET":
                raise http_error(404, method, path)
            return None
        answer = self.answers[key]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(json)
        return answer

    def list_all(self, path, body=None):
        self.calls.append(("LIST", path, body))
        rows = self.lists.get(path, [])
        if callable(rows):
            rows = rows(body)
        return [dict(row) for row in rows]

    def server_now(self):
        return self.now if self.now is not None else datetime.datetime.now(datetime.timezone.utc)

    def writes(self):
        """The calls that are neither a GET nor a list read."""
        return [call for call in self.calls if call[0] not in ("GET", "LIST")]


class FakeConnection:
    """What ``Connection`` offers the layers above it, around a given client (real or recording)."""

    def __init__(self, client=None, account_id=ACCOUNT_ID, api_key=USER_KEY):
        self.client = client if client is not None else RecordingClient()
        self.account_id = account_id
        self.api_key = api_key
        self.api = Api(self)
        self.resolver = Resolver(self.api)
        self._me = None

    @property
    def is_bot_key(self):
        return self.api_key.startswith("pnb_")

    def me(self):
        if self._me is None:
            self._me = self.api.call(ME, "get") or {}
        return self._me

    def forget_lookups(self):
        self.resolver.clear()
