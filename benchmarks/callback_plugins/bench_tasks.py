# Dev-only (benchmarks/): not part of the collection artifact.
"""A callback that counts, per task, the module runs (loop items count one each), the changed
results and the wall time, and writes them as JSON to $BENCH_TASKS_OUT when the play ends.

Enabled by benchmarks/role_scale.py with ANSIBLE_CALLBACK_PLUGINS=benchmarks/callback_plugins and
ANSIBLE_CALLBACKS_ENABLED=bench_tasks; the stdout callback stays the default one.
"""
from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
    name: bench_tasks
    type: aggregate
    short_description: counts module runs and time per task for benchmarks/role_scale.py
    description:
      - Writes the figures as JSON to the file named by the environment variable BENCH_TASKS_OUT.
    requirements:
      - enabled in callbacks_enabled
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_tasks"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tasks: dict[str, dict] = {}
        self._order: list[str] = []
        self._current: str | None = None
        self._started = time.monotonic()

    # ---- tasks -------------------------------------------------------------------
    def _close_current(self) -> None:
        if self._current is not None:
            rec = self._tasks[self._current]
            rec["wall"] += time.monotonic() - rec.pop("_t0")
            self._current = None

    def _start(self, task) -> None:
        self._close_current()
        uuid = task._uuid
        if uuid not in self._tasks:
            action = getattr(task, "resolved_action", None) or task.action
            self._tasks[uuid] = {"name": task.get_name(), "action": action, "runs": 0, "changed": 0, "failed": 0,
                                 "skipped": 0, "wall": 0.0}
            self._order.append(uuid)
        self._tasks[uuid]["_t0"] = time.monotonic()
        self._current = uuid

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._start(task)

    def v2_playbook_on_handler_task_start(self, task):
        self._start(task)

    # ---- results: a loop item is one module run; a task without a loop is one -------
    def _record(self, result, status: str, item: bool) -> None:
        rec = self._tasks.get(result._task._uuid)
        if rec is None:
            return
        res = result._result
        # A bulk module (bot with bots, ...) returns "results" too: only a task with a loop has a summary.
        if not item and (result._task.loop or result._task.loop_with) and "results" in res:
            # the summary of a loop: its items were counted one by one
            if status == "failed" and not res.get("results"):
                rec["failed"] += 1
            return
        if status == "skipped":
            rec["skipped"] += 1
            return
        rec["runs"] += 1
        if res.get("changed"):
            rec["changed"] += 1
        if status == "failed":
            rec["failed"] += 1

    def v2_runner_on_ok(self, result):
        self._record(result, "ok", False)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed", False)

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped", False)

    def v2_runner_on_unreachable(self, result):
        self._record(result, "failed", False)

    def v2_runner_item_on_ok(self, result):
        self._record(result, "ok", True)

    def v2_runner_item_on_failed(self, result):
        self._record(result, "failed", True)

    def v2_runner_item_on_skipped(self, result):
        self._record(result, "skipped", True)

    # ---- the end ----------------------------------------------------------------
    def v2_playbook_on_stats(self, stats):
        self._close_current()
        out = os.environ.get("BENCH_TASKS_OUT")
        if not out:
            return
        hosts = {h: stats.summarize(h) for h in sorted(stats.processed)}
        with open(out, "w", encoding="utf-8") as fh:
            json.dump({"tasks": [self._tasks[u] for u in self._order], "stats": hosts,
                       "wall": time.monotonic() - self._started}, fh, indent=1)
