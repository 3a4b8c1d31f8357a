"""Turning one decoded CTR plus its lookup results into the enriched document."""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ctr_enrichment.config import STATUS_FIELD, Rule
from ctr_enrichment.dynamodb import TableKey, TableQuery, table_queries
from ctr_enrichment.jsontext import DECODER, dumps_compact, to_utf8
from ctr_enrichment.outcomes import LogMessage
from ctr_enrichment.paths import get_path, set_path, target_state
from ctr_enrichment.phone import national_plan, normalize_email, normalize_phone, to_national
from ctr_enrichment.records import DecodedRecord

Status = Literal["found", "not_found", "skipped", "error"]


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule as the pipeline runs it, and its place: ``index`` is where it stands in ENRICHMENT_RULES, and so
    in each record's keys, in each cached item's fragments and in ``EnrichmentStatus``."""

    index: int
    rule: Rule
    query: TableQuery  # how its table is read; the rules on one table share it
    prefix: bytes  # '"<target>":', written before the rule's value when a document is extended in place
    target: str  # the dotted target, as log lines name it


def compile_rules(rules: Sequence[Rule]) -> tuple[CompiledRule, ...]:
    queries = table_queries(rules)
    return tuple(
        CompiledRule(
            index=index,
            rule=rule,
            query=queries[rule.table],
            prefix=(dumps_compact(rule.target[0]) + ":").encode(),
            target=".".join(rule.target),
        )
        for index, rule in enumerate(rules)
    )


# DynamoDB rejects a whole request if one partition key is over 2048 bytes; such a value cannot be a key.
MAX_KEY_BYTES = 2048


def lookup_key(rule: Rule, document: dict[str, Any]) -> str | None:
    """The key to look up for this rule, or None when the record has nothing to look up (status 'skipped')."""
    value = get_path(document, rule.source)
    if not isinstance(value, str) or not value.strip():
        return None
    if rule.endpoint_types is not None:
        # The endpoint's Type beside the source (CustomerEndpoint.Type for CustomerEndpoint.Address).
        endpoint = get_path(document, rule.source[:-1]) if len(rule.source) > 1 else document
        if not isinstance(endpoint, dict) or endpoint.get("Type") not in rule.endpoint_types:
            return None
    key: str | None = value
    if rule.normalize == "phone":
        key = normalize_phone(value)
        if key is not None and rule.key_format == "national":
            key = to_national(key, national_plan(rule.country))  # type: ignore[arg-type]
    elif rule.normalize == "email":
        key = normalize_email(value)
    if key is None:
        return None
    try:
        if len(key.encode("utf-8")) > MAX_KEY_BYTES:
            return None
    except UnicodeEncodeError:  # a lone surrogate from a JSON escape cannot be sent to DynamoDB
        return None
    return key


def project(rule: Rule, item: dict[str, Any]) -> dict[str, Any]:
    """The object written under the rule's target: the configured attributes, renamed, or all but the key."""
    if rule.attributes is None:
        return {name: value for name, value in item.items() if name != rule.key}
    return {output: item[attribute] for output, attribute in rule.attributes if attribute in item}


# A found item as the cache keeps it: for each rule (by index) that reads the item's table, the JSON text it
# writes under its target; None for the rules of other tables. Bytes only: the item itself is not kept, and
# immutable bytes in tuples cost the garbage collector nothing once they are old.
Fragments = tuple[bytes | None, ...]


def render_fragments(item: dict[str, Any], rules: Sequence[CompiledRule], table: str) -> Fragments:
    """The JSON text each rule on ``table`` writes for the item, rendered once for every caller that rings again."""
    fragments: list[bytes | None] = [None] * len(rules)
    for rule in rules:
        if rule.query.table == table:
            fragments[rule.index] = to_utf8(project(rule.rule, item))
    return tuple(fragments)


def fragment_value(fragment: bytes) -> Any:
    """The value a fragment holds, for a document that is re-serialised rather than extended in place."""
    return DECODER.decode(fragment.decode("utf-8"))


# What one rule writes into one document: the rule, and the JSON text of the value.
Addition = tuple[CompiledRule, bytes]
NULL = b"null"
# Where a rule that leaves a value alone says so: the logger's ``warning``.
Warn = Callable[..., None]


