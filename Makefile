# Everything a developer or CI needs, from a fresh clone:
#   make test    set up .venv and node_modules, then lint, pytest (with coverage) and the Terraform checks
#   make demo    replay sample CTRs through the real handler against a local DynamoDB-compatible server
#                (devtools/demo.py: it needs this checkout's node_modules and demo/, so it is not installed)
#   make bench   the DynamoDB round-trip benchmark (prints one JSON line per measurement)
#   make fuzz    the property-based tests with many more examples and fresh randomness
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

.PHONY: test lint pytest terraform-check bench demo fuzz setup clean

setup: $(STAMPS)/venv $(STAMPS)/node $(STAMPS)/terraform

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

test: setup lint pytest terraform-check

lint: $(STAMPS)/venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Coverage is enforced for each installed package on its own, not only for their total.
COVERAGE_FLOOR := 90
COVERED := lambda_src/ctr_enrichment tools/ctr_enrichment_tools

pytest: setup
	$(BIN)/pytest
	@for package in $(COVERED); do \
	  total=$$($(BIN)/coverage report --include="*/$$package/*" --format=total --fail-under=$(COVERAGE_FLOOR)) \
	    || { echo "coverage of $$package: $$total % (under $(COVERAGE_FLOOR) %)"; exit 1; }; \
	  echo "coverage of $$package: $$total %"; \
	done

terraform-check: $(STAMPS)/venv $(STAMPS)/terraform
	bash scripts/terraform-check.sh

bench: $(STAMPS)/venv $(STAMPS)/node
	$(BIN)/python benchmarks/run.py

fuzz: $(STAMPS)/venv $(STAMPS)/node
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest --no-cov -p no:cacheprovider tests/functional/test_properties.py

demo: $(STAMPS)/venv $(STAMPS)/node
	$(BIN)/python -m devtools.demo

clean:
	rm -rf $(VENV) $(STAMPS) node_modules .pytest_cache .ruff_cache .coverage .hypothesis demo-output
