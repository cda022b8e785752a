r"""Bad input, swept over every module: refused before any request, naming the option.

The one table of bad input is ``REFUSED`` (and ``SERVER_JUDGED``) below; a case is one line.
Each case runs the module's real ``main()`` in this process (``module_runner``), so its options
go through the real ``AnsibleModule`` argument handling - types such as ``validate.STRING``,
environment fallbacks, mutually exclusive options - of the ansible-core under test:
``make units-newest`` runs the sweep on ansible-core 2.21, ``make units-oldest`` on 2.16.

The connection comes from ``PREFECT_CLOUD_API_URL`` and ``PREFECT_API_KEY``, as on a CI runner
or in AWX, unless the case gives ``api_url`` or ``api_key``; the URL is tagged with the case's id
(``/_tag/<id>/api``), so the emulator's request log tells what each case sent. Every case asserts:

- the task failed, and its message contains the case's text, which names one of the module's
  options (by its name, or in words: "account role 'member' not found"; a test of the table
  checks that);
- ``REFUSED``: nothing was sent - the module's client was asked for no request, and the
  emulator saw none;
- ``SERVER_JUDGED``: the run read (the server judged it) and wrote nothing, in check mode as in
  the real run;
- no API key is in the result.

Option values are only checked, never looked up, so they need not exist in the unit seed -
except in ``SERVER_JUDGED`` cases, which run from the unit seed (the emulator is reset first).

To add a case, add a line to the module's list: a name for the case, the options as the module
receives them from a task (``None`` for an option given with no value, ``"ci\u200b"`` for an
invisible character, a list or a dict for a wrong type), and the text the message must contain.
Run it with ``make units-newest PYTEST_ARGS='-k bad_input'`` and ``make units-oldest`` likewise.
"""

import collections
import copy
import functools
import importlib
import json
import pkgutil
import re

import pytest
import yaml

from ansible_collections.prefect.cloud.plugins.module_utils._engine.connection import CONNECTION_OPTIONS

from module_runner import run
from unit_seed import OWNER_KEY

MODULES = "ansible_collections.prefect.cloud.plugins.modules"
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

OVERLONG = "x" * 6000  # far past the API document's maxLength of 5000
JUST_OVER = "x" * 5001  # one past it
BAD_KEY_NEWLINE = "pnu_abcdefghij\nklmnopqrstuvwxyz0123456789ABCDEFGH"
BAD_KEY_SPACE = "pnu_abcdefghij klmnopqrstuvwxyz0123456789ABCDEFGH"

Case = collections.namedtuple("Case", "id module options says env check_mode reads")

# The built-in account roles, as the message of an unknown one lists them.
ACCOUNT_ROLES = "the account has: Admin, Collaborator, Member, Owner"
GRANT = {"user": "alice@acme.test", "workspace_role": "Viewer"}
PADDED_GRANT = {"user": " bob@acme.test", "workspace_role": "Viewer"}

