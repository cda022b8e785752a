# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""Workspace access: the user, bot and team grants of a workspace, as one object.

The three kinds of accessor have three lists with different rules (``USER_ACCESS``,
``BOT_ACCESS`` and ``TEAM_ACCESS`` in the resource table). ``KINDS`` says once, per kind,
how its grants are found, named, written and revoked - users and bots are revoked by the
access row's id, teams by team id; users are granted by ``user_id`` (not their actor id);
the team list takes no filter criteria, so it is read whole and matched here - and nothing
else asks which kind it has in hand.

``WorkspaceAccess`` is the access of one workspace as ``workspace_access`` changes it: it
reads the grants (all of them, or those of some accessors) into ``AccessLists``, finds the
accessors that have none yet, plans the writes in an order the caller keeps the right to
send them in (``plan_writes``), says what would refuse them (a lockout, a Collaborator
leaving the account) and sends them. The info module and the invitation module read with
``AccessLists.read``.
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudHTTPError, Refusal
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import (
    ACCOUNT_MEMBER,
    BOT,
    BOT_ACCESS,
    TEAM,
    TEAM_ACCESS,
    USER_ACCESS,
    WORKSPACE,
    WORKSPACE_ROLE,
    UUID_PATTERN,
    is_uuid,
)
from ansible_collections.prefect.cloud.plugins.module_utils._resources.caller import CallerIdentity


class AccessorKind:
    """One kind of accessor: its access list, where one without a grant is looked up, how its grants are revoked.

    ``grants`` is the table entry of the workspace's list of these grants, ``name_field`` the field of
    a grant row that names its accessor; ``lookup`` the table
    entry an accessor without a grant is looked up in, with the fields of its row that hold the id
    a grant takes (``lookup_id``) and the name people know it by (``lookup_name``). ``revoked_by``
    is the field of a grant row that its revoke path takes; ``scope`` the workspace scope that
    writing these grants needs.
    """

    def __init__(self, name, grants, name_field, lookup, lookup_id, lookup_name, revoked_by, scope):
        self.name = name
        self.grants = grants
        # The row fields of a grant: the accessor's id and its name. Read here, once, rather than asked of
        # the table entry for every row: a run with ``grants`` looks at every row several times.
        self.id_field, self.name_field, self.fold_case = grants.id_field, name_field, grants.fold_case
        self.lookup, self.lookup_id, self.lookup_name = lookup, lookup_id, lookup_name
        self.revoked_by = revoked_by
        self.scope = scope
        # A list that takes no criteria (team grants) is read whole and matched here.
        self.filterable = grants.filterable

    def norm(self, ref):
        """The form references are matched in: ids (and, for a list that folds case, names) in lower case."""
        return ref.lower() if isinstance(ref, str) and (self.fold_case or UUID_PATTERN.match(ref)) else ref

    def ident(self, row):
        """The id of the accessor a grant row is for (user id, bot id, team id)."""
        return row[self.id_field]

    def matching_id(self, row):
        """The id of the accessor a grant row is for, as references are matched (``norm``)."""
        return self.norm(row[self.id_field])

    def name_of(self, row):
        """The name a grant row shows its accessor by (emails in lower case)."""
        return self.shown(row.get(self.name_field))

    def shown(self, name):
        """A name as results show it: emails in lower case, names as they are."""
        return name.lower() if name and self.fold_case else name

    def describe(self, row):
        return "%s %r" % (self.name, self.name_of(row))

    def reads(self, api, workspace_id, refs=None):
        """The reads that find the grants of ``refs`` (``None``: every grant): one per criterion, ids and names apart."""
        if refs is None or not self.filterable:
            return [api.listing(self.grants, workspace_id=workspace_id)]
        ids = [ref.lower() for ref in refs if is_uuid(ref)]
        names = [ref for ref in refs if not is_uuid(ref)]
        criteria = ((self.grants.id_criterion, ids), (self.grants.natural_key, names))
        return [api.listing_by(self.grants, criterion, values, workspace_id=workspace_id) for criterion, values in criteria if values]

    def matched(self, refs, lists):
        """The grants of ``refs`` (``None``: every one) among the rows ``reads`` read, each grant once."""
        wanted = None if refs is None or self.filterable else {self.norm(ref) for ref in refs}
        rows = {}
        for listed in lists:
            for row in listed:
                if wanted is None or {self.matching_id(row), self.norm(self.name_of(row) or "")} & wanted:
                    rows.setdefault(self.matching_id(row), row)
        return list(rows.values())

    def upsert(self, api, workspace_id, pairs):
        """One write granting ``[(accessor id, role id), ...]``; returns the API's rows."""
        body = [{self.id_field: ident, "workspace_role_id": role_id} for ident, role_id in pairs]
        return api.call(self.grants, "upsert", json=body, workspace_id=workspace_id) or []

    def revoke(self, api, workspace_id, row):
        api.delete(self.grants, "revoke", workspace_id=workspace_id, **{self.revoked_by: row[self.revoked_by]})

    def callers(self, caller, rows):
        """The ids among ``rows`` (grant rows, or ``{id field: id}`` of an accessor with no grant yet) that are the caller's."""
        return {self.norm(ident) for ident in self._callers(caller, rows)}


