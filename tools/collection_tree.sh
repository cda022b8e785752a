#!/usr/bin/env bash
# Usage: tools/collection_tree.sh [NAME]
# Syncs the collection into .cache/collections/ansible_collections/prefect/cloud (where
# ansible-test wants it) and prints that path. With NAME, into a tree of its own,
# .cache/trees/NAME/ansible_collections/prefect/cloud: each ansible-test run gets one, since it
# writes into its tree (tests/output, integration_config.yml) and make test runs several at once. Dev-only material that does not ship is left out,
# so that sanity covers what ships plus tests/{unit,integration,sanity}.
#
# The sync works in place, like rsync --delete (not available everywhere): changed files are
# copied, files gone from the source are removed, so that a run of ansible-test or pytest in the
# tree meanwhile keeps its working directory. ansible-test's own output (tests/output) and the
# integration_config.yml written for a run are kept.
#
# The copy gets a git repository of its own (no commit): ansible-test lists a collection's files
# with git from the nearest .git upwards, which would otherwise be this repository's, where
# .cache is ignored (no files at all). With its own .git, it lists every file of the copy that
# .gitignore does not exclude (git ls-files --cached --others --exclude-standard).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${1:-}" ]; then
    tree=$top/.cache/trees/$1/ansible_collections/prefect/cloud
else
    tree=$top/.cache/collections/ansible_collections/prefect/cloud
fi
mkdir -p "$tree"
# Two steps of make test may sync the same tree at once: one at a time.
if command -v flock >/dev/null 2>&1 && [ -z "${COLLECTION_TREE_LOCKED:-}" ]; then
    COLLECTION_TREE_LOCKED=1 exec flock "$top/.cache/.tree-sync-${1:-default}.lock" "$0" "$@"
fi

python3 - "$top" "$tree" <<'PY'
import filecmp
import os
import shutil
import sys

src, dst = sys.argv[1:]
# Not copied (paths relative to the collection root, or names anywhere).
EXCLUDE_PATHS = {'.git', '.cache', 'tools', '.ci', 'benchmarks', 'tests/emulator', 'tests/reliability', 'tests/prefect_cli', 'tests/browser', 'tests/output',
                 'tests/integration/integration_config.yml'}
EXCLUDE_NAMES = {'__pycache__', '.pytest_cache', '.ruff_cache', '.ansible'}
# Present in the copy only: not deleted.
KEEP_PATHS = {'.git', 'tests/output', 'tests/integration/integration_config.yml'}


def excluded(rel, name):
    return (rel in EXCLUDE_PATHS or name in EXCLUDE_NAMES or name.startswith('.venv')
            or name.endswith(('.pyc', '.tar.gz')))


wanted = set()
for root, dirs, files in os.walk(src):
    rel_root = os.path.relpath(root, src)
    rel_root = '' if rel_root == '.' else rel_root
    dirs[:] = [d for d in dirs if not excluded(os.path.join(rel_root, d), d)]
    for d in dirs:
        rel = os.path.join(rel_root, d)
        wanted.add(rel)
        os.makedirs(os.path.join(dst, rel), exist_ok=True)
    for f in files:
        rel = os.path.join(rel_root, f)
        if excluded(rel, f):
            continue
        wanted.add(rel)
        s, d = os.path.join(src, rel), os.path.join(dst, rel)
        if os.path.isdir(d) and not os.path.islink(d):
            shutil.rmtree(d)
        if os.path.islink(s) or os.path.islink(d):
            if os.path.lexists(d):
                os.unlink(d)
            if os.path.islink(s):
                os.symlink(os.readlink(s), d)
                continue
        if not (os.path.isfile(d) and filecmp.cmp(s, d, shallow=False)):
            shutil.copy2(s, d)

for root, dirs, files in os.walk(dst, topdown=True):
    rel_root = os.path.relpath(root, dst)
    rel_root = '' if rel_root == '.' else rel_root
    for d in list(dirs):
        rel = os.path.join(rel_root, d)
        if rel in KEEP_PATHS:
            dirs.remove(d)
        elif rel not in wanted:
            shutil.rmtree(os.path.join(root, d))
            dirs.remove(d)
    for f in files:
        rel = os.path.join(rel_root, f)
        if rel not in wanted and rel not in KEEP_PATHS:
            os.unlink(os.path.join(root, f))
PY
[ -d "$tree/.git" ] || git -C "$tree" init --quiet
echo "$tree"
