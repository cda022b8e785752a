#!/usr/bin/env bash
# Usage: tools/docs.sh VENV
# Builds the docs site (plugin pages and the guides of docs/docsite/) with antsibull-docs and
# Sphinx into .cache/docs/build/html, offline and with warnings as errors.
#
# antsibull-docs sphinx-init writes a Sphinx project whose intersphinx mapping downloads the
# inventories of docs.python.org and docs.ansible.com. There is no route to those hosts here, and a
# build should not depend on them anyway: the mapping is replaced by one local inventory that
# names the few docs.ansible.com pages the generated plugin pages and the guides link to. A
# reference to any other outside label stays a warning, hence an error.
set -euo pipefail

venv=$(cd "${1:?usage: docs.sh VENV}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
site=$top/.cache/docs
export PATH=$venv/bin:$PATH
export ANSIBLE_COLLECTIONS_PATH=$top/.cache/collections

"$top/tools/collection_tree.sh" >/dev/null

rm -rf "$site"
mkdir -p "$site"
chmod 700 "$site"  # antsibull-docs writes only into a folder that nobody else can write to
antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error --no-add-antsibull-docs-version \
    --title 'prefect.cloud' --project 'prefect.cloud' --copyright 'prefect.cloud contributors' \
    --dest-dir "$site" prefect.cloud >/dev/null

python3 - "$site" <<'PY'
import os
import sys
import zlib

site = sys.argv[1]
# Labels of docs.ansible.com that the generated pages and the guides refer to, with their pages.
LABELS = {
    "common_return_values": ("reference_appendices/common_return_values.html#common-return-values", "Return Values"),
    "ansible_configuration_settings": ("reference_appendices/config.html#ansible-configuration-settings",
                                       "Ansible Configuration Settings"),
    "ansible_collections.ansible.builtin.copy_module": (
        "collections/ansible/builtin/copy_module.html#ansible-collections-ansible-builtin-copy-module",
        "ansible.builtin.copy module"),
    "ansible_collections.ansible.builtin.file_module": (
        "collections/ansible/builtin/file_module.html#ansible-collections-ansible-builtin-file-module",
        "ansible.builtin.file module"),
    "ansible_collections.ansible.builtin.to_nice_yaml_filter": (
        "collections/ansible/builtin/to_nice_yaml_filter.html#ansible-collections-ansible-builtin-to-nice-yaml-filter",
        "ansible.builtin.to_nice_yaml filter"),
    "module_defaults": ("playbook_guide/playbooks_module_defaults.html#module-defaults", "Module defaults"),
    "check_mode_dry": ("playbook_guide/playbooks_checkmode.html#check-mode-dry", "Validating tasks: check mode and diff mode"),
    "vault_guide_index": ("vault_guide/index.html#vault-guide-index", "Protecting sensitive data with Ansible vault"),
}
lines = ["%s std:label -1 %s %s" % (name, uri, title) for name, (uri, title) in sorted(LABELS.items())]
header = (
    "# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n"
    "# The remainder of this file is compressed using zlib.\n"
)
with open(os.path.join(site, "ansible_devel.inv"), "wb") as f:
    f.write(header.encode("utf-8") + zlib.compress(("\n".join(lines) + "\n").encode("utf-8")))

with open(os.path.join(site, "conf.py"), "a", encoding="utf-8") as f:
    f.write(
        "\n# tools/docs.sh: offline, one local inventory for the docs.ansible.com pages linked to.\n"
        "intersphinx_mapping = {'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', "
        "'%s')}\n" % os.path.join(site, "ansible_devel.inv")
    )
PY

cd "$site"
mkdir -p rst
chmod og-w rst
antsibull-docs --config-file antsibull-docs.cfg collection --cleanup everything --fail-on-error --use-current \
    --squash-hierarchy --dest-dir rst prefect.cloud >/dev/null
sphinx-build -q -b html -W --keep-going -c . rst build/html
echo "docs: file://$site/build/html/index.html"
