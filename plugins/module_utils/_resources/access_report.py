# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""The access review as documents: a CSV that auditors keep, a page that people read.

Every value comes from the server (names, emails, roles, teams), so none is ever code:

* in the CSV, a value a spreadsheet would take for a formula (it starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return) gets a ``'`` in front, which spreadsheets show as
  text; ``read_csv`` takes it off again, so a review compares with an earlier one as written;
* in the page, every value is HTML-escaped, attributes included, and the script holds no data:
  it only shows, hides and sorts the rows the page already has. The page needs nothing but
  itself (no style sheet, font, image or script from elsewhere) and works opened from a file.
"""

import csv
import io
from html import escape

from ansible_collections.prefect.cloud.plugins.module_utils._resources.access_review import CSV_COLUMNS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _uncell(text):
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def to_csv(rows):
    """``rows`` (dicts of ``CSV_COLUMNS``) as CSV text with a header line."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: _cell(row.get(column)) for column in CSV_COLUMNS})
    return out.getvalue()


def read_csv(text):
    """The rows of a review's CSV (as ``to_csv`` wrote them); ``ValueError`` when it is not one."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("actor", "kind", "workspace", "effective_role") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError("not an access review CSV: the columns %s are missing" % ", ".join(missing))
    return [{key: _uncell(value or "") for key, value in row.items() if key} for row in reader]


# -- the page ---------------------------------------------------------------------------------------

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header,main,footer{max-width:1400px;margin:0 auto;padding:0 24px}
header{padding-top:20px}h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}
.meta{color:#5b6472;margin:0}
#summary{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:12px;margin-top:16px}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:10px 14px}
.card h3{font-size:13px;margin:0;color:#5b6472;font-weight:600}
.card .count{font-size:26px;font-weight:700;margin:2px 0}
.card ul{margin:0;padding-left:18px;max-height:120px;overflow:auto;font-size:12px}
.notice{background:#fff8e1;border:1px solid #f0d58a;border-radius:6px;padding:8px 12px}
.controls{display:flex;gap:12px;align-items:center;margin:8px 0}
.controls input{font:inherit;padding:4px 8px;width:280px}.controls select{font:inherit;padding:4px}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border:1px solid #dde1e7;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;position:sticky;top:0}th[data-sortable]{cursor:pointer}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.cell .role{font-weight:600;display:block}td.cell .why{display:block;color:#5b6472;font-size:12px}
td.none{color:#9aa3af}td.owner{background:#fdecea}td.broad{background:#fff4e0}td.narrow{background:#eaf6ec}
.gained{color:#126b2f}.lost{color:#a4262c}small{color:#5b6472}
footer{color:#5b6472;font-size:12px;padding-bottom:24px}
"""

# Shows, hides and sorts the rows of #matrix; reads nothing but the page itself.
SCRIPT = """
(function () {
  var table = document.getElementById('matrix');
  var body = table.tBodies[0];
  var filter = document.getElementById('filter');
  var kind = document.getElementById('kind-filter');
  var counter = document.getElementById('visible-count');
  function apply() {
    var words = filter.value.toLowerCase().split(/\\s+/).filter(function (w) { return w; });
    var wanted = kind.value, shown = 0, rows = body.rows;
    for (var i = 0; i < rows.length; i++) {
      var text = rows[i].getAttribute('data-search');
      var ok = (!wanted || rows[i].getAttribute('data-kind') === wanted) &&
        words.every(function (w) { return text.indexOf(w) !== -1; });
      rows[i].hidden = !ok;
      if (ok) { shown++; }
    }
    counter.textContent = shown + ' of ' + rows.length + ' shown';
  }
  function sortBy(th) {
    var index = th.cellIndex;
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    var heads = table.tHead.rows[0].cells;
    for (var h = 0; h < heads.length; h++) { heads[h].removeAttribute('aria-sort'); }
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index].getAttribute('data-sort'), y = b.cells[index].getAttribute('data-sort');
      var c = x < y ? -1 : (x > y ? 1 : 0);
      return ascending ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  filter.addEventListener('input', apply);
  kind.addEventListener('change', apply);
  var heads = table.tHead.rows[0].cells;
  for (var h = 0; h < heads.length; h++) {
    if (heads[h].hasAttribute('data-sortable')) {
      heads[h].addEventListener('click', function () { sortBy(this); });
    }
  }
  apply();
})();
"""


def _e(value):
    return escape("" if value is None else str(value), quote=True)


