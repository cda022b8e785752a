# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""Team membership as people read it.

``GET teams/{id}`` lists members as ``memberships``: ``{id, type, email, name, handle}``
where ``id`` is the member's *actor* id and ``type`` is ``user`` or ``service_account``.
People name users by email and bots by name, so that is how members are shown and compared.
"""

USER = "user"
BOT = "service_account"


def member_names(team):
    """``(user emails, bot names)`` of a team row, both sorted; emails in lower case."""
    users, bots = set(), set()
    for member in team.get("memberships") or []:
        if member.get("type") == BOT:
            if member.get("name") is not None:
                bots.add(member["name"])
        elif member.get("email"):
            users.add(member["email"].lower())
    return sorted(users), sorted(bots)


def members_to_remove(team, users, bots):
    """Actor ids of the members of ``team`` whose email is in ``users`` or whose bot name is in ``bots``.

    Removal goes by actor id, which only the team's own membership rows carry.
    """
    users = set(u.lower() for u in users)
    bots = set(bots)
    actor_ids = []
    for member in team.get("memberships") or []:
        if member.get("type") == BOT:
            leaving = member.get("name") in bots
        else:
            leaving = (member.get("email") or "").lower() in users
        if leaving:
            actor_ids.append(member["id"])
    return actor_ids
