"""Fail when a change to plugins/ or roles/ comes without a changelog fragment.

Usage: check_fragments.py [--repo DIR] [--since REV]

"A change" is each commit on the first-parent line of HEAD (a merge commit counts as one change:
its whole branch), after the newest of:
  - the latest release tag reachable from HEAD (a version, ``1.2.0`` or ``v1.2.0``);
  - the commit that introduced this check (changes made before the rule existed are not judged);
  - ``--since REV``, when given.
A change that edits plugins/ or roles/ passes when it adds or edits a file in
changelogs/fragments/, or when its message (for a merge: any message of the merged branch)
carries a ``No-changelog: <reason>`` trailer for a change that users cannot see (a refactor, a
test-only fix). Not counted as edits: new plugins (antsibull-changelog lists them from
version_added), changes confined to the DOCUMENTATION / EXAMPLES / RETURN strings of a Python
file, and Markdown files.

Needs the history back to that base: in a shallow clone it stops with an error rather than pass.
"""

import argparse
import ast
import os
import re
import subprocess
import sys

RULE_FILE = "tools/check_fragments.py"
WATCHED = ("plugins/", "roles/")
FRAGMENTS = "changelogs/fragments/"
# Plugin kinds that are not plugins of their own: a new file there changes existing content.
NOT_PLUGINS = ("plugins/module_utils/", "plugins/doc_fragments/", "plugins/plugin_utils/")
DOC_STRINGS = {"DOCUMENTATION", "EXAMPLES", "RETURN"}
RELEASE_TAG = re.compile(r"^v?\d+\.\d+\.\d+$")
TRAILER = re.compile(r"^No-changelog:\s*\S", re.MULTILINE | re.IGNORECASE)


class CheckError(Exception):
    """The check cannot judge this repository (shallow history, unknown revision)."""


def git(repo, *args, check=True):
    result = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise CheckError("git %s: %s" % (" ".join(args), result.stderr.strip()))
    return result


def is_ancestor(repo, older, newer):
    return git(repo, "merge-base", "--is-ancestor", older, newer, check=False).returncode == 0


def find_base(repo, since=None):
    """The newest of the release tag, the rule's introduction and --since: (commit, why)."""
    candidates = []
    tags = [t for t in git(repo, "tag", "--merged", "HEAD").stdout.split() if RELEASE_TAG.match(t)]
    if tags:
        tag = git(repo, "describe", "--tags", "--abbrev=0", "--match", "*.*.*", "HEAD", check=False).stdout.strip()
        tag = tag if tag in tags else tags[-1]
        candidates.append((git(repo, "rev-parse", tag + "^{commit}").stdout.strip(), "after release tag %s" % tag))
    introduced = git(repo, "log", "--first-parent", "--diff-filter=A", "--format=%H", "HEAD", "--", RULE_FILE).stdout.split()
    if introduced:
        # The rule applies to the changes after the one that brought it.
        candidates.append((introduced[-1], "after the commit that introduced %s" % RULE_FILE))
    if since:
        candidates.append((git(repo, "rev-parse", "--verify", since + "^{commit}").stdout.strip(), "after --since %s" % since))
    if not candidates:
        return None, "from the first commit on (no release tag, no %s in the history)" % RULE_FILE
    base, why = candidates[0]
    for commit, reason in candidates[1:]:
        if is_ancestor(repo, base, commit):
            base, why = commit, reason
    return base, why


def file_at(repo, rev, path):
    result = git(repo, "show", "%s:%s" % (rev, path), check=False)
    return result.stdout if result.returncode == 0 else None


def is_doc_string(node):
    return isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id in DOC_STRINGS for t in node.targets)


def without_doc_strings(source):
    """The AST without DOCUMENTATION / EXAMPLES / RETURN assignments, or None when it does not parse.

    Module level for plugins; class level too, for doc fragments (class ModuleDocFragment).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    tree.body = [node for node in tree.body if not is_doc_string(node)]
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            node.body = [n for n in node.body if not is_doc_string(n)] or [ast.Pass()]
    return ast.dump(tree)


def is_doc_only(repo, parent, commit, path):
    if path.endswith(".md"):
        return True
    if not path.endswith(".py"):
        return False
    old, new = file_at(repo, parent, path), file_at(repo, commit, path)
    if old is None or new is None:
        return False
    old_code, new_code = without_doc_strings(old), without_doc_strings(new)
    return old_code is not None and old_code == new_code


def judge(repo, commit):
    """The watched files this change edits that call for a fragment ([] when it passes)."""
    parents = git(repo, "rev-list", "--parents", "-n", "1", commit).stdout.split()[1:]
    parent = parents[0] if parents else git(repo, "hash-object", "-t", "tree", os.devnull).stdout.strip()
    diff = git(repo, "diff", "--name-status", "--no-renames", parent, commit).stdout.splitlines()
    edits, has_fragment = [], False
    for line in diff:
        status, path = line.split("\t", 1)
        if path.startswith(FRAGMENTS) and status in ("A", "M"):
            has_fragment = True
        if not path.startswith(WATCHED):
            continue
        if status == "A" and path.startswith("plugins/") and not path.startswith(NOT_PLUGINS):
            continue  # a new plugin
        if status == "M" and is_doc_only(repo, parent, commit, path):
            continue
        edits.append(path)
    if not edits or has_fragment:
        return []
    if len(parents) > 1:  # a merge: the messages of every commit it brings
        messages = git(repo, "log", "--format=%B", "%s..%s" % (parent, commit)).stdout
    else:
        messages = git(repo, "log", "-1", "--format=%B", commit).stdout
    if TRAILER.search(messages):
        return []
    return edits


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repo", default=".")
    parser.add_argument("--since", help="judge only the changes after this revision, when it is newer than the other bases")
    args = parser.parse_args(argv)
    repo = args.repo
    try:
        if git(repo, "rev-parse", "--is-shallow-repository").stdout.strip() == "true":
            raise CheckError("a shallow clone: fetch the whole history (git fetch --unshallow) so that every change can be judged")
        base, why = find_base(repo, args.since)
        span = "%s..HEAD" % base if base else "HEAD"
        commits = git(repo, "rev-list", "--first-parent", "--reverse", span).stdout.split()
        failures = [(c, edits) for c in commits for edits in [judge(repo, c)] if edits]
    except CheckError as error:
        print("check_fragments: %s" % error, file=sys.stderr)
        return 2
    print("check_fragments: %d change(s) judged, %s" % (len(commits), why))
    for commit, edits in failures:
        subject = git(repo, "log", "-1", "--format=%h %s", commit).stdout.strip()
        print("  %s\n    edits %s without a changelog fragment" % (subject, ", ".join(edits)), file=sys.stderr)
    if failures:
        print("check_fragments: add a fragment to changelogs/fragments/ in the same change, or a "
              "'No-changelog: <reason>' trailer when users cannot see it", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
