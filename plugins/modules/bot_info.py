#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: bot_info
short_description: List Prefect Cloud service accounts (bots) and their API keys
version_added: 0.1.0
description:
  - Returns the service accounts (bots) of the account, all of them (every page) or those with the
    given names, each with its account role and the metadata of its API keys (the active key, and the
    previous keys still working during a rotation grace period).
  - Also reachable as C(prefect.cloud.service_account_info), after Prefect's name for a bot.
  - Key values are never returned (Prefect Cloud shows a key only when it is minted), only their
    masked form.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  name:
    description:
      - Only the bots with these names (filtered by the server). Unknown names are left out.
    type: list
    elements: str
  expires_within:
    description:
      - Only the bots whose active key expires within this duration from now (such as V(7d) or V(36h)),
        or has expired already. Bots whose key never expires are left out.
      - Useful to report the keys a rotation play is about to renew.
    type: str
notes:
  - The bots are listed with every page of the server-side filter; the keys of each bot returned
    take one more request per bot. O(name) and O(expires_within) narrow the list first, so only the
    keys of the bots returned are read.
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes.info_module
seealso:
  - module: prefect.cloud.bot
"""

EXAMPLES = r"""
- name: Read service accounts
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  tasks:
    - name: Every bot of the account
      prefect.cloud.bot_info:
      register: all_bots

    - name: Bots whose key expires within two weeks
      prefect.cloud.bot_info:
        expires_within: 14d
      register: expiring

    - name: Report them
      ansible.builtin.debug:
        msg: "{{ item.name }}: key {{ item.api_keys.active.masked_key }} expires {{ item.api_keys.active.expiration }}"
      loop: "{{ expiring.bots }}"
      loop_control:
        label: "{{ item.name }}"

    - name: The deployer bot
      prefect.cloud.bot_info:
        name: [deployer]
      register: deployer
"""

RETURN = r"""
bots:
  description: The bots, in the order the API returns them.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Bot id (used for workspace access and team membership).
      type: str
      sample: 1f0e2d3c-4b5a-4697-8879-6a5b4c3d2e1f
    actor_id:
      description: Actor id of the bot (used in access listings and to remove it from a team).
      type: str
      sample: db508750-c953-44c9-a0e8-9bfc45af5c83
    account_id:
      description: Account id.
      type: str
      sample: 4db86fa3-9bc2-4d09-9df0-86b0fe7c6477
    name:
      description: Bot name.
      type: str
      sample: prod-deployer
    account_role:
      description: Name of the bot's account role.
      type: str
      sample: Member
    account_role_name:
      description: Name of the bot's account role, as the API reports it.
      type: str
      sample: Member
    api_key:
      description: Metadata of the active key as the bot listing reports it (never the key itself).
      type: dict
      sample:
        id: 033c27e8-a5b7-4e18-99bb-45d37167a1e3
        name: prod-deployer
        created: '2026-03-02T14:05:12.871093Z'
        expiration: '2026-05-31T14:05:12.871093Z'
        masked_key: pnb_...a1b2
    api_keys:
      description: The bot's keys (metadata only).
      type: dict
      contains:
        active:
          description: The active key; null when the bot has none.
          type: dict
          contains:
            id:
              description: Key id; it changes on every rotation.
              type: str
              sample: 033c27e8-a5b7-4e18-99bb-45d37167a1e3
            name:
              description: Key name.
              type: str
              sample: prod-deployer
            created:
              description: When the key was minted.
              type: str
              sample: '2026-03-02T14:05:12.871093Z'
            expiration:
              description: When the key expires; null when it never does.
              type: str
              sample: '2026-05-31T14:05:12.871093Z'
            masked_key:
              description: The key's prefix and last characters.
              type: str
              sample: pnb_...a1b2
            expires_in_seconds:
              description: Seconds from now until the key expires (negative when expired); null when it never does.
              type: int
              sample: 604800
        rotating:
          description: Previous keys that still work until their expiration, after a rotation with a grace period.
          type: list
          elements: dict
          contains:
            id:
              description: Key id.
              type: str
              sample: 3ce885fa-e27b-4ed1-ad62-16b9641cf1df
            name:
              description: Key name.
              type: str
              sample: prod-deployer
            created:
              description: When the key was minted.
              type: str
              sample: '2026-01-12T09:30:41.204518Z'
            expiration:
              description: When the key stops working.
              type: str
              sample: '2026-03-03T14:05:12.871093Z'
            masked_key:
              description: The key's prefix and last characters.
              type: str
              sample: pnb_...9f3c
            expires_in_seconds:
              description: Seconds from now until the key stops working.
              type: int
              sample: 86400
    created:
      description: Creation time.
      type: str
      sample: '2026-01-12T09:30:41.204518Z'
    updated:
      description: Last update time.
      type: str
      sample: '2026-03-02T14:05:12.871093Z'
count:
  description: How many bots were returned.
  returned: always
  type: int
  sample: 2
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.secrets import sanitize
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import BOT
from ansible_collections.prefect.cloud.plugins.module_utils._engine.info import InfoReader, run_info
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._engine.values import parse_datetime


def seconds_until(timestamp, now):
    moment = parse_datetime(timestamp)
    if moment is None:
        return None
    return int((moment - now).total_seconds())


def key_metadata(key, now):
    if not key:
        return None
    entry = sanitize(key)
    entry["expires_in_seconds"] = seconds_until(key.get("expiration"), now)
    return entry


class Bots(InfoReader):
    api_resource = BOT
    result_key = "bots"
    filters = {"name": "name"}

    @classmethod
    def parse_options(cls, params):
        validate.check_options(params, {"name": validate.list_of(validate.identity)})
        window = params["expires_within"]
        return {"window": validate.duration(window, "expires_within") if window is not None else None}

    def decorate(self, row):
        now = self.now
        window = self.options["window"]
        if window is not None:
            # The listing carries the active key's expiration: filter before reading any key.
            left = seconds_until((row.get("api_key") or {}).get("expiration"), now)
            if left is None or left > window:
                return None
        # None when the bot has no active key (or was deleted meanwhile): report no keys.
        keys = self.api.get_or_none(BOT, "keys", id=row["id"]) or {}
        row["account_role"] = row.get("account_role_name")
        row["api_keys"] = {
            "active": key_metadata(keys.get("active_key"), now),
            "rotating": [key_metadata(k, now) for k in keys.get("rotating_keys") or []],
        }
        return row


def main():
    module = PrefectCloudModule(
        argument_spec={
            "name": {"type": "list", "elements": validate.STRING},
            "expires_within": {"type": validate.STRING},
        },
    )
    run_info(module, Bots)


if __name__ == "__main__":
    main()
