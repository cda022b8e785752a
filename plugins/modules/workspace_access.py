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
    at most one request per kind of accessor, plus one request per revoked grant.
  - With O(exclusive=true), every user, bot and team grant on the workspace that O(grants) does not list
    is revoked, except the caller's own access, which is kept with a warning.
  - Access a user or a bot has through a team is not a grant of that user or bot, and is left alone.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  workspace:
    description:
      - The workspace, by handle or id.
    type: str
    required: true
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
  exclusive:
    description:
      - With O(grants) and O(state=present), also revoke every user, bot and team grant on the workspace that
        O(grants) does not list. V([]) with O(exclusive=true) revokes everything.
      - The caller's own access is never revoked, neither its direct grant nor a grant of a team it belongs to;
        such grants are kept and reported in a warning. A user key is recognised with C(GET /me/); a
        service-account key is recognised by comparing its masked form (prefix and last four characters) with the
        active and rotating keys of the bots about to lose their grant. A chance match only keeps a grant.
      - Only valid with O(grants) and O(state=present).
    type: bool
    default: false
  state:
    description:
      - V(present) grants the role (changing the role of an existing grant in place); V(absent) revokes the grant.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Revoking the last workspace access of a user whose account role is Collaborator also removes that user
    from the account (a Prefect Cloud rule).
  - Workspace access needs a Prefect Cloud plan with role-based access control; team access needs Enterprise.
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
"""

RETURN = r"""
workspace_access:
  description:
    - The access after the task; in check mode, the prediction. Empty when O(state=absent).
    - For one grant, the grant as the API returns it, plus the names of the workspace, the accessor and the role.
    - With O(grants), the workspace and the sorted list of grants, as in the diff.
  returned: always
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
diff:
  description: The access before and after (workspace, accessor and role names), in diff mode.
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

from ansible_collections.prefect.cloud.plugins.module_utils._caller import CallerIdentity
from ansible_collections.prefect.cloud.plugins.module_utils._client import PrefectCloudError
from ansible_collections.prefect.cloud.plugins.module_utils._module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._reconcile import Resource, run_resource, sanitize
from ansible_collections.prefect.cloud.plugins.module_utils._resolve import ReferenceNotFound, is_uuid
from ansible_collections.prefect.cloud.plugins.module_utils._access import (
    ACCESSORS,
    LISTS,
    RESOLVED,
    AccessLists,
    accessor_id,
    accessor_name,
    accessor_of,
    describe_row,
    norm,
    read_access_list,
    revoke_access,
    sort_key,
    upsert_access,
)


class _AccessBase(Resource):
    kind = "workspace_access"

    def __init__(self, module):
        super().__init__(module)
        self._workspace = None

    def workspace_row(self):
        """The workspace (raises ReferenceNotFound when it does not exist)."""
        if self._workspace is None:
            self._workspace = self.resolver.require("workspace", self.params["workspace"])
        return self._workspace

    def workspace_label(self):
        return self._workspace["handle"] if self._workspace else self.params["workspace"]

    def workspace_path(self):
        return "%s/workspaces/%s" % (self.account_path, self.workspace_row()["id"])

    def role_name(self, role_id):
        return self.resolver.role_name("workspace_role", role_id)

    def require_role(self, ref):
        return self.resolver.require_role("workspace_role", ref)

    def resolve_accessors(self, kind, refs):
        """``{ref: (id, name)}`` of the accessors that exist (one batched read per kind)."""
        if not refs:
            return {}
        id_field, name_field = RESOLVED[kind]
        found = self.resolver.find_many(kind, refs)
        return {ref: (row[id_field], row.get(name_field)) for ref, row in found.items()}

    def read_list(self, kind, body=None):
        return read_access_list(self.client, self.workspace_path(), kind, body)

    def upsert(self, kind, pairs):
        return upsert_access(self.client, self.workspace_path(), kind, pairs)

    def revoke(self, kind, row):
        revoke_access(self.client, self.workspace_path(), kind, row)


