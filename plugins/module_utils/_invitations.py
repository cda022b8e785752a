# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""Reading invitations, shared by the invitation and invitation_info modules.

Account invitations live under ``/accounts/{a}/invitations``, workspace
invitations under ``/accounts/{a}/workspaces/{w}/invitations``, with the same
``InvitationFilter`` wrapped in a different key. A ``PENDING`` invitation whose
``expiration`` has passed can no longer be accepted; the server's clock decides.
"""

from ansible_collections.prefect.cloud.plugins.module_utils._values import parse_datetime


def invitation_filter(emails=None, statuses=None, workspace_id=None):
    """``(path, body)`` of the filter request, relative to the account path."""
    criteria = {}
    if emails:
        # The stored address may differ in case from the one given: ask for both spellings.
        wanted = []
        for address in emails:
            for spelling in (address, address.lower()):
                if spelling not in wanted:
                    wanted.append(spelling)
        criteria["email"] = {"any_": wanted}
    if statuses:
        criteria["status"] = {"any_": list(statuses)}
    if workspace_id is None:
        path, wrap = "/invitations/filter", "invitations"
    else:
        path, wrap = "/workspaces/%s/invitations/filter" % workspace_id, "workspace_invitations"
    return path, ({wrap: criteria} if criteria else {})


def read_invitations(client, account_path, emails=None, statuses=None, workspace_id=None):
    """Every invitation of the account (or of one workspace) matching the criteria, all pages."""
    path, body = invitation_filter(emails, statuses, workspace_id)
    return client.list_all(account_path + path, body)


def is_expired(row, now):
    """Whether the invitation's expiration is at or before ``now`` (an aware datetime)."""
    expiration = parse_datetime(row.get("expiration"))
    return expiration is not None and expiration <= now
