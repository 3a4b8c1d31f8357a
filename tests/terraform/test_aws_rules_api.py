"""Every argument the module sends to AWS, in every configuration's plan, against botocore's API models.

The plans are `terraform show -json` of every example and of the configuration matrix in tests/aws_rules/plans.py;
tests/aws_rules/api_mapping.toml says which API field each argument fills. The run's terminal summary lists the
arguments the mapping does not cover.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.aws_rules import botocore_models, report
from tests.aws_rules.checks import configurations, run
from tests.aws_rules.mapping import coverage

pytestmark = pytest.mark.terraform

# The services the module talks to; each must have arguments that the plans set and the mapping checks.
SERVICES = {
    "firehose",
    "opensearch",
    "opensearchserverless",
    "lambda",
    "dynamodb",
    "cloudwatch",
    "logs",
    "s3",
    "iam",
    "ec2",
    "connect",
}


def test_every_mapping_target_is_a_botocore_field(aws_rules_mapping: Any) -> None:
    problems = []
    for resource_type, entries in aws_rules_mapping.items():
        for path, entry in entries.items():
            if entry.policy not in (None, "identity", "trust", "resource"):
                problems.append(f"{resource_type}.{path}: policy must be identity, trust or resource")
            if entry.target is None:
                continue
            try:
                name, shape = botocore_models.resolve(entry.target)
            except KeyError as error:
                problems.append(str(error))
                continue
            if shape["type"] == "structure":
                problems.append(f"{resource_type}.{path}: {entry.target} is the structure {name}, not a field")
            if "pattern" in shape:
                botocore_models.compiled(shape["pattern"])  # every pattern must compile
    assert problems == []


@pytest.mark.parametrize("name", configurations("api"))
def test_planned_values_meet_the_api_models(aws_rules_plans: Any, aws_rules_mapping: Any, name: str) -> None:
    assert run("api", aws_rules_plans, name, aws_rules_mapping) == []


def test_the_mapping_covers_what_the_plans_set(aws_rules_plans: Any, aws_rules_mapping: Any) -> None:
    documents = [document for _, document in aws_rules_plans.planned()]
    result = coverage(documents, aws_rules_plans.schema, aws_rules_mapping)
    report.add(*result.summary())
    checked_services = {
        entry.target.service
        for (resource_type, path) in result.mapped
        if (entry := aws_rules_mapping[resource_type][path]).target is not None
    }
    assert checked_services >= SERVICES, f"no planned argument checked for {SERVICES - checked_services}"
    assert len(result.mapped) > 150  # the plans set ~190 arguments; a walk that finds few is broken
