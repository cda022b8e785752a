"""The key_files lookup: a safe, distinct file per bot inside the key folder, checked before any key is minted."""

import os

import pytest
import yaml
from ansible import constants as C
from ansible.errors import AnsibleLookupError

from ansible_collections.prefect.cloud.plugins.lookup import key_files as plugin
from ansible_collections.prefect.cloud.plugins.lookup.key_files import key_file_name

# Names an account Admin can give a bot, and that a naive "<dir>/<name>.key" turns into trouble.
HOSTILE_NAMES = [
    "deployer-prod", "team/ci", "../../escaped", "..", ".", ".hidden", "a\\b", "a\nb", "a\x00b", "tab\there",
    "C:\\windows", "%2F", "/", "a/", "~", "~user", "{{ 7 * 7 }}", "caf\u00e9", "\u200bzero", "x" * 300, "x" * 301,
    "%" * 120, "a b", "A", "a.key", "a%2Ekey",
]


@pytest.fixture
def lookup():
    instance = plugin.LookupModule()
    instance._load_name = "prefect.cloud.key_files"
    options = yaml.safe_load(plugin.DOCUMENTATION)["options"]
    C.config.initialize_plugin_configuration_definitions("lookup", instance._load_name, options)
    return instance


def run(lookup, **options):
    return lookup.run([], variables={}, **options)[0]


@pytest.mark.parametrize("name, expected", [
    ("deployer-prod", "deployer-prod.key"),
    ("team/ci", "team%2Fci.key"),
    ("../x", "%2E.%2Fx.key"),
    (".", "%2E.key"),
    ("a\nb", "a%0Ab.key"),
    ("caf\u00e9", "caf%C3%A9.key"),
    ("100%", "100%25.key"),
    ("v1.2", "v1.2.key"),
])
def test_the_naming_rule(name, expected):
    assert key_file_name(name) == expected


def test_every_name_gives_a_plain_file_inside_the_folder():
    for name in HOSTILE_NAMES:
        file_name = key_file_name(name)
        assert os.sep not in file_name and "\\" not in file_name, name
        assert not file_name.startswith("."), name
        assert file_name.isascii() and file_name.isprintable(), name
        assert len(file_name) <= plugin.MAX_STEM + len(plugin.SUFFIX), name
        assert os.path.dirname(os.path.normpath(os.path.join("/keys", file_name))) == "/keys", name


def test_distinct_names_give_distinct_files_even_ignoring_case():
    names = HOSTILE_NAMES + ["x" * 299 + "y", "x" * 299 + "z"]
    file_names = [key_file_name(name) for name in names]
    assert len(set(file_names)) == len(names)
    # None of these differ in case alone, so none share a file on a case-insensitive file system either.
    assert len({file_name.lower() for file_name in file_names}) == len(names)


def test_a_long_name_is_cut_and_ends_in_its_digest():
    file_name = key_file_name("%" * 120)
    assert file_name.endswith(".key") and "~" in file_name
    stem = file_name[: -len(".key")]
    assert len(stem) <= plugin.MAX_STEM
    # The cut never splits an escape: what is before "~" is whole %25 escapes.
    assert set(stem.split("~")[0].split("%25")) == {""}


def test_an_empty_name_is_refused():
    with pytest.raises(ValueError):
        key_file_name("")


def test_each_bot_gets_its_file_and_nothing_is_made(lookup, tmp_path):
    folder = tmp_path / "secure" / "keys"
    found = run(lookup, bots=["deployer-prod", "team/ci"], directory=str(folder))
    assert found == {
        "directory": str(folder),
        "exists": False,
        "private": False,
        "files": {"deployer-prod": str(folder / "deployer-prod.key"), "team/ci": str(folder / "team%2Fci.key")},
        "missing": ["deployer-prod", "team/ci"],
    }
    assert list(tmp_path.iterdir()) == []
    folder.mkdir(parents=True, mode=0o700)
    (folder / "deployer-prod.key").write_text("pnb_x\n")
    found = run(lookup, bots=["deployer-prod", "team/ci"], directory=str(folder))
    assert found["exists"] and found["private"] and found["missing"] == ["team/ci"]


def test_a_folder_others_may_enter_is_not_private(lookup, tmp_path):
    folder = tmp_path / "keys"
    folder.mkdir()
    folder.chmod(0o750)
    found = run(lookup, bots=["a"], directory=str(folder))
    assert found["exists"] and not found["private"]


def test_the_home_folder_is_expanded(lookup, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    found = run(lookup, bots=["a"], directory="~/keys")
    assert found["files"]["a"] == str(tmp_path / "keys" / "a.key")


def test_a_folder_under_a_regular_file_is_refused(lookup, tmp_path):
    (tmp_path / "plain").write_text("")
    with pytest.raises(AnsibleLookupError, match="would be made under .*plain, which is not a folder"):
        run(lookup, bots=["a"], directory=str(tmp_path / "plain" / "keys"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain"]


def test_a_regular_file_as_the_folder_is_refused(lookup, tmp_path):
    (tmp_path / "plain").write_text("")
    with pytest.raises(AnsibleLookupError, match="plain is not a folder"):
        run(lookup, bots=["a"], directory=str(tmp_path / "plain"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
@pytest.mark.parametrize("inside", ["", "keys"])
def test_a_folder_one_may_not_write_to_is_refused(lookup, tmp_path, inside):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        with pytest.raises(AnsibleLookupError, match="not writable"):
            run(lookup, bots=["a"], directory=str(locked / inside))
    finally:
        locked.chmod(0o700)


def test_bots_that_would_share_a_file_are_refused(lookup, tmp_path):
    with pytest.raises(AnsibleLookupError, match="'CI' and 'ci' would share the key file"):
        run(lookup, bots=["CI", "ci"], directory=str(tmp_path))


def test_a_key_file_that_is_a_link_or_a_folder_is_refused(lookup, tmp_path):
    outside = tmp_path / "outside.key"
    (tmp_path / "keys").mkdir()
    os.symlink(str(outside), str(tmp_path / "keys" / "linked.key"))
    with pytest.raises(AnsibleLookupError, match="is a link"):
        run(lookup, bots=["linked"], directory=str(tmp_path / "keys"))
    (tmp_path / "keys" / "folder.key").mkdir()
    with pytest.raises(AnsibleLookupError, match="not a regular file"):
        run(lookup, bots=["folder"], directory=str(tmp_path / "keys"))
    assert not outside.exists()


@pytest.mark.parametrize("options", [{"bots": ["a"], "directory": " "}, {"bots": [""], "directory": "/tmp"}])
def test_bad_options_are_refused(lookup, options):
    with pytest.raises(AnsibleLookupError, match="key_files"):
        run(lookup, **options)


def test_terms_are_refused(lookup, tmp_path):
    with pytest.raises(AnsibleLookupError, match="bots="):
        lookup.run(["a"], variables={}, directory=str(tmp_path))
