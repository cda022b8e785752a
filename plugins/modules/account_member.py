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
    demoted or deactivated, the caller's own membership is never removed or deactivated unless
    O(allow_self_removal=true), and the caller is never given a role with fewer permissions unless
    O(allow_self_demotion=true). A guard that stops a task fails it in check mode too."
  - After an Owner is demoted, deactivated or removed, the active Owners are counted again; if none is left,
    the task fails (reporting C(changed)) with what happened and how to repair it.
  - Many members are managed by one task with O(members) (the bulk form), and with O(exclusive) the account's
    members become exactly those listed.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  email:
    description:
      - The member's email address (compared without regard to case).
      - Required unless O(members) is given; the two do not combine.
    type: str
  members:
    description:
      - Many members in one task, each entry with the options of a single member. The options of the entries
        cannot be given at the top level as well; O(allow_self_removal) applies to every entry.
      - One request reads every listed member (with O(exclusive), one paginated read of all members). Every entry
        is read, planned and guarded before the first write, and the last-Owner guard judges the entries together
        (demoting two of two Owners in one task is refused), so a refusal leaves nothing half-done.
    type: list
    elements: dict
    suboptions:
      email:
        description: The member's email address (see O(email)).
        type: str
        required: true
      account_role:
        description: The account role (see O(account_role)).
        type: str
      active:
        description: Whether the membership is active (see O(active)).
        type: bool
      state:
        description: V(present) or V(absent), for this member.
        type: str
        choices: [present, absent]
        default: present
  exclusive:
    description:
      - With O(members), remove every user member of the account that no entry names. With an empty
        O(members), that is every user member but the caller.
      - The caller's own membership is never removed this way, nor the last active Owner (the guard refuses).
        Service accounts (bots) are not account members here and are never touched.
      - With no entry to keep (an empty O(members), or only O(members[].state=absent)), that is every user member
        but the caller, which is refused unless O(allow_remove_all=true).
      - At most O(max_removals) members are removed by one task.
      - Check mode lists exactly who would be removed (in C(results) and the diff).
    type: bool
    default: false
  allow_remove_all:
    description:
      - Let O(exclusive) remove every user member but the caller when no entry keeps one. Without it such a task
        fails before any write, in check mode too, naming whom it would remove; an empty list is more often a
        mistake (a variable that did not load, entries commented out) than meant.
    type: bool
    default: false
  max_removals:
    description:
      - The most members one task with O(members) may remove (listed with O(members[].state=absent) and removed
        by O(exclusive) together). A task that would remove more fails before any write, in check mode too,
        naming them; its C(results) and C(diff) show the refused plan. Raise it on purpose.
    type: int
    default: 10
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
  allow_self_demotion:
    description:
      - Allow the task to give the user the API key belongs to an account role that lacks a permission of the role
        they have now (an Owner made Admin, say). Without it such a task fails before any write, in check mode too,
        naming the permissions the key would lose; every later task that needs one of them would fail with HTTP 403.
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
notes:
  - The last-Owner guard counts the active Owners before its write, and the API gives no way to make that count
    and the write one step. Two runs demoting, deactivating or removing two different Owners at the same time can
    each see the other Owner still there, and together leave the account without one (unless Prefect Cloud itself
    refuses the second write). The count after the write turns that into a loud failure rather than a silent
    success; it cannot undo it. Do not change several Owners from parallel runs.
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

    - name: The account's members are exactly these (anyone else is removed, never the caller)
      prefect.cloud.account_member:
        members:
          - email: dan@acme.io
            account_role: Admin
          - email: erin@acme.io
            account_role: Member
          - email: owner@acme.io
            account_role: Owner
        exclusive: true
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
members:
  description: With O(members), each listed member after the task (as RV(account_member) describes it), in order.
  returned: when O(members) is given
  type: list
  elements: dict
  sample:
    - email: dan@acme.io
      account_role: Admin
      active: true
results:
  description:
    - With O(members), what the task did to each member, in the order of the entries; with O(exclusive), then
      each member removed because no entry names them.
  returned: when O(members) is given
  type: list
  elements: dict
  contains:
    email:
      description: The member's email address (as the entry gives it).
      type: str
      sample: dan@acme.io
    changed:
      description: Whether the membership changed.
      type: bool
      sample: true
    action:
      description: V(update), V(delete), or null when nothing was done.
      type: str
      sample: update
    msg:
      description: What happened to the member.
      type: str
      sample: account member 'dan@acme.io' updated
