#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: workspace_info
short_description: List Prefect Cloud workspaces
version_added: 0.1.0
description:
  - Returns the workspaces of the account, all of them (every page) or those with the given handles.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  handle:
    description:
      - Only the workspaces with these handles (filtered by the server). Unknown handles are left out.
    type: list
    elements: str
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes.info_module
seealso:
  - module: prefect.cloud.workspace
"""

EXAMPLES = r"""
- name: Read workspaces
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  tasks:
    - name: Every workspace of the account
      prefect.cloud.workspace_info:
      register: all_workspaces

    - name: Just production
      prefect.cloud.workspace_info:
        handle: [prod]
      register: prod

    - name: Show the production workspace id
      ansible.builtin.debug:
        msg: "{{ prod.workspaces[0].id }}"
"""

RETURN = r"""
workspaces:
  description: The workspaces, in the order the API returns them.
  returned: always
  type: list
  elements: dict
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
    description:
      description: Description.
      type: str
      sample: Production flows
    default_workspace_role:
      description: Name of the default workspace role, or null.
      type: str
      sample: Viewer
    default_workspace_role_id:
      description: Id of the default workspace role, or null.
      type: str
      sample: db3748eb-7fc3-49f8-ba64-6c1c39aa6abf
    account_id:
      description: Account id.
      type: str
      sample: 4db86fa3-9bc2-4d09-9df0-86b0fe7c6477
    is_public:
      description: Whether the workspace is public.
      type: bool
      sample: false
    created:
      description: Creation time.
      type: str
      sample: '2026-01-12T09:30:41.204518Z'
    updated:
      description: Last update time.
      type: str
      sample: '2026-03-02T14:05:12.871093Z'
count:
  description: How many workspaces were returned.
  returned: always
  type: int
  sample: 3
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import WORKSPACE, WORKSPACE_ROLE
from ansible_collections.prefect.cloud.plugins.module_utils._engine.info import InfoReader, run_info
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule


class Workspaces(InfoReader):
    api_resource = WORKSPACE
    result_key = "workspaces"
    filters = {"handle": "handle"}
    role_fields = {"default_workspace_role": (WORKSPACE_ROLE, "default_workspace_role_id")}

    @classmethod
    def parse_options(cls, params):
        validate.check_options(params, {"handle": validate.list_of(validate.workspace_reference)})
        return params


def main():
    module = PrefectCloudModule(argument_spec={"handle": {"type": "list", "elements": validate.STRING}})
    run_info(module, Workspaces)


if __name__ == "__main__":
    main()
