"""Pytest fixtures shared by every kind of test; the helpers behind them live in tests/support/."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from hypothesis import settings
from moto import mock_aws

from ctr_enrichment_tools.harness import LambdaFunction, cold_start
from devtools.dynalite import Dynalite, create_table, put_items
from tests.support.ctrs import CUSTOMER_RULE, CUSTOMER_TABLE, load_json

# `ci` (the default, in `make test`): a fixed seed, so a run is repeatable. `fuzz` (`make fuzz`): many more
# examples, fresh randomness each run; a failure prints the blob that reproduces it.
settings.register_profile("ci", max_examples=300, derandomize=True, deadline=None, print_blob=True)
settings.register_profile("fuzz", max_examples=4000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy credentials and a region; never a real AWS account. Each cold start builds its own client."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    for name in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def moto_table() -> Iterator[Any]:
    """A moto DynamoDB with the customer table seeded from tests/events/customers.json."""
    with mock_aws():
        client = boto3.client("dynamodb")
        create_table(client, CUSTOMER_TABLE)
        put_items(client, CUSTOMER_TABLE, load_json("customers"))
        yield client


@pytest.fixture
def start_function() -> Callable[..., LambdaFunction]:
    """A cold start of the function with the given rules (default: the customer rule) and settings."""

    def start(rules: list[dict[str, Any]] | None = None, **variables: Any) -> LambdaFunction:
        environment = {"ENRICHMENT_RULES": json.dumps(rules or [CUSTOMER_RULE], ensure_ascii=False)}
        return cold_start(environment | {name: str(value) for name, value in variables.items()})

    return start


@pytest.fixture(scope="session")
def dynalite_server() -> Iterator[Dynalite]:
    """One real dynalite server for the session, on a free 127.0.0.1 port."""
    with Dynalite() as server:
        yield server


@pytest.fixture
def dynalite(dynalite_server: Dynalite, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A client for the session's dynalite, which the function also uses (AWS_ENDPOINT_URL_DYNAMODB)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynalite_server.endpoint)
    return boto3.client("dynamodb", endpoint_url=dynalite_server.endpoint)


@pytest.fixture
def dynalite_table(dynalite: Any) -> str:
    """A fresh, seeded customer table in dynalite (its own name per test)."""
    table = f"ctr-customers-{uuid.uuid4().hex[:12]}"
    create_table(dynalite, table)
    put_items(dynalite, table, load_json("customers"))
    return table


@pytest.fixture(scope="session")
def aws_rules_plans() -> Any:
    """The AWS-rules layer's plans: every configuration in tests/aws_rules/plans.py, planned once, in parallel."""
    from tests.aws_rules import plans, report

    try:
        planned = plans.build_plans()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    report.add(
        f"AWS rules layer: {len(planned.results)} configurations planned in {planned.seconds:.1f} s "
        f"({sum(r.document is None for r in planned.results.values())} refused at plan time)."
    )
    return planned


@pytest.fixture(scope="session")
def aws_rules_mapping() -> Any:
    from tests.aws_rules.mapping import load_mapping

    return load_mapping()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The AWS-rules layer's coverage: what the mapping checks, and its gaps, stay visible in every run."""
    from tests.aws_rules import report

    if report.LINES:
        terminalreporter.section("AWS rules layer")
        for line in report.LINES:
            terminalreporter.write_line(line)
