# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""The active Prefect profile: the settings ``prefect cloud login`` wrote.

Prefect keeps its profiles in ``profiles.toml`` under ``PREFECT_HOME`` (``~/.prefect``):

    active = "acme"

    [profiles.acme]
    PREFECT_API_KEY = "pnu_..."
    PREFECT_API_URL = "https://api.prefect.cloud/api/accounts/<account>/workspaces/<workspace>"

The file and the profile are found as Prefect finds them: the file is ``PREFECT_PROFILES_PATH``
(``$PREFECT_HOME`` in it stands for the home), else ``$PREFECT_HOME/profiles.toml``, else
``~/.prefect/profiles.toml``; the profile is ``PREFECT_PROFILE``, else the file's ``active``.
(Prefect also reads ``PREFECT_PROFILES_PATH`` from a ``.env``, ``prefect.toml`` or
``pyproject.toml`` in the current folder; a module's current folder is not the play's, so those
are not read.)

TOML is read with ``tomllib`` on Python 3.11 and later. Python 3.9 and 3.10 have no TOML reader
in the standard library and the modules need nothing but ``requests``, so there a small reader
takes the part of TOML that profiles use - tables, ``key = value`` with strings, numbers and
booleans, comments - and refuses anything else naming the line.
"""

import os
import re

try:
    import tomllib
except ImportError:  # Python before 3.11: read_toml_subset below
    tomllib = None


DEFAULT_HOME = os.path.join("~", ".prefect")


class ProfileError(ValueError):
    """A profiles file or profile that was asked for and cannot be used; the message names it."""


class Profile:
    """One profile's settings (upper-case names, values as Prefect wrote them) and where they came from."""

    def __init__(self, name, path, settings):
        self.name = name
        self.path = path
        self.settings = {str(key).upper(): value for key, value in settings.items()}

    def get(self, name):
        """A setting as text, or ``None`` when unset or empty (Prefect writes every value as a string)."""
        value = self.settings.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            value = "true" if value else "false"
        value = str(value).strip()
        return value or None

    def describe(self, setting):
        return "%s of the Prefect profile %r (%s)" % (setting, self.name, self.path)


def prefect_home(environ):
    return os.path.expanduser(environ.get("PREFECT_HOME") or DEFAULT_HOME)


def profiles_path(profile_file, environ):
    """The profiles file: the option or ``PREFECT_PROFILES_PATH`` (given as ``profile_file``), else under the home."""
    home = prefect_home(environ)
    if profile_file:
        return os.path.expanduser(profile_file.replace("$PREFECT_HOME", home))
    return os.path.join(home, "profiles.toml")


