# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A live account as a declaration of the environments role, as a person would write it (``playbooks/export.yml``).

What the export recognises, so that the declaration keeps the intent and re-applies with ``changed=0``:

* **deployers**: a bot named ``<name_prefix><environment>`` whose only grant is on that environment's
  workspace becomes the environment's deployer (not a plain bot with a direct grant);
* **the common workspace prefix**: the deployers tell it (``deployer-dev`` on ``acme-dev``: ``acme-``);
  the most common one becomes ``prefect_environments_workspace_prefix``, each workspace named by it
  becomes an environment named by the rest, any other keeps its handle as name and an explicit ``workspace``;
* **what the bots' keys say**: a key's lifetime (expiration - minting) becomes ``key_expiration`` (``''``
  for a key that never expires), a key still working after a rotation tells the grace window
  (``old_key_expires_in_seconds``); the deployers' common settings become ``prefect_environments_deployer``,
  and an environment's deployer says only where it differs.

Text from the account is returned as it is: the playbook writes it with ``to_verbatim_yaml``.
"""

import datetime

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.prefect.cloud.plugins.filter.environments_audit import verbatim as _verbatim

DAY = 86400
HOUR = 3600


def _time(value):
    if not value:
        return None
    text = to_text(value).replace("Z", "+00:00")
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return None


def duration(seconds):
    """A whole number of days or hours, as the modules read durations (``30d``, ``12h``); ``None`` under an hour."""
    seconds = int(round(seconds))
    if seconds >= DAY and abs(seconds - round(seconds / float(DAY)) * DAY) < 60:
        return "%dd" % round(seconds / float(DAY))
    if seconds >= HOUR:
        return "%dh" % round(seconds / float(HOUR))
    return None


def key_settings(bot):
    """``{key_expiration, old_key_expires_in_seconds}`` as the bot's keys say (only what they say)."""
    keys = bot.get("api_keys") or {}
    active = keys.get("active") or bot.get("api_key")
    settings = {}
    if active:
        created, expiration = _time(active.get("created")), _time(active.get("expiration"))
        if active.get("expiration") is None:
            settings["key_expiration"] = ""
        elif created and expiration:
            lifetime = duration((expiration - created).total_seconds())
            if lifetime:
                settings["key_expiration"] = lifetime
        minted = created
        for old in keys.get("rotating") or []:
            ends = _time(old.get("expiration"))
            if minted and ends and ends > minted:
                settings["old_key_expires_in_seconds"] = int(round((ends - minted).total_seconds() / 60.0)) * 60
                break
    return settings


def _most_common(values, default=None):
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    if not counts:
        return default
    return sorted(counts.items(), key=lambda item: (-item[1], -len(to_text(item[0])), to_text(item[0])))[0][0]


def _grants(access):
    users = [{"user": to_text(row["email"]).lower(), "workspace_role": row.get("workspace_role")} for row in access.get("users") or []]
    bots = [{"bot": row["bot_name"], "workspace_role": row.get("workspace_role")} for row in access.get("bots") or []]
    return users, bots


