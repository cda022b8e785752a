"""Record -> response body. Routes return plain dicts; FastAPI validates
them against the response models, which follow the official schemas."""

from __future__ import annotations

from typing import Any

from .store import (
    AccessRec,
    AccountRec,
    ApiKeyRec,
    BotRec,
    InvitationRec,
    MembershipRec,
    Store,
    TeamRec,
    UserRec,
    WorkspaceRec,
    WorkspaceRoleRec,
)

# EMULATOR ASSUMPTION (plan-limits): plan limits of the emulated account.
ACCOUNT_LIMITS: dict[str, Any] = {
    "max_deployments_per_workspace": None,
    "work_pool_limit": None,
    "non_mex_work_pool_limit": None,
    "mex_work_pool_limit": 10,
    "run_retention_days": 30,
    "audit_log_retention_days": 90,  # the default; each account has its own (AccountRec)
    "automations_limit": 1000,
}


def stamps(rec: Any) -> dict[str, Any]:
    return {"id": rec.id, "created": rec.created, "updated": rec.updated}


def account(rec: AccountRec) -> dict[str, Any]:
    return {
        **stamps(rec),
        "name": rec.name,
        "handle": rec.handle,
        "location": rec.location,
        "link": rec.link,
        "image_location": rec.image_location,
        "stripe_customer_id": None,
        "auth_expiration_seconds": rec.auth_expiration_seconds,
        "billing_email": rec.billing_email,
        "settings": rec.settings,
        "workos_connection_ids": rec.workos_connection_ids,
        "workos_directory_ids": rec.workos_directory_ids,
        "workos_organization_id": rec.workos_organization_id,
        "plan_type": rec.plan_type,
        "plan_tier": rec.plan_tier,
        "scim_state": rec.scim_state,
        "sso_state": "DISABLED",
        "features": [],
        **ACCOUNT_LIMITS,
        "audit_log_retention_days": rec.audit_log_retention_days,
    }


def user(rec: UserRec) -> dict[str, Any]:
    return {
        **stamps(rec),
        "actor_id": rec.actor_id,
        "handle": rec.handle,
        "first_name": rec.first_name,
        "last_name": rec.last_name,
        "email": rec.email,
        "location": rec.location,
        "title": rec.title,
        "image_location": rec.image_location,
        "settings": rec.settings,
        "last_login": rec.last_login,
        "personal_account_id": None,
        "idp_user_id": str(rec.id),
    }


def key_read(rec: ApiKeyRec) -> dict[str, Any]:
    return {"id": rec.id, "created": rec.created, "name": rec.name, "expiration": rec.expiration, "masked_key": rec.masked_key}


def key_created(rec: ApiKeyRec, plaintext: str) -> dict[str, Any]:
    return {"id": rec.id, "created": rec.created, "name": rec.name, "expiration": rec.expiration, "key": plaintext}


def role_name(store: Store, membership: MembershipRec | None) -> str:
    role = store.account_roles.get(membership.account_role_id) if membership else None
    return role.name if role else ""


def bot(store: Store, rec: BotRec, created_key: dict[str, Any] | None = None) -> dict[str, Any]:
    active = store.active_bot_key(rec.id)
    if created_key is not None:
        api_key = created_key
    elif active is not None:
        api_key = key_read(active)
    else:  # every key of the bot was deleted: nothing usable to show
        api_key = {"id": rec.id, "created": rec.created, "name": "", "expiration": None, "masked_key": None}
    return {
        **stamps(rec),
        "actor_id": rec.actor_id,
        "account_id": rec.account_id,
        "name": rec.name,
        "account_role_name": role_name(store, store.membership_of(rec.account_id, rec.actor_id)),
        "api_key": api_key,
    }


def _actor_fields(store: Store, m: MembershipRec) -> dict[str, Any]:
    u = store.users.get(m.user_id) if m.user_id else None
    if u is not None:
        return {"user_id": u.id, "first_name": u.first_name, "last_name": u.last_name, "handle": u.handle, "email": u.email}
    return {"user_id": None, "first_name": None, "last_name": None, "handle": None, "email": None}


def membership(store: Store, m: MembershipRec) -> dict[str, Any]:
    u = store.users.get(m.user_id) if m.user_id else None
    return {
        "id": m.id,
        "actor_id": m.actor_id,
        **_actor_fields(store, m),
        "account_role_name": role_name(store, m),
        "account_role_id": m.account_role_id,
        "last_login": u.last_login if u else None,
        "active": m.active,
    }


