"""Rules every module keeps, checked over the whole collection so a new module cannot miss them."""

import ast
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
MODULES = sorted(p for p in (ROOT / "plugins" / "modules").glob("*.py") if p.name != "__init__.py")


def module_docs(path):
    """DOCUMENTATION, EXAMPLES and RETURN of a module, parsed."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("DOCUMENTATION", "EXAMPLES", "RETURN"):
                docs[name] = node.value.value
    return docs


def test_every_module_is_in_the_action_group_and_nothing_else():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    group = runtime["action_groups"]["prefect_cloud"]
    assert group == sorted(group), "keep the action group sorted"
    assert set(group) == {p.stem for p in MODULES}


def test_prefects_names_redirect_to_the_modules():
    """"Service account" is what Prefect calls a bot: both names reach one module, in the action group."""
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    routes = runtime["plugin_routing"]["modules"]
    assert {name: route["redirect"] for name, route in routes.items()} == {
        "service_account": "prefect.cloud.bot",
        "service_account_info": "prefect.cloud.bot_info",
    }
    modules = {p.stem for p in MODULES}
    for name, route in routes.items():
        assert name not in modules, "a redirect must not shadow a module file"
        assert route["redirect"].split(".")[-1] in runtime["action_groups"]["prefect_cloud"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_module_documentation(path):
    docs = module_docs(path)
    documentation = yaml.safe_load(docs["DOCUMENTATION"])
    assert documentation["module"] == path.stem
    fragments = documentation["extends_documentation_fragment"]
    assert "prefect.cloud.common" in fragments
    assert {"prefect.cloud.attributes", "prefect.cloud.attributes.info_module"} & set(fragments)
    if path.stem.endswith("_info"):
        assert "prefect.cloud.attributes.info_module" in fragments
    assert yaml.safe_load(docs["RETURN"]), "every module documents what it returns"
    examples = docs["EXAMPLES"]
    assert "prefect.cloud.%s:" % path.stem in examples, "EXAMPLES use the FQCN"
    assert "group/prefect.cloud.prefect_cloud" in examples, "EXAMPLES show module_defaults"
    assert "pnu_" not in examples and "pnb_" not in examples, "no literal credentials in EXAMPLES"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_modules_stay_thin(path):
    """HTTP, paging and status codes live in module_utils, not in modules."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not {"requests", "urllib", "urllib.request", "http.client"} & imported
    # Concurrent reads are module_utils' business (_api/reads.py), never a module's.
    assert not {"threading", "concurrent", "concurrent.futures", "multiprocessing", "asyncio"} & imported
    assert not any(m.startswith("ansible_collections.prefect.cloud.plugins.modules") for m in imported)
    assert "status_code" not in source
    assert '"offset"' not in source and "'offset'" not in source, "pagination belongs to the client"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_secret_options_are_no_log(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value in ("api_key", "key", "token", "password"):
                    if isinstance(value, ast.Dict):
                        spec = {k.value: v for k, v in zip(value.keys, value.values) if isinstance(k, ast.Constant)}
                        assert isinstance(spec.get("no_log"), ast.Constant) and spec["no_log"].value is True, key.value


# -- where requests are described: the resource table, and nowhere else ------------------------

DOC_VARIABLES = ("DOCUMENTATION", "EXAMPLES", "RETURN")
# The operators of Prefect Cloud's filter criteria: a filter body is built wherever one appears.
FILTER_OPERATORS = frozenset(("any_", "not_any_", "like_", "before_", "after_", "is_null_"))
CLIENT = ROOT / "plugins" / "module_utils" / "_api" / "client.py"
TABLE = ROOT / "plugins" / "module_utils" / "_api" / "table.py"


def code_literals(source):
    """``(line, text)`` of every string literal of the code: not the docs, not docstrings."""
    tree = ast.parse(source)
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in DOC_VARIABLES for t in node.targets):
            skipped.update(id(n) for n in ast.walk(node.value))
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                skipped.add(id(first.value))
    found = [
        (node.lineno, node.col_offset, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped
    ]
    return [(line, text) for line, _column, text in sorted(found)]


def requests_built_in(source):
    """The literals of a module that build a request: a URL path, a ``/filter``, a filter operator."""
    return [
        (line, text)
        for line, text in code_literals(source)
        if text.startswith("/") or "/filter" in text or text in FILTER_OPERATORS
    ]


def resource_path_segments():
    """The first segment of every path in the resource table (``workspaces``, ``bots``, ``me`` ...)."""
    segments = set()
    for _line, text in code_literals(TABLE.read_text(encoding="utf-8")):
        match = re.match(r"^/([a-z_]+)", text)
        if match and match.group(1) != "accounts":
            segments.add(match.group(1))
    return segments


def resource_paths_in(source, segments):
    """The literals of ``source`` that name a resource path (or a workspace access list)."""
    return [
        (line, text)
        for line, text in code_literals(source)
        if "_access" in text or any(re.search(r"/%s(/|$)" % re.escape(segment), text) for segment in segments)
    ]


LOOKUPS = sorted(p for p in (ROOT / "plugins" / "lookup").glob("*.py") if p.name != "__init__.py")


@pytest.mark.parametrize("path", MODULES + LOOKUPS, ids=lambda p: "%s/%s" % (p.parent.name, p.stem))
def test_modules_build_no_url_path_and_no_filter_body(path):
    """Paths and filters are the resource table's (module_utils/_api/table.py) knowledge; lookups included."""
    found = requests_built_in(path.read_text(encoding="utf-8"))
    assert found == [], "%s builds requests itself (line, literal): %s" % (path.name, found)


MODULE_UTILS = sorted(p for p in (ROOT / "plugins" / "module_utils").rglob("*.py") if p != TABLE)


def filter_bodies_built_in(source):
    """The literals and attributes of module_utils code that build a filter body: a filter operator, a ``/filter``, a ``.wrap``."""
    found = [(line, text) for line, text in code_literals(source) if "/filter" in text or text in FILTER_OPERATORS]
    found += [(node.lineno, "." + node.attr) for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Attribute) and node.attr == "wrap"]
    return sorted(found)


