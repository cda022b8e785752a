"""The environments role's checks of a whole declaration (plugins/filter/environments.py): no server needed."""

import pytest

from ansible_collections.prefect.cloud.plugins.filter.environments import (
    FilterModule,
    declaration_problems,
    exported_object_access,
    missing_objects,
    missing_references,
    object_access_items,
    undeclared_references,
)

ACCOUNT = "4db86fa3-9bc2-4d09-9df0-86b0fe7c6477"
OTHER = "5ec97fb4-0cd3-4e1a-8ef1-97c1fe8d7588"
DEPLOYER = {"name_prefix": "deployer-", "account_role": "Member", "workspace_role": "Developer"}


def declaration(**overrides):
    base = {
        "environments": [{"name": "dev"}, {"name": "prod", "grants": [{"user": "dan@acme.io", "workspace_role": "Viewer"}]}],
        "deployer": DEPLOYER,
        "workspace_prefix": "",
        "teams": [{"name": "engineers", "users": ["dan@acme.io"], "bots": ["ci"], "roles": {"dev": "Developer"}}],
        "people": [{"email": "dan@acme.io", "account_role": "Admin"}, {"email": "erin@acme.io"}],
        "bots": [{"name": "ci"}],
        "workspace_roles": [{"name": "Deployer"}],
    }
    base.update(overrides)
    return base


def test_the_filters_are_registered():
    assert set(FilterModule().filters()) == {
        "environments_declaration_problems", "environments_undeclared_references", "environments_missing_references",
        "environments_object_access_items", "environments_missing_objects", "environments_exported_object_access",
    }


def test_a_sound_declaration_has_no_problem():
    assert declaration_problems(declaration()) == []


@pytest.mark.parametrize(
    "overrides, words",
    [
        # the cases: a person twice by case, a team twice, a bot named like a deployer
        ({"people": [{"email": "dan@acme.io"}, {"email": "Dan@ACME.io"}]},
         "prefect_environments_people[1]: email 'Dan@ACME.io' is listed twice (also prefect_environments_people[0]; compared without regard to case)"),
        ({"teams": [{"name": "ops"}, {"name": "ops"}]}, "prefect_environments_teams[1]: team 'ops' is listed twice"),
        ({"bots": [{"name": "deployer-prod"}]},
         "prefect_environments_bots[0]: the bot 'deployer-prod' is named like the deployer of prefect_environments[1] (prod)"),
        ({"bots": [{"name": "ci"}, {"name": "ci"}]}, "prefect_environments_bots[1]: bot 'ci' is listed twice"),
        ({"workspace_roles": [{"name": "R"}, {"name": "R"}]}, "prefect_environments_workspace_roles[1]: workspace role 'R' is listed twice"),
        ({"environments": [{"name": "a", "deployer": {"name_prefix": "d-"}}, {"name": "d-a", "deployer": {"name_prefix": ""}}]},
         "prefect_environments[1] (d-a): its deployer is named 'd-a', as the deployer of prefect_environments[0] is"),
        ({"environments": [{"name": "a", "workspace": "shared"}, {"name": "b", "workspace": "shared"}]},
         "prefect_environments[1] (b): the workspace 'shared' is also prefect_environments[0]'s"),
        # one accessor granted twice in one workspace: the matrix and a direct grant, the deployer and a direct grant
        ({"environments": [{"name": "dev", "grants": [{"team": "engineers", "workspace_role": "Viewer"}]}]},
         "prefect_environments[0] (dev): the team 'engineers' is granted twice in its workspace, "
         "by prefect_environments_teams[0].roles and by prefect_environments[0].grants[0]"),
        ({"environments": [{"name": "dev", "grants": [{"bot": "deployer-dev", "workspace_role": "Viewer"}]}]},
         "the bot 'deployer-dev' is granted twice in its workspace, by its deployer and by prefect_environments[0].grants[0]"),
        ({"environments": [{"name": "dev", "deployer": False, "grants": [
            {"user": "a@acme.io", "workspace_role": "Viewer"}, {"user": "A@acme.io", "workspace_role": "Owner"}]}]},
         "the user 'A@acme.io' is granted twice"),
        ({"teams": [{"name": "t", "users": ["a@acme.io", "A@acme.io"]}]}, "prefect_environments_teams[0].users[1]: user 'A@acme.io' is listed twice"),
        ({"teams": [{"name": "t", "roles": {"qa": "Viewer", "dev": "Viewer"}}]},
         "prefect_environments_teams[0] (t): roles names unknown environment(s) qa; declared: dev, prod"),
        # names the modules would refuse, named by variable, before any request
        ({"teams": [{"name": "ops\u200b"}]}, "prefect_environments_teams[0].name must hold no invisible or control character"),
        ({"bots": [{"name": "ci\nprod"}]}, "prefect_environments_bots[0].name must hold no invisible or control character"),
        ({"people": [{"email": "dan"}]}, "prefect_environments_people[0].email: expected an email address"),
        ({"environments": [{"name": "Prod"}]}, "prefect_environments[0].workspace: a handle takes only lowercase letters"),
        ({"environments": [{"name": "dev", "grants": [{"team": " ops", "workspace_role": "Viewer"}]}]},
         "prefect_environments[0].grants[0].team must not have whitespace around it"),
        ({"workspace_roles": [{"name": "De\u00a0ployer"}]}, "U+00A0 NO-BREAK SPACE"),
    ],
)
def test_problems_are_named_by_variable(overrides, words):
    problems = declaration_problems(declaration(**overrides))
    assert any(words in problem for problem in problems), problems


