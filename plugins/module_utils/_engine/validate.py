# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""Checks of option values that argument_spec can not make, run before any request.

Each check takes the value and the option's name (``grants[2].user``) and raises
``ValueError`` naming the option, so that ``parse_options`` can fail the task before
anything is sent. The rules are the API document's (``maxLength: 5000`` on names,
handles and descriptions; ``format: email``; handles of lowercase letters, numbers
and dashes) plus one of the collection's own:

An identity (a handle, a name, an email, a role) is taken exactly as written:
surrounding whitespace is refused, not stripped. ``" production "`` is refused rather
than quietly read as ``production``, because the API would store the spaces and
make it a second object, and because a value that differs from what the play says
hides typos that a later task (or a later run) would then not find.

For the same reason a name (an identity, or a display name) holds no character that does
not show as itself: controls (a newline, a tab, an escape), format characters (a zero-width
space or joiner, a byte-order mark, a right-to-left override), line and paragraph separators,
and spaces other than the plain one (a no-break space). ``"ops\u200b"`` looks like ``ops``
in the UI, a log or a diff, yet is another team; a newline breaks every report that lists
names a line each. Free text (a description) may hold them.
"""

import re
import unicodedata
from urllib.parse import urlsplit

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import is_uuid
from ansible_collections.prefect.cloud.plugins.module_utils._engine.values import parse_duration

#: ``maxLength`` of every name, handle, description and link in the API document
MAX_TEXT = 5000
#: RFC 5321: the longest forward path, so the longest usable address
MAX_EMAIL = 254
#: the longest duration option taken (100 years): longer ones overflow date arithmetic
MAX_DURATION = 100 * 365 * 86400

HANDLE = re.compile(r"^[a-z0-9-]+$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DOMAIN_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", re.IGNORECASE)


class StrictStr(str):
    """The ``type`` of a string option that refuses lists, dicts and booleans.

    Ansible's ``str`` type turns any value into text, so ``handle: [a, b]`` would become
    the handle ``"['a', 'b']"`` and ``name: {x: 1}`` a bot named ``"{'x': 1}"``.
    argument_spec takes a callable ``type``; this one is also equal to ``"str"``, the
    type the option documents, since validate-modules compares the two (and the
    collection keeps no sanity ignore entries). Use the ``STRING`` instance.
    """

    def __new__(cls):
        instance = super().__new__(cls, "str")
        # How Ansible names the type in its message: "unable to convert to str: ...".
        instance.__name__ = "str"
        return instance

    def __call__(self, value, **context):
        # ``context`` (param, prefix) is what Ansible passes its own ``str`` checker.
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise TypeError("expected a string, got %s %r; quote the value if it is meant as text" % (_kind(value), value))


STRING = StrictStr()


def _kind(value):
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a dict"
    if isinstance(value, (list, tuple)):
        return "a list"
    return "a %s" % type(value).__name__


# Unicode categories of the characters no name may hold: controls, format characters, line and
# paragraph separators, lone surrogates; and of the spaces, every one but the plain space.
INVISIBLE_CATEGORIES = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs"))


def invisible_characters(value):
    """The characters of ``value`` that a name must not hold, in order, each once."""
    found = []
    for char in value:
        category = unicodedata.category(char)
        if (category in INVISIBLE_CATEGORIES or (category == "Zs" and char != " ")) and char not in found:
            found.append(char)
    return found


def describe_character(char):
    """``U+200B ZERO WIDTH SPACE``; controls have no name: ``U+000A``."""
    name = unicodedata.name(char, "")
    return "U+%04X%s" % (ord(char), " " + name if name else "")


def visible_name(value, option):
    """Refuse a name that holds a character that does not show as itself (see the module's docstring)."""
    hidden = invisible_characters(value)
    if hidden:
        raise ValueError(
            "%s must hold no invisible or control character, got %r (%s)"
            % (option, value, ", ".join(describe_character(char) for char in hidden))
        )
    return value


def text(value, option, max_length=MAX_TEXT):
    """Free text (a description, a display name): at most ``max_length`` characters."""
    if len(value) > max_length:
        raise ValueError("%s must be at most %d characters, got %d" % (option, max_length, len(value)))
    return value


def identity(value, option, max_length=MAX_TEXT):
    """A name that identifies an object: not empty, not blank, no surrounding whitespace."""
    if not value.strip():
        raise ValueError("%s must not be empty, got %r" % (option, value))
    if value != value.strip():
        raise ValueError("%s must not have whitespace around it, got %r (it is taken exactly as written)" % (option, value))
    visible_name(value, option)
    return text(value, option, max_length)


def clearable(check):
    """``check`` for an option where ``""`` means "none" (``inherited_role: ""`` removes it)."""

    def check_unless_empty(value, option):
        return value if value == "" else check(value, option)

    return check_unless_empty


def display_name(value, option):
    """A display name: free text, but not empty or blank."""
    if not value.strip():
        raise ValueError("%s must not be empty, got %r" % (option, value))
    visible_name(value, option)
    return text(value, option)


def handle(value, option):
    """An account or workspace handle: lowercase letters, numbers and dashes."""
    identity(value, option)
    if not HANDLE.match(value):
        raise ValueError("%s: a handle takes only lowercase letters, numbers and dashes, got %r" % (option, value))
    return value


def workspace_reference(value, option):
    """A workspace named by its handle or its id."""
    if is_uuid(value.strip()):
        return identity(value, option)
    return handle(value, option)


def email(value, option):
    """An email address (``format: email``)."""
    if not EMAIL.match(value.strip()):
        raise ValueError("%s: expected an email address such as dana@example.com, got %r" % (option, value))
    return identity(value, option, MAX_EMAIL)


def user_reference(value, option):
    """A user named by email or by id."""
    if is_uuid(value.strip()):
        return identity(value, option)
    if not EMAIL.match(value.strip()):
        raise ValueError("%s: expected an email address or a user id, got %r" % (option, value))
    return email(value, option)


def domain(value, option):
    """A DNS domain name such as ``acme.io`` (no scheme, no path, no wildcard)."""
    identity(value, option, 253)
    labels = value.rstrip(".").split(".")
    if len(labels) < 2 or not all(DOMAIN_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise ValueError("%s: expected a domain name such as acme.io, got %r" % (option, value))
    return value


def url(value, option):
    """An http(s) URL such as ``https://acme.io``; ``""`` (which clears a link) is let through."""
    if value == "":
        return value
    identity(value, option)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError("%s: expected an http(s) URL such as https://acme.io, got %r" % (option, value))
    return value


def duration(value, option, maximum=MAX_DURATION):
    """Seconds in a duration option (``7d``, ``36h``), at most ``maximum``."""
    seconds = parse_duration(value, option)
    if seconds > maximum:
        raise ValueError("%s: %r is too long; at most %d days" % (option, value, maximum // 86400))
    return seconds


def list_of(check):
    """The check of a list option whose every item ``check`` takes, naming the item (``domains[1]``)."""

    def check_items(values, option):
        return [check(value, "%s[%d]" % (option, index)) for index, value in enumerate(values)]

    return check_items


def check_options(params, checks):
    """Apply ``{option: check}`` to each option that is set (``list_of(check)`` for a list option)."""
    for option, check in checks.items():
        if params.get(option) is not None:
            check(params[option], option)
