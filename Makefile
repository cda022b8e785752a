# prefect.cloud: the front door for developers and CI (CONTRIBUTING.md explains each target).
# Every target sets up what it needs, and installs only that; a fresh machine needs only Python 3 and make.
#
#   make demo                          the emulator and the collection at work
#   make test                          every check, two at a time, with a table of what each cost: lint, docs,
#                                      units, sanity, integration (both cores), package, awx-run, ee,
#                                      changelog-check, reliability, CLI contract
#   make emulator PORT=8686 SEED=f.yml the emulator in the foreground (built-in demo seed without SEED)
#   make venv | venv-oldest            the virtual environments (.venv: newest core, every tool; .venv-2.16:
#                                      oldest core, test runners only)
#   make sanity | units | integration | lint   one kind of check
#   make reliability                   playbooks: TLS, faults, no key in any output
#   make smoke | smoke-oldest          make, check and delete a small environment; the emulator's assumptions
#                                      (SMOKE_REAL=1 SMOKE_CONFIRM=<account>: against a real test account)
#   make cli-contract                  the official Prefect CLI against the emulator (tests/prefect_cli)
#   make review-browser                the access review page in headless Chromium (tests/browser)
#   make benchmark                     emulator throughput, module cost, access, object ACLs, the role and the review at scale
#   make docs                          the docs site (plugin pages and guides) into .cache/docs/build/html
#   make package                       build the tarball, check its files, run it installed against the emulator
#   make awx-run                       site.yml and audit.yml through ansible-runner as AWX runs them (no key leaks, audit artifact)
#   make ee                            execution-environment.yml into an ansible-builder build context, checked
#   make changelog-check               fragments for every change (tools/check_fragments.py), a trial render
#   make changelog                     the release step: render CHANGELOG.rst from the fragments (antsibull-changelog)
#   make clean | distclean             remove the caches | and the virtual environments

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.NOTPARALLEL:
.DEFAULT_GOAL := help

TOP := $(abspath .)

VENV := $(TOP)/.venv
VENV_OLDEST := $(TOP)/.venv-2.16
# Python minor versions (min max) and ansible-core of the newest and the oldest supported set-up.
PY_NEWEST := 12 13
PY_OLDEST := 11 11
CORE_NEWEST := ansible-core==2.21.*
CORE_OLDEST := ansible-core==2.16.*

PORT ?= 8686
SEED ?=
# Extra arguments, e.g. make units PYTEST_ARGS='-n 2 -k team', make sanity SANITY_ARGS='--test pep8'
PYTEST_ARGS ?=
SANITY_ARGS ?=
INTEGRATION_ARGS ?=
ROLE_SCALE_ARGS ?=

# The steps of make test, longest first (tools/run_steps.py starts them in this order).
TEST_STEPS := integration-newest integration-oldest lint reliability cli-contract units-newest units-oldest \
              units-emulator sanity-newest sanity-oldest units-tools smoke package review-browser awx-run docs ee \
              changelog-check
# Changes judged by make changelog-check: after the latest release tag or the commit that brought
# the rule, or after this revision when given (make changelog-check FRAGMENTS_SINCE=<rev>).
FRAGMENTS_SINCE ?=

.PHONY: benchmark help venv venv-oldest sanity sanity-newest sanity-oldest units units-newest units-oldest \
        units-emulator units-tools integration integration-newest integration-oldest lint docs test demo emulator \
        package awx-run ee changelog changelog-check reliability cli-contract review-browser smoke smoke-oldest clean \
        distclean

help:
	@sed -n '2,24s/^# \{0,1\}//p' Makefile

# A target asks for the tier of requirements it runs (tools/bootstrap_venv.sh): run (ansible-core,
# requests, the emulator), test (+ the test runners) or dev (+ linters, docs, changelog, AWX runner,
# builder). The oldest core's environment never needs dev.
newest = @tools/bootstrap_venv.sh $(VENV) "$$(tools/find_python.sh $(PY_NEWEST))" '$(CORE_NEWEST)' $(1)
oldest = @tools/bootstrap_venv.sh $(VENV_OLDEST) "$$(tools/find_python.sh $(PY_OLDEST))" '$(CORE_OLDEST)' $(1)

venv:
	$(call newest,dev)

venv-oldest:
	$(call oldest,test)

# --- sanity: ansible-test in a collection tree copy of its own (tools/sanity.sh)
sanity: sanity-newest sanity-oldest

sanity-newest:
	$(call newest,run)
	@tools/sanity.sh $(VENV) $(SANITY_ARGS)

# The oldest core on its own Python only: what differs there is the core (its validate-modules,
# its module_utils under the import test), not the Python; sanity-newest compiles and imports the
# modules on every Python 3.9+ found.
sanity-oldest:
	$(call oldest,run)
	@tools/sanity.sh $(VENV_OLDEST) --python 3.$(word 1,$(PY_OLDEST)) $(SANITY_ARGS)


# --- units: pytest; ansible_collections.prefect.cloud imports from the tree copy ------------
units: units-emulator units-tools units-newest units-oldest

units-newest:
	$(call newest,test)
	@$(MAKE) --no-print-directory _units UNITS_VENV=$(VENV)

