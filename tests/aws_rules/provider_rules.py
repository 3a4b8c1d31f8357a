"""Rules that botocore's models cannot express: provider validators, and limits AWS documents outside the models.

Each rule is data plus one function that applies it to any plan, so a resource or mode the module adds later (a
Kinesis-source delivery stream, a second security group) is checked without a new test. Every rule cites where
it comes from: the hashicorp/terraform-provider-aws function that enforces it at plan time, or the AWS guide page.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import regex

# --- Provider validators -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DoesNotMatch:
    resource_type: str
    attribute: str
    pattern: str
    message: str
    source: str


# validation.StringDoesNotMatch validators the provider runs at plan time.
STRING_DOES_NOT_MATCH = (
    DoesNotMatch(
        "aws_security_group",
        "name",
        r"^sg-",
        "cannot begin with sg-",
        "resourceSecurityGroup, internal/service/ec2/vpc_security_group.go: name ValidateFunc "
        'validation.StringDoesNotMatch(regexache.MustCompile(`^sg-`), "cannot begin with sg-")',
    ),
    DoesNotMatch(
        "aws_security_group",
        "name_prefix",
        r"^sg-",
        "cannot begin with sg-",
        "resourceSecurityGroup, internal/service/ec2/vpc_security_group.go: name_prefix ValidateFunc",
    ),
)


@dataclass(frozen=True)
class ConflictsWith:
    resource_type: str
    attribute: str
    conflicts: tuple[str, ...]
    source: str


# schema.ConflictsWith pairs: the provider refuses a configuration that sets both.
CONFLICTS_WITH = (
    ConflictsWith(
        "aws_kinesis_firehose_delivery_stream",
        "kinesis_source_configuration",
        ("msk_source_configuration", "server_side_encryption"),
        "resourceDeliveryStream, internal/service/firehose/delivery_stream.go: kinesis_source_configuration "
        'ConflictsWith []string{"msk_source_configuration", "server_side_encryption"}',
    ),
    ConflictsWith(
        "aws_kinesis_firehose_delivery_stream",
        "msk_source_configuration",
        ("kinesis_source_configuration", "server_side_encryption"),
        "resourceDeliveryStream, internal/service/firehose/delivery_stream.go: msk_source_configuration "
        'ConflictsWith []string{"kinesis_source_configuration", "server_side_encryption"}',
    ),
    ConflictsWith(
        "aws_security_group",
        "name",
        ("name_prefix",),
        "resourceSecurityGroup, internal/service/ec2/vpc_security_group.go: name ConflictsWith name_prefix",
    ),
)

# aws_lambda_function.runtime: `ValidateDiagFunc: enum.Validate[awstypes.Runtime]()` (internal/service/lambda/
# function.go) checks the runtime against the Runtime enum of the aws-sdk-go-v2 the provider release was built
# with, so a runtime newer than the release fails at plan time ("expected runtime to be one of [...]").
# runtime -> a hashicorp/aws release known to accept it (every later release does too).
LAMBDA_RUNTIME_ACCEPTED_FROM = {
    # Listed as accepted in 5.75.1's error message (hashicorp/terraform-provider-aws#40107).
    "python3.11": "5.75.1",
    "python3.12": "5.75.1",
    # Missing from 5.75.1 (#40107), documented for 5.x in the CHANGELOG (#40277, November 2024): in every 6.x.
    "python3.13": "6.0.0",
    # Added with aws-sdk-go-v2 release-2025-10-31, first in 6.20.0 (#44984, CHANGELOG #45024).
    "python3.14": "6.20.0",
}


def _version(text: str) -> tuple[int, ...]:
    numbers = [int(part) for part in regex.findall(r"\d+", text)[:3]]
    return tuple(numbers + [0] * (3 - len(numbers)))


def lowest_allowed_version(constraint: str) -> tuple[int, ...]:
    """The lowest release a Terraform version constraint admits (the highest of its lower bounds)."""
    lowest: tuple[int, ...] = (0, 0, 0)
    for part in constraint.split(","):
        match = regex.fullmatch(r"\s*(>=|>|~>|=|!=|<=|<)?\s*v?([0-9][0-9.]*)\s*", part)
        if match is None:
            raise ValueError(f"cannot read the version constraint {constraint!r}")
        operator, version = match.group(1) or "=", _version(match.group(2))
        if operator in (">=", ">", "~>", "="):
            lowest = max(lowest, version)
    return lowest


def provider_constraint(document: dict[str, Any]) -> str:
    """The hashicorp/aws version constraint of the planned configuration (module and example merged)."""
    for provider in document["configuration"].get("provider_config", {}).values():
        if provider.get("full_name") == "registry.terraform.io/hashicorp/aws":
            return provider.get("version_constraint", "")
    return ""


# --- Walking planned resources ---------------------------------------------------------------------------


def planned_resources(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(address, type, planned values) of every managed resource the plan creates or updates."""
    for change in document.get("resource_changes", []):
        if change.get("mode") == "managed" and {"create", "update"} & set(change["change"]["actions"]):
            yield change["address"], change["type"], change["change"]["after"] or {}


