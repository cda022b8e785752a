"""Account and workspace invitations, and the invitee's accept/reject.

A new invitation revokes the earlier PENDING ones for the same email in the
same account (or workspace). Invitations expire after INVITATION_TTL; an
expired one keeps status PENDING with `expiration` in the past (EMULATOR
ASSUMPTION (invitation-expiry): the real behaviour is undocumented) and can no
longer be accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Body, HTTPException, Query as QueryParam, Response

from .. import views
from ..auth import Caller, CallerDep
from ..catalogue import ACCOUNT_ROLE_IDS, WORKSPACE_ROLE_IDS
from ..models import (
    InvitationCreate,
    InvitationFilter,
    InvitationReadResponse,
    WorkspaceInvitationCreate,
    WorkspaceInvitationReadResponse,
)
from ..query import Query
from ..store import InvitationRec, Store, UserRec
from .common import A, LIMIT, OFFSET, W, not_found

router = APIRouter(prefix="/api")

INVITATION_TTL = timedelta(days=7)


def _query(f: InvitationFilter | None) -> Query[InvitationRec]:
    q: Query[InvitationRec] = Query()
    if f is not None:
        if f.status and f.status.any_ is not None:
            statuses = {s.value for s in f.status.any_}
            q.where(lambda i: i.status in statuses)
        if f.expiration:
            before, after = f.expiration.before_, f.expiration.after_
            if before is not None:
                q.where(lambda i: i.expiration <= before)
            if after is not None:
                q.where(lambda i: i.expiration >= after)
        q.column(f.email, lambda i: i.email, casefold=True)
    return q


def _in_scope(account_id: UUID, workspace_id: UUID | None) -> Callable[[InvitationRec], bool]:
    return lambda i: i.account_id == account_id and i.workspace_id == workspace_id


def _invitation(caller: Caller, account_id: UUID, workspace_id: UUID | None, invitation_id: UUID) -> InvitationRec:
    inv = caller.store.invitations.get(invitation_id)
    if inv is None or not _in_scope(account_id, workspace_id)(inv):
        not_found("Invitation")
    return inv


def _revoke(caller: Caller, inv: InvitationRec) -> None:
    if inv.status not in ("PENDING", "REVOKED"):  # EMULATOR ASSUMPTION (settled-invitation-revoke-409)
        raise HTTPException(409, f"The invitation is {inv.status}; only a pending invitation can be revoked.")
    inv.status = "REVOKED"
    inv.updated = caller.store.now()


# ---- account invitations ---------------------------------------------------------------
@router.post(A + "/invitations/", status_code=201, response_model=list[InvitationReadResponse])
async def create_invitation(account_id: UUID, invitations: list[InvitationCreate], caller: Caller = CallerDep) -> list[dict[str, Any]]:
    caller.account(account_id, "create:invitation")
    store = caller.store
    for item in invitations:
        role = store.account_roles.get(item.account_role_id)
        if role is None or role.account_id not in (None, account_id):
            not_found("Account role")
    expiration = store.now() + INVITATION_TTL
    return [
        views.invitation(store.add_invitation(account_id=account_id, email=i.email, account_role_id=i.account_role_id, expiration=expiration))
        for i in invitations
    ]


@router.get(A + "/invitations/{id}", response_model=InvitationReadResponse)
async def read_invitation(account_id: UUID, id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    caller.account(account_id, "read:invitation")
    return views.invitation(_invitation(caller, account_id, None, id))


@router.post(A + "/invitations/filter", response_model=list[InvitationReadResponse])
async def read_invitations(
    account_id: UUID,
    invitations: InvitationFilter | None = Body(None, embed=True),
    limit: int = LIMIT,
    offset: int = OFFSET,
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    caller.account(account_id, "read:invitation")
    rows = _query(invitations).run(caller.store.invitations.values(), limit=limit, offset=offset, required=[_in_scope(account_id, None)])
    return [views.invitation(i) for i in rows]


@router.post(A + "/invitations/count", response_model=int)
async def count_invitations(
    account_id: UUID,
    invitations: InvitationFilter | None = Body(None, embed=True),
    caller: Caller = CallerDep,
) -> int:
    caller.account(account_id, "read:invitation")
    return _query(invitations).count(caller.store.invitations.values(), [_in_scope(account_id, None)])


@router.post(A + "/invitations/{id}/revoke", status_code=204)
async def revoke_invitation(account_id: UUID, id: UUID, caller: Caller = CallerDep) -> Response:  # noqa: A002
    caller.account(account_id, "update:invitation")
    _revoke(caller, _invitation(caller, account_id, None, id))
    return Response(status_code=204)


# ---- workspace invitations ------------------------------------------------------------------
@router.post(W + "/invitations/", status_code=201, response_model=WorkspaceInvitationReadResponse)
async def create_workspace_invitation(
    account_id: UUID, workspace_id: UUID, invitation: WorkspaceInvitationCreate, caller: Caller = CallerDep
) -> dict[str, Any]:
    ws = caller.workspace(account_id, workspace_id, "manage_workspace_users", permission="create:workspace_invitation")
    store = caller.store
    # EMULATOR ASSUMPTION (workspace-invitation-roles): the invitee joins the account as a Collaborator and
    # the workspace with its default role (Viewer when none is set).
    rec = store.add_invitation(
        account_id=account_id,
        workspace_id=ws.id,
        email=invitation.email,
        account_role_id=ACCOUNT_ROLE_IDS["Collaborator"],
        workspace_role_id=ws.default_workspace_role_id or WORKSPACE_ROLE_IDS["Viewer"],
        expiration=store.now() + INVITATION_TTL,
    )
    return views.invitation(rec)


@router.get(W + "/invitations/{id}", response_model=WorkspaceInvitationReadResponse)
async def read_workspace_invitation(account_id: UUID, workspace_id: UUID, id: UUID, caller: Caller = CallerDep) -> dict[str, Any]:  # noqa: A002
    ws = caller.workspace(account_id, workspace_id, "see_workspace_users", permission="read:workspace_invitation")
    return views.invitation(_invitation(caller, account_id, ws.id, id))


@router.post(W + "/invitations/filter", response_model=list[WorkspaceInvitationReadResponse])
async def read_workspace_invitations(
    account_id: UUID,
    workspace_id: UUID,
    workspace_invitations: InvitationFilter | None = Body(None, embed=True),
    limit: int = LIMIT,
    offset: int = OFFSET,
    caller: Caller = CallerDep,
) -> list[dict[str, Any]]:
    ws = caller.workspace(account_id, workspace_id, "see_workspace_users", permission="read:workspace_invitation")
    rows = _query(workspace_invitations).run(
        caller.store.invitations.values(), limit=limit, offset=offset, required=[_in_scope(account_id, ws.id)]
    )
    return [views.invitation(i) for i in rows]


@router.post(W + "/invitations/{id}/revoke", status_code=204)
async def revoke_workspace_invitation(account_id: UUID, workspace_id: UUID, id: UUID, caller: Caller = CallerDep) -> Response:  # noqa: A002
    ws = caller.workspace(account_id, workspace_id, "manage_workspace_users", permission="update:workspace_invitation")
    _revoke(caller, _invitation(caller, account_id, ws.id, id))
    return Response(status_code=204)


# ---- the invitee's side -----------------------------------------------------------------------
def accept(store: Store, inv: InvitationRec, user: UserRec) -> dict[str, Any]:
    """Turns a pending invitation into a membership (and workspace access).
    Shared by the API route and the `/_emulator/.../accept` hook."""
    if inv.status != "PENDING":
        raise HTTPException(409, f"The invitation is {inv.status}.")
    if inv.expiration <= store.now():
        raise HTTPException(409, "The invitation has expired.")
    membership = store.add_membership(inv.account_id, user.actor_id, inv.account_role_id, user_id=user.id)
    if inv.workspace_id is not None and inv.workspace_role_id is not None:
        store.upsert_access(inv.workspace_id, "user", user.id, inv.workspace_role_id)
    inv.status = "ACCEPTED"
    inv.updated = store.now()
    return {"user_id": str(user.id), "actor_id": str(user.actor_id), "membership_id": str(membership.id)}


def _own_invitation(caller: Caller, invitation_id: UUID) -> InvitationRec:
    inv = caller.store.invitations.get(invitation_id)
    if inv is None or caller.user is None or caller.user.email.lower() != inv.email.lower():
        not_found("Invitation")
    return inv


# EMULATOR ASSUMPTION (invite-code-not-checked): invite codes are never issued, so any `invite_code` is accepted;
# the caller must be the invited user (matched by email).
@router.post("/invitations/{id}/accept", status_code=204)
async def accept_invitation(id: UUID, invite_code: str = QueryParam(), caller: Caller = CallerDep) -> Response:  # noqa: A002
    inv = _own_invitation(caller, id)
    assert caller.user is not None
    accept(caller.store, inv, caller.user)
    return Response(status_code=204)


@router.post("/invitations/{id}/reject", status_code=204)
async def reject_invitation(id: UUID, invite_code: str = QueryParam(), caller: Caller = CallerDep) -> Response:  # noqa: A002
    inv = _own_invitation(caller, id)
    if inv.status != "PENDING":
        raise HTTPException(409, f"The invitation is {inv.status}.")
    inv.status = "REJECTED"
    inv.updated = caller.store.now()
    return Response(status_code=204)
