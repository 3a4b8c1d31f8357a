"""The pieces around the replay: the chart, the progress bar, index names, the --table shortcut, response checks."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from ctr_enrichment.config import parse_rules
from ctr_enrichment_tools.chart import ChartSpec, chart_rows, display_width, render_chart
from ctr_enrichment_tools.inputs import ReadProgress
from ctr_enrichment_tools.opensearch import bulk_entry, index_name
from ctr_enrichment_tools.replay import check_response, shortcut_rules
from ctr_enrichment_tools.terminal import MAX_COLUMNS, ProgressBar, can_draw_blocks, columns
from tests.support.ctrs import CUSTOMER_RULE

RULES = parse_rules(json.dumps([CUSTOMER_RULE]))


def test_the_chart_counts_companies_and_says_why_the_others_have_none() -> None:
    spec = ChartSpec.for_rules(RULES)
    assert spec.field == "Customer.CompanyName"
    documents = [
        {"Customer": {"CompanyName": "株式会社サンプル商事"}, "EnrichmentStatus": {"customer": "found"}},
        {"Customer": {"CompanyName": " Acme Corporation "}, "EnrichmentStatus": {"customer": "found"}},
        {"Customer": {"CompanyName": 4711}, "EnrichmentStatus": {"customer": "found"}},
        {"Customer": {"Tier": "gold"}, "EnrichmentStatus": {"customer": "found"}},
        {"Customer": None, "EnrichmentStatus": {"customer": "not_found"}},
        {"EnrichmentStatus": {"customer": "skipped"}},
        {"EnrichmentStatus": {"customer": "error"}},
        None,
    ]
    assert [spec.classify(document) for document in documents] == [
        ("株式会社サンプル商事", True),
        ("Acme Corporation", True),
        ("4711", True),
        ("(no CompanyName)", False),
        ("(caller not in the table)", False),
        ("(no caller number)", False),
        ("(lookup error)", False),
        ("(no CompanyName)", False),
    ]


def test_the_chart_field_defaults_to_the_first_rule_s_first_attribute_and_can_be_chosen() -> None:
    rule = {**CUSTOMER_RULE, "attributes": {"Company": "契約者会社名"}, "target": "Caller.Info", "normalize": "none"}
    rules = parse_rules(json.dumps([rule]))
    assert ChartSpec.for_rules(rules).field == "Caller.Info.Company"
    assert ChartSpec.for_rules(rules).classify({"EnrichmentStatus": {"customer": "not_found"}}) == (
        "(not in the table)",
        False,
    )
    chosen = ChartSpec.for_rules(rules, "Queue.Name")
    assert chosen.rules == () and chosen.classify({"Queue": {"Name": "BasicQueue"}}) == ("BasicQueue", True)
    assert chosen.classify({"Queue": None, "EnrichmentStatus": {"customer": "found"}}) == ("(no Name)", False)


def test_rules_sharing_a_target_say_why_by_the_rule_for_the_records_channel() -> None:
    phone = {**CUSTOMER_RULE, "endpoint_types": ["TELEPHONE_NUMBER"]}
    email = {**CUSTOMER_RULE, "name": "email", "normalize": "email", "endpoint_types": ["EMAIL_ADDRESS"]}
    spec = ChartSpec.for_rules(parse_rules(json.dumps([phone, email])))
    assert [rule.name for rule in spec.rules] == ["customer", "email"]
    statuses = [
        {"customer": "skipped", "email": "not_found"},
        {"customer": "not_found", "email": "skipped"},
        {"customer": "skipped", "email": "skipped"},
        {"customer": "skipped", "email": "error"},
    ]
    assert [spec.classify({"EnrichmentStatus": status})[0] for status in statuses] == [
        "(caller not in the table)",
        "(caller not in the table)",
        "(no caller number or address)",
        "(lookup error)",
    ]
    (email_only,) = parse_rules(json.dumps([email]))
    assert ChartSpec.for_rules([email_only]).classify({"EnrichmentStatus": {"email": "skipped"}}) == (
        "(no caller address)",
        False,
    )
    none_rule = parse_rules(json.dumps([{**CUSTOMER_RULE, "normalize": "none"}]))
    assert ChartSpec.for_rules(none_rule).classify({"EnrichmentStatus": {"customer": "skipped"}}) == (
        "(nothing to look up)",
        False,
    )


def test_the_top_companies_get_bars_the_rest_one_row_and_wide_characters_stay_aligned() -> None:
    values = Counter({"株式会社サンプル商事": 8, "Acme Corporation": 4, "Globex Ltd": 2, "合同会社博多フーズ": 1})
    rows = chart_rows(values, Counter({"(caller not in the table)": 3}), top=2)
    assert rows == [
        ("株式会社サンプル商事", 8, True),
        ("Acme Corporation", 4, True),
        ("(2 more companies)", 3, False),
        ("(caller not in the table)", 3, False),
    ]
    lines = render_chart("Calls by company", rows, columns=56)  # labels 25 + count 1 + 6: bars of 24
    assert lines[0] == "Calls by company"
    counts_at = {display_width(line[: line.index(f" {n} ")]) for line, (_, n, _) in zip(lines[1:], rows, strict=True)}
    assert len(counts_at) == 1  # the counts line up although 株式会社 takes two columns per character
    assert lines[1].endswith(" 8 " + "█" * 24)  # the largest row fills the bar width
    assert lines[2].endswith(" 4 " + "█" * 12)
    assert lines[3].endswith(" 3 " + "░" * 9)
    assert render_chart("t", [("a", 7, True), ("b", 3, True)], columns=17)[2].endswith(" 3 " + "████▎")  # to 1/8
    ascii_lines = render_chart("Calls by company", rows, columns=56, ascii_only=True)
    assert ascii_lines[1].endswith(" 8 " + "#" * 24) and ascii_lines[4].endswith(" 3 " + "." * 9)


def test_a_long_label_is_cut_with_an_ellipsis_and_a_tiny_count_still_shows() -> None:
    rows = [("Very Long Company Name Holdings International K.K.", 1000, True), ("Tiny", 1, True)]
    lines = render_chart("t", rows, columns=80)
    assert lines[1].startswith("  Very Long Company Name Holdings…  1,000 █")
    assert lines[2].endswith("      1 ▏")
    assert render_chart("t", []) == ["t", "  (no documents)"]


def test_the_progress_bar_shows_after_a_moment_redraws_in_place_and_clears() -> None:
    now = [0.0]
    stream = io.StringIO()
    progress = ReadProgress(total_bytes=1000, done_bytes=250)
    bar = ProgressBar(stream, progress, enabled=True, clock=lambda: now[0])
    bar.update("10 records, 1 invocations")
    assert stream.getvalue() == ""  # a short replay never shows a bar
    now[0] = 1.0
    bar.update("100 records, 2 invocations")
    assert stream.getvalue() == "\r" + "█" * 7 + "░" * 21 + "  25%  100 records, 2 invocations"
    now[0], progress.done_bytes = 2.0, 1000
    bar.update("12,345 records, 13 invocations")
    last = "█" * 28 + " 100%  12,345 records, 13 invocations"
    assert stream.getvalue().endswith("\r" + last)
    bar.clear()
    assert stream.getvalue().endswith("\r" + last + "\r" + " " * len(last) + "\r")
    unknown_size = ProgressBar(io.StringIO(), ReadProgress(None), enabled=True)
    assert unknown_size.line("5 records, 1 invocations") == "5 records, 1 invocations"
    silent = io.StringIO()
    ProgressBar(silent, progress, enabled=False, show_after=0).update("1 record")
    assert silent.getvalue() == ""


def test_the_chart_is_drawn_in_blocks_only_where_the_terminal_can_encode_them(monkeypatch: pytest.MonkeyPatch) -> None:
    assert can_draw_blocks(io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    assert not can_draw_blocks(io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    assert not can_draw_blocks(io.TextIOWrapper(io.BytesIO(), encoding="latin-1"))
    monkeypatch.setenv("COLUMNS", "72")
    assert columns() == 72
    monkeypatch.setenv("COLUMNS", "300")
    assert columns() == MAX_COLUMNS  # wider only makes the bars longer


@pytest.mark.parametrize(
    ("rotation", "expected"),
    # The examples of the Firehose documentation for the arrival time 2016-02-25T13:00:00Z.
    [
        ("NoRotation", "myindex"),
        ("OneHour", "myindex-2016-02-25-13"),
        ("OneDay", "myindex-2016-02-25"),
        ("OneWeek", "myindex-2016-w08"),
        ("OneMonth", "myindex-2016-02"),
    ],
)
def test_index_names_follow_firehose_rotation(rotation: str, expected: str) -> None:
    arrival_ms = int(datetime(2016, 2, 25, 13, tzinfo=UTC).timestamp() * 1000)
    assert index_name("myindex", rotation, arrival_ms) == expected


def test_a_bulk_entry_is_an_action_line_and_the_document_line() -> None:
    assert bulk_entry("ctr-2026-11-20", b'{"a":"\xe6\xa0\xaa"}') == (
        b'{"index":{"_index":"ctr-2026-11-20"}}\n{"a":"\xe6\xa0\xaa"}\n'
    )
    with pytest.raises(ValueError, match="rotation must be one of"):
        index_name("ctr", "OneYear", 0)


def test_the_table_shortcut_is_the_module_s_default_rule() -> None:
    (rule,) = parse_rules(shortcut_rules("ctr-customers", "number", ["CompanyName=契約者会社名", "Tier"]))
    assert rule.table == "ctr-customers" and rule.key == "number" and rule.normalize == "phone"
    assert rule.source == ("CustomerEndpoint", "Address") and rule.target == ("Customer",)
    assert rule.attributes == (("CompanyName", "契約者会社名"), ("Tier", "Tier"))
    (every,) = parse_rules(shortcut_rules("t-1", "phone", None))
    assert every.attributes is None and every.key == "phone"


def test_responses_firehose_would_reject_are_recognised() -> None:
    event = {"records": [{"recordId": "1", "data": "e30="}, {"recordId": "2", "data": "e30="}]}
    ok = {"records": [{"recordId": "1", "result": "Ok", "data": "e30="}, {"recordId": "2", "result": "Dropped"}]}
    assert check_response(event, ok) is None
    assert check_response(event, None) == "the function returned no 'records' list"
    assert check_response(event, {"records": ok["records"][:1]}) == "the function answered 1 records for 2"
    swapped = {"records": ok["records"][::-1]}
    assert check_response(event, swapped) == "the response does not answer record 1 in its place"
    bad_result = {"records": [ok["records"][0], {"recordId": "2", "result": "OK", "data": ""}]}
    assert check_response(event, bad_result) == "record 2 has the invalid result 'OK'"
    bad_data = {"records": [ok["records"][0], {"recordId": "2", "result": "Ok", "data": "not base64!"}]}
    assert check_response(event, bad_data) == "record 2 has data that is not base64"
