#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: api_key_info
short_description: List your own Prefect Cloud user API keys
version_added: 0.1.0
description:
  - Returns the metadata of the API keys of the user that O(api_key) belongs to (never the keys themselves),
    and which of them the module is authenticating with.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  name:
    description:
      - Only the keys with this name.
    type: str
  expires_within:
    description:
      - Only the keys that expire within this duration from now (V(30d), V(12h)); keys that never expire are left out.
    type: str
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes.info_module
seealso:
  - module: prefect.cloud.api_key
"""

EXAMPLES = r"""
- name: Audit my keys
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  tasks:
    - name: Keys that expire within a month
      prefect.cloud.api_key_info:
        expires_within: 30d
      register: expiring

    - name: Name them
      ansible.builtin.debug:
        msg: "{{ expiring.api_keys | map(attribute='name') | list }}"
"""

RETURN = r"""
api_keys:
  description: The keys, oldest first.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Key id.
      type: str
      sample: 7d4c6d2b-b7ee-4a82-975a-95124244d877
    name:
      description: Key name.
      type: str
      sample: ci-pipeline
    created:
      description: When the key was created.
      type: str
      sample: '2026-01-12T09:30:41.204518Z'
    expiration:
      description: When the key expires; null means never.
      type: str
      sample: '2026-04-12T09:30:41.204518Z'
    masked_key:
      description: The key's prefix and last four characters.
      type: str
      sample: pnu_...a1b2
    expired:
      description: Whether the key has expired.
      type: bool
      sample: false
    in_use:
      description: Whether this is the key the module authenticated with.
      type: bool
      sample: false
count:
  description: How many keys were returned.
  returned: always
  type: int
  sample: 2
"""

import datetime

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import USER_API_KEY
from ansible_collections.prefect.cloud.plugins.module_utils._engine.info import InfoReader, run_info
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._engine.values import parse_datetime
from ansible_collections.prefect.cloud.plugins.module_utils._resources.caller import key_matches_mask


class UserApiKeys(InfoReader):
    api_resource = USER_API_KEY
    result_key = "api_keys"

    @classmethod
    def parse_options(cls, params):
        if params["api_key"].startswith("pnb_"):
            raise ValueError("api_key_info lists a user's own keys, and api_key is a service-account key; see prefect.cloud.bot_info")
        validate.check_options(params, {"name": validate.identity})
        window = params["expires_within"]
        return {"window": validate.duration(window, "expires_within") if window is not None else None}

    def rows(self):
        # The keys live under the caller's user; the name query is a hint, matched exactly below.
        name = self.params["name"]
        query = {"name": name} if name is not None else None
        rows = self.api.call(USER_API_KEY, "list", params=query, user_id=self.module.connection.me()["id"]) or []
        return sorted((r for r in rows if name is None or r.get("name") == name), key=lambda r: r.get("created") or "")

    def decorate(self, row):
        now, window = self.now, self.options["window"]
        expiration = parse_datetime(row.get("expiration"))
        if window is not None and (expiration is None or expiration > now + datetime.timedelta(seconds=window)):
            return None
        row["expired"] = expiration is not None and expiration <= now
        row["in_use"] = key_matches_mask(self.params["api_key"], row.get("masked_key"))
        return row


def main():
    module = PrefectCloudModule(argument_spec={"name": {"type": validate.STRING}, "expires_within": {"type": validate.STRING}}, account_scoped=False)
    run_info(module, UserApiKeys)


if __name__ == "__main__":
    main()
