"""The to_verbatim_yaml filter: text written with it is read back by Ansible exactly, never templated.

Each test loads the YAML the way ``-e @FILE`` does (DataLoader.load_from_file, trusted as a
template source on cores that tell trusted sources apart) and templates the result with the
core's own Templar, on whichever core runs the tests (``make units-newest`` and
``make units-oldest`` run both).
"""

import inspect

import pytest
import yaml
from ansible.errors import AnsibleFilterError
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.prefect.cloud.plugins.filter.to_verbatim_yaml import FilterModule, to_verbatim_yaml

# Templating this gives "49": the tests see at once whether a string was templated. (A command
# planted in a string is the integration target hostile_account's business: plugins are not
# loaded in unit tests.)
PLANTED = "{{ 7 * 7 }}"

# Strings an account may hold, chosen to break a naive writer or a naive reader.
AWKWARD = [
    "{{ 7 * 7 }}",
    "{% if true %}yes{% endif %}",
    "{# a comment #}",
    "#jinja2:variable_start_string:'[[', variable_end_string:']]'\n[[ 7 * 7 ]]",
    "",
    " ",
    "true",
    "True",
    "yes",
    "null",
    "~",
    "0x1A",
    "07",
    "1_000",
    "1e3",
    ".inf",
    "2026-01-01",
    "2026-01-01 10:00:00",
    "<<",
    "=",
    "[1, 2]",
    "{'a': 1}",
    "- not a list",
    "key: value",
    "'quoted'",
    '"double"',
    "line one\nline two\n",
    "trailing space ",
    "tab\tand\rcarriage",
    "\u00e9t\u00e9 \u2603 \u200b zero-width",
    "\x07 bell",
    "a" * 300,
    "!unsafe 'nested tag'",
    "&anchor *alias",
    "%YAML 1.1",
    "--- document",
    "...",
]


def load_like_extra_vars(path):
    """What ``ansible-playbook -e @path`` reads from ``path``."""
    loader = DataLoader()
    if "trusted_as_template" in inspect.signature(loader.load_from_file).parameters:
        return loader.load_from_file(str(path), trusted_as_template=True)
    return loader.load_from_file(str(path))


def template_everything(data):
    """Every value of ``data`` templated by the core, as the role's tasks would use it."""
    templar = Templar(loader=DataLoader(), variables=dict(data))
    return {name: templar.template(value) for name, value in data.items()}


def as_plain(value):
    if isinstance(value, dict):
        return {str(k): as_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


PLANTED_DATA = {
    "prefect_environments_teams": [
        {"name": PLANTED, "description": text, "users": [], "roles": {"dev": text}} for text in AWKWARD
    ],
    "plain": {"enabled": True, "count": 3, "ratio": 0.5, "nothing": None, "empty": []},
    "keys": {text: index for index, text in enumerate(AWKWARD) if text},
}


def test_every_string_reads_back_exactly_and_none_is_templated(tmp_path):
    path = tmp_path / "declaration.yml"
    path.write_text(to_verbatim_yaml(PLANTED_DATA), encoding="utf-8")
    loaded = load_like_extra_vars(path)
    assert as_plain(loaded) == PLANTED_DATA
    assert as_plain(template_everything(loaded)) == PLANTED_DATA


def test_values_as_ansible_hands_them_to_a_filter_are_written_alike():
    # Registered results and !unsafe variables reach the filter wrapped (AnsibleUnsafeText on 2.16).
    assert to_verbatim_yaml(wrap_var(PLANTED_DATA)) == to_verbatim_yaml(PLANTED_DATA)


def test_the_test_catches_plain_yaml(tmp_path):
    # The same data written the naive way is templated when read: the test above would see it.
    path = tmp_path / "naive.yml"
    path.write_text(yaml.safe_dump(PLANTED_DATA, sort_keys=False), encoding="utf-8")
    templated = as_plain(template_everything(load_like_extra_vars(path)))
    assert str(templated["prefect_environments_teams"][0]["name"]) == "49"


def test_text_that_yaml_reads_as_something_else_is_quoted_not_tagged():
    text = to_verbatim_yaml({"a": "", "b": "true", "c": "2026-01-01", "d": "~", "e": "x"})
    assert text == "a: ''\nb: 'true'\nc: '2026-01-01'\nd: '~'\ne: !unsafe 'x'\n"


def test_plain_word_keys_stay_bare_and_other_keys_are_tagged():
    text = to_verbatim_yaml({"prefect_environments_teams": {"dev-1": 1, "true": 2, "{{ k }}": 3, "a b": 4}})
    assert text.splitlines() == [
        "prefect_environments_teams:",
        "  dev-1: 1",
        "  'true': 2",
        "  !unsafe '{{ k }}': 3",
        "  !unsafe 'a b': 4",
    ]


def test_order_is_kept_and_no_alias_is_written():
    shared = {"x": "y"}
    text = to_verbatim_yaml({"b": shared, "a": shared})
    assert text.index("b:") < text.index("a:")
    assert "&" not in text and "*" not in text


@pytest.mark.parametrize("bad", [{1: "x"}, {"a": object()}, {"a": b"bytes"}])
def test_what_is_not_yaml_data_is_refused(bad):
    with pytest.raises(AnsibleFilterError, match="to_verbatim_yaml"):
        to_verbatim_yaml(bad)


def test_indent_is_checked():
    assert to_verbatim_yaml({"a": {"b": 1}}, indent=4) == "a:\n    b: 1\n"
    with pytest.raises(AnsibleFilterError, match="indent"):
        to_verbatim_yaml({}, indent=0)


def test_the_filter_is_registered():
    assert FilterModule().filters() == {"to_verbatim_yaml": to_verbatim_yaml}
