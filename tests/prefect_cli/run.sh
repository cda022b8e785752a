#!/usr/bin/env bash
# Usage: tests/prefect_cli/run.sh [pytest arguments...]
# The contract test with the official client: installs the pinned `prefect` package into its own
# virtual environment (.cache/prefect-cli-venv, reused while the pin and the interpreter stay the
# same), starts the emulator with its demo seed on a free loopback port, and runs
# tests/prefect_cli/test_prefect_cli.py, which drives `prefect cloud login`, `workspace ls` and
# `ip-allowlist ...` against it, and tests/prefect_cli/test_profiles.py, where ansible-playbook runs on
# nothing but the profiles the CLI wrote. Stops the emulator whatever happens.
#
# When the package cannot be installed (no Python 3.11 or 3.12 on the machine, or no package index
# reachable), it says so and exits 0 without running the test: that is the only reason to skip.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# The official client under test (Python 3.11 or newer; 3.12 is used when present).
prefect_pin=prefect==3.9.1
venv=$top/.cache/prefect-cli-venv
python=$top/.venv/bin/python   # runs the emulator and the pytest driver

skip() {
    echo "SKIPPED: the contract test with the official Prefect client did not run: $*" >&2
    exit 0
}

if ! interpreter=$("$top/tools/find_python.sh" 11 12 2>/dev/null); then
    skip "no Python 3.11 or 3.12 to install $prefect_pin into"
fi
wanted="$prefect_pin $("$interpreter" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ "$(cat "$venv/.installed" 2>/dev/null || true)" != "$wanted" ]; then
    echo "==> installing $prefect_pin into $venv with $interpreter"
    rm -rf "$venv"
    log=$top/.cache/prefect-cli-install.log
    mkdir -p "$top/.cache"
    if ! { "$interpreter" -m venv "$venv" && "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$prefect_pin"; } >"$log" 2>&1; then
        tail -n 5 "$log" >&2
        rm -rf "$venv"
        skip "$prefect_pin could not be installed (log: $log)"
    fi
    echo "$wanted" >"$venv/.installed"
fi

"$top/tools/collection_tree.sh" >/dev/null   # the collection, for test_profiles.py's ansible-playbook
url=$(PYTHON=$python "$top/tools/emulator.sh" start "" "")
port=${url##*:}
trap 'PYTHON=$python "$top/tools/emulator.sh" stop "$port"' EXIT
echo "==> $prefect_pin against the emulator on $url"

cd "$top"
EMULATOR_URL=$url PREFECT_CLI=$venv/bin/prefect PYTHONPATH=$top/tests/emulator PYTHONIOENCODING=utf-8 \
    "$python" -m pytest -p no:cacheprovider -x -v tests/prefect_cli "$@"