class _UserKind(AccessorKind):
    def _callers(self, caller, rows):
        return [row["user_id"] for row in rows if caller.is_user(user_id=row["user_id"], email=row.get("email"))]


class _BotKind(AccessorKind):
    def _callers(self, caller, rows):
        return [row["bot_id"] for row in rows if caller.is_bot(row["bot_id"])]


class _TeamKind(AccessorKind):
    def _callers(self, caller, rows):
        return caller.teams_with_caller([row["team_id"] for row in rows])


KINDS = {
    kind.name: kind
    for kind in (
        _UserKind("user", USER_ACCESS, "email", ACCOUNT_MEMBER, "user_id", "email", revoked_by="id", scope="manage_workspace_users"),
        _BotKind("bot", BOT_ACCESS, "bot_name", BOT, "id", "name", revoked_by="id", scope="manage_workspace_service_accounts"),
        _TeamKind("team", TEAM_ACCESS, "team_name", TEAM, "id", "name", revoked_by="team_id", scope="manage_workspace_teams"),
    )
}
ACCESSORS = tuple(KINDS)
MANAGE_SCOPES = frozenset(kind.scope for kind in KINDS.values())


def accessor_of(entry):
    """``(accessor, ref)`` of a grant (or of the module's own options)."""
    for accessor in ACCESSORS:
        if entry.get(accessor) is not None:
            return accessor, entry[accessor]
    return None, None


def sort_key(grant):
    accessor, ref = accessor_of(grant)
    return (ACCESSORS.index(accessor), ref.lower())


def managing_scopes(scopes):
    """The access-managing scopes among ``scopes``, sorted."""
    return sorted(set(scopes) & MANAGE_SCOPES)


class AccessLists:
    """Grants of one workspace as read: ``{accessor: rows}``, indexed by accessor id and name."""

    def __init__(self, workspace, rows_by_accessor):
        self.workspace = workspace
        self.rows = rows_by_accessor
        self._index = {}
        for accessor, rows in rows_by_accessor.items():
            kind, index = KINDS[accessor], self._index.setdefault(accessor, {})
            for row in rows:
                for value in (kind.ident(row), kind.name_of(row)):
                    if value:
                        index[kind.norm(value)] = row

    @classmethod
    def read(cls, api, workspace, refs_by_accessor=None):
        """Every grant of the workspace, or (``{accessor: refs}``) those of the accessors named: every list read at once."""
        wanted = refs_by_accessor if refs_by_accessor is not None else dict.fromkeys(ACCESSORS)
        reads = [(accessor, refs, KINDS[accessor].reads(api, workspace["id"], refs)) for accessor, refs in wanted.items()]
        results = api.list_many([listing for _accessor, _refs, listings in reads for listing in listings])
        found = {}
        for accessor, refs, listings in reads:
            found[accessor] = KINDS[accessor].matched(refs, results[: len(listings)])
            results = results[len(listings):]
        return cls(workspace, found)

    def find(self, accessor, ref):
        return self._index.get(accessor, {}).get(KINDS[accessor].norm(ref))

    def all(self):
        for accessor in ACCESSORS:
            for row in self.rows.get(accessor, []):
                yield accessor, row


class GrantChange:
    """One grant a write changes: the accessor's id, its role before (``None``: no grant) and after."""

    def __init__(self, ident, label, before_role_id, after_role_id):
        self.ident = ident.lower()
        self.label = label
        self.before_role_id = before_role_id
        self.after_role_id = after_role_id


