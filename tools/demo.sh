#!/usr/bin/env bash
# Usage: tools/demo.sh
# The demo: starts the emulator with its built-in demo account ("acme"), converges it into
# dev / staging / prod with the environments role (playbooks/site.yml and the example declaration
# playbooks/vars/acme.yml), runs it again to show that nothing changes (changed=0), changes one
# thing in a copy of the declaration and shows the drift report of playbooks/audit.yml, shows a
# check-mode change of a deployment's access control list, and stops the emulator. No Cloud
# account, no network beyond loopback.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$top/.venv/bin/python}
bin=$(dirname "$python")
export PYTHON=$python

"$top/tools/collection_tree.sh" >/dev/null
url=$("$top/tools/emulator.sh" start "${PORT:-}" "")
port=${url##*:}
work=$(mktemp -d "${TMPDIR:-/tmp}/prefect-cloud-demo.XXXXXX")
trap '"$top/tools/emulator.sh" stop "$port"; rm -rf "$work"' EXIT
keys=$top/.cache/demo-keys

key=$(PYTHONPATH=$top/tests/emulator "$python" -c \
    'from prefect_cloud_emulator import DEMO_SEED; print(next(u["api_key"] for u in DEMO_SEED["users"] if u.get("account_role") == "Owner"))')

cat <<EOF

The Prefect Cloud emulator is serving the demo account "acme" on $url
The playbooks read their connection from the environment, as they would in CI or AWX:
  PREFECT_CLOUD_API_URL=$url/api
  PREFECT_CLOUD_ACCOUNT_ID=acme
  PREFECT_API_KEY=<the demo owner's key>
The declaration is playbooks/vars/acme.yml: 3 environments (a workspace and a deployer bot each),
2 teams with a role per environment, a custom "Deployer" role, 6 people (2 of them get invited),
and the account's IP allowlist (2 entries, not enforced).

EOF

export PREFECT_CLOUD_API_URL=$url/api PREFECT_CLOUD_ACCOUNT_ID=acme PREFECT_API_KEY=$key
export ANSIBLE_COLLECTIONS_PATH=$top/.cache/collections ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_NOCOLOR=${ANSIBLE_NOCOLOR:-${CI:+1}}
cd "$top"  # playbooks/ from the checkout; the collection itself from the tree copy
declaration=(-e @playbooks/vars/acme.yml -e "demo_key_dir=$keys")

echo "=== 1. First run: converge the account into dev / staging / prod"
"$bin/ansible-playbook" playbooks/site.yml "${declaration[@]}"

echo
echo "=== 2. Second run: the account already matches the declaration, so nothing changes"
"$bin/ansible-playbook" playbooks/site.yml "${declaration[@]}" | tee "$work/second-run.log"
if ! grep -Eq 'changed=0 +unreachable=0 +failed=0' "$work/second-run.log"; then
    echo "The second run changed something: the role is not idempotent" >&2
    exit 1
fi

echo
echo "=== 3. Drift: a copy of the declaration where the analysts become Developers in dev"
sed 's/roles: {dev: Viewer, prod: Viewer}/roles: {dev: Developer, prod: Viewer}/' playbooks/vars/acme.yml >"$work/changed.yml"
diff -u playbooks/vars/acme.yml "$work/changed.yml" | sed -n '3,$p' || true
echo
echo "--- the audit (check mode, nothing is changed) of the account against that copy"
status=0
"$bin/ansible-playbook" playbooks/audit.yml -e @"$work/changed.yml" -e "demo_key_dir=$keys" \
    -e "audit_report=$work/drift.json" >"$work/audit.log" || status=$?
sed -n '/DRIFT SUMMARY/,/^$/p' "$work/audit.log" | sed 's/^ *"msg": //'
echo "--- the JSON report:"
cat "$work/drift.json"
echo
if [ "$status" -eq 0 ]; then
    echo "The audit found no drift, yet the declaration was changed" >&2
    exit 1
fi
echo "The audit exited with status $status (non-zero: drift), so it can gate a CI pipeline."

echo
echo "=== 4. Object access: the production workspace's work pools, deployments and blocks have access control lists"
echo "--- who may run the etl/nightly deployment, narrowed to the data engineers (check mode: nothing is changed)"
"$bin/ansible" localhost -m prefect.cloud.deployment_access --check --diff \
    -a '{"workspace": "production", "deployment": "etl/nightly", "run": {"teams": ["data-engineers"]}}' \
    >"$work/object-access.log" 2>&1
sed -n '/^--- before/,/^$/p; /"msg":/p' "$work/object-access.log"

echo
echo "Done. The deployer keys minted on the first run are in .cache/demo-keys/ (mode 0600)."
echo "Next: make emulator, then point your own playbooks at http://127.0.0.1:8686/api."
