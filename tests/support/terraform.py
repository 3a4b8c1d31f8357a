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


def run_terraform(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="offline",
        AWS_SECRET_ACCESS_KEY="offline",
        TF_IN_AUTOMATION="1",
        CHECKPOINT_DISABLE="1",
    )
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "TF_DATA_DIR", "TF_WORKSPACE"):
        env.pop(name, None)
    # Provider plugins leave per-start socket directories behind: keep them with the scratch copy, unless
    # the path would get too long for a Unix socket (~100 characters).
    scratch = workdir.parent / "t"
    if len(str(scratch)) <= 48:
        env["TMPDIR"] = str(scratch)
    return subprocess.run(
        [terraform(), *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def checked(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"terraform {result.args[1:]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def copy_module(destination: Path) -> Path:
    """The module as a user gets it: root .tf files, lambda_src/ and the shared test mocks."""
    destination.mkdir(parents=True)
    (destination.parent / "t").mkdir(exist_ok=True)
    for path in REPO.glob("*.tf"):
        shutil.copy2(path, destination / path.name)
    shutil.copytree(REPO / "lambda_src", destination / "lambda_src", ignore=shutil.ignore_patterns("__pycache__"))
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
