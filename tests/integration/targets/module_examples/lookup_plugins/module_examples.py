# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only lookup: every module's EXAMPLES, as one playbook, checked so that no minted key is lost.

    lookup('module_examples')   -> the text of a playbook: each module's EXAMPLES (one play each), as
                                   written in the module, one after the other

Each EXAMPLES block is one play. The plays run in the order of ``module`` names, except those that
change what the others rely on, which come last: ``account_member`` (its exclusive list removes
everyone it does not name) and ``ip_allowlist`` (its last task enforces a list on purpose).

Before it hands the playbook on, the lookup refuses an example that could lose a minted key: a task
of ``bot`` (or ``service_account``) or ``api_key`` that may mint one must ``register`` its result,
and a later task of the same play must use that result's ``api_key`` (``api_keys`` for a list form).
The run itself shows the rest: the keys must be where the examples put them, and work.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: module_examples
short_description: Every module's EXAMPLES as one playbook (integration tests only)
description: Reads the EXAMPLES of the collection's modules and joins them into one playbook.
"""

import ast
import importlib.util
import os
import re

import yaml

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

LAST = ("account_member", "ip_allowlist")
MINTING_MODULES = ("prefect.cloud.bot", "prefect.cloud.service_account", "prefect.cloud.api_key")


def module_files():
    """The collection's module files, in the order their plays run."""
    folder = importlib.util.find_spec("ansible_collections.prefect.cloud.plugins.modules").submodule_search_locations[0]
    names = sorted(n[:-3] for n in os.listdir(folder) if n.endswith(".py") and not n.startswith("_"))
    names = [n for n in names if n not in LAST] + [n for n in LAST if n in names]
    return [(name, os.path.join(folder, name + ".py")) for name in names]


def examples_of(path):
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "EXAMPLES":
            return node.value.value
    raise AnsibleLookupError("%s has no EXAMPLES" % path)


def may_mint(task):
    """Whether a task may return a newly minted key."""
    for name in MINTING_MODULES:
        if name in task:
            args = task[name] or {}
            return args.get("state", "present") != "absent"
    return False


def lost_keys(module, plays):
    """What the examples of ``module`` would lose: one line per minting task whose key no later task keeps."""
    problems = []
    for play in plays:
        tasks = play.get("tasks") or []
        for index, task in enumerate(tasks):
            if not may_mint(task):
                continue
            registered = task.get("register")
            if not registered:
                problems.append("%s: %r mints a key and does not register it" % (module, task.get("name")))
                continue
            used = re.compile(r"\b%s\.api_keys?\b" % re.escape(registered))
            if not any(used.search(yaml.safe_dump(later)) for later in tasks[index + 1:]):
                problems.append("%s: %r registers %s, but no later task keeps its api_key" % (module, task.get("name"), registered))
    return problems


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        texts, problems = [], []
        for module, path in module_files():
            text = examples_of(path)
            plays = yaml.safe_load(text)
            if not (isinstance(plays, list) and len(plays) == 1 and "hosts" in plays[0]):
                problems.append("%s: EXAMPLES must be one play" % module)
                continue
            problems.extend(lost_keys(module, plays))
            texts.append("# ---- %s\n%s" % (module, text.strip("\n")))
        if problems:
            raise AnsibleLookupError("EXAMPLES that would lose a minted key or cannot run:\n" + "\n".join(problems))
        return ["---\n" + "\n\n".join(texts) + "\n"]