def _sort_key(text):
    """A sort key as text: empty values sort last."""
    return ("~" if not text else text.lower())


def _cell_class(row):
    if not row["effective_role"]:
        return "none"
    if row["effective_role"] == "Owner":
        return "owner"
    return "broad" if any(s.startswith("manage_") for s in row["scopes"]) else "narrow"


def _card(name, title, items, count=None):
    count = len(items) if count is None else count
    listed = "".join("<li>%s</li>" % _e(item) for item in items)
    return (
        '<div class="card" id="card-%s"><h3>%s</h3><p class="count" data-count="%d">%d</p><ul>%s</ul></div>'
        % (_e(name), _e(title), count, count, listed)
    )


def _matrix(result):
    workspaces = [w["handle"] for w in result["workspaces"]]
    heads = ['<th data-sortable>Actor</th>', '<th data-sortable>Kind</th>', '<th data-sortable>Account role</th>']
    heads += ['<th data-sortable data-workspace="%s">%s</th>' % (_e(w), _e(w)) for w in workspaces]
    heads.append('<th data-sortable>Key expires</th>')
    cells = {}
    for row in result["rows"]:
        if row["status"] == "active":
            cells.setdefault((row["actor"], row["kind"]), {})[row["workspace"]] = row
    body = []
    for actor in result["actors"]:
        if not actor["active"]:
            continue
        by_ws = cells.get((actor["name"], actor["kind"]), {})
        search = [actor["name"], actor["full_name"], actor["kind"], actor["account_role"]]
        tds = [
            '<td class="actor" data-sort="%s">%s%s</td>'
            % (_e(_sort_key(actor["name"])), _e(actor["name"]), "<br><small>%s</small>" % _e(actor["full_name"]) if actor["full_name"] else ""),
            '<td data-sort="%s">%s</td>' % (_e(actor["kind"]), _e("bot" if actor["kind"] == "bot" else "person")),
            '<td data-sort="%s">%s</td>' % (_e(_sort_key(actor["account_role"])), _e(actor["account_role"])),
        ]
        for ws in workspaces:
            row = by_ws.get(ws)
            if row is None or not row["effective_role"]:
                tds.append('<td class="cell none" data-workspace="%s" data-role="" data-sort="~">&mdash;</td>' % _e(ws))
                continue
            why = "; ".join(row["why"])
            search += [row["effective_role"], why]
            tds.append(
                '<td class="cell %s" data-workspace="%s" data-role="%s" data-sort="%s" title="%s">'
                '<span class="role">%s</span><span class="why">%s</span></td>'
                % (
                    _cell_class(row),
                    _e(ws),
                    _e(row["effective_role"]),
                    _e(_sort_key(row["effective_role"])),
                    _e("%d scopes (listed under Roles and their scopes)" % len(row["scopes"])),
                    _e(row["effective_role"]),
                    _e(why),
                )
            )
        expiry = (actor["key_expiration"] or "never") if actor["kind"] == "bot" else ""
        tds.append('<td data-sort="%s">%s</td>' % (_e(_sort_key(expiry)), _e(expiry)))
        body.append(
            '<tr data-kind="%s" data-actor="%s" data-search="%s">%s</tr>'
            % (_e(actor["kind"]), _e(actor["name"]), _e(" ".join(s for s in search if s).lower()), "".join(tds))
        )
    return (
        '<table id="matrix"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>' % ("".join(heads), "".join(body))
    )


def _simple_table(table_id, columns, rows):
    head = "".join("<th>%s</th>" % _e(c) for c in columns)
    if not rows:
        return '<p id="%s" class="meta">None.</p>' % _e(table_id)
    body = "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % _e(v) for v in row) for row in rows)
    return '<table id="%s"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>' % (_e(table_id), head, body)


