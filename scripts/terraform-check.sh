#!/usr/bin/env bash
# The Terraform checks, by step:
#   scripts/terraform-check.sh [fmt] [validate] [test] [checkov] [docs]     (no argument: all five)
#   fmt       terraform fmt -check -recursive
#   validate  init -backend=false + validate at the root and in every example
#   test      terraform test (tests/*.tftest.hcl)
#   checkov   checkov (pinned, CHECKOV_VERSION) on the root and every example
#   docs      the README inputs/outputs tables are up to date (scripts/gen_tf_docs.py --check)
# `make test` runs `test` here and the others through pre-commit (.pre-commit-config.yaml), whose hooks call this
# script for validate and checkov.
# Needs `terraform` on PATH: real Terraform with registry access, or the offline stand-in that `make setup-test`
# installs from ../shared/offline-terraform. Terraform runs in a scratch copy of the module, so no lock file,
# .terraform directory or build output is left in the working tree.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
CHECKOV_VERSION="3.3.30" # also in .pre-commit-config.yaml
CHECKOV_VENV="${CHECKOV_VENV:-$ROOT/.venv-checkov}"

ALL_STEPS=(fmt validate test checkov docs)
if [ "$#" -eq 0 ]; then
  set -- "${ALL_STEPS[@]}"
fi
for requested in "$@"; do
  case " ${ALL_STEPS[*]} " in
    *" $requested "*) ;;
    *)
      echo "unknown step \"$requested\": choose from ${ALL_STEPS[*]}" >&2
      exit 2
      ;;
  esac
done

# Dummy credentials and a Region: nothing here talks to AWS (plans and tests use mocks or the stand-in).
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=offline AWS_SECRET_ACCESS_KEY=offline
unset AWS_PROFILE AWS_SESSION_TOKEN TF_DATA_DIR TF_WORKSPACE
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0

SECONDS=0
step() { printf '\n==> %s (%ss)\n' "$*" "$SECONDS"; }
quietly() { # run a command, showing its output only when it fails
  local log
  log="$(mktemp)"
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}
has_step() {
  local wanted_step="$1"
  shift
  case " $* " in *" $wanted_step "*) return 0 ;; *) return 1 ;; esac
}

needs_terraform=false
for name in fmt validate test; do
  if has_step "$name" "$@"; then needs_terraform=true; fi
done
if $needs_terraform; then
  if ! command -v terraform >/dev/null 2>&1; then
    echo "terraform is not on PATH: run \`make setup-test\` (offline stand-in) or install Terraform >= 1.9." >&2
    exit 1
  fi
  terraform version | sed -n 1p # not head: it would close the pipe early (SIGPIPE under pipefail)
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/terraform-check.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
# Provider plugins put their sockets in per-start temporary directories, and not every provider removes
# its own; keep them in the scratch directory, unless that would push the socket paths past the ~100
# characters Unix sockets allow.
if [ "${#WORK}" -le 48 ]; then
  mkdir "$WORK/tmp"
  export TMPDIR="$WORK/tmp"
fi

# The module as a user gets it, plus its tests and examples.
copy_module() {
  mkdir -p "$1"
  tar -C "$ROOT" \
    --exclude='__pycache__' --exclude='*.pyc' --exclude='.terraform' --exclude='.terraform.lock.hcl' \
    --exclude='builds' --exclude='*.tfstate' --exclude='*.tfstate.*' --exclude='*.tfplan' \
    -cf - ./*.tf lambda_src tests/mocks tests/*.tftest.hcl examples | tar -C "$1" -xf -
}
examples=()
for dir in examples/*/; do
  examples+=("${dir%/}")
done

if has_step fmt "$@"; then
  step "terraform fmt -check -recursive"
  terraform fmt -check -recursive -diff
fi

if has_step validate "$@" || has_step test "$@"; then
  copy_module "$WORK/terraform"
  quietly terraform -chdir="$WORK/terraform" init -backend=false -input=false -no-color
fi

if has_step validate "$@"; then
  step "terraform validate: root"
  terraform -chdir="$WORK/terraform" validate -no-color
  for example in "${examples[@]}"; do
    step "terraform init + validate: $example"
    quietly terraform -chdir="$WORK/terraform/$example" init -backend=false -input=false -no-color
    terraform -chdir="$WORK/terraform/$example" validate -no-color
  done
fi

if has_step test "$@"; then
  step "terraform test"
  terraform -chdir="$WORK/terraform" test -no-color
fi

if has_step checkov "$@"; then
  step "checkov $CHECKOV_VERSION"
  # The pinned checkov: from PATH when it is that version (pre-commit's hook environment), else its own virtualenv.
  CHECKOV_BIN="$(command -v checkov || true)"
  if [ -z "$CHECKOV_BIN" ] || [ "$("$CHECKOV_BIN" --version 2>/dev/null)" != "$CHECKOV_VERSION" ]; then
    CHECKOV_BIN="$CHECKOV_VENV/bin/checkov"
    if [ ! -x "$CHECKOV_BIN" ] || [ "$("$CHECKOV_BIN" --version 2>/dev/null)" != "$CHECKOV_VERSION" ]; then
      echo "installing checkov $CHECKOV_VERSION into $CHECKOV_VENV"
      "$PYTHON" -m venv "$CHECKOV_VENV"
      quietly "$CHECKOV_VENV/bin/python" -m pip install --disable-pip-version-check "checkov==$CHECKOV_VERSION"
    fi
  fi
  copy_module "$WORK/checkov"
  checkov() {
    "$CHECKOV_BIN" --framework terraform --quiet --compact --skip-download "$@"
  }
  echo "-- root module"
  checkov --directory "$WORK/checkov" --skip-path examples --skip-path tests
  for example in "${examples[@]}"; do
    echo "-- $example"
    checkov --directory "$WORK/checkov/$example"
  done
fi

if has_step docs "$@"; then
  step "README inputs and outputs"
  "$PYTHON" scripts/gen_tf_docs.py --check
fi

step "terraform checks passed: $*"
