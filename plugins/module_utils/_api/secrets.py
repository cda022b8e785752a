# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""What counts as a secret on the wire, and how it is kept out of everything we hand back.

Prefect API keys look like ``pnu_...`` (users) and ``pnb_...`` (service accounts); a few
response fields carry secrets outright. Text and objects pass through here before they
reach a result, a diff, a warning or an error.
"""

import re

# Anything shaped like a Prefect API key is masked in text we hand back to Ansible.
API_KEY_PATTERN = re.compile(r"pn[ub]_[A-Za-z0-9]{8,}")

# Response fields that hold a secret (a plaintext key, an invitation code).
SECRET_FIELDS = frozenset(("key", "api_key_value", "token", "invite_code"))


def redact_secrets(text):
    """Return ``text`` with everything that looks like a Prefect API key masked."""
    if not isinstance(text, str):
        return text
    return API_KEY_PATTERN.sub("pn*_********", text)


def sanitize(value):
    """A deep copy of ``value`` without secret fields, and with key-shaped strings masked."""
    if isinstance(value, dict):
        return {k: sanitize(v) for k, v in value.items() if k not in SECRET_FIELDS}
    if isinstance(value, list):
        return [sanitize(v) for v in value]
    if isinstance(value, str):
        return redact_secrets(value)
    return value
