# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of the environments role that look at a whole declaration, in Python.

A loop of assert tasks costs the role a task per check and per item on every run; these
filters judge the whole declaration in one task each:

* ``environments_declaration_problems``: before any request, what the declaration says
  twice (a person by case, a team, a bot, a bot named like a deployer, an accessor granted
  twice in one workspace) and every name the modules would refuse (empty, padded, with an
  invisible character, a bad handle or email) - the modules refuse them too, but only when
  their task comes, after the tasks before it have written;
* ``environments_undeclared_references``: after the account is known, the teams, bots,
  custom workspace roles and custom account roles that the declaration names but neither
  declares nor converges in this run, to be looked up once per kind;
* ``environments_missing_references``: of those, the ones the look-ups did not find, and
  the users the teams and grants name who are neither members nor declared people (or whom
  exclusive mode would remove first) - each would fail the run after earlier tasks wrote; and
  exclusive mode's removal of members beyond its bounds (everyone, more than
  ``max_removals``), which the account_member task would refuse only after earlier tasks wrote;
* ``environments_object_access_items``: the access control lists an environment declares on its
  work pools, deployments and blocks, one item per workspace and kind (one module run each);
* ``environments_exported_object_access``: for playbooks/export.yml, the access control lists
  the info modules read that narrow access (the others are what an object without one reads
  as), per workspace in the shape ``object_access`` takes, so that re-applying changes nothing;
* ``environments_missing_objects``: of those objects, the ones the workspace does not hold - objects
  are made by Prefect's own clients, never by the role, so each would fail the run after earlier
  tasks wrote.
"""

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import is_uuid
from ansible_collections.prefect.cloud.plugins.module_utils._engine import validate
from ansible_collections.prefect.cloud.plugins.module_utils._engine.removals import DEFAULT_MAX_REMOVALS, NAMED_IN_MESSAGE
from ansible_collections.prefect.cloud.plugins.module_utils._resources.object_access import BLOCKS, DEPLOYMENTS, WORK_POOLS

# Names Prefect Cloud gives its built-in roles: found in every account without a look-up. A name
# outside these lists is looked up, so a built-in role missing here costs one read, never a refusal.
BUILTIN_WORKSPACE_ROLES = ("Owner", "Developer", "Runner", "Viewer", "Worker")
BUILTIN_ACCOUNT_ROLES = ("Owner", "Admin", "Member", "Collaborator")
DEFAULT_ACCOUNT_ROLE = "Member"

# The look-ups, by kind: the option each info module takes the names in, and how a message names the kind.
KINDS = {
    "team": "team",
    "bot": "bot",
    "workspace_role": "workspace role",
    "account_role": "account role",
}


# The kinds of object an environment's object_access declares access control lists on, by the key
# that lists them there (the option of the modules' list forms).
OBJECT_KINDS = {kind.list_option: kind for kind in (WORK_POOLS, DEPLOYMENTS, BLOCKS)}
OBJECT_ACTOR_CHECKS = (("users", validate.user_reference), ("bots", validate.identity), ("teams", validate.identity))


def _list(value):
    return list(value or [])


def _text(value):
    return to_text(value) if value is not None else None


def deployer_name(environment, deployer):
    """The name of an environment's deployer bot, or ``None`` when it has none (as the role works it out)."""
    setting = environment.get("deployer", True)
    if isinstance(setting, dict):
        prefix = dict(deployer, **setting).get("name_prefix")
    elif setting is True:
        prefix = deployer.get("name_prefix")
    else:
        return None
    return "%s%s" % (prefix or "", environment.get("name"))


def _grant_sources(environment, index, deployer, teams):
    """``[(where, grant)]`` of one environment: its deployer, its teams' matrix roles, its direct grants."""
    sources = []
    name = deployer_name(environment, deployer)
    if name is not None:
        setting = environment.get("deployer")
        role = (dict(deployer, **setting) if isinstance(setting, dict) else deployer).get("workspace_role")
        sources.append(("its deployer", {"bot": name, "workspace_role": role}))
    for team_index, team in enumerate(teams):
        role = (team.get("roles") or {}).get(environment.get("name"))
        if role:
            sources.append(("prefect_environments_teams[%d].roles" % team_index, {"team": team.get("name"), "workspace_role": role}))
    for grant_index, grant in enumerate(_list(environment.get("grants"))):
        sources.append(("prefect_environments[%d].grants[%d]" % (index, grant_index), grant))
    return sources


