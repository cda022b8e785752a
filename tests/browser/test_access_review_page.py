"""The access review page in a real browser (make review-browser).

playbooks/access_review.yml runs against the emulator with the review's account
(tests/integration/targets/access_review/files/review_seed.yml) and writes the page; headless
Chromium opens it from the file, driven through chromedriver's WebDriver protocol (plain HTTP,
no client library), and the tests assert on the DOM it renders: the cells and their reasons, the
counts, the filter and the sorting, values shown as text, nothing fetched. A screenshot is kept
under .cache/review-browser/.
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
import yaml

TOP = Path(__file__).resolve().parents[2]
SEED_FILE = TOP / "tests" / "integration" / "targets" / "access_review" / "files" / "review_seed.yml"
COLLECTIONS = TOP / ".cache" / "collections"
ARTIFACTS = TOP / ".cache" / "review-browser"
BIN = Path(sys.executable).parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1500,1100",
]
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C WebDriver key of an element reference


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, process, what, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError("%s exited" % what)
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise RuntimeError("%s did not answer within %d s" % (what, timeout)) from None
            time.sleep(0.1)


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    """access_review.html as the playbook writes it for the review's account."""
    work = tmp_path_factory.mktemp("review")
    seed = yaml.safe_load(SEED_FILE.read_text(encoding="utf-8"))
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(TOP / "tests" / "emulator"))
    emulator = subprocess.Popen(
        [sys.executable, "-m", "prefect_cloud_emulator", "--host", "127.0.0.1", "--port", str(port), "--seed", str(SEED_FILE)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )
    try:
        wait_for("http://127.0.0.1:%d/_emulator/requests" % port, emulator, "the emulator")
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "ANSIBLE_"))}
        environment.update(
            PREFECT_API_KEY=seed["users"][0]["api_key"],
            PREFECT_CLOUD_API_URL="http://127.0.0.1:%d/api" % port,
            PREFECT_CLOUD_ACCOUNT_ID=seed["account"]["id"],
            ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        )
        run = subprocess.run(
            [str(BIN / "ansible-playbook"), "prefect.cloud.access_review", "-e", "access_review_dir=%s" % work],
            env=environment, capture_output=True, text=True, timeout=300, check=False,
        )
        assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    finally:
        stop(emulator)
    return work / "access_review.html"