def _is_set(value: Any) -> bool:
    return value not in (None, [], {}, "")


def security_group_name_problems(document: dict[str, Any]) -> list[str]:
    found = []
    for address, kind, values in planned_resources(document):
        for rule in STRING_DOES_NOT_MATCH:
            value = values.get(rule.attribute)
            if kind == rule.resource_type and isinstance(value, str) and regex.search(rule.pattern, value):
                found.append(f"{address}.{rule.attribute} = {value!r}: {rule.message} ({rule.source})")
    return found


def conflicts_with_problems(document: dict[str, Any]) -> list[str]:
    found = []
    for address, kind, values in planned_resources(document):
        for rule in CONFLICTS_WITH:
            if kind != rule.resource_type or not _is_set(values.get(rule.attribute)):
                continue
            for other in rule.conflicts:
                if _is_set(values.get(other)):
                    found.append(f"{address}: {rule.attribute} conflicts with {other} ({rule.source})")
    return found


def lambda_runtime_problems(document: dict[str, Any]) -> list[str]:
    floor = lowest_allowed_version(provider_constraint(document))
    found = []
    for address, kind, values in planned_resources(document):
        runtime = values.get("runtime") if kind == "aws_lambda_function" else None
        if runtime is None:
            continue
        accepted_from = LAMBDA_RUNTIME_ACCEPTED_FROM.get(runtime)
        if accepted_from is None:
            found.append(
                f"{address}.runtime = {runtime!r}: not in LAMBDA_RUNTIME_ACCEPTED_FROM; add the first "
                "hashicorp/aws release that accepts it (provider CHANGELOG)"
            )
        elif _version(accepted_from) > floor:
            found.append(
                f"{address}.runtime = {runtime!r}: hashicorp/aws accepts it only from {accepted_from}, but the "
                f"module allows {'.'.join(map(str, floor))} (versions.tf); raise the floor or refuse the runtime"
            )
    return found


# --- Service rules documented outside the models -----------------------------------------------------------

# S3 User Guide, "General purpose bucket naming rules"
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
S3_BUCKET_NAME = regex.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
S3_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
S3_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")

# Lambda quotas: "4 KB, for all environment variables associated with the function, in aggregate"
# (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). Lambda measures the JSON of the
# Variables map: its error prints the string it measured, with every '"' inside a value escaped
# (github-aws-runners/terraform-aws-github-runner#3594).
LAMBDA_ENVIRONMENT_BYTES = 4096


