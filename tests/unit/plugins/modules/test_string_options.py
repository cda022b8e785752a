"""Every string option of every module is ``validate.STRING``, and the ansible-core under test still calls it.

ansible-core's own ``str`` turns a list, a dict or a boolean into its text (``['a', 'b']`` becomes a
workspace handle ``"['a', 'b']"``); ``validate.STRING`` refuses them. It is equal to ``"str"`` (what the
documentation says, which validate-modules compares), so a core that looked a type up by equality
instead of calling it would quietly turn it back into ``str``: the second test fails loudly then.
``make units-newest`` runs this on ansible-core 2.21, ``make units-oldest`` on 2.16.
"""

import importlib
import pkgutil

import pytest
from ansible.module_utils import basic

from ansible_collections.prefect.cloud.plugins import modules as modules_package
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate

import module_runner

MODULE_NAMES = sorted(name for _finder, name, _pkg in pkgutil.iter_modules(modules_package.__path__))


class _Spec(Exception):
    def __init__(self, spec):
        super().__init__("argument_spec captured")
        self.spec = spec


def argument_spec(name):
    """The argument spec a module hands ``AnsibleModule`` (connection options included), without running it."""

    def capture(self, argument_spec, **kwargs):
        raise _Spec(argument_spec)

    module = importlib.import_module("ansible_collections.prefect.cloud.plugins.modules." + name)
    original = basic.AnsibleModule.__init__
    basic.AnsibleModule.__init__ = capture
    try:
        module.main()
    except _Spec as captured:
        return captured.spec
    finally:
        basic.AnsibleModule.__init__ = original
    raise AssertionError("%s.main() built no AnsibleModule" % name)


def string_types(spec, prefix=""):
    """``(option path, type)`` of every option (and list element) documented as a string, suboptions included."""
    found = []
    for option, entry in spec.items():
        where = prefix + option
        if entry.get("type", "str") == "str":
            found.append((where, entry.get("type", "str")))
        if entry.get("elements") == "str":
            found.append((where + "[]", entry["elements"]))
        found += string_types(entry.get("options") or {}, where + ".")
    return found


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_every_string_option_is_the_strict_string(name):
    plain = [where for where, kind in string_types(argument_spec(name)) if kind is not validate.STRING]
    assert plain == [], "%s: options of type str that take a list or a dict as text (use validate.STRING): %s" % (name, plain)


class _Refused(Exception):
    pass


@pytest.mark.parametrize("value", [["a", "b"], {"a": 1}, True])
@pytest.mark.parametrize(
    "spec, args",
    [
        ({"handle": {"type": validate.STRING}}, lambda value: {"handle": value}),
        ({"names": {"type": "list", "elements": validate.STRING}}, lambda value: {"names": ["ok", value]}),
    ],
    ids=["option", "list element"],
)
def test_the_core_under_test_calls_the_strict_string(spec, args, value):
    def fail_json(self, msg, **result):
        raise _Refused(msg)

    original = basic.AnsibleModule.fail_json
    basic.AnsibleModule.fail_json = fail_json
    try:
        with module_runner.patch_module_args(args(value)):
            with pytest.raises(_Refused) as refused:
                basic.AnsibleModule(argument_spec=spec)
    finally:
        basic.AnsibleModule.fail_json = original
    assert "expected a string" in str(refused.value), (
        "this ansible-core no longer calls validate.STRING (it took %r as text): %s" % (value, refused.value)
    )
