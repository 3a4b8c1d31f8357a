"""The new examples plan with real Terraform (the offline stand-in in CI) and build what their READMEs promise.

tests/examples.tftest.hcl plans them with mocks and asserts on their outputs; here the plan's resource changes inside
the module, and Terraform's own record of which expression references what, show the wiring: Amazon Connect streams
into the delivery stream, the legacy domain is reached through the Elasticsearch destination, and the VPC domain
and Firehose share subnets behind the security groups the module creates.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.support import REPO
from tests.support.terraform import checked, run_terraform

pytestmark = pytest.mark.terraform

MODULE = "module.ctr_enrichment."
INSTANCE_ID = "5b4b2b1e-6f1c-4c8e-9d0a-2f6a7c1d3e55"


def plan_example(tmp_path: Path, example: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """Copy the module with the example (so source = "../../" resolves), plan it and return the plan as JSON."""
    root = tmp_path / "m"
    root.mkdir()
    (tmp_path / "t").mkdir()
    for path in REPO.glob("*.tf"):
        shutil.copy2(path, root / path.name)
    shutil.copytree(REPO / "lambda_src", root / "lambda_src", ignore=shutil.ignore_patterns("__pycache__"))
    workdir = root / "examples" / example
    shutil.copytree(REPO / "examples" / example, workdir)
    (workdir / "inputs.tfvars.json").write_text(json.dumps(inputs, ensure_ascii=False), encoding="utf-8")
    checked(run_terraform(workdir, "init", "-backend=false", "-input=false", "-no-color"))
    checked(
        run_terraform(
            workdir, "plan", "-input=false", "-no-color", "-var-file=inputs.tfvars.json", "-out=example.tfplan"
        )
    )
    return json.loads(checked(run_terraform(workdir, "show", "-json", "example.tfplan")))


def changes(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {change["address"]: change["change"] for change in document["resource_changes"]}


def module_resource_config(document: dict[str, Any], address: str) -> dict[str, Any]:
    """The configuration Terraform recorded for a resource of the module (expressions and their references)."""
    resources = document["configuration"]["root_module"]["module_calls"]["ctr_enrichment"]["module"]["resources"]
    (resource,) = [r for r in resources if r["address"] == address]
    return resource


@pytest.fixture(scope="module")
def elasticsearch_plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return plan_example(
        tmp_path_factory.mktemp("es"),
        "existing-elasticsearch",
        {
            "lookup_table_arn": "arn:aws:dynamodb:us-east-1:123456789012:table/contact-centre-customers",
            "elasticsearch_domain_arn": "arn:aws:es:us-east-1:123456789012:domain/contact-centre",
            "elasticsearch_domain_endpoint": "search-contact-centre-abc123.us-east-1.es.amazonaws.com",
            "elasticsearch_type_name": "_doc",
            "connect_instance_id": INSTANCE_ID,
            "alarm_sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:ctr-alarms",
        },
    )


@pytest.fixture(scope="module")
def vpc_plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return plan_example(
        tmp_path_factory.mktemp("vpc"),
        "vpc-opensearch",
        {
            "subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
            "connect_instance_id": INSTANCE_ID,
            "dashboards_allowed_cidr_blocks": ["10.20.0.0/16"],
        },
    )


def test_connect_streams_into_the_stream_in_both_examples(
    elasticsearch_plan: dict[str, Any], vpc_plan: dict[str, Any]
) -> None:
    for document in (elasticsearch_plan, vpc_plan):
        storage = changes(document)[MODULE + "aws_connect_instance_storage_config.ctr[0]"]
        assert storage["actions"] == ["create"]
        after = storage["after"]
        assert (after["instance_id"], after["resource_type"], after["storage_config"][0]["storage_type"]) == (
            INSTANCE_ID,
            "CONTACT_TRACE_RECORDS",
            "KINESIS_FIREHOSE",
        )
        # The stream's ARN is known only after apply (where it comes from: the null apply below).
        assert storage["after_unknown"]["storage_config"][0]["kinesis_firehose_config"][0]["firehose_arn"] is True


def test_connect_is_wired_to_the_stream_the_apply_creates(tmp_path: Path) -> None:
    """The association's kinesis_firehose_config is a dynamic block (a Kinesis source has none), which Terraform's
    record of expressions leaves out: an apply to the stand-in's null cloud shows the value it receives instead."""
    inputs = {
        "lookup_table_arn": "arn:aws:dynamodb:us-east-1:123456789012:table/contact-centre-customers",
        "elasticsearch_domain_arn": "arn:aws:es:us-east-1:123456789012:domain/contact-centre",
        "elasticsearch_domain_endpoint": "search-contact-centre-abc123.us-east-1.es.amazonaws.com",
        "connect_instance_id": INSTANCE_ID,
    }
    plan_example(tmp_path, "existing-elasticsearch", inputs)
    workdir = tmp_path / "m" / "examples" / "existing-elasticsearch"
    checked(run_terraform(workdir, "apply", "-auto-approve", "-input=false", "-no-color", "example.tfplan"))
    state = json.loads(checked(run_terraform(workdir, "show", "-json")))
    resources = {r["address"]: r["values"] for r in state["values"]["root_module"]["child_modules"][0]["resources"]}
    storage = resources[MODULE + "aws_connect_instance_storage_config.ctr[0]"]["storage_config"][0]
    stream_arn = resources[MODULE + "aws_kinesis_firehose_delivery_stream.this"]["arn"]
    assert stream_arn and storage["kinesis_firehose_config"][0]["firehose_arn"] == stream_arn


