#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: workspace_role
short_description: Create, update and delete custom Prefect Cloud workspace roles
version_added: 0.1.0
description:
  - Ensures a custom workspace role, identified by its O(name), exists with the given scopes, or does not exist.
  - Only the options you set are compared and changed; an option left unset never clears a value.
  - Scopes are compared as sets after expansion through the global scope catalogue of Prefect Cloud
    (C(GET /api/workspace_scopes)). A C(manage_*) scope brings in the scopes it includes, so writing
    V(manage_flows) does not show a difference against a server that returns the expanded set.
    Both sides of the diff show that expanded set, sorted.
  - Unknown scope names fail before anything is written, listing the valid ones.
  - The built-in workspace roles (V(Owner), V(Developer), V(Runner), V(Viewer), V(Worker)) are read only.
    Naming one in O(name) fails, even when nothing would change, because this module manages custom roles only;
    use M(prefect.cloud.workspace_role_info) to read them.
  - Custom workspace roles need an Enterprise (or Pro) plan in Prefect Cloud.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  name:
    description:
      - The name of the custom workspace role, unique within the account. It identifies the role.
      - It cannot be the name of a built-in workspace role.
    type: str
    required: true
  description:
    description:
      - A short description of the role, at most 140 characters. V("") clears it.
      - A longer text fails before any request is sent.
    type: str
  scopes:
    description:
      - The workspace scopes the role grants, such as V(see_flows) or V(manage_deployments).
      - The list replaces the scopes of the role. It is compared as a set, after expanding every
        scope through the scopes it includes; order and repeats do not matter. V([]) removes every scope.
      - Names that are not in the scope catalogue fail before anything is written.
    type: list
    elements: str
  inherited_role:
    description:
      - A built-in workspace role (by name, such as V(Viewer), or by id) whose scopes this role inherits.
      - V("") removes the inheritance.
      - A custom role cannot be inherited.
    type: str
  state:
    description:
      - V(present) creates or updates the role, V(absent) deletes it.
      - Deleting a role that is still granted somewhere is refused by Prefect Cloud; the error is reported as it comes.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes
seealso:
  - module: prefect.cloud.workspace_role_info
  - module: prefect.cloud.workspace_access
  - module: prefect.cloud.workspace
  - name: Workspace roles and scopes in Prefect Cloud
    description: What each built-in role may do, and the custom-role permission tables.
    link: https://docs.prefect.io/v3/how-to-guides/cloud/manage-users/manage-roles
"""

EXAMPLES = r"""
- name: Manage custom workspace roles
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
      # api_key comes from the PREFECT_API_KEY environment variable
  tasks:
    - name: Release managers see everything a Viewer sees and manage deployments
      prefect.cloud.workspace_role:
        name: release-manager
        description: Ships deployments
        inherited_role: Viewer
        scopes:
          - manage_deployments
          - run_deployments

    - name: Grant the role to a team in a workspace
      prefect.cloud.workspace_access:
        workspace: prod
        team: release
        workspace_role: release-manager

    - name: Let it also manage blocks (the scope list replaces the old one)
      prefect.cloud.workspace_role:
        name: release-manager
        scopes: [manage_deployments, run_deployments, manage_blocks]

    - name: Retire an old role
      prefect.cloud.workspace_role:
        name: legacy-operator
        state: absent
"""

RETURN = r"""
workspace_role:
  description:
    - The role after the task; in check mode, the predicted role. Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Role id (absent from a check-mode prediction of a new role).
      type: str
      sample: 0e6f2a8c-5d1b-4c3a-9e7f-1a2b3c4d5e6f
    account_id:
      description: Id of the account the role belongs to.
      type: str
      sample: 4db86fa3-9bc2-4d09-9df0-86b0fe7c6477
    name:
      description: The role name.
      type: str
      sample: release-manager
    description:
      description: The description.
      type: str
      sample: Ships deployments
    scopes:
      description: The scopes of the role, expanded through the scope catalogue and sorted.
      type: list
      elements: str
      sample: [manage_deployments, run_deployments, see_deployments, write_deployments]
    inherited_role:
      description: Name of the built-in role this role inherits from, or null.
      type: str
      sample: Viewer
    inherited_role_id:
      description: Id of the built-in role this role inherits from, or null.
      type: str
      sample: db3748eb-7fc3-49f8-ba64-6c1c39aa6abf
    permissions:
      description: Legacy permission list of the role, as the API returns it (deprecated by Prefect).
      type: list
      elements: str
      sample: []
    created:
      description: When the role was created.
      type: str
      sample: '2026-01-12T09:30:41.204518Z'
    updated:
      description: When the role was last updated.
      type: str
      sample: '2026-03-02T14:05:12.871093Z'
diff:
  description: The role before and after (name, description, scopes expanded and sorted, inherited_role), in diff mode.
  returned: when diff mode is on
  type: dict
  sample:
    before: {}
    after:
      name: release-manager
      description: Ships deployments
      inherited_role: Viewer
      scopes:
        - manage_deployments
        - run_deployments
        - see_deployments
        - write_deployments
