"""What a user expects of a release, held by tests: one vocabulary in the docs, a changelog that lists every rename,
the tool configurations agreeing with the project's own pins and generator, and a setup that needs only what it
says it needs."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
import yaml

from scripts import gen_tf_docs
from tests.support import REPO


def read(name: str) -> str:
    return (REPO / name).read_text(encoding="utf-8")


# --- CHANGELOG: a first release, Unreleased above it, and every rename with its upgrade note ---------------------


def rename_table() -> list[tuple[str, str, str]]:
    """(old, new, what to do) rows of the 1.0.0 upgrade table."""
    section = read("CHANGELOG.md").split("### Upgrading from pre-release `main`", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \| `([^`]+)` \| (.+) \|$", section, flags=re.MULTILINE)


def test_the_changelog_has_unreleased_above_the_releases_newest_first() -> None:
    headings = re.findall(r"^## (.+)$", read("CHANGELOG.md"), flags=re.MULTILINE)
    assert headings[0] == "Unreleased"
    releases = [re.fullmatch(r"\[(\d+)\.(\d+)\.(\d+)\] - (\d{4}-\d{2}-\d{2})", heading) for heading in headings[1:]]
    assert all(releases), f"a release heading is not '[X.Y.Z] - YYYY-MM-DD': {headings[1:]}"
    versions = [tuple(int(part) for part in match.groups()[:3]) for match in releases if match]
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)
    assert versions[-1] == (1, 0, 0), "the first release is 1.0.0"


def test_the_package_version_is_the_newest_release() -> None:
    newest = re.search(r"^## \[(\d+\.\d+\.\d+)\]", read("CHANGELOG.md"), flags=re.MULTILINE)
    assert newest is not None
    assert re.search(rf'^version = "{re.escape(newest.group(1))}"$', read("pyproject.toml"), flags=re.MULTILINE)


def test_every_rename_goes_from_a_removed_name_to_an_input_of_the_module() -> None:
    variables, _ = gen_tf_docs.read_module(REPO)
    names = {variable.name for variable in variables}
    vpc_config = next(variable for variable in variables if variable.name == "vpc_config")
    rows = rename_table()
    assert len(rows) >= 20
    for old, new, what_to_do in rows:
        assert new in names, f"{new} is not an input"
        if "." in old:  # an attribute of an object input
            parent, attribute = old.split(".", 1)
            assert parent in names and attribute not in vpc_config.type, f"{old} still exists"
        else:
            assert old not in names, f"{old} is still an input"
        assert what_to_do.strip(), f"{old} has no upgrade note"


def test_the_readme_and_the_examples_use_only_the_settled_names() -> None:
    # lookup_table_name is still an output (the name of the module's table), just no longer an input.
    _, outputs = gen_tf_docs.read_module(REPO)
    olds = [old.split(".")[-1] for old, _, _ in rename_table() if old not in {output.name for output in outputs}]
    documents = {"README.md": read("README.md")}
    documents |= {
        str(path.relative_to(REPO)): path.read_text(encoding="utf-8")
        for path in (REPO / "examples").rglob("*")
        if path.is_file()
    }
    found = [
        f"{name}: {old}"
        for name, text in documents.items()
        for old in olds
        # As a code span, an argument (`old =`), a reference (var.old) or a -var flag.
        if re.search(rf"`{old}[` =]|^\s*{old}\s*=|var\.{old}\b|-var '{old}=", text, flags=re.MULTILINE)
    ]
    assert found == []


# --- README ------------------------------------------------------------------------------------------------------


def test_the_readme_keeps_only_the_markers_a_tool_uses() -> None:
    markers = set(re.findall(r"<!-- ?([A-Z_]+) ?-->", read("README.md")))
    assert markers == {"BEGIN_TF_DOCS", "END_TF_DOCS"}
    assert f"{gen_tf_docs.BEGIN}" in read("README.md")


def test_the_readme_starts_with_the_user() -> None:
    headings = re.findall(r"^## (.+)$", read("README.md"), flags=re.MULTILINE)
    order = ["Quick start", "Architecture", "Usage", "Requirements", "Examples", "Try it locally: `make demo`"]
    assert headings[: len(order)] == order
    assert headings.index("Operations") < headings.index("Inputs") < headings.index("Outputs")


def test_the_license_is_the_apache_license_2_0_in_full() -> None:
    text = read("LICENSE")
    for part in (
        "Apache License",
        "Version 2.0, January 2004",
        "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION",
        "9. Accepting Warranty or Additional Liability.",
        "END OF TERMS AND CONDITIONS",
        "APPENDIX: How to apply the Apache License to your work.",
    ):
        assert part in text, part


# --- terraform-docs gives users the tables the project's generator writes ------------------------------------------


def test_terraform_docs_writes_what_the_generator_writes() -> None:
    config = yaml.safe_load(read(".terraform-docs.yml"))
    assert config["formatter"] == "markdown table"
    assert config["sections"]["show"] == ["inputs", "outputs"]
    assert config["output"]["file"] == "README.md" and config["output"]["mode"] == "inject"
    assert config["output"]["template"].splitlines() == [gen_tf_docs.BEGIN, "{{ .Content }}", gen_tf_docs.END]
    assert config["sort"] == {"enabled": True, "by": "name"}
    settings = config["settings"]
    table = gen_tf_docs.render(*gen_tf_docs.read_module(REPO))
    # indent 2: "## Inputs"; anchor: <a name="input_...">; escape off: names as written; html: <pre> cells.
    assert settings["indent"] == 2 and table.startswith("## Inputs\n")
    assert settings["anchor"] is True and '<a name="input_enrichment_rules"></a>' in table
    assert settings["escape"] is False and "[enrichment_rules](#input_enrichment_rules)" in table
    assert settings["html"] is True and "<pre>" in table
    assert settings["required"] is True and "| Required |" in table
    assert settings["sensitive"] is False and "Sensitive" not in table


# --- pre-commit: local hooks, pinned as the project pins the same tools --------------------------------------------


def pre_commit_hooks() -> dict[str, dict[str, Any]]:
    config = yaml.safe_load(read(".pre-commit-config.yaml"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"], "every hook must run offline: repo: local"
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def pinned(requirement: str, text: str) -> str:
    (version,) = re.findall(rf"^{re.escape(requirement)}==(\S+)$", text, flags=re.MULTILINE)
    return version


def test_pre_commit_runs_the_checks_the_project_promises_offline() -> None:
    hooks = pre_commit_hooks()
    promised = {"terraform-fmt", "terraform-validate", "terraform-docs", "ruff", "ruff-format", "checkov"}
    promised |= {"trailing-whitespace", "end-of-file-fixer"}
    assert promised <= set(hooks)
    for hook_id, hook in hooks.items():
        assert hook["language"] in {"python", "system"}, hook_id
        # Python hooks install from PyPI, every dependency pinned.
        assert all("==" in dependency for dependency in hook.get("additional_dependencies", [])), hook_id


def test_pre_commit_pins_the_tool_versions_the_project_pins() -> None:
    hooks = pre_commit_hooks()
    requirements = read("requirements-dev.txt")
    assert pinned("pre-commit", requirements)
    assert hooks["ruff"]["additional_dependencies"] == [f"ruff=={pinned('ruff', requirements)}"]
    assert hooks["ruff-format"]["additional_dependencies"] == hooks["ruff"]["additional_dependencies"]
    (checkov,) = re.findall(r'^CHECKOV_VERSION="([^"]+)"', read("scripts/terraform-check.sh"), flags=re.MULTILINE)
    assert hooks["checkov"]["additional_dependencies"] == [f"checkov=={checkov}"]


# --- make: the tools' setup needs no Terraform; make test sets up everything it needs ------------------------------


def make_dry_run(target: str) -> str:
    """The commands `make <target>` would run from scratch (-B: as if nothing were built yet)."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", target], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("target", "needs_terraform_and_java"), [("setup", False), ("setup-test", True), ("test", True)]
)
def test_make_setup_needs_no_terraform_and_make_test_sets_up_everything(
    target: str, needs_terraform_and_java: bool
) -> None:
    commands = make_dry_run(target)
    terraform = "terraform" in commands  # the offline stand-in's setup.sh, or `terraform version`
    java = "default-jdk-headless" in commands
    assert (terraform, java) == (needs_terraform_and_java, needs_terraform_and_java)
    assert "requirements-dev.txt" in commands and "npm ci" in commands


def test_ci_runs_make_test_and_nothing_else() -> None:
    commands = [
        line.strip() for line in read(".ci/run").splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    assert commands == ["set -euo pipefail", 'cd "$(dirname "$0")/.."', "make test"]
