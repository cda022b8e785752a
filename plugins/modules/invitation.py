#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: invitation
short_description: Invite people to a Prefect Cloud account or workspace, or revoke their invitations
version_added: 0.1.0
description:
  - Ensures that the person with the given O(email) is invited to the account (with an account role),
    or to one O(workspace), unless they are already in.
  - With O(state=present) nothing is sent when the person is already an active member of the account
    (and, with O(workspace), already has access to that workspace), or when a pending invitation that has
    not expired is already out for the same account role (or the same workspace). Otherwise a new
    invitation is sent; Prefect Cloud then revokes the earlier pending ones for that email itself.
  - An invitation that is still pending but has expired counts as absent, so it is sent again.
    Expiry is judged by the server's clock (its C(Date) header), not the clock of the Ansible host.
  - Changing the O(account_role) of a pending invitation sends a new invitation with the new role
    (the old one shows as C(REVOKED) afterwards).
  - When the person is already a member with another account role, no invitation is sent; the task
    reports no change and warns. Change the role of a member with M(prefect.cloud.account_member).
  - With O(state=absent) every pending invitation for the email (to the account, or to O(workspace)) is
    revoked, expired ones included. Members are never touched; remove them with M(prefect.cloud.account_member).
  - Many invitations are managed by one task with O(invitations) (the bulk form); with O(exclusive), the
    pending account invitations that no entry names are revoked.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  email:
    description:
      - The email address of the person to invite. It identifies the invitation and is compared
        case-insensitively.
      - Required unless O(invitations) is given; the two do not combine.
    type: str
  invitations:
    description:
      - Many invitations in one task, each entry with the options of a single invitation. The options of the
        entries cannot be given at the top level as well.
      - One request reads the pending account invitations of every entry, and one the account members among
        them; every entry is planned and checked before the first invitation is sent.
    type: list
    elements: dict
    suboptions:
      email:
        description: The email address of the person to invite (see O(email)).
        type: str
        required: true
      workspace:
        description: Invite to this workspace instead of the account (see O(workspace)).
        type: str
      account_role:
        description: The account role of an account invitation (see O(account_role)); not with O(invitations[].workspace).
        type: str
      state:
        description: V(present) or V(absent), for this invitation.
        type: str
        choices: [present, absent]
        default: present
  exclusive:
    description:
      - With O(invitations), revoke every pending account invitation whose email no entry names as an account
        invitation (an entry without O(invitations[].workspace)).
      - Workspace invitations are never revoked this way. Check mode lists exactly what would be revoked.
      - With no entry to keep (an empty O(invitations), or only O(invitations[].state=absent) or workspace
        invitations), that is every pending account invitation, which is refused unless O(allow_remove_all=true).
      - At most O(max_removals) invitations are revoked by one task.
    type: bool
    default: false
  allow_remove_all:
    description:
      - Let O(exclusive) revoke every pending account invitation when no entry keeps one. Without it such a task
        fails before any write, in check mode too, naming what it would revoke; an empty list is more often a
        mistake (a variable that did not load, entries commented out) than meant.
    type: bool
    default: false
  max_removals:
    description:
      - The most invitations one task with O(invitations) may revoke (listed with O(invitations[].state=absent)
        and revoked by O(exclusive) together). A task that would revoke more fails before any write, in check
        mode too, naming them; its C(results) and C(diff) show the refused plan. Raise it on purpose.
    type: int
    default: 10
  workspace:
    description:
      - Invite to this workspace (by handle, or by id) instead of to the account as a whole.
      - Prefect Cloud picks the roles of a workspace invitation itself (the workspace's default role),
        so O(account_role) cannot be used with it.
    type: str
  account_role:
    description:
      - The account role (by name, such as V(Member) or V(Admin), or by id) of an account invitation.
      - Defaults to V(Member) for account invitations. Not allowed with O(workspace).
      - Ignored with O(state=absent), which revokes the pending invitations whatever their role.
    type: str
  state:
    description:
      - V(present) sends an invitation unless the person is already a member or already invited,
        V(absent) revokes the pending invitations for the email.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Accepting an invitation needs the code from the invitation email, which the API never returns,
    so automation cannot accept invitations on someone's behalf.
  - "An invitation whose answer is lost or times out is looked for (a slow one is waited for) and
    never sent again blindly: when it does not show up, the task fails saying so, and the next run
    looks before it sends."
  - "Prefect Cloud does not refuse a second pending invitation for the same address. The module reads
    the pending invitations at the start of the run and again right before it sends one, which makes a
    second invitation from two runs of the same task at the same moment unlikely, not impossible."
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes
seealso:
  - module: prefect.cloud.invitation_info
  - module: prefect.cloud.account_member
  - module: prefect.cloud.workspace_access
"""

EXAMPLES = r"""
- name: Manage invitations
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
      # api_key comes from the PREFECT_API_KEY environment variable
  tasks:
    - name: Invite a new engineer to the account as a Member
      prefect.cloud.invitation:
        email: dana@example.com

    - name: Invite an administrator
      prefect.cloud.invitation:
        email: erin@example.com
        account_role: Admin

    - name: Invite a contractor to the staging workspace only
      prefect.cloud.invitation:
        email: frank@example.com
        workspace: staging

    - name: Withdraw an invitation that was sent by mistake
      prefect.cloud.invitation:
        email: wrong@example.com
        state: absent

    - name: The pending account invitations are exactly these (any other is revoked)
      prefect.cloud.invitation:
        invitations:
          - email: dana@example.com
          - email: erin@example.com
            account_role: Admin
        exclusive: true
"""

RETURN = r"""
invitation:
  description:
    - The invitation after the task (in check mode, the predicted one); when the person is already a member,
      their membership. Empty with O(state=absent).
  returned: always
  type: dict
  contains:
    email:
      description: The email address, in lower case.
      type: str
      sample: dana@example.com
    workspace:
      description: Handle of the workspace of a workspace invitation; null for an account invitation.
      type: str
      sample: staging
    account_role:
      description:
        - Name of the account role the person gets (or, for a member, has).
        - For a workspace invitation, the role the server filled in (null in a check-mode prediction).
      type: str
      sample: Member
    status:
      description: V(pending) when an invitation is out, V(member) when the person is already in.
      type: str
      sample: pending
    id:
      description: Invitation id (pending only; absent from a check-mode prediction of a new invitation).
      type: str
      sample: eacec617-d0a0-4f76-bdfb-b61b9bf75b39
    account_role_id:
      description: Id of the account role.
      type: str
      sample: 1ff050d9-8ae6-409e-93ea-376f3fc81d82
    workspace_id:
      description: Id of the workspace (workspace invitations).
      type: str
      sample: 6b9fc289-df06-4842-94e9-d1dee031f63e
    workspace_role:
      description: Name of the workspace role a workspace invitation grants.
      type: str
      sample: Viewer
    workspace_role_id:
      description: Id of the workspace role a workspace invitation grants.
      type: str
      sample: db3748eb-7fc3-49f8-ba64-6c1c39aa6abf
    expiration:
      description: When the pending invitation expires.
      type: str
      sample: '2026-03-09T14:05:12.871093Z'
    created:
      description: When the pending invitation was created.
      type: str
      sample: '2026-03-02T14:05:12.871093Z'
    user_id:
      description: User id of the member (member only).
      type: str
      sample: f5907131-39cf-4c75-8c90-6308ff23de94
diff:
  description:
    - The invitation before and after (email, workspace, account_role, status), in diff mode.
    - For workspace invitations C(account_role) is null unless the person is a member, since the server picks it.
  returned: when diff mode is on
  type: dict
  sample: {before: {}, after: {email: dana@example.com, workspace: staging, account_role: null, status: pending}}
invitations:
  description: With O(invitations), each invitation after the task (as RV(invitation) describes it), in order.
  returned: when O(invitations) is given
  type: list
  elements: dict
  sample:
    - email: dana@example.com
      workspace: null
      account_role: Member
      status: pending
results:
  description:
    - With O(invitations), what the task did for each entry, in order; with O(exclusive), then each
      invitation revoked because no entry names it.
  returned: when O(invitations) is given
  type: list
  elements: dict
  contains:
    email:
      description: The email address (as the entry gives it).
      type: str
      sample: dana@example.com
    changed:
      description: Whether an invitation was sent or revoked.
      type: bool
      sample: true
    action:
      description: V(create) (sent), V(update) (sent again with another role), V(delete) (revoked), or null.
      type: str
      sample: create
    msg:
      description: What happened for the entry.
      type: str
      sample: invitation for 'dana@example.com' sent
msg:
  description: What happened, such as C(invitation for 'dana@example.com' sent).
  returned: always
  type: str
  sample: invitation for 'dana@example.com' sent
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.secrets import sanitize
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import (
    ACCOUNT_MEMBER,
    ACCOUNT_ROLE,
    WORKSPACE,
    WORKSPACE_ROLE,
)
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.bulk import BulkForm, run_either_form
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import (
    CREATE,
    DELETE,
    UPDATE,
    ObjectExists,
    Resource,
)
from ansible_collections.prefect.cloud.plugins.module_utils._resources.access import AccessLists
from ansible_collections.prefect.cloud.plugins.module_utils._resources.invitations import (
    invitation_resource,
    is_expired,
    read_invitations,
)

DEFAULT_ACCOUNT_ROLE = "Member"


class Invitation(Resource):
    result_key = "invitation"
    identity = "email"
    noun = "invitation"

    @classmethod
    def parse_options(cls, params):
        validate.check_options(
            params,
            {"email": validate.email, "workspace": validate.workspace_reference, "account_role": validate.identity},
        )
        if params.get("workspace") is not None and params.get("account_role") is not None:
            raise ValueError("account_role cannot be combined with workspace: Prefect Cloud picks the roles of a workspace invitation")
        return {"email": params["email"].lower()}

    def __init__(self, module, options=None):
        super().__init__(module, options)
        self.email = self.options["email"]
        self.workspace = None  # the workspace row, once read
        self.expired_at_read = []  # the pending invitations the read found expired (the plan keeps them)

    @property
    def api_resource(self):
        return invitation_resource(self.workspace["id"] if self.workspace else None)

    def describe(self):
        if self.params["workspace"]:
            return "invitation for %r to workspace %r" % (self.email, self.params["workspace"])
        return "invitation for %r" % self.email

    def scope_ids(self):
        """The ids the invitation paths need: the workspace's, for a workspace invitation."""
        return {"workspace_id": self.workspace["id"]} if self.workspace else {}

    # -- reading -------------------------------------------------------------

    @classmethod
    def entry_key(cls, params):
        # One account invitation and one per workspace may be out for the same person.
        return (params["email"].lower(), params.get("workspace"))

    @classmethod
    def resolved_key(cls, module, params):
        # A workspace named by handle in one entry and by id in another is the same invitation.
        workspace = params.get("workspace")
        row = module.resolver.find(WORKSPACE, workspace) if workspace is not None else None
        return (params["email"].lower(), row["id"] if row else workspace)

    @classmethod
    def keeps(cls, params):
        # Exclusive mode revokes account invitations only: a workspace invitation keeps none of them.
        return params.get("state") != "absent" and params.get("workspace") is None

    @classmethod
    def prefetch(cls, module, entries, exclusive):
        """The pending account invitations of every entry in one read, the members among them in another.

        In exclusive mode the read takes every pending account invitation, and those whose email no
        account entry names are revoked.
        """
        account_emails = [params["email"].lower() for params in entries if params.get("workspace") is None]
        workspaces = [params["workspace"] for params in entries if params.get("workspace") is not None]
        if workspaces:
            module.resolver.find_many(WORKSPACE, workspaces)
        present = [params["email"] for params in entries if params["state"] == "present"]
        if present:
            module.resolver.find_many(ACCOUNT_MEMBER, present)
        pending = {}
        if account_emails or exclusive:
            for row in read_invitations(module.api, None if exclusive else account_emails, ["PENDING"]):
                if row.get("status") == "PENDING" and row.get("workspace_id") is None and row.get("email"):
                    pending.setdefault(row["email"].lower(), []).append(row)
        unlisted = []
        if exclusive:
            listed = set(account_emails)
            unlisted = [{"email": email, "state": "absent"} for email in sorted(pending) if email not in listed]
        return {"pending": pending}, unlisted

    def pending(self, fresh=True):
        """Every PENDING invitation for the email in scope (the account, or the workspace), oldest first.

        Not ``fresh``: from a bulk form's one read of every entry's invitations, when it made one.
        """
        workspace_id = self.workspace["id"] if self.workspace else None
        if not fresh and workspace_id is None and self.prefetched is not None:
            return list(self.prefetched["pending"].get(self.email, []))
        rows = read_invitations(self.api, [self.email], ["PENDING"], workspace_id)
        rows = [r for r in rows if (r.get("email") or "").lower() == self.email and r.get("status") == "PENDING"]
        if workspace_id is None:
            # Workspace invitations are not account invitations, whatever a server lists here.
            rows = [r for r in rows if r.get("workspace_id") is None]
        return rows

    def live_pending(self, fresh=True):
        """``(live, expired)``: the pending invitations that can still be accepted, and those that cannot (the server's clock decides)."""
        rows = self.pending(fresh)
        now = self.client.server_now()
        return [r for r in rows if not is_expired(r, now)], [r for r in rows if is_expired(r, now)]

    def has_workspace_access(self):
        rows = AccessLists.read(self.api, self.workspace, {"user": [self.email]}).rows["user"]
        return any((r.get("email") or "").lower() == self.email for r in rows)

    def read(self):
        if self.params["workspace"]:
            self.workspace = self.resolver.require(WORKSPACE, self.params["workspace"])
        if self.params["state"] == "absent":
            rows = self.pending(fresh=False)
            return {"pending": rows} if rows else None
        member = self.resolver.find(ACCOUNT_MEMBER, self.email)
        if member is not None and member.get("active", True) and (self.workspace is None or self.has_workspace_access()):
            return {"member": member}
        live, self.expired_at_read = self.live_pending(fresh=False)
        return {"pending": live} if live else None

    def plan(self, before_raw, before, state):
        plan = super().plan(before_raw, before, state)
        # What the read found expired, as the message says it; a look after a lost answer does not change it.
        plan.changes["expired"] = list(self.expired_at_read)
        return plan

    # -- the comparable view -------------------------------------------------

    def workspace_handle(self):
        if self.workspace is not None:
            return self.workspace["handle"]
        return self.params["workspace"]

    def view(self, raw):
        if "member" in raw:
            return {
                "email": self.email,
                "workspace": self.workspace_handle(),
                "account_role": raw["member"].get("account_role_name"),
                "status": "member",
            }
        newest = raw["pending"][-1] if "pending" in raw else raw
        return {
            "email": (newest.get("email") or self.email).lower(),
            "workspace": self.workspace_handle(),
            # The server picks the account role of a workspace invitation: not compared, not predicted.
            "account_role": None if self.params["workspace"] else self.resolver.role_name(ACCOUNT_ROLE, newest.get("account_role_id")),
            "status": "pending",
        }

    def wanted_role(self):
        """The account role name of an account invitation (V(Member) when unset)."""
        return self.resolver.require_role(ACCOUNT_ROLE, self.params["account_role"] or DEFAULT_ACCOUNT_ROLE)["name"]

    def desired(self, before):
        if before is not None and before["status"] == "member":
            # A member is never invited again, whatever the role; say so when the roles differ.
            if self.is_set("account_role") and self.wanted_role() != before["account_role"]:
                self.module.warn(
                    "%s is already a member of the account with the account role %r, not %r; no invitation was sent. "
                    "Use prefect.cloud.account_member to change the role of a member."
                    % (self.email, before["account_role"], self.wanted_role())
                )
            return dict(before)
        return {
            "email": self.email,
            "workspace": self.workspace_handle(),
            "account_role": None if self.params["workspace"] else self.wanted_role(),
            "status": "pending",
        }

    # -- writing -------------------------------------------------------------

    def recover(self):
        """After a lost response: the invitation that the lost request created, if it did."""
        live, _expired = self.live_pending()
        if live and (self.params["workspace"] or self.view(live[-1])["account_role"] == self.wanted_role()):
            return live[-1]
        return None

    def create(self, plan):
        # Look again right before sending: another run may have sent this invitation since the
        # read. Nothing in the API refuses a second one, so this narrows the window, no more.
        sent_meanwhile = self.recover()
        if sent_meanwhile is not None:
            raise ObjectExists({"pending": [sent_meanwhile]})
        if self.workspace is not None:
            return self.write_recovering(
                lambda: self.call("create", json={"email": self.email}, **self.scope_ids()), self.recover, unique=False
            )
        role = self.resolver.require_role(ACCOUNT_ROLE, plan.desired["account_role"])
        body = [{"email": self.email, "account_role_id": role["id"]}]

        def send():
            rows = self.call("create", json=body) or []
            return next((r for r in rows if (r.get("email") or "").lower() == self.email), rows[0] if rows else {})

        # Nothing stops a second invitation to the same address: never resend one blindly.
        return self.write_recovering(send, self.recover, unique=False)

    def update(self, plan):
        # A pending invitation cannot be changed: a new one replaces it (the server revokes the old one).
        return self.create(plan)

    def delete(self, plan):
        for row in plan.before_raw["pending"]:
            self.call("revoke", id=row["id"], **self.scope_ids())

    # -- the result ------------------------------------------------------------

    def message(self, plan):
        label = self.describe()
        if plan.before is not None and plan.before["status"] == "member":
            where = "workspace %r" % self.workspace_handle() if self.params["workspace"] else "the account"
            return "%s is already a member of %s; no invitation sent" % (self.email, where)
        if plan.action == CREATE:
            return "%s %s" % (label, "re-sent (the pending one had expired)" if plan.changes.get("expired") else "sent")
        if plan.action == UPDATE:
            return "%s re-sent with the account role %r" % (label, plan.desired["account_role"])
        if plan.action == DELETE:
            return "%s revoked" % label
        if plan.desired is None:
            return "no pending %s" % label
        return "%s already pending" % label

    def public(self, raw, view):
        result = dict(view or {})
        if not raw or self.view(raw) != view:
            # A check-mode prediction: nothing is known yet beyond the view.
            return sanitize(result)
        if "member" in raw:
            member = raw["member"]
            result["user_id"] = member.get("user_id")
            result["account_role_id"] = member.get("account_role_id")
            result["account_role"] = member.get("account_role_name")
            return sanitize(result)
        row = raw["pending"][-1] if "pending" in raw else raw
        for key in ("id", "account_id", "account_role_id", "workspace_id", "workspace_role_id", "expiration", "created", "updated"):
            if key in row:
                result[key] = row[key]
        if row.get("account_role_id") and result.get("account_role") is None:
            result["account_role"] = self.resolver.role_name(ACCOUNT_ROLE, row["account_role_id"])
        if row.get("workspace_role_id"):
            result["workspace_role"] = self.resolver.role_name(WORKSPACE_ROLE, row["workspace_role_id"])
        return sanitize(result)


INVITATION_OPTIONS = {
    "email": {"type": validate.STRING},
    "workspace": {"type": validate.STRING},
    "account_role": {"type": validate.STRING},
    "state": {"type": validate.STRING, "choices": ["present", "absent"], "default": "present"},
}


def main():
    form = BulkForm(Invitation, "invitations", exclusive="exclusive")
    options = form.module_options(INVITATION_OPTIONS)
    options["mutually_exclusive"].append(("workspace", "account_role"))
    run_either_form(PrefectCloudModule(**options), form)


if __name__ == "__main__":
    main()
