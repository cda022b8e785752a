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
  - Teams need an Enterprise plan.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  name:
    description:
      - The team name, unique within the account. It identifies the team.
    type: str
    required: true
  description:
    description:
      - A description of the team. V("") clears it. When the team is created without it, it is empty.
      - Changing only the members never changes the description.
    type: str
  users:
    description:
      - Users who should be members, each by email (compared without regard to case) or by user id.
      - Every user must already be a member of the account (see M(prefect.cloud.invitation)).
      - Without O(purge_members), these users are added and other members stay. With O(purge_members),
        users who are not listed are removed from the team (V([]) removes every user).
    type: list
    elements: str
  bots:
    description:
      - Service accounts (bots) that should be members, each by name or by bot id.
      - Without O(purge_members), these bots are added and other members stay. With O(purge_members),
        bots that are not listed are removed from the team (V([]) removes every bot).
    type: list
    elements: str
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
          - deployer-prod

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
"""

RETURN = r"""
team:
  description:
    - The team after the task; in check mode, the predicted team. Empty when absent.
  returned: always
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
  description: The team before and after (name, description, users, bots), in diff mode.
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
msg:
  description: What happened, such as C(team 'data-engineers' updated).
  returned: always
  type: str
  sample: team 'data-engineers' updated
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import ACCOUNT_MEMBER, BOT, TEAM, is_uuid
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import Resource, run_resource
from ansible_collections.prefect.cloud.plugins.module_utils._resources.members import (
    BOT as BOT_MEMBER,
    USER as USER_MEMBER,
    member_names,
    members_to_remove,
)


class Team(Resource):
    api_resource = TEAM
    result_key = "team"
    identity = "name"

    @classmethod
    def parse_options(cls, params):
        validate.check_options(
            params,
            {
                "name": validate.identity,
                "description": validate.text,
                "users": validate.list_of(validate.user_reference),
                "bots": validate.list_of(validate.identity),
            },
        )
        return params

    def read(self):
        found = self.resolver.find(TEAM, self.params["name"])
        if found is None:
            return None
        # The filter row may lag behind; membership is read from the team itself.
        return self.api.get_or_none(TEAM, id=found["id"])

    def view(self, raw):
        users, bots = member_names(raw)
        return {"name": raw["name"], "description": raw.get("description") or "", "users": users, "bots": bots}

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
            self.resolver.require_many(ACCOUNT_MEMBER, plan.changes["add_users"])
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
        return self.call("get", id=raw["id"])

    def update(self, plan):
        raw, changes = plan.before_raw, plan.changes
        if plan.desired["description"] != plan.before["description"]:
            # A full replacement: the name goes with it, or the request is refused.
            self.call("replace", json={"name": raw["name"], "description": plan.desired["description"]}, id=raw["id"])
        self._add_members(raw["id"], changes)
        # Members are removed by actor id, one request each.
        for actor_id in members_to_remove(raw, changes["remove_users"], changes["remove_bots"]):
            self.api.delete(TEAM, "remove_member", id=raw["id"], actor_id=actor_id)
        return None


def main():
    module = PrefectCloudModule(
        argument_spec={
            "name": {"type": validate.STRING, "required": True},
            "description": {"type": validate.STRING},
            "users": {"type": "list", "elements": validate.STRING},
            "bots": {"type": "list", "elements": validate.STRING},
            "purge_members": {"type": "bool", "default": False},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
        required_if=[("purge_members", True, ("users", "bots"), True)],
    )
    run_resource(module, Team)


if __name__ == "__main__":
    main()
