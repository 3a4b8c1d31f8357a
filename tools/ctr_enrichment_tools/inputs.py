"""Reading the CTRs to replay: NDJSON, JSON, and Firehose ``processing-failed/`` objects, plain or gzip.

Each input yields the records exactly as Firehose would hand them to the function (the bytes before base64):

- NDJSON: every non-blank line, byte for byte. A line may hold several JSON values back to back, which is how
  Firehose writes records to S3 when no delimiter is configured.
- JSON: one document, a list of documents, or documents one after another, pretty-printed or not. A value
  spread over several lines is re-serialised on one line, the way Amazon Connect sends a CTR.
- ``processing-failed/`` objects: one JSON document per line whose ``rawData`` is the original record in
  base64; the record is replayed with its original bytes and arrival time.

A line that cannot be read is reported with its file and line number and skipped; the rest is still read.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import sys
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

from ctr_enrichment_tools.errors import ReplayError

# The largest record Firehose accepts, before base64 (PutRecord and PutRecordBatch: 1,000 KiB).
MAX_RECORD_BYTES = 1_024_000
STDIN = "-"

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n"
_JSON_WHITESPACE = " \t\r\n"
# A file that yields this many problems before its first record is not NDJSON (a binary or Snappy file):
# reading on would only print one warning per line of it.
_GIVE_UP_AFTER = 20
# When the first line is not JSON on its own, this many following lines are tried: NDJSON with a bad first
# line if most of them are JSON objects on their own, else one multi-line document (pretty-printed JSON).
_PROBE_LINES = 5
_PROGRESS_EVERY_LINES = 64
_DECODER = json.JSONDecoder()


@dataclass(frozen=True, slots=True)
class InputRecord:
    """One record to replay: its data before base64, where it came from, and its original arrival time."""

    data: bytes
    location: str
    arrival_ms: int | None = None


@dataclass(frozen=True, slots=True)
class InputProblem:
    """Something that could not be read, e.g. ``ctrs.ndjson:12`` and ``not valid JSON: ...``."""

    location: str
    message: str


InputItem = InputRecord | InputProblem


@dataclass(frozen=True, slots=True)
class InputSource:
    path: Path | None  # None: standard input
    name: str
    size: int | None


@dataclass(slots=True)
class ReadProgress:
    """How far the reading has got, in bytes of the input files (None: unknown, e.g. standard input)."""

    total_bytes: int | None
    done_bytes: int = 0


def resolve_inputs(arguments: Sequence[str]) -> list[InputSource]:
    """The files to read, in order; directories are walked (sorted, hidden files skipped).

    Every file is opened once up front so that a typo in the last argument fails before anything is replayed.
    """
    sources: list[InputSource] = []
    for argument in arguments:
        if argument == STDIN:
            sources.append(InputSource(None, "<stdin>", None))
            continue
        path = Path(argument)
        if path.is_dir():
            files = sorted(
                candidate
                for candidate in path.rglob("*")
                if candidate.is_file() and not any(part.startswith(".") for part in candidate.relative_to(path).parts)
            )
            if not files:
                raise ReplayError(f"{argument}: the directory holds no files to replay")
            sources.extend(_checked_source(file) for file in files)
        else:
            sources.append(_checked_source(path))
    return sources


def _checked_source(path: Path) -> InputSource:
    try:
        with path.open("rb"):
            pass
        size = path.stat().st_size
    except FileNotFoundError:
        raise ReplayError(f"{path}: no such file") from None
    except PermissionError:
        raise ReplayError(f"{path}: permission denied") from None
    except OSError as error:
        raise ReplayError(f"{path}: cannot read it ({error.strerror or error})") from None
    return InputSource(path, str(path), size)


def total_size(sources: Sequence[InputSource]) -> int | None:
    sizes = [source.size for source in sources]
    return None if any(size is None for size in sizes) else sum(size for size in sizes if size is not None)


def read_inputs(sources: Sequence[InputSource], progress: ReadProgress | None = None) -> Iterator[InputItem]:
    """Every record and every problem of every source, in order."""
    done_before = 0
    for source in sources:
        yield from _read_source(source, progress, done_before)
        done_before += source.size or 0
        if progress is not None:
            progress.done_bytes = done_before


def _read_source(source: InputSource, progress: ReadProgress | None, done_before: int) -> Iterator[InputItem]:
    raw: IO[bytes] = sys.stdin.buffer if source.path is None else source.path.open("rb")

    def report_position() -> None:
        if progress is not None and source.path is not None:
            progress.done_bytes = done_before + raw.tell()

    try:
        head = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
        if head.startswith(_ZIP_MAGIC):
            yield InputProblem(source.name, "is a zip archive: unzip it and replay the files inside")
            return
        stream: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if head.startswith(_GZIP_MAGIC) else raw
        yield from _records(source.name, stream, report_position)
    except (OSError, EOFError, zlib.error) as error:
        yield InputProblem(source.name, f"cannot read it ({error}); the rest of the file was skipped")
    finally:
        if source.path is not None:
            raw.close()


def _records(name: str, stream: IO[bytes], report_position: Callable[[], None]) -> Iterator[InputItem]:
    """Read line by line (NDJSON) unless the file turns out to be one multi-line JSON text."""
    numbered = enumerate(stream, 1)
    consumed: list[bytes] = []
    for number, line in numbered:
        consumed.append(line[len(_BOM) :] if number == 1 and line.startswith(_BOM) else line)
        if consumed[-1].strip(_WHITESPACE):
            break
    else:
        return  # an empty file holds no records, which is not an error
    first = _parse_line(name, number, consumed[-1])
    starts_like_json = consumed[-1].lstrip(_WHITESPACE)[:1] in (b"{", b"[")
    if not starts_like_json or not any(isinstance(item, InputProblem) for item in first):
        yield from first
        yield from _line_mode(name, numbered, report_position, first)
        return
    probe = list(islice(numbered, _PROBE_LINES))
    probed = [line for _, line in probe if line.strip(_WHITESPACE)]
    if 2 * sum(_is_json_object(line) for line in probed) > len(probed):  # mostly NDJSON after all
        yield from first
        yield from _line_mode(name, chain(probe, numbered), report_position, first)
        return
    text = b"".join(chain(consumed, (line for _, line in probe))) + stream.read()
    yield from _document_mode(name, text)


def _line_mode(
    name: str, numbered: Iterator[tuple[int, bytes]], report_position: Callable[[], None], first: list[InputItem]
) -> Iterator[InputItem]:
    """The lines after the first one (whose items are ``first``), each on its own."""
    records = sum(isinstance(item, InputRecord) for item in first)
    problems = len(first) - records
    for number, line in numbered:
        if number % _PROGRESS_EVERY_LINES == 0:
            report_position()
        for item in _parse_line(name, number, line):
            if isinstance(item, InputRecord):
                records += 1
            else:
                problems += 1
            yield item
        if not records and problems >= _GIVE_UP_AFTER:
            yield InputProblem(
                name, f"does not look like NDJSON or JSON: no record in the first {number} lines; skipped the rest"
            )
            return


def _parse_line(name: str, number: int, line: bytes) -> list[InputItem]:
    stripped = line.strip(_WHITESPACE)
    if not stripped:
        return []
    location = f"{name}:{number}"
    try:
        text = stripped.decode("utf-8")
    except UnicodeDecodeError as error:
        return [InputProblem(location, f"not UTF-8 (byte {error.start + 1} of the line)")]
    items: list[InputItem] = []
    try:
        for index, (value, start, end) in enumerate(_values(text), 1):
            items.append(_record(value, text[start:end], location if index == 1 else f"{location}#{index}"))
    except json.JSONDecodeError as error:
        indent = len(line) - len(line.lstrip(_WHITESPACE))
        items.append(InputProblem(location, f"not valid JSON: {error.msg} (column {error.colno + indent})"))
    return items


def _document_mode(name: str, data: bytes) -> Iterator[InputItem]:
    """A multi-line JSON text: every value in it; a syntax error ends the file (nothing after it can be trusted)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        yield InputProblem(f"{name}:{line}", "not UTF-8; the rest of the file was skipped")
        return
    lines = _LineCounter(text)
    previous_line, index = 0, 0
    try:
        for value, start, end in _values(text):
            line = lines.line_of(start)
            index = index + 1 if line == previous_line else 1
            previous_line = line
            location = f"{name}:{line}" if index == 1 else f"{name}:{line}#{index}"
            yield _record(value, text[start:end], location)
    except json.JSONDecodeError as error:
        yield InputProblem(
            f"{name}:{error.lineno}",
            f"not valid JSON: {error.msg} (column {error.colno}); the rest of the file was skipped",
        )


