"""Turning one decoded CTR plus its lookup results into the enriched document."""

from __future__ import annotations

from typing import Any, Literal

from ctr_enrichment.config import STATUS_FIELD, Rule
from ctr_enrichment.jsontext import DECODER, dumps_compact, to_utf8
from ctr_enrichment.paths import get_path, set_path
from ctr_enrichment.phone import normalize_phone
from ctr_enrichment.records import DecodedRecord

Status = Literal["found", "not_found", "skipped", "error"]

# DynamoDB rejects a whole request if one partition key is over 2048 bytes; such a value cannot be a key.
MAX_KEY_BYTES = 2048


def lookup_key(rule: Rule, document: dict[str, Any]) -> str | None:
    """The key to look up for this rule, or None when the record has nothing to look up (status 'skipped')."""
    value = get_path(document, rule.source)
    if not isinstance(value, str) or not value.strip():
        return None
    key = normalize_phone(value) if rule.normalize == "phone" else value
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


def render_fragments(item: dict[str, Any], rules: tuple[Rule, ...], rule_indexes: tuple[int, ...]) -> Fragments:
    """The JSON text each rule on the item's table writes, rendered once for every caller that rings again."""
    fragments: list[bytes | None] = [None] * len(rules)
    for index in rule_indexes:
        fragments[index] = to_utf8(project(rules[index], item))
    return tuple(fragments)


def fragment_value(fragment: bytes) -> Any:
    """The value a fragment holds, for a document that is re-serialised rather than extended in place."""
    return DECODER.decode(fragment.decode("utf-8"))


# What one rule writes into one document: (rule index, the JSON text of the value).
Addition = tuple[int, bytes]
NULL = b"null"


class Renderer:
    """Serialises enriched documents as single-line UTF-8 JSON.

    A single-line input is kept byte for byte and the new fields are appended before its closing brace, so
    unknown fields, key order and number formatting pass through untouched and the document is not
    re-serialised. Anything else (multi-line input, nested targets, a field we own already present) is
    re-serialised compactly, numbers digit for digit.
    """

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        self.names = tuple(rule.name for rule in rules)
        self._can_append = all(len(rule.target) == 1 for rule in rules)
        self._owned = tuple({rule.target[0] for rule in rules} | {STATUS_FIELD})
        self._target_prefixes = tuple((dumps_compact(rule.target[0]) + ":").encode() for rule in rules)
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
            parts = [self._target_prefixes[index] + fragment for index, fragment in additions]
            parts.append(self._status_fragment(statuses))
            opening = record.raw[:-1] + b"," if document is None or document else b"{"
            return opening + b",".join(parts) + b"}"
        for index, fragment in additions:
            set_path(document, self.rules[index].target, fragment_value(fragment))
        document[STATUS_FIELD] = dict(zip(self.names, statuses, strict=True))
        return to_utf8(document)
