# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""HTTP client for the Prefect Cloud admin API.

One ``requests.Session`` per module run. This file owns everything that touches
the wire: URL building, authentication headers, retries with ``Retry-After``,
pagination of ``/filter`` endpoints and the mapping of HTTP errors to messages
that name the method and path but never a header, a body or a key. When the API
cannot be reached (or answers with something that is not JSON), the message also
names the base URL and where it was set: a host is not a secret, and a wrong one is
the usual cause.

It knows no resource: which paths exist, and whether a request is safe to send
twice, is the resource table's knowledge (``table.py``), handed in by the caller.
"""


import datetime
import email.utils
import os
import random
import re
import ssl
import threading
import time
from urllib.parse import parse_qs, urlsplit

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_CORE_VERSION

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import (
    AmbiguousWriteError,
    APIError,
    CertificateVerifyError,
    PrefectCloudHTTPError,
)
from ansible_collections.prefect.cloud.plugins.module_utils._api.reads import MAX_CONCURRENT_READS

try:
    import requests
    from requests.exceptions import ConnectTimeout, ConnectionError as RequestsConnectionError, RequestException
    from urllib3.exceptions import NewConnectionError

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised through missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

DEFAULT_API_URL = "https://api.prefect.cloud/api"
PAGE_SIZE = 200  # the maximum every Prefect Cloud /filter endpoint accepts

# 429 and 503 mean the request was refused before it was processed, so any
# request may be sent again. 502 and 504 come from a gateway that may already
# have forwarded the request: only requests safe to resend are repeated after them.
REFUSED_STATUSES = frozenset((429, 503))
SAFE_METHODS = frozenset(("GET", "HEAD", "PUT", "PATCH", "DELETE"))
AMBIGUOUS_STATUSES = frozenset((502, 504))

STATUS_REASONS = {
    400: "bad request",
    401: "API key rejected",
    403: "permission denied",
    404: "not found",
    405: "method not allowed",
    409: "conflict",
    422: "invalid request",
    429: "rate limited",
}

# What may be sent as an API key in the Authorization header: visible ASCII, no whitespace.
API_KEY_CHARACTERS = re.compile(r"^[\x21-\x7e]+$")

# One IMF-fixdate, as in a Date header: "Sun, 01 Mar 2026 12:00:00 GMT".
HTTP_DATE_PATTERN = re.compile(r"[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT")


def format_detail(detail):
    """Turn FastAPI's ``detail`` (a string or a list of field errors) into one line."""
    if detail is None:
        return ""
    if isinstance(detail, list):
        parts = []
        for item in detail:
            if not isinstance(item, dict):
                parts.append(str(item))
                continue
            location = [str(p) for p in item.get("loc", []) if p not in ("body", "query", "path")]
            where = ".".join(location)
            message = item.get("msg", "")
            parts.append("%s: %s" % (where, message) if where else message)
        return "; ".join(parts)
    if isinstance(detail, dict):
        return ", ".join("%s=%s" % (k, v) for k, v in sorted(detail.items()))
    return str(detail)


def normalise_api_key(api_key):
    """The API key as it is sent: surrounding whitespace removed, then checked.

    A key pasted from a file or a terminal often carries a trailing newline, which
    is never part of a Prefect key; it is removed rather than refused. Whatever is
    left must be sendable in an HTTP header. Raises ``ValueError`` with a message
    that names ``api_key`` but never shows it.
    """
    key = (api_key or "").strip()
    if not key:
        raise ValueError("api_key is empty")
    if not API_KEY_CHARACTERS.match(key):
        raise ValueError(
            "api_key contains whitespace or control characters that cannot be sent in an HTTP header;"
            " check how the key was copied (surrounding spaces and newlines are removed, inner ones are not)"
        )
    return key


def tls_verify(validate_certs=True, ca_path=None):
    """The ``verify`` value of every request: ``False``, a CA bundle path, or ``True``.

    ``validate_certs`` false wins over ``ca_path``. Raises ``ValueError`` naming the
    option when ``ca_path`` is not a readable file, so a typo fails before any request.
    """
    if not validate_certs:
        return False
    if ca_path:
        if not os.path.isfile(ca_path) or not os.access(ca_path, os.R_OK):
            raise ValueError("ca_path %r is not a readable file (a PEM bundle of CA certificates)" % ca_path)
        return ca_path
    return True


