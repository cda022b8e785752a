# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""Parsing and normalising option values: durations and timestamps."""

import datetime
import re

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import Refusal

_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_PART = re.compile(r"(\d+)\s*([smhdw])")


def parse_duration(value, option):
    """Seconds in a duration such as ``7d``, ``12h``, ``1w2d``, ``90m``, ``3600s`` or ``3600``.

    Raises ``ValueError`` naming ``option`` when the value cannot be read.
    """
    if isinstance(value, bool):
        raise ValueError("%s: expected a duration such as 7d, 12h or 30m, got %r" % (option, value))
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError("%s: a duration cannot be negative, got %r" % (option, value))
        return int(value)
    text = str(value).strip().lower()
    if text.isdigit():
        return int(text)
    compact = text.replace(" ", "")
    parts = _DURATION_PART.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        raise ValueError("%s: expected a duration such as 7d, 12h, 30m or 1w2d, got %r" % (option, value))
    return sum(int(n) * _DURATION_UNITS[u] for n, u in parts)


def parse_datetime(value):
    """An aware UTC datetime from the API's ISO-8601 text (``Z`` or an offset); ``None`` stays ``None``."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    text = str(value).strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python before 3.11 accepts only 3 or 6 fractional digits.
    match = re.match(r"^(.*?\.)(\d+)(.*)$", text)
    if match:
        text = match.group(1) + match.group(2)[:6].ljust(6, "0") + match.group(3)
    parsed = datetime.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.astimezone(datetime.timezone.utc)


def format_datetime(value):
    """The canonical text for a timestamp: ISO-8601 UTC with a ``Z``, second precision."""
    if value is None:
        return None
    parsed = parse_datetime(value)
    return parsed.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


class RequestedExpiration:
    """An expiration asked for in an option: a duration from now (``90d``) or a fixed moment.

    Parsed once, before any request (``ValueError`` names the option when neither form
    fits, when the moment is out of range, or when a fixed moment is already past). The
    moment a duration stands for is taken at write time, from the server's clock.
    """

    def __init__(self, value, option, now):
        self.value = value
        self.option = option
        self.seconds = None
        self.moment = None
        try:
            self.seconds = parse_duration(value, option)
        except ValueError:
            try:
                self.moment = parse_datetime(value)
            except (ValueError, OverflowError):
                raise ValueError(
                    "%s: expected a duration from now (such as 90d) or an ISO-8601 date/time "
                    "(such as 2027-01-31T00:00:00Z), got %r" % (option, value)
                ) from None
        self.at(now)  # out of range, or already past: refused now rather than at write time

    def at(self, now):
        """The moment this expiration stands for when ``now`` is the current time."""
        if self.moment is not None:
            moment = self.moment
        else:
            try:
                moment = now + datetime.timedelta(seconds=self.seconds)
            except OverflowError:
                raise ValueError("%s: %r is too far in the future" % (self.option, self.value)) from None
        if moment <= now:
            raise ValueError("%s: %s is not in the future" % (self.option, format_datetime(moment)))
        return moment

    def wire(self, now):
        """The moment in the form the API takes; ``Refusal`` when it is no longer in the future."""
        try:
            return self.at(now).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        except ValueError as exc:
            # Parsed as future by the local clock, but past by the server's.
            raise Refusal("%s (by the server's clock)" % exc) from None

    @property
    def is_duration(self):
        return self.seconds is not None

    @property
    def label(self):
        """How a diff shows it (see ``requested_expiration_label``)."""
        return requested_expiration_label(self.value, self.option)


def requested_expiration_label(value, option):
    """How a diff shows the expiration asked for a key that is about to be minted.

    A fixed date/time shows as its timestamp. A duration shows relative to the run
    (``90d from now``): the moment it stands for moves between runs, and the label
    keeps check mode and the real run showing the same diff.
    """
    if value is None:
        return None
    text = str(value).strip()
    try:
        parse_duration(text, option)
    except ValueError:
        return format_datetime(parse_datetime(text))
    if text.isdigit():
        text += "s"
    return "%s from now" % re.sub(r"\s+", "", text.lower())
