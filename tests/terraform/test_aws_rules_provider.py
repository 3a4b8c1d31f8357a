"""Provider validators and documented AWS rules that botocore's models cannot express, applied to every plan.

Each rule is data in tests/aws_rules/provider_rules.py, citing the provider source function or the AWS guide it
comes from, and applies to any resource of its type in any plan (a future Kinesis-source delivery stream is
checked for the server_side_encryption conflict without a new test).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.aws_rules import provider_rules
from tests.aws_rules.checks import configurations, run
from tests.aws_rules.plans import BY_NAME

pytestmark = pytest.mark.terraform


@pytest.mark.parametrize("name", configurations("security_group_name"))
def test_security_group_names_do_not_begin_with_sg(aws_rules_plans: Any, aws_rules_mapping: Any, name: str) -> None:
    """resourceSecurityGroup (internal/service/ec2/vpc_security_group.go): name StringDoesNotMatch `^sg-`."""
    assert run("security_group_name", aws_rules_plans, name, aws_rules_mapping) == []


@pytest.mark.parametrize("name", configurations("runtime"))
def test_lambda_runtime_is_known_to_the_lowest_provider_the_module_allows(
    aws_rules_plans: Any, aws_rules_mapping: Any, name: str
) -> None:
    """resourceFunction (internal/service/lambda/function.go): runtime enum.Validate[awstypes.Runtime]()."""
    assert run("runtime", aws_rules_plans, name, aws_rules_mapping) == []


@pytest.mark.parametrize("name", configurations("conflicts_with"))
def test_no_conflicts_with_pair_is_set(aws_rules_plans: Any, aws_rules_mapping: Any, name: str) -> None:
    """resourceDeliveryStream (internal/service/firehose/delivery_stream.go): kinesis_source_configuration and
    msk_source_configuration ConflictsWith server_side_encryption; resourceSecurityGroup: name with name_prefix."""
    assert run("conflicts_with", aws_rules_plans, name, aws_rules_mapping) == []


# The configurations that render kinesis_source_configuration: the pair the provider refuses is checked on them.
KINESIS_SOURCE_CONFIGURATIONS = [
    name
    for name, c in BY_NAME.items()
    if c.refused_by is None and ({"kinesis_source", "kinesis_stream_arn"} & set(c.inputs))
]


@pytest.mark.parametrize("name", KINESIS_SOURCE_CONFIGURATIONS or ["none"])
def test_the_kinesis_source_plans_render_no_server_side_encryption(
    aws_rules_plans: Any, aws_rules_mapping: Any, name: str
) -> None:
    """resourceDeliveryStream: kinesis_source_configuration ConflictsWith server_side_encryption, which the offline
    stand-in does not enforce. The check runs on the real plan of each Kinesis-source configuration (module and
    example), which must render the source: a plan without it would make the check pass without looking."""
    assert KINESIS_SOURCE_CONFIGURATIONS, "no configuration in tests/aws_rules/plans.py uses kinesis_source"
    document = aws_rules_plans.document(name)
    (stream,) = [
        change["change"]["after"]
        for change in document["resource_changes"]
        if change["type"] == "aws_kinesis_firehose_delivery_stream"
    ]
    assert len(stream["kinesis_source_configuration"]) == 1
    assert stream["kinesis_source_configuration"][0]["kinesis_stream_arn"].startswith("arn:aws:kinesis:")
    assert run("conflicts_with", aws_rules_plans, name, aws_rules_mapping) == []
    # The same plan with the block the module leaves out is refused, so the check sees this plan's stream.
    with_encryption = {
        **document,
        "resource_changes": [
            {
                **change,
                "change": {
                    **change["change"],
                    "after": {**change["change"]["after"], "server_side_encryption": [{"enabled": True}]},
                },
            }
            if change["type"] == "aws_kinesis_firehose_delivery_stream"
            else change
            for change in document["resource_changes"]
        ],
    }
    assert provider_rules.conflicts_with_problems(with_encryption)


@pytest.mark.parametrize("name", configurations("serverless_policies"))
def test_opensearch_serverless_policies_have_their_documented_shapes(
    aws_rules_plans: Any, aws_rules_mapping: Any, name: str
) -> None:
    assert run("serverless_policies", aws_rules_plans, name, aws_rules_mapping) == []


@pytest.mark.parametrize("name", configurations("bucket_name"))
def test_bucket_names_follow_the_s3_naming_rules(aws_rules_plans: Any, aws_rules_mapping: Any, name: str) -> None:
    assert run("bucket_name", aws_rules_plans, name, aws_rules_mapping) == []


@pytest.mark.parametrize("name", configurations("environment_size"))
def test_function_environment_fits_lambdas_4_kb_as_lambda_measures_it(
    aws_rules_plans: Any, aws_rules_mapping: Any, name: str
) -> None:
    assert run("environment_size", aws_rules_plans, name, aws_rules_mapping) == []


@pytest.mark.parametrize("name", configurations("ebs_iops"))
def test_provisioned_iops_volumes_get_an_iops_value(aws_rules_plans: Any, aws_rules_mapping: Any, name: str) -> None:
    assert run("ebs_iops", aws_rules_plans, name, aws_rules_mapping) == []


@pytest.mark.parametrize(
    ("constraint", "lowest"),
    [
        (">= 6.0", (6, 0, 0)),
        (">= 6.0.0, >= 6.20.0", (6, 20, 0)),
        ("~> 6.20", (6, 20, 0)),
        (">= 6.20, < 7.0", (6, 20, 0)),
        ("= 6.69.1", (6, 69, 1)),
    ],
)
def test_the_lowest_allowed_provider_is_read_from_the_constraint(constraint: str, lowest: tuple[int, ...]) -> None:
    assert provider_rules.lowest_allowed_version(constraint) == lowest
