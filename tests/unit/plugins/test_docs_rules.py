"""Documentation rules: every return value has a sample, and the docs site is complete.

The RETURN blocks are what ``ansible-doc`` and the docs site show users, so each leaf key
(a key without ``contains``) carries a ``sample`` that has the documented type and looks like
what the API really returns: canonical UUIDs, ISO 8601 UTC timestamps, masked keys only.
"""

import ast
import datetime
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
PLUGINS = sorted(
    p
    for folder in ("modules", "lookup")
    for p in (ROOT / "plugins" / folder).glob("*.py")
    if p.name != "__init__.py"
)
DOCSITE = ROOT / "docs" / "docsite"

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# ISO 8601 in UTC as the API writes it, with or without fractions of a second.
UTC_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
TIMESTAMP_KEYS = {"created", "updated", "expiration", "last_login"}
# Ids that Prefect Cloud does not mint itself (they come from the directory provider).
FOREIGN_ID_KEYS = {"workos_directory_group_id"}
# A Prefect API key with enough of its body to be usable: never in a sample.
REAL_LOOKING_KEY = re.compile(r"pn[ub]_[A-Za-z0-9]{8,}")
PYTHON_TYPES = {"str": str, "int": int, "float": (int, float), "bool": bool, "list": list, "dict": dict}


def returned_values(path):
    """The parsed RETURN block of a plugin file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and getattr(node.targets[0], "id", None) == "RETURN":
            return yaml.safe_load(node.value.value)
    raise AssertionError("%s has no RETURN block" % path.name)


def leaves(values, prefix=""):
    """(dotted name, spec) of every key that has no ``contains``: those need a sample."""
    for name, spec in values.items():
        if "contains" in spec:
            yield from leaves(spec["contains"], prefix + name + ".")
        else:
            yield prefix + name, spec


def every_leaf():
    return [
        pytest.param(name, spec, id="%s:%s" % (path.stem, name))
        for path in PLUGINS
        for name, spec in leaves(returned_values(path))
    ]


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def test_the_walk_sees_leaves_inside_contains_and_dicts_without_contains():
    values = yaml.safe_load(
        """
        team:
          type: dict
          contains:
            id: {type: str}
            workspaces: {type: list, elements: dict, contains: {workspace_id: {type: str}}}
        diff: {type: dict}
        """
    )
    assert [name for name, _spec in leaves(values)] == ["team.id", "team.workspaces.workspace_id", "diff"]


def test_plugins_are_found():
    assert {"team", "bot", "workspace_api_url"} <= {p.stem for p in PLUGINS}


@pytest.mark.parametrize("name, spec", every_leaf())
def test_every_leaf_return_value_has_a_sample(name, spec):
    assert "sample" in spec, "%s: document a sample" % name


@pytest.mark.parametrize("name, spec", every_leaf())
def test_samples_have_the_documented_type(name, spec):
    sample = spec.get("sample")
    if sample is None:  # a value documented as nullable may show null
        return
    expected = PYTHON_TYPES[spec["type"]]
    assert isinstance(sample, expected), "%s: sample %r is not a %s" % (name, sample, spec["type"])
    if spec["type"] in ("int", "float"):
        assert not isinstance(sample, bool), "%s: a bool is not a number" % name
    if spec["type"] == "list" and "elements" in spec:
        element_type = PYTHON_TYPES[spec["elements"]]
        assert all(isinstance(item, element_type) for item in sample), "%s: elements are %s" % (name, spec["elements"])


@pytest.mark.parametrize("name, spec", every_leaf())
def test_samples_look_like_the_api(name, spec):
    sample = spec.get("sample")
    key = name.rsplit(".", 1)[-1]
    if isinstance(sample, str) and (key == "id" or key.endswith("_id")) and key not in FOREIGN_ID_KEYS:
        assert UUID.match(sample), "%s: ids are canonical lower-case UUIDs, got %r" % (name, sample)
    if isinstance(sample, str) and key in TIMESTAMP_KEYS:
        assert UTC_TIMESTAMP.match(sample), "%s: timestamps are ISO 8601 UTC (...Z), got %r" % (name, sample)
        datetime.datetime.fromisoformat(sample.replace("Z", "+00:00"))
    for text in strings_in(sample):
        assert not REAL_LOOKING_KEY.search(text), "%s: a sample must not look like a usable API key" % name


def test_a_usable_looking_key_is_caught_and_a_masked_one_is_not():
    assert REAL_LOOKING_KEY.search("pnb_0123456789abcdefghijklmnopqrstuvwxyz")
    assert not REAL_LOOKING_KEY.search("pnb_...a1b2")
    assert not REAL_LOOKING_KEY.search("pnu_********************************")


# --- the docs site (docs/docsite): what antsibull-docs renders next to the plugin pages ----------


def extra_docs():
    return yaml.safe_load((DOCSITE / "extra-docs.yml").read_text(encoding="utf-8"))


def test_every_guide_is_listed_once_and_every_listed_guide_exists():
    listed = [entry if isinstance(entry, str) else entry["ref"] for section in extra_docs()["sections"] for entry in section["toctree"]]
    assert len(listed) == len(set(listed)), "a guide is listed twice"
    on_disk = {p.stem for p in (DOCSITE / "rst").glob("*.rst")}
    assert set(listed) == on_disk, "extra-docs.yml and docs/docsite/rst/ disagree"


def test_guides_carry_the_labels_the_toctree_uses():
    """antsibull-docs finds a guide by its file name and expects the label ``<namespace>.<name>.<file>``."""
    for path in (DOCSITE / "rst").glob("*.rst"):
        first = path.read_text(encoding="utf-8").lstrip().splitlines()[0]
        assert first == ".. _ansible_collections.prefect.cloud.docsite.%s:" % path.stem, path.name


def test_links_point_to_the_project():
    links = yaml.safe_load((DOCSITE / "links.yml").read_text(encoding="utf-8"))
    repository = "https://github.com/%s/" % links["edit_on_github"]["repository"]
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))
    assert galaxy["repository"].rstrip("/") + "/" == repository, "links.yml and galaxy.yml name the same repository"
    urls = [link["url"] for link in links["extra_links"]]
    urls += [forum["url"] for forum in links.get("communication", {}).get("forums", [])]
    assert urls and all(url.startswith("https://") for url in urls)


# --- version_added: nothing is newer than the collection's own version ------------------------------


def version_tuple(text):
    """``0.1.0`` as ``(0, 1, 0)`` (release versions only: the collection has no pre-releases)."""
    return tuple(int(part) for part in str(text).split("."))


def documented_blocks():
    """(where, parsed block) of every plugin's DOCUMENTATION and RETURN, the doc fragments' and the role's argument specs."""
    sources = list(PLUGINS) + sorted((ROOT / "plugins" / "doc_fragments").glob("*.py"))
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and getattr(node.targets[0], "id", None) in (
                "DOCUMENTATION",
                "RETURN",
            ):
                yield "%s %s" % (path.relative_to(ROOT), node.targets[0].id), yaml.safe_load(node.value.value)
    for path in sorted(ROOT.glob("roles/*/meta/argument_specs.yml")):
        yield str(path.relative_to(ROOT)), yaml.safe_load(path.read_text(encoding="utf-8"))