def rule_statuses(
    record: DecodedRecord,
    keys: Sequence[str | None],
    rules: Sequence[CompiledRule],
    *,
    resolved: Mapping[TableKey, Fragments | None],
    failed: Container[TableKey],
    additions: list[Addition],
    warn: Warn,
) -> list[Status]:
    """Each rule's status for the record, from the answers to its keys; what the rules write goes to ``additions``."""
    statuses: list[Status] = []
    for rule, key in zip(rules, keys, strict=True):
        if key is None:
            statuses.append("skipped")
            continue
        table_key = (rule.query.table, key)
        if table_key in failed:
            statuses.append("error")
            continue
        fragments = resolved[table_key]
        statuses.append(_write(record, rule, None if fragments is None else fragments[rule.index], additions, warn))
    return statuses


def _write(
    record: DecodedRecord, rule: CompiledRule, fragment: bytes | None, additions: list[Addition], warn: Warn
) -> Status:
    """Decide what one rule does to the document, given what is at its target now; returns its status.

    Nothing there (or null): the found object, or null for an unknown caller, is written. An object there:
    the found attributes are merged in, every key the CTR already has is kept. Any other value, or a path
    blocked by one: the rule is skipped. An unknown caller never replaces a value with null.
    """
    document = record.document
    state, existing = ("absent", None) if document is None else target_state(document, rule.rule.target)
    if state == "blocked":
        warn(LogMessage.TARGET_BLOCKED, recordId=record.record_id, rule=rule.rule.name, target=rule.target)
        return "skipped"
    if fragment is None:  # not in the table
        if state == "absent":
            additions.append((rule, NULL))
        return "not_found"
    if state == "absent":
        additions.append((rule, fragment))
        return "found"
    if state != "object":
        warn(LogMessage.TARGET_NOT_AN_OBJECT, recordId=record.record_id, rule=rule.rule.name, target=rule.target)
        return "skipped"
    found = fragment_value(fragment)
    kept = [name for name in found if name in existing]
    for name, value in found.items():
        existing.setdefault(name, value)
    if kept:
        warn(LogMessage.TARGET_KEYS_KEPT, recordId=record.record_id, rule=rule.rule.name, target=rule.target, keys=kept)
    return "found"


class Renderer:
    """Serialises enriched documents as single-line UTF-8 JSON.

    A single-line input is kept byte for byte and the new fields are appended before its closing brace, so
    unknown fields, key order and number formatting pass through untouched and the document is not
    re-serialised. Anything else (multi-line input, nested targets, a field we own already present) is
    re-serialised compactly, numbers digit for digit.
    """

    def __init__(self, rules: Sequence[CompiledRule]) -> None:
        self.names = tuple(rule.rule.name for rule in rules)
        self._can_append = all(len(rule.rule.target) == 1 for rule in rules)
        self._owned = tuple({rule.rule.target[0] for rule in rules} | {STATUS_FIELD})
        self._status_fragments: dict[tuple[Status, ...], bytes] = {}

    def appendable(self, record: DecodedRecord) -> bool:
        """True when the record can be answered by appending to its raw bytes: its document is not needed."""
        document = record.document
        return (
            self._can_append
            and record.single_line
            and (document is None or not any(name in document for name in self._owned))
        )

    def _status_fragment(self, statuses: tuple[Status, ...]) -> bytes:
        fragment = self._status_fragments.get(statuses)
        if fragment is None:
            text = dumps_compact(STATUS_FIELD) + ":" + dumps_compact(dict(zip(self.names, statuses, strict=True)))
            fragment = self._status_fragments[statuses] = text.encode()
        return fragment

    def render(self, record: DecodedRecord, statuses: tuple[Status, ...], additions: list[Addition]) -> bytes:
        document = record.document
        if document is None or self.appendable(record):
            parts = [rule.prefix + fragment for rule, fragment in additions]
            parts.append(self._status_fragment(statuses))
            opening = record.raw[:-1] + b"," if document is None or document else b"{"
            return opening + b",".join(parts) + b"}"
        for rule, fragment in additions:
            set_path(document, rule.rule.target, fragment_value(fragment))
        document[STATUS_FIELD] = dict(zip(self.names, statuses, strict=True))
        return to_utf8(document)
