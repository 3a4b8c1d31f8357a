"""The create_* toggles: every combination, with both destinations, planned by real Terraform.

The three toggles that choose between a resource the module creates and one the user already has are one table
(TOGGLES): what each creates when it is true, and the input that names the existing resource when it is false.
The 16 cases (2 x 2 x 2 toggles x 2 destinations) are module instances of one wrapper plan (`plan_batch`, which
loads the provider schema once for all of them; the offline stand-in in CI), and each case is held against the
table: exactly the resources the table says, and the stream, the function and the rules wired to the created or
the given resource.

The two Firehose destination blocks (`opensearch_configuration`, `elasticsearch_configuration`) are written out
twice in firehose.tf, as the provider schema has them. `test_the_two_destination_blocks_stay_in_step` compares
them, planned side by side, so that a setting added to, or changed in, one block only fails here.
"""

from __future__ import annotations

import itertools
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.aws_rules.plans import Configuration, plan_batch

pytestmark = pytest.mark.terraform

ACCOUNT = "123456789012"  # the stand-in's aws_caller_identity
REGION = "us-east-1"


@dataclass(frozen=True)
class Toggle:
    creates: frozenset[str]  # resource addresses the module plans when the toggle is true
    existing_input: str  # when false, the input that names the existing resource instead ...
    existing_value: str  # ... and its value in these tests


TOGGLES: dict[str, Toggle] = {
    "create_lookup_table": Toggle(
        creates=frozenset({"aws_dynamodb_table.lookup[0]"}),
        existing_input="lookup_table_arn",
        existing_value=f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/existing-customers",
    ),
    "create_opensearch_domain": Toggle(
        creates=frozenset(
            {
                "aws_opensearch_domain.this[0]",
                "aws_opensearch_domain_policy.this[0]",
                "aws_cloudwatch_log_group.opensearch[0]",
                "aws_cloudwatch_log_resource_policy.opensearch[0]",
            }
        ),
        existing_input="opensearch_domain_arn",
        existing_value=f"arn:aws:es:{REGION}:{ACCOUNT}:domain/existing",
    ),
    "create_backup_bucket": Toggle(
        creates=frozenset(
            {
                "aws_s3_bucket.backup[0]",
                "aws_s3_bucket_ownership_controls.backup[0]",
                "aws_s3_bucket_public_access_block.backup[0]",
                "aws_s3_bucket_server_side_encryption_configuration.backup[0]",
                "aws_s3_bucket_versioning.backup[0]",
                "aws_s3_bucket_lifecycle_configuration.backup[0]",
                "aws_s3_bucket_policy.backup[0]",
            }
        ),
        existing_input="backup_bucket_arn",
        existing_value="arn:aws:s3:::existing-ctr-backup",
    ),
}

# Planned whatever the toggles say.
ALWAYS = frozenset(
    {
        "archive_file.lambda",
        "terraform_data.lambda_package_hash",
        "aws_lambda_function.this",
        "aws_iam_role.lambda",
        "aws_iam_role_policy.lambda",
        "aws_iam_role.firehose",
        "aws_iam_role_policy.firehose",
        "aws_cloudwatch_log_group.lambda",
        "aws_cloudwatch_log_group.firehose",
        'aws_cloudwatch_log_stream.firehose["backup"]',
        'aws_cloudwatch_log_stream.firehose["destination"]',
        "aws_kinesis_firehose_delivery_stream.this",
    }
)
DESTINATIONS = ("opensearch", "elasticsearch")
BLOCK = {
    "opensearch": "opensearch_configuration",
    "elasticsearch": "elasticsearch_configuration",
    "opensearchserverless": "opensearchserverless_configuration",
}
# Arguments one destination block has and the other has not (provider schema), or that the module sets for one
# destination only: the only differences the two blocks may show.
DESTINATION_ONLY = {"opensearch": {"document_id_options"}, "elasticsearch": {"type_name"}}
# The OpenSearch Serverless block against the OpenSearch one: how each addresses its destination, and what only
# domains have (document IDs, rotation, document types; AmazonOpenSearchServerlessDestinationConfiguration has none).
SERVERLESS_ONLY = {"collection_endpoint"}
DOMAIN_ONLY = {"domain_arn", "cluster_endpoint", "index_rotation_period", "type_name", "document_id_options"}


