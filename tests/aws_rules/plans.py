"""The configurations the layer checks, and their plans: `terraform show -json`, made once per session.

Each configuration is the root module with a set of inputs, or one of examples/* with its inputs. The matrix
covers the examples, the defaults, every optional feature, each variable's validation extremes (lowest and
highest legal values, shortest and longest names), every destination and network mode, and inputs that the
module accepted when the layer was written although AWS refuses them (issue 9). Those last ones are
`refused_by`: once the module refuses them at plan time, that refusal is the correct outcome.

Terraform runs in scratch copies of the module (real Terraform, or the offline stand-in that `make setup`
installs): each example on its own, and the root-module configurations as module instances of one wrapper plan per
batch (`plan_batch`), since loading the provider schema is most of a small plan's cost. The runs go in parallel.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support import REPO
from tests.support.terraform import copy_module, run_terraform, terraform_environment

SNS_TOPIC = "arn:aws:sns:us-east-1:123456789012:ctr-alarms"
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CONNECT_INSTANCE = "5b4b2b1e-6f1c-4c8e-9d0a-2f6a7c1d3e55"
PUBLIC = {"opensearch_public_endpoint_enabled": True}
KINESIS_STREAM = "arn:aws:kinesis:us-east-1:123456789012:stream/connect-ctr"
STREAM_KEY = "arn:aws:kms:us-east-1:123456789012:key/5678abcd-12ab-34cd-56ef-1234567890ab"
ANALYTICS_DOMAIN = "arn:aws:es:us-east-1:210987654321:domain/analytics"
ANALYTICS_ENDPOINT = "search-analytics-abc123.us-east-1.es.amazonaws.com"
COLLECTION = "arn:aws:aoss:us-east-1:123456789012:collection/abc123def456ghi"


@dataclass(frozen=True)
class Configuration:
    """One plan: the root module (example None) or examples/<example>, with these inputs."""

    name: str
    inputs: dict[str, Any]
    example: str | None = None
    # Inputs that AWS refuses but the module accepted when this layer was written (issue 9): the module may
    # refuse them at plan time instead, which is then the right outcome, provided the refusal names this input
    # (a refusal for another reason would make the configuration's checks pass without looking at anything).
    refused_by: str | None = None
    why: str = ""


@dataclass
class PlanResult:
    configuration: Configuration
    document: dict[str, Any] | None = None
    error: str = ""
    seconds: float = 0.0
    schema: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def refused(self) -> bool:
        """Terraform refused the inputs on purpose: a variable validation or a precondition, not a crash."""
        return self.document is None and any(
            marker in self.error
            for marker in ("Invalid value for variable", "precondition failed", "Resource precondition failed")
        )


def _rule(index: int) -> dict[str, Any]:
    # Shaped like the audit's finding 2: three projected attributes per rule.
    return {
        "name": f"rule_{index:02d}",
        "source": f"Attributes.Field{index:02d}",
        "target": f"Enriched{index:02d}",
        "attributes": {"CompanyName": "company_name", "Tier": "tier", "Account": "account"},
    }


RULES_EVERY_KIND = [
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
    # One rule per channel: the email rule shares the phone rule's target.
    {
        "name": "email",
        "source": "CustomerEndpoint.Address",
        "target": "Customer",
        "normalize": "email",
        "attributes": {"CompanyName": "契約者会社名", "Tier": "Tier"},
        "endpoint_types": ["EMAIL_ADDRESS"],
    },
    {"name": "_agent", "source": "Agent.Username", "target": "Agent2", "table": "agents", "key": "username"},
    {
        "name": "queue",
        "source": "Queue.Name",
        "target": "顧客.キュー",
        "table": "arn:aws:dynamodb:us-east-1:123456789012:table/queues",
        "key": "queue",
    },
]

CONFIGURATIONS: tuple[Configuration, ...] = (
    # --- The examples, as their READMEs run them ------------------------------------------------------
    Configuration("example_complete", {"dashboards_allowed_cidr_blocks": ["203.0.113.7/32"]}, example="complete"),
    Configuration(
        "example_existing_elasticsearch",
        {
            "lookup_table_arn": "arn:aws:dynamodb:us-east-1:123456789012:table/contact-centre-customers",
            "elasticsearch_domain_arn": "arn:aws:es:us-east-1:123456789012:domain/contact-centre",
            "elasticsearch_domain_endpoint": "search-contact-centre-abc123.us-east-1.es.amazonaws.com",
            "elasticsearch_type_name": "_doc",
            "connect_instance_id": CONNECT_INSTANCE,
            "alarm_sns_topic_arn": SNS_TOPIC,
        },
        example="existing-elasticsearch",
    ),
    Configuration(
        "example_vpc_opensearch",
        {
            "subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
            "connect_instance_id": CONNECT_INSTANCE,
            "dashboards_allowed_cidr_blocks": ["10.20.0.0/16", "fd00:ec2::/64"],
            "dashboards_allowed_principal_arns": ["arn:aws:iam::123456789012:role/analyst"],
            "create_opensearch_service_linked_role": True,
            "alarm_sns_topic_arn": SNS_TOPIC,
        },
        example="vpc-opensearch",
    ),
    Configuration(
        "example_kinesis_source",
        {
            "kinesis_stream_arn": KINESIS_STREAM,
            "kinesis_stream_kms_key_arn": STREAM_KEY,
            "connect_instance_id": CONNECT_INSTANCE,
            "subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
            "dashboards_allowed_cidr_blocks": ["10.20.0.0/16"],
        },
        example="kinesis-source",
    ),
    Configuration(
        "example_opensearch_serverless",
        {
            "dashboards_allowed_principal_arns": ["arn:aws:iam::123456789012:role/ContactCentreAnalyst"],
            "connect_instance_id": CONNECT_INSTANCE,
        },
        example="opensearch-serverless",
    ),
    Configuration(
        "example_cross_account_domain",
        {
            "analytics_role_arn": "arn:aws:iam::210987654321:role/SearchPolicyAdmin",
            "analytics_domain_arn": ANALYTICS_DOMAIN,
            "analytics_domain_endpoint": ANALYTICS_ENDPOINT,
            "connect_instance_id": CONNECT_INSTANCE,
        },
        example="cross-account-domain",
    ),
    # --- The root module ---------------------------------------------------------------------------------
    Configuration("defaults", PUBLIC),
    Configuration(
        "every_feature",
        {
            **PUBLIC,
            "tags": {"Project": "ctr-enrichment", "CostCentre": "cc-1234 / Contact Centre", "Team": "Ops@Tokyo"},
            "kms_key_arn": KMS_KEY,
            "iam_role_permissions_boundary_arn": "arn:aws:iam::123456789012:policy/boundary",
            "lambda_architecture": "x86_64",
            "lambda_tracing_enabled": True,
            "lambda_reserved_concurrent_executions": 5,
            "enrichment_rules": RULES_EVERY_KIND,
            "on_lookup_error": "retry_batch",
            "metrics_namespace": "Contact Centre/CTR",
            "log_level": "DEBUG",
            "lookup_table_deletion_protection_enabled": True,
            "lookup_table_items": {
                "+15555550100": {"CompanyName": "Acme Corporation", "Tier": "gold"},
                "0312345678": {"CompanyName": "株式会社サンプル商事", "Tier": "gold"},
                "taro.yamada@example.co.jp": {"CompanyName": "株式会社サンプル商事", "Tier": "gold"},
            },
            "index_rotation_period": "NoRotation",
            "document_id_format": "NO_DOCUMENT_ID",
            "backup_mode": "AllDocuments",
            "backup_compression_format": "HADOOP_SNAPPY",
            "opensearch_master_user_arn": "arn:aws:iam::123456789012:role/search-admin",
            "opensearch_tls_security_policy": "Policy-Min-TLS-1-2-PFS-2023-10",
            "opensearch_ebs_volume_type": "gp2",
            "dashboards_allowed_principal_arns": [
                "arn:aws:iam::123456789012:role/analyst",
                "arn:aws:sts::123456789012:assumed-role/analyst/session",
            ],
            "dashboards_allowed_cidr_blocks": ["203.0.113.0/24", "2001:db8::/32"],
            "connect_instance_id": CONNECT_INSTANCE,
            "create_alarms": True,
            "alarm_sns_topic_arn": SNS_TOPIC,
        },
    ),
    Configuration(
        "lowest_values",
        {
            **PUBLIC,
            "name": "ctr",
            "tags": {"k": ""},
            "log_retention_days": 1,
            "lambda_runtime": "python3.11",
            "lambda_memory_size_mb": 128,
            "lambda_timeout_seconds": 1,
            "lambda_reserved_concurrent_executions": 1,
            "cache_ttl_seconds": 0,
            "cache_max_entries": 0,
            "metrics_namespace": "a",
            "lookup_table_hash_key": "k",
            "enrichment_rules": [{"name": "_", "source": "a", "target": "b", "key": "k"}],
            "index_name": "c",
            "buffering_interval_seconds": 0,
            "buffering_size_mb": 1,
            "retry_duration_seconds": 0,
            "processor_buffering_size_mb": 0.2,
            "processor_buffering_interval_seconds": 0,
            "processor_retries": 0,
            "backup_compression_format": "UNCOMPRESSED",
            "opensearch_engine_version": "OpenSearch_1.0",
            "opensearch_ebs_volume_size_gib": 10,
            "opensearch_ebs_iops": 3000,
            "opensearch_ebs_throughput_mibps": 125,
            "backup_expiration_days": 1,
            "create_alarms": True,
            "alarm_sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:a",
            "alarm_period_seconds": 60,
            "alarm_evaluation_periods": 1,
            "alarm_thresholds": {
                "lambda_errors": 0,
                "lambda_throttles": 0,
                "lambda_duration_percent": 0.1,
                "processing_failed": 0,
                "lookup_errors": 0,
                "delivery_success": 0.01,
                "data_freshness_seconds": 60,
            },
        },
    ),
    Configuration(
        "highest_values",
        {
            **PUBLIC,
            "name": "a" * 27 + "z",
            "tags": {"K" * 128: "v" * 256},
            "log_retention_days": 3653,
            "lambda_memory_size_mb": 10240,
            "lambda_timeout_seconds": 300,
            "cache_ttl_seconds": 86400,
            "cache_max_entries": 10000000,
            "metrics_namespace": "N" * 255,
            "log_level": "CRITICAL",
            "lookup_table_hash_key": "キ" * 85,
            "enrichment_rules": [
                {
                    "name": "n" * 64,
                    "source": "CustomerEndpoint.Address",
                    "target": "Customer",
                    "normalize": "phone",
                    "table": "t" * 255,
                    "key": "キ" * 85,
                    # A calling code of the most digits, and every endpoint type.
                    "key_format": "national",
                    "country": "AC",
                    "endpoint_types": [
                        "TELEPHONE_NUMBER",
                        "VOIP",
                        "CONTACT_FLOW",
                        "CONNECT_PHONENUMBER_ARN",
                        "EMAIL_ADDRESS",
                    ],
                }
            ],
            "index_name": "i" * 80,
            "index_rotation_period": "OneMonth",
            "buffering_interval_seconds": 900,
            "buffering_size_mb": 100,
            "retry_duration_seconds": 7200,
            "processor_buffering_size_mb": 3,
            "processor_buffering_interval_seconds": 900,
            "processor_retries": 300,
            "opensearch_instance_type": "r6g.4xlarge.search",
            "opensearch_instance_count": 1002,
            "opensearch_availability_zone_count": 3,
            "opensearch_ebs_volume_size_gib": 16384,
            "opensearch_ebs_iops": 96000,
            "opensearch_ebs_throughput_mibps": 6000,
            "backup_expiration_days": 36500,
            "create_alarms": True,
            "alarm_sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:" + "t" * 256,
            "alarm_period_seconds": 86400,
            "alarm_evaluation_periods": 7,
            "alarm_thresholds": {
                "lambda_errors": 1000000,
                "lambda_duration_percent": 99.9,
                "delivery_success": 1,
                "data_freshness_seconds": 86400,
            },
        },
    ),
    Configuration(
        "vpc_given_security_groups",
        {
            "vpc_config": {
                "subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-01234567"],
                "security_group_ids": ["sg-0123456789abcdef0", "sg-01234567"],
            },
            "opensearch_availability_zone_count": 3,
            "opensearch_instance_count": 3,
        },
    ),
    Configuration(
        "existing_everything_elasticsearch",
        {
            "destination": "elasticsearch",
            "create_opensearch_domain": False,
            "opensearch_domain_arn": "arn:aws:es:us-east-1:123456789012:domain/legacy",
            "opensearch_domain_endpoint": "search-legacy-abc123.us-east-1.es.amazonaws.com",
            "elasticsearch_type_name": "_doc",
            "create_lookup_table": False,
            "lookup_table_arn": "arn:aws:dynamodb:us-east-1:123456789012:table/customers",
            "create_backup_bucket": False,
            "backup_bucket_arn": "arn:aws:s3:::my-ctr-backup",
            "kms_key_arn": KMS_KEY,
            "create_alarms": True,
            "alarm_sns_topic_arn": SNS_TOPIC,
        },
    ),
    Configuration(
        "created_elasticsearch_6",
        {
            **PUBLIC,
            "destination": "elasticsearch",
            "opensearch_engine_version": "Elasticsearch_6.8",
            "elasticsearch_type_name": "_doc",
            "opensearch_master_user_arn": "arn:aws:iam::123456789012:role/search-admin",
        },
    ),
    Configuration(
        "existing_opensearch_domain",
        {
            "create_opensearch_domain": False,
            "opensearch_domain_arn": "arn:aws:es:us-east-1:123456789012:domain/analytics",
            "opensearch_log_publishing_enabled": False,
        },
    ),
    # --- Sources and destinations (issue 16) ------------------------------------------------------------------
    Configuration(
        "kinesis_source",
        {
            **PUBLIC,
            "kinesis_source": {"stream_arn": KINESIS_STREAM, "kms_key_arn": STREAM_KEY},
            "kms_key_arn": KMS_KEY,  # encrypts everything else; no server_side_encryption with a Kinesis source
            "connect_instance_id": CONNECT_INSTANCE,
            "on_non_ctr_record": "processing_failed",
            "create_alarms": True,
            "alarm_sns_topic_arn": SNS_TOPIC,
        },
    ),
    Configuration(
        "opensearch_serverless",
        {
            **PUBLIC,
            "destination": "opensearchserverless",
            "kms_key_arn": KMS_KEY,
            "opensearch_collection_retention_days": 3650,
            "opensearch_collection_standby_replicas_enabled": False,
            "dashboards_allowed_principal_arns": ["arn:aws:iam::123456789012:role/analyst"],
            "create_alarms": True,
            "alarm_sns_topic_arn": SNS_TOPIC,
            "tags": {"Project": "ctr-enrichment"},
        },
    ),
    Configuration(
        "opensearch_serverless_vpc",
        {
            "destination": "opensearchserverless",
            "name": "a" * 27 + "z",
            "opensearch_collection_type": "SEARCH",
            "vpc_config": {
                "subnet_ids": [f"subnet-0123456789abcdef{i}" for i in range(5)] + ["subnet-01234567"],
                "security_group_ids": [f"sg-0123456789abcdef{i}" for i in range(4)] + ["sg-01234567"],
            },
        },
    ),
    Configuration(
        "opensearch_serverless_existing",
        {
            "destination": "opensearchserverless",
            "create_opensearch_collection": False,
            "opensearch_collection_arn": COLLECTION,
            "kinesis_source": {"stream_arn": KINESIS_STREAM},
            "vpc_config": {"subnet_ids": ["subnet-0123456789abcdef0"], "security_group_ids": ["sg-0123456789abcdef0"]},
        },
    ),
    Configuration(
        "cross_account_domain",
        {
            "create_opensearch_domain": False,
            "opensearch_domain_arn": ANALYTICS_DOMAIN,
            "opensearch_domain_endpoint": ANALYTICS_ENDPOINT,
            "opensearch_domain_cross_account_enabled": True,
            "create_alarms": True,
            "alarm_sns_topic_arn": SNS_TOPIC,
        },
    ),
    Configuration(
        "cross_account_elasticsearch",
        {
            "destination": "elasticsearch",
            "create_opensearch_domain": False,
            "opensearch_domain_arn": ANALYTICS_DOMAIN,
            "opensearch_domain_endpoint": ANALYTICS_ENDPOINT,
            "opensearch_domain_cross_account_enabled": True,
        },
    ),
    # --- Inputs the module accepted although AWS refuses them (issue 9) ------------------------------------
    Configuration(
        "newest_runtime",
        {**PUBLIC, "lambda_runtime": "python3.14"},
        refused_by="lambda_runtime",
        why="python3.14 is known to the provider only from 6.20.0 (issue 9 finding 3)",
    ),
    Configuration(
        "environment_of_sixteen_rules",
        {**PUBLIC, "enrichment_rules": [_rule(i) for i in range(16)]},
        refused_by="enrichment_rules",
        why="the module's 4 KB count passes, Lambda's JSON measure does not (issue 9 finding 2)",
    ),
    Configuration(
        "elasticsearch_instance_type",
        {**PUBLIC, "opensearch_instance_type": "m5.large.elasticsearch"},
        refused_by="opensearch_instance_type",
        why="the OpenSearch API has only *.search instance types (issue 9 finding 4)",
    ),
    Configuration(
        "security_group_name_prefix",
        {
            "name": "sg-ctr",
            "vpc_config": {"subnet_ids": ["subnet-0123456789abcdef0"], "create_security_groups": True},
        },
        refused_by="name",
        why="security group names may not begin with sg- (issue 9 finding 5)",
    ),
    Configuration(
        "bucket_name_prefix",
        {**PUBLIC, "name": "xn--ctr"},
        refused_by="name",
        why="S3 bucket names may not begin with xn-- (issue 9 finding 5)",
    ),
    Configuration(
        "io1_without_iops",
        {**PUBLIC, "opensearch_ebs_volume_type": "io1"},
        refused_by="opensearch_ebs_iops",
        why="provisioned-IOPS volumes need an IOPS value (issue 9 finding 10)",
    ),
    Configuration(
        "tag_characters",
        {**PUBLIC, "tags": {"Owner": "ops, contact centre (Tokyo)", "aws:team": "ops"}},
        refused_by="tags",
        why="tag values allow only [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@] (IAM, Lambda, Logs) and keys may not begin with aws: "
        "(Firehose) (issue 9 finding 13)",
    ),
    Configuration(
        "kinesis_source_of_another_account",
        {**PUBLIC, "kinesis_source": {"stream_arn": "arn:aws:kinesis:us-east-1:210987654321:stream/connect-ctr"}},
        refused_by="kinesis_source",
        why="Firehose reads a Kinesis data stream of its own account and Region (issue 16)",
    ),
    Configuration(
        "index_rotation_with_opensearch_serverless",
        {**PUBLIC, "destination": "opensearchserverless", "index_rotation_period": "OneHour"},
        refused_by="index_rotation_period",
        why="AmazonOpenSearchServerlessDestinationConfiguration has no IndexRotationPeriod (issue 16)",
    ),
    Configuration(
        "cross_account_domain_without_endpoint",
        {
            "create_opensearch_domain": False,
            "opensearch_domain_arn": ANALYTICS_DOMAIN,
            "opensearch_domain_cross_account_enabled": True,
        },
        refused_by="opensearch_domain_endpoint",
        why="Firehose needs ClusterEndpoint for a domain of another account (issue 16)",
    ),
    Configuration(
        "collection_vpc_endpoint_with_seven_subnets",
        {
            "destination": "opensearchserverless",
            "vpc_config": {
                "subnet_ids": [f"subnet-0123456789abcdef{i}" for i in range(7)],
                "create_security_groups": True,
            },
        },
        refused_by="vpc_config",
        why="an OpenSearch Serverless VPC endpoint takes at most 6 subnets (issue 16)",
    ),
    Configuration(
        "namespace_leading_colon",
        {**PUBLIC, "metrics_namespace": ":ctr", "create_alarms": True, "alarm_sns_topic_arn": SNS_TOPIC},
        refused_by="metrics_namespace",
        why="a CloudWatch namespace may not begin with ':' (issue 9 finding 14)",
    ),
)

BY_NAME = {configuration.name: configuration for configuration in CONFIGURATIONS}


# --- Running Terraform ---------------------------------------------------------------------------------------


def _copy_module(root: Path, example: str | None) -> Path:
    """The module as a user gets it (root .tf files and lambda_src/), plus the example that uses it."""
    module = copy_module(root / "m", with_mocks=False)
    if example is None:
        return module
    workdir = module / "examples" / example
    shutil.copytree(REPO / "examples" / example, workdir)
    return workdir


def _terraform_steps(workdir: Path, env: dict[str, str], with_schema: bool) -> tuple[str, list[str]]:
    """init, plan, show -json (and the provider schema): the error text, or '' and each step's output."""
    steps: list[tuple[str, ...]] = [
        ("init", "-backend=false", "-input=false", "-no-color"),
        ("plan", "-input=false", "-no-color", "-out=layer.tfplan"),
        ("show", "-json", "layer.tfplan"),
    ]
    if with_schema:
        steps.append(("providers", "schema", "-json"))
    outputs: list[str] = []
    for step in steps:
        completed = run_terraform(workdir, *step, env=env)
        if completed.returncode != 0:
            return f"terraform {' '.join(step)} failed:\n{completed.stdout}\n{completed.stderr}", outputs
        outputs.append(completed.stdout)
    return "", outputs


