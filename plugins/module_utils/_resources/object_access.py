# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""Access control lists of the objects of a workspace: work pools, deployments, block documents.

An object's ACL says, per level (``manage``, ``run``, ``view``; block documents have no ``run``),
which users, bots and teams hold it - or ``"*"``, "everyone whose workspace role allows it",
which is also what an object without an ACL reads as. The API reads the whole ACL at once and
replaces it whole with a PUT. This file is what the three ``*_access`` modules and their info
modules share:

* ``ObjectKind`` (``WORK_POOLS``, ``DEPLOYMENTS``, ``BLOCKS``): how a kind of object is named,
  found (one ``/filter`` read for any number of them) and addressed;
* the level view: ``{everyone, users, bots, teams}`` with emails and names, sorted, the same in
  options, diffs, results and the info modules (what an info module reports can be declared back);
* ``ObjectAccess``: the ``Resource`` of one object's ACL (a level not given is left as it is;
  ``state: absent`` removes the ACL, which opens every level) with the guard that keeps the
  caller's own ``manage``; ``prefetch`` lets the list form of a module read every object, every
  ACL (at the same time) and every name it needs once for all its entries;
* ``ObjectAccessReader``: the reader behind the info modules.

Names in the current ACL are matched without a request (the ACL names its actors); only an
actor that gains a level, or one named by id, is looked up - once per kind of actor, batched.
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudHTTPError, ReferenceNotFound, Refusal
from ansible_collections.prefect.cloud.plugins.module_utils._api.secrets import sanitize
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import (
    ACCOUNT_MEMBER,
    BLOCK_DOCUMENT,
    BLOCK_TYPE,
    BOT,
    DEPLOYMENT,
    FLOW,
    ME,
    TEAM,
    WORK_POOL,
    WORKSPACE,
    is_uuid,
)
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.info import InfoReader
from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import UPDATE, Plan, Resource
from ansible_collections.prefect.cloud.plugins.module_utils._resources.caller import CallerIdentity

EVERYONE = "*"
MANAGE = "manage"

# The actors of a level, as options, views and diffs name them.
ACTORS = ("users", "bots", "teams")
# The API's actor types (``ObjectActorAccess.type``) and the key each goes under.
ACTOR_TYPES = {"user": "users", "service_account": "bots", "team": "teams"}
# Where an actor named in an option is looked up: the table entry, the row field of the id an ACL
# holds (actor ids for users and bots, team ids for teams) and of the name it is shown by.
ACTOR_LOOKUP = {
    "users": (ACCOUNT_MEMBER, "actor_id", "email"),
    "bots": (BOT, "actor_id", "name"),
    "teams": (TEAM, "id", "name"),
}
# How each kind of actor is named in messages.
ACTOR_NOUNS = {"users": "user", "bots": "bot", "teams": "team"}

# The workspace scope whose holders keep every level of every object whatever its ACL (the
# workspace Owner role; account Owners and Admins hold every scope of every workspace).
ACL_ADMINISTRATOR_SCOPE = "manage_acls"

# The sub-options of a level option (``manage``, ``run``, ``view``).
LEVEL_OPTIONS = {
    "everyone": {"type": "bool", "default": False},
    "users": {"type": "list", "elements": validate.STRING},
    "bots": {"type": "list", "elements": validate.STRING},
    "teams": {"type": "list", "elements": validate.STRING},
}


def norm(actors, ref):
    """The form actor references are matched in: ids and emails without case, names as they are."""
    if is_uuid(ref) or actors == "users":
        return ref.lower()
    return ref


def empty_level():
    return {"everyone": False, "users": [], "bots": [], "teams": []}


def everyone_level():
    return {"everyone": True, "users": [], "bots": [], "teams": []}


def opens(level):
    return bool(level and level.get("everyone"))


# -- kinds of object -------------------------------------------------------------------------------