def _object_entries(environment):
    """``[(list option, kind, entry index, entry)]`` of an environment's object_access, in declaration order."""
    declared = environment.get("object_access") or {}
    entries = []
    for list_option, kind in OBJECT_KINDS.items():
        for entry_index, entry in enumerate(_list(declared.get(list_option))):
            entries.append((list_option, kind, entry_index, entry or {}))
    return entries


def _object_actors(environment, index):
    """``[(where, actors, ref)]``: every user, bot and team an environment's object access lists name."""
    named = []
    for list_option, kind, entry_index, entry in _object_entries(environment):
        for level in kind.levels:
            for actors, _check in OBJECT_ACTOR_CHECKS:
                for ref in _list((entry.get(level) or {}).get(actors)):
                    where = "prefect_environments[%d].object_access.%s[%d].%s.%s" % (index, list_option, entry_index, level, actors)
                    named.append((where, actors, ref))
    return named


def _object_access_problems(problems, environment, index):
    """What the modules would refuse in an environment's object access lists, and what it lists twice."""
    declared = environment.get("object_access") or {}
    where = "prefect_environments[%d].object_access" % index
    if not isinstance(declared, dict):
        problems.add("%s: expected a dictionary of %s" % (where, ", ".join(OBJECT_KINDS)))
        return
    unknown = sorted(set(declared) - set(OBJECT_KINDS))
    if unknown:
        problems.add("%s: unknown key(s) %s; expected %s" % (where, ", ".join(unknown), ", ".join(OBJECT_KINDS)))
    seen = {}
    for list_option, kind, entry_index, entry in _object_entries(environment):
        entry_where = "%s.%s[%d]" % (where, list_option, entry_index)
        ref = entry.get(kind.option)
        if ref is None:
            problems.add("%s: %s is required (the %s, by name or id)" % (entry_where, kind.option, kind.noun))
        else:
            try:
                kind.check_reference(_text(ref), entry_where + "." + kind.option)
            except ValueError as exc:
                problems.add(str(exc))
            else:
                key = (list_option, kind.norm(_text(ref)))
                if key in seen:
                    problems.add("%s: the %s %r is listed twice (also %s.%s[%d]): list each once"
                                 % (entry_where, kind.noun, ref, where, list_option, seen[key]))
                else:
                    seen[key] = entry_index
        others = sorted(set(entry) - set(kind.levels) - {kind.option, "state"})
        if others:
            problems.add("%s: unknown key(s) %s; a %s has the levels %s" % (entry_where, ", ".join(others), kind.noun, ", ".join(kind.levels)))
        given = [level for level in kind.levels if entry.get(level) is not None]
        state = entry.get("state") or "present"
        if state == "absent" and given:
            problems.add("%s: %s cannot be combined with state: absent, which removes the %s's access control list (every level "
                         "opens to everyone whose workspace role allows it)" % (entry_where, " and ".join(given), kind.noun))
        elif state == "present" and not given:
            problems.add("%s: give at least one of %s (a level not given is left as it is), or state: absent to remove the "
                         "access control list" % (entry_where, ", ".join(kind.levels)))
        for level in given:
            for actors, check in OBJECT_ACTOR_CHECKS:
                refs = _list(entry[level].get(actors))
                for ref_index, ref in enumerate(refs):
                    problems.check(check, ref, "%s.%s.%s[%d]" % (entry_where, level, actors, ref_index))
                _repeats(problems, enumerate(refs), "%s.%s.%s" % (entry_where, level, actors), ACTOR_NOUN[actors], fold_case=actors == "users")


ACTOR_NOUN = {"users": "user", "bots": "bot", "teams": "team"}


def _accessor(grant):
    for kind in ("user", "bot", "team"):
        if grant.get(kind) is not None:
            return kind, grant[kind]
    return None, None


class _Problems:
    """Collects problems; ``check`` runs a validator of the modules on one value, naming where it is."""

    def __init__(self):
        self.found = []

    def add(self, message):
        self.found.append(message)

    def check(self, check, value, where):
        if value is None:
            return
        try:
            check(_text(value), where)
        except ValueError as exc:
            self.add(str(exc))


