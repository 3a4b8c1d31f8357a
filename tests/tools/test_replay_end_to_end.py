"""``ctr-enrichment replay`` end to end against dynalite: every output checked record by record."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from ctr_enrichment.outcomes import FailureReason
from ctr_enrichment_tools import cli, replay
from devtools.dynalite import Dynalite, create_table, put_items
from tests.support.ctrs import CTR_FIXTURES, CUSTOMER_RULE, caller, load_json

UNKNOWN = "+819000000000"
ACME = "+14155550123"
FAILED_ARRIVAL_MS = 1763601302000  # 2025-11-20T01:15:02Z
# What tests/events/customers.json says about each fixture's caller (None: not in the table, absent: skipped).
EXPECTED_CUSTOMER: dict[str, Any] = {
    "ctr_inbound_voice": {"CompanyName": "株式会社サンプル商事", "Tier": "gold"},
    "ctr_outbound_voice": {"CompanyName": "Acme Corporation", "Tier": "silver"},
    "ctr_transfer": {"CompanyName": "株式会社サンプル商事", "Tier": "gold"},
    "ctr_callback": {"CompanyName": "Globex Ltd", "Tier": "bronze"},
}


def single_line(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def failed_document(data: bytes, arrival_ms: int) -> dict[str, Any]:
    return {
        "attemptsMade": 4,
        "arrivalTimestamp": arrival_ms,
        "errorCode": "Lambda.FunctionError",
        "errorMessage": "The Lambda function was successfully invoked but it returned an error result.",
        "attemptEndingTimestamp": arrival_ms + 64_000,
        "rawData": base64.b64encode(data).decode("ascii"),
        "lambdaArn": "arn:aws:lambda:ap-northeast-1:123456789012:function:ctr-enrichment",
    }


def run(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(arguments)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read_lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


def test_a_replay_writes_what_firehose_would_deliver_record_by_record(
    dynalite: Any, dynalite_table: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixtures = [single_line(load_json(name)) for name in CTR_FIXTURES]
    unknown = single_line(caller(UNKNOWN))
    ndjson = tmp_path / "ctrs.ndjson"
    ndjson.write_bytes(b"\n".join([*fixtures, unknown, b'{"ContactId": "cut', b'"not an object"']) + b"\n")
    truncated = fixtures[0][:900]
    acme = single_line(caller(ACME, Channel="VOICE"))
    failed_dir = tmp_path / "processing-failed" / "2025" / "11" / "20"
    failed_dir.mkdir(parents=True)
    failed_object = failed_dir / "ctr-enrichment-1-2025-11-20-01-16-00-abc.gz"
    failed_object.write_bytes(
        gzip.compress(
            b"\n".join(
                json.dumps(failed_document(data, FAILED_ARRIVAL_MS + i)).encode()
                for i, data in enumerate([truncated, acme])
            )
        )
    )
    out = tmp_path / "out"
    before = datetime.now(UTC).strftime("%Y-%m-%d")
    code, stdout, stderr = run(
        [
            "replay",
            str(ndjson),
            str(tmp_path / "processing-failed"),
            "--table",
            dynalite_table,
            "--attribute",
            "CompanyName=契約者会社名",
            "--attribute",
            "Tier",
            "--endpoint-url",
            dynalite.meta.endpoint_url,
            "--out-dir",
            str(out),
            "--bulk",
            "--no-progress",
        ],
        capsys,
    )
    after = datetime.now(UTC).strftime("%Y-%m-%d")

    # One unreadable line: reported with file and line, the rest replayed, exit status 1.
    assert code == 1
    assert stderr.splitlines() == [
        f"warning: {ndjson}:9: not valid JSON: Unterminated string starting at (column 15); skipped"
    ]

    # enriched.ndjson: the Ok records in input order, each the original bytes plus the two new fields.
    delivered = [*fixtures, unknown, acme]
    enriched = read_lines(out / "enriched.ndjson")
    assert len(enriched) == len(delivered)
    names = [*CTR_FIXTURES, "unknown", "acme"]
    for name, original, line in zip(names, delivered, enriched, strict=True):
        # Kept byte for byte: the new fields are appended before the closing brace.
        assert line.startswith((original[:-1] + b',"Customer":', original[:-1] + b',"EnrichmentStatus":'))
        document = json.loads(line)
        expected = json.loads(original)
        if name in EXPECTED_CUSTOMER:
            expected |= {"Customer": EXPECTED_CUSTOMER[name], "EnrichmentStatus": {"customer": "found"}}
        elif name == "acme":
            expected |= {"Customer": EXPECTED_CUSTOMER["ctr_outbound_voice"], "EnrichmentStatus": {"customer": "found"}}
        elif name == "unknown":
            expected |= {"Customer": None, "EnrichmentStatus": {"customer": "not_found"}}
        else:  # chat, task, email: no phone number to look up
            expected |= {"EnrichmentStatus": {"customer": "skipped"}}
        assert document == expected, name

    # bulk.ndjson: an action before each document; the index follows each record's arrival day (OneDay).
    bulk = read_lines(out / "bulk.ndjson")
    assert bulk[1::2] == enriched
    indices = [json.loads(action)["index"]["_index"] for action in bulk[0::2]]
    assert indices[-1] == "ctr-2025-11-20"  # the processing-failed record keeps its original arrival time
    assert set(indices[:-1]) <= {f"ctr-{before}", f"ctr-{after}"}

    # processing-failed.ndjson: what Firehose would write to S3, the original data in rawData, replayable.
    failed = [json.loads(line) for line in read_lines(out / "processing-failed.ndjson")]
    assert [base64.b64decode(document["rawData"]) for document in failed] == [b'"not an object"', truncated]
    assert {document["errorCode"] for document in failed} == {"Lambda.ProcessingFailedStatus"}
    assert {document["errorMessage"] for document in failed} == {"ProcessingFailed status set for record"}
    assert failed[1]["arrivalTimestamp"] == FAILED_ARRIVAL_MS
    assert all(document["lambdaArn"].startswith("arn:aws:lambda:ap-northeast-1:") for document in failed)

    # summary.json: the handler's own counters, and where each failed record came from and why.
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["records"] == 11 and summary["invocations"] == 1 and summary["input_problems"] == 1
    assert summary["results"] == {"Ok": 9, "ProcessingFailed": 2, "Dropped": 0}
    metrics = summary["metrics"]
    assert {name: metrics[name] for name in ("Records", "Found", "NotFound", "Skipped", "LookupErrors")} == {
        "Records": 11,
        "Found": 5,
        "NotFound": 1,
        "Skipped": 3,
        "LookupErrors": 0,
    }
    assert metrics["DynamoDBCalls"] == 1 and metrics["ProcessingFailed"] == 2
    assert [(f["location"], f["reason"]) for f in summary["processing_failed_records"]] == [
        (f"{ndjson}:10", "data is a JSON string, not an object"),
        (f"{failed_object}:1", "data is not valid JSON: Unterminated string starting at: line 1 column 899 (char 898)"),
    ]
    assert summary["chart"] == {
        "field": "Customer.CompanyName",
        "counted": "distinct calls: InitialContactId where present, else ContactId",
        "calls": 8,
        "documents": 9,
        "not_contact_records": 0,
        # ctr_inbound_voice and ctr_transfer are two legs of one call (InitialContactId).
        "values": {"株式会社サンプル商事": 1, "Acme Corporation": 2, "Globex Ltd": 1},
        "reasons": {"(caller not in the table)": 1, "(no caller number)": 3},
    }

    # The terminal: the summary and the chart, none of the handler's JSON lines.
    assert not [line for line in stdout.splitlines() if line.startswith("{")]
    assert "  Records               11   Ok 9, ProcessingFailed 2" in stdout
    assert "  Lookups                9   found 5, not found 1, skipped 3, errors 0" in stdout
    chart = stdout[stdout.index("Calls by company (Customer.CompanyName), top 10") :].splitlines()[1:6]
    assert [line.split()[0] for line in chart] == ["Acme", "Globex", "株式会社サンプル商事", "(no", "(caller"]
    assert "  8 calls in 9 documents: a call's transfer legs and re-deliveries count once" in stdout
    assert (out / "summary.txt").read_text(encoding="utf-8") in stdout
    assert json.loads((out / "lambda.log").read_text().splitlines()[-1])["Records"] == 11


def test_a_long_replay_is_cut_into_buffers_and_later_invocations_use_the_warm_cache(
    dynalite: Any, dynalite_table: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    numbers = ["+81312345678", ACME, "+442079460958", UNKNOWN]
    template = load_json("ctr_inbound_voice")
    ctrs = [
        {
            **template,
            "ContactId": f"contact-{i:04d}",
            "CustomerEndpoint": {"Address": numbers[i % 4], "Type": "TELEPHONE_NUMBER"},
        }
        for i in range(300)
    ]
    path = tmp_path / "day.ndjson"
    path.write_bytes(b"\n".join(single_line(ctr) for ctr in ctrs))
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([{**CUSTOMER_RULE, "table": dynalite_table}], ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    arguments = ["replay", str(path), "--rules", f"@{rules}", "--endpoint-url", dynalite.meta.endpoint_url]
    code, _, _ = run([*arguments, "--buffer-size-mb", "0.2", "--out-dir", str(out), "--no-progress"], capsys)
    assert code == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    per_event = 209_715 // len(single_line(ctrs[0]))  # whole CTRs in a 0.2 MiB buffer
    assert summary["invocations"] == -(-300 // per_event) == 4
    # Four distinct callers: one BatchGetItem in the first invocation, the cache answers the later ones.
    assert summary["metrics"]["DynamoDBCalls"] == 1
    assert summary["metrics"]["CacheHits"] == 4 * (summary["invocations"] - 1)
    documents = [json.loads(line) for line in read_lines(out / "enriched.ndjson")]
    assert [document["ContactId"] for document in documents] == [ctr["ContactId"] for ctr in ctrs]
    assert [document["EnrichmentStatus"]["customer"] for document in documents[:4]] == ["found"] * 3 + ["not_found"]
    assert summary["chart"]["values"] == {"株式会社サンプル商事": 75, "Acme Corporation": 75, "Globex Ltd": 75}


def test_the_chart_counts_calls_not_transfer_legs_or_re_deliveries(
    dynalite: Any, dynalite_table: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One call from 株式会社サンプル商事 in three documents (its first leg, delivered twice as the contact was
    # updated, and the transfer leg), one call from Acme, and one not-a-contact record from the same number.
    first_leg = caller("+81312345678", ContactId="call-1", LastUpdateTimestamp="2026-11-20T01:10:00Z")
    updated = {**first_leg, "LastUpdateTimestamp": "2026-11-20T01:15:00Z"}
    transfer = caller("+81312345678", ContactId="call-1-leg-2", InitialContactId="call-1")
    acme = caller(ACME, ContactId="call-2", InitialContactId=None)
    agent_event = {"EventType": "HEART_BEAT", "CustomerEndpoint": {"Address": ACME}}
    path = tmp_path / "legs.ndjson"
    path.write_bytes(b"\n".join(single_line(d) for d in [first_leg, updated, transfer, acme, agent_event, acme]))
    out = tmp_path / "out"
    arguments = ["replay", str(path), "--table", dynalite_table, "--endpoint-url", dynalite.meta.endpoint_url]
    code, stdout, _ = run([*arguments, "--out-dir", str(out), "--no-progress"], capsys)
    assert code == 0
    chart = json.loads((out / "summary.json").read_text(encoding="utf-8"))["chart"]
    # The agent event is no call: not enriched (ON_NON_CTR_RECORD), and in no bar.
    assert chart["values"] == {"Sample Shoji K.K.": 1, "Acme Corporation": 1}
    assert chart["reasons"] == {}
    assert (chart["calls"], chart["documents"], chart["not_contact_records"]) == (2, 6, 1)
    assert "  2 calls in 6 documents" in stdout
    assert "  1 document without a ContactId (not a contact record) counted in no bar" in stdout


def test_verbose_shows_the_handler_lines_on_stderr_and_the_default_keeps_them_off_the_terminal(
    dynalite: Any, dynalite_table: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "one.ndjson"
    path.write_bytes(single_line(caller(ACME)) + b"\n")
    arguments = ["replay", str(path), "--table", dynalite_table, "--endpoint-url", dynalite.meta.endpoint_url]
    arguments += ["--out-dir", str(tmp_path / "out"), "--no-progress"]
    quiet = run(arguments, capsys)
    loud = run([*arguments, "--verbose"], capsys)
    assert quiet[0] == loud[0] == 0
    assert quiet[2] == ""
    lines = [json.loads(line) for line in loud[2].splitlines()]
    assert [line.get("FunctionName") for line in lines if "_aws" in line] == ["ctr-enrichment-replay"]


def test_an_invocation_that_fails_sends_its_whole_batch_to_processing_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ON_LOOKUP_ERROR=retry_batch and DynamoDB gone after the checks: the function raises, as Firehose would see."""
    server = Dynalite().start()
    try:
        client = boto3.client("dynamodb", endpoint_url=server.endpoint)
        create_table(client, "ctr-customers")
        put_items(client, "ctr-customers", load_json("customers"))
        real_check = replay.check_aws

        def check_then_lose_the_server(rules: Any, endpoint_url: str | None) -> str:
            region = real_check(rules, endpoint_url)
            server.stop()  # a real outage: connections are refused from now on
            return region

        monkeypatch.setattr(replay, "check_aws", check_then_lose_the_server)
        path = tmp_path / "two.ndjson"
        originals = [single_line(caller(ACME)), single_line(caller(UNKNOWN))]
        path.write_bytes(b"\n".join(originals))
        out = tmp_path / "out"
        code, stdout, stderr = run(
            [
                "replay",
                str(path),
                "--table",
                "ctr-customers",
                "--endpoint-url",
                server.endpoint,
                "--on-lookup-error",
                "retry_batch",
                "--timeout",
                "2",
                "--out-dir",
                str(out),
                "--no-progress",
            ],
            capsys,
        )
    finally:
        server.stop()
    assert code == 1
    assert stderr == ""
    failed = [json.loads(line) for line in read_lines(out / "processing-failed.ndjson")]
    assert [base64.b64decode(document["rawData"]) for document in failed] == originals
    assert {document["errorCode"] for document in failed} == {"Lambda.FunctionError"}
    assert failed[0]["errorMessage"].startswith("LookupUnavailableError: 2 lookup(s) failed")
    assert read_lines(out / "enriched.ndjson") == []
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["metrics"]["LookupErrors"] == 2 and summary["results"]["Ok"] == 0
    assert "  Invocation failed: LookupUnavailableError: 2 lookup(s) failed" in stdout
    assert "  Lookup failed    " in stdout