def lambda_environment_bytes(variables: dict[str, str]) -> int:
    return len(json.dumps(variables, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def s3_bucket_name_problems(name: str) -> list[str]:
    found = []
    if S3_BUCKET_NAME.fullmatch(name) is None:
        found.append("must be 3-63 characters of a-z 0-9 . -, beginning and ending with a letter or digit")
    if ".." in name:
        found.append("must not contain two adjacent periods")
    try:
        ipaddress.IPv4Address(name)
        found.append("must not be formatted as an IP address")
    except ValueError:
        pass
    found += [f"must not begin with {p}" for p in S3_RESERVED_PREFIXES if name.startswith(p)]
    found += [f"must not end with {s}" for s in S3_RESERVED_SUFFIXES if name.endswith(s)]
    return [f"S3 bucket name {name!r} {problem} (S3 User Guide, bucket naming rules)" for problem in found]


def bucket_name_problems(document: dict[str, Any]) -> list[str]:
    found = []
    for address, kind, values in planned_resources(document):
        if kind == "aws_s3_bucket" and isinstance(values.get("bucket"), str):
            found += [f"{address}: {problem}" for problem in s3_bucket_name_problems(values["bucket"])]
    return found


def environment_size_problems(document: dict[str, Any]) -> list[str]:
    found = []
    for address, kind, values in planned_resources(document):
        if kind != "aws_lambda_function":
            continue
        for environment in values.get("environment") or []:
            size = lambda_environment_bytes(environment.get("variables") or {})
            if size > LAMBDA_ENVIRONMENT_BYTES:
                found.append(
                    f"{address}: the environment measures {size} bytes as Lambda counts it (JSON of the "
                    f"Variables map), above the {LAMBDA_ENVIRONMENT_BYTES}-byte quota"
                )
    return found


def ebs_iops_problems(document: dict[str, Any]) -> list[str]:
    """Provisioned-IOPS EBS volumes need an IOPS value: EC2 CreateVolume's Iops "is required for io1 and io2
    volumes", and botocore opensearch EBSOptions.Iops applies to "gp3 and provisioned IOPS" volumes."""
    found = []
    for address, kind, values in planned_resources(document):
        if kind != "aws_opensearch_domain":
            continue
        for ebs in values.get("ebs_options") or []:
            if ebs.get("volume_type") in ("io1", "io2") and ebs.get("iops") in (None, 0):
                found.append(f"{address}: ebs_options.volume_type = {ebs['volume_type']!r} needs ebs_options.iops")
    return found


# --- OpenSearch Serverless policies ------------------------------------------------------------------------------
# Their documents are not IAM policies, and botocore's models say only "a JSON string of 1-20,480 characters". Their
# shapes come from the OpenSearch Service Developer Guide: "Encryption in Amazon OpenSearch Serverless" (an object:
# Rules of ResourceType collection, AWSOwnedKey, or KmsARN), "Network access for Amazon OpenSearch Serverless" (a
# list of rule sets: Rules of ResourceType collection or dashboard, AllowFromPublic, SourceVPCEs), "Data access
# control for Amazon OpenSearch Serverless" (a list: Rules of ResourceType collection or index with Permission, and
# Principal: "IAM role ARNs or SAML identities ... within the current AWS account. Cross-account access isn't
# supported"), "Supported OpenSearch API operations and permissions" (the permissions), and "Using data lifecycle
# policies" (Rules of ResourceType index with MinIndexRetention "from 24h to 3650d", or NoMinIndexRetention).

SERVERLESS_PERMISSIONS = {
    "collection": frozenset(
        {
            "aoss:CreateCollectionItems",
            "aoss:DeleteCollectionItems",
            "aoss:UpdateCollectionItems",
            "aoss:DescribeCollectionItems",
            "aoss:*",
        }
    ),
    "index": frozenset(
        {
            "aoss:ReadDocument",
            "aoss:WriteDocument",
            "aoss:CreateIndex",
            "aoss:DeleteIndex",
            "aoss:UpdateIndex",
            "aoss:DescribeIndex",
            "aoss:*",
        }
    ),
}
_COLLECTION_PATTERN = regex.compile(r"collection/[a-z][a-z0-9-]*\*?|collection/\*")
_INDEX_PATTERN = regex.compile(r"index/(?:[a-z][a-z0-9-]*\*?|\*)/[^\s/]+")
_VPC_ENDPOINT = regex.compile(r"vpce-[0-9a-z]+")
_PRINCIPAL = regex.compile(r"arn:aws[a-z-]*:(?:iam::[0-9]{12}:(?:role|user)/.+|sts::[0-9]{12}:assumed-role/.+)|saml/.+")
_RETENTION = regex.compile(r"([1-9][0-9]*)([hd])")


def _rules_problems(rules: Any, resource_types: dict[str, regex.Pattern[str]], where: str) -> list[str]:
    if not isinstance(rules, list) or not rules:
        return [f"{where}: Rules must be a non-empty list"]
    found = []
    for rule in rules:
        kind = rule.get("ResourceType") if isinstance(rule, dict) else None
        if kind not in resource_types:
            found.append(f"{where}: ResourceType {kind!r} is not one of {sorted(resource_types)}")
            continue
        resources = rule.get("Resource")
        if not isinstance(resources, list) or not resources:
            found.append(f"{where}: Resource of a {kind} rule must be a non-empty list")
            continue
        found += [
            f"{where}: {resource!r} is no {kind} resource pattern"
            for resource in resources
            if not isinstance(resource, str) or resource_types[kind].fullmatch(resource) is None
        ]
    return found


def encryption_policy_problems(policy: Any, where: str) -> list[str]:
    if not isinstance(policy, dict):
        return [f"{where}: an encryption policy is a JSON object"]
    found = _rules_problems(policy.get("Rules"), {"collection": _COLLECTION_PATTERN}, where)
    unknown = set(policy) - {"Rules", "AWSOwnedKey", "KmsARN"}
    found += [f"{where}: unknown encryption policy field {key!r}" for key in sorted(unknown)]
    if "KmsARN" in policy:
        if not isinstance(policy["KmsARN"], str) or ":kms:" not in policy["KmsARN"]:
            found.append(f"{where}: KmsARN must be a KMS key ARN")
    elif policy.get("AWSOwnedKey") is not True:
        found.append(f"{where}: without KmsARN the policy must set AWSOwnedKey to true")
    return found


def network_policy_problems(policy: Any, where: str) -> list[str]:
    if not isinstance(policy, list) or not policy:
        return [f"{where}: a network policy is a non-empty JSON list of rule sets"]
    found = []
    for rule_set in policy:
        if not isinstance(rule_set, dict):
            found.append(f"{where}: each rule set is an object")
            continue
        kinds = {"collection": _COLLECTION_PATTERN, "dashboard": _COLLECTION_PATTERN}
        found += _rules_problems(rule_set.get("Rules"), kinds, where)
        public, endpoints = rule_set.get("AllowFromPublic"), rule_set.get("SourceVPCEs")
        if not isinstance(public, bool):
            found.append(f"{where}: AllowFromPublic must be true or false")
        elif not public and not (endpoints or rule_set.get("SourceServices")):
            found.append(f"{where}: a private rule set must name its SourceVPCEs (or SourceServices)")
        found += [
            f"{where}: {endpoint!r} is no VPC endpoint ID"
            for endpoint in endpoints or []
            if not isinstance(endpoint, str) or _VPC_ENDPOINT.fullmatch(endpoint) is None
        ]
    return found


def data_access_policy_problems(policy: Any, where: str) -> list[str]:
    if not isinstance(policy, list) or not policy:
        return [f"{where}: a data access policy is a non-empty JSON list of rule sets"]
    found = []
    accounts = set()
    for rule_set in policy:
        if not isinstance(rule_set, dict):
            found.append(f"{where}: each rule set is an object")
            continue
        kinds = {"collection": _COLLECTION_PATTERN, "index": _INDEX_PATTERN}
        rules = rule_set.get("Rules")
        found += _rules_problems(rules, kinds, where)
        for rule in rules if isinstance(rules, list) else []:
            allowed = SERVERLESS_PERMISSIONS.get(rule.get("ResourceType"), frozenset())
            permissions = rule.get("Permission")
            if not isinstance(permissions, list) or not permissions:
                found.append(f"{where}: each rule needs a non-empty Permission list")
                continue
            kind = rule.get("ResourceType")
            found += [f"{where}: {p!r} is no {kind} permission" for p in permissions if p not in allowed]
        principals = rule_set.get("Principal")
        if not isinstance(principals, list) or not principals:
            found.append(f"{where}: Principal must be a non-empty list")
            continue
        for principal in principals:
            if not isinstance(principal, str) or _PRINCIPAL.fullmatch(principal) is None:
                found.append(f"{where}: {principal!r} is no IAM role, user or SAML principal")
            elif principal.startswith("arn:"):
                accounts.add(principal.split(":")[4])
    if len(accounts) > 1:
        found.append(f"{where}: principals of accounts {sorted(accounts)}; they must all be the collection's account")
    return found


def lifecycle_policy_problems(policy: Any, where: str) -> list[str]:
    if not isinstance(policy, dict):
        return [f"{where}: a lifecycle policy is a JSON object"]
    rules = policy.get("Rules")
    found = _rules_problems(rules, {"index": _INDEX_PATTERN}, where)
    for rule in rules if isinstance(rules, list) else []:
        retention = rule.get("MinIndexRetention") if isinstance(rule, dict) else None
        if retention is None:
            if rule.get("NoMinIndexRetention") is not True:
                found.append(f"{where}: a rule needs MinIndexRetention or NoMinIndexRetention = true")
            continue
        match = _RETENTION.fullmatch(retention) if isinstance(retention, str) else None
        hours = None if match is None else int(match.group(1)) * (24 if match.group(2) == "d" else 1)
        if hours is None or not 24 <= hours <= 3650 * 24:
            found.append(f"{where}: MinIndexRetention {retention!r} is not from 24h to 3650d")
    return found


SERVERLESS_POLICY_CHECKS = {
    ("aws_opensearchserverless_security_policy", "encryption"): encryption_policy_problems,
    ("aws_opensearchserverless_security_policy", "network"): network_policy_problems,
    ("aws_opensearchserverless_access_policy", "data"): data_access_policy_problems,
    ("aws_opensearchserverless_lifecycle_policy", "retention"): lifecycle_policy_problems,
}


def serverless_policy_problems(document: dict[str, Any]) -> list[str]:
    """Every OpenSearch Serverless policy the plan writes (and the data access output), against its documented shape."""
    found = []
    for address, kind, values in planned_resources(document):
        check = SERVERLESS_POLICY_CHECKS.get((kind, values.get("type")))
        if check is None:
            if kind in {resource for resource, _ in SERVERLESS_POLICY_CHECKS}:
                found.append(f"{address}: type {values.get('type')!r} has no documented policy shape here")
            continue
        if not isinstance(values.get("policy"), str):
            continue  # known only after apply (a VPC endpoint's ID in a network policy)
        try:
            policy = json.loads(values["policy"])
        except json.JSONDecodeError as error:
            found.append(f"{address}: policy is not JSON: {error}")
            continue
        found += check(policy, address)
    name = "opensearch_collection_data_access_policy_json"
    output = document.get("planned_values", {}).get("outputs", {}).get(name)
    if output is not None and isinstance(output.get("value"), str):
        found += data_access_policy_problems(json.loads(output["value"]), f"output {name}")
    return found
