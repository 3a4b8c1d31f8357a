"""Configuration: the ENRICHMENT_RULES contract and the other environment settings.

Everything here is validated once, at cold start. A bad configuration must stop the function before it
touches a record, with a message that names the rule and the field, because a function that silently
enriches nothing looks healthy while every dashboard goes blank.

The checks are exactly as strict as the Terraform module's, from the same definition: ``contract.json``
beside this file, which the module reads too. Values are matched whole (no trailing newline slips through a
``$``), digits are ASCII (``\\d`` and ``int()`` accept any Unicode digit), and environment values are taken
as Terraform renders them, not stripped.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from ctr_enrichment.phone import country_calling_code

NormalizeMode = Literal["phone", "email", "none"]
KeyFormat = Literal["e164", "national"]
LookupErrorPolicy = Literal["deliver_unenriched", "processing_failed", "retry_batch"]
NonCtrRecordPolicy = Literal["deliver_unenriched", "drop", "processing_failed"]

CONTRACT: dict[str, Any] = json.loads((Path(__file__).with_name("contract.json")).read_text(encoding="utf-8"))

STATUS_FIELD: str = CONTRACT["status_field"]
NORMALIZE_MODES: tuple[NormalizeMode, ...] = tuple(CONTRACT["normalize_modes"])
KEY_FORMATS: tuple[KeyFormat, ...] = tuple(CONTRACT["key_formats"])
ENDPOINT_TYPES: tuple[str, ...] = tuple(CONTRACT["endpoint_types"])
LOOKUP_ERROR_POLICIES: tuple[LookupErrorPolicy, ...] = tuple(CONTRACT["on_lookup_error_policies"])
NON_CTR_RECORD_POLICIES: tuple[NonCtrRecordPolicy, ...] = tuple(CONTRACT["on_non_ctr_record_policies"])
LOG_LEVELS: tuple[str, ...] = tuple(CONTRACT["log_levels"])

DEFAULT_CACHE_TTL_SECONDS = 300.0
DEFAULT_METRICS_NAMESPACE = "CtrEnrichment"
# Lambda sets AWS_LAMBDA_FUNCTION_MEMORY_SIZE; elsewhere (tests, replays) the function sizes itself for the
# smallest memory the module allows.
DEFAULT_MEMORY_SIZE_MB = 128

_REQUIRED_FIELDS = ("name", "source", "table", "key", "target")
_OPTIONAL_FIELDS = ("attributes", "normalize", "key_format", "country", "endpoint_types")
_RULE_NAME = re.compile(CONTRACT["rule_name_pattern"])
# A table may be named or given by ARN (BatchGetItem accepts both).
_TABLE = re.compile(CONTRACT["table_pattern"])
_METRICS_NAMESPACE = re.compile(CONTRACT["metrics_namespace_pattern"])
_WHOLE_NUMBER = re.compile(r"[0-9]+")
# What Terraform's tostring() writes for a number >= 0 (e.g. 300, 0.5, 1e-07).
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
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
    # How the table writes phone numbers: "e164" (+81312345678, as Amazon Connect sends them) or "national"
    # (0312345678, as dialled inside `country`). Only for normalize = "phone".
    key_format: KeyFormat = "e164"
    # ISO 3166 alpha-2 region of a national-format table; with "e164" only what `load-customers` assumes for
    # numbers written without a country code.
    country: str | None = None
    # Look up only records whose endpoint `Type` (the field beside the source) is one of these; None: any.
    endpoint_types: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    rules: tuple[Rule, ...]
    on_lookup_error: LookupErrorPolicy = "deliver_unenriched"
    # What happens to a record that is a JSON object but not a contact trace record (records.is_contact_record).
    on_non_ctr_record: NonCtrRecordPolicy = "deliver_unenriched"
    cache_ttl_seconds: float = DEFAULT_CACHE_TTL_SECONDS
    # A second bound on the cache besides its bytes; None: the bytes alone bound it. 0 disables the cache.
    cache_max_entries: int | None = None
    metrics_namespace: str = DEFAULT_METRICS_NAMESPACE
    log_level: str = "INFO"
    memory_size_mb: int = DEFAULT_MEMORY_SIZE_MB


def _is_text(value: str) -> bool:
    """True when the string can be written as UTF-8: no lone surrogate (which a JSON \\u escape can carry)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_text(raw: dict[str, Any], where: str) -> None:
    for field, value in raw.items():
        texts = [value] if isinstance(value, str) else []
        if isinstance(value, dict):
            texts = [text for pair in value.items() for text in pair if isinstance(text, str)]
        if isinstance(value, list):
            texts = [text for text in value if isinstance(text, str)]
        if not all(_is_text(text) for text in texts):
            raise ConfigError(
                f"{where}: field {field!r} holds a lone surrogate (a \\ud800-\\udfff escape on its own), "
                "which is not text; write the character itself or its surrogate pair"
            )


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
    if isinstance(name, str) and _RULE_NAME.fullmatch(name):
        where = f"{where} (rule {name!r})"
    else:
        raise ConfigError(f"{where}: field 'name' must be 1-64 characters of letters, digits, '_' or '-', got {name!r}")
    _check_text(raw, where)
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
    if not isinstance(table, str) or not _TABLE.fullmatch(table):
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
    key_format, country = _parse_numbering(raw, normalize, where)
    return Rule(
        name=name,
        source=parse_path(raw["source"], f"{where}: field 'source'"),
        table=table,
        key=key,
        attributes=_parse_attributes(raw.get("attributes"), f"{where}: field 'attributes'"),
        target=target,
        normalize=cast(NormalizeMode, normalize),
        key_format=key_format,
        country=country,
        endpoint_types=_parse_endpoint_types(raw.get("endpoint_types"), where),
    )


