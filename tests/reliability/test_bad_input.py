"""Bad input is refused before any request (issue 11, "Bad input"; items 8, 9 and 10).

One playbook holds one task per case; each task talks to the emulator through its own
``/_tag/<case>/api`` URL, so the emulator's request log tells which case sent what. Every case
must fail with a message naming the option, having sent nothing (``reads`` cases may read,
in check mode, but never write: what no task can create is refused in check mode too).

Cases the modules still accept are expected failures (strict) with their issue item: the
sweep stays green until a fix lands, then turns red until the marker goes.
"""

from __future__ import annotations

import json

import pytest

from conftest import ACCOUNT_ID, Emulator, run_playbook, write_playbook

LONG = "x" * 6000


def case(name, module, args, option, xfail=None, reads=False):
    return pytest.param(name, module, args, option, reads,
                        marks=[pytest.mark.xfail(strict=True, reason=xfail)] if xfail else [], id=name)


CASES = [
    # The connection options every module shares.
    case("api_key-inner-newline", "workspace_info", {"api_key": "pnu_abcdefghij\nklmnopqrstuvwxyz0123456789ABCDEFGH"}, "api_key"),
    case("api_key-inner-space", "workspace_info", {"api_key": "pnu_abcdefghij klmnopqrstuvwxyz0123456789ABCDEFGH"}, "api_key"),
    case("api_url-not-http", "workspace_info", {"api_url": "ftp://127.0.0.1/api"}, "api_url"),
    case("request_timeout-zero", "workspace_info", {"request_timeout": 0}, "request_timeout"),
    case("request_timeout-text", "workspace_info", {"request_timeout": "soon"}, "request_timeout"),
    case("max_retries-negative", "workspace_info", {"max_retries": -1}, "max_retries"),
    case("validate_certs-text", "workspace_info", {"validate_certs": "perhaps"}, "validate_certs"),
    case("ca_path-missing", "workspace_info", {"ca_path": "/nonexistent/ca.pem"}, "ca_path"),
    # workspace
    case("workspace-handle-empty", "workspace", {"handle": ""}, "handle"),
    case("workspace-handle-invalid", "workspace", {"handle": "Bad Handle!/?"}, "handle"),
    case("workspace-handle-spaces", "workspace", {"handle": " production "}, "handle"),
    case("workspace-handle-list", "workspace", {"handle": ["dev", "prod"]}, "handle"),
    case("workspace-name-overlong", "workspace", {"handle": "long-name", "name": LONG}, "name"),
    case("workspace-state-unknown", "workspace", {"handle": "dev", "state": "gone"}, "state"),
    # bot
    case("bot-name-empty", "bot", {"name": ""}, "name"),
    case("bot-name-blank", "bot", {"name": "   "}, "name"),
    case("bot-name-dict", "bot", {"name": {"a": 1}}, "name"),
    case("bot-name-overlong", "bot", {"name": LONG}, "name"),
    case("bot-expiration-overflow", "bot", {"name": "b", "api_key_expiration": "99999999d"}, "api_key_expiration"),
    case("bot-expiration-garbage", "bot", {"name": "b", "api_key_expiration": "next week"}, "api_key_expiration"),
    case("bot-old-key-seconds-negative", "bot", {"name": "b", "rotate_api_key": True, "old_key_expires_in_seconds": -1},
         "old_key_expires_in_seconds"),
    case("bot-old-key-seconds-over-max", "bot", {"name": "b", "rotate_api_key": True, "old_key_expires_in_seconds": 172801},
         "old_key_expires_in_seconds"),
    case("bot-rotate-text", "bot", {"name": "b", "rotate_api_key": "perhaps"}, "rotate_api_key"),
    # api_key
    case("api_key-name-empty", "api_key", {"name": ""}, "name"),
    case("api_key-name-overlong", "api_key", {"name": LONG}, "name"),
    case("api_key-expiration-overflow", "api_key", {"name": "k", "expiration": "99999999d"}, "expiration"),
    case("api_key-expiration-garbage", "api_key", {"name": "k", "expiration": "forever-ish"}, "expiration"),
    # invitation
    case("invitation-email-invalid", "invitation", {"email": "not an email"}, "email"),
    case("invitation-email-spaces", "invitation", {"email": " dana@example.com "}, "email"),
    case("invitation-workspace-empty", "invitation", {"email": "dana@example.com", "workspace": ""}, "workspace"),
    case("invitation-workspace-and-role", "invitation", {"email": "dana@example.com", "workspace": "dev", "account_role": "Member"},
         "account_role"),
    case("invitation-role-unknown", "invitation", {"email": "dana@example.com", "account_role": "member"}, "account_role",
         reads=True),
    # account
    case("account-handle-invalid", "account", {"handle": "Bad Handle!"}, "handle"),
    case("account-name-empty", "account", {"name": ""}, "name"),
    case("account-name-overlong", "account", {"name": LONG}, "name"),
    case("account-domain-invalid", "account", {"domains": ["not a domain"]}, "domains"),
    case("account-link-invalid", "account", {"link": "not a url"}, "link"),
    case("account-settings-text", "account", {"settings": "on"}, "settings"),
    # account_member
    case("account_member-email-empty", "account_member", {"email": "", "account_role": "Member"}, "email"),
    case("account_member-email-spaces", "account_member", {"email": " mia@acme.io ", "account_role": "Member"}, "email"),
    case("account_member-role-unknown", "account_member", {"email": "mia@acme.io", "account_role": "member"}, "account_role",
         reads=True),
    case("account_member-state-unknown", "account_member", {"email": "mia@acme.io", "state": "gone"}, "state"),
    # team
    case("team-name-empty", "team", {"name": ""}, "name"),
    case("team-name-overlong", "team", {"name": LONG}, "name"),
    case("team-purge-without-members", "team", {"name": "t", "purge_members": True}, "purge_members"),
    case("team-users-not-a-list", "team", {"name": "t", "users": {"a": 1}}, "users"),
    # workspace_access
    case("access-workspace-empty", "workspace_access", {"workspace": "", "team": "t", "workspace_role": "Viewer"}, "workspace"),
    case("access-user-and-team", "workspace_access", {"workspace": "dev", "user": "mia@acme.io", "team": "t"}, "user"),
    case("access-nobody", "workspace_access", {"workspace": "dev", "workspace_role": "Viewer"}, "user"),
    case("access-grant-without-subject", "workspace_access", {"workspace": "dev", "grants": [{"workspace_role": "Viewer"}]},
         "grants"),
    # workspace_role
    case("role-name-empty", "workspace_role", {"name": "", "scopes": ["see_flows"]}, "name"),
    case("role-description-overlong", "workspace_role", {"name": "r", "description": "d" * 141, "scopes": ["see_flows"]},
         "description"),
    # info modules
    case("bot_info-window-overflow", "bot_info", {"expires_within": "99999999d"}, "expires_within"),
    case("api_key_info-window-garbage", "api_key_info", {"expires_within": "a while"}, "expires_within"),
]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("bad-input")
    emulator = Emulator(workdir)
    try:
        report = workdir / "report.json"
        tasks, names = [], []
        for param in CASES:
            name, module, args, _option, reads = param.values
            task = {
                "name": name,
                "prefect.cloud." + module: dict({"api_url": "%s/_tag/%s/api" % (emulator.base_url, name)}, **args),
                "register": "case_%d" % len(names),
                "ignore_errors": True,
            }
            if reads:
                task["check_mode"] = True
            tasks.append(task)
            names.append(name)
        outcome = "{{ {%s} | to_json }}" % ", ".join("%r: case_%d" % (name, i) for i, name in enumerate(names))
        tasks.append({"name": "Report", "ansible.builtin.copy": {"dest": str(report), "mode": "0600", "content": outcome}})
        run = run_playbook(write_playbook(workdir / "sweep.yml", tasks), workdir, emulator, env={"PREFECT_CLOUD_ACCOUNT_ID": ACCOUNT_ID})
        assert run.rc == 0, run
        log = emulator.log()
        yield json.loads(report.read_text(encoding="utf-8")), log
    finally:
        emulator.stop()


@pytest.mark.parametrize("name, module, args, option, reads", CASES)
def test_refused_naming_the_option_before_any_request(sweep, name, module, args, option, reads):
    results, log = sweep
    result = results[name]
    sent = [e for e in log if e.get("tag") == name]
    if reads:
        sent = [e for e in sent if e["method"] != "GET" and not e["path"].endswith(("/filter", "/count"))]
    assert result.get("failed"), "accepted: %s" % json.dumps(result)[:600]
    # The option, by its name or in words ("account role 'x' not found").
    assert option in result.get("msg", "") or option.replace("_", " ") in result.get("msg", ""), result.get("msg")
    assert "Traceback" not in result.get("module_stderr", "") and "exception" not in result.get("msg", "").lower()
    assert sent == [], "sent before refusing: %s" % sent