def membership_summary(store: Store, m: MembershipRec) -> dict[str, Any]:
    fields = _actor_fields(store, m)
    if fields["handle"] is None:  # bots: the summary's handle is required
        b = store.bots.get(m.bot_id) if m.bot_id else None
        fields["handle"] = b.name if b else ""
    u = store.users.get(m.user_id) if m.user_id else None
    teams = [store.teams[t] for t in store.teams_of_actor.get(m.actor_id, {})]
    return {
        **stamps(m),
        "actor_id": m.actor_id,
        "account_id": m.account_id,
        **fields,
        "account_role_id": m.account_role_id,
        "account_role_name": role_name(store, m),
        "directory_id": None,
        "timezone": (u.settings or {}).get("default_timezone") if u else None,
        "teams": [{"id": t.id, "name": t.name} for t in teams if t.account_id == m.account_id],
        "active": m.active,
    }


def workspace(rec: WorkspaceRec) -> dict[str, Any]:
    return {
        **stamps(rec),
        "account_id": rec.account_id,
        "name": rec.name,
        "handle": rec.handle,
        "description": rec.description,
        "default_workspace_role_id": rec.default_workspace_role_id,
        "is_public": False,
    }


def workspace_role(rec: WorkspaceRoleRec) -> dict[str, Any]:
    return {
        **stamps(rec),
        "account_id": rec.account_id,
        "name": rec.name,
        "description": rec.description,
        "permissions": [],
        "scopes": rec.scopes,
        "inherited_role_id": rec.inherited_role_id,
    }


def user_access(store: Store, rec: AccessRec) -> dict[str, Any]:
    u = store.users[rec.subject_id]
    return {
        **stamps(rec),
        "workspace_id": rec.workspace_id,
        "workspace_role_id": rec.workspace_role_id,
        "actor_id": u.actor_id,
        "user_id": u.id,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "email": u.email,
        "handle": u.handle,
    }


def bot_access(store: Store, rec: AccessRec) -> dict[str, Any]:
    b = store.bots[rec.subject_id]
    return {
        **stamps(rec),
        "workspace_id": rec.workspace_id,
        "workspace_role_id": rec.workspace_role_id,
        "actor_id": b.actor_id,
        "bot_id": b.id,
        "bot_name": b.name,
    }


def team_access(rec: AccessRec) -> dict[str, Any]:
    return {**stamps(rec), "team_id": rec.subject_id, "workspace_id": rec.workspace_id, "workspace_role_id": rec.workspace_role_id}


def team_access_named(store: Store, rec: AccessRec) -> dict[str, Any]:
    return {**team_access(rec), "team_name": store.teams[rec.subject_id].name}


def team_member(store: Store, actor_id: Any) -> dict[str, Any]:
    user_id = store.user_by_actor.get(actor_id)
    if user_id is not None:
        u = store.users[user_id]
        return {"id": actor_id, "handle": u.handle, "name": f"{u.first_name} {u.last_name}".strip(), "email": u.email, "type": "user"}
    b = store.bots[store.bot_by_actor[actor_id]]
    return {"id": actor_id, "handle": b.name, "name": b.name, "email": None, "type": "service_account"}


def team(store: Store, rec: TeamRec) -> dict[str, Any]:
    workspaces = []
    for access in store.access_rows_of_subject("team", rec.id):
        ws = store.workspaces[access.workspace_id]
        role = store.workspace_roles.get(access.workspace_role_id)
        workspaces.append(
            {
                "workspace_id": ws.id,
                "workspace_handle": ws.handle,
                "workspace_role_id": access.workspace_role_id,
                "workspace_role_name": role.name if role else "",
            }
        )
    return {
        **stamps(rec),
        "account_id": rec.account_id,
        "name": rec.name,
        "description": rec.description,
        "workos_directory_group_id": rec.workos_directory_group_id,
        "memberships": [team_member(store, a) for a in rec.member_actor_ids],
        "workspaces": workspaces,
    }


def invitation(rec: InvitationRec) -> dict[str, Any]:
    body = {
        **stamps(rec),
        "email": rec.email,
        "account_id": rec.account_id,
        "account_role_id": rec.account_role_id,
        "status": rec.status,
        "expiration": rec.expiration,
    }
    if rec.workspace_id is not None:
        body["workspace_id"] = rec.workspace_id
        body["workspace_role_id"] = rec.workspace_role_id
    return body
