"""Shared helpers for the emulator test suite (not a test module).

Everything here talks to the emulator through HTTP with ``requests`` (the collection's own
client library), except for the small in-process helpers used by the contract test.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import threading
import time
import uuid
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
EMULATOR_DIR = HERE.parent  # tests/emulator
REPO_ROOT = HERE.parents[2]  # the collection checkout

OPENAPI_ENV = "PREFECT_CLOUD_OPENAPI"
OPENAPI_NAME = "prefect_cloud_admin_openapi.json"
# The second official document: object-level access (work pools, deployments, block documents,
# the reads that find them) and the account event feed.
ACCESS_EVENTS_OPENAPI_NAME = "prefect_cloud_access_events_openapi.json"
OPENAPI_ENVS = {OPENAPI_NAME: OPENAPI_ENV, ACCESS_EVENTS_OPENAPI_NAME: "PREFECT_CLOUD_ACCESS_EVENTS_OPENAPI"}


def official_openapi_path(name: str = OPENAPI_NAME) -> Path:
    env = os.environ.get(OPENAPI_ENVS[name])
    if env:
        return Path(env)
    return REPO_ROOT.parent / "shared" / name


def load_official_openapi(name: str = OPENAPI_NAME):
    """The official document ``name``, or None when it is not beside the checkout."""
    path = official_openapi_path(name)
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def missing_openapi_message(name: str = OPENAPI_NAME) -> str:
    return (
        f"official OpenAPI document {name} not found at {official_openapi_path(name)} "
        f"(place it in <repo>/../shared/ or set {OPENAPI_ENVS[name]})"
    )


# --------------------------------------------------------------------------------------------
# The seed every behaviour test runs against
# --------------------------------------------------------------------------------------------

def _key(prefix: str, tag: str) -> str:
    body = (tag + "0" * 36)[:36]
    assert re.fullmatch(r"[A-Za-z0-9]{36}", body)
    return prefix + body


ACCOUNT_ID = "6a1e0f52-3c4d-4b5e-8f70-0123456789ab"
ACCOUNT_HANDLE = "testco"
ACCOUNT_NAME = "Test Co"
OWNER_KEY = _key("pnu_", "OwnerOliveKey")
ADMIN_KEY = _key("pnu_", "AdminAdamKey")
MEMBER_KEY = _key("pnu_", "MemberMiaKey")
OWNER_EMAIL = "olive@testco.io"
ADMIN_EMAIL = "adam@testco.io"
MEMBER_EMAIL = "mia@testco.io"
NOKEY_EMAIL = "nora@testco.io"

TEST_SEED = {
    "account": {"id": ACCOUNT_ID, "handle": ACCOUNT_HANDLE, "name": ACCOUNT_NAME,
                "plan_type": "ENTERPRISE"},
    "users": [
        {"email": OWNER_EMAIL, "handle": "olive", "first_name": "Olive", "last_name": "Owner",
         "account_role": "Owner", "api_key": OWNER_KEY},
        {"email": ADMIN_EMAIL, "handle": "adam", "first_name": "Adam", "last_name": "Admin",
         "account_role": "Admin", "api_key": ADMIN_KEY},
        {"email": MEMBER_EMAIL, "handle": "mia", "first_name": "Mia", "last_name": "Member",
         "account_role": "Member", "api_key": MEMBER_KEY},
        {"email": NOKEY_EMAIL, "handle": "nora", "first_name": "Nora", "last_name": "Nokey",
         "account_role": "Member"},
    ],
}

ACCT = f"/api/accounts/{ACCOUNT_ID}"
INVALID_CREDENTIALS = {"detail": "Invalid authentication credentials"}
BUILTIN_WORKSPACE_ROLES = {"Owner", "Developer", "Runner", "Viewer", "Worker"}
BUILTIN_ACCOUNT_ROLES = {"Owner", "Admin", "Member", "Collaborator"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_app(seed=None, state_file=None):
    from prefect_cloud_emulator import create_app  # imported late: the package may be growing

    if state_file is None:
        return create_app(seed)
    return create_app(seed, state_file=state_file)


class ServerThread:
    """A real uvicorn server on 127.0.0.1:<free port>, run in a daemon thread."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="emulator", daemon=True)
        self.base_url = f"http://127.0.0.1:{self.port}"

    def start(self):
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("emulator server did not start")
            time.sleep(0.02)
        return self

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)


