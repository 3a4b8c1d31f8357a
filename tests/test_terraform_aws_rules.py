"""The module held against AWS's own rules, one regression test per finding of issue 9 that needs more than a mock.

Real Terraform (the offline stand-in in CI) plans a copy of the module; the tests read the plan (`terraform show
-json`) or Terraform's own verdict on an input, and compare them with the rule AWS documents: the provider's
validators, the API models in botocore, IAM's evaluation of a policy, the function's own Python code. The sources
are cited next to each rule. (tests/*.tftest.hcl hold the findings a mocked plan can show.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.test_terraform_contract import checked, copy_module, plan, run_terraform

pytestmark = pytest.mark.terraform

ACCOUNT = "123456789012"  # the stand-in's aws_caller_identity
REGION = "us-east-1"


@pytest.fixture(scope="module")
def module_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = copy_module(tmp_path_factory.mktemp("terraform") / "module")
    checked(run_terraform(workdir, "init", "-backend=false", "-input=false", "-no-color"))
    return workdir


def hcl(value: Any) -> str:
    """A Terraform expression for a JSON-like value (JSON is valid HCL for these)."""
    return json.dumps(value, ensure_ascii=False)


MOCKS = """mock_provider "aws" {
  source = "./tests/mocks/aws"
}
mock_provider "archive" {
  source = "./tests/mocks/archive"
}
variables {
  opensearch_allow_public_endpoint = true
}
"""


def verdicts(workdir: Path, directory: str, cases: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Plan each case (its variables) in a `terraform test` run with mocks; the error diagnostics of each case."""
    cases_dir = workdir / directory
    cases_dir.mkdir()
    for case, variables in cases.items():  # one file per case: a run that fails ends its file
        assignments = "".join(f"    {name} = {hcl(value)}\n" for name, value in variables.items())
        (cases_dir / f"{case}.tftest.hcl").write_text(
            f'{MOCKS}run "{case}" {{\n  command = plan\n  variables {{\n{assignments}  }}\n}}\n', encoding="utf-8"
        )
    result = run_terraform(workdir, "test", "-json", "-no-color", f"-test-directory={directory}")
    found: dict[str, list[str]] = {case: [] for case in cases}
    completed: set[str] = set()
    for line in result.stdout.splitlines():
        message = json.loads(line)
        case = message.get("@testrun")
        if message.get("type") == "diagnostic" and message["diagnostic"]["severity"] == "error" and case:
            diagnostic = message["diagnostic"]
            found[case].append(f"{diagnostic['summary']}: {diagnostic.get('detail', '')}")
        if message.get("type") == "test_run" and message["test_run"].get("progress") == "complete":
            completed.add(message["test_run"]["run"])
    assert completed == set(cases), f"not every case ran:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return found


# --- Finding 3: the provider floor admits only releases that accept every runtime the module allows -----------

# The first hashicorp/aws release whose `runtime` validator (enum.Validate[awstypes.Runtime], the aws-sdk-go-v2
# enum it was built with; internal/service/lambda/function.go) accepts each runtime. Every 6.x release accepts
# python3.11-3.13 (added in 4.x/5.x). python3.14 came with aws-sdk-go-v2 release-2025-10-31, first shipped in
# 6.20.0 (2025-11-06); 6.19.0 is dated 2025-10-30 (provider CHANGELOG; hashicorp/terraform-provider-aws#44984).
FIRST_PROVIDER_ACCEPTING = {
    "python3.11": (6, 0, 0),
    "python3.12": (6, 0, 0),
    "python3.13": (6, 0, 0),
    "python3.14": (6, 20, 0),
}
CANDIDATE_RUNTIMES = ["python3.9", "python3.10", *FIRST_PROVIDER_ACCEPTING, "python3.15", "nodejs22.x"]


def version(text: str) -> tuple[int, int, int]:
    major, minor, patch = [*(int(p) for p in text.strip().lstrip("v").split(".")), 0, 0, 0][:3]
    return major, minor, patch


def lowest_admitted(constraint: str) -> tuple[int, int, int]:
    """The lowest version a Terraform version constraint admits (>=, >, =, ~> terms joined by commas)."""
    floor = (0, 0, 0)
    for term in constraint.split(","):
        match = re.fullmatch(r"\s*(>=|>|=|~>)?\s*([0-9][0-9.]*)\s*", term)
        assert match, f"constraint term {term!r} is not understood by this test"
        operator, bound = match.group(1) or "=", version(match.group(2))
        if operator == ">":
            bound = (bound[0], bound[1], bound[2] + 1)
        if operator in (">=", ">", "=", "~>"):
            floor = max(floor, bound)
    return floor


def test_provider_floor_accepts_every_allowed_runtime(module_copy: Path) -> None:
    found = verdicts(
        module_copy,
        "runtimes",
        {re.sub(r"[^a-z0-9]", "_", runtime): {"lambda_runtime": runtime} for runtime in CANDIDATE_RUNTIMES},
    )
    allowed = [runtime for runtime in CANDIDATE_RUNTIMES if not found[re.sub(r"[^a-z0-9]", "_", runtime)]]
    assert allowed, "no runtime plans"
    unknown = [runtime for runtime in allowed if runtime not in FIRST_PROVIDER_ACCEPTING]
    assert not unknown, f"lambda_runtime now allows {unknown}: add the first provider release that accepts it"

    document = plan(module_copy, "runtime", {"opensearch_allow_public_endpoint": True})
    constraint = document["configuration"]["provider_config"]["aws"]["version_constraint"]
    floor = lowest_admitted(constraint)
    too_old = {
        runtime: FIRST_PROVIDER_ACCEPTING[runtime] for runtime in allowed if floor < FIRST_PROVIDER_ACCEPTING[runtime]
    }
    assert not too_old, (
        f'hashicorp/aws "{constraint}" admits {".".join(map(str, floor))}, which rejects {sorted(too_old)} at plan '
        f"(first accepted in {sorted(set(too_old.values()))})"
    )
