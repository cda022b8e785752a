#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: me_info
short_description: Who the API key belongs to, and what it may do
version_added: 0.1.0
description:
  - Returns the caller (a user or a service account), the accounts and workspaces it can reach, its
    permissions in the account and, with O(workspace), its scopes in that workspace.
  - Use it as a preflight at the top of a play. With O(require_permissions) and O(require_scopes) it fails
    before anything is changed when the key may not do what the play is about to do, instead of a
    C(403) halfway through.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  workspace:
    description:
      - A workspace (handle or id) of the account whose scopes the caller holds are returned in RV(workspace_scopes).
    type: str
  require_permissions:
    description:
      - Account permissions the caller must hold, such as V(create:team) or V(update:bot).
      - The module fails, listing every missing one, when the caller lacks any of them.
    type: list
    elements: str
    default: []
  require_scopes:
    description:
      - Workspace scopes the caller must hold in O(workspace), such as V(manage_workspace_users).
    type: list
    elements: str
    default: []
  gather_subset:
    description:
      - What to read beside the caller and its accounts, which are always read.
      - V(permissions) reads the caller's account permissions (RV(permissions)), V(workspaces) the workspaces it can
        reach (RV(workspaces)); V(all) both. Each is one request.
      - V([]) reads only the caller and its accounts, for a play that needs no more (the
        P(prefect.cloud.environments#role) role, say). O(require_permissions) reads the permissions and O(workspace)
        the workspaces whatever this says.
    type: list
    elements: str
    choices: [all, permissions, workspaces]
    default: [all]
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes.info_module
seealso:
  - module: prefect.cloud.account_role_info
  - module: prefect.cloud.workspace_role_info
notes:
  - Whether the key is a service account's is read from its prefix (C(pnb_) for service accounts, C(pnu_) for users).
"""

EXAMPLES = r"""
- name: Preflight before changing teams and bots
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  tasks:
    - name: Fail early when this key may not manage teams and bots
      prefect.cloud.me_info:
        require_permissions: [create:team, update:team, create:bot, update:bot]
      register: me

    - name: Say who is acting
      ansible.builtin.debug:
        msg: "Acting as {{ me.me.email or me.me.handle }} ({{ me.account.account_role_name }}) in {{ me.account.account_handle }}"

    - name: Make sure this key can grant access in production
      prefect.cloud.me_info:
        workspace: prod
        require_scopes: [manage_workspace_users, manage_workspace_service_accounts]
"""

RETURN = r"""
me:
  description: The caller.
  returned: always
  type: dict
  contains:
    id:
      description: User id (or, for a service account, the id the API reports for it).
      type: str
      sample: ec540f5f-d4b2-4d8d-9093-da8ca577e534
    type:
      description: V(user) or V(service_account).
      type: str
      sample: user
    handle:
      description: Handle.
      type: str
      sample: olive
    email:
      description: Email address (users).
      type: str
      sample: olive@acme.io
    first_name:
      description: First name.
      type: str
      sample: Olive
    last_name:
      description: Last name.
      type: str
      sample: Owner
    service_account_name:
      description:
        - For a service-account key, the name of the bot whose active key it is, found by the key's masked form
          among the bots of the account (RV(account)); null for a user key, when no account is selected, when the
          key may not list bots, or when the key is not a bot's active key (an old key still in its rotation grace
          window, say).
        - Tells a play whether one of the bots it manages is the one it runs as, such as before rotating keys.
      type: str
      sample: ci-admin
accounts:
  description: Every account the caller belongs to.
  returned: always
  type: list
  elements: dict
  contains:
    account_id:
      description: Account id.
      type: str
      sample: 4db86fa3-9bc2-4d09-9df0-86b0fe7c6477
    account_handle:
      description: Account handle.
      type: str
      sample: acme
    account_name:
      description: Account name.
      type: str
      sample: Acme Corp
    account_role_name:
      description: The caller's role in the account.
      type: str
      sample: Owner
    account_membership_id:
      description: Id of the caller's membership.
      type: str
      sample: bc138dec-d20d-4741-bd38-3d33aa0e337c
    account_plan_type:
      description: Plan type of the account.
      type: str
      sample: ENTERPRISE
    account_plan_tier:
      description: Plan tier of the account.
      type: str
      sample: ENTERPRISE
    account_plan_features:
      description: Features of the plan.
      type: list
      elements: str
      sample: [teams, custom_roles, sso]
account:
  description: The entry of RV(accounts) for the account the module works in; empty when it cannot be determined
    (the key reaches several accounts and O(account) is unset).
  returned: always
  type: dict
  sample:
    account_id: 4db86fa3-9bc2-4d09-9df0-86b0fe7c6477
    account_handle: acme
    account_name: Acme Corp
    account_role_name: Owner
    account_membership_id: bc138dec-d20d-4741-bd38-3d33aa0e337c
    account_plan_type: ENTERPRISE
    account_plan_tier: ENTERPRISE
    account_plan_features:
      - teams
      - custom_roles
      - sso
permissions:
  description: The caller's account permissions in that account, sorted.
  returned: when read (O(gather_subset), O(require_permissions))
  type: list
  elements: str
  sample: [create:bot, create:team, read:account]
workspaces:
  description: The workspaces of that account the caller can reach.
  returned: when read (O(gather_subset), O(workspace))
  type: list
  elements: dict
  contains:
    workspace_id:
      description: Workspace id.
      type: str
      sample: 6f1c3b8e-2a4d-4e55-9d0f-0a1b2c3d4e5f
    workspace_handle:
      description: Workspace handle.
      type: str
      sample: prod
    workspace_name:
      description: Workspace name.
      type: str
      sample: Production
    workspace_description:
      description: Workspace description.
      type: str
      sample: Production flows
    account_id:
      description: Account id.
      type: str
      sample: 4db86fa3-9bc2-4d09-9df0-86b0fe7c6477
    account_handle:
      description: Account handle.
      type: str
      sample: acme
    account_name:
      description: Account name.
      type: str
      sample: Acme Corp
workspace_scopes:
  description: The caller's scopes in O(workspace), sorted; empty without O(workspace).
  returned: always
  type: list
  elements: str
  sample: [run_deployments, see_deployments, see_flows]
missing_permissions:
  description: The entries of O(require_permissions) the caller lacks (the module fails when there are any).
  returned: always
  type: list
  elements: str
  sample: []
missing_scopes:
  description: The entries of O(require_scopes) the caller lacks in O(workspace).
  returned: always
  type: list
  elements: str
  sample: []
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudHTTPError
from ansible_collections.prefect.cloud.plugins.module_utils._api.reads import read_concurrently
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import BOT, ME, is_uuid
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._resources.caller import key_matches_mask


def describe_caller(connection):
    profile = connection.me()
    me = {key: profile.get(key) for key in ("id", "handle", "email", "first_name", "last_name")}
    me["type"] = "service_account" if connection.is_bot_key else "user"
    if connection.is_bot_key:
        me["email"] = None  # the user-shaped profile holds no real address for a service account
    return me


def service_account_name(module):
    """The name of the bot whose active key the caller's key is (one read of the account's bots), or ``None``.

    The API shows a bot's active key only as a mask (its prefix and last characters); a chance
    match of two masks is possible, and a play that takes it for the caller only refuses more.
    """
    connection = module.connection
    if not connection.is_bot_key:
        return None
    try:
        bots = module.api.list(BOT)
    except PrefectCloudHTTPError as exc:
        if exc.status in (401, 403, 404):
            return None
        raise
    for bot in bots:
        if key_matches_mask(connection.api_key, (bot.get("api_key") or {}).get("masked_key")):
            return bot.get("name")
    return None


def selected_account(module, accounts):
    """The account the module works in, or ``None`` when it is ambiguous and not required."""
    connection = module.connection
    if connection.account_given or len(accounts) == 1 or module.params["require_permissions"]:
        account_id = connection.account_id
        return next((a for a in accounts if a["account_id"] == account_id), {"account_id": account_id})
    return None


def read_me(module):
    if module.params["require_scopes"] and not module.is_set("workspace"):
        module.fail("require_scopes needs the workspace option: scopes are held per workspace")
    api = module.api
    # Independent reads go out together: the caller and its accounts, then what it holds in the account.
    me, accounts = read_concurrently([lambda: describe_caller(module.connection), module.connection.my_accounts])
    result = {"changed": False, "me": me, "accounts": accounts}
    account = selected_account(module, accounts)
    result["account"] = account or {}
    subset = set(module.params["gather_subset"])
    gather_permissions = bool(subset & {"all", "permissions"} or module.params["require_permissions"])
    gather_workspaces = bool(subset & {"all", "workspaces"} or module.is_set("workspace"))
    if gather_permissions:
        result["permissions"] = []
    if gather_workspaces:
        result["workspaces"] = []
    result["workspace_scopes"] = []
    result["me"]["service_account_name"] = None
    if account:
        reads = {"service_account_name": lambda: service_account_name(module)}
        if gather_permissions:
            reads["permissions"] = lambda: api.call(ME, "permissions", account_id=account["account_id"])
        if gather_workspaces:
            reads["workspaces"] = lambda: api.call(ME, "workspaces")
        found = dict(zip(reads, read_concurrently(reads.values())))
        result["me"]["service_account_name"] = found["service_account_name"]
        if gather_permissions:
            result["permissions"] = sorted(found["permissions"] or [])
        if gather_workspaces:
            result["workspaces"] = [w for w in (found["workspaces"] or []) if w.get("account_id") == account["account_id"]]
    if module.is_set("workspace"):
        ref = module.params["workspace"]
        match = [w for w in result["workspaces"] if w["workspace_handle"] == ref or (is_uuid(ref) and w["workspace_id"] == ref.lower())]
        if not match:
            module.fail("workspace %r is not among the workspaces this API key can reach in the account" % ref)
        scopes = api.call(ME, "workspace_scopes", workspace_id=match[0]["workspace_id"]) or []
        result["workspace_scopes"] = sorted(scopes)
    result["missing_permissions"] = [p for p in module.params["require_permissions"] if p not in result.get("permissions", [])]
    result["missing_scopes"] = [s for s in module.params["require_scopes"] if s not in result["workspace_scopes"]]
    problems = []
    if result["missing_permissions"]:
        problems.append("lacks the account permissions %s" % ", ".join(result["missing_permissions"]))
    if result["missing_scopes"]:
        problems.append("lacks the scopes %s in workspace %r" % (", ".join(result["missing_scopes"]), module.params["workspace"]))
    if problems:
        who = result["me"].get("email") or result["me"].get("handle") or "the caller"
        module.fail("this API key (%s) %s" % (who, " and ".join(problems)), **result)
    return result


def main():
    module = PrefectCloudModule(
        account_scoped=False,
        argument_spec={
            "workspace": {"type": validate.STRING},
            "require_permissions": {"type": "list", "elements": validate.STRING, "default": []},
            "require_scopes": {"type": "list", "elements": validate.STRING, "default": []},
            "gather_subset": {"type": "list", "elements": validate.STRING, "choices": ["all", "permissions", "workspaces"],
                              "default": ["all"]},
        },
    )
    try:
        validate.check_options(
            module.params,
            {
                "workspace": validate.workspace_reference,
                "require_permissions": validate.list_of(validate.identity),
                "require_scopes": validate.list_of(validate.identity),
            },
        )
    except ValueError as exc:
        module.fail(str(exc))
    module.run(lambda: read_me(module))


if __name__ == "__main__":
    main()