class SingleAccess(_AccessBase):
    """One grant: ``user``, ``bot`` or ``team`` with ``workspace_role``."""

    def __init__(self, module):
        super().__init__(module)
        self.accessor_kind, self.ref = accessor_of(self.params)

    def describe(self):
        return "%s %r in workspace %r" % (self.accessor_kind, self.ref, self.params["workspace"])

    def read(self):
        kind, ref = self.accessor_kind, self.ref
        if kind == "team":
            # team_access/filter takes no criteria: the workspace's team grants are scanned.
            rows = self.read_list("team")
        else:
            field = "id" if is_uuid(ref) else ("email" if kind == "user" else "name")
            rows = self.read_list(kind, {LISTS[kind]["plural"]: {field: {"any_": [ref]}}})
        return AccessLists(self.workspace_row(), {kind: rows}).find(kind, ref)

    def view(self, raw):
        kind = self.accessor_kind
        return {
            "workspace": self.workspace_label(),
            kind: accessor_name(kind, raw),
            "workspace_role": self.role_name(raw["workspace_role_id"]),
        }

    def desired(self, before):
        kind = self.accessor_kind
        if before is not None:
            desired = dict(before)
        else:
            resolved = self.resolve_accessors(kind, [self.ref]).get(self.ref)
            name = resolved[1] if resolved and resolved[1] else self.ref
            desired = {"workspace": self.workspace_label(), kind: name.lower() if kind == "user" else name}
        desired["workspace_role"] = self.role_name(self.params["workspace_role"])
        return desired

    def check_references(self, desired):
        self.workspace_row()
        if not self.resolve_accessors(self.accessor_kind, [self.ref]):
            raise ReferenceNotFound(self.accessor_kind, self.ref)
        self.require_role(self.params["workspace_role"])

    def _grant(self):
        kind = self.accessor_kind
        ident = self.resolve_accessors(kind, [self.ref])[self.ref][0]
        role_id = self.require_role(self.params["workspace_role"])["id"]
        self.upsert(kind, [(ident, role_id)])
        return self.read()

    def create(self, desired):
        return self._grant()

    def update(self, raw, before, desired):
        kind = self.accessor_kind
        role_id = self.require_role(self.params["workspace_role"])["id"]
        self.upsert(kind, [(accessor_id(kind, raw), role_id)])
        return None

    def delete(self, raw):
        self.revoke(self.accessor_kind, raw)


class BulkAccess(_AccessBase):
    """Many grants: ``grants``, optionally ``exclusive``."""

    def __init__(self, module):
        super().__init__(module)
        self.entries = [(i, accessor_of(g), g.get("workspace_role")) for i, g in enumerate(self.params["grants"])]
        self.exclusive = self.params["exclusive"]
        self.absent = self.params["state"] == "absent"
        self._plan = None
        self._lists = None

    def describe(self):
        return "access to workspace %r" % self.params["workspace"]

    def read(self):
        lists = AccessLists(self.workspace_row(), {kind: self.read_list(kind) for kind in ACCESSORS})
        self._lists = lists
        if self.absent and not self.listed_rows(lists):
            return None
        return lists

    def listed_rows(self, lists):
        """``[(kind, row)]``: the current grants of the accessors ``grants`` lists, without repeats."""
        seen = {}
        for _index, (kind, ref), _role in self.entries:
            row = lists.find(kind, ref)
            if row is not None:
                seen[(kind, accessor_id(kind, row))] = (kind, row)
        return list(seen.values())

    def grant_view(self, kind, row):
        return {kind: accessor_name(kind, row), "workspace_role": self.role_name(row["workspace_role_id"])}

    def view(self, raw):
        pairs = list(raw.all()) if self.exclusive else self.listed_rows(raw)
        grants = sorted((self.grant_view(kind, row) for kind, row in pairs), key=sort_key)
        return {"workspace": self.workspace_label(), "grants": grants}

    def desired(self, before):
        lists = self._lists_for_plan()
        # Accessors without a grant yet are looked up in one batched read per kind.
        unmatched = {}
        for _index, (kind, ref), _role in self.entries:
            if lists.find(kind, ref) is None:
                unmatched.setdefault(kind, []).append(ref)
        resolved = {kind: self.resolve_accessors(kind, refs) for kind, refs in unmatched.items()}

        plan = {"upsert": {kind: [] for kind in ACCESSORS}, "missing": [], "roles": [], "revoke": []}
        grants, seen = [], {}
        for index, (kind, ref), role_ref in self.entries:
            row = lists.find(kind, ref)
            if row is not None:
                ident, name = accessor_id(kind, row), accessor_name(kind, row)
            elif ref in resolved.get(kind, {}):
                ident, name = resolved[kind][ref]
                name = name.lower() if kind == "user" and name else (name or ref)
            else:
                ident, name = None, ref
                plan["missing"].append((kind, ref))
            key = (kind, ident or norm(kind, ref))
            if key in seen:
                raise PrefectCloudError(
                    "grants[%d] and grants[%d] name the same %s (%s): list each accessor once"
                    % (seen[key], index, kind, name)
                )
            seen[key] = index
            role = self.role_name(role_ref)
            grants.append({kind: name, "workspace_role": role})
            current = self.role_name(row["workspace_role_id"]) if row is not None else None
            if current != role:
                plan["roles"].append(role_ref)
                plan["upsert"][kind].append((ident, ref, role_ref))

        if self.exclusive:
            unlisted = [(kind, row) for kind, row in lists.all() if (kind, accessor_id(kind, row)) not in seen]
            kept = self._callers_own(unlisted)
            for kind, row in unlisted:
                if (kind, accessor_id(kind, row)) in kept:
                    self.module.warn(
                        "%s keeps its %s access to workspace %r: it carries the caller's own access, which exclusive never revokes"
                        % (describe_row(kind, row), self.role_name(row["workspace_role_id"]), self.workspace_label())
                    )
                    grants.append(self.grant_view(kind, row))
                else:
                    plan["revoke"].append((kind, row))
        self._plan = plan
        return {"workspace": self.workspace_label(), "grants": sorted(grants, key=sort_key)}

    def _lists_for_plan(self):
        """The access lists ``read()`` just read (empty when the workspace does not exist yet)."""
        try:
            self.workspace_row()
        except ReferenceNotFound:
            return AccessLists(None, {})
        if self._lists is None:
            self.read()
        return self._lists

    def _callers_own(self, unlisted):
        """``{(kind, accessor id)}`` of the unlisted grants that carry the caller's own access."""
        if not unlisted:
            return set()
        caller = CallerIdentity(self.client, self.account_path, self.params["api_key"])
        kept = set()
        for kind, row in unlisted:
            ident = accessor_id(kind, row)
            if kind == "user" and caller.is_user(user_id=ident, email=row.get("email")):
                kept.add((kind, ident))
            elif kind == "bot" and caller.is_bot(ident):
                kept.add((kind, ident))
        team_ids = [accessor_id(kind, row) for kind, row in unlisted if kind == "team"]
        kept |= {("team", team_id) for team_id in caller.teams_with_caller(team_ids)}
        return kept

    def check_references(self, desired):
        self.workspace_row()
        for kind, ref in self._plan["missing"]:
            raise ReferenceNotFound(kind, ref)
        for role_ref in self._plan["roles"]:
            self.require_role(role_ref)

    def _apply(self):
        for kind in ACCESSORS:
            pairs = [(ident, self.require_role(role_ref)["id"]) for ident, _ref, role_ref in self._plan["upsert"][kind]]
            self.upsert(kind, pairs)
        for kind, row in self._plan["revoke"]:
            self.revoke(kind, row)
        return self.read()

    def create(self, desired):
        return self._apply()

    def update(self, raw, before, desired):
        return self._apply()

    def delete(self, raw):
        for kind, row in self.listed_rows(raw):
            self.revoke(kind, row)

    def public(self, raw, view):
        return sanitize(view or {})


