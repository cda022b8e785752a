"""Schema comparison helpers for the contract test (not a test module)."""
from __future__ import annotations

import re

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_PARAM = re.compile(r"\{[^}]+\}")

# Formats whose absence changes what a client may send (uuid and date-time are validated).
CHECKED_FORMATS = {"uuid", "date-time"}
CONSTRAINTS = ("maxLength", "minLength", "maximum", "minimum", "exclusiveMaximum",
               "exclusiveMinimum", "maxItems", "minItems")


def norm_path(path: str) -> str:
    return _PARAM.sub("{}", path)


def operations(doc, prefix="/api"):
    """{(METHOD, normalised path): (path, operation)} for every operation under prefix."""
    out = {}
    for path, item in doc.get("paths", {}).items():
        if not (path == prefix or path.startswith(prefix + "/")):
            continue
        for method, op in item.items():
            if method in HTTP_METHODS:
                out[(method.upper(), norm_path(path))] = (path, op)
    return out


def success_code(op):
    codes = sorted(c for c in op.get("responses", {}) if c.startswith("2"))
    return codes[0] if codes else None


def json_schema_of(content):
    if not content:
        return None
    for ctype in ("application/json",):
        if ctype in content:
            return content[ctype].get("schema")
    return None


def request_schema(op):
    rb = op.get("requestBody")
    if not rb:
        return None, None, None
    content = rb.get("content", {})
    return json_schema_of(content), bool(rb.get("required")), sorted(content)


def response_schema(op):
    code = success_code(op)
    if code is None:
        return None
    return json_schema_of(op["responses"][code].get("content"))


class Resolver:
    def __init__(self, doc):
        self.schemas = doc.get("components", {}).get("schemas", {})

    def resolve(self, schema):
        """Follow $ref (and single-member allOf) to the underlying schema; return (schema, refname)."""
        name = None
        seen = 0
        while isinstance(schema, dict):
            if "$ref" in schema:
                name = schema["$ref"].rsplit("/", 1)[-1]
                schema = self.schemas.get(name, {})
            elif "allOf" in schema and len(schema["allOf"]) == 1 and set(schema) <= {
                    "allOf", "title", "description", "default", "examples"}:
                schema = schema["allOf"][0]
            else:
                break
            seen += 1
            if seen > 50:
                break
        return schema or {}, name


