# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""The access review: who can do what in which workspace, and why.

Prefect Cloud has no "effective access of actor X" call; the answer is a join of what it does
list. For every active member (user or bot) and every workspace, the paths that give access:

* the account role, when it holds ``administrate:workspace`` (Owner, Admin): Owner of every
  workspace, without any grant;
* a direct grant to the user or bot in that workspace;
* a grant to a team the actor belongs to (each such team is a path);
* the workspace's default role, which every member user gets (not bots, not Collaborators,
  who only reach the workspaces they were granted).

Access adds up: the effective scopes are the union of the paths' roles, each role expanded
through its inherited role and the scope catalogue's ``includes_scopes``. The effective role is
the one role that gives them all (the broadest path), else the roles together.

Apart from those: pending invitations (what the invitee will get) and inactive members (who
have no access while inactive). Bots carry their key's expiry.

Object-level access lists (work pools, deployments, blocks) narrow a role for one object: a
level the role allows is lost where the object's list names neither the actor, nor one of its
teams, nor everyone (a grant of a level carries down: ``manage`` gives ``run`` and ``view``). The
lists that narrow something are read per workspace; ``narrow_by_object_acls`` says, on each row,
which objects take which levels away from the actor. Holders of ``manage_acls`` (workspace
Owners; account Owners and Admins) keep every level; a deployment on a work pool whose list
narrows something follows the pool's list instead of its own, as Prefect documents.

