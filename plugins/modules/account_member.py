#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: account_member
short_description: Manage the members of a Prefect Cloud account
version_added: 0.1.0
description:
  - Sets the account role and the active flag of an account member found by O(email), or removes the member.
  - People become members by accepting an invitation; this module does not create members. To bring someone
    in, use M(prefect.cloud.invitation).
  - "Guards against locking the account out: the last active Owner (among users) is never removed,
    demoted or deactivated, and the caller's own membership is never removed or deactivated unless
    O(allow_self_removal=true). A guard that stops a task fails it in check mode too."
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  email:
    description:
      - The member's email address (or their user id).
    type: str
    required: true
  account_role:
    description:
      - The account role, by name (V(Owner), V(Admin), V(Member), or a custom role) or id.
    type: str
  active:
    description:
      - Whether the membership is active. An inactive member keeps their place but cannot act in the account.
    type: bool
  allow_self_removal:
    description:
      - Allow the task to remove or deactivate the membership of the user the API key belongs to.
    type: bool
    default: false
  state:
    description:
      - V(present) makes sure the member has the given role and active flag (the person must already be a member);
        V(absent) removes the member from the account, and with it all their workspace access in the account and
        their team memberships.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes
seealso:
  - module: prefect.cloud.account_member_info
  - module: prefect.cloud.invitation
"""

EXAMPLES = r"""
- name: Account members
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  tasks:
    - name: Dan administers the account
      prefect.cloud.account_member:
        email: dan@acme.io
        account_role: Admin

    - name: Erin is on leave
      prefect.cloud.account_member:
        email: erin@acme.io
        active: false

    - name: Frank has left the company (his workspace access goes too)
      prefect.cloud.account_member:
        email: frank@acme.io
        state: absent
"""

RETURN = r"""
account_member:
  description: The membership after the task; in check mode, the prediction. Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Membership id.
      type: str
      sample: 5514240e-31d3-4379-b0d4-d46ce7b45800
    email:
      description: The member's email address.
      type: str
      sample: dan@acme.io
    user_id:
      description: The member's user id.
      type: str
      sample: f5907131-39cf-4c75-8c90-6308ff23de94
    actor_id:
      description: The member's actor id.
      type: str
      sample: 167b0160-96a1-4aaa-87c2-538bd050a3e6
    handle:
      description: The member's handle.
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
    last_login:
      description: Last login time, or null.
      type: str
      sample: '2026-03-01T16:47:03.118402Z'
diff:
  description: The membership (email, account_role, active) before and after, in diff mode.
  returned: when diff mode is on
  type: dict
  sample: {before: {email: dan@acme.io, account_role: Admin, active: true}, after: {email: dan@acme.io, account_role: Member, active: true}}
msg:
  description: What happened, such as C(account member 'dan@acme.io' updated).
  returned: always
  type: str
  sample: account member 'dan@acme.io' updated
"""

from ansible_collections.prefect.cloud.plugins.module_utils._caller import CallerIdentity
from ansible_collections.prefect.cloud.plugins.module_utils._client import PrefectCloudError
from ansible_collections.prefect.cloud.plugins.module_utils._module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._reconcile import Resource, run_resource


class AccountMember(Resource):
    kind = "account_member"

    def describe(self):
        return "account member %r" % self.params["email"]

    def read(self):
        row = self.resolver.find("user", self.params["email"])
        if row is None and self.params["state"] == "present":
            raise PrefectCloudError(
                "%s is not a member of the account; people join by accepting an invitation: "
                "invite them with prefect.cloud.invitation" % self.params["email"]
            )
        return row

    def view(self, raw):
        return {"email": raw.get("email"), "account_role": raw.get("account_role_name"), "active": raw.get("active")}

    def desired(self, before):
        desired = dict(before)
        if self.is_set("account_role"):
            desired["account_role"] = self.resolver.role_name("account_role", self.params["account_role"])
        if self.is_set("active"):
            desired["active"] = self.params["active"]
        return desired

    def check_references(self, desired):
        self.resolver.require_role("account_role", desired["account_role"])

    def guard(self, raw, desired):
        removing = desired is None
        deactivating = not removing and raw.get("active") and desired["active"] is False
        losing_owner = raw.get("account_role_name") == "Owner" and raw.get("active") and (
            removing or deactivating or desired["account_role"] != "Owner"
        )
        if losing_owner and self.active_user_owners() <= 1:
            raise PrefectCloudError(
                "refusing to %s %s: they are the account's last active Owner, and the account would have no owner left"
                % ("remove" if removing else "deactivate" if deactivating else "demote", self.params["email"])
            )
        if (removing or deactivating) and not self.params["allow_self_removal"]:
            caller = CallerIdentity(self.client, self.account_path, self.params["api_key"])
            if caller.is_user(user_id=raw.get("user_id"), email=raw.get("email")):
                raise PrefectCloudError(
                    "refusing to %s %s: that is the caller's own membership (set allow_self_removal: true to do it anyway)"
                    % ("remove" if removing else "deactivate", self.params["email"])
                )

    def active_user_owners(self):
        owner = self.resolver.require_role("account_role", "Owner")
        body = {"account_memberships": {"account_role_id": {"any_": [owner["id"]]}}, "only_users": True, "active": True}
        return self.client.post(self.account_path + "/account_memberships/count", json=body)

    def update(self, raw, before, desired):
        path = "%s/account_memberships/%s" % (self.account_path, raw["id"])
        if desired["account_role"] != before["account_role"]:
            role = self.resolver.require_role("account_role", desired["account_role"])
            self.client.patch(path, json={"account_role_id": role["id"]})
        if desired["active"] != before["active"]:
            self.client.patch(path + "/active", json={"active": desired["active"]})
        return None

    def delete(self, raw):
        self.client.delete("%s/account_memberships/%s" % (self.account_path, raw["id"]))


def main():
    module = PrefectCloudModule(
        argument_spec={
            "email": {"type": "str", "required": True},
            "account_role": {"type": "str"},
            "active": {"type": "bool"},
            "allow_self_removal": {"type": "bool", "default": False},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
    )
    if not module.params["email"].strip():
        module.fail("email cannot be empty")
    run_resource(module, AccountMember)


if __name__ == "__main__":
    main()