class Browser:
    """A WebDriver session of headless Chromium (chromedriver on a loopback port)."""

    def __init__(self, profile):
        self.port = free_port()
        self.driver = subprocess.Popen(
            [shutil.which("chromedriver"), "--port=%d" % self.port], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.base = "http://127.0.0.1:%d" % self.port
        wait_for(self.base + "/status", self.driver, "chromedriver")
        options = {"binary": shutil.which("chromium"), "args": CHROMIUM_ARGS + ["--user-data-dir=%s" % profile]}
        value = self._send("POST", "/session", {"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}})
        self.session = "/session/%s" % value["sessionId"]

    def _send(self, method, path, body=None):
        response = requests.request(method, self.base + path, json=body, timeout=60)
        value = response.json().get("value")
        if response.status_code >= 400:
            raise RuntimeError("WebDriver %s %s: %s" % (method, path, value))
        return value

    def open(self, path):
        self._send("POST", self.session + "/url", {"url": path.resolve().as_uri()})

    def js(self, script, *args):
        return self._send("POST", self.session + "/execute/sync", {"script": script, "args": list(args)})

    def element(self, css):
        return self._send("POST", self.session + "/element", {"using": "css selector", "value": css})[ELEMENT]

    def type(self, css, text):
        element = self.element(css)
        self._send("POST", self.session + "/element/%s/clear" % element, {})
        self._send("POST", self.session + "/element/%s/value" % element, {"text": text})

    def click(self, css):
        self._send("POST", self.session + "/element/%s/click" % self.element(css), {})

    def screenshot(self, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(self._send("GET", self.session + "/screenshot")))

    def quit(self):
        try:
            self._send("DELETE", self.session)
        finally:
            stop(self.driver)


@pytest.fixture(scope="module")
def browser(page_file):
    profile = tempfile.mkdtemp(prefix="review-browser-profile-")
    session = Browser(profile)
    session.open(page_file)
    yield session
    try:
        session.screenshot(ARTIFACTS / "access_review.png")
    finally:
        session.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def fresh(browser, page_file):
    """The page as just opened (no filter, no sort)."""
    browser.open(page_file)
    return browser


CELL = """
const row = document.querySelector('#matrix tbody tr[data-actor="' + CSS.escape(arguments[0]) + '"]');
if (!row) { return null; }
const cell = row.querySelector('td[data-workspace="' + arguments[1] + '"]');
return {role: cell.querySelector('.role') ? cell.querySelector('.role').innerText : cell.innerText,
        why: cell.querySelector('.why') ? cell.querySelector('.why').innerText : '',
        title: cell.title};
"""
VISIBLE = "return Array.from(document.querySelectorAll('#matrix tbody tr')).filter(r => r.offsetParent !== null).map(r => r.dataset.actor);"


def test_the_matrix_shows_each_role_and_why(fresh):
    heads = fresh.js("return Array.from(document.querySelectorAll('#matrix thead th')).map(th => th.innerText);")
    assert heads == ["Actor", "Kind", "Account role", "dev", "prod", "staging", "Key expires"]
    assert fresh.js("return document.querySelectorAll('#matrix tbody tr').length;") == 12, "8 people and 4 bots"
    expected = {
        ("olive@acme.test", "prod"): ("Owner", "account role Owner"),
        ("dan@acme.test", "prod"): ("Developer", "direct grant (Developer)"),
        ("tess@acme.test", "dev"): ("Developer", "team data-engineers (Developer)"),
        ("mia@acme.test", "staging"): ("Viewer", "default role of the workspace (Viewer)"),
        ("sam@acme.test", "staging"): ("Viewer + SecretsReader", "direct grant (SecretsReader); default role of the workspace (Viewer)"),
        ("dan@acme.test", "staging"): ("Viewer", "team <b>ops</b> (Viewer); default role of the workspace (Viewer)"),
        ("legacy-sync", "prod"): ("Runner", "team data-engineers (Runner)"),
        ("mia@acme.test", "prod"): ("\u2014", ""),
    }
    for (actor, workspace), (role, why) in expected.items():
        cell = fresh.js(CELL, actor, workspace)
        assert (cell["role"], cell["why"]) == (role, why), (actor, workspace, cell)
    assert fresh.js(CELL, "tess@acme.test", "prod")["title"].endswith("scopes (listed under Roles and their scopes)")
    roles = fresh.js("return Object.fromEntries(Array.from(document.querySelectorAll('#roles tbody tr'))"
                     ".map(r => [r.cells[0].innerText, r.cells[2].innerText.split(' ')]));")
    assert "run_deployments" in roles["Runner"] and "run_deployments" not in roles["Viewer"]
    assert set(roles["Viewer"]) < set(roles["Viewer + SecretsReader"])
    assert fresh.js(CELL, "ina@acme.test", "prod") is None, "inactive members are shown apart"


def test_the_summary_and_the_tables_apart(fresh):
    counts = fresh.js(
        "return Object.fromEntries(Array.from(document.querySelectorAll('#summary .card'))"
        ".map(c => [c.id, Number(c.querySelector('.count').innerText)]));"
    )
    assert counts == {"card-owners": 1, "card-admins": 1, "card-bots-without-expiry": 1, "card-default-role-only": 3,
                      "card-people": 8, "card-bots": 4, "card-workspaces": 3, "card-pending": 1, "card-inactive": 1}
    assert fresh.js("return document.querySelector('#card-bots-without-expiry li').innerText;") == "legacy-sync"
    assert fresh.js("return document.querySelectorAll('#pending-invitations tbody tr').length;") == 2
    assert fresh.js("return document.querySelector('#inactive-members tbody td').innerText;") == "ina@acme.test"
    assert "are read" in fresh.js("return document.getElementById('object-acls').innerText;")
    assert fresh.js("return document.getElementById('taken-at').getAttribute('datetime');").endswith("Z")
    assert fresh.js("return document.getElementById('visible-count').innerText;") == "12 of 12 shown"


def test_filter(fresh):
    fresh.type("#filter", "data-engineers")
    assert sorted(fresh.js(VISIBLE)) == ["cindy@acme.test", "legacy-sync", "tess@acme.test"]
    assert fresh.js("return document.getElementById('visible-count').innerText;") == "3 of 12 shown"
    fresh.type("#filter", "owner")
    assert sorted(fresh.js(VISIBLE)) == ["alan@acme.test", "olive@acme.test"]
    fresh.type("#filter", "")
    fresh.js("const s = document.getElementById('kind-filter'); s.value = 'bot'; s.dispatchEvent(new Event('change'));")
    assert sorted(fresh.js(VISIBLE)) == ["=SUM(1+1)", "legacy-sync", "prod-deployer", "{{ 7 * 7 }}"]


def test_sort(fresh):
    actors = "return Array.from(document.querySelectorAll('#matrix tbody tr')).map(r => r.dataset.actor);"
    fresh.click("#matrix thead th:nth-child(1)")
    ascending = fresh.js(actors)
    assert ascending == sorted(ascending, key=str.lower)
    fresh.click("#matrix thead th:nth-child(1)")
    assert fresh.js(actors) == list(reversed(ascending))
    fresh.click("#matrix thead th[data-workspace='prod']")
    roles = fresh.js("return Array.from(document.querySelectorAll('#matrix tbody tr td[data-workspace=\"prod\"]')).map(td => td.dataset.role);")
    assert roles[:2] == ["Deployer", "Developer"] and roles[-1] == "", roles


def test_values_are_text_and_nothing_is_fetched(fresh):
    assert fresh.js("return document.querySelectorAll('#matrix b, #matrix script').length;") == 0
    text = fresh.js("return document.body.innerText;")
    assert "team <b>ops</b> (Viewer)" in text and "{{ 7 * 7 }}" in text and "=SUM(1+1)" in text
    assert fresh.js("return performance.getEntriesByType('resource').length;") == 0
    assert fresh.js("return location.protocol;") == "file:"