``read_account`` makes the reads (about 0.05 requests per member at scale: every list is read
whole, a page of 200 at a time, the independent ones together); ``review`` is the join and
needs no server, so it is tested on its own; ``compare`` tells who gained or lost access since
an earlier review's CSV.
"""

from ansible_collections.prefect.cloud.plugins.module_utils._api.table import (
    ACCOUNT,
    ACCOUNT_MEMBER,
    ACCOUNT_ROLE,
    BOT,
    BOT_ACCESS,
    INVITATION,
    TEAM,
    USER_ACCESS,
    WORKSPACE,
    WORKSPACE_INVITATION,
    WORKSPACE_ROLE,
)
from ansible_collections.prefect.cloud.plugins.module_utils._api.errors import PrefectCloudHTTPError
from ansible_collections.prefect.cloud.plugins.module_utils._engine.values import format_datetime, parse_datetime
from ansible_collections.prefect.cloud.plugins.module_utils._resources.object_access import (
    ACL_ADMINISTRATOR_SCOPE,
    BLOCKS,
    DEPLOYMENTS,
    EVERYONE,
    WORK_POOLS,
)
from ansible_collections.prefect.cloud.plugins.module_utils._resources.scopes import ScopeCatalogue, read_scope_rows

IMPLICIT_OWNER_PERMISSION = "administrate:workspace"
OWNER_ROLE = "Owner"
COLLABORATOR_ROLE = "Collaborator"
BOT_MEMBER = "service_account"

# Why an actor has access, as the review words it (CSV "source").
ACCOUNT_ROLE_PATH = "account role"
DIRECT_PATH = "direct grant"
TEAM_PATH = "team grant"
DEFAULT_PATH = "default role"
PATH_ORDER = (ACCOUNT_ROLE_PATH, DIRECT_PATH, TEAM_PATH, DEFAULT_PATH)

OBJECT_ACLS_NOTE = (
    "Object-level access lists (work pools, deployments, blocks) are read: where an object's list takes a level away "
    "from someone whose role allows it, their row says which object and which levels they keep there. Workspace "
    "Owners and account Owners and Admins keep every level whatever the lists say."
)
# The object kinds whose lists narrow access, and the workspace scope each level needs (without it the
# role does not allow the level, and a list cannot take it away).
OBJECT_KINDS = (WORK_POOLS, DEPLOYMENTS, BLOCKS)
LEVEL_SCOPES = {
    "work pool": {"manage": "manage_work_pools", "run": "see_work_pools", "view": "see_work_pools"},
    "deployment": {"manage": "manage_deployments", "run": "run_deployments", "view": "see_deployments"},
    "block": {"manage": "manage_blocks", "view": "see_blocks"},
}
# Statuses of an object read the key may not make (the plan has no object lists, or a role without see_*).
UNREADABLE = (401, 403, 404)

# The CSV's columns, in order: one row per actor and workspace (and per pending invitation).
CSV_COLUMNS = (
    "actor",
    "kind",
    "account_role",
    "workspace",
    "effective_role",
    "source",
    "via_team",
    "scopes",
    "status",
    "key_expiration",
    "object_acls",
)


# -- the reads -----------------------------------------------------------------------------------


def read_account(api, workspaces=None):
    """Everything the review joins, read with the fewest requests (a dict of lists).

    ``workspaces`` (handles or ids) narrows the review to those workspaces.
    """
    account = api.call(ACCOUNT, "get") or {}
    scope_rows = read_scope_rows(api)
    account_roles, members, bots, workspace_rows, roles, teams, invitations = api.list_many(
        [
            api.listing(ACCOUNT_ROLE),
            # Users and bots together: the bots' membership rows carry their active flag.
            api.listing(ACCOUNT_MEMBER, {"only_users": False}),
            api.listing(BOT),
            api.listing(WORKSPACE),
            api.listing(WORKSPACE_ROLE),
            api.listing(TEAM),
            api.listing_by(INVITATION, "status", ["PENDING"]),
        ]
    )
    if workspaces is not None:
        wanted = set(workspaces)
        workspace_rows = [w for w in workspace_rows if w.get("handle") in wanted or w.get("id") in wanted]
        missing = sorted(wanted - {w.get("handle") for w in workspace_rows} - {w.get("id") for w in workspace_rows})
        if missing:
            raise ValueError("workspace: no workspace %s in this account" % ", ".join(repr(m) for m in missing))
    per_workspace = []
    for ws in workspace_rows:
        per_workspace += [
            api.listing(USER_ACCESS, workspace_id=ws["id"]),
            api.listing(BOT_ACCESS, workspace_id=ws["id"]),
            api.listing_by(WORKSPACE_INVITATION, "status", ["PENDING"], workspace_id=ws["id"]),
        ]
    lists = api.list_many(per_workspace)
    grants = {}
    workspace_invitations = []
    for index, ws in enumerate(workspace_rows):
        users, bot_rows, ws_invitations = lists[3 * index: 3 * index + 3]
        grants[ws["id"]] = {"users": users, "bots": bot_rows}
        workspace_invitations += [dict(row, workspace_id=row.get("workspace_id") or ws["id"]) for row in ws_invitations]
    object_acls, unreadable = read_object_acls(api, workspace_rows)
    return {
        "account": account,
        "scope_rows": scope_rows,
        "account_roles": account_roles,
        "members": members,
        "bots": bots,
        "workspaces": workspace_rows,
        "workspace_roles": roles,
        "teams": teams,
        "grants": grants,
        "invitations": invitations + workspace_invitations,
        "object_acls": object_acls,
        "object_acls_unreadable": unreadable,
    }


def _narrows(answer, levels):
    """Whether an ACL answer narrows some level (anything but exactly everyone)."""
    for level in levels:
        entries = (answer or {}).get("%s_actors" % level) or []
        if [str(entry.get("id")) for entry in entries] != [EVERYONE]:
            return True
    return False


def read_object_acls(api, workspace_rows):
    """``({workspace id: [object]}, {workspace id: why unreadable})``: the lists that narrow something.

    Each object: ``kind`` (its noun), ``name``, ``levels`` and ``acl`` (the answer), and for a deployment
    its ``work_pool``. Objects read one listing per kind, then their lists at the same time.
    """
    found, unreadable = {}, {}
    for ws in workspace_rows:
        objects = []
        try:
            for kind in OBJECT_KINDS:
                rows = kind.every(api, ws["id"])
                answers = kind.read_acls(api, ws["id"], [row for row, _name in rows]) if rows else []
                for (row, name), answer in zip(rows, answers):
                    objects.append({"kind": kind.noun, "name": name or row.get("id"), "levels": kind.levels, "acl": answer,
                                    "work_pool": row.get("work_pool_name"), "narrows": _narrows(answer, kind.levels)})
        except PrefectCloudHTTPError as exc:
            if exc.status not in UNREADABLE:
                raise
            unreadable[ws["id"]] = "not readable with this key (%s)" % exc.status
            continue
        pools = {obj["name"]: obj for obj in objects if obj["kind"] == WORK_POOLS.noun}
        governed = []
        for obj in objects:
            pool = pools.get(obj["work_pool"]) if obj["kind"] == DEPLOYMENTS.noun else None
            if pool is not None and pool["narrows"]:
                # A work pool's list decides for every deployment on it, as long as it narrows anything.
                obj = dict(obj, acl=pool["acl"], narrows=True, via_pool=pool["name"])
            if obj["narrows"]:
                governed.append(obj)
        found[ws["id"]] = governed
    return found, unreadable


# -- roles and scopes ---------------------------------------------------------------------------------


class Roles:
    """Workspace roles by id, each expanded to the scopes it gives."""

    def __init__(self, rows, catalogue):
        self.by_id = {row["id"]: row for row in rows if row.get("id")}
        self.catalogue = catalogue
        self._scopes = {}
        owner = [row for row in rows if row.get("name") == OWNER_ROLE and row.get("account_id") is None]
        self.owner = owner[0] if owner else {"id": None, "name": OWNER_ROLE, "scopes": catalogue.names}

    def name(self, role_id):
        row = self.by_id.get(role_id)
        return row.get("name") if row else role_id

    def scopes(self, role_id):
        """The scopes ``role_id`` gives: its own and its inherited role's (and so on), expanded."""
        if role_id not in self._scopes:
            names, seen, current = [], set(), role_id
            while current and current not in seen:
                seen.add(current)
                row = self.by_id.get(current) or {}
                names += row.get("scopes") or []
                current = row.get("inherited_role_id")
            self._scopes[role_id] = frozenset(self.catalogue.expand(names))
        return self._scopes[role_id]

    def owner_scopes(self):
        role_id = self.owner.get("id")
        if role_id in self.by_id:
            return self.scopes(role_id)
        return frozenset(self.catalogue.expand(self.owner.get("scopes") or []))