class Client:
    """A requests.Session bound to the emulator with an optional Bearer key."""

    def __init__(self, base_url: str, key: str | None = None):
        self.base_url = base_url
        self.key = key
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        if key is not None:
            self.session.headers["Authorization"] = f"Bearer {key}"

    def request(self, method, path, *, json=None, data=None, params=None, headers=None,
                allow_redirects=False, timeout=20, **kw):
        kwargs = {}
        if json is not None:
            kwargs["json"] = json
        if data is not None:
            kwargs["data"] = data
        return self.session.request(method, self.base_url + path, params=params,
                                    headers=headers, allow_redirects=allow_redirects,
                                    timeout=timeout, **kwargs, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self.request("PUT", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.request("PATCH", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def expect(resp, status):
    """Assert a status code with a useful message; return the parsed JSON body (or None)."""
    assert resp.status_code == status, (
        f"{resp.request.method} {resp.request.path_url}: expected {status}, "
        f"got {resp.status_code}: {resp.text[:600]}"
    )
    if resp.content and resp.headers.get("content-type", "").startswith("application/json"):
        return resp.json()
    return None


def assert_detail_string(resp, status):
    assert resp.status_code == status, (
        f"{resp.request.method} {resp.request.path_url}: expected {status}, "
        f"got {resp.status_code}: {resp.text[:600]}"
    )
    body = resp.json()
    assert isinstance(body, dict) and set(body) == {"detail"} and isinstance(body["detail"], str), body
    return body


def assert_validation_error(resp):
    """FastAPI's 422 shape: {"detail": [{"loc": [...], "msg": str, "type": str}, ...]}."""
    assert resp.status_code == 422, (
        f"{resp.request.method} {resp.request.path_url}: expected 422, got {resp.status_code}: "
        f"{resp.text[:600]}"
    )
    body = resp.json()
    assert isinstance(body, dict) and isinstance(body.get("detail"), list) and body["detail"], body
    for item in body["detail"]:
        assert isinstance(item.get("loc"), list), item
        assert all(isinstance(x, (str, int)) for x in item["loc"]), item
        assert isinstance(item.get("msg"), str), item
        assert isinstance(item.get("type"), str), item
    return body


class Emu:
    """Handle on a running emulator with clients for the seeded users and helpers."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.owner = Client(base_url, OWNER_KEY)
        self.admin = Client(base_url, ADMIN_KEY)
        self.member = Client(base_url, MEMBER_KEY)
        self.anon = Client(base_url)
        self.hooks = Client(base_url)

    def client(self, key):
        return Client(self.base_url, key)

    # ---- hooks
    def reset(self, seed=None):
        body = {"seed": seed} if seed is not None else None
        r = self.hooks.post("/_emulator/reset", json=body)
        assert r.status_code in (200, 204), f"reset failed: {r.status_code} {r.text[:300]}"

    def advance_clock(self, seconds):
        r = self.hooks.post("/_emulator/clock", json={"advance_seconds": seconds})
        assert r.status_code in (200, 204), f"clock hook: {r.status_code} {r.text[:300]}"

    def add_fault(self, **rule):
        r = self.hooks.post("/_emulator/faults", json=rule)
        assert r.status_code in (200, 201, 204), f"faults hook: {r.status_code} {r.text[:300]}"

    def clear_faults(self):
        r = self.hooks.delete("/_emulator/faults")
        assert r.status_code in (200, 204), f"faults hook: {r.status_code} {r.text[:300]}"

    def request_log(self, since=None):
        params = {"since": since} if since is not None else None
        r = self.hooks.get("/_emulator/requests", params=params)
        assert r.status_code == 200, f"requests hook: {r.status_code} {r.text[:300]}"
        return r.json()

    def accept_invitation(self, invitation_id, api_key=None):
        body = {"api_key": api_key} if api_key else None
        r = self.hooks.post(f"/_emulator/invitations/{invitation_id}/accept", json=body)
        assert r.status_code in (200, 201), f"accept hook: {r.status_code} {r.text[:300]}"
        return r.json()

    def populate(self, **counts):
        r = self.hooks.post("/_emulator/populate", json=counts, timeout=300)
        assert r.status_code in (200, 201), f"populate hook: {r.status_code} {r.text[:300]}"
        return r.json()

    # ---- lookups
    def me(self, client=None):
        return expect((client or self.owner).get("/api/me/"), 200)

    def user_id(self, email):
        rows = expect(self.owner.post(f"{ACCT}/account_memberships/filter",
                                      json={"account_memberships": {"email": {"any_": [email]}}}), 200)
        assert len(rows) == 1, rows
        return rows[0]["user_id"]

    def membership(self, email):
        rows = expect(self.owner.post(f"{ACCT}/account_memberships/filter",
                                      json={"account_memberships": {"email": {"any_": [email]}}}), 200)
        assert len(rows) == 1, rows
        return rows[0]

    def workspace_role_id(self, name):
        rows = expect(self.owner.post(f"{ACCT}/workspace_roles/filter",
                                      json={"workspace_roles": {"name": {"any_": [name]}}}), 200)
        assert len(rows) == 1, f"workspace role {name!r}: {rows}"
        return rows[0]["id"]

    def account_role_id(self, name):
        rows = expect(self.owner.post(f"{ACCT}/account_roles/filter",
                                      json={"account_roles": {"name": {"any_": [name]}}}), 200)
        assert len(rows) == 1, f"account role {name!r}: {rows}"
        return rows[0]["id"]

    # ---- creators (as owner unless told)
    def create_workspace(self, handle, name=None, client=None, **extra):
        body = {"name": name or handle.title(), "handle": handle, **extra}
        return expect((client or self.owner).post(f"{ACCT}/workspaces/", json=body), 201)

    def create_team(self, name, client=None, **extra):
        return expect((client or self.owner).post(f"{ACCT}/teams/", json={"name": name, **extra}), 201)

    def create_bot(self, name, client=None, **extra):
        return expect((client or self.owner).post(f"{ACCT}/bots/", json={"name": name, **extra}), 201)

    def create_workspace_role(self, name, scopes, client=None, **extra):
        body = {"name": name, "scopes": scopes, **extra}
        return expect((client or self.owner).post(f"{ACCT}/workspace_roles/", json=body), 201)

    def grant_user(self, ws_id, user_id, role_name="Viewer"):
        body = {"user_id": user_id, "workspace_role_id": self.workspace_role_id(role_name)}
        return expect(self.owner.post(f"{ACCT}/workspaces/{ws_id}/user_access/", json=body), 200)

    def grant_bot(self, ws_id, bot_id, role_name="Viewer"):
        body = {"bot_id": bot_id, "workspace_role_id": self.workspace_role_id(role_name)}
        return expect(self.owner.post(f"{ACCT}/workspaces/{ws_id}/bot_access/", json=body), 200)

    def grant_team(self, ws_id, team_id, role_name="Viewer"):
        body = [{"team_id": team_id, "workspace_role_id": self.workspace_role_id(role_name)}]
        return expect(self.owner.put(f"{ACCT}/workspaces/{ws_id}/team_access/", json=body), 200)

    def invite(self, email, role_name="Member"):
        body = [{"email": email, "account_role_id": self.account_role_id(role_name)}]
        rows = expect(self.owner.post(f"{ACCT}/invitations/", json=body), 201)
        assert isinstance(rows, list) and len(rows) == 1, rows
        return rows[0]

    def server_now(self):
        """The emulator's notion of now (its clock may have been advanced)."""
        uid = self.me()["id"]
        key = expect(self.owner.post(f"/api/users/{uid}/api_keys", json={"name": "clock-probe"}), 201)
        return parse_dt(key["created"])


def parse_dt(value: str) -> dt.datetime:
    value = value.replace("Z", "+00:00")
    d = dt.datetime.fromisoformat(value)
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.timezone.utc)
    return d


def iso(d: dt.datetime) -> str:
    return d.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def random_id() -> str:
    return str(uuid.uuid4())


class running:
    """``with running(app) as base_url:`` - a real server for the block, stopped cleanly after."""

    def __init__(self, app):
        self.server = ServerThread(app)

    def __enter__(self):
        return self.server.start().base_url

    def __exit__(self, *exc):
        self.server.stop()
        return False
