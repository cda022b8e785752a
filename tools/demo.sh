#!/usr/bin/env bash
# Usage: tools/demo.sh
# The demo: starts the emulator with its built-in demo account ("acme"), converges it with
# playbooks/site.yml (dev / staging / prod), runs the same playbook again to show that nothing
# changes (changed=0), and stops the emulator. No Cloud account, no network beyond loopback.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$top/.venv/bin/python}
bin=$(dirname "$python")
export PYTHON=$python

"$top/tools/collection_tree.sh" >/dev/null
url=$("$top/tools/emulator.sh" start "${PORT:-}" "")
port=${url##*:}
trap '"$top/tools/emulator.sh" stop "$port"' EXIT

key=$(PYTHONPATH=$top/tests/emulator "$python" -c \
    'from prefect_cloud_emulator import DEMO_SEED; print(next(u["api_key"] for u in DEMO_SEED["users"] if u.get("account_role") == "Owner"))')

cat <<EOF

The Prefect Cloud emulator is serving the demo account "acme" on $url
The playbook reads its connection from the environment, as it would in CI or AWX:
  PREFECT_CLOUD_API_URL=$url/api
  PREFECT_CLOUD_ACCOUNT_ID=acme
  PREFECT_API_KEY=<the demo owner's key>

EOF

export PREFECT_CLOUD_API_URL=$url/api PREFECT_CLOUD_ACCOUNT_ID=acme PREFECT_API_KEY=$key
export ANSIBLE_COLLECTIONS_PATH=$top/.cache/collections ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_NOCOLOR=${ANSIBLE_NOCOLOR:-${CI:+1}}
cd "$top"  # playbooks/ from the checkout; the collection itself from the tree copy

echo "=== First run: converge the account into dev / staging / prod"
"$bin/ansible-playbook" playbooks/site.yml

echo
echo "=== Second run: the account already matches the declaration, so nothing changes"
"$bin/ansible-playbook" playbooks/site.yml | tee "$top/.cache/demo-second-run.log"
if ! grep -Eq 'changed=0 +unreachable=0 +failed=0' "$top/.cache/demo-second-run.log"; then
    echo "The second run changed something: the modules are not idempotent" >&2
    exit 1
fi

echo
echo "Done. The deployer keys minted on the first run are in .cache/demo-keys/ (mode 0600)."
echo "Next: make emulator, then point your own playbooks at http://127.0.0.1:8686/api."