def test_an_environment_without_a_deployer_frees_its_name():
    environments = [{"name": "dev"}, {"name": "prod", "deployer": False}]
    assert declaration_problems(declaration(environments=environments, bots=[{"name": "deployer-prod"}])) == []


# -- what is named but not declared --------------------------------------------------------------


def worked_out(environments):
    """Environments as the role's connection.yml works them out."""
    result = []
    for environment in environments:
        entry = dict({"account_id": ACCOUNT, "in_scope": True, "grants": []}, **environment)
        result.append(entry)
    return result


def references(**overrides):
    base = {
        "account_id": ACCOUNT,
        "environments": worked_out([
            {"name": "dev", "deployer": {"name": "deployer-dev", "account_role": "Member"},
             "grants": [{"bot": "deployer-dev", "workspace_role": "Developer"}, {"team": "engineers", "workspace_role": "Deployer"}]},
        ]),
        "teams": [{"name": "engineers", "bots": ["ci"]}],
        "bots": [{"name": "ci"}],
        "workspace_roles": [{"name": "Deployer"}],
        "people": [{"email": "dan@acme.io", "account_role": "Admin"}],
    }
    base.update(overrides)
    return undeclared_references(base)


def test_a_declaration_that_declares_what_it_names_needs_no_lookup():
    assert references() == []


def test_undeclared_teams_bots_and_roles_are_looked_up_once_per_kind_and_account():
    environments = worked_out([
        {"name": "dev", "grants": [{"team": "ghosts", "workspace_role": "Haunter"}, {"bot": "old-bot", "workspace_role": "Viewer"},
                                   {"team": "ghosts2", "workspace_role": "Viewer"}]},
        {"name": "prod", "account_id": OTHER, "grants": [{"team": "engineers", "workspace_role": "Deployer"}]},
        {"name": "qa", "in_scope": False, "grants": [{"team": "never-read", "workspace_role": "Viewer"}]},
    ])
    lookups = references(environments=environments, teams=[{"name": "engineers", "bots": ["deployer-qa"]}],
                         people=[{"email": "dan@acme.io", "account_role": "Auditor"}])
    assert [(entry["kind"], entry["account"], entry["names"]) for entry in lookups] == [
        ("account_role", ACCOUNT, ["Auditor"]),
        # a deployer of an environment out of scope is not made by this run
        ("bot", ACCOUNT, ["deployer-qa", "old-bot"]),
        # declared teams and roles are made in the role's account only
        ("team", ACCOUNT, ["ghosts", "ghosts2"]),
        ("team", OTHER, ["engineers"]),
        ("workspace_role", ACCOUNT, ["Haunter"]),
        ("workspace_role", OTHER, ["Deployer"]),
    ]
    assert lookups[2]["where"]["ghosts"] == "prefect_environments[0].grants[0]"


def test_a_lookup_names_the_variable_behind_a_worked_out_grant():
    environments = worked_out([{"name": "prod", "account_id": OTHER, "deployer": {"name": "deployer-prod"}, "grants": [
        {"bot": "deployer-prod", "workspace_role": "Custom"},
        {"team": "engineers", "workspace_role": "Viewer"},
        {"team": "sre", "workspace_role": "Viewer"},
    ]}])
    lookups = references(environments=environments, teams=[{"name": "engineers", "roles": {"prod": "Viewer"}}])
    where = {(entry["kind"], name): place for entry in lookups for name, place in entry["where"].items()}
    assert where == {
        ("workspace_role", "Custom"): "prefect_environments[0] (prod): its deployer",
        ("team", "engineers"): "prefect_environments_teams[0].roles.prod",
        ("team", "sre"): "prefect_environments[0].grants[0]",
    }