def _escaped(value: Any) -> Any:
    """A JSON value for Terraform's JSON syntax, where strings are templates: keep ${ and %{ literal."""
    if isinstance(value, str):
        return value.replace("${", "$${").replace("%{", "%%{")
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    return value


def plan_batch(
    configurations: list[Configuration], base: Path, label: str, with_schema: bool = False
) -> list[PlanResult]:
    """Root-module configurations planned together: one module block each in a wrapper root, one plan.

    Terraform loads the provider schema once per run, which is most of a small plan's cost, so one plan of N module
    instances costs a fraction of N plans. The plan is split back into one document per configuration (its
    resources under `module.<name>.`, its outputs from the wrapper's output of the same name). Examples are root
    modules with their own provider blocks and are planned on their own (`plan_configuration`).
    """
    started = time.perf_counter()
    root = base / label
    scratch = root / "t"
    scratch.mkdir(parents=True)
    workdir = _copy_module(root, None).parent / "w"
    workdir.mkdir()
    wrapper = {
        "provider": {"aws": {}},
        "module": {c.name: {"source": "../m", **_escaped(c.inputs)} for c in configurations},
        "output": {c.name: {"value": f"${{module.{c.name}}}", "sensitive": True} for c in configurations},
    }
    (workdir / "main.tf.json").write_text(json.dumps(wrapper, ensure_ascii=False), encoding="utf-8")
    error, outputs = _terraform_steps(workdir, terraform_environment(scratch), with_schema)
    seconds = time.perf_counter() - started
    if error:
        return [PlanResult(c, error=error, seconds=seconds) for c in configurations]
    document = json.loads(outputs[2])
    schema = json.loads(outputs[3]) if with_schema else None
    # The wrapper configures the provider, so the plan does not record the module's own version constraint;
    # `init` does, merged over every module, in the lock file.
    lock = (workdir / ".terraform.lock.hcl").read_text(encoding="utf-8")
    found = re.search(r'provider "registry.terraform.io/hashicorp/aws" \{[^}]*?constraints\s*=\s*"([^"]*)"', lock)
    provider_config = dict(document["configuration"].get("provider_config", {}))
    provider_config["aws"] = {**provider_config.get("aws", {}), "version_constraint": found.group(1) if found else ""}
    configuration = {**document["configuration"], "provider_config": provider_config}
    results = []
    for member in configurations:
        prefix = f"module.{member.name}."
        module_outputs = document.get("output_changes", {}).get(member.name, {}).get("after") or {}
        part = {
            **document,
            "configuration": configuration,
            "resource_changes": [
                {**change, "address": change["address"].removeprefix(prefix)}
                for change in document.get("resource_changes", [])
                if change["address"].startswith(prefix)
            ],
            # Known outputs of the module instance (unknown ones are absent, as in planned_values).
            "planned_values": {"outputs": {name: {"value": value} for name, value in module_outputs.items()}},
        }
        results.append(PlanResult(member, part, seconds=seconds, schema=schema))
    return results


