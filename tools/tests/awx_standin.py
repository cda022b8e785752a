"""A stand-in for the part of the AWX API that awx.awx's job_template, schedule and credential modules use.

No controller is reachable here, so the tests of the AWX playbooks and the key task file run the real
awx.awx modules (from tools/awx_collection.sh) against this: named objects that can be listed with
filters, created, read and patched, the credentials of a job template (associate, disassociate), its
survey spec, and secret credential inputs shown as ``$encrypted$`` on reads, as AWX shows them. Every
write is recorded, with the body the module sent.
"""

import copy
import http.server
import json
import re
import threading
import urllib.parse

ENCRYPTED = "$encrypted$"
# The objects the tests seed by name, and the ones the modules create.
KINDS = ("organizations", "projects", "inventories", "credentials", "credential_types", "execution_environments",
         "job_templates", "schedules")


class Controller:
    """The stand-in's state: objects by kind, job template credentials and surveys, and the writes received."""

    def __init__(self):
        self.objects = {kind: {} for kind in KINDS}
        self.template_credentials = {}
        self.surveys = {}
        self.secret_inputs = {}
        self.writes = []
        self._next_id = 1

    def add(self, kind, /, **fields):
        item = dict(fields, id=self._next_id, type=kind[:-1] if kind != "inventories" else "inventory")
        self._next_id += 1
        item["url"] = "/api/v2/%s/%d/" % (kind, item["id"])
        item["related"] = {}
        if kind == "job_templates":
            item["related"] = {"survey_spec": item["url"] + "survey_spec/", "credentials": item["url"] + "credentials/"}
            self.template_credentials[item["id"]] = []
        self.objects[kind][item["id"]] = item
        return item

    def named(self, kind, name):
        found = [item for item in self.objects[kind].values() if item.get("name") == name]
        return found[0] if found else None

    def shown(self, kind, item):
        """An object as AWX shows it: secret credential inputs are masked."""
        shown = copy.deepcopy(item)
        if kind == "credentials":
            for field in self.secret_inputs.get(item["credential_type"], ()):
                if field in shown.get("inputs", {}):
                    shown["inputs"][field] = ENCRYPTED
        return shown

    def matches(self, item, query):
        either = {key[4:]: value for key, value in query.items() if key.startswith("or__")}
        if either and not any(str(item.get(key)) == value for key, value in either.items()):
            return False
        return all(str(item.get(key)) == value for key, value in query.items()
                   if not key.startswith("or__") and key not in ("page", "page_size"))


def make_handler(state):
    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self, status, body=None):
            payload = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("X-API-Product-Name", "AWX")
            self.send_header("X-API-Product-Version", "24.6.1")
            self.end_headers()
            self.wfile.write(payload)

        def _route(self):
            url = urllib.parse.urlsplit(self.path)
            query = {key: values[0] for key, values in urllib.parse.parse_qs(url.query).items()}
            match = re.match(r"^/api/v2/(\w+)/(?:(\d+)/(?:(\w+)/)?)?$", url.path)
            # Every kind of template is a unified job template; here, job templates are the only kind.
            kind = "job_templates" if match and match.group(1) == "unified_job_templates" else match and match.group(1)
            if kind not in state.objects:
                return None
            item_id, sub = match.group(2), match.group(3)
            item = state.objects[kind].get(int(item_id)) if item_id else None
            return kind, item_id, item, sub, query

        def _body(self):
            return json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")

        def _page(self, results):
            return {"count": len(results), "next": None, "previous": None, "results": results}

        def do_GET(self):
            route = self._route()
            if route is None:
                return self._answer(404, {"detail": "Not found."})
            kind, item_id, item, sub, query = route
            if item_id and item is None:
                return self._answer(404, {"detail": "Not found."})
            if sub == "credentials" and kind == "job_templates":
                ids = state.template_credentials[item["id"]]
                return self._answer(200, self._page([state.shown("credentials", state.objects["credentials"][i]) for i in ids]))
            if sub == "survey_spec" and kind == "job_templates":
                return self._answer(200, state.surveys.get(item["id"], {}))
            if item is not None:
                return self._answer(200, state.shown(kind, item))
            return self._answer(200, self._page([state.shown(kind, i) for i in state.objects[kind].values() if state.matches(i, query)]))

        def do_POST(self):
            route = self._route()
            if route is None:
                return self._answer(404, {"detail": "Not found."})
            kind, item_id, item, sub, _query = route
            body = self._body()
            state.writes.append(("POST", self.path, body))
            if item_id is None:
                if state.named(kind, body.get("name")) is not None and kind != "schedules":
                    return self._answer(400, {"__all__": ["%s with this Name already exists." % kind]})
                return self._answer(201, state.shown(kind, state.add(kind, **body)))
            if item is None:
                return self._answer(404, {"detail": "Not found."})
            if sub == "credentials" and kind == "job_templates":
                ids = state.template_credentials[item["id"]]
                if body.get("disassociate"):
                    ids.remove(body["id"])
                elif body["id"] not in ids:
                    ids.append(body["id"])
                return self._answer(204)
            if sub == "survey_spec" and kind == "job_templates":
                state.surveys[item["id"]] = body
                return self._answer(200, {})
            return self._answer(405, {"detail": "Method not allowed."})

        def do_PATCH(self):
            route = self._route()
            if route is None or route[2] is None or route[3]:
                return self._answer(404, {"detail": "Not found."})
            kind, _item_id, item, _sub, _query = route
            body = self._body()
            state.writes.append(("PATCH", self.path, body))
            item.update(body)
            return self._answer(200, state.shown(kind, item))

        def log_message(self, *args):
            pass

    return Handler


class StandIn:
    """The stand-in served on a free loopback port: ``with StandIn() as (url, state): ...``."""

    def __enter__(self):
        self.state = Controller()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.state))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return "http://127.0.0.1:%d" % self.server.server_address[1], self.state

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