@dataclass(frozen=True)
class Case:
    toggles: tuple[bool, bool, bool]  # in the order of TOGGLES
    destination: str

    @property
    def name(self) -> str:
        """Module instance name and `name` input: ctr-<t|x><d|x><b|x>-<destination>."""
        flags = "".join(letter if on else "x" for letter, on in zip("tdb", self.toggles, strict=True))
        return f"ctr-{flags}-{self.destination}"

    @property
    def on(self) -> dict[str, bool]:
        return dict(zip(TOGGLES, self.toggles, strict=True))

    def inputs(self) -> dict[str, Any]:
        inputs: dict[str, Any] = {"name": self.name, "destination": self.destination}
        if self.destination == "elasticsearch":
            inputs["opensearch_engine_version"] = "Elasticsearch_7.10"
        if self.on["create_opensearch_domain"]:
            inputs["opensearch_public_endpoint_enabled"] = True
        for toggle_name, on in self.on.items():
            inputs[toggle_name] = on
            if not on:
                inputs[TOGGLES[toggle_name].existing_input] = TOGGLES[toggle_name].existing_value
        return inputs

    def expected_addresses(self) -> frozenset[str]:
        return ALWAYS.union(*(toggle.creates for name, toggle in TOGGLES.items() if self.on[name]))

    def expected_wiring(self) -> dict[str, str]:
        created = {
            "domain_arn": f"arn:aws:es:{REGION}:{ACCOUNT}:domain/{self.name}",
            "bucket_arn": f"arn:aws:s3:::{self.name}-backup-{ACCOUNT}-{REGION}",
            "rule_table": f"{self.name}-lookup",
        }
        given = {
            "domain_arn": TOGGLES["create_opensearch_domain"].existing_value,
            "bucket_arn": TOGGLES["create_backup_bucket"].existing_value,
            "rule_table": "existing-customers",
        }
        source = {
            "domain_arn": "create_opensearch_domain",
            "bucket_arn": "create_backup_bucket",
            "rule_table": "create_lookup_table",
        }
        return {key: (created if self.on[toggle] else given)[key] for key, toggle in source.items()}


CASES = [
    Case(toggles, destination)
    for toggles in itertools.product((True, False), repeat=len(TOGGLES))
    for destination in DESTINATIONS
]

# A pair of cases that differ only in the destination and set every input that reaches a destination block to a
# value other than its default, so the in-step comparison sees each of them rendered in both blocks.
EVERY_SETTING: dict[str, Any] = {
    "create_opensearch_domain": False,
    "opensearch_domain_arn": f"arn:aws:es:{REGION}:{ACCOUNT}:domain/existing",
    "create_backup_bucket": False,
    "backup_bucket_arn": "arn:aws:s3:::existing-ctr-backup",
    "kms_key_arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "index_name": "contact-records",
    "index_rotation_period": "OneWeek",
    "buffering_interval_seconds": 120,
    "buffering_size_mb": 9,
    "retry_duration_seconds": 600,
    "backup_mode": "AllDocuments",
    "backup_compression_format": "ZIP",
    "processor_buffering_size_mb": 2,
    "processor_buffering_interval_seconds": 30,
    "processor_retries": 5,
    "vpc_config": {
        "subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        "security_group_ids": ["sg-0123456789abcdef0"],
    },
}
EVERY_SETTING_PAIR = {destination: f"ctr-all-{destination}" for destination in DESTINATIONS}