# -- the join -------------------------------------------------------------------------------------------


def _full_name(member):
    return " ".join(p for p in (member.get("first_name"), member.get("last_name")) if p) or None


def _key_expiration(bot):
    key = bot.get("api_key") or {}
    return format_datetime(key["expiration"]) if key.get("expiration") else None


def actors_of(data):
    """Every member, users and bots: ``{actor_id: actor}`` (name, kind, account role, active, key)."""
    bots_by_actor = {b["actor_id"]: b for b in data["bots"] if b.get("actor_id")}
    actors = {}
    for member in data["members"]:
        actor_id = member.get("actor_id")
        if not actor_id:
            continue
        bot = bots_by_actor.get(actor_id)
        if member.get("user_id") is None and bot is None:
            continue  # a bot this key may not list
        if bot is not None:
            actor = {"name": bot.get("name"), "kind": "bot", "full_name": None, "subject_id": bot.get("id"),
                     "key_expiration": _key_expiration(bot)}
        else:
            actor = {"name": (member.get("email") or "").lower() or member.get("user_id"), "kind": "user",
                     "full_name": _full_name(member), "subject_id": member.get("user_id"), "key_expiration": None}
        actor.update(
            actor_id=actor_id,
            account_role=member.get("account_role_name"),
            account_role_id=member.get("account_role_id"),
            active=member.get("active", True) is not False,
        )
        actors[actor_id] = actor
    # A bot whose membership row did not come back (it should): still reviewed, as active.
    for actor_id, bot in bots_by_actor.items():
        if actor_id not in actors:
            actors[actor_id] = {"name": bot.get("name"), "kind": "bot", "full_name": None, "subject_id": bot.get("id"),
                                "key_expiration": _key_expiration(bot), "actor_id": actor_id,
                                "account_role": bot.get("account_role_name"), "account_role_id": None, "active": True}
    return actors


def _implicit_owner_roles(account_roles):
    return {row.get("name") for row in account_roles if IMPLICIT_OWNER_PERMISSION in (row.get("permissions") or [])}