def plan_configuration(configuration: Configuration, base: Path, with_schema: bool = False) -> PlanResult:
    """init + plan + show -json of one configuration in its own scratch copy."""
    started = time.perf_counter()
    root = base / configuration.name
    scratch = root / "t"
    scratch.mkdir(parents=True)
    workdir = _copy_module(root, configuration.example)
    # Loaded automatically by plan, in the root module or the example alike.
    (workdir / "inputs.auto.tfvars.json").write_text(json.dumps(configuration.inputs, ensure_ascii=False), "utf-8")
    error, outputs = _terraform_steps(workdir, terraform_environment(scratch), with_schema)
    result = PlanResult(configuration, error=error)
    if not error:
        result.document = json.loads(outputs[2])
        if with_schema:
            result.schema = json.loads(outputs[3])
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class PlanSet:
    """Every configuration's plan, and the provider schema (from `terraform providers schema -json`)."""

    results: dict[str, PlanResult]
    schema: dict[str, Any]
    seconds: float

    def document(self, name: str) -> dict[str, Any]:
        result = self.results[name]
        if result.document is None:
            raise AssertionError(f"configuration {name} did not plan:\n{result.error}")
        return result.document

    def planned(self) -> Iterable[tuple[str, dict[str, Any]]]:
        for name, result in self.results.items():
            if result.document is not None:
                yield name, result.document