def _parse_numbering(raw: dict[str, Any], normalize: str, where: str) -> tuple[KeyFormat, str | None]:
    """``key_format`` and ``country``: how a phone rule's table writes its numbers."""
    key_format = raw.get("key_format")
    country = raw.get("country")
    if key_format is not None and key_format not in KEY_FORMATS:
        raise ConfigError(
            f"{where}: field 'key_format' must be one of {', '.join(map(repr, KEY_FORMATS))}, got {key_format!r}"
        )
    for field, value in (("key_format", key_format), ("country", country)):
        if value is not None and normalize != "phone":
            raise ConfigError(f"{where}: field {field!r} applies to phone numbers only: set normalize to 'phone'")
    if country is not None and (not isinstance(country, str) or country_calling_code(country) is None):
        raise ConfigError(
            f"{where}: field 'country' must be an ISO 3166 alpha-2 region in upper case whose national numbers "
            f"the function can write, such as 'JP', 'GB', 'DE' or 'US' (numbering.json), got {country!r}"
        )
    if key_format == "national" and country is None:
        raise ConfigError(
            f"{where}: key_format 'national' needs field 'country', the region whose national numbers the "
            "table holds (such as 'JP')"
        )
    return cast(KeyFormat, key_format or "e164"), country


def _parse_endpoint_types(value: object, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or not value
        or any(item not in ENDPOINT_TYPES for item in value)
        or len(set(value)) != len(value)
    ):
        raise ConfigError(
            f"{where}: field 'endpoint_types' must be a non-empty list of distinct Amazon Connect endpoint types "
            f"({', '.join(ENDPOINT_TYPES)}), or be omitted for every type, got {value!r}"
        )
    return tuple(value)


def share_a_target(a: Rule, b: Rule) -> bool:
    """True for rules that may write the same target: one rule per channel, such as a phone rule and an email
    rule on ``CustomerEndpoint.Address``. The same source and target, and endpoint types that no record can
    match both, so that at most one of them writes into any record."""
    return (
        a.target == b.target
        and a.source == b.source
        and a.endpoint_types is not None
        and b.endpoint_types is not None
        and not set(a.endpoint_types) & set(b.endpoint_types)
    )


def _check_rules_together(rules: tuple[Rule, ...]) -> None:
    key_by_table: dict[str, tuple[str, str]] = {}
    for i, rule in enumerate(rules):
        for earlier in rules[:i]:
            if earlier.name == rule.name:
                raise ConfigError(f"ENRICHMENT_RULES: rule name {rule.name!r} is used twice; names must be unique")
            if _overlaps(earlier.target, rule.target) and not share_a_target(earlier, rule):
                raise ConfigError(
                    f"ENRICHMENT_RULES: rules {earlier.name!r} and {rule.name!r} write overlapping targets "
                    f"{'.'.join(earlier.target)!r} and {'.'.join(rule.target)!r}; give each rule its own target "
                    "(two rules may share one only with the same source and endpoint_types that do not overlap)"
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


def _number(environ: Mapping[str, str], name: str, *, integer: bool) -> float | None:
    """The variable as Terraform renders a number >= 0, or None when it is unset or empty."""
    raw = environ.get(name, "")
    if not raw:
        return None
    pattern, kind = (_WHOLE_NUMBER, "a whole number") if integer else (_NUMBER, "a number")
    if not pattern.fullmatch(raw):
        raise ConfigError(f"{name} must be {kind} >= 0 written with ASCII digits, got {raw!r}")
    value = int(raw) if integer else float(raw)
    if not math.isfinite(value):
        raise ConfigError(f"{name} must be >= 0 and finite, got {raw!r}")
    return value


def _choice(environ: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = environ.get(name, "") or default
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _metrics_namespace(environ: Mapping[str, str]) -> str:
    namespace = environ.get("METRICS_NAMESPACE", "") or DEFAULT_METRICS_NAMESPACE
    reserved = CONTRACT["metrics_namespace_reserved_prefix"]
    if not _METRICS_NAMESPACE.fullmatch(namespace) or not namespace.strip() or namespace.startswith(reserved):
        raise ConfigError(
            "METRICS_NAMESPACE must be 1-255 characters of 0-9 A-Z a-z . - _ / # : and space, not blank and not "
            f"starting with {reserved!r}, got {namespace!r}"
        )
    return namespace


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Read every setting from the environment, failing fast with a message that says what to fix."""
    policy = _choice(environ, "ON_LOOKUP_ERROR", LOOKUP_ERROR_POLICIES, "deliver_unenriched")
    non_ctr_policy = _choice(environ, "ON_NON_CTR_RECORD", NON_CTR_RECORD_POLICIES, "deliver_unenriched")
    log_level = _choice(environ, "LOG_LEVEL", LOG_LEVELS, "INFO")
    ttl = _number(environ, "CACHE_TTL_SECONDS", integer=False)
    max_entries = _number(environ, "CACHE_MAX_ENTRIES", integer=True)
    memory = _number(environ, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", integer=True)
    return Settings(
        rules=parse_rules(environ.get("ENRICHMENT_RULES")),
        on_lookup_error=cast(LookupErrorPolicy, policy),
        on_non_ctr_record=cast(NonCtrRecordPolicy, non_ctr_policy),
        cache_ttl_seconds=DEFAULT_CACHE_TTL_SECONDS if ttl is None else ttl,
        cache_max_entries=None if max_entries is None else int(max_entries),
        metrics_namespace=_metrics_namespace(environ),
        log_level=log_level,
        memory_size_mb=DEFAULT_MEMORY_SIZE_MB if memory is None else int(memory),
    )