# Input refused before any request: {module: [(case, options, says), ...]}. ``says`` is the text
# the failure message must contain (a tuple: each of them), naming one of the module's options; a
# fourth item sets environment variables, to reach an option through its fallback. The case's id,
# for -k and the request log, is "<module>-<case>".
# fmt: off
REFUSED = {
    "workspace_info": [
        # the connection options every module shares, as options and through their environment variables
        ("connection-api_key-inner-newline", {"api_key": BAD_KEY_NEWLINE}, "api_key contains whitespace or control characters"),
        ("connection-api_key-inner-space", {"api_key": BAD_KEY_SPACE}, "api_key contains whitespace or control characters"),
        ("connection-api_key-env-inner-space", {}, "api_key contains whitespace", {"PREFECT_API_KEY": BAD_KEY_SPACE}),
        ("connection-api_url-not-http", {"api_url": "ftp://127.0.0.1/api"}, "api_url must be an http(s) URL"),
        ("connection-api_url-env-not-http", {}, "api_url must be an http(s) URL", {"PREFECT_CLOUD_API_URL": "ftp://127.0.0.1/api"}),
        ("connection-request_timeout-zero", {"request_timeout": 0}, "request_timeout must be a positive number"),
        ("connection-request_timeout-text", {"request_timeout": "soon"}, "argument 'request_timeout' is of type"),
        ("connection-max_retries-negative", {"max_retries": -1}, "max_retries must be 0 or more, got -1"),
        ("connection-validate_certs-text", {"validate_certs": "perhaps"}, "argument 'validate_certs' is of type"),
        ("connection-validate_certs-env-text", {}, "argument 'validate_certs' is of type", {"PREFECT_API_TLS_INSECURE_SKIP_VERIFY": "perhaps"}),
        ("connection-ca_path-missing", {"ca_path": "/nonexistent/ca.pem"}, "ca_path '/nonexistent/ca.pem' is not a readable file"),
        ("connection-ca_path-env-missing", {}, "ca_path '/nonexistent/ca.pem' is not a readable file", {"PREFECT_API_SSL_CERT_FILE": "/nonexistent/ca.pem"}),
        # workspace_info's own
        ("handle-invalid", {"handle": ["prod", "Bad Handle"]}, "handle[1]: a handle takes only"),
    ],
    "workspace": [
        ("handle-empty", {"handle": ""}, "handle must not be empty"),
        ("handle-invalid", {"handle": "Bad Handle!/?"}, "handle: a handle takes only lowercase letters, numbers and dashes"),
        ("handle-padded", {"handle": " production "}, "handle must not have whitespace around it"),
        ("handle-list", {"handle": ["prod", "dev"]}, "argument 'handle' is of type"),
        ("handle-dict", {"handle": {"prod": 1}}, "argument 'handle' is of type"),
        ("name-overlong", {"handle": "prod", "name": OVERLONG}, "name must be at most 5000 characters, got 6000"),
        ("name-blank", {"handle": "prod", "name": "  "}, "name must not be empty"),
        ("name-one-space", {"handle": "prod", "name": " "}, "name must not be empty"),
        ("description-overlong", {"handle": "prod", "description": OVERLONG}, "description must be at most 5000 characters, got 6000"),
        ("description-just-over", {"handle": "prod", "description": JUST_OVER}, "description must be at most 5000 characters, got 5001"),
        ("default_workspace_role-padded", {"handle": "prod", "default_workspace_role": " Viewer"}, "default_workspace_role must not have whitespace"),
        ("name-newline", {"handle": "prod", "name": "Prod\nuction"}, "name must hold no invisible or control character"),
        ("workspaces-null", {"workspaces": None}, "workspaces is null"),
        ("state-unknown", {"handle": "dev", "state": "gone"}, "value of state must be one of"),
    ],
    "bot": [
        ("name-empty", {"name": ""}, "name must not be empty"),
        ("name-blank", {"name": "   "}, "name must not be empty"),
        ("name-dict", {"name": {"a": 1}}, "argument 'name' is of type"),
        ("name-list", {"name": ["ci"]}, "argument 'name' is of type"),
        ("name-boolean", {"name": True}, "argument 'name' is of type"),
        ("name-overlong", {"name": OVERLONG}, "name must be at most 5000 characters, got 6000"),
        ("name-just-over", {"name": JUST_OVER}, "name must be at most 5000 characters, got 5001"),
        ("account_role-empty", {"name": "ci", "account_role": ""}, "account_role must not be empty"),
        ("expiration-overflow", {"name": "ci", "api_key_expiration": "99999999d"}, "api_key_expiration: '99999999d' is too far in the future"),
        ("expiration-past", {"name": "ci", "api_key_expiration": "2001-01-01T00:00:00Z"}, "api_key_expiration: 2001-01-01T00:00:00Z is not in the future"),
        ("expiration-someday", {"name": "ci", "api_key_expiration": "someday"}, "api_key_expiration: expected a duration"),
        ("expiration-next-week", {"name": "b", "api_key_expiration": "next week"}, "api_key_expiration"),
        ("rotate_if_expires_within-overflow", {"name": "ci", "rotate_if_expires_within": "99999999d"}, "rotate_if_expires_within: '99999999d' is too long"),
        ("rotate_if_expires_within-soon", {"name": "ci", "rotate_if_expires_within": "soon"}, "rotate_if_expires_within"),
        ("old_key-over-max", {"name": "ci", "old_key_expires_in_seconds": 172801}, "old_key_expires_in_seconds must be between 0 and 172800"),
        ("old_key-over-max-rotating", {"name": "b", "rotate_api_key": True, "old_key_expires_in_seconds": 172801}, "old_key_expires_in_seconds"),
        ("old_key-negative-rotating", {"name": "b", "rotate_api_key": True, "old_key_expires_in_seconds": -1}, "old_key_expires_in_seconds"),
        ("old_key-text", {"name": "ci", "old_key_expires_in_seconds": "soon"}, "argument 'old_key_expires_in_seconds' is of type"),
        ("rotate_api_key-sometimes", {"name": "ci", "rotate_api_key": "sometimes"}, "argument 'rotate_api_key' is of type"),
        ("rotate_api_key-perhaps", {"name": "b", "rotate_api_key": "perhaps"}, "argument 'rotate_api_key' is of type"),
        ("name-newline", {"name": "ci\nprod"}, "name must hold no invisible or control character"),
        ("name-zero-width-space", {"name": "ci\u200b"}, ("name must hold no invisible", "U+200B ZERO WIDTH SPACE")),
        ("bots-null", {"bots": None}, "bots is null"),
    ],
    "api_key": [
        ("name-empty", {"name": ""}, "name must not be empty"),
        ("name-padded", {"name": " ci "}, "name must not have whitespace around it"),
        ("name-list", {"name": ["ci"]}, "argument 'name' is of type"),
        ("name-overlong", {"name": OVERLONG}, "name must be at most 5000 characters, got 6000"),
        ("expiration-overflow", {"name": "ci", "expiration": "99999999d"}, "expiration: '99999999d' is too far in the future"),
        ("expiration-tomorrow", {"name": "ci", "expiration": "tomorrow"}, "expiration: expected a duration"),
        ("expiration-forever-ish", {"name": "k", "expiration": "forever-ish"}, "expiration"),
    ],
    "invitation": [
        ("workspace-empty", {"email": "dana@example.com", "workspace": ""}, "workspace must not be empty"),
        ("workspace-invalid", {"email": "dana@example.com", "workspace": "Bad Handle"}, "workspace: a handle takes only"),
        ("email-padded", {"email": " dana@example.com "}, "email must not have whitespace around it"),
        ("email-no-domain", {"email": "dana"}, "email: expected an email address"),
        ("email-not-an-email", {"email": "not an email"}, "email: expected an email address"),
        ("email-list", {"email": ["dana@example.com"]}, "argument 'email' is of type"),
        ("workspace-and-role", {"email": "dana@example.com", "workspace": "prod", "account_role": "Member"}, "workspace|account_role"),
        ("account_role-padded", {"email": "dana@example.com", "account_role": " Member"}, "account_role must not have whitespace"),
        ("invitations-null", {"invitations": None}, "invitations is null"),
        ("max_removals-negative", {"invitations": [], "exclusive": True, "max_removals": -1}, "max_removals must be 0 or more, got -1"),
    ],
    "account": [
        ("handle-invalid", {"handle": "Bad Handle!"}, "handle: a handle takes only"),
        ("handle-empty", {"handle": ""}, "handle must not be empty"),
        ("name-empty", {"name": ""}, "name must not be empty"),
        ("name-overlong", {"name": OVERLONG}, "name must be at most 5000 characters, got 6000"),
        ("domains-not-a-domain", {"domains": ["not a domain"]}, "domains[0]: expected a domain name"),
        ("domains-url", {"domains": ["acme.io", "https://acme.io"]}, "domains[1]: expected a domain name"),
        ("link-not-a-url", {"link": "not a url"}, "link: expected an http(s) URL"),
        ("location-overlong", {"location": OVERLONG}, "location must be at most 5000 characters, got 6000"),
        ("location-just-over", {"location": JUST_OVER}, "location must be at most 5000 characters, got 5001"),
        ("settings-unknown-key", {"settings": {"no_such_setting": True}}, "settings: unknown key(s) no_such_setting"),
        ("settings-not-a-boolean", {"settings": {"ai_log_summaries": "maybe"}}, "settings.ai_log_summaries must be a boolean"),
        ("settings-list", {"settings": ["ai_log_summaries"]}, "argument 'settings' is of type"),
        ("settings-text", {"settings": "on"}, "argument 'settings' is of type"),
    ],
    "account_member": [
        ("email-padded", {"email": " alice@acme.test "}, "email must not have whitespace around it"),
        ("email-padded-with-role", {"email": " mia@acme.io ", "account_role": "Member"}, "email must not have whitespace around it"),
        ("email-blank", {"email": "  "}, "email: expected an email address"),
        ("email-empty", {"email": "", "account_role": "Member"}, "email: expected an email address"),
        ("email-no-domain", {"email": "alice"}, "email: expected an email address"),
        ("account_role-empty", {"email": "alice@acme.test", "account_role": ""}, "account_role must not be empty"),
        ("active-sometimes", {"email": "alice@acme.test", "active": "sometimes"}, "argument 'active' is of type"),
        ("members-null", {"members": None}, "members is null"),
        ("members-null-exclusive", {"members": None, "exclusive": True}, "members is null"),
        ("max_removals-negative", {"members": [], "exclusive": True, "max_removals": -1}, "max_removals must be 0 or more, got -1"),
        ("state-unknown", {"email": "mia@acme.io", "state": "gone"}, "value of state must be one of"),
    ],
    "team": [
        ("name-blank", {"name": " "}, "name must not be empty"),
        ("name-empty", {"name": ""}, "name must not be empty"),
        ("name-overlong", {"name": OVERLONG}, "name must be at most 5000 characters, got 6000"),
        ("users-padded", {"name": "ops", "users": [" alice@acme.test "]}, "users[0] must not have whitespace around it"),
        ("users-not-an-email", {"name": "ops", "users": ["alice@acme.test", "bob"]}, "users[1]: expected an email address or a user id"),
        ("users-dict", {"name": "t", "users": {"a": 1}}, "argument 'users' is of type"),
        ("bots-empty", {"name": "ops", "bots": ["ci", ""]}, "bots[1] must not be empty"),
        ("bots-nested-list", {"name": "ops", "bots": [["ci"]]}, "'bots'"),
        ("description-overlong", {"name": "ops", "description": OVERLONG}, "description must be at most 5000 characters, got 6000"),
        ("description-just-over", {"name": "ops", "description": JUST_OVER}, "description must be at most 5000 characters, got 5001"),
        ("purge_members-without-members", {"name": "ops", "purge_members": True}, "purge_members"),
        ("name-zero-width-space", {"name": "ops\u200b"}, "name must hold no invisible or control character"),
        ("teams-bell", {"teams": [{"name": "ops"}, {"name": "o\x07ps"}]}, ("teams[1]: name must hold no invisible", "U+0007")),
        ("teams-null", {"teams": None}, "teams is null"),
    ],
    "workspace_role": [
        ("name-empty", {"name": ""}, "name must not be empty"),
        ("name-empty-scopes", {"name": "", "scopes": ["see_flows"]}, "name must not be empty"),
        ("description-141", {"name": "runner", "description": "x" * 141}, "description must be at most 140 characters, got 141"),
        ("description-141-scopes", {"name": "r", "description": "d" * 141, "scopes": ["see_flows"]}, "description must be at most 140 characters, got 141"),
        ("scopes-blank", {"name": "runner", "scopes": ["see_flows", " "]}, "scopes[1] must not be empty"),
        ("inherited_role-padded", {"name": "runner", "inherited_role": " Viewer "}, "inherited_role must not have whitespace"),
    ],
    "workspace_access": [
        ("workspace-empty", {"workspace": "", "user": "alice@acme.test", "workspace_role": "Viewer"}, "workspace must not be empty"),
        ("workspace-empty-team", {"workspace": "", "team": "t", "workspace_role": "Viewer"}, "workspace must not be empty"),
        ("workspace-padded", {"workspace": " prod", "user": "alice@acme.test", "workspace_role": "Viewer"}, "workspace must not have whitespace"),
        ("user-padded", {"workspace": "prod", "user": " alice@acme.test ", "workspace_role": "Viewer"}, "user must not have whitespace around it"),
        ("workspace_role-empty", {"workspace": "prod", "bot": "ci", "workspace_role": ""}, "workspace_role must not be empty"),
        ("grants-user-padded", {"workspace": "prod", "grants": [GRANT, PADDED_GRANT]}, "grants[1].user must not have whitespace around it"),
        ("grants-workspace_role-list", {"workspace": "prod", "grants": [{"team": "ops", "workspace_role": ["Viewer"]}]}, "workspace_role"),
        ("grants-no-accessor", {"workspace": "dev", "grants": [{"workspace_role": "Viewer"}]}, "grants[0] must name exactly one of user, bot or team"),
        ("user-and-team", {"workspace": "prod", "user": "alice@acme.test", "team": "ops", "workspace_role": "Viewer"}, "user|bot|team|grants"),
        ("user-and-team-without-role", {"workspace": "dev", "user": "mia@acme.io", "team": "t"}, "user|bot|team|grants"),
        ("nobody", {"workspace": "dev", "workspace_role": "Viewer"}, "one of the following is required: user, bot, team, grants"),
        ("exclusive-absent", {"workspace": "prod", "grants": [], "exclusive": True, "state": "absent"}, "exclusive cannot be combined with state=absent"),
        ("team-word-joiner", {"workspace": "prod", "team": "ops\u2060", "workspace_role": "Viewer"}, "team must hold no invisible"),
        ("grants-null", {"workspace": "prod", "grants": None}, "grants is null"),
        ("max_removals-negative", {"workspace": "prod", "grants": [], "exclusive": True, "max_removals": -1}, "max_removals must be 0 or more"),
        ("removable_collaborators-not-an-email", {"workspace": "prod", "grants": [], "removable_collaborators": ["carol"]},
         "removable_collaborators[0]: expected an email address"),
    ],
    "work_pool_access": [
        ("workspace-empty", {"workspace": "", "work_pool": "k8s", "view": {"everyone": True}}, "workspace must not be empty"),
        ("work_pool-padded", {"workspace": "prod", "work_pool": " k8s", "view": {"everyone": True}}, "work_pool must not have whitespace"),
        ("no-level", {"workspace": "prod", "work_pool": "k8s"}, "give at least one of manage, run, view"),
        ("level-and-absent", {"workspace": "prod", "work_pool": "k8s", "state": "absent", "run": {"everyone": True}},
         "run cannot be combined with state=absent"),
        ("users-dict", {"workspace": "prod", "work_pool": "k8s", "run": {"users": {"a": 1}}}, ("argument 'users' is of type", "found in 'run'")),
        ("users-not-an-email", {"workspace": "prod", "work_pool": "k8s", "run": {"users": ["mia"]}}, "run.users[0]: expected an email address"),
        ("users-repeated", {"workspace": "prod", "work_pool": "k8s", "view": {"users": ["a@acme.test", "A@acme.test"]}},
         "view.users[1] repeats"),
        ("everyone-perhaps", {"workspace": "prod", "work_pool": "k8s", "view": {"everyone": "perhaps"}}, ("argument 'everyone' is of type", "found in 'view'")),
        ("entry-no-level", {"workspace": "prod", "work_pools": [{"work_pool": "k8s"}]}, "work_pools[0]: give at least one of manage"),
        ("pool-and-pools", {"workspace": "prod", "work_pool": "k8s", "work_pools": []}, "work_pool|work_pools"),
        ("entries-repeated",
         {"workspace": "prod", "work_pools": [{"work_pool": "a", "run": {"everyone": True}}, {"work_pool": "a", "view": {"everyone": True}}]},
         "work_pools[1] repeats the work_pool 'a' of work_pools[0]"),
        ("level-beside-entries", {"workspace": "prod", "run": {"everyone": True}, "work_pools": [{"work_pool": "a"}]},
         "run cannot be combined with work_pools"),
    ],
    "deployment_access": [
        ("deployment-without-flow", {"workspace": "prod", "deployment": "nightly", "view": {"everyone": True}},
         "deployment: expected '<flow name>/<deployment name>'"),
        ("bots-empty", {"workspace": "prod", "deployment": "etl/nightly", "run": {"bots": [""]}}, "run.bots[0] must not be empty"),
    ],
    "block_access": [
        ("block-without-slug", {"workspace": "prod", "block": "/raw-data", "view": {"everyone": True}},
         "block: expected '<block type slug>/<block name>'"),
        ("run-level", {"workspace": "prod", "block": "secret/x", "run": {"everyone": True}}, ("Unsupported parameters", "module: run.", "manage")),
        ("teams-padded", {"workspace": "prod", "block": "secret/x", "view": {"teams": [" ops"]}}, "view.teams[0] must not have whitespace"),
    ],
    "ip_allowlist": [
        ("entries-not-a-network", {"entries": [{"ip_network": "office-vpn"}]}, ("entries[0]", "office-vpn")),
        ("entries-null-exclusive", {"entries": None, "exclusive": True}, "entries is null"),
    ],
    "account_member_info": [
        ("email-padded", {"email": [" alice@acme.test"]}, "email[0] must not have whitespace around it"),
        ("email-not-an-email", {"email": ["alice"]}, "email[0]: expected an email address"),
        ("account_role-empty", {"account_role": [""]}, "account_role[0] must not be empty"),
    ],
    "account_role_info": [
        ("name-blank", {"name": ["Owner", " "]}, "name[1] must not be empty"),
    ],
    "api_key_info": [
        ("name-empty", {"name": ""}, "name must not be empty"),
        ("expires_within-overflow", {"expires_within": "99999999d"}, "expires_within: '99999999d' is too long"),
        ("expires_within-a-while", {"expires_within": "a while"}, "expires_within"),
    ],
    "bot_info": [
        ("name-padded", {"name": [" ci"]}, "name[0] must not have whitespace around it"),
        ("expires_within-overflow", {"expires_within": "99999999d"}, "expires_within: '99999999d' is too long"),
        ("expires_within-later", {"expires_within": "later"}, "expires_within"),
    ],
    "invitation_info": [
        ("email-padded", {"email": ["dana@example.com "]}, "email[0] must not have whitespace around it"),
        ("workspace-empty", {"workspace": ""}, "workspace must not be empty"),
        ("status-list", {"status": ["pending"]}, "status"),
    ],
    "me_info": [
        ("workspace-invalid", {"workspace": "Bad Handle"}, "workspace: a handle takes only"),
        ("require_permissions-empty", {"require_permissions": [""]}, "require_permissions[0] must not be empty"),
    ],
    "team_info": [
        ("name-empty", {"name": [""]}, "name[0] must not be empty"),
    ],
    "workspace_access_info": [
        ("workspace-padded", {"workspace": " prod"}, "workspace must not have whitespace around it"),
        ("user-not-an-email", {"workspace": "prod", "user": ["bob"]}, "user[0]: expected an email address or a user id"),
    ],
    "workspace_role_info": [
        ("name-padded", {"name": [" Runner"]}, "name[0] must not have whitespace around it"),
    ],
    "work_pool_access_info": [
        ("workspace-invalid", {"workspace": "Bad Handle"}, "workspace: a handle takes only"),
        ("work_pool-blank", {"workspace": "prod", "work_pool": [" "]}, "work_pool[0] must not be empty"),
    ],
    "deployment_access_info": [
        ("deployment-without-flow", {"workspace": "prod", "deployment": ["nightly"]}, "deployment[0]: expected '<flow name>/<deployment name>'"),
    ],
    "block_access_info": [
        ("block-without-name", {"workspace": "prod", "block": ["secret/"]}, "block[0]: expected '<block type slug>/<block name>'"),
    ],
    "audit_event_info": [
        ("since-last-tuesday", {"since": "last tuesday"}, "since: expected a duration before now (such as 24h or 7d) or an ISO 8601"),
        ("until-soon", {"until": "soon"}, "until: expected a duration before now"),
        ("include_related-without-kind", {"include_related": True}, "include_related needs resource_kind"),
        ("resource_name-without-kind", {"resource_name": "ops"}, "resource_kind"),
        ("resource_kind-unknown", {"resource_kind": "work-pool"}, "resource_kind"),
        ("max_events-zero", {"max_events": 0}, "max_events must be 1 or more"),
        ("actor-padded", {"actor": [" dan@acme.test"]}, "actor[0] must not have whitespace around it"),
        ("workspace-invalid", {"workspace": ["Bad Handle"]}, "workspace[0]: a handle takes only"),
    ],
    "access_review_info": [
        ("previous_csv-missing", {"previous_csv": "/nonexistent/review.csv"}, "previous_csv: cannot read /nonexistent/review.csv"),
        ("previous_csv-not-a-review", {"previous_csv": "/dev/null"}, "previous_csv: cannot read /dev/null as an earlier review (not an access review CSV"),
        ("workspace-invalid", {"workspace": ["Bad Handle"]}, "workspace[0]: a handle takes only"),
        ("render-pdf", {"render": ["pdf"]}, "render"),
    ],
}

