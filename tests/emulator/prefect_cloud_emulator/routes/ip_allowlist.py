"""The account IP allowlist: read it, replace it, and ask whether the caller's
own address would pass it.

These routes are not in the official OpenAPI document; their wire format is the
official client's (`prefect/client/cloud.py`, `prefect/client/schemas/objects.py`,
`prefect/cli/cloud/ip_allowlist.py`). Enforcement itself is the account setting
`enforce_ip_allowlist` (routes/accounts.py); what it does to requests is in
auth.py, and which addresses a list admits in allowlist.py.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, HTTPException

from .. import allowlist
from ..auth import Caller, CallerDep
from ..models import IPAllowlist, IPAllowlistMyAccessResponse
from ..store import AccountRec, IPAllowlistEntryRec
from .common import A, IP_ALLOWLIST_UNAVAILABLE

router = APIRouter(prefix="/api")

IP_ALLOWLIST = A + "/ip_allowlist"


def _account(caller: Caller, account_id: UUID, permission: str) -> AccountRec:
    # EMULATOR ASSUMPTION (ip-allowlist-permissions): the permission names, held by Owner and Admin.
    rec = caller.account(account_id, permission)
    if not rec.ip_allowlist_available:
        raise HTTPException(403, IP_ALLOWLIST_UNAVAILABLE)
    return rec


def _view(rec: AccountRec) -> dict[str, Any]:
    return {
        "entries": [
            {
                "ip_network": e.ip_network,
                "enabled": e.enabled,
                "description": e.description,
                "last_seen": e.last_seen.isoformat().replace("+00:00", "Z") if e.last_seen else None,
            }
            for e in rec.ip_allowlist
        ]
    }


@router.get(IP_ALLOWLIST, response_model=IPAllowlist)
async def read_ip_allowlist(account_id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:
    return _view(_account(caller, account_id, "read:ip_allowlist"))


@router.put(IP_ALLOWLIST, response_model=IPAllowlist)
async def update_ip_allowlist(account_id: UUID, ip_allowlist: IPAllowlist, caller: Caller = CallerDep) -> dict[str, Any]:
    """Replaces the whole list. A network that stays keeps its `last_seen`.

    EMULATOR ASSUMPTION (ip-allowlist-put-replaces, ip-allowlist-lockout-guard)
    """
    rec = _account(caller, account_id, "update:ip_allowlist")
    if len(ip_allowlist.entries) > allowlist.MAX_ENTRIES:
        raise HTTPException(
            422, f"An IP allowlist holds at most {allowlist.MAX_ENTRIES} entries, got {len(ip_allowlist.entries)}."
        )
    seen_before = {e.ip_network: e.last_seen for e in rec.ip_allowlist}
    entries: list[IPAllowlistEntryRec] = []
    for entry in ip_allowlist.entries:
        network = str(entry.ip_network)  # canonical: 10.0.0.1 -> 10.0.0.1/32
        if any(e.ip_network == network for e in entries):
            raise HTTPException(422, f"The IP allowlist names {network} more than once.")
        entries.append(IPAllowlistEntryRec(network, entry.enabled, entry.description, seen_before.get(network)))
    if rec.settings.get("enforce_ip_allowlist") and not allowlist.admits(entries, caller.address):
        raise HTTPException(
            422,
            f"Your current IP address ({caller.address}) must be included in the IP allowlist "
            "to prevent account lockout.",
        )
    rec.ip_allowlist = entries
    rec.updated = caller.store.now()
    return _view(rec)


@router.get(IP_ALLOWLIST + "/my_access", response_model=IPAllowlistMyAccessResponse)
async def read_my_ip_allowlist_access(account_id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:
    """Whether the caller's address would pass the current list with enforcement on.

    EMULATOR ASSUMPTION (ip-allowlist-my-access)
    """
    rec = _account(caller, account_id, "read:ip_allowlist")
    address = caller.address
    if not allowlist.restricts(rec.ip_allowlist):
        return {
            "allowed": True,
            "detail": f"The IP allowlist has no enabled entry, so it restricts no address; "
            f"your current IP address ({address}) would be allowed.",
        }
    if allowlist.admits(rec.ip_allowlist, address):
        return {"allowed": True, "detail": f"Your current IP address ({address}) is allowed by the IP allowlist."}
    return {
        "allowed": False,
        "detail": f"Your current IP address ({address}) is not in the IP allowlist; "
        "enforcing it would lock you out.",
    }