def load_profile(profile_file=None, profile_file_origin=None, profile=None, profile_origin=None, environ=None):
    """The active profile, or ``None`` when there is none to read.

    ``profile_file`` and ``profile`` are the options (already holding their environment variables,
    ``PREFECT_PROFILES_PATH`` and ``PREFECT_PROFILE``, when the task did not set them); their
    origins say where they came from. A file or profile that the task named itself
    (``*_origin`` not an environment variable) must exist; one that only the environment or the
    default names is read when it is there, as Prefect does.
    """
    environ = os.environ if environ is None else environ
    path = profiles_path(profile_file, environ)
    named_file = bool(profile_file) and not _from_environment(profile_file_origin)
    named_profile = bool(profile) and not _from_environment(profile_origin)
    if not os.path.isfile(path):
        if named_file:
            raise ProfileError("profile_file %r (%s) is not a file" % (path, profile_file_origin))
        if named_profile:
            raise ProfileError("profile %r (%s): there is no profiles file %s" % (profile, profile_origin, path))
        return None
    try:
        with open(path, "rb") as handle:
            document = read_toml(handle.read().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ProfileError("the Prefect profiles file %s cannot be read: %s" % (path, exc)) from None
    profiles = document.get("profiles")
    profiles = profiles if isinstance(profiles, dict) else {}
    name = profile or document.get("active")
    if not isinstance(name, str) or not name:
        return None
    if not isinstance(profiles.get(name), dict):
        if named_profile:
            known = ", ".join(sorted(profiles)) or "none"
            raise ProfileError("profile %r (%s) is not in %s (profiles there: %s)" % (name, profile_origin, path, known))
        # Prefect falls back to its default profile, which holds no connection settings.
        return Profile(name, path, {})
    return Profile(name, path, profiles[name])


def _from_environment(origin):
    return bool(origin) and origin.startswith("the environment variable")


def read_toml(text):
    """A TOML document as a dict: ``tomllib`` where there is one, else the profiles subset."""
    if tomllib is not None:
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError("not valid TOML (%s)" % exc) from None
    return read_toml_subset(text)


# -- the subset of TOML that Prefect's profiles use, for Python 3.9 and 3.10 ------------------------

_BARE_KEY = r"[A-Za-z0-9_-]+"
_BASIC_STRING = r'"(?:[^"\\\x00-\x1f]|\\.)*"'
_LITERAL_STRING = r"'[^'\x00-\x1f]*'"
_KEY = r"(?:%s|%s|%s)" % (_BARE_KEY, _BASIC_STRING, _LITERAL_STRING)
_DOTTED_KEY = r"%s(?:\s*\.\s*%s)*" % (_KEY, _KEY)
_TABLE_LINE = re.compile(r"^\[\s*(%s)\s*\]$" % _DOTTED_KEY)
_PAIR_LINE = re.compile(r"^(%s)\s*=\s*(.*)$" % _DOTTED_KEY)
_KEY_PART = re.compile(_KEY)
_INTEGER = re.compile(r"^[+-]?(?:0|[1-9](?:_?[0-9])*)$")
_FLOAT = re.compile(r"^[+-]?(?:0|[1-9](?:_?[0-9])*)(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?$")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def read_toml_subset(text):
    """Parse the TOML that profiles hold: ``[table]`` headers and ``key = value`` lines.

    Values are basic or literal strings on one line, integers, floats and booleans. Anything else
    (arrays, inline tables, multi-line strings, dates) raises ``ValueError`` naming the line: the
    full TOML reader comes with Python 3.11.
    """
    document = {}
    table = document
    defined = set()
    for number, raw in enumerate(text.splitlines(), 1):
        line = _without_comment(raw, number).strip()
        if not line:
            continue
        header = _TABLE_LINE.match(line)
        if header:
            path = tuple(_key_parts(header.group(1)))
            if path in defined:
                raise ValueError("line %d: table [%s] is defined twice" % (number, ".".join(path)))
            defined.add(path)
            table = _table_at(document, path, number)
            continue
        pair = _PAIR_LINE.match(line)
        if not pair:
            raise ValueError(
                "line %d: %s; Python %s reads only the part of TOML that Prefect's profiles use"
                " (tables and key = string, number or boolean), Python 3.11 and later read all of it"
                % (number, "an array of tables is not supported" if line.startswith("[[") else "not a table or a key = value line",
                   _python_version())
            )
        parts = list(_key_parts(pair.group(1)))
        target = _table_at(table, tuple(parts[:-1]), number) if len(parts) > 1 else table
        if parts[-1] in target:
            raise ValueError("line %d: %s is set twice" % (number, parts[-1]))
        target[parts[-1]] = _value(pair.group(2).strip(), number)
    return document


def _python_version():
    import sys

    return "%d.%d" % sys.version_info[:2]


def _without_comment(line, number):
    """``line`` up to a ``#`` that is not inside a string."""
    quote = None
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 2
                continue
            if char == quote:
                quote = None
        elif char in "\"'":
            if line[index:index + 3] in ('"""', "'''"):
                raise ValueError("line %d: multi-line strings are not supported by the reader of Python %s" % (number, _python_version()))
            quote = char
        elif char == "#":
            return line[:index]
        index += 1
    return line


def _key_parts(dotted):
    for match in _KEY_PART.finditer(dotted):
        part = match.group(0)
        yield _string(part, 0) if part[0] in "\"'" else part


def _table_at(document, path, number):
    table = document
    for part in path:
        table = table.setdefault(part, {})
        if not isinstance(table, dict):
            raise ValueError("line %d: %s is a value, not a table" % (number, part))
    return table


def _value(text, number):
    if not text:
        raise ValueError("line %d: a key without a value" % number)
    if text[0] in "\"'":
        pattern = _BASIC_STRING if text[0] == '"' else _LITERAL_STRING
        if not re.match("^%s$" % pattern, text):
            raise ValueError("line %d: a string must open and close on its line" % number)
        return _string(text, number)
    if text in ("true", "false"):
        return text == "true"
    if _INTEGER.match(text):
        return int(text.replace("_", ""))
    if _FLOAT.match(text):
        return float(text.replace("_", ""))
    raise ValueError(
        "line %d: the value %s is not a string, number or boolean, the only values the TOML reader of Python %s takes"
        " (Python 3.11 and later read all of TOML)" % (number, text[:40], _python_version())
    )


def _string(text, number):
    body = text[1:-1]
    if text[0] == "'":
        return body
    out = []
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            out.append(char)
            index += 1
            continue
        code = body[index + 1:index + 2]
        if code in _ESCAPES:
            out.append(_ESCAPES[code])
            index += 2
        elif code in ("u", "U"):
            width = 4 if code == "u" else 8
            digits = body[index + 2:index + 2 + width]
            if not re.match(r"^[0-9A-Fa-f]{%d}$" % width, digits):
                raise ValueError("line %d: a bad \\%s escape" % (number, code))
            out.append(chr(int(digits, 16)))
            index += 2 + width
        else:
            raise ValueError("line %d: an unknown escape \\%s" % (number, code))
    return "".join(out)
