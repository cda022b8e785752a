#!/usr/bin/env bash
# Usage: tools/build_collection.sh [ANSIBLE_GALAXY]
# Builds the collection artifact from the checkout with `ansible-galaxy collection build`
# (galaxy.yml's build_ignore decides what ships) into a folder of its own under .cache/dist/ (make
# test builds for several steps at once) and prints its path.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
galaxy=${1:-$top/.venv/bin/ansible-galaxy}
mkdir -p "$top/.cache/dist"
dist=$(mktemp -d "$top/.cache/dist/build.XXXXXX")
(cd "$top" && "$galaxy" collection build --force --output-path "$dist" >/dev/null)
tarball=$(ls "$dist"/prefect-cloud-*.tar.gz)
echo "==> built $(basename "$tarball"): $(wc -c <"$tarball") bytes, $(tar -tzf "$tarball" | wc -l) entries" >&2
echo "$tarball"
