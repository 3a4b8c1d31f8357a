"""Every argument a plan sets, and the reviewed map from each to the API field AWS checks it against.

`arguments()` walks a resource's planned values with the provider schema (from `terraform providers schema
-json`), so it knows maps from nested blocks and skips what the provider computes. An argument is named by its
path: block and attribute names joined with '.', list and set positions dropped, and a map's keys and values as
`<path>.<key>` and `<path>.<value>`. `api_mapping.toml` gives every such path either an `api` target
(`service:Shape.Member`, or `service:Shape`) or a reviewed `na` reason (nothing in the API constrains it, or it is
never sent to AWS); a path with neither is a gap, which the test run prints.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAPPING_FILE = Path(__file__).with_name("api_mapping.toml")
AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"


@dataclass(frozen=True)
class Argument:
    address: str  # resource address in the plan
    resource_type: str
    path: str
    value: Any


@dataclass(frozen=True)
class Target:
    """Where an argument's value is checked: a botocore shape, optionally through a structure member."""

    service: str
    shape: str
    member: str | None

    @classmethod
    def parse(cls, text: str) -> Target:
        service, _, rest = text.partition(":")
        shape, _, member = rest.partition(".")
        if not service or not shape:
            raise ValueError(f"api target {text!r} is not service:Shape[.Member]")
        return cls(service, shape, member or None)

    def __str__(self) -> str:
        return f"{self.service}:{self.shape}" + (f".{self.member}" if self.member else "")


@dataclass(frozen=True)
class Entry:
    target: Target | None
    not_applicable: str | None
    policy: str | None  # "identity", "trust" or "resource": the value is an IAM policy document


def load_mapping(path: Path = MAPPING_FILE) -> dict[str, dict[str, Entry]]:
    """resource type -> argument path -> entry. Every entry must say `api` or `na`, not both."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    mapping: dict[str, dict[str, Entry]] = {}
    for resource_type, arguments in raw.items():
        mapping[resource_type] = {}
        for argument, spec in arguments.items():
            if ("api" in spec) == ("na" in spec):
                raise ValueError(f"{resource_type}.{argument}: give exactly one of api or na")
            unknown = set(spec) - {"api", "na", "policy"}
            if unknown:
                raise ValueError(f"{resource_type}.{argument}: unknown keys {sorted(unknown)}")
            mapping[resource_type][argument] = Entry(
                target=Target.parse(spec["api"]) if "api" in spec else None,
                not_applicable=spec.get("na"),
                policy=spec.get("policy"),
            )
    return mapping


def resource_schemas(schema: dict[str, Any]) -> dict[str, Any]:
    return schema["provider_schemas"][AWS_PROVIDER]["resource_schemas"]


def _is_primitive_type(kind: Any) -> bool:
    return isinstance(kind, str)


def _typed(path: str, kind: Any, value: Any) -> Iterator[tuple[str, Any]]:
    if value is None:
        return
    if _is_primitive_type(kind) or kind == "dynamic":
        yield path, value
        return
    container, element = kind[0], kind[1]
    if container in ("list", "set") and _is_primitive_type(element):
        if value and None not in value:  # an element known only after apply: not checkable at plan time
            yield path, list(value)
    elif container in ("list", "set"):
        for item in value:
            yield from _typed(path, element, item)
    elif container == "map":
        for key, item in value.items():
            yield f"{path}.<key>", key
            yield from _typed(f"{path}.<value>", element, item)
    elif container == "object":
        for name, member_kind in element.items():
            yield from _typed(f"{path}.{name}", member_kind, value.get(name))
    else:  # tuple and anything newer: report the whole value
        yield path, value


def _configurable(attribute: dict[str, Any]) -> bool:
    return bool(attribute.get("optional") or attribute.get("required"))


def _walk(block: dict[str, Any], values: dict[str, Any], prefix: str) -> Iterator[tuple[str, Any]]:
    for name, attribute in block.get("attributes", {}).items():
        if not _configurable(attribute) or name not in values:
            continue  # computed by the provider or AWS, not sent by the module
        path = f"{prefix}{name}"
        if "nested_type" in attribute:
            nested = attribute["nested_type"]
            items = values[name]
            if items is None:
                continue
            for item in items if isinstance(items, list) else [items]:
                yield from _walk(nested, item, f"{path}.")
        else:
            yield from _typed(path, attribute["type"], values[name])
    for name, block_type in block.get("block_types", {}).items():
        items = values.get(name)
        if items is None:
            continue
        if isinstance(items, dict) and block_type["nesting_mode"] == "map":
            items = list(items.values())
        for item in items if isinstance(items, list) else [items]:
            yield from _walk(block_type["block"], item, f"{prefix}{name}.")


def arguments(document: dict[str, Any], schema: dict[str, Any]) -> Iterator[Argument]:
    """Every known, non-null argument of every managed aws_* resource the plan creates or updates."""
    schemas = resource_schemas(schema)
    for change in document.get("resource_changes", []):
        if change.get("mode") != "managed" or not change["type"].startswith("aws_"):
            continue
        if not {"create", "update"} & set(change["change"]["actions"]):
            continue
        block = schemas[change["type"]]["block"]
        for path, value in _walk(block, change["change"]["after"] or {}, ""):
            yield Argument(change["address"], change["type"], path, value)


@dataclass
class Coverage:
    mapped: set[tuple[str, str]]
    not_applicable: set[tuple[str, str]]
    gaps: dict[tuple[str, str], str]  # (type, path) -> a sample address
    unused: set[tuple[str, str]]  # mapping entries no plan exercised

    def summary(self) -> list[str]:
        lines = [
            f"AWS rules layer: {len(self.mapped)} planned arguments checked against botocore models, "
            f"{len(self.not_applicable)} reviewed as having no API constraint or not sent to AWS, "
            f"{len(self.gaps)} not covered (gaps)."
        ]
        lines += [f"  gap: {t}.{p} (e.g. {address})" for (t, p), address in sorted(self.gaps.items())]
        if self.unused:
            lines.append(
                f"  {len(self.unused)} mapping entries had no known value in any plan (set from attributes known only "
                "after apply, or by no configuration): " + ", ".join(f"{t}.{p}" for t, p in sorted(self.unused))
            )
        return lines


def coverage(documents: list[dict[str, Any]], schema: dict[str, Any], mapping: dict[str, dict[str, Entry]]) -> Coverage:
    seen: dict[tuple[str, str], str] = {}
    for document in documents:
        for argument in arguments(document, schema):
            seen.setdefault((argument.resource_type, argument.path), argument.address)
    entries = {(t, p): entry for t, paths in mapping.items() for p, entry in paths.items()}
    return Coverage(
        mapped={key for key in seen if key in entries and entries[key].target is not None},
        not_applicable={key for key in seen if key in entries and entries[key].target is None},
        gaps={key: address for key, address in seen.items() if key not in entries},
        unused=set(entries) - set(seen),
    )
