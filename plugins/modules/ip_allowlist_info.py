#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ip_allowlist_info
short_description: Read the IP allowlist of a Prefect Cloud account, and whether it admits you
version_added: 0.1.0
description:
  - Returns the account's IP allowlist, whether it is enforced, and whether it admits the address this
    module runs from (Prefect Cloud's own answer, as if enforcement were on).
  - For an account without the IP allowlist (an add-on of Enterprise plans) it does not fail.
    RV(available) is V(false) and RV(msg) says why, so that one play can read several accounts.
  - The API key needs the C(read:ip_allowlist) account permission (the Owner and Admin roles hold it).
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options: {}
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes.info_module
seealso:
  - module: prefect.cloud.ip_allowlist
  - module: prefect.cloud.account_info
"""

EXAMPLES = r"""
- name: Read the IP allowlist
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  tasks:
    - name: The allowlist, its enforcement and this host's access
      prefect.cloud.ip_allowlist_info:
      register: allowlist

    - name: Stop before enforcing a list that would shut this host out
      ansible.builtin.assert:
        that: allowlist.my_access.allowed
        fail_msg: "{{ allowlist.my_access.detail }}"
      when: allowlist.available

    - name: Entries nobody has used
      ansible.builtin.debug:
        msg: "{{ allowlist.ip_allowlist.entries | selectattr('last_seen', 'none') | map(attribute='ip_network') | list }}"
      when: allowlist.available
"""

RETURN = r"""
available:
  description: Whether the account has the IP allowlist feature.
  returned: always
  type: bool
  sample: true
ip_allowlist:
  description: The allowlist; empty when the account does not have the feature.
  returned: always
  type: dict
  contains:
    enforce:
      description: Whether enforcement is on (the account setting C(enforce_ip_allowlist)).
      type: bool
      sample: false
    entries:
      description: Every entry of the list, sorted by network (IPv4 first).
      type: list
      elements: dict
      contains:
        ip_network:
          description: The network, in canonical CIDR form.
          type: str
          sample: 198.51.100.0/24
        enabled:
          description: Whether the entry admits its addresses.
          type: bool
          sample: true
        description:
          description: The note on the entry, V("") when it has none.
          type: str
          sample: Berlin office
        last_seen:
          description: When Prefect Cloud last saw a request from an address of this network, as Prefect Cloud
            reports it; null when never.
          type: str
          sample: "2026-11-30T17:42:05.123456Z"
my_access:
  description: Whether the current list admits the address the module ran from, with enforcement on.
  returned: when RV(available) is V(true)
  type: dict
  contains:
    allowed:
      description: Prefect Cloud's answer.
      type: bool
      sample: true
    detail:
      description: Prefect Cloud's explanation.
      type: str
      sample: Your current IP address (198.51.100.23) is allowed by the IP allowlist.
msg:
  description: Why RV(available) is V(false).
  returned: when RV(available) is V(false)
  type: str
  sample: "IP allowlisting is not available for account 'acme': its settings have no enforce_ip_allowlist
    (the IP allowlist is an add-on of Enterprise plans)"
"""

from ansible_collections.prefect.cloud.plugins.module_utils._engine.info import InfoReader, run_info
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._resources import ip_allowlist as ipa


class IPAllowlistReader(InfoReader):
    """One list per account, not a ``/filter``: the reader's shape with its own ``read``."""

    result_key = "ip_allowlist"

    def read(self):
        label = "account %r" % (self.params["account"] or self.module.account_id)
        try:
            settings = ipa.read_settings(self.api, label)
        except ipa.FeatureUnavailable as exc:
            return {"changed": False, "available": False, self.result_key: {}, "msg": str(exc)}
        entries = ipa.present_entries(ipa.read_entries(self.api))
        return {
            "changed": False,
            "available": True,
            self.result_key: {"enforce": bool(settings[ipa.SETTING]), "entries": entries},
            "my_access": ipa.my_access(self.api),
        }


def main():
    module = PrefectCloudModule(argument_spec={})
    run_info(module, IPAllowlistReader)


if __name__ == "__main__":
    main()
