"""Robustness and wire-format details a real client depends on: concurrency, timestamp and id
formats, the null-tolerant PATCH bodies other clients send, error bodies against the official
error schema, and randomized filter semantics checked against a reference implementation."""
from __future__ import annotations

import random
import re
import threading

import jsonschema
import pytest

import emu_support as es
from emu_support import ACCT, assert_validation_error, expect

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TS_FIELDS = {"created", "updated", "expiration", "last_login"}


def _walk(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, value


# ------------------------------------------------------------------------------- concurrency

def _parallel(fn, n):
    results = [None] * n
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        results[i] = fn(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_concurrent_duplicate_creates_yield_one_winner(emu):
    def create(i):
        c = emu.client(es.OWNER_KEY)
        return c.post(f"{ACCT}/workspaces/", json={"name": f"Race {i}", "handle": "race"}).status_code

    codes = _parallel(create, 8)
    assert sorted(codes) == [201] + [409] * 7, codes
    rows = expect(emu.owner.post(f"{ACCT}/workspaces/filter", json={}), 200)
    assert [w["handle"] for w in rows] == ["race"]


def test_concurrent_distinct_creates_all_land(emu):
    def create(i):
        c = emu.client(es.OWNER_KEY)
        return c.post(f"{ACCT}/teams/", json={"name": f"par-{i:02d}"}).status_code

    codes = _parallel(create, 16)
    assert codes == [201] * 16, codes
    names = sorted(t["name"] for t in expect(emu.owner.post(f"{ACCT}/teams/filter", json={}), 200))
    assert names == [f"par-{i:02d}" for i in range(16)]


# ------------------------------------------------------------------------------- formats

def test_ids_are_canonical_uuids_and_timestamps_are_utc_aware(emu):
    ws = emu.create_workspace("fmt")
    bot = emu.create_bot("fmt-bot")
    team = emu.create_team("fmt-team")
    inv = emu.invite("fmt@example.com")
    uid = emu.me()["id"]
    key = expect(emu.owner.post(f"/api/users/{uid}/api_keys", json={"name": "fmt"}), 201)
    bodies = [ws, bot, team, inv, key,
              expect(emu.owner.get(f"{ACCT}/account_memberships/by-bot/{bot['id']}"), 200),
              expect(emu.owner.post(f"{ACCT}/workspace_roles/filter", json={}), 200)]
    bad = []
    for body in bodies:
        for path, value in _walk(body):
            leaf = path.rsplit(".", 1)[-1].split("[")[0]
            if (leaf == "id" or leaf.endswith("_id")) and isinstance(value, str):
                if not UUID_RE.match(value):
                    bad.append(f"{path}={value!r} is not a lower-case canonical UUID")
            if leaf in TS_FIELDS and value is not None:
                if not (isinstance(value, str) and (value.endswith("Z") or value.endswith("+00:00"))):
                    bad.append(f"{path}={value!r} is not a UTC-aware timestamp")
    assert not bad, "\n".join(bad)


def test_masked_keys_show_prefix_and_last_four(emu):
    bot = emu.create_bot("masked")
    key = bot["api_key"]["key"]
    got = expect(emu.owner.get(f"{ACCT}/bots/{bot['id']}"), 200)["api_key"]
    assert got["masked_key"] == f"{key[:4]}...{key[-4:]}", got
    uid = emu.me()["id"]
    ukey = expect(emu.owner.post(f"/api/users/{uid}/api_keys", json={"name": "mask"}), 201)
    row = expect(emu.owner.get(f"/api/users/{uid}/api_keys/{ukey['id']}"), 200)
    assert row["masked_key"] == f"{ukey['key'][:4]}...{ukey['key'][-4:]}", row


def test_created_and_updated_move_forward_on_change(emu):
    ws = emu.create_workspace("clocked")
    emu.advance_clock(60)
    expect(emu.owner.patch(f"{ACCT}/workspaces/{ws['id']}", json={"name": "Clocked 2"}), 204)
    got = expect(emu.owner.get(f"{ACCT}/workspaces/{ws['id']}"), 200)
    assert got["created"] == ws["created"] or es.parse_dt(got["created"]) == es.parse_dt(ws["created"])
    assert (es.parse_dt(got["updated"]) - es.parse_dt(ws["updated"])).total_seconds() >= 60


# ------------------------------------------------------------------------------- null-tolerant bodies

def test_workspace_patch_with_explicit_nulls_like_terraform(emu):
    ws = emu.create_workspace("tf", name="TF", description="kept?")
    r = emu.owner.patch(f"{ACCT}/workspaces/{ws['id']}", json={
        "name": "TF 2", "handle": "tf", "description": "set", "default_workspace_role_id": None})
    expect(r, 204)
    got = expect(emu.owner.get(f"{ACCT}/workspaces/{ws['id']}"), 200)
    assert (got["name"], got["handle"], got["description"]) == ("TF 2", "tf", "set")


def test_patch_with_omitted_fields_leaves_them_unchanged(emu):
    ws = emu.create_workspace("partial", name="Partial", description="desc")
    expect(emu.owner.patch(f"{ACCT}/workspaces/{ws['id']}", json={"name": "Partial 2"}), 204)
    got = expect(emu.owner.get(f"{ACCT}/workspaces/{ws['id']}"), 200)
    assert (got["name"], got["handle"], got["description"]) == ("Partial 2", "partial", "desc")
    bot = emu.create_bot("partial-bot", account_role_id=emu.account_role_id("Admin"))
    expect(emu.owner.patch(f"{ACCT}/bots/{bot['id']}", json={"name": "partial-bot-2"}), 204)
    assert expect(emu.owner.get(f"{ACCT}/bots/{bot['id']}"), 200)["account_role_name"] == "Admin"


def test_workspace_role_patch_with_terraform_shape(emu):
    role = emu.create_workspace_role("tf-role", ["see_flows"], description="d")
    expect(emu.owner.patch(f"{ACCT}/workspace_roles/{role['id']}", json={
        "name": "tf-role", "description": "d2", "scopes": ["see_flows"], "inherited_role_id": None}), 204)
    got = expect(emu.owner.get(f"{ACCT}/workspace_roles/{role['id']}"), 200)
    assert got["description"] == "d2" and got["inherited_role_id"] is None


def test_rotate_with_json_null_body(emu):
    bot = emu.create_bot("nullbody")
    r = emu.owner.post(f"{ACCT}/bots/{bot['id']}/rotate_api_key", data="null",
                       headers={"Content-Type": "application/json"})
    body = expect(r, 201)
    assert body["api_key"]["key"].startswith("pnb_")


def test_team_put_with_null_directory_group(emu):
    t = emu.create_team("dg")
    expect(emu.owner.put(f"{ACCT}/teams/{t['id']}", json={
        "name": "dg", "description": None, "workos_directory_group_id": None}), 200)
    assert expect(emu.owner.get(f"{ACCT}/teams/{t['id']}"), 200)["description"] == ""


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@b.co", ""])
def test_invalid_invitation_email_is_422(emu, email):
    assert_validation_error(emu.owner.post(f"{ACCT}/invitations/", json=[
        {"email": email, "account_role_id": emu.account_role_id("Member")}]))
    ws = emu.create_workspace("emails")
    assert_validation_error(emu.owner.post(f"{ACCT}/workspaces/{ws['id']}/invitations/", json={"email": email}))


def test_invalid_json_body_is_422(emu):
    r = emu.owner.post(f"{ACCT}/teams/", data="{not json", headers={"Content-Type": "application/json"})
    assert_validation_error(r)


def test_past_key_expiration_is_rejected(emu):
    r = emu.owner.post(f"{ACCT}/bots/", json={"name": "past", "api_key_expiration": "2001-01-01T00:00:00Z"})
    assert r.status_code == 422, r.text
    rows = expect(emu.owner.post(f"{ACCT}/bots/filter", json={}), 200)
    assert rows == []


# ------------------------------------------------------------------------------- error bodies

def test_unknown_route_is_404_not_found(emu):
    r = emu.owner.get("/api/nothing/here")
    assert r.status_code == 404 and r.json() == {"detail": "Not Found"}


def test_error_bodies_match_official_error_schema(emu, official):
    schemas = official["components"]["schemas"]
    root = {"$ref": "#/components/schemas/HTTPValidationError", "components": official["components"]}
    validator = jsonschema.Draft202012Validator(root)
    assert "HTTPValidationError" in schemas
    ws = emu.create_workspace("errs")
    cases_422 = [
        emu.owner.post(f"{ACCT}/workspaces/", json={}),
        emu.owner.post(f"{ACCT}/teams/filter", json={"limit": 999}),
        emu.owner.post(f"{ACCT}/bots/", json={"name": "x", "extra": 1}),
        emu.owner.get(f"{ACCT}/workspaces/not-a-uuid"),
        emu.owner.put(f"{ACCT}/workspaces/{ws['id']}/team_access/", json={"not": "a list"}),
    ]
    problems = []
    for r in cases_422:
        if r.status_code != 422:
            problems.append(f"{r.request.method} {r.request.path_url}: {r.status_code}")
            continue
        for err in validator.iter_errors(r.json()):
            problems.append(f"{r.request.path_url}: {err.message}")
    for r, code in [(emu.owner.get(f"{ACCT}/teams/{es.random_id()}"), 404),
                    (emu.member.post(f"{ACCT}/teams/", json={"name": "x"}), 403),
                    (emu.anon.get("/api/me/"), 401)]:
        body = r.json()
        if r.status_code != code or set(body) != {"detail"} or not isinstance(body["detail"], str):
            problems.append(f"{r.request.path_url}: {r.status_code} {body}")
    assert not problems, "\n".join(problems)


def test_error_and_json_responses_have_json_content_type(emu):
    for r in (emu.owner.get("/api/me/"), emu.anon.get("/api/me/"),
              emu.owner.get(f"{ACCT}/teams/{es.random_id()}"),
              emu.owner.post(f"{ACCT}/teams/", json={})):
        assert r.headers.get("content-type", "").startswith("application/json"), (r.status_code, r.headers)


# ------------------------------------------------------------------------------- randomized filters

def _ref_match(name, any_=None, like_=None):
    if any_ is not None and name not in any_:
        return False
    if like_ is not None and like_.lower() not in name.lower():
        return False
    return True


def test_randomized_team_and_bot_name_filters_match_reference(emu):
    rng = random.Random(20240806)
    alphabet = ["ops", "Data", "plat", "ML", "sec", "web", "-", "x"]
    names = sorted({"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3))) for _ in range(40)})
    for n in names:
        emu.create_team(n)
        emu.create_bot(f"b{n}")
    bad = []
    for _ in range(40):
        any_ = rng.sample(names, rng.randint(1, 4)) + (["missing"] if rng.random() < 0.3 else [])
        like_ = rng.choice(alphabet + ["OPS", "a", "pl", "zz"])
        for crit in ({"any_": any_}, {"like_": like_}, {"any_": any_, "like_": like_}):
            expected = sorted(n for n in names if _ref_match(n, crit.get("any_"), crit.get("like_")))
            got = sorted(t["name"] for t in expect(emu.owner.post(
                f"{ACCT}/teams/filter", json={"teams": {"name": crit}}), 200))
            if got != expected:
                bad.append(f"teams {crit}: expected {expected}, got {got}")
            bcrit = dict(crit)
            if "any_" in bcrit:
                bcrit["any_"] = [f"b{n}" for n in bcrit["any_"]]
            bexpected = sorted(f"b{n}" for n in names if _ref_match(f"b{n}", bcrit.get("any_"), bcrit.get("like_")))
            bgot = sorted(b["name"] for b in expect(emu.owner.post(
                f"{ACCT}/bots/filter", json={"service_accounts": {"name": bcrit}}), 200))
            if bgot != bexpected:
                bad.append(f"bots {bcrit}: expected {bexpected}, got {bgot}")
    assert not bad, "\n".join(bad[:10])


def test_randomized_pagination_windows(emu):
    rng = random.Random(7)
    for i in range(23):
        emu.create_team(f"win-{i:02d}")
    full = [t["id"] for t in expect(emu.owner.post(f"{ACCT}/teams/filter", json={}), 200)]
    assert len(full) == 23
    for _ in range(25):
        limit, offset = rng.randint(0, 30), rng.randint(0, 30)
        got = [t["id"] for t in expect(emu.owner.post(
            f"{ACCT}/teams/filter", json={"limit": limit, "offset": offset}), 200)]
        assert got == full[offset:offset + limit], (limit, offset)