msg:
  description: "What happened, such as C(account member 'dan@acme.io' updated), or with O(members) C(12 account members: 1 updated)."
  returned: always
  type: str
  sample: account member 'dan@acme.io' updated
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudHTTPError, Refusal
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import ACCOUNT_MEMBER, ACCOUNT_ROLE
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.bulk import BulkForm, run_either_form
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import DELETE, Resource
from ansible_collections.prefect.cloud.plugins.module_utils._resources.caller import CallerIdentity


# How many of the permissions a refused self-demotion would take away its message names.
PERMISSIONS_NAMED = 8


class AccountMember(Resource):
    api_resource = ACCOUNT_MEMBER
    result_key = "account_member"
    identity = "email"
    noun = "account member"

    @classmethod
    def parse_options(cls, params):
        validate.check_options(params, {"email": validate.email, "account_role": validate.identity})
        return params

    def read(self):
        row = super().read()
        if row is None and self.params["state"] == "present":
            raise Refusal(
                "%s is not a member of the account; people join by accepting an invitation: "
                "invite them with prefect.cloud.invitation" % self.params["email"]
            )
        return row

    def view(self, raw):
        return {"email": raw.get("email"), "account_role": raw.get("account_role_name"), "active": raw.get("active")}

    def desired(self, before):
        desired = dict(before)
        if self.is_set("account_role"):
            desired["account_role"] = self.resolver.role_name(ACCOUNT_ROLE, self.params["account_role"])
        if self.is_set("active"):
            desired["active"] = self.params["active"]
        return desired

    def changes(self, plan):
        return {"deactivate": bool(plan.before_raw.get("active")) and plan.desired["active"] is False}

    def check_references(self, plan):
        self.resolver.require_role(ACCOUNT_ROLE, plan.desired["account_role"])

    def guard(self, plan):
        raw, desired = plan.before_raw, plan.desired
        removing = plan.action == DELETE
        deactivating = not removing and plan.changes["deactivate"]
        action = "remove" if removing else "deactivate" if deactivating else "demote"
        losing_owner = raw.get("account_role_name") == "Owner" and raw.get("active") and (
            removing or deactivating or desired["account_role"] != "Owner"
        )
        # What the planned change does to an active Owner ("demote", "deactivate", "remove"), if anything.
        plan.changes["owner_loss"] = action if losing_owner else None
        if losing_owner and self.active_user_owners() <= 1:
            raise Refusal(
                "refusing to %s %s: they are the account's last active Owner, and the account would have no owner left"
                % (action, self.params["email"])
            )
        if (removing or deactivating) and not self.params["allow_self_removal"]:
            caller = CallerIdentity(self.module.connection)
            if caller.is_user(user_id=raw.get("user_id"), email=raw.get("email")):
                raise Refusal(
                    "refusing to %s %s: that is the caller's own membership (set allow_self_removal: true to do it anyway)"
                    % (action, self.params["email"])
                )
        if not removing and desired["account_role"] != raw.get("account_role_name") and not self.params["allow_self_demotion"]:
            self.refuse_self_demotion(raw, desired["account_role"])

    def refuse_self_demotion(self, raw, role_name):
        """Refuse a new account role for the caller that lacks a permission its role has now.

        The key running the task is the caller's: every later task that needs a permission it loses
        fails with HTTP 403, and check mode could not tell. Asked only when a member's role changes.
        """
        before = self.resolver.role(ACCOUNT_ROLE, raw.get("account_role_name")) or {}
        after = self.resolver.require_role(ACCOUNT_ROLE, role_name)
        lost = sorted(set(before.get("permissions") or []) - set(after.get("permissions") or []))
        if not lost or not CallerIdentity(self.module.connection).is_user(user_id=raw.get("user_id"), email=raw.get("email")):
            return
        named = ", ".join(lost[:PERMISSIONS_NAMED]) + (" and %d more" % (len(lost) - PERMISSIONS_NAMED) if len(lost) > PERMISSIONS_NAMED else "")
        raise Refusal(
            "refusing to demote %s from %s to %s: that is the caller's own membership, and the key running this task "
            "would lose %d account permission(s) - %s - and every later task that needs one fails with HTTP 403. Set "
            "allow_self_demotion: true to do it anyway" % (self.params["email"], raw.get("account_role_name"), role_name, len(lost), named)
        )

    # -- the bulk form -------------------------------------------------------

    @classmethod
    def prefetch(cls, module, entries, exclusive):
        """Exclusive mode reads every user member (one paginated read) and removes those no entry names."""
        if not exclusive:
            return super().prefetch(module, entries, exclusive)
        rows = module.api.list(ACCOUNT_MEMBER)
        for row in rows:
            module.resolver.remember(ACCOUNT_MEMBER, row)
        listed = set()
        for found in module.resolver.find_many(ACCOUNT_MEMBER, [params["email"] for params in entries]).values():
            listed.add(found["user_id"])
        caller = CallerIdentity(module.connection)
        unlisted = [
            {"email": row["email"], "state": "absent"}
            for row in rows
            if row["user_id"] not in listed and not caller.is_user(user_id=row.get("user_id"), email=row.get("email"))
        ]
        return None, sorted(unlisted, key=lambda params: params["email"].lower())

    @classmethod
    def guard_many(cls, module, planned):
        """Owners lost across the entries: each entry's guard saw the others' Owners still there."""
        losing = [(resource, plan.changes["owner_loss"]) for resource, plan in planned if plan.changes.get("owner_loss")]
        if len(losing) < 2:
            return
        if losing[0][0].active_user_owners() <= len(losing):
            raise Refusal(
                "refusing to %s: together they would leave the account without an active Owner"
                % ", ".join("%s %s" % (loss, resource.params["email"]) for resource, loss in losing)
            )

    def active_user_owners(self):
        owner = self.resolver.require_role(ACCOUNT_ROLE, "Owner")
        body = ACCOUNT_MEMBER.criteria("account_role_id", [owner["id"]])
        body.update(only_users=True, active=True)
        return self.call("count", json=body)

    def recheck_owners(self, plan):
        """After an Owner lost that role, count the active Owners again, and refuse loudly (after the write) if none is left.

        The guard counted before the write; a run elsewhere demoting, deactivating or removing the other
        Owner between that count and this write leaves the account with none, which only a count after
        both writes can tell.
        """
        if not plan.changes.get("owner_loss"):
            return
        try:
            left = self.active_user_owners()
        except PrefectCloudHTTPError as exc:
            if exc.status not in (401, 403, 404):
                raise
            # The caller gave up its own right to read the account (deactivated or removed itself).
            self.module.warn(
                "%s: could not count the account's active Owners after the change (HTTP %d); make sure one is left"
                % (self.describe(), exc.status)
            )
            return
        if left == 0:
            past = {"demote": "demoted", "deactivate": "deactivated", "remove": "removed"}[plan.changes["owner_loss"]]
            raise Refusal(
                "%s was %s, and the account now has no active Owner: another Owner lost that role between this task's "
                "check that one would be left and its write (a concurrent run, most likely). To repair it, someone "
                "who may still manage members (an Admin) makes a member Owner again - prefect.cloud.account_member "
                "with account_role: Owner - or, if no one can, asks Prefect support"
                % (self.params["email"], past),
                changed=True,
            )

    def update(self, plan):
        raw, before, desired = plan.before_raw, plan.before, plan.desired
        after = dict(raw)
        if desired["account_role"] != before["account_role"]:
            role = self.resolver.require_role(ACCOUNT_ROLE, desired["account_role"])
            self.call("update", json={"account_role_id": role["id"]}, id=raw["id"])
            after.update(account_role_id=role["id"], account_role_name=role["name"])
        if desired["active"] != before["active"]:
            self.call("set_active", json={"active": desired["active"]}, id=raw["id"])
            after["active"] = desired["active"]
            if plan.changes["deactivate"] and CallerIdentity(self.module.connection).is_user(raw.get("user_id"), raw.get("email")):
                # The caller just deactivated itself and may no longer read the account: report what was written.
                self.recheck_owners(plan)
                return after
        self.recheck_owners(plan)
        return None

    def delete(self, plan):
        super().delete(plan)
        self.recheck_owners(plan)


MEMBER_OPTIONS = {
    "email": {"type": validate.STRING},
    "account_role": {"type": validate.STRING},
    "active": {"type": "bool"},
    "state": {"type": validate.STRING, "choices": ["present", "absent"], "default": "present"},
}


def main():
    form = BulkForm(AccountMember, "members", exclusive="exclusive")
    options = form.module_options(MEMBER_OPTIONS)
    options["argument_spec"]["allow_self_removal"] = {"type": "bool", "default": False}
    options["argument_spec"]["allow_self_demotion"] = {"type": "bool", "default": False}
    run_either_form(PrefectCloudModule(**options), form)


if __name__ == "__main__":
    main()
