"""Test hooks under `/_emulator/` (not part of the Cloud API, no auth, not
in the OpenAPI document, not logged)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from fastapi import APIRouter, Body, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, IPvAnyAddress, PrivateAttr

from . import audit
from .auth import Caller
from .catalogue import ACCOUNT_ROLE_IDS
from .routes.invitations import accept
from .store import Store

if TYPE_CHECKING:
    from .app import Emulator

router = APIRouter(prefix="/_emulator", include_in_schema=False)


def _emulator(request: Request) -> Emulator:
    return request.app.state.emulator  # type: ignore[no-any-return]


class FaultRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: str | None = None
    path: str | None = None  # a regular expression, searched in the request path
    count: int = Field(default=1, ge=1)
    # Fault only every n-th matching request (the others go on to later rules, then the API):
    # a steady fault rate for a whole run, deterministic from one run to the next.
    every: int = Field(default=1, ge=1)
    _matches: int = PrivateAttr(default=0)  # matching requests seen, for `every`
    status: int | None = Field(default=None, ge=400, le=599)
    retry_after: float | None = Field(default=None, ge=0)
    latency: float = Field(default=0.0, ge=0)
    drop_response: bool = False


class EmulatorOptions(BaseModel):
    """Behaviour switches for what the official document leaves open (seed ``options``,
    ``PATCH /_emulator/options``; a reset goes back to the seed's)."""

    model_config = ConfigDict(extra="forbid")
    # Refuse every /api/me/... request made with a service-account (bot) key, with a 403:
    # one of the answers the real service may give to a bot key (the official document is silent).
    refuse_me_for_bots: bool = False
    # The requester's address as the account's IP allowlist sees it, instead of the connection's
    # peer (127.0.0.1): a play can be run "from" the office network or a CI runner's egress.
    client_address: IPvAnyAddress | None = None


class AcceptBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    api_key: str | None = Field(default=None, pattern=r"^pnu_[A-Za-z0-9]{36}$")


class PopulateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    users: int = Field(default=0, ge=0)
    teams: int = Field(default=0, ge=0)
    bots: int = Field(default=0, ge=0)
    workspaces: int = Field(default=0, ge=0)
    # Objects with an access control list (none set: "*" on every level), in `workspace`
    # (a handle; default: the account's first workspace).
    work_pools: int = Field(default=0, ge=0)
    deployments: int = Field(default=0, ge=0)
    block_documents: int = Field(default=0, ge=0)
    workspace: str | None = None
    prefix: str = "load"


class ClockBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    advance_seconds: float


@router.get("/requests")
async def read_request_log(request: Request, since: int | None = None, tag: str | None = None) -> list[dict[str, Any]]:
    return _emulator(request).log_since(since, tag)


@router.get("/requests/last")
async def read_request_log_last(request: Request) -> dict[str, int]:
    """The sequence number of the newest logged request (0 before the first): a test's mark."""
    return {"seq": _emulator(request).seq}


@router.delete("/requests", status_code=204)
async def clear_request_log(request: Request) -> None:
    _emulator(request).request_log.clear()


@router.post("/faults", status_code=201)
async def add_fault(request: Request, rule: FaultRule) -> dict[str, Any]:
    _emulator(request).add_fault(rule)
    return rule.model_dump()


@router.delete("/faults", status_code=204)
async def clear_faults(request: Request) -> None:
    _emulator(request).clear_faults()


@router.get("/options")
async def read_options(request: Request) -> dict[str, Any]:
    return _emulator(request).options.model_dump(mode="json")


@router.patch("/options")
async def update_options(request: Request, body: dict[str, Any] = Body(...)) -> dict[str, Any]:
    emulator = _emulator(request)
    try:
        emulator.options = EmulatorOptions.model_validate({**emulator.options.model_dump(mode="json"), **body})
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise HTTPException(422, f"invalid options: {exc}") from exc
    return emulator.options.model_dump(mode="json")


@router.get("/seed")
async def read_seed(request: Request) -> dict[str, Any]:
    """The seed a reset goes back to, so a test can reset to a variant and then back."""
    return _emulator(request).seed


@router.get("/state")
async def read_state(request: Request) -> dict[str, Any]:
    """The whole state, as ``--state FILE`` saves it (key hashes, never keys): a test compares two
    of these to prove that a run left the account as it found it."""
    return _emulator(request).store.snapshot()


@router.post("/reset", status_code=204)
async def reset(request: Request, body: dict[str, Any] | None = Body(None)) -> None:
    seed = (body or {}).get("seed")
    try:
        _emulator(request).reset(seed)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise HTTPException(422, f"invalid seed: {exc}") from exc


@router.post("/invitations/{invitation_id}/accept")
async def accept_invitation_hook(request: Request, invitation_id: UUID, body: AcceptBody | None = None) -> dict[str, Any]:
    emulator = _emulator(request)
    store = emulator.store
    inv = store.invitations.get(invitation_id)
    if inv is None:
        raise HTTPException(404, "Invitation not found.")
    user_id = store.user_by_email.get(inv.email.lower())
    user = store.users[user_id] if user_id else None
    if user is None:
        local = inv.email.split("@", 1)[0]
        user = store.add_user(email=inv.email, handle=local.lower(), first_name=local.capitalize(), last_name="")
    was_member = audit.invitee_was_member(store, inv.id)
    result = accept(store, inv, user)
    audit.record_acceptance(store, inv.id, was_member, Caller(store=store, key=None, user=user, bot=None))  # type: ignore[arg-type]
    if body is not None and body.api_key:
        store.add_key("user", user.id, "accepted-invitation key", None, plaintext=body.api_key)
    emulator.save()
    return result


@router.post("/populate")
async def populate(request: Request, body: PopulateBody) -> dict[str, int]:
    """Bulk-loads objects into the (first) account for scale tests."""
    emulator = _emulator(request)
    store = emulator.store
    account_id = next(iter(store.accounts))
    # The workspace of the objects is found first, so that a wrong one changes nothing.
    objects_workspace = _objects_workspace(store, account_id, body)
    base = emulator.next_populate_batch()
    p = f"{body.prefix}{base}"
    member = ACCOUNT_ROLE_IDS["Member"]
    for i in range(body.users):
        user = store.add_user(email=f"{p}-user-{i}@populate.example", handle=f"{p}-user-{i}", first_name=p, last_name=f"User {i}")
        store.add_membership(account_id, user.actor_id, member, user_id=user.id)
    for i in range(body.teams):
        store.add_team(account_id, f"{p}-team-{i}", "")
    for i in range(body.bots):
        store.add_bot(account_id, f"{p}-bot-{i}", member, None)
    for i in range(body.workspaces):
        store.add_workspace(account_id, f"{p} workspace {i}", f"{p}-ws-{i}")
    if objects_workspace is not None:
        populate_objects(store, objects_workspace, body, p)
    emulator.save()
    return body.model_dump(exclude={"prefix", "workspace"})


def _objects_workspace(store: Store, account_id: UUID, body: PopulateBody) -> UUID | None:
    """The workspace that receives the populated objects (``None`` when no object is asked for)."""
    if not (body.work_pools or body.deployments or body.block_documents):
        return None
    if body.workspace is None:
        workspace_id = next((w.id for w in store.workspaces.values() if w.account_id == account_id), None)
    else:
        workspace_id = store.workspace_by_handle.get((account_id, body.workspace))
    if workspace_id is None:
        raise HTTPException(422, f"populate: no workspace {body.workspace!r} for the objects" if body.workspace else "populate: no workspace for the objects")
    return workspace_id


def populate_objects(store: Store, workspace_id: UUID, body: PopulateBody, p: str) -> None:
    """`<p>-pool-<i>`, `<p>-flow/<p>-deployment-<i>` and `<p>-block/<p>-block-<i>` in one workspace."""
    for i in range(body.work_pools):
        store.objects.add_work_pool(workspace_id, f"{p}-pool-{i}")
    for i in range(body.deployments):
        store.objects.add_deployment(workspace_id, f"{p}-flow", f"{p}-deployment-{i}")
    for i in range(body.block_documents):
        store.objects.add_block_document(workspace_id, f"{p}-block", f"{p}-block-{i}")


@router.post("/clock")
async def advance_clock(request: Request, body: ClockBody) -> dict[str, Any]:
    emulator = _emulator(request)
    emulator.store.clock_offset += body.advance_seconds
    emulator.save()
    return {"now": emulator.store.now().isoformat().replace("+00:00", "Z"), "offset_seconds": emulator.store.clock_offset}
