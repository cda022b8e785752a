"""The FastAPI application: routers, error handlers, the request-log and
fault-injection middleware, and optional state persistence."""

from __future__ import annotations

import asyncio
import copy
import email.utils
import json
import os
import re
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import audit, hooks
from .routes import ROUTERS
from .seed import DEMO_SEED, build_store
from .store import Conflict, LastOwner, Store

HOOK_PREFIX = "/_emulator"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
TAG_PREFIX = re.compile(r"^/_tag/(?P<tag>[A-Za-z0-9_.-]{1,100})(?P<path>/api(?:/.*)?)$")
_CUT_CONNECTION_STATUS = 999  # not a valid HTTP status: see _run_and_drop


class Emulator:
    """Everything the app holds besides the routes: the state, the seed it
    resets to, the request log and the fault rules."""

    def __init__(self, seed: dict[str, Any], state_file: str | None) -> None:
        self.seed = copy.deepcopy(seed)
        self.options = hooks.EmulatorOptions.model_validate(seed.get("options") or {})
        self.state_file = Path(state_file) if state_file else None
        self.request_log: list[dict[str, Any]] = []
        self.seq = 0
        self.faults: list[hooks.FaultRule] = []
        self.populate_batches = 0
        if self.state_file and self.state_file.is_file():
            self.store = Store.from_snapshot(json.loads(self.state_file.read_text(encoding="utf-8")))
        else:
            self.store = build_store(self.seed)
            self.save()

    # ---- state ---------------------------------------------------------------
    def reset(self, seed: dict[str, Any] | None = None) -> None:
        if seed is not None:
            store = build_store(seed)  # validate before replacing anything
            options = hooks.EmulatorOptions.model_validate(seed.get("options") or {})
            self.seed = copy.deepcopy(seed)
        else:
            store = build_store(self.seed)
            options = hooks.EmulatorOptions.model_validate(self.seed.get("options") or {})
        self.store = store
        self.options = options
        self.request_log.clear()
        self.clear_faults()
        self.populate_batches = 0
        self.save()

    def save(self) -> None:
        """Writes the state file atomically (when persistence is on)."""
        if self.state_file is None:
            return
        tmp = self.state_file.with_suffix(self.state_file.suffix + ".tmp")
        tmp.write_text(json.dumps(self.store.snapshot()), encoding="utf-8")
        os.replace(tmp, self.state_file)

    def next_populate_batch(self) -> str:
        self.populate_batches += 1
        return "" if self.populate_batches == 1 else f"-{self.populate_batches}"

    # ---- request log ------------------------------------------------------------
    def log(self, method: str, path: str, status: int, tag: str | None = None) -> None:
        self.seq += 1
        entry: dict[str, Any] = {"seq": self.seq, "method": method, "path": path, "status": status}
        if tag is not None:
            entry["tag"] = tag
        self.request_log.append(entry)

    def log_since(self, since: int | None, tag: str | None = None) -> list[dict[str, Any]]:
        return [
            e for e in self.request_log
            if (since is None or e["seq"] > since) and (tag is None or e.get("tag") == tag)
        ]

    # ---- faults ------------------------------------------------------------------
    def add_fault(self, rule: hooks.FaultRule) -> None:
        if rule.path is not None:
            re.compile(rule.path)  # fail early on a bad pattern
        self.faults.append(rule)

    def clear_faults(self) -> None:
        self.faults.clear()

    def take_fault(self, method: str, path: str) -> hooks.FaultRule | None:
        for rule in self.faults:
            if rule.method and rule.method.upper() != method:
                continue
            if rule.path and not re.search(rule.path, path):
                continue
            rule._matches += 1
            if rule._matches % rule.every:
                continue
            rule.count -= 1
            if rule.count <= 0:
                self.faults.remove(rule)
            return rule
        return None


