"""Running real Terraform (the offline stand-in in CI) on a scratch copy of the module, and reading its plans."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support import REPO


def terraform() -> str:
    found = shutil.which("terraform")
    if found is None:
        pytest.fail(
            "terraform is not on PATH. Run `make setup` (it installs the offline stand-in when "
            "../shared/offline-terraform exists and puts it on PATH for make) or install Terraform >= 1.9, "
            "then run these tests again.",
            pytrace=False,
        )
    return found


def terraform_environment(tmpdir: Path | None = None) -> dict[str, str]:
    """The environment every test runs Terraform in: offline credentials in us-east-1, no prompts, no checkpoint.

    Provider plugins leave per-start socket directories under TMPDIR: `tmpdir` keeps them in the scratch tree,
    which must stay short (Unix sockets allow ~100 characters)."""
    env = dict(
        os.environ,
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="offline",
        AWS_SECRET_ACCESS_KEY="offline",
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
        CHECKPOINT_DISABLE="1",
    )
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "TF_DATA_DIR", "TF_WORKSPACE"):
        env.pop(name, None)
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    return env


def run_terraform(workdir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if env is None:
        # The scratch copy's sibling "t" (copy_module makes it), unless that path is too long for a socket.
        scratch = workdir.parent / "t"
        env = terraform_environment(scratch if len(str(scratch)) <= 48 else None)
    return subprocess.run(
        [terraform(), *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def checked(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"terraform {result.args[1:]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def copy_module(destination: Path, with_mocks: bool = True) -> Path:
    """The module as a user gets it (root .tf files and lambda_src/), with the shared test mocks unless told not."""
    destination.mkdir(parents=True)
    (destination.parent / "t").mkdir(exist_ok=True)
    for path in REPO.glob("*.tf"):
        shutil.copy2(path, destination / path.name)
    shutil.copytree(REPO / "lambda_src", destination / "lambda_src", ignore=shutil.ignore_patterns("__pycache__"))
    if with_mocks:
        shutil.copytree(REPO / "tests" / "mocks", destination / "tests" / "mocks")
    return destination


def plan(workdir: Path, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """Plan with the given inputs and return `terraform show -json` of the plan."""
    var_file = workdir / f"{name}.tfvars.json"
    var_file.write_text(json.dumps(inputs, ensure_ascii=False), encoding="utf-8")
    checked(
        run_terraform(workdir, "plan", "-input=false", "-no-color", f"-var-file={var_file.name}", f"-out={name}.tfplan")
    )
    return json.loads(checked(run_terraform(workdir, "show", "-json", f"{name}.tfplan")))


def planned(document: dict[str, Any], address: str) -> dict[str, Any]:
    matches = [r["change"]["after"] for r in document["resource_changes"] if r["address"] == address]
    assert len(matches) == 1, f"{address} is not planned exactly once"
    return matches[0]


MOCK_PROVIDERS = """mock_provider "aws" {
  source = "./tests/mocks/aws"
}
mock_provider "archive" {
  source = "./tests/mocks/archive"
}
"""


def plan_verdicts(workdir: Path, directory: str, cases: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Terraform's verdict on each case (its input variables), planned with the mock providers: the error
    diagnostics of each case, empty when the plan succeeds.

    Each case gets its own test file, since a run that fails ends its file; one `terraform test` runs them all,
    which costs one provider start instead of one per case.
    """
    cases_dir = workdir / directory
    cases_dir.mkdir()
    for case, variables in cases.items():
        assignments = "".join(
            f"    {name} = {json.dumps(value, ensure_ascii=False)}\n" for name, value in variables.items()
        )
        (cases_dir / f"{case}.tftest.hcl").write_text(
            f'{MOCK_PROVIDERS}run "{case}" {{\n  command = plan\n  variables {{\n{assignments}  }}\n}}\n',
            encoding="utf-8",
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
