# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""Who is calling: the guard that keeps a purge from removing the caller's own access.

A user key is identified with ``GET /me/`` (the user's id and email), read through the
connection (once per run, whoever asks). What that route answers for a service-account
(bot) key is not documented, so a bot is recognised by its key instead: the API shows
every key as a mask (``pnb_...a1b2``, the prefix and the last four characters), and a bot
whose active or rotating key has the same mask as the caller's key is taken to be the
caller. A chance match only keeps a grant that could have been revoked - the safe side.

Only the objects a purge is about to remove are examined, so a run that removes
nothing asks nothing.
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudHTTPError, Refusal
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import ACCOUNT_ROLE, BOT, ME, TEAM

# The account permission that gives its holders (the Owner and Admin account roles) Owner
# scopes in every workspace of the account, whatever their workspace grants.
ADMINISTRATE_WORKSPACES = "administrate:workspace"


def key_matches_mask(key, masked):
    """Whether the plaintext ``key`` has the masked form ``masked`` (``pnb_...a1b2``)."""
    if not isinstance(key, str) or not isinstance(masked, str):
        return False
    for ellipsis in ("...", "\u2026"):
        if ellipsis in masked:
            head, tail = masked.split(ellipsis, 1)
            break
    else:
        return False
    if len(tail) < 4 or not head:
        return False
    return key.startswith(head) and key.endswith(tail)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


class CallerIdentity:
    """Answers "is this grant the caller's own?" for a purge, with as few reads as it can.

    ``connection`` is the module's connection: its ``me()``, its ``api`` and the caller's
    key (only compared with masks, never stored in results).
    """

    def __init__(self, connection):
        self.connection = connection
        self.api = connection.api
        self._key = connection.api_key or ""
        self._me = None
        self._me_read = False
        self._bot_keys = {}
        self._administrates = None
        self.bot_id = None

    @property
    def is_bot_key(self):
        return self.connection.is_bot_key

    def me(self):
        """The caller's profile; ``None`` when a bot key is refused there."""
        if not self._me_read:
            self._me_read = True
            try:
                self._me = self.connection.me() or None
            except PrefectCloudHTTPError as exc:
                if not self.is_bot_key or exc.status not in (401, 403, 404, 422):
                    raise
                self._me = None
            if self._me is None and not self.is_bot_key:
                raise Refusal("could not tell who the caller is (GET /me/ gave nothing): refusing to purge")
        return self._me

    # -- users --------------------------------------------------------------

    def is_user(self, user_id=None, email=None):
        """Whether the user with this id or email is the caller."""
        me = self.me()
        if not me:
            return False
        if user_id and me.get("id") and _lower(user_id) == _lower(me["id"]):
            return True
        return bool(email and me.get("email") and _lower(email) == _lower(me["email"]))

    # -- bots ---------------------------------------------------------------

    def is_bot(self, bot_id):
        """Whether the bot with this id is the caller (by id from /me/, or by key mask)."""
        me = self.me()
        if me and me.get("id") and _lower(me["id"]) == _lower(bot_id):
            return True
        if not self.is_bot_key:
            return False
        return any(key_matches_mask(self._key, masked) for masked in self._masks_of_bot(bot_id))

    def find_bot(self, bot_ids):
        """The id among ``bot_ids`` that is the calling bot (``None`` for a user key or no match)."""
        if not self.is_bot_key:
            return None
        if self.bot_id is None:
            self.bot_id = next((bot_id for bot_id in bot_ids if self.is_bot(bot_id)), None)
        return self.bot_id

    def _masks_of_bot(self, bot_id):
        if bot_id not in self._bot_keys:
            keys = self.api.get_or_none(BOT, "keys", id=bot_id) or {}
            rows = [keys.get("active_key")] + list(keys.get("rotating_keys") or [])
            self._bot_keys[bot_id] = [row.get("masked_key") for row in rows if row and row.get("masked_key")]
        return self._bot_keys[bot_id]

    # -- account role ---------------------------------------------------------

    def administrates_workspaces(self):
        """Whether the caller's account role manages every workspace (Owner, Admin: ``administrate:workspace``).

        Asked of ``GET /me/accounts/{id}/permissions``. Where that is refused for a bot key,
        the bot's own account role is looked up instead - once the bot is known (``find_bot``);
        an unknown bot is taken not to administrate, the side that refuses rather than locks out.
        """
        if self._administrates is None:
            try:
                permissions = self.api.call(ME, "permissions", account_id=self.connection.account_id) or []
            except PrefectCloudHTTPError as exc:
                if not self.is_bot_key or exc.status not in (401, 403, 404, 422):
                    raise
                permissions = self._bot_permissions()
            self._administrates = ADMINISTRATE_WORKSPACES in permissions
        return self._administrates

    def _bot_permissions(self):
        bot = self.api.get_or_none(BOT, id=self.bot_id) if self.bot_id else None
        role = self.connection.resolver.role(ACCOUNT_ROLE, bot.get("account_role_name")) if bot else None
        return (role or {}).get("permissions") or []

    # -- teams --------------------------------------------------------------

    def teams_with_caller(self, team_ids):
        """The subset of ``team_ids`` the caller is a member of (one filter read, plus bot checks)."""
        team_ids = list(dict.fromkeys(team_ids))
        if not team_ids:
            return set()
        found = set()
        bot_names = {}
        for team in self.api.list_by(TEAM, TEAM.id_criterion, team_ids):
            for member in team.get("memberships") or []:
                if member.get("type") == "user" and self.is_user(email=member.get("email")):
                    found.add(team["id"])
                elif member.get("type") == "service_account" and self.is_bot_key and member.get("name"):
                    bot_names.setdefault(member["name"], set()).add(team["id"])
        if bot_names:
            for bot in self.api.list_by(BOT, BOT.natural_key, sorted(bot_names)):
                if bot.get("name") in bot_names and self.is_bot(bot["id"]):
                    found |= bot_names[bot["name"]]
        return found
