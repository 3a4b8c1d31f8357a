"""What Firehose sends to OpenSearch: the index each document lands in, and ``_bulk`` request lines.

With index rotation, Firehose appends part of the record's UTC arrival time to the index name
(``ctr`` becomes ``ctr-2026-11-20`` with ``OneDay``, the module's default).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

ROTATION_PERIODS = ("NoRotation", "OneHour", "OneDay", "OneWeek", "OneMonth")
DEFAULT_INDEX = "ctr"
DEFAULT_ROTATION = "OneDay"

# %U counts weeks from Sunday, as Firehose does: its documented example, 2016-02-25, is in week 08.
_SUFFIXES = {"OneHour": "%Y-%m-%d-%H", "OneDay": "%Y-%m-%d", "OneWeek": "%Y-w%U", "OneMonth": "%Y-%m"}


def index_name(index: str, rotation: str, arrival_ms: int) -> str:
    """The index Firehose writes a record that arrived at ``arrival_ms`` to."""
    if rotation not in ROTATION_PERIODS:
        raise ValueError(f"rotation must be one of {', '.join(ROTATION_PERIODS)}, got {rotation!r}")
    suffix = _SUFFIXES.get(rotation)
    if suffix is None:
        return index
    return f"{index}-{datetime.fromtimestamp(arrival_ms / 1000, tz=UTC).strftime(suffix)}"


def bulk_entry(index: str, document: bytes) -> bytes:
    """One ``_bulk`` action and its document; ids are left to OpenSearch, as Firehose does by default."""
    action = json.dumps({"index": {"_index": index}}, separators=(",", ":")).encode("ascii")
    return action + b"\n" + document + b"\n"
