"""Rules every module keeps, checked over the whole collection so a new module cannot miss them."""

import ast
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
