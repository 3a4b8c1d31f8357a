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
        # The stream's ARN is known only after apply; Terraform records where it comes from.
        assert storage["after_unknown"]["storage_config"][0]["kinesis_firehose_config"][0]["firehose_arn"] is True
        expression = module_resource_config(document, "aws_connect_instance_storage_config.ctr")["expressions"]
        firehose_arn = expression["storage_config"][0]["kinesis_firehose_config"][0]["firehose_arn"]
        assert "aws_kinesis_firehose_delivery_stream.this.arn" in firehose_arn["references"]


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
