# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The people of the environments role, split by whether they are members of the account yet.

A person who is a member gets their account role through the account_member task; anyone else
gets an invitation with it. A Python filter rather than a Jinja loop in the role: the loop tested
each of a few hundred people against a list of a few hundred emails, and took most of a second of
every run, a no-op included.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.prefect.cloud.plugins.filter.environments_audit import verbatim as _verbatim
from ansible_collections.prefect.cloud.plugins.filter.environments_memberships import _email

_DEFAULT_ROLE = "Member"


def split_people(people, members):
    """``{'members', 'invitations', 'member_emails', 'removable_collaborators'}`` for the role's people tasks.

    ``people`` is ``prefect_environments_people``; ``members`` the account_member_info
    ``members`` (each ``email`` and ``account_role``). ``members`` and ``invitations`` are the
    entries of the account_member and invitation tasks (``email``, ``account_role``, which
    defaults to Member), in the declaration's order. ``member_emails`` are the members' emails in
    lower case. ``removable_collaborators`` are the Collaborators whose last workspace access
    exclusive mode may revoke: those the declaration does not keep as Collaborators.
    """
    if not isinstance(people, list):
        raise AnsibleFilterError("environments_split_people expects a list of people, got %s" % type(people).__name__)
    if not isinstance(members, list):
        raise AnsibleFilterError("environments_split_people expects the members as a list, got %s" % type(members).__name__)
    member_emails = [_email(member.get("email")) for member in members if member and member.get("email")]
    is_member = set(member_emails)
    joining, invited = [], []
    for person in people:
        entry = {"email": person["email"], "account_role": person.get("account_role") or _DEFAULT_ROLE}
        (joining if _email(person["email"]) in is_member else invited).append(entry)
    kept_collaborators = set(
        _email(person["email"]) for person in people if person.get("account_role") == "Collaborator"
    )
    removable = sorted(
        set(_email(member["email"]) for member in members
            if member and member.get("email") and member.get("account_role") == "Collaborator")
        - kept_collaborators
    )
    return {"members": joining, "invitations": invited, "member_emails": member_emails,
            "removable_collaborators": removable}


class FilterModule:
    """The environments role's people."""

    def filters(self):
        return {"environments_split_people": _verbatim(split_people)}
