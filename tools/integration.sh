#!/usr/bin/env bash
# Usage: tools/integration.sh VENV [ansible-test integration arguments...]
# Starts the emulator on a free port with tests/integration/emulator_seed.yml, writes
# tests/integration/integration_config.yml into the collection tree copy, runs
# `ansible-test integration --local -v` there with VENV's ansible-core, stops the emulator
# whatever happens.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
venv=$(cd "${1:?usage: integration.sh VENV [ARGS...]}" && pwd)
shift
seed=$top/tests/integration/emulator_seed.yml
export PYTHON=$venv/bin/python

tree=$("$top/tools/collection_tree.sh" "integration-$(basename "$venv")")
url=$("$top/tools/emulator.sh" start "" "$seed")
port=${url##*:}
trap '"$top/tools/emulator.sh" stop "$port"' EXIT
echo "==> emulator on $url (seed $seed)"

"$PYTHON" - "$seed" "$url" "$tree/tests/integration/integration_config.yml" <<'PY'
import sys

import yaml

seed_file, url, out = sys.argv[1:]
with open(seed_file, encoding='utf-8') as f:
    seed = yaml.safe_load(f)


def key_of(role):
    return next(u['api_key'] for u in seed['users'] if u.get('account_role') == role and u.get('api_key'))


config = {
    'prefect_api_url': url + '/api',
    'prefect_emulator_url': url,
    'prefect_api_key': key_of('Owner'),
    'prefect_admin_api_key': key_of('Admin'),
    'prefect_member_api_key': key_of('Member'),
    'prefect_account_id': seed['account']['id'],
    'prefect_account_handle': seed['account']['handle'],
}
with open(out, 'w', encoding='utf-8') as f:
    f.write('---\n# Written by tools/integration.sh for one run against the emulator.\n')
    yaml.safe_dump(config, f, default_flow_style=False, sort_keys=True)
PY

cd "$tree"
PATH=$venv/bin:$PATH "$venv/bin/ansible-test" integration --local -v "$@"
