"""Who is calling, and what may they do.

An API key (`Authorization: Bearer ...`) resolves to a user or a bot. Account
permissions come from the actor's account role; workspace scopes from the
actor's direct access row, the access rows of its teams, and - for actors
whose role holds `administrate:workspace` (Owner, Admin) - implicit Owner
scopes in every workspace of the account.

An account that enforces its IP allowlist answers 403 to every account-scoped
request from an address the allowlist does not admit (`allowlist.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from fastapi import Depends, HTTPException, Request

from . import allowlist, catalogue
from .store import AccountRec, ApiKeyRec, BotRec, MembershipRec, Store, UserRec, WorkspaceRec, hash_key

INVALID_CREDENTIALS = "Invalid authentication credentials"
SERVICE_ACCOUNT_ME_REFUSED = "This endpoint is only available to users, not to service accounts."


@dataclass
class Caller:
    store: Store
    key: ApiKeyRec
    user: UserRec | None
    bot: BotRec | None
    # The requester's address as the server sees it (the peer of the connection).
    address: allowlist.IPAddress | None = None

    @property
    def actor_id(self) -> UUID:
        return self.user.actor_id if self.user else self.bot.actor_id  # type: ignore[union-attr]

    # ---- account level -----------------------------------------------------------
    def membership(self, account_id: UUID) -> MembershipRec | None:
        return self.store.membership_of(account_id, self.actor_id)

    def permissions(self, account_id: UUID) -> list[str]:
        membership = self.membership(account_id)
        if membership is None or not membership.active:
            return []
        role = self.store.account_roles.get(membership.account_role_id)
        return list(role.permissions) if role else []

    def account(self, account_id: UUID, permission: str | None = None) -> AccountRec:
        """The account, if the caller is an active member holding `permission`.
        Accounts the caller does not belong to are reported as missing."""
        account = self.store.accounts.get(account_id)
        membership = self.membership(account_id) if account else None
        if account is None or membership is None:
            raise HTTPException(404, "Account not found.")
        if not membership.active:
            raise HTTPException(403, "Your account membership is not active.")
        self._pass_ip_allowlist(account)
        if permission and permission not in self.permissions(account_id):
            # EMULATOR ASSUMPTION (missing-permission-403): the status and the wording.
            raise HTTPException(403, f"Missing account permission: {permission}")
        return account

    def _pass_ip_allowlist(self, account: AccountRec) -> None:
        if not account.ip_allowlist_available:
            return
        allowlist.record_seen(account.ip_allowlist, self.address, self.store.now())
        if account.settings.get("enforce_ip_allowlist") and not allowlist.admits(account.ip_allowlist, self.address):
            raise HTTPException(403, f"Your IP address ({self.address}) is not allowed to access this account by its IP allowlist.")

    # ---- workspace level -----------------------------------------------------------
    def scopes(self, workspace: WorkspaceRec) -> set[str]:
        # EMULATOR ASSUMPTION (admin-implicit-owner-scopes, workspace-scopes-from-access-rows)
        store = self.store
        if catalogue.IMPLICIT_WORKSPACE_OWNER_PERMISSION in self.permissions(workspace.account_id):
            return set(catalogue.WORKSPACE_SCOPES)
        membership = self.membership(workspace.account_id)
        if membership is None or not membership.active:
            return set()
        scopes: set[str] = set()
        kind, subject_id = ("user", self.user.id) if self.user else ("bot", self.bot.id)  # type: ignore[union-attr]
        direct = store.access_by_subject.get((workspace.id, kind, subject_id))
        if direct:
            scopes |= store.role_scopes(store.access[direct].workspace_role_id)
        for team_id in store.teams_of_actor.get(self.actor_id, {}):
            team_access = store.access_by_subject.get((workspace.id, "team", team_id))
            if team_access:
                scopes |= store.role_scopes(store.access[team_access].workspace_role_id)
        return scopes

    def workspace(
        self,
        account_id: UUID,
        workspace_id: UUID,
        *scopes: str,
        permission: str | None = None,
    ) -> WorkspaceRec:
        """The workspace, if the caller can see it (404 otherwise, as Cloud
        does) and holds every scope in `scopes` (403 otherwise)."""
        self.account(account_id, permission)
        workspace = self.store.workspaces.get(workspace_id)
        if workspace is None or workspace.account_id != account_id:
            raise HTTPException(404, "Workspace not found.")
        held = self.scopes(workspace)
        if not held:  # EMULATOR ASSUMPTION (no-scope-workspace-hidden)
            raise HTTPException(404, "Workspace not found.")
        missing = [s for s in scopes if s not in held]
        if missing:
            raise HTTPException(403, f"Missing workspace scopes: {', '.join(missing)}")
        return workspace


def resolve_caller(store: Store, authorization: str | None, host: str | None = None) -> Caller:
    scheme, _, token = (authorization or "").partition(" ")
    key_id = store.key_by_hash.get(hash_key(token.strip())) if scheme.lower() == "bearer" else None
    key = store.api_keys.get(key_id) if key_id else None
    if key is None or not store.key_is_live(key):
        raise HTTPException(401, INVALID_CREDENTIALS)
    user = store.users.get(key.owner_id) if key.owner_kind == "user" else None
    bot = store.bots.get(key.owner_id) if key.owner_kind == "bot" else None
    if user is None and bot is None:
        raise HTTPException(401, INVALID_CREDENTIALS)
    return Caller(store=store, key=key, user=user, bot=bot, address=allowlist.parse_address(host))


def get_store(request: Request) -> Store:
    return request.app.state.emulator.store  # type: ignore[no-any-return]


async def get_caller(request: Request) -> Caller:
    # async on purpose: FastAPI runs a plain `def` dependency in a worker
    # thread, and that hand-off (two thread switches per request) was about a
    # quarter of the server CPU of a small request (2.9 -> 2.2 ms with 10,000
    # objects, benchmarks/README.md). The lookup never blocks the event loop.
    # The header is read from the request rather than declared as a Header
    # parameter so that it does not show up in the generated OpenAPI (the
    # official document declares no auth parameters either).
    host = request.client.host if request.client else None
    pretended = request.app.state.emulator.options.client_address
    if pretended is not None:
        host = str(pretended)
    caller = resolve_caller(get_store(request), request.headers.get("authorization"), host)
    if caller.bot is not None and request.url.path.startswith("/api/me/") and request.app.state.emulator.options.refuse_me_for_bots:
        # EMULATOR ASSUMPTION (me-with-bot-key), a switch, off by default: what the real /me/ endpoints answer
        # for a service-account key is not documented; this is the strictest plausible answer.
        raise HTTPException(403, SERVICE_ACCOUNT_ME_REFUSED)
    return caller


CallerDep = Depends(get_caller)
