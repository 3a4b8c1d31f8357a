"""The deployment package survives the way teams run Terraform: a saved plan applied in another job, a Windows checkout.

Real Terraform (the offline stand-in in CI) plans a copy of the module. The stand-in never opens the package when it
"applies" the function, so an apply alone proves nothing: these tests read the plan itself (`terraform show -json`)
for the file the function will upload and the hash the plan promises, and check the file's bytes against it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support import REPO
from tests.support.terraform import checked, copy_module, planned, run_terraform

pytestmark = pytest.mark.terraform

INPUTS = {"opensearch_public_endpoint_enabled": True}


def base64_sha256(path: Path) -> str:
    return base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()


def save_plan(workdir: Path) -> None:
    (workdir / "inputs.tfvars.json").write_text(json.dumps(INPUTS), encoding="utf-8")
    checked(run_terraform(workdir, "init", "-backend=false", "-input=false", "-no-color"))
    checked(run_terraform(workdir, "plan", "-input=false", "-no-color", "-var-file=inputs.tfvars.json", "-out=tfplan"))


def show(workdir: Path) -> dict[str, Any]:
    return json.loads(checked(run_terraform(workdir, "show", "-json", "tfplan")))


def apply_in_a_fresh_checkout(apply_job: Path) -> None:
    """Apply the saved plan in `apply_job` and check the package it deploys against the plan's hash."""
    assert not (apply_job / "builds").exists(), "a fresh checkout has no build output"
    checked(run_terraform(apply_job, "init", "-backend=false", "-input=false", "-no-color"))

    document = show(apply_job)
    function = planned(document, "aws_lambda_function.this")
    package = apply_job / function["filename"]
    planned_hash = function["source_code_hash"]
    assert isinstance(planned_hash, str) and planned_hash, "the plan must say which package it deploys"

    if not package.exists():
        builders = [
            change["address"]
            for change in document["resource_changes"]
            if change["mode"] == "managed"
            and change["type"] == "archive_file"
            and "create" in change["change"]["actions"]
            and change["change"]["after"].get("output_path") == function["filename"]
        ]
        assert builders, (
            f"the plan deploys {function['filename']}, which only existed in the planning job, and nothing in the "
            "plan builds it during apply"
        )
        checked(run_terraform(apply_job, "apply", "-input=false", "-no-color", "tfplan"))

    assert package.is_file()
    assert base64_sha256(package) == planned_hash, "the package applied is not the one the plan hashed"


def test_a_saved_plan_applies_in_a_fresh_checkout(tmp_path: Path) -> None:
    """plan -out in one job, apply tfplan in another that has only the repository: the package must be there."""
    planning_job = copy_module(tmp_path / "plan-job" / "module")
    save_plan(planning_job)

    # The apply job: a fresh checkout (no builds/, no .terraform/), `terraform init`, and the saved plan.
    apply_job = copy_module(tmp_path / "apply-job" / "module")
    shutil.copy2(planning_job / "tfplan", apply_job / "tfplan")
    apply_in_a_fresh_checkout(apply_job)


def test_a_saved_plan_that_redeploys_unchanged_sources_rebuilds_the_package(tmp_path: Path) -> None:
    """The deployed package differs from the planned one while the sources did not change (say, a new
    hashicorp/archive compresses differently): the apply job must still build what the plan deploys."""
    planning_job = copy_module(tmp_path / "plan-job" / "module")
    (planning_job / "inputs.tfvars.json").write_text(json.dumps(INPUTS), encoding="utf-8")
    checked(run_terraform(planning_job, "init", "-backend=false", "-input=false", "-no-color"))
    checked(
        run_terraform(
            planning_job, "apply", "-auto-approve", "-input=false", "-no-color", "-var-file=inputs.tfvars.json"
        )
    )
    # What an earlier deployment recorded: another package hash for the same sources.
    state = json.loads((planning_job / "terraform.tfstate").read_text(encoding="utf-8"))
    earlier = base64.b64encode(hashlib.sha256(b"an earlier build of the same sources").digest()).decode()
    for resource in state["resources"]:
        for instance in resource["instances"]:
            attributes = instance["attributes"]
            if resource["type"] == "aws_lambda_function":
                attributes["source_code_hash"] = earlier
            if resource["type"] == "terraform_data" and resource["name"] == "lambda_package_hash":
                attributes["input"] = attributes["output"] = {"value": earlier, "type": "string"}
    state["serial"] += 1
    (planning_job / "terraform.tfstate").write_text(json.dumps(state), encoding="utf-8")
    checked(
        run_terraform(planning_job, "plan", "-input=false", "-no-color", "-var-file=inputs.tfvars.json", "-out=tfplan")
    )
    function = planned(show(planning_job), "aws_lambda_function.this")
    assert function["source_code_hash"] != earlier, "the plan must redeploy the function"

    apply_job = copy_module(tmp_path / "apply-job" / "module")
    shutil.copy2(planning_job / "tfplan", apply_job / "tfplan")
    shutil.copy2(planning_job / "terraform.tfstate", apply_job / "terraform.tfstate")
    apply_in_a_fresh_checkout(apply_job)


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_a_crlf_checkout_packages_the_same_bytes(tmp_path: Path) -> None:
    """A clone with core.autocrlf=true (Git for Windows' default) must plan the same source_code_hash."""
    # A repository holding what the module is made of, committed from this working tree...
    origin = copy_module(tmp_path / "origin")
    shutil.rmtree(origin / "tests")
    gitattributes = REPO / ".gitattributes"
    if gitattributes.is_file():
        shutil.copy2(gitattributes, origin / ".gitattributes")
    git(origin, "init", "--quiet")
    git(origin, "add", "--all")
    git(origin, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "module")

    # ...cloned as Git for Windows clones it, and as a Linux box clones it.
    windows = tmp_path / "windows" / "module"
    git(tmp_path, "-c", "core.autocrlf=true", "clone", "--quiet", str(origin), str(windows))
    linux = tmp_path / "linux" / "module"
    git(tmp_path, "-c", "core.autocrlf=false", "clone", "--quiet", str(origin), str(linux))
    for checkout in (windows, linux):
        shutil.copytree(REPO / "tests" / "mocks", checkout / "tests" / "mocks")
        (checkout.parent / "t").mkdir()

    hashes = {}
    for checkout in (windows, linux):
        save_plan(checkout)
        hashes[checkout.parent.name] = planned(show(checkout), "aws_lambda_function.this")["source_code_hash"]
    assert hashes["windows"] == hashes["linux"], "a CRLF checkout would deploy (and keep re-deploying) another package"
    handler = Path("lambda_src/ctr_enrichment/handler.py")
    assert b"\r\n" not in (windows / handler).read_bytes(), "the sources must be checked out with LF everywhere"
