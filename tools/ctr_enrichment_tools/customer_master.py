"""Reading a customer master: CSV or TSV (UTF-8, UTF-8 with a BOM, CP932/Shift_JIS), JSON or NDJSON.

A master is what a CRM or a core system exports: Salesforce and kintone write UTF-8 CSV, Excel in Japan writes
CP932 (Microsoft's Shift_JIS). Each row comes back with its file and line, so that every problem the loader
reports points at the line to fix. The encoding is detected unless given: a UTF-8 byte-order mark, else UTF-8
if the whole file decodes as UTF-8, else CP932 if it decodes as that (Shift_JIS is a subset of CP932, which adds
NEC and IBM extensions such as ① and ㈱ that Excel writes). Anything else stops with one line that says to pass
``--encoding``.
"""

from __future__ import annotations

import codecs
import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ctr_enrichment_tools.errors import ToolError

FORMATS = ("csv", "tsv", "json", "ndjson")
_BY_SUFFIX = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson"}
AUTO = "auto"
STDIN = "-"


class MasterError(ToolError):
    """The master cannot be read: a missing file, an unknown encoding, a header without names, bad JSON."""


@dataclass(frozen=True, slots=True)
class MasterRow:
    line: int  # where the row starts in the file (1-based); for a JSON array, where its object starts
    values: dict[str, Any]  # column -> value: text for CSV/TSV, any JSON value for JSON and NDJSON


@dataclass(frozen=True, slots=True)
class Master:
    name: str  # as given on the command line
    format: str
    encoding: str  # the codec used, as detected or given
    columns: tuple[str, ...]  # CSV/TSV: the header; JSON: every key seen, in order of appearance
    rows: tuple[MasterRow, ...]

    def location(self, row: MasterRow) -> str:
        return f"{self.name}:{row.line}"


def detect_encoding(data: bytes) -> str:
    """``utf-8-sig`` (a BOM), ``utf-8`` or ``cp932``, whichever decodes the whole file; MasterError otherwise."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp932"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise MasterError("is neither UTF-8 nor CP932 (Shift_JIS): pass --encoding, such as --encoding euc_jp")


def _decode(data: bytes, encoding: str) -> tuple[str, str]:
    if encoding == AUTO:
        encoding = detect_encoding(data)
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise MasterError(f"--encoding {encoding!r} is not an encoding Python knows (utf-8, cp932, ...)") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise MasterError(f"line {line} is not {encoding} (byte {error.start}): pass the right --encoding") from None
    return text.removeprefix("\ufeff"), codec


def _format(name: str, text: str, given: str) -> str:
    if given != AUTO:
        return given
    suffix = Path(name).suffix.lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    start = text.lstrip()[:1]
    if start == "[":
        return "json"
    if start == "{":
        return "ndjson"
    first = text.split("\n", 1)[0]
    return "tsv" if first.count("\t") > first.count(",") else "csv"


def read_master(name: str, *, encoding: str = AUTO, format: str = AUTO) -> Master:
    """Read the whole master (masters are small enough: a million rows is a few hundred MB at most)."""
    try:
        data = sys.stdin.buffer.read() if name == STDIN else Path(name).read_bytes()
    except FileNotFoundError:
        raise MasterError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise MasterError(f"{name}: is a directory; give the master's file") from None
    except OSError as error:
        raise MasterError(f"{name}: cannot read it ({error.strerror or error})") from None
    try:
        text, codec = _decode(data, encoding)
    except MasterError as error:
        raise MasterError(f"{name}: {error}") from None
    kind = _format(name, text, format)
    try:
        columns, rows = _read_table(text, kind) if kind in ("csv", "tsv") else _read_json(text, kind)
    except MasterError as error:
        raise MasterError(f"{name}: {error}") from None
    return Master(name, kind, codec, columns, tuple(rows))


def _read_table(text: str, kind: str) -> tuple[tuple[str, ...], list[MasterRow]]:
    reader = csv.reader(text.splitlines(keepends=True), delimiter="\t" if kind == "tsv" else ",")
    try:
        header = next(reader)
    except StopIteration:
        raise MasterError("is empty: a master starts with a header row naming its columns") from None
    columns = tuple(name.strip() for name in header)
    blank = [index + 1 for index, name in enumerate(columns) if not name]
    if blank:
        raise MasterError(f"header column {blank[0]} has no name: name every column in the first row")
    twice = sorted({name for name in columns if columns.count(name) > 1})
    if twice:
        raise MasterError(f"header names column {twice[0]!r} twice: give each column its own name")
    rows = []
    line = reader.line_num + 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                values = {column: cell.strip() for column, cell in zip(columns, record, strict=False)}
                rows.append(MasterRow(line, values))
            line = reader.line_num + 1
    except csv.Error as error:
        raise MasterError(f"line {line}: {error}") from None
    return columns, rows


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _read_json(text: str, kind: str) -> tuple[tuple[str, ...], list[MasterRow]]:
    decoder = json.JSONDecoder(parse_float=Decimal)
    rows: list[MasterRow] = []
    for line, value in _json_values(text, kind, decoder):
        if not isinstance(value, dict):
            raise MasterError(f"line {line}: each customer must be a JSON object, got {type(value).__name__}")
        rows.append(MasterRow(line, value))
    columns = tuple(dict.fromkeys(column for row in rows for column in row.values))
    return columns, rows


def _json_values(text: str, kind: str, decoder: json.JSONDecoder) -> Iterator[tuple[int, Any]]:
    """Each value with the line it starts on: the elements of a JSON array, or one value per NDJSON line."""
    if kind == "ndjson":
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield number, _decode_json(decoder, line, number)
        return
    position = len(text) - len(text.lstrip())
    if text[position : position + 1] != "[":
        raise MasterError("a JSON master is an array of customer objects: [{...}, {...}]")
    position += 1
    while True:
        position = _skip_space(text, position)
        if text[position : position + 1] == "]":
            break
        line = _line_of(text, position)
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise MasterError(f"line {error.lineno}: not valid JSON: {error.msg}") from None
        yield line, value
        position = _skip_space(text, position)
        if text[position : position + 1] == ",":
            position += 1
        elif text[position : position + 1] != "]":
            raise MasterError(f"line {_line_of(text, position)}: expected ',' or ']' after a customer")
    rest = _skip_space(text, position + 1)
    if rest < len(text):
        raise MasterError(f"line {_line_of(text, rest)}: extra data after the array")


def _skip_space(text: str, position: int) -> int:
    while text[position : position + 1] in (" ", "\t", "\r", "\n"):
        position += 1
    return position


def _decode_json(decoder: json.JSONDecoder, line: str, number: int) -> Any:
    try:
        value, end = decoder.raw_decode(line.strip())
    except json.JSONDecodeError as error:
        raise MasterError(f"line {number}: not valid JSON: {error.msg}") from None
    if end != len(line.strip()):
        raise MasterError(f"line {number}: one customer object per line (NDJSON), found more")
    return value
