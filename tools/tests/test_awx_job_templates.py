"""The AWX job templates playbook, the thin project playbooks and the key task file of extensions/awx/project.

No controller is reachable here: the real awx.awx modules (tools/awx_collection.sh) run against the stand-in
of awx_standin.py. The key task file runs inside the environments role against the emulator, storing the minted
key in the stand-in, which is then used against the emulator: it must be the key the bot was given.
"""

import json
import os
import pathlib
import re
import subprocess
import sys

import pytest
import requests
import yaml
from awx_standin import ENCRYPTED, StandIn

TOP = pathlib.Path(__file__).resolve().parents[2]
PLAYBOOK = TOP / "playbooks" / "awx_job_templates.yml"
PROJECT = TOP / "extensions" / "awx" / "project"
CREDENTIAL_TYPE = yaml.safe_load((TOP / "extensions" / "awx" / "credential_type.yml").read_text())
CORES = {"newest": TOP / ".venv", "oldest": TOP / ".venv-2.16"}
KEY_SHAPE = re.compile(r"pn[bu]_[A-Za-z0-9]{8,}")
# The template of each collection playbook: its project playbook, its job type, whether it gets the declaration.
TEMPLATES = {
    "Prefect Cloud converge": ("prefect_cloud_site.yml", "run", True),
    "Prefect Cloud audit": ("prefect_cloud_audit.yml", "check", True),
    "Prefect Cloud rotate keys": ("prefect_cloud_rotate_keys.yml", "run", True),
    "Prefect Cloud export": ("prefect_cloud_export.yml", "run", False),
}
# What AWX accepts in a survey question (AWX's survey spec validation).
SURVEY_TYPES = {"text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect"}


