#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: workspace_role_info
short_description: List Prefect Cloud workspace roles and the workspace scope catalogue
version_added: 0.1.0
description:
  - Returns the workspace roles the account can use, built-in and custom (every page), or those with the given names.
  - Each role comes with its scopes as the API returns them, and the name of the built-in role it inherits from.
  - Optionally returns the global catalogue of workspace scopes, with what each scope includes.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  name:
    description:
      - Only the roles with these names (filtered by the server). Unknown names are left out.
    type: list
    elements: str
  include_builtin:
    description:
      - Whether to include the built-in roles (V(Owner), V(Developer), V(Runner), V(Viewer), V(Worker)).
      - V(false) returns the custom roles of the account only.
    type: bool
    default: true
  scopes:
    description:
      - Also return the workspace scope catalogue as RV(scope_catalogue).
    type: bool
    default: false
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes.info_module
seealso:
  - module: prefect.cloud.workspace_role
  - module: prefect.cloud.account_role_info
"""

EXAMPLES = r"""
- name: Read workspace roles
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  tasks:
    - name: Every workspace role, built-in and custom
      prefect.cloud.workspace_role_info:
      register: all_roles

    - name: Only the custom roles, with the scope catalogue
      prefect.cloud.workspace_role_info:
        include_builtin: false
        scopes: true
      register: custom

    - name: Show what the Developer role may do
      prefect.cloud.workspace_role_info:
        name: [Developer]
      register: developer

    - name: Print its scopes
      ansible.builtin.debug:
        msg: "{{ developer.workspace_roles[0].scopes }}"
"""

RETURN = r"""
workspace_roles:
  description: The workspace roles, in the order the API returns them.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Role id.
      type: str
      sample: efbdfbd9-5a98-4acf-8609-094112641b94
    account_id:
      description: Id of the account a custom role belongs to; null for a built-in role.
      type: str
      sample: null
    name:
      description: Role name.
      type: str
      sample: Developer
    description:
      description: Description.
      type: str
      sample: Create, run and manage flows, deployments, blocks and work pools.
    is_builtin:
      description: Whether this is a built-in role (read only, available in every account).
      type: bool
      sample: true
    scopes:
      description: The scopes of the role, as the API returns them.
      type: list
      elements: str
      sample: [see_flows, run_flows, manage_flows, see_deployments, run_deployments]
    inherited_role:
      description: Name of the built-in role this role inherits from, or null.
      type: str
      sample: null
    inherited_role_id:
      description: Id of the built-in role this role inherits from, or null.
      type: str
      sample: null
    permissions:
      description: Legacy permission list (deprecated by Prefect).
      type: list
      elements: str
      sample: []
    created:
      description: Creation time.
      type: str
      sample: '2026-01-12T09:30:41.204518Z'
    updated:
      description: Last update time.
      type: str
      sample: '2026-03-02T14:05:12.871093Z'
count:
  description: How many roles were returned.
  returned: always
  type: int
  sample: 6
scope_catalogue:
  description: Every workspace scope Prefect Cloud knows.
  returned: when O(scopes=true)
  type: list
  elements: dict
  contains:
    name:
      description: Scope name.
      type: str
      sample: manage_flows
    title:
      description: Human-readable title (for display only).
      type: str
      sample: Manage flows
    feature_group:
      description: The feature the scope belongs to.
      type: str
      sample: Flows
    includes_scopes:
      description: The scopes that this scope grants as well.
      type: list
      elements: str
      sample: [see_flows, run_flows, manage_saved_search]
    see_scope:
      description: The scope that grants seeing the objects this scope acts on, or null.
      type: str
      sample: see_flows
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import WORKSPACE_ROLE
from ansible_collections.prefect.cloud.plugins.module_utils._engine.info import InfoReader, run_info
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._resources.scopes import read_scope_rows


class WorkspaceRoles(InfoReader):
    api_resource = WORKSPACE_ROLE
    result_key = "workspace_roles"
    filters = {"name": "name"}

    @classmethod
    def parse_options(cls, params):
        validate.check_options(params, {"name": validate.list_of(validate.identity)})
        return params

    def criteria(self):
        criteria = super().criteria()
        if not self.params["include_builtin"]:
            criteria["is_global"] = False
        return criteria

    def rows(self):
        rows = super().rows()
        # Inherited roles are shown by name; most are among the rows just read.
        self.names = {r.get("id"): r.get("name") for r in rows}
        return rows

    def decorate(self, row):
        row["is_builtin"] = row.get("account_id") is None
        inherited = row.get("inherited_role_id")
        row["inherited_role"] = self.names.get(inherited) or self.resolver.role_name(WORKSPACE_ROLE, inherited)
        return row

    def extras(self):
        return {"scope_catalogue": read_scope_rows(self.api)} if self.params["scopes"] else {}


def main():
    module = PrefectCloudModule(
        argument_spec={
            "name": {"type": "list", "elements": validate.STRING},
            "include_builtin": {"type": "bool", "default": True},
            "scopes": {"type": "bool", "default": False},
        },
    )
    run_info(module, WorkspaceRoles)


if __name__ == "__main__":
    main()
