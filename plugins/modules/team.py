#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: team
short_description: Create, update and delete Prefect Cloud teams and their members
version_added: 0.1.0
description:
  - Ensures a team, identified by its O(name), exists with the given description and members, or does not exist.
  - Members are users (by email) and service accounts, also called bots (by name).
  - Only the options you set are compared and changed. Without O(purge_members), listed members are
    added and nobody is removed; with it, the member kinds you list (O(users), O(bots) or both) are
    made exactly what you list, and a kind you leave out is never touched.
  - With O(teams), one task converges many teams at once (one read for all of them, one write per change).
  - Teams need an Enterprise plan.
  - With SCIM on (the account's C(scim_state) is C(ENABLED)), the account's identity provider owns the
    teams' human members. The module then reads and reports a team's users but never adds or removes
    one, and warns, naming the users, when O(users) differs from the team; bots are still added and
    removed as O(bots) and O(purge_members) say. The account is read once for this, only when O(users)
    is given.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  name:
    description:
      - The team name, unique within the account. It identifies the team.
      - Required unless O(teams) is given; mutually exclusive with O(teams).
    type: str
  description:
    description:
      - A description of the team. V("") clears it. When the team is created without it, it is empty.
      - Changing only the members never changes the description.
    type: str
  users:
    description:
      - Users who should be members, each by email (compared without regard to case) or by user id.
      - Every user must already be a member of the account (see M(prefect.cloud.invitation)). A user who is not
        fails the task (check mode too), naming the team and saying whether an invitation to them is pending (a
        person joins a team after accepting their invitation).
      - Without O(purge_members), these users are added and other members stay. With O(purge_members),
        users who are not listed are removed from the team (V([]) removes every user).
      - With SCIM on for the account, users are left as the identity provider made them, with a warning
        when this list differs (see the description).
    type: list
    elements: str
  bots:
    description:
      - Service accounts (bots) that should be members, each by name or by bot id.
      - Without O(purge_members), these bots are added and other members stay. With O(purge_members),
        bots that are not listed are removed from the team (V([]) removes every bot).
    type: list
    elements: str
  teams:
    description:
      - Many teams in one task, each with the options of a single team. Mutually exclusive with O(name),
        O(description), O(users) and O(bots); O(purge_members) applies to each entry, O(state) stays V(present)
        (give each entry its own O(teams[].state)).
      - Every listed team is found with one read; a team is read again only when it is about to change,
        and nothing is written for a team that already matches.
      - "Entries are checked before any request; a bad entry fails the task naming it (C(teams[2]: users: ...))."
      - Every entry is read, planned and checked before the first write, as in the other modules' list forms.
    type: list
    elements: dict
    version_added: 0.1.0
    suboptions:
      name:
        description: The team name.
        type: str
        required: true
      description:
        description: The description. Unset leaves it as it is (empty on create).
        type: str
      users:
        description: Users who should be members, by email or user id (see O(users)).
        type: list
        elements: str
      bots:
        description: Bots that should be members, by name or bot id (see O(bots)).
        type: list
        elements: str
      state:
        description: V(present) creates or updates the team, V(absent) deletes it.
        type: str
        choices: [present, absent]
        default: present
  purge_members:
    description:
      - Whether members that are not listed are removed, for each kind of member you list.
      - With O(users) given, users not in O(users) are removed; with O(bots) given, bots not in O(bots)
        are removed. A kind you do not list is left alone, so O(purge_members=true) needs O(users), O(bots) or both.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the team, V(absent) deletes it. Deleting a team removes the workspace
        access granted to it; its members keep their own account membership and access.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes
notes:
  - Members are added with one request however many there are, and removed with one request each.
seealso:
  - module: prefect.cloud.team_info
  - module: prefect.cloud.workspace_access
  - module: prefect.cloud.bot
  - module: prefect.cloud.invitation
"""

EXAMPLES = r"""
- name: Manage teams
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
      # api_key comes from the PREFECT_API_KEY environment variable
  tasks:
    - name: The data engineers, with their deployer bot
      prefect.cloud.team:
        name: data-engineering
        description: Builds and runs the pipelines
        users:
          - alice@acme.io
          - bob@acme.io
        bots:
          - prod-deployer

    - name: Add one more engineer and keep everyone else
      prefect.cloud.team:
        name: data-engineering
        users:
          - carol@acme.io

    - name: Exactly these users (bots are left as they are)
      prefect.cloud.team:
        name: data-engineering
        users:
          - alice@acme.io
          - carol@acme.io
        purge_members: true

    - name: Remove the team
      prefect.cloud.team:
        name: data-engineering
        state: absent

    - name: Every team of the account in one task, members exactly as listed
      prefect.cloud.team:
        teams:
          - name: data-engineering
            description: Builds and runs the pipelines
            users: [alice@acme.io, carol@acme.io]
            bots: []
          - name: analysts
            users: [dan@acme.io]
            bots: []
          - name: interns
            state: absent
        purge_members: true
"""

RETURN = r"""
teams:
  description:
    - With O(teams), the listed teams after the task (in check mode, as predicted), in the order listed;
      teams with O(teams[].state=absent) are left out.
  returned: when O(teams) is given
  type: list
  elements: dict
  contains:
    id:
      description: Team id (null in a check-mode prediction of a new team).
      type: str
      sample: 0b7b6c4e-5a7d-4c1e-8f0e-3d2a1b0c9e8f
    name:
      description: The team name.
      type: str
      sample: data-engineers
    description:
      description: The description.
      type: str
      sample: Builds and runs the data pipelines
    users:
      description: Emails of the users who are members, in lower case, sorted.
      type: list
      elements: str
      sample: [alice@acme.io]
    bots:
      description: Names of the bots that are members, sorted.
      type: list
      elements: str
      sample: [deployer-prod]
team:
  description:
    - The team after the task; in check mode, the predicted team. Empty when absent.
  returned: when O(name) is given
  type: dict
  contains:
    id:
      description: Team id (absent from a check-mode prediction of a new team).
      type: str
      sample: 0b7b6c4e-5a7d-4c1e-8f0e-3d2a1b0c9e8f
    account_id:
      description: Id of the account the team belongs to.
      type: str
      sample: 4db86fa3-9bc2-4d09-9df0-86b0fe7c6477
    name:
      description: The team name.
      type: str
      sample: data-engineers
    description:
      description: The description (V("") when there is none).
      type: str
      sample: Builds and runs the data pipelines
    users:
      description: Emails of the users who are members, in lower case, sorted.
      type: list
      elements: str
      sample: [alice@acme.io, dan@acme.io]
    bots:
      description: Names of the service accounts (bots) that are members, sorted.
      type: list
      elements: str
      sample: [prod-deployer]
    memberships:
      description: Every member as the API reports it.
      type: list
      elements: dict
      contains:
        id:
          description: The member's actor id (not the user id or the bot id).
          type: str
          sample: d48e8b2c-bce0-46a2-86b7-d7f392176fac
        type:
          description: V(user) or V(service_account).
          type: str
          sample: user
        email:
          description: The user's email; null for a bot.
          type: str
          sample: alice@acme.io
        name:
          description: The user's full name or the bot's name.
          type: str
          sample: Alice Anders
        handle:
          description: The member's handle.
          type: str
          sample: alice
    workspaces:
      description: The workspaces the team has access to.
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
        workspace_role_id:
          description: Id of the workspace role the team holds there.
          type: str
          sample: efbdfbd9-5a98-4acf-8609-094112641b94
        workspace_role_name:
          description: Name of that workspace role.
          type: str
          sample: Developer
    workos_directory_group_id:
      description: The directory (SCIM) group the team is synchronised from, or null.
      type: str
      sample: directory_group_01HXYZ8K3M2N4P5Q6R7S8T9V0W
    created:
      description: When the team was created.
      type: str
      sample: '2026-01-12T09:30:41.204518Z'
    updated:
      description: When the team was last updated.
      type: str
      sample: '2026-03-02T14:05:12.871093Z'
diff:
  description:
    - The team before and after (name, description, users, bots), in diff mode.
    - With O(teams), C(before) and C(after) hold C(teams), one item per team that changes, in the order
      listed; the item is empty where there is no team (before a creation, after a deletion).
  returned: when diff mode is on
  type: dict
  sample:
    before:
      name: data-engineers
      description: Builds and runs the data pipelines
      users:
        - alice@acme.io
      bots: []
    after:
      name: data-engineers
      description: Builds and runs the data pipelines
      users:
        - alice@acme.io
        - dan@acme.io
      bots:
        - prod-deployer
scim:
  description:
    - Whether SCIM is on for the account (C(scim_state) C(ENABLED)), so that the identity provider owns the
      teams' users and the task left them as they are.
  returned: when O(users) (or O(teams[].users)) is given
  type: bool
  sample: false
results:
  description: With O(teams), what the task did to each team, in the order of the entries.
  returned: when O(teams) is given
  type: list
  elements: dict
  contains:
    name:
      description: The team name.
      type: str
      sample: data-engineers
    changed:
      description: Whether the team changed.
      type: bool
      sample: true
    action:
      description: V(create), V(update), V(delete), or null when nothing was done.
      type: str
      sample: update
    msg:
      description: What happened to the team.
      type: str
      sample: team 'data-engineers' updated
msg:
  description: "What happened, such as C(team 'data-engineers' updated), or with O(teams) C(3 teams: 2 created, 1 updated)."
  returned: always
  type: str
  sample: team 'data-engineers' updated
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import ReferenceNotFound
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import ACCOUNT, ACCOUNT_MEMBER, BOT, TEAM, is_uuid
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._api.secrets import sanitize
from ansible_collections.prefect.cloud.plugins.module_utils._engine.bulk import BulkForm, run_either_form
from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import Plan, Resource
from ansible_collections.prefect.cloud.plugins.module_utils._resources.members import (
    BOT as BOT_MEMBER,
    USER as USER_MEMBER,
    member_names,
    members_to_remove,
)
from ansible_collections.prefect.cloud.plugins.module_utils._resources.invitations import is_expired, read_invitations


class ScimRule:
    """With SCIM on (the account's ``scim_state`` is ``ENABLED``) the identity provider owns the human
    members of teams: users are read and reported, never added or removed (a warning says where the
    declaration differs), while bots, which no identity provider knows, are still managed.

    The account is read once, and only by a task that gives users: nothing else depends on it. What
    was read is a read cache; the plan carries the finding into the result (``scim``).
    """

    def _scim_cache(self):
        # The bulk form's entries share what the one read of the account found: it is read once per task.
        return self.prefetched if self.prefetched is not None else vars(self)

    def scim_owns_users(self):
        cache = self._scim_cache()
        if cache.get("scim_on") is None:
            account = self.api.call(ACCOUNT, "get") or {}
            cache["scim_on"] = account.get("scim_state") == SCIM_ENABLED
        return cache["scim_on"]

    def note_scim(self, plan):
        """``plan``, saying in the result whether SCIM is on, when the task had to find out."""
        scim_on = self._scim_cache().get("scim_on")
        if scim_on is not None:
            plan.extra_result["scim"] = scim_on
        return plan

    def warn_scim(self, team, current, given, purge):
        """Say once per team how the declared users differ from the ones the identity provider gave it."""
        missing = sorted(set(given) - set(current))
        extra = sorted(set(current) - set(given)) if purge else []
        warned = vars(self).setdefault("_scim_warned", set())
        if (not missing and not extra) or team in warned:
            return
        warned.add(team)
        differences = (["declared but not in the team: %s" % ", ".join(missing)] if missing else []) + (
            ["in the team but not declared: %s" % ", ".join(extra)] if extra else [])
        self.module.warn(
            "team %r: SCIM is on for this account, so its identity provider owns the team's users; they are left as "
            "they are (%s). Change them in the identity provider, or leave users out of the declaration; bots are "
            "still managed." % (team, "; ".join(differences)))


SCIM_ENABLED = "ENABLED"


class Team(ScimRule, Resource):
    api_resource = TEAM
    result_key = "team"
    identity = "name"
    #: the bulk form returns whether SCIM is on once for the task, not per entry
    task_result = ("scim",)

    @classmethod
    def parse_options(cls, params):
        _check_team(params)
        return params

    @classmethod
    def prefetch(cls, module, entries, exclusive):
        """Every listed team with its membership rows in one filter read, and every member given by id in one more.

        ``shared`` marks the bulk form (each team is read from its filter row and re-read only right before
        an update) and holds the task's SCIM finding, so the account is read once for all the entries.
        """
        super().prefetch(module, entries, exclusive)
        for resource, option in ((ACCOUNT_MEMBER, "users"), (BOT, "bots")):
            ids = sorted(set(ref for params in entries for ref in params.get(option) or [] if is_uuid(ref)))
            if ids:
                module.resolver.find_many(resource, ids)
        return {}, []

    def read(self):
        found = self.resolver.find(TEAM, self.params["name"])
        if self.prefetched is not None:
            # Bulk form: the filter row answers the plan; an update reads the team again first.
            return found
        if found is None:
            return None
        # The filter row may lag behind; membership is read from the team itself.
        return self.api.get_or_none(TEAM, id=found["id"])

    def view(self, raw):
        users, bots = member_names(raw)
        return {"name": raw["name"], "description": raw.get("description") or "", "users": users, "bots": bots}

    def plan(self, before_raw, before, state):
        return self.note_scim(super().plan(before_raw, before, state))

    # -- desired -----------------------------------------------------------

    def _given_users(self):
        """The emails the ``users`` option names; user ids are looked up (unknown ids stay as given)."""
        refs = self.params["users"]
        ids = [r for r in refs if is_uuid(r)]
        found = self.resolver.find_many(ACCOUNT_MEMBER, ids) if ids else {}
        return set((found[r]["email"] if r in found else r).lower() for r in refs)

    def _given_bots(self):
        """The bot names the ``bots`` option names; bot ids are looked up (unknown ids stay as given)."""
        refs = self.params["bots"]
        ids = [r for r in refs if is_uuid(r)]
        found = self.resolver.find_many(BOT, ids) if ids else {}
        return set((found[r]["name"] if r in found else r) for r in refs)

    def desired(self, before):
        defaults = {"name": self.params["name"], "description": "", "users": [], "bots": []}
        desired = self.overlay(before, defaults, {"description": "description"})
        purge = self.params["purge_members"]
        if self.is_set("users"):
            if self.scim_owns_users():
                self.warn_scim(self.params["name"], desired["users"], self._given_users(), purge)
            else:
                kept = set() if purge else set(desired["users"])
                desired["users"] = sorted(kept | self._given_users())
        if self.is_set("bots"):
            kept = set() if purge else set(desired["bots"])
            desired["bots"] = sorted(kept | self._given_bots())
        return desired

    def changes(self, plan):
        before = plan.before or {"users": [], "bots": [], "description": ""}
        desired = plan.desired
        return {
            "add_users": [u for u in desired["users"] if u not in before["users"]],
            "add_bots": [b for b in desired["bots"] if b not in before["bots"]],
            "remove_users": sorted(set(before["users"]) - set(desired["users"])),
            "remove_bots": sorted(set(before["bots"]) - set(desired["bots"])),
        }

    def check_references(self, plan):
        if plan.changes["add_users"]:
            require_members(self, {self.params["name"]: plan.changes["add_users"]})
        if plan.changes["add_bots"]:
            self.resolver.require_many(BOT, plan.changes["add_bots"])

    # -- writes ------------------------------------------------------------

    def _add_members(self, team_id, changes):
        """One request adding every new member: users by user id, bots by bot id."""
        users, bots = changes["add_users"], changes["add_bots"]
        if not users and not bots:
            return
        members = []
        if users:
            rows = self.resolver.require_many(ACCOUNT_MEMBER, users)
            members.extend({"member_id": rows[u]["user_id"], "member_type": USER_MEMBER} for u in users)
        if bots:
            rows = self.resolver.require_many(BOT, bots)
            members.extend({"member_id": rows[b]["id"], "member_type": BOT_MEMBER} for b in bots)
        self.call("add_members", json={"members": members}, id=team_id)

    def create(self, plan):
        desired = plan.desired
        body = {"name": desired["name"], "description": desired["description"]}
        raw = self.write_recovering(lambda: self.call("create", json=body))
        self.resolver.remember(TEAM, raw)
        self._add_members(raw["id"], plan.changes)
        if (raw.get("description") or "") != desired["description"]:
            # Found again after a lost response, as someone else left it.
            self.call("replace", json=body, id=raw["id"])
        if self.prefetched is not None:
            # Bulk form: the result is what was asked (view_after), so the team is not read again.
            return raw
        return self.call("get", id=raw["id"])

    def update(self, plan):
        raw, changes = plan.before_raw, plan.changes
        if self.prefetched is not None:
            # The filter row may lag behind: what is removed is worked out from the team itself.
            raw = self.api.get_or_none(TEAM, id=raw["id"])
            if raw is None:
                # Deleted meanwhile: made again, with every desired member.
                fresh = Plan(None, None, plan.desired)
                fresh.changes = self.changes(fresh)
                return self.create(fresh)
            # What the entry does not give (a kind of member, the description) is kept as the team has it now.
            current = self.view(raw)
            plan.desired = self.desired(current)
            changes = self.changes(Plan(raw, current, plan.desired))
        if plan.desired["description"] != (raw.get("description") or ""):
            # A full replacement: the name goes with it, or the request is refused.
            self.call("replace", json={"name": raw["name"], "description": plan.desired["description"]}, id=raw["id"])
        self._add_members(raw["id"], changes)
        # Members are removed by actor id, one request each.
        for actor_id in members_to_remove(raw, changes["remove_users"], changes["remove_bots"]):
            self.api.delete(TEAM, "remove_member", id=raw["id"], actor_id=actor_id)
        # The single form reads the team again; the bulk form returns what was asked (view_after).
        return raw if self.prefetched is not None else None

    def view_after(self, plan, after_raw):
        if self.prefetched is not None:
            return plan.desired
        return self.view(after_raw)

    def result_object(self, plan, raw, view):
        if self.prefetched is not None:
            # An entry of ``teams``: the view and the id (null in a check-mode prediction of a new team).
            return sanitize(dict(view, id=(raw or {}).get("id")))
        return self.public(raw, view)


def require_members(resource, users_by_team):
    """Every user the teams add is a member of the account; else fail naming the team and any pending invitation.

    A new hire is invited first and becomes a member only by accepting: the usual reason a team names a
    non-member, so the message says whether that invitation is out (and then adding them waits for it).
    """
    users = sorted(set(user for team_users in users_by_team.values() for user in team_users))
    found = resource.resolver.find_many(ACCOUNT_MEMBER, users)
    missing = [user for user in users if user not in found]
    if not missing:
        return found
    emails = [user for user in missing if not is_uuid(user)]
    rows = read_invitations(resource.api, emails, ["PENDING"]) if emails else []
    now = resource.client.server_now() if rows else None
    invited = set(row["email"].lower() for row in rows if not is_expired(row, now))
    problems = []
    for team, team_users in sorted(users_by_team.items()):
        for user in team_users:
            if user in missing:
                problems.append("team %r: %r is not a member of the account; %s" % (
                    team, user,
                    "their invitation is pending: they join the team once they accept it and the task runs again"
                    if user.lower() in invited else "no invitation to them is pending: invite them first (prefect.cloud.invitation)",
                ))
    raise ReferenceNotFound(ACCOUNT_MEMBER.label, missing[0] if len(missing) == 1 else missing, hint="; ".join(problems), creatable=False)


def _check_team(params):
    """The rules of one team's options (the bulk form prefixes the entry: ``teams[2]: users: ...``)."""
    validate.check_options(
        {option: params.get(option) for option in ("name", "description", "users", "bots")},
        {
            "name": validate.identity,
            "description": validate.text,
            "users": validate.list_of(validate.user_reference),
            "bots": validate.list_of(validate.identity),
        },
    )


TEAM_OPTIONS = {
    "name": {"type": validate.STRING},
    "description": {"type": validate.STRING},
    "users": {"type": "list", "elements": validate.STRING},
    "bots": {"type": "list", "elements": validate.STRING},
    "state": {"type": validate.STRING, "choices": ["present", "absent"], "default": "present"},
}


def main():
    form = BulkForm(Team, "teams")
    options = form.module_options(TEAM_OPTIONS)
    # purge_members is the task's: it applies to every entry, so it is not an option of the entries.
    options["argument_spec"]["purge_members"] = {"type": "bool", "default": False}
    options["required_if"] = [("purge_members", True, ("users", "bots", "teams"), True)]
    run_either_form(PrefectCloudModule(**options), form)


if __name__ == "__main__":
    main()