def _repeats(problems, values, where, what, fold_case=False):
    """Add a problem for each value listed again; ``values`` are ``(index, value)``."""
    seen = {}
    for index, value in values:
        if value is None:
            continue
        key = _text(value).lower() if fold_case else _text(value)
        if key in seen:
            problems.add(
                "%s[%d]: %s %r is listed twice (also %s[%d]%s): list each once"
                % (where, index, what, value, where, seen[key], "; compared without regard to case" if fold_case else "")
            )
        else:
            seen[key] = index


def declaration_problems(declaration):
    """What is wrong with the declaration as written, before any request: a list of messages.

    ``declaration`` holds the role's variables: ``environments``, ``deployer`` (with its defaults),
    ``workspace_prefix``, ``teams``, ``people``, ``bots``, ``workspace_roles``.
    """
    if not isinstance(declaration, dict):
        raise AnsibleFilterError("environments_declaration_problems expects a dictionary, got %s" % type(declaration).__name__)
    environments = _list(declaration.get("environments"))
    deployer = dict(declaration.get("deployer") or {})
    prefix = declaration.get("workspace_prefix") or ""
    teams = _list(declaration.get("teams"))
    people = _list(declaration.get("people"))
    bots = _list(declaration.get("bots"))
    roles = _list(declaration.get("workspace_roles"))
    problems = _Problems()

    # -- names the modules would refuse, with the variable that holds them
    for index, person in enumerate(people):
        where = "prefect_environments_people[%d]" % index
        problems.check(validate.email, person.get("email"), where + ".email")
        problems.check(validate.identity, person.get("account_role"), where + ".account_role")
    for index, team in enumerate(teams):
        where = "prefect_environments_teams[%d]" % index
        problems.check(validate.identity, team.get("name"), where + ".name")
        for user_index, user in enumerate(_list(team.get("users"))):
            problems.check(validate.user_reference, user, "%s.users[%d]" % (where, user_index))
        for bot_index, bot in enumerate(_list(team.get("bots"))):
            problems.check(validate.identity, bot, "%s.bots[%d]" % (where, bot_index))
        for environment, role in (team.get("roles") or {}).items():
            problems.check(validate.identity, role, "%s.roles.%s" % (where, environment))
        _repeats(problems, enumerate(_list(team.get("users"))), where + ".users", "user", fold_case=True)
        _repeats(problems, enumerate(_list(team.get("bots"))), where + ".bots", "bot")
    for index, bot in enumerate(bots):
        where = "prefect_environments_bots[%d]" % index
        problems.check(validate.identity, bot.get("name"), where + ".name")
        problems.check(validate.identity, bot.get("account_role"), where + ".account_role")
    for index, role in enumerate(roles):
        problems.check(validate.identity, role.get("name"), "prefect_environments_workspace_roles[%d].name" % index)
    for option in ("account_role", "workspace_role"):
        problems.check(validate.identity, deployer.get(option), "prefect_environments_deployer.%s" % option)
    for index, environment in enumerate(environments):
        where = "prefect_environments[%d]" % index
        problems.check(validate.handle, environment.get("workspace") or "%s%s" % (prefix, environment.get("name")), where + ".workspace")
        problems.check(validate.display_name, environment.get("title"), where + ".title")
        problems.check(validate.identity, environment.get("default_workspace_role"), where + ".default_workspace_role")
        name = deployer_name(environment, deployer)
        problems.check(validate.identity, name, where + " (its deployer's name)")
        setting = environment.get("deployer")
        if isinstance(setting, dict):
            for option in ("account_role", "workspace_role"):
                problems.check(validate.identity, setting.get(option), "%s.deployer.%s" % (where, option))
        for grant_index, grant in enumerate(_list(environment.get("grants"))):
            grant_where = "%s.grants[%d]" % (where, grant_index)
            problems.check(validate.user_reference, grant.get("user"), grant_where + ".user")
            problems.check(validate.identity, grant.get("bot"), grant_where + ".bot")
            problems.check(validate.identity, grant.get("team"), grant_where + ".team")
            problems.check(validate.identity, grant.get("workspace_role"), grant_where + ".workspace_role")
        _object_access_problems(problems, environment, index)

    # -- the role matrix names declared environments only
    names = [environment.get("name") for environment in environments]
    for index, team in enumerate(teams):
        unknown = sorted(set(team.get("roles") or {}) - set(names))
        if unknown:
            problems.add(
                "prefect_environments_teams[%d] (%s): roles names unknown environment(s) %s; declared: %s"
                % (index, team.get("name"), ", ".join(unknown), ", ".join(_text(name) for name in names))
            )

    # -- what is declared twice
    _repeats(problems, ((i, p.get("email")) for i, p in enumerate(people)), "prefect_environments_people", "email", fold_case=True)
    _repeats(problems, ((i, t.get("name")) for i, t in enumerate(teams)), "prefect_environments_teams", "team")
    _repeats(problems, ((i, b.get("name")) for i, b in enumerate(bots)), "prefect_environments_bots", "bot")
    _repeats(problems, ((i, r.get("name")) for i, r in enumerate(roles)), "prefect_environments_workspace_roles", "workspace role")

    deployers = {}
    for index, environment in enumerate(environments):
        name = deployer_name(environment, deployer)
        if name is None:
            continue
        if name in deployers:
            problems.add(
                "prefect_environments[%d] (%s): its deployer is named %r, as the deployer of prefect_environments[%d] is: "
                "give one of them another name_prefix" % (index, environment.get("name"), name, deployers[name])
            )
        else:
            deployers[name] = index
    for index, bot in enumerate(bots):
        if bot.get("name") in deployers:
            other = environments[deployers[bot["name"]]]
            problems.add(
                "prefect_environments_bots[%d]: the bot %r is named like the deployer of prefect_environments[%d] (%s): the "
                "role would converge one bot twice, with two settings; rename the bot, or let the environment's deployer be it"
                % (index, bot["name"], deployers[bot["name"]], other.get("name"))
            )

    workspaces = {}
    for index, environment in enumerate(environments):
        key = (environment.get("account") or "", environment.get("workspace") or "%s%s" % (prefix, environment.get("name")))
        if key in workspaces:
            problems.add(
                "prefect_environments[%d] (%s): the workspace %r is also prefect_environments[%d]'s: give each environment "
                "its own workspace" % (index, environment.get("name"), key[1], workspaces[key])
            )
        else:
            workspaces[key] = index

    for index, environment in enumerate(environments):
        seen = {}
        for where, grant in _grant_sources(environment, index, deployer, teams):
            kind, ref = _accessor(grant)
            if kind is None:
                continue
            key = (kind, _text(ref).lower() if kind == "user" or is_uuid(_text(ref)) else _text(ref))
            if key in seen:
                problems.add(
                    "prefect_environments[%d] (%s): the %s %r is granted twice in its workspace, by %s and by %s: grant "
                    "each once" % (index, environment.get("name"), kind, ref, seen[key], where)
                )
            else:
                seen[key] = where
    return problems.found


