"""The index side as data: the ingest pipeline, index template, retention policy, Firehose role and Dashboards objects.

The files live in ``opensearch_assets/`` beside this module (package data, so an installed wheel has them too).
These functions read them and adapt them to a deployment: the index name, the rotation, the time zone, the
retention and the engine. They are pure; ``opensearch_setup`` sends what they build.
"""

from __future__ import annotations

import hashlib
import json
import re
import zoneinfo
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from ctr_enrichment_tools.contacts import CONTACT_KEY

ASSETS = files("ctr_enrichment_tools") / "opensearch_assets"
DEFAULT_INDEX = "ctr"
DEFAULT_COMPANY_FIELD = "Customer.CompanyName"
DEFAULT_TIME_ZONE = "UTC"
# One name per object on the domain, shared by every deployment of the module there (the template's name
# predates this command and is kept so that re-running it updates rather than overlaps the old template).
TEMPLATE_NAME = "ctr-enrichment"
PIPELINE_NAME = "ctr-enrichment"
POLICY_NAME = "ctr-enrichment-retention"
FIREHOSE_ROLE_NAME = "ctr-enrichment-firehose"
INDEX_PATTERN_ID = "ctr-enrichment-index-pattern"
CALLS_BY_COMPANY_ID = "ctr-enrichment-calls-by-company"
# The field every chart counts (distinct values): a call, across its transfer legs (contacts.py defines it).
# Without the pipeline (engines that cannot run it) the charts fall back to ContactId, as before.
CALL_KEY = CONTACT_KEY
LEGACY_CALL_KEY = "ContactId"
# The field the pipeline routes on, and the index pattern's time field: the two must be the same so that a
# time filter in Dashboards and the day in the index name agree.
ROUTING_TIME_FIELD = "InitiationTimestamp"
# Index names: OpenSearch's MetadataCreateIndexService rules (lowercase, no \ / * ? " < > | space , #,
# not starting with - _ +), and short enough to leave room for the date suffix.
_INDEX_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,200}$")
# Amazon OpenSearch Service ISM accepts whole days; the upper bound only catches typos (100 years).
MAX_RETENTION_DAYS = 36500
_IAM_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")


def read_json(name: str) -> Any:
    return json.loads((ASSETS / name).read_text(encoding="utf-8"))


def painless_source() -> str:
    """The pipeline's script, without its comment lines (they would only cost compile time and bytes)."""
    lines = (ASSETS / "one-document-per-contact.painless").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("//")).strip() + "\n"


