#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: api_key
short_description: Manage your own Prefect Cloud user API keys
version_added: 0.1.0
description:
  - Ensures the user that O(api_key) belongs to has (or has not) an API key with the given O(name).
  - A new key is returned once, as the top-level RV(api_key) of the run that created it; Prefect Cloud never
    shows it again. Register the result with C(no_log) and store it where it belongs.
  - Keys cannot be changed in place. When an existing key has another expiration than O(expiration), it is
    replaced (a new key, the old one deleted) only with O(replace=true); otherwise the module warns and keeps it.
  - Service-account keys are managed with M(prefect.cloud.bot); this module needs a user key (C(pnu_...)).
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  name:
    description:
      - The key's name. It identifies the key. Key names are not unique in Prefect Cloud; when several keys
        share the name, O(state=absent) deletes them all and O(state=present) is satisfied by any of them.
    type: str
    required: true
  expiration:
    description:
      - When a key created by this module expires, as a duration from now (V(90d), V(12h), V(1w)) or an
        ISO-8601 date/time (V(2027-01-31T00:00:00Z)). Unset means the key never expires.
      - A duration applies only to a key the run creates; a fixed date/time is also compared with an
        existing key's expiration (see O(replace)).
    type: str
  replace:
    description:
      - Replace an existing key whose expiration differs from a fixed O(expiration). The new key is returned
        in RV(api_key); the old one stops working at once.
    type: bool
    default: false
  state:
    description:
      - V(present) creates the key when no key has that name; V(absent) deletes every key with that name.
      - The key the module itself authenticates with is never deleted or replaced.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: partial
    details:
      - Check mode predicts creation, replacement and deletion but cannot mint a key, so RV(api_key) is not returned.
notes:
  - "What is guaranteed: a key minted by a run is returned by that run (when the read after the creation
    fails, with a warning and the creation's answer as the object). A creation whose answer is lost or
    times out is looked for (a slow one is waited for) before anything is sent again; a key made by a
    request whose answer never arrived can never be shown, so it is deleted and a new one created."
  - "What is not: Prefect Cloud lets any number of keys share a name, so it cannot refuse a second one.
    The module reads the keys of this name at the start of the run and again right before it creates
    one, which makes a duplicate from two runs of the same task at the same moment unlikely, not
    impossible. A later run warns when several keys share the name; O(state=absent) deletes them all."
seealso:
  - module: prefect.cloud.api_key_info
  - module: prefect.cloud.bot
"""

EXAMPLES = r"""
- name: A personal key for the CI system
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  vars:
    key_folder: /etc/ci  # where the key is kept
  tasks:
    - name: A folder for the key, made before the key is minted (a key that cannot be written is lost)
      ansible.builtin.file:
        path: "{{ key_folder }}"
        state: directory
        mode: "0700"

    - name: Create the key once; later runs leave it alone
      prefect.cloud.api_key:
        name: ci-pipeline
        expiration: 90d
      register: ci_key
      no_log: true

    - name: Store a newly created key, readable only by its owner
      ansible.builtin.copy:
        dest: "{{ key_folder }}/prefect-api-key"
        content: "{{ ci_key.api_key }}"
        mode: "0600"
      when: ci_key.api_key is defined
      no_log: true

    - name: Retire an old key
      prefect.cloud.api_key:
        name: laptop-2024
        state: absent
"""

RETURN = r"""
api_key:
  description:
    - The new key, only on the run that created it (or replaced the old one). It is shown nowhere else.
  returned: when a key was created or replaced (never in check mode)
  type: str
  sample: pnu_********************************
user_api_key:
  description: The key's metadata after the task (never the key itself); in check mode, the prediction. Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Key id.
      type: str
      sample: 7d4c6d2b-b7ee-4a82-975a-95124244d877
    name:
      description: Key name.
      type: str
      sample: ci-pipeline
    expiration:
      description: When the key expires (null means never). A prediction shows a duration as C(90d from now).
      type: str
      sample: '2026-04-12T09:30:41.204518Z'
    masked_key:
      description: The key's prefix and last four characters, such as C(pnu_...a1B2).
      type: str
      sample: pnu_...a1b2
    created:
      description: When the key was created.
      type: str
      sample: '2026-01-12T09:30:41.204518Z'
diff:
  description: The key's name and expiration before and after, in diff mode.
  returned: when diff mode is on
  type: dict
  sample: {before: {}, after: {name: ci-pipeline, expiration: 90d from now}}
msg:
  description: What happened, such as C(user API key 'ci-pipeline' created).
  returned: always
  type: str
  sample: user API key 'ci-pipeline' created
