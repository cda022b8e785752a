#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: invitation_info
short_description: List the invitations of a Prefect Cloud account or workspace
version_added: 0.1.0
description:
  - Returns the invitations of the account (every page), or those of one O(workspace), optionally only
    those for some email addresses or with some statuses. The server does the filtering.
  - Each invitation comes with the names of its roles and whether it has expired.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  email:
    description:
      - Only the invitations for these email addresses.
    type: list
    elements: str
  status:
    description:
      - Only the invitations with these statuses. A V(PENDING) invitation may still have expired;
        see RV(invitations[].expired).
    type: list
    elements: str
    choices: [PENDING, ACCEPTED, REJECTED, REVOKED]
  workspace:
    description:
      - List the invitations to this workspace (by handle, or by id) instead of the account invitations.
    type: str
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes.info_module
seealso:
  - module: prefect.cloud.invitation
"""

EXAMPLES = r"""
- name: Read invitations
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  tasks:
    - name: Every invitation still waiting for an answer
      prefect.cloud.invitation_info:
        status: [PENDING]
      register: pending

    - name: List the ones that expired before anyone accepted them
      ansible.builtin.debug:
        msg: "{{ pending.invitations | selectattr('expired') | map(attribute='email') | list }}"

    - name: The invitations to the staging workspace for one person
      prefect.cloud.invitation_info:
        workspace: staging
        email: [frank@example.com]
      register: staging_invitations
"""

RETURN = r"""
invitations:
  description: The invitations, in the order the API returns them.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Invitation id.
      type: str
      sample: eacec617-d0a0-4f76-bdfb-b61b9bf75b39
    email:
      description: The invited email address.
      type: str
      sample: dana@example.com
    status:
      description: V(PENDING), V(ACCEPTED), V(REJECTED) or V(REVOKED).
      type: str
      sample: PENDING
    expiration:
      description: When the invitation expires (or expired).
      type: str
      sample: '2026-03-09T14:05:12.871093Z'
    expired:
      description: Whether the expiration has passed, by the server's clock. A pending invitation that has expired can no longer be accepted.
      type: bool
      sample: false
    account_id:
      description: Account id.
      type: str
      sample: 4db86fa3-9bc2-4d09-9df0-86b0fe7c6477
    account_role:
      description: Name of the account role the invitation grants.
      type: str
      sample: Member
    account_role_id:
      description: Id of the account role the invitation grants.
      type: str
      sample: 1ff050d9-8ae6-409e-93ea-376f3fc81d82
    workspace:
      description: Handle of the workspace of a workspace invitation; null for an account invitation.
      type: str
      sample: staging
    workspace_id:
      description: Id of the workspace (workspace invitations only).
      type: str
      sample: 6b9fc289-df06-4842-94e9-d1dee031f63e
    workspace_role:
      description: Name of the workspace role a workspace invitation grants; null for an account invitation.
      type: str
      sample: Viewer
    workspace_role_id:
      description: Id of the workspace role (workspace invitations only).
      type: str
      sample: db3748eb-7fc3-49f8-ba64-6c1c39aa6abf
    created:
      description: When the invitation was sent.
      type: str
      sample: '2026-03-02T14:05:12.871093Z'
    updated:
      description: When the invitation last changed (accepted, revoked, ...).
      type: str
      sample: '2026-03-02T14:05:12.871093Z'
count:
  description: How many invitations were returned.
  returned: always
  type: int
  sample: 2
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import ACCOUNT_ROLE, WORKSPACE, WORKSPACE_ROLE
from ansible_collections.prefect.cloud.plugins.module_utils._engine.info import InfoReader, NothingAsked, run_info
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._resources.invitations import is_expired, read_invitations


class Invitations(InfoReader):
    result_key = "invitations"
    role_fields = {
        "account_role": (ACCOUNT_ROLE, "account_role_id"),
        "workspace_role": (WORKSPACE_ROLE, "workspace_role_id"),
    }

    @classmethod
    def parse_options(cls, params):
        validate.check_options(params, {"email": validate.list_of(validate.email), "workspace": validate.workspace_reference})
        return params

    def rows(self):
        if self.params["email"] is not None and not self.params["email"]:
            raise NothingAsked()
        workspace_id = None
        if self.params["workspace"]:
            workspace_id = self.resolver.require(WORKSPACE, self.params["workspace"])["id"]
        rows = read_invitations(self.api, self.params["email"], self.params["status"], workspace_id)
        # The handles of the workspaces the rows name, in one batched lookup.
        workspace_ids = [row["workspace_id"] for row in rows if row.get("workspace_id")]
        self.workspaces = self.resolver.find_many(WORKSPACE, workspace_ids) if workspace_ids else {}
        return rows

    def decorate(self, row):
        row["expired"] = is_expired(row, self.now)
        workspace = self.workspaces.get(row.get("workspace_id"))
        row["workspace"] = workspace["handle"] if workspace else None
        return row


def main():
    module = PrefectCloudModule(
        argument_spec={
            "email": {"type": "list", "elements": validate.STRING},
            "status": {"type": "list", "elements": validate.STRING, "choices": ["PENDING", "ACCEPTED", "REJECTED", "REVOKED"]},
            "workspace": {"type": validate.STRING},
        },
    )
    run_info(module, Invitations)


if __name__ == "__main__":
    main()
