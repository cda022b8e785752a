"""Fixtures for the Prefect Cloud emulator test suite.

Puts ``tests/emulator`` (the emulator package) and this directory (``emu_support``) on sys.path,
starts one real uvicorn server per session on 127.0.0.1 and resets it before every test that
uses it.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for p in (str(HERE.parent), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

import emu_support as es  # noqa: E402


@pytest.fixture(scope="session")
def official():
    doc = es.load_official_openapi()
    if doc is None:
        pytest.skip(es.missing_openapi_message())
    return doc


@pytest.fixture(scope="session")
def emulator_server():
    app = es.make_app(es.TEST_SEED)
    server = es.ServerThread(app).start()
    yield server
    server.stop()


@pytest.fixture
def emu(emulator_server):
    """A freshly reset emulator (state = TEST_SEED, empty log, no faults)."""
    handle = es.Emu(emulator_server.base_url)
    handle.reset()
    yield handle
    # leave no fault rules behind for the next test even if this one failed midway
    try:
        handle.clear_faults()
    except Exception:  # pragma: no cover - best effort
        pass