units-oldest:
	$(call oldest,test)
	@$(MAKE) --no-print-directory _units UNITS_VENV=$(VENV_OLDEST)

# pytest exits 5 when it collects no test (no module unit tests yet): that is not a failure.
_units:
	@tree=$$(tools/collection_tree.sh); cd "$$tree"; [ -d tests/unit ] || exit 0; \
	 PYTHONPATH=$(TOP)/.cache/collections:$(TOP)/tests/emulator \
	     $(UNITS_VENV)/bin/python -m pytest -p no:cacheprovider tests/unit $(PYTEST_ARGS) || [ $$? -eq 5 ]

units-emulator:
	$(call newest,test)
	@PYTHONPATH=$(TOP)/tests/emulator $(VENV)/bin/python -m pytest -p no:cacheprovider tests/emulator/tests $(PYTEST_ARGS) \
	     || [ $$? -eq 5 ]

# The development tools (tools/tests): the fragment rule, the AWX job checks, the shipped AWX files
# (the credential type playbook runs on the newest and the oldest core, hence both environments).
# test_artifact.py runs in make package, on the tarball it installs.
units-tools:
	$(call newest,test)
	$(call oldest,test)
	@$(VENV)/bin/python -m pytest -p no:cacheprovider --ignore tools/tests/test_artifact.py tools/tests $(PYTEST_ARGS) \
	     || [ $$? -eq 5 ]

# --- integration: ansible-test against the emulator (tools/integration.sh) -----------------
integration: integration-newest integration-oldest

integration-newest:
	$(call newest,run)
	@tools/integration.sh $(VENV) $(INTEGRATION_ARGS)

# On the oldest core, the targets whose outcome can depend on the core (roles, playbooks, lookups,
# filters, templating, every module's EXAMPLES): those with the alias oldest_core. The role's targets
# run every kind of module plan there (single object, bulk form, minted secret, object ACLs).
# What every module does over HTTP is the same Python on both cores; the unit tests (both cores)
# run each module's main() through that core's AnsibleModule.
integration-oldest:
	$(call oldest,run)
	@tools/integration.sh $(VENV_OLDEST) $(or $(INTEGRATION_ARGS),oldest_core/)

# --- reliability: ansible-playbook against the emulator (tests/reliability/README.md) -------
# TLS, secrets in every output, convergence under faults. One emulator process per
# test file; the files run two at a time (a whole file in one worker: its runs build on each other).
reliability:
	$(call newest,test)
	@tools/collection_tree.sh >/dev/null; \
	 $(VENV)/bin/python -m pytest -p no:cacheprovider -n 2 --dist loadfile -rxXs tests/reliability $(PYTEST_ARGS)

# --- the access review page in a real browser (tests/browser) -------------------------------------
# Headless Chromium (Debian's chromium and chromium-driver, installed when missing) opens the page
# playbooks/access_review.yml writes; a screenshot is kept in .cache/review-browser/.
review-browser:
	$(call newest,test)
	@tools/ensure_chromium.sh
	@tools/collection_tree.sh >/dev/null; \
	 $(VENV)/bin/python -m pytest -p no:cacheprovider -q tests/browser $(PYTEST_ARGS)

# --- smoke: one playbook that makes, checks and deletes a small environment (tests/smoke/README.md)
# Against the emulator (the newest or the oldest core), or against a dedicated test account:
#   make smoke SMOKE_REAL=1 SMOKE_CONFIRM=<account handle>                  (PREFECT_API_KEY, PREFECT_CLOUD_ACCOUNT_ID set)
#   make smoke SMOKE_REAL=1 SMOKE_CONFIRM=<account handle> SMOKE_CLEANUP=smoke-xxxxxxxx   after an interrupted run
SMOKE_REAL ?=
SMOKE_CONFIRM ?=
SMOKE_CLEANUP ?=
SMOKE_ARGS ?=

smoke:
	$(call newest,run)
	@tools/collection_tree.sh >/dev/null
	@$(VENV)/bin/python tools/smoke.py --venv $(VENV) \
	     $(if $(SMOKE_REAL),--real --confirm '$(SMOKE_CONFIRM)' $(if $(SMOKE_CLEANUP),--cleanup '$(SMOKE_CLEANUP)')) -- $(SMOKE_ARGS)

smoke-oldest:
	$(call oldest,run)
	@tools/collection_tree.sh >/dev/null
	@$(VENV_OLDEST)/bin/python tools/smoke.py --venv $(VENV_OLDEST) -- $(SMOKE_ARGS)

# --- the official client: prefect (pinned, own cached venv) drives the emulator ---------------
# Skips, saying why, only when the prefect package cannot be installed (tests/prefect_cli/run.sh).
cli-contract:
	$(call newest,test)
	@tests/prefect_cli/run.sh $(PYTEST_ARGS)

