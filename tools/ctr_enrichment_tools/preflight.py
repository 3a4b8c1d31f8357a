"""Checks made before a replay, so that a missing region, credentials or table is one clear line, not a run.

The function itself never fails on these: it answers every record with ``EnrichmentStatus`` ``error``, which
is right in production and useless in a replay. Each table is probed with the call the function makes
(``BatchGetItem`` of one key, needing the same permission), so the probe fails exactly when the function would.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

from ctr_enrichment.config import Rule
from ctr_enrichment.dynamodb import TableQuery
from ctr_enrichment_tools.errors import ReplayError

PROBE_KEY = "ctr-enrichment-replay-probe"
_CREDENTIAL_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "IncompleteSignature",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "MissingAuthenticationToken",
    }
)
_NO_CREDENTIALS = (
    "no AWS credentials found: ctr-enrichment reaches DynamoDB with the default credential chain "
    "(environment variables, --profile or AWS_PROFILE, ~/.aws/credentials and config, SSO, container or "
    "instance role); e.g. run `aws sso login --profile NAME` and pass --profile NAME"
)


def aws_environment(endpoint_url: str | None, region: str | None, profile: str | None) -> dict[str, str | None]:
    """The variables boto3 reads the DynamoDB endpoint, the region and the profile from, for the tools' options
    (``--endpoint-url``, ``--region``, ``--profile``); None unsets a variable."""
    environment: dict[str, str | None] = {}
    if endpoint_url:
        environment["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint_url
    if region:
        environment["AWS_REGION"] = environment["AWS_DEFAULT_REGION"] = region
    if profile:
        # Keys in the environment come first in the credential chain; an explicit profile must win over them.
        environment.update(
            AWS_PROFILE=profile, AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_SESSION_TOKEN=None
        )
    return environment


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def check_aws(rules: Iterable[Rule], endpoint_url: str | None) -> str:
    """Check the region, the credentials and every table; returns the region."""
    try:
        session = boto3.session.Session()
        region = session.region_name
    except ProfileNotFound as error:
        raise ReplayError(f"{error}: check --profile or AWS_PROFILE (aws configure list-profiles)") from None
    except BotoCoreError as error:  # a configuration file that cannot be read, ...
        raise ReplayError(f"cannot read the AWS configuration: {_one_line(error)}") from None
    if not region:
        raise ReplayError("no AWS region configured: pass --region, or set AWS_REGION or a region in your profile")
    try:
        credentials = session.get_credentials()
    except BotoCoreError as error:
        raise ReplayError(f"cannot load AWS credentials: {_one_line(error)}") from None
    if credentials is None:
        raise ReplayError(_NO_CREDENTIALS)
    client = session.client(
        "dynamodb", config=Config(connect_timeout=3, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})
    )
    where = endpoint_url or f"region {region}"
    probed: set[str] = set()
    for rule in rules:
        if rule.table not in probed:
            probed.add(rule.table)
            _probe(client, rule, where)
    return region


def _probe(client: Any, rule: Rule, where: str) -> None:
    # The function's own request format, for one key and only the key attribute.
    request = {rule.table: TableQuery(rule.table, rule.key, projection=()).request([PROBE_KEY])}
    try:
        client.batch_get_item(RequestItems=request)
    except ClientError as error:
        raise ReplayError(_describe_client_error(error, rule, where)) from None
    except NoCredentialsError:
        raise ReplayError(_NO_CREDENTIALS) from None
    except (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError) as error:
        raise ReplayError(f"cannot reach DynamoDB ({where}): {_one_line(error)}") from None
    except BotoCoreError as error:  # SSO token expired, a broken profile, ...
        raise ReplayError(f"cannot use the AWS credentials: {_one_line(error)}") from None


def _describe_client_error(error: ClientError, rule: Rule, where: str) -> str:
    details = error.response.get("Error", {})
    code = details.get("Code", "ClientError")
    message = _one_line(details.get("Message", ""))
    table = rule.table
    if code == "ResourceNotFoundException":
        return f"table {table!r} (rule {rule.name!r}) does not exist in {where}: check its name, --region and --profile"
    if code == "ValidationException":
        return (
            f"table {table!r} (rule {rule.name!r}) rejected a lookup by key {rule.key!r}: {message} "
            "(the key must be the table's partition key, of type S)"
        )
    if code == "AccessDeniedException":
        return f"not allowed to read table {table!r} with these credentials (dynamodb:BatchGetItem): {message}"
    if code in _CREDENTIAL_CODES:
        return f"AWS rejected the credentials ({code}): {message}"
    return f"cannot read table {table!r} in {where}: {code}: {message}"