def _variants(schema, res):
    schema, _ = res.resolve(schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            out = []
            for v in schema[key]:
                out.extend(_variants(v, res))
            return out
    if isinstance(schema.get("type"), list):
        return [dict(schema, type=t) for t in schema["type"]]
    return [schema]


def _kind(schema):
    if "const" in schema:
        return "enum"
    if "enum" in schema:
        return "enum"
    t = schema.get("type")
    if t is None and "properties" in schema:
        return "object"
    return t or "any"


def _label(schema):
    k = _kind(schema)
    if k == "enum":
        vals = schema.get("enum", [schema.get("const")])
        return f"enum{sorted(map(str, vals))[:6]}{'...' if len(vals) > 6 else ''}"
    if k == "string" and schema.get("format"):
        return f"string({schema['format']})"
    return k


def _enum_values(schema):
    return set(map(str, schema.get("enum", [schema.get("const")] if "const" in schema else [])))


def strip_null(schema):
    """A query/path parameter cannot carry JSON null: drop null variants before comparing."""
    if isinstance(schema, dict) and "anyOf" in schema:
        rest = [v for v in schema["anyOf"] if v.get("type") != "null"]
        if len(rest) == 1:
            out = {k: v for k, v in schema.items() if k != "anyOf"}
            out.update(rest[0])
            return out
        return dict(schema, anyOf=rest)
    return schema


def diff_request(off, emu, res_off, res_emu, where="body", depth=0, seen=None):
    """Every way the emulator's request schema differs from the official one.

    Strict: the same variants (types incl. null), formats uuid/date-time, enum values, the same
    object properties, required set, additionalProperties false, and numeric/length limits.
    """
    seen = set() if seen is None else seen
    problems = []
    if depth > 12:
        return problems
    o_res, o_name = res_off.resolve(off)
    e_res, e_name = res_emu.resolve(emu)
    key = (o_name, e_name, where)
    if o_name and key in seen:
        return problems
    if o_name:
        seen.add(key)

    ov = _variants(off, res_off)
    ev = _variants(emu, res_emu)
    if len(ov) > 1 or len(ev) > 1:
        okinds = sorted(_label(v) for v in ov)
        ekinds = sorted(_label(v) for v in ev)
        if [_kind(v) for v in sorted(ov, key=_label)] != [_kind(v) for v in sorted(ev, key=_label)]:
            problems.append(f"{where}: official variants {okinds}, emulator {ekinds}")
            return problems
        # pair up variants of the same kind in label order
        for o1, e1 in zip(sorted(ov, key=_label), sorted(ev, key=_label)):
            problems += diff_request(o1, e1, res_off, res_emu, where, depth + 1, seen)
        return problems

    o1, e1 = ov[0], ev[0]
    ok, ek = _kind(o1), _kind(e1)
    if ok == "any":
        return problems
    if ok != ek and not (ok == "number" and ek == "integer"):
        problems.append(f"{where}: official type {_label(o1)}, emulator {_label(e1)}")
        return problems
    if ok == "enum":
        if _enum_values(o1) != _enum_values(e1):
            problems.append(f"{where}: enum values differ: official-only "
                            f"{sorted(_enum_values(o1) - _enum_values(e1))}, emulator-only "
                            f"{sorted(_enum_values(e1) - _enum_values(o1))}")
        return problems
    if ok == "string":
        of, ef = o1.get("format"), e1.get("format")
        if (of in CHECKED_FORMATS or ef in CHECKED_FORMATS) and of != ef:
            problems.append(f"{where}: official format {of!r}, emulator {ef!r}")
    for c in CONSTRAINTS:
        if o1.get(c) is not None and o1.get(c) != e1.get(c):
            if c in ("maximum", "minimum") and e1.get(c) is not None and float(e1[c]) == float(o1[c]):
                continue
            problems.append(f"{where}: official {c}={o1.get(c)}, emulator {c}={e1.get(c)}")
    if ok == "array":
        problems += diff_request(o1.get("items", {}), e1.get("items", {}), res_off, res_emu,
                                 where + "[]", depth + 1, seen)
    if ok == "object":
        op, ep = o1.get("properties", {}), e1.get("properties", {})
        missing = sorted(set(op) - set(ep))
        extra = sorted(set(ep) - set(op))
        if missing:
            problems.append(f"{where}: fields missing in emulator: {missing}")
        if extra:
            problems.append(f"{where}: fields the official schema does not have: {extra}")
        oreq, ereq = set(o1.get("required", [])), set(e1.get("required", []))
        if oreq != ereq:
            problems.append(f"{where}: required official {sorted(oreq)}, emulator {sorted(ereq)}")
        if o1.get("additionalProperties") is False and e1.get("additionalProperties") is not False:
            problems.append(f"{where}: official additionalProperties=false, emulator "
                            f"{e1.get('additionalProperties', '(unset)')}")
        for name in sorted(set(op) & set(ep)):
            problems += diff_request(op[name], ep[name], res_off, res_emu, f"{where}.{name}",
                                     depth + 1, seen)
    return problems


def compat_response(off, emu, res_off, res_emu, where="response", depth=0, seen=None):
    """Ways the emulator's response schema could produce something the official one rejects
    or lacks a field the official one declares."""
    seen = set() if seen is None else seen
    problems = []
    if depth > 12:
        return problems
    _, o_name = res_off.resolve(off)
    _, e_name = res_emu.resolve(emu)
    key = (o_name, e_name, where)
    if o_name and key in seen:
        return problems
    if o_name:
        seen.add(key)

    ov = _variants(off, res_off)
    ev = _variants(emu, res_emu)
    if any(_kind(v) == "any" for v in ov):
        return problems
    for e1 in ev:
        ek = _kind(e1)
        if ek == "any":
            problems.append(f"{where}: emulator schema is untyped, official is "
                            f"{sorted(_label(v) for v in ov)}")
            continue
        matches = [o1 for o1 in ov if _kind(o1) == ek
                   or (_kind(o1) == "number" and ek == "integer")
                   or (_kind(o1) == "string" and ek == "enum" and _enum_values(e1) and all(
                       isinstance(x, str) for x in e1.get("enum", [e1.get("const")])))
                   or (_kind(o1) == "enum" and ek == "string")]
        if not matches:
            problems.append(f"{where}: emulator may return {_label(e1)}, official allows only "
                            f"{sorted(_label(v) for v in ov)}")
            continue
        o1 = matches[0]
        ok = _kind(o1)
        if ok == "enum" and ek == "enum" and not _enum_values(e1) <= _enum_values(o1):
            problems.append(f"{where}: emulator enum values not in official: "
                            f"{sorted(_enum_values(e1) - _enum_values(o1))}")
        if ok == "array":
            problems += compat_response(o1.get("items", {}), e1.get("items", {}), res_off, res_emu,
                                        where + "[]", depth + 1, seen)
        if ok == "object":
            op, ep = o1.get("properties", {}), e1.get("properties", {})
            missing = sorted(set(op) - set(ep))
            if missing:
                problems.append(f"{where}: fields declared by the official schema missing in "
                                f"the emulator's: {missing}")
            extra = sorted(set(ep) - set(op))
            if extra and o1.get("additionalProperties") is False:
                problems.append(f"{where}: official schema forbids additional properties, the "
                                f"emulator's declares {extra}")
            for name in sorted(set(op) & set(ep)):
                problems += compat_response(op[name], ep[name], res_off, res_emu,
                                            f"{where}.{name}", depth + 1, seen)
    return problems


def operation_problems(official, opath, oop, emulator_doc, epath, eop):
    """Every way the emulator's operation ``eop`` (at ``epath``) breaks the official ``oop`` (at ``opath``).

    The success status; the query parameters (each official one accepted, with the same type);
    the path parameters, by position; the request body (strictly the same schema); and the
    response body (nothing the official schema rejects, no field it declares left out).
    """
    res_off, res_emu = Resolver(official), Resolver(emulator_doc)
    problems = []

    ocode, ecode = success_code(oop), success_code(eop)
    if ocode != ecode:
        problems.append(f"success status: official {ocode}, emulator {ecode}")

    # query parameters the official operation takes must be accepted too, with the same type
    oq = {p["name"]: p for p in oop.get("parameters", []) if p.get("in") == "query"}
    eq = {p["name"]: p for p in eop.get("parameters", []) if p.get("in") == "query"}
    if set(oq) - set(eq):
        problems.append(f"query parameters missing: {sorted(set(oq) - set(eq))}")
    for name in sorted(set(oq) & set(eq)):
        if oq[name].get("required", False) != eq[name].get("required", False):
            problems.append(f"query parameter {name}: required official "
                            f"{oq[name].get('required', False)}, emulator {eq[name].get('required', False)}")
        problems += diff_request(strip_null(oq[name].get("schema", {})),
                                 strip_null(eq[name].get("schema", {})),
                                 res_off, res_emu, where=f"query.{name}")

    # path parameters, by position: same type and format (a uuid id gives 422 on garbage)
    opp = {p["name"]: p for p in oop.get("parameters", []) if p.get("in") == "path"}
    epp = {p["name"]: p for p in eop.get("parameters", []) if p.get("in") == "path"}
    for on, en in zip(_PARAM.findall(opath), _PARAM.findall(epath)):
        on, en = on.strip("{}"), en.strip("{}")
        if on in opp and en in epp:
            problems += diff_request(opp[on].get("schema", {}), epp[en].get("schema", {}),
                                     res_off, res_emu, where=f"path.{on}")

    # request body
    oschema, oreq, octypes = request_schema(oop)
    eschema, ereq, ectypes = request_schema(eop)
    if octypes is None and ectypes is not None:
        problems.append(f"emulator takes a request body {ectypes}; the official operation none")
    elif octypes is not None:
        if ectypes is None:
            problems.append(f"official takes a request body {octypes}; the emulator none")
        else:
            if octypes != ectypes:
                problems.append(f"request content types: official {octypes}, emulator {ectypes}")
            if oreq != ereq:
                problems.append(f"requestBody.required: official {oreq}, emulator {ereq}")
            if oschema is not None and eschema is not None:
                problems += diff_request(oschema, eschema, res_off, res_emu)

    # response body
    orsp, ersp = response_schema(oop), response_schema(eop)
    if orsp is not None:
        if ersp is None:
            problems.append("official declares a JSON response schema, the emulator none")
        else:
            problems += compat_response(orsp, ersp, res_off, res_emu)
    return problems
