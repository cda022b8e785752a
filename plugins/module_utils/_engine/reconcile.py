# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""The reconcile flow shared by every resource module.

parse the options once -> read before -> plan (desired view, and what to create,
change or remove) -> check references and guards against the plan -> (check mode
stops here, predicting the result) -> write the plan -> read after -> report.

A module describes its resource by subclassing ``Resource``; this file decides
what is compared, what is reported, when a write happens and how diffs and
results look, so that every module keeps the same contract:

* only options the user set are compared and sent;
* a second identical run changes nothing and sends no write;
* check mode sends no write and predicts the same ``changed`` and diff;
* ``diff`` is ``{before, after}`` of the comparable view (``{}`` when absent);
* nothing secret reaches a result, a diff, a warning or an error.

The plan is decided once: reference checks, guards and writes all act on the same
``Plan``, so no step works something out again (or differently) from another.
"""

import copy
import time

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import (
    AmbiguousWriteError,
    PrefectCloudHTTPError,
    ReferenceNotFound,
)
from ansible_collections.prefect.cloud.plugins.module_utils._api.secrets import sanitize

CREATE = "create"
UPDATE = "update"
DELETE = "delete"

# How the default message words each outcome.
VERBS = {CREATE: "created", UPDATE: "updated", DELETE: "deleted"}

# How many times a write that is not safe to resend is sent at most, each after looking for
# the effect of the one before.
MAX_SENDS = 3
# After a timed-out write, the server may still be working on it: look again for at least this
# long (or request_timeout, if longer) before sending it again.
MIN_IN_FLIGHT_WAIT = 5.0


# What a ``recover`` callback returns when the lost write did take effect but its result
# cannot be used (a key whose only copy was in the lost response) and it has undone it, or
# made sure that the next send undoes it: the write can be sent again whatever the resource.
UNDONE = object()


class ObjectExists(Exception):
    """A create was refused (409) because the object exists: made meanwhile, by someone else.

    Not an error: ``reconcile`` plans again from the object found and converges it.
    """

    def __init__(self, raw):
        super().__init__("the object exists")
        self.raw = raw


class Plan:
    """What one run does to one object, decided before anything is written.

    ``action`` is ``create``, ``update``, ``delete`` or ``None`` (nothing to do).
    ``before_raw`` is the server object read first (``None`` when absent); ``before`` and
    ``desired`` are views (``desired`` is ``None`` when the object is to be absent).
    ``changes`` is what the resource worked out it must send to get there - members to
    add, grants to revoke, a key to mint - for the reference checks, guards and writes.

    What the run learns on the way travels here too, not on the resource: ``extra_result``
    (results beside the object: a minted ``api_key``, ``leaves_account``) and ``diff_note``
    (what the diff's header says beside "after" when the change does more than the views
    show: a revocation that also ends an account membership), both set by the guard or the
    write, in check mode too.
    """

    def __init__(self, before_raw, before, desired, changes=None, action=None):
        self.before_raw = before_raw
        self.before = before
        self.desired = desired
        self.changes = changes if changes is not None else {}
        if action is None:
            action = _action(before_raw, before, desired)
        self.action = action
        self.extra_result = {}
        self.diff_note = None

    @property
    def changed(self):
        return self.action is not None


def _action(before_raw, before, desired):
    if desired is None:
        return DELETE if before_raw is not None else None
    if before_raw is None:
        return CREATE
    return UPDATE if desired != before else None


class Resource:
    """One Prefect Cloud object as a module manages it. Subclasses fill in the blanks.

    ``view(raw)`` is the comparable, readable projection of a server object:
    references by name (not id), no server-generated fields. ``desired(before)``
    is that view with the options the user set laid over it. Both are what the
    diff shows, so check mode and a real run report the same thing.

    ``options`` is what ``parse_options`` made of the module's parameters, once,
    before any request.
    """

    #: the table entry (``table.WORKSPACE``, ...) this module manages, if it is one
    api_resource = None
    #: the key the object is returned under
    result_key = "object"
    #: the option holding the object's natural key (``handle``, ``name``, ``email``)
    identity = None
    #: how messages name the kind of object (default: the table entry's label)
    noun = None

    #: what a bulk form's one read for all its entries found (``prefetch``), shared by every entry
    prefetched = None
    #: keys of ``Plan.extra_result`` that a bulk form returns once for the task rather than per entry
    task_result = ()
    #: keys of ``Plan.extra_result`` (lists) that a bulk form returns per entry and, gathered from every
    #: entry (sorted, without repeats), once for the task as well
    gathered_result = ()

    def __init__(self, module, options=None):
        self.module = module
        self.params = module.params
        self.options = options if options is not None else module.params

    @classmethod
    def parse_options(cls, params):
        """Check and convert the options argument_spec cannot, before any request.

        Raise ``ValueError`` with a message that names the option. The return value
        reaches the resource as ``self.options``.
        """
        return params

    # -- the bulk form (bulk.py): many objects of this kind in one task ------

    @classmethod
    def entry_key(cls, params):
        """What tells one entry's object from another's (the natural key, normalised)."""
        return cls.api_resource.norm(params[cls.identity])

    @classmethod
    def resolved_key(cls, module, params):
        """What tells one entry's object from another's once the prefetch has resolved its references.

        Two entries with the same resolved key are one object named twice (a workspace by handle and
        by id, say), which the bulk form refuses. By default the natural key is all there is.
        """
        return cls.entry_key(params)

    @classmethod
    def prefetch(cls, module, entries, exclusive):
        """One read for every entry of a bulk form, before any is planned; ``(shared, unlisted)``.

        The default asks the natural keys of all entries in one batched filter, which fills
        the lookup cache that each entry's ``read`` then finds its object in. ``shared`` is
        handed to every entry as ``self.prefetched``. In exclusive mode, ``unlisted`` are the
        parameters (natural key and ``state: absent``) of the objects no entry names and
        that may be removed: resources that support exclusive mode override this.
        """
        if exclusive:
            raise NotImplementedError("%s has no exclusive mode" % cls.__name__)
        module.resolver.find_many(cls.api_resource, [params[cls.identity] for params in entries])
        return None, []

    @classmethod
    def keeps(cls, params):
        """Whether a bulk form's entry keeps an object of the kind its exclusive mode removes.

        A form whose entries all keep nothing (none, or all ``state: absent``) would remove every
        object of the kind in exclusive mode, which ``RemovalBounds`` refuses unless allowed.
        """
        return params.get("state") != "absent"

    @classmethod
    def guard_many(cls, module, planned):
        """Refuse (``Refusal``) what the entries of a bulk form, ``[(resource, plan)]``, would do together."""

    @classmethod
    def plural_noun(cls):
        return "%ss" % (cls.noun or cls.api_resource.label)

    # -- shortcuts ---------------------------------------------------------

    @property
    def client(self):
        return self.module.client

    @property
    def api(self):
        return self.module.api

    @property
    def resolver(self):
        return self.module.resolver

    def is_set(self, name):
        return self.module.is_set(name)

    def call(self, operation, json=None, params=None, **ids):
        """Send an operation of this module's own resource."""
        return self.api.call(self.api_resource, operation, json=json, params=params, **ids)

    # -- what subclasses provide -------------------------------------------

    def describe(self):
        """``team 'ops'``: how messages name this object."""
        return "%s %r" % (self.noun or self.api_resource.label, self.params[self.identity])

    def read(self):
        """The server object found by natural key (a server-side filter), or ``None``."""
        return self.resolver.find(self.api_resource, self.params[self.identity])

    def view(self, raw):
        raise NotImplementedError

    def desired(self, before):
        """The view this object should have; ``before`` is ``None`` when it does not exist."""
        raise NotImplementedError

    def changes(self, plan):
        """What must be sent to get from ``plan.before`` to ``plan.desired`` (called once, when changed)."""
        return {}

    def plan(self, before_raw, before, state):
        """Decide what this run does. Bulk forms override this to build view and changes in one pass."""
        desired = None if state == "absent" else self.desired(before)
        plan = Plan(before_raw, before, desired)
        if plan.changed and desired is not None:
            plan.changes = self.changes(plan)
        return plan

    def check_references(self, plan):
        """Resolve every object the plan refers to; raise ``ReferenceNotFound`` if one is missing."""

    def guard(self, plan):
        """Refuse a change that must never happen by raising ``Refusal``.

        Called when a change is due, in check mode too (so check mode fails the way the
        real run would), before any write.
        """

    def create(self, plan):
        raise NotImplementedError

    def update(self, plan):
        """Apply the plan; return the new server object, or ``None`` to have it re-read."""
        raise NotImplementedError

    def delete(self, plan):
        self.api.delete(self.api_resource, id=plan.before_raw["id"])

    def view_after(self, plan, after_raw):
        """The view after a write (a minted key's view says what was asked, as check mode did)."""
        return self.view(after_raw)

    def result_object(self, plan, raw, view):
        """The object the run returns (``public``); ``plan`` says what the run did (a key it minted, say)."""
        return self.public(raw, view)

    def public(self, raw, view):
        """The object returned to the user: the server object plus its readable view."""
        merged = dict(raw or {})
        merged.update(view or {})
        return sanitize(merged)

    def message(self, plan):
        """The task's ``msg``."""
        if plan.changed:
            return "%s %s" % (self.describe(), VERBS[plan.action])
        return "%s %s" % (self.describe(), "absent" if plan.desired is None else "unchanged")

    # -- helpers for subclasses ---------------------------------------------

    def overlay(self, before, defaults, options):
        """``before`` (or ``defaults`` on create) with each set option laid over it.

        ``options`` maps option name -> view key (or a callable normalising the value:
        ``{"description": ("description", str)}``).
        """
        result = copy.deepcopy(before) if before is not None else copy.deepcopy(defaults)
        for option, target in options.items():
            if not self.is_set(option):
                continue
            key, normalise = target if isinstance(target, tuple) else (target, None)
            value = self.params[option]
            result[key] = normalise(value) if normalise else value
        return result

    def write_recovering(self, send, recover=None, create=True, unique=True):
        """Send a write that is not safe to resend; when its outcome is unknown, look before resending.

        ``recover()`` re-reads by natural key (default: ``read``) and returns what the
        write made, ``None``, or ``UNDONE`` (it was made, but unusable, and is now removed).
        When it is there, the write took effect and we carry on with it; otherwise the
        write is sent again - up to ``MAX_SENDS`` times in all, each
        one looked for in the same way, so a second lost response is recovered too.

        A write that timed out may still be in progress on the server: it is looked for
        for a while before anything is resent. If it still does not show, it is resent
        only when a duplicate would be refused (``unique``: the natural key is unique, so
        a late first write makes the resend fail with a conflict, not a second object);
        otherwise the task fails, saying so, rather than risk a duplicate.

        ``create``: a 409 answer means the object exists, made meanwhile by someone else;
        ``ObjectExists`` hands it to ``reconcile``, which converges it instead.
        """
        recover = recover or self.read
        for attempt in range(1, MAX_SENDS + 1):
            try:
                return send()
            except AmbiguousWriteError as exc:
                self.module.warn("%s; re-read %s to find out" % (exc, self.describe()))
                found = self._look_for(recover, exc.in_flight)
                if found is UNDONE:
                    if attempt < MAX_SENDS:
                        continue
                    raise AmbiguousWriteError(
                        "%s: the write to %s took effect each of the %d times it was sent, and each answer was lost; "
                        "it was not sent again" % (exc, self.describe(), MAX_SENDS),
                        status=exc.status,
                    ) from None
                if found is not None:
                    return found
                if attempt == MAX_SENDS or (exc.in_flight and not unique):
                    raise AmbiguousWriteError(
                        "%s: %s did not show up after the write; it was not sent again to avoid a duplicate. "
                        "Run the task again: it looks before it writes" % (exc, self.describe()),
                        status=exc.status,
                    ) from None
            except PrefectCloudHTTPError as exc:
                if not create or exc.status != 409:
                    raise
                # What was looked up before the write ("not there yet") is stale now.
                self.module.forget_lookups()
                found = recover()
                if found is None:
                    raise
                raise ObjectExists(found) from None

    def _look_for(self, recover, in_flight):
        """``recover()`` past the lookup cache; for an in-flight write, again for a while until it shows."""
        client = self.module.client
        deadline = time.monotonic() + max(MIN_IN_FLIGHT_WAIT, client.timeout) if in_flight else 0
        delay = 0.25
        while True:
            # What was looked up before the write (often "not there yet") is stale now.
            self.module.forget_lookups()
            found = recover()
            if found is not None or time.monotonic() + delay > deadline:
                return found
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def _read_before(module, resource, state):
    try:
        return resource.read()
    except ReferenceNotFound as exc:
        # A parent (the workspace of a grant, say) is missing. For absent that is
        # already the goal. For present, a real run fails; check mode goes on,
        # since an earlier task of the same play may create it.
        if state == "absent":
            return None
        if module.check_mode and exc.creatable:
            module.warn("%s; check mode assumes an earlier task of the play creates it" % exc)
            return None
        raise


