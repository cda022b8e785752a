"""Workspace scope expansion and validation (module_utils/_scopes.py)."""

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import Refusal
from ansible_collections.prefect.cloud.plugins.module_utils._resources.scopes import (
    ScopeCatalogue,
    UnknownScopesError,
    load_scope_catalogue,
)

from fake_api import FakeConnection, RecordingClient

# A small catalogue in the shape of GET /workspace_scopes. A scope lists itself in
# includes_scopes (as in the OpenAPI example), and manage_flows includes run_flows,
# which in turn includes see_flows: expansion has to follow the chain.
ROWS = [
    {"name": "see_flows", "title": "See flows", "feature_group": "Flows", "includes_scopes": ["see_flows", "see_deployments"], "see_scope": None},
    {"name": "run_flows", "title": "Run flows", "feature_group": "Flows", "includes_scopes": ["see_flows"], "see_scope": "see_flows"},
    {"name": "manage_flows", "title": "Delete flows", "feature_group": "Flows", "includes_scopes": ["manage_flows", "run_flows"], "see_scope": "see_flows"},
    {"name": "see_deployments", "title": "See deployments", "feature_group": "Deployments", "includes_scopes": [], "see_scope": None},
    {"name": "see_blocks", "title": "See blocks", "feature_group": "Blocks", "see_scope": None},
    {"name": "manage_blocks", "title": "Manage blocks", "feature_group": "Blocks", "includes_scopes": ["see_blocks", None], "see_scope": "see_blocks"},
]


@pytest.fixture
def catalogue():
    return ScopeCatalogue(ROWS)


@pytest.mark.parametrize(
    "names, expected",
    [
        ([], []),
        (["see_deployments"], ["see_deployments"]),
        (["see_flows"], ["see_deployments", "see_flows"]),
        # manage_flows -> run_flows -> see_flows -> see_deployments
        (["manage_flows"], ["manage_flows", "run_flows", "see_deployments", "see_flows"]),
        (["manage_blocks"], ["manage_blocks", "see_blocks"]),
        # a row without includes_scopes expands to itself
        (["see_blocks"], ["see_blocks"]),
        # repeats collapse
        (["see_blocks", "see_blocks"], ["see_blocks"]),
        # names the catalogue does not know are kept (server-returned scopes must still compare)
        (["brand_new_scope"], ["brand_new_scope"]),
    ],
)
def test_expand(catalogue, names, expected):
    assert catalogue.expand(names) == expected


def test_expansion_is_order_insensitive(catalogue):
    assert catalogue.expand(["see_blocks", "manage_flows"]) == catalogue.expand(["manage_flows", "see_blocks"])


def test_names_are_sorted(catalogue):
    assert catalogue.names == sorted(r["name"] for r in ROWS)


def test_unknown_names(catalogue):
    assert catalogue.unknown(["see_flows", "nope", "also_nope", "nope"]) == ["nope", "also_nope"]
    assert catalogue.unknown(["see_flows"]) == []


def test_validate_accepts_known_names(catalogue):
    catalogue.validate(["see_flows", "manage_blocks"])


def test_validate_rejects_unknown_names_listing_the_valid_ones(catalogue):
    with pytest.raises(UnknownScopesError) as info:
        catalogue.validate(["see_flows", "see_flowz"], option="scopes")
    message = str(info.value)
    assert message.startswith("scopes: unknown workspace scope see_flowz;")
    assert "valid scopes are: " + ", ".join(sorted(r["name"] for r in ROWS)) in message
    assert info.value.unknown == ["see_flowz"]


def test_validate_plural(catalogue):
    with pytest.raises(UnknownScopesError) as info:
        catalogue.validate(["a", "b"])
    assert "unknown workspace scopes a, b;" in str(info.value)


def test_empty_catalogue():
    assert ScopeCatalogue(None).names == []
    assert ScopeCatalogue([]).expand(["x"]) == ["x"]


def test_unknown_scopes_are_a_refusal_not_an_api_error(catalogue):
    # No request carries the refusal: it is the module's own rule.
    with pytest.raises(Refusal):
        catalogue.validate(["nope"])


def test_load_reads_the_global_path():
    client = RecordingClient(answers={("GET", "/workspace_scopes"): ROWS})
    loaded = load_scope_catalogue(FakeConnection(client).api)
    # The catalogue is global: not below the account.
    assert client.calls == [("GET", "/workspace_scopes", None)]
    assert loaded.expand(["manage_blocks"]) == ["manage_blocks", "see_blocks"]
