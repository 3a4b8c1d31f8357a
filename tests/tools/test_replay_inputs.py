"""Reading replay inputs: every format gives the bytes Firehose would carry; every problem names file and line."""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from ctr_enrichment_tools.errors import ReplayError
from ctr_enrichment_tools.inputs import (
    MAX_RECORD_BYTES,
    InputProblem,
    InputRecord,
    ReadProgress,
    read_inputs,
    resolve_inputs,
    total_size,
)
from tests.support import EVENTS
from tests.support.ctrs import CTR_FIXTURES, load_json


def compact(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read(*paths: Path | str) -> list[InputRecord | InputProblem]:
    return list(read_inputs(resolve_inputs([str(path) for path in paths])))


def records(items: list[InputRecord | InputProblem]) -> list[InputRecord]:
    assert all(isinstance(item, InputRecord) for item in items), items
    return items  # type: ignore[return-value]


def failed_document(data: bytes, arrival_ms: int = 1763601302000, **extra: Any) -> dict[str, Any]:
    """A processing-failed/ document as Firehose writes it (one per line)."""
    return {
        "attemptsMade": 1,
        "arrivalTimestamp": arrival_ms,
        "errorCode": "Lambda.ProcessingFailedStatus",
        "errorMessage": "ProcessingFailed status set for record",
        "attemptEndingTimestamp": arrival_ms + 61_000,
        "rawData": base64.b64encode(data).decode("ascii"),
        "lambdaArn": "arn:aws:lambda:ap-northeast-1:123456789012:function:ctr-enrichment",
        **extra,
    }


def test_ndjson_lines_are_replayed_byte_for_byte_with_their_line_numbers(tmp_path: Path) -> None:
    # Unusual but valid JSON: key order, number spelling, escapes and non-ASCII must all survive untouched.
    lines = [
        b'{"ContactId":"a","Amount":1.50,"Note":"\\u682a\\u5f0f","Company":"\xe6\xa0\xaa\xe5\xbc\x8f\xe4\xbc\x9a\xe7\xa4\xbe"}',
        b'{ "ContactId" : "b",   "Channel" : "CHAT" }',
        compact(load_json("ctr_inbound_voice")),
    ]
    path = tmp_path / "ctrs.ndjson"
    path.write_bytes(lines[0] + b"\r\n\n" + lines[1] + b"\n   \n" + lines[2])  # CRLF, blank lines, no final newline
    got = records(read(path))
    assert [record.data for record in got] == lines
    assert [record.location for record in got] == [f"{path}:1", f"{path}:3", f"{path}:5"]
    assert all(record.arrival_ms is None for record in got)


def test_a_pretty_printed_json_array_gives_each_element_on_one_line_with_the_line_it_starts_on(tmp_path: Path) -> None:
    documents = [load_json(name) for name in CTR_FIXTURES]
    path = tmp_path / "ctrs.json"
    text = json.dumps(documents, ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    got = records(read(path))
    assert [record.data for record in got] == [compact(document) for document in documents]
    starts = [number for number, line in enumerate(text.splitlines(), 1) if line == "  {"]
    assert [record.location for record in got] == [f"{path}:{number}" for number in starts]


def test_a_single_pretty_printed_ctr_file_is_one_record(tmp_path: Path) -> None:
    (record,) = records(read(EVENTS / "ctr_chat.json"))
    assert record.data == compact(load_json("ctr_chat"))
    assert record.location == f"{EVENTS / 'ctr_chat.json'}:1"


def test_a_one_line_json_array_and_values_written_back_to_back_are_separate_records(tmp_path: Path) -> None:
    # Firehose's S3 delivery concatenates records without a delimiter unless told otherwise.
    path = tmp_path / "s3-object"
    path.write_bytes(b'[{"a":1},{"b":2}]\n{"c":3}{"d":4} {"e":5}\n')
    got = records(read(path))
    assert [record.data for record in got] == [b'{"a":1}', b'{"b":2}', b'{"c":3}', b'{"d":4}', b'{"e":5}']
    assert [record.location for record in got] == [
        f"{path}:1",
        f"{path}:1#2",
        f"{path}:2",
        f"{path}:2#2",
        f"{path}:2#3",
    ]


def test_processing_failed_documents_give_back_the_original_bytes_and_arrival_time(tmp_path: Path) -> None:
    originals = [compact(load_json("ctr_transfer")), b"{not json at all", "株式会社".encode()]
    path = tmp_path / "ctr-enrichment-1-2026-11-20-01-21-33-0a1b"
    path.write_text(
        "\n".join(json.dumps(failed_document(data, 1763601302000 + i)) for i, data in enumerate(originals)) + "\n"
    )
    got = records(read(path))
    assert [record.data for record in got] == originals
    assert [record.arrival_ms for record in got] == [1763601302000, 1763601302001, 1763601302002]
    assert [record.location for record in got] == [f"{path}:1", f"{path}:2", f"{path}:3"]


def test_gzip_objects_are_read_like_plain_ones(tmp_path: Path) -> None:
    data = compact(load_json("ctr_callback"))
    path = tmp_path / "failed.gz"
    path.write_bytes(gzip.compress(json.dumps(failed_document(data)).encode() + b"\n"))
    (record,) = records(read(path))
    assert record.data == data


def test_a_leading_byte_order_mark_is_not_part_of_the_first_record(tmp_path: Path) -> None:
    path = tmp_path / "excel-export.ndjson"
    path.write_bytes(b'\xef\xbb\xbf{"ContactId":"a"}\n{"ContactId":"b"}\n')
    assert [record.data for record in records(read(path))] == [b'{"ContactId":"a"}', b'{"ContactId":"b"}']


def test_directories_are_walked_in_order_without_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "2026" / "11" / "21").mkdir(parents=True)
    (tmp_path / "2026" / "11" / "20").mkdir(parents=True)
    (tmp_path / "2026" / "11" / "21" / "b").write_text('{"n":3}\n')
    (tmp_path / "2026" / "11" / "20" / "a").write_text('{"n":1}\n{"n":2}\n')
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01binary")
    sources = resolve_inputs([str(tmp_path)])
    assert [source.name for source in sources] == [
        str(tmp_path / "2026" / "11" / "20" / "a"),
        str(tmp_path / "2026" / "11" / "21" / "b"),
    ]
    assert total_size(sources) == 16 + 8
    assert [record.data for record in records(list(read_inputs(sources)))] == [b'{"n":1}', b'{"n":2}', b'{"n":3}']


def test_standard_input_is_read_with_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.BufferedReader(io.BytesIO(b'{"n":1}\n{"n":2}\n'))  # type: ignore[arg-type]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(raw))
    sources = resolve_inputs(["-"])
    assert total_size(sources) is None
    got = records(list(read_inputs(sources)))
    assert [(record.data, record.location) for record in got] == [(b'{"n":1}', "<stdin>:1"), (b'{"n":2}', "<stdin>:2")]


def test_progress_reaches_the_total_size_of_the_inputs(tmp_path: Path) -> None:
    path = tmp_path / "many.ndjson"
    path.write_text("".join(f'{{"n":{i}}}\n' for i in range(1000)))
    sources = resolve_inputs([str(path)])
    progress = ReadProgress(total_size(sources))
    seen = []
    for _ in read_inputs(sources, progress):
        seen.append(progress.done_bytes)
    assert seen == sorted(seen) and 0 < seen[500] < path.stat().st_size
    assert progress.done_bytes == progress.total_bytes == path.stat().st_size


# --- problems ----------------------------------------------------------------------------------------------------


def test_bad_lines_are_reported_with_file_and_line_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ctrs.ndjson"
    path.write_bytes(
        b'{"n":1}\n'
        b'{"n":2,\n'  # cut short
        b'\xff\xfe{"n":3}\n'  # not UTF-8
        b'{"n":4}\n'
        + json.dumps({"errorCode": "Lambda.ProcessingFailedStatus", "rawData": "%%%"}).encode()  # bad base64
        + b'\n{"n":6}\n'
    )
    items = read(path)
    assert [item.data for item in items if isinstance(item, InputRecord)] == [b'{"n":1}', b'{"n":4}', b'{"n":6}']
    problems = [(item.location, item.message) for item in items if isinstance(item, InputProblem)]
    assert problems == [
        (f"{path}:2", "not valid JSON: Expecting property name enclosed in double quotes (column 8)"),
        (f"{path}:3", "not UTF-8 (byte 1 of the line)"),
        (f"{path}:5", "rawData is not valid base64"),
    ]


def test_a_record_over_the_firehose_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.ndjson"
    too_big = json.dumps({"n": "x" * MAX_RECORD_BYTES})
    path.write_text(too_big + "\n" + '{"n":2}\n')
    first, second = read(path)
    assert isinstance(first, InputProblem) and first.location == f"{path}:1"
    assert first.message == f"the record is {len(too_big):,} bytes; Firehose accepts at most 1,024,000 per record"
    assert isinstance(second, InputRecord) and second.data == b'{"n":2}'


def test_a_syntax_error_in_a_multi_line_document_keeps_what_came_before_it(tmp_path: Path) -> None:
    path = tmp_path / "ctrs.json"
    path.write_text('[\n  {"n": 1},\n  {"n": 2},\n  {"n": 3\n  {"n": 4}\n]\n')
    items = read(path)
    assert [item.data for item in items if isinstance(item, InputRecord)] == [b'{"n": 1}', b'{"n": 2}']
    assert items[-1] == InputProblem(
        f"{path}:5", "not valid JSON: Expecting ',' delimiter (column 3); the rest of the file was skipped"
    )


def test_a_binary_file_is_given_up_on_instead_of_reported_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "snappy-object"
    path.write_bytes(b"\n".join(bytes([0xFF, 0x06, 0x80 + i % 100]) for i in range(500)))
    items = read(path)
    assert all(isinstance(item, InputProblem) for item in items)
    assert len(items) == 21
    assert items[-1].message == "does not look like NDJSON or JSON: no record in the first 20 lines; skipped the rest"


def test_archives_and_corrupt_gzip_are_reported_and_the_next_file_is_read(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    archive.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    broken = tmp_path / "broken.gz"
    compressed = gzip.compress(b"".join(b'{"n":"%s"}\n' % os.urandom(32).hex().encode() for _ in range(200)))
    broken.write_bytes(compressed[: len(compressed) // 2])  # an interrupted download
    good = tmp_path / "good.ndjson"
    good.write_text('{"n":3}\n')
    items = read(archive, broken, good)
    assert items[0] == InputProblem(str(archive), "is a zip archive: unzip it and replay the files inside")
    # The lines before the break are read; then one problem for the file.
    assert len(items) > 3
    assert all(isinstance(item, InputRecord) and item.location.startswith(f"{broken}:") for item in items[1:-2])
    assert items[-2] == InputProblem(
        str(broken),
        "cannot read it (Compressed file ended before the end-of-stream marker was reached); "
        "the rest of the file was skipped",
    )
    assert items[-1] == InputRecord(b'{"n":3}', f"{good}:1")


def test_a_missing_or_unreadable_file_or_an_empty_directory_stops_before_anything_is_read(tmp_path: Path) -> None:
    present = tmp_path / "present.ndjson"
    present.write_text('{"n":1}\n')
    with pytest.raises(ReplayError, match=r"missing\.ndjson: no such file$"):
        resolve_inputs([str(present), str(tmp_path / "missing.ndjson")])
    with pytest.raises(ReplayError, match=r"present\.ndjson/child\.ndjson: cannot read it \(Not a directory\)$"):
        resolve_inputs([str(present / "child.ndjson")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReplayError, match=r"empty: the directory holds no files to replay$"):
        resolve_inputs([str(tmp_path / "empty")])


def test_an_empty_file_holds_no_records_and_no_problems(tmp_path: Path) -> None:
    path = tmp_path / "empty.ndjson"
    path.write_text("\n  \n")
    assert read(path) == []
