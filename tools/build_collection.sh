#!/usr/bin/env bash
# Usage: tools/build_collection.sh [ANSIBLE_GALAXY]
# Builds the collection artifact from the checkout with `ansible-galaxy collection build`
# (galaxy.yml's build_ignore decides what ships) into .cache/dist/ and prints its path.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
galaxy=${1:-$top/.venv/bin/ansible-galaxy}
dist=$top/.cache/dist
rm -rf "$dist"
mkdir -p "$dist"
(cd "$top" && "$galaxy" collection build --force --output-path "$dist" >/dev/null)
tarball=$(ls "$dist"/prefect-cloud-*.tar.gz)
echo "==> built $(basename "$tarball"): $(wc -c <"$tarball") bytes, $(tar -tzf "$tarball" | wc -l) entries" >&2
echo "$tarball"