class AccessWrite:
    """One request of an access change: an upsert of grants of one kind, or one revocation."""

    def __init__(self, accessor, changes, revoked_row=None):
        self.accessor = accessor
        self.changes = list(changes)
        self.revoked_row = revoked_row

    @classmethod
    def revocation(cls, accessor, row):
        kind = KINDS[accessor]
        return cls(accessor, [GrantChange(kind.ident(row), kind.describe(row), row["workspace_role_id"], None)], revoked_row=row)

    @property
    def needs(self):
        return KINDS[self.accessor].scope

    def keys(self):
        return [(self.accessor, change.ident) for change in self.changes]

    def only(self, keys, keep):
        """This write restricted to the grants whose key is (``keep``) or is not in ``keys``; ``None`` if empty."""
        changes = [c for c in self.changes if ((self.accessor, c.ident) in keys) == keep]
        if not changes:
            return None
        if len(changes) == len(self.changes):
            return self
        return AccessWrite(self.accessor, changes, self.revoked_row)

    def applied_to(self, held):
        """``held`` (``{(accessor, id): role id or None}``) after this write."""
        result = dict(held)
        for change in self.changes:
            key = (self.accessor, change.ident)
            if key in result:
                result[key] = change.after_role_id
        return result

    def send(self, api, workspace_id):
        kind = KINDS[self.accessor]
        if self.revoked_row is not None:
            kind.revoke(api, workspace_id, self.revoked_row)
        else:
            kind.upsert(api, workspace_id, [(c.ident, c.after_role_id) for c in self.changes])


# -- the caller's right to manage the workspace's access ---------------------------------------
#
# Each access list is written with its own workspace scope. A caller holds the scopes of its
# own user (or bot) grant and of the grants of every team it is in - or all of them, when its
# account role administrates workspaces. A change to the caller's own grants can take a scope
# away; the writes are planned so that none is sent without the scope it needs, and a plan that
# takes the caller's right away can be refused before anything is sent.


class CallerAccessPlan:
    """What a list of writes does to the caller's own grants, and an order to send them in.

    ``held`` maps each of the caller's accessors (its user or bot, its teams) on the workspace
    to the role id of its grant there (``None``: no grant yet); ``scopes_of(role_id)`` gives a
    role's scopes. The writes that touch none of them go first, in the order given; the
    caller's own follow, each chosen so that the caller still holds the scope it needs and as
    many access-managing scopes as possible stay for the rest. ``administrates``: the caller's
    account role manages every workspace, so no order of the writes can cut it off.
    """

    def __init__(self, held, writes, scopes_of, administrates=False):
        self.held = dict(held)
        self.scopes_of = scopes_of
        self.administrates = administrates
        own_keys = set(held)
        self.others = [part for part in (w.only(own_keys, keep=False) for w in writes) if part is not None]
        pending = [part for part in (w.only(own_keys, keep=True) for w in writes) if part is not None]
        self.own = []
        #: the first of the caller's writes that would be sent without the scope it needs, if any
        self.stuck = None
        state = self.held
        while pending:
            allowed = [w for w in pending if w.needs in self.scopes(state)]
            if allowed:
                chosen = max(allowed, key=lambda w: (len(managing_scopes(self.scopes(w.applied_to(state)))), -pending.index(w)))
            else:
                chosen = pending[0]
                self.stuck = self.stuck or chosen
            pending.remove(chosen)
            self.own.append(chosen)
            state = chosen.applied_to(state)
        self.after = state

    def scopes(self, held):
        found = set()
        for role_id in held.values():
            if role_id is not None:
                found |= self.scopes_of(role_id)
        return found

    @property
    def ordered(self):
        return self.others + self.own

    @property
    def lost(self):
        """The access-managing scopes the caller holds now and would not hold after the writes."""
        return sorted(set(managing_scopes(self.scopes(self.held))) - set(self.scopes(self.after)))

    @property
    def cuts_off(self):
        """Whether the writes take the caller's right to manage the access away (or leave one unsendable)."""
        return bool(self.lost or self.stuck) and not self.administrates

    def own_changes(self):
        """The changes to the caller's own grants."""
        return [change for write in self.own for change in write.changes]


# -- Collaborators: a revocation that ends an account membership ---------------------------------
#
# Prefect Cloud removes a user whose account role is Collaborator from the account when their last
# workspace access in it is revoked (DELETE .../user_access/{id}; the role a workspace invitation
# gives). A revocation that does so is more than a revocation, and says so.

