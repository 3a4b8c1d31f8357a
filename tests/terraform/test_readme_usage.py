"""The README's Usage snippets plan as written, with real Terraform (the offline stand-in in CI).

Each `module "ctr_enrichment"` block in the README's Usage section is planned as the root module's only content,
after one change: its `source` points at a copy of this checkout instead of the Git URL users pin. A renamed or
removed input, a value a validation refuses, or a missing required setting fails here before a user copies it.
The `?ref=` of the snippets must name the newest release in CHANGELOG.md, whose tag `vX.Y.Z` marks it.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import REPO
from tests.support.terraform import checked, copy_module, run_terraform, terraform_environment

pytestmark = pytest.mark.terraform

SOURCE = re.compile(r'^(\s*source\s*=\s*)"([^"]*)"\s*$', re.MULTILINE)


def usage_section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "\n## Usage\n" in readme, "README has no Usage section"
    return readme.split("\n## Usage\n", 1)[1].split("\n## ", 1)[0]


def module_blocks() -> list[str]:
    """The fenced HCL blocks of the Usage section that call the module."""
    blocks = re.findall(r"```hcl\n(.*?)```", usage_section(), flags=re.DOTALL)
    return [block for block in blocks if block.lstrip().startswith('module "ctr_enrichment" {')]


def test_the_usage_section_has_the_minimal_snippet_and_the_bring_your_own_one() -> None:
    blocks = module_blocks()
    assert len(blocks) == 2, "expected the minimal snippet and the bring-your-own snippet"
    assert all(len(SOURCE.findall(block)) == 1 for block in blocks)


def test_the_snippets_pin_the_newest_release_in_the_changelog() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", changelog, flags=re.MULTILINE)
    assert releases, "CHANGELOG.md names no release"
    for block in module_blocks():
        ((_, source),) = SOURCE.findall(block)
        assert source.endswith(f"?ref=v{releases[0]}"), f"{source} is not pinned to v{releases[0]}"


def run(workdir: Path, env: dict[str, str], *args: str) -> str:
    return checked(run_terraform(workdir, *args, env=env))


@pytest.fixture(scope="module")
def snippet_plans() -> Iterator[list[dict[str, Any]]]:
    """`terraform show -json` of each snippet, planned as a root module with the provider in us-east-1."""
    base = Path(tempfile.mkdtemp(prefix="rdm"))  # short: provider sockets live under it
    try:
        copy_module(base / "module", with_mocks=False)
        env = terraform_environment(base / "t")
        documents = []
        for index, block in enumerate(module_blocks()):
            root = base / f"snippet{index}"
            root.mkdir()
            pointed = SOURCE.sub(lambda match: f'{match.group(1)}"../module"', block)
            (root / "main.tf").write_text(f'provider "aws" {{\n  region = "us-east-1"\n}}\n\n{pointed}', "utf-8")
            run(root, env, "init", "-backend=false", "-input=false", "-no-color")
            run(root, env, "plan", "-input=false", "-no-color", "-out=snippet.tfplan")
            documents.append(json.loads(run(root, env, "show", "-json", "snippet.tfplan")))
        yield documents
    finally:
        shutil.rmtree(base, ignore_errors=True)


def planned(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {change["address"]: change["change"]["after"] for change in document["resource_changes"]}


def test_the_minimal_snippet_plans_a_private_pipeline_streaming_from_amazon_connect(
    snippet_plans: list[dict[str, Any]],
) -> None:
    resources = planned(snippet_plans[0])
    domain = resources["module.ctr_enrichment.aws_opensearch_domain.this[0]"]
    assert domain["domain_name"] == "ctr"
    assert len(domain["vpc_options"][0]["subnet_ids"]) == 2
    assert resources["module.ctr_enrichment.aws_connect_instance_storage_config.ctr[0]"]["instance_id"] == (
        "5b4b2b1e-6f1c-4c8e-9d0a-2f6a7c1d3e55"
    )
    networks = {
        after["cidr_ipv4"]
        for address, after in resources.items()
        if address.startswith("module.ctr_enrichment.aws_vpc_security_group_ingress_rule.domain_from_networks")
    }
    assert networks == {"10.20.0.0/16"}


def test_the_bring_your_own_snippet_creates_none_of_what_it_brings(snippet_plans: list[dict[str, Any]]) -> None:
    resources = planned(snippet_plans[1])
    assert not any(
        kind in address
        for address in resources
        for kind in ("aws_dynamodb_table.", "aws_opensearch_domain.", "aws_s3_bucket.")
    )
    stream = resources["module.ctr_enrichment.aws_kinesis_firehose_delivery_stream.this"]
    assert stream["opensearch_configuration"][0]["domain_arn"] == (
        "arn:aws:es:us-east-1:123456789012:domain/contact-centre"
    )
    assert stream["opensearch_configuration"][0]["s3_configuration"][0]["bucket_arn"] == (
        "arn:aws:s3:::contact-centre-firehose-backup"
    )
