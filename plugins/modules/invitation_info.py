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

from ansible_collections.prefect.cloud.plugins.module_utils._invitations import is_expired, read_invitations
from ansible_collections.prefect.cloud.plugins.module_utils._module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._reconcile import sanitize


def list_invitations(module):
    params = module.params
    if params["email"] is not None and not params["email"]:
        return {"changed": False, "invitations": [], "count": 0}
    workspace_id = None
    if params["workspace"]:
        workspace_id = module.resolver.require("workspace", params["workspace"])["id"]
    rows = read_invitations(module.client, module.account_path, params["email"], params["status"], workspace_id)
    now = module.client.server_now()
    # The handles of the workspaces the rows name, in one batched lookup.
    workspace_ids = [row["workspace_id"] for row in rows if row.get("workspace_id")]
    workspaces = module.resolver.find_many("workspace", workspace_ids) if workspace_ids else {}
    for row in rows:
        row["expired"] = is_expired(row, now)
        row["account_role"] = module.resolver.role_name("account_role", row.get("account_role_id"))
        row["workspace_role"] = module.resolver.role_name("workspace_role", row.get("workspace_role_id"))
        workspace = workspaces.get(row.get("workspace_id"))
        row["workspace"] = workspace["handle"] if workspace else None
    return {"changed": False, "invitations": sanitize(rows), "count": len(rows)}


def main():
    module = PrefectCloudModule(
        argument_spec={
            "email": {"type": "list", "elements": "str"},
            "status": {"type": "list", "elements": "str", "choices": ["PENDING", "ACCEPTED", "REJECTED", "REVOKED"]},
            "workspace": {"type": "str"},
        },
    )
    module.run(lambda: list_invitations(module))


if __name__ == "__main__":
    main()
