"""The installed command line works from its wheel alone: no checkout, no development helpers, no test path.

The wheel is built from the package sources (offline: the pinned setuptools, no build isolation) and installed
into a fresh virtualenv that holds nothing else but its declared dependencies, boto3 and phonenumbers and what they
need (linked from this environment, as pip would have installed them, so no index is needed). The console script
then runs from a directory outside the checkout: ``--help``, ``opensearch-setup --help``, and the demo against
dynalite: its customer master loaded with ``load-customers``, then its CTRs replayed.
"""

from __future__ import annotations

import base64
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import uuid
import venv
import zipfile
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

from devtools.dynalite import create_table
from tests.support import REPO

DEMO = REPO / "demo"
# What a wheel is built from (pyproject.toml names README.md as the long description).
SOURCES = ("pyproject.toml", "README.md", "lambda_src", "tools")
# The dependencies pyproject.toml declares (pip check below proves the wheel asks for exactly these).
DECLARED = ("boto3", "phonenumbers")


def run(*command: str | Path, **options: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=300, check=False, **options
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


def dependency_closure(name: str) -> list[importlib.metadata.Distribution]:
    """The distribution and every one it requires (extras aside), as installed here."""
    seen: dict[str, importlib.metadata.Distribution] = {}
    pending = [name]
    while pending:
        distribution = importlib.metadata.distribution(pending.pop())
        key = distribution.metadata["Name"].lower()
        if key in seen:
            continue
        seen[key] = distribution
        for text in distribution.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return list(seen.values())


def link_distribution(distribution: importlib.metadata.Distribution, site: Path) -> None:
    """Make ``distribution`` installed in ``site``: its top-level packages or modules and its .dist-info."""
    tops = {file.parts[0] for file in distribution.files or [] if file.parts[0] not in {"..", "__pycache__"}}
    for top in tops:
        source = Path(str(distribution.locate_file(top)))
        if source.exists() and not (site / top).exists():
            (site / top).symlink_to(source)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(REPO / name, source / name)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", work, source)
    (built,) = work.glob("ctr_enrichment-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path) -> Path:
    """A fresh virtualenv holding the wheel and its dependencies only; returns its bin directory."""
    environment = wheel.parent / "venv"
    venv.EnvBuilder(with_pip=False).create(environment)
    python = environment / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    for requirement in DECLARED:
        for distribution in dependency_closure(requirement):
            link_distribution(distribution, site)
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", python)
    run(*pip, "install", "--no-deps", "--no-index", wheel)
    run(*pip, "check")  # the wheel's declared requirements are met by exactly these
    return environment / "bin"


def outside_the_checkout(tmp_path: Path) -> dict[str, Any]:
    """Run options: a working directory and an environment in which nothing points at the checkout."""
    environment = {name: value for name, value in os.environ.items() if name not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    environment["PATH"] = os.pathsep.join(
        part for part in environment.get("PATH", "").split(os.pathsep) if not part.startswith(str(REPO))
    )
    return {"cwd": tmp_path, "env": environment}


def test_the_wheel_holds_the_packages_and_their_data_and_no_development_helper(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"ctr_enrichment/handler.py", "ctr_enrichment/contract.json", "ctr_enrichment/numbering.json"} <= names
    assert "ctr_enrichment_tools/opensearch_assets/index-template.json" in names
    tops = {name.split("/")[0] for name in names}
    assert tops == {"ctr_enrichment", "ctr_enrichment_tools", wheel.name.split("-py3")[0] + ".dist-info"}
    modules = {Path(name).stem for name in names if name.endswith(".py")}
    assert not modules & {"dynalite", "local_dynamodb", "fault_proxy", "demo", "conftest"}


def test_the_installed_command_line_runs_from_the_wheel_alone(installed: Path, tmp_path: Path) -> None:
    options = outside_the_checkout(tmp_path)
    where = run(
        installed / "python",
        "-c",
        "import ctr_enrichment, ctr_enrichment_tools, importlib.util; "
        "print(ctr_enrichment.__file__, ctr_enrichment_tools.__file__, importlib.util.find_spec('devtools'))",
        **options,
    ).stdout.split()
    assert all(path.startswith(str(installed.parent)) for path in where[:2]), where
    assert where[2] == "None"  # the development helpers stay in the checkout

    usage = run(installed / "ctr-enrichment", "--help", **options).stdout
    assert usage.startswith("usage: ctr-enrichment [-h] COMMAND") and "replay" in usage and "opensearch-setup" in usage
    setup = run(installed / "ctr-enrichment", "opensearch-setup", "--help", **options).stdout
    assert "--endpoint ENDPOINT" in setup and "--firehose-role-arn ARN" in setup


def test_the_installed_tools_load_the_demo_master_and_replay_the_demo_data_against_dynalite(
    installed: Path, dynalite: Any, tmp_path: Path
) -> None:
    table = f"demo-{uuid.uuid4().hex[:8]}"
    create_table(dynalite, table, "contact")
    rules = tmp_path / "rules.json"
    demo_rules = json.loads((DEMO / "enrichment_rules.json").read_text(encoding="utf-8"))
    rules.write_text(json.dumps([{**rule, "table": table} for rule in demo_rules], ensure_ascii=False))
    aws = ["--endpoint-url", dynalite.meta.endpoint_url, "--region", "ap-northeast-1"]
    load = subprocess.run(
        [
            str(installed / "ctr-enrichment"),
            "load-customers",
            str(DEMO / "customers.csv"),
            "--rules",
            f"@{rules}",
            "--phone-column",
            "代表電話",
            "--phone-column",
            "携帯電話",
            "--email-column",
            "メール",
            "--attribute",
            "契約者会社名",
            "--attribute",
            "Tier=ランク",
            *aws,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        **outside_the_checkout(tmp_path),
    )
    assert load.returncode == 1, load.stderr  # the demo master's one bad row; the rest is written
    assert "new 14, changed 0, unchanged 0" in load.stdout and "Written               14" in load.stdout
    out = tmp_path / "out"
    result = run(
        installed / "ctr-enrichment",
        "replay",
        DEMO / "ctrs.ndjson",
        DEMO / "processing-failed",
        "--rules",
        f"@{rules}",
        *aws,
        "--bulk",
        "--out-dir",
        out,
        "--no-progress",
        **outside_the_checkout(tmp_path),
    )
    assert "Calls by company (Customer.CompanyName), top 10" in result.stdout
    sample = (DEMO / "ctrs.ndjson").read_text(encoding="utf-8").splitlines()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["results"] == {"Ok": len(sample) + 1, "ProcessingFailed": 1, "Dropped": 0}
    assert summary["input_problems"] == 0 and summary["failed_invocations"] == []
    (failed,) = summary["processing_failed_records"]
    assert failed["reason"].startswith("data is not valid JSON: ")  # the truncated record, and why
    assert summary["chart"]["values"]["株式会社サンプル商事"] == 9  # tests/tools/test_demo.py says why
    (truncated,) = [json.loads(line) for line in (out / "processing-failed.ndjson").read_text().splitlines()]
    assert not base64.b64decode(truncated["rawData"]).endswith(b"}")
