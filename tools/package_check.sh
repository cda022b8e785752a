#!/usr/bin/env bash
# Usage: tools/package_check.sh [VENV]
# The collection as users get it: builds the tarball, checks its file list
# (tools/tests/test_artifact.py), installs it into a temporary collections path and runs
# tools/package_check.yml from there against the emulator. Neither the checkout nor its tree copy
# (.cache/collections) is on the collections path, and the run checks that ansible finds
# prefect.cloud in the temporary path alone.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
venv=${1:-$top/.venv}
bin=$venv/bin
export PYTHON=$bin/python
unset PREFECT_API_KEY PREFECT_API_URL PREFECT_CLOUD_API_URL PREFECT_CLOUD_ACCOUNT_ID ANSIBLE_CONFIG

tarball=$("$top/tools/build_collection.sh" "$bin/ansible-galaxy")
PREFECT_CLOUD_ARTIFACT=$tarball "$PYTHON" -m pytest -q -p no:cacheprovider "$top/tools/tests/test_artifact.py"

work=$(mktemp -d "${TMPDIR:-/tmp}/prefect-cloud-package.XXXXXX")
port=""
finish() {
    [ -z "$port" ] || "$top/tools/emulator.sh" stop "$port"
    rm -rf "$work"
}
trap finish EXIT

export ANSIBLE_COLLECTIONS_PATH=$work/collections ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
export ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
"$bin/ansible-galaxy" collection install --offline -p "$work/collections" "$tarball" >/dev/null
cp "$top/tools/package_check.yml" "$work/"
cd "$work"

# Where ansible finds the collection: the temporary path, and nowhere else.
"$bin/ansible-galaxy" collection list prefect.cloud --format json >"$work/found.json"
"$PYTHON" - "$work/found.json" "$work/collections/ansible_collections" <<'PY'
import json
import sys

found, expected = json.load(open(sys.argv[1])), sys.argv[2]
if list(found) != [expected] or list(found[expected]) != ['prefect.cloud']:
    sys.exit('prefect.cloud found in %r, expected only in %s' % (sorted(found), expected))
PY
doc_path=$("$bin/ansible-doc" --json prefect.cloud.workspace | "$PYTHON" -c \
    'import json, sys; print(json.load(sys.stdin)["prefect.cloud.workspace"]["doc"]["filename"])')
case $doc_path in
"$work"/collections/*) ;;
*) echo "package_check.sh: prefect.cloud.workspace resolved to $doc_path, not the installed copy" >&2; exit 1 ;;
esac

url=$("$top/tools/emulator.sh" start "" "")
port=${url##*:}
PREFECT_API_KEY=$(PYTHONPATH=$top/tests/emulator "$PYTHON" -c \
    'from prefect_cloud_emulator import DEMO_SEED; print(next(u["api_key"] for u in DEMO_SEED["users"] if u.get("account_role") == "Owner"))')
export PREFECT_API_KEY PREFECT_CLOUD_API_URL=$url/api
"$bin/ansible-playbook" package_check.yml
echo "==> the installed $(basename "$tarball") ran from $work/collections"
