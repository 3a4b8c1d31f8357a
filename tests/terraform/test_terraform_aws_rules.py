"""The module held against AWS's own rules, one regression test per finding of issue 9 that needs more than a mock.

Real Terraform (the offline stand-in in CI) plans a copy of the module; the tests read the plan (`terraform show
-json`) or Terraform's own verdict on an input, and compare them with the rule AWS documents: the provider's
validators, the API models in botocore, IAM's evaluation of a policy, the function's own Python code. The sources
are cited next to each rule. (tests/*.tftest.hcl hold the findings a mocked plan can show.)
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest

from tests.support import REPO
from tests.support.terraform import checked, copy_module, plan, plan_verdicts, planned, run_terraform

pytestmark = pytest.mark.terraform

ACCOUNT = "123456789012"  # the stand-in's aws_caller_identity
REGION = "us-east-1"


@pytest.fixture(scope="module")
def module_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = copy_module(tmp_path_factory.mktemp("terraform") / "module")
    checked(run_terraform(workdir, "init", "-backend=false", "-input=false", "-no-color"))
    return workdir


# Every case plans the public-endpoint domain, the smallest configuration without a VPC.
PUBLIC = {"opensearch_public_endpoint_enabled": True}


# --- Finding 3: the provider floor admits only releases that accept every runtime the module allows -----------

# The first hashicorp/aws release whose `runtime` validator (enum.Validate[awstypes.Runtime], the aws-sdk-go-v2
# enum it was built with; internal/service/lambda/function.go) accepts each runtime. Every 6.x release accepts
# python3.11-3.13 (added in 4.x/5.x). python3.14 came with aws-sdk-go-v2 release-2025-10-31, first shipped in
# 6.20.0 (2025-11-06); 6.19.0 is dated 2025-10-30 (provider CHANGELOG; hashicorp/terraform-provider-aws#44984).
FIRST_PROVIDER_ACCEPTING = {
    "python3.11": (6, 0, 0),
    "python3.12": (6, 0, 0),
    "python3.13": (6, 0, 0),
    "python3.14": (6, 20, 0),
}
CANDIDATE_RUNTIMES = ["python3.9", "python3.10", *FIRST_PROVIDER_ACCEPTING, "python3.15", "nodejs22.x"]


def version(text: str) -> tuple[int, int, int]:
    major, minor, patch = [*(int(p) for p in text.strip().lstrip("v").split(".")), 0, 0, 0][:3]
    return major, minor, patch


def lowest_admitted(constraint: str) -> tuple[int, int, int]:
    """The lowest version a Terraform version constraint admits (>=, >, =, ~> terms joined by commas)."""
    floor = (0, 0, 0)
    for term in constraint.split(","):
        match = re.fullmatch(r"\s*(>=|>|=|~>)?\s*([0-9][0-9.]*)\s*", term)
        assert match, f"constraint term {term!r} is not understood by this test"
        operator, bound = match.group(1) or "=", version(match.group(2))
        if operator == ">":
            bound = (bound[0], bound[1], bound[2] + 1)
        if operator in (">=", ">", "=", "~>"):
            floor = max(floor, bound)
    return floor


def test_provider_floor_accepts_every_allowed_runtime(module_copy: Path) -> None:
    found = plan_verdicts(
        module_copy,
        "runtimes",
        {re.sub(r"[^a-z0-9]", "_", runtime): {**PUBLIC, "lambda_runtime": runtime} for runtime in CANDIDATE_RUNTIMES},
    )
    allowed = [runtime for runtime in CANDIDATE_RUNTIMES if not found[re.sub(r"[^a-z0-9]", "_", runtime)]]
    assert allowed, "no runtime plans"
    unknown = [runtime for runtime in allowed if runtime not in FIRST_PROVIDER_ACCEPTING]
    assert not unknown, f"lambda_runtime now allows {unknown}: add the first provider release that accepts it"

    document = plan(module_copy, "runtime", {"opensearch_public_endpoint_enabled": True})
    constraint = document["configuration"]["provider_config"]["aws"]["version_constraint"]
    floor = lowest_admitted(constraint)
    too_old = {
        runtime: FIRST_PROVIDER_ACCEPTING[runtime] for runtime in allowed if floor < FIRST_PROVIDER_ACCEPTING[runtime]
    }
    assert not too_old, (
        f'hashicorp/aws "{constraint}" admits {".".join(map(str, floor))}, which rejects {sorted(too_old)} at plan '
        f"(first accepted in {sorted(set(too_old.values()))})"
    )


# --- IAM, evaluated: the requests AWS makes with the module's roles must be allowed ---------------------------

CONDITION_MATCHERS = {
    "StringEquals": lambda value, pattern: value == pattern,
    "StringLike": fnmatchcase,
    "ArnLike": fnmatchcase,
    "ArnEquals": lambda value, pattern: value == pattern,
}


def listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def allows(policy: dict[str, Any], action: str, resource: str, context: dict[str, str] | None = None) -> bool:
    """Whether an identity policy (Allow statements only, as the module writes them) allows one request.

    IAM's rules for what these statements use: an action matches case-insensitively with * and ? wildcards, a
    resource with * and ? (case-sensitively), and every condition operator must hold, a key missing from the
    request's context failing it; any one value of a key matching is enough.
    """
    context = context or {}
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow", "this evaluator does not handle Deny statements"
        if not any(fnmatchcase(action.lower(), a.lower()) for a in listed(statement["Action"])):
            continue
        if not any(fnmatchcase(resource, r) for r in listed(statement["Resource"])):
            continue
        conditions = statement.get("Condition", {})
        if all(
            key in context and any(CONDITION_MATCHERS[operator](context[key], v) for v in listed(values))
            for operator, keys in conditions.items()
            for key, values in keys.items()
        ):
            return True
    return False


def role_policy(document: dict[str, Any], address: str) -> dict[str, Any]:
    return json.loads(planned(document, address)["policy"])


KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
S3_VIA = f"s3.{REGION}.amazonaws.com"


@pytest.mark.parametrize(
    "bucket_inputs",
    [{}, {"create_backup_bucket": False, "backup_bucket_arn": "arn:aws:s3:::existing-ctr-backup"}],
    ids=["created_bucket", "existing_bucket"],
)
def test_firehose_can_write_encrypted_backups_with_s3_bucket_keys(
    module_copy: Path, bucket_inputs: dict[str, Any]
) -> None:
    """Finding 1: with S3 Bucket Keys, S3 asks KMS for the bucket's key with the *bucket* ARN as context."""
    document = plan(
        module_copy,
        "bucket-keys",
        {"opensearch_public_endpoint_enabled": True, "kms_key_arn": KEY_ARN, **bucket_inputs},
    )
    bucket = bucket_inputs.get("backup_bucket_arn", f"arn:aws:s3:::ctr-enrichment-backup-{ACCOUNT}-{REGION}")
    if not bucket_inputs:
        encryption = planned(document, "aws_s3_bucket_server_side_encryption_configuration.backup[0]")
        assert encryption["rule"][0]["bucket_key_enabled"] is True, "the created bucket uses S3 Bucket Keys"
    policy = role_policy(document, "aws_iam_role_policy.firehose")
    contexts = {
        "bucket key (bucket ARN)": bucket,
        "no bucket key (object ARN)": f"{bucket}/processing-failed/2026/11/20/01/ctr-enrichment-1-2026-11-20",
    }
    for name, arn in contexts.items():
        context = {"kms:ViaService": S3_VIA, "kms:EncryptionContext:aws:s3:arn": arn}
        for action in ("kms:GenerateDataKey", "kms:Decrypt"):
            assert allows(policy, action, KEY_ARN, context), f"{action} with {name} is denied: backups are lost"
    elsewhere = {"kms:ViaService": S3_VIA, "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::someone-elses-bucket"}
    assert not allows(policy, "kms:GenerateDataKey", KEY_ARN, elsewhere), "the key must stay scoped to the bucket"
    direct = {"kms:EncryptionContext:aws:s3:arn": bucket}
    assert not allows(policy, "kms:GenerateDataKey", KEY_ARN, direct), "the key must be usable only through S3"