def test_the_legacy_example_delivers_through_the_elasticsearch_destination(elasticsearch_plan: dict[str, Any]) -> None:
    planned = changes(elasticsearch_plan)
    stream = planned[MODULE + "aws_kinesis_firehose_delivery_stream.this"]["after"]
    assert stream["destination"] == "elasticsearch"
    assert stream["opensearch_configuration"] == []
    (destination,) = stream["elasticsearch_configuration"]
    assert destination["domain_arn"] == "arn:aws:es:us-east-1:123456789012:domain/contact-centre"
    assert (destination["type_name"], destination["index_name"], destination["vpc_config"]) == ("_doc", "ctr", [])
    created = {address.removeprefix(MODULE).split("[")[0] for address in planned}
    assert "aws_opensearch_domain.this" not in created
    assert "aws_dynamodb_table.lookup" not in created
    assert "aws_security_group.firehose" not in created
    policy = json.loads(planned[MODULE + "aws_iam_role_policy.firehose"]["after"]["policy"])
    (deliver,) = [s for s in policy["Statement"] if s["Sid"] == "DeliverToDomain"]
    assert "es:DescribeElasticsearchDomain" in deliver["Action"]
    lambda_policy = json.loads(planned[MODULE + "aws_iam_role_policy.lambda"]["after"]["policy"])
    (read,) = [s for s in lambda_policy["Statement"] if s["Sid"] == "ReadLookupTables"]
    assert read["Resource"] == "arn:aws:dynamodb:us-east-1:123456789012:table/contact-centre-customers"
    alarms = {a.removeprefix(MODULE) for a in planned if a.startswith(MODULE + "aws_cloudwatch_metric_alarm.this")}
    # Every alarm but data-freshness: the Elasticsearch destination publishes no DataFreshness metric.
    assert len(alarms) == 6 and 'aws_cloudwatch_metric_alarm.this["data-freshness"]' not in alarms