def fingerprint(body: Any) -> str:
    """A short digest of a request body, stored where the domain returns it verbatim, to tell "unchanged"."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


# --- What the domain runs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Engine:
    distribution: str  # "opensearch" or "elasticsearch"
    version: tuple[int, ...]

    @property
    def opensearch(self) -> bool:
        return self.distribution == "opensearch"

    @property
    def composable_templates(self) -> bool:
        # Composable templates (_index_template) arrived in Elasticsearch 7.8 and are in every OpenSearch.
        return self.opensearch or self.version >= (7, 8)

    @property
    def one_document_per_contact(self) -> bool:
        """Whether the pipeline is installed: OpenSearch, or Elasticsearch 7.10 (the issue's scope).

        Rerouting from a default pipeline follows elastic/elasticsearch#59522 (7.9+; carried into OpenSearch
        1.0); older engines are kept as they were (documents in Firehose's arrival index, counted by ContactId).
        """
        return self.opensearch or self.version >= (7, 10)

    @property
    def ism_templates(self) -> bool:
        # ism_template (policies that attach themselves to new indices) came with Open Distro 1.13, which
        # Amazon OpenSearch Service runs on Elasticsearch 7.10 only.
        return self.opensearch or self.version >= (7, 10)

    @property
    def plugins(self) -> str:
        # "If your domain is running a legacy Elasticsearch version, use _opendistro instead of _plugins"
        # (AWS OpenSearch Service developer guide, ism.md and fgac.md).
        return "_plugins" if self.opensearch else "_opendistro"

    @property
    def dashboards_path(self) -> str:
        return "/_dashboards" if self.opensearch else "/_plugin/kibana"

    def __str__(self) -> str:
        name = "OpenSearch" if self.opensearch else "Elasticsearch"
        return f"{name} {'.'.join(str(part) for part in self.version)}"


@dataclass(frozen=True)
class Deployment:
    """How the module delivers (its index_name and index_rotation_period) and what the analysts asked for."""

    index: str = DEFAULT_INDEX
    rotation: str = "OneDay"
    time_zone: str = DEFAULT_TIME_ZONE
    retention_days: int | None = None
    company_field: str = DEFAULT_COMPANY_FIELD

    def problems(self) -> list[str]:
        """What is wrong with these settings, whatever the domain runs; each names the option to fix."""
        problems = []
        if not _INDEX_NAME.match(self.index):
            problems.append(
                f"--index {self.index!r} is not an index name OpenSearch accepts (lowercase letters, digits, "
                "'.', '_', '-', not starting with '-', '_' or '.')"
            )
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problems.append(
                f"--time-zone {self.time_zone!r} is not an IANA time zone name (for example UTC, Asia/Tokyo)"
            )
        if self.time_zone != DEFAULT_TIME_ZONE and self.rotation != "OneDay":
            problems.append(
                f"--time-zone applies to daily indices only; with --index-rotation {self.rotation} the documents "
                "stay in the index Firehose names by UTC arrival time. Leave --time-zone out, or rotate OneDay."
            )
        if self.retention_days is not None:
            if not 1 <= self.retention_days <= MAX_RETENTION_DAYS:
                problems.append(f"--retention-days must be from 1 to {MAX_RETENTION_DAYS}, got {self.retention_days}")
            if self.rotation == "NoRotation":
                problems.append(
                    "--retention-days deletes whole indices by age; with --index-rotation NoRotation all contacts "
                    f"are in one index ({self.index}), which it would delete entirely. Rotate, or keep everything."
                )
        return problems

    @property
    def rotated_pattern(self) -> str:
        return f"{self.index}-*"

    def owns(self, index_name: str) -> bool:
        """Whether an index is one this deployment writes (its index, or a rotated or rerouted one)."""
        return index_name == self.index or index_name.startswith(f"{self.index}-")

    def reroutes(self, engine: Engine) -> bool:
        return engine.one_document_per_contact and self.rotation == "OneDay"


# --- The bodies ----------------------------------------------------------------------------------------------


def ingest_pipeline(deployment: Deployment, engine: Engine) -> dict[str, Any]:
    """``PUT _ingest/pipeline/ctr-enrichment``: the same path and body on OpenSearch and Elasticsearch 7.10."""
    pipeline = read_json("ingest-pipeline.json")
    script = pipeline["processors"][0]["script"]
    script["source"] = painless_source()
    # Parameters rather than text in the script, so that the compiled script is shared and cached.
    script["params"] = {
        "daily_index_prefix": f"{deployment.index}-" if deployment.reroutes(engine) else None,
        "time_zone": deployment.time_zone,
    }
    pipeline["description"] = pipeline["description"].replace("<index>", deployment.index)
    return pipeline


def index_template(deployment: Deployment, engine: Engine) -> dict[str, Any]:
    """The composable index template for the index and every rotated or rerouted index."""
    template = read_json("index-template.json")
    template["index_patterns"] = [deployment.index, deployment.rotated_pattern]
    settings = template["template"]["settings"]["index"]
    if not engine.one_document_per_contact:
        del settings["default_pipeline"]
    template["_meta"]["fingerprint"] = fingerprint(template)
    return template


def legacy_template(template: dict[str, Any]) -> dict[str, Any]:
    """The same settings and mappings as a legacy ``_template`` body (Elasticsearch before 7.8)."""
    return {
        "index_patterns": template["index_patterns"],
        "order": template.get("priority", 0),
        "version": template.get("version"),
        "settings": template["template"]["settings"],
        "mappings": template["template"]["mappings"],
    }


def default_pipeline_settings() -> dict[str, Any]:
    """``PUT <existing indices>/_settings``: a template shapes only indices created after it."""
    return {"index": {"default_pipeline": PIPELINE_NAME}}


def retention_policy(deployment: Deployment) -> dict[str, Any]:
    """``PUT _plugins/_ism/policies/ctr-enrichment-retention`` (``_opendistro`` on Elasticsearch 7.10)."""
    if deployment.retention_days is None:
        raise ValueError("no retention: keep every index")
    body = read_json("ism-policy.json")
    policy = body["policy"]
    days = deployment.retention_days
    policy["description"] = f"ctr-enrichment: delete {deployment.index} indices {days} days after they were created."
    policy["states"][0]["transitions"][0]["conditions"]["min_index_age"] = f"{days}d"
    # The single-object form: Open Distro 1.13 (Elasticsearch 7.10) parses only that; OpenSearch takes both.
    policy["ism_template"]["index_patterns"] = [deployment.rotated_pattern]
    policy["description"] += f" [{fingerprint(body)}]"
    return body


def firehose_role(deployment: Deployment) -> dict[str, Any]:
    """``PUT _plugins/_security/api/roles/ctr-enrichment-firehose``: AWS's documented Firehose permissions."""
    role = read_json("firehose-role.json")
    role["index_permissions"][0]["index_patterns"] = [deployment.index, deployment.rotated_pattern]
    role["description"] = role["description"].replace("ctr-*", deployment.rotated_pattern)
    return role


def valid_role_arn(arn: str) -> bool:
    """An IAM role ARN (not an assumed-role session ARN): what FGAC compares backend roles with."""
    return bool(_IAM_ROLE_ARN.match(arn))


def saved_objects(deployment: Deployment, engine: Engine) -> list[dict[str, Any]]:
    """The Dashboards objects, on ``index*``, charting ``company_field``, counting calls as the index allows."""
    text = (ASSETS / "saved-objects.ndjson").read_text(encoding="utf-8")
    objects = [json.loads(line) for line in text.splitlines() if line.strip()]
    count_field = CALL_KEY if engine.one_document_per_contact else LEGACY_CALL_KEY
    for obj in objects:
        attributes = obj["attributes"]
        if obj["id"] == INDEX_PATTERN_ID:
            attributes["title"] = f"{deployment.index}*"
        if count_field != CALL_KEY:
            for key in ("description", "visState"):
                if key in attributes:
                    attributes[key] = attributes[key].replace(CALL_KEY, count_field)
        if obj["id"] == CALLS_BY_COMPANY_ID:
            vis = json.loads(attributes["visState"])
            for agg in vis["aggs"]:
                if agg["type"] == "terms":
                    agg["params"]["field"] = deployment.company_field
                    agg["params"]["customLabel"] = f"Company ({deployment.company_field})"
            attributes["visState"] = json.dumps(vis, ensure_ascii=False, separators=(",", ":"))
    return objects


def ndjson(objects: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n" for obj in objects).encode()