def prepare(module, resource):
    """Read before, plan, check references and guards: everything before a write. Returns ``(before, plan)``."""
    state = module.params.get("state") or "present"
    before_raw = _read_before(module, resource, state)
    before = resource.view(before_raw) if before_raw is not None else None
    plan = resource.plan(before_raw, before, state)
    _check(module, resource, plan)
    return before, plan


def apply(module, resource, before, plan):
    """Carry out a prepared plan (nothing is written in check mode). Returns ``(plan, after_raw, after)``.

    The plan returned is the one carried out: when the object was created meanwhile by someone
    else, it is planned again from what is there.
    """
    before_raw = plan.before_raw
    if plan.desired is None:
        if plan.changed and not module.check_mode:
            resource.delete(plan)
        return plan, None, None
    if not plan.changed:
        return plan, before_raw, before
    if module.check_mode:
        return plan, (before_raw or {}), plan.desired
    try:
        after_raw = _write(module, resource, plan)
    except ObjectExists as exists:
        # Created meanwhile by someone else (another run of the same play, say): converge
        # what is there, and report what this run did to it.
        module.warn("%s was created meanwhile, elsewhere; this run converges it instead" % resource.describe())
        before_raw = exists.raw
        state = module.params.get("state") or "present"
        plan = resource.plan(before_raw, resource.view(before_raw), state)
        _check(module, resource, plan)
        after_raw = _write(module, resource, plan) if plan.changed else before_raw
    return plan, after_raw, resource.view_after(plan, after_raw)


