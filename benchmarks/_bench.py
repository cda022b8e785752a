"""Shared helpers of the benchmarks (dev-only; not part of the collection artifact).

Starts the emulator in its own process on a free loopback port and samples the server
process's CPU time from /proc/<pid>/stat (utime + stime), so that figures stay meaningful
when the machine is loaded: wall-clock rates depend on the other processes, CPU seconds per
request hardly do.
"""
from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EMULATOR_DIR = REPO / "tests" / "emulator"
INTEGRATION_SEED = REPO / "tests" / "integration" / "emulator_seed.yml"
HOST = "127.0.0.1"  # the only address the benchmarks ever talk to
_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def load_seed(path: Path = INTEGRATION_SEED) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def owner_key(seed: dict) -> str:
    return next(u["api_key"] for u in seed["users"] if u.get("account_role") == "Owner" and u.get("api_key"))


def cpu_seconds(pid: int) -> float:
    """user + system CPU seconds of a process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15
    return (int(fields[11]) + int(fields[12])) / _TICKS


def median(values):
    return statistics.median(values)


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text(encoding="ascii").split()[:3])
    except OSError:
        return "?"


class Emulator:
    """`python -m prefect_cloud_emulator` in a child process, on a free loopback port."""

    def __init__(self, seed_file: Path = INTEGRATION_SEED, python: str = sys.executable, start_timeout: float = 120.0):
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.api = f"{self.base}/api"
        env = dict(os.environ)
        env["PYTHONPATH"] = str(EMULATOR_DIR) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [python, "-m", "prefect_cloud_emulator", "--host", HOST, "--port", str(self.port), "--seed", str(seed_file)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + start_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"emulator exited {self.proc.returncode}: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                requests.get(f"{self.base}/_emulator/requests", timeout=2)
                break
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or too busy starting to answer
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"emulator did not answer within {start_timeout}s") from None
                time.sleep(0.1)
        self.startup_wall = time.monotonic() - self.started
        self.startup_cpu = self.cpu()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def hook(self, method: str, path: str, **kw):
        r = requests.request(method, f"{self.base}/_emulator{path}", timeout=600, **kw)
        r.raise_for_status()
        return r.json() if r.content else None

    def populate(self, **counts) -> dict:
        return self.hook("POST", "/populate", json=counts)

    def requests_log(self, since: int | None = None) -> list[dict]:
        return self.hook("GET", "/requests", params={} if since is None else {"since": since})

    def last_seq(self) -> int:
        log = self.requests_log()
        return log[-1]["seq"] if log else 0

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def collections_path(tmp: Path) -> str:
    """An ANSIBLE_COLLECTIONS_PATH where prefect.cloud is this checkout."""
    root = tmp / "collections"
    link = root / "ansible_collections" / "prefect" / "cloud"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(REPO, target_is_directory=True)
    return str(root)
