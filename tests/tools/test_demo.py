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
# What demo/customers.csv says of each caller the sample CTRs have, written out by hand: company and rank.
SAMPLE_SHOJI = ("株式会社サンプル商事", "gold")
DEMO_COMPANIES = {
    "+81312345678": SAMPLE_SHOJI,  # 03-1234-5678, also claimed by サンプル物流 (a later row): the first row wins
    "+81312345679": SAMPLE_SHOJI,  # ０３－１２３４－５６７９, full-width, a second row of the company
    "+819012345678": SAMPLE_SHOJI,  # 090-1234-5678, its 携帯 column
    "Taro.Yamada@sample-shoji.co.jp": SAMPLE_SHOJI,  # the master writes Taro.Yamada@Sample-Shoji.co.jp
    "+81662345678": ("大阪精密工業株式会社", "silver"),  # 06(6234)5678
    "+81527654321": ("名古屋ロジスティクス株式会社", "bronze"),  # 0527654321
    "+818098765432": ("名古屋ロジスティクス株式会社", "bronze"),  # 080-9876-5432
    "+81924567890": ("合同会社博多フーズ", "silver"),  # +81-92-456-7890
    "+14155550123": ("Acme Corporation", "gold"),  # +1 (415) 555-0123: a foreign number, keyed in E.164
    "+442079460958": ("Globex Ltd", "silver"),  # +44 20 7946 0958
    "+61255501234": ("Initech Pty Ltd", "bronze"),  # +61 2 5550 1234
}


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

    # The master: CP932 (as Excel writes it in Japan), national numbers in every written form, loaded by
    # load-customers, which reports the bad row and the number two rows claim.
    assert (
        demo.CUSTOMERS.read_bytes()
        .decode("cp932")
        .startswith("顧客ID,契約者会社名,ランク,代表電話,携帯電話,メール\r\n")
    )
    assert "Customer master demo/customers.csv (CSV, cp932): 11 rows" in stdout
    assert "  Keys                  14   new 14, changed 0, unchanged 0" in stdout
    assert "demo/customers.csv:11  代表電話 '011-234-567': not a valid number of JP" in stdout
    assert "  0312345678  demo/customers.csv:2 代表電話 (株式会社サンプル商事) wins" in stdout
    assert re.search(r"\n  full-width +1 [█▏▎▍▌▋▊▉]+ +０３－１２３４－５６７９\n", stdout)

    sample = [json.loads(line) for line in DEMO_CTRS.read_text(encoding="utf-8").splitlines()]
    enriched = [json.loads(line) for line in (out / "enriched.ndjson").read_text(encoding="utf-8").splitlines()]
    # Every sample CTR comes out in order, enriched from the table (or marked), then the recovered record.
    assert [document["ContactId"] for document in enriched[: len(sample)]] == [ctr["ContactId"] for ctr in sample]
    for ctr, document in zip(sample, enriched, strict=False):
        endpoint = ctr.get("CustomerEndpoint") or {}
        address, kind = endpoint.get("Address"), endpoint.get("Type")
        rule = "email" if kind == "EMAIL_ADDRESS" else "customer"
        other = "customer" if rule == "email" else "email"
        assert document["EnrichmentStatus"][other] == "skipped"  # one rule per channel
        status = document["EnrichmentStatus"][rule]
        if address is None:
            assert status == "skipped" and "Customer" not in document
        elif address in DEMO_COMPANIES:
            assert status == "found", address
            assert document["Customer"] == {
                "CompanyName": DEMO_COMPANIES[address][0],
                "Tier": DEMO_COMPANIES[address][1],
            }
        else:
            assert status == "not_found" and document["Customer"] is None, address
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
    # Calls, not documents: 株式会社サンプル商事's two numbers, a mobile and an email, with one call in two
    # transfer legs (10 documents, 9 calls); Acme's call delivered twice (5 documents, 4 calls).
    assert summary["chart"]["values"]["株式会社サンプル商事"] == 9
    assert summary["chart"]["values"]["Acme Corporation"] == 4
    assert summary["chart"]["values"]["名古屋ロジスティクス株式会社"] == 3  # two by its 代表 number, one its 携帯
    assert summary["chart"]["reasons"] == {"(caller not in the table)": 2, "(no caller number or address)": 3}
    # Every delivered document, less one transfer leg and one re-delivery.
    assert (summary["chart"]["calls"], summary["chart"]["documents"]) == (len(enriched) - 2, len(enriched))

    assert "Calls by company (Customer.CompanyName), top 10" in stdout
    assert re.search(r"\n  株式会社サンプル商事 +9 █+\n", stdout)
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
