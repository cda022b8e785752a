"""Pieces shared by the route modules."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from fastapi import Body, HTTPException

from ..auth import Caller

# Every official /filter body has these two, with the same bounds.
LIMIT = Body(200, ge=0, le=200)
OFFSET = Body(0, ge=0)

A = "/accounts/{account_id}"  # relative to the routers' "/api" prefix
W = A + "/workspaces/{workspace_id}"

# EMULATOR ASSUMPTION (ip-allowlist-plan-feature): what Prefect Cloud answers (403) when an account without
# the IP allowlist feature uses it; the wording follows the official CLI's.
IP_ALLOWLIST_UNAVAILABLE = "IP allowlisting is not available for this account."

# Multipart uploads (account image, profile image) are accepted and ignored;
# the schema is declared by hand so that python-multipart is not needed.
MULTIPART_FILE: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary", "title": "File"}},
                }
            }
        },
    }
}


def not_found(what: str) -> NoReturn:
    raise HTTPException(404, f"{what} not found.")


def require_future(caller: Caller, when: datetime | None, field: str) -> None:
    # EMULATOR ASSUMPTION (past-key-expiration-422)
    if when is not None and when <= caller.store.now():
        raise HTTPException(422, f"{field} must be in the future.")
