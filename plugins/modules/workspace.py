#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: workspace
short_description: Create, update and delete Prefect Cloud workspaces
version_added: 0.1.0
description:
  - Ensures a workspace, identified by its O(handle), exists with the given settings, or does not exist.
  - Only the options you set are compared and changed; an option left unset never clears a value.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  handle:
    description:
      - The workspace handle, unique within the account. It identifies the workspace.
      - Lowercase letters, numbers and dashes only, such as V(data-prod); a handle written with
        whitespace around it is refused rather than stripped.
      - Required unless O(workspaces) is given; the two do not combine.
    type: str
  workspaces:
    description:
      - Many workspaces in one task, each entry with the options of a single workspace. The options of the
        entries cannot be given at the top level as well.
      - One request reads every listed workspace; every entry is planned and checked before the first write.
    type: list
    elements: dict
    suboptions:
      handle:
        description: The workspace handle (see O(handle)).
        type: str
        required: true
      name:
        description: The display name (see O(name)).
        type: str
      description:
        description: A description of the workspace (see O(description)).
        type: str
      default_workspace_role:
        description: The workspace role people who join get (see O(default_workspace_role)).
        type: str
      state:
        description: V(present) or V(absent), for this workspace.
        type: str
        choices: [present, absent]
        default: present
  name:
    description:
      - The display name. When the workspace is created without it, the handle is used.
    type: str
  description:
    description:
      - A description of the workspace. V("") clears it.
    type: str
  default_workspace_role:
    description:
      - The workspace role (by name, such as V(Viewer), or by id) that people who join the workspace get.
    type: str
  state:
    description:
      - V(present) creates or updates the workspace, V(absent) deletes it with everything in it
        (deployments, flow runs, work pools, blocks) and every access grant to it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes
seealso:
  - module: prefect.cloud.workspace_info
  - module: prefect.cloud.workspace_access
"""

EXAMPLES = r"""
- name: Manage workspaces
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
      # api_key comes from the PREFECT_API_KEY environment variable
  tasks:
    - name: A production workspace that newcomers can only look at
      prefect.cloud.workspace:
        handle: prod
        name: Production
        description: Production pipelines
        default_workspace_role: Viewer

    - name: Remove the scratch workspace and everything in it
      prefect.cloud.workspace:
        handle: scratch
        state: absent

    - name: Every environment's workspace in one task
      prefect.cloud.workspace:
        workspaces:
          - handle: dev
            name: Development
          - handle: staging
            name: Staging
          - handle: prod
            name: Production
            default_workspace_role: Viewer
"""

RETURN = r"""
workspace:
  description:
    - The workspace after the task; in check mode, the predicted workspace. Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Workspace id (absent from a check-mode prediction of a new workspace).
      type: str
      sample: 6f1c3b8e-2a4d-4e55-9d0f-0a1b2c3d4e5f
    account_id:
      description: Id of the account the workspace belongs to.
      type: str
      sample: 4db86fa3-9bc2-4d09-9df0-86b0fe7c6477
    handle:
      description: The workspace handle.
      type: str
      sample: prod
    name:
      description: The display name.
      type: str
      sample: Production
    description:
      description: The description.
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
    is_public:
      description: Whether the workspace is public.
      type: bool
      sample: false
    created:
      description: When the workspace was created.
      type: str
      sample: '2026-01-12T09:30:41.204518Z'
    updated:
      description: When the workspace was last updated.
      type: str
      sample: '2026-03-02T14:05:12.871093Z'
diff:
  description: The workspace before and after (handle, name, description, default_workspace_role), in diff mode.
  returned: when diff mode is on
  type: dict
  sample: {before: {}, after: {handle: prod, name: Production, description: Production flows, default_workspace_role: Viewer}}
workspaces:
  description: With O(workspaces), each workspace after the task (as RV(workspace) describes it), in order; absent ones are left out.
  returned: when O(workspaces) is given
  type: list
  elements: dict
  sample:
    - handle: prod
      name: Production
      description: ""
      default_workspace_role: Viewer
results:
  description: With O(workspaces), what the task did to each workspace, in the order of the entries.
  returned: when O(workspaces) is given
  type: list
  elements: dict
  contains:
    handle:
      description: The workspace handle.
      type: str
      sample: prod
    changed:
      description: Whether the workspace changed.
      type: bool
      sample: true
    action:
      description: V(create), V(update), V(delete), or null when nothing was done.
      type: str
      sample: create
    msg:
      description: What happened to the workspace.
      type: str
      sample: workspace 'prod' created
msg:
  description: "What happened, such as C(workspace 'prod' created), or with O(workspaces) C(3 workspaces: 1 created)."
  returned: always
  type: str
  sample: workspace 'prod' created
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import WORKSPACE, WORKSPACE_ROLE
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.bulk import BulkForm, run_either_form
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import Resource


class Workspace(Resource):
    api_resource = WORKSPACE
    result_key = "workspace"
    identity = "handle"

    @classmethod
    def parse_options(cls, params):
        validate.check_options(
            params,
            {
                "handle": validate.handle,
                "name": validate.display_name,
                "description": validate.text,
                "default_workspace_role": validate.identity,
            },
        )
        return params

    def view(self, raw):
        return {
            "handle": raw["handle"],
            "name": raw["name"],
            "description": raw.get("description") or "",
            "default_workspace_role": self.resolver.role_name(WORKSPACE_ROLE, raw.get("default_workspace_role_id")),
        }

    def desired(self, before):
        handle = self.params["handle"]
        defaults = {"handle": handle, "name": handle, "description": "", "default_workspace_role": None}
        desired = self.overlay(before, defaults, {"name": "name", "description": "description"})
        if self.is_set("default_workspace_role"):
            # Shown by name whichever form the user gave.
            desired["default_workspace_role"] = self.resolver.role_name(WORKSPACE_ROLE, self.params["default_workspace_role"])
        return desired

    def check_references(self, plan):
        if plan.desired["default_workspace_role"] is not None:
            self.resolver.require_role(WORKSPACE_ROLE, plan.desired["default_workspace_role"])

    def create(self, plan):
        desired = plan.desired
        body = {"handle": desired["handle"], "name": desired["name"], "description": desired["description"]}
        raw = self.write_recovering(lambda: self.call("create", json=body))
        self.resolver.remember(WORKSPACE, raw)
        if desired["default_workspace_role"] is not None:
            # WorkspaceCreate has no default role: it is set with a PATCH right after.
            raw = self.patch(raw, self.view(raw), desired)
        return raw

    def update(self, plan):
        return self.patch(plan.before_raw, plan.before, plan.desired)

    def patch(self, raw, before, desired):
        body = {key: desired[key] for key in ("name", "description") if desired[key] != before[key]}
        if desired["default_workspace_role"] != before["default_workspace_role"]:
            role = self.resolver.require_role(WORKSPACE_ROLE, desired["default_workspace_role"])
            body["default_workspace_role_id"] = role["id"]
        self.call("update", json=body, id=raw["id"])
        return self.call("get", id=raw["id"])


WORKSPACE_OPTIONS = {
    "handle": {"type": validate.STRING},
    "name": {"type": validate.STRING},
    "description": {"type": validate.STRING},
    "default_workspace_role": {"type": validate.STRING},
    "state": {"type": validate.STRING, "choices": ["present", "absent"], "default": "present"},
}


def main():
    form = BulkForm(Workspace, "workspaces")
    run_either_form(PrefectCloudModule(**form.module_options(WORKSPACE_OPTIONS)), form)


if __name__ == "__main__":
    main()
