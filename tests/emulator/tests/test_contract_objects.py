"""Contract test of the object-access routes against their official document.

Work pools, deployments and block documents - the reads that find them, their ACLs and the
caller's own access - are described in ``<repo>/../shared/prefect_cloud_access_events_openapi.json``
(or ``$PREFECT_CLOUD_ACCESS_EVENTS_OPENAPI``), not in the admin document; it is never copied into
the project. Each operation is compared as ``test_contract.py`` compares the admin ones.
"""
from __future__ import annotations

import pytest

import emu_support as es
import openapi_compare as oc

OFFICIAL = es.load_official_openapi(es.ACCESS_EVENTS_OPENAPI_NAME)

W = "/api/accounts/{account_id}/workspaces/{workspace_id}"

# Every object-access operation of the document: the emulator serves them all.
OBJECT_OPERATIONS = [
    ("POST", W + "/work_pools/filter"),
    ("GET", W + "/work_pools/{name}"),
    ("GET", W + "/work_pools/{name}/access"),
    ("PUT", W + "/work_pools/{name}/access"),
    ("POST", W + "/work_pools/my-access"),
    ("POST", W + "/flows/filter"),
    ("POST", W + "/deployments/filter"),
    ("GET", W + "/deployments/{id}"),
    ("GET", W + "/deployments/name/{flow_name}/{deployment_name}"),
    ("GET", W + "/deployments/{id}/access"),
    ("PUT", W + "/deployments/{id}/access"),
    ("POST", W + "/deployments/my-access"),
    ("POST", W + "/block_documents/filter"),
    ("GET", W + "/block_documents/{id}"),
    ("GET", W + "/block_types/slug/{slug}/block_documents/name/{block_document_name}"),
    ("GET", W + "/block_documents/{id}/access"),
    ("PUT", W + "/block_documents/{id}/access"),
    ("POST", W + "/block_documents/my-access"),
]
OBJECT_KEYS = [(m, oc.norm_path(p)) for m, p in OBJECT_OPERATIONS]

pytestmark = pytest.mark.skipif(OFFICIAL is None, reason=es.missing_openapi_message(es.ACCESS_EVENTS_OPENAPI_NAME))


@pytest.fixture(scope="module")
def emulator_doc():
    return es.make_app(es.TEST_SEED).openapi()


@pytest.fixture(scope="module")
def emulator_ops(emulator_doc):
    return oc.operations(emulator_doc)


def test_the_list_is_every_object_operation_of_the_document():
    """Nothing of the document outside the event feed is left out of the list, and nothing is made up."""
    official = oc.operations(OFFICIAL)
    listed = set(OBJECT_KEYS)
    assert listed <= set(official), sorted(listed - set(official))
    not_events = {key for key, (path, _) in official.items() if "/events" not in path}
    assert not_events == listed, sorted(not_events - listed)


@pytest.mark.parametrize("key", OBJECT_KEYS, ids=[f"{m} {p}" for m, p in OBJECT_OPERATIONS])
def test_operation_contract(key, emulator_doc, emulator_ops):
    opath, oop = oc.operations(OFFICIAL)[key]
    assert key in emulator_ops, f"{key[0]} {opath} is not served"
    epath, eop = emulator_ops[key]
    assert epath == opath, f"path parameter names differ: official {opath}, emulator {epath}"
    problems = oc.operation_problems(OFFICIAL, opath, oop, emulator_doc, epath, eop)
    assert not problems, f"{key[0]} {opath}:\n  " + "\n  ".join(problems)