msg:
  description: What happened, such as C(workspace role 'release-manager' created).
  returned: always
  type: str
  sample: workspace role 'release-manager' created
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import Refusal
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import WORKSPACE_ROLE
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import Resource, run_resource
from ansible_collections.prefect.cloud.plugins.module_utils._resources.scopes import load_scope_catalogue

DESCRIPTION_MAX = 140


class WorkspaceRole(Resource):
    api_resource = WORKSPACE_ROLE
    result_key = "workspace_role"
    identity = "name"

    @classmethod
    def parse_options(cls, params):
        validate.check_options(
            params,
            {
                "name": validate.identity,
                "description": lambda value, option: validate.text(value, option, DESCRIPTION_MAX),
                "scopes": validate.list_of(validate.identity),
                "inherited_role": validate.clearable(validate.identity),
            },
        )
        return params

    def __init__(self, module, options=None):
        super().__init__(module, options)
        self._catalogue = None

    @property
    def catalogue(self):
        """The global scope catalogue, read once and only when scopes are compared or shown."""
        if self._catalogue is None:
            self._catalogue = load_scope_catalogue(self.api)
        return self._catalogue

    def read(self):
        name = self.params["name"]
        rows = [r for r in self.api.list_by(WORKSPACE_ROLE, WORKSPACE_ROLE.natural_key, [name]) if r.get("name") == name]
        custom = [r for r in rows if r.get("account_id") is not None]
        if custom:
            return custom[0]
        if rows:
            raise Refusal(
                "workspace role %r is built in and cannot be changed or deleted; "
                "this module manages custom workspace roles only (read built-in roles with prefect.cloud.workspace_role_info)" % name
            )
        return None

    def view(self, raw):
        return {
            "name": raw["name"],
            "description": raw.get("description") or "",
            "scopes": self.catalogue.expand(raw.get("scopes") or []),
            "inherited_role": self.resolver.role_name(WORKSPACE_ROLE, raw.get("inherited_role_id")),
        }

    def desired(self, before):
        defaults = {"name": self.params["name"], "description": "", "scopes": [], "inherited_role": None}
        desired = self.overlay(before, defaults, {"description": "description"})
        if self.is_set("scopes"):
            # Fails (naming the option and listing the valid scopes) before any write.
            self.catalogue.validate(self.params["scopes"], option="scopes")
            desired["scopes"] = self.catalogue.expand(self.params["scopes"])
        if self.is_set("inherited_role"):
            role = self._inherited_role()
            desired["inherited_role"] = role["name"] if role else None
        return desired

    def _inherited_role(self):
        """The built-in role ``inherited_role`` names, ``None`` for V(""); fails for anything else."""
        ref = self.params["inherited_role"]
        if ref == "":
            return None
        catalogue = self.resolver.role_catalogue(WORKSPACE_ROLE)
        builtin = [r for r in catalogue if r.get("account_id") is None]
        names = ", ".join(sorted(r.get("name", "?") for r in builtin))
        row = self.resolver.role(WORKSPACE_ROLE, ref)
        if row is None:
            raise Refusal("inherited_role: built-in workspace role %r not found; the built-in roles are: %s" % (ref, names))
        if row.get("account_id") is not None:
            raise Refusal(
                "inherited_role: %r is a custom workspace role; only a built-in role can be inherited (%s)" % (row.get("name"), names)
            )
        return row

    def _inherited_role_id(self, desired):
        if desired["inherited_role"] is None:
            return None
        return self.resolver.require_role(WORKSPACE_ROLE, desired["inherited_role"])["id"]

    def create(self, plan):
        desired = plan.desired
        body = {
            "name": desired["name"],
            "description": desired["description"],
            "scopes": desired["scopes"],
            "inherited_role_id": self._inherited_role_id(desired),
        }
        raw = self.write_recovering(lambda: self.call("create", json=body))
        self.resolver.forget_roles(WORKSPACE_ROLE)
        return raw

    def update(self, plan):
        raw, before, desired = plan.before_raw, plan.before, plan.desired
        # PATCH replaces the scope set, so it always carries the whole (expanded) set.
        body = {"scopes": desired["scopes"]}
        if desired["description"] != before["description"]:
            body["description"] = desired["description"]
        if desired["inherited_role"] != before["inherited_role"]:
            body["inherited_role_id"] = self._inherited_role_id(desired)
        self.call("update", json=body, id=raw["id"])
        self.resolver.forget_roles(WORKSPACE_ROLE)
        return self.call("get", id=raw["id"])

    def delete(self, plan):
        super().delete(plan)
        self.resolver.forget_roles(WORKSPACE_ROLE)


def main():
    module = PrefectCloudModule(
        argument_spec={
            "name": {"type": validate.STRING, "required": True},
            "description": {"type": validate.STRING},
            "scopes": {"type": "list", "elements": validate.STRING},
            "inherited_role": {"type": validate.STRING},
            "state": {"type": validate.STRING, "choices": ["present", "absent"], "default": "present"},
        },
    )
    run_resource(module, WorkspaceRole)


if __name__ == "__main__":
    main()
