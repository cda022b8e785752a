#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: workspace_access_info
short_description: List who has access to a Prefect Cloud workspace
version_added: 0.1.0
description:
  - Returns the user, service account (bot) and team grants of a workspace, every page of them, with role names.
  - Without filters, all three lists. With O(user), O(bot) or O(team), only the grants of the accessors named
    there; the kinds without a filter are then not read and come back empty.
  - Access a user or a bot has through a team shows as the team's grant, not as a user or bot grant.
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
      - Only the grants of these users, by email or user id (filtered by the server). Unknown users are left out.
    type: list
    elements: str
  bot:
    description:
      - Only the grants of these bots, by name or id (filtered by the server). Unknown bots are left out.
    type: list
    elements: str
  team:
    description:
      - Only the grants of these teams, by name or id. Unknown teams are left out.
    type: list
    elements: str
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes.info_module
seealso:
  - module: prefect.cloud.workspace_access
  - module: prefect.cloud.workspace_info
"""

EXAMPLES = r"""
- name: Read workspace access
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  tasks:
    - name: Everyone with a grant on production
      prefect.cloud.workspace_access_info:
        workspace: prod
      register: prod_access

    - name: Show the teams and their roles
      ansible.builtin.debug:
        msg: "{{ prod_access.teams | items2dict(key_name='team_name', value_name='workspace_role') }}"

    - name: What role does the deployer bot have?
      prefect.cloud.workspace_access_info:
        workspace: prod
        bot: [prod-deployer]
      register: deployer_access
"""

RETURN = r"""
workspace:
  description: The workspace the grants belong to.
  returned: always
  type: dict
  contains:
    id:
      description: Workspace id.
      type: str
    handle:
      description: Workspace handle.
      type: str
    name:
      description: Display name.
      type: str
users:
  description: The user grants.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The access id.
      type: str
    user_id:
      description: The user id.
      type: str
    actor_id:
      description: The user's actor id.
      type: str
    email:
      description: The user's email.
      type: str
    handle:
      description: The user's handle.
      type: str
    first_name:
      description: First name.
      type: str
    last_name:
      description: Last name.
      type: str
    workspace_id:
      description: The workspace id.
      type: str
    workspace_role:
      description: Name of the workspace role.
      type: str
      sample: Developer
    workspace_role_id:
      description: Id of the workspace role.
      type: str
    created:
      description: When the grant was made.
      type: str
    updated:
      description: When the grant was last changed.
      type: str
bots:
  description: The service account (bot) grants.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The access id.
      type: str
    bot_id:
      description: The bot id.
      type: str
    actor_id:
      description: The bot's actor id.
      type: str
    bot_name:
      description: The bot's name.
      type: str
    workspace_id:
      description: The workspace id.
      type: str
    workspace_role:
      description: Name of the workspace role.
      type: str
      sample: Runner
    workspace_role_id:
      description: Id of the workspace role.
      type: str
    created:
      description: When the grant was made.
      type: str
    updated:
      description: When the grant was last changed.
      type: str
teams:
  description: The team grants.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The access id.
      type: str
    team_id:
      description: The team id.
      type: str
    team_name:
      description: The team's name.
      type: str
    workspace_id:
      description: The workspace id.
      type: str
    workspace_role:
      description: Name of the workspace role.
      type: str
      sample: Viewer
    workspace_role_id:
      description: Id of the workspace role.
      type: str
    created:
      description: When the grant was made.
      type: str
    updated:
      description: When the grant was last changed.
      type: str
count:
  description: How many grants were returned (users, bots and teams together).
  returned: always
  type: int
  sample: 4
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import WORKSPACE, WORKSPACE_ROLE
from ansible_collections.prefect.cloud.plugins.module_utils._engine.info import InfoReader, run_info
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._resources.access import (
    ACCESSORS,
    accessor_name,
    find_grants,
    read_access_list,
)


class WorkspaceAccess(InfoReader):
    """The three access lists of one workspace: each is read like any other listing."""

    def rows(self):
        workspace = self.resolver.require(WORKSPACE, self.params["workspace"])
        self.workspace = {k: workspace.get(k) for k in ("id", "handle", "name")}
        filtered = any(self.params[accessor] is not None for accessor in ACCESSORS)
        rows = []
        for accessor in ACCESSORS:
            refs = self.params[accessor]
            if not filtered:
                grants = read_access_list(self.api, workspace["id"], accessor)
            else:
                grants = find_grants(self.api, workspace["id"], accessor, refs) if refs else []
            grants.sort(key=lambda row, a=accessor: accessor_name(a, row) or "")
            rows.extend((accessor, row) for row in grants)
        return rows

    def read(self):
        result = {"users": [], "bots": [], "teams": []}
        for accessor, row in self.rows():
            row["workspace_role"] = self.resolver.role_name(WORKSPACE_ROLE, row.get("workspace_role_id"))
            result[accessor + "s"].append(row)
        result.update(changed=False, workspace=self.workspace, count=sum(len(rows) for rows in result.values()))
        return result


def main():
    module = PrefectCloudModule(
        argument_spec={
            "workspace": {"type": "str", "required": True},
            "user": {"type": "list", "elements": "str"},
            "bot": {"type": "list", "elements": "str"},
            "team": {"type": "list", "elements": "str"},
        },
    )
    run_info(module, WorkspaceAccess)


if __name__ == "__main__":
    main()
