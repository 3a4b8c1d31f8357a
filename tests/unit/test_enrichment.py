"""Building the enriched document: which key is looked up, what is written, and how it is serialised."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest

from ctr_enrichment.config import Rule
from ctr_enrichment.dynamodb import TableQuery, table_queries
from ctr_enrichment.enrichment import Renderer, compile_rules, fragment_value, lookup_key, project, render_fragments
from ctr_enrichment.records import DecodedRecord, decode_record
from ctr_enrichment_tools.harness import firehose_event

RULE = Rule(
    name="customer",
    source=("CustomerEndpoint", "Address"),
    table="ctr-customers",
    key="number",
    attributes=(("CompanyName", "契約者会社名"),),
    target=("Customer",),
    normalize="phone",
)


def decoded(payload: bytes | str | dict[str, object]) -> DecodedRecord:
    result = decode_record(firehose_event([payload])["records"][0])
    assert isinstance(result, DecodedRecord)
    return result


@pytest.mark.parametrize(
    ("endpoint", "key"),
    [
        ({"Address": "+81 3-1234-5678"}, "+81312345678"),
        ({"Address": "Softphone"}, None),
        ({"Address": "taro@example.co.jp", "Type": "EMAIL_ADDRESS"}, None),
        ({"Address": ""}, None),
        ({"Address": "   "}, None),
        ({"Address": None}, None),
        ({"Address": 81312345678}, None),
        ({}, None),
        (None, None),
        ("+81312345678", None),
    ],
)
def test_lookup_key_with_phone_normalisation(endpoint: object, key: str | None) -> None:
    assert lookup_key(RULE, {"CustomerEndpoint": endpoint}) == key


def test_lookup_key_without_normalisation_uses_the_value_as_is() -> None:
    rule = replace(RULE, normalize="none")
    assert lookup_key(rule, {"CustomerEndpoint": {"Address": " taro@example.co.jp"}}) == " taro@example.co.jp"


@pytest.mark.parametrize(
    ("country", "address", "key"),
    [
        ("JP", "+81312345678", "0312345678"),
        ("JP", "+81 3-1234-5678", "0312345678"),  # canonicalised first, then converted
        ("JP", "+12025550143", "+12025550143"),  # a foreign caller is looked up as E.164
        ("JP", "0312345678", "0312345678"),  # no country code: already national
        ("GB", "+442079460958", "02079460958"),
        ("DE", "+49301234567", "0301234567"),
        ("US", "+12025550143", "2025550143"),
        ("JP", "Softphone", None),
    ],
)
def test_a_national_rule_looks_callers_of_its_country_up_as_dialled_there(
    country: str, address: str, key: str | None
) -> None:
    rule = replace(RULE, key_format="national", country=country)
    assert lookup_key(rule, {"CustomerEndpoint": {"Address": address, "Type": "TELEPHONE_NUMBER"}}) == key


@pytest.mark.parametrize(
    ("endpoint", "key"),
    [
        ({"Address": " Taro.Yamada@Example.co.jp ", "Type": "EMAIL_ADDRESS"}, "taro.yamada@example.co.jp"),
        ({"Address": "+81312345678", "Type": "TELEPHONE_NUMBER"}, None),  # another channel's endpoint
        ({"Address": "taro@example.co.jp"}, None),  # no Type
        ({"Address": "taro@example.co.jp", "Type": ["EMAIL_ADDRESS"]}, None),
        ({"Address": "Taro", "Type": "EMAIL_ADDRESS"}, None),  # not an address
    ],
)
def test_an_email_rule_reads_only_email_endpoints_trimmed_and_lower_cased(endpoint: object, key: str | None) -> None:
    rule = replace(RULE, normalize="email", endpoint_types=("EMAIL_ADDRESS",))
    assert lookup_key(rule, {"CustomerEndpoint": endpoint}) == key


def test_endpoint_types_read_the_type_beside_the_source_also_at_the_top_level() -> None:
    rule = replace(RULE, source=("Address",), endpoint_types=("VOIP",))
    assert lookup_key(rule, {"Address": "+81312345678", "Type": "VOIP"}) == "+81312345678"
    assert lookup_key(rule, {"Address": "+81312345678", "Type": "TELEPHONE_NUMBER"}) is None


def test_keys_dynamodb_cannot_accept_are_skipped() -> None:
    rule = replace(RULE, normalize="none")
    assert lookup_key(rule, {"CustomerEndpoint": {"Address": "x" * 2049}}) is None
    assert lookup_key(rule, {"CustomerEndpoint": {"Address": "x" * 2048}}) == "x" * 2048
    assert lookup_key(rule, {"CustomerEndpoint": {"Address": "\ud800"}}) is None


def test_project_renames_configured_attributes_and_omits_missing_ones() -> None:
    item = {"number": "+81312345678", "契約者会社名": "株式会社サンプル", "Tier": "gold"}
    assert project(RULE, item) == {"CompanyName": "株式会社サンプル"}
    assert project(RULE, {"number": "+8131"}) == {}
    assert project(replace(RULE, attributes=None), item) == {"契約者会社名": "株式会社サンプル", "Tier": "gold"}


def test_a_found_item_is_kept_as_the_json_text_each_rule_on_its_table_writes() -> None:
    other_table = replace(RULE, name="agent", table="ctr-agents", target=("Agent",))
    whole = replace(RULE, name="whole", attributes=None, target=("Whole",))
    item = {"number": "+81312345678", "契約者会社名": "株式会社サンプル", "Since": Decimal("2019.000000000000001")}
    fragments = render_fragments(item, compile_rules((RULE, other_table, whole)), "ctr-customers")
    assert fragments == (
        '{"CompanyName":"株式会社サンプル"}'.encode(),
        None,
        '{"契約者会社名":"株式会社サンプル","Since":2019.000000000000001}'.encode(),
    )
    assert fragment_value(fragments[2]) == {
        "契約者会社名": "株式会社サンプル",
        "Since": Decimal("2019.000000000000001"),
    }


def test_a_lone_surrogate_in_an_item_is_kept_as_its_escape() -> None:
    (fragment,) = render_fragments({"number": "+1", "契約者会社名": "\ud800"}, compile_rules((RULE,)), "ctr-customers")
    assert fragment == b'{"CompanyName":"\\ud800"}'
    assert fragment_value(fragment) == {"CompanyName": "\ud800"}


def render(
    payload: bytes | str | dict[str, object], rules: tuple[Rule, ...] = (RULE,), value: dict[str, object] | None = None
) -> bytes:
    record = decoded(payload)
    fragment = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    statuses = ("found" if value is not None else "not_found",) * len(rules)
    compiled = compile_rules(rules)
    additions = [(rule, fragment) for rule in compiled]
    return Renderer(compiled).render(record, statuses, additions)


def test_a_single_line_input_is_kept_byte_for_byte_and_extended() -> None:
    original = b'{"ContactId":"c1", "Duration":1.50, "Big":12345678901234567890,"Name":"\\u682a"}'
    out = render(original, value={"CompanyName": "株式会社サンプル"})
    assert out == original[:-1] + (
        ',"Customer":{"CompanyName":"株式会社サンプル"},"EnrichmentStatus":{"customer":"found"}}'.encode()
    )


def test_an_empty_object_gets_the_fields_without_a_leading_comma() -> None:
    assert render(b"{}") == b'{"Customer":null,"EnrichmentStatus":{"customer":"not_found"}}'


def test_multi_line_input_is_reserialised_compactly_with_unicode_kept() -> None:
    out = render(b'{\n  "ContactId": "c1",\n  "Name": "\\u682a"\n}', value={"CompanyName": "株"})
    expected = '{"ContactId":"c1","Name":"株","Customer":{"CompanyName":"株"},"EnrichmentStatus":{"customer":"found"}}'
    assert out == expected.encode()


def test_fields_the_function_owns_are_replaced_not_duplicated() -> None:
    out = render({"ContactId": "c1", "Customer": "stale", "EnrichmentStatus": {"customer": "error"}}, value=None)
    assert out == b'{"ContactId":"c1","Customer":null,"EnrichmentStatus":{"customer":"not_found"}}'


def test_nested_targets_create_their_parents() -> None:
    rule = replace(RULE, target=("Enrichment", "Customer"))
    out = render({"ContactId": "c1"}, rules=(rule,), value={"CompanyName": "Acme"})
    assert json.loads(out) == {
        "ContactId": "c1",
        "Enrichment": {"Customer": {"CompanyName": "Acme"}},
        "EnrichmentStatus": {"customer": "found"},
    }


def test_lone_surrogates_stay_json_escapes_when_reserialised() -> None:
    out = render(b'{\n"Note": "\\ud800"}', value=None)
    assert out == b'{"Note":"\\ud800","Customer":null,"EnrichmentStatus":{"customer":"not_found"}}'


def test_statuses_of_several_rules_are_written_in_rule_order() -> None:
    second = replace(RULE, name="account", target=("Account",))
    record = decoded({"ContactId": "c1"})
    out = Renderer(compile_rules((RULE, second))).render(record, ("skipped", "error"), [])
    assert out == b'{"ContactId":"c1","EnrichmentStatus":{"customer":"skipped","account":"error"}}'


def test_rules_on_one_table_share_a_query_with_the_union_of_their_attributes() -> None:
    tier = replace(RULE, name="tier", attributes=(("Level", "Tier"), ("Name", "契約者会社名")), target=("Tier",))
    everything = replace(RULE, name="all", table="ctr-accounts", key="id", attributes=None, target=("All",))
    narrow = replace(everything, name="narrow", attributes=(("Id", "id"), ("Plan", "Plan")), target=("Narrow",))
    queries = table_queries((RULE, tier, everything, narrow))
    assert queries["ctr-customers"] == TableQuery("ctr-customers", "number", ("契約者会社名", "Tier"))
    assert queries["ctr-accounts"] == TableQuery("ctr-accounts", "id", None)  # one rule wants whole items
    assert table_queries((narrow,))["ctr-accounts"].projection == ("Plan",)  # the key is always fetched


def test_a_record_whose_document_was_let_go_is_extended_in_place() -> None:
    record = decoded(b'{"ContactId":"c1","Duration":1.50}')
    (rule,) = compile_rules((RULE,))
    renderer = Renderer((rule,))
    assert renderer.appendable(record)
    record.document = None  # what the pipeline does once the keys are read: the raw bytes are enough
    out = renderer.render(record, ("found",), [(rule, b'{"CompanyName":"Acme"}')])
    added = b'"Customer":{"CompanyName":"Acme"},"EnrichmentStatus":{"customer":"found"}}'
    assert out == b'{"ContactId":"c1","Duration":1.50,' + added


def test_a_record_holding_a_field_the_function_writes_is_not_appendable() -> None:
    renderer = Renderer(compile_rules((RULE,)))
    assert not renderer.appendable(decoded({"Customer": {"Capabilities": {}}}))
    assert not renderer.appendable(decoded({"EnrichmentStatus": "x"}))
    assert not renderer.appendable(decoded(b'{\n"ContactId": "c1"}'))
    assert not Renderer(compile_rules((replace(RULE, target=("Enrichment", "Customer")),))).appendable(
        decoded({"a": 1})
    )
