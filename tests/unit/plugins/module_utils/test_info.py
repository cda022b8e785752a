"""The reader behind the info modules: criteria from options, no request for an empty list, roles by name, the server's clock."""

import datetime

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import ReferenceNotFound
from ansible_collections.prefect.cloud.plugins.module_utils._api.table import ACCOUNT_ROLE, BOT, USER_ACCESS
from ansible_collections.prefect.cloud.plugins.module_utils._engine.info import InfoReader, run_info

from fake_api import FakeConnection, RecordingClient

SERVER_NOW = datetime.datetime(2031, 6, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
ROLES = [{"id": "r-owner", "name": "Owner"}, {"id": "r-member", "name": "Member"}]
BOTS = [
    {"id": "b1", "name": "deployer", "account_role_id": "r-member", "api_key": {"id": "k1", "key": "pnb_" + "s" * 36}},
    {"id": "b2", "name": "ci", "account_role_id": "r-owner"},
    {"id": "b3", "name": "legacy", "account_role_id": "r-gone"},
]


class FakeModule:
    def __init__(self, client, **params):
        self.params = params
        self.connection = FakeConnection(client)
        self.client = client
        self.api = self.connection.api
        self.resolver = self.connection.resolver


class Bots(InfoReader):
    api_resource = BOT
    result_key = "bots"
    filters = {"name": "name", "ids": "id"}
    role_fields = {"account_role": (ACCOUNT_ROLE, "account_role_id")}

    def decorate(self, row):
        if row["name"] == self.params.get("hide"):
            return None
        row["seen_at"] = self.now.isoformat()
        return row

    def extras(self):
        return {"catalogue_size": 2}


def client_for():
    return RecordingClient(
        lists={"/accounts/acc/bots/filter": BOTS, "/accounts/acc/account_roles/filter": ROLES},
        now=SERVER_NOW,
    )


def read(client, reader=Bots, **params):
    params = dict({"name": None, "ids": None, "hide": None, "roles": None}, **params)
    return reader(FakeModule(client, **params)).read()


def test_list_options_become_criteria_and_unset_ones_are_left_out():
    client = client_for()
    read(client, name=["deployer", "ci"], ids=["b3"])
    read(client)
    filters = [body for method, path, body in client.calls if path.endswith("/bots/filter")]
    assert filters == [
        {"service_accounts": {"name": {"any_": ["deployer", "ci"]}, "id": {"any_": ["b3"]}}},
        {},
    ]


@pytest.mark.parametrize("params", [{"name": []}, {"ids": []}, {"name": ["x"], "ids": []}])
def test_an_empty_list_asks_for_nothing_and_sends_nothing(params):
    client = client_for()
    assert read(client, **params) == {"changed": False, "bots": [], "count": 0, "catalogue_size": 2}
    assert client.calls == []


def test_role_ids_are_shown_by_name_from_one_catalogue_read_and_secrets_never_show():
    client = client_for()
    result = read(client)
    assert [(b["name"], b["account_role"]) for b in result["bots"]] == [("deployer", "Member"), ("ci", "Owner"), ("legacy", "r-gone")]
    assert [path for _m, path, _b in client.calls].count("/accounts/acc/account_roles/filter") == 1
    assert result["bots"][0]["api_key"] == {"id": "k1"}
    assert "pnb_" not in repr(result)


def test_a_row_decorated_to_none_is_left_out_and_not_counted():
    result = read(client_for(), hide="ci")
    assert [b["name"] for b in result["bots"]] == ["deployer", "legacy"]
    assert result["count"] == 2


def test_times_are_judged_by_the_server_clock():
    result = read(client_for())
    assert {b["seen_at"] for b in result["bots"]} == {SERVER_NOW.isoformat()}


class Grants(InfoReader):
    """A listing below a workspace, with criteria beside the wrapped ones."""

    api_resource = USER_ACCESS
    result_key = "grants"
    filters = {"emails": "email"}

    def body(self):
        return {"sort": "EMAIL_ASC"}

    def path_ids(self):
        return {"workspace_id": "w1"}


class BotsByRole(Bots):
    filters = {}
    role_filters = {"roles": ("account_role_id", ACCOUNT_ROLE)}


def test_role_options_become_criteria_on_role_ids():
    client = client_for()
    read(client, reader=BotsByRole, roles=["Owner", "r-member"])
    assert client.calls[:2] == [
        ("LIST", "/accounts/acc/account_roles/filter", {}),
        ("LIST", "/accounts/acc/bots/filter", {"service_accounts": {"account_role_id": {"any_": ["r-owner", "r-member"]}}}),
    ]


def test_an_empty_role_option_asks_for_nothing_and_an_unknown_role_fails():
    client = client_for()
    assert read(client, reader=BotsByRole, roles=[])["count"] == 0
    assert client.calls == []
    with pytest.raises(ReferenceNotFound, match="account role 'Emperor' not found"):
        read(client, reader=BotsByRole, roles=["Emperor"])


def test_body_entries_and_path_ids_reach_the_listing():
    client = RecordingClient()
    read(client, reader=Grants, emails=["a@x.io"])
    assert client.calls == [
        ("LIST", "/accounts/acc/workspaces/w1/user_access/filter", {"users": {"email": {"any_": ["a@x.io"]}}, "sort": "EMAIL_ASC"}),
    ]


class Failed(Exception):
    pass


class EntryModule(FakeModule):
    def __init__(self, client, **params):
        super().__init__(client, **params)
        self.ran = False

    def fail(self, msg, **result):
        raise Failed(msg)

    def run(self, body):
        self.ran = True
        self.result = body()


class Windowed(Bots):
    @classmethod
    def parse_options(cls, params):
        if params.get("hide") == "":
            raise ValueError("hide must not be empty")
        return {"parsed": True}


def test_run_info_parses_the_options_first():
    client = client_for()
    module = EntryModule(client, name=None, ids=None, hide="")
    with pytest.raises(Failed, match="hide must not be empty"):
        run_info(module, Windowed)
    assert not module.ran and client.calls == []
    module = EntryModule(client, name=None, ids=None, hide=None)
    run_info(module, Windowed)
    assert module.ran and module.result["count"] == 3
