"""Configuration: the ENRICHMENT_RULES contract and the other environment settings.

Everything here is validated once, at cold start. A bad configuration must stop the function before it
touches a record, with a message that names the rule and the field, because a function that silently
enriches nothing looks healthy while every dashboard goes blank.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

NormalizeMode = Literal["phone", "none"]
LookupErrorPolicy = Literal["deliver_unenriched", "processing_failed", "retry_batch"]

STATUS_FIELD = "EnrichmentStatus"
NORMALIZE_MODES: tuple[NormalizeMode, ...] = ("phone", "none")
LOOKUP_ERROR_POLICIES: tuple[LookupErrorPolicy, ...] = ("deliver_unenriched", "processing_failed", "retry_batch")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

DEFAULT_CACHE_TTL_SECONDS = 300.0
DEFAULT_CACHE_MAX_ENTRIES = 100_000
DEFAULT_METRICS_NAMESPACE = "CtrEnrichment"

_REQUIRED_FIELDS = ("name", "source", "table", "key", "target")
_OPTIONAL_FIELDS = ("attributes", "normalize")
_RULE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$")
# A table may be named or given by ARN (BatchGetItem accepts both).
_TABLE = re.compile(r"^(?:arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table/)?[A-Za-z0-9_.-]{3,255}$")
_MAX_KEY_NAME_BYTES = 255


class ConfigError(ValueError):
    """The function's configuration is invalid; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One lookup: read `source` from each CTR, look it up in `table`, write the result under `target`."""

    name: str
    source: tuple[str, ...]
    table: str
    key: str
    # (output name, table attribute) pairs in the configured order; None means "every attribute but the key".
    attributes: tuple[tuple[str, str], ...] | None
    target: tuple[str, ...]
    normalize: NormalizeMode


@dataclass(frozen=True, slots=True)
class Settings:
    rules: tuple[Rule, ...]
    on_lookup_error: LookupErrorPolicy = "deliver_unenriched"
    cache_ttl_seconds: float = DEFAULT_CACHE_TTL_SECONDS
    cache_max_entries: int = DEFAULT_CACHE_MAX_ENTRIES
    metrics_namespace: str = DEFAULT_METRICS_NAMESPACE
    log_level: str = "INFO"


def parse_path(text: object, where: str) -> tuple[str, ...]:
    """Split a dotted path such as ``CustomerEndpoint.Address`` into its segments."""
    if not isinstance(text, str) or not text:
        raise ConfigError(f"{where} must be a non-empty dotted path such as 'CustomerEndpoint.Address', got {text!r}")
    segments = tuple(text.split("."))
    if any(not segment or segment.strip() != segment for segment in segments):
        raise ConfigError(
            f"{where} {text!r} is not a valid dotted path: segments must be non-empty and have no surrounding spaces"
        )
    return segments


