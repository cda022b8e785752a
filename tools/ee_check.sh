#!/usr/bin/env bash
# Usage: tools/ee_check.sh [VENV]
# Turns execution-environment.yml into a build context with `ansible-builder create` (no
# container engine needed) and checks it:
#   - the context's galaxy requirements name the collection (prefect.cloud);
#   - the Python requirements the image build would collect include requests: the collection,
#     installed from its built tarball where the galaxy stage would put it, is run through the
#     context's own _build/scripts/introspect.py with the arguments of the builder stage.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
venv=${1:-$top/.venv}
bin=$venv/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/prefect-cloud-ee.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$bin/ansible-builder" create --file "$top/execution-environment.yml" --context "$work/context" >/dev/null
build=$work/context/_build
for file in requirements.yml scripts/introspect.py; do
    [ -f "$build/$file" ] || { echo "ee_check.sh: the build context has no _build/$file" >&2; exit 1; }
done
# Containerfile for podman, Dockerfile for docker: whichever, its builder stage runs the introspection.
containerfile=$work/context/Containerfile
[ -f "$containerfile" ] || containerfile=$work/context/Dockerfile
grep -q 'scripts/introspect.py introspect' "$containerfile" \
    || { echo "ee_check.sh: $containerfile does not run the introspection" >&2; exit 1; }

# The galaxy stage installs the collections of requirements.yml: the built tarball stands in for Galaxy.
tarball=$("$top/tools/build_collection.sh" "$bin/ansible-galaxy")
ANSIBLE_COLLECTIONS_PATH=$work/collections \
    "$bin/ansible-galaxy" collection install --offline -p "$work/collections" "$tarball" >/dev/null
"$bin/python" "$build/scripts/introspect.py" introspect --write-pip "$work/requirements.txt" \
    --write-bindep "$work/bindep.txt" "$work/collections" >"$work/introspect.log"

"$bin/python" - "$build/requirements.yml" "$work/requirements.txt" <<'PY'
import re
import sys

import yaml

galaxy, pip = sys.argv[1:]
names = [c['name'] if isinstance(c, dict) else c for c in (yaml.safe_load(open(galaxy)) or {}).get('collections', [])]
if 'prefect.cloud' not in names:
    sys.exit('ee_check: the build context does not install prefect.cloud (its requirements.yml names %r)' % names)
lines = [line.strip() for line in open(pip) if line.strip() and not line.startswith('#')]
found = [line for line in lines if re.match(r'requests\b', line)]
if not found or 'prefect.cloud' not in found[0]:
    sys.exit('ee_check: introspection of the installed collection gave no requests from prefect.cloud: %r' % lines)
print('==> ee: the build context installs prefect.cloud; its image would get: %s' % found[0])
PY