COLLABORATOR = "Collaborator"


def collaborators_leaving(api, resolver, workspace_id, revoked_rows):
    """The emails (lower case, sorted) of the users whose account membership revoking ``revoked_rows`` ends.

    ``revoked_rows`` are user grants on ``workspace_id`` about to be revoked. Nothing is read
    without one; then one read of their memberships, and only when one is a Collaborator, one of
    the account's workspaces and one of the user grants of each other workspace (at the same time).
    """
    rows = {row["user_id"].lower(): row for row in revoked_rows if row.get("user_id")}
    if not rows:
        return []
    members = resolver.find_many(ACCOUNT_MEMBER, sorted(rows))
    collaborators = sorted(user_id for user_id, member in members.items() if member.get("account_role_name") == COLLABORATOR)
    if not collaborators:
        return []
    others = [ws for ws in api.list(WORKSPACE) if ws["id"].lower() != workspace_id.lower()]
    listings = [api.listing_by(USER_ACCESS, USER_ACCESS.id_criterion, collaborators, workspace_id=ws["id"]) for ws in others]
    elsewhere = set()
    for grants in api.list_many(listings):
        elsewhere |= {(grant.get("user_id") or "").lower() for grant in grants}
    return sorted((rows[user_id].get("email") or user_id).lower() for user_id in collaborators if user_id not in elsewhere)


class GrantsPlan:
    """What a list of grants asks of the grants read (``lists``): the grants after the run (as the diff shows
    them), the grants to write (per kind of accessor), the unlisted grants exclusive revokes, the accessors
    not found and the roles named.
    """

    def __init__(self, lists):
        self.lists = lists
        self.grants = []
        self.upserts = {accessor: [] for accessor in ACCESSORS}
        self.revoked = []
        self.missing = []
        self.roles = []

    def writes(self):
        """One upsert per kind of accessor, then one write per revocation."""
        writes = [AccessWrite(accessor, changes) for accessor, changes in self.upserts.items() if changes]
        return writes + [AccessWrite.revocation(accessor, row) for accessor, row in self.revoked]