def versions_added(value, where):
    """(dotted place, version) of every ``version_added`` in a parsed documentation block."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "version_added":
                yield where, item
            else:
                yield from versions_added(item, "%s.%s" % (where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from versions_added(item, "%s[%d]" % (where, index))


def test_the_walk_finds_versions_in_options_suboptions_and_return_values():
    block = yaml.safe_load(
        """
        version_added: 0.1.0
        options:
          bots: {version_added: 0.2.0, suboptions: {name: {version_added: 0.3.0}}}
        """
    )
    assert list(versions_added(block, "bot")) == [
        ("bot", "0.1.0"), ("bot.options.bots", "0.2.0"), ("bot.options.bots.suboptions.name", "0.3.0"),
    ]


def test_nothing_is_documented_as_added_after_the_collections_version():
    """A ``version_added`` newer than galaxy.yml's version names a release that does not exist yet.

    Everything not yet released was added in the coming release, the version galaxy.yml holds.
    """
    current = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))["version"]
    found = [(where, version) for name, block in documented_blocks() for where, version in versions_added(block, name)]
    assert len(found) > len(PLUGINS), "the walk found too few version_added to be right"
    newer = ["%s: %s" % (where, version) for where, version in found if version_tuple(version) > version_tuple(current)]
    assert newer == [], "version_added newer than galaxy.yml's %s:\n%s" % (current, "\n".join(newer))


# -- the bulk forms: one result contract -------------------------------------------------------------

BULK_FORM = re.compile(r'BulkForm\((\w+), "(\w+)"')


def bulk_forms():
    """``(module name, list option, identity option)`` of every module with a list form built on ``BulkForm``."""
    import importlib

    forms = []
    for path in PLUGINS:
        match = BULK_FORM.search(path.read_text(encoding="utf-8"))
        if match and path.parent.name == "modules":
            module = importlib.import_module("ansible_collections.prefect.cloud.plugins.modules." + path.stem)
            forms.append((path.stem, match.group(2), getattr(module, match.group(1)).identity))
    return forms


def test_the_list_forms_are_found():
    assert {(name, option) for name, option, _identity in bulk_forms()} >= {
        ("workspace", "workspaces"), ("team", "teams"), ("bot", "bots"), ("invitation", "invitations"), ("account_member", "members")}


@pytest.mark.parametrize("name, option, identity", bulk_forms())
def test_every_list_form_documents_the_same_results(name, option, identity):
    """What ``BulkForm.result`` returns per entry: the entry's natural key, changed, action and msg.

    An entry may say more (what its plan found: the access changes of an object, say); these four it always has.
    """
    results = returned_values(ROOT / "plugins" / "modules" / (name + ".py")).get("results")
    assert results, "%s has a list form (%s) but documents no results" % (name, option)
    assert "O(%s)" % option in results["returned"] and (results["type"], results["elements"]) == ("list", "dict")
    contains = results["contains"]
    assert {identity, "changed", "action", "msg"} <= set(contains)
    assert [contains[key]["type"] for key in (identity, "changed", "action", "msg")] == ["str", "bool", "str", "str"]
    action = contains["action"]["description"]
    assert "null" in action and re.search(r"V\((create|update|delete)\)", action), action