class ObjectKind:
    """One kind of object with an ACL: its options, its levels, how it is named and found.

    ``option`` names one object in a module (``work_pool``), ``list_option`` many (``work_pools``);
    ``result_key`` is where a module returns one (``work_pool_access``). ``parts`` names the two
    halves of a two-part name (``flow name``, ``deployment name``), or is ``None`` for a plain name.
    """

    def __init__(self, resource, noun, option, list_option, result_key, levels, parts=None):
        self.resource = resource
        self.noun = noun
        self.option = option
        self.list_option = list_option
        self.result_key = result_key
        self.levels = levels
        self.parts = parts

    # -- names ------------------------------------------------------------

    def check_reference(self, value, option):
        """A name (``k8s-prod``, ``etl/nightly``) or an id; ``ValueError`` names the option."""
        validate.identity(value, option)
        if self.parts and not is_uuid(value):
            first, sep, second = value.partition("/")
            if not sep or not first or not second:
                raise ValueError(
                    "%s: expected '<%s>/<%s>' (or the %s's id), got %r" % (option, self.parts[0], self.parts[1], self.noun, value)
                )
        return value

    def split(self, ref):
        first, _sep, second = ref.partition("/")
        return first, second

    def norm(self, ref):
        return ref.lower() if is_uuid(ref) else ref

    def name_of(self, row, context):
        """The name people know an object by (``etl/nightly``); ``context`` is what ``find`` read beside the rows."""
        return row.get("name")

    def path_ids(self, row):
        """What addresses the object's ACL: the work pool's name, the others' id."""
        return {"id": row["id"]}

    # -- reads ------------------------------------------------------------

    def find(self, api, workspace_id, refs):
        """``{ref: (row, name)}`` of the objects ``refs`` names (names or ids) that exist; one read per criterion."""
        refs = list(dict.fromkeys(refs))
        ids = sorted({ref.lower() for ref in refs if is_uuid(ref)})
        names = [ref for ref in refs if not is_uuid(ref)]
        listings = []
        if names:
            listings.append(api.listing(self.resource, self.by_names(names), workspace_id=workspace_id))
        if ids:
            listings.append(api.listing_by(self.resource, "id", ids, workspace_id=workspace_id))
        rows = [row for listed in api.list_many(listings) for row in listed]
        return self._match(api, workspace_id, refs, rows, names)

    def every(self, api, workspace_id):
        """``[(row, name)]`` of every object of this kind in the workspace (every page)."""
        rows = api.list(self.resource, workspace_id=workspace_id)
        context = self.context(api, workspace_id, rows, None)
        return [(row, self.name_of(row, context)) for row in rows]

    def by_names(self, names):
        return self.resource.criteria(self.resource.natural_key, names)

    def context(self, api, workspace_id, rows, only_name):
        """What naming ``rows`` needs beside them (the flows of deployments). ``only_name`` is the one
        name every row was read by, when that is so (``None`` otherwise)."""
        return None

    def _match(self, api, workspace_id, refs, rows, names):
        only_name = names[0] if len(names) == len(refs) and len({self.split(name)[0] for name in names}) == 1 else None
        context = self.context(api, workspace_id, rows, only_name)
        by_ref = {}
        for row in rows:
            name = self.name_of(row, context)
            by_ref.setdefault(str(row.get("id", "")).lower(), (row, name))
            if name is not None:
                by_ref.setdefault(name, (row, name))
        return {ref: by_ref[self.norm(ref)] for ref in refs if self.norm(ref) in by_ref}

    def read_acls(self, api, workspace_id, rows):
        """The ACL answer of each of ``rows``, the reads sent at the same time."""
        return api.call_many(self.resource, "read_access", [dict(self.path_ids(row), workspace_id=workspace_id) for row in rows])

    def replace_acl(self, api, workspace_id, row, body):
        api.call(self.resource, "replace_access", json=body, workspace_id=workspace_id, **self.path_ids(row))


class _WorkPools(ObjectKind):
    def path_ids(self, row):
        return {"name": row["name"]}


class _Deployments(ObjectKind):
    """Deployments are named ``<flow name>/<deployment name>``; their rows carry the flow's id only."""

    def by_names(self, names):
        pairs = [self.split(name) for name in names]
        criteria = FLOW.criteria(FLOW.natural_key, sorted({flow for flow, _name in pairs}))
        criteria.update(DEPLOYMENT.criteria(DEPLOYMENT.natural_key, sorted({name for _flow, name in pairs})))
        return criteria

    def context(self, api, workspace_id, rows, only_name):
        """``{flow id: flow name}``: known without a read when every row was read by names of one flow."""
        flow_ids = sorted({row["flow_id"] for row in rows})
        if only_name is not None:
            return {flow_id: self.split(only_name)[0] for flow_id in flow_ids}
        if not flow_ids:
            return {}
        return {flow["id"]: flow["name"] for flow in api.list_by(FLOW, "id", flow_ids, workspace_id=workspace_id)}

    def name_of(self, row, context):
        flow = (context or {}).get(row.get("flow_id"))
        return "%s/%s" % (flow, row["name"]) if flow is not None else None