def _add(lookups, kind, account, name, where):
    if name is None or is_uuid(_text(name)):
        # An id needs no declaration; the module that uses it finds it or fails before writing.
        return
    entry = lookups.setdefault((kind, account), {})
    entry.setdefault(_text(name), where)


def _worked_out_grants(environment, index, teams):
    """``[(where, grant)]`` of an environment as the role works it out: its deployer's, its teams', its direct grants."""
    grants = _list(environment.get("grants"))
    own = 1 if environment.get("deployer") else 0
    matrix = [
        "prefect_environments_teams[%d].roles.%s" % (team_index, environment.get("name"))
        for team_index, team in enumerate(teams)
        if (team.get("roles") or {}).get(environment.get("name"))
    ]
    labelled = []
    for position, grant in enumerate(grants):
        if position < own:
            where = "prefect_environments[%d] (%s): its deployer" % (index, environment.get("name"))
        elif position < own + len(matrix):
            where = matrix[position - own]
        else:
            where = "prefect_environments[%d].grants[%d]" % (index, position - own - len(matrix))
        labelled.append((where, grant))
    return labelled


def undeclared_references(declaration):
    """What the declaration names but neither declares nor makes in this run: ``[{kind, account, names, where}]``.

    ``declaration`` holds: ``account_id`` (the role's account), ``environments`` (as the role works
    them out: ``name``, ``account_id``, ``in_scope``, ``deployer`` (``name``, ``account_role``),
    ``grants``, ``default_workspace_role``), ``teams``, ``bots``, ``workspace_roles`` and ``people``.
    ``where`` maps each name to the first variable that names it. Built-in roles and ids are
    never listed. Teams, other bots and custom roles are made in the role's account, deployers in
    their environment's, and only the environments in scope are converged.
    """
    account_id = declaration.get("account_id")
    environments = _list(declaration.get("environments"))
    teams = {team.get("name") for team in _list(declaration.get("teams"))}
    bots = {(bot.get("name"), account_id) for bot in _list(declaration.get("bots"))}
    roles = {role.get("name") for role in _list(declaration.get("workspace_roles"))}
    in_scope = [(index, environment) for index, environment in enumerate(environments) if environment.get("in_scope")]
    for _index, environment in in_scope:
        if environment.get("deployer"):
            bots.add((environment["deployer"].get("name"), environment.get("account_id")))
    lookups = {}

    def workspace_role(name, account, where):
        if name in BUILTIN_WORKSPACE_ROLES or (name in roles and account == account_id):
            return
        _add(lookups, "workspace_role", account, name, where)

    def account_role(name, account, where):
        if (name or DEFAULT_ACCOUNT_ROLE) in BUILTIN_ACCOUNT_ROLES:
            return
        _add(lookups, "account_role", account, name, where)

    for index, environment in in_scope:
        account = environment.get("account_id")
        where = "prefect_environments[%d] (%s)" % (index, environment.get("name"))
        workspace_role(environment.get("default_workspace_role"), account, where + ".default_workspace_role")
        if environment.get("deployer"):
            account_role(environment["deployer"].get("account_role"), account, where + " (its deployer's account_role)")
        for grant_where, grant in _worked_out_grants(environment, index, _list(declaration.get("teams"))):
            if grant.get("team") is not None and not (grant["team"] in teams and account == account_id):
                _add(lookups, "team", account, grant["team"], grant_where)
            if grant.get("bot") is not None and (grant["bot"], account) not in bots:
                _add(lookups, "bot", account, grant["bot"], grant_where)
            workspace_role(grant.get("workspace_role"), account, grant_where)
        for object_where, actors, ref in _object_actors(environment, index):
            if actors == "teams" and not (ref in teams and account == account_id):
                _add(lookups, "team", account, ref, object_where)
            elif actors == "bots" and (ref, account) not in bots:
                _add(lookups, "bot", account, ref, object_where)
    for index, team in enumerate(_list(declaration.get("teams"))):
        for bot in _list(team.get("bots")):
            if (bot, account_id) not in bots:
                _add(lookups, "bot", account_id, bot, "prefect_environments_teams[%d].bots" % index)
    for index, person in enumerate(_list(declaration.get("people"))):
        account_role(person.get("account_role"), account_id, "prefect_environments_people[%d].account_role" % index)
    for index, bot in enumerate(_list(declaration.get("bots"))):
        account_role(bot.get("account_role"), account_id, "prefect_environments_bots[%d].account_role" % index)
    return [
        {"kind": kind, "account": account, "names": sorted(names), "where": names}
        for (kind, account), names in sorted(lookups.items(), key=lambda item: (item[0][0], item[0][1] or ""))
    ]