def test_ids_and_built_in_roles_are_never_looked_up():
    environments = worked_out([{"name": "dev", "grants": [
        {"team": "0b7b6c4e-5a7d-4c1e-8f0e-3d2a1b0c9e8f", "workspace_role": "Viewer"},
        {"bot": "ci", "workspace_role": "Worker"},
    ]}])
    assert references(environments=environments, people=[{"email": "a@acme.io", "account_role": "Owner"}, {"email": "b@acme.io"}]) == []


# -- what the look-ups did not find -----------------------------------------------------------------


def looked_up(lookup, rows):
    """A registered loop of one info module with one item."""
    key = {"team": "teams", "bot": "bots", "workspace_role": "workspace_roles", "account_role": "account_roles"}[lookup["kind"]]
    return {"results": [{"item": lookup, key: rows}]}


def facts(**overrides):
    base = {"account_id": ACCOUNT, "members": ["Dan@acme.io", "owner@acme.io"], "caller_email": "owner@acme.io", "exclusive": False,
            "people": [{"email": "dan@acme.io"}], "teams": [], "environments": []}
    base.update(overrides)
    return base


def test_names_not_found_are_refused_naming_where_they_are():
    lookups = references(environments=worked_out([{"name": "dev", "grants": [
        {"team": "ghosts", "workspace_role": "Viewer"}, {"team": "found", "workspace_role": "Viewer"}]}]))
    found = [looked_up(lookups[0], [{"name": "found"}]), {"results": [], "skipped": True}]
    assert missing_references(lookups, found, facts()) == [
        "prefect_environments[0].grants[0]: the team 'ghosts' is neither declared nor found in the account: "
        "the run would fail there after earlier tasks wrote"
    ]
    assert missing_references(lookups, [looked_up(lookups[0], [{"name": "found"}, {"name": "ghosts"}])], facts()) == []


def test_users_must_be_members_or_declared_people():
    teams = [{"name": "t", "users": ["Dan@acme.io", "stranger@acme.io", "erin@acme.io"]}]
    environments = worked_out([
        {"name": "dev", "grants": [{"user": "nobody@acme.io", "workspace_role": "Viewer"}]},
        {"name": "prod", "account_id": OTHER, "grants": [{"user": "elsewhere@acme.io", "workspace_role": "Viewer"}]},
    ])
    people = [{"email": "dan@acme.io"}, {"email": "erin@acme.io"}]  # erin is invited, not a member yet: not refused
    problems = missing_references([], [], facts(teams=teams, environments=environments, people=people))
    assert problems == [
        "prefect_environments_teams[0].users: stranger@acme.io is neither a member of the account nor in "
        "prefect_environments_people: the run would fail there after earlier tasks wrote",
        "prefect_environments[0].grants[0]: nobody@acme.io is neither a member of the account nor in "
        "prefect_environments_people: the run would fail there after earlier tasks wrote",
    ]


def test_exclusive_mode_refuses_users_it_would_remove_before_naming_them():
    teams = [{"name": "t", "users": ["owner@acme.io", "mia@acme.io"]}]
    problems = missing_references([], [], facts(teams=teams, members=["owner@acme.io", "mia@acme.io"], exclusive=True))
    assert len(problems) == 1
    assert problems[0].startswith("prefect_environments_teams[0].users: mia@acme.io is not in prefect_environments_people, "
                                  "so exclusive mode would remove them")


# -- exclusive mode's removal of members, bounded before any write -----------------------------------


def test_exclusive_with_no_people_refuses_to_remove_every_member_unless_allowed():
    members = ["owner@acme.io", "a@acme.io", "b@acme.io"]
    problems = missing_references([], [], facts(exclusive=True, people=[], members=members))
    assert problems == [
        "prefect_environments_exclusive: prefect_environments_people is empty, so exclusive mode would remove every member "
        "of the account but the caller (2): a@acme.io, b@acme.io. An empty list is more often a variable that did not load "
        "than meant; set prefect_environments_allow_remove_all: true if it is meant"
    ]
    assert missing_references([], [], facts(exclusive=True, people=[], members=members, allow_remove_all=True)) == []
    assert missing_references([], [], facts(exclusive=False, people=[], members=members)) == []
    # only the caller left: nothing to remove, nothing to confirm
    assert missing_references([], [], facts(exclusive=True, people=[], members=["owner@acme.io"])) == []


