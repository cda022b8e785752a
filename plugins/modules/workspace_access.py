#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: workspace_access
short_description: Grant and revoke access to a Prefect Cloud workspace for users, bots and teams
version_added: 0.1.0
description:
  - Ensures that a user, a service account (bot) or a team holds a workspace role in a workspace, or holds none.
  - Either one grant (O(user), O(bot) or O(team) with O(workspace_role)), or many at once with O(grants).
  - With O(grants), the workspace's access lists are read once (every page) and the changes are sent in
    at most one request per kind of accessor, plus one request per revoked grant; changes to the caller's own
    grants are sent apart, last.
  - A change that would take away the caller's own right to manage the workspace's access is refused before
    anything is sent, in check mode too, unless O(allow_caller_lockout=true). See O(allow_caller_lockout).
  - With O(exclusive=true), every user, bot and team grant on the workspace that O(grants) does not list
    is revoked, except the caller's own access, which is kept with a warning.
  - Access a user or a bot has through a team is not a grant of that user or bot, and is left alone.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  workspace:
    description:
      - The workspace, by handle or id.
      - Required, unless O(workspaces) is given.
    type: str
  user:
    description:
      - A user, by email or user id (not the actor id). The user must be a member of the account.
      - Mutually exclusive with O(bot), O(team) and O(grants).
    type: str
  bot:
    description:
      - A service account (bot), by name or id.
      - Mutually exclusive with O(user), O(team) and O(grants).
    type: str
  team:
    description:
      - A team, by name or id.
      - Mutually exclusive with O(user), O(bot) and O(grants).
    type: str
  workspace_role:
    description:
      - The workspace role to grant, by name (such as V(Developer) or a custom role) or id.
      - Required with O(user), O(bot) or O(team) when O(state=present); ignored when O(state=absent).
    type: str
  grants:
    description:
      - Many grants at once, each naming exactly one of O(grants[].user), O(grants[].bot) or O(grants[].team).
      - With O(state=present), each grant needs O(grants[].workspace_role), and the accessors not listed are
        left alone unless O(exclusive=true).
      - With O(state=absent), the listed grants are revoked and O(grants[].workspace_role) is ignored.
      - An accessor may appear only once.
      - Mutually exclusive with O(user), O(bot) and O(team).
    type: list
    elements: dict
    suboptions:
      user:
        description:
          - A user, by email or user id.
        type: str
      bot:
        description:
          - A service account (bot), by name or id.
        type: str
      team:
        description:
          - A team, by name or id.
        type: str
      workspace_role:
        description:
          - The workspace role, by name or id.
        type: str
  workspaces:
    description:
      - The grants of many workspaces in one task, each entry a workspace and its O(workspaces[].grants), converged
        as O(grants) converges one workspace's. The other options (O(exclusive), O(max_removals), O(state) and
        the rest) apply to each workspace.
      - The workspaces are found with one read, the workspace roles and the accessors are looked up once for all
        of them, and every workspace is read, planned and guarded before the first write, so that a refusal or a
        missing reference in one leaves the others unwritten too.
      - A workspace may appear only once.
      - Mutually exclusive with O(workspace), O(user), O(bot), O(team), O(workspace_role) and O(grants).
    type: list
    elements: dict
    suboptions:
      workspace:
        description:
          - The workspace, by handle or id.
        type: str
        required: true
      grants:
        description:
          - The workspace's grants, as in O(grants).
        type: list
        elements: dict
        required: true
        suboptions:
          user:
            description:
              - A user, by email or user id.
            type: str
          bot:
            description:
              - A service account (bot), by name or id.
            type: str
          team:
            description:
              - A team, by name or id.
            type: str
          workspace_role:
            description:
              - The workspace role, by name or id.
            type: str
  exclusive:
    description:
      - With O(grants) (or O(workspaces)) and O(state=present), also revoke every user, bot and team grant on the workspace that
        O(grants) does not list. V([]) with O(exclusive=true) revokes everything.
      - The caller's own access is never revoked, neither its direct grant nor a grant of a team it belongs to;
        such grants are kept and reported in a warning. A user key is recognised with C(GET /me/); a
        service-account key is recognised by comparing its masked form (prefix and last four characters) with the
        active and rotating keys of the bots about to lose their grant. A chance match only keeps a grant.
      - Only valid with O(grants) or O(workspaces), and O(state=present).
      - "With an empty O(grants) (nothing listed to keep), every grant but the caller's own goes: refused unless
        O(allow_remove_all=true). At most O(max_removals) grants are revoked by one task."
      - A grant whose revocation would also remove its user from the account (see O(removable_collaborators)) is
        not revoked this way unless that user is in O(removable_collaborators); the task fails before any write,
        in check mode too, naming them.
    type: bool
    default: false
  allow_remove_all:
    description:
      - Let O(exclusive) with an empty O(grants) revoke every grant on the workspace (but the caller's own). Without
        it such a task fails before any write, in check mode too, naming what it would revoke; an empty list is more
        often a mistake (a variable that did not load, entries commented out) than meant.
    type: bool
    default: false
  max_removals:
    description:
      - The most grants one task with O(grants) may revoke (revoked by O(exclusive), or listed with
        O(state=absent)). A task that would revoke more fails before any write, in check mode too, naming them; its
        C(diff) shows the refused plan. Raise it on purpose.
      - With O(workspaces), the bound applies to each workspace.
    type: int
    default: 10
  removable_collaborators:
    description:
      - Users (by email) whose grant O(exclusive) may revoke even though it is their last workspace access and their
        account role is Collaborator, which makes Prefect Cloud remove them from the account as well.
      - Such a revocation, whatever asks for it, is named in RV(leaves_account), in a warning, in the message and in
        the diff's header, in check mode too; only O(exclusive) refuses it for a user not listed here.
    type: list
    elements: str
    default: []
  allow_caller_lockout:
    description:
      - Allow a change that takes away the caller's own right to manage the workspace's access.
      - Writing user grants needs the workspace scope C(manage_workspace_users), bot grants
        C(manage_workspace_service_accounts) and team grants C(manage_workspace_teams). The caller holds the scopes
        of the role of its own user (or bot) grant and of the grants of the teams it is in; an account Owner or
        Admin (account permission C(administrate:workspace)) holds them all in every workspace, whatever its grants.
      - When a demotion or revocation of one of these grants (O(exclusive) never revokes them, but O(grants) may
        list them with another role, O(state=absent) may revoke them, and so may the single form) would leave the
        caller without a scope of those three that it holds now, the task fails before any write and names the
        grants, unless this is V(true). With V(true) it goes ahead with a warning, and the caller may then need
        someone else to give its access back.
      - Whatever this says, the writes are ordered so that the caller still holds the scope each one needs when it
        is sent - other accessors' grants first, then the caller's own, demotions that keep the most last - and a
        change that no order allows is refused before any write.
    type: bool
    default: false
  state:
    description:
      - V(present) grants the role (changing the role of an existing grant in place); V(absent) revokes the grant.
    type: str
    choices: [present, absent]
    default: present
notes:
  - The user, bot and team access lists of the workspace are independent reads, sent at the same time (at most
    four requests in flight, one connection each). A run that reads all three, such as one with O(grants), so costs
    about one round trip for them rather than three. Writes are always sent one after the other.
  - Revoking the last workspace access of a user whose account role is Collaborator also removes that user
    from the account (a Prefect Cloud rule). The module finds such revocations before writing - with one read of
    the users' memberships, and for a Collaborator one read of the account's workspaces and of the user grants
    of each - and names them (see O(removable_collaborators)).
  - Workspace access needs a Prefect Cloud plan with role-based access control; team access needs Enterprise.
  - The caller's own grants are found as O(exclusive) describes. For a service-account key whose C(GET /me/...)
    requests are refused, an account role is read from the bot's own record once the bot is recognised; a bot
    that is not recognised is not taken to be an account Owner or Admin, so its change may be refused when it
    would not lock it out.
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes
seealso:
  - module: prefect.cloud.workspace_access_info
  - module: prefect.cloud.workspace
  - module: prefect.cloud.team
  - module: prefect.cloud.bot
"""

EXAMPLES = r"""
- name: Manage workspace access
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
      # api_key comes from the PREFECT_API_KEY environment variable
  tasks:
    - name: Alice develops in the dev workspace
      prefect.cloud.workspace_access:
        workspace: dev
        user: alice@acme.io
        workspace_role: Developer

    - name: The deployer bot runs flows in production
      prefect.cloud.workspace_access:
        workspace: prod
        bot: prod-deployer
        workspace_role: Runner

    - name: Contractors lose access to production
      prefect.cloud.workspace_access:
        workspace: prod
        team: contractors
        state: absent

    - name: Production access is exactly this (everything else is revoked, but never the caller's own access)
      prefect.cloud.workspace_access:
        workspace: prod
        exclusive: true
        grants:
          - team: engineers
            workspace_role: Viewer
          - team: sre
            workspace_role: Owner
          - bot: prod-deployer
            workspace_role: Runner
          - user: olive@acme.io
            workspace_role: Owner

    - name: The access of every environment in one task (one module run, every workspace planned before any write)
      prefect.cloud.workspace_access:
        workspaces:
          - workspace: dev
            grants:
              - team: engineers
                workspace_role: Developer
          - workspace: prod
            grants:
              - team: engineers
                workspace_role: Viewer
              - bot: prod-deployer
                workspace_role: Runner
"""

RETURN = r"""
workspace_access:
  description:
    - The access after the task; in check mode, the prediction. Empty when O(state=absent).
    - For one grant, the grant as the API returns it, plus the names of the workspace, the accessor and the role.
    - With O(grants), the workspace and the sorted list of grants, as in the diff.
    - With O(workspaces), see RV(workspaces) instead.
  returned: unless O(workspaces) is given
  type: dict
  contains:
    workspace:
      returned: unless O(state=absent)
      description: The workspace handle.
      type: str
      sample: prod
    user:
      returned: for one user grant
      description: The user's email (one user grant).
      type: str
      sample: alice@acme.io
    bot:
      returned: for one bot grant
      description: The bot's name (one bot grant).
      type: str
      sample: prod-deployer
    team:
      returned: for one team grant
      description: The team's name (one team grant).
      type: str
      sample: data-engineers
    workspace_role:
      returned: for one grant
      description: The workspace role's name (one grant).
      type: str
      sample: Developer
    grants:
      returned: with O(grants)
      description:
        - The grants (with O(grants)); each has one of C(user), C(bot) or C(team), and C(workspace_role).
        - Without O(exclusive), only the accessors listed in O(grants); with it, every grant on the workspace.
      type: list
      elements: dict
      sample: [{"team": "data-engineers", "workspace_role": "Viewer"}, {"bot": "prod-deployer", "workspace_role": "Runner"}]
    id:
      returned: for one grant, when it exists
      description: The access id (one grant; absent from a check-mode prediction of a new grant).
      type: str
      sample: 71441aca-7aa5-409c-9425-a87aaab6f051
    workspace_id:
      returned: for one grant, when it exists
      description: The workspace id (absent from check-mode predictions).
      type: str
      sample: 6f1c3b8e-2a4d-4e55-9d0f-0a1b2c3d4e5f
    workspace_role_id:
      returned: for one grant, when it exists
      description: The workspace role id (one grant; absent from check-mode predictions).
      type: str
      sample: efbdfbd9-5a98-4acf-8609-094112641b94
    user_id:
      returned: for one user grant, when it exists
      description: The user id (one user grant).
      type: str
      sample: fdcbf1ae-458e-4d8f-97f1-2ce18d4ed032
    bot_id:
      returned: for one bot grant, when it exists
      description: The bot id (one bot grant).
      type: str
      sample: 1f0e2d3c-4b5a-4697-8879-6a5b4c3d2e1f
    team_id:
      returned: for one team grant, when it exists
      description: The team id (one team grant).
      type: str
      sample: 0b7b6c4e-5a7d-4c1e-8f0e-3d2a1b0c9e8f
    actor_id:
      returned: for one user or bot grant, when it exists
      description: The actor id of the user or bot (one user or bot grant).
      type: str
      sample: d48e8b2c-bce0-46a2-86b7-d7f392176fac
workspaces:
  description:
    - With O(workspaces), the access of each workspace after the task (in check mode, the prediction), as
      RV(workspace_access) gives it for O(grants); in the order of the entries.
  returned: when O(workspaces) is given
  type: list
  elements: dict
  sample: [{"workspace": "dev", "grants": [{"team": "engineers", "workspace_role": "Developer"}]}]
results:
  description: With O(workspaces), what the task did to the access of each workspace, in the order of the entries.
  returned: when O(workspaces) is given
  type: list
  elements: dict
  contains:
    workspace:
      description: The workspace, as the entry names it.
      type: str
      sample: prod
    changed:
      description: Whether the workspace's access changed.
      type: bool
      sample: true
    action:
      description: V(update), V(delete) (O(state=absent)), V(create) (check mode, a workspace not made yet), or null when nothing was done.
      type: str
      sample: update
    msg:
      description: What happened to the workspace's access.
      type: str
      sample: access to workspace 'prod' updated
    leaves_account:
      description: The users whom this workspace's revocations remove from the account as well (see RV(leaves_account)).
      type: list
      elements: str
      sample: []
    diff:
      description: The workspace's access before and after, in diff mode, when it changed.
      type: dict
      sample: {"before": {"workspace": "prod", "grants": []}, "after": {"workspace": "prod", "grants": [{"bot": "prod-deployer", "workspace_role": "Runner"}]}}
leaves_account:
  description:
    - The users (emails, lower case) whom the task's revocations remove from the account as well - Collaborators whose
      last workspace access goes; in check mode, those it would remove. Empty otherwise.
    - With O(workspaces), those of every workspace.
  returned: always
  type: list
  elements: str
  sample: [contractor@example.com]
diff:
  description:
    - The access before and after (workspace, accessor and role names), in diff mode.
    - With O(workspaces), C(before) and C(after) each hold C(workspaces), the list of the workspaces that changed.
    - When a revocation also removes a user from the account, C(after_header) says who (shown beside C(after)).
  returned: when diff mode is on
  type: dict
  sample:
    before:
      workspace: prod
      user: alice@acme.io
      workspace_role: Viewer
    after:
      workspace: prod
      user: alice@acme.io
      workspace_role: Developer
msg:
  description: What happened, such as C(user 'alice@acme.io' in workspace 'dev' created).
  returned: always
  type: str
  sample: user 'alice@acme.io' in workspace 'prod' updated
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import ReferenceNotFound
from ansible_collections.prefect.cloud.plugins.module_utils._api.secrets import sanitize
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import WORKSPACE
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.bulk import BulkForm, run_bulk
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import Plan, Resource, run_resource
from ansible_collections.prefect.cloud.plugins.module_utils._engine.removals import RemovalBounds
from ansible_collections.prefect.cloud.plugins.module_utils._resources.access import (
    ACCESSORS,
    KINDS,
    AccessLists,
    AccessWrite,
    WorkspaceAccess,
    accessor_of,
    sort_key,
)


def parse_access_options(params):
    """Bad input fails here, before any request, naming the option."""
    state = params["state"]
    grants = params["grants"]
    if grants is None:
        accessor, ref = accessor_of(params)
        if params["exclusive"]:
            raise ValueError("exclusive applies to grants: list the grants to keep in grants")
        if state == "present" and params["workspace_role"] is None:
            raise ValueError("workspace_role is required to grant access to a %s (state=present)" % accessor)
        if not ref:
            raise ValueError("%s must not be empty" % accessor)
        return params
    if params["workspace_role"] is not None:
        raise ValueError("workspace_role goes into each entry of grants, not beside it")
    RemovalBounds.check_options(params)
    if params["exclusive"] and state == "absent":
        raise ValueError("exclusive cannot be combined with state=absent: absent revokes exactly the grants listed")
    seen = {}
    for index, entry in enumerate(grants):
        given = [accessor for accessor in ACCESSORS if entry.get(accessor) is not None]
        if len(given) != 1:
            raise ValueError(
                "grants[%d] must name exactly one of user, bot or team, got %s"
                % (index, " and ".join(given) if given else "none")
            )
        accessor = given[0]
        if not entry[accessor]:
            raise ValueError("grants[%d].%s must not be empty" % (index, accessor))
        if state == "present" and not entry.get("workspace_role"):
            raise ValueError("grants[%d] has no workspace_role (required when state=present)" % index)
        key = (accessor, KINDS[accessor].norm(entry[accessor]))
        if key in seen:
            raise ValueError(
                "grants[%d] repeats the %s %r of grants[%d]: list each accessor once" % (index, accessor, entry[accessor], seen[key])
            )
        seen[key] = index
    return params


# What a bulk write returns when its result cannot be read back: the plan's prediction stands.
WRITTEN_AS_PLANNED = object()


def leave(emails):
    return "%s %s" % (", ".join(emails), "leaves the account" if len(emails) == 1 else "leave the account")


class _AccessBase(Resource):
    """What both forms share: the workspace's access as one object, and the guard.

    ``Plan.changes`` has one shape in both forms: ``writes`` (in the order they are sent), ``caller`` (the
    ``CallerAccessPlan`` of those writes), ``by_exclusive`` (the ``(accessor, row)`` that exclusive revokes),
    ``missing`` (``(accessor, ref)`` not found) and ``roles`` (the role references to check).
    """

    result_key = "workspace_access"

    @classmethod
    def parse_options(cls, params):
        accessor_checks = {
            "user": validate.user_reference,
            "bot": validate.identity,
            "team": validate.identity,
            "workspace_role": validate.identity,
        }
        validate.check_options(
            params,
            dict(accessor_checks, workspace=validate.workspace_reference, removable_collaborators=validate.list_of(validate.email)),
        )
        for index, grant in enumerate(params["grants"] or []):
            for option, check in accessor_checks.items():
                if grant.get(option) is not None:
                    check(grant[option], "grants[%d].%s" % (index, option))
        return parse_access_options(params)

    def __init__(self, module, options=None):
        super().__init__(module, options)
        self.access = WorkspaceAccess(module, self.params["workspace"])

    def planned(self, plan, writes, lists=None, by_exclusive=(), missing=(), roles=()):
        """``plan`` with its changes: the writes in the order the caller can send them in, and what refuses them."""
        caller = self.access.plan_writes(writes if plan.changed else [], lists)
        plan.changes = {"writes": caller.ordered, "caller": caller, "by_exclusive": list(by_exclusive), "missing": list(missing),
                        "roles": list(roles)}
        plan.extra_result["leaves_account"] = []
        return plan

    def locks_caller_out(self, plan):
        return plan.changes["caller"].cuts_off and self.params["allow_caller_lockout"]

    def bound_removals(self, plan, revoked):
        """The bounds on what one task revokes (the form with ``grants``)."""

    def guard(self, plan):
        revoked = [(write.accessor, write.revoked_row) for write in plan.changes["writes"] if write.revoked_row is not None]
        self.bound_removals(plan, revoked)
        removable = [email.lower() for email in self.params["removable_collaborators"] or []]
        leaving = self.access.leaving(revoked, plan.changes["by_exclusive"], removable)
        plan.extra_result["leaves_account"] = leaving
        if leaving:
            self.module.warn(
                "%s: revoking the last workspace access of a user whose account role is Collaborator also removes them "
                "from the account (a Prefect Cloud rule)" % leave(leaving)
            )
            plan.diff_note = "%s (Collaborator, last workspace access revoked)" % leave(leaving)
        self.access.refuse_lockout(plan.changes["caller"], self.params["allow_caller_lockout"])

    def message(self, plan):
        message = super().message(plan)
        leaving = plan.extra_result.get("leaves_account")
        return message + "; " + leave(leaving) if plan.changed and leaving else message

    def send(self, plan):
        self.access.send(plan.changes["writes"])


class SingleAccess(_AccessBase):
    """One grant: ``user``, ``bot`` or ``team`` with ``workspace_role``."""

    def __init__(self, module, options=None):
        super().__init__(module, options)
        self.accessor, self.ref = accessor_of(self.params)
        self.kind = KINDS[self.accessor]

    def describe(self):
        return "%s %r in workspace %r" % (self.accessor, self.ref, self.params["workspace"])

    def read(self):
        return self.access.read({self.accessor: [self.ref]}).find(self.accessor, self.ref)

    def view(self, raw):
        return {
            "workspace": self.access.label(),
            self.accessor: self.kind.name_of(raw),
            "workspace_role": self.access.role_name(raw["workspace_role_id"]),
        }

    def desired(self, before):
        if before is not None:
            desired = dict(before)
        else:
            resolved = self.access.resolve(self.accessor, [self.ref]).get(self.ref)
            desired = {"workspace": self.access.label(), self.accessor: self.kind.shown(resolved[1] if resolved and resolved[1] else self.ref)}
        desired["workspace_role"] = self.access.role_name(self.params["workspace_role"])
        return desired

    def plan(self, before_raw, before, state):
        plan = Plan(before_raw, before, None if state == "absent" else self.desired(before))
        if before_raw is None:
            writes = []  # a new grant only adds
        elif plan.desired is None:
            writes = [AccessWrite.revocation(self.accessor, before_raw)]
        else:
            change = self.access.change(self.accessor, self.kind.ident(before_raw), self.kind.describe(before_raw),
                                        before_raw["workspace_role_id"], self.params["workspace_role"])
            writes = [AccessWrite(self.accessor, [change])]
        return self.planned(plan, writes)

    def check_references(self, plan):
        self.access.workspace()
        if not self.access.resolve(self.accessor, [self.ref]):
            raise ReferenceNotFound(self.accessor, self.ref)
        self.access.require_role(self.params["workspace_role"])

    def create(self, plan):
        ident = self.access.resolve(self.accessor, [self.ref])[self.ref][0]
        self.kind.upsert(self.api, self.access.workspace()["id"], [(ident, self.access.require_role(self.params["workspace_role"])["id"])])
        return self.read()

    def update(self, plan):
        self.send(plan)
        if not self.locks_caller_out(plan):
            return None
        after = self.access.read_after_lockout(True, self.read)
        return after if after is not None else dict(plan.before_raw, workspace_role_id=self.access.require_role(self.params["workspace_role"])["id"])

    def delete(self, plan):
        self.send(plan)


class BulkAccess(_AccessBase):
    """Many grants: ``grants``, optionally ``exclusive``."""

    def __init__(self, module, options=None):
        super().__init__(module, options)
        self.entries = [(i, accessor_of(g), g.get("workspace_role")) for i, g in enumerate(self.params["grants"])]
        self.exclusive = self.params["exclusive"]

    def describe(self):
        return "access to workspace %r" % self.params["workspace"]

    def read(self):
        try:
            lists = self.access.read()
        except ReferenceNotFound as exc:
            # In check mode a workspace that an earlier task of the play creates has no grant yet, which is what
            # the real run reads after that task: plan from empty lists, so that an empty list changes nothing and
            # the diff starts where the real run's does.
            if self.params["state"] == "absent" or not (self.module.check_mode and exc.creatable):
                raise
            self.module.warn("%s; check mode assumes an earlier task of the play creates it" % exc)
            lists = AccessLists(None, {})
        if self.params["state"] == "absent" and not self.listed_rows(lists):
            return None
        return lists

    def listed_rows(self, lists):
        """``[(accessor, row)]``: the current grants of the accessors ``grants`` lists, without repeats."""
        seen = {}
        for _index, (accessor, ref), _role in self.entries:
            row = lists.find(accessor, ref)
            if row is not None:
                seen[(accessor, KINDS[accessor].ident(row))] = (accessor, row)
        return list(seen.values())

    def view(self, raw):
        pairs = list(raw.all()) if self.exclusive else self.listed_rows(raw)
        grants = sorted((self.access.grant_view(accessor, row) for accessor, row in pairs), key=sort_key)
        return {"workspace": self.access.label(), "grants": grants}

    def plan(self, before_raw, before, state):
        if state == "absent":
            plan = Plan(before_raw, before, None)
            writes = [AccessWrite.revocation(accessor, row) for accessor, row in self.listed_rows(before_raw)] if plan.changed else []
            return self.planned(plan, writes, lists=before_raw)
        # The lists just read; empty when the workspace does not exist yet (check mode).
        grants = self.access.plan_grants(before_raw if before_raw is not None else AccessLists(None, {}), self.entries, self.exclusive)
        plan = Plan(before_raw, before, {"workspace": self.access.label(), "grants": grants.grants})
        return self.planned(plan, grants.writes(), lists=grants.lists, by_exclusive=grants.revoked, missing=grants.missing, roles=grants.roles)

    def check_references(self, plan):
        self.access.workspace()
        for accessor, ref in plan.changes["missing"]:
            raise ReferenceNotFound(accessor, ref)
        for role_ref in plan.changes["roles"]:
            self.access.require_role(role_ref)

    def bound_removals(self, plan, revoked):
        label = self.access.label()
        RemovalBounds.check(
            self.params,
            [KINDS[accessor].describe(row) for accessor, row in revoked],
            ("grant on workspace %r" % label, "grants on workspace %r" % label),
            everything=self.exclusive and not self.entries,
            result={"diff": {"before": plan.before or {}, "after": plan.desired or {}}} if self.module.diff_mode else {},
        )

    def create(self, plan):
        return self.update(plan)

    def update(self, plan):
        self.send(plan)
        # Read back; when the caller gave up the right to, what was written stands in (see view_after).
        return self.access.read_after_lockout(self.locks_caller_out(plan), self.read) or WRITTEN_AS_PLANNED

    def view_after(self, plan, after_raw):
        return plan.desired if after_raw is WRITTEN_AS_PLANNED else self.view(after_raw)

    def delete(self, plan):
        self.send(plan)

    def public(self, raw, view):
        return sanitize(view or {})


class WorkspaceGrants(BulkAccess):
    """One entry of ``workspaces``: the grants of one workspace, converged as the form with ``grants`` does.

    The list form is the bulk form (``BulkForm``) of this resource: the workspaces of every entry are
    found with one read, the role catalogue and the accessors are looked up once for all of them, and
    every workspace is read, planned and guarded before the first write. The options beside
    ``workspaces`` (``exclusive``, the bounds, ``state``...) apply to each workspace.
    """

    identity = "workspace"
    noun = "workspace"
    gathered_result = ("leaves_account",)

    @classmethod
    def plural_noun(cls):
        return "workspace access lists"

    @classmethod
    def entry_key(cls, params):
        return WORKSPACE.norm(params["workspace"])

    @classmethod
    def resolved_key(cls, module, params):
        row = module.resolver.find(WORKSPACE, params["workspace"])
        return row["id"] if row else cls.entry_key(params)

    @classmethod
    def prefetch(cls, module, entries, exclusive):
        module.resolver.find_many(WORKSPACE, [params["workspace"] for params in entries])
        return None, []


WORKSPACES = BulkForm(WorkspaceGrants, "workspaces")


def main():
    grant_options = {
        "user": {"type": validate.STRING},
        "bot": {"type": validate.STRING},
        "team": {"type": validate.STRING},
        "workspace_role": {"type": validate.STRING},
    }
    accessors = ("user", "bot", "team", "grants")
    module = PrefectCloudModule(
        argument_spec={
            "workspace": {"type": validate.STRING},
            "user": {"type": validate.STRING},
            "bot": {"type": validate.STRING},
            "team": {"type": validate.STRING},
            "workspace_role": {"type": validate.STRING},
            "grants": {"type": "list", "elements": "dict", "options": grant_options},
            "workspaces": {
                "type": "list",
                "elements": "dict",
                "options": {
                    "workspace": {"type": validate.STRING, "required": True},
                    "grants": {"type": "list", "elements": "dict", "options": grant_options, "required": True},
                },
            },
            "exclusive": {"type": "bool", "default": False},
            "allow_remove_all": RemovalBounds.OPTIONS["allow_remove_all"],
            "max_removals": RemovalBounds.OPTIONS["max_removals"],
            "removable_collaborators": {"type": "list", "elements": validate.STRING, "default": []},
            "allow_caller_lockout": {"type": "bool", "default": False},
            "state": {"type": validate.STRING, "choices": ["present", "absent"], "default": "present"},
        },
        mutually_exclusive=[accessors + ("workspaces",), ("workspace", "workspaces"), ("workspace_role", "workspaces")],
        required_one_of=[accessors + ("workspaces",), ("workspace", "workspaces")],
    )
    if module.params["workspaces"] is not None:
        run_bulk(module, WORKSPACES)
    else:
        run_resource(module, BulkAccess if module.params["grants"] is not None else SingleAccess)


if __name__ == "__main__":
    main()