# --- lint ----------------------------------------------------------------------------------
# Every linter runs; the target fails at the end if any of them did.
lint:
	$(call newest,dev)
	@failed=""; tree=$$(tools/collection_tree.sh); export PATH=$(VENV)/bin:$$PATH; \
	 echo "==> yamllint"; yamllint --strict . || failed="$$failed yamllint"; \
	 echo "==> ruff"; ruff check --no-cache . || failed="$$failed ruff"; \
	 echo "==> antsibull-changelog lint"; antsibull-changelog lint || failed="$$failed antsibull-changelog"; \
	 awx=$$(tools/awx_collection.sh $(VENV)/bin/python); \
	 echo "==> ansible-playbook --syntax-check: the AWX playbooks (with awx.awx) and the AWX project's playbooks"; \
	 for playbook in playbooks/awx_credential_type.yml playbooks/awx_job_templates.yml extensions/awx/project/prefect_cloud_*.yml; do \
	     ANSIBLE_COLLECTIONS_PATH=$(TOP)/.cache/collections:$$awx ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
	         ansible-playbook --syntax-check "$$playbook" >/dev/null || failed="$$failed syntax-check($$playbook)"; \
	 done; \
	 echo "==> ansible-lint (production profile)"; \
	 (cd "$$tree" && ANSIBLE_COLLECTIONS_PATH=$(TOP)/.cache/collections:$$awx ansible-lint) || failed="$$failed ansible-lint"; \
	 echo "==> antsibull-docs lint-collection-docs (plugin docs, docs/docsite: extra-docs.yml, links.yml, the guides)"; \
	 (cd "$$tree" && ANSIBLE_COLLECTIONS_PATH=$(TOP)/.cache/collections \
	     antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs .) || failed="$$failed antsibull-docs"; \
	 if [ -n "$$failed" ]; then echo "lint FAILED:$$failed" >&2; exit 1; fi

# --- docs: the docs site, offline, warnings are errors (tools/docs.sh) ----------------------
docs:
	$(call newest,dev)
	@tools/docs.sh $(VENV)

# --- packaging, AWX, execution environment ------------------------------------------------
# On the newest and the oldest supported ansible-core (each builds, installs and runs the tarball).
package:
	$(call newest,test)
	$(call oldest,test)
	@tools/package_check.sh $(VENV)
	@tools/package_check.sh $(VENV_OLDEST)

awx-run:
	$(call newest,dev)
	@tools/awx_run.sh $(VENV)

ee:
	$(call newest,dev)
	@tools/ee_check.sh $(VENV)

# --- release: changelog fragments ------------------------------------------------------------
# The release step: renders CHANGELOG.rst and changelogs/changelog.yaml for the version in
# galaxy.yml and removes the fragments it used. Commit the result and tag the release.
changelog:
	$(call newest,dev)
	@PATH=$(VENV)/bin:$$PATH antsibull-changelog release
	@git status --short CHANGELOG.rst changelogs

# What CI checks: every change since the base has its fragment, and the release step renders
# (in a throwaway copy of the collection tree, so the checkout stays as it is).
changelog-check:
	$(call newest,dev)
	@$(VENV)/bin/python tools/check_fragments.py $(if $(FRAGMENTS_SINCE),--since $(FRAGMENTS_SINCE))
	@PATH=$(VENV)/bin:$$PATH tools/changelog_trial.sh

# --- test: every check, TEST_JOBS at a time (default: one per CPU), longest first ------------
# Every step runs whatever the others do; each step's output is printed in one piece when it ends,
# then a table of each step's wall and CPU seconds (tools/run_steps.py). The environments and the
# shared collection tree are made first, so that no two steps install or sync at the same time.
test:
	$(call newest,dev)
	$(call oldest,test)
	@tools/collection_tree.sh >/dev/null
	@$(VENV)/bin/python tools/run_steps.py $(TEST_STEPS)

# --- benchmarks (benchmarks/README.md): emulator throughput, module cost, access at scale, ----
# object ACLs of a workspace of 50 objects, the environments role on ~1,000 objects, the access review of
# 360 members (figures in .cache/benchmarks/; e.g. ROLE_SCALE_ARGS='--latency-ms 0 --only noop')
benchmark:
	$(call newest,test)
	@$(VENV)/bin/python benchmarks/emulator_throughput.py
	@$(VENV)/bin/python benchmarks/module_cost.py
	@$(VENV)/bin/python benchmarks/access_scale.py
	@$(VENV)/bin/python benchmarks/object_access.py
	@$(VENV)/bin/python benchmarks/role_scale.py $(ROLE_SCALE_ARGS)
	@$(VENV)/bin/python benchmarks/review_scale.py
	@$(VENV)/bin/python benchmarks/role_vs_uri.py

# --- the demo and the emulator -------------------------------------------------------------
demo:
	$(call newest,run)
	@PYTHON=$(VENV)/bin/python tools/demo.sh

emulator:
	$(call newest,run)
	PYTHONPATH=$(TOP)/tests/emulator $(VENV)/bin/python -m prefect_cloud_emulator --host 127.0.0.1 --port $(PORT) \
	    $(if $(SEED),--seed $(abspath $(SEED)))

clean:
	rm -rf .cache tests/output .pytest_cache .ruff_cache tests/integration/integration_config.yml
	find . \( -path ./.git -o -path './.venv*' \) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(VENV_OLDEST)
