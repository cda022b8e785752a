#!/usr/bin/env bash
# Usage: tools/bootstrap_venv.sh VENV PYTHON ANSIBLE_CORE_SPEC [TIER...]
# Creates VENV with PYTHON if missing and installs what the given tiers need (default: all three),
# each with the ones before it, so that a target installs only what it runs:
#   run   ANSIBLE_CORE_SPEC (e.g. 'ansible-core==2.21.*'), requirements.txt, tests/emulator/requirements.txt
#         (make demo, make emulator)
#   test  + requirements-test.txt (the test runners)
#   dev   + requirements-dev.txt (linters, docs, changelog, AWX runner, execution-environment builder)
# A tier is installed again when its requirement files or the core spec change (its marker,
# VENV/.requirements-TIER, holds their checksum). Also writes the offline stand-ins for the pip bootstrap script that
# ansible-test fetches (~/.ansible/test/cache/get_pip_<version>.py) for every pip version this
# ansible-test asks for.
set -euo pipefail

venv=${1:?usage: bootstrap_venv.sh VENV PYTHON ANSIBLE_CORE_SPEC [TIER...]}
python=${2:?usage: bootstrap_venv.sh VENV PYTHON ANSIBLE_CORE_SPEC [TIER...]}
core_spec=${3:?usage: bootstrap_venv.sh VENV PYTHON ANSIBLE_CORE_SPEC [TIER...]}
shift 3
tiers=("$@")
[ ${#tiers[@]} -gt 0 ] || tiers=(run test dev)

top=$(cd "$(dirname "$0")/.." && pwd)

# make test prepares every environment before its steps run side by side; this lock keeps two
# targets started by hand at the same time from installing into one environment together.
mkdir -p "$(dirname "$venv")"
if command -v flock >/dev/null 2>&1 && [ -z "${BOOTSTRAP_VENV_LOCKED:-}" ]; then
    BOOTSTRAP_VENV_LOCKED=1 exec flock "$venv.lock" "$0" "$venv" "$python" "$core_spec" "${tiers[@]}"
fi

if [ -x "$venv/bin/python" ] && ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    echo "bootstrap_venv.sh: $venv is broken, recreating it" >&2
    rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
    echo "==> creating $venv with $python ($("$python" --version 2>&1))"
    "$python" -m venv "$venv"
fi

# Each tier is installed with the ones before it, in one pip call, so that pip keeps every pin.
tier_files() {
    case $1 in
    run) echo "$top/requirements.txt $top/tests/emulator/requirements.txt" ;;
    test) echo "$(tier_files run) $top/requirements-test.txt" ;;
    dev) echo "$(tier_files test) $top/requirements-dev.txt" ;;
    *) echo "bootstrap_venv.sh: unknown tier $1 (run, test, dev)" >&2; return 2 ;;
    esac
}
tier_sum() {
    # shellcheck disable=SC2046
    { echo "$core_spec"; cat $(tier_files "$1"); } | cksum
}
top_tier=run
for wanted in "${tiers[@]}"; do
    tier_files "$wanted" >/dev/null
    case $wanted in
    dev) top_tier=dev ;;
    test) [ "$top_tier" = dev ] || top_tier=test ;;
    esac
done
if [ "$(cat "$venv/.requirements-$top_tier" 2>/dev/null || true)" != "$(tier_sum "$top_tier")" ]; then
    echo "==> installing the $top_tier requirements into $venv ($core_spec)"
    args=("$core_spec")
    for file in $(tier_files "$top_tier"); do args+=(-r "$file"); done
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${args[@]}" 2>&1 \
        | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
    # What this installed satisfies the tiers below it too.
    for tier in run test dev; do
        tier_sum "$tier" >"$venv/.requirements-$tier"
        [ "$tier" != "$top_tier" ] || break
    done
fi

# ansible-test bootstraps pip in the virtual environments it creates with a get-pip.py script
# that it downloads unless a cached copy exists. We have no route to that host: write a cached
# copy that uses ensurepip and then installs the requested pip from the package index.
cache=$HOME/.ansible/test/cache
mkdir -p "$cache"
"$venv/bin/python" - "$cache" <<'PY'
import os
import re
import sys

import ansible_test._internal.python_requirements as pr

cache = sys.argv[1]
with open(pr.__file__, encoding='utf-8') as f:
    source = f.read()
# get_venv_packages() names the pip version for each Python version: pip='25.2', ...
versions = sorted(set(re.findall(r"\bpip='([0-9][0-9.]*)'", source)))
if not versions:
    sys.exit('bootstrap_venv.sh: cannot find the pip version ansible-test bootstraps in %s' % pr.__file__)

STAND_IN = '''\
"""Offline stand-in for get-pip.py {version}, written by tools/bootstrap_venv.sh.

ansible-test runs it in a fresh virtual environment (created without pip) with pip's install
arguments, e.g. ``--disable-pip-version-check pip=={version} --no-setuptools --no-wheel``.
It installs them from the package index with the pip wheel bundled with ensurepip, run from the
wheel itself: this works whatever state the environment's own pip is in (--force-reinstall).
"""
import ensurepip
import glob
import os
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
bundled = sorted(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled', 'pip-*.whl')))
if bundled:
    pip = [sys.executable, os.path.join(bundled[-1], 'pip')]
else:  # a Python without the bundled wheels: ensurepip knows where they are
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'], stdout=subprocess.DEVNULL)
    pip = [sys.executable, '-m', 'pip']
subprocess.check_call(pip + ['install', '--quiet', '--force-reinstall'] + args)
'''
for version in versions:
    path = os.path.join(cache, 'get_pip_%s.py' % version.replace('.', '_'))
    text = STAND_IN.format(version=version)
    try:
        with open(path, encoding='utf-8') as f:
            if f.read() == text:
                continue
    except OSError:
        pass
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    print('==> wrote pip %s bootstrap stand-in: %s' % (version, path))
PY
