#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: access_review_info
short_description: Review who can do what in each Prefect Cloud workspace, and why
version_added: 0.1.0
description:
  - Computes the effective access of every member of the account - people and bots - in every workspace, with the
    reasons for it, as Prefect Cloud has no call that answers it.
  - "The paths to access in a workspace: an account role that holds C(administrate:workspace) (Owner, Admin): Owner of
    every workspace without any grant; a direct grant; the grant of a team the member belongs to (each team is named);
    the workspace's default role, which every member user gets (not bots, not Collaborators)."
  - Access adds up. The effective scopes are those of every path's role, each role expanded through its inherited
    role and the scopes that include others; the effective role is the role that gives them all, else the roles
    joined with C(+).
  - Pending (and expired) invitations and inactive members are returned apart; inactive members have no access while
    inactive. Bots come with the expiry of their key.
  - Object-level access lists (work pools, deployments, blocks) narrow a role for one object. Those that narrow
    anything are read (one listing per kind and workspace, then the lists at the same time), and each row says which
    objects take which levels away from its actor - a level the role allows that the list gives neither the actor,
    nor one of its teams, nor everyone. Workspace Owners and account Owners and Admins keep every level; a deployment
    on a work pool whose list narrows anything follows the pool's list. Where the key may not read a workspace's
    objects, its rows say so.
  - With O(render), the review also comes as a CSV (one row per member and workspace, then one per invitation) and
    as a single self-contained HTML page (a matrix of members against workspaces, with the reason in each cell, a
    filter, sortable columns and a summary). The playbook C(prefect.cloud.access_review) writes both files.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  workspace:
    description:
      - Review only these workspaces (by handle or id). Every workspace when unset.
    type: list
    elements: str
  previous_csv:
    description:
      - An earlier review's CSV (a file on the host that runs the module). The result then says who gained, lost or
        changed access since (RV(changes)), and so does the page.
    type: path
  render:
    description:
      - The documents to return beside the data, as text - V(csv) in RV(csv), V(html) in RV(html).
    type: list
    elements: str
    choices: [csv, html]
    default: []
