# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only action: an HTTP request sent from the controller, for fixtures and hooks.

Takes the options of ``ansible.builtin.uri`` that the targets use (``url``, ``method``,
``headers``, ``body``, ``body_format: json``, ``status_code``, ``return_content``,
``timeout``) and returns what they read of its result (``status``, ``json``, ``content``).
``ansible.builtin.uri`` forks a module process for each request (about half a second of CPU);
this runs inside the controller, so the emulator's test hooks (faults, clock, reset) and the
API calls that set up or check a fixture behind the modules' backs cost next to nothing.
Targets get it through their dependency on the ``setup_emulator`` role.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible.errors import AnsibleActionFail
from ansible.module_utils.six.moves.urllib.error import HTTPError
from ansible.module_utils.urls import open_url
from ansible.plugins.action import ActionBase

OPTIONS = {"url", "method", "headers", "body", "body_format", "status_code", "return_content", "timeout"}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        unknown = set(args) - OPTIONS
        if unknown:
            raise AnsibleActionFail("controller_uri: unknown option(s) %s" % ", ".join(sorted(unknown)))
        if "url" not in args:
            raise AnsibleActionFail("controller_uri: url is required")
        method = str(args.get("method", "GET")).upper()
        headers = dict(args.get("headers") or {})
        data = None
        if "body" in args:
            if args.get("body_format", "raw") == "json":
                data = json.dumps(args["body"])
                headers.setdefault("Content-Type", "application/json")
            else:
                data = args["body"]
        expected = args.get("status_code", [200])
        expected = [int(code) for code in (expected if isinstance(expected, list) else [expected])]
        try:
            response = open_url(args["url"], data=data, method=method, headers=headers, timeout=int(args.get("timeout", 30)))
            status, content = response.getcode(), response.read()
        except HTTPError as exc:
            status, content = exc.code, exc.read()
        text = content.decode("utf-8") if content else ""
        result.update(status=status, url=args["url"], changed=False)
        if args.get("return_content"):
            result["content"] = text
        try:
            result["json"] = json.loads(text) if text else None
        except ValueError:
            pass
        if status not in expected:
            result.update(failed=True, msg="Status code was %d and not %s: %s %s" % (status, expected, method, args["url"]))
        return result
