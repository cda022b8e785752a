"""prefect.cloud.api_key against the emulator: the races the API allows, narrowed as far as the module can."""

from ansible_collections.prefect.cloud.plugins.modules import api_key


def my_keys(make_client, name):
    """The Owner's keys named ``name``, as another client sees them."""
    client = make_client()
    user_id = client.get("/me/")["id"]
    return [row for row in client.get("/users/%s/api_keys" % user_id) or [] if row["name"] == name]


def key_posts(result):
    return [r for r in result["_requests"] if r["method"] == "POST" and r["path"].endswith("/api_keys")]


def posts_logged(emulator, since):
    """Key creations the emulator received since ``since``, whoever sent them."""
    return [entry for entry in emulator.log(since) if entry["method"] == "POST" and entry["path"].endswith("/api_keys")]


def test_a_key_made_by_another_run_after_the_read_is_not_made_again(monkeypatch, emulator, run_module, make_client):
    guard = api_key.UserApiKey.guard

    def another_run_creates_it_meanwhile(resource, plan):
        # Between this run's read and its create, a concurrent run of the same task mints the key.
        client = make_client()
        client.post("/users/%s/api_keys" % client.get("/me/")["id"], json={"name": "ci"})
        guard(resource, plan)

    monkeypatch.setattr(api_key.UserApiKey, "guard", another_run_creates_it_meanwhile)
    mark = emulator.last_seq()
    result = run_module(api_key, name="ci")
    assert not result["failed"], result["msg"]
    assert len(posts_logged(emulator, mark)) == 1, "only the other run's"
    assert not result["changed"] and "api_key" not in result
    assert any("meanwhile" in warning for warning in result["warnings"])
    assert len(my_keys(make_client, "ci")) == 1


def test_a_timed_out_create_is_waited_for_and_one_key_is_left(emulator, run_module, make_client):
    # The service stores the key 2 s after the request, which gave up after 1 s.
    emulator.fault(method="POST", path="/api_keys$", count=1, latency=2)
    result = run_module(api_key, name="slow", request_timeout=1)
    assert not result["failed"], result["msg"]
    assert result["changed"] and result["api_key"].startswith("pnu_")
    keys = my_keys(make_client, "slow")
    assert [row["id"] for row in keys] == [result["user_api_key"]["id"]]
    assert make_client(api_key=result["api_key"]).get("/me/")["email"] == "owner@unit.test"

    again = run_module(api_key, name="slow")
    assert not again["changed"] and again["warnings"] == [] and key_posts(again) == []
