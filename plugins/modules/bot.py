#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: bot
short_description: Create, update, rotate and delete Prefect Cloud service accounts (bots)
version_added: 0.1.0
description:
  - Ensures a service account (bot), identified by its O(name), exists with the given account role,
    or does not exist.
  - Prefect calls these service accounts, this collection bots; the module is also reachable as
    C(prefect.cloud.service_account), a redirect to this one.
  - A bot's API key is shown by Prefect Cloud only once, when it is minted (when the bot is created
    and when its key is rotated). This module returns such a key as the top-level C(api_key) result of
    the run that minted it, and nowhere else.
  - Rotation is asked for explicitly with O(rotate_api_key), or conditionally with
    O(rotate_if_expires_within) so that a scheduled play rotates keys only as they near expiry.
  - Only the options you set are compared and changed; an option left unset never changes anything.
  - Many bots are managed by one task with O(bots) (the bulk form). One read finds them all, every
    entry is checked before the first write, and the keys minted are returned together in C(api_keys).
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  name:
    description:
      - The bot name, unique within the account. It identifies the bot.
      - Required unless O(bots) is given; the two do not combine.
    type: str
  bots:
    description:
      - Many bots in one task, each entry with the options of a single bot. The options of the
        entries (O(bots[].name), O(bots[].account_role) and so on) cannot be given at the top level
        as well.
      - Every entry is read (one request for all), planned, checked and guarded before the first
        write, so a bad entry or a missing role fails the task with nothing written.
      - The keys minted are returned in C(api_keys), by bot name. If a write fails part-way, the task
        fails and still returns C(api_keys) with the keys minted before the failure, and C(results)
        with what was done.
    type: list
    elements: dict
    suboptions:
      name:
        description: The bot name (see O(name)).
        type: str
        required: true
      account_role:
        description: The account role of the bot (see O(account_role)).
        type: str
      api_key_expiration:
        description: When keys minted for this bot expire (see O(api_key_expiration)).
        type: str
      rotate_api_key:
        description: Rotate the key of this bot now (see O(rotate_api_key)).
        type: bool
        default: false
      rotate_if_expires_within:
        description: Rotate the key of this bot when it expires within this duration (see O(rotate_if_expires_within)).
        type: str
      old_key_expires_in_seconds:
        description: How long the previous key of this bot keeps working after a rotation (see O(old_key_expires_in_seconds)).
        type: int
      state:
        description: V(present) or V(absent), for this bot.
        type: str
        choices: [present, absent]
        default: present
  account_role:
    description:
      - The account role of the bot, by name (such as V(Member) or V(Admin)) or by id.
      - A new bot without this option gets V(Member). On an existing bot, the role is compared and
        changed only when this option is set.
    type: str
  api_key_expiration:
    description:
      - When keys minted by this run expire, as a duration from now (such as V(90d), V(12h), V(1w2d))
        or as an ISO-8601 date/time (such as V(2027-01-31T00:00:00Z)). It must lie in the future.
      - Applies only to a key this run mints, on creation or rotation. It never causes a change by
        itself; to give an existing bot a key with a new expiration, rotate its key.
      - When unset, minted keys never expire.
    type: str
  rotate_api_key:
    description:
      - Rotate the key of an existing bot now. The new key is returned as C(api_key).
      - This is never idempotent; every run with V(true) mints a new key and reports a change.
      - Ignored when the bot is created by this run (it gets a fresh key anyway) and when O(state=absent).
    type: bool
    default: false
  rotate_if_expires_within:
    description:
      - Rotate the key of an existing bot only when its active key expires within this duration from
        now (such as V(7d) or V(36h)), or has already expired.
      - A key that never expires is never rotated by this option. Runs that find the key far from its
        expiry change nothing.
    type: str
  old_key_expires_in_seconds:
    description:
      - On rotation, how many seconds the previous key keeps working (at most V(172800), 48 hours),
        so that running clients can move to the new key. The previous key is listed among the
        bot's rotating keys (see M(prefect.cloud.bot_info)) until then.
      - When unset (or V(0)), the previous key stops working at once.
    type: int
  state:
    description:
      - V(present) creates or updates the bot, V(absent) deletes it together with its keys, its
        account membership and its workspace access.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes
