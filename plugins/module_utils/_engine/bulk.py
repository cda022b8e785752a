# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""The bulk form of a resource module: many objects of one kind in one task.

A module's list option (``bots``, ``members``, ``invitations``) holds entries, each with
the options of the module's single form. Every entry is reconciled by the module's own
``Resource`` (the same view, plan, guards and writes as the single form), so the bulk
form keeps the same contract for free; what it adds is the cost of a large declaration:

* one read for every entry at once (``Resource.prefetch``: a batched filter, or the whole
  list in exclusive mode), where a loop of tasks would send one per object and pay
  Ansible's start-up per object;
* every entry is read, planned, reference-checked and guarded before the first write
  (``Resource.guard_many`` judges the entries together: two Owners demoted by one task), so
  a refusal or a missing reference leaves nothing half-done;
* ``exclusive``: the objects of that kind that no entry names are removed (the resource
  says which it never removes: the caller's own membership, say);
* bounds on what one task removes (``removals.RemovalBounds``, options of every form with
  exclusive mode): removing everything of its kind - exclusive mode with no entry to keep - needs
  ``allow_remove_all``, and more removals than ``max_removals`` are refused, in check mode
  too, before any write. An empty list is more often a mistake (a variable that did not load,
  entries commented out) than a wish to remove everyone, and a plan that removes many is
  worth a look before it runs.

When a write fails part-way, the task fails with the results of the entries done so far,
including any key minted on the way (``api_keys``), so no key is lost with the failure.
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudError
from ansible_collections.prefect.cloud.plugins.module_utils._api.secrets import sanitize
from ansible_collections.prefect.cloud.plugins.module_utils._engine.module import error_fields
from ansible_collections.prefect.cloud.plugins.module_utils._engine.reconcile import DELETE, VERBS, apply, prepare, run_resource
from ansible_collections.prefect.cloud.plugins.module_utils._engine.removals import RemovalBounds

# The order counts are listed in messages.
ACTIONS = ("create", "update", "delete")


class EntryModule:
    """The module as one entry's ``Resource`` sees it: the entry's options, everything else shared.

    The connection, its lookup cache, check mode and warnings are the module's own, so what
    one entry looked up (a role, the caller) is not asked for again by the next.
    """

    def __init__(self, module, params, where):
        self._module = module
        self.params = params
        #: how messages name the entry: ``bots[2]``
        self.where = where

    def __getattr__(self, name):
        return getattr(self._module, name)

    def is_set(self, name):
        return self.params.get(name) is not None


class BulkForm:
    """A module's list option and the ``Resource`` class that reconciles each of its entries.

    ``option``: the list option (``bots``); ``result_key``: where the objects are returned
    (default: ``option``); ``exclusive``: the option that removes what no entry names, if
    the module has one.
    """

    def __init__(self, resource_class, option, result_key=None, exclusive=None):
        self.resource_class = resource_class
        self.option = option
        self.result_key = result_key or option
        self.exclusive = exclusive

    # -- the module's options ---------------------------------------------------

    def module_options(self, single_options):
        """The argument spec and rules of a module with both forms.

        ``single_options`` are the options of the single form (the identity option not required):
        the list option takes entries with the same options, the identity required in each; the
        two forms exclude each other, and ``exclusive`` (if the form has one) needs the list.
        Returns keyword arguments for ``PrefectCloudModule``.
        """
        identity = self.resource_class.identity
        entry = dict(single_options)
        entry[identity] = dict(entry[identity], required=True)
        spec = dict(single_options)
        spec[self.option] = {"type": "list", "elements": "dict", "options": entry}
        options = {
            "argument_spec": spec,
            "mutually_exclusive": [(identity, self.option)],
            "required_one_of": [(identity, self.option)],
        }
        if self.exclusive:
            spec[self.exclusive] = {"type": "bool", "default": False}
            spec.update(RemovalBounds.OPTIONS)
            options["required_if"] = [(self.exclusive, True, (self.option,))]
        return options

    # -- before any request -------------------------------------------------

    def entry_params(self, module):
        """The parameters of each entry: the module's, with the entry's options laid over them.

        An option that belongs in the entries must not be given at the top level as well:
        it would be unclear which one wins. Raises ``ValueError`` naming the option.
        """
        spec = module.ansible.argument_spec[self.option]["options"]
        for name in spec:
            top = module.params.get(name)
            if top is not None and top != module.ansible.argument_spec.get(name, {}).get("default"):
                raise ValueError("%s cannot be combined with %s: give it in each entry of %s" % (name, self.option, self.option))
        entries = []
        for entry in module.params[self.option]:
            params = dict(module.params)
            params[self.option] = None
            params.update(entry)
            entries.append(params)
        return entries

    def parse(self, module):
        """``[(where, params, options)]`` for every entry, checked as the single form checks them.

        Raises ``ValueError`` naming the entry; an object listed twice is refused too.
        """
        identity = self.resource_class.identity
        if self.exclusive:
            RemovalBounds.check_options(module.params)
        parsed, seen = [], {}
        for index, params in enumerate(self.entry_params(module)):
            where = "%s[%d]" % (self.option, index)
            try:
                options = self.resource_class.parse_options(params)
            except ValueError as exc:
                raise ValueError("%s: %s" % (where, exc)) from None
            key = self.resource_class.entry_key(params)
            if key in seen:
                raise ValueError(
                    "%s repeats the %s %r of %s: list each once" % (where, identity, params[identity], seen[key])
                )
            seen[key] = where
            parsed.append((where, params, options))
        return parsed

    # -- the run --------------------------------------------------------------

    def reconcile(self, module, parsed):
        resource_class = self.resource_class
        exclusive = bool(self.exclusive and module.params.get(self.exclusive))
        keeps_any = any(resource_class.keeps(params) for _where, params, _options in parsed)
        shared, unlisted = resource_class.prefetch(module, [params for _where, params, _options in parsed], exclusive)
        self.refuse_aliases(module, parsed)
        for params in unlisted:
            where = "%s %r (not listed)" % (resource_class.identity, params[resource_class.identity])
            entry_params = dict(module.params, **{self.option: None})
            entry_params.update(params)
            parsed.append((where, entry_params, resource_class.parse_options(entry_params)))

        prepared = []
        for where, params, options in parsed:
            entry = EntryModule(module, params, where)
            resource = resource_class(entry, options)
            resource.prefetched = shared
            try:
                before, plan = prepare(entry, resource)
            except PrefectCloudError as exc:
                module.fail("%s: %s" % (where, exc), **error_fields(exc))
            prepared.append((entry, resource, before, plan))
        try:
            resource_class.guard_many(module, [(resource, plan) for _entry, resource, _before, plan in prepared])
            if self.exclusive:
                self.bound_removals(module, prepared, everything=exclusive and not keeps_any)
        except PrefectCloudError as exc:
            module.fail(str(exc), **error_fields(exc))

        done = []
        for entry, resource, before, plan in prepared:
            try:
                done.append((entry, resource) + apply(entry, resource, before, plan))
            except PrefectCloudError as exc:
                # Report what was done before the failure (keys minted for earlier entries above all),
                # and changed if the failing entry itself had written something (a refusal after a write).
                error = error_fields(exc)
                fields = self.result(module, done)
                del fields["msg"]
                fields.update((key, value) for key, value in error.items() if key != "changed")
                fields["changed"] = fields["changed"] or bool(error.get("changed"))
                module.fail("%s: %s" % (entry.where, exc), **fields)
        return self.result(module, done)

    def refuse_aliases(self, module, parsed):
        """Two entries that name one object in two ways (a handle and an id, say) fail the task before any plan.

        ``parse`` refused the entries that repeat a natural key; only the prefetch knows which names
        resolve to the same object, and two plans for one object would contradict each other.
        """
        identity = self.resource_class.identity
        seen = {}
        for where, params, _options in parsed:
            key = self.resource_class.resolved_key(module, params)
            if key in seen:
                first_where, first = seen[key]
                named = repr(first) if first == params[identity] else "%r and %r" % (first, params[identity])
                module.fail(
                    "%s names the same %s as %s (%s): list each once"
                    % (where, self.resource_class.noun or self.resource_class.api_resource.label, first_where, named)
                )
            seen[key] = (where, params[identity])

    def bound_removals(self, module, prepared, everything):
        """``RemovalBounds.check`` of the prepared entries; a refusal returns the plan as ``results`` and ``diff``."""
        removed = [
            repr(entry.params[self.resource_class.identity]) for entry, _resource, _before, plan in prepared if plan.action == DELETE
        ]
        if not removed:
            return
        planned = self.result(module, [(entry, resource, plan, None, plan.desired) for entry, resource, _before, plan in prepared])
        plan_fields = {key: planned[key] for key in ("results", "diff") if key in planned}
        noun = self.resource_class.noun or self.resource_class.api_resource.label
        RemovalBounds.check(module.params, removed, (noun, self.resource_class.plural_noun()), everything, plan_fields)

    def result(self, module, done):
        """The task's result: every object, one result per entry, the keys minted, the diff of what changed."""
        objects, results, keys = [], [], {}
        diff_before, diff_after = [], []
        counts, task_fields = {}, {}
        for entry, resource, plan, after_raw, after in done:
            extra = dict(plan.extra_result)
            minted = extra.pop("api_key", None)
            if minted:
                keys[entry.params[resource.identity]] = minted
            for key in resource.task_result:
                # What the task found out once for all its entries (SCIM on, say) is the task's result.
                if key in extra:
                    task_fields[key] = extra.pop(key)
            public = resource.result_object(plan, after_raw, after) if after is not None else {}
            if after is not None:
                objects.append(public)
            entry_result = {
                resource.identity: entry.params[resource.identity],
                "changed": plan.changed,
                "action": plan.action,
                "msg": resource.message(plan),
            }
            entry_result.update(sanitize(extra))
            if plan.changed and module.diff_mode:
                entry_result["diff"] = {"before": plan.before or {}, "after": after or {}}
            results.append(entry_result)
            if plan.changed:
                counts[plan.action] = counts.get(plan.action, 0) + 1
                diff_before.append(plan.before or {})
                diff_after.append(after or {})
        changed = bool(counts)
        noun = self.resource_class.plural_noun()
        if changed:
            msg = "%d %s: %s" % (
                len(done), noun, ", ".join("%d %s" % (counts[a], VERBS[a]) for a in ACTIONS if a in counts)
            )
        else:
            msg = "%d %s unchanged" % (len(done), noun)
        result = {"changed": changed, "msg": msg, self.result_key: objects, "results": results}
        result.update(task_fields)
        for key in self.resource_class.gathered_result:
            result[key] = sorted(set(value for entry in results for value in entry.get(key) or []))
        if keys:
            result["api_keys"] = keys
        if module.diff_mode:
            result["diff"] = {"before": {self.result_key: diff_before}, "after": {self.result_key: diff_after}}
        return result


def run_bulk(module, form):
    """Entry point of a module's bulk form: parse every entry before any request, reconcile, exit."""
    try:
        parsed = form.parse(module)
    except ValueError as exc:
        module.fail(str(exc))
    module.run(lambda: form.reconcile(module, parsed))


def run_either_form(module, form):
    """Entry point of a module with both forms: the bulk form when its list is given, else the single one."""
    if module.params[form.option] is not None:
        run_bulk(module, form)
    else:
        run_resource(module, form.resource_class)
