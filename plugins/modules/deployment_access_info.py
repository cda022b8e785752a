#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: deployment_access_info
short_description: Read who may manage, run and view Prefect Cloud deployments
version_added: 0.1.0
description:
  - Returns the access control list (ACL) of every deployment of a workspace, or of those named in O(deployment), level by
    level (C(manage), C(run), C(view)) with users by email, bots and teams by name, and V(*) as C(everyone) - the shape
    M(prefect.cloud.deployment_access) takes, so what this reports can be declared back unchanged.
  - One read lists the deployments and one more their flows; their lists are then read at the same time (at most four requests in
    flight).
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  workspace:
    description:
      - The workspace, by handle or id.
    type: str
    required: true
  deployment:
    description:
      - Only these deployments, as C(<flow name>/<deployment name>) or by id. Those that do not exist are left out.
      - V([]) asks for none (and returns none).
    type: list
    elements: str
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes.info_module
seealso:
  - module: prefect.cloud.deployment_access
"""

EXAMPLES = r"""
- name: Review object access
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
      # api_key comes from the PREFECT_API_KEY environment variable
  tasks:
    - name: Every deployment ACL of the production workspace
      prefect.cloud.deployment_access_info:
        workspace: prod
      register: acls

    - name: The deployments that narrow access below the workspace
      ansible.builtin.debug:
        msg: "{{ acls.deployments | selectattr('restricted') | map(attribute='deployment') | list }}"

    - name: One deployment
      prefect.cloud.deployment_access_info:
        workspace: prod
        deployment: [etl/nightly]
"""

RETURN = r"""
deployments:
  description: The deployments found and their access control lists, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    deployment:
      description: The deployment, as C(<flow name>/<deployment name>).
      type: str
      sample: etl/nightly
    id:
      description: The deployment's id.
      type: str
      sample: 5f0d3a87-0c1e-4b8e-9a55-0b9ac5e1a0d4
    restricted:
      description: Whether some level is narrower than everyone whose workspace role allows it.
      type: bool
      sample: true
    manage:
      description: Who may manage the deployment.
      type: dict
      contains: &level_contains
        everyone:
          description: Whether anyone whose workspace role allows the level holds it (the list's V(*)).
          type: bool
          sample: false
        users:
          description: The users who hold the level, by email, sorted.
          type: list
          elements: str
          sample: [olive@acme.io]
        bots:
          description: The bots who hold the level, by name, sorted.
          type: list
          elements: str
          sample: [prod-deployer]
        teams:
          description: The teams whose members hold the level, by name, sorted.
          type: list
          elements: str
          sample: [data-engineers]
    run:
      description: Who may run the deployment.
      type: dict
      contains: *level_contains
    view:
      description: Who may see the deployment.
      type: dict
      contains: *level_contains
count:
  description: How many deployments were found.
  returned: always
  type: int
  sample: 3
workspace:
  description: The workspace read.
  returned: always
  type: dict
  contains:
    id:
      description: The workspace id.
      type: str
      sample: 6f1c3b8e-2a4d-4e55-9d0f-0a1b2c3d4e5f
    handle:
      description: The workspace handle.
      type: str
      sample: prod
    name:
      description: The workspace name.
      type: str
      sample: Production
"""

from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.info import run_info
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._resources.object_access import DEPLOYMENTS, ObjectAccessReader


class DeploymentAccessLists(ObjectAccessReader):
    kind = DEPLOYMENTS


def main():
    module = PrefectCloudModule(
        argument_spec={
            "workspace": {"type": validate.STRING, "required": True},
            "deployment": {"type": "list", "elements": validate.STRING},
        },
    )
    run_info(module, DeploymentAccessLists)


if __name__ == "__main__":
    main()
