"""The layer's checks by name, each a function of one plan document: what the tests and the self-test call.

A self-test feeds crafted plan fragments (`fragment`) through exactly these functions, so the layer is shown to
reject what AWS rejects, not only to accept the module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.aws_rules import botocore_models, iam, provider_rules
from tests.aws_rules.mapping import Entry, arguments
from tests.aws_rules.plans import BY_NAME, PlanSet

Mapping = dict[str, dict[str, Entry]]


def api_problems(document: dict[str, Any], schema: dict[str, Any], mapping: Mapping) -> list[str]:
    """Every mapped argument's value against its botocore shape (policies as the compact JSON providers send)."""
    found = []
    for argument in arguments(document, schema):
        entry = mapping.get(argument.resource_type, {}).get(argument.path)
        if entry is None or entry.target is None:
            continue
        value = argument.value
        if entry.policy is not None and isinstance(value, str):
            value = json.dumps(json.loads(value), separators=(",", ":"), ensure_ascii=False)
        found += [
            f"{argument.address} {argument.path} ({entry.target}): {problem}"
            for problem in botocore_models.check(entry.target, value)
        ]
    return found


def iam_problems(document: dict[str, Any], schema: dict[str, Any], mapping: Mapping) -> list[str]:
    return [problem for policy in iam.policies(document, schema, mapping) for problem in iam.problems(policy)]


def resource_owner_problems(document: dict[str, Any], schema: dict[str, Any], mapping: Mapping) -> list[str]:
    return [problem for policy in iam.policies(document, schema, mapping) for problem in iam.ownership_problems(policy)]


def _plan_only(check: Callable[[dict[str, Any]], list[str]]) -> Callable[[dict[str, Any], Any, Any], list[str]]:
    return lambda document, _schema, _mapping: check(document)


CHECKS: dict[str, Callable[[dict[str, Any], dict[str, Any], Mapping], list[str]]] = {
    "api": api_problems,
    "iam": iam_problems,
    "resource_owner": resource_owner_problems,
    "security_group_name": _plan_only(provider_rules.security_group_name_problems),
    "runtime": _plan_only(provider_rules.lambda_runtime_problems),
    "conflicts_with": _plan_only(provider_rules.conflicts_with_problems),
    "bucket_name": _plan_only(provider_rules.bucket_name_problems),
    "environment_size": _plan_only(provider_rules.environment_size_problems),
    "ebs_iops": _plan_only(provider_rules.ebs_iops_problems),
    "serverless_policies": _plan_only(provider_rules.serverless_policy_problems),
}


def configurations(check: str) -> list[Any]:
    """Every configuration as a pytest parameter."""
    assert check in CHECKS
    return [pytest.param(name, id=name) for name in BY_NAME]


def run(check: str, plans: PlanSet, name: str, mapping: Mapping) -> list[str]:
    """The check's problems on one configuration's plan; [] when Terraform refused the inputs on purpose."""
    result = plans.results[name]
    if result.document is None:
        refused_by = result.configuration.refused_by
        errors = result.error[result.error.find("Error:") :]
        assert refused_by is not None and result.refused and re.search(rf"\b{refused_by}\b", errors), (
            f"configuration {name} did not plan (only a refusal naming {refused_by} is expected):\n{result.error}"
        )
        return []  # the module refuses at plan time what AWS would refuse at apply: the right outcome
    return CHECKS[check](result.document, plans.schema, mapping)


def fragment(resource_type: str, values: dict[str, Any], aws_constraint: str = ">= 6.0.0") -> dict[str, Any]:
    """A plan document holding one resource to create, shaped like `terraform show -json`."""
    return {
        "resource_changes": [
            {
                "address": f"{resource_type}.crafted",
                "mode": "managed",
                "type": resource_type,
                "change": {"actions": ["create"], "after": values},
            }
        ],
        "configuration": {
            "provider_config": {
                "aws": {"full_name": "registry.terraform.io/hashicorp/aws", "version_constraint": aws_constraint}
            }
        },
    }
