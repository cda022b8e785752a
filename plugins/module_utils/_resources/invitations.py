# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""Reading invitations, shared by the invitation and invitation_info modules.

Account invitations and workspace invitations are two resources of the table
(``INVITATION``, ``WORKSPACE_INVITATION``) with the same filter. A ``PENDING``
invitation whose ``expiration`` has passed can no longer be accepted; the server's
clock decides.
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import INVITATION, WORKSPACE_INVITATION, any_of
from ansible_collections.prefect.cloud.plugins.module_utils._engine.values import parse_datetime


def invitation_resource(workspace_id):
    """The table entry of the invitations of the account (``None``) or of one workspace."""
    return INVITATION if workspace_id is None else WORKSPACE_INVITATION


def invitation_criteria(emails=None, statuses=None):
    """The filter criteria for invitations to ``emails`` with one of ``statuses``."""
    criteria = {}
    if emails:
        # The stored address may differ in case from the one given: ask for both spellings.
        wanted = []
        for address in emails:
            for spelling in (address, address.lower()):
                if spelling not in wanted:
                    wanted.append(spelling)
        criteria["email"] = any_of(wanted)
    if statuses:
        criteria["status"] = any_of(statuses)
    return criteria


def read_invitations(api, emails=None, statuses=None, workspace_id=None):
    """Every invitation of the account (or of one workspace) matching the criteria, all pages."""
    resource = invitation_resource(workspace_id)
    criteria = invitation_criteria(emails, statuses)
    body = resource.filter_body(criteria)
    return api.list(resource, body, workspace_id=workspace_id)


def is_expired(row, now):
    """Whether the invitation's expiration is at or before ``now`` (an aware datetime)."""
    expiration = parse_datetime(row.get("expiration"))
    return expiration is not None and expiration <= now
