#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: account_role_info
short_description: List Prefect Cloud account roles and account permissions
version_added: 0.1.0
description:
  - Returns the account roles the account can use, built-in (V(Owner), V(Admin), V(Member), ...) and custom,
    each with its permissions; all of them (every page) or those with the given names.
  - Optionally returns every account permission Prefect Cloud knows.
  - Account roles are assigned with M(prefect.cloud.account_member), M(prefect.cloud.bot) and M(prefect.cloud.invitation).
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  name:
    description:
      - Only the roles with these names (filtered by the server). Unknown names are left out.
    type: list
    elements: str
  permissions_catalogue:
    description:
      - Also return the list of every account permission as RV(permissions_catalogue).
    type: bool
    default: false
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes.info_module
seealso:
  - module: prefect.cloud.workspace_role_info
  - module: prefect.cloud.account_member
  - name: Account roles in Prefect Cloud
    description: What the built-in account roles may do.
    link: https://docs.prefect.io/v3/how-to-guides/cloud/manage-users/manage-roles
"""

EXAMPLES = r"""
- name: Read account roles
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  tasks:
    - name: Every account role
      prefect.cloud.account_role_info:
      register: account_roles

    - name: The Admin role, and every permission there is
      prefect.cloud.account_role_info:
        name: [Admin]
        permissions_catalogue: true
      register: admin

    - name: Show what an Admin may not do
      ansible.builtin.debug:
        msg: "{{ admin.permissions_catalogue | difference(admin.account_roles[0].permissions) }}"
"""

RETURN = r"""
account_roles:
  description: The account roles, in the order the API returns them.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Role id.
      type: str
      sample: d40f4d9d-3975-4451-ba2b-11a664284f56
    account_id:
      description: Id of the account a custom role belongs to; null for a built-in role.
      type: str
      sample: null
    name:
      description: Role name.
      type: str
      sample: Admin
    is_builtin:
      description: Whether this is a built-in role (available in every account).
      type: bool
      sample: true
    is_system_role:
      description: Whether Prefect Cloud marks the role as a system role.
      type: bool
      sample: true
    permissions:
      description: The account permissions the role holds.
      type: list
      elements: str
      sample: [read:account, read:workspace]
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
  sample: 4
permissions_catalogue:
  description: Every account permission Prefect Cloud knows, such as C(create:workspace).
  returned: when O(permissions_catalogue=true)
  type: list
  elements: str
  sample: [read:account, update:account, create:workspace]
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import ACCOUNT_PERMISSIONS, ACCOUNT_ROLE
from ansible_collections.prefect.cloud.plugins.module_utils._engine.info import InfoReader, run_info
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule


class AccountRoles(InfoReader):
    api_resource = ACCOUNT_ROLE
    result_key = "account_roles"
    filters = {"name": "name"}

    @classmethod
    def parse_options(cls, params):
        validate.check_options(params, {"name": validate.list_of(validate.identity)})
        return params

    def decorate(self, row):
        row["is_builtin"] = row.get("account_id") is None
        return row

    def extras(self):
        if not self.params["permissions_catalogue"]:
            return {}
        return {"permissions_catalogue": list(self.api.call(ACCOUNT_PERMISSIONS, "get") or [])}


def main():
    module = PrefectCloudModule(
        argument_spec={
            "name": {"type": "list", "elements": validate.STRING},
            "permissions_catalogue": {"type": "bool", "default": False},
        },
    )
    run_info(module, AccountRoles)


if __name__ == "__main__":
    main()