def export_declaration(reads, options=None):
    """The declaration: the role's variables, from the info modules' results.

    ``reads``: ``account`` (handle), ``workspaces``, ``access`` (``{handle: workspace_access_info result}``),
    ``bots``, ``teams``, ``members``, ``invitations`` (pending), ``workspace_roles`` (custom), ``ip_allowlist``
    (the ip_allowlist_info result). ``options``: ``deployer_prefix`` (default ``deployer-``), ``keys_directory``.
    """
    if not isinstance(reads, dict):
        raise AnsibleFilterError("environments_export expects the account's reads as a dictionary, got %s" % type(reads).__name__)
    options = dict(options or {})
    name_prefix = to_text(options.get("deployer_prefix") or "deployer-")
    workspaces = list(reads.get("workspaces") or [])
    access = dict(reads.get("access") or {})
    bots = dict((to_text(bot["name"]), bot) for bot in reads.get("bots") or [])

    bot_grants = {}
    for handle in sorted(access):
        for row in (access[handle] or {}).get("bots") or []:
            bot_grants.setdefault(to_text(row["bot_name"]), []).append((handle, row.get("workspace_role")))

    # Deployer candidates: <prefix><suffix> whose only grant is on a workspace whose handle ends with the suffix.
    candidates = {}
    for name, grants in bot_grants.items():
        if name.startswith(name_prefix) and len(name) > len(name_prefix) and len(grants) == 1 and name in bots:
            suffix, handle = name[len(name_prefix):], grants[0][0]
            if handle.endswith(suffix):
                candidates[handle] = (name, handle[:len(handle) - len(suffix)], grants[0][1])
    workspace_prefix = _most_common([prefix for _name, prefix, _role in candidates.values()], "")

    handles = [to_text(ws["handle"]) for ws in workspaces]
    names = {}
    for handle in handles:
        prefixed = handle.startswith(workspace_prefix) and len(handle) > len(workspace_prefix)
        names[handle] = handle[len(workspace_prefix):] if prefixed else handle
    taken = {}
    for handle in handles:
        taken.setdefault(names[handle], []).append(handle)
    for owners in taken.values():
        if len(owners) > 1:  # a stripped name that is also another workspace's handle: both keep their handle
            for handle in owners:
                names[handle] = handle

    deployers = {}
    for handle in handles:
        name = name_prefix + names[handle]
        grants = bot_grants.get(name) or []
        if name in bots and len(grants) == 1 and grants[0][0] == handle:
            bot = bots[name]
            deployers[handle] = dict({"name": name, "account_role": bot.get("account_role"), "workspace_role": grants[0][1]},
                                     **key_settings(bot))

    deployer = {"name_prefix": name_prefix}
    for option, default in (("account_role", "Member"), ("workspace_role", "Developer"), ("key_expiration", ""),
                            ("old_key_expires_in_seconds", None)):
        value = _most_common([d[option] for d in deployers.values() if option in d], default)
        if value is not None:
            deployer[option] = value

    environments = []
    for ws in workspaces:
        handle = to_text(ws["handle"])
        environment = {"name": names[handle]}
        if handle != workspace_prefix + names[handle]:
            environment["workspace"] = handle
        environment["title"] = ws.get("name")
        if ws.get("description"):
            environment["description"] = ws["description"]
        if ws.get("default_workspace_role"):
            environment["default_workspace_role"] = ws["default_workspace_role"]
        own = deployers.get(handle)
        if own is None:
            environment["deployer"] = False
        else:
            differs = dict((option, own[option]) for option in ("account_role", "workspace_role", "key_expiration", "old_key_expires_in_seconds")
                           if option in own and own[option] != deployer.get(option))
            if differs:
                environment["deployer"] = differs
        users, bot_rows = _grants(access.get(handle) or {})
        grants = users + [row for row in bot_rows if not (own and row["bot"] == own["name"])]
        if grants:
            environment["grants"] = grants
        environments.append(environment)

    deployer_names = set(d["name"] for d in deployers.values())
    plain_bots = []
    for name in sorted(bots):
        if name in deployer_names:
            continue
        plain_bots.append(dict({"name": name, "account_role": bots[name].get("account_role")}, **key_settings(bots[name])))

    env_of = dict((handle, names[handle]) for handle in handles)
    teams = []
    for team in reads.get("teams") or []:
        entry = {"name": team["name"]}
        if team.get("description"):
            entry["description"] = team["description"]
        entry["users"] = list(team.get("users") or [])
        entry["bots"] = list(team.get("bots") or [])
        roles = dict((env_of.get(w["workspace_handle"], w["workspace_handle"]), w.get("workspace_role_name"))
                     for w in team.get("workspaces") or [] if w.get("workspace_handle") in env_of)
        if roles:
            entry["roles"] = roles
        teams.append(entry)

    members = [(to_text(m["email"]).lower(), m.get("account_role")) for m in reads.get("members") or []]
    member_emails = set(email for email, _role in members)
    people = [{"email": email, "account_role": role} for email, role in members]
    for invitation in reads.get("invitations") or []:
        email = to_text(invitation.get("email") or "").lower()
        if invitation.get("workspace") is None and not invitation.get("expired") and email and email not in member_emails:
            member_emails.add(email)
            people.append({"email": email, "account_role": invitation.get("account_role")})

    roles = [dict((key, role[key]) for key in ("name", "description", "scopes", "inherited_role") if role.get(key) is not None)
             for role in reads.get("workspace_roles") or []]

    declaration = {
        "prefect_environments_account": reads.get("account"),
        "prefect_environments_workspace_prefix": workspace_prefix,
        "prefect_environments": environments,
        "prefect_environments_deployer": deployer,
        "prefect_environments_workspace_roles": roles,
        "prefect_environments_teams": teams,
        "prefect_environments_people": people,
        "prefect_environments_bots": plain_bots,
    }
    allowlist = reads.get("ip_allowlist") or {}
    if allowlist.get("available") and ((allowlist.get("ip_allowlist") or {}).get("entries") or (allowlist.get("ip_allowlist") or {}).get("enforce")):
        declaration["prefect_environments_ip_allowlist"] = {
            "entries": [dict((key, entry.get(key)) for key in ("ip_network", "enabled", "description") if key in entry)
                        for entry in allowlist["ip_allowlist"].get("entries") or []],
            "enforce": allowlist["ip_allowlist"].get("enforce"),
        }
    declaration["prefect_environments_exclusive"] = False
    declaration["prefect_environments_keys"] = {
        "directory": options.get("keys_directory"),
        # The keys of the exported bots are wherever they were kept, not in this folder: re-applying the
        # export must not rotate them. Set true once the folder holds them (or for bots this role made).
        "remint_missing": False,
    }
    return declaration


class FilterModule:
    """A live account as a declaration of the environments role."""

    def filters(self):
        return {"environments_export": _verbatim(export_declaration)}