def access_paths(actor, workspace, grants, team_grants, roles, implicit_owner_roles):
    """Every path that gives ``actor`` access to ``workspace``: ``[(path, role id, role name, team)]``."""
    paths = []
    if actor["account_role"] in implicit_owner_roles:
        paths.append((ACCOUNT_ROLE_PATH, roles.owner.get("id"), OWNER_ROLE, None))
    direct = grants.get((workspace["id"], actor["kind"], actor["subject_id"]))
    if direct is not None:
        paths.append((DIRECT_PATH, direct, roles.name(direct), None))
    for team_name, role_id in sorted(team_grants.get((workspace["id"], actor["actor_id"]), [])):
        paths.append((TEAM_PATH, role_id, roles.name(role_id), team_name))
    default = workspace.get("default_workspace_role_id")
    if default and actor["kind"] == "user" and actor["account_role"] != COLLABORATOR_ROLE:
        paths.append((DEFAULT_PATH, default, roles.name(default), None))
    return paths


def effective(paths, roles):
    """``(effective role, scopes)`` of ``paths``: the broadest path's role when it covers them all."""
    if not paths:
        return None, frozenset()
    scoped = []
    for path, role_id, role_name, _team in paths:
        scopes = roles.owner_scopes() if path == ACCOUNT_ROLE_PATH else roles.scopes(role_id)
        scoped.append((role_name, scopes))
    union = frozenset().union(*(s for _name, s in scoped))
    covering = [name for name, scopes in scoped if scopes == union]
    if covering:
        return covering[0], union
    names = []
    for name, _scopes in sorted(scoped, key=lambda item: -len(item[1])):
        if name not in names:
            names.append(name)
    return " + ".join(names), union


def _why(paths, actor):
    """The paths in words, for people: ``account role Owner``, ``team data-engineers (Developer)``."""
    words = []
    for path, _role_id, role_name, team in paths:
        if path == ACCOUNT_ROLE_PATH:
            words.append("account role %s" % actor["account_role"])
        elif path == TEAM_PATH:
            words.append("team %s (%s)" % (team, role_name))
        elif path == DIRECT_PATH:
            words.append("direct grant (%s)" % role_name)
        else:
            words.append("default role of the workspace (%s)" % role_name)
    return words


def review(data, now):
    """The review of ``data`` (what ``read_account`` returns), taken at ``now``."""
    catalogue = ScopeCatalogue(data["scope_rows"])
    roles = Roles(data["workspace_roles"], catalogue)
    implicit = _implicit_owner_roles(data["account_roles"])
    actors = actors_of(data)
    workspaces = sorted(data["workspaces"], key=lambda w: w.get("handle") or "")
    workspace_ids = {w["id"] for w in workspaces}

    grants = {}
    for ws_id, lists in data["grants"].items():
        for row in lists["users"]:
            grants[(ws_id, "user", row.get("user_id"))] = row.get("workspace_role_id")
        for row in lists["bots"]:
            grants[(ws_id, "bot", row.get("bot_id"))] = row.get("workspace_role_id")
    team_grants = {}
    for team in data["teams"]:
        for member in team.get("memberships") or []:
            for access in team.get("workspaces") or []:
                if access.get("workspace_id") in workspace_ids:
                    key = (access["workspace_id"], member.get("id"))
                    team_grants.setdefault(key, []).append((team.get("name"), access.get("workspace_role_id")))

    ordered = sorted(actors.values(), key=lambda a: (a["kind"] != "user", (a["name"] or "").lower()))
    rows = []
    for actor in ordered:
        for ws in workspaces:
            paths = access_paths(actor, ws, grants, team_grants, roles, implicit)
            role, scopes = effective(paths, roles) if actor["active"] else (None, frozenset())
            rows.append(
                {
                    "actor": actor["name"],
                    "kind": actor["kind"],
                    "account_role": actor["account_role"],
                    "workspace": ws.get("handle"),
                    "effective_role": role,
                    "source": [p for p in PATH_ORDER if any(path[0] == p for path in paths)] if actor["active"] else [],
                    "via_team": sorted({path[3] for path in paths if path[3]}) if actor["active"] else [],
                    "scopes": sorted(scopes),
                    "why": _why(paths, actor) if actor["active"] else [],
                    "status": "active" if actor["active"] else "inactive",
                    "key_expiration": actor["key_expiration"],
                    "object_acls": "",
                    "object_levels": [],
                    "actor_id": actor["actor_id"],
                    "workspace_id": ws["id"],
                    # What an inactive member would get back when reactivated.
                    "inactive_would_have": (effective(paths, roles)[0] if paths else None) if not actor["active"] else None,
                }
            )
    teams_of = {}
    for team in data["teams"]:
        for member in team.get("memberships") or []:
            teams_of.setdefault(member.get("id"), set()).add(str(team.get("id")))
    rows = narrow_by_object_acls(rows, data.get("object_acls") or {}, data.get("object_acls_unreadable") or {}, teams_of)
    for row in rows:
        del row["actor_id"], row["workspace_id"]
    invitations = _invitations(data, roles, workspaces, now)
    summary = _summary(actors, rows, invitations, workspaces, implicit)
    return {
        "taken_at": format_datetime(now),
        "account": {k: data["account"].get(k) for k in ("id", "handle", "name")},
        "workspaces": [
            {"id": w["id"], "handle": w.get("handle"), "name": w.get("name"),
             "default_workspace_role": roles.name(w["default_workspace_role_id"]) if w.get("default_workspace_role_id") else None}
            for w in workspaces
        ],
        "actors": [
            {k: a[k] for k in ("name", "kind", "full_name", "account_role", "active", "key_expiration")} for a in ordered
        ],
        "rows": rows,
        "invitations": invitations,
        "summary": summary,
        "object_acls": {"covered": True, "note": OBJECT_ACLS_NOTE},
    }


