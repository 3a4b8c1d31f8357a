"""The Terraform module and the function agree: what Terraform renders is what the handler accepts.

These tests run real Terraform (the offline stand-in in CI): they plan a copy of the module, read the
planned function from `terraform show -json`, and hand its ENRICHMENT_RULES and settings to the function's
own parser, import and invoke the handler with them, and open the deployment package the plan built. A
second group feeds the same invalid rules to Terraform's plan-time validation and to the parser, so the two
halves cannot drift apart. Without `terraform` on PATH they fail: they are part of `make test`.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from ctr_enrichment.config import ConfigError, Rule, load_settings, parse_rules
from ctr_enrichment_tools.harness import LambdaFunction, cold_start, firehose_event
from devtools.dynalite import create_table, put_items
from scripts import gen_tf_docs
from tests.support import REPO
from tests.support.ctrs import caller, load_json
from tests.support.function import decoded_documents, invoke
from tests.support.terraform import checked, copy_module, plan, plan_verdicts, planned, run_terraform

pytestmark = pytest.mark.terraform

# Every variable the function reads from its environment: a cold start sees exactly the planned ones.
FUNCTION_VARIABLES = (
    "ENRICHMENT_RULES",
    "ON_LOOKUP_ERROR",
    "ON_NON_CTR_RECORD",
    "CACHE_TTL_SECONDS",
    "CACHE_MAX_ENTRIES",
    "METRICS_NAMESPACE",
    "LOG_LEVEL",
)
CONTRACT_KEYS = {"name", "source", "table", "key", "attributes", "target", "normalize"}
# Rendered only when set, so that rules without them render as before (lambda.tf).
KEYS_WHEN_SET = {"key_format", "country", "endpoint_types"}
QUEUE_TABLE_ARN = "arn:aws:dynamodb:eu-west-1:210987654321:table/queues"
LONG_RULE_NAME = "queue_" + "x" * 58  # 64 characters, the longest name the contract allows

# Inputs of the "custom" plan: a table the module does not create, three rules on three tables (by name,
# by ARN), projected attributes with non-ASCII names, and every handler setting off its default.
CUSTOM_INPUTS: dict[str, Any] = {
    "opensearch_public_endpoint_enabled": True,
    "create_lookup_table": False,
    "lookup_table_arn": "arn:aws:dynamodb:us-east-1:123456789012:table/ctr-customers",
    "enrichment_rules": [
        {
            "name": "customer",
            "source": "CustomerEndpoint.Address",
            "target": "Customer",
            "normalize": "phone",
            "attributes": {"CompanyName": "契約者会社名", "Tier": "Tier"},
            "key_format": "national",
            "country": "JP",
            "endpoint_types": ["TELEPHONE_NUMBER", "VOIP"],
        },
        {
            "name": "email",
            "source": "CustomerEndpoint.Address",
            "target": "Customer",
            "normalize": "email",
            "endpoint_types": ["EMAIL_ADDRESS"],
        },
        {"name": "_agent", "source": "Agent.Username", "target": "Agent2", "table": "agents", "key": "username"},
        {
            "name": LONG_RULE_NAME,
            "source": "Queue.Name",
            "target": "顧客.キュー",
            "table": QUEUE_TABLE_ARN,
            "key": "queue",
        },
    ],
    "on_lookup_error": "processing_failed",
    "on_non_ctr_record": "drop",
    "cache_ttl_seconds": 0.5,
    "cache_max_entries": 0,
    "metrics_namespace": "Contact Centre/CTR",
    "log_level": "DEBUG",
}


def environment(document: dict[str, Any]) -> dict[str, str]:
    return planned(document, "aws_lambda_function.this")["environment"][0]["variables"]


@pytest.fixture(scope="module")
def module_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = copy_module(tmp_path_factory.mktemp("terraform") / "module")
    # Files that must stay out of the deployment package.
    package = workdir / "lambda_src" / "ctr_enrichment"
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "config.cpython-311.pyc").write_bytes(b"\x00compiled")
    (package / "stale.pyc").write_bytes(b"\x00compiled")
    (package / "tests").mkdir()
    (package / "tests" / "test_inside_package.py").write_text("assert False\n", encoding="utf-8")
    (package / "tests" / "__init__.py").write_text("", encoding="utf-8")
    (workdir / "lambda_src" / "tests").mkdir()
    (workdir / "lambda_src" / "tests" / "test_beside_package.py").write_text("assert False\n", encoding="utf-8")
    (workdir / "lambda_src" / "tests" / "helpers.py").write_text("HELPER = 1\n", encoding="utf-8")
    (workdir / "lambda_src" / "conftest.py").write_text("assert False\n", encoding="utf-8")
    (package / "NOTES.md").write_text("not code\n", encoding="utf-8")
    checked(run_terraform(workdir, "init", "-backend=false", "-input=false", "-no-color"))
    return workdir


@pytest.fixture(scope="module")
def default_plan(module_copy: Path) -> dict[str, Any]:
    return plan(module_copy, "default", {"opensearch_public_endpoint_enabled": True})


@pytest.fixture(scope="module")
def custom_plan(module_copy: Path) -> dict[str, Any]:
    return plan(module_copy, "custom", CUSTOM_INPUTS)


@pytest.fixture
def planned_handler() -> Any:
    """Cold-start the handler named by the planned function, with exactly the planned environment."""

    def load(document: dict[str, Any]) -> LambdaFunction:
        function = planned(document, "aws_lambda_function.this")
        unset: dict[str, str | None] = dict.fromkeys(FUNCTION_VARIABLES)
        return cold_start(unset | environment(document), handler=function["handler"])

    return load


def test_default_rule_is_what_the_parser_expects(default_plan: dict[str, Any]) -> None:
    rules = parse_rules(environment(default_plan)["ENRICHMENT_RULES"])
    assert rules == (
        Rule(
            name="customer",
            source=("CustomerEndpoint", "Address"),
            table="ctr-enrichment-lookup",
            key="number",
            attributes=None,
            target=("Customer",),
            normalize="phone",
        ),
    )
    planned_table = planned(default_plan, "aws_dynamodb_table.lookup[0]")
    assert (rules[0].table, rules[0].key) == (planned_table["name"], planned_table["hash_key"])


def test_default_settings_are_the_handlers_defaults(default_plan: dict[str, Any]) -> None:
    env = environment(default_plan)
    assert set(env) == {
        "ENRICHMENT_RULES",
        "ON_LOOKUP_ERROR",
        "CACHE_TTL_SECONDS",
        "METRICS_NAMESPACE",
        "LOG_LEVEL",
    }
    settings = load_settings(env)
    assert settings.cache_max_entries is None  # bounded by memory alone
    defaults = load_settings({"ENRICHMENT_RULES": env["ENRICHMENT_RULES"]})
    assert settings == defaults


def test_custom_rules_reach_the_parser_intact(custom_plan: dict[str, Any]) -> None:
    text = environment(custom_plan)["ENRICHMENT_RULES"]
    given = {rule["name"]: set(rule) & KEYS_WHEN_SET for rule in CUSTOM_INPUTS["enrichment_rules"]}
    assert [set(rule) - CONTRACT_KEYS for rule in json.loads(text)] == list(given.values())
    assert all(set(rule) >= CONTRACT_KEYS for rule in json.loads(text))
    assert parse_rules(text) == (
        Rule(
            name="customer",
            source=("CustomerEndpoint", "Address"),
            table="ctr-customers",
            key="number",
            attributes=(("CompanyName", "契約者会社名"), ("Tier", "Tier")),
            target=("Customer",),
            normalize="phone",
            key_format="national",
            country="JP",
            endpoint_types=("TELEPHONE_NUMBER", "VOIP"),
        ),
        Rule(
            "email",
            ("CustomerEndpoint", "Address"),
            "ctr-customers",
            "number",
            None,
            ("Customer",),
            "email",
            endpoint_types=("EMAIL_ADDRESS",),
        ),
        Rule("_agent", ("Agent", "Username"), "agents", "username", None, ("Agent2",), "none"),
        Rule(LONG_RULE_NAME, ("Queue", "Name"), QUEUE_TABLE_ARN, "queue", None, ("顧客", "キュー"), "none"),
    )


def test_custom_settings_reach_the_parser_intact(custom_plan: dict[str, Any]) -> None:
    settings = load_settings(environment(custom_plan))
    assert (
        settings.on_lookup_error,
        settings.on_non_ctr_record,
        settings.cache_ttl_seconds,
        settings.cache_max_entries,
        settings.metrics_namespace,
        settings.log_level,
    ) == ("processing_failed", "drop", 0.5, 0, "Contact Centre/CTR", "DEBUG")


def test_enrichment_rules_output_is_the_function_environment(custom_plan: dict[str, Any]) -> None:
    assert (
        custom_plan["planned_values"]["outputs"]["enrichment_rules"]["value"]
        == environment(custom_plan)["ENRICHMENT_RULES"]
    )


def test_function_policy_allows_exactly_the_planned_rule_tables(custom_plan: dict[str, Any]) -> None:
    policy = json.loads(planned(custom_plan, "aws_iam_role_policy.lambda")["policy"])
    (statement,) = [s for s in policy["Statement"] if s["Sid"] == "ReadLookupTables"]
    resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
    (identity,) = [
        r["values"]
        for r in custom_plan["prior_state"]["values"]["root_module"]["resources"]
        if r["address"] == "data.aws_caller_identity.current"
    ]
    tables = {rule.table for rule in parse_rules(environment(custom_plan)["ENRICHMENT_RULES"])}
    expected = {
        table if table.startswith("arn:") else f"arn:aws:dynamodb:us-east-1:{identity['account_id']}:table/{table}"
        for table in tables
    }
    assert set(resources) == expected


def test_cold_start_accepts_the_planned_configuration(custom_plan: dict[str, Any], planned_handler: Any) -> None:
    handler = planned_handler(custom_plan)
    assert callable(handler)


def test_planned_function_enriches_a_record(default_plan: dict[str, Any], planned_handler: Any) -> None:
    rule = parse_rules(environment(default_plan)["ENRICHMENT_RULES"])[0]
    with mock_aws():
        client = boto3.client("dynamodb")  # the Region the handler's own client uses (tests/conftest.py)
        create_table(client, rule.table, key=rule.key)
        put_items(client, rule.table, load_json("customers"))
        function = planned_handler(default_plan)
        response = invoke(function, firehose_event([caller("+81 3-1234-5678"), caller("+1 555 000 0000")]))
    assert function.handler is function.module.lambda_handler
    found, unknown = decoded_documents(response)
    assert found["Customer"]["CompanyName"] == "Sample Shoji K.K."
    assert found["Customer"]["Tier"] == "gold"
    assert "number" not in found["Customer"]
    assert found["EnrichmentStatus"] == {"customer": "found"}
    assert unknown["EnrichmentStatus"] == {"customer": "not_found"}


def test_the_planned_non_ctr_policy_is_the_one_the_function_applies(
    custom_plan: dict[str, Any], planned_handler: Any
) -> None:
    """on_non_ctr_record = "drop" in Terraform: the cold start with the planned environment drops an agent event."""
    with mock_aws():
        function = planned_handler(custom_plan)
        event = firehose_event([load_json("agent_event_state_change")])
        response = invoke(function, event)
    assert response["records"][0]["result"] == "Dropped"
    assert response["records"][0]["data"] == event["records"][0]["data"]


def test_package_holds_the_python_sources_at_the_zip_root(module_copy: Path, default_plan: dict[str, Any]) -> None:
    # The package the plan hashed (source_code_hash); apply builds the identical zip under the name the function
    # uploads (tests/test_terraform_package.py).
    (hashed,) = [
        r["values"]
        for r in default_plan["prior_state"]["values"]["root_module"]["resources"]
        if r["address"] == "data.archive_file.lambda_plan"
    ]
    zip_path = module_copy / hashed["output_path"]
    assert hashed["output_base64sha256"] == planned(default_plan, "aws_lambda_function.this")["source_code_hash"]
    assert Path(planned(default_plan, "aws_lambda_function.this")["filename"]).name == "ctr-enrichment-lambda.zip"
    expected = sorted(
        path.relative_to(REPO / "lambda_src").as_posix()
        for pattern in ("*.py", "*.json")
        for path in (REPO / "lambda_src").rglob(pattern)
        if "__pycache__" not in path.parts and "tests" not in path.parts
    )
    with zipfile.ZipFile(zip_path) as bundle:
        assert sorted(bundle.namelist()) == expected
        for name in expected:
            assert bundle.read(name) == (REPO / "lambda_src" / name).read_bytes(), name
    assert {"ctr_enrichment/handler.py", "ctr_enrichment/contract.json"} <= set(expected)


def test_readme_generator_reads_what_terraform_reads(default_plan: dict[str, Any]) -> None:
    configuration = default_plan["configuration"]["root_module"]
    undocumented = [
        name
        for kind in ("variables", "outputs")
        for name, block in configuration[kind].items()
        if not block.get("description")
    ]
    assert undocumented == [], "every variable and output needs a description"
    variables, outputs = gen_tf_docs.read_module(REPO)
    assert {v.name: v.description for v in variables} == {
        name: block.get("description", "") for name, block in configuration["variables"].items()
    }
    assert {o.name: o.description for o in outputs} == {
        name: block.get("description", "") for name, block in configuration["outputs"].items()
    }
    assert {v.name for v in variables if v.default is None} == {
        name for name, block in configuration["variables"].items() if "default" not in block
    }


# --- Plan-time validation and the parser reject the same rules ------------------------------------------

BASE_RULE: dict[str, Any] = {"name": "customer", "source": "CustomerEndpoint.Address", "target": "Customer"}


def rule(**fields: Any) -> dict[str, Any]:
    """A rule with every field explicit (so Terraform renders it unchanged), defaults filled in."""
    return {"table": "customers", "key": "number", "attributes": None, "normalize": "none", **BASE_RULE, **fields}


PARITY_CASES: dict[str, tuple[list[dict[str, Any]], str | None]] = {
    # case: (rules, fragment of Terraform's error message; None = both must accept)
    "name_starts_with_hyphen": ([rule(name="-customer")], "enrichment_rules[*].name must be 1-64 characters"),
    "name_with_space": ([rule(name="customer one")], "enrichment_rules[*].name must be 1-64 characters"),
    "name_of_65_characters": ([rule(name="n" * 65)], "enrichment_rules[*].name must be 1-64 characters"),
    "duplicate_names": ([rule(), rule(source="Agent.Username", target="Agent2")], "must be unique"),
    "empty_source_segment": ([rule(source="CustomerEndpoint..Address")], "must be a dotted path"),
    "blank_around_target_segment": ([rule(target="Customer. Info")], "must be a dotted path"),
    "ideographic_space_in_target": ([rule(target="Customer.\u3000Info")], "must be a dotted path"),
    "target_in_enrichment_status": ([rule(target="EnrichmentStatus.Customer")], "EnrichmentStatus"),
    "target_equals_own_source": ([rule(source="Attributes.Phone", target="Attributes.Phone")], "overlaps a"),
    "target_inside_other_source": (
        [rule(), rule(name="agent", source="Agent.Username", target="Agent")],
        "overlaps a",
    ),
    "targets_overlap": (
        [rule(target="Enriched"), rule(name="agent", source="Agent.Username", target="Enriched.Agent")],
        "Two enrichment_rules[*].target paths overlap",
    ),
    "table_name_too_short": ([rule(table="ab")], "must be a DynamoDB table name"),
    "table_arn_of_another_service": ([rule(table="arn:aws:s3:::customers")], "must be a DynamoDB table name"),
    "empty_key": ([rule(key="")], "partition key attribute name"),
    "key_over_255_bytes": ([rule(key="キ" * 86)], "partition key attribute name"),
    "empty_attributes": ([rule(attributes={})], "non-empty map"),
    "empty_attribute_name": ([rule(attributes={"CompanyName": ""})], "non-empty map"),
    "unknown_normalize": ([rule(normalize="e164")], 'must be "phone", "email" or "none"'),
    "unknown_key_format": (
        [rule(normalize="phone", key_format="national_formatted", country="JP")],
        "key_format must be",
    ),
    "key_format_on_a_rule_that_is_not_phone": ([rule(key_format="e164")], "apply to phone numbers only"),
    "country_on_an_email_rule": ([rule(normalize="email", country="JP")], "apply to phone numbers only"),
    "lower_case_country": ([rule(normalize="phone", key_format="national", country="jp")], "country must be"),
    "country_numbering_leaves_out": ([rule(normalize="phone", key_format="national", country="AR")], "country must"),
    "national_without_country": ([rule(normalize="phone", key_format="national")], "without country"),
    "empty_endpoint_types": ([rule(endpoint_types=[])], "endpoint_types must be"),
    "unknown_endpoint_type": ([rule(endpoint_types=["TELEPHONE"])], "endpoint_types must be"),
    "endpoint_type_twice": ([rule(endpoint_types=["VOIP", "VOIP"])], "endpoint_types must be"),
    "shared_target_for_one_endpoint_type": (
        [
            rule(endpoint_types=["VOIP"]),
            rule(name="email", normalize="email", endpoint_types=["VOIP", "EMAIL_ADDRESS"]),
        ],
        "Two enrichment_rules[*].target paths overlap",
    ),
    "shared_target_with_every_endpoint_type": (
        [rule(endpoint_types=["VOIP"]), rule(name="email", normalize="email")],
        "Two enrichment_rules[*].target paths overlap",
    ),
    "shared_target_from_another_source": (
        [
            rule(endpoint_types=["VOIP"]),
            rule(name="system", source="SystemEndpoint.Address", endpoint_types=["EMAIL_ADDRESS"]),
        ],
        "Two enrichment_rules[*].target paths overlap",
    ),
    "accepts_national_rule": ([rule(normalize="phone", key_format="national", country="GB")], None),
    "accepts_e164_rule_with_a_country": ([rule(normalize="phone", key_format="e164", country="US")], None),
    "accepts_one_rule_per_channel": (
        [
            rule(normalize="phone", endpoint_types=["TELEPHONE_NUMBER", "VOIP"]),
            rule(name="email", normalize="email", endpoint_types=["EMAIL_ADDRESS"]),
        ],
        None,
    ),
    "one_table_two_keys": (
        [rule(), rule(name="system", source="SystemEndpoint.Address", target="System", key="phone")],
        "must use the same key",
    ),
    "name_with_trailing_newline": ([rule(name="customer\n")], "enrichment_rules[*].name must be 1-64 characters"),
    "table_with_trailing_newline": ([rule(table="customers\n")], "must be a DynamoDB table name"),
    "table_arn_with_full_width_account": (
        [rule(table="arn:aws:dynamodb:us-east-1:１２３４５６７８９０１２:table/customers")],
        "must be a DynamoDB table name",
    ),
    "accepts_underscore_and_64_characters": ([rule(name="_" + "n" * 63)], None),
    "accepts_target_sharing_a_text_prefix": ([rule(source="Customer", target="CustomerInfo")], None),
    "accepts_key_of_255_bytes": ([rule(key="キ" * 85)], None),
    "accepts_table_arn": ([rule(table="arn:aws-cn:dynamodb:cn-north-1:123456789012:table/customers")], None),
}


# case: (Terraform variable, value, the function's environment variable, fragment of Terraform's error message;
# None = both must accept). The same value goes to the variable and, as Terraform renders it, to the environment.
SETTING_PARITY_CASES: dict[str, tuple[str, str, str, str | None]] = {
    "namespace_reserved_for_aws": ("metrics_namespace", "AWS/Lambda", "METRICS_NAMESPACE", "metrics_namespace must"),
    "namespace_with_bang": ("metrics_namespace", "Contact!Center", "METRICS_NAMESPACE", "metrics_namespace must"),
    "namespace_blank": ("metrics_namespace", "   ", "METRICS_NAMESPACE", "metrics_namespace must"),
    "namespace_with_newline": ("metrics_namespace", "Ctr\n", "METRICS_NAMESPACE", "metrics_namespace must"),
    "namespace_with_leading_colon": ("metrics_namespace", ":ctr", "METRICS_NAMESPACE", "metrics_namespace must"),
    "log_level_lower_case": ("log_level", "debug", "LOG_LEVEL", "log_level must be"),
    "log_level_with_newline": ("log_level", "DEBUG\n", "LOG_LEVEL", "log_level must be"),
    "policy_with_newline": ("on_lookup_error", "retry_batch\n", "ON_LOOKUP_ERROR", "on_lookup_error must be"),
    "non_ctr_policy_as_a_result": ("on_non_ctr_record", "Dropped", "ON_NON_CTR_RECORD", "on_non_ctr_record must be"),
    "non_ctr_policy_with_newline": ("on_non_ctr_record", "drop\n", "ON_NON_CTR_RECORD", "on_non_ctr_record must be"),
    "accepts_non_ctr_policy_processing_failed": ("on_non_ctr_record", "processing_failed", "ON_NON_CTR_RECORD", None),
    "accepts_namespace_with_every_allowed_character": (
        "metrics_namespace",
        "Contact Centre/CTR_1.0-#:x",
        "METRICS_NAMESPACE",
        None,
    ),
}


@pytest.fixture(scope="module")
def terraform_verdicts(module_copy: Path) -> dict[str, list[str]]:
    """Terraform's errors for every case, each planned with the public-endpoint domain."""
    cases = {case: {"enrichment_rules": rules} for case, (rules, _) in PARITY_CASES.items()}
    for case, (variable, value, _, _) in SETTING_PARITY_CASES.items():
        cases[case] = {variable: value}
    return plan_verdicts(
        module_copy,
        "parity",
        {case: {"opensearch_public_endpoint_enabled": True, **inputs} for case, inputs in cases.items()},
    )


