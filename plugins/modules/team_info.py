#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: team_info
short_description: List Prefect Cloud teams with their members and workspace access
version_added: 0.1.0
description:
  - Returns the teams of the account, all of them (every page) or those with the given names.
  - Each team comes with its members (users by email, bots by name) and the workspaces it has access to,
    with the name of the workspace role it holds in each.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  name:
    description:
      - Only the teams with these names (filtered by the server). Unknown names are left out.
    type: list
    elements: str
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes.info_module
seealso:
  - module: prefect.cloud.team
  - module: prefect.cloud.workspace_access
"""

EXAMPLES = r"""
- name: Read teams
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  tasks:
    - name: Every team of the account
      prefect.cloud.team_info:
      register: all_teams

    - name: Just the data engineers
      prefect.cloud.team_info:
        name: [data-engineering]
      register: data_engineering

    - name: Show who is in the team
      ansible.builtin.debug:
        msg: "{{ data_engineering.teams[0].users + data_engineering.teams[0].bots }}"
"""

RETURN = r"""
teams:
  description: The teams, in the order the API returns them.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Team id.
      type: str
      sample: 0b7b6c4e-5a7d-4c1e-8f0e-3d2a1b0c9e8f
    account_id:
      description: Account id.
      type: str
      sample: 4db86fa3-9bc2-4d09-9df0-86b0fe7c6477
    name:
      description: Team name.
      type: str
      sample: data-engineers
    description:
      description: Description (V("") when there is none).
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
      description: Creation time.
      type: str
      sample: '2026-01-12T09:30:41.204518Z'
    updated:
      description: Last update time.
      type: str
      sample: '2026-03-02T14:05:12.871093Z'
count:
  description: How many teams were returned.
  returned: always
  type: int
  sample: 2
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import TEAM, WORKSPACE_ROLE
from ansible_collections.prefect.cloud.plugins.module_utils._engine.info import InfoReader, run_info
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._resources.members import member_names


class Teams(InfoReader):
    api_resource = TEAM
    result_key = "teams"
    filters = {"name": "name"}

    @classmethod
    def parse_options(cls, params):
        validate.check_options(params, {"name": validate.list_of(validate.identity)})
        return params

    def decorate(self, row):
        if row.get("memberships") is None or row.get("workspaces") is None:
            # Only when a list row leaves the members out: read the team itself.
            row = self.api.get_or_none(TEAM, id=row["id"]) or row
        row["description"] = row.get("description") or ""
        for access in row.get("workspaces") or []:
            if not access.get("workspace_role_name"):
                access["workspace_role_name"] = self.resolver.role_name(WORKSPACE_ROLE, access.get("workspace_role_id"))
        row["users"], row["bots"] = member_names(row)
        return row


def main():
    module = PrefectCloudModule(argument_spec={"name": {"type": "list", "elements": validate.STRING}})
    run_info(module, Teams)


if __name__ == "__main__":
    main()
