"""``make demo`` (``python -m devtools.demo``): it runs, writes its outputs, and always stops dynalite."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
from pathlib import Path
from typing import Any

import pytest

from devtools import demo
from devtools.dynalite import Dynalite

DEMO_CTRS = demo.DEMO_DIR / "ctrs.ndjson"


def port_is_closed(endpoint: str) -> bool:
    host, port = endpoint.removeprefix("http://").split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return False
    except OSError:
        return True


def test_the_demo_replays_the_sample_writes_its_outputs_and_stops_the_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    environment_before = dict(os.environ)
    assert demo.main(["--out-dir", str(tmp_path / "demo-output")]) == 0
    stdout = capsys.readouterr().out
    out = tmp_path / "demo-output"

    endpoint = re.search(r"listening on (http://127\.0\.0\.1:\d+)", stdout)
    assert endpoint is not None and port_is_closed(endpoint.group(1))
    assert dict(os.environ) == environment_before  # the dummy credentials never leak into the caller

    sample = [json.loads(line) for line in DEMO_CTRS.read_text(encoding="utf-8").splitlines()]
    customers = {item["number"]: item for item in json.loads(demo.CUSTOMERS.read_text(encoding="utf-8"))}
    enriched = [json.loads(line) for line in (out / "enriched.ndjson").read_text(encoding="utf-8").splitlines()]
    # Every sample CTR comes out in order, enriched from the table (or marked), then the recovered record.
    assert [document["ContactId"] for document in enriched[: len(sample)]] == [ctr["ContactId"] for ctr in sample]
    for ctr, document in zip(sample, enriched, strict=False):
        address = (ctr.get("CustomerEndpoint") or {}).get("Address")
        status = document["EnrichmentStatus"]["customer"]
        if address is None:
            assert status == "skipped" and "Customer" not in document
        elif address in customers:
            assert status == "found"
            assert document["Customer"] == {
                "CompanyName": customers[address]["契約者会社名"],
                "Tier": customers[address]["Tier"],
            }
        else:
            assert status == "not_found" and document["Customer"] is None
    assert len(enriched) == len(sample) + 1 and enriched[-1]["Customer"]["CompanyName"] == "Globex Ltd"

    bulk = (out / "bulk.ndjson").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in bulk[1::2]] == enriched
    assert json.loads(bulk[-2]) == {"index": {"_index": "ctr-2026-11-20"}}  # its original arrival day

    (failed,) = [json.loads(line) for line in (out / "processing-failed.ndjson").read_text().splitlines()]
    truncated = base64.b64decode(failed["rawData"])
    assert truncated.startswith(b'{"AWSAccountId":"123456789012"') and not truncated.endswith(b"}")

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["results"] == {"Ok": len(sample) + 1, "ProcessingFailed": 1, "Dropped": 0}
    assert summary["input_problems"] == 0 and summary["failed_invocations"] == []
    assert summary["chart"]["values"]["株式会社サンプル商事"] == 7  # two numbers, one company
    assert {"Acme Corporation", "Globex Ltd", "大阪精密工業株式会社"} <= set(summary["chart"]["values"])
    assert summary["chart"]["reasons"] == {"(caller not in the table)": 4, "(no caller number)": 3}

    assert "Calls by company (Customer.CompanyName), top 10" in stdout
    assert re.search(r"\n  株式会社サンプル商事 +7 █+\n", stdout)
    assert "An enriched document, as OpenSearch receives it:" in stdout
    assert "--data-binary @" in stdout and "dynalite stopped." in stdout
    assert (out / "summary.txt").read_text(encoding="utf-8") in stdout


def test_the_demo_stops_the_server_when_interrupted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Dynalite] = []

    class RecordedDynalite(Dynalite):
        def start(self) -> Dynalite:
            started.append(self)
            return super().start()

    def interrupted(*_: Any, **__: Any) -> Any:
        raise KeyboardInterrupt  # Ctrl-C in the middle of the replay

    monkeypatch.setattr(demo, "Dynalite", RecordedDynalite)
    monkeypatch.setattr(demo, "run_replay", interrupted)
    assert demo.main(["--out-dir", str(tmp_path)]) == 130
    assert capsys.readouterr().err == "\nmake demo: interrupted; dynalite stopped\n"
    (server,) = started
    assert server.process is None and port_is_closed(server.endpoint)
