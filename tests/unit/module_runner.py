"""Run a module's ``main()`` in the test process and hand back its result.

The module reads its arguments the way it does under Ansible (``ANSIBLE_MODULE_ARGS``),
and ``exit_json``/``fail_json`` are caught instead of ending the process, so a test sees
exactly the result a task would: ``changed``, ``msg``, ``diff``, the returned object,
and the warnings. Works with ansible-core 2.16 (``basic._ANSIBLE_ARGS``) and newer
(``ansible.module_utils.testing.patch_module_args``).
"""

import contextlib
import json
from unittest import mock

from ansible.module_utils import basic

from ansible_collections.prefect.cloud.plugins.module_utils._api.client import PrefectCloudClient

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19

    @contextlib.contextmanager
    def patch_module_args(args):
        with mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()):
            yield


class _Exited(Exception):
    def __init__(self, result):
        super().__init__(result.get("msg"))
        self.result = result


def run(module, args, check_mode=False, diff=True):
    """The result of ``module.main()`` with ``args``: ``failed`` says whether it called ``fail_json``.

    ``result["warnings"]`` lists the warnings, and ``result["_requests"]`` every request the
    client was asked to send: ``{method, path, json, params, safe_to_resend}``.
    """
    warnings = []
    requests = []
    send = PrefectCloudClient.request

    def recording_request(self, method, path, json=None, params=None, safe_to_resend=None):
        requests.append({"method": method, "path": path, "json": json, "params": params, "safe_to_resend": safe_to_resend})
        return send(self, method, path, json=json, params=params, safe_to_resend=safe_to_resend)
    args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)

    def exit_json(self, **result):
        raise _Exited(dict(result, failed=False))

    def fail_json(self, msg, **result):
        raise _Exited(dict(result, msg=msg, failed=True))

    def warn(self, warning):
        warnings.append(warning)

    patches = [
        patch_module_args(args),
        mock.patch.object(basic.AnsibleModule, "exit_json", exit_json),
        mock.patch.object(basic.AnsibleModule, "fail_json", fail_json),
        mock.patch.object(basic.AnsibleModule, "warn", warn),
        mock.patch.object(basic.AnsibleModule, "_log_invocation", lambda self: None),
        mock.patch.object(PrefectCloudClient, "request", recording_request),
    ]
    result = None
    with contextlib.ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        try:
            module.main()
        except _Exited as exited:
            result = exited.result
    if result is None:
        raise AssertionError("%s.main() returned without exit_json or fail_json" % module.__name__)
    result["warnings"] = warnings
    result["_requests"] = requests
    return result