def to_html(result, changes=None):
    """The review as one self-contained HTML page."""
    summary = result["summary"]
    account = result["account"]
    title = "Access review of %s" % (account.get("name") or account.get("handle") or "the account")
    cards = "".join(
        [
            _card("owners", "Owners", summary["owners"]),
            _card("admins", "Admins (Owner in every workspace)", summary["admins"]),
            _card("bots-without-expiry", "Bots whose key never expires", summary["bots_without_key_expiry"]),
            _card(
                "default-role-only",
                "People with access only through a default role",
                ["%s (%s)" % (d["actor"], ", ".join(d["workspaces"])) for d in summary["default_role_only"]],
            ),
            _card("people", "People (active)", [], summary["people"]),
            _card("bots", "Bots (active)", [], summary["bots"]),
            _card("workspaces", "Workspaces", [w["handle"] for w in result["workspaces"]]),
            _card("pending", "Pending invitations", [], summary["pending_invitations"]),
            _card("inactive", "Inactive members", summary["inactive_members"]),
        ]
    )
    invitations = _simple_table(
        "pending-invitations",
        ("Email", "Account role", "Workspace", "Workspace role on acceptance", "Expires", "Status"),
        [
            (i["email"], i["account_role"], i["workspace"] or "(account)", i["workspace_role"] or "", i["expiration"],
             "expired" if i["expired"] else "pending")
            for i in result["invitations"]
        ],
    )
    inactive = _simple_table(
        "inactive-members",
        ("Member", "Kind", "Account role", "Access when active again"),
        [
            (a["name"], a["kind"], a["account_role"],
             ", ".join("%s: %s" % (r["workspace"], r["inactive_would_have"]) for r in result["rows"]
                       if r["actor"] == a["name"] and r["kind"] == a["kind"] and r["inactive_would_have"]) or "none")
            for a in result["actors"] if not a["active"]
        ],
    )
    scopes_of = {}
    for row in result["rows"]:
        if row["effective_role"]:
            scopes_of.setdefault(row["effective_role"], row["scopes"])
    roles = _simple_table(
        "roles",
        ("Role", "Scopes", "What it may do"),
        [(name, len(scopes), " ".join(scopes)) for name, scopes in sorted(scopes_of.items())],
    )
    sections = [
        "<h2>Summary</h2><section id=\"summary\">%s</section>" % cards,
        '<p class="notice" id="object-acls">%s</p>' % _e(result["object_acls"]["note"]),
        "<h2>Effective access</h2>"
        '<p class="meta">Each cell: the effective role in the workspace and why; the scopes of each role are listed '
        "below the matrix. Click a column to sort.</p>"
        '<div class="controls"><label>Filter <input id="filter" type="search" placeholder="name, role, team, why"></label>'
        '<label>Show <select id="kind-filter"><option value="">people and bots</option>'
        '<option value="user">people</option><option value="bot">bots</option></select></label>'
        '<span id="visible-count"></span></div>' + _matrix(result),
        "<h2>Roles and their scopes</h2>"
        '<p class="meta">Each role in effect above, with the scopes it gives: its own, its inherited role\'s, '
        "and every scope those include.</p>" + roles,
        "<h2>Pending invitations</h2>" + invitations,
        "<h2>Inactive members</h2>" + inactive,
    ]
    if changes is not None:
        sections.append(
            '<h2>Changes since the earlier review</h2><section id="changes">%s%s%s</section>'
            % (
                '<h3 class="gained">Gained access</h3>'
                + _simple_table("gained", ("Actor", "Kind", "Workspace", "Now"),
                                [(c["actor"], c["kind"], c["workspace"], c["after"]) for c in changes["gained"]]),
                '<h3 class="lost">Lost access</h3>'
                + _simple_table("lost", ("Actor", "Kind", "Workspace", "Before"),
                                [(c["actor"], c["kind"], c["workspace"], c["before"]) for c in changes["lost"]]),
                "<h3>Changed role</h3>"
                + _simple_table("changed", ("Actor", "Kind", "Workspace", "Before", "Now"),
                                [(c["actor"], c["kind"], c["workspace"], c["before"], c["after"]) for c in changes["changed"]]),
            )
        )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>%s</title><style>%s</style></head><body>"
        "<header><h1>%s</h1><p class=\"meta\">Account <strong>%s</strong> &middot; taken at "
        '<time id="taken-at" datetime="%s">%s</time> &middot; %d people, %d bots, %d workspaces</p></header>'
        "<main>%s</main>"
        "<footer><p>Made by prefect.cloud.access_review_info from what Prefect Cloud lists: account roles, direct and "
        "team grants, default roles and role scopes. Keep the CSV beside it for the record.</p></footer>"
        "<script>%s</script></body></html>\n"
        % (
            _e(title),
            STYLE,
            _e(title),
            _e(account.get("handle")),
            _e(result["taken_at"]),
            _e(result["taken_at"]),
            summary["people"],
            summary["bots"],
            summary["workspaces"],
            "".join(sections),
            SCRIPT,
        )
    )
