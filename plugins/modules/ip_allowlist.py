#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ip_allowlist
short_description: Manage the IP allowlist of a Prefect Cloud account and whether it is enforced
version_added: 0.1.0
description:
  - Ensures the account's IP allowlist holds the given entries (addresses or CIDR networks, each
    enabled or not, with a description), and optionally turns its enforcement on or off.
  - While enforcement is on, Prefect Cloud refuses every request from an address that no enabled entry
    holds, the UI included. An allowlist with no entry restricts nobody.
  - "Additive by default: the entries named are added or updated and the others stay. With
    O(exclusive=true) the list becomes exactly the entries named."
  - "B(Lock-out guard.) Before it turns enforcement on, or changes the list while enforcement is on, the
    module makes sure the resulting list still admits the address it runs from, and refuses the change
    otherwise (see O(allow_lockout)). Prefect Cloud never tells a client its own address; it answers
    whether the current list admits it (C(GET .../ip_allowlist/my_access)). From that answer and the two
    lists the module decides what can be decided before writing: a list that keeps every enabled network
    of a list that admits the caller still admits it; a list that adds nothing to one that does not,
    still does not; an empty list admits everyone. Otherwise, when enforcement is off, the module writes
    the list, asks Prefect Cloud again, and turns enforcement on only if the answer is yes; when
    enforcement is on, Prefect Cloud itself refuses a list that would cut off the caller (HTTP 422) and
    the module reports that refusal. Check mode cannot write, so for such a change it warns that the
    decision is left to the real run. The result's RV(lockout_guard) says what the guard decided."
  - The IP allowlist is an add-on of Enterprise plans; for an account without it the module fails with
    a message saying so, before any change.
  - The API key needs the C(read:ip_allowlist) and C(update:ip_allowlist) account permissions (the Owner
    and Admin roles hold them), and C(update:account) to change the enforcement.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  entries:
    description:
      - The allowlist entries this task is about, each identified by its O(entries[].ip_network).
      - Every network is checked before any request is sent; a bad one fails the task naming the entry
        (such as C(entries[2])). Naming the same network twice fails too.
      - At most 25 entries fit in an allowlist; a task that would make it longer fails before writing.
      - Required with O(exclusive=true) (V([]) then empties the list).
    type: list
    elements: dict
    suboptions:
      ip_network:
        description:
          - An IPv4 or IPv6 address or CIDR network, such as V(203.0.113.7), V(198.51.100.0/24) or
            V(2001:db8::/48).
          - An address is the network of that one address, so V(10.0.0.1) and V(10.0.0.1/32) are the same
            entry. Networks are compared and shown in canonical form (IPv6 compressed, lower case).
          - A network with host bits set, such as V(10.0.0.1/24), is refused, as Prefect Cloud refuses it
            too. The message names both the network (V(10.0.0.0/24)) and the single address
            (V(10.0.0.1/32)) it may have meant.
        type: str
        required: true
      enabled:
        description:
          - Whether the entry admits its addresses. A disabled entry stays in the list and admits nobody.
        type: bool
        default: true
      description:
        description:
          - A note on the entry, such as who uses that network. V("") clears it.
          - When not given, an existing entry keeps its description and a new one has none.
        type: str
      state:
        description:
          - V(present) adds or updates the entry, V(absent) removes it from the list (nothing happens when
            it is not there).
          - Entries of both states may be mixed, so that one task (and one update of the list) replaces an
            old network with a new one.
        type: str
        choices: [present, absent]
        default: present
  exclusive:
    description:
      - With V(true), the list becomes exactly the entries of O(entries) whose O(entries[].state=present);
        every other entry is removed.
      - With V(false), entries that O(entries) does not name are left alone.
      - Emptying a list that stays enforced is refused (see O(allow_remove_all)).
    type: bool
    default: false
  allow_remove_all:
    description:
      - Let the task empty the list while enforcement stays on. Prefect Cloud admits every address while an enforced
        list has no entry, so such a change opens the account to all while enforcement still seems on; without this
        option it fails before any write, in check mode too.
      - Emptying the list with enforcement off, or turned off by the same task (O(enforce=false)), needs no
        confirmation.
    type: bool
    default: false
  enforce:
    description:
      - Turns enforcement of the allowlist on (V(true)) or off (V(false)); the account setting
        C(enforce_ip_allowlist). Left as it is when not given.
      - When turning it off together with a change of the list, enforcement is turned off first, so the
        new list is not held to the lock-out guard.
    type: bool
  allow_lockout:
    description:
      - Turn enforcement on even though the resulting list would not admit the address this module runs
        from, for operators whose automation runs from a network that is not meant to reach Prefect Cloud
        otherwise. The change goes ahead with a warning; from that address, every later request to the
        account fails.
      - It does not override Prefect Cloud, which refuses a change of the list that would cut off the
        caller while enforcement is on.
    type: bool
    default: false
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes
notes:
  - Check mode sends no write. When the lock-out guard cannot decide before the list is written (see
    above), check mode predicts the change and warns that the real run will decide.
  - Entries are written in canonical order (IPv4 before IPv6, by address); the order of an allowlist has
    no effect on what it admits.