def test_exclusive_removes_at_most_max_removals_members():
    members = ["owner@acme.io", "dan@acme.io"] + ["m%02d@acme.io" % index for index in range(11)]
    problems = missing_references([], [], facts(exclusive=True, members=members))
    assert len(problems) == 1 and "would remove 11 members" in problems[0] and "more than prefect_environments_max_removals (10)" in problems[0]
    assert "m09@acme.io and 1 more" in problems[0]
    assert missing_references([], [], facts(exclusive=True, members=members, max_removals=11)) == []


# -- access control lists of work pools, deployments and blocks ---------------------------------------

OBJECT_ACCESS = {
    "work_pools": [{"work_pool": "k8s-prod", "run": {"users": ["dan@acme.io"], "teams": ["engineers"]}, "view": {"everyone": True}}],
    "deployments": [{"deployment": "etl/nightly", "manage": {"bots": ["ci"]}, "run": None}],
    "blocks": [{"block": "s3-bucket/raw-data", "state": "absent"}],
}


def test_a_sound_object_access_declaration_has_no_problem():
    environments = [{"name": "dev"}, {"name": "prod", "object_access": OBJECT_ACCESS}]
    assert declaration_problems(declaration(environments=environments)) == []


@pytest.mark.parametrize(
    "object_access, words",
    [
        ({"work_pool": []}, "prefect_environments[0].object_access: unknown key(s) work_pool; expected work_pools, deployments, blocks"),
        ({"deployments": [{"deployment": "nightly", "run": {"everyone": True}}]},
         "prefect_environments[0].object_access.deployments[0].deployment: expected '<flow name>/<deployment name>'"),
        ({"blocks": [{"block": "s3/raw", "run": {"everyone": True}}]},
         "prefect_environments[0].object_access.blocks[0]: unknown key(s) run; a block has the levels manage, view"),
        ({"work_pools": [{"work_pool": "a", "view": {"everyone": True}}, {"work_pool": "a", "run": {"everyone": True}}]},
         "prefect_environments[0].object_access.work_pools[1]: the work pool 'a' is listed twice (also prefect_environments[0].object_access.work_pools[0])"),
        ({"work_pools": [{"work_pool": "a"}]},
         "prefect_environments[0].object_access.work_pools[0]: give at least one of manage, run, view"),
        ({"work_pools": [{"work_pool": "a", "state": "absent", "view": {"everyone": True}}]},
         "prefect_environments[0].object_access.work_pools[0]: view cannot be combined with state: absent"),
        ({"work_pools": [{"work_pool": "a", "run": {"users": ["not-an-email"]}}]},
         "prefect_environments[0].object_access.work_pools[0].run.users[0]: expected an email address"),
        ({"work_pools": [{"work_pool": "a", "run": {"users": ["dan@acme.io", "DAN@acme.io"]}}]},
         "prefect_environments[0].object_access.work_pools[0].run.users[1]: user 'DAN@acme.io' is listed twice"),
        ({"blocks": [{"block": "s3/raw", "view": {"teams": [" padded"]}}]},
         "prefect_environments[0].object_access.blocks[0].view.teams[0]"),
    ],
)
def test_object_access_problems_are_named_by_variable(object_access, words):
    problems = declaration_problems(declaration(environments=[{"name": "dev", "object_access": object_access}]))
    assert any(words in problem for problem in problems), problems


def test_object_access_actors_are_looked_up_and_checked_as_members():
    object_access = {"work_pools": [{"work_pool": "k8s", "run": {"teams": ["ghosts", "engineers"], "bots": ["old-bot", "ci"],
                                                                 "users": ["stranger@acme.io", "dan@acme.io"]}}]}
    environments = worked_out([{"name": "dev", "object_access": object_access},
                               {"name": "qa", "in_scope": False, "object_access": {"blocks": [{"block": "s/b", "view": {"teams": ["never"]}}]}}])
    lookups = references(environments=environments)
    assert [(entry["kind"], entry["names"]) for entry in lookups] == [("bot", ["old-bot"]), ("team", ["ghosts"])]
    assert lookups[1]["where"]["ghosts"] == "prefect_environments[0].object_access.work_pools[0].run.teams"
    problems = missing_references([], [], facts(environments=environments))
    assert problems == [
        "prefect_environments[0].object_access.work_pools[0].run.users: stranger@acme.io is neither a member of the account nor in "
        "prefect_environments_people: the run would fail there after earlier tasks wrote"
    ]


