# Everything a developer or CI needs, from a fresh clone:
#   make test        set up everything it needs, then pre-commit on every file (ruff, terraform fmt/validate,
#                    checkov, the README tables, whitespace), pytest (with coverage) and terraform test
#   make demo        replay sample CTRs through the real handler against a local DynamoDB-compatible server
#                    (devtools/demo.py: it needs this checkout's node_modules and demo/, so it is not installed)
#   make setup       the tools alone (.venv with ctr-enrichment, node_modules for the local DynamoDB): no Terraform
#   make setup-test  what `make test` needs besides: Terraform and a JDK
#   make bench       the DynamoDB round-trip benchmark, then the key formats' (table vs phone library), one JSON
#                    line per measurement
#   make fuzz        the property-based tests with many more examples and fresh randomness
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .make

# Offline stand-in for the Terraform registry (CI and this workplace). Users with registry access
# just need `terraform` on PATH; the .tf files never mention the stand-in.
OFFLINE_TF := ../shared/offline-terraform
ifneq ($(wildcard $(OFFLINE_TF)/setup.sh),)
export OFFLINE_TF_HOME ?= $(HOME)/.cache/offline-terraform
export PATH := $(OFFLINE_TF_HOME)/bin:$(PATH)
TERRAFORM_SETUP := bash $(OFFLINE_TF)/setup.sh >/dev/null
else
TERRAFORM_SETUP := terraform version >/dev/null
endif

.PHONY: test lint pre-commit pytest terraform-test terraform-check java bench demo fuzz setup setup-test clean

# The replay and opensearch-setup commands and the demo: Python and Node only.
setup: $(STAMPS)/venv $(STAMPS)/node

# Everything `make test` needs: the tools, Terraform and a JDK.
setup-test: setup $(STAMPS)/terraform java

$(STAMPS)/venv: requirements-dev.txt pyproject.toml
	@mkdir -p $(STAMPS)
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(STAMPS)/node: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(STAMPS)/terraform:
	@mkdir -p $(STAMPS)
	$(TERRAFORM_SETUP)
	@touch $@

# tests/tools/test_ingest_pipeline.py runs the ingest pipeline's script on the JDK (java 11+ runs a source file).
# Checked on every run rather than stamped: it is one `command -v`.
java:
	@if ! command -v java >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing a JDK (default-jdk-headless) for tests/tools/test_ingest_pipeline.py"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jdk-headless >/dev/null; \
	  else \
	    echo "java is missing: tests/tools/test_ingest_pipeline.py needs a JDK 11 or later (Debian/Ubuntu: sudo apt-get install default-jdk-headless)." >&2; \
	    exit 1; \
	  fi; \
	fi

test: setup-test pre-commit pytest terraform-test

# ruff alone, for a quick look while editing; `make pre-commit` runs every static check.
lint: $(STAMPS)/venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

pre-commit: setup-test
	bash scripts/pre-commit-check.sh

# Coverage is enforced for each installed package on its own, not only for their total.
COVERAGE_FLOOR := 90
COVERED := lambda_src/ctr_enrichment tools/ctr_enrichment_tools

pytest: setup-test
	$(BIN)/pytest
	@for package in $(COVERED); do \
	  total=$$($(BIN)/coverage report --include="*/$$package/*" --format=total --fail-under=$(COVERAGE_FLOOR)) \
	    || { echo "coverage of $$package: $$total % (under $(COVERAGE_FLOOR) %)"; exit 1; }; \
	  echo "coverage of $$package: $$total %"; \
	done

terraform-test: setup-test
	bash scripts/terraform-check.sh test

# Every Terraform step on its own (fmt, validate, test, checkov, docs), without pre-commit.
terraform-check: setup-test
	bash scripts/terraform-check.sh

bench: $(STAMPS)/venv $(STAMPS)/node
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/key_formats.py

fuzz: $(STAMPS)/venv $(STAMPS)/node
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest --no-cov -p no:cacheprovider tests/functional/test_properties.py

demo: $(STAMPS)/venv $(STAMPS)/node
	$(BIN)/python -m devtools.demo

clean:
	rm -rf $(VENV) $(STAMPS) node_modules .pytest_cache .ruff_cache .coverage .hypothesis demo-output
