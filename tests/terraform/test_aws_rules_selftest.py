"""The layer rejects what AWS rejects: crafted plan fragments and policies, through the same functions the plan
tests use. A layer that accepts everything would pass every plan test; these show that each check can fail, and
that it accepts the legal neighbour of each illegal value.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.aws_rules import iam, provider_rules
from tests.aws_rules.checks import CHECKS, fragment

pytestmark = pytest.mark.terraform

ALARM = {
    "alarm_name": "ctr-lookup-errors",
    "namespace": "CtrEnrichment",
    "metric_name": "LookupErrors",
    "statistic": "Sum",
    "comparison_operator": "GreaterThanThreshold",
    "threshold": 0,
    "period": 300,
    "evaluation_periods": 1,
    "dimensions": {"FunctionName": "ctr-enrichment"},
}
DOMAIN = {
    "domain_name": "ctr-enrichment",
    "engine_version": "OpenSearch_2.19",
    "cluster_config": [{"instance_type": "m5.large.search", "instance_count": 1}],
    "ebs_options": [{"ebs_enabled": True, "volume_size": 10, "volume_type": "gp3"}],
}
STREAM = {
    "name": "ctr-enrichment",
    "destination": "opensearch",
    "server_side_encryption": [{"enabled": True, "key_type": "AWS_OWNED_CMK"}],
}
KINESIS_SOURCE = [
    {
        "kinesis_stream_arn": "arn:aws:kinesis:us-east-1:123456789012:stream/ctr",
        "role_arn": "arn:aws:iam::123456789012:role/ctr",
    }
]


def problems(check: str, document: dict[str, Any], plans: Any, mapping: Any) -> list[str]:
    return CHECKS[check](document, plans.schema, mapping)


def policy_document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def identity_policy_problems(*statements: dict[str, Any]) -> list[str]:
    return iam.problems(iam.Policy("crafted", "identity", policy_document(*statements)))


@pytest.mark.parametrize(("namespace", "legal"), [(":x", False), ("x:", True), ("CtrEnrichment", True)])
def test_cloudwatch_namespace(aws_rules_plans: Any, aws_rules_mapping: Any, namespace: str, legal: bool) -> None:
    found = problems(
        "api",
        fragment("aws_cloudwatch_metric_alarm", {**ALARM, "namespace": namespace}),
        aws_rules_plans,
        aws_rules_mapping,
    )
    assert (found == []) is legal, found
    if not legal:
        assert "Namespace" in found[0] and "[^:].*" in found[0]


@pytest.mark.parametrize(("instance_type", "legal"), [("m5.large.elasticsearch", False), ("m5.large.search", True)])
def test_opensearch_instance_type(
    aws_rules_plans: Any, aws_rules_mapping: Any, instance_type: str, legal: bool
) -> None:
    domain = {**DOMAIN, "cluster_config": [{"instance_type": instance_type, "instance_count": 1}]}
    found = problems("api", fragment("aws_opensearch_domain", domain), aws_rules_plans, aws_rules_mapping)
    assert (found == []) is legal, found
    if not legal:
        assert "OpenSearchPartitionInstanceType" in found[0]


@pytest.mark.parametrize(
    ("tags", "legal"),
    [
        ({"Owner": "ops, tokyo"}, False),
        ({"aws:owner": "ops"}, False),
        ({"Owner": "ops@東京 / team-1"}, True),
    ],
)
def test_firehose_tags(aws_rules_plans: Any, aws_rules_mapping: Any, tags: dict[str, str], legal: bool) -> None:
    found = problems(
        "api",
        fragment("aws_kinesis_firehose_delivery_stream", {**STREAM, "tags": tags}),
        aws_rules_plans,
        aws_rules_mapping,
    )
    assert (found == []) is legal, found


def test_numbers_outside_the_model_range_are_refused(aws_rules_plans: Any, aws_rules_mapping: Any) -> None:
    stream = {**STREAM, "opensearch_configuration": [{"buffering_size": 101, "retry_duration": 7200}]}
    found = problems(
        "api", fragment("aws_kinesis_firehose_delivery_stream", stream), aws_rules_plans, aws_rules_mapping
    )
    assert len(found) == 1 and "above" in found[0] and "SizeInMBs" in found[0]


@pytest.mark.parametrize(("name", "legal"), [("sg-x", False), ("ctr-sg-x", True)])
def test_security_group_name(aws_rules_plans: Any, aws_rules_mapping: Any, name: str, legal: bool) -> None:
    found = problems(
        "security_group_name", fragment("aws_security_group", {"name": name}), aws_rules_plans, aws_rules_mapping
    )
    assert (found == []) is legal, found


@pytest.mark.parametrize(("action", "legal"), [("es:ESHttpPoke", False), ("es:ESHttpPost", True), ("es:ESHttp*", True)])
def test_iam_action_exists(action: str, legal: bool) -> None:
    found = identity_policy_problems(
        {"Effect": "Allow", "Action": [action], "Resource": ["arn:aws:es:us-east-1:123456789012:domain/ctr/*"]}
    )
    assert (found == []) is legal, found


def test_iam_action_scoped_to_a_resource_of_another_type_is_refused() -> None:
    found = identity_policy_problems(
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::backup"]}
    )
    assert found and "s3:GetObject" in found[0]
    assert (
        identity_policy_problems(
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": ["arn:aws:s3:::backup", "arn:aws:s3:::backup/*"],
            }
        )
        == []
    )


def test_iam_action_without_resource_types_needs_a_star() -> None:
    scoped = identity_policy_problems(
        {"Effect": "Allow", "Action": ["xray:PutTraceSegments"], "Resource": ["arn:aws:xray:us-east-1:1:x"]}
    )
    assert scoped and "xray:PutTraceSegments" in scoped[0]
    assert identity_policy_problems({"Effect": "Allow", "Action": ["xray:PutTraceSegments"], "Resource": "*"}) == []


def test_iam_condition_key_must_exist() -> None:
    statement = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:us-east-1:123456789012:key/k"}
    assert identity_policy_problems({**statement, "Condition": {"StringEquals": {"kms:ViaServices": "s3"}}})
    assert identity_policy_problems({**statement, "Condition": {"StringEquals": {"aws:SourceAcount": "1"}}})
    assert (
        identity_policy_problems(
            {**statement, "Condition": {"StringLike": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::b"}}}
        )
        == []
    )


def test_arn_built_from_a_subnet_id_and_the_callers_account_is_refused() -> None:
    statement = {"Effect": "Allow", "Action": "ec2:CreateNetworkInterface"}
    guessed = iam.Policy(
        "crafted",
        "identity",
        policy_document(
            {**statement, "Resource": ["arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0123456789abcdef0"]}
        ),
    )
    assert iam.ownership_problems(guessed)
    wildcard = iam.Policy(
        "crafted",
        "identity",
        policy_document({**statement, "Resource": ["arn:aws:ec2:us-east-1:*:subnet/subnet-0123456789abcdef0", "*"]}),
    )
    assert iam.ownership_problems(wildcard) == []


@pytest.mark.parametrize(
    ("constraint", "runtime", "legal"),
    [
        (">= 6.0", "python3.14", False),
        (">= 6.20", "python3.14", True),
        (">= 6.0", "python3.13", True),
        (">= 6.0", "python3.15", False),
    ],
)
def test_lambda_runtime_against_the_provider_floor(constraint: str, runtime: str, legal: bool) -> None:
    found = provider_rules.lambda_runtime_problems(fragment("aws_lambda_function", {"runtime": runtime}, constraint))
    assert (found == []) is legal, found


def test_server_side_encryption_conflicts_with_a_kinesis_source() -> None:
    both = fragment("aws_kinesis_firehose_delivery_stream", {**STREAM, "kinesis_source_configuration": KINESIS_SOURCE})
    assert provider_rules.conflicts_with_problems(both)
    source_only = {**STREAM, "server_side_encryption": [], "kinesis_source_configuration": KINESIS_SOURCE}
    assert provider_rules.conflicts_with_problems(fragment("aws_kinesis_firehose_delivery_stream", source_only)) == []
    assert provider_rules.conflicts_with_problems(fragment("aws_kinesis_firehose_delivery_stream", STREAM)) == []


@pytest.mark.parametrize(
    ("bucket", "legal"),
    [
        ("xn--ctr-backup", False),
        ("sthree-ctr", False),
        ("ctr..backup", False),
        ("ctr-backup--ol-s3", False),
        ("192.168.5.4", False),
        ("ctr-backup-123456789012-us-east-1", True),
    ],
)
def test_s3_bucket_naming(bucket: str, legal: bool) -> None:
    found = provider_rules.bucket_name_problems(fragment("aws_s3_bucket", {"bucket": bucket}))
    assert (found == []) is legal, found


def test_environment_is_measured_as_lambda_measures_it() -> None:
    # 4,096 bytes of raw names and values, but each '"' costs two bytes in the JSON Lambda measures.
    value = '"' * 4000
    variables = {"RULES": value}
    assert sum(len(text.encode()) for text in (*variables, value)) < 4096
    found = provider_rules.environment_size_problems(
        fragment("aws_lambda_function", {"environment": [{"variables": variables}]})
    )
    assert found and "8012 bytes" in found[0]


def test_io1_volume_without_iops_is_refused() -> None:
    io1 = {**DOMAIN, "ebs_options": [{"ebs_enabled": True, "volume_size": 10, "volume_type": "io1"}]}
    assert provider_rules.ebs_iops_problems(fragment("aws_opensearch_domain", io1))
    io1["ebs_options"][0]["iops"] = 3000
    assert provider_rules.ebs_iops_problems(fragment("aws_opensearch_domain", io1)) == []


ROLE = "arn:aws:iam::123456789012:role/ctr-firehose"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def serverless_policy(kind: str, policy_type: str, policy: Any) -> list[str]:
    resource = {"name": "ctr", "type": policy_type, "policy": json.dumps(policy)}
    return provider_rules.serverless_policy_problems(fragment(kind, resource))


@pytest.mark.parametrize(
    ("policy", "legal"),
    [
        ({"Rules": [{"ResourceType": "collection", "Resource": ["collection/ctr"]}], "AWSOwnedKey": True}, True),
        ({"Rules": [{"ResourceType": "collection", "Resource": ["collection/ctr"]}], "KmsARN": KEY}, True),
        ({"Rules": [{"ResourceType": "collection", "Resource": ["collection/ctr"]}]}, False),  # no key at all
        ({"Rules": [{"ResourceType": "index", "Resource": ["collection/ctr"]}], "AWSOwnedKey": True}, False),
        ({"Rules": [{"ResourceType": "collection", "Resource": ["ctr"]}], "AWSOwnedKey": True}, False),
        ([{"Rules": [{"ResourceType": "collection", "Resource": ["collection/ctr"]}], "AWSOwnedKey": True}], False),
    ],
)
def test_serverless_encryption_policy_shape(policy: Any, legal: bool) -> None:
    found = serverless_policy("aws_opensearchserverless_security_policy", "encryption", policy)
    assert (found == []) is legal, found


@pytest.mark.parametrize(
    ("policy", "legal"),
    [
        ([{"Rules": [{"ResourceType": "dashboard", "Resource": ["collection/ctr"]}], "AllowFromPublic": True}], True),
        (
            [
                {
                    "Rules": [{"ResourceType": "collection", "Resource": ["collection/ctr"]}],
                    "AllowFromPublic": False,
                    "SourceVPCEs": ["vpce-050f79086ee71ac05"],
                }
            ],
            True,
        ),
        (
            [{"Rules": [{"ResourceType": "collection", "Resource": ["collection/ctr"]}], "AllowFromPublic": False}],
            False,
        ),
        ([{"Rules": [{"ResourceType": "index", "Resource": ["index/ctr/ctr"]}], "AllowFromPublic": True}], False),
        (
            [{"Rules": [{"ResourceType": "collection", "Resource": ["collection/ctr"]}], "AllowFromPublic": "yes"}],
            False,
        ),
        ({"Rules": [{"ResourceType": "collection", "Resource": ["collection/ctr"]}], "AllowFromPublic": True}, False),
    ],
)
def test_serverless_network_policy_shape(policy: Any, legal: bool) -> None:
    found = serverless_policy("aws_opensearchserverless_security_policy", "network", policy)
    assert (found == []) is legal, found


def data_rule(kind: str, resource: str, *permissions: str) -> dict[str, Any]:
    return {"ResourceType": kind, "Resource": [resource], "Permission": list(permissions)}


@pytest.mark.parametrize(
    ("policy", "legal"),
    [
        ([{"Rules": [data_rule("index", "index/ctr/ctr", "aoss:WriteDocument")], "Principal": [ROLE]}], True),
        ([{"Rules": [data_rule("collection", "collection/ctr", "aoss:*")], "Principal": ["saml/123/g/x"]}], True),
        ([{"Rules": [data_rule("index", "index/ctr/ctr", "aoss:ReadDocument")], "Principal": []}], False),
        ([{"Rules": [data_rule("index", "index/ctr/ctr", "aoss:CreateCollectionItems")], "Principal": [ROLE]}], False),
        ([{"Rules": [data_rule("collection", "collection/ctr", "aoss:WriteDocument")], "Principal": [ROLE]}], False),
        ([{"Rules": [data_rule("index", "index/ctr/ctr", "es:ESHttpPost")], "Principal": [ROLE]}], False),
        ([{"Rules": [data_rule("index", "ctr", "aoss:WriteDocument")], "Principal": [ROLE]}], False),
        ([{"Rules": [data_rule("index", "index/ctr/ctr", "aoss:WriteDocument")], "Principal": ["firehose"]}], False),
        (
            [
                {
                    "Rules": [data_rule("index", "index/ctr/ctr", "aoss:WriteDocument")],
                    "Principal": [ROLE, "arn:aws:iam::210987654321:role/other-account"],
                }
            ],
            False,  # "Cross-account access isn't supported"
        ),
    ],
)
def test_serverless_data_access_policy_shape(policy: Any, legal: bool) -> None:
    found = serverless_policy("aws_opensearchserverless_access_policy", "data", policy)
    assert (found == []) is legal, found


@pytest.mark.parametrize(
    ("retention", "legal"),
    [("24h", True), ("1d", True), ("3650d", True), ("23h", False), ("3651d", False), ("400", False), ("0d", False)],
)
def test_serverless_lifecycle_policy_retention(retention: str, legal: bool) -> None:
    policy = {"Rules": [{"ResourceType": "index", "Resource": ["index/ctr/ctr"], "MinIndexRetention": retention}]}
    found = serverless_policy("aws_opensearchserverless_lifecycle_policy", "retention", policy)
    assert (found == []) is legal, found
