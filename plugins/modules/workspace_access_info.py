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
notes:
  - The lists (or, with filters, the filtered reads) are independent and sent at the same time, at most four
    requests in flight. Reading all three so costs about one round trip rather than three.
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
      sample: 6f1c3b8e-2a4d-4e55-9d0f-0a1b2c3d4e5f
    handle:
      description: Workspace handle.
      type: str
      sample: prod
    name:
      description: Display name.
      type: str
      sample: Production
users:
  description: The user grants.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The access id.
      type: str
      sample: 71441aca-7aa5-409c-9425-a87aaab6f051
    user_id:
      description: The user id.
      type: str
      sample: fdcbf1ae-458e-4d8f-97f1-2ce18d4ed032
    actor_id:
      description: The user's actor id.
      type: str
      sample: d48e8b2c-bce0-46a2-86b7-d7f392176fac
    email:
      description: The user's email.
      type: str
      sample: alice@acme.io
    handle:
      description: The user's handle.
      type: str
      sample: alice
    first_name:
      description: First name.
      type: str
      sample: Alice
    last_name:
      description: Last name.
      type: str
      sample: Anders
    workspace_id:
      description: The workspace id.
      type: str
      sample: 6f1c3b8e-2a4d-4e55-9d0f-0a1b2c3d4e5f
    workspace_role:
      description: Name of the workspace role.
      type: str
      sample: Developer
    workspace_role_id:
      description: Id of the workspace role.
      type: str
      sample: efbdfbd9-5a98-4acf-8609-094112641b94
    created:
      description: When the grant was made.
      type: str
      sample: '2026-01-12T09:30:41.204518Z'
    updated:
      description: When the grant was last changed.
      type: str
      sample: '2026-03-02T14:05:12.871093Z'
bots:
  description: The service account (bot) grants.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The access id.
      type: str
      sample: c474f347-599c-4293-b689-8bc93d695647
    bot_id:
      description: The bot id.
      type: str
      sample: 1f0e2d3c-4b5a-4697-8879-6a5b4c3d2e1f
    actor_id:
      description: The bot's actor id.
      type: str
      sample: db508750-c953-44c9-a0e8-9bfc45af5c83
    bot_name:
      description: The bot's name.
      type: str
      sample: prod-deployer
    workspace_id:
      description: The workspace id.
      type: str
      sample: 6f1c3b8e-2a4d-4e55-9d0f-0a1b2c3d4e5f
    workspace_role:
      description: Name of the workspace role.
      type: str
      sample: Runner
    workspace_role_id:
      description: Id of the workspace role.
      type: str
      sample: 43fbe0c4-206a-4b39-82a5-22b9eda35758
    created:
      description: When the grant was made.
      type: str
      sample: '2026-01-12T09:30:41.204518Z'
    updated:
      description: When the grant was last changed.
      type: str
      sample: '2026-03-02T14:05:12.871093Z'
teams:
  description: The team grants.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The access id.
      type: str
      sample: 9a3e5c1d-2b7f-4e8a-b6c4-5d0f1e2a3b4c
    team_id:
      description: The team id.
      type: str
      sample: 0b7b6c4e-5a7d-4c1e-8f0e-3d2a1b0c9e8f
    team_name:
      description: The team's name.
      type: str
      sample: data-engineers
    workspace_id:
      description: The workspace id.
      type: str
      sample: 6f1c3b8e-2a4d-4e55-9d0f-0a1b2c3d4e5f
    workspace_role:
      description: Name of the workspace role.
      type: str
      sample: Viewer
    workspace_role_id:
      description: Id of the workspace role.
      type: str
      sample: db3748eb-7fc3-49f8-ba64-6c1c39aa6abf
    created:
      description: When the grant was made.
      type: str
      sample: '2026-01-12T09:30:41.204518Z'
    updated:
      description: When the grant was last changed.
      type: str
      sample: '2026-03-02T14:05:12.871093Z'
count:
  description: How many grants were returned (users, bots and teams together).
  returned: always
  type: int
  sample: 4
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.secrets import sanitize
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import WORKSPACE, WORKSPACE_ROLE
from ansible_collections.prefect.cloud.plugins.module_utils._engine.info import InfoReader, run_info
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._resources.access import (
    ACCESSORS,
    KINDS,
    AccessLists,
)


class WorkspaceAccess(InfoReader):
    """The three access lists of one workspace: each is read like any other listing."""

    @classmethod
    def parse_options(cls, params):
        validate.check_options(
            params,
            {
                "workspace": validate.workspace_reference,
                "user": validate.list_of(validate.user_reference),
                "bot": validate.list_of(validate.identity),
                "team": validate.list_of(validate.identity),
            },
        )
        return params

    def rows(self):
        workspace = self.resolver.require(WORKSPACE, self.params["workspace"])
        self.workspace = {k: workspace.get(k) for k in ("id", "handle", "name")}
        filtered = any(self.params[accessor] is not None for accessor in ACCESSORS)
        # Every list (or every filtered read) is read at the same time.
        wanted = {a: self.params[a] for a in ACCESSORS if self.params[a]} if filtered else None
        found = AccessLists.read(self.api, workspace, wanted).rows
        rows = []
        for accessor in ACCESSORS:
            grants = found.get(accessor, [])
            grants.sort(key=lambda row, kind=KINDS[accessor]: kind.name_of(row) or "")
            rows.extend((accessor, row) for row in grants)
        return rows

    def read(self):
        result = {"users": [], "bots": [], "teams": []}
        for accessor, row in self.rows():
            row["workspace_role"] = self.resolver.role_name(WORKSPACE_ROLE, row.get("workspace_role_id"))
            result[accessor + "s"].append(sanitize(row))
        result.update(changed=False, workspace=self.workspace, count=sum(len(rows) for rows in result.values()))
        return result


def main():
    module = PrefectCloudModule(
        argument_spec={
            "workspace": {"type": validate.STRING, "required": True},
            "user": {"type": "list", "elements": validate.STRING},
            "bot": {"type": "list", "elements": validate.STRING},
            "team": {"type": "list", "elements": validate.STRING},
        },
    )
    run_info(module, WorkspaceAccess)


if __name__ == "__main__":
    main()