def build_plans(configurations: Iterable[Configuration] = CONFIGURATIONS, workers: int = 2) -> PlanSet:
    """Plan every configuration once: the examples one by one, the root-module configurations in two batches (those
    that must plan, and those the module may refuse). A batch that fails is planned again one configuration at a
    time, so each configuration gets its own plan or its own error. Scratch copies are removed afterwards."""
    configurations = list(configurations)
    started = time.perf_counter()
    base = Path(tempfile.mkdtemp(prefix="awsr"))  # short: provider sockets live under it
    batches = {
        "matrix": [c for c in configurations if c.example is None and c.refused_by is None],
        "exposures": [c for c in configurations if c.example is None and c.refused_by is not None],
    }
    results: dict[str, PlanResult] = {}
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            jobs = [
                pool.submit(plan_batch, members, base, label, label == "matrix")
                for label, members in batches.items()
                if members
            ]
            jobs += [pool.submit(plan_configuration, c, base) for c in configurations if c.example is not None]
            retries = []
            for job in jobs:
                for result in job.result() if isinstance(job.result(), list) else [job.result()]:
                    if result.document is None and result.configuration.example is None:
                        retries.append(pool.submit(plan_configuration, result.configuration, base / "retry"))
                    results[result.configuration.name] = result
            for job in retries:
                result = job.result()
                results[result.configuration.name] = result
    finally:
        shutil.rmtree(base, ignore_errors=True)
    schema = next((r.schema for r in results.values() if r.schema is not None), None)
    if schema is None:
        schema = _schema_from_any(base, results)
    for result in results.values():
        result.schema = None
    ordered = {c.name: results[c.name] for c in configurations}
    return PlanSet(ordered, schema, time.perf_counter() - started)


def _schema_from_any(base: Path, results: dict[str, PlanResult]) -> dict[str, Any]:
    """The provider schema when the batch that fetches it failed: from a plain copy of the module."""
    scratch = base / "schema" / "t"
    scratch.mkdir(parents=True)
    workdir = _copy_module(base / "schema", None)
    env = terraform_environment(scratch)
    try:
        for step in (("init", "-backend=false", "-input=false", "-no-color"), ("providers", "schema", "-json")):
            completed = run_terraform(workdir, *step, env=env)
            if completed.returncode != 0:
                first_error = next((r.error for r in results.values() if r.error), "")
                raise RuntimeError(f"no provider schema: {completed.stderr}\n{first_error}")
        return json.loads(completed.stdout)
    finally:
        shutil.rmtree(base, ignore_errors=True)
