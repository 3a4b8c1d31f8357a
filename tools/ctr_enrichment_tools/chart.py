"""The "calls by company" chart: which bar each enriched document counts towards, and a terminal bar chart."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ctr_enrichment.config import STATUS_FIELD, Rule, parse_path

DEFAULT_ATTRIBUTE = "CompanyName"
MAX_LABEL_WIDTH = 32
_EIGHTHS = " ▏▎▍▌▋▊▉"


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """Sorts documents by the value at ``path``; a document without one goes to a bar that says why it has none."""

    path: tuple[str, ...]
    # The rules that write the path (one rule per channel may share a target): their statuses tell why a value
    # is missing.
    rules: tuple[Rule, ...]

    @classmethod
    def for_rules(cls, rules: Sequence[Rule], field: str | None = None) -> ChartSpec:
        """By default the first rule's first output attribute (``Customer.CompanyName`` for the module's rule)."""
        if field is None:
            first = rules[0]
            attribute = first.attributes[0][0] if first.attributes else DEFAULT_ATTRIBUTE
            path = (*first.target, attribute)
        else:
            path = parse_path(field, "--chart-field")
        return cls(path, tuple(rule for rule in rules if path[: len(rule.target)] == rule.target))

    @property
    def field(self) -> str:
        return ".".join(self.path)

    def classify(self, document: Any) -> tuple[str, bool]:
        """The bar a document counts towards, and whether that bar is a value (a company) or a reason."""
        value: Any = document
        for segment in self.path:
            value = value.get(segment) if isinstance(value, dict) else None
        if isinstance(value, str) and value.strip():
            return value.strip(), True
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value), True
        return self._reason(document), False

    def _reason(self, document: Any) -> str:
        statuses = document.get(STATUS_FIELD) if isinstance(document, dict) else None
        found = [statuses.get(rule.name) for rule in self.rules] if isinstance(statuses, dict) else []
        # Of rules sharing a target, the one for the record's channel says why; the others skipped it.
        status = next((status for status in found if status != "skipped"), "skipped" if found else None)
        modes = {rule.normalize for rule in self.rules}
        if status == "not_found":
            return "(caller not in the table)" if modes & {"phone", "email"} else "(not in the table)"
        if status == "skipped":
            if modes >= {"phone", "email"}:
                return "(no caller number or address)"
            if "phone" in modes:
                return "(no caller number)"
            return "(no caller address)" if "email" in modes else "(nothing to look up)"
        if status == "error":
            return "(lookup error)"
        return f"(no {self.path[-1]})"


@dataclass(slots=True)
class CallCounts:
    """The chart's counts: distinct calls per bar (``contacts.contact_key``), not documents. A transferred call's
    legs and a contact's re-deliveries count once in each bar they fall in, as in the Dashboards charts; a
    document that is no contact record (an agent event of a shared stream) is no call and stays out of the bars."""

    values: dict[str, set[str]] = field(default_factory=dict)
    reasons: dict[str, set[str]] = field(default_factory=dict)
    calls: set[str] = field(default_factory=set)
    documents: int = 0
    not_contact_records: int = 0

    def add(self, label: str, is_value: bool, call: str | None) -> None:
        self.documents += 1
        if call is None:
            self.not_contact_records += 1
            return
        self.calls.add(call)
        (self.values if is_value else self.reasons).setdefault(label, set()).add(call)

    def value_counts(self) -> Counter[str]:
        return Counter({label: len(calls) for label, calls in self.values.items()})

    def reason_counts(self) -> Counter[str]:
        return Counter({label: len(calls) for label, calls in self.reasons.items()})


def display_width(text: str) -> int:
    """Terminal columns: East Asian wide and full-width characters (株式会社) take two, combining marks none."""
    return sum(
        0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text
    )


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns (with an ellipsis) and padded to exactly ``width``."""
    if display_width(text) > width:
        kept = ""
        for char in text:
            if display_width(kept + char) > width - 1:
                break
            kept += char
        text = kept + "…"
    return text + " " * (width - display_width(text))


def _bar(count: int, scale: float, width: int, solid: bool, ascii_only: bool) -> str:
    eighths = round(count / scale * width * 8) if scale else 0
    if count and not eighths:
        eighths = 1  # a bar that exists must show
    if ascii_only:
        return ("#" if solid else ".") * max(1 if count else 0, round(eighths / 8))
    if not solid:
        return "░" * max(1 if count else 0, round(eighths / 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def chart_rows(values: Counter[str], reasons: Counter[str], top: int) -> list[tuple[str, int, bool]]:
    """The top values by count (then name), one row for the others, then one row per reason."""
    ranked = sorted(values.items(), key=lambda item: (-item[1], item[0]))
    rows = [(label, count, True) for label, count in ranked[:top]]
    others = ranked[top:]
    if others:
        noun = "company" if len(others) == 1 else "companies"
        rows.append((f"({len(others)} more {noun})", sum(count for _, count in others), False))
    rows.extend((label, count, False) for label, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0])))
    return rows


def render_chart(
    title: str,
    rows: Sequence[tuple[str, int, bool]],
    *,
    columns: int = 80,
    ascii_only: bool = False,
    notes: Sequence[str] = (),
) -> list[str]:
    """Horizontal bars scaled to the largest row: solid for values, light for the reasons a value is missing.
    ``notes`` (one per row, such as an example) are written after the bars."""
    if not rows:
        return [title, "  (no documents)"]
    label_width = min(MAX_LABEL_WIDTH, max(display_width(label) for label, _, _ in rows))
    count_width = len(f"{max(count for _, count, _ in rows):,}")
    note_width = max((display_width(note) + 2 for note in notes), default=0)
    bar_width = max(10, min(50, columns - label_width - count_width - 6 - note_width))
    scale = max(count for _, count, _ in rows)
    lines = [title]
    for index, (label, count, solid) in enumerate(rows):
        bar = _bar(count, scale, bar_width, solid, ascii_only)
        note = f"  {notes[index]}" if index < len(notes) else ""
        if note:
            bar = bar + " " * (bar_width - display_width(bar))
        lines.append(f"  {fit(label, label_width)}  {count:>{count_width},} {bar}{note}".rstrip())
    return lines
