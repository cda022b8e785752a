"""tools/check_fragments.py against throwaway git repositories."""

import os
import pathlib
import subprocess
import sys

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[1] / "check_fragments.py"
MODULE = '''DOCUMENTATION = r"""
module: thing
short_description: {doc}
"""

RETURN = r"""
thing: {{description: the thing}}
"""


def main():
    return {value}
'''


class Repo:
    def __init__(self, path):
        self.path = path
        path.mkdir(parents=True)
        self.git("init", "--quiet", "--initial-branch=main")

    def git(self, *args):
        env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
        return subprocess.run(["git", "-C", str(self.path), *args], check=True, env=env,
                              capture_output=True, text=True).stdout.strip()

    def commit(self, message, files=(), remove=()):
        for name, text in dict(files).items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            self.git("add", name)
        for name in remove:
            self.git("rm", "--quiet", name)
        self.git("commit", "--quiet", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def check(self, *args):
        return subprocess.run([sys.executable, str(SCRIPT), "--repo", str(self.path), *args],
                              capture_output=True, text=True)


@pytest.fixture
def repo(tmp_path):
    """A collection with one released module and the rule in place."""
    r = Repo(tmp_path / "repo")
    r.commit("a module", {"plugins/modules/thing.py": MODULE.format(doc="A thing", value=1)})
    r.commit("the rule", {"tools/check_fragments.py": "# the rule\n"})
    return r


def test_a_code_change_without_fragment_fails(repo):
    repo.commit("thing returns 2", {"plugins/modules/thing.py": MODULE.format(doc="A thing", value=2)})
    result = repo.check()
    assert result.returncode == 1
    assert "thing returns 2" in result.stderr
    assert "plugins/modules/thing.py" in result.stderr


def test_a_code_change_with_its_fragment_passes(repo):
    repo.commit("thing returns 2", {"plugins/modules/thing.py": MODULE.format(doc="A thing", value=2),
                                    "changelogs/fragments/thing.yml": "bugfixes:\n  - thing - returns 2.\n"})
    result = repo.check()
    assert result.returncode == 0, result.stderr
    assert "1 change(s) judged" in result.stdout


def test_a_fragment_in_a_later_commit_does_not_cover_an_earlier_change(repo):
    repo.commit("thing returns 2", {"plugins/modules/thing.py": MODULE.format(doc="A thing", value=2)})
    repo.commit("a fragment", {"changelogs/fragments/thing.yml": "bugfixes:\n  - thing - returns 2.\n"})
    assert repo.check().returncode == 1


def test_a_role_change_without_fragment_fails(repo):
    repo.commit("a role default", {"roles/site/defaults/main.yml": "site_x: 1\n"})
    assert repo.check().returncode == 1


def test_a_new_plugin_needs_no_fragment(repo):
    repo.commit("new module", {"plugins/modules/other.py": MODULE.format(doc="Other", value=1),
                               "plugins/lookup/other.py": "X = 1\n"})
    assert repo.check().returncode == 0


def test_a_new_module_utils_file_is_not_a_new_plugin(repo):
    repo.commit("shared code", {"plugins/module_utils/_shared.py": "X = 1\n"})
    assert repo.check().returncode == 1


def test_a_documentation_only_change_needs_no_fragment(repo):
    repo.commit("better docs", {"plugins/modules/thing.py": MODULE.format(doc="A better thing", value=1)})
    assert repo.check().returncode == 0


def test_a_doc_fragment_text_change_needs_no_fragment(repo):
    fragment = 'class ModuleDocFragment:\n    DOCUMENTATION = r"""\noptions: {}\n"""\n'
    repo.commit("doc fragment", {"plugins/doc_fragments/common.py": fragment,
                                 "changelogs/fragments/x.yml": "minor_changes:\n  - x.\n"})
    repo.commit("reworded", {"plugins/doc_fragments/common.py": fragment.replace("{}", "{api_url: {}}")})
    assert repo.check().returncode == 0
    repo.commit("code in it", {"plugins/doc_fragments/common.py": fragment + "\n    X = 1\n"})
    assert repo.check().returncode == 1


def test_removing_a_plugin_needs_a_fragment(repo):
    repo.commit("drop thing", remove=["plugins/modules/thing.py"])
    assert repo.check().returncode == 1


def test_a_no_changelog_trailer_passes(repo):
    repo.commit("refactor thing\n\nNo-changelog: a refactor, same behaviour",
                {"plugins/modules/thing.py": MODULE.format(doc="A thing", value=2)})
    assert repo.check().returncode == 0


def test_changes_before_the_rule_are_not_judged(tmp_path):
    r = Repo(tmp_path / "repo")
    r.commit("a module", {"plugins/modules/thing.py": MODULE.format(doc="A thing", value=1)})
    r.commit("old change", {"plugins/modules/thing.py": MODULE.format(doc="A thing", value=2)})
    assert r.check().returncode == 1  # without the rule in the history every commit is judged
    r.commit("the rule", {"tools/check_fragments.py": "# the rule\n"})
    result = r.check()
    assert result.returncode == 0, result.stderr
    assert "0 change(s) judged" in result.stdout


def test_changes_before_the_latest_release_tag_are_not_judged(repo):
    repo.commit("thing returns 2", {"plugins/modules/thing.py": MODULE.format(doc="A thing", value=2)})
    assert repo.check().returncode == 1
    repo.git("tag", "1.0.0")
    result = repo.check()
    assert result.returncode == 0, result.stderr
    assert "after release tag 1.0.0" in result.stdout
    repo.commit("thing returns 3", {"plugins/modules/thing.py": MODULE.format(doc="A thing", value=3)})
    assert repo.check().returncode == 1


def test_since_moves_the_base_forward_only(repo):
    changed = repo.commit("thing returns 2", {"plugins/modules/thing.py": MODULE.format(doc="A thing", value=2)})
    assert repo.check("--since", changed).returncode == 0
    first = repo.git("rev-list", "--max-parents=0", "HEAD")
    assert repo.check("--since", first).returncode == 1  # older than the rule: the rule's base wins


def test_a_merge_is_one_change(repo):
    repo.git("checkout", "--quiet", "-b", "feature")
    repo.commit("thing returns 2", {"plugins/modules/thing.py": MODULE.format(doc="A thing", value=2)})
    repo.commit("its fragment", {"changelogs/fragments/thing.yml": "bugfixes:\n  - thing - returns 2.\n"})
    repo.git("checkout", "--quiet", "main")
    repo.git("merge", "--quiet", "--no-ff", "-m", "Merge feature", "feature")
    result = repo.check()
    assert result.returncode == 0, result.stderr
    assert "1 change(s) judged" in result.stdout


def test_a_merge_without_fragment_fails(repo):
    repo.git("checkout", "--quiet", "-b", "feature")
    repo.commit("thing returns 2", {"plugins/modules/thing.py": MODULE.format(doc="A thing", value=2)})
    repo.git("checkout", "--quiet", "main")
    repo.git("merge", "--quiet", "--no-ff", "-m", "Merge feature", "feature")
    result = repo.check()
    assert result.returncode == 1
    assert "Merge feature" in result.stderr


def test_a_shallow_clone_is_refused(repo, tmp_path):
    repo.commit("more", {"README.md": "x\n"})
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", "file://%s" % repo.path, str(clone)],
                   check=True, capture_output=True)
    result = subprocess.run([sys.executable, str(SCRIPT), "--repo", str(clone)], capture_output=True, text=True)
    assert result.returncode == 2
    assert "shallow" in result.stderr