def object_levels(actor_id, team_ids, scopes, obj):
    """``(holds, loses)``: the levels of ``obj`` the actor keeps, and those its scopes allow that the list takes away."""
    if ACL_ADMINISTRATOR_SCOPE in scopes:
        return list(obj["levels"]), []
    holds, loses, granted = [], [], False
    for level in obj["levels"]:  # highest first: a grant of a level carries down to the levels below it
        for entry in (obj["acl"] or {}).get("%s_actors" % level) or []:
            ident = str(entry.get("id"))
            if ident == EVERYONE or (entry.get("type") == "team" and ident in team_ids) or (entry.get("type") != "team" and ident == str(actor_id)):
                granted = True
        if LEVEL_SCOPES[obj["kind"]][level] in scopes:
            (holds if granted else loses).append(level)
    return holds, loses


def narrow_by_object_acls(rows, acls, unreadable, teams_of):
    """Each active row with the objects of its workspace whose lists take levels away from its actor.

    ``object_levels``: ``[{kind, object, holds, loses}]``; ``object_acls`` says the same in words (empty
    when no list narrows the row), and the row's ``why`` gains it.
    """
    for row in rows:
        if row["status"] != "active" or not row["scopes"]:
            continue
        if row["workspace_id"] in unreadable:
            row["object_acls"] = "object access lists " + unreadable[row["workspace_id"]]
            continue
        scopes = set(row["scopes"])
        team_ids = teams_of.get(row["actor_id"], set())
        for obj in acls.get(row["workspace_id"], []):
            holds, loses = object_levels(row["actor_id"], team_ids, scopes, obj)
            if loses:
                row["object_levels"].append({"kind": obj["kind"], "object": obj["name"], "holds": holds, "loses": loses,
                                             "via_work_pool": obj.get("via_pool")})
        if row["object_levels"]:
            row["object_acls"] = "; ".join(
                "%s %s: %s%s" % (entry["kind"], entry["object"], "keeps " + ", ".join(entry["holds"]) if entry["holds"] else "no access",
                                 " (the list of work pool %s)" % entry["via_work_pool"] if entry["via_work_pool"] else "")
                for entry in row["object_levels"]
            )
            row["why"] = row["why"] + ["narrowed by object access lists: " + row["object_acls"]]
    return rows


def _invitations(data, roles, workspaces, now):
    handles = {w["id"]: w.get("handle") for w in workspaces}
    account_roles = {r.get("id"): r.get("name") for r in data["account_roles"]}
    rows = []
    for inv in data["invitations"]:
        if inv.get("status") not in (None, "PENDING"):
            continue
        workspace_id = inv.get("workspace_id")
        if workspace_id and workspace_id not in handles:
            continue  # a workspace left out of the review
        expiration = parse_datetime(inv.get("expiration"))
        rows.append(
            {
                "email": (inv.get("email") or "").lower(),
                "account_role": account_roles.get(inv.get("account_role_id"), inv.get("account_role_id")),
                "workspace": handles.get(workspace_id) if workspace_id else None,
                "workspace_role": roles.name(inv.get("workspace_role_id")) if inv.get("workspace_role_id") else None,
                "expiration": format_datetime(expiration) if expiration else None,
                "expired": bool(expiration and expiration <= now),
            }
        )
    return sorted(rows, key=lambda r: (r["email"], r["workspace"] or ""))


