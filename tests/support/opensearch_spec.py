"""Requests checked against the official OpenSearch API specification (OpenAPI 3.1), vendored in tests/vendor.

``check_request(method, path, body)`` finds the operation the way a router would (literal path segments before
``{parameters}``; ``_opendistro`` paths through the specification's ``_superseded_operations.yaml``), checks the
query parameter names against the operation's, and validates a JSON body against the operation's request body
schema (JSON Schema 2020-12) with every cross-file ``$ref`` resolved. It returns the operation group (for example
``ingest.put_pipeline``) and raises ``SpecError`` with every problem otherwise.

What the specification cannot check: Painless (a string to it), misspelt keys in the many objects that allow
extra properties, and OpenSearch Dashboards (its saved-objects API is not in it).
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema._keywords import oneOf as _one_of
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.support import REPO

VENDORED = REPO / "tests" / "vendor" / "opensearch-api-spec"
SPEC = VENDORED / "spec"
# The namespaces whose operations the project calls; every file they reference is vendored with them.
NAMESPACES = ("_core", "indices", "ingest", "ism", "security")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SpecError(AssertionError):
    pass


@dataclass(frozen=True)
class Operation:
    group: str
    template: str
    method: str
    document_uri: str
    body_pointer: str | None  # JSON pointer of the request body schema within its document
    query_parameters: frozenset[str]
    path_pattern: re.Pattern[str]
    literal_segments: int


def _load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a safe loader)


@functools.cache
def documents() -> dict[str, Any]:
    """Every vendored specification file, by its file URI (the base its relative ``$ref``s resolve against)."""
    return {path.as_uri(): _load(path) for path in sorted(SPEC.rglob("*.yaml"))}


@functools.cache
def registry() -> Registry:
    resources = [(uri, Resource(contents=document, specification=DRAFT202012)) for uri, document in documents().items()]
    return Registry().with_resources(resources)


def _discriminator_values(resolver: Any, branch: dict[str, Any], name: str) -> set[Any]:
    """The values of property ``name`` a ``oneOf`` branch admits (its ``enum``/``const``), through refs and allOf."""
    if "$ref" in branch:
        resolved = resolver.lookup(branch["$ref"])
        return _discriminator_values(resolved.resolver, resolved.contents, name)
    values: set[Any] = set()
    spec = branch.get("properties", {}).get(name, {})
    values.update(spec.get("enum", []))
    if "const" in spec:
        values.add(spec["const"])
    for part in branch.get("allOf", []):
        values |= _discriminator_values(resolver, part, name)
    return values


def _discriminated_one_of(validator: Any, one_of: list[Any], instance: Any, schema: dict[str, Any]) -> Any:
    """OpenAPI's ``discriminator``: validate against the one branch the discriminating property names.

    Plain JSON Schema tries every branch of the ``oneOf``, and for mappings (a ``Property`` is a ``oneOf`` of
    some 45 field types, each holding ``properties`` of ``Property``) that is exponential in the nesting depth.
    The discriminator is the specification's own statement of which branch applies, so this is what it means.
    """
    discriminator = schema.get("discriminator")
    if not discriminator or not isinstance(instance, dict):
        yield from _one_of(validator, one_of, instance, schema)
        return
    name = discriminator["propertyName"]
    value = instance.get(name, discriminator.get("x-default"))
    for index, branch in enumerate(one_of):
        if value in _discriminator_values(validator._resolver, branch, name):
            yield from validator.descend(instance, branch, schema_path=index)
            return
    if value is None:
        yield from _one_of(validator, one_of, instance, schema)
        return
    yield ValidationError(f"{name} {value!r} is none of the types the specification lists")


OpenApiValidator = validators.extend(Draft202012Validator, {"oneOf": _discriminated_one_of})


def _follow(document: dict[str, Any], node: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """A local ``$ref`` (``#/components/...``) followed to its target, and the target's JSON pointer."""
    pointer = None
    while "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise SpecError(f"unexpected non-local reference {ref}")
        pointer = ref[1:]
        node = document
        for part in pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node, pointer


def _pattern(template: str) -> tuple[re.Pattern[str], int]:
    parts = template.strip("/").split("/") if template != "/" else []
    regex = "".join("/[^/]+" if re.fullmatch(r"\{[^}]+\}", part) else "/" + re.escape(part) for part in parts)
    literal = sum(1 for part in parts if not part.startswith("{"))
    return re.compile(f"^{regex or '/'}$"), literal


@functools.cache
def operations() -> tuple[Operation, ...]:
    found = []
    for name in NAMESPACES:
        path = SPEC / "namespaces" / f"{name}.yaml"
        uri = path.as_uri()
        document = documents()[uri]
        for template, item in document.get("paths", {}).items():
            pattern, literal = _pattern(template)
            for method, operation in item.items():
                if method not in ("get", "put", "post", "patch", "delete", "head"):
                    continue
                pointer = None
                if "requestBody" in operation:
                    body, body_pointer = _follow(document, operation["requestBody"])
                    schema = body.get("content", {}).get("application/json", {}).get("schema")
                    if schema is not None:
                        pointer = f"{body_pointer}/content/application~1json/schema"
                query = set()
                for parameter in operation.get("parameters", []):
                    resolved, _ = _follow(document, parameter)
                    if resolved.get("in") == "query":
                        query.add(resolved["name"])
                found.append(
                    Operation(
                        operation.get("x-operation-group", operation["operationId"]),
                        template,
                        method.upper(),
                        uri,
                        pointer,
                        frozenset(query),
                        pattern,
                        literal,
                    )
                )
    return tuple(found)


@functools.cache
def superseded() -> tuple[tuple[re.Pattern[str], str, frozenset[str]], ...]:
    """``_opendistro`` (and other legacy) path templates, with the current template that replaced each."""
    table = _load(SPEC / "_superseded_operations.yaml")
    return tuple(
        (_pattern(template)[0], entry["superseded_by"], frozenset(entry["operations"]))
        for template, entry in table.items()
        if isinstance(entry, dict)
    )


def _substitute(path: str, template: str) -> str:
    """The request path rewritten onto the superseding template (parameter values carried over in order)."""
    values = path.strip("/").split("/")
    parts = template.strip("/").split("/")
    # Legacy and current templates differ only in their prefix; align the parameters from the end.
    out = []
    for index, part in enumerate(parts):
        offset = len(values) - len(parts) + index
        out.append(values[offset] if part.startswith("{") and 0 <= offset < len(values) else part)
    return "/" + "/".join(out)


def find_operation(method: str, path: str) -> Operation:
    bare = urllib.parse.urlsplit(path).path
    candidates = [op for op in operations() if op.method == method and op.path_pattern.match(bare)]
    if not candidates:
        for legacy, replacement, methods in superseded():
            if method in methods and legacy.match(bare):
                current = _substitute(bare, replacement)
                candidates = [op for op in operations() if op.method == method and op.path_pattern.match(current)]
                break
    if not candidates:
        raise SpecError(f"{method} {bare}: no such operation in the OpenSearch API specification")
    # A router prefers literal segments: /_index_template/{name} over /{index}/{type}.
    return max(candidates, key=lambda op: op.literal_segments)


def check_request(method: str, path: str, body: Any = None, extra_query: frozenset[str] = frozenset()) -> str:
    """Validate one request; returns the operation group. ``extra_query`` lists allowed non-OpenSearch params."""
    operation = find_operation(method, path)
    problems = []
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query, keep_blank_values=True)
    unknown = sorted(set(query) - operation.query_parameters - extra_query)
    if unknown:
        problems.append(f"query parameters {unknown} are not parameters of {operation.group}")
    if body is not None:
        if operation.body_pointer is None:
            problems.append(f"{operation.group} takes no request body")
        else:
            schema = {"$ref": f"{operation.document_uri}#{operation.body_pointer}"}
            validator = OpenApiValidator(schema, registry=registry())
            for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path)):
                where = "/".join(str(part) for part in error.absolute_path) or "(body)"
                problems.append(f"{where}: {error.message[:300]}")
    if problems:
        raise SpecError(f"{method} {path} ({operation.group}):\n  " + "\n  ".join(problems))
    return operation.group


def referenced_files(start: list[Path]) -> set[Path]:
    """Every specification file reachable from ``start`` through ``$ref``s (what has to be vendored)."""
    seen: set[Path] = set()
    pending = [path.resolve() for path in start]
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        for ref in re.findall(r"\$ref: '?([^'#\s]+)#", path.read_text(encoding="utf-8")):
            pending.append((path.parent / ref).resolve())
    return seen
