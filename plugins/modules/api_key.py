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
  tasks:
    - name: Create the key once; later runs leave it alone
      prefect.cloud.api_key:
        name: ci-pipeline
        expiration: 90d
      register: ci_key
      no_log: true

    - name: Store a newly created key, readable only by its owner
      ansible.builtin.copy:
        dest: /etc/ci/prefect-api-key
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

from ansible_collections.prefect.cloud.plugins.module_utils._caller import key_matches_mask
from ansible_collections.prefect.cloud.plugins.module_utils._client import PrefectCloudError
from ansible_collections.prefect.cloud.plugins.module_utils._module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._reconcile import Resource, run_resource
from ansible_collections.prefect.cloud.plugins.module_utils._values import (
    expiration_from_option,
    format_datetime,
    is_duration,
    parse_datetime,
    requested_expiration_label,
)


class UserApiKey(Resource):
    kind = "user_api_key"

    def __init__(self, module):
        super().__init__(module)
        self.minted_label = None
        self._user_id = None
        self._all_named = []

    def describe(self):
        return "user API key %r" % self.params["name"]

    @property
    def keys_path(self):
        if self._user_id is None:
            self._user_id = self.client.get("/me/")["id"]
        return "/users/%s/api_keys" % self._user_id

    def keys_named(self):
        """The caller's keys with exactly this name (the server's ``name`` filter is only a hint)."""
        rows = self.client.get(self.keys_path, params={"name": self.params["name"]}) or []
        return [r for r in rows if r.get("name") == self.params["name"]]

    def read(self):
        self._all_named = self.keys_named()
        if len(self._all_named) > 1:
            self.module.warn("%d user API keys are named %r" % (len(self._all_named), self.params["name"]))
        # The newest key stands for the name.
        return max(self._all_named, key=lambda r: r.get("created") or "") if self._all_named else None

    def view(self, raw):
        if self.minted_label is not None and raw.get("key_minted_by_this_run"):
            expiration = self.minted_label
        else:
            expiration = format_datetime(raw.get("expiration"))
        return {"name": raw["name"], "expiration": expiration}

    def desired(self, before):
        label = requested_expiration_label(self.params["expiration"], "expiration")
        if before is None:
            return {"name": self.params["name"], "expiration": label}
        fixed = self.params["expiration"] is not None and not is_duration(self.params["expiration"])
        if not fixed or parse_datetime(before["expiration"]) == parse_datetime(label):
            return dict(before)
        if not self.params["replace"]:
            self.module.warn(
                "%s expires %s, not %s; set replace: true to replace it with a new key"
                % (self.describe(), before["expiration"] or "never", label)
            )
            return dict(before)
        self.refuse_if_in_use("replace")
        return {"name": self.params["name"], "expiration": label}

    def refuse_if_in_use(self, action):
        for row in self._all_named:
            if key_matches_mask(self.params["api_key"], row.get("masked_key")):
                raise PrefectCloudError(
                    "refusing to %s %s: this task authenticates with it; use another key to do that"
                    % (action, self.describe())
                )

    def create(self, desired):
        body = {"name": self.params["name"]}
        if self.params["expiration"] is not None:
            moment = expiration_from_option(self.params["expiration"], "expiration")
            body["expiration"] = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        created = self.write_recovering(
            lambda: self.client.post(self.keys_path, json=body), recover=self.discard_lost_key
        )
        self.extra_result["api_key"] = created.pop("key")
        self.minted_label = desired["expiration"]
        # The creation response has no mask; the stored key's metadata has.
        stored = self.client.get_or_none("%s/%s" % (self.keys_path, created["id"])) or created
        stored["key_minted_by_this_run"] = True
        return stored

    def discard_lost_key(self):
        """A key created by a request whose response was lost can never be shown: delete it and create anew."""
        for row in self.keys_named():
            self.module.warn("deleting user API key %s: its creation response (the only copy of the key) was lost" % row["id"])
            self.client.delete("%s/%s" % (self.keys_path, row["id"]))
        return None

    def update(self, raw, before, desired):
        # Keys cannot change: mint the replacement first, then delete what it replaces.
        old = list(self._all_named)
        created = self.create(desired)
        for row in old:
            self.client.delete("%s/%s" % (self.keys_path, row["id"]))
        return created

    def delete(self, raw):
        self.refuse_if_in_use("delete")
        for row in self._all_named:
            self.client.delete("%s/%s" % (self.keys_path, row["id"]))

    def public(self, raw, view):
        result = super().public(raw, view)
        if result.pop("key_minted_by_this_run", None):
            # The diff shows the requested "90d from now"; the object shows the real moment.
            result["expiration"] = format_datetime(raw.get("expiration"))
        return result


def main():
    module = PrefectCloudModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "expiration": {"type": "str"},
            "replace": {"type": "bool", "default": False},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
    )
    if not module.params["name"].strip():
        module.fail("name cannot be empty")
    if module.params["expiration"] is not None:
        try:
            expiration_from_option(module.params["expiration"], "expiration")
        except ValueError as exc:
            module.fail(str(exc))
    if module.params["api_key"].startswith("pnb_"):
        module.fail(
            "prefect.cloud.api_key manages the caller's own user API keys, and api_key is a service-account key; "
            "manage service-account keys with prefect.cloud.bot"
        )
    run_resource(module, UserApiKey)


if __name__ == "__main__":
    main()