class _Blocks(ObjectKind):
    """Block documents are named ``<block type slug>/<block name>``; their rows carry their block type."""

    def by_names(self, names):
        pairs = [self.split(name) for name in names]
        criteria = BLOCK_TYPE.criteria(BLOCK_TYPE.natural_key, sorted({slug for slug, _name in pairs}))
        criteria.update(BLOCK_DOCUMENT.criteria(BLOCK_DOCUMENT.natural_key, sorted({name for _slug, name in pairs})))
        return criteria

    def name_of(self, row, context):
        slug = (row.get("block_type") or {}).get("slug")
        return "%s/%s" % (slug, row["name"]) if slug and row.get("name") else None


WORK_POOLS = _WorkPools(WORK_POOL, "work pool", "work_pool", "work_pools", "work_pool_access", ("manage", "run", "view"))
DEPLOYMENTS = _Deployments(
    DEPLOYMENT, "deployment", "deployment", "deployments", "deployment_access", ("manage", "run", "view"), parts=("flow name", "deployment name")
)
BLOCKS = _Blocks(BLOCK_DOCUMENT, "block", "block", "blocks", "block_access", ("manage", "view"), parts=("block type slug", "block name"))


# -- an ACL as the API reads it ----------------------------------------------------------------------


class Acl:
    """One object's ACL as read: per level its entries ``(actors, name, id)``, ``actors`` one of
    ``ACTORS`` or ``None`` for ``"*"``; indexed by name and id to match references without a request."""

    def __init__(self, kind, answer):
        self.kind = kind
        self.entries = {}
        self._index = {actors: {} for actors in ACTORS}
        for level in kind.levels:
            entries = []
            for actor in (answer or {}).get("%s_actors" % level) or []:
                ident = str(actor.get("id"))
                if ident == EVERYONE or actor.get("type") == EVERYONE:
                    entries.append((None, EVERYONE, EVERYONE))
                    continue
                actors = ACTOR_TYPES.get(actor.get("type"))
                if actors is None:
                    continue  # a kind of actor this collection does not know: kept as it is on writes
                name = actor.get("email") if actors == "users" and actor.get("email") else actor.get("name")
                name = name.lower() if actors == "users" and name else name
                entries.append((actors, name, ident))
                for key in (name, ident):
                    if key:
                        self._index[actors][norm(actors, key)] = (name, ident)
            self.entries[level] = entries
        self._answer = answer or {}

    def level_view(self, level):
        view = empty_level()
        for actors, name, _ident in self.entries[level]:
            if actors is None:
                view["everyone"] = True
            elif name is not None:
                view[actors].append(name)
        for actors in ACTORS:
            view[actors] = sorted(set(view[actors]))
        return view

    def view(self):
        return {level: self.level_view(level) for level in self.kind.levels}

    def find(self, actors, ref):
        """``(name, id)`` of the actor ``ref`` names if some level of this ACL holds it."""
        return self._index[actors].get(norm(actors, ref))

    def ids(self, level):
        """``(actor ids, team ids)`` of a level as read: what a PUT sends to leave it as it is."""
        actor_ids, team_ids = [], []
        for actor in self._answer.get("%s_actors" % level) or []:
            ident = str(actor.get("id"))
            if actor.get("type") == "team":
                team_ids.append(ident)
            elif ident == EVERYONE or actor.get("type") == EVERYONE:
                actor_ids.append(EVERYONE)
            else:
                actor_ids.append(ident)
        return list(dict.fromkeys(actor_ids)), list(dict.fromkeys(team_ids))

    def restricted(self):
        """Whether any level is narrower than everyone."""
        return any(view != everyone_level() for view in self.view().values())


def describe_level_change(level, before, after):
    """``run gains user 'olive@acme.io', loses everyone (narrows it)``: one level's change in words."""
    parts = []
    gains, loses = level_delta(before, after)
    if gains:
        parts.append("gains %s" % _actors_in_words(gains))
    if loses:
        parts.append("loses %s" % _actors_in_words(loses))
    text = "%s %s" % (level, ", ".join(parts))
    if opens(after) and not opens(before):
        text += " (opens it to everyone whose workspace role allows it)"
    elif opens(before) and not opens(after):
        text += " (narrows it to the actors named)"
    return text