def reconcile(module, resource):
    """Run the flow for ``resource`` and return the module result."""
    before, plan = prepare(module, resource)
    plan, after_raw, after = apply(module, resource, before, plan)
    result = {"changed": plan.changed, "msg": resource.message(plan)}
    result[resource.result_key] = resource.result_object(plan, after_raw, after) if after is not None else {}
    result.update(plan.extra_result)
    if module.diff_mode:
        # The plan's own before: the object found meanwhile, when it was planned again.
        result["diff"] = {"before": plan.before or {}, "after": after or {}}
        if plan.diff_note:
            result["diff"]["after_header"] = plan.diff_note
    return result


def _check(module, resource, plan):
    """References and guards of a change, before any write (in check mode too)."""
    if not plan.changed:
        return
    if plan.desired is not None:
        try:
            resource.check_references(plan)
        except ReferenceNotFound as exc:
            # Check mode assumes an earlier task of the play creates what is missing - if a
            # task can create it at all (no module creates an account role, say).
            if not module.check_mode or not exc.creatable:
                raise
            module.warn("%s; check mode assumes an earlier task of the play creates it" % exc)
    resource.guard(plan)


def _write(module, resource, plan):
    """Create or update as planned; the server object after it."""
    if plan.action == CREATE:
        return resource.create(plan)
    after_raw = resource.update(plan)
    if after_raw is None:
        # Read after the write from the server, not from lookups cached before it.
        module.forget_lookups()
        after_raw = resource.read()
    return after_raw


def run_resource(module, resource_class):
    """Entry point for a resource module: parse the options, build the resource, reconcile, exit."""
    try:
        options = resource_class.parse_options(module.params)
    except ValueError as exc:
        module.fail(str(exc))
    module.run(lambda: reconcile(module, resource_class(module, options)))
