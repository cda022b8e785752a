#!/usr/bin/env bash
# Usage: tools/changelog_trial.sh   (antsibull-changelog and ansible-doc on PATH)
# Proves that the release step (make changelog) works without touching the checkout: runs
# `antsibull-changelog release` in a throwaway copy of the collection tree and checks the
# CHANGELOG.rst it renders: the version of galaxy.yml, the release summary, every module under
# "New Modules" and every lookup under "New Plugins" (listed from version_added, not fragments).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
before=$(git -C "$top" status --porcelain)
tree=$("$top/tools/collection_tree.sh")
work=$(mktemp -d "${TMPDIR:-/tmp}/prefect-cloud-changelog.XXXXXX")
trap 'rm -rf "$work"' EXIT
copy=$work/ansible_collections/prefect/cloud
mkdir -p "$(dirname "$copy")"
cp -r "$tree" "$copy"
rm -rf "$copy/.git" "$copy/tests/output"

(cd "$copy" && antsibull-changelog release >"$work/release.log" 2>&1) \
    || { cat "$work/release.log" >&2; exit 1; }

python3 - "$copy" <<'PY'
import os
import re
import sys

copy = sys.argv[1]
with open(os.path.join(copy, 'galaxy.yml')) as f:
    version = re.search(r'^version:\s*(\S+)', f.read(), re.M).group(1)
with open(os.path.join(copy, 'CHANGELOG.rst')) as f:
    text = f.read()
problems = []
if not re.search(r'^v%s\n=+$' % re.escape(version), text, re.M):
    problems.append('no section for v%s' % version)
if 'Release Summary' not in text:
    problems.append('no release summary')
for kind, heading in (('modules', 'New Modules'), ('lookup', 'New Plugins')):
    names = sorted(n[:-3] for n in os.listdir(os.path.join(copy, 'plugins', kind)) if n.endswith('.py') and n != '__init__.py')
    section = text.split(heading, 1)[1] if heading in text else ''
    missing = [n for n in names if '- prefect.cloud.%s - ' % n not in section]
    if missing:
        problems.append('%s missing under %s: %s' % (kind, heading, ', '.join(missing)))
if os.listdir(os.path.join(copy, 'changelogs', 'fragments')):
    problems.append('the release left fragments behind')
if problems:
    sys.exit('changelog_trial: ' + '; '.join(problems))
print('==> changelog: the release step renders v%s (%d lines) with every new module and plugin' % (version, text.count('\n')))
PY

if [ "$(git -C "$top" status --porcelain)" != "$before" ]; then
    echo "changelog_trial.sh: the trial changed the checkout" >&2
    exit 1
fi
