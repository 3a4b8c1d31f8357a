"""Check a value against a shape of botocore's service models (`botocore/data/<service>/<version>/service-2.json`).

What the models say is what the AWS SDKs and the service validate: `enum` membership, `min`/`max` (a string's length
in characters, a list's or map's number of entries, a number's value) and `pattern`. botocore's patterns are Java
regular expressions that must match the whole value, and use classes such as `\\p{L}` that Python's `re` cannot
compile: they are compiled with the `regex` package and applied with `fullmatch`, without DOTALL (as in Java, `.`
does not match a line break).
"""

from __future__ import annotations

import functools
from typing import Any

import botocore.loaders
import regex

from tests.aws_rules.mapping import Target


@functools.cache
def service_model(service: str) -> dict[str, Any]:
    return botocore.loaders.Loader().load_service_model(service, "service-2")


def shapes(service: str) -> dict[str, Any]:
    return service_model(service)["shapes"]


@functools.cache
def compiled(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern)


def resolve(target: Target) -> tuple[str, dict[str, Any]]:
    """The shape a target names: Shape, or Shape.Member.Member... through structures (and list members)."""
    models = shapes(target.service)
    if target.shape not in models:
        raise KeyError(f"{target}: botocore {target.service} has no shape {target.shape}")
    name, shape = target.shape, models[target.shape]
    for member in (target.member or "").split(".") if target.member else []:
        while shape["type"] == "list":
            name = shape["member"]["shape"]
            shape = models[name]
        if shape["type"] != "structure" or member not in shape["members"]:
            raise KeyError(f"{target}: shape {name} has no member {member}")
        name = shape["members"][member]["shape"]
        shape = models[name]
    return name, shape


def _length_problems(shape_name: str, shape: dict[str, Any], size: int, unit: str) -> list[str]:
    problems = []
    if "min" in shape and size < shape["min"]:
        problems.append(f"{size} {unit}, below {shape_name}'s minimum of {shape['min']}")
    if "max" in shape and size > shape["max"]:
        problems.append(f"{size} {unit}, above {shape_name}'s maximum of {shape['max']}")
    return problems


def _string_problems(shape_name: str, shape: dict[str, Any], value: Any) -> list[str]:
    text = value if isinstance(value, str) else _as_text(value)
    problems = []
    if "enum" in shape and text not in shape["enum"]:
        problems.append(f"{text!r} is not one of {shape_name}'s {len(shape['enum'])} values")
    problems += [f"{text[:60]!r}: {p}" for p in _length_problems(shape_name, shape, len(text), "characters")]
    if "pattern" in shape and compiled(shape["pattern"]).fullmatch(text) is None:
        problems.append(f"{text!r} does not match {shape_name}'s pattern {shape['pattern']!r}")
    return problems


def _number_problems(shape_name: str, shape: dict[str, Any], value: Any) -> list[str]:
    number = float(value)
    problems = []
    if shape["type"] in ("integer", "long") and number != int(number):
        problems.append(f"{value!r} is not a whole number ({shape_name} is an {shape['type']})")
    if "min" in shape and number < shape["min"]:
        problems.append(f"{value!r} is below {shape_name}'s minimum of {shape['min']}")
    if "max" in shape and number > shape["max"]:
        problems.append(f"{value!r} is above {shape_name}'s maximum of {shape['max']}")
    return problems


def violations(service: str, shape_name: str, value: Any) -> list[str]:
    """Why `value` breaks the shape's constraints (empty when it is legal)."""
    shape = shapes(service)[shape_name]
    kind = shape["type"]
    if kind == "string":
        return _string_problems(shape_name, shape, value)
    if kind in ("integer", "long", "float", "double"):
        return _number_problems(shape_name, shape, value)
    if kind == "list":
        items = list(value) if isinstance(value, list | tuple) else [value]
        problems = _length_problems(shape_name, shape, len(items), "items")
        for item in items:
            problems += violations(service, shape["member"]["shape"], item)
        return problems
    if kind == "map":
        problems = _length_problems(shape_name, shape, len(value), "entries")
        for key, item in value.items():
            problems += violations(service, shape["key"]["shape"], key)
            problems += violations(service, shape["value"]["shape"], item)
        return problems
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{value!r} is not a boolean ({shape_name})"]
    if kind == "structure":  # the mapping points at leaves: a structure here is a mapping mistake
        raise TypeError(f"{service}:{shape_name} is a structure: map the argument to one of its members")
    return []  # blob, timestamp: no constraints in the models


def check(target: Target, value: Any) -> list[str]:
    name, _ = resolve(target)
    return violations(target.service, name, value)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
