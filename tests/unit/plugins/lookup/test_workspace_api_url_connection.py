"""prefect.cloud.workspace_api_url: the modules' connection (settings, account resolution) in a lookup.

The plugin's option plumbing (documentation, variables) is Ansible's and is exercised by the
integration tests; here ``get_option`` answers from a dict, and the requests are counted.
"""

import pytest

from ansible.errors import AnsibleLookupError

from ansible_collections.prefect.cloud.plugins.lookup.workspace_api_url import LookupModule

from unit_seed import ACCOUNT_ID, OWNER_KEY

ACCOUNT = "/accounts/%s" % ACCOUNT_ID


@pytest.fixture
def lookup(emulator, make_client, monkeypatch):
    client = make_client()
    workspaces = [client.post(ACCOUNT + "/workspaces/", json={"name": h.title(), "handle": h}) for h in ("dev", "prod")]
    options = {"api_url": emulator.api_url, "api_key": OWNER_KEY, "account": None, "validate_certs": True, "ca_path": None}
    options.update(profile=None, profile_file=None)
    options.update(request_timeout=10, max_retries=0)
    plugin = LookupModule()
    monkeypatch.setattr(plugin, "set_options", lambda var_options=None, direct=None: options.update(direct or {}))
    monkeypatch.setattr(plugin, "get_option", lambda name: options[name])
    return plugin, {w["handle"]: w["id"] for w in workspaces}


def sent_since(emulator, mark):
    return [(e["method"], e["path"].replace(ACCOUNT_ID, "{account}")) for e in emulator.log(mark)]


def test_many_workspaces_cost_one_filter_and_the_account_is_inferred_once(emulator, lookup):
    plugin, ids = lookup
    mark = emulator.last_seq()
    urls = plugin.run(["dev", ids["prod"].upper(), "prod"])
    base = "%s/accounts/%s/workspaces/" % (emulator.api_url, ACCOUNT_ID)
    assert urls == [base + ids["dev"], base + ids["prod"], base + ids["prod"]]
    assert sent_since(emulator, mark) == [
        ("GET", "/api/me/accounts"),
        ("POST", "/api/accounts/{account}/workspaces/filter"),  # the handles
        ("POST", "/api/accounts/{account}/workspaces/filter"),  # the id
    ]


def test_an_account_uuid_needs_no_account_request(emulator, lookup):
    plugin, ids = lookup
    mark = emulator.last_seq()
    assert plugin.run(["dev"], account=ACCOUNT_ID)[0].endswith(ids["dev"])
    assert sent_since(emulator, mark) == [("POST", "/api/accounts/{account}/workspaces/filter")]


@pytest.mark.parametrize(
    "terms, options, message",
    [
        (["nowhere"], {}, "workspace 'nowhere' not found in account %s" % ACCOUNT_ID),
        (["dev"], {"account": "elsewhere"}, "account 'elsewhere' not found among the accounts this API key can reach (unit)"),
        (["dev"], {"api_key": None}, "api_key is required"),
    ],
)
def test_errors_are_lookup_errors_with_the_modules_wording(lookup, terms, options, message):
    plugin, _ids = lookup
    with pytest.raises(AnsibleLookupError) as info:
        plugin.run(terms, **options)
    assert message in str(info.value)