def validate(module):
    """Bad input fails here, before any request, naming the option."""
    params = module.params
    state = params["state"]
    grants = params["grants"]
    if grants is None:
        if params["exclusive"]:
            module.fail("exclusive applies to grants: list the grants to keep in grants")
        if state == "present" and params["workspace_role"] is None:
            kind, _ref = accessor_of(params)
            module.fail("workspace_role is required to grant access to a %s (state=present)" % kind)
        kind, ref = accessor_of(params)
        if not ref:
            module.fail("%s must not be empty" % kind)
        return
    if params["workspace_role"] is not None:
        module.fail("workspace_role goes into each entry of grants, not beside it")
    if params["exclusive"] and state == "absent":
        module.fail("exclusive cannot be combined with state=absent: absent revokes exactly the grants listed")
    seen = {}
    for index, entry in enumerate(grants):
        given = [kind for kind in ACCESSORS if entry.get(kind) is not None]
        if len(given) != 1:
            module.fail(
                "grants[%d] must name exactly one of user, bot or team, got %s"
                % (index, " and ".join(given) if given else "none")
            )
        kind = given[0]
        if not entry[kind]:
            module.fail("grants[%d].%s must not be empty" % (index, kind))
        if state == "present" and not entry.get("workspace_role"):
            module.fail("grants[%d] has no workspace_role (required when state=present)" % index)
        key = (kind, norm(kind, entry[kind]))
        if key in seen:
            module.fail("grants[%d] repeats the %s %r of grants[%d]: list each accessor once" % (index, kind, entry[kind], seen[key]))
        seen[key] = index


def main():
    grant_options = {
        "user": {"type": "str"},
        "bot": {"type": "str"},
        "team": {"type": "str"},
        "workspace_role": {"type": "str"},
    }
    module = PrefectCloudModule(
        argument_spec={
            "workspace": {"type": "str", "required": True},
            "user": {"type": "str"},
            "bot": {"type": "str"},
            "team": {"type": "str"},
            "workspace_role": {"type": "str"},
            "grants": {"type": "list", "elements": "dict", "options": grant_options},
            "exclusive": {"type": "bool", "default": False},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
        mutually_exclusive=[("user", "bot", "team", "grants")],
        required_one_of=[("user", "bot", "team", "grants")],
    )
    validate(module)
    run_resource(module, BulkAccess if module.params["grants"] is not None else SingleAccess)


if __name__ == "__main__":
    main()