def test_the_vpc_example_puts_domain_and_firehose_in_the_subnets(vpc_plan: dict[str, Any]) -> None:
    planned = changes(vpc_plan)
    subnets = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
    domain = planned[MODULE + "aws_opensearch_domain.this[0]"]
    (vpc_options,) = domain["after"]["vpc_options"]
    assert sorted(vpc_options["subnet_ids"]) == subnets
    assert domain["after"]["cluster_config"][0]["zone_awareness_config"][0]["availability_zone_count"] == 2
    stream = planned[MODULE + "aws_kinesis_firehose_delivery_stream.this"]["after"]
    (vpc_config,) = stream["opensearch_configuration"][0]["vpc_config"]
    assert sorted(vpc_config["subnet_ids"]) == subnets
    for name in ("aws_security_group.firehose[0]", "aws_security_group.opensearch[0]"):
        assert planned[MODULE + name]["actions"] == ["create"]
    egress = planned[MODULE + "aws_vpc_security_group_egress_rule.firehose_to_domain[0]"]["after"]
    assert (egress["ip_protocol"], egress["from_port"], egress["to_port"]) == ("tcp", 443, 443)
    ingress = planned[MODULE + 'aws_vpc_security_group_ingress_rule.domain_from_networks["10.20.0.0/16"]']["after"]
    assert (ingress["cidr_ipv4"], ingress["from_port"], ingress["to_port"]) == ("10.20.0.0/16", 443, 443)
    assert not [address for address in planned if "aws_cloudwatch_metric_alarm" in address]
    rules = json.loads(
        planned[MODULE + "aws_lambda_function.this"]["after"]["environment"][0]["variables"]["ENRICHMENT_RULES"]
    )
    assert rules[0]["attributes"] == {"CompanyName": "company_name", "Tier": "tier"}


# --- The sources and destinations of issue 16: each example plans, null-applies and plans again with no change --

NEW_EXAMPLES: dict[str, dict[str, Any]] = {
    "kinesis-source": {
        "kinesis_stream_arn": "arn:aws:kinesis:us-east-1:123456789012:stream/connect-ctr",
        "kinesis_stream_kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "connect_instance_id": INSTANCE_ID,
        "subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        "dashboards_allowed_cidr_blocks": ["10.20.0.0/16"],
    },
    "opensearch-serverless": {
        "dashboards_allowed_principal_arns": ["arn:aws:iam::123456789012:role/ContactCentreAnalyst"],
        "connect_instance_id": INSTANCE_ID,
    },
    "cross-account-domain": {
        "analytics_role_arn": "arn:aws:iam::210987654321:role/SearchPolicyAdmin",
        "analytics_domain_arn": "arn:aws:es:us-east-1:210987654321:domain/analytics",
        "analytics_domain_endpoint": "search-analytics-abc123.us-east-1.es.amazonaws.com",
    },
}


