"""A Python model of the ingest pipeline's Painless script, checked against the script itself by
tests/tools/test_ingest_pipeline.py, so that other tests can stand it in for the script."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ctr_enrichment_tools.contacts import CONTACT_KEY, contact_key

# java.time.format.DateTimeFormatter.ISO_ZONED_DATE_TIME, which ZonedDateTime.parse(CharSequence) uses: a 'T',
# seconds and up to nine fraction digits optional, an offset (Z or +hh:mm[:ss]) required, a [region] optional.
_ISO_ZONED = re.compile(
    r"^(?P<local>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.(?P<fraction>\d{1,9}))?)?)"
    r"(?P<offset>Z|[+-]\d{2}:\d{2}(?::\d{2})?)(?:\[[^\]]+\])?$"
)


class ScriptError(Exception):
    """Where the script would throw, failing the document."""


def parse_zoned(text: str) -> datetime:
    match = _ISO_ZONED.match(text)
    if match is None:
        raise ScriptError(f"Text '{text}' could not be parsed")
    local = match["local"]
    fraction = match["fraction"]
    if fraction is not None:  # Python keeps microseconds; the version needs milliseconds only
        local = local[: -len(fraction)] + fraction[:6].ljust(6, "0")
    offset = "+00:00" if match["offset"] == "Z" else match["offset"]
    return datetime.fromisoformat(local + offset)


def model(ctx: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """What the script does to ``ctx`` (source fields and metadata in one map, as in an ingest pipeline)."""
    ctx = dict(ctx)
    call = contact_key(ctx)  # the tools' one definition of a call, held against the script by the JDK test
    if call is None:
        return ctx
    contact_id = ctx["ContactId"]
    ctx[CONTACT_KEY] = call
    initiation, last_update = ctx.get("InitiationTimestamp"), ctx.get("LastUpdateTimestamp")
    if isinstance(initiation, str) and isinstance(last_update, str):
        ctx["_id"] = contact_id
        updated = parse_zoned(last_update)
        ctx["_version"] = int(updated.timestamp()) * 1000 + updated.microsecond // 1000
        ctx["_version_type"] = "external_gte"
        if params.get("daily_index_prefix") is not None:
            day = parse_zoned(initiation).astimezone(ZoneInfo(params["time_zone"]))
            ctx["_index"] = params["daily_index_prefix"] + day.strftime("%Y-%m-%d")
    return ctx
