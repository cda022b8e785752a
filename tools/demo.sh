#!/usr/bin/env bash
# Usage: tools/demo.sh
# The demo, until the modules land: starts the emulator with its built-in demo seed, shows who
# the demo key belongs to (/api/me/) and its accounts (/api/me/accounts), stops the emulator.
# (Later: ansible-playbook playbooks/site.yml, twice, against the emulator.)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$top/.venv/bin/python}
export PYTHON=$python

url=$("$top/tools/emulator.sh" start "${PORT:-}" "")
port=${url##*:}
trap '"$top/tools/emulator.sh" stop "$port"' EXIT

PYTHONPATH=$top/tests/emulator "$python" - "$url" <<'PY'
import json
import sys

import requests

from prefect_cloud_emulator import DEMO_SEED

url = sys.argv[1]
key = next(u['api_key'] for u in DEMO_SEED['users'] if u.get('api_key'))
print('Prefect Cloud emulator: %s' % url)
print('  PREFECT_API_URL=%s/api' % url)
print('  PREFECT_API_KEY=%s' % key)
for path in ('/api/me/', '/api/me/accounts'):
    r = requests.get(url + path, headers={'Authorization': 'Bearer ' + key}, timeout=10)
    print('\nGET %s -> %s' % (path, r.status_code))
    print(json.dumps(r.json(), indent=2, sort_keys=True))
    r.raise_for_status()
PY
