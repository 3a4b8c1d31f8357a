#!/usr/bin/env bash
# pre-commit on every file of the working tree, as `pre-commit run --all-files` sees a clean checkout of it:
#   scripts/pre-commit-check.sh [pre-commit options, e.g. a hook id]
# The files git would commit (tracked, and new files that are not ignored) are copied into a scratch git
# repository, so the fixers (whitespace, end of file, ruff --fix, terraform fmt, the README tables) change the copy,
# never your files; a fix counts as a failure, with its diff. `make test` runs this; so does CI.
# Needs pre-commit (requirements-dev.txt: .venv/bin/pre-commit) and, for the Terraform hooks, `terraform` on PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PRE_COMMIT="${PRE_COMMIT:-$ROOT/.venv/bin/pre-commit}"
if [ ! -x "$PRE_COMMIT" ]; then
  echo "pre-commit is not installed at $PRE_COMMIT: run \`make setup-test\` (or set PRE_COMMIT)." >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/pre-commit-check.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

cd "$ROOT"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' path; do
  # A file deleted in the working tree but not yet in the index is not part of the next commit.
  if [ -f "$path" ] || [ -L "$path" ]; then
    mkdir -p "$WORK/tree/$(dirname "$path")"
    cp -P "$path" "$WORK/tree/$path"
  fi
done

cd "$WORK/tree"
git init -q
git add -A
"$PRE_COMMIT" run --all-files --show-diff-on-failure --color=never "$@"