# The same, for an OpenSearch domain against an OpenSearch Serverless collection (both existing): every setting
# the two destinations share, off its default (rotation is the domains' alone).
SHARED_SETTINGS = {key: value for key, value in EVERY_SETTING.items() if key != "index_rotation_period"}
STREAM_SETTINGS = {key: value for key, value in SHARED_SETTINGS.items() if "opensearch" not in key}
SERVERLESS_PAIR: dict[str, dict[str, Any]] = {
    "ctr-pair-opensearch": {**SHARED_SETTINGS, "destination": "opensearch"},
    "ctr-pair-serverless": {
        **STREAM_SETTINGS,
        "destination": "opensearchserverless",
        "create_opensearch_collection": False,
        "opensearch_collection_arn": f"arn:aws:aoss:{REGION}:{ACCOUNT}:collection/abc123def456ghi",
    },
}


@pytest.fixture(scope="module")
def plans() -> Iterator[dict[str, dict[str, Any]]]:
    """`terraform show -json` of every case (and of the every-setting pair), by module instance name."""
    configurations = [Configuration(case.name, case.inputs()) for case in CASES]
    configurations += [
        Configuration(name, {**EVERY_SETTING, "name": name, "destination": destination})
        for destination, name in EVERY_SETTING_PAIR.items()
    ]
    configurations += [Configuration(name, {**inputs, "name": name}) for name, inputs in SERVERLESS_PAIR.items()]
    base = Path(tempfile.mkdtemp(prefix="tgl"))  # short: provider sockets live under it
    try:
        results = plan_batch(configurations, base, "toggles")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    documents = {}
    for result in results:
        if result.document is None:
            pytest.fail(f"{result.configuration.name} did not plan:\n{result.error}", pytrace=False)
        documents[result.configuration.name] = result.document
    yield documents