@pytest.mark.parametrize("path", MODULE_UTILS, ids=lambda p: str(p.relative_to(ROOT / "plugins" / "module_utils")))
def test_nothing_above_the_table_writes_a_filter_body(path):
    """The engine and the resource rules ask the table for filter bodies (``criteria``, ``filter_body``, ``any_of``)."""
    found = filter_bodies_built_in(path.read_text(encoding="utf-8"))
    assert found == [], "%s builds a filter body itself (line, literal): %s" % (path.name, found)


def test_the_http_client_knows_no_resource():
    source = CLIENT.read_text(encoding="utf-8")
    segments = resource_path_segments()
    assert {"workspaces", "bots", "teams", "me", "account_memberships", "invitations"} <= segments
    assert resource_paths_in(source, segments) == []
    imported = {node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom) and node.module}
    assert not any(name.endswith(("._api.table", "._resources", "._engine")) or "._resources." in name for name in imported)


SAMPLE_MODULE = '''
DOCUMENTATION = r"""
description: Reads C(/api/accounts/{account_id}/teams/filter) with {"any_": [...]}.
"""


class Teams:
    """Sends POST /teams/filter through the table."""

    def read(self, names, path):
        rows = self.client.list_all("/accounts/%s/teams/filter" % self.account_id, {"teams": {"name": {"any_": names}}})
        rows += self.client.list_all(path + "/filter")
        return rows, "team %r not found" % names
'''

SAMPLE_CLIENT = '''
def request(self, method, path):
    """Never resend a POST to /user_access/."""
    idempotent = method == "PUT" or "/user_access/" in path or path.endswith("/bot_access/")
    return self.session.request(method, self.api_url + path, verify=idempotent), "/me/"
'''


def test_the_rules_catch_a_module_that_builds_its_own_request():
    assert requests_built_in(SAMPLE_MODULE) == [(11, "/accounts/%s/teams/filter"), (11, "any_"), (12, "/filter")]
    clean = SAMPLE_MODULE.split("class Teams", maxsplit=1)[0] + "x = TEAM.filter_path\n"
    assert requests_built_in(clean) == []


def test_the_rules_catch_module_utils_that_build_a_filter_body():
    source = 'body = {resource.wrap: {"email": {"any_": emails}}}\npath = base + "/filter"\n'
    assert filter_bodies_built_in(source) == [(1, ".wrap"), (1, "any_"), (2, "/filter")]
    assert filter_bodies_built_in("body = resource.filter_body({'email': any_of(emails)})\n") == []


def test_the_rules_catch_a_client_that_knows_resource_paths():
    found = resource_paths_in(SAMPLE_CLIENT, {"me", "teams"})
    assert [text for _line, text in found] == ["/user_access/", "/bot_access/", "/me/"]
    assert resource_paths_in('url = self.api_url + path\nbase = "/api"\n', {"me", "teams", "api_keys"}) == []


def test_integration_targets_send_local_requests_from_the_controller():
    """A uri task forks a module process (about half a second of CPU) for one local request.

    Targets read the emulator's request log with the request_log lookup and call its hooks or
    the API behind the modules' backs with the controller_uri action (setup_emulator's plugins).
    """
    forking = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "tests" / "integration" / "targets").glob("*/tasks/*.yml"))
        if re.search(r"^\s*(ansible\.builtin\.)?uri:", path.read_text(encoding="utf-8"), re.M)
    ]
    assert forking == [], "use controller_uri (setup_emulator/action_plugins) instead of uri in %s" % forking


# What decides the outcome in the core rather than in the collection's Python: a target that uses
# any of these runs on the oldest core too (the alias oldest_core, make integration-oldest).
CORE_DEPENDENT = (
    (re.compile(r"prefect\.cloud\.environments\b"), "the role"),
    (re.compile(r"ansible_playbook\b|ansible-playbook"), "ansible-playbook"),
    (re.compile(r"lookup\(\s*['\"]prefect\.cloud\.|query\(\s*['\"]prefect\.cloud\."), "a lookup plugin"),
    (re.compile(r"\|\s*prefect\.cloud\."), "a filter plugin"),
)


def _aliases(target):
    path = target / "aliases"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_targets_that_depend_on_the_core_run_on_the_oldest_core():
    missing = []
    for target in sorted((ROOT / "tests" / "integration" / "targets").iterdir()):
        if target.name.startswith("setup_") or not (target / "tasks").is_dir():
            continue
        text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(target.rglob("*.yml")))
        reasons = [why for pattern, why in CORE_DEPENDENT if pattern.search(text)]
        if reasons and "oldest_core" not in _aliases(target):
            missing.append("%s (uses %s)" % (target.name, ", ".join(reasons)))
    assert missing == [], "add the alias oldest_core, with a comment saying why, to: %s" % missing


def test_every_oldest_core_alias_says_why():
    unexplained = [
        target.name
        for target in sorted((ROOT / "tests" / "integration" / "targets").iterdir())
        if "oldest_core" in _aliases(target)
        and "make integration-oldest" not in (target / "aliases").read_text(encoding="utf-8")
    ]
    assert unexplained == []
