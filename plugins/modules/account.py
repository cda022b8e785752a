#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: account
short_description: Manage the profile, settings and SSO domains of a Prefect Cloud account
version_added: 0.1.0
description:
  - Ensures the account named by O(account) has the given profile, settings and SSO domains.
  - Accounts cannot be created or deleted through the API, so this module has no O(ignore:state).
  - Only the options you set are compared and changed; O(settings) is partial (only the keys given
    are compared and sent).
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  name:
    description:
      - The account's display name.
    type: str
  handle:
    description:
      - The account handle (lower-case letters, digits and dashes; anything else fails before any
        request). Renaming it changes the URLs of the account; later tasks that name the account by
        its old handle will not find it.
    type: str
  location:
    description:
      - Where the organisation is, free text. V("") clears it.
    type: str
  link:
    description:
      - A web address for the organisation, an http(s) URL such as V(https://acme.io). V("") clears it.
    type: str
  settings:
    description:
      - Account settings to enforce. Only the keys given are compared and sent; the others keep their values.
      - "Known keys (booleans): V(allow_public_workspaces), V(ai_log_summaries), V(managed_execution),
        V(enforce_ip_allowlist), V(enforce_webhook_authentication), V(self_healing_enabled).
        V(default_result_storage) takes the API's object (or V(null))."
      - An unknown key fails before any request, listing the known ones.
      - Turning on V(enforce_ip_allowlist) locks out every address that is not in the account's IP allowlist,
        and this module does not check that yours is. Prefer M(prefect.cloud.ip_allowlist) (its O(prefect.cloud.ip_allowlist#module:enforce)
        option), which manages the list and checks first that enforcing it does not lock you out.
    type: dict
  domains:
    description:
      - The complete list of SSO domains of the account (compared as a set), domain names such as
        V(acme.io). V([]) removes them all.
    type: list
    elements: str
extends_documentation_fragment:
  - prefect.cloud.common
  - prefect.cloud.attributes
seealso:
  - module: prefect.cloud.account_info
  - module: prefect.cloud.ip_allowlist
"""

EXAMPLES = r"""
- name: Account settings as code
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/prefect.cloud.prefect_cloud:
      account: acme
  tasks:
    - name: Profile, settings and SSO domains
      prefect.cloud.account:
        name: Acme Corp
        link: https://acme.example
        settings:
          allow_public_workspaces: false
          ai_log_summaries: true
        domains:
          - acme.example
          - acme-corp.example
"""

RETURN = r"""
account:
  description: The account after the task; in check mode, the prediction.
  returned: always
  type: dict
  contains:
    id:
      description: Account id.
      type: str
      sample: 4db86fa3-9bc2-4d09-9df0-86b0fe7c6477
    name:
      description: Display name.
      type: str
      sample: Acme Corp
    handle:
      description: Handle.
      type: str
      sample: acme
    location:
      description: Location, or null.
      type: str
      sample: Berlin
    link:
      description: Web address, or null.
      type: str
      sample: https://acme.io
    settings:
      description: The account settings (the keys the API returns).
      type: dict
      sample:
        allow_public_workspaces: false
        ai_log_summaries: true
        managed_execution: true
        enforce_ip_allowlist: false
        enforce_webhook_authentication: true
        self_healing_enabled: false
    domains:
      description: The SSO domains, sorted.
      type: list
      elements: str
      sample: [acme.io]
    plan_type:
      description: Plan type.
      type: str
      sample: ENTERPRISE
    plan_tier:
      description: Plan tier.
      type: str
      sample: ENTERPRISE
    status:
      description: Account status (ACTIVE, DELINQUENT, FROZEN).
      type: str
      sample: ACTIVE
    features:
      description: Features of the plan.
      type: list
      elements: str
      sample: [teams, custom_roles, sso]
    created:
      description: Creation time.
      type: str
      sample: '2026-01-12T09:30:41.204518Z'
    updated:
      description: Last update time.
      type: str
      sample: '2026-03-02T14:05:12.871093Z'
diff:
  description: The account before and after (name, handle, location, link, settings, domains), in diff mode.
  returned: when diff mode is on
  type: dict
  sample:
    before:
      name: Acme
      handle: acme
      location: null
      link: null
      settings:
        ai_log_summaries: false
      domains: []
    after:
      name: Acme Corp
      handle: acme
      location: Berlin
      link: https://acme.io
      settings:
        ai_log_summaries: true
      domains:
        - acme.io
msg:
  description: What happened, such as C(account 'acme' updated).
  returned: always
  type: str
  sample: account 'acme' updated
"""

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import ACCOUNT
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import PrefectCloudModule
from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import Resource, run_resource

BOOLEAN_SETTINGS = (
    "allow_public_workspaces",
    "ai_log_summaries",
    "managed_execution",
    "enforce_ip_allowlist",
    "enforce_webhook_authentication",
    "self_healing_enabled",
)
OBJECT_SETTINGS = ("default_result_storage",)
PROFILE_FIELDS = ("name", "handle", "location", "link")


def normalise_settings(settings):
    """Check the keys and types of the ``settings`` option; ``ValueError`` names the problem."""
    known = BOOLEAN_SETTINGS + OBJECT_SETTINGS
    unknown = sorted(set(settings) - set(known))
    if unknown:
        raise ValueError("settings: unknown key(s) %s; known keys: %s" % (", ".join(unknown), ", ".join(known)))
    result = {}
    for key, value in settings.items():
        if key in BOOLEAN_SETTINGS:
            try:
                result[key] = boolean(value, strict=True)
            except TypeError:
                raise ValueError("settings.%s must be a boolean, got %r" % (key, value)) from None
        elif value is not None and not isinstance(value, dict):
            raise ValueError("settings.%s must be an object or null, got %r" % (key, value))
        else:
            result[key] = value
    return result


class Account(Resource):
    api_resource = ACCOUNT
    result_key = "account"

    @classmethod
    def parse_options(cls, params):
        validate.check_options(
            params,
            {
                "name": validate.display_name,
                "handle": validate.handle,
                "location": validate.text,
                "link": validate.url,
                "domains": validate.list_of(validate.domain),
            },
        )
        return {"settings": normalise_settings(params["settings"] or {})}

    def describe(self):
        return "account %r" % (self.params["account"] or self.module.account_id)

    def read(self):
        raw = self.call("get")
        raw["domains"] = self.call("domains") or []
        return raw

    def view(self, raw):
        settings = raw.get("settings") or {}
        view = {key: raw.get(key) for key in PROFILE_FIELDS}
        view["settings"] = {key: settings.get(key) for key in BOOLEAN_SETTINGS + OBJECT_SETTINGS if key in settings}
        view["domains"] = sorted({_domain_name(d).lower() for d in raw.get("domains") or []})
        return view

    def desired(self, before):
        desired = self.overlay(before, {}, {key: key for key in PROFILE_FIELDS})
        for key in ("location", "link"):
            # "" clears the field; the API keeps a cleared field as null.
            if desired.get(key) == "":
                desired[key] = None
        if self.is_set("settings"):
            desired["settings"] = dict(desired["settings"], **self.options["settings"])
        if self.is_set("domains"):
            desired["domains"] = sorted({d.strip().lower() for d in self.params["domains"]})
        return desired

    def changes(self, plan):
        before, desired = plan.before, plan.desired
        return {
            "profile": {key: desired[key] for key in PROFILE_FIELDS if desired[key] != before[key]},
            "settings": {k: v for k, v in desired["settings"].items() if before["settings"].get(k) != v},
            "domains": desired["domains"] if desired["domains"] != before["domains"] else None,
        }

    def update(self, plan):
        changes = plan.changes
        if changes["profile"]:
            self.call("update", json=changes["profile"])
        if changes["settings"]:
            self.call("update_settings", json=changes["settings"])
        if changes["domains"] is not None:
            self.call("update_domains", json={"domain_names": changes["domains"]})
        return None

    def public(self, raw, view):
        result = super().public(raw, view)
        # The full settings object the API returned, not only the keys the view compares.
        if raw and "settings" in raw:
            result["settings"] = dict(raw["settings"], **view["settings"])
        return result


def _domain_name(entry):
    return entry.get("name", "") if isinstance(entry, dict) else str(entry)


def main():
    module = PrefectCloudModule(
        argument_spec={
            "name": {"type": validate.STRING},
            "handle": {"type": validate.STRING},
            "location": {"type": validate.STRING},
            "link": {"type": validate.STRING},
            "settings": {"type": "dict"},
            "domains": {"type": "list", "elements": validate.STRING},
        },
    )
    run_resource(module, Account)


if __name__ == "__main__":
    main()