@pytest.mark.parametrize("case", list(PARITY_CASES))
def test_terraform_and_parser_agree_on_rules(case: str, terraform_verdicts: dict[str, list[str]]) -> None:
    rules, terraform_message = PARITY_CASES[case]
    errors = terraform_verdicts[case]
    text = json.dumps(rules, ensure_ascii=False)
    if terraform_message is None:
        assert errors == [], f"Terraform rejected valid rules: {errors}"
        assert len(parse_rules(text)) == len(rules)
        return
    assert len(errors) == 1, f"expected one plan-time error, got {errors}"
    assert terraform_message in errors[0]
    with pytest.raises(ConfigError):
        parse_rules(text)


@pytest.mark.parametrize("case", list(SETTING_PARITY_CASES))
def test_terraform_and_the_cold_start_agree_on_settings(case: str, terraform_verdicts: dict[str, list[str]]) -> None:
    _, value, name, terraform_message = SETTING_PARITY_CASES[case]
    errors = terraform_verdicts[case]
    environment = {"ENRICHMENT_RULES": json.dumps([rule()]), name: value}
    if terraform_message is None:
        assert errors == [], f"Terraform rejected a valid setting: {errors}"
        load_settings(environment)
        return
    assert len(errors) == 1, f"expected one plan-time error, got {errors}"
    assert terraform_message in errors[0]
    with pytest.raises(ConfigError, match=name):
        load_settings(environment)