# References only the server can judge: {module: [(case, options, says), ...]}, each run in check
# mode ("<module>-<case>-check") and for real ("-real"), from the unit seed. No task creates an
# account role, so an unknown one fails in check mode as in the real run; role names match
# exactly, as the API's name filter does ("member" is not "Member").
SERVER_JUDGED = {
    "bot": [
        ("account_role-wrong-case", {"name": "role-case-bot", "account_role": "member"}, ("account role 'member' not found", ACCOUNT_ROLES)),
    ],
    "invitation": [
        ("account_role-wrong-case", {"email": "dana@example.com", "account_role": "member"}, ("account role 'member' not found", ACCOUNT_ROLES)),
    ],
    "account_member": [
        ("account_role-wrong-case", {"email": "alice@unit.test", "account_role": "member"}, ("account role 'member' not found", ACCOUNT_ROLES)),
        ("account_role-admin", {"email": "alice@unit.test", "account_role": "admin"}, ("account role 'admin' not found", ACCOUNT_ROLES)),
    ],
}
# fmt: on


def cases():
    for module, rows in REFUSED.items():
        for case, options, says, *env in rows:
            says = says if isinstance(says, tuple) else (says,)
            yield Case("%s-%s" % (module, case), module, options, says, env[0] if env else {}, False, False)
    for module, rows in SERVER_JUDGED.items():
        for case, options, says in rows:
            for mode in ("check", "real"):
                yield Case("%s-%s-%s" % (module, case, mode), module, options, says, {}, mode == "check", True)