def _actors_in_words(delta):
    words = ["everyone"] if delta.get("everyone") else []
    for actors in ACTORS:
        words += ["%s %r" % (ACTOR_NOUNS[actors], name) for name in delta.get(actors, [])]
    return ", ".join(words)


def level_delta(before, after):
    """``(gains, loses)`` of one level: who holds it after and not before, and the reverse."""
    before = before or empty_level()
    after = after or empty_level()
    gains, loses = {}, {}
    if after["everyone"] and not before["everyone"]:
        gains["everyone"] = True
    if before["everyone"] and not after["everyone"]:
        loses["everyone"] = True
    for actors in ACTORS:
        added = sorted(set(after[actors]) - set(before[actors]))
        removed = sorted(set(before[actors]) - set(after[actors]))
        if added:
            gains[actors] = added
        if removed:
            loses[actors] = removed
    return gains, loses


def access_changes(kind, before, after):
    """``{level: {gains, loses}}`` of the levels that change (only the parts that are not empty)."""
    changes = {}
    for level in kind.levels:
        gains, loses = level_delta((before or {}).get(level), (after or {}).get(level))
        if gains or loses:
            changes[level] = {key: value for key, value in (("gains", gains), ("loses", loses)) if value}
    return changes


# -- options ---------------------------------------------------------------------------------------


def check_object_access_options(kind, params):
    """The rules of a module's options that argument_spec cannot check; ``ValueError`` names the option."""
    validate.check_options(params, {"workspace": validate.workspace_reference})
    if params.get(kind.option) is not None:
        kind.check_reference(params[kind.option], kind.option)
    given = [level for level in kind.levels if params.get(level) is not None]
    if params["state"] == "absent":
        if given:
            raise ValueError(
                "%s cannot be combined with state=absent: absent removes the %s's access control list, which opens every "
                "level to everyone whose workspace role allows it; to name who holds a level, use state=present"
                % (" and ".join(given), kind.noun)
            )
    elif not given:
        raise ValueError(
            "give at least one of %s (a level not given is left as it is), or state=absent to remove the access control list"
            % ", ".join(kind.levels)
        )
    for level in given:
        for actors, check in (("users", validate.user_reference), ("bots", validate.identity), ("teams", validate.identity)):
            seen = {}
            for index, ref in enumerate(params[level].get(actors) or []):
                option = "%s.%s[%d]" % (level, actors, index)
                check(ref, option)
                key = norm(actors, ref)
                if key in seen:
                    raise ValueError("%s repeats %r of %s.%s[%d]: list each once" % (option, ref, level, actors, seen[key]))
                seen[key] = index
    return params


# -- the resource ------------------------------------------------------------------------------------


class _WrittenAsPlanned(object):
    """The answer of a write that could not be read back: the plan's prediction stands."""


WRITTEN_AS_PLANNED = _WrittenAsPlanned()