notes:
  - "The reads: the account, the scope catalogue, account roles, members (people and bots), bots, workspaces,
    workspace roles, teams with their grants, and pending invitations, then per workspace its user and bot grants and
    its pending invitations - every list whole, 200 rows a page, independent lists read together. An account of 360
    members and 3 workspaces costs about 20 requests."
  - The key needs to read all of that - an Owner's or an Admin's key does.
  - Every value in the documents comes from the server and is data only. In the CSV, a value that a spreadsheet would
    take for a formula (starting with C(=), C(+), C(-) or C(@)) gets a C(') in front; the page escapes every value and
    its script reads nothing but the page.
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes.info_module
seealso:
  - module: prefect.cloud.workspace_access_info
  - module: prefect.cloud.audit_event_info
"""

EXAMPLES = r"""
- name: Review access
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  tasks:
    - name: Who can reach production, and why
      prefect.cloud.access_review_info:
        workspace: [prod]
      register: review

    - name: The Owners of production through a team
      ansible.builtin.debug:
        msg: "{{ review.rows | selectattr('effective_role', 'equalto', 'Owner') | selectattr('via_team') | map(attribute='actor') | list }}"

    - name: A folder for this quarter's review
      ansible.builtin.file:
        path: reviews/2026-q2
        state: directory
        mode: "0700"

    - name: Last quarter's review, when there is one
      ansible.builtin.stat:
        path: reviews/2026-q1/access_review.csv
      register: last_quarter

    - name: The whole account as CSV and HTML, compared with last quarter's review
      prefect.cloud.access_review_info:
        render: [csv, html]
        previous_csv: "{{ 'reviews/2026-q1/access_review.csv' if last_quarter.stat.exists else omit }}"
      register: quarterly

    - name: Write the CSV (the value is data; Ansible does not template it)
      ansible.builtin.copy:
        content: "{{ quarterly.csv }}"
        dest: reviews/2026-q2/access_review.csv
        mode: "0600"
"""

RETURN = r"""
taken_at:
  description: When the review was taken, by the server's clock.
  returned: always
  type: str
  sample: '2026-03-02T14:05:12Z'
account:
  description: The account reviewed.
  returned: always
  type: dict
  contains:
    id:
      description: Account id.
      type: str
      sample: 3c8a0e1f-2b4d-4e6a-8c0f-1a2b3c4d5e6f
    handle:
      description: Account handle.
      type: str
      sample: acme
    name:
      description: Account name.
      type: str
      sample: Acme Corp
workspaces:
  description: The workspaces reviewed, by handle.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Workspace id.
      type: str
      sample: 6f1c3b8e-2a4d-4e55-9d0f-0a1b2c3d4e5f
    handle:
      description: Workspace handle.
      type: str
      sample: prod
    name:
      description: Display name.
      type: str
      sample: Production
    default_workspace_role:
      description: The role every member user has in it; null when none.
      type: str
      sample: Viewer
actors:
  description: Every member, people first, then bots.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: A person's email, a bot's name.
      type: str
      sample: dan@acme.io
    kind:
      description: V(user) or V(bot).
      type: str
      sample: user
    full_name:
      description: A person's name; null for bots.
      type: str
      sample: Dan Developer
    account_role:
      description: The account role.
      type: str
      sample: Member
    active:
      description: Whether the membership is active.
      type: bool
      sample: true
    key_expiration:
      description: When a bot's active key expires; null when it never does, and for people.
      type: str
      sample: '2026-06-01T00:00:00Z'
rows:
  description: One row per member and workspace.
  returned: always
  type: list
  elements: dict
  contains:
    actor:
      description: A person's email, a bot's name.
      type: str
      sample: dan@acme.io
    kind:
      description: V(user) or V(bot).
      type: str
      sample: user
    account_role:
      description: The account role.
      type: str
      sample: Member
    workspace:
      description: The workspace's handle.
      type: str
      sample: prod
    effective_role:
      description: The role in effect; null without access (and for inactive members).
      type: str
      sample: Developer
    source:
      description: The kinds of path that give it, in this order - V(account role), V(direct grant), V(team grant),
        V(default role).
      type: list
      elements: str
      sample: [team grant, default role]
    via_team:
      description: The teams whose grants give access.
      type: list
      elements: str
      sample: [data-engineers]
    scopes:
      description: The effective scopes, expanded and sorted.
      type: list
      elements: str
      sample: [run_deployments, see_deployments, see_flows]
    why:
      description: Every path, in words.
      type: list
      elements: str
      sample: [team data-engineers (Developer), default role of the workspace (Viewer)]
    status:
      description: V(active) or V(inactive).
      type: str
      sample: active
    key_expiration:
      description: A bot's key expiry (null when it never expires, and for people).
      type: str
      sample: '2026-06-01T00:00:00Z'
    object_acls:
      description:
        - In words, the objects whose access lists take levels away from the actor in this workspace (empty when none
          does, and for inactive members), or that the key may not read them.
      type: str
      sample: "work pool k8s-prod: keeps view; block secret/warehouse: no access"
    object_levels:
      description: The same, one entry per object.
      type: list
      elements: dict
      contains:
        kind:
          description: V(work pool), V(deployment) or V(block).
          type: str
          sample: work pool
        object:
          description: The object's name (C(<flow>/<deployment>), C(<block type slug>/<block>) for the others).
          type: str
          sample: k8s-prod
        holds:
          description: The levels the actor keeps (those its role allows and the list gives it).
          type: list
          elements: str
          sample: [view]
        loses:
          description: The levels its role allows that the list takes away.
          type: list
          elements: str
          sample: [manage, run]
        via_work_pool:
          description: For a deployment, the work pool whose list decides for it instead of its own; null otherwise.
          type: str
          sample: k8s-prod
    inactive_would_have:
      description: For an inactive member, the role it would have again once active; null otherwise.
      type: str
      sample: Viewer
invitations:
  description: Pending invitations (expired ones included, marked).
  returned: always
  type: list
  elements: dict
  contains:
    email:
      description: Who is invited.
      type: str
      sample: newcomer@acme.io
    account_role:
      description: The account role on acceptance.
      type: str
      sample: Member
    workspace:
      description: The workspace of a workspace invitation; null for an account invitation.
      type: str
      sample: staging
    workspace_role:
      description: The workspace role on acceptance (workspace invitations).
      type: str
      sample: Viewer
    expiration:
      description: When the invitation expires.
      type: str
      sample: '2026-03-09T14:05:12Z'
    expired:
      description: Whether it has expired.
      type: bool
      sample: false
summary:
  description: What an auditor looks at first.
  returned: always
  type: dict
  contains:
    owners:
      description: Active members with the Owner account role.
      type: list
      elements: str
      sample: [olive@acme.io]
    admins:
      description: Active members of another account role that is Owner of every workspace (Admin).
      type: list
      elements: str
      sample: [alan@acme.io]
    bots_without_key_expiry:
      description: Active bots whose key never expires.
      type: list
      elements: str
      sample: [legacy-sync]
    default_role_only:
      description: People who reach a workspace only through its default role.
      type: list
      elements: dict
      sample: [{actor: mia@acme.io, workspaces: [staging]}]
    people:
      description: Active people.
      type: int
      sample: 12
    bots:
      description: Active bots.
      type: int
      sample: 4
    workspaces:
      description: Workspaces reviewed.
      type: int
      sample: 3
    inactive_members:
      description: Inactive members.
      type: list
      elements: str
      sample: [former@acme.io]
    pending_invitations:
      description: Invitations not yet accepted and not expired.
      type: int
      sample: 1
    expired_invitations:
      description: Invitations past their expiry, never accepted.
      type: int
      sample: 0
object_acls:
  description: Whether object-level access lists are covered.
  returned: always
  type: dict
  contains:
    covered:
      description: True - the rows show where object access lists narrow access.
      type: bool
      sample: true
    note:
      description: What that means for the review.
      type: str
      sample: Object-level access lists (work pools, deployments, blocks) are read.
changes:
  description: Who gained, lost or changed access since the review of O(previous_csv).
  returned: when previous_csv is given
  type: dict
  contains:
    gained:
      description: Members with access now that had none.
      type: list
      elements: dict
      sample: [{actor: dan@acme.io, kind: user, workspace: prod, before: null, after: Developer}]
    lost:
      description: Members without access now that had some.
      type: list
      elements: dict
      sample: [{actor: old-bot, kind: bot, workspace: prod, before: Runner, after: null}]
    changed:
      description: Members whose effective role changed.
      type: list
      elements: dict
      sample: [{actor: mia@acme.io, kind: user, workspace: staging, before: Viewer, after: Developer}]
csv:
  description: The review as CSV - actor, kind, account_role, workspace, effective_role, source, via_team, scopes,
    status, key_expiration, object_acls.
  returned: when render holds csv
  type: str
  sample: "actor,kind,account_role,workspace,effective_role,source,via_team,scopes,status,key_expiration,object_acls\n"
html:
  description: The review as one self-contained HTML page.
  returned: when render holds html
  type: str
  sample: "<!DOCTYPE html>\n<html lang=\"en\">...</html>\n"
count:
  description: How many rows there are.
  returned: always
  type: int
  sample: 42
"""

from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._resources.access_report import read_csv, to_csv, to_html
from ansible_collections.prefect.cloud.plugins.module_utils._resources.access_review import (
    compare,
    csv_rows,
    read_account,
    review,
)


def earlier_review(path):
    """The rows of an earlier review's CSV; ``ValueError`` naming ``previous_csv`` when it cannot be read."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return read_csv(handle.read())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ValueError("previous_csv: cannot read %s as an earlier review (%s)" % (path, exc)) from None


def run(module):
    params = module.params
    previous = earlier_review(params["previous_csv"]) if params["previous_csv"] else None
    try:
        data = read_account(module.api, params["workspace"])
    except ValueError as exc:
        module.fail(str(exc))
    result = review(data, module.client.server_now())
    rows = csv_rows(result)
    changes = compare(previous, rows) if previous is not None else None
    if changes is not None:
        result["changes"] = changes
    if "csv" in params["render"]:
        result["csv"] = to_csv(rows)
    if "html" in params["render"]:
        result["html"] = to_html(result, changes)
    result.update(changed=False, count=len(result["rows"]))
    return result


def main():
    module = PrefectCloudModule(
        argument_spec={
            "workspace": {"type": "list", "elements": validate.STRING},
            "previous_csv": {"type": "path"},
            "render": {"type": "list", "elements": validate.STRING, "choices": ["csv", "html"], "default": []},
        },
    )
    try:
        validate.check_options(module.params, {"workspace": validate.list_of(validate.workspace_reference)})
        if module.params["previous_csv"]:
            earlier_review(module.params["previous_csv"])  # a bad file fails before any request
    except ValueError as exc:
        module.fail(str(exc))
    module.run(lambda: run(module))


if __name__ == "__main__":
    main()