class PrefectCloudClient:
    """Talks to one Prefect Cloud API base URL with one API key.

    Reads may be sent from several threads at once (``read_concurrently``, at most
    ``max_concurrent_reads``), all through the one session. What that shares is safe:
    requests' connection pool hands each thread its own connection (the pool holds 10,
    more than ``max_concurrent_reads``), its cookie jar locks itself, and the session's
    headers and settings are written only here, before any request. What the client itself
    keeps across requests - the request count, the server's clock, the warnings it hands
    on - is changed under ``self._lock`` (see ``_record``).
    """

    #: how many reads of one run may be in flight at once
    max_concurrent_reads = MAX_CONCURRENT_READS

    def __init__(
        self,
        api_url,
        api_key,
        validate_certs=True,
        ca_path=None,
        timeout=30,
        max_retries=3,
        max_retry_wait=120,
        warn=None,
        sleep=time.sleep,
        clock=time.monotonic,
        origin=None,
    ):
        self.api_url = api_url.rstrip("/")
        # Said when the API cannot be reached, so that a wrong base URL shows, with where it was set.
        self._where = "API base URL %s%s" % (_without_userinfo(self.api_url), ", from " + origin if origin else "")
        # The path part of the base (normally "/api"), used in messages instead of the host.
        self._base_path = re.sub(r"^[a-z]+://[^/]+", "", self.api_url)
        self.timeout = timeout
        self.max_retries = max(0, int(max_retries))
        self.max_retry_wait = max_retry_wait
        self._warn = warn or (lambda message: None)
        self._sleep = sleep
        self._clock = clock
        # Passed with every request, not only set on the session: requests lets
        # REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE replace a session-level verify=False
        # (Session.merge_environment_settings), but not a per-request one.
        self.verify = tls_verify(validate_certs, ca_path)
        api_key = normalise_api_key(api_key)
        self.session = requests.Session()
        self.session.verify = self.verify
        self.session.headers.update(
            {
                "Authorization": "Bearer %s" % api_key,
                "Accept": "application/json",
                # The collection's version lives in galaxy.yml alone; ansible-core's says enough here.
                "User-Agent": "prefect.cloud-ansible (ansible-core %s)" % ANSIBLE_CORE_VERSION,
            }
        )
        # Guards the state below, which concurrent reads update from their threads: a "+= 1"
        # is a read then a write, so two threads may both read 5 and both write 6; and a
        # warning is checked against those already given before it is added (once each).
        self._lock = threading.Lock()
        self.request_count = 0
        #: the server's ``Date`` header of the latest response (aware UTC datetime), if it sent one
        self.server_date = None

    def server_now(self):
        """The current time as the server sees it (its ``Date`` header), else the local clock.

        Expirations the server stamps (invitations, keys) are compared with this, so a
        client whose clock is off does not misjudge them.
        """
        if self.server_date is not None:
            return self.server_date
        return datetime.datetime.now(datetime.timezone.utc)

    # -- single requests -------------------------------------------------

    def request(self, method, path, json=None, params=None, safe_to_resend=None):
        """Send one request and return the decoded JSON body (``None`` for no content).

        ``path`` is relative to the API base and starts with a slash, exactly as in
        the OpenAPI document (trailing slashes matter: a mismatch is a redirect).
        ``safe_to_resend`` says whether sending the request twice has the same effect as
        sending it once; by default only what HTTP itself promises (GET, HEAD, PUT, PATCH,
        DELETE). The caller knows better for a POST that reads or upserts.
        """
        method = method.upper()
        if safe_to_resend is None:
            safe_to_resend = method in SAFE_METHODS
        shown_path = self._base_path + path
        url = self.api_url + path
        kwargs = {"timeout": self.timeout, "allow_redirects": False, "verify": self.verify}
        if json is not None:
            kwargs["json"] = json
        if params:
            kwargs["params"] = params

        attempt = 0
        deadline = self._clock() + self.max_retry_wait
        while True:
            attempt += 1
            with self._lock:
                self.request_count += 1
            try:
                response = self.session.request(method, url, **kwargs)
            except RequestException as exc:
                refusal = _certificate_refusal(exc)
                if refusal is not None:
                    # The handshake failed before the request was sent; the same
                    # certificate will be refused again, so this is not retried.
                    raise CertificateVerifyError(
                        "%s %s: certificate verify failed (%s); set ca_path to the CA bundle that signed the"
                        " server's certificate, or validate_certs to false for a test endpoint (%s)"
                        % (method, shown_path, self._without_host(refusal), self._where),
                        method=method,
                        path=shown_path,
                    ) from None
                safe_to_repeat = safe_to_resend or _never_reached_server(exc)
                reason = _transport_reason(exc)
                if not safe_to_repeat:
                    raise AmbiguousWriteError(
                        "%s %s: the connection failed before a response arrived (%s); "
                        "the change may or may not have been applied" % (method, shown_path, reason),
                        in_flight=isinstance(exc, requests.exceptions.Timeout),
                        method=method,
                        path=shown_path,
                    ) from None
                verdict = self._wait_before_retry(attempt, deadline, None, method, shown_path, reason)
                if verdict is not None:
                    raise APIError(
                        "%s %s failed: %s (%s); %s" % (method, shown_path, reason, verdict, self._where),
                        method=method,
                        path=shown_path,
                    ) from None
                continue

            status = response.status_code
            self._saw_date(_http_date(response.headers.get("Date")))
            if status in REFUSED_STATUSES or (status in AMBIGUOUS_STATUSES and safe_to_resend):
                verdict = self._wait_before_retry(attempt, deadline, response, method, shown_path, "HTTP %d" % status)
                if verdict is None:
                    continue
                raise self._http_error(method, shown_path, response, verdict)
            elif status in AMBIGUOUS_STATUSES:
                raise AmbiguousWriteError(
                    "%s %s: the gateway answered HTTP %d; the change may or may not have been applied"
                    % (method, shown_path, status),
                    method=method,
                    path=shown_path,
                    status=status,
                )

            if not 200 <= status < 300:
                raise self._http_error(method, shown_path, response)
            return _decode(response, self._where)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.request("POST", path, json=json, **kwargs)

    # -- lists -----------------------------------------------------------

    def paginate(self, path, body=None, page_size=PAGE_SIZE):
        """Yield every row of a ``/filter`` endpoint, page by page.

        Pages are requested with ``limit``/``offset`` until one comes back shorter
        than ``limit``: the API gives no total, and stopping after the first page
        would silently drop everything past row 200.
        """
        offset = 0
        while True:
            page_body = dict(body or {})
            page_body["limit"] = page_size
            page_body["offset"] = offset
            # A filter is a read, whatever its method: safe to send again.
            rows = self.request("POST", path, json=page_body, safe_to_resend=True) or []
            yield from rows
            if len(rows) < page_size:
                return
            offset += len(rows)

    def list_all(self, path, body=None):
        return list(self.paginate(path, body))

    def read_linked_pages(self, path, body, next_path, items_key, token_param, max_rows=None):
        """Every row of a query answered a page at a time, each page linking the next.

        ``POST path`` with ``body`` answers ``{<items_key>: [...], next_page: <URL or null>}``;
        the rows go on at ``GET next_path?<token_param>=<token>``, the token being read from the
        ``next_page`` URL. The URL itself is never followed: its host is the server's word, and
        the key is sent nowhere but ``api_url``. Stops after ``max_rows`` rows when given.
        """
        # A query is a read, whatever its method: safe to send again.
        page = self.request("POST", path, json=body, safe_to_resend=True) or {}
        rows = list(page.get(items_key) or [])
        while max_rows is None or len(rows) < max_rows:
            token = _query_value(page.get("next_page"), token_param)
            if token is None:
                break
            page = self.request("GET", next_path, params={token_param: token}) or {}
            more = page.get(items_key) or []
            if not more:  # a next link to an empty page: the end, whatever it says
                break
            rows.extend(more)
        return rows if max_rows is None else rows[:max_rows]

    # -- internals -------------------------------------------------------

    def _saw_date(self, when):
        """Keep the server's clock from a response's ``Date``.

        One after the other, the latest response's date is the latest date. Responses of
        concurrent reads arrive in any order, so the later of the dates is kept; a date
        never moves the clock back.
        """
        if when is None:
            return
        with self._lock:
            if self.server_date is None or when >= self.server_date:
                self.server_date = when

    def _wait_before_retry(self, attempt, deadline, response, method, shown_path, reason):
        """Sleep before the next attempt and return ``None``; or, when no retry is
        made, return why not (the end of a message, in plain words)."""
        retries_made = attempt - 1
        if attempt > self.max_retries:
            if self.max_retries == 0:
                return "not retried: max_retries is 0"
            return _gave_up(retries_made)
        asked = _retry_after_seconds(response)
        delay = asked
        if delay is None:
            # Exponential backoff with full jitter, 0.5 s, 1 s, 2 s ... capped at 30 s.
            delay = random.uniform(0.5, 1.0) * min(30.0, 0.5 * (2 ** (attempt - 1)))
        left = deadline - self._clock()
        if delay > left:
            if asked is not None:
                return (
                    "the server asked to wait %s s before retrying (Retry-After), more than the %s s left of"
                    " the %s s retry budget; %s"
                    % (_seconds(asked), _seconds(max(0.0, left)), _seconds(self.max_retry_wait),
                       "not retried" if retries_made == 0 else _gave_up(retries_made))
                )
            return "%s: the %s s retry budget is spent" % (_gave_up(retries_made), _seconds(self.max_retry_wait))
        with self._lock:
            # The module's warn() checks its list, then adds to it: one thread at a time.
            self._warn(
                "%s %s: %s, retrying in %.1f s (retry %d of %d)"
                % (method, shown_path, reason, delay, attempt, self.max_retries)
            )
        self._sleep(delay)
        return None

    def _without_host(self, text):
        """``text`` with the API's host name replaced (messages never name a host)."""
        host = re.sub(r"^[a-z]+://([^/:]+).*$", r"\1", self.api_url)
        return text.replace(host, "the API host") if host else text

    def _http_error(self, method, shown_path, response, verdict=None):
        status = response.status_code
        try:
            detail = response.json().get("detail")
        except (ValueError, AttributeError):
            detail = None
        reason = STATUS_REASONS.get(status, "HTTP error")
        text = format_detail(detail)
        if verdict:
            text = (text + "; " if text else "") + verdict
        message = "%s %s failed: %s (HTTP %d)" % (method, shown_path, reason, status)
        if text:
            message += ": " + text
        return PrefectCloudHTTPError(message, method=method, path=shown_path, status=status, detail=detail)