"""

import datetime

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudError, Refusal
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import USER_API_KEY
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import (
    DELETE,
    UNDONE,
    ObjectExists,
    Resource,
    run_resource,
)
from ansible_collections.prefect.cloud.plugins.module_utils._engine.values import (
    RequestedExpiration,
    format_datetime,
    parse_datetime,
)
from ansible_collections.prefect.cloud.plugins.module_utils._resources.caller import key_matches_mask


class UserApiKey(Resource):
    api_resource = USER_API_KEY
    result_key = "user_api_key"
    identity = "name"

    @classmethod
    def parse_options(cls, params):
        validate.check_options(params, {"name": validate.identity})
        if params["api_key"].startswith("pnb_"):
            raise ValueError(
                "prefect.cloud.api_key manages the caller's own user API keys, and api_key is a service-account key; "
                "manage service-account keys with prefect.cloud.bot"
            )
        expiration = None
        if params["expiration"] is not None:
            now = datetime.datetime.now(datetime.timezone.utc)
            expiration = RequestedExpiration(params["expiration"], "expiration", now)
        return {"expiration": expiration}

    def __init__(self, module, options=None):
        super().__init__(module, options)
        #: every key of the caller with this name, as read before the change
        self.named_rows = []

    def keys(self, operation, json=None, params=None, **ids):
        """An operation on the caller's own keys (they live under the caller's user id)."""
        return self.call(operation, json=json, params=params, user_id=self.module.connection.me()["id"], **ids)

    def delete_key(self, row):
        self.api.delete(USER_API_KEY, user_id=self.module.connection.me()["id"], id=row["id"])

    def keys_named(self):
        """The caller's keys with exactly this name (the server's ``name`` filter is only a hint)."""
        rows = self.keys("list", params={"name": self.params["name"]}) or []
        return [r for r in rows if r.get("name") == self.params["name"]]

    def read(self):
        self.named_rows = self.keys_named()
        if len(self.named_rows) > 1:
            self.module.warn("%d user API keys are named %r" % (len(self.named_rows), self.params["name"]))
        # The newest key stands for the name.
        return max(self.named_rows, key=lambda r: r.get("created") or "") if self.named_rows else None

    def view(self, raw):
        return {"name": raw["name"], "expiration": format_datetime(raw.get("expiration"))}

    def view_after(self, plan, after_raw):
        view = self.view(after_raw)
        if "api_key" in plan.extra_result:
            # A key minted in this run shows the expiration asked for, as check mode showed it.
            view["expiration"] = plan.desired["expiration"]
        return view

    def desired(self, before):
        expiration = self.options["expiration"]
        label = expiration.label if expiration is not None else None
        if before is None:
            return {"name": self.params["name"], "expiration": label}
        fixed = expiration is not None and not expiration.is_duration
        if not fixed or parse_datetime(before["expiration"]) == parse_datetime(label):
            return dict(before)
        if not self.params["replace"]:
            self.module.warn(
                "%s expires %s, not %s; set replace: true to replace it with a new key"
                % (self.describe(), before["expiration"] or "never", label)
            )
            return dict(before)
        return {"name": self.params["name"], "expiration": label}

    def guard(self, plan):
        if plan.before_raw is None:
            return
        for row in self.named_rows:
            if key_matches_mask(self.params["api_key"], row.get("masked_key")):
                raise Refusal(
                    "refusing to %s %s: this task authenticates with it; use another key to do that"
                    % ("delete" if plan.action == DELETE else "replace", self.describe())
                )

    def create(self, plan):
        self.refuse_if_made_meanwhile()
        body = {"name": self.params["name"]}
        if self.options["expiration"] is not None:
            body["expiration"] = self.options["expiration"].wire(self.client.server_now())
        # Key names are not unique: a create whose outcome stays unknown is never resent blindly.
        created = self.write_recovering(lambda: self.keys("create", json=body), recover=self.discard_lost_key, unique=False)
        plan.extra_result["api_key"] = created.pop("key")
        # The creation response has no mask; the stored key's metadata has. Should that read
        # fail, the response stands in for it: the key just minted must reach the user.
        try:
            return self.api.get_or_none(USER_API_KEY, user_id=self.module.connection.me()["id"], id=created["id"]) or created
        except PrefectCloudError as exc:
            self.module.warn("could not read %s after creating it (%s); the result is the creation's answer" % (self.describe(), exc))
            return created

    def refuse_if_made_meanwhile(self):
        """Look again right before minting: another run may have made a key of this name since the read.

        The API lets any number of keys share a name, so this narrows the window in which two
        concurrent runs both create one; it cannot close it.
        """
        known = set(r["id"] for r in self.named_rows)
        rows = self.keys_named()
        made = [row for row in rows if row["id"] not in known]
        if made:
            self.named_rows = rows
            raise ObjectExists(max(made, key=lambda r: r.get("created") or ""))

    def discard_lost_key(self):
        """A key created by a request whose response was lost can never be shown: delete it and create anew.

        Only keys that were not there before this run are the lost write's.
        """
        known = set(r["id"] for r in self.named_rows)
        lost = [row for row in self.keys_named() if row["id"] not in known]
        for row in lost:
            self.module.warn("deleting user API key %s: its creation response (the only copy of the key) was lost" % row["id"])
            self.delete_key(row)
        return UNDONE if lost else None

    def update(self, plan):
        # Keys cannot change: mint the replacement first, then delete what it replaces.
        replaced = list(self.named_rows)
        created = self.create(plan)
        for row in replaced:
            self.delete_key(row)
        return created

    def delete(self, plan):
        for row in self.named_rows:
            self.delete_key(row)

    def result_object(self, plan, raw, view):
        result = super().result_object(plan, raw, view)
        if "api_key" in plan.extra_result:
            # The diff shows the requested "90d from now"; the object shows the real moment.
            result["expiration"] = format_datetime(raw.get("expiration"))
        return result


def main():
    module = PrefectCloudModule(
        account_scoped=False,
        argument_spec={
            "name": {"type": validate.STRING, "required": True},
            "expiration": {"type": validate.STRING},
            "replace": {"type": "bool", "default": False},
            "state": {"type": validate.STRING, "choices": ["present", "absent"], "default": "present"},
        },
    )
    run_resource(module, UserApiKey)


if __name__ == "__main__":
    main()