class WorkspaceAccess:
    """The access of one workspace (``ref``: its handle or id) as a task changes it, through ``module``'s connection."""

    def __init__(self, module, ref):
        self.connection = module.connection
        self.api = module.api
        self.resolver = module.resolver
        self.warn = module.warn
        self.ref = ref
        self._workspace = None
        self._caller = None

    # -- the workspace and names ------------------------------------------------------------

    def workspace(self):
        """The workspace (raises ReferenceNotFound when it does not exist)."""
        if self._workspace is None:
            self._workspace = self.resolver.require(WORKSPACE, self.ref)
        return self._workspace

    def label(self):
        return self._workspace["handle"] if self._workspace else self.ref

    def role_name(self, role_id):
        return self.resolver.role_name(WORKSPACE_ROLE, role_id)

    def require_role(self, ref):
        return self.resolver.require_role(WORKSPACE_ROLE, ref)

    def role_scopes(self, role_id):
        """The scopes of a workspace role, with those of the role it inherits from."""
        role = self.resolver.role(WORKSPACE_ROLE, role_id) or {}
        scopes = set(role.get("scopes") or [])
        inherited = self.resolver.role(WORKSPACE_ROLE, role.get("inherited_role_id"))
        if inherited:
            scopes |= set(inherited.get("scopes") or [])
        return scopes

    def resolve(self, accessor, refs):
        """``{ref: (id, name)}`` of the accessors that exist (one batched read per kind of accessor); emails in lower case."""
        if not refs:
            return {}
        kind = KINDS[accessor]
        found = self.resolver.find_many(kind.lookup, refs)
        return {ref: (row[kind.lookup_id], kind.shown(row.get(kind.lookup_name))) for ref, row in found.items()}

    # -- reads ------------------------------------------------------------------------------------

    def read(self, refs_by_accessor=None):
        """``AccessLists`` of every grant, or (``{accessor: refs}``) of the accessors named, by server-side filter."""
        return AccessLists.read(self.api, self.workspace(), refs_by_accessor)

    def read_after_lockout(self, locked_out, read):
        """``read()`` after the writes, or ``None`` when the caller just gave up (``locked_out``) the right to read the access."""
        try:
            return read()
        except PrefectCloudHTTPError as exc:
            if not locked_out or exc.status not in (403, 404):
                raise
            self.warn(
                "the access to workspace %r could not be read back (HTTP %d) now that the caller may no longer manage it: "
                "the result shows what was written" % (self.label(), exc.status)
            )
            return None

    def grant_view(self, accessor, row):
        """A grant as the diff shows it: its accessor's name and its role's."""
        return {accessor: KINDS[accessor].name_of(row), "workspace_role": self.role_name(row["workspace_role_id"])}

    def plan_grants(self, lists, entries, exclusive):
        """``GrantsPlan`` of ``entries`` (``[(index, (accessor, ref), role ref)]``) against ``lists``, the grants read.

        Accessors without a grant yet are looked up in one batched read per kind. With ``exclusive``, the
        grants no entry names are revoked, but those that carry the caller's own access, which are kept
        with a warning. Two entries that name the same accessor (by name and by id, say) are refused.
        """
        unmatched = {}
        for _index, (accessor, ref), _role in entries:
            if lists.find(accessor, ref) is None:
                unmatched.setdefault(accessor, []).append(ref)
        resolved = {accessor: self.resolve(accessor, refs) for accessor, refs in unmatched.items()}
        planned, seen = GrantsPlan(lists), {}
        for index, (accessor, ref), role_ref in entries:
            kind, row = KINDS[accessor], lists.find(accessor, ref)
            if row is not None:
                ident, name = kind.ident(row), kind.name_of(row)
            elif ref in resolved.get(accessor, {}):
                ident, name = resolved[accessor][ref]
            else:
                ident, name = None, ref
                planned.missing.append((accessor, ref))
            key = (accessor, kind.norm(ident or ref))
            if key in seen:
                raise Refusal("grants[%d] and grants[%d] name the same %s (%s): list each accessor once" % (seen[key], index, accessor, name or ref))
            seen[key] = index
            role = self.role_name(role_ref)
            planned.grants.append({accessor: name or ref, "workspace_role": role})
            before_role_id = row["workspace_role_id"] if row is not None else None
            if self.role_name(before_role_id) != role:
                planned.roles.append(role_ref)
                if ident is not None:  # a missing accessor (check mode only) has no grant to judge
                    label = kind.describe(row) if row is not None else "%s %r" % (accessor, ref)
                    planned.upserts[accessor].append(self.change(accessor, ident, label, before_role_id, role_ref))
        if exclusive:
            unlisted = [(accessor, row) for accessor, row in lists.all() if (accessor, KINDS[accessor].matching_id(row)) not in seen]
            kept = self.callers_own(unlisted)
            for accessor, row in unlisted:
                if (accessor, KINDS[accessor].matching_id(row)) not in kept:
                    planned.revoked.append((accessor, row))
                    continue
                self.warn(
                    "%s keeps its %s access to workspace %r: it carries the caller's own access, which exclusive never revokes"
                    % (KINDS[accessor].describe(row), self.role_name(row["workspace_role_id"]), self.label())
                )
                planned.grants.append(self.grant_view(accessor, row))
        planned.grants.sort(key=sort_key)
        return planned

    # -- writes -----------------------------------------------------------------------------------

    def change(self, accessor, ident, label, before_role_id, role_ref):
        """A ``GrantChange`` to the role ``role_ref``.

        A role that does not exist yet (check mode: an earlier task may create it) has no
        scopes to judge by, so the plan takes it to keep those of the role before.
        """
        role = self.resolver.role(WORKSPACE_ROLE, role_ref)
        return GrantChange(ident, label, before_role_id, role["id"] if role else before_role_id)

    def plan_writes(self, writes, lists=None):
        """``CallerAccessPlan`` of ``writes``: their order, and whether they cut the caller off.

        Only a write that takes an access-managing scope away from a grant can cut the caller
        off, so unless one does, and that grant is the caller's, nothing more is read.
        """
        lowering = [
            (write.accessor, change)
            for write in writes
            for change in write.changes
            if change.before_role_id is not None
            and set(managing_scopes(self.role_scopes(change.before_role_id)))
            - (self.role_scopes(change.after_role_id) if change.after_role_id is not None else set())
        ]
        if not lowering or not self._any_of_callers(lowering):
            return CallerAccessPlan({}, writes, self.role_scopes)
        held = self._callers_grants(lists or self.read(), writes)
        access = CallerAccessPlan(held, writes, self.role_scopes)
        access.administrates = bool(access.lost or access.stuck) and self.caller().administrates_workspaces()
        return access

    def send(self, writes):
        for write in writes:
            write.send(self.api, self.workspace()["id"])

    # -- whose grants these are -----------------------------------------------------------------

    def caller(self):
        if self._caller is None:
            self._caller = CallerIdentity(self.connection)
        return self._caller

    def callers_own(self, pairs):
        """``{(accessor, id)}`` of ``pairs`` (``[(accessor, row)]``) that carry the caller's own access."""
        kept = set()
        for accessor, kind in KINDS.items():
            rows = [row for kind_of, row in pairs if kind_of == accessor]
            kept |= {(accessor, ident) for ident in kind.callers(self.caller(), rows)} if rows else set()
        return kept

    def _any_of_callers(self, lowering):
        for accessor, kind in KINDS.items():
            rows = [{kind.id_field: change.ident} for kind_of, change in lowering if kind_of == accessor]
            if rows and kind.callers(self.caller(), rows):
                return True
        return False

    def _callers_grants(self, lists, writes):
        """``{(accessor, id): role id or None}``: the caller's user or bot and its teams, with their grants here."""
        written = {key for write in writes for key in write.keys()}

        def candidates(accessor):
            ids = [KINDS[accessor].ident(row).lower() for row in lists.rows.get(accessor, [])]
            return list(dict.fromkeys(ids + [ident for kind, ident in sorted(written) if kind == accessor]))

        caller, own = self.caller(), []
        if caller.is_bot_key:
            bot_id = caller.find_bot(candidates("bot"))
            own += [("bot", bot_id.lower())] if bot_id else []
        else:
            own.append(("user", caller.me()["id"].lower()))
        own += [("team", team_id.lower()) for team_id in caller.teams_with_caller(candidates("team"))]
        held = {}
        for accessor, ident in own:
            row = lists.find(accessor, ident)
            held[(accessor, ident)] = row["workspace_role_id"] if row is not None else None
        return held

    # -- what refuses a plan --------------------------------------------------------------------

    def refuse_lockout(self, access, allowed):
        """Raise ``Refusal`` when ``access`` (a ``CallerAccessPlan``) cuts the caller off, unless ``allowed``; else warn."""
        if not access.cuts_off:
            return
        changes = " and ".join(
            "%s (%s -> %s)"
            % (change.label, self.role_name(change.before_role_id) or "no grant", self.role_name(change.after_role_id) or "no grant")
            for change in access.own_changes()
        )
        if access.stuck:
            raise Refusal(
                "refusing to change access to workspace %r: the caller's own grants change - %s - and in no order of the "
                "writes does it still hold %s when changing %s, which needs it; an account Owner or Admin (who manages "
                "every workspace) can make this change"
                % (self.label(), changes, access.stuck.needs, access.stuck.changes[0].label)
            )
        message = (
            "%s access to workspace %r: the caller would lose the right to manage the workspace's access (%s) that it "
            "holds through its own grants - %s"
            % ("changing" if allowed else "refusing to change", self.label(), ", ".join(access.lost), changes)
        )
        if not allowed:
            raise Refusal(message + ". Keep one of them with a role that manages access, or set allow_caller_lockout: true to do it anyway")
        self.warn(message + " (allow_caller_lockout is set)")

    def leaving(self, revoked, by_exclusive, removable):
        """The users whom revoking ``revoked`` (``[(accessor, row)]``) removes from the account (Collaborators).

        Of the grants ``by_exclusive`` revokes, one that removes a user not listed in ``removable`` is
        refused: exclusive mode revokes what the task does not list, and ending a membership is more than that.
        """
        rows = [row for accessor, row in revoked if KINDS[accessor].grants is USER_ACCESS]
        leaving = collaborators_leaving(self.api, self.resolver, self.workspace()["id"], rows) if rows else []
        refused = sorted(
            KINDS[accessor].name_of(row) for accessor, row in by_exclusive
            if KINDS[accessor].grants is USER_ACCESS and KINDS[accessor].name_of(row) in set(leaving) - set(removable)
        )
        if refused:
            raise Refusal(
                "refusing to revoke the grant of %s on workspace %r with exclusive: it is their last workspace access and "
                "their account role is Collaborator, so Prefect Cloud would remove them from the account as well. List "
                "them in grants to keep them, or in removable_collaborators if they are to leave the account"
                % (", ".join(refused), self.label())
            )
        return leaving