def _query_value(url, name):
    """The value of the query parameter ``name`` in ``url``, or ``None``."""
    if not url:
        return None
    values = parse_qs(urlsplit(url).query).get(name)
    return values[0] if values else None


def _decode(response, where):
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        # Often a web page: the base URL is not the API's.
        raise APIError(
            "%s %s: the response is not JSON, so the base URL may not be the API's (%s)"
            % (response.request.method, re.sub(r"^[a-z]+://[^/]+", "", response.url.split("?")[0]), where)
        ) from None


def _without_userinfo(url):
    """``url`` without a ``user:password@`` part, which may hold a secret."""
    return re.sub(r"^([a-z]+://)[^/@]*@", r"\1", url)


def _http_date(value):
    """An aware UTC datetime from an HTTP date (``Date`` header), or ``None``.

    Several ``Date`` headers arrive joined by commas; the last one (the closest to
    the application, after whatever a front server added) is used.
    """
    if not value:
        return None
    dates = HTTP_DATE_PATTERN.findall(value)
    try:
        when = email.utils.parsedate_to_datetime(dates[-1] if dates else value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when.astimezone(datetime.timezone.utc)


def _retry_after_seconds(response):
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if response is None:
        return None
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _gave_up(retries_made):
    return "gave up after %d %s" % (retries_made, "retry" if retries_made == 1 else "retries")


def _seconds(value):
    """A number of seconds for a message: ``300``, ``0.5``."""
    return ("%.1f" % value).rstrip("0").rstrip(".")


def _certificate_refusal(exc):
    """The reason the server's certificate was refused, or ``None`` for any other failure.

    requests wraps the ``ssl.SSLCertVerificationError`` in urllib3 and requests
    exceptions; the causes and arguments are searched for it.
    """
    if not isinstance(exc, requests.exceptions.SSLError):
        return None
    seen, pending = set(), [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return getattr(current, "verify_message", None) or "the certificate was not trusted"
        if isinstance(current, BaseException):
            pending.extend([current.__cause__, current.__context__, getattr(current, "reason", None)])
            pending.extend(arg for arg in current.args if isinstance(arg, BaseException))
    match = re.search(r"certificate verify failed: ([^(]+?)\s*(\(_ssl|$)", str(exc))
    if match:
        return match.group(1)
    if "CERTIFICATE_VERIFY_FAILED" in str(exc):
        return "the certificate was not trusted"
    return None


def _never_reached_server(exc):
    """True when the request certainly was not received (so a write can be resent)."""
    if isinstance(exc, ConnectTimeout):
        return True
    if isinstance(exc, RequestsConnectionError):
        cause = exc.args[0] if exc.args else None
        reason = getattr(cause, "reason", None)
        return isinstance(reason, NewConnectionError) or isinstance(cause, NewConnectionError)
    return False


def _transport_reason(exc):
    if isinstance(exc, requests.exceptions.Timeout):
        return "timed out"
    if _never_reached_server(exc):
        return "could not connect"
    return "connection lost (%s)" % type(exc).__name__
