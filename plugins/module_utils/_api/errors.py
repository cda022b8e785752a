# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""The errors a prefect.cloud task can end with. Every message is safe to show: no key or header.

``PrefectCloudError`` is the base the module runner catches. Below it:

* ``APIError``: talking to Prefect Cloud failed (transport, an unexpected answer);
  ``PrefectCloudHTTPError`` when the API answered with an error status,
  ``AmbiguousWriteError`` when a write may or may not have been applied, and
  ``CertificateVerifyError`` when the server's certificate was refused.
* ``ReferenceNotFound``: an object named in the options does not exist.
* ``Refusal``: the module refuses to go on by its own rules (a guard, or input that is
  only seen to be wrong once the account has been read); no request carries the refusal.
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.secrets import redact_secrets


class PrefectCloudError(Exception):
    """Why a task failed; its text is safe to show to users."""

    def __init__(self, message, method=None, path=None, status=None, detail=None):
        super().__init__(redact_secrets(message))
        self.method = method
        self.path = path
        self.status = status
        self.detail = redact_secrets(detail) if isinstance(detail, str) else detail

    @property
    def message(self):
        return str(self)


class APIError(PrefectCloudError):
    """Talking to Prefect Cloud failed."""


class PrefectCloudHTTPError(APIError):
    """The API answered with a status code the caller did not expect."""


class AmbiguousWriteError(APIError):
    """A write that is not safe to resend may or may not have been applied: its response was lost.

    ``in_flight`` is true when the request timed out: the server may still be working on it,
    so what it does may only become visible a little later.
    """

    def __init__(self, message, in_flight=False, **kwargs):
        super().__init__(message, **kwargs)
        self.in_flight = in_flight


class CertificateVerifyError(APIError):
    """The server's TLS certificate was refused: nothing was sent, and retrying cannot help."""


class ReferenceNotFound(PrefectCloudError):
    """A referenced object (by name, email, handle or id) does not exist.

    ``creatable`` says whether a task of this collection could create it: check mode
    assumes an earlier task of the play does so, but only for what a task can create.
    """

    def __init__(self, label, ref, hint=None, creatable=True):
        super().__init__("%s %r not found%s" % (label, ref, "; " + hint if hint else ""))
        self.label = label
        self.ref = ref
        self.creatable = creatable


class Refusal(PrefectCloudError):
    """The module will not do what was asked: a guard, or input the account shows to be wrong.

    A refusal may come after part of the task was written (a guard that could only decide
    once a first write was made): ``changed`` then says so, and the failed task reports it.
    ``result`` holds fields the failed task returns beside ``msg`` (what the guard decided).
    """

    def __init__(self, message, changed=False, result=None):
        super().__init__(message)
        self.changed = changed
        self.result = dict(result or {})