def _found_names(result):
    """The names a look-up (an info module's result, or a loop of them) found."""
    rows = []
    for key in ("teams", "bots", "workspace_roles", "account_roles"):
        rows += _list(result.get(key))
    return {row.get("name") for row in rows}


def missing_references(lookups, found, declaration):
    """The problems the look-ups and the members read show: a list of messages.

    ``lookups`` is what ``environments_undeclared_references`` returned; ``found`` the registered
    results of the look-ups (each a loop's result, or a skipped one); ``declaration`` holds
    ``members`` (the emails of the role account's user members), ``caller_email``, ``exclusive``,
    ``account_id``, ``people``, ``teams`` and ``environments`` (as for ``environments_undeclared_references``).
    """
    names = {}
    for registered in found or []:
        for result in _list((registered or {}).get("results")):
            item = result.get("item") or {}
            names.setdefault((item.get("kind"), item.get("account")), set()).update(_found_names(result))
    problems = []
    for lookup in lookups or []:
        there = names.get((lookup["kind"], lookup["account"]), set())
        for name in lookup["names"]:
            if name not in there:
                problems.append(
                    "%s: the %s %r is neither declared nor found in the account%s: the run would fail there after "
                    "earlier tasks wrote" % (lookup["where"][name], KINDS[lookup["kind"]], name,
                                             "" if lookup["account"] == declaration.get("account_id") else " " + to_text(lookup["account"]))
                )
    problems += _user_problems(declaration)
    problems += _member_removal_problems(declaration)
    return problems


