"""ENRICHMENT_RULES and the other settings: valid input parses, every invalid input names what to fix."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from ctr_enrichment.config import ConfigError, Rule, load_settings, parse_path, parse_rules
from tests.support.ctrs import CUSTOMER_RULE


def rules_text(*changes: dict[str, Any], drop: tuple[str, ...] = ()) -> str:
    rules = []
    for change in changes or ({},):
        rule = {name: value for name, value in CUSTOMER_RULE.items() if name not in drop}
        rule.update(change)
        rules.append(rule)
    return json.dumps(rules, ensure_ascii=False)


def test_the_documented_example_rule_parses_into_paths_and_ordered_attributes() -> None:
    (rule,) = parse_rules(rules_text())
    assert rule == Rule(
        name="customer",
        source=("CustomerEndpoint", "Address"),
        table="ctr-customers",
        key="number",
        attributes=(("CompanyName", "契約者会社名"), ("Tier", "Tier")),
        target=("Customer",),
        normalize="phone",
    )


def test_omitted_or_null_attributes_mean_every_attribute_and_normalize_defaults_to_none() -> None:
    omitted, null = parse_rules(
        rules_text({"name": "a"}, {"name": "b", "attributes": None, "target": "B"}, drop=("attributes", "normalize"))
    )
    assert omitted.attributes is None and null.attributes is None
    assert omitted.normalize == "none"
    (explicit_null,) = parse_rules(rules_text({"normalize": None}))
    assert explicit_null.normalize == "none"  # Terraform renders an unset optional attribute as null


def test_a_table_arn_is_accepted() -> None:
    arn = "arn:aws:dynamodb:ap-northeast-1:123456789012:table/ctr-customers"
    assert parse_rules(rules_text({"table": arn}))[0].table == arn


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "ENRICHMENT_RULES is not set"),
        ("  ", "ENRICHMENT_RULES is not set"),
        ("[{", "ENRICHMENT_RULES is not valid JSON"),
        ("{}", "non-empty JSON list"),
        ("[]", "non-empty JSON list"),
        ('["customer"]', "ENRICHMENT_RULES[0] must be a JSON object, got str"),
    ],
)
def test_documents_that_are_not_a_list_of_rules_are_rejected(text: str | None, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_rules(text)


@pytest.mark.parametrize(
    ("change", "drop", "message"),
    [
        ({"name": ""}, (), "ENRICHMENT_RULES[0]: field 'name' must be 1-64 characters"),
        ({"name": "has space"}, (), "field 'name'"),
        ({}, ("table",), "ENRICHMENT_RULES[0] (rule 'customer'): missing required field(s) 'table'"),
        ({"source": None}, (), "missing required field(s) 'source'"),
        ({"tabel": "x"}, (), "unknown field(s) 'tabel'"),
        ({"table": "x"}, (), "field 'table' must be a DynamoDB table name"),
        ({"table": "bad/name"}, (), "field 'table'"),
        ({"key": ""}, (), "field 'key' must be the table's partition key"),
        ({"normalize": "e164"}, (), "field 'normalize' must be one of 'phone', 'email', 'none', got 'e164'"),
        ({"key_format": "E164"}, (), "field 'key_format' must be one of 'e164', 'national', got 'E164'"),
        ({"key_format": "national_formatted", "country": "JP"}, (), "field 'key_format' must be one of"),
        ({"key_format": "national"}, (), "key_format 'national' needs field 'country'"),
        ({"key_format": "e164", "normalize": "none"}, (), "field 'key_format' applies to phone numbers only"),
        ({"country": "JP", "normalize": "email"}, (), "field 'country' applies to phone numbers only"),
        ({"key_format": "national", "country": "jp"}, (), "field 'country' must be an ISO 3166 alpha-2 region"),
        ({"key_format": "national", "country": "XX"}, (), "got 'XX'"),
        ({"key_format": "national", "country": "AR"}, (), "got 'AR'"),  # numbering.json leaves it out
        ({"key_format": "national", "country": ["JP"]}, (), "field 'country' must be"),
        ({"endpoint_types": []}, (), "field 'endpoint_types' must be a non-empty list"),
        ({"endpoint_types": "TELEPHONE_NUMBER"}, (), "field 'endpoint_types' must be a non-empty list"),
        ({"endpoint_types": ["PHONE"]}, (), "field 'endpoint_types' must be a non-empty list"),
        ({"endpoint_types": ["VOIP", "VOIP"]}, (), "of distinct Amazon Connect endpoint types"),
        ({"endpoint_types": ["\ud800"]}, (), "lone surrogate"),
        ({"source": "CustomerEndpoint..Address"}, (), "field 'source' 'CustomerEndpoint..Address' is not a valid"),
        ({"source": ".Address"}, (), "field 'source'"),
        ({"target": "Customer. Name"}, (), "field 'target'"),
        ({"target": ""}, (), "field 'target' must be a non-empty dotted path"),
        ({"target": 7}, (), "field 'target' must be a non-empty dotted path"),
        ({"target": "EnrichmentStatus.x"}, (), "must not write into 'EnrichmentStatus'"),
        ({"attributes": {}}, (), "field 'attributes' must be an object"),
        ({"attributes": ["CompanyName"]}, (), "field 'attributes' must be an object"),
        ({"attributes": {"CompanyName": ""}}, (), "field 'attributes' entry 'CompanyName'"),
        ({"target": "CustomerEndpoint"}, (), "overlaps the source 'CustomerEndpoint.Address'"),
        ({"target": "CustomerEndpoint.Address.Company"}, (), "overlaps the source"),
    ],
)
def test_each_bad_field_is_named_with_its_rule(change: dict[str, Any], drop: tuple[str, ...], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_rules(rules_text(change, drop=drop))


@pytest.mark.parametrize(
    ("second", "message"),
    [
        ({"target": "Other"}, "rule name 'customer' is used twice"),
        ({"name": "again"}, "rules 'customer' and 'again' write overlapping targets 'Customer' and 'Customer'"),
        ({"name": "again", "target": "Customer.Sub"}, "overlapping targets"),
        ({"name": "again", "target": "Other", "key": "phone"}, "read table 'ctr-customers' with different keys"),
    ],
)
def test_rules_that_contradict_each_other_are_rejected(second: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_rules(rules_text({}, second))


def test_a_national_phone_rule_and_an_email_rule_parse_with_their_numbering_and_endpoint_types() -> None:
    phone, email = parse_rules(
        rules_text(
            {"key_format": "national", "country": "JP", "endpoint_types": ["TELEPHONE_NUMBER"]},
            {"name": "email", "normalize": "email", "endpoint_types": ["EMAIL_ADDRESS"]},
        )
    )
    assert (phone.key_format, phone.country, phone.endpoint_types) == ("national", "JP", ("TELEPHONE_NUMBER",))
    assert (email.normalize, email.key_format, email.country, email.endpoint_types) == (
        "email",
        "e164",
        None,
        ("EMAIL_ADDRESS",),
    )
    (e164,) = parse_rules(rules_text({"key_format": None, "country": "US", "endpoint_types": None}))
    assert (e164.key_format, e164.country, e164.endpoint_types) == ("e164", "US", None)  # null: as Terraform renders


def test_one_rule_per_channel_may_share_a_target_when_no_endpoint_type_is_in_both() -> None:
    phone = {"endpoint_types": ["TELEPHONE_NUMBER", "VOIP"]}
    email = {"name": "email", "normalize": "email", "endpoint_types": ["EMAIL_ADDRESS"]}
    assert [rule.target for rule in parse_rules(rules_text(phone, email))] == [("Customer",), ("Customer",)]


EMAIL_RULE = {"name": "email", "normalize": "email", "endpoint_types": ["EMAIL_ADDRESS"]}


@pytest.mark.parametrize(
    "second",
    [
        {"name": "email", "normalize": "email", "endpoint_types": ["EMAIL_ADDRESS", "VOIP"]},  # VOIP in both
        {"name": "email", "normalize": "email"},  # every type
        {**EMAIL_RULE, "source": "SystemEndpoint.Address"},
        {**EMAIL_RULE, "target": "Customer.Email"},
    ],
)
def test_rules_whose_records_could_meet_may_not_share_a_target(second: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match="overlapping targets"):
        parse_rules(rules_text({"endpoint_types": ["TELEPHONE_NUMBER", "VOIP"]}, second))


def test_parse_path_splits_segments() -> None:
    assert parse_path("a.b.c", "x") == ("a", "b", "c")


def test_settings_default_when_only_rules_are_given() -> None:
    settings = load_settings({"ENRICHMENT_RULES": rules_text()})
    assert settings.on_lookup_error == "deliver_unenriched"
    assert settings.on_non_ctr_record == "deliver_unenriched"  # nothing is lost silently
    assert settings.cache_ttl_seconds == 300.0
    assert settings.cache_max_entries is None  # the cache is bounded by its bytes alone
    assert settings.memory_size_mb == 128  # outside Lambda: sized for the module's smallest function
    assert settings.metrics_namespace == "CtrEnrichment"
    assert settings.log_level == "INFO"


def test_settings_are_read_from_the_environment() -> None:
    settings = load_settings(
        {
            "ENRICHMENT_RULES": rules_text(),
            "ON_LOOKUP_ERROR": "retry_batch",
            "ON_NON_CTR_RECORD": "drop",
            "CACHE_TTL_SECONDS": "2.5",
            "CACHE_MAX_ENTRIES": "10",
            "METRICS_NAMESPACE": "Contact/Center",
            "LOG_LEVEL": "DEBUG",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
        }
    )
    assert (settings.on_lookup_error, settings.cache_ttl_seconds, settings.cache_max_entries) == (
        "retry_batch",
        2.5,
        10,
    )
    assert (settings.metrics_namespace, settings.log_level) == ("Contact/Center", "DEBUG")
    assert settings.memory_size_mb == 1024
    assert settings.on_non_ctr_record == "drop"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ON_LOOKUP_ERROR", "ignore", "ON_LOOKUP_ERROR must be one of deliver_unenriched, processing_failed"),
        ("ON_NON_CTR_RECORD", "Dropped", "ON_NON_CTR_RECORD must be one of deliver_unenriched, drop, processing"),
        ("CACHE_TTL_SECONDS", "five", "CACHE_TTL_SECONDS must be a number >= 0 written with ASCII digits, got 'five'"),
        ("CACHE_TTL_SECONDS", "-1", "CACHE_TTL_SECONDS must be a number >= 0"),
        ("CACHE_TTL_SECONDS", "inf", "CACHE_TTL_SECONDS must be a number >= 0"),
        ("CACHE_TTL_SECONDS", "1e400", "CACHE_TTL_SECONDS must be >= 0 and finite"),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128MB", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE must be a whole number"),
        ("CACHE_MAX_ENTRIES", "1.5", "CACHE_MAX_ENTRIES must be a whole number >= 0"),
        ("METRICS_NAMESPACE", "x" * 256, "METRICS_NAMESPACE must be 1-255 characters"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of DEBUG"),
    ],
)
def test_bad_settings_fail_with_the_variable_name(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings({"ENRICHMENT_RULES": rules_text(), name: value})


FULL_WIDTH_ACCOUNT = "１２３４５６７８９０１２"  # what \d matches and [0-9] does not


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "customer\n"}, "field 'name' must be 1-64 characters"),
        ({"table": "ctr-customers\n"}, "field 'table' must be a DynamoDB table name"),
        ({"table": f"arn:aws:dynamodb:ap-northeast-1:{FULL_WIDTH_ACCOUNT}:table/ctr"}, "field 'table'"),
        ({"table": "arn:aws:dynamodb:ap-northeast-1:١٢٣٤٥٦٧٨٩٠١٢:table/ctr"}, "field 'table'"),
        ({"table": "ｃｔｒ-customers"}, "field 'table'"),
    ],
)
def test_rules_the_terraform_check_refuses_are_refused_at_cold_start(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_rules(rules_text(change))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ON_LOOKUP_ERROR", "retry_batch\n", "ON_LOOKUP_ERROR must be one of"),
        ("ON_NON_CTR_RECORD", "drop\n", "ON_NON_CTR_RECORD must be one of"),
        ("LOG_LEVEL", "DEBUG\n", "LOG_LEVEL must be one of"),
        ("METRICS_NAMESPACE", "AWS/Lambda", "METRICS_NAMESPACE must be"),
        ("METRICS_NAMESPACE", "Contact!Center", "METRICS_NAMESPACE must be"),
        ("METRICS_NAMESPACE", "   ", "METRICS_NAMESPACE must be"),
        ("METRICS_NAMESPACE", "CtrEnrichment\n", "METRICS_NAMESPACE must be"),
        ("METRICS_NAMESPACE", ":ctr", "METRICS_NAMESPACE must be"),
        ("CACHE_MAX_ENTRIES", "١٠", "CACHE_MAX_ENTRIES must be a whole number"),
        ("CACHE_MAX_ENTRIES", "1_000", "CACHE_MAX_ENTRIES must be a whole number"),
        ("CACHE_MAX_ENTRIES", "10\n", "CACHE_MAX_ENTRIES must be a whole number"),
        ("CACHE_TTL_SECONDS", "３００", "CACHE_TTL_SECONDS must be a number"),
        ("CACHE_TTL_SECONDS", "3_0", "CACHE_TTL_SECONDS must be a number"),
    ],
)
def test_settings_the_terraform_check_refuses_are_refused_at_cold_start(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings({"ENRICHMENT_RULES": rules_text(), name: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("target", "Customer\ud800"),
        ("source", "CustomerEndpoint.\udc00"),
        ("key", "number\ud800"),
        ("attributes", {"Company\ud800": "契約者会社名"}),
        ("attributes", {"CompanyName": "\udfff"}),
    ],
)
def test_a_lone_surrogate_in_a_rule_is_a_config_error_naming_the_rule_and_field(field: str, value: Any) -> None:
    text = json.dumps([{**CUSTOMER_RULE, field: value}])  # ASCII JSON: the surrogate arrives as a \\u escape
    with pytest.raises(ConfigError, match=re.escape(f"ENRICHMENT_RULES[0] (rule 'customer'): field '{field}'")):
        parse_rules(text)
