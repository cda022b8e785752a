#!/usr/bin/env bash
# Usage: tools/awx_collection.sh PYTHON
# Prints a collections path holding awx.awx (for the syntax check and ansible-lint of
# playbooks/awx_credential_type.yml), extracting it on first use into .cache/awx-collection.
#
# Galaxy is out of reach here, but the `ansible` community package on PyPI bundles awx.awx up to
# its 11.x line (awx.awx 24.6.1, the last release of the collection). Only
# ansible_collections/awx/awx is extracted from that wheel; pip's own cache keeps the download
# between runs, and the marker keeps the extraction until AWX_SOURCE changes.
set -euo pipefail

python=${1:?usage: awx_collection.sh PYTHON}
top=$(cd "$(dirname "$0")/.." && pwd)
source_spec=${AWX_SOURCE:-ansible==11.13.0}
dest=$top/.cache/awx-collection
marker=$dest/.extracted-from

# make lint and the tools' tests may ask at the same time: one extraction at a time.
if command -v flock >/dev/null 2>&1 && [ -z "${AWX_COLLECTION_LOCKED:-}" ]; then
    mkdir -p "$top/.cache"
    AWX_COLLECTION_LOCKED=1 exec flock "$top/.cache/.awx-collection.lock" "$0" "$@"
fi

if [ -f "$marker" ] && [ "$(cat "$marker")" = "$source_spec" ] \
   && [ -f "$dest/ansible_collections/awx/awx/MANIFEST.json" ]; then
    echo "$dest"
    exit 0
fi

download=$(mktemp -d)
trap 'rm -rf "$download"' EXIT
echo "==> awx.awx: extracting it from the $source_spec wheel into $dest" >&2
"$python" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary :all: \
    -d "$download" "$source_spec" 2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; } >&2
rm -rf "$dest"
"$python" - "$download" "$dest" <<'PY'
import glob
import sys
import zipfile

download, dest = sys.argv[1:]
prefix = 'ansible_collections/awx/awx/'
wheels = glob.glob(download + '/*.whl')
if len(wheels) != 1:
    sys.exit('awx_collection.sh: expected one wheel in %s, found %r' % (download, wheels))
with zipfile.ZipFile(wheels[0]) as wheel:
    members = [m for m in wheel.namelist() if m.startswith(prefix)]
    if not any(m == prefix + 'MANIFEST.json' for m in members):
        sys.exit('awx_collection.sh: %s has no awx.awx collection' % wheels[0])
    wheel.extractall(dest, members)
PY
echo "$source_spec" >"$marker"
echo "$dest"
