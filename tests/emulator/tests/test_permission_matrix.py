"""Permission matrix derived from the official document.

Every official operation states its requirement in its description ("Required account
permissions: `x`" or "Required workspace scopes: `y`"). For each required operation, a Member's
key (and an Admin's) must get 403 exactly when the role lacks that permission, and the official
success status otherwise; inside a workspace the caller's scopes (as reported by
``/api/me/workspaces/{id}/scopes``) decide in the same way, and without any access the answer is 404.
"""
from __future__ import annotations

import re

import pytest

import emu_support as es
import openapi_compare as oc
from emu_calls import CALLS, World
from emu_support import expect

WS_PREFIX = "/api/accounts/{account_id}/workspaces/{workspace_id}"


def requirement(op):
    desc = op.get("description", "")
    perms = re.findall(r"Required account permissions?: (.*)", desc)
    scopes = re.findall(r"Required workspace scopes?: (.*)", desc)
    names = lambda lines: [x for line in lines for x in re.findall(r"`([^`]+)`", line)]  # noqa: E731
    return names(perms), names(scopes)


@pytest.fixture(scope="module")
def official_ops(official):
    return {(m, p): op for (m, _), (p, op) in oc.operations(official).items()}


def _keys():
    doc = es.load_official_openapi()
    if doc is None:
        return []
    ops = {(m, p): op for (m, _), (p, op) in oc.operations(doc).items()}
    return [k for k in CALLS if k in ops and any(requirement(ops[k]))]


KEYS = _keys()
_DOC = es.load_official_openapi()
_OPS = {(m, p): op for (m, _), (p, op) in oc.operations(_DOC).items()} if _DOC else {}
ACCOUNT_KEYS = [k for k in KEYS if requirement(_OPS[k])[0]]
SCOPE_KEYS = [k for k in KEYS if requirement(_OPS[k])[1]]


def _perms(client):
    return set(expect(client.get(f"/api/me/accounts/{es.ACCOUNT_ID}/permissions"), 200))


def _is_workspace_route(path):
    return path == WS_PREFIX or path.startswith(WS_PREFIX + "/")


def test_matrix_is_not_empty(official):
    assert len(KEYS) >= 55, KEYS
    assert len(SCOPE_KEYS) >= 12, SCOPE_KEYS


@pytest.mark.parametrize("role,client_attr", [("Member", "member"), ("Admin", "admin")])
@pytest.mark.parametrize("key", ACCOUNT_KEYS, ids=[f"{m} {p}" for m, p in ACCOUNT_KEYS])
def test_account_permission_matrix(emu, official_ops, key, role, client_attr):
    perms_needed, _ = requirement(official_ops[key])
    client = getattr(emu, client_attr)
    have = _perms(client)
    world = World(emu)
    if _is_workspace_route(key[1]) and role == "Member":
        emu.grant_user(world["ws"], world["mia"]["user_id"], "Viewer")
    resp = CALLS[key](client, world)
    want = int(oc.success_code(official_ops[key]))
    missing = set(perms_needed) - have
    if missing:
        assert resp.status_code == 403, (f"{role} lacks {sorted(missing)}: expected 403, got "
                                         f"{resp.status_code} {resp.text[:300]}")
        assert isinstance(resp.json().get("detail"), str)
    else:
        assert resp.status_code == want, (f"{role} holds {perms_needed}: expected {want}, got "
                                          f"{resp.status_code} {resp.text[:300]}")


@pytest.mark.parametrize("role", ["Viewer", "Developer", "Owner"])
@pytest.mark.parametrize("key", SCOPE_KEYS, ids=[f"{m} {p}" for m, p in SCOPE_KEYS])
def test_workspace_scope_matrix(emu, official_ops, key, role):
    _, scopes_needed = requirement(official_ops[key])
    world = World(emu)
    m = emu.member
    # the call table deletes a second workspace ("ws_del") so that the first stays usable
    ws = world["ws_del"] if key == ("DELETE", WS_PREFIX) else world["ws"]
    no_access = CALLS[key](m, world)
    assert no_access.status_code == 404, (f"no access to the workspace: expected 404, got "
                                          f"{no_access.status_code} {no_access.text[:300]}")
    emu.grant_user(ws, world["mia"]["user_id"], role)
    have = set(expect(m.get(f"/api/me/workspaces/{ws}/scopes"), 200))
    resp = CALLS[key](m, world)
    want = int(oc.success_code(official_ops[key]))
    missing = set(scopes_needed) - have
    if missing:
        assert resp.status_code == 403, (f"workspace {role} lacks {sorted(missing)}: expected 403, "
                                         f"got {resp.status_code} {resp.text[:300]}")
    else:
        assert resp.status_code == want, (f"workspace {role} holds {scopes_needed}: expected {want}, "
                                          f"got {resp.status_code} {resp.text[:300]}")
