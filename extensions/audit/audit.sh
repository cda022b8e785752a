#!/bin/sh
# Runs the prefect.cloud drift audit (playbooks/audit.yml) and exits with a code that CI can branch on:
#   0  clean: the account matches the declaration
#   1  error: the audit could not finish (a wrong API key, an unreachable API, a declaration that does not
#      parse or that the role refuses, ...); it says nothing about drift
#   2  drift: converging the declaration would change something (the report says what)
# ansible-playbook alone cannot tell drift from an error: it exits 2 for any failed task. This wrapper removes
# the report first, runs the audit, and trusts only a report this run wrote whose status is clean or drift,
# together with the exit code ansible-playbook gave for it.
# Usage: audit.sh REPORT.json [ansible-playbook arguments, such as -e @declaration.yml]
# ANSIBLE_PLAYBOOK and PYTHON name the programs to run (default: ansible-playbook, python3).
set -u
if [ $# -lt 1 ]; then
    echo "usage: $0 REPORT.json [ansible-playbook arguments]" >&2
    exit 1
fi
report=$1
shift
case $report in
    /*) ;;
    *) report=$(pwd)/$report ;;
esac
rm -f -- "$report" || exit 1
"${ANSIBLE_PLAYBOOK:-ansible-playbook}" prefect.cloud.audit -e "audit_report=$report" "$@"
rc=$?
status=$("${PYTHON:-python3}" -c 'import json, sys; print(json.load(open(sys.argv[1])).get("status", ""))' "$report" 2>/dev/null)
case "$rc:$status" in
    0:clean) exit 0 ;;
    2:drift) exit 2 ;;
    *) echo "prefect.cloud audit: error (ansible-playbook exit code $rc, report status '${status:-none}')" >&2; exit 1 ;;
esac