def _summary(actors, rows, invitations, workspaces, implicit):
    active = [a for a in actors.values() if a["active"]]
    default_only = {}
    for row in rows:
        if row["status"] == "active" and row["kind"] == "user" and row["source"] == [DEFAULT_PATH]:
            default_only.setdefault(row["actor"], []).append(row["workspace"])
    return {
        "owners": sorted(a["name"] for a in active if a["account_role"] == OWNER_ROLE),
        "admins": sorted(a["name"] for a in active if a["account_role"] in implicit and a["account_role"] != OWNER_ROLE),
        "bots_without_key_expiry": sorted(a["name"] for a in active if a["kind"] == "bot" and not a["key_expiration"]),
        "default_role_only": [{"actor": name, "workspaces": sorted(ws)} for name, ws in sorted(default_only.items())],
        "people": sum(1 for a in active if a["kind"] == "user"),
        "bots": sum(1 for a in active if a["kind"] == "bot"),
        "workspaces": len(workspaces),
        "inactive_members": sorted(a["name"] for a in actors.values() if not a["active"]),
        "pending_invitations": sum(1 for i in invitations if not i["expired"]),
        "expired_invitations": sum(1 for i in invitations if i["expired"]),
    }


# -- the CSV's rows, and the difference from an earlier one -------------------------------------------


def csv_rows(result):
    """The review as CSV rows (dicts of ``CSV_COLUMNS``): actors x workspaces, then invitations."""
    out = []
    for row in result["rows"]:
        out.append(
            {
                "actor": row["actor"],
                "kind": row["kind"],
                "account_role": row["account_role"] or "",
                "workspace": row["workspace"] or "",
                "effective_role": row["effective_role"] or "",
                "source": "; ".join(row["source"]) if row["status"] == "active" else "inactive member (no access)",
                "via_team": ", ".join(row["via_team"]),
                "scopes": " ".join(row["scopes"]),
                "status": row["status"],
                "key_expiration": (row["key_expiration"] or "never") if row["kind"] == "bot" else "",
                "object_acls": row["object_acls"],
            }
        )
    for inv in result["invitations"]:
        out.append(
            {
                "actor": inv["email"],
                "kind": "invitee",
                "account_role": inv["account_role"] or "",
                "workspace": inv["workspace"] or "",
                "effective_role": "",
                "source": ("expired invitation" if inv["expired"] else "pending invitation")
                + (" (%s on acceptance)" % inv["workspace_role"] if inv["workspace_role"] else ""),
                "via_team": "",
                "scopes": "",
                "status": "expired" if inv["expired"] else "pending",
                "key_expiration": "",
                "object_acls": "",
            }
        )
    return out


def compare(previous_rows, current_rows):
    """Who gained, lost or changed access since an earlier review (rows of both CSVs, as dicts).

    An actor is the same in both when actor, kind and workspace match; access is the effective
    role (none for an inactive member, an invitee, or a row that is not there).
    """

    def roles_of(rows):
        out = {}
        for row in rows:
            if row.get("kind") == "invitee":
                continue
            out[(row.get("actor"), row.get("kind"), row.get("workspace"))] = row.get("effective_role") or ""
        return out

    before, after = roles_of(previous_rows), roles_of(current_rows)
    gained, lost, changed = [], [], []
    for key in sorted(set(before) | set(after), key=lambda k: tuple(x or "" for x in k)):
        was, now = before.get(key, ""), after.get(key, "")
        entry = {"actor": key[0], "kind": key[1], "workspace": key[2], "before": was or None, "after": now or None}
        if was == now:
            continue
        if not was:
            gained.append(entry)
        elif not now:
            lost.append(entry)
        else:
            changed.append(entry)
    return {"gained": gained, "lost": lost, "changed": changed}