attributes:
  check_mode:
    support: partial
    details:
      - Check mode sends no write request and predicts the same C(changed) and diff as a real run,
        including a creation or a rotation.
      - Check mode cannot mint a key, so C(api_key) is not returned in check mode.
notes:
  - "The diff shows the bot's O(name), O(account_role) and C(active_key): the expiration of its
    active key. A key minted by the run appears in the C(after) side as the expiration that was asked
    for (a timestamp, V(null) for never, or a relative value such as C(90d from now)), with
    C(rotated: true) for a rotation. Key ids and key values are never part of the diff, so that
    check mode and the real run report exactly the same thing."
  - "If the response to a creation is lost (a dropped connection after the bot was created), the
    module finds the bot by name instead of creating a second one. The key in that lost response
    can not be recovered, so the module rotates the key at once (the lost key stops working) and
    returns the new one, with a warning."
  - "A rotation whose response is lost (the one that replaces a lost key included) is recovered the
    same way: the bot is read again; a rotation that did not happen is sent again, and one that did
    is followed by a rotation without a grace window, which ends the key nobody received. At most
    three rotations are sent, and none is sent again after a timeout without seeing it land. If no
    response gets through, the task fails naming the bot and how to rotate its key again."
  - "A creation that fails at a gateway (HTTP 502) or whose answer is lost is looked for by name before
    it is sent again, up to three sends in all, so a fault never makes a second bot."
  - "A key minted by a run is always returned by that run: when the read of the bot after the write
    fails, the module warns and returns the answer of the write as RV(bot) (without the key's mask)."
  - "A bot may rotate its own key (the task authenticates with the bot's key): the bot is read after the
    rotation with the new key. Without O(old_key_expires_in_seconds) the old key stops working at once,
    so if the answer carrying the new key is lost in transit, no key of the bot is left to anyone; the
    task fails saying so, and the key must be rotated with another API key. Set
    O(old_key_expires_in_seconds) when a bot rotates its own key."
  - Tasks that can mint a key should set C(no_log) so that the key does not reach the logs.
seealso:
  - module: prefect.cloud.bot_info
  - module: prefect.cloud.workspace_access
  - name: Service accounts in Prefect Cloud
    description: How service accounts and their keys work.
    link: https://docs.prefect.io/v3/how-to-guides/cloud/manage-users/service-accounts
"""

EXAMPLES = r"""
- name: Manage service accounts (bots)
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
      # api_key comes from the PREFECT_API_KEY environment variable
  vars:
    key_folder: /etc/prefect  # where the keys are kept
  tasks:
    # A key is shown once, when it is minted: every task that may mint one (a creation, a rotation)
    # registers its result, and the next task keeps the key. The folder is made first, so that no
    # key is minted that could not be written.
    - name: A folder for the keys, readable by its owner only
      ansible.builtin.file:
        path: "{{ key_folder }}"
        state: directory
        mode: "0700"

    - name: A deployer bot whose keys live for 90 days
      prefect.cloud.bot:
        name: deployer
        account_role: Member
        api_key_expiration: 90d
      register: deployer
      no_log: true

    - name: Keep the key of a new bot (only a run that mints a key returns it)
      ansible.builtin.copy:
        content: "{{ deployer.api_key }}"
        dest: "{{ key_folder }}/deployer.key"
        mode: "0600"
      when: deployer.api_key is defined
      no_log: true

    - name: Rotate the key when it expires within a week; the old key works one more hour
      prefect.cloud.bot:
        name: deployer
        api_key_expiration: 90d
        rotate_if_expires_within: 7d
        old_key_expires_in_seconds: 3600
      register: rotation
      no_log: true

    - name: Keep the new key, when one was minted
      ansible.builtin.copy:
        content: "{{ rotation.api_key }}"
        dest: "{{ key_folder }}/deployer.key"
        mode: "0600"
      when: rotation.api_key is defined
      no_log: true

    - name: Rotate now, the old key stops working at once
      prefect.cloud.bot:
        name: deployer
        rotate_api_key: true
      register: rotated_now
      no_log: true

    - name: Keep the new key at once
      ansible.builtin.copy:
        content: "{{ rotated_now.api_key }}"
        dest: "{{ key_folder }}/deployer.key"
        mode: "0600"
      no_log: true

    - name: Make the bot an account Admin (a bot that did not exist yet would be created, with a key)
      prefect.cloud.bot:
        name: deployer
        account_role: Admin
      register: admin_bot
      no_log: true

    - name: Keep the key, had the task created the bot
      ansible.builtin.copy:
        content: "{{ admin_bot.api_key }}"
        dest: "{{ key_folder }}/deployer.key"
        mode: "0600"
      when: admin_bot.api_key is defined
      no_log: true

    - name: Remove a bot that is no longer used
      prefect.cloud.bot:
        name: legacy-ci
        state: absent

    - name: Every deployer in one task; keys due within a week are rotated
      prefect.cloud.bot:
        bots:
          - name: deployer-dev
            api_key_expiration: 30d
            rotate_if_expires_within: 7d
          - name: deployer-prod
            api_key_expiration: 90d
            rotate_if_expires_within: 7d
            old_key_expires_in_seconds: 3600
      register: deployers
      no_log: true

    - name: Keep each key minted (api_keys maps bot names to keys; kept even when the task fails part-way)
      ansible.builtin.copy:
        content: "{{ item.value }}"
        dest: "{{ key_folder }}/{{ item.key }}.key"
        mode: "0600"
      loop: "{{ deployers.api_keys | default({}) | dict2items }}"
      loop_control:
        label: "{{ item.key }}"
      no_log: true
"""

RETURN = r"""
bot:
  description:
    - The bot after the task; in check mode, the predicted bot (with the key metadata of the current
      key, if any). Empty when absent.
    - Never contains a key value, only its masked form.
  returned: always
  type: dict
  contains:
    id:
      description: Bot id (used for workspace access and team membership). Absent from a check-mode prediction of a new bot.
      type: str
      sample: 1f0e2d3c-4b5a-4697-8879-6a5b4c3d2e1f
    actor_id:
      description: Actor id of the bot (used in access listings and to remove it from a team).
      type: str
      sample: db508750-c953-44c9-a0e8-9bfc45af5c83
    account_id:
      description: Id of the account the bot belongs to.
      type: str
      sample: 4db86fa3-9bc2-4d09-9df0-86b0fe7c6477
    name:
      description: The bot name.
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
      description: Metadata of the active key (never the key itself).
      type: dict
      contains:
        id:
          description: Key id; it changes on every rotation.
          type: str
          sample: 033c27e8-a5b7-4e18-99bb-45d37167a1e3
        name:
          description: Key name, generated by Prefect Cloud.
          type: str
          sample: prod-deployer
        created:
          description: When the key was minted.
          type: str
          sample: '2026-01-12T09:30:41.204518Z'
        expiration:
          description: When the key expires; null when it never does.
          type: str
          sample: '2026-04-12T09:30:41.204518Z'
        masked_key:
          description: The key's prefix and last characters.
          type: str
          sample: pnb_...a1b2
    created:
      description: When the bot was created.
      type: str
      sample: '2026-01-12T09:30:41.204518Z'
    updated:
      description: When the bot was last updated.
      type: str
      sample: '2026-03-02T14:05:12.871093Z'
api_key:
  description:
    - The key minted by this run (on creation or rotation), the only time it can be read.
    - Store it (for example with M(ansible.builtin.copy) and mode C(0600), or in a vault) and set
      C(no_log) on the task.
  returned: when this run created the bot or rotated its key (never in check mode)
  type: str
  sample: pnb_************************************
diff:
  description:
    - The bot before and after (name, account_role, active_key), in diff mode.
    - C(active_key) holds C(expiration), and after a rotation C(rotated=true); see the notes.
  returned: when diff mode is on
  type: dict
  sample:
    before:
      name: prod-deployer
      account_role: Member
      active_key:
        expiration: '2026-04-12T09:30:41Z'
    after:
      name: prod-deployer
      account_role: Member
      active_key:
        expiration: '2026-06-10T08:00:00Z'
        rotated: true
bots:
  description:
    - With O(bots), each bot after the task (as RV(bot) describes it; in check mode, the prediction),
      in the order of the entries. Bots that are absent are left out.
  returned: when O(bots) is given
  type: list
  elements: dict
  sample:
    - name: deployer-dev
      account_role: Member
      id: 1f0e2d3c-4b5a-4697-8879-6a5b4c3d2e1f
api_keys:
  description:
    - With O(bots), the keys minted by this run, by bot name; the only time they can be read.
    - Returned by a failed task too, with the keys minted before the failure.
  returned: when O(bots) is given and this run minted at least one key (never in check mode)
  type: dict
  sample:
    deployer-dev: pnb_************************************
results:
  description: With O(bots), what the task did to each bot, in the order of the entries.
  returned: when O(bots) is given
  type: list
  elements: dict
  contains:
    name:
      description: The bot name.
      type: str
      sample: deployer-dev
    changed:
      description: Whether the bot changed.
      type: bool
      sample: true
    action:
      description: V(create), V(update), V(delete), or null when nothing was done.
      type: str
      sample: create
    msg:
      description: What happened to the bot.
      type: str
      sample: bot 'deployer-dev' created
msg:
  description: "What happened, such as C(bot 'prod-deployer' created), or with O(bots) C(2 bots: 1 created)."
  returned: always
  type: str
  sample: bot 'prod-deployer' updated
"""

import datetime
import json

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import (
    AmbiguousWriteError,
    PrefectCloudError,
    PrefectCloudHTTPError,
)
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import ACCOUNT_ROLE, BOT
from ansible_collections.prefect.cloud.plugins.module_utils._engine.connection import Connection
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.bulk import BulkForm, run_either_form
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import UNDONE, Resource
from ansible_collections.prefect.cloud.plugins.module_utils._engine.values import (
    RequestedExpiration,
    format_datetime,
    parse_datetime,
    requested_expiration_label,
)
from ansible_collections.prefect.cloud.plugins.module_utils._resources.caller import key_matches_mask

MAX_OLD_KEY_SECONDS = 172800


class Bot(Resource):
    api_resource = BOT
    result_key = "bot"
    identity = "name"

    @classmethod
    def parse_options(cls, params):
        """The option values argument_spec can not check, parsed once, before any request."""
        validate.check_options(params, {"name": validate.identity, "account_role": validate.identity})
        seconds = params["old_key_expires_in_seconds"]
        if seconds is not None and not 0 <= seconds <= MAX_OLD_KEY_SECONDS:
            raise ValueError(
                "old_key_expires_in_seconds must be between 0 and %d (48 hours), got %d" % (MAX_OLD_KEY_SECONDS, seconds)
            )
        options = {"expiration": None, "window": None}
        if params["api_key_expiration"] is not None:
            now = datetime.datetime.now(datetime.timezone.utc)
            options["expiration"] = RequestedExpiration(params["api_key_expiration"], "api_key_expiration", now)
        if params["rotate_if_expires_within"] is not None:
            options["window"] = validate.duration(params["rotate_if_expires_within"], "rotate_if_expires_within")
        return options

    # -- reading -----------------------------------------------------------

    def view(self, raw):
        key = raw.get("api_key") or {}
        active_key = {"expiration": format_datetime(key.get("expiration"))}
        return {"name": raw["name"], "account_role": raw.get("account_role_name"), "active_key": active_key}

    def view_after(self, plan, after_raw):
        view = self.view(after_raw)
        if "api_key" in plan.extra_result:
            # A key minted in this run shows as it was asked for, as check mode showed it.
            view["active_key"] = dict(plan.desired["active_key"])
        return view

    def public(self, raw, view):
        merged = dict(raw or {})
        merged["name"] = view["name"]
        merged["account_role"] = view["account_role"]
        return super().public(merged, {})

    # -- deciding ----------------------------------------------------------

    def wants_rotation(self, before):
        """Whether the existing bot (its view) gets a new key in this run."""
        if self.params["rotate_api_key"]:
            return True
        if self.options["window"] is None:
            return False
        expiration = parse_datetime(before["active_key"]["expiration"])
        if expiration is None:
            return False  # a key that never expires is never "near expiry"
        # The server stamped the expiration: its clock judges how near it is.
        return expiration - self.client.server_now() <= datetime.timedelta(seconds=self.options["window"])

    def new_key_view(self, rotated):
        key = {"expiration": requested_expiration_label(self.params["api_key_expiration"], "api_key_expiration")}
        if rotated:
            key["rotated"] = True
        return key

    def desired(self, before):
        defaults = {"name": self.params["name"], "account_role": "Member", "active_key": self.new_key_view(rotated=False)}
        desired = self.overlay(before, defaults, {})
        if self.is_set("account_role"):
            desired["account_role"] = self.resolver.role_name(ACCOUNT_ROLE, self.params["account_role"])
        if before is not None and self.wants_rotation(before):
            desired["active_key"] = self.new_key_view(rotated=True)
        return desired

    def check_references(self, plan):
        if self.is_set("account_role"):
            self.resolver.require_role(ACCOUNT_ROLE, self.params["account_role"])

    # -- writing -----------------------------------------------------------

    def expiration_text(self):
        expiration = self.options["expiration"]
        return expiration.wire(self.client.server_now()) if expiration is not None else None

    @staticmethod
    def keep_key(plan, response):
        """Take the plaintext key out of a create/rotate response: it goes to the plan's ``api_key`` only."""
        key = (response or {}).get("api_key") or {}
        secret = key.pop("key", None)
        if secret:
            plan.extra_result["api_key"] = secret
        return secret

    def is_callers_key(self, raw):
        """Whether the active key of the bot ``raw`` is the key this task authenticates with."""
        connection = self.module.connection
        return connection.is_bot_key and key_matches_mask(connection.api_key, (raw.get("api_key") or {}).get("masked_key"))

    def rotate(self, plan, raw, old_key_seconds, locks_out=False):
        """Rotate the key of ``raw``; a lost response is recovered without leaving a stray working key.

        Returns the rotation's answer (the bot with its new key's metadata, the key itself taken
        out into ``api_key``). ``locks_out``: the rotation ends the key this task authenticates
        with, so nothing can be read with it afterwards.

        Every send goes through ``write_recovering``: after a lost answer the bot is read again.
        A rotation that did not happen is sent again as it was; one that happened minted a key
        nobody received, so the next send ends that key at once (no grace window) while
        minting the one that is delivered. A rotation is never sent blind after a timeout: two
        rotations landing in either order could leave the delivered key the one that expires.
        """
        body = {"api_key_expiration": self.expiration_text(), "old_key_expires_in_seconds": old_key_seconds}
        # What the next send sends, and the active key a lost rotation would have replaced.
        pending = {"body": body, "active_key_id": (raw.get("api_key") or {}).get("id")}

        def send():
            return self.call("rotate_key", json=pending["body"], id=raw["id"])

        def recover():
            try:
                current = self.api.get_or_none(BOT, id=raw["id"])
            except PrefectCloudHTTPError as exc:
                if locks_out and exc.status == 401:
                    raise PrefectCloudError(
                        "%s rotated the key this task authenticates with, and the answer carrying the new key "
                        "was lost: the old key no longer works and the new one cannot be read again. Rotate the "
                        "bot's key with another API key; set old_key_expires_in_seconds when a bot rotates its "
                        "own key, so that its old key outlives a lost answer" % self.describe()
                    ) from None
                raise
            current_key_id = ((current or {}).get("api_key") or {}).get("id")
            if current is None or current_key_id == pending["active_key_id"]:
                return None  # the rotation did not happen: send it again as it was
            # It happened, but its key was lost: the next rotation ends that key at once.
            self.module.warn("the new key of %s was lost in transit; rotated it again" % self.describe())
            pending["active_key_id"] = current_key_id
            pending["body"] = dict(body, old_key_expires_in_seconds=0)
            return UNDONE

        try:
            response = self.write_recovering(send, recover, create=False, unique=False)
        except AmbiguousWriteError as exc:
            raise AmbiguousWriteError(
                "%s. No key minted for %s reached this task; rotate its key again: prefect.cloud.bot with name %s "
                "and rotate_api_key: true, or playbooks/rotate_keys.yml with rotate_bots naming it"
                % (exc, self.describe(), json.dumps(raw["name"])),
                status=exc.status,
            ) from None
        self.keep_key(plan, response)
        return response

    def read_after_minting(self, plan, bot_id, response, locks_out=False):
        """The bot after a create or a rotation, read without ever losing the key just minted.

        When a rotation ended the caller's own key, the read uses the new key. Should the read
        fail all the same, the answer of the write stands in for it (it lacks only the new
        key's mask), so that the new key still reaches the user.
        """
        try:
            if locks_out:
                # The same settings as the task's connection, wherever they came from, with the new key.
                current = self.module.connection
                with_new_key = dict(current.settings, api_key=plan.extra_result["api_key"], account=self.module.account_id)
                return Connection(with_new_key, warn=self.module.warn, origins=current.origins).api.call(BOT, "get", id=bot_id)
            return self.call("get", id=bot_id)
        except PrefectCloudError as exc:
            self.module.warn(
                "could not read %s after minting its key (%s); the result is the answer of the write" % (self.describe(), exc)
            )
            return response

    def create(self, plan):
        body = {"name": plan.desired["name"], "api_key_expiration": self.expiration_text()}
        if self.is_set("account_role"):
            body["account_role_id"] = self.resolver.require_role(ACCOUNT_ROLE, self.params["account_role"])["id"]
        # After a lost response the engine re-reads by name (self.read), past its lookup cache.
        raw = self.write_recovering(lambda: self.call("create", json=body))
        if not self.keep_key(plan, raw):
            # The bot was created but the response carrying its only key was lost.
            self.module.warn(
                "%s was created but the response with its API key was lost; "
                "rotated its key at once so that a working key can be returned" % self.describe()
            )
            raw = self.rotate(plan, raw, 0)
        raw = self.read_after_minting(plan, raw["id"], raw)
        self.resolver.remember(BOT, raw)
        return raw

    def update(self, plan):
        raw, before, desired = plan.before_raw, plan.before, plan.desired
        if desired["account_role"] != before["account_role"]:
            role = self.resolver.require_role(ACCOUNT_ROLE, desired["account_role"])
            self.call("update", json={"account_role_id": role["id"]}, id=raw["id"])
        if not desired["active_key"].get("rotated"):
            return self.call("get", id=raw["id"])
        grace = self.params["old_key_expires_in_seconds"]
        # A bot rotating its own key with no grace period ends the key this task sends.
        locks_out = not grace and self.is_callers_key(raw)
        response = self.rotate(plan, raw, grace, locks_out)
        return self.read_after_minting(plan, raw["id"], response, locks_out)


BOT_OPTIONS = {
    "name": {"type": validate.STRING},
    "account_role": {"type": validate.STRING},
    "api_key_expiration": {"type": validate.STRING, "no_log": False},
    "rotate_api_key": {"type": "bool", "default": False, "no_log": False},
    "rotate_if_expires_within": {"type": validate.STRING},
    "old_key_expires_in_seconds": {"type": "int", "no_log": False},
    "state": {"type": validate.STRING, "choices": ["present", "absent"], "default": "present"},
}


def main():
    form = BulkForm(Bot, "bots")
    run_either_form(PrefectCloudModule(**form.module_options(BOT_OPTIONS)), form)


if __name__ == "__main__":
    main()