@pytest.fixture(scope="module")
def awx_collection_path():
    return subprocess.run([str(TOP / "tools" / "awx_collection.sh"), str(CORES["newest"] / "bin" / "python")],
                          check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def collections_path(awx_collection_path):
    """The collection's tree copy (for the role and its playbooks) and awx.awx."""
    tree = subprocess.run([str(TOP / "tools" / "collection_tree.sh")], check=True, capture_output=True, text=True).stdout.strip()
    return "%s:%s" % (pathlib.Path(tree).parents[2], awx_collection_path)


def controller_env(url, collections):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "CONTROLLER_", "TOWER_", "PREFECT_"))}
    env.update(CONTROLLER_HOST=url, CONTROLLER_OAUTH_TOKEN="stand-in-token", CONTROLLER_VERIFY_SSL="false",
               ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    return env


def recap(stdout):
    line = [line for line in stdout.splitlines() if line.startswith("localhost") and "ok=" in line][-1]
    return {k: int(v) for k, v in (part.split("=") for part in line.split()[2:])}


def seed(state):
    organization = state.add("organizations", name="Default")
    prefect_type = state.add("credential_types", name="Prefect Cloud", kind="cloud", inputs=CREDENTIAL_TYPE["inputs"])
    state.secret_inputs[prefect_type["id"]] = ["api_key"]
    platform_type = state.add("credential_types", name="Red Hat Ansible Automation Platform", kind="cloud")
    state.add("projects", name="prefect-admin", organization=organization["id"])
    state.add("inventories", name="localhost", organization=organization["id"])
    state.add("execution_environments", name="prefect-cloud-ee")
    state.add("credentials", name="Prefect Cloud", credential_type=prefect_type["id"], organization=organization["id"])
    state.add("credentials", name="Controller", credential_type=platform_type["id"], organization=organization["id"])


@pytest.fixture
def declaration(tmp_path):
    """The example declaration, with an expression the job must render, not this playbook."""
    data = yaml.safe_load((TOP / "playbooks" / "vars" / "acme.yml").read_text())
    data["prefect_environments_keys"] = {"directory": "/runner/keys", "vault_password": "{{ vault_keys_password }}"}
    path = tmp_path / "declaration.yml"
    path.write_text(yaml.safe_dump(data))
    return path, data


@pytest.mark.parametrize("core", sorted(CORES))
def test_the_templates_are_made_once_as_declared(core, collections_path, declaration, tmp_path):
    playbook = CORES[core] / "bin" / "ansible-playbook"
    assert playbook.exists(), "make venv venv-oldest first (%s)" % playbook
    declaration_file, declared = declaration
    variables = json.dumps({"prefect_awx_project": "prefect-admin", "prefect_awx_inventory": "localhost",
                            "prefect_awx_declaration_file": str(declaration_file),
                            "prefect_awx_execution_environment": "prefect-cloud-ee",
                            "prefect_awx_key_credentials": ["Controller"]})
    with StandIn() as (url, state):
        seed(state)
        runs = {}
        # The oldest core makes and keeps the templates; check mode, the same awx.awx code, is run on the newest only.
        plan = (("create", []), ("again", [])) + ((("check", ["--check"]),) if core == "newest" else ())
        for run, args in plan:
            before = len(state.writes)
            result = subprocess.run([str(playbook), str(PLAYBOOK), "-e", variables] + args, env=controller_env(url, collections_path),
                                    capture_output=True, text=True, cwd=str(tmp_path))
            assert result.returncode == 0, result.stdout + result.stderr
            runs[run] = (recap(result.stdout), state.writes[before:])

        assert runs["create"][0]["changed"] == 2  # the templates (one loop) and the schedule
        for run in set(runs) - {"create"}:
            assert runs[run][0]["changed"] == 0 and runs[run][1] == [], (run, runs[run])

        ids = {c["name"]: c["id"] for c in state.objects["credentials"].values()}
        templates = {t["name"]: t for t in state.objects["job_templates"].values()}
        assert set(templates) == set(TEMPLATES)
        for name, (project_playbook, job_type, gets_declaration) in TEMPLATES.items():
            template = templates[name]
            assert template["playbook"] == project_playbook and template["job_type"] == job_type
            assert template["project"] == state.named("projects", "prefect-admin")["id"]
            assert template["inventory"] == state.named("inventories", "localhost")["id"]
            assert template["execution_environment"] == state.named("execution_environments", "prefect-cloud-ee")["id"]
            assert template["diff_mode"] is True and template["ask_variables_on_launch"] is False
            # The declaration as written, its expressions left for the job to render.
            assert json.loads(template["extra_vars"]) == (declared if gets_declaration else {})
            credentials = {ids["Prefect Cloud"]}
            if name in ("Prefect Cloud converge", "Prefect Cloud rotate keys"):
                credentials.add(ids["Controller"])
            assert set(state.template_credentials[template["id"]]) == credentials, name
            survey = state.surveys.get(template["id"], {})
            assert template["survey_enabled"] is bool(survey)
            for question in survey.get("spec", []):
                assert question["type"] in SURVEY_TYPES and question["variable"] and question["question_name"]
                if question["type"] == "multiselect":
                    assert question["choices"]
        assert [q["choices"] for q in state.surveys[templates["Prefect Cloud converge"]["id"]]["spec"]] == [["dev", "staging", "prod"]]
        assert {q["variable"] for q in state.surveys[templates["Prefect Cloud rotate keys"]["id"]]["spec"]} == {
            "rotate_expiring_within", "rotate_grace_seconds"}
        assert not templates["Prefect Cloud audit"]["survey_enabled"]

        schedules = list(state.objects["schedules"].values())
        assert len(schedules) == 1 and schedules[0]["unified_job_template"] == templates["Prefect Cloud audit"]["id"]
        assert schedules[0]["rrule"].endswith("RRULE:FREQ=DAILY;INTERVAL=1") and schedules[0]["enabled"] is True


def test_check_mode_on_an_empty_controller_writes_nothing(collections_path, declaration, tmp_path):
    variables = json.dumps({"prefect_awx_project": "prefect-admin", "prefect_awx_inventory": "localhost",
                            "prefect_awx_declaration_file": str(declaration[0])})
    with StandIn() as (url, state):
        seed(state)
        result = subprocess.run([str(CORES["newest"] / "bin" / "ansible-playbook"), str(PLAYBOOK), "--check", "-e", variables],
                                env=controller_env(url, collections_path), capture_output=True, text=True, cwd=str(tmp_path))
        assert result.returncode == 0, result.stdout + result.stderr
        assert recap(result.stdout)["changed"] == 1 and state.writes == []


def test_the_playbook_refuses_a_missing_declaration(collections_path, tmp_path):
    with StandIn() as (url, state):
        seed(state)
        result = subprocess.run([str(CORES["newest"] / "bin" / "ansible-playbook"), str(PLAYBOOK), "-e",
                                 json.dumps({"prefect_awx_project": "prefect-admin", "prefect_awx_inventory": "localhost"})],
                                env=controller_env(url, collections_path), capture_output=True, text=True, cwd=str(tmp_path))
        assert result.returncode != 0 and "prefect_awx_declaration_file" in result.stdout, result.stdout
        assert state.writes == []


@pytest.mark.parametrize("name", sorted(p.name for p in PROJECT.glob("prefect_cloud_*.yml")))
def test_each_project_playbook_imports_the_collection_playbook(name):
    plays = yaml.safe_load((PROJECT / name).read_text())
    target = name[len("prefect_cloud_"):-len(".yml")]
    assert plays == [{"name": plays[0]["name"], "ansible.builtin.import_playbook": "prefect.cloud." + target}]
    assert (TOP / "playbooks" / (target + ".yml")).is_file()


def test_every_template_runs_a_project_playbook():
    assert {playbook for playbook, _job_type, _declaration in TEMPLATES.values()} == {p.name for p in PROJECT.glob("prefect_cloud_*.yml")}


@pytest.fixture
def emulator():
    env = dict(os.environ, PYTHON=str(CORES["newest"] / "bin" / "python"))
    url = subprocess.run([str(TOP / "tools" / "emulator.sh"), "start", "", ""], check=True, capture_output=True, text=True,
                         env=env).stdout.strip()
    yield url
    subprocess.run([str(TOP / "tools" / "emulator.sh"), "stop", url.rsplit(":", 1)[1]], check=True, env=env)


def test_the_key_task_file_stores_the_minted_key_as_a_credential(collections_path, emulator, tmp_path):
    sys.path.insert(0, str(TOP / "tests" / "emulator"))
    try:
        from prefect_cloud_emulator.seed import DEMO_OWNER_KEY, DEMO_SEED
    finally:
        sys.path.pop(0)
    account = DEMO_SEED["account"]["handle"]
    declaration = {
        "prefect_environments": [{"name": "awx"}],
        "prefect_environments_keys": {"task_file": str(PROJECT / "store_key_in_awx.yml")},
    }
    (tmp_path / "declaration.yml").write_text(yaml.safe_dump(declaration))
    with StandIn() as (url, state):
        seed(state)
        env = controller_env(url, collections_path)
        env.update(PREFECT_API_KEY=DEMO_OWNER_KEY, PREFECT_CLOUD_API_URL=emulator + "/api", PREFECT_CLOUD_ACCOUNT_ID=account)
        outputs = []
        for _run in ("mint", "again"):
            result = subprocess.run([str(CORES["newest"] / "bin" / "ansible-playbook"), str(TOP / "playbooks" / "site.yml"),
                                     "-e", "@" + str(tmp_path / "declaration.yml")],
                                    env=env, capture_output=True, text=True, cwd=str(tmp_path))
            assert result.returncode == 0, result.stdout + result.stderr
            outputs.append(result.stdout + result.stderr)
        credential_writes = [w for w in state.writes if w[1].startswith("/api/v2/credentials/")]
        assert len(credential_writes) == 1, credential_writes  # the second run mints nothing, so stores nothing
        stored = state.named("credentials", "Prefect Cloud deployer-awx")
        assert stored["credential_type"] == state.named("credential_types", "Prefect Cloud")["id"]
        assert stored["organization"] == state.named("organizations", "Default")["id"]
        inputs = stored["inputs"]
        assert inputs["account"] == account and inputs["api_url"] == emulator + "/api"
        assert KEY_SHAPE.fullmatch(inputs["api_key"])
        # The stored key is the bot's: the API takes it as deployer-awx.
        me = requests.get(emulator + "/api/me/", headers={"Authorization": "Bearer " + inputs["api_key"]}, timeout=10)
        assert me.status_code == 200 and "deployer-awx" in me.text, me.text
        # Read back as AWX shows it, the key is masked; and no output of the runs holds it.
        listed = requests.get(url + "/api/v2/credentials/?name=Prefect+Cloud+deployer-awx", timeout=10).json()
        assert listed["results"][0]["inputs"]["api_key"] == ENCRYPTED
        for output in outputs:
            assert inputs["api_key"] not in output and DEMO_OWNER_KEY not in output
