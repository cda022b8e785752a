# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only lookup: the emulator's request log, read on the controller.

A ``uri`` task forks a module process (about half a second of CPU) for what is one local HTTP
GET; a lookup runs inside the controller, so reading the log costs next to nothing. Targets get
it through their dependency on the ``setup_emulator`` role (Ansible loads a role's
``lookup_plugins`` with the role).

    lookup('request_log', 'mark')              -> the newest sequence number (an int), to count from
    lookup('request_log', since=request_log_mark)
    lookup('request_log', tag='create_check')  -> the requests sent through /_tag/create_check/api
    (both keywords may be combined)            -> {'requests': [...], 'reads': [...], 'writes': [...]}

``requests`` are the log entries (``seq``, ``method``, ``path``, ``status``, ``tag``); ``writes`` are
those that change something (not a GET, not a ``/filter`` or ``/count`` read); ``reads`` the rest.
The emulator's address comes from the ``prefect_emulator_url`` variable (written by
tools/integration.sh into integration_config.yml).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: request_log
short_description: The emulator's request log (integration tests only)
description: Reads the emulator's request log on the controller.
options:
  _terms:
    description: C(mark) for the newest sequence number; nothing for the log.
    required: false
  since:
    description: Only requests after this sequence number.
    type: int
  tag:
    description: Only requests sent through C(/_tag/<tag>/api).
    type: str
"""

import json
import re

from ansible.errors import AnsibleError
from ansible.module_utils.six.moves.urllib.parse import urlencode
from ansible.module_utils.urls import open_url
from ansible.plugins.lookup import LookupBase

READ_PATH = re.compile(r"/(filter|count)$")


def is_write(entry):
    return entry["method"] != "GET" and not READ_PATH.search(entry["path"])


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        variables = variables or {}
        base = self._templar.template(variables.get("prefect_emulator_url"))
        if not base:
            raise AnsibleError("request_log: prefect_emulator_url is not set")
        if terms == ["mark"]:
            return [self._get(base + "/_emulator/requests/last")["seq"]]
        if terms:
            raise AnsibleError("request_log: the only term is 'mark', got %r" % (terms,))
        query = {}
        if kwargs.get("since") is not None:
            query["since"] = int(kwargs["since"])
        if kwargs.get("tag") is not None:
            query["tag"] = kwargs["tag"]
        url = base + "/_emulator/requests" + ("?" + urlencode(query) if query else "")
        entries = self._get(url)
        return [
            {
                "requests": entries,
                "reads": [e for e in entries if not is_write(e)],
                "writes": [e for e in entries if is_write(e)],
            }
        ]

    @staticmethod
    def _get(url):
        try:
            response = open_url(url, timeout=30)
            return json.loads(response.read())
        except Exception as exc:  # pylint: disable=broad-except
            raise AnsibleError("request_log: cannot read %s: %s" % (url, exc)) from None