def _member_removal_problems(declaration):
    """Exclusive mode's removal of members, judged as the account_member task will judge it, but before any write.

    The members no person names are removed (never the caller). With no people at all that is everyone, which
    needs ``allow_remove_all``; and at most ``max_removals`` (the modules' default when ``None``) go in one run.
    """
    if not declaration.get("exclusive"):
        return []
    people = {_text(person.get("email")).lower() for person in _list(declaration.get("people")) if person.get("email")}
    caller = _text(declaration.get("caller_email") or "").lower()
    leaving = sorted(
        email for email in {_text(member).lower() for member in _list(declaration.get("members")) if member}
        if email not in people and email != caller
    )
    if not leaving:
        return []
    named = ", ".join(leaving[:NAMED_IN_MESSAGE]) + (" and %d more" % (len(leaving) - NAMED_IN_MESSAGE) if len(leaving) > NAMED_IN_MESSAGE else "")
    if not people and not declaration.get("allow_remove_all"):
        return [
            "prefect_environments_exclusive: prefect_environments_people is empty, so exclusive mode would remove every "
            "member of the account but the caller (%d): %s. An empty list is more often a variable that did not load "
            "than meant; set prefect_environments_allow_remove_all: true if it is meant" % (len(leaving), named)
        ]
    limit = declaration.get("max_removals")
    limit = DEFAULT_MAX_REMOVALS if limit is None else int(limit)
    if len(leaving) > limit:
        return [
            "prefect_environments_exclusive: exclusive mode would remove %d members that prefect_environments_people does "
            "not name, more than prefect_environments_max_removals (%d): %s. Check the plan (check mode lists it), then "
            "raise prefect_environments_max_removals to go ahead" % (len(leaving), limit, named)
        ]
    return []


def _user_problems(declaration):
    """Users the teams and the role account's grants name: members, or declared people (invited meanwhile)."""
    account_id = declaration.get("account_id")
    members = {_text(email).lower() for email in _list(declaration.get("members")) if email}
    people = {_text(person.get("email")).lower() for person in _list(declaration.get("people")) if person.get("email")}
    caller = _text(declaration.get("caller_email") or "").lower()
    exclusive = bool(declaration.get("exclusive"))
    named = []
    for index, team in enumerate(_list(declaration.get("teams"))):
        named += [("prefect_environments_teams[%d].users" % index, user) for user in _list(team.get("users"))]
    for index, environment in enumerate(_list(declaration.get("environments"))):
        if not environment.get("in_scope") or environment.get("account_id") != account_id:
            continue  # another account's members are not read; its grants' module checks them before writing
        named += [
            (where, grant["user"])
            for where, grant in _worked_out_grants(environment, index, _list(declaration.get("teams")))
            if grant.get("user") is not None
        ]
        named += [(where, ref) for where, actors, ref in _object_actors(environment, index) if actors == "users"]
    problems, told = [], set()
    for where, user in named:
        email = _text(user).lower()
        if is_uuid(email) or (where, email) in told:
            continue
        told.add((where, email))
        if email not in members and email not in people:
            problems.append(
                "%s: %s is neither a member of the account nor in prefect_environments_people: the run would fail there "
                "after earlier tasks wrote" % (where, user)
            )
        elif exclusive and email not in people and email != caller:
            problems.append(
                "%s: %s is not in prefect_environments_people, so exclusive mode would remove them from the account "
                "before the teams and grants that name them are converged: declare them, or name them nowhere" % (where, user)
            )
    return problems


