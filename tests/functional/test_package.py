"""The deployable zip: only lambda_src/, importable and working in a clean interpreter with only boto3."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from ctr_enrichment_tools.harness import firehose_event
from devtools.dynalite import create_table, put_items
from tests.support import REPO
from tests.support.ctrs import CUSTOMER_RULE, caller

LAMBDA_SRC = REPO / "lambda_src"
# What the Lambda runtime provides besides the standard library.
RUNTIME_PACKAGES = ("boto3", "botocore", "jmespath", "s3transfer", "dateutil", "urllib3", "six")


def build_zip(destination: Path) -> Path:
    """Zip lambda_src/ as the module's archive_file does: package at the root, no caches, no tests."""
    archive = destination / "lambda.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(LAMBDA_SRC.rglob("*")):
            relative = path.relative_to(LAMBDA_SRC)
            if path.is_dir() or "__pycache__" in relative.parts or path.suffix == ".pyc":
                continue
            bundle.write(path, relative.as_posix())
    return archive


def runtime_site(destination: Path) -> Path:
    """A site directory holding only the runtime's packages (links to the installed copies)."""
    site = destination / "runtime-site"
    site.mkdir()
    for name in RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None, f"{name} is not installed"
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        (site / source.name).symlink_to(source)
    return site


def test_the_zip_holds_only_the_package(tmp_path: Path) -> None:
    names = zipfile.ZipFile(build_zip(tmp_path)).namelist()
    assert {"ctr_enrichment/handler.py", "ctr_enrichment/contract.json", "ctr_enrichment/numbering.json"} <= set(names)
    assert all(name.startswith("ctr_enrichment/") and name.endswith((".py", ".json")) for name in names)


def test_the_unzipped_handler_runs_in_a_clean_interpreter(tmp_path: Path, dynalite_table: str, dynalite: Any) -> None:
    unpacked = tmp_path / "task"
    zipfile.ZipFile(build_zip(tmp_path)).extractall(unpacked)
    # A second rule on a table of national numbers: numbering.json is in the zip, and enough (no phone library).
    national_table = f"{dynalite_table}-jp"
    create_table(dynalite, national_table)
    put_items(dynalite, national_table, [{"number": "0312345678", "契約者会社名": "国内表記の会社"}])
    national = {**CUSTOMER_RULE, "name": "national", "table": national_table, "target": "CustomerJP"}
    site = runtime_site(tmp_path)
    event = firehose_event([caller("+81312345678"), b"oops"])
    # The harness (standard library only) comes from the checkout; the function from the zip.
    script = f"""
import json, sys
sys.path[:0] = [{str(unpacked)!r}, {str(site)!r}, {str(REPO / "tools")!r}]
try:
    import moto
except ImportError:
    pass
else:
    raise SystemExit("moto is importable: the interpreter is not clean")
from ctr_enrichment_tools.harness import LambdaContext, cold_start
function = cold_start()
assert function.module.__file__.startswith({str(unpacked)!r}), function.module.__file__
response = function(json.loads(sys.stdin.read()), LambdaContext(remaining_ms=30000))
print("RESPONSE " + json.dumps(response))
"""
    environment = {
        "PATH": os.environ["PATH"],
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "ap-northeast-1",
        "AWS_ENDPOINT_URL_DYNAMODB": os.environ["AWS_ENDPOINT_URL_DYNAMODB"],
        "ENRICHMENT_RULES": json.dumps(
            [{**CUSTOMER_RULE, "table": dynalite_table}, {**national, "key_format": "national", "country": "JP"}]
        ),
    }
    completed = subprocess.run(
        [sys.executable, "-I", "-S", "-c", script],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    (line,) = [line for line in completed.stdout.splitlines() if line.startswith("RESPONSE ")]
    response = json.loads(line.removeprefix("RESPONSE "))
    assert [r["result"] for r in response["records"]] == ["Ok", "ProcessingFailed"]
    assert [r["recordId"] for r in response["records"]] == ["record-00000", "record-00001"]
    enriched = json.loads(base64.b64decode(response["records"][0]["data"]))
    assert enriched["Customer"]["CompanyName"] == "株式会社サンプル商事"
    assert enriched["CustomerJP"]["CompanyName"] == "国内表記の会社"