class _LineCounter:
    """Line numbers of increasing offsets, without rescanning the text from its start each time."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset = 0
        self._line = 1

    def line_of(self, offset: int) -> int:
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line


def _skip_whitespace(text: str, position: int) -> int:
    while position < len(text) and text[position] in _JSON_WHITESPACE:
        position += 1
    return position


def _values(text: str) -> Iterator[tuple[Any, int, int]]:
    """Each JSON value in ``text`` with its span; the elements of a top-level array count as values."""
    position = _skip_whitespace(text, 0)
    while position < len(text):
        if text[position] == "[":
            position = yield from _array_elements(text, position)
        else:
            value, end = _DECODER.raw_decode(text, position)
            yield value, position, end
            position = end
        position = _skip_whitespace(text, position)


def _array_elements(text: str, position: int) -> Iterator[tuple[Any, int, int]]:
    """The elements of the array that opens at ``position``; returns the position after its ``]``."""
    position = _skip_whitespace(text, position + 1)
    if text.startswith("]", position):
        return position + 1
    while True:
        value, end = _DECODER.raw_decode(text, position)
        yield value, position, end
        position = _skip_whitespace(text, end)
        if text.startswith(",", position):
            position = _skip_whitespace(text, position + 1)
        elif text.startswith("]", position):
            return position + 1
        else:
            raise json.JSONDecodeError("Expecting ',' delimiter", text, position)


def _is_json_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError both are
        return False


def is_processing_failed_document(value: Any) -> bool:
    """A document Firehose wrote to ``processing-failed/``: the record is in ``rawData``, base64."""
    return isinstance(value, dict) and isinstance(value.get("rawData"), str) and "errorCode" in value


def _record(value: Any, text: str, location: str) -> InputItem:
    arrival_ms = None
    if is_processing_failed_document(value):
        try:
            data = base64.b64decode(value["rawData"], validate=True)
        except (binascii.Error, ValueError):
            return InputProblem(location, "rawData is not valid base64")
        arrival = value.get("arrivalTimestamp")
        arrival_ms = arrival if isinstance(arrival, int) and not isinstance(arrival, bool) else None
    elif "\n" in text or "\r" in text:
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    else:
        data = text.encode("utf-8")  # byte for byte what the file holds
    if len(data) > MAX_RECORD_BYTES:
        return InputProblem(
            location, f"the record is {len(data):,} bytes; Firehose accepts at most {MAX_RECORD_BYTES:,} per record"
        )
    return InputRecord(data, location, arrival_ms)