CASES = list(cases())

# Every variable the connection options read: the sweep sets the ones it means, and no other
# comes from the environment the tests run in.
CONNECTION_VARIABLES = (
    "PREFECT_CLOUD_API_URL", "PREFECT_API_URL", "PREFECT_API_KEY", "PREFECT_CLOUD_ACCOUNT_ID",
    "PREFECT_API_SSL_CERT_FILE", "PREFECT_API_TLS_INSECURE_SKIP_VERIFY", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
)


def is_write(request):
    return request["method"] != "GET" and not request["path"].endswith(("/filter", "/count"))


def module_of(case):
    return importlib.import_module("%s.%s" % (MODULES, case.module))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_refused_naming_the_option(emulator_server, monkeypatch, case):
    if case.reads:
        emulator_server.reset()
    for variable in CONNECTION_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PREFECT_CLOUD_API_URL", "%s/_tag/%s/api" % (emulator_server.base_url, case.id))
    monkeypatch.setenv("PREFECT_API_KEY", OWNER_KEY)
    for variable, value in case.env.items():
        monkeypatch.setenv(variable, value)
    mark = emulator_server.hook("GET", "/requests/last")["seq"]

    result = run(module_of(case), copy.deepcopy(case.options), check_mode=case.check_mode)

    asked = result["_requests"]
    seen = emulator_server.hook("GET", "/requests?since=%d&tag=%s" % (mark, case.id))
    assert result["failed"], "accepted: %s" % json.dumps(result, default=str)[:600]
    # A clean refusal, not a crash reported as a failure.
    assert "exception" not in result and "exception" not in result["msg"].lower(), result["msg"]
    for text in case.says:
        assert text in result["msg"]
    if case.reads:
        assert seen, "refused before asking the server: not a case the server judges"
        assert [(r["method"], r["path"]) for r in asked if is_write(r)] == []
        assert [(e["method"], e["path"]) for e in seen if is_write(e)] == []
    else:
        assert [(r["method"], r["path"]) for r in asked] == [], "asked for requests before refusing"
        assert [(e["method"], e["path"]) for e in seen] == [], "sent before refusing"
    shown = json.dumps(result, default=str)
    for key in (OWNER_KEY, case.options.get("api_key"), case.env.get("PREFECT_API_KEY")):
        if isinstance(key, str):
            assert key.strip() not in shown


