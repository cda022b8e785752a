#!/usr/bin/env bash
# Usage: tools/collection_tree.sh
# Copies the collection into .cache/collections/ansible_collections/prefect/cloud (where
# ansible-test wants it) and prints that path. Dev-only material that does not ship is left out,
# so that sanity covers what ships plus tests/{unit,integration,sanity}.
# The copy gets a git repository of its own (no commit): ansible-test lists a collection's files
# with git from the nearest .git upwards, which would otherwise be this repository's, where
# .cache is ignored (no files at all). With its own .git, it lists every file of the copy that
# .gitignore does not exclude (git ls-files --cached --others --exclude-standard).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/.cache/collections/ansible_collections/prefect/cloud

rm -rf "$tree"
mkdir -p "$tree"
tar -C "$top" -cf - \
    --exclude=./.git --exclude='./.venv*' --exclude=./.cache --exclude=./tools --exclude=./.ci \
    --exclude=./benchmarks --exclude=./tests/emulator --exclude=./tests/output \
    --exclude=./tests/integration/integration_config.yml \
    --exclude=__pycache__ --exclude=.pytest_cache --exclude=.ruff_cache --exclude='*.pyc' \
    --exclude='./*.tar.gz' \
    . | tar -C "$tree" -xf -
git -C "$tree" init --quiet
echo "$tree"