def test_object_access_items_one_per_workspace_and_kind_of_the_environments_in_scope():
    environments = [
        {"name": "dev", "workspace": "dev", "account_id": ACCOUNT, "in_scope": True},
        {"name": "prod", "workspace": "acme-prod", "account_id": OTHER, "in_scope": True, "object_access": OBJECT_ACCESS},
        {"name": "qa", "workspace": "qa", "account_id": ACCOUNT, "in_scope": False, "object_access": OBJECT_ACCESS},
    ]
    items = object_access_items(environments)
    assert [(item["index"], item["workspace"], item["account_id"], item["kind"], item["names"]) for item in items] == [
        (1, "acme-prod", OTHER, "work_pools", ["k8s-prod"]),
        (1, "acme-prod", OTHER, "deployments", ["etl/nightly"]),
        (1, "acme-prod", OTHER, "blocks", ["s3-bucket/raw-data"]),
    ]
    # what the module's list form takes: a level set to null is a level not given
    assert items[1]["entries"] == [{"deployment": "etl/nightly", "manage": {"bots": ["ci"]}}]


def test_objects_the_workspace_does_not_hold_are_refused_naming_where_they_are():
    items = object_access_items([{"name": "prod", "workspace": "prod", "account_id": ACCOUNT, "in_scope": True, "object_access": {
        "work_pools": [{"work_pool": "k8s-prod", "run": {"everyone": True}}, {"work_pool": "gpu", "run": {"everyone": True}},
                       {"work_pool": "5F0D3A87-0C1E-4B8E-9A55-0B9AC5E1A0D4", "run": {"everyone": True}}],
        "blocks": [{"block": "s3/raw", "view": {"everyone": True}}],
    }}])
    pools = {"results": [{"item": items[0], "work_pools": [
        {"work_pool": "k8s-prod", "id": "11111111-1111-4111-8111-111111111111"},
        {"work_pool": "batch", "id": "5f0d3a87-0c1e-4b8e-9a55-0b9ac5e1a0d4"}]}]}
    blocks = {"results": [{"item": items[1], "failed": True, "msg": "workspace 'prod' not found"}]}
    assert missing_objects([pools, {"results": [], "skipped": True}, blocks]) == [
        "prefect_environments[0] (prod).object_access.work_pools: workspace 'prod' has no work pool 'gpu' (work pools are made by "
        "Prefect's own clients, never by this role): the run would fail there after earlier tasks wrote",
        "prefect_environments[0] (prod).object_access.blocks: the blocks of workspace 'prod' could not be read (workspace 'prod' not "
        "found): blocks are made by Prefect's own clients, never by this role, so a workspace it makes holds none yet",
    ]
    pools["results"][0]["work_pools"].append({"work_pool": "gpu", "id": "22222222-2222-4222-8222-222222222222"})
    assert missing_objects([pools]) == []


def test_the_export_keeps_only_the_lists_that_narrow_access_in_the_shape_object_access_takes():
    everyone = {"everyone": True, "users": [], "bots": [], "teams": []}
    narrowed = {"everyone": False, "users": ["olive@acme.io"], "bots": ["prod-deployer"], "teams": ["data-engineers"]}
    pools = {"results": [
        {"item": {"handle": "prod"}, "work_pools": [
            {"work_pool": "scratch", "id": "1", "restricted": False, "manage": everyone, "run": everyone, "view": everyone},
            {"work_pool": "k8s-prod", "id": "2", "restricted": True, "manage": everyone, "run": narrowed, "view": everyone},
        ]},
        {"item": {"handle": "dev"}, "work_pools": []},
    ]}
    deployments = {"results": [{"item": {"handle": "prod"}, "deployments": [
        {"deployment": None, "id": "3", "restricted": True, "manage": narrowed, "run": narrowed, "view": narrowed},
        {"deployment": "etl/nightly", "id": "4", "restricted": True, "manage": narrowed, "run": everyone, "view": everyone},
    ]}]}
    blocks = {"results": [], "skipped": True}
    environments = [{"name": "dev", "workspace": "dev"}, {"name": "prod", "workspace": "prod"}]
    assert exported_object_access(environments, [pools, deployments, blocks]) == [{"name": "dev", "workspace": "dev"}, {
        "name": "prod", "workspace": "prod", "object_access": {
            "work_pools": [{"work_pool": "k8s-prod", "manage": everyone, "run": narrowed, "view": everyone}],
            "deployments": [{"deployment": "etl/nightly", "manage": narrowed, "run": everyone, "view": everyone}],
        }}]