def resource_changes(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {change["address"]: change["change"] for change in document["resource_changes"]}


def stream(document: dict[str, Any]) -> dict[str, Any]:
    return resource_changes(document)["aws_kinesis_firehose_delivery_stream.this"]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_combination_plans_exactly_what_its_toggles_say(case: Case, plans: dict[str, dict[str, Any]]) -> None:
    changes = resource_changes(plans[case.name])
    assert all(change["actions"] == ["create"] for change in changes.values())
    assert set(changes) == case.expected_addresses()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_combination_wires_the_created_or_the_given_resources(
    case: Case, plans: dict[str, dict[str, Any]]
) -> None:
    document = plans[case.name]
    planned = stream(document)["after"]
    assert planned["destination"] == case.destination
    other = next(destination for destination in DESTINATIONS if destination != case.destination)
    assert (len(planned[BLOCK[case.destination]]), len(planned[BLOCK[other]])) == (1, 0)
    block = planned[BLOCK[case.destination]][0]
    rules = json.loads(
        resource_changes(document)["aws_lambda_function.this"]["after"]["environment"][0]["variables"][
            "ENRICHMENT_RULES"
        ]
    )
    assert {
        "domain_arn": block["domain_arn"],
        "bucket_arn": block["s3_configuration"][0]["bucket_arn"],
        "rule_table": rules[0]["table"],
    } == case.expected_wiring()


def in_step_view(document: dict[str, Any], destination: str, name: str, only: set[str] | None = None) -> dict[str, Any]:
    """The planned destination block, with the instance's name abstracted and destination-only arguments left out:
    its values (`after`) and which of them are known only after apply (`after_unknown`)."""
    change = stream(document)
    left_out = DESTINATION_ONLY[destination] if only is None else only
    view = {}
    for part in ("after", "after_unknown"):
        (block,) = change[part][BLOCK[destination]]
        kept = {key: value for key, value in block.items() if key not in left_out}
        view[part] = json.loads(json.dumps(kept).replace(name, "<name>"))
    return view


def pairs() -> list[tuple[str, str]]:
    """Instance names of case pairs that differ in the destination only."""
    by_toggles = [
        tuple(case.name for case in CASES if case.toggles == toggles)
        for toggles in itertools.product((True, False), repeat=len(TOGGLES))
    ]
    return [*by_toggles, tuple(EVERY_SETTING_PAIR[destination] for destination in DESTINATIONS)]


@pytest.mark.parametrize(("opensearch", "elasticsearch"), pairs())
def test_the_two_destination_blocks_stay_in_step(
    opensearch: str, elasticsearch: str, plans: dict[str, dict[str, Any]]
) -> None:
    os_view = in_step_view(plans[opensearch], "opensearch", opensearch)
    es_view = in_step_view(plans[elasticsearch], "elasticsearch", elasticsearch)
    out_of_step = {
        f"{part}.{key}": (os_view[part].get(key), es_view[part].get(key))
        for part in ("after", "after_unknown")
        for key in sorted(os_view[part].keys() | es_view[part].keys())
        if os_view[part].get(key) != es_view[part].get(key)
    }
    assert out_of_step == {}, (
        "opensearch_configuration and elasticsearch_configuration differ (opensearch, elasticsearch)"
    )


def test_every_setting_reaches_the_destination_block(plans: dict[str, dict[str, Any]]) -> None:
    """The in-step pair compares blocks that carry every setting, not blocks that are equal because all is default."""
    block = stream(plans[EVERY_SETTING_PAIR["opensearch"]])["after"]["opensearch_configuration"][0]
    parameters = {
        parameter["parameter_name"]: parameter["parameter_value"]
        for parameter in block["processing_configuration"][0]["processors"][0]["parameters"]
    }
    assert {
        "index_name": block["index_name"],
        "index_rotation_period": block["index_rotation_period"],
        "buffering_interval": block["buffering_interval"],
        "buffering_size": block["buffering_size"],
        "retry_duration": block["retry_duration"],
        "s3_backup_mode": block["s3_backup_mode"],
        "compression_format": block["s3_configuration"][0]["compression_format"],
        "kms_key_arn": block["s3_configuration"][0]["kms_key_arn"],
        "subnet_ids": sorted(block["vpc_config"][0]["subnet_ids"]),
        "security_group_ids": block["vpc_config"][0]["security_group_ids"],
        "processor": {name: value for name, value in parameters.items() if name != "LambdaArn"},
    } == {
        "index_name": "contact-records",
        "index_rotation_period": "OneWeek",
        "buffering_interval": 120,
        "buffering_size": 9,
        "retry_duration": 600,
        "s3_backup_mode": "AllDocuments",
        "compression_format": "ZIP",
        "kms_key_arn": EVERY_SETTING["kms_key_arn"],
        "subnet_ids": EVERY_SETTING["vpc_config"]["subnet_ids"],
        "security_group_ids": EVERY_SETTING["vpc_config"]["security_group_ids"],
        "processor": {"BufferSizeInMBs": "2", "BufferIntervalInSeconds": "30", "NumberOfRetries": "5"},
    }


def test_the_serverless_block_stays_in_step_with_the_opensearch_block(plans: dict[str, dict[str, Any]]) -> None:
    """opensearchserverless_configuration is the third copy of the settings (firehose.tf): a setting added to, or
    changed in, one of the copies only fails here."""
    domain, collection = SERVERLESS_PAIR
    os_view = in_step_view(plans[domain], "opensearch", domain, only=DOMAIN_ONLY)
    aoss_view = in_step_view(plans[collection], "opensearchserverless", collection, only=SERVERLESS_ONLY)
    out_of_step = {
        f"{part}.{key}": (os_view[part].get(key), aoss_view[part].get(key))
        for part in ("after", "after_unknown")
        for key in sorted(os_view[part].keys() | aoss_view[part].keys())
        if os_view[part].get(key) != aoss_view[part].get(key)
    }
    assert out_of_step == {}, "opensearch_configuration and opensearchserverless_configuration differ"
    block = stream(plans[collection])["after"]["opensearchserverless_configuration"][0]
    assert (block["index_name"], block["buffering_size"], block["retry_duration"], block["s3_backup_mode"]) == (
        "contact-records",
        9,
        600,
        "AllDocuments",
    )  # the pair carries the settings, it does not compare defaults
    assert block["collection_endpoint"].startswith("https://")
