"""The emulator's assumptions have one set of ids: the README lists them, the code names them,
the smoke run reports on them.

Where the official document is silent the emulator makes a choice. Each choice has an id in bold in
the README ("Behaviour the official document does not settle" and the IP allowlist section), and
the code that makes it says so in a comment ``EMULATOR ASSUMPTION (<id>, ...)``, so that a reader
of either finds the other. The smoke run (tests/smoke) lists every id in assumptions.yml, with
whether it checks it and why not, and its report names the same ids.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

EMULATOR = Path(__file__).resolve().parents[1]
README = EMULATOR / "README.md"
CODE = EMULATOR / "prefect_cloud_emulator"
SMOKE = EMULATOR.parent / "smoke"

README_ID = re.compile(r"\*\*`([a-z0-9][a-z0-9-]*)`\*\*")
# The ids follow the marker in parentheses, possibly on the next comment line.
CODE_TAG = re.compile(r"EMULATOR\s+ASSUMPTION\s*(?:#\s*)?\(([^)]*)\)")
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def readme_sections():
    """The README's lists of choices: "Behaviour the official document does not settle" and the
    sections after it, and every list that follows a "Choices where ..." line elsewhere."""
    text = README.read_text(encoding="utf-8")
    start = text.index("## Behaviour the official document does not settle")
    parts = [text[start:]]
    for match in re.finditer(r"^Choices where .*?(?=^## )", text[:start], re.MULTILINE | re.DOTALL):
        parts.append(match.group(0))
    return "\n".join(parts)


def readme_ids():
    found = README_ID.findall(readme_sections())
    assert len(found) == len(set(found)), "an id is listed twice in the README: %s" % sorted(
        {i for i in found if found.count(i) > 1})
    return set(found)


def code_tags():
    """{id: [files that name it]}, and the markers that name no id."""
    tags, untagged = {}, []
    for path in sorted(CODE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = str(path.relative_to(EMULATOR))
        for match in CODE_TAG.finditer(text):
            for ident in match.group(1).split(","):
                tags.setdefault(ident.strip(), []).append(rel)
        for marker in re.finditer(r"EMULATOR\s+(ASSUMPTION|CHOICE)", text):
            if not CODE_TAG.match(text, marker.start()):
                line = text[:marker.start()].count("\n") + 1
                untagged.append("%s:%d: %s" % (rel, line, text.splitlines()[line - 1].strip()))
    return tags, untagged


def test_the_readme_gives_every_choice_an_id():
    ids = readme_ids()
    assert len(ids) >= 30
    bad = sorted(i for i in ids if not ID.match(i))
    assert not bad, "ids are lower-case words joined by dashes: %s" % bad
    # Every bullet of the two sections starts with its ids.
    for line in readme_sections().splitlines():
        if line.startswith("- "):
            assert line.startswith("- **`"), "a README choice without an id: %r" % line


def test_the_code_names_every_id_and_only_those():
    ids = readme_ids()
    tags, untagged = code_tags()
    assert not untagged, "emulator assumptions in the code without an id from the README:\n" + "\n".join(untagged)
    unknown = sorted(set(tags) - ids)
    assert not unknown, "ids in the code that the README does not list: %s (%s)" % (
        unknown, {i: tags[i] for i in unknown})
    missing = sorted(ids - set(tags))
    assert not missing, "README ids that no code names with EMULATOR ASSUMPTION (<id>): %s" % missing


def test_the_smoke_run_lists_every_id_and_checks_what_it_says():
    ids = readme_ids()
    plan = yaml.safe_load((SMOKE / "assumptions.yml").read_text(encoding="utf-8"))["smoke_assumptions"]
    assert set(plan) == ids, "tests/smoke/assumptions.yml and the README differ: only there %s, only in the README %s" % (
        sorted(set(plan) - ids), sorted(ids - set(plan)))
    tasks = "\n".join(p.read_text(encoding="utf-8") for p in sorted((SMOKE / "tasks").glob("*.yml")))
    for ident, entry in plan.items():
        assert entry["check"] in ("both", "emulator", "none"), ident
        # An id the run checks is recorded by its tasks ('<id>': {'held': ..., 'detail': ...}) or,
        # for the duplicates, named in the list of requests they send (id: <id>).
        recorded = "'%s'" % ident in tasks or "id: %s," % ident in tasks
        if entry["check"] == "none":
            assert entry.get("why"), "%s: say why the smoke run does not check it" % ident
            assert not recorded, "%s is marked check: none, yet the smoke tasks record it" % ident
        else:
            assert recorded, "%s is marked check: %s, yet no smoke task records it" % (ident, entry["check"])
        if entry["check"] == "emulator":
            assert entry.get("why"), "%s: say why a real account run leaves it out" % ident
