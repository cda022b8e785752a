"""Built-in, account-independent data: account permissions, account roles,
the workspace scope catalogue and the built-in workspace roles.

Every emulator assumption marked below is not published by Prefect: the real
permission and scope sets of the built-in roles, and the `includes_scopes`
hierarchy, are unknown. The sets below follow the roles' descriptions in
Prefect's documentation closely enough for tests. The ids in parentheses are
those of the emulator README, which the smoke run reports on.
"""

from __future__ import annotations

from uuid import UUID

# The 47 `AccountPermission` values, in the order of the official enum.
ACCOUNT_PERMISSIONS: tuple[str, ...] = (
    "read:account", "update:account", "delete:account",
    "read:account_membership", "update:account_membership", "delete:account_membership",
    "create:account_role", "read:account_role", "update:account_role", "delete:account_role",
    "add:account_member",
    "read:sso", "administrate:sso", "bypass:sso",
    "read:billing", "update:billing",
    "create:bot", "read:bot", "update:bot", "delete:bot",
    "create:team", "read:team", "update:team", "delete:team",
    "create:invitation", "read:invitation", "update:invitation",
    "create:workspace_invitation", "read:workspace_invitation", "update:workspace_invitation",
    "administrate:workspace", "create:workspace", "read:workspace", "delete:workspace",
    "create:workspace_role", "read:workspace_role", "update:workspace_role", "delete:workspace_role",
    "create:audit_event", "read:audit_event",
    "update:ip_allowlist", "read:ip_allowlist",
    "read:mex-storage", "update:mex-storage", "delete:mex-storage",
    "read:integrations", "update:integrations",
)  # fmt: skip

# The 61 `WorkspaceScopeName` values, in the order of the official enum.
WORKSPACE_SCOPES: tuple[str, ...] = (
    "see_flows", "manage_saved_search", "run_flows", "manage_flows", "run_tasks",
    "see_blocks", "see_secret_blocks", "manage_blocks",
    "see_deployments", "run_deployments", "write_deployments", "manage_deployments",
    "see_notifications", "write_notifications", "manage_notifications",
    "see_workspace_settings", "write_workspace_settings", "manage_workspace_settings",
    "see_workspace_users", "manage_workspace_users",
    "see_workspace_service_accounts", "manage_workspace_service_accounts", "manage_workspace_teams",
    "see_work_queues", "write_work_queues", "manage_work_queues",
    "see_concurrency_limits", "manage_concurrency_limits",
    "see_events", "manage_events",
    "see_event_publications", "manage_event_publications",
    "see_event_subscriptions", "manage_event_subscriptions",
    "see_automations", "manage_automations",
    "see_work_pools", "write_work_pools", "manage_work_pools",
    "see_workers", "write_workers", "manage_workers",
    "see_artifacts", "write_artifacts", "manage_artifacts",
    "see_variables", "write_variables", "manage_variables",
    "manage_acls",
    "see_incidents", "write_incidents", "manage_incidents",
    "manage_mex_storage", "manage_mex_deploy",
    "see_tags", "manage_tags",
    "see_assets", "write_assets", "manage_assets",
    "see_webhooks", "manage_webhooks",
)  # fmt: skip

_VERBS = ("see", "run", "write", "manage")
_VERB_TITLES = {"see": "See", "run": "Run", "write": "Create and edit", "manage": "Manage"}

# EMULATOR ASSUMPTION (scope-hierarchy): extra edges of the scope hierarchy that the
# "verb_noun" naming pattern does not give by itself.
_EXTRA_INCLUDES: dict[str, tuple[str, ...]] = {
    "manage_blocks": ("see_secret_blocks",),
    "see_secret_blocks": ("see_blocks",),
    "manage_flows": ("run_tasks",),
    "manage_workspace_teams": ("see_workspace_users",),
}


def _split(scope: str) -> tuple[str, str]:
    verb, _, noun = scope.partition("_")
    return (verb, noun) if verb in _VERBS else ("manage", scope.removeprefix("manage_"))


def _direct_includes(scope: str) -> list[str]:
    """EMULATOR ASSUMPTION (scope-hierarchy): manage_X includes write_X, run_X and see_X;
    write_X and run_X include see_X. A scope also lists itself, as in the
    example of the official document."""
    verb, noun = _split(scope)
    rank = _VERBS.index(verb)
    lower = [f"{v}_{noun}" for v in _VERBS[:rank] if f"{v}_{noun}" in WORKSPACE_SCOPES]
    if verb == "write":  # "write" does not imply "run"
        lower = [s for s in lower if not s.startswith("run_")]
    return lower + list(_EXTRA_INCLUDES.get(scope, ()))


def _closure() -> dict[str, tuple[str, ...]]:
    result: dict[str, tuple[str, ...]] = {}
    for scope in WORKSPACE_SCOPES:
        seen: list[str] = [scope]
        stack = _direct_includes(scope)
        while stack:
            item = stack.pop()
            if item not in seen:
                seen.append(item)
                stack.extend(_direct_includes(item))
        result[scope] = tuple(seen)
    return result