def test_firehose_can_create_interfaces_in_a_shared_vpc_subnet(module_copy: Path) -> None:
    """Finding 8: a subnet shared through AWS RAM carries its owner's account in its ARN."""
    subnet, group = "subnet-0123456789abcdef0", "sg-0123456789abcdef0"
    document = plan(
        module_copy,
        "shared-vpc",
        {
            "opensearch_public_endpoint_enabled": False,
            "vpc_config": {"subnet_ids": [subnet], "security_group_ids": [group]},
        },
    )
    policy = role_policy(document, "aws_iam_role_policy.firehose")
    owner = "999988887777"  # the VPC owner's account, not this one
    interface = f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/*"
    for resource in (
        interface,
        f"arn:aws:ec2:{REGION}:{owner}:subnet/{subnet}",
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group}",
        f"arn:aws:ec2:{REGION}:{owner}:security-group/{group}",
    ):
        assert allows(policy, "ec2:CreateNetworkInterface", resource), f"CreateNetworkInterface denied on {resource}"
    for action in ("ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface"):
        assert allows(policy, action, f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/eni-0123456789abcdef0")
        assert not allows(policy, action, f"arn:aws:ec2:{REGION}:{owner}:network-interface/eni-0123456789abcdef0")


# --- Finding 17: seeded keys a rule can find, on both sides of the contract ------------------------------------

# Keys as people write them into lookup_table_items. Terraform (dynamodb.tf lookup_key_unchanged_by) and the
# function's own lookup_key must agree on each: findable exactly when the rule's normalisation leaves it unchanged.
SEED_KEYS = [
    "+15555550100",
    "+1 555-555-0100",
    "+81 3-1234-5678",
    "+81(3)1234-5678",
    "+81.3.1234.5678",
    "15555550100",
    "0312345678",
    "0",
    "00",
    "001",
    "0015555550100",
    "+0012",
    "+",
    "++15555550100",
    "1+1",
    "\uff0b\uff18\uff11\uff13",  # full-width +813
    "\u0663\u0664",  # Arabic-Indic digits
    "+\u0663",
    " +15555550100",
    "+15555550100 ",
    "\t15555550100",
    "tel:+15555550100",
    "+15555550100;ext=2",
    "Acme Corp",
    "  Acme  ",
    "\u3000",
    " ",
    "契約者",
    "9" * 2048,
    "9" * 2049,
    "+" + "9" * 2047,
    "契" * 683,  # 2,049 bytes
    # National numbers (key_format = "national") and their E.164 forms, for the countries below.
    "+81312345678",
    "+81",
    "+8",
    "+810312345678",
    "0081312345678",
    "03-1234-5678",
    "０３１２３４５６７８",
    "09012345678",
    "+442079460958",
    "02079460958",
    "020 7946 0958",
    "+44",
    "+4",
    "+49301234567",
    "0301234567",
    "+12025550143",
    "2025550143",
    "(202) 555-0143",
    "+33123456789",
    # Email addresses (normalize = "email").
    "taro.yamada@example.co.jp",
    "Taro.Yamada@example.co.jp",
    " taro@example.co.jp",
    "taro@example.co.jp\n",
    "taro@example.co.jp\u3000",
    "@",
    "a\nb@example.com",
    "user@例え.jp",
    "ÜSER@example.de",
    "ünïcode@example.de",
    "\u0130@example.com",  # İ: Python lower-cases it to two characters, Go to one; changed either way
    "ΣΟΦΙΑ@example.gr",  # Python lower-cases a final sigma to ς, Go to σ; changed either way
    "\u216b@example.com",  # Ⅻ, a letter number with a lower case
    "\ufb01@example.com",  # ﬁ, no case at all
    "taro＠example.co.jp",  # a full-width @ is not an @
]
# Each key format, as the rule that uses it: normalize, and for a phone rule key_format and country.
SEED_KEY_FORMATS: dict[str, dict[str, Any]] = {
    "normalize_phone": {"normalize": "phone"},
    "normalize_none": {"normalize": "none"},
    "normalize_email": {"normalize": "email"},
    **{
        f"national_{country}": {"normalize": "phone", "key_format": "national", "country": country}
        for country in ("JP", "GB", "DE", "US")
    },
}


def test_seed_keys_terraform_refuses_are_exactly_those_the_function_cannot_find(module_copy: Path) -> None:
    from ctr_enrichment.config import parse_rules
    from ctr_enrichment.enrichment import lookup_key

    base = {"name": "customer", "source": "CustomerEndpoint.Address", "target": "Customer"}
    found = plan_verdicts(
        module_copy,
        "seed-keys",
        {
            case: {
                **PUBLIC,
                "enrichment_rules": [{**base, **fields}],
                "lookup_table_items": {key: {"name": "x"} for key in SEED_KEYS},
            }
            for case, fields in SEED_KEY_FORMATS.items()
        },
    )
    refused = {}
    for case, fields in SEED_KEY_FORMATS.items():
        (message,) = [error for error in found[case] if "can never be found" in error]
        refused[case] = json.loads(
            "[" + message.split("lookup_table_items key(s) ", 1)[1].split(" can never be found")[0] + "]"
        )
        (rule,) = parse_rules(json.dumps([{**base, "table": "customers", "key": "number", **fields}]))
        unfindable = [key for key in SEED_KEYS if lookup_key(rule, {"CustomerEndpoint": {"Address": key}}) != key]
        assert sorted(refused[case]) == sorted(unfindable), case
        assert 0 < len(unfindable) < len(SEED_KEYS), f"{case}: the keys must exercise both outcomes"
    assert "+1 555-555-0100" in refused["normalize_phone"] and "+15555550100" not in refused["normalize_phone"]
    assert "+1 555-555-0100" not in refused["normalize_none"]
    # A national table: its own country's numbers as dialled there, other countries' as E.164.
    assert "+81312345678" in refused["national_JP"] and "0312345678" not in refused["national_JP"]
    assert "+442079460958" not in refused["national_JP"] and "+442079460958" in refused["national_GB"]
    assert "+12025550143" in refused["national_US"] and "2025550143" not in refused["national_US"]
    assert "Taro.Yamada@example.co.jp" in refused["normalize_email"]
    assert "taro.yamada@example.co.jp" not in refused["normalize_email"]


# --- Finding 12: the protected domain survives a plan that would replace or destroy it ---------------------------


def terraform_with_inputs(workdir: Path, inputs: dict[str, Any], *args: str) -> Any:
    (workdir / "protection.tfvars.json").write_text(json.dumps(inputs), encoding="utf-8")
    return run_terraform(workdir, *args, "-input=false", "-no-color", "-var-file=protection.tfvars.json")


def test_domain_protection_refuses_replacing_or_destroying_the_domain(tmp_path: Path) -> None:
    workdir = copy_module(tmp_path / "module")
    checked(run_terraform(workdir, "init", "-backend=false", "-input=false", "-no-color"))
    protected = {"opensearch_public_endpoint_enabled": True, "opensearch_prevent_destroy_enabled": True}
    checked(terraform_with_inputs(workdir, protected, "apply", "-auto-approve"))

    # The offline provider does not model ForceNew, so -replace stands in for a change that replaces the domain
    # (kms_key_arn, vpc_config, removing opensearch_master_user_arn: README "Upgrade and replacement notes").
    for attempt in (("plan", "-replace=aws_opensearch_domain.this[0]"), ("plan", "-destroy")):
        result = terraform_with_inputs(workdir, protected, *attempt)
        assert result.returncode != 0, f"terraform {' '.join(attempt)} must be refused while the domain is protected"
        assert "Instance cannot be destroyed" in result.stderr, result.stderr
    # Dropping the domain through create_opensearch_domain = false is refused too.
    dropped = {
        **protected,
        "create_opensearch_domain": False,
        "opensearch_domain_arn": f"arn:aws:es:{REGION}:{ACCOUNT}:domain/other",
    }
    result = terraform_with_inputs(workdir, dropped, "plan")
    assert result.returncode != 0 and "Instance cannot be destroyed" in result.stderr, result.stderr
    # Changes AWS makes in place still plan.
    checked(terraform_with_inputs(workdir, {**protected, "opensearch_instance_count": 2}, "plan"))

    # The documented way out: forget the guard, then turn protection off.
    checked(run_terraform(workdir, "state", "rm", "terraform_data.opensearch_domain_protection[0]"))
    unprotected = {**protected, "opensearch_prevent_destroy_enabled": False}
    checked(terraform_with_inputs(workdir, unprotected, "plan", "-replace=aws_opensearch_domain.this[0]"))
    checked(terraform_with_inputs(workdir, unprotected, "plan", "-destroy"))


# --- Finding 20: the key-policy statement Amazon Connect needs on a customer managed key ----------------------


def principal_matches(statement: dict[str, Any], principal_arn: str, account: str) -> bool:
    """Whether a key-policy statement's principal and conditions admit a role (the condition operators it uses)."""
    principals = listed(statement["Principal"]["AWS"])
    if "*" not in principals and principal_arn not in principals:
        return False
    context = {"aws:PrincipalArn": principal_arn, "aws:PrincipalAccount": account}
    return all(
        key in context and any(CONDITION_MATCHERS[operator](context[key], v) for v in listed(values))
        for operator, keys in statement.get("Condition", {}).items()
        for key, values in keys.items()
    )


def test_connect_key_policy_output_is_a_valid_policy_for_connects_service_linked_role(module_copy: Path) -> None:
    document = plan(module_copy, "connect-key", {"opensearch_public_endpoint_enabled": True, "kms_key_arn": KEY_ARN})
    text = document["planned_values"]["outputs"]["connect_kms_key_policy_json"]["value"]
    # botocore kms PolicyType: 1-131,072 characters of tab, LF, CR and U+0020-U+00FF.
    assert 1 <= len(text) <= 131072 and re.fullmatch(r"[\t\n\r\x20-\xff]+", text)
    policy = json.loads(text)
    assert policy["Version"] == "2012-10-17"
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
    assert set(listed(statement["Action"])) == {"kms:GenerateDataKey", "kms:Decrypt"}
    assert set(statement["Condition"]) <= set(CONDITION_MATCHERS)

    role_path = "role/aws-service-role/connect.amazonaws.com/"
    connect_role = f"arn:aws:iam::{ACCOUNT}:{role_path}AWSServiceRoleForAmazonConnect_JDLG4PwFzTbrsZpNJKVP"
    assert principal_matches(statement, connect_role, ACCOUNT), "Amazon Connect's service-linked role is not admitted"
    for other in (
        f"arn:aws:iam::{ACCOUNT}:{role_path}AWSServiceRoleForAmazonConnectSynchronization_abc",
        f"arn:aws:iam::{ACCOUNT}:role/ctr-enrichment-lambda-us-east-1",
        f"arn:aws:iam::210987654321:{role_path}AWSServiceRoleForAmazonConnect_JDLG4PwFzTbrsZpNJKVP",
    ):
        account = other.split(":")[4]
        assert not principal_matches(statement, other, account), f"{other} must not be admitted"

    without_key = plan(module_copy, "connect-no-key", {"opensearch_public_endpoint_enabled": True})
    assert without_key["planned_values"]["outputs"]["connect_kms_key_policy_json"].get("value") is None


# --- Finding 6: the documented import of an existing Amazon Connect association -----------------------------------


def readme_import_block() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Amazon Connect wiring", 1)[1].split("\n### ", 1)[0]
    blocks = [
        block for block in re.findall(r"```hcl\n(.*?)```", section, re.S) if block.lstrip().startswith("import {")
    ]
    assert len(blocks) == 1, "README 'Amazon Connect wiring' must document one `import` block for the association"
    return blocks[0]


def test_documented_import_block_imports_the_modules_association(tmp_path: Path) -> None:
    block = readme_import_block()
    import_id = re.search(r'id\s*=\s*"([^"]+)"', block)
    assert import_id, block
    # The provider's importer (ImportStatePassthrough) and InstanceStorageConfigParseId:
    # strings.SplitN(id, ":", 3) into instanceId, associationId, resourceType, none empty.
    instance_id, association_id, resource_type = [*import_id.group(1).split(":", 2), "", ""][:3]
    assert instance_id and association_id and resource_type, (
        f"{import_id.group(1)} is not instanceId:associationId:type"
    )

    root = tmp_path / "root"
    copy_module(root / "module")
    (root / "main.tf").write_text(
        f"""module "ctr_enrichment" {{
  source                           = "./module"
  opensearch_public_endpoint_enabled = true
  connect_instance_id              = "{instance_id}"
}}

{block}""",
        encoding="utf-8",
    )
    checked(run_terraform(root, "init", "-backend=false", "-input=false", "-no-color"))
    checked(run_terraform(root, "plan", "-input=false", "-no-color", "-out=import.tfplan"))
    document = json.loads(checked(run_terraform(root, "show", "-json", "import.tfplan")))
    (change,) = [
        c for c in document["resource_changes"] if c["address"].endswith("aws_connect_instance_storage_config.ctr[0]")
    ]
    assert change["address"] == "module.ctr_enrichment.aws_connect_instance_storage_config.ctr[0]"
    assert change["change"].get("importing", {}).get("id") == import_id.group(1), "the plan must import, not create"
    assert "create" not in change["change"]["actions"]
    after = change["change"]["after"]
    assert (after["instance_id"], after["resource_type"]) == (instance_id, resource_type)


# --- Findings 12, 19, 20: what the README promises matches what Terraform plans ------------------------------


def readme_section(title: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"\n## {title}\n" in readme, f"README has no section '{title}'"
    return readme.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_readme_states_the_requirements_permissions_and_replacements_terraform_plans(module_copy: Path) -> None:
    document = plan(module_copy, "docs", {"opensearch_public_endpoint_enabled": True})
    configuration = document["configuration"]
    requirements = readme_section("Requirements")
    constrained = {
        name: c["version_constraint"]
        for name, c in configuration["provider_config"].items()
        if "version_constraint" in c
    }
    assert set(constrained) == {"aws", "archive"}
    for provider, constraint in constrained.items():
        major, minor, _ = lowest_admitted(constraint)
        (row,) = [line for line in requirements.splitlines() if f"hashicorp/{provider}]" in line]
        assert f">= {major}.{minor} " in row, f"README states another floor for hashicorp/{provider}: {row}"

    permissions = readme_section("Permissions to deploy")
    for action in ("iam:PassRole", "kms:CreateGrant", "kms:DescribeKey", "iam:PutRolePolicy"):
        assert f"`{action}`" in permissions, f"Permissions to deploy does not name {action}"

    replacements = readme_section("Upgrade and replacement notes")
    for variable in (
        "kms_key_arn",
        "opensearch_master_user_arn",
        "vpc_config",
        "backup_mode",
        "destination",
        "opensearch_prevent_destroy_enabled",
        "lambda_role_name",
    ):
        assert variable in configuration["root_module"]["variables"], variable
        assert f"`{variable}" in replacements, f"Upgrade and replacement notes do not mention {variable}"
    assert "terraform_data.opensearch_domain_protection[0]" in replacements
    assert any(
        r["address"] == "terraform_data.opensearch_domain_protection" for r in configuration["root_module"]["resources"]
    )

    key = readme_section("Using a customer-managed KMS key")
    assert "connect_kms_key_policy_json" in configuration["root_module"]["outputs"]
    assert "`connect_kms_key_policy_json`" in key and "AWSServiceRoleForAmazonConnect_" in key


# --- Issue 16: a Kinesis data stream as source, a collection as destination ----------------------------------------

STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/connect-ctr"
STREAM_KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/5678abcd-12ab-34cd-56ef-1234567890ab"
KINESIS_VIA = f"kinesis.{REGION}.amazonaws.com"


def test_firehose_reads_its_kinesis_source_and_decrypts_it_only_through_kinesis(module_copy: Path) -> None:
    document = plan(
        module_copy,
        "kinesis-source",
        {
            "opensearch_public_endpoint_enabled": True,
            "kinesis_source": {"stream_arn": STREAM_ARN, "kms_key_arn": STREAM_KEY_ARN},
        },
    )
    policy = role_policy(document, "aws_iam_role_policy.firehose")
    for action in ("kinesis:DescribeStream", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"):
        assert allows(policy, action, STREAM_ARN), f"{action} on the source stream is denied: nothing is delivered"
        assert not allows(policy, action, f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/other"), action
    assert not allows(policy, "kinesis:PutRecords", STREAM_ARN), "Firehose reads the stream, it never writes it"
    through_kinesis = {"kms:ViaService": KINESIS_VIA, "kms:EncryptionContext:aws:kinesis:arn": STREAM_ARN}
    assert allows(policy, "kms:Decrypt", STREAM_KEY_ARN, through_kinesis), "GetRecords on the encrypted stream fails"
    other_stream = {**through_kinesis, "kms:EncryptionContext:aws:kinesis:arn": f"{STREAM_ARN}-other"}
    assert not allows(policy, "kms:Decrypt", STREAM_KEY_ARN, other_stream), "the key must stay scoped to the stream"
    assert not allows(policy, "kms:Decrypt", STREAM_KEY_ARN, {"kms:EncryptionContext:aws:kinesis:arn": STREAM_ARN})
    assert not allows(policy, "kms:GenerateDataKey", STREAM_KEY_ARN, through_kinesis), "a consumer only decrypts"
    stream = planned(document, "aws_kinesis_firehose_delivery_stream.this")
    assert stream["server_side_encryption"] == [] and stream["kinesis_source_configuration"][0]["kinesis_stream_arn"]


def test_connect_key_policy_for_a_kinesis_source_admits_connect_producing_into_that_stream(module_copy: Path) -> None:
    document = plan(
        module_copy,
        "kinesis-key",
        {
            "opensearch_public_endpoint_enabled": True,
            "kinesis_source": {"stream_arn": STREAM_ARN, "kms_key_arn": STREAM_KEY_ARN},
            "kms_key_arn": KEY_ARN,
        },
    )
    policy = json.loads(document["planned_values"]["outputs"]["connect_kms_key_policy_json"]["value"])
    (statement,) = policy["Statement"]
    assert listed(statement["Action"]) == ["kms:GenerateDataKey"] and statement["Resource"] == "*"
    connect_role = (
        f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_JDLG4"
    )

    def admits(principal: str, via: str, stream: str) -> bool:
        context = {
            "aws:PrincipalArn": principal,
            "aws:PrincipalAccount": principal.split(":")[4],
            "kms:ViaService": via,
            "kms:EncryptionContext:aws:kinesis:arn": stream,
        }
        key_policy = {"Statement": [{**statement, "Resource": STREAM_KEY_ARN, "Action": statement["Action"]}]}
        return allows(key_policy, "kms:GenerateDataKey", STREAM_KEY_ARN, context)

    assert admits(connect_role, KINESIS_VIA, STREAM_ARN), "Amazon Connect cannot write to the encrypted stream"
    assert not admits(connect_role, f"firehose.{REGION}.amazonaws.com", STREAM_ARN), "only through Kinesis"
    assert not admits(connect_role, KINESIS_VIA, f"{STREAM_ARN}-other"), "only for the source stream"
    assert not admits(f"arn:aws:iam::{ACCOUNT}:role/someone", KINESIS_VIA, STREAM_ARN), "only Connect's role"


def test_a_new_key_replaces_the_collection_and_protection_refuses_it(tmp_path: Path) -> None:
    """OpenSearch Serverless keeps a collection's initial key whatever its encryption policy says later: a new
    kms_key_arn must replace the collection (and every CTR in it), which opensearch_prevent_destroy_enabled refuses."""
    workdir = copy_module(tmp_path / "module")
    checked(run_terraform(workdir, "init", "-backend=false", "-input=false", "-no-color"))
    inputs = {"destination": "opensearchserverless", "opensearch_public_endpoint_enabled": True}
    checked(terraform_with_inputs(workdir, inputs, "apply", "-auto-approve"))
    keyed = {**inputs, "kms_key_arn": KEY_ARN}
    result = terraform_with_inputs(workdir, keyed, "plan", "-out=keyed.tfplan")
    assert result.returncode == 0, result.stderr
    document = json.loads(checked(run_terraform(workdir, "show", "-json", "keyed.tfplan")))
    actions = {change["address"]: change["change"]["actions"] for change in document["resource_changes"]}
    assert actions["aws_opensearchserverless_collection.this[0]"] == ["delete", "create"]
    assert actions["aws_opensearchserverless_security_policy.encryption[0]"] == ["update"]

    protected = {**inputs, "opensearch_prevent_destroy_enabled": True}
    checked(terraform_with_inputs(workdir, protected, "apply", "-auto-approve"))
    for attempt in (("plan",), ("plan", "-destroy")):
        result = terraform_with_inputs(
            workdir, {**protected, "kms_key_arn": KEY_ARN} if attempt == ("plan",) else protected, *attempt
        )
        assert result.returncode != 0 and "Instance cannot be destroyed" in result.stderr, result.stderr