seealso:
  - module: prefect.cloud.ip_allowlist_info
  - module: prefect.cloud.account
  - name: Secure access by IP address (Prefect documentation)
    description: What the IP allowlist does and which plans have it.
    link: https://docs.prefect.io/v3/how-to-guides/cloud/manage-users/secure-access-by-ip-address
"""

EXAMPLES = r"""
- name: Network access as code
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
      # api_key comes from the PREFECT_API_KEY environment variable
  tasks:
    # This play runs in the Berlin office (198.51.100.0/24): every list below still admits it.
    - name: The office and the CI runners may reach Prefect Cloud, nobody else
      prefect.cloud.ip_allowlist:
        entries:
          - ip_network: 198.51.100.0/24
            description: Berlin office
          - ip_network: 203.0.113.7
            description: CI runner egress
          - ip_network: 2001:db8:42::/48
            description: Berlin office, IPv6
        exclusive: true
        enforce: true

    - name: Move the CI egress to its new address, in one update of the list
      prefect.cloud.ip_allowlist:
        entries:
          - ip_network: 203.0.113.7
            state: absent
          - ip_network: 203.0.113.9
            description: CI runner egress

    - name: Keep an entry but stop admitting it for now (not the one this play runs from)
      prefect.cloud.ip_allowlist:
        entries:
          - ip_network: 2001:db8:42::/48
            enabled: false

    - name: Enforce from a bastion that is deliberately not on the list
      prefect.cloud.ip_allowlist:
        enforce: true
        allow_lockout: true
"""

RETURN = r"""
ip_allowlist:
  description: The allowlist after the task; in check mode, the prediction.
  returned: always
  type: dict
  contains:
    enforce:
      description: Whether enforcement is on (the account setting C(enforce_ip_allowlist)).
      type: bool
      sample: true
    entries:
      description: Every entry of the list, sorted by network (IPv4 first).
      type: list
      elements: dict
      contains:
        ip_network:
          description: The network, in canonical CIDR form.
          type: str
          sample: 203.0.113.7/32
        enabled:
          description: Whether the entry admits its addresses.
          type: bool
          sample: true
        description:
          description: The note on the entry, V("") when it has none.
          type: str
          sample: CI runner egress
        last_seen:
          description:
            - When Prefect Cloud last saw a request from an address of this network, as Prefect Cloud
              reports it; null when never (and for an entry a check-mode run would add).
          type: str
          sample: "2026-11-30T17:42:05.123456Z"
lockout_guard:
  description: What the lock-out guard decided about the address this task runs from.
  returned: always
  type: dict
  contains:
    verdict:
      description:
        - V(not_needed) when no check was due (enforcement stays or goes off, or nothing changes).
        - V(admitted) when the resulting list admits the address.
        - V(cut_off) when it does not (the task fails, unless O(allow_lockout=true)).
        - V(unknown) in check mode when only writing the list can tell (see the module description).
      type: str
      sample: admitted
    detail:
      description: The guard's reasoning in a sentence.
      type: str
      sample: the new list keeps every enabled network of the current list, which admits this address
    my_access:
      description: Prefect Cloud's answer for the list it held when it was asked, or null when not asked.
      type: dict
      contains:
        allowed:
          description: Whether that list admits the address the request came from.
          type: bool
          sample: true
        detail:
          description: Prefect Cloud's explanation.
          type: str
          sample: Your current IP address (203.0.113.7) is allowed by the IP allowlist.
diff:
  description: The allowlist before and after (O(enforce) and the entries without RV(ip_allowlist.entries[].last_seen)), in diff mode.
  returned: when diff mode is on
  type: dict
  sample:
    before:
      enforce: false
      entries:
        - ip_network: 198.51.100.0/24
          enabled: true
          description: Berlin office
    after:
      enforce: true
      entries:
        - ip_network: 198.51.100.0/24
          enabled: true
          description: Berlin office
        - ip_network: 203.0.113.7/32
          enabled: true
          description: CI runner egress
msg:
  description: What happened, such as C(IP allowlist of account 'acme' updated).
  returned: always
  type: str
  sample: IP allowlist of account 'acme' updated
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.client import format_detail
from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudHTTPError, Refusal
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import Resource, run_resource
from ansible_collections.prefect.cloud.plugins.module_utils._engine.removals import RemovalBounds
from ansible_collections.prefect.cloud.plugins.module_utils._resources import ip_allowlist as ipa