SCOPE_INCLUDES: dict[str, tuple[str, ...]] = _closure()


def expand_scopes(scopes: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    """The scope set closed under `includes_scopes`, in catalogue order
    (the real server returns the expanded set for manage_* scopes)."""
    wanted: set[str] = set()
    for scope in scopes:
        wanted.update(SCOPE_INCLUDES.get(scope, (scope,)))
    return [s for s in WORKSPACE_SCOPES if s in wanted] + sorted(wanted - set(WORKSPACE_SCOPES))


def scope_catalogue() -> list[dict[str, object]]:
    """The body of `GET /api/workspace_scopes`."""
    out = []
    for scope in WORKSPACE_SCOPES:
        verb, noun = _split(scope)
        see = f"see_{noun}"
        out.append(
            {
                "name": scope,
                "title": f"{_VERB_TITLES[verb]} {noun.replace('_', ' ')}",
                "feature_group": noun.replace("_", " ").title(),
                "includes_scopes": list(SCOPE_INCLUDES[scope]),
                "see_scope": see if see in WORKSPACE_SCOPES else None,
            }
        )
    return out


# --- built-in account roles (account_id null, is_system_role true) ---------
# EMULATOR ASSUMPTION (builtin-roles): the names of the built-in roles. Fixed ids so
# that seeds, state files and tests agree across restarts.
ACCOUNT_ROLE_IDS: dict[str, UUID] = {
    "Owner": UUID("a0000000-0000-4000-8000-000000000001"),
    "Admin": UUID("a0000000-0000-4000-8000-000000000002"),
    "Member": UUID("a0000000-0000-4000-8000-000000000003"),
    "Collaborator": UUID("a0000000-0000-4000-8000-000000000004"),
}

# EMULATOR ASSUMPTION (builtin-role-permissions): permission sets of the built-in account roles.
_ADMIN_EXCLUDED = {"bypass:sso", "delete:account", "update:billing"}
ACCOUNT_ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "Owner": ACCOUNT_PERMISSIONS,
    "Admin": tuple(p for p in ACCOUNT_PERMISSIONS if p not in _ADMIN_EXCLUDED),
    "Member": (
        "read:account", "read:account_membership", "read:account_role", "read:bot",
        "read:team", "read:workspace", "read:workspace_role",
    ),
    "Collaborator": ("read:account", "read:workspace", "read:workspace_role"),
}  # fmt: skip

# EMULATOR ASSUMPTION (admin-implicit-owner-scopes): holding this permission gives implicit
# Owner scopes in every workspace of the account (the docs say so for the Owner and Admin
# account roles; that it is this permission is assumed).
IMPLICIT_WORKSPACE_OWNER_PERMISSION = "administrate:workspace"

# --- built-in workspace roles (account_id null) ----------------------------
WORKSPACE_ROLE_IDS: dict[str, UUID] = {
    "Owner": UUID("b0000000-0000-4000-8000-000000000001"),
    "Developer": UUID("b0000000-0000-4000-8000-000000000002"),
    "Runner": UUID("b0000000-0000-4000-8000-000000000003"),
    "Viewer": UUID("b0000000-0000-4000-8000-000000000004"),
    "Worker": UUID("b0000000-0000-4000-8000-000000000005"),
}

_VIEWER = [s for s in WORKSPACE_SCOPES if s.startswith("see_") and s != "see_secret_blocks"]
_RUNNER = [*_VIEWER, "run_deployments"]
_DEVELOPER = [
    *_RUNNER, "see_secret_blocks", "run_flows", "run_tasks", "manage_flows", "manage_saved_search",
    "manage_blocks", "manage_deployments", "manage_notifications", "manage_work_queues",
    "manage_concurrency_limits", "manage_events", "manage_automations", "manage_work_pools",
    "manage_workers", "manage_artifacts", "manage_variables", "manage_incidents", "manage_tags",
    "manage_assets", "manage_webhooks",
]  # fmt: skip
_WORKER = [
    "see_flows", "see_deployments", "see_blocks", "see_secret_blocks", "see_work_queues",
    "see_work_pools", "write_workers", "see_concurrency_limits", "see_variables", "write_artifacts",
    "run_flows", "run_tasks",
]  # fmt: skip

# EMULATOR ASSUMPTION (builtin-role-scopes): scope sets of the built-in workspace roles.
WORKSPACE_ROLE_SCOPES: dict[str, list[str]] = {
    "Owner": list(WORKSPACE_SCOPES),
    "Developer": expand_scopes(_DEVELOPER),
    "Runner": expand_scopes(_RUNNER),
    "Viewer": expand_scopes(_VIEWER),
    "Worker": expand_scopes(_WORKER),
}
WORKSPACE_ROLE_DESCRIPTIONS: dict[str, str] = {
    "Owner": "Full control of the workspace, its members and settings.",
    "Developer": "Create, run and manage flows, deployments, blocks and work pools.",
    "Runner": "View the workspace and run deployments.",
    "Viewer": "View flow runs, deployments, work pools, blocks and automations.",
    "Worker": "The minimum scopes a worker needs to poll for and submit work.",
}