# -- the table itself ------------------------------------------------------------------------


def test_case_ids_are_unique_and_usable_as_request_log_tags():
    ids = [case.id for case in CASES]
    assert [i for i, n in collections.Counter(ids).items() if n > 1] == []
    # The emulator's tag pattern (TAG_PREFIX in tests/emulator/prefect_cloud_emulator/app.py).
    assert [i for i in ids if not re.match(r"^[A-Za-z0-9_.-]{1,100}$", i)] == []


@functools.lru_cache(maxsize=None)
def options_of(module):
    """The options a module takes: its own (documented) and the connection options."""
    return frozenset(yaml.load(module.DOCUMENTATION, Loader=YAML_LOADER).get("options") or {}) | frozenset(CONNECTION_OPTIONS)


def test_every_expected_text_names_an_option():
    """So that the message of each case, which must contain its text, names the option too."""
    silent = []
    for case in CASES:
        text = " ".join(case.says)
        if not any(o in text or o.replace("_", " ") in text for o in options_of(module_of(case))):
            silent.append((case.id, text))
    assert silent == []


def test_every_module_with_options_of_its_own_has_a_case():
    package = importlib.import_module(MODULES)
    swept = {case.module for case in CASES}
    missing = [
        info.name for info in pkgutil.iter_modules(package.__path__)
        if info.name not in swept and options_of(importlib.import_module("%s.%s" % (MODULES, info.name))) - set(CONNECTION_OPTIONS)
    ]
    assert missing == [], "add a bad value of one of its options to REFUSED, for each of these modules"
