"""The rules of the account IP allowlist: which addresses an allowlist admits.

Kept apart from the routes because the authentication layer applies them to
every account-scoped request once an account enforces its allowlist.

EMULATOR ASSUMPTION (ip-allowlist-my-access): an allowlist restricts access only while it holds at
least one *enabled* entry. The official CLI documents that enforcement with an
empty list restricts nothing ("if the allowlist is non-empty, then access ...
will be restricted"); a list whose entries are all disabled is treated the
same way, as it admits no address at all otherwise.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

MAX_ENTRIES = 25

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Entry(Protocol):
    ip_network: str
    enabled: bool
    last_seen: datetime | None


def parse_address(host: str | None) -> IPAddress | None:
    """The requester's address; an IPv4 address mapped into IPv6 counts as IPv4."""
    if not host:
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:  # a test client's made-up host name
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def contains(network: str, address: IPAddress | None) -> bool:
    if address is None:
        return False
    net = ipaddress.ip_network(network)
    return net.version == address.version and address in net


def restricts(entries: Iterable[Entry]) -> bool:
    """Whether enforcing this list would restrict anyone (see the module note)."""
    return any(e.enabled for e in entries)


def admits(entries: Iterable[Entry], address: IPAddress | None) -> bool:
    """Whether `address` may reach the account with this list enforced."""
    entries = list(entries)
    if not restricts(entries):
        return True
    return any(e.enabled and contains(e.ip_network, address) for e in entries)


def record_seen(entries: Iterable[Entry], address: IPAddress | None, now: datetime) -> None:
    """Stamps `last_seen` on every entry whose network holds `address` (enabled or not).

    EMULATOR ASSUMPTION (ip-allowlist-last-seen)
    """
    for entry in entries:
        if contains(entry.ip_network, address):
            entry.last_seen = now