class ObjectAccess(Resource):
    """The ACL of one work pool, deployment or block document (``kind``).

    The server object (``raw``) is ``{"object": row, "name": name, "acl": Acl}``. The plan's
    changes are the PUT body (``body``), the references not found (``missing``) and who gains
    and loses each level (``access_changes``).
    """

    #: the ``ObjectKind`` (set by each module's subclass, with ``kind = WORK_POOLS``)
    kind = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.kind is not None:
            cls.identity = cls.kind.option
            cls.result_key = cls.kind.result_key
            cls.noun = cls.kind.noun

    @classmethod
    def parse_options(cls, params):
        return check_object_access_options(cls.kind, params)

    @classmethod
    def entry_key(cls, params):
        return cls.kind.norm(params[cls.kind.option])

    @classmethod
    def plural_noun(cls):
        return "%s access control lists" % cls.kind.noun

    def __init__(self, module, options=None):
        super().__init__(module, options)
        self._workspace = None
        #: whether the change takes the caller's own manage away (allow_caller_lockout)
        self.locks_caller_out = False

    # -- reading -----------------------------------------------------------------

    def shared(self):
        """What the entries of a list form share (the prefetch); a run of the single form has its own."""
        if self.prefetched is None:
            self.prefetched = {}
        return self.prefetched

    def workspace_row(self):
        if self._workspace is None:
            shared = self.shared()
            if "workspace" not in shared:
                shared["workspace"] = self.resolver.require(WORKSPACE, self.params["workspace"])
            self._workspace = shared["workspace"]
        return self._workspace

    def workspace_label(self):
        return self._workspace["handle"] if self._workspace else self.params["workspace"]

    def describe(self):
        return "access to %s %r in workspace %r" % (self.kind.noun, self.params[self.kind.option], self.workspace_label())

    def read(self):
        """The object and its ACL: from what a list form read for all its entries, if it did."""
        ref = self.params[self.kind.option]
        workspace_id = self.workspace_row()["id"]
        found = self.shared().get("objects", {})
        if ref not in found:
            found = self.kind.find(self.api, workspace_id, [ref])
        if ref not in found:
            if self.params["state"] == "absent":
                return None  # nothing to open
            raise self.not_found()
        row, name = found[ref]
        answers = self.shared().get("acls", {})
        answer = answers[row["id"]] if row["id"] in answers else self.kind.read_acls(self.api, workspace_id, [row])[0]
        return {"object": row, "name": name or ref, "acl": Acl(self.kind, answer)}

    def not_found(self):
        return ReferenceNotFound(
            self.kind.noun,
            self.params[self.kind.option],
            hint="workspace %r has none by that name or id (%ss are made by Prefect's own clients, never by this collection)"
            % (self.workspace_label(), self.kind.noun),
            creatable=False,
        )

    def view(self, raw):
        view = {"workspace": self.workspace_label(), self.kind.option: raw["name"]}
        view.update(raw["acl"].view())
        return view

    # -- planning ------------------------------------------------------------------

    def plan(self, before_raw, before, state):
        if before_raw is None:
            if state == "absent":
                plan = Plan(None, None, None)
                plan.extra_result["access_changes"] = {}
                return plan
            # Only a missing workspace gets here (check mode, made by an earlier task): a new
            # workspace holds no object yet, so the object cannot be there either.
            raise self.not_found()
        acl = before_raw["acl"]
        desired = dict(before)
        levels = {}
        missing = []
        if state == "absent":
            levels = {level: (everyone_level(), [EVERYONE], []) for level in self.kind.levels}
        else:
            resolved = self.resolve(acl, [self.params[level] for level in self.kind.levels if self.params.get(level) is not None])
            for level in self.kind.levels:
                option = self.params.get(level)
                if option is None:
                    continue
                levels[level] = self.desired_level(acl, option, resolved, missing)
        for level, (view, _actor_ids, _team_ids) in levels.items():
            desired[level] = view
        plan = Plan(before_raw, before, desired, action=UPDATE if desired != before else None)
        if plan.changed:
            plan.changes = {
                "body": self.body(acl, levels),
                "missing": missing,
                "access_changes": access_changes(self.kind, before, desired),
            }
        plan.extra_result["access_changes"] = access_changes(self.kind, before, desired)
        return plan

    def resolve(self, acl, level_options):
        """``{actors: {ref: (name, id)}}`` of the references the ACL does not hold, one batched read per kind of actor."""
        unmatched = {actors: [] for actors in ACTORS}
        for option in level_options:
            for actors in ACTORS:
                unmatched[actors] += [ref for ref in option.get(actors) or [] if acl.find(actors, ref) is None]
        return {actors: self.look_up(actors, refs) for actors, refs in unmatched.items()}

    def look_up(self, actors, refs):
        if not refs:
            return {}
        resource, id_field, name_field = ACTOR_LOOKUP[actors]
        found = self.resolver.find_many(resource, refs)
        result = {}
        for ref, row in found.items():
            name = row.get(name_field) or ref
            result[ref] = (name.lower() if actors == "users" else name, row.get(id_field))
        return result

    def desired_level(self, acl, option, resolved, missing):
        """``(view, actor ids, team ids)`` of one level as the option names it."""
        view = empty_level()
        view["everyone"] = bool(option.get("everyone"))
        actor_ids = [EVERYONE] if view["everyone"] else []
        team_ids = []
        for actors in ACTORS:
            for ref in option.get(actors) or []:
                match = acl.find(actors, ref) or resolved[actors].get(ref)
                if match is None:
                    missing.append((actors, ref))
                    name, ident = (ref.lower() if actors == "users" else ref), None
                else:
                    name, ident = match
                if name not in view[actors]:
                    view[actors].append(name)
                if ident is not None:
                    (team_ids if actors == "teams" else actor_ids).append(ident)
            view[actors].sort()
        return view, list(dict.fromkeys(actor_ids)), list(dict.fromkeys(team_ids))

    def body(self, acl, levels):
        """The PUT body: the levels planned, and every other level exactly as read."""
        access_control = {}
        for level in self.kind.levels:
            if level in levels:
                _view, actor_ids, team_ids = levels[level]
            else:
                actor_ids, team_ids = acl.ids(level)
            access_control["%s_actor_ids" % level] = actor_ids
            access_control["%s_team_ids" % level] = team_ids
        return {"access_control": access_control}

    def check_references(self, plan):
        for actors, ref in plan.changes["missing"]:
            resource = ACTOR_LOOKUP[actors][0]
            raise ReferenceNotFound(ACTOR_NOUNS[actors], ref, creatable=resource.creatable)

    # -- the caller's own manage ---------------------------------------------------------

    def guard(self, plan):
        """Refuse a change after which the caller would no longer hold ``manage`` on the object.

        The caller keeps it when the level stays open to everyone, when it holds ``manage_acls``
        in the workspace (Owners and Admins), when it is named in ``manage`` or is in a team
        named there. Asked in that order, each only when the one before did not answer.
        """
        if MANAGE not in self.kind.levels or self.params["state"] == "absent":
            return
        before, after = plan.before[MANAGE], plan.desired[MANAGE]
        if after == before or after["everyone"]:
            return
        caller = self.caller()
        if self.administrates_acls(caller) or self.named_in_manage(caller, plan):
            return
        message = (
            "%s access to %s %r in workspace %r: after it the caller would no longer hold manage on it - it is not named in "
            "manage, is in none of its teams, and holds no implicit access (the workspace scope %s, as workspace Owners and "
            "account Owners and Admins do)"
            % ("changing" if self.params["allow_caller_lockout"] else "refusing to change", self.kind.noun, plan.before[self.kind.option],
               self.workspace_label(), ACL_ADMINISTRATOR_SCOPE)
        )
        if not self.params["allow_caller_lockout"]:
            raise Refusal(message + ". Name the caller in manage, or set allow_caller_lockout: true to do it anyway")
        self.module.warn(message + " (allow_caller_lockout is set)")
        self.locks_caller_out = True

    def caller(self):
        shared = self.shared()
        if "caller" not in shared:
            shared["caller"] = CallerIdentity(self.module.connection)
        return shared["caller"]

    def administrates_acls(self, caller):
        shared = self.shared()
        if "administrates_acls" not in shared:
            try:
                scopes = self.api.call(ME, "workspace_scopes", workspace_id=self.workspace_row()["id"]) or []
                shared["administrates_acls"] = ACL_ADMINISTRATOR_SCOPE in scopes
            except PrefectCloudHTTPError as exc:
                # What /me/ answers a service-account key is not documented: its account role decides then.
                if not caller.is_bot_key or exc.status not in (401, 403, 404, 422):
                    raise
                shared["administrates_acls"] = caller.administrates_workspaces()
        return shared["administrates_acls"]

    def named_in_manage(self, caller, plan):
        after = plan.desired[MANAGE]
        if caller.is_bot_key:
            bots = self.resolver.find_many(BOT, after["bots"]) if after["bots"] else {}
            if any(caller.is_bot(row["id"]) for row in bots.values()):
                return True
        elif after["users"] and ((caller.me() or {}).get("email") or "").lower() in after["users"]:
            return True
        team_ids = plan.changes["body"]["access_control"]["%s_team_ids" % MANAGE]
        return bool(team_ids and caller.teams_with_caller(team_ids))

    # -- writing ---------------------------------------------------------------------

    def update(self, plan):
        self.kind.replace_acl(self.api, self.workspace_row()["id"], plan.before_raw["object"], plan.changes["body"])
        row = plan.before_raw["object"]
        try:
            # The object is the same; only its list is read again.
            answer = self.kind.read_acls(self.api, self.workspace_row()["id"], [row])[0]
        except PrefectCloudHTTPError as exc:
            # Having given up manage, the caller may no longer see the object at all.
            if not self.locks_caller_out or exc.status not in (403, 404):
                raise
            self.module.warn(
                "%s could not be read back now that the caller may no longer manage it (%s): the result shows what was "
                "written" % (self.describe(), exc)
            )
            return WRITTEN_AS_PLANNED
        return dict(plan.before_raw, acl=Acl(self.kind, answer))

    def view_after(self, plan, after_raw):
        return plan.desired if after_raw is WRITTEN_AS_PLANNED else self.view(after_raw)

    def public(self, raw, view):
        merged = {"id": raw["object"].get("id")} if isinstance(raw, dict) and raw.get("object") else {}
        merged.update(view or {})
        return sanitize(merged)

    def message(self, plan):
        if plan.desired is None:
            return "%s %r not found in workspace %r: no access control list to remove" % (
                self.kind.noun, self.params[self.kind.option], self.workspace_label())
        if not plan.changed:
            return "%s unchanged" % self.describe()
        if self.params["state"] == "absent":
            return "%s: access control list removed - every level is open to everyone whose workspace role allows it" % self.describe()
        changes = [describe_level_change(level, plan.before[level], plan.desired[level])
                   for level in self.kind.levels if plan.before[level] != plan.desired[level]]
        return "%s updated: %s" % (self.describe(), "; ".join(changes))

    # -- the list form: one read for all entries -----------------------------------------------

    @classmethod
    def prefetch(cls, module, entries, exclusive):
        """Every entry's object (one read per criterion), every ACL (read at the same time), and
        every actor gaining a level (one batched read per kind of actor), before any entry is planned."""
        if exclusive:
            raise NotImplementedError("%s has no exclusive mode" % cls.__name__)
        kind = cls.kind
        workspace = module.resolver.require(WORKSPACE, module.params["workspace"])
        found = kind.find(module.api, workspace["id"], [params[kind.option] for params in entries])
        named = {}
        for index, params in enumerate(entries):
            if params[kind.option] not in found:
                continue
            row, name = found[params[kind.option]]
            if row["id"] in named:
                raise Refusal(
                    "%s[%d] and %s[%d] name the same %s (%s): list each once"
                    % (kind.list_option, named[row["id"]], kind.list_option, index, kind.noun, name or params[kind.option])
                )
            named[row["id"]] = index
        rows = list({row["id"]: row for row, _name in found.values()}.values())
        answers = kind.read_acls(module.api, workspace["id"], rows) if rows else []
        acls = {row["id"]: answer for row, answer in zip(rows, answers)}
        unmatched = {actors: [] for actors in ACTORS}
        for params in entries:
            if params[kind.option] not in found or params["state"] == "absent":
                continue
            acl = Acl(kind, acls[found[params[kind.option]][0]["id"]])
            for level in kind.levels:
                for actors in ACTORS:
                    refs = (params.get(level) or {}).get(actors) or []
                    unmatched[actors] += [ref for ref in refs if acl.find(actors, ref) is None]
        for actors, refs in unmatched.items():
            if refs:
                module.resolver.find_many(ACTOR_LOOKUP[actors][0], list(dict.fromkeys(refs)))
        return {"workspace": workspace, "objects": found, "acls": acls}, []