@pytest.fixture(scope="module")
def new_example_plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each new example planned, then applied to the stand-in's null cloud and planned again (the apply creates
    nothing in AWS: it shows the configuration applies and converges, not that AWS accepts it)."""
    plans = {}
    for example, inputs in NEW_EXAMPLES.items():
        root = tmp_path_factory.mktemp(example.replace("-", ""))
        plans[example] = plan_example(root, example, inputs)
        workdir = root / "m" / "examples" / example
        arguments = ("-input=false", "-no-color", "-var-file=inputs.tfvars.json")
        checked(run_terraform(workdir, "apply", "-auto-approve", *arguments))
        replan = run_terraform(workdir, "plan", "-detailed-exitcode", *arguments)
        assert replan.returncode == 0, f"{example}: a plan after the apply is not empty:\n{replan.stdout}"
    return plans


def test_the_kinesis_source_example_reads_the_stream_and_points_connect_at_it(
    new_example_plans: dict[str, dict[str, Any]],
) -> None:
    planned = changes(new_example_plans["kinesis-source"])
    stream = planned[MODULE + "aws_kinesis_firehose_delivery_stream.this"]["after"]
    assert (
        stream["kinesis_source_configuration"][0]["kinesis_stream_arn"]
        == NEW_EXAMPLES["kinesis-source"]["kinesis_stream_arn"]
    )
    assert stream["server_side_encryption"] == []
    storage = planned[MODULE + "aws_connect_instance_storage_config.ctr[0]"]["after"]["storage_config"][0]
    assert (storage["storage_type"], storage["kinesis_stream_config"][0]["stream_arn"]) == (
        "KINESIS_STREAM",
        NEW_EXAMPLES["kinesis-source"]["kinesis_stream_arn"],
    )
    policy = json.loads(planned[MODULE + "aws_iam_role_policy.firehose"]["after"]["policy"])
    sids = {statement["Sid"] for statement in policy["Statement"]}
    assert {"ReadSourceStream", "DecryptSourceStream"} <= sids
    environment = planned[MODULE + "aws_lambda_function.this"]["after"]["environment"][0]["variables"]
    assert environment["ON_NON_CTR_RECORD"] == "drop"


def test_the_serverless_example_creates_a_collection_with_its_policies_and_no_domain(
    new_example_plans: dict[str, dict[str, Any]],
) -> None:
    planned = changes(new_example_plans["opensearch-serverless"])
    created = {address.removeprefix(MODULE).split("[")[0] for address in planned}
    assert {
        "aws_opensearchserverless_collection.this",
        "aws_opensearchserverless_security_policy.encryption",
        "aws_opensearchserverless_security_policy.network",
        "aws_opensearchserverless_access_policy.this",
        "aws_opensearchserverless_lifecycle_policy.this",
    } <= created
    assert "aws_opensearch_domain.this" not in created
    collection = planned[MODULE + "aws_opensearchserverless_collection.this[0]"]["after"]
    assert (collection["name"], collection["type"], collection["standby_replicas"]) == (
        "ctr-aoss",
        "TIMESERIES",
        "DISABLED",
    )
    retention = json.loads(planned[MODULE + "aws_opensearchserverless_lifecycle_policy.this[0]"]["after"]["policy"])
    assert retention["Rules"][0]["MinIndexRetention"] == "400d"
    stream = planned[MODULE + "aws_kinesis_firehose_delivery_stream.this"]["after"]
    assert stream["destination"] == "opensearchserverless" and stream["opensearch_configuration"] == []
    # The created collection's endpoint, known after apply (the null apply of the fixture fills it in).
    unknown = planned[MODULE + "aws_kinesis_firehose_delivery_stream.this"]["after_unknown"]
    assert unknown["opensearchserverless_configuration"][0]["collection_endpoint"] is True


def test_the_cross_account_example_delivers_by_endpoint_and_merges_the_domain_policy(
    new_example_plans: dict[str, dict[str, Any]],
) -> None:
    document = new_example_plans["cross-account-domain"]
    planned = changes(document)
    stream = planned[MODULE + "aws_kinesis_firehose_delivery_stream.this"]["after"]
    (destination,) = stream["opensearch_configuration"]
    assert destination["cluster_endpoint"] == "https://search-analytics-abc123.us-east-1.es.amazonaws.com"
    assert destination["domain_arn"] is None
    # The analytics half: through the aliased provider, the domain's whole policy, holding the Firehose statement.
    policy_change = planned["aws_opensearch_domain_policy.analytics[0]"]
    written = json.loads(policy_change["after"]["access_policies"])
    (firehose,) = [s for s in written["Statement"] if s["Sid"] == "FirehoseDeliveryCtrCentral"]
    assert firehose["Principal"] == {"AWS": "arn:aws:iam::123456789012:role/ctr-central-firehose-us-east-1"}
    assert firehose["Resource"] == "arn:aws:es:us-east-1:210987654321:domain/analytics/*"
    resources = document["configuration"]["root_module"]["resources"]
    (policy_config,) = [r for r in resources if r["address"] == "aws_opensearch_domain_policy.analytics"]
    assert policy_config["provider_config_key"] == "aws.analytics"
