#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: account_member_info
short_description: List the members of a Prefect Cloud account
version_added: 0.1.0
description:
  - Returns the account's members, users and service accounts, read page by page until the end,
    filtered by the server.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  email:
    description:
      - Only the members with these email addresses.
    type: list
    elements: str
  account_role:
    description:
      - Only the members with these account roles (names or ids).
    type: list
    elements: str
  active:
    description:
      - Only active (V(true)) or only inactive (V(false)) members. Unset returns both.
    type: bool
  member_type:
    description:
      - V(users) for people only, V(bots) for service accounts only, V(all) for both.
    type: str
    choices: [all, users, bots]
    default: all
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes.info_module
seealso:
  - module: prefect.cloud.account_member
"""

EXAMPLES = r"""
- name: Who is in the account
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  tasks:
    - name: Every Owner and Admin
      prefect.cloud.account_member_info:
        account_role: [Owner, Admin]
        member_type: users
      register: admins

    - name: Deactivated people
      prefect.cloud.account_member_info:
        active: false
        member_type: users
      register: inactive
"""

RETURN = r"""
members:
  description: The memberships.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Membership id.
      type: str
      sample: 5514240e-31d3-4379-b0d4-d46ce7b45800
    actor_id:
      description: Actor id of the member.
      type: str
      sample: 167b0160-96a1-4aaa-87c2-538bd050a3e6
    user_id:
      description: User id (null for service accounts).
      type: str
      sample: f5907131-39cf-4c75-8c90-6308ff23de94
    email:
      description: Email address (null for service accounts).
      type: str
      sample: dan@acme.io
    handle:
      description: Handle (null for service accounts).
      type: str
      sample: dan
    first_name:
      description: First name.
      type: str
      sample: Dan
    last_name:
      description: Last name.
      type: str
      sample: Dietrich
    account_role:
      description: Name of the account role.
      type: str
      sample: Member
    account_role_id:
      description: Id of the account role.
      type: str
      sample: 1ff050d9-8ae6-409e-93ea-376f3fc81d82
    account_role_name:
      description: Name of the account role (as the API names the field).
      type: str
      sample: Member
    active:
      description: Whether the membership is active.
      type: bool
      sample: true
    member_type:
      description: V(user) or V(service_account).
      type: str
      sample: user
    last_login:
      description: Last login time, or null.
      type: str
      sample: '2026-03-01T16:47:03.118402Z'
count:
  description: How many members were returned.
  returned: always
  type: int
  sample: 12
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import ACCOUNT_MEMBER, ACCOUNT_ROLE
from ansible_collections.prefect.cloud.plugins.module_utils._engine.info import InfoReader, run_info
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule


class Members(InfoReader):
    api_resource = ACCOUNT_MEMBER
    result_key = "members"
    filters = {"email": "email"}
    role_filters = {"account_role": ("account_role_id", ACCOUNT_ROLE)}

    @classmethod
    def parse_options(cls, params):
        validate.check_options(params, {"email": validate.list_of(validate.email), "account_role": validate.list_of(validate.identity)})
        return params

    def body(self):
        member_type = self.params["member_type"]
        body = {"only_users": member_type == "users", "only_bots": member_type == "bots"}
        if self.params["active"] is not None:
            body["active"] = self.params["active"]
        return body

    def decorate(self, row):
        row["account_role"] = row.get("account_role_name")
        row["member_type"] = "user" if row.get("user_id") else "service_account"
        return row


def main():
    module = PrefectCloudModule(
        argument_spec={
            "email": {"type": "list", "elements": validate.STRING},
            "account_role": {"type": "list", "elements": validate.STRING},
            "active": {"type": "bool"},
            "member_type": {"type": validate.STRING, "choices": ["all", "users", "bots"], "default": "all"},
        },
    )
    run_info(module, Members)


if __name__ == "__main__":
    main()
