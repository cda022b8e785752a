"""Contract test of the account event feed (the audit log) against its official document,
``<repo>/../shared/prefect_cloud_access_events_openapi.json`` (or ``$PREFECT_CLOUD_ACCESS_EVENTS_OPENAPI``),
which also holds the object-access routes (test_contract_objects.py); it is never copied into the
project. Each event operation is compared as ``test_contract.py`` compares the admin ones.
"""
from __future__ import annotations

import pytest

import emu_support as es
import openapi_compare as oc

OFFICIAL = es.load_official_openapi(es.ACCESS_EVENTS_OPENAPI_NAME)
A = "/api/accounts/{account_id}"

# Every event operation of the document: the emulator serves them all.
EVENT_OPERATIONS = [
    ("POST", A + "/events/filter"),
    ("GET", A + "/events/filter/next"),
    ("POST", A + "/events/count-by/{countable}"),
]
EVENT_KEYS = [(m, oc.norm_path(p)) for m, p in EVENT_OPERATIONS]

pytestmark = pytest.mark.skipif(OFFICIAL is None, reason=es.missing_openapi_message(es.ACCESS_EVENTS_OPENAPI_NAME))


@pytest.fixture(scope="module")
def emulator_doc():
    return es.make_app(es.TEST_SEED).openapi()


@pytest.fixture(scope="module")
def emulator_ops(emulator_doc):
    return oc.operations(emulator_doc)


def test_the_list_is_every_event_operation_of_the_document():
    official = oc.operations(OFFICIAL)
    events = {key for key, (path, _) in official.items() if "/events" in path}
    assert events == set(EVENT_KEYS), sorted(events ^ set(EVENT_KEYS))


@pytest.mark.parametrize("key", EVENT_KEYS, ids=[f"{m} {p}" for m, p in EVENT_OPERATIONS])
def test_operation_contract(key, emulator_doc, emulator_ops):
    opath, oop = oc.operations(OFFICIAL)[key]
    assert key in emulator_ops, f"{key[0]} {opath} is not served"
    epath, eop = emulator_ops[key]
    assert epath == opath, f"path parameter names differ: official {opath}, emulator {epath}"
    problems = oc.operation_problems(OFFICIAL, opath, oop, emulator_doc, epath, eop)
    assert not problems, f"{key[0]} {opath}:\n  " + "\n  ".join(problems)
