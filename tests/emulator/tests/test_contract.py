"""Contract test: the emulator's own OpenAPI document against the official one.

The official document is read from ``<repo>/../shared/prefect_cloud_admin_openapi.json`` (or
``$PREFECT_CLOUD_OPENAPI``); it is never copied into the project.
"""
from __future__ import annotations

import pytest

import emu_support as es
import openapi_compare as oc

OFFICIAL = es.load_official_openapi()

A = "/api/accounts/{account_id}"
W = A + "/workspaces/{workspace_id}"

# The operations the collection needs the emulator to serve (official method + path).
REQUIRED_OPERATIONS = [
    ("GET", "/api/me/"),
    ("GET", "/api/me/accounts"),
    ("GET", "/api/me/workspaces"),
    ("GET", "/api/me/workspaces/{workspace_id}/scopes"),
    ("GET", "/api/me/accounts/{account_id}/permissions"),
    ("GET", "/api/workspace_scopes"),
    ("GET", "/api/accounts/permissions"),
    # users and their API keys
    ("GET", "/api/users/{id}"),
    ("PATCH", "/api/users/{id}"),
    ("POST", "/api/users/{id}/api_keys"),
    ("GET", "/api/users/{id}/api_keys"),
    ("GET", "/api/users/{id}/api_keys/{api_key_id}"),
    ("DELETE", "/api/users/{id}/api_keys/{api_key_id}"),
    # account, settings, domains
    ("GET", A), ("PATCH", A),
    ("GET", A + "/settings"), ("PATCH", A + "/settings"),
    ("GET", A + "/domains"), ("PATCH", A + "/domains"),
    # account roles
    ("POST", A + "/account_roles/filter"),
    ("GET", A + "/account_roles/{id}"),
    ("PATCH", A + "/account_roles/{id}"),
    ("DELETE", A + "/account_roles/{id}"),
    # account memberships
    ("POST", A + "/account_memberships/filter"),
    ("POST", A + "/account_memberships/count"),
    ("GET", A + "/account_memberships/by-user/{user_id}"),
    ("GET", A + "/account_memberships/by-bot/{bot_id}"),
    ("GET", A + "/account_memberships/{id}"),
    ("PATCH", A + "/account_memberships/{id}"),
    ("DELETE", A + "/account_memberships/{id}"),
    ("PATCH", A + "/account_memberships/{id}/active"),
    ("POST", A + "/account_memberships/set_active"),
    # workspaces
    ("POST", A + "/workspaces/"),
    ("GET", W), ("PATCH", W), ("DELETE", W),
    ("POST", A + "/workspaces/filter"),
    # workspace roles
    ("POST", A + "/workspace_roles/"),
    ("GET", A + "/workspace_roles/{id}"),
    ("PATCH", A + "/workspace_roles/{id}"),
    ("DELETE", A + "/workspace_roles/{id}"),
    ("POST", A + "/workspace_roles/filter"),
    # workspace access
    ("POST", W + "/user_access/"),
    ("POST", W + "/user_access/filter"),
    ("GET", W + "/user_access/{id}"),
    ("DELETE", W + "/user_access/{id}"),
    ("POST", W + "/bot_access/"),
    ("POST", W + "/bot_access/filter"),
    ("GET", W + "/bot_access/{id}"),
    ("DELETE", W + "/bot_access/{id}"),
    ("PUT", W + "/team_access/"),
    ("POST", W + "/team_access/filter"),
    ("DELETE", W + "/team_access/{team_id}"),
    ("GET", W + "/access/"),
    # teams
    ("POST", A + "/teams/"),
    ("GET", A + "/teams/{id}"),
    ("PUT", A + "/teams/{id}"),
    ("DELETE", A + "/teams/{id}"),
    ("POST", A + "/teams/filter"),
    ("PUT", A + "/teams/{id}/members"),
    ("DELETE", A + "/teams/{team_id}/members/{actor_id}"),
    # bots
    ("POST", A + "/bots/"),
    ("GET", A + "/bots/{id}"),
    ("PATCH", A + "/bots/{id}"),
    ("DELETE", A + "/bots/{id}"),
    ("POST", A + "/bots/filter"),
    ("POST", A + "/bots/{id}/rotate_api_key"),
    ("GET", A + "/bots/{id}/read_bot_api_keys"),
    ("DELETE", A + "/bots/{id}/delete_bot_api_key/{api_key_id}"),
    # invitations, account level
    ("POST", A + "/invitations/"),
    ("GET", A + "/invitations/{id}"),
    ("POST", A + "/invitations/filter"),
    ("POST", A + "/invitations/count"),
    ("POST", A + "/invitations/{id}/revoke"),
    # invitations, workspace level
    ("POST", W + "/invitations/"),
    ("GET", W + "/invitations/{id}"),
    ("POST", W + "/invitations/filter"),
    ("POST", W + "/invitations/{id}/revoke"),
]
REQUIRED_KEYS = {(m, oc.norm_path(p)) for m, p in REQUIRED_OPERATIONS}

