# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The team memberships of the environments role, with those that wait for an invitation to be accepted.

A person in ``prefect_environments_people`` who is not a member yet gets an invitation, and
becomes a member only by accepting it: until then no team can take them (the team module
refuses a non-member). Their team memberships are left out of the team task and returned as
*pending*, with the invitation they wait for, so that the run succeeds, says so in a warning,
and a later run after the acceptance adds them.
"""

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text
from ansible.utils.display import Display

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import is_uuid
from ansible_collections.prefect.cloud.plugins.filter.environments_audit import verbatim as _verbatim

display = Display()


def _email(value):
    return to_text(value).lower()


def team_memberships(teams, members, invitations, warn=True):
    """``{'entries': [...], 'pending': [...]}`` for the role's team task.

    ``teams`` is ``prefect_environments_teams``; ``members`` the emails of the account's user
    members; ``invitations`` the invitation task's ``invitations`` (each ``email``, and ``id``,
    ``expiration`` when known). ``entries`` are the team module's ``teams`` entries without the
    users who are invited and not members yet; ``pending`` is one item per such user:
    ``{user, teams, invitation_id, invitation_expiration}``. With ``warn``, a non-empty
    ``pending`` is also said in a warning.
    """
    if not isinstance(teams, list):
        raise AnsibleFilterError("environments_team_memberships expects a list of teams, got %s" % type(teams).__name__)
    member_emails = set(_email(member) for member in members or [] if member)
    invited = {}
    for row in invitations or []:
        if row and row.get("email") and row.get("status", "pending") == "pending":
            invited.setdefault(_email(row["email"]), row)
    entries, pending = [], {}
    for team in teams:
        users = []
        for user in team.get("users") or []:
            email = _email(user)
            if not is_uuid(email) and email not in member_emails and email in invited:
                pending.setdefault(email, []).append(to_text(team.get("name")))
            else:
                users.append(user)
        entry = {"name": team.get("name"), "users": users, "bots": list(team.get("bots") or [])}
        if team.get("description") is not None:
            entry["description"] = team["description"]
        entries.append(entry)
    waiting = [
        {
            "user": email,
            "teams": names,
            "invitation_id": invited[email].get("id"),
            "invitation_expiration": invited[email].get("expiration"),
        }
        for email, names in sorted(pending.items())
    ]
    if warn and waiting:
        display.warning(
            "Team memberships wait for invitations to be accepted: %s. A person joins a team only once a member; "
            "run the role again after they accept (prefect_environments_pending_memberships lists them)"
            % "; ".join(
                "%s joins %s after accepting invitation %s" % (item["user"], ", ".join(item["teams"]), item["invitation_id"] or "(to be sent)")
                for item in waiting
            )
        )
    return {"entries": entries, "pending": waiting}


class FilterModule:
    """The environments role's team memberships."""

    def filters(self):
        return {"environments_team_memberships": _verbatim(team_memberships)}
