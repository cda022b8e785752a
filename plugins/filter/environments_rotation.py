# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bot entries of a key rotation, by the declaration.

``playbooks/rotate_keys.yml`` gives each bot it rotates the key expiration and grace window the
declaration gives it: a deployer its environment's deployer settings, another bot its own entry
of ``prefect_environments_bots``, and the deployer defaults for what a bot does not say (and for
bots the declaration does not name). The playbook's variables override them, for every bot.
"""

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.prefect.cloud.plugins.filter.environments import deployer_name
from ansible_collections.prefect.cloud.plugins.filter.environments_audit import verbatim as _verbatim

# The role's deployer defaults (roles/environments/vars/main.yml), for a declaration that loads none.
DEPLOYER_DEFAULTS = {"name_prefix": "deployer-", "key_expiration": "90d", "old_key_expires_in_seconds": 3600}
SETTINGS = ("key_expiration", "old_key_expires_in_seconds")


def _said(settings, option):
    """Whether a setting is given (null and '' are not, except '' for key_expiration: a key that never expires)."""
    value = settings.get(option)
    return value is not None and (option == "key_expiration" or value != "")


def declared_settings(declaration):
    """``{bot name: {key_expiration, old_key_expires_in_seconds}}`` of every bot the declaration names."""
    deployer = dict(DEPLOYER_DEFAULTS, **{k: v for k, v in (declaration.get("deployer") or {}).items() if v is not None})
    base = {option: deployer.get(option) for option in SETTINGS}
    bots = {}
    for environment in declaration.get("environments") or []:
        name = deployer_name(environment, deployer)
        if name is None:
            continue
        own = environment.get("deployer") if isinstance(environment.get("deployer"), dict) else {}
        bots[name] = dict(base, **{option: own[option] for option in SETTINGS if _said(own, option)})
    for bot in declaration.get("bots") or []:
        bots[to_text(bot.get("name"))] = dict(base, **{option: bot[option] for option in SETTINGS if _said(bot, option)})
    return bots, base


def rotation_entries(names, declaration, overrides=None, describe=False):
    """The bot module's ``bots`` entries rotating ``names``: ``{name, rotate_api_key, api_key_expiration, old_key_expires_in_seconds}``.

    ``declaration`` holds ``environments``, ``deployer`` and ``bots`` (the role's variables);
    ``overrides`` ``key_expiration`` and ``old_key_expires_in_seconds`` (``None``: the declaration's).
    An expiration of ``''`` gives a key that never expires (no ``api_key_expiration``). With ``describe``,
    one line per bot instead, for the playbook's report: ``ci (new key expires in 30d; the old key works 3600 s more)``.
    """
    if not isinstance(declaration, dict):
        raise AnsibleFilterError("environments_rotation_entries expects the declaration as a dictionary, got %s" % type(declaration).__name__)
    overrides = {option: value for option, value in (overrides or {}).items() if value is not None and value != ""}
    bots, base = declared_settings(declaration)
    entries = []
    for name in names or []:
        settings = dict(bots.get(to_text(name), base), **overrides)
        entry = {"name": to_text(name), "rotate_api_key": True}
        if settings.get("key_expiration"):
            entry["api_key_expiration"] = to_text(settings["key_expiration"])
        entry["old_key_expires_in_seconds"] = int(settings.get("old_key_expires_in_seconds") or 0)
        entries.append(entry)
    if describe:
        return ["%s (new key %s; the old key works %d s more)" % (
            entry["name"], "expires in %s" % entry["api_key_expiration"] if "api_key_expiration" in entry else "never expires",
            entry["old_key_expires_in_seconds"]) for entry in entries]
    return entries


class FilterModule:
    """Key rotation by the declaration."""

    def filters(self):
        return {"environments_rotation_entries": _verbatim(rotation_entries)}
