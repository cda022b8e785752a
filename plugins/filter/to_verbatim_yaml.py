# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``prefect.cloud.to_verbatim_yaml`` filter: YAML whose strings Ansible reads back as text.

Ansible templates every string of a variables file (``-e @FILE``, ``vars_files``, inventory),
so a description read from an account and written out as plain YAML becomes code the next
time a playbook loads it. This filter writes every string that could hold a template with
the ``!unsafe`` tag, which both templating engines (ansible-core 2.16's and 2.19's onwards)
leave alone.

Strings that YAML would read as something else when written bare (``true``, ``''``,
``0x1A``, ``2026-01-01``, ``~``, ``<<``) are written quoted and untagged instead: ansible-core
2.19 and later resolve a tagged scalar as if it were bare (``!unsafe ''`` loads as ``None``,
``!unsafe 'true'`` as ``True``), and none of those strings can hold a template (the filter
checks that they hold no ``{``, ``}``, ``%`` or ``#``). Mapping keys that are plain words
(letters, digits, ``_`` and ``-``, not starting with a digit or ``-``) are written bare too.
"""

import re
from collections.abc import Mapping, Sequence

import yaml
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from ansible.errors import AnsibleFilterError

UNSAFE_TAG = "!unsafe"
STR_TAG = "tag:yaml.org,2002:str"
# A mapping key no templating engine reads as code, and that YAML reads as a string when bare.
PLAIN_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# What every template syntax needs at least one of: {{ }}, {% %}, {# #}, and 2.16's "#jinja2:" header.
TEMPLATE_CHARACTERS = frozenset("{}%#")

_RESOLVER = Resolver()


class _Word(str):
    """A string written bare or plainly quoted, without the tag: it cannot hold a template."""


class _VerbatimDumper(yaml.SafeDumper):
    """SafeDumper that tags every string which could hold a template with ``!unsafe``."""

    def ignore_aliases(self, data):
        return True


def _plain_reading(text):
    """The tag YAML gives ``text`` when it is written bare (``str`` for most text)."""
    return _RESOLVER.resolve(ScalarNode, text, (True, False))


def _represent_text(dumper, text):
    if isinstance(text, _Word):
        return dumper.represent_scalar(STR_TAG, str.__str__(text))
    if _plain_reading(text) != STR_TAG:
        # true, '', 0x1A, 2026-01-01, ~: read back as something else under the tag (see the
        # module docstring), and made only of characters no template can do without.
        if TEMPLATE_CHARACTERS & set(text):
            raise AnsibleFilterError("to_verbatim_yaml: %r can neither be tagged nor written untagged" % text)
        return dumper.represent_scalar(STR_TAG, text)
    return dumper.represent_scalar(UNSAFE_TAG, text)


_VerbatimDumper.add_representer(str, _represent_text)
_VerbatimDumper.add_representer(_Word, _represent_text)


def _plain(value, where="data"):
    """``value`` as plain dicts, lists, strings, numbers, booleans and None (whatever Ansible wrapped them in)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        # str() of ansible-core 2.16's AnsibleUnsafeText is itself; str.__str__ makes a plain copy.
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, Mapping):
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise AnsibleFilterError("to_verbatim_yaml: %s has a key that is not a string: %r" % (where, key))
            name = str.__str__(key)
            if PLAIN_WORD.match(name) and _plain_reading(name) == STR_TAG:
                name = _Word(name)
            result[name] = _plain(item, "%s.%s" % (where, key))
        return result
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return [_plain(item, "%s[%d]" % (where, index)) for index, item in enumerate(value)]
    raise AnsibleFilterError("to_verbatim_yaml: %s is a %s, not YAML data" % (where, type(value).__name__))


def to_verbatim_yaml(data, indent=2):
    """``data`` as YAML text whose every string Ansible reads back exactly, never as a template."""
    if not isinstance(indent, int) or isinstance(indent, bool) or not 2 <= indent <= 9:
        raise AnsibleFilterError("to_verbatim_yaml: indent must be a whole number from 2 to 9, got %r" % (indent,))
    return yaml.dump(
        _plain(data),
        Dumper=_VerbatimDumper,
        indent=indent,
        default_flow_style=False,
        sort_keys=False,
        allow_unicode=True,
        width=2 ** 20,
    )


class FilterModule:
    def filters(self):
        return {"to_verbatim_yaml": to_verbatim_yaml}
