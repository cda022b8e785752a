"""The collection artifact ships what users need and nothing of the development set-up.

The tarball is $PREFECT_CLOUD_ARTIFACT (make package builds it), or built here with
tools/build_collection.sh when that is not set.
"""

import json
import os
import pathlib
import subprocess
import tarfile

import pytest
import yaml

TOP = pathlib.Path(__file__).resolve().parents[2]

# What a user of the installed collection needs.
REQUIRED = {
    "MANIFEST.json", "FILES.json", "LICENSE", "README.md", "requirements.txt",
    "meta/runtime.yml", "meta/execution-environment.yml",
    "extensions/awx/credential_type.yml", "playbooks/awx_credential_type.yml",
    "playbooks/awx_job_templates.yml", "extensions/awx/project/store_key_in_awx.yml",
    "extensions/awx/project/collections/requirements.yml",
    "changelogs/changelog.yaml",
}
# Top-level entries that are development material: tests (they need the emulator and the dev
# requirements, which do not ship), tooling, caches and configuration of the dev tools.
DEV_ONLY_TOP = {"tests", "tools", "benchmarks", "Makefile", "requirements-dev.txt", "requirements-test.txt", "ruff.toml",
                "execution-environment.yml", "galaxy.yml"}


@pytest.fixture(scope="module")
def artifact():
    path = os.environ.get("PREFECT_CLOUD_ARTIFACT")
    if not path:
        path = subprocess.run([str(TOP / "tools" / "build_collection.sh")], check=True,
                              capture_output=True, text=True).stdout.strip()
    with tarfile.open(path) as tar:
        members = {m.name.rstrip("/"): m for m in tar.getmembers()}
        manifest = json.load(tar.extractfile("MANIFEST.json"))
        files = json.load(tar.extractfile("FILES.json"))
        ee = yaml.safe_load(tar.extractfile("meta/execution-environment.yml"))
        python_requirements = tar.extractfile(ee["dependencies"]["python"]).read().decode()
    return {"members": members, "manifest": manifest, "files": files, "python_requirements": python_requirements}


def test_ships_what_users_need(artifact):
    names = set(artifact["members"])
    assert REQUIRED <= names, sorted(REQUIRED - names)
    assert any(n.startswith("docs/") and artifact["members"][n].isfile() for n in names), "no docs shipped"


def test_ships_every_module_and_plugin_of_the_checkout(artifact):
    expected = {str(p.relative_to(TOP)) for p in (TOP / "plugins").rglob("*.py") if "__pycache__" not in p.parts}
    assert expected and expected <= set(artifact["members"]), sorted(expected - set(artifact["members"]))


def test_ships_no_tests_or_development_material(artifact):
    unexpected = sorted(
        name for name in artifact["members"]
        if name.split("/")[0] in DEV_ONLY_TOP
        or name.startswith("changelogs/fragments")
        or any(part.startswith(".") or part == "__pycache__" for part in name.split("/"))
        or name.endswith((".pyc", ".tar.gz", ".retry")))
    assert not unexpected


def test_ships_only_files_of_the_source_tree(artifact):
    """Nothing ignored by git (a local cache, a minted key, a build output) slips in."""
    listed = subprocess.run(["git", "-C", str(TOP), "ls-files", "--cached", "--others", "--exclude-standard"],
                            check=True, capture_output=True, text=True).stdout.split()
    known = set(listed) | {"MANIFEST.json", "FILES.json"}
    files = {n for n, m in artifact["members"].items() if m.isfile()}
    assert not sorted(files - known)


def test_manifest_matches_galaxy_yml_and_the_file_list(artifact):
    galaxy = yaml.safe_load((TOP / "galaxy.yml").read_text())
    info = artifact["manifest"]["collection_info"]
    assert (info["namespace"], info["name"], info["version"]) == (galaxy["namespace"], galaxy["name"], galaxy["version"])
    listed = {f["name"] for f in artifact["files"]["files"] if f["name"] != "."}
    assert listed == set(artifact["members"]) - {"MANIFEST.json", "FILES.json"}


def test_execution_environment_requirements_ship(artifact):
    """ansible-builder reads the Python requirements from the file meta/execution-environment.yml names."""
    requirements = [line.split("#")[0].strip() for line in artifact["python_requirements"].splitlines()]
    assert any(r.startswith("requests") for r in requirements)