def _overlaps(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """True when one path equals the other or contains it (writing one would change the other)."""
    shorter = min(len(a), len(b))
    return a[:shorter] == b[:shorter]


def _parse_attributes(value: object, where: str) -> tuple[tuple[str, str], ...] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        raise ConfigError(
            f"{where} must be an object mapping output names to table attributes "
            f"(or be omitted for every attribute), got {value!r}"
        )
    pairs = []
    for output_name, attribute in value.items():
        if not output_name or not isinstance(attribute, str) or not attribute:
            raise ConfigError(
                f"{where} entry {output_name!r}: {attribute!r} must map a non-empty output name "
                "to a non-empty attribute name"
            )
        pairs.append((output_name, attribute))
    return tuple(pairs)


def _parse_rule(raw: object, index: int) -> Rule:
    where = f"ENRICHMENT_RULES[{index}]"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a JSON object, got {type(raw).__name__}")
    name = raw.get("name")
    if isinstance(name, str) and _RULE_NAME.match(name):
        where = f"{where} (rule {name!r})"
    else:
        raise ConfigError(f"{where}: field 'name' must be 1-64 characters of letters, digits, '_' or '-', got {name!r}")
    unknown = sorted(set(raw) - set(_REQUIRED_FIELDS) - set(_OPTIONAL_FIELDS))
    if unknown:
        raise ConfigError(
            f"{where}: unknown field(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(_REQUIRED_FIELDS + _OPTIONAL_FIELDS)}"
        )
    missing = [field for field in _REQUIRED_FIELDS if raw.get(field) is None]
    if missing:
        raise ConfigError(f"{where}: missing required field(s) {', '.join(map(repr, missing))}")

    table = raw["table"]
    if not isinstance(table, str) or not _TABLE.match(table):
        raise ConfigError(
            f"{where}: field 'table' must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -) or table ARN, "
            f"got {table!r}"
        )
    key = raw["key"]
    if not isinstance(key, str) or not key or len(key.encode()) > _MAX_KEY_NAME_BYTES:
        raise ConfigError(f"{where}: field 'key' must be the table's partition key attribute name, got {key!r}")
    normalize = raw.get("normalize", "none")
    if normalize is None:
        normalize = "none"
    if normalize not in NORMALIZE_MODES:
        raise ConfigError(
            f"{where}: field 'normalize' must be one of {', '.join(map(repr, NORMALIZE_MODES))}, got {normalize!r}"
        )
    target = parse_path(raw["target"], f"{where}: field 'target'")
    if target[0] == STATUS_FIELD:
        raise ConfigError(f"{where}: field 'target' must not write into {STATUS_FIELD!r}, which the function owns")
    return Rule(
        name=name,
        source=parse_path(raw["source"], f"{where}: field 'source'"),
        table=table,
        key=key,
        attributes=_parse_attributes(raw.get("attributes"), f"{where}: field 'attributes'"),
        target=target,
        normalize=cast(NormalizeMode, normalize),
    )


def _check_rules_together(rules: tuple[Rule, ...]) -> None:
    key_by_table: dict[str, tuple[str, str]] = {}
    for i, rule in enumerate(rules):
        for earlier in rules[:i]:
            if earlier.name == rule.name:
                raise ConfigError(f"ENRICHMENT_RULES: rule name {rule.name!r} is used twice; names must be unique")
            if _overlaps(earlier.target, rule.target):
                raise ConfigError(
                    f"ENRICHMENT_RULES: rules {earlier.name!r} and {rule.name!r} write overlapping targets "
                    f"{'.'.join(earlier.target)!r} and {'.'.join(rule.target)!r}; give each rule its own target"
                )
        for other in rules:
            if _overlaps(other.source, rule.target):
                raise ConfigError(
                    f"ENRICHMENT_RULES: rule {rule.name!r} target {'.'.join(rule.target)!r} overlaps the source "
                    f"{'.'.join(other.source)!r} of rule {other.name!r}; the caller's original data must be kept"
                )
        seen = key_by_table.setdefault(rule.table, (rule.key, rule.name))
        if seen[0] != rule.key:
            raise ConfigError(
                f"ENRICHMENT_RULES: rules {seen[1]!r} and {rule.name!r} read table {rule.table!r} with different "
                f"keys {seen[0]!r} and {rule.key!r}; a table has one partition key"
            )


def parse_rules(text: str | None) -> tuple[Rule, ...]:
    """Parse and validate the ENRICHMENT_RULES JSON document."""
    if text is None or not text.strip():
        raise ConfigError("ENRICHMENT_RULES is not set: give a JSON list of lookup rules")
    try:
        document: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(f"ENRICHMENT_RULES is not valid JSON: {error}") from None
    if not isinstance(document, list) or not document:
        raise ConfigError("ENRICHMENT_RULES must be a non-empty JSON list of rule objects")
    rules = tuple(_parse_rule(raw, index) for index, raw in enumerate(document))
    _check_rules_together(rules)
    return rules


def _number(environ: Mapping[str, str], name: str, default: float, *, integer: bool) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise ConfigError(f"{name} must be {kind} >= 0, got {raw!r}") from None
    if value < 0 or not math.isfinite(value):
        raise ConfigError(f"{name} must be >= 0, got {raw!r}")
    return value


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Read every setting from the environment, failing fast with a message that says what to fix."""
    policy = environ.get("ON_LOOKUP_ERROR", "").strip() or "deliver_unenriched"
    if policy not in LOOKUP_ERROR_POLICIES:
        raise ConfigError(f"ON_LOOKUP_ERROR must be one of {', '.join(LOOKUP_ERROR_POLICIES)}, got {policy!r}")
    namespace = environ.get("METRICS_NAMESPACE", "").strip() or DEFAULT_METRICS_NAMESPACE
    if len(namespace) > 255:
        raise ConfigError("METRICS_NAMESPACE must be at most 255 characters")
    log_level = (environ.get("LOG_LEVEL", "").strip() or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}")
    return Settings(
        rules=parse_rules(environ.get("ENRICHMENT_RULES")),
        on_lookup_error=cast(LookupErrorPolicy, policy),
        cache_ttl_seconds=_number(environ, "CACHE_TTL_SECONDS", DEFAULT_CACHE_TTL_SECONDS, integer=False),
        cache_max_entries=int(_number(environ, "CACHE_MAX_ENTRIES", DEFAULT_CACHE_MAX_ENTRIES, integer=True)),
        metrics_namespace=namespace,
        log_level=log_level,
    )