def test_records_the_response_could_not_hold_enriched_are_reported_with_the_functions_reason(
    dynalite: Any, dynalite_table: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = "備考" * 50_000  # 300 KB of UTF-8: each enriched record grows by 400 KB of base64
    put_items(
        dynalite, dynalite_table, [{"number": "+81312345678", "契約者会社名": "株式会社サンプル商事", "Notes": notes}]
    )
    rule = {**CUSTOMER_RULE, "table": dynalite_table, "attributes": {"CompanyName": "契約者会社名", "Notes": "Notes"}}
    path = tmp_path / "big.ndjson"
    path.write_bytes(b"\n".join(single_line(caller("+81312345678", Padding="x" * 260_000)) for _ in range(11)))
    out = tmp_path / "out"
    arguments = ["replay", str(path), "--rules", json.dumps([rule]), "--endpoint-url", dynalite.meta.endpoint_url]
    code, stdout, _ = run([*arguments, "--buffer-size-mb", "3", "--out-dir", str(out), "--no-progress"], capsys)
    assert code == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    oversize = summary["metrics"]["Oversize"]
    assert summary["invocations"] == 1 and 0 < oversize < 11
    assert summary["results"] == {"Ok": 11 - oversize, "ProcessingFailed": oversize, "Dropped": 0}
    reasons = {failure["reason"] for failure in summary["processing_failed_records"]}
    assert reasons == {FailureReason.OVERSIZE}
    assert f"  Oversize         {oversize:>7,}   did not fit in the 6 MB response" in stdout


SHARED_STREAM_CASES = [(None, "Ok"), ("drop", "Dropped"), ("processing_failed", "Failed")]


@pytest.mark.parametrize("case", SHARED_STREAM_CASES, ids=[result for _, result in SHARED_STREAM_CASES])
def test_records_of_a_shared_stream_that_are_not_contact_records_follow_on_non_ctr_record(
    dynalite: Any, dynalite_table: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: tuple[Any, str]
) -> None:
    """An export of a Kinesis stream Amazon Connect shares with its agent event stream: CTRs and agent events."""
    policy, result = case
    agent_events = [single_line(load_json(name)) for name in ("agent_event_state_change", "agent_event_heart_beat")]
    ctr = single_line(caller(ACME))
    path = tmp_path / "stream.ndjson"
    path.write_bytes(b"\n".join([agent_events[0], ctr, agent_events[1]]))
    out = tmp_path / "out"
    arguments = ["replay", str(path), "--table", dynalite_table, "--endpoint-url", dynalite.meta.endpoint_url]
    arguments += ["--on-non-ctr-record", policy] if policy else []
    code, stdout, _ = run([*arguments, "--out-dir", str(out), "--no-progress"], capsys)
    assert code == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["metrics"]["NonCtrRecords"] == 2 and summary["metrics"]["Found"] == 1
    expected = {
        "Ok": {"Ok": 3, "ProcessingFailed": 0, "Dropped": 0},
        "Dropped": {"Ok": 1, "ProcessingFailed": 0, "Dropped": 2},
        "Failed": {"Ok": 1, "ProcessingFailed": 2, "Dropped": 0},
    }[result]
    assert summary["results"] == expected
    delivered = read_lines(out / "enriched.ndjson")
    if result == "Ok":  # delivered exactly as they came, around the enriched CTR
        assert [delivered[0], delivered[2]] == agent_events
    failed = [json.loads(line) for line in read_lines(out / "processing-failed.ndjson")]
    failed_data = [base64.b64decode(document["rawData"]) for document in failed]
    assert failed_data == (agent_events if result == "Failed" else [])
    if result == "Dropped":
        assert "Dropped 2" in stdout
