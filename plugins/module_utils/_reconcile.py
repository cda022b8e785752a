# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""The reconcile flow shared by every resource module.

read before -> build desired from the options the user set -> compare
-> (check mode stops here, predicting the result) -> write -> read after.

A module describes its resource by subclassing ``Resource``; this file decides
what is compared, what is reported, when a write happens and how diffs and
results look, so that every module keeps the same contract:

* only options the user set are compared and sent;
* a second identical run changes nothing and sends no write;
* check mode sends no write and predicts the same ``changed`` and diff;
* ``diff`` is ``{before, after}`` of the comparable view (``{}`` when absent);
* nothing secret reaches a result, a diff, a warning or an error.
"""

import copy

from ansible_collections.prefect.cloud.plugins.module_utils._client import AmbiguousWriteError, redact_secrets
from ansible_collections.prefect.cloud.plugins.module_utils._resolve import ReferenceNotFound

SECRET_FIELDS = frozenset(("key", "api_key_value", "token", "invite_code"))


def sanitize(value):
    """A deep copy of ``value`` without secret fields, and with key-shaped strings masked."""
    if isinstance(value, dict):
        return {k: sanitize(v) for k, v in value.items() if k not in SECRET_FIELDS}
    if isinstance(value, list):
        return [sanitize(v) for v in value]
    if isinstance(value, str):
        return redact_secrets(value)
    return value


class Resource:
    """One Prefect Cloud object as a module manages it. Subclasses fill in the blanks.

    ``view(raw)`` is the comparable, readable projection of a server object:
    references by name (not id), no server-generated fields. ``desired(before)``
    is that view with the options the user set laid over it. Both are what the
    diff shows, so check mode and a real run report the same thing.
    """

    #: the key the object is returned under, and the noun in messages
    kind = "object"

    def __init__(self, module):
        self.module = module
        self.params = module.params
        #: extra top-level results (e.g. a freshly minted ``api_key``)
        self.extra_result = {}

    # -- shortcuts ---------------------------------------------------------

    @property
    def client(self):
        return self.module.client

    @property
    def resolver(self):
        return self.module.resolver

    @property
    def account_path(self):
        return self.module.account_path

    def is_set(self, name):
        return self.module.is_set(name)

    # -- what subclasses provide -------------------------------------------

    def describe(self):
        """``team 'ops'``: how messages name this object."""
        raise NotImplementedError

    def read(self):
        """The server object found by natural key, or ``None``."""
        raise NotImplementedError

    def view(self, raw):
        raise NotImplementedError

    def desired(self, before):
        """The view this object should have; ``before`` is ``None`` when it does not exist."""
        raise NotImplementedError

    def check_references(self, desired):
        """Resolve every object ``desired`` refers to; raise ``ReferenceNotFound`` if one is missing."""

    def guard(self, raw, desired):
        """Refuse a change that must never happen by raising ``PrefectCloudError``.

        Called when a change is due, in check mode too (so check mode fails the way the
        real run would), before any write. ``desired`` is ``None`` for a deletion.
        """

    def create(self, desired):
        raise NotImplementedError

    def update(self, raw, before, desired):
        """Apply the difference; return the new server object, or ``None`` to have it re-read."""
        raise NotImplementedError

    def delete(self, raw):
        raise NotImplementedError

    def public(self, raw, view):
        """The object returned to the user: the server object plus its readable view."""
        merged = dict(raw or {})
        merged.update(view or {})
        return sanitize(merged)

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

    def write_recovering(self, send, recover=None):
        """Send a non-idempotent write; if its response is lost, look before resending.

        ``recover()`` re-reads by natural key (default: ``read``). When the object is
        there, the write took effect and we carry on with it; otherwise it is sent
        again, once.
        """
        recover = recover or self.read
        try:
            return send()
        except AmbiguousWriteError as exc:
            self.module.warn("%s; re-read %s to find out" % (exc, self.describe()))
            # What was looked up before the write (often "not there yet") is stale now.
            self.module.forget_lookups()
            found = recover()
            if found is not None:
                return found
            return send()


def reconcile(module, resource):
    """Run the flow for ``resource`` and return the module result."""
    state = module.params.get("state") or "present"
    check = module.check_mode
    label = resource.describe()

    try:
        before_raw = resource.read()
    except ReferenceNotFound as exc:
        # A parent (the workspace of a grant, say) is missing. For absent that is
        # already the goal. For present, a real run fails; check mode goes on,
        # since an earlier task of the same play may create it.
        if state == "absent":
            before_raw = None
        elif check:
            module.warn("%s; check mode assumes an earlier task of the play creates it" % exc)
            before_raw = None
        else:
            raise
    before = resource.view(before_raw) if before_raw is not None else None

    if state == "absent":
        changed = before_raw is not None
        if changed:
            resource.guard(before_raw, None)
        if changed and not check:
            resource.delete(before_raw)
        result = {"changed": changed, resource.kind: {}, "msg": "%s %s" % (label, "deleted" if changed else "absent")}
        if module.diff_mode:
            result["diff"] = {"before": before or {}, "after": {}}
        return result

    desired = resource.desired(before)
    changed = before is None or desired != before
    if changed:
        try:
            resource.check_references(desired)
        except ReferenceNotFound as exc:
            if not check:
                raise
            module.warn("%s; check mode assumes an earlier task of the play creates it" % exc)
        resource.guard(before_raw, desired)

    if not changed:
        after_raw, after = before_raw, before
    elif check:
        after_raw, after = (before_raw or {}), desired
    else:
        if before_raw is None:
            after_raw = resource.create(desired)
        else:
            after_raw = resource.update(before_raw, before, desired)
            if after_raw is None:
                # Read after the write from the server, not from lookups cached before it.
                module.forget_lookups()
                after_raw = resource.read()
        after = resource.view(after_raw)

    verb = "unchanged"
    if changed:
        verb = "created" if before is None else "updated"
    result = {"changed": changed, resource.kind: resource.public(after_raw, after), "msg": "%s %s" % (label, verb)}
    result.update(resource.extra_result)
    if module.diff_mode:
        result["diff"] = {"before": before or {}, "after": after}
    return result


def run_resource(module, resource_class):
    """Entry point for a resource module: build the resource, reconcile, exit."""
    module.run(lambda: reconcile(module, resource_class(module)))
