# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""The account IP allowlist: its networks, how it is read and written, and the lock-out question.

The requests are the resource table's (``IP_ALLOWLIST``, and ``ACCOUNT`` for the setting
``enforce_ip_allowlist``, which an account without the feature does not have at all).

Nothing here answers for the caller's address itself: the API never returns it.
``lockout_verdict`` decides what can be decided from ``my_access`` and the two
lists alone (see its docstring), and says so when it cannot.
"""

import ipaddress

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import Refusal
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import ACCOUNT, IP_ALLOWLIST

MAX_ENTRIES = 25
SETTING = "enforce_ip_allowlist"

#: verdicts of ``lockout_verdict``
ADMITTED = "admitted"
CUT_OFF = "cut_off"
UNKNOWN = "unknown"


class FeatureUnavailable(Refusal):
    """The account has no IP allowlist (an Enterprise add-on)."""


def read_settings(api, label):
    """The account settings; ``FeatureUnavailable`` when they have no ``enforce_ip_allowlist``."""
    settings = api.call(ACCOUNT, "settings") or {}
    if SETTING not in settings:
        raise FeatureUnavailable(
            "IP allowlisting is not available for %s: its settings have no %s "
            "(the IP allowlist is an add-on of Enterprise plans)" % (label, SETTING)
        )
    return settings


def read_entries(api):
    return (api.call(IP_ALLOWLIST, "get") or {}).get("entries") or []


def write_entries(api, entries):
    """Replace the whole list (``entries`` as ``ip_network``/``enabled``/``description`` dicts)."""
    body = {
        "entries": [
            {"ip_network": e["ip_network"], "enabled": e["enabled"], "description": e["description"] or None}
            for e in entries
        ]
    }
    return api.call(IP_ALLOWLIST, "replace", json=body)


def my_access(api):
    answer = api.call(IP_ALLOWLIST, "my_access") or {}
    return {"allowed": bool(answer.get("allowed")), "detail": answer.get("detail") or ""}


def set_enforcement(api, enforce):
    api.call(ACCOUNT, "update_settings", json={SETTING: bool(enforce)})


# -- networks ------------------------------------------------------------------


def normalise_network(value):
    """``value`` in canonical CIDR form (``10.0.0.1`` -> ``10.0.0.1/32``, IPv6 compressed).

    A network with host bits set (``10.0.0.1/24``) is refused rather than
    guessed at: it may mean the network or the single address. ``ValueError``
    says which two were possible.
    """
    text = str(value).strip()
    try:
        return str(ipaddress.ip_network(text))
    except ValueError:
        pass
    try:
        loose = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise ValueError("%r is not an IP address or a CIDR network" % text) from None
    address = text.split("/", 1)[0]
    single = ipaddress.ip_network(address)
    raise ValueError(
        "%r has host bits set: write %s for the network or %s for the single address" % (text, loose, single)
    )


def canonical(network):
    """A network as the server returned it, in the canonical form ``normalise_network`` gives."""
    return str(ipaddress.ip_network(str(network).strip(), strict=False))


def network_sort_key(network):
    net = ipaddress.ip_network(network)
    return (net.version, int(net.network_address), net.prefixlen)


def present_entries(raw_entries):
    """Server entries as the modules show them: canonical networks, sorted, ``""`` for no description."""
    entries = [
        {
            "ip_network": canonical(e["ip_network"]),
            "enabled": bool(e.get("enabled")),
            "description": e.get("description") or "",
            "last_seen": e.get("last_seen"),
        }
        for e in raw_entries
    ]
    return sorted(entries, key=lambda e: network_sort_key(e["ip_network"]))


def normalise_entries(entries):
    """Validate the ``entries`` option; return it with canonical networks.

    Raises ``ValueError`` naming the entry (``entries[2]``) for a bad or
    repeated network.
    """
    result = []
    seen = {}
    for index, entry in enumerate(entries or []):
        where = "entries[%d]" % index
        raw = entry.get("ip_network")
        if raw is None or not str(raw).strip():
            raise ValueError("%s: ip_network is required" % where)
        try:
            network = normalise_network(raw)
        except ValueError as exc:
            raise ValueError("%s: ip_network %s" % (where, exc)) from None
        if network in seen:
            raise ValueError("%s: %s is named twice (also entries[%d])" % (where, network, seen[network]))
        seen[network] = index
        normalised = dict(entry)
        normalised["ip_network"] = network
        result.append(normalised)
    return result


# -- the lock-out question --------------------------------------------------------


def _enabled_networks(entries):
    return [ipaddress.ip_network(e["ip_network"]) for e in entries if e.get("enabled")]


def _covers(outer, inner):
    """Whether the networks ``outer`` together hold every address of the networks ``inner``.

    ``collapse_addresses`` merges adjacent and nested networks into disjoint,
    maximal blocks; a CIDR block lies inside a union of CIDR blocks exactly
    when it lies inside one of those merged blocks.
    """
    merged = {4: [], 6: []}
    for version in (4, 6):
        nets = [n for n in outer if n.version == version]
        merged[version] = list(ipaddress.collapse_addresses(nets)) if nets else []
    return all(any(net.subnet_of(block) for block in merged[net.version]) for net in inner)


def lockout_verdict(current, new, allowed_now):
    """Whether the address this module runs from passes ``new`` with enforcement on.

    ``allowed_now`` is ``my_access`` for ``current``. The address itself is
    unknown, so only these cases are decided; the rest are ``UNKNOWN``:

    * ``new`` is empty: an empty allowlist restricts nothing -> ``ADMITTED``;
    * ``new`` enables the same networks as ``current`` and both are empty or
      both are not: ``my_access`` answers for ``new`` too;
    * ``current`` admits the address through an enabled network, and the
      enabled networks of ``new`` hold every address those of ``current`` hold:
      the address is still inside -> ``ADMITTED``;
    * ``current`` has enabled networks and does not admit the address, and
      ``new`` enables only addresses ``current`` already enables: the address
      is still outside -> ``CUT_OFF``.

    A list whose entries are all disabled is ``UNKNOWN`` unless ``current`` is
    the same: whether it restricts anyone is Prefect Cloud's to say.
    """
    if not new:
        return ADMITTED
    was, will = _enabled_networks(current), _enabled_networks(new)
    same_networks = _covers(was, will) and _covers(will, was)
    if same_networks and bool(current) == bool(new):
        return ADMITTED if allowed_now else CUT_OFF
    if was and will:
        if allowed_now and _covers(will, was):
            return ADMITTED
        if not allowed_now and _covers(was, will):
            return CUT_OFF
    return UNKNOWN