# Operations the emulator serves although the official document lacks them, each with where its
# wire format comes from. Only these may be served outside the document.
KNOWN_ADDITIONS = {
    ("GET", A + "/ip_allowlist"): "official client: prefect/client/cloud.py read_account_ip_allowlist",
    ("PUT", A + "/ip_allowlist"): "official client: prefect/client/cloud.py update_account_ip_allowlist",
    ("GET", A + "/ip_allowlist/my_access"): "official client: prefect/client/cloud.py check_ip_allowlist_access",
}
KNOWN_ADDITION_KEYS = {(m, oc.norm_path(p)) for m, p in KNOWN_ADDITIONS}

if OFFICIAL is not None:
    OFFICIAL_OPS = oc.operations(OFFICIAL)
    OP_PARAMS = [pytest.param(k, id=f"{k[0]} {v[0]}") for k, v in sorted(OFFICIAL_OPS.items(),
                                                                        key=lambda kv: kv[1][0])]
else:  # pragma: no cover - depends on the environment
    OFFICIAL_OPS = {}
    OP_PARAMS = [pytest.param(None, marks=pytest.mark.skip(reason=es.missing_openapi_message()))]


@pytest.fixture(scope="module")
def emulator_doc():
    return es.make_app(es.TEST_SEED).openapi()


@pytest.fixture(scope="module")
def emulator_ops(emulator_doc):
    return oc.operations(emulator_doc)


def test_required_operations_exist_in_official_document(official):
    """Sanity of this test's own list: every required operation is an official one."""
    ops = oc.operations(official)
    unknown = sorted(f"{m} {p}" for m, p in REQUIRED_OPERATIONS if (m, oc.norm_path(p)) not in ops)
    assert not unknown, f"not in the official document: {unknown}"


def test_emulator_serves_no_operation_outside_official_document(official, emulator_ops):
    off = oc.operations(official)
    # The object-access and event routes are held to their own document (test_contract_objects.py).
    off.update(oc.operations(es.load_official_openapi(es.ACCESS_EVENTS_OPENAPI_NAME) or {}))
    extra = sorted(f"{m} {v[0]}" for (m, p), v in emulator_ops.items()
                   if (m, p) not in off and (m, p) not in KNOWN_ADDITION_KEYS)
    assert not extra, ("the emulator serves /api operations that the official document does "
                       f"not have (wrong method, path or trailing slash?): {extra}")


@pytest.mark.parametrize("key", sorted(KNOWN_ADDITIONS), ids=lambda k: f"{k[0]} {k[1]}")
def test_known_additions_are_served_and_still_missing_from_the_official_document(key, official,
                                                                                 emulator_ops):
    """The list above stays honest: each addition is served, and once the official document
    gains it, this fails so that the operation moves under the full comparison."""
    method, path = key
    normalised = (method, oc.norm_path(path))
    assert normalised in emulator_ops, f"{method} {path} is listed as an addition but not served"
    assert normalised not in oc.operations(official), (
        f"{method} {path} is in the official document now: drop it from KNOWN_ADDITIONS")


def test_served_operations_cover_the_issue_list(official, emulator_ops):
    off = oc.operations(official)
    not_served = sorted(f"{m} {v[0]}" for (m, p), v in off.items() if (m, p) not in emulator_ops)
    print(f"\nofficial operations the emulator does not serve ({len(not_served)}):")
    for line in not_served:
        print("   ", line)
    missing_required = sorted(f"{m} {p}" for m, p in REQUIRED_OPERATIONS
                              if (m, oc.norm_path(p)) not in emulator_ops)
    assert not missing_required, (f"{len(missing_required)} required operations not served: "
                                  f"{missing_required}")


def test_path_parameter_names_match(official, emulator_ops):
    off = oc.operations(official)
    wrong = []
    for key, (epath, _) in emulator_ops.items():
        if key in off and off[key][0] != epath:
            wrong.append(f"{key[0]} official {off[key][0]} vs emulator {epath}")
    assert not wrong, "path parameter names differ: " + "; ".join(sorted(wrong))


@pytest.mark.parametrize("key", OP_PARAMS)
def test_operation_contract(key, official, emulator_doc, emulator_ops):
    opath, oop = OFFICIAL_OPS[key]
    if key not in emulator_ops:
        if key in REQUIRED_KEYS:
            pytest.fail(f"{key[0]} {opath} is required (the collection calls it) but not served")
        pytest.skip(f"{key[0]} {opath}: not served by the emulator (not required)")
    epath, eop = emulator_ops[key]
    problems = oc.operation_problems(official, opath, oop, emulator_doc, epath, eop)
    assert not problems, f"{key[0]} {opath}:\n  " + "\n  ".join(problems)
