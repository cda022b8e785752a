#!/usr/bin/env bash
# Usage: tools/sanity.sh VENV [ansible-test sanity arguments...]
# Runs `ansible-test sanity --local --requirements -v` with VENV's ansible-core in the collection
# tree copy, on every Python 3.9+ this machine has (the modules support 3.9 and newer): each one
# found by tools/find_python.sh is put on PATH as python3.N. Broken pyenv shims are taken off PATH,
# so that ansible-test skips the versions that are really missing instead of failing on them.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
venv=$(cd "${1:?usage: sanity.sh VENV [ARGS...]}" && pwd)
shift

# No ignore entries (CONTRIBUTING.md, "Style"): a finding is fixed, never silenced.
nonempty=$(find "$top/tests/sanity" -name 'ignore-*.txt' -size +0c 2>/dev/null || true)
if [ -n "$nonempty" ]; then
    echo "sanity.sh: the sanity ignore files must stay empty: fix the finding instead: $nonempty" >&2
    exit 1
fi

pythons=$top/.cache/pythons
mkdir -p "$pythons"
for minor in 9 10 11 12 13 14; do
    if python=$("$top/tools/find_python.sh" "$minor" "$minor" 2>/dev/null); then
        ln -sfn "$python" "$pythons/python3.$minor"
    fi
done
path=$(tr ':' '\n' <<<"$PATH" | grep -v '/\.pyenv/shims$' | paste -sd: -)

tree=$("$top/tools/collection_tree.sh" "sanity-$(basename "$venv")")
cd "$tree"
# ansible-test keeps its per-test virtual environments in ~/.ansible/test/venv, shared by every
# checkout on the machine: two runs setting up the same one at once break it. Take turns.
lock=()
if command -v flock >/dev/null 2>&1; then
    mkdir -p "$HOME/.ansible/test"
    lock=(flock "$HOME/.ansible/test/prefect-cloud-sanity.lock")
fi
PATH=$venv/bin:$pythons:$path "${lock[@]}" "$venv/bin/ansible-test" sanity --local --requirements -v "$@"
