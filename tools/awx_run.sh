#!/usr/bin/env bash
# Usage: tools/awx_run.sh [VENV]
# Runs playbooks/site.yml the way AWX / Automation Controller runs a job template: through
# ansible-runner, in a private data directory outside the checkout, with the collection installed
# from its built tarball by the project's collections/requirements.yml (as a project sync does)
# and the connection in env/envvars (as the "Prefect Cloud" credential type injects it), never on
# a command line. Against the emulator, as the job templates of playbooks/awx_job_templates.yml run:
#   1. the audit (playbooks/audit.yml, job type Check) of the fresh demo account fails, and its artifact
#      (set_stats: prefect_cloud_audit) says status drift with a positive drift count;
#   2. the first run of site.yml converges the demo account (successful, something changed, keys minted);
#   3. the second run changes nothing;
#   4. the audit succeeds, its artifact says status clean and a drift count of 0;
# and no API key, the caller's or a minted one, appears in stdout or in job_events.
# The job directory is removed on success and kept (its path printed) on failure.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
venv=${1:-$top/.venv}
bin=$venv/bin
# ansible-runner starts the ansible-playbook it finds on PATH.
export PATH=$bin:$PATH PYTHON=$bin/python
# The job gets its connection from env/envvars alone, not from whoever runs this script.
unset PREFECT_API_KEY PREFECT_API_URL PREFECT_CLOUD_API_URL PREFECT_CLOUD_ACCOUNT_ID \
      ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS ANSIBLE_CONFIG

tarball=$("$top/tools/build_collection.sh" "$bin/ansible-galaxy")
job=$(mktemp -d "${TMPDIR:-/tmp}/prefect-cloud-awx-run.XXXXXX")
pdd=$job/private_data_dir
port=""
finish() {
    status=$?
    [ -z "$port" ] || "$top/tools/emulator.sh" stop "$port"
    if [ "$status" -eq 0 ]; then
        rm -rf "$job"
    else
        echo "awx_run.sh: FAILED; the job directory is kept for inspection: $job" >&2
    fi
}
trap finish EXIT

# The project, as AWX checks it out: the playbook, its variables and the collections it requires.
mkdir -p "$pdd/project/collections" "$pdd/env" "$pdd/inventory"
cp "$top/playbooks/site.yml" "$top/playbooks/audit.yml" "$pdd/project/"
cp -r "$top/playbooks/vars" "$pdd/project/"
cat >"$pdd/project/collections/requirements.yml" <<YAML
---
collections:
  - name: $tarball
    type: file
YAML
echo "==> project sync: the collection from $(basename "$tarball") into the job's requirements_collections"
ANSIBLE_COLLECTIONS_PATH=$pdd/requirements_collections ansible-galaxy collection install --offline -r "$pdd/project/collections/requirements.yml" \
    -p "$pdd/requirements_collections" >/dev/null

# AWX's own localhost runs modules with the Python that runs Ansible.
cat >"$pdd/inventory/hosts" <<'YAML'
---
all:
  hosts:
    localhost:
      ansible_connection: local
      ansible_python_interpreter: "{{ ansible_playbook_python }}"
YAML

url=$("$top/tools/emulator.sh" start "" "")
port=${url##*:}
key=$(PYTHONPATH=$top/tests/emulator "$PYTHON" -c \
    'from prefect_cloud_emulator import DEMO_SEED; print(next(u["api_key"] for u in DEMO_SEED["users"] if u.get("account_role") == "Owner"))')

# What the credential type injects, plus what AWX sets for the collections of a project sync.
# Written by the shell itself (a here-document), so the key is in no process's arguments.
(
    umask 077
    cat >"$pdd/env/envvars" <<YAML
---
PREFECT_API_KEY: "$key"
PREFECT_CLOUD_API_URL: "$url/api"
PREFECT_CLOUD_ACCOUNT_ID: acme
ANSIBLE_COLLECTIONS_PATH: "$pdd/requirements_collections"
ANSIBLE_COLLECTIONS_SCAN_SYS_PATH: "false"
ANSIBLE_NOCOLOR: "true"
YAML
)
unset key
# The job template's extra variables: the example declaration, whose keys go to demo_key_dir:
# here, the job's own folder.
{
    echo "---"
    sed '/^---$/d' "$top/playbooks/vars/acme.yml"
    echo "demo_key_dir: \"$job/deployer-keys\""
} >"$pdd/env/extravars"

for run in audit-drift converge unchanged audit-clean; do
    # The audit's template has job type Check and Show Changes on; ansible-runner takes the options from
    # env/cmdline (its --cmdline would write that file too, and every later run would inherit it).
    case $run in
        audit-*) playbook=audit.yml; printf '%s' '--check --diff' >"$pdd/env/cmdline" ;;
        *) playbook=site.yml; rm -f "$pdd/env/cmdline" ;;
    esac
    echo "==> ansible-runner run -p $playbook $(cat "$pdd/env/cmdline" 2>/dev/null || true) (ident $run)"
    ansible-runner run "$pdd" -p "$playbook" --ident "$run" --quiet || true
    "$PYTHON" "$top/tools/awx_run_check.py" "$pdd" "$run" "$job/deployer-keys"
done