# -- the info modules ---------------------------------------------------------------------------


class ObjectAccessReader(InfoReader):
    """The ACLs of the objects of one kind in a workspace: all of them, or those named."""

    kind = None

    @classmethod
    def parse_options(cls, params):
        validate.check_options(params, {"workspace": validate.workspace_reference})
        for index, ref in enumerate(params.get(cls.kind.option) or []):
            cls.kind.check_reference(ref, "%s[%d]" % (cls.kind.option, index))
        return params

    def read(self):
        kind = self.kind
        workspace = self.resolver.require(WORKSPACE, self.params["workspace"])
        refs = self.params.get(kind.option)
        if refs is None:
            found = kind.every(self.api, workspace["id"])
        elif refs:
            named = kind.find(self.api, workspace["id"], refs)
            found = list({row["id"]: (row, name) for row, name in (named[ref] for ref in refs if ref in named)}.values())
        else:
            found = []
        answers = kind.read_acls(self.api, workspace["id"], [row for row, _name in found]) if found else []
        listed = []
        for (row, name), answer in zip(found, answers):
            acl = Acl(kind, answer)
            entry = {kind.option: name, "id": row.get("id")}
            entry.update(acl.view())
            entry["restricted"] = acl.restricted()
            listed.append(sanitize(entry))
        listed.sort(key=lambda entry: entry[kind.option] or "")
        result = {
            "changed": False,
            kind.list_option: listed,
            "count": len(listed),
            "workspace": {key: workspace.get(key) for key in ("id", "handle", "name")},
        }
        return result
