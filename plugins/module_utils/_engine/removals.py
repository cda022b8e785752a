# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""Bounds on what one task removes: one rule for every module with exclusive mode.

Exclusive mode removes what a list does not name, so an empty list - a variable that did not
load, entries commented out - removes everything of its kind, and a long plan removes many
objects before anyone has looked at it. Removing everything needs ``allow_remove_all``; more
than ``max_removals`` objects in one task are refused. Both are judged on the plan, after
reading and before any write, in check mode too. The bulk forms (``bulk.BulkForm``) apply it to
their entries, ``workspace_access`` to its grants, ``ip_allowlist`` to an enforced list, and the
environments role's checks read the same default.
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import Refusal

#: how many objects one task removes at most, unless its ``max_removals`` says otherwise
DEFAULT_MAX_REMOVALS = 10
#: how many of the objects a refused removal names in its message (its result lists them all)
NAMED_IN_MESSAGE = 10


class RemovalBounds:
    """The bounds on what one task removes: one rule for every module with exclusive mode.

    ``OPTIONS`` are the module options (``allow_remove_all``, ``max_removals``); a module
    checks them before any request with ``check_options`` and calls ``check`` with its plan,
    after reading and before writing (in check mode too, so that it fails the same way).
    """

    OPTIONS = {
        "allow_remove_all": {"type": "bool", "default": False},
        "max_removals": {"type": "int", "default": DEFAULT_MAX_REMOVALS},
    }

    @staticmethod
    def check_options(params):
        """``ValueError`` naming ``max_removals`` when it is below 0."""
        limit = params.get("max_removals")
        if limit is not None and limit < 0:
            raise ValueError("max_removals must be 0 or more, got %d" % limit)

    @staticmethod
    def check(params, removed, noun, everything=False, result=None):
        """Refuse the plan when it removes everything of its kind, or more than ``max_removals``.

        ``removed``: how the plan's removals are named (``'dan@acme.io'``); ``noun``: their
        kind, singular and plural (``("account member", "account members")``); ``everything``:
        the task keeps nothing of that kind (exclusive mode with nothing listed to keep), so what
        it removes is all there is. ``result`` goes with the ``Refusal``: the plan, for the user
        to see what was refused. ``allow_remove_all`` lifts the first rule, ``max_removals`` (if
        not ``None``) sets the second.
        """
        if not removed:
            return
        named = ", ".join(removed[:NAMED_IN_MESSAGE])
        if len(removed) > NAMED_IN_MESSAGE:
            named += " and %d more" % (len(removed) - NAMED_IN_MESSAGE)
        singular, plural = noun
        if everything and not params.get("allow_remove_all"):
            raise Refusal(
                "refusing to remove every %s (%d): exclusive with nothing listed to keep removes %s. An empty list is "
                "more often a mistake (a variable that did not load, entries commented out) than meant; set "
                "allow_remove_all: true if it is meant" % (singular, len(removed), named),
                result=result,
            )
        limit = params.get("max_removals")
        if limit is not None and len(removed) > limit:
            raise Refusal(
                "refusing to remove %d %s in one task, more than max_removals (%d): %s. Check the plan (check mode "
                "lists it), then raise max_removals to go ahead"
                % (len(removed), singular if len(removed) == 1 else plural, limit, named),
                result=result,
            )
