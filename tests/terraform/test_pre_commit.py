"""Every pre-commit hook can fail: seeded with one mistake each, `scripts/pre-commit-check.sh` reports every hook.

`make test` runs the hooks on the real tree, where they must pass (scripts/pre-commit-check.sh). This test runs the
same script on a copy of the tree with a mistake for each hook, and expects each hook to fail: a hook that is
mis-wired (wrong files pattern, an entry that exits 0) would pass here and be caught.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support import REPO

pytestmark = pytest.mark.terraform  # the Terraform hooks need `terraform` on PATH


# One mistake per hook (hook ids of .pre-commit-config.yaml), each in a file that hook looks at.
SEEDS = {
    "trailing-whitespace": ("demo/notes.txt", "a line with a trailing space \n"),
    "end-of-file-fixer": ("demo/no-newline.txt", "no newline at the end"),
    "mixed-line-ending": ("demo/crlf.txt", "one\r\ntwo\n"),
    "check-merge-conflict": ("demo/conflict.txt", "<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> branch\n"),
    "ruff": ("scripts/seeded.py", '"""Seeded."""\n\nimport os\n'),
    "ruff-format": ("scripts/seeded_format.py", '"""Seeded."""\n\nVALUE = {"a":1}\n'),
    "terraform-fmt": ("seeded.tf", "locals {\n  seeded_format  =  1\n}\n"),
    # An undeclared reference (validate), and a bucket with no encryption, logging or versioning (checkov).
    "terraform-validate": (
        "seeded_validate.tf",
        'output "seeded" {\n  description = "x"\n  value       = var.nope\n}\n',
    ),
    "checkov": ("seeded_checkov.tf", 'resource "aws_s3_bucket" "seeded" {\n  bucket = "seeded"\n}\n'),
    # A new input the README's tables do not list yet.
    "terraform-docs": (
        "seeded_docs.tf",
        'variable "seeded" {\n  description = "Seeded."\n  type        = string\n  default     = "x"\n}\n',
    ),
}


def hook_ids() -> list[str]:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return [hook["id"] for repo in config["repos"] for hook in repo["hooks"]]


def test_every_hook_has_a_seeded_mistake() -> None:
    assert sorted(SEEDS) == sorted(hook_ids())


@pytest.fixture(scope="module")
def seeded_run() -> Iterator[str]:
    """The output of scripts/pre-commit-check.sh on a copy of the tree with every seed in it."""
    base = Path(tempfile.mkdtemp(prefix="pcs"))
    try:
        tree = base / "tree"
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout.decode()
        for name in filter(None, listed.split("\0")):
            source = REPO / name
            if source.is_file():
                (tree / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, tree / name)
        for path, content in SEEDS.values():
            (tree / path).write_bytes(content.encode())
        subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
        subprocess.run(["git", "add", "-A"], cwd=tree, check=True)
        env = dict(os.environ, PRE_COMMIT=str(REPO / ".venv" / "bin" / "pre-commit"), TMPDIR=str(base))
        result = subprocess.run(
            ["bash", "scripts/pre-commit-check.sh"],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        assert result.returncode != 0, f"pre-commit passed a tree full of mistakes:\n{result.stdout}"
        yield result.stdout + result.stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_every_hook_fails_on_its_seeded_mistake(seeded_run: str) -> None:
    failed = set(re.findall(r"^- hook id: (\S+)$", seeded_run, flags=re.MULTILINE))
    outcomes = {hook: hook in failed for hook in hook_ids()}
    assert outcomes == dict.fromkeys(hook_ids(), True), seeded_run[-6000:]
