#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: deployment_access
short_description: Set who may manage, run and view a Prefect Cloud deployment
version_added: 0.1.0
description:
  - Sets the access control list (ACL) of a deployment of a workspace, level by level - O(manage), O(run) and
    O(view) - with users, bots (service accounts), teams or everyone, and reads it back, so drift shows.
  - A level given lists exactly who holds it; a level not given is left as it is. An ACL narrows access below the
    workspace - once a level names actors, the others lose it even when their workspace role allows it. When the
    deployment's work pool has an ACL that narrows anything, the pool's ACL applies instead (see
    M(prefect.cloud.work_pool_access)); the deployment's own list is still what this module sets and reads.
  - Going back to everyone (anyone whose workspace role allows it) is explicit, never the side effect of a removal -
    O(manage.everyone=true) on a level, or O(state=absent) for the whole list - and the message says that it opens
    access. An empty level (no one named, O(manage.everyone=false)) is left to those who hold access whatever the
    list says.
  - The current list names its actors, so comparing it needs no request; only an actor that gains a level, or one
    given by id, is looked up, with one batched read per kind of actor. Nothing is written when nothing changes; a
    change is one PUT of the whole list (the levels not given as read).
  - A change after which the caller would no longer hold O(manage) is refused before anything is sent, in check mode
    too, unless O(allow_caller_lockout=true).
  - With O(deployments), many deployments in one task - one read finds them all (one more names their flows), their
    lists are read at the same time, and every entry is planned and checked before the first write.
  - Deployments are made by Prefect's own clients (C(prefect deploy)), never by this module. One that does not exist
    fails the task, in check mode too; with O(state=absent) there is nothing to do.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  workspace:
    description:
      - The workspace of the deployment, by handle or id.
    type: str
    required: true
  deployment:
    description:
      - The deployment, as C(<flow name>/<deployment name>) (such as V(etl/nightly)), or its id.
      - Mutually exclusive with O(deployments).
    type: str
  manage:
    description:
      - Who may manage the deployment (edit it and its access control list). A level not given is left as it is.
    type: dict
    suboptions: &level
      everyone:
        description:
          - Anyone whose workspace role allows this level (the list's V(*)). V(true) opens the level; V(false) with
            a level that holds it now narrows the level to the actors named.
        type: bool
        default: false
      users:
        description:
          - Users, by email or user id. Exactly these users hold the level (besides everyone, if set).
        type: list
        elements: str
      bots:
        description:
          - Service accounts (bots), by name or id.
        type: list
        elements: str
      teams:
        description:
          - Teams, by name or id. Their members hold the level.
        type: list
        elements: str
  run:
    description:
      - Who may run the deployment. A level not given is left as it is.
    type: dict
    suboptions: *level
  view:
    description:
      - Who may see the deployment. A level not given is left as it is.
    type: dict
    suboptions: *level
  deployments:
    description:
      - Many deployments in one task, each entry with the options of a single one. The options of the entries cannot be
        given at the top level as well; O(workspace) and O(allow_caller_lockout) apply to every entry.
      - Mutually exclusive with O(deployment).
    type: list
    elements: dict
    suboptions:
      deployment:
        description: The deployment, as C(<flow name>/<deployment name>) or its id (see O(deployment)).
        type: str
        required: true
      manage:
        description: Who may manage it (see O(manage)).
        type: dict
        suboptions: *level
      run:
        description: Who may run it (see O(run)).
        type: dict
        suboptions: *level
      view:
        description: Who may see it (see O(view)).
        type: dict
        suboptions: *level
      state:
        description: V(present) or V(absent), for this deployment (see O(state)).
        type: str
        choices: [present, absent]
        default: present
  allow_caller_lockout:
    description:
      - Allow a change after which the caller no longer holds O(manage) on the deployment.
      - The caller keeps O(manage) when the level stays open to everyone, when the caller is named in it or is a member
        of a team named in it, or when it holds the workspace scope C(manage_acls) (the workspace Owner role; account
        Owners and Admins hold it in every workspace), which keeps every level whatever the list says. Otherwise the
        task fails before any write, unless this is V(true); with V(true) it goes ahead with a warning.
    type: bool
    default: false
  state:
    description:
      - V(present) sets the levels given.
      - V(absent) removes the deployment's access control list - every level goes back to everyone whose workspace role
        allows it, which B(opens) access. It takes no level.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Object access control lists need a Prefect Cloud plan that has them (Enterprise).
  - Access a user or a bot has through a team shows under O(manage.teams), not under its own name.
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes
seealso:
  - module: prefect.cloud.deployment_access_info
  - module: prefect.cloud.work_pool_access
  - module: prefect.cloud.block_access
  - module: prefect.cloud.workspace_access
"""

EXAMPLES = r"""
- name: Narrow access to production deployments
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
      # api_key comes from the PREFECT_API_KEY environment variable
  tasks:
    - name: Olive manages the nightly ETL; the data engineers and the deployer bot run it
      prefect.cloud.deployment_access:
        workspace: prod
        deployment: etl/nightly
        manage:
          users: [olive@acme.io]
        run:
          bots: [prod-deployer]
          teams: [data-engineers]

    - name: Every deployment of the reports flow is seen only by the analysts (and managed by the platform team)
      prefect.cloud.deployment_access:
        workspace: prod
        deployments:
          - deployment: reports/weekly
            manage: {teams: [platform]}
            view: {teams: [analysts, platform]}
          - deployment: reports/monthly
            manage: {teams: [platform]}
            view: {teams: [analysts, platform]}

    - name: The hourly ETL goes back to the workspace's roles (opens every level)
      prefect.cloud.deployment_access:
        workspace: prod
        deployment: etl/hourly
        state: absent
"""

RETURN = r"""
deployment_access:
  description:
    - The deployment's access control list after the task; in check mode, the prediction.
    - Each level lists who holds it, by email (users) and name (bots, teams); V(*) shows as C(everyone).
  returned: with O(deployment), when the deployment exists
  type: dict
  contains:
    workspace:
      description: The workspace handle.
      type: str
      sample: prod
    deployment:
      description: The deployment, as C(<flow name>/<deployment name>).
      type: str
      sample: etl/nightly
    id:
      description: The deployment's id.
      type: str
      sample: 5f0d3a87-0c1e-4b8e-9a55-0b9ac5e1a0d4
    manage:
      description: Who may manage the deployment.
      type: dict
      contains: &level_contains
        everyone:
          description: Whether anyone whose workspace role allows the level holds it.
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
access_changes:
  description:
    - Who gains and who loses each level that changes (only the parts that are not empty); C(everyone) in C(gains)
      opens the level, in C(loses) narrows it. Empty when nothing changes.
    - With O(deployments), each entry of RV(results) has its own.
  returned: with O(deployment)
  type: dict
  sample:
    run:
      gains: {users: [olive@acme.io], bots: [prod-deployer]}
      loses: {everyone: true}
deployments:
  description: With O(deployments), the access control list of each deployment found, shaped as RV(deployment_access).
  returned: with O(deployments)
  type: list
  elements: dict
  sample:
    - workspace: prod
      deployment: etl/nightly
      id: 5f0d3a87-0c1e-4b8e-9a55-0b9ac5e1a0d4
      manage: {everyone: false, users: [], bots: [], teams: [platform]}
      run: {everyone: true, users: [], bots: [], teams: []}
      view: {everyone: true, users: [], bots: [], teams: []}
results:
  description: With O(deployments), what the task did to each deployment, in the order of the entries.
  returned: with O(deployments)
  type: list
  elements: dict
  contains:
    deployment:
      description: The deployment, as the entry names it.
      type: str
      sample: etl/nightly
    changed:
      description: Whether its access control list changed.
      type: bool
      sample: true
    action:
      description: V(update), or null when nothing was done.
      type: str
      sample: update
    msg:
      description: What happened to it.
      type: str
      sample: "access to deployment 'etl/nightly' in workspace 'prod' updated: manage gains team 'platform', loses everyone"
    access_changes:
      description: Who gains and who loses each level that changes (see RV(access_changes)).
      type: dict
      sample: {manage: {gains: {teams: [platform]}, loses: {everyone: true}}}
diff:
  description:
    - The access control list before and after, in diff mode (with O(deployments), the lists of the deployments that
      change).
  returned: when diff mode is on
  type: dict
  sample:
    before:
      workspace: prod
      deployment: etl/nightly
      manage: {everyone: true, users: [], bots: [], teams: []}
      run: {everyone: true, users: [], bots: [], teams: []}
      view: {everyone: true, users: [], bots: [], teams: []}
    after:
      workspace: prod
      deployment: etl/nightly
      manage: {everyone: true, users: [], bots: [], teams: []}
      run: {everyone: false, users: [olive@acme.io], bots: [prod-deployer], teams: [data-engineers]}
      view: {everyone: true, users: [], bots: [], teams: []}
msg:
  description: What happened, level by level; it says when a level opens to everyone or narrows to the actors named.
  returned: always
  type: str
  sample: >-
    access to deployment 'etl/nightly' in workspace 'prod' updated: run gains user 'olive@acme.io', bot 'prod-deployer',
    team 'data-engineers', loses everyone (narrows it to the actors named)
"""

from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.bulk import BulkForm, run_either_form
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._resources.object_access import DEPLOYMENTS, LEVEL_OPTIONS, ObjectAccess


class DeploymentAccess(ObjectAccess):
    """A deployment's ACL: manage, run and view, addressed by the deployment's id."""

    kind = DEPLOYMENTS


def main():
    level = {"type": "dict", "options": LEVEL_OPTIONS}
    form = BulkForm(DeploymentAccess, "deployments")
    options = form.module_options(
        {
            "deployment": {"type": validate.STRING},
            "manage": level,
            "run": level,
            "view": level,
            "state": {"type": validate.STRING, "choices": ["present", "absent"], "default": "present"},
        }
    )
    options["argument_spec"].update(
        workspace={"type": validate.STRING, "required": True},
        allow_caller_lockout={"type": "bool", "default": False},
    )
    run_either_form(PrefectCloudModule(**options), form)


if __name__ == "__main__":
    main()