def account_label(module):
    return "account %r" % (module.params["account"] or module.account_id)


class IPAllowlist(Resource):
    result_key = "ip_allowlist"

    @classmethod
    def parse_options(cls, params):
        return {"entries": ipa.normalise_entries(params["entries"])}

    def plan(self, before_raw, before, state):
        plan = super().plan(before_raw, before, state)
        # The guard's verdict, reported whatever the run does (a write may still change it: see update).
        plan.extra_result["lockout_guard"] = {"verdict": "not_needed", "detail": "no check was due", "my_access": None}
        return plan

    def describe(self):
        return "IP allowlist of %s" % account_label(self.module)

    def read(self):
        settings = ipa.read_settings(self.api, account_label(self.module))
        return {"enforce": bool(settings[ipa.SETTING]), "entries": ipa.read_entries(self.api)}

    def view(self, raw):
        entries = [
            {k: e[k] for k in ("ip_network", "enabled", "description")} for e in ipa.present_entries(raw["entries"])
        ]
        return {"enforce": raw["enforce"], "entries": entries}

    def desired(self, before):
        by_network = {e["ip_network"]: dict(e) for e in before["entries"]}
        kept = set()
        for entry in self.options["entries"]:
            network = entry["ip_network"]
            if entry["state"] == "absent":
                by_network.pop(network, None)
                continue
            kept.add(network)
            description = entry.get("description")
            if description is None:
                description = by_network[network]["description"] if network in by_network else ""
            by_network[network] = {"ip_network": network, "enabled": entry["enabled"], "description": description}
        if self.params["exclusive"]:
            by_network = {network: e for network, e in by_network.items() if network in kept}
        if len(by_network) > ipa.MAX_ENTRIES:
            raise Refusal(
                "entries: the %s would hold %d entries; Prefect Cloud allows at most %d"
                % (self.describe(), len(by_network), ipa.MAX_ENTRIES)
            )
        entries = sorted(by_network.values(), key=lambda e: ipa.network_sort_key(e["ip_network"]))
        enforce = self.params["enforce"] if self.is_set("enforce") else before["enforce"]
        return {"enforce": enforce, "entries": entries}

    def changes(self, plan):
        before, desired = plan.before, plan.desired
        return {
            "turn_on": desired["enforce"] and not before["enforce"],
            "turn_off": before["enforce"] and not desired["enforce"],
            "entries": desired["entries"] != before["entries"],
        }

    # -- the lock-out guard -------------------------------------------------

    def guard(self, plan):
        before, desired, changes = plan.before, plan.desired, plan.changes
        guard = plan.extra_result["lockout_guard"]
        if before["entries"] and not desired["entries"] and desired["enforce"] and not self.params["allow_remove_all"]:
            raise self._refuse(
                guard,
                "refusing to empty the %s while it is enforced: an enforced list with no entry admits every address, so "
                "the account would be open to all while enforcement seems on. Set enforce: false to stop enforcing it, "
                "or allow_remove_all: true if that is meant" % self.describe(),
                False,
            )
        if not desired["enforce"]:
            self._decide(guard, "not_needed", "enforcement is off after the task")
            return
        if not changes["turn_on"] and not changes["entries"]:
            return
        access = ipa.my_access(self.api)
        guard["my_access"] = access
        verdict = ipa.lockout_verdict(before["entries"], desired["entries"], access["allowed"])
        if verdict == ipa.ADMITTED:
            self._decide(guard, verdict, self._admitted_reason(before, desired))
        elif verdict == ipa.CUT_OFF:
            why = "Prefect Cloud says of the current list: %s" % access["detail"].rstrip(".")
            self._cut_off(guard, changes["turn_on"], why, changed=False)
        elif changes["turn_on"]:
            self._decide(
                guard,
                ipa.UNKNOWN,
                "only the new list can tell: the task writes it first, asks Prefect Cloud again and turns "
                "enforcement on only if the address is admitted",
            )
        else:
            self._decide(
                guard,
                ipa.UNKNOWN,
                "only the new list can tell: Prefect Cloud refuses it while enforcement is on if it cuts off "
                "the address",
            )
        if verdict == ipa.UNKNOWN and self.module.check_mode:
            self.module.warn(
                "lock-out guard: check mode cannot tell whether the new %s admits the address this task runs "
                "from (%s)" % (self.describe(), guard["detail"])
            )

    @staticmethod
    def _decide(guard, verdict, detail):
        guard["verdict"] = verdict
        guard["detail"] = detail

    @staticmethod
    def _admitted_reason(before, desired):
        if not desired["entries"]:
            return "an empty list admits every address"
        if [e["ip_network"] for e in before["entries"] if e["enabled"]] == [
            e["ip_network"] for e in desired["entries"] if e["enabled"]
        ]:
            return "the list admits the same networks as the current one, which admits this address"
        return "the new list keeps every enabled network of the current list, which admits this address"

    @staticmethod
    def _refuse(guard, message, changed):
        return Refusal(message, changed=changed, result={"lockout_guard": guard})

    def _cut_off(self, guard, turning_on, why, changed):
        self._decide(guard, ipa.CUT_OFF, "the resulting list would not admit the address this task runs from")
        if turning_on and self.params["allow_lockout"]:
            self.module.warn(
                "allow_lockout: enforcing the %s although it does not admit the address this task runs from (%s); "
                "later requests from this address are refused" % (self.describe(), why)
            )
            return
        action = "turn on enforcement of" if turning_on else "change"
        hint = (
            "; set allow_lockout=true if this task deliberately runs from a network that is not to be admitted"
            if turning_on
            else ""
        )
        done = " The entries were written; enforcement stays off." if changed else ""
        raise self._refuse(
            guard,
            "lock-out guard: refusing to %s the %s, as the resulting list would not admit the address this task "
            "runs from (%s). Add an entry for that address%s.%s" % (action, self.describe(), why, hint, done),
            changed,
        )

    # -- writing --------------------------------------------------------------

    def update(self, plan):
        desired, changes = plan.desired, plan.changes
        guard = plan.extra_result["lockout_guard"]
        if changes["turn_off"]:
            # Off first: the new list is then not held to Prefect Cloud's lock-out rule.
            ipa.set_enforcement(self.api, False)
        if changes["entries"]:
            self._write(guard, desired, enforced=plan.before["enforce"] and desired["enforce"])
        if changes["turn_on"]:
            if guard["verdict"] == ipa.UNKNOWN:
                access = ipa.my_access(self.api)
                guard["my_access"] = access
                if access["allowed"]:
                    self._decide(guard, ipa.ADMITTED, "Prefect Cloud says the new list admits this address")
                else:
                    why = "Prefect Cloud says of the new list: %s" % access["detail"].rstrip(".")
                    self._cut_off(guard, True, why, changed=changes["entries"])
            ipa.set_enforcement(self.api, True)
            if guard["verdict"] == ipa.CUT_OFF:
                # allow_lockout: this address may no longer read the account, so report what was written.
                written = [dict(e, last_seen=None) for e in desired["entries"]]
                return {"enforce": True, "entries": written if changes["entries"] else plan.before_raw["entries"]}
        return None

    def _write(self, guard, desired, enforced):
        try:
            ipa.write_entries(self.api, desired["entries"])
        except PrefectCloudHTTPError as exc:
            # Undecided before the write, so a 422 now is Prefect Cloud's lock-out rule speaking.
            if enforced and exc.status == 422 and guard["verdict"] == ipa.UNKNOWN:
                self._decide(guard, ipa.CUT_OFF, "Prefect Cloud refused the new list")
                raise self._refuse(
                    guard,
                    "lock-out guard: Prefect Cloud refused the new %s, which stays as it was: %s"
                    % (self.describe(), format_detail(exc.detail)),
                    False,
                ) from None
            raise
        if enforced and guard["verdict"] == ipa.UNKNOWN:
            self._decide(guard, ipa.ADMITTED, "Prefect Cloud accepted the new list, which it refuses when it cuts off the caller")

    def public(self, raw, view):
        last_seen = {ipa.canonical(e["ip_network"]): e.get("last_seen") for e in (raw or {}).get("entries") or []}
        entries = [dict(e, last_seen=last_seen.get(e["ip_network"])) for e in view["entries"]]
        return {"enforce": view["enforce"], "entries": entries}


def main():
    module = PrefectCloudModule(
        argument_spec={
            "entries": {
                "type": "list",
                "elements": "dict",
                "options": {
                    "ip_network": {"type": validate.STRING, "required": True},
                    "enabled": {"type": "bool", "default": True},
                    "description": {"type": validate.STRING},
                    "state": {"type": validate.STRING, "choices": ["present", "absent"], "default": "present"},
                },
            },
            "exclusive": {"type": "bool", "default": False},
            "enforce": {"type": "bool"},
            "allow_lockout": {"type": "bool", "default": False},
            "allow_remove_all": RemovalBounds.OPTIONS["allow_remove_all"],
        },
        required_if=[("exclusive", True, ["entries"])],
    )
    run_resource(module, IPAllowlist)


if __name__ == "__main__":
    main()
