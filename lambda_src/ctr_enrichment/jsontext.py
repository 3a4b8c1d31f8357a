"""JSON text in and out, with every number written back exactly as many digits as it came with.

A Python float keeps 15-17 significant digits; DynamoDB numbers carry up to 38, and a CTR may hold any JSON
number. A number with more than 15 significant digits is therefore read as a ``Decimal`` (every decimal of at
most 15 significant digits survives a round trip through a double: C's DBL_DIG), everything else stays a
float or an int, so the common case keeps the C encoder's speed. The C encoder cannot write a Decimal: it
hands it to ``default``, which stops it; the writer below then descends only into the containers that hold
one, and hands every other subtree back to the C encoder.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from decimal import Decimal
from json.encoder import encode_basestring, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

FLOAT_EXACT_DIGITS = 15


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _significant_digits(text: str) -> int:
    mantissa = text.partition("e")[0].partition("E")[0]
    return len(mantissa.lstrip("-+").replace(".", "").lstrip("0"))


def parse_number(text: str) -> float | Decimal:
    """A non-integer JSON (or DynamoDB) number: a float when one holds it exactly, else a Decimal."""
    value = float(text)
    if math.isinf(value):  # e.g. 1e400: no reader downstream can hold it either
        raise ValueError(f"number {text} is out of range")
    if len(text) > FLOAT_EXACT_DIGITS and _significant_digits(text) > FLOAT_EXACT_DIGITS:
        return Decimal(text)
    return value


# Built once: json.loads with any keyword argument constructs a new decoder on every call.
DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=parse_number)


class _NeedsExactWriter(Exception):
    pass


def _stop(value: object) -> Any:
    if isinstance(value, Decimal):
        raise _NeedsExactWriter
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_COMPACT = {
    ascii_only: json.JSONEncoder(ensure_ascii=ascii_only, check_circular=False, separators=(",", ":"), default=_stop)
    for ascii_only in (False, True)
}


def _scalar(value: Any, string: Callable[[str], str]) -> str:
    if isinstance(value, str):
        return string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return float.__repr__(value)
    if isinstance(value, Decimal):
        return str(value)  # finite (parse_number refuses the rest): always a valid JSON number
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _write(value: Any, out: Callable[[str], Any], ascii_only: bool) -> None:
    """Write ``value``: each subtree without a Decimal in one C-encoder call, only the way to a Decimal here."""
    if isinstance(value, dict | list | tuple):
        try:
            out(_COMPACT[ascii_only].encode(value))
            return
        except _NeedsExactWriter:
            pass
        string = encode_basestring_ascii if ascii_only else encode_basestring
        if isinstance(value, dict):
            out("{")
            for index, (name, item) in enumerate(value.items()):
                out(("," if index else "") + string(name) + ":")
                _write(item, out, ascii_only)
            out("}")
        else:
            out("[")
            for index, item in enumerate(value):
                if index:
                    out(",")
                _write(item, out, ascii_only)
            out("]")
    else:
        out(_scalar(value, encode_basestring_ascii if ascii_only else encode_basestring))


def dumps_compact(value: Any, *, ascii_only: bool = False) -> str:
    """Compact JSON text; numbers read as Decimal are written digit for digit."""
    parts: list[str] = []
    _write(value, parts.append, ascii_only)
    return parts[0] if len(parts) == 1 else "".join(parts)


def to_utf8(value: Any) -> bytes:
    """Compact UTF-8 JSON; lone surrogates (from JSON escapes in the input) stay the escapes they arrived as."""
    try:
        return dumps_compact(value).encode("utf-8")
    except UnicodeEncodeError:
        return dumps_compact(value, ascii_only=True).encode("ascii")