class EmulatorMiddleware:
    """Logs every API request (method, path, status - nothing else), applies
    fault rules, and saves the state after successful writes."""

    def __init__(self, app: ASGIApp, emulator: Emulator) -> None:
        self.app = app
        self.emulator = emulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(HOOK_PREFIX):
            await self.app(scope, receive, send)
            return
        emulator = self.emulator
        tag = None
        tagged = TAG_PREFIX.match(scope["path"])
        if tagged:
            # /_tag/<tag>/api/... is served as /api/... and logged with the tag, so that a
            # test can tell which of its steps sent which request.
            tag = tagged.group("tag")
            scope = {**scope, "path": tagged.group("path"), "raw_path": tagged.group("path").encode()}
        method, path = scope["method"], scope["path"]
        rule = emulator.take_fault(method, path)
        if rule is not None and rule.latency:
            # The request is read in full first, then the answer is late: a slow server
            # that has the request (a client that times out meanwhile cannot take it back).
            receive = await _buffered(receive)
            await asyncio.sleep(rule.latency)
        if rule is not None and rule.status is not None and not rule.drop_response:
            await self._send_fault(rule, send)
            emulator.log(method, path, rule.status, tag)
            return
        if rule is not None and rule.drop_response:
            await self._run_and_drop(scope, receive, send, emulator, tag)
            return

        status = 500
        body = bytearray()

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                # The Date header follows the emulator's clock (which /_emulator/clock moves),
                # as a real server's Date follows its own clock.
                stamp = email.utils.format_datetime(emulator.store.now(), usegmt=True).encode()
                message = {**message, "headers": [*message.get("headers", []), (b"date", stamp)]}
            elif message["type"] == "http.response.body" and audit.SCOPE_KEY in scope:
                # A write's audit events are recorded before the client has its whole answer.
                body.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    audit.commit(scope, status, bytes(body))
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            emulator.log(method, path, status, tag)
        if method in WRITE_METHODS and status < 400:
            emulator.save()

    @staticmethod
    async def _send_fault(rule: hooks.FaultRule, send: Send) -> None:
        assert rule.status is not None
        detail = "Rate limit reached (injected by the emulator)" if rule.status == 429 else "Injected fault (emulator)"
        body = json.dumps({"detail": detail}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        if rule.retry_after is not None:
            value = rule.retry_after
            headers.append((b"retry-after", (str(int(value)) if value == int(value) else str(value)).encode()))
        await send({"type": "http.response.start", "status": rule.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _run_and_drop(self, scope: Scope, receive: Receive, send: Send, emulator: Emulator, tag: str | None) -> None:
        """Processes and commits the request, then closes the connection
        without sending a byte, so the client sees a ConnectionError (the
        "lost response" of a real network failure)."""
        start: Message = {}
        body = bytearray()

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        await self.app(scope, receive, capture)
        status = start.get("status", 500)
        audit.commit(scope, status, bytes(body))
        emulator.log(scope["method"], scope["path"], status, tag)
        if scope["method"] in WRITE_METHODS and status < 400:
            emulator.save()
        # uvicorn (h11 and httptools alike) marks the response as started and
        # only then looks the status line up; an out-of-range status fails
        # that lookup before anything is written. As the response counts as
        # started, uvicorn then closes the socket instead of sending a 500.
        try:
            await send({"type": "http.response.start", "status": _CUT_CONNECTION_STATUS, "headers": []})
        except Exception:  # noqa: BLE001 - expected: see above
            return
        # Another server accepted the status: cut the body short instead.
        await send({"type": "http.response.body", "body": b"", "more_body": True})


async def _buffered(receive: Receive) -> Receive:
    """Reads the whole request body now; the returned ``receive`` replays it."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break

    async def replay() -> Message:
        if messages:
            return messages.pop(0)
        return await receive()

    return replay


def create_app(seed: dict[str, Any] | None = None, state_file: str | None = None) -> FastAPI:
    """A fresh emulator app. `seed` defaults to DEMO_SEED; with `state_file`,
    the state is loaded from it when it exists and saved after each write."""
    emulator = Emulator(seed if seed is not None else DEMO_SEED, state_file)
    app = FastAPI(
        title="Prefect Cloud API (emulator)",
        version="0.8.4",
        description="A local, stateful stand-in for the Prefect Cloud admin API. Test hooks live under /_emulator/.",
        # Notes each audited write before its route runs (audit.py); the middleware records it.
        dependencies=[Depends(audit.capture_write)],
    )
    app.state.emulator = emulator
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(hooks.router)

    @app.exception_handler(Conflict)
    async def conflict_handler(request: Request, exc: Conflict) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @app.exception_handler(LastOwner)
    async def last_owner_handler(request: Request, exc: LastOwner) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    # A reset swaps emulator.store; the Emulator object itself lives as long as the app.
    app.add_middleware(EmulatorMiddleware, emulator=emulator)
    return app