def object_access_items(environments):
    """One item per environment in scope and kind of object it declares access control lists on.

    ``environments`` are the environments as the role works them out (``name``, ``workspace``,
    ``account_id``, ``in_scope``, ``object_access``). Each item: ``index`` (in ``prefect_environments``),
    ``environment``, ``workspace``, ``account_id``, ``kind`` (``work_pools``, ``deployments``, ``blocks``),
    ``names`` (the objects, as declared) and ``entries`` (what the module's list form takes: the levels
    given, and ``state``).
    """
    items = []
    for index, environment in enumerate(_list(environments)):
        if not environment.get("in_scope"):
            continue
        by_kind = {}
        for list_option, _kind, _entry_index, entry in _object_entries(environment):
            cleaned = {key: value for key, value in entry.items() if value is not None}
            by_kind.setdefault(list_option, []).append(cleaned)
        for list_option, entries in by_kind.items():
            kind = OBJECT_KINDS[list_option]
            items.append({
                "index": index,
                "environment": environment.get("name"),
                "workspace": environment.get("workspace"),
                "account_id": environment.get("account_id"),
                "kind": list_option,
                "names": [entry.get(kind.option) for entry in entries],
                "entries": entries,
            })
    return items


def missing_objects(found):
    """The objects the environments name that their workspace does not hold: a list of messages.

    ``found`` is the registered loops of the ``*_access_info`` look-ups, each item one of
    ``environments_object_access_items`` (a look-up that failed, such as for a workspace this run
    would make, says why: a new workspace holds no object).
    """
    problems = []
    for registered in found or []:
        for result in _list((registered or {}).get("results")):
            item = result.get("item") or {}
            kind = OBJECT_KINDS.get(item.get("kind"))
            if kind is None:
                continue
            where = "prefect_environments[%s] (%s).object_access.%s" % (item.get("index"), item.get("environment"), item.get("kind"))
            if result.get("failed"):
                problems.append(
                    "%s: the %ss of workspace %r could not be read (%s): %ss are made by Prefect's own clients, never by this "
                    "role, so a workspace it makes holds none yet" % (where, kind.noun, item.get("workspace"), result.get("msg"), kind.noun)
                )
                continue
            there = set()
            for row in _list(result.get(kind.list_option)):
                there.add(row.get(kind.option))
                there.add(_text(row.get("id") or "").lower())
            missing = [name for name in _list(item.get("names")) if kind.norm(_text(name)) not in there]
            if missing:
                names = ", ".join(repr(name) for name in missing)
                problems.append(
                    "%s: workspace %r has no %s %s (%ss are made by Prefect's own clients, never by this role): the run would "
                    "fail there after earlier tasks wrote" % (where, item.get("workspace"), kind.noun, names, kind.noun)
                )
    return problems


def exported_object_access(environments, found, workspace_prefix=""):
    """``environments`` (exported), each given the ``object_access`` of the access control lists of
    its workspace that narrow access. An environment's workspace is its ``workspace``, or
    ``workspace_prefix`` + its ``name``, as the role names it.

    ``found`` is the registered loops of the ``*_access_info`` modules over the workspaces (each
    item a workspace with its ``handle``). An object whose every level is open to everyone reads
    the same as one without a list, so it is left out; an object the info module could not name
    (a deployment whose flow is gone) cannot be declared, so it is left out too.
    """
    exported = {}
    for registered in found or []:
        for result in _list((registered or {}).get("results")):
            handle = (result.get("item") or {}).get("handle")
            for list_option, kind in OBJECT_KINDS.items():
                for row in _list(result.get(list_option)):
                    if not row.get("restricted") or not row.get(kind.option):
                        continue
                    entry = {kind.option: row[kind.option]}
                    for level in kind.levels:
                        view = row.get(level) or {}
                        entry[level] = {"everyone": bool(view.get("everyone"))}
                        entry[level].update({actors: sorted(_list(view.get(actors))) for actors in ACTOR_NOUN})
                    exported.setdefault(handle, {}).setdefault(list_option, []).append(entry)
    for declared in exported.values():
        for list_option, entries in declared.items():
            entries.sort(key=lambda entry, option=OBJECT_KINDS[list_option].option: entry[option])
    result = []
    for environment in _list(environments):
        declared = exported.get(environment.get("workspace") or (workspace_prefix or "") + to_text(environment.get("name")))
        result.append(dict(environment, object_access=declared) if declared else environment)
    return result


class FilterModule:
    """The environments role's checks of a whole declaration."""

    def filters(self):
        return {
            "environments_declaration_problems": declaration_problems,
            "environments_undeclared_references": undeclared_references,
            "environments_missing_references": missing_references,
            "environments_object_access_items": object_access_items,
            "environments_missing_objects": missing_objects,
            "environments_exported_object_access": exported_object_access,
        }
