"""The index side's assets: the index template, the ingest pipeline and the Dashboards saved objects are valid,
agree with each other and with what the handler (and the pipeline) writes.

The handler's documents come from the handler itself: the CTR fixtures go through ``lambda_handler`` against moto,
and every field of every document is resolved against the template the way OpenSearch resolves a field (explicit
``properties`` first, then the first matching ``dynamic_templates`` entry, then the default dynamic mapping).
"""

from __future__ import annotations

import json
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

import pytest

from ctr_enrichment_tools import opensearch_bodies as bodies
from ctr_enrichment_tools.harness import firehose_event
from ctr_enrichment_tools.opensearch import ROTATION_PERIODS, index_name
from tests.support import REPO
from tests.support.ctrs import CTR_FIXTURES, CUSTOMER_RULE, caller, load_json
from tests.support.function import decoded_documents, invoke
from tests.support.ingest_pipeline import model
from tests.support.opensearch_spec import check_request

ASSETS = REPO / "tools" / "ctr_enrichment_tools" / "opensearch_assets"
TEMPLATE_PATH = ASSETS / "index-template.json"
SAVED_OBJECTS_PATH = ASSETS / "saved-objects.ndjson"
OPENSEARCH = bodies.Engine("opensearch", (2, 19, 0))

# Objects whose keys the user (or the table, or the rules) chooses: fields under them may be mapped by the
# dynamic templates. Every other field the handler writes must be mapped explicitly.
OPEN_CONTAINERS = ("Attributes", "Tags", "Customer", "EnrichmentStatus")
AGGREGATABLE = {"keyword", "date", "long", "integer", "short", "byte", "double", "float", "boolean"}
# OpenSearch's default dynamic mapping for each JSON type (with date and numeric detection off).
DEFAULT_DYNAMIC = {"string": "text", "long": "long", "double": "float", "boolean": "boolean", "object": "object"}


def load_template() -> dict[str, Any]:
    return json.loads(TEMPLATE_PATH.read_text(encoding="utf-8"))


def mappings() -> dict[str, Any]:
    return load_template()["template"]["mappings"]


def load_saved_objects() -> list[dict[str, Any]]:
    lines = SAVED_OBJECTS_PATH.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


# --- How OpenSearch maps a field --------------------------------------------------------------------------------


def simple_match(pattern: str, value: str) -> bool:
    """OpenSearch's ``Regex.simpleMatch``: ``*`` matches any run of characters, nothing else is special."""
    return fnmatchcase(value, pattern.replace("[", "[[]").replace("?", "[?]"))


def json_type(value: Any) -> str:
    """The ``match_mapping_type`` OpenSearch detects for a JSON value (date and numeric detection off)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, dict):
        return "object"
    return "string"


def resolve(mapping: dict[str, Any], path: tuple[str, ...], value: Any) -> tuple[str, str]:
    """(field type, where it comes from: "explicit", "template:<name>" or "default") for a field's value."""
    properties = mapping["properties"]
    for depth, segment in enumerate(path):
        node = properties.get(segment)
        if node is None:
            break
        if depth == len(path) - 1:
            return node.get("type", "object"), "explicit"
        properties = node.get("properties", {})
    detected = json_type(value)
    for entry in mapping["dynamic_templates"]:
        ((name, template),) = entry.items()
        if template.get("match_mapping_type", "*") not in ("*", detected):
            continue
        if "match" in template and not simple_match(template["match"], path[-1]):
            continue
        if "path_match" in template and not simple_match(template["path_match"], ".".join(path)):
            continue
        return template["mapping"]["type"], f"template:{name}"
    return DEFAULT_DYNAMIC[detected], "default"


def declared(mapping: dict[str, Any], path: tuple[str, ...]) -> bool:
    """Whether the explicit properties declare this path (as an object or a concrete field)."""
    properties = mapping["properties"]
    for segment in path:
        if segment not in properties:
            return False
        node = properties[segment]
        properties = node.get("properties", {})
    return True


def accepts(field_type: str, value: Any) -> bool:
    """Whether a field of this type indexes the value without a mapping error."""
    if field_type in ("keyword", "text"):
        return isinstance(value, str)
    if field_type == "date":
        if isinstance(value, int) and not isinstance(value, bool):
            return True
        try:
            datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return False
        return True
    if field_type == "long":
        return isinstance(value, int) and not isinstance(value, bool)
    if field_type in ("float", "double"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if field_type == "boolean":
        return isinstance(value, bool)
    return field_type == "object" and isinstance(value, dict)


def leaves(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every (path, value) OpenSearch would index; arrays are flattened, empty objects and arrays kept."""
    if isinstance(value, dict) and value:
        return [leaf for key, child in value.items() for leaf in leaves(child, (*path, key))]
    if isinstance(value, list) and value:
        return [leaf for item in value for leaf in leaves(item, path)]
    return [(path, value)]


def unmapped_fields(document: dict[str, Any], mapping: dict[str, Any]) -> list[str]:
    problems = []
    for path, value in leaves(document):
        dotted = ".".join(path)
        if value is None or value in ({}, []):
            if not (declared(mapping, path) or path[0] in OPEN_CONTAINERS):
                problems.append(f"{dotted} (null or empty in the fixtures) is not declared in the mapping")
            continue
        field_type, source = resolve(mapping, path, value)
        if source != "explicit" and path[0] not in OPEN_CONTAINERS:
            problems.append(f"{dotted} = {value!r} is not mapped explicitly (it would fall to {source})")
        elif not accepts(field_type, value):
            problems.append(f"{dotted} = {value!r} does not fit its {field_type} mapping ({source})")
    return problems


# --- The handler's documents ------------------------------------------------------------------------------------

ALL_ATTRIBUTES_RULE = {**CUSTOMER_RULE, "attributes": None}


def enriched_documents(handler: Any) -> list[dict[str, Any]]:
    """Every CTR fixture, a caller in the table and one who is not, through the handler: the Ok documents."""
    payloads: list[Any] = [load_json(name) for name in CTR_FIXTURES]
    payloads += [caller("+1 415 555 0123"), caller("+81 90 0000 0000"), caller(None)]
    documents = decoded_documents(invoke(handler, firehose_event(payloads)))
    assert all(document is not None for document in documents)
    return documents


@pytest.fixture(params=[CUSTOMER_RULE, ALL_ATTRIBUTES_RULE], ids=["projected-attributes", "all-attributes"])
def documents(request: pytest.FixtureRequest, moto_table: Any, start_function: Any) -> list[dict[str, Any]]:
    return enriched_documents(start_function([request.param]))


def test_the_documents_the_pipeline_writes_are_mapped(documents: list[dict[str, Any]]) -> None:
    # What reaches the index is the handler's document after the ingest pipeline: ContactKey is added.
    params = bodies.ingest_pipeline(bodies.Deployment(time_zone="Asia/Tokyo"), OPENSEARCH)["processors"][0]["script"]
    indexed = [model(document, params["params"]) for document in documents]
    assert all("ContactKey" in document for document in indexed)
    sources = [{k: v for k, v in document.items() if not k.startswith("_")} for document in indexed]
    problems = sorted({problem for document in sources for problem in unmapped_fields(document, mappings())})
    assert problems == []
    assert resolve(mappings(), ("ContactKey",), "x") == ("keyword", "explicit")


def test_the_documents_cover_every_lookup_outcome(documents: list[dict[str, Any]]) -> None:
    statuses = {document["EnrichmentStatus"]["customer"] for document in documents}
    assert statuses == {"found", "not_found", "skipped"}


def test_the_mapping_covers_every_field_the_handler_writes(documents: list[dict[str, Any]]) -> None:
    problems = sorted({problem for document in documents for problem in unmapped_fields(document, mappings())})
    assert problems == []


def test_the_fields_the_handler_adds_are_mapped_explicitly(documents: list[dict[str, Any]]) -> None:
    originals = [load_json(name) for name in CTR_FIXTURES]
    added = {
        key for document, original in zip(documents, originals, strict=False) for key in set(document) - set(original)
    }
    assert added == {"Customer", "EnrichmentStatus"}
    for key in added:
        assert declared(mappings(), (key,)), key
    company = resolve(mappings(), ("Customer", "CompanyName"), "株式会社サンプル商事")
    assert company == ("keyword", "explicit")
    assert mappings()["properties"]["Customer"]["properties"]["CompanyName"]["fields"]["text"]["type"] == "text"


def test_arbitrary_lookup_attributes_map_as_searchable_keywords(documents: list[dict[str, Any]]) -> None:
    found = [document["Customer"] for document in documents if document["EnrichmentStatus"]["customer"] == "found"]
    names = {name for customer in found for name in customer}
    assert {"CompanyName", "Tier"} <= names
    for customer in found:
        for name, value in customer.items():
            field_type, source = resolve(mappings(), ("Customer", name), value)
            if isinstance(value, str):
                assert field_type == "keyword", (name, source)
                assert source in ("explicit", "template:customer_strings"), (name, source)
            else:
                assert accepts(field_type, value), (name, value, field_type)


def test_the_lookup_status_of_any_rule_is_a_keyword() -> None:
    for rule in ("customer", "agent-profile", "queue_sla"):
        for status in ("found", "not_found", "skipped", "error"):
            assert resolve(mappings(), ("EnrichmentStatus", rule), status) == ("keyword", "template:enrichment_status")


@pytest.mark.parametrize(
    "value",
    ["2026-11-20T01:08:50Z", "42", "true", "株式会社サンプル商事", "https://example.com/x"],
)
def test_user_attributes_are_always_one_keyword_field(value: str) -> None:
    # Whatever a contact flow puts into an attribute, it becomes one keyword field: never a date or a number
    # (that would conflict with the next document's value) and never text plus a keyword sub-field.
    for name in ("callbackTimestamp", "count", "会社名", "a"):
        assert resolve(mappings(), ("Attributes", name), value) == ("keyword", "template:user_attributes")
    template = next(entry["user_attributes"] for entry in mappings()["dynamic_templates"] if "user_attributes" in entry)
    assert "fields" not in template["mapping"]
    assert mappings()["date_detection"] is False
    assert mappings()["numeric_detection"] is False


def test_a_field_that_is_not_mapped_is_reported() -> None:
    # The coverage check itself: a new top-level CTR field, a timestamp under it and a value of the wrong type.
    document = {
        "ContactId": "x",
        "NewCtrField": {"Value": "x", "StartTimestamp": "2026-11-20T01:08:50Z"},
        "Queue": {"Duration": "27 seconds"},
        "Recordings": None,
        "Unknown": None,
    }
    assert unmapped_fields(document, mappings()) == [
        "NewCtrField.Value = 'x' is not mapped explicitly (it would fall to template:other_strings)",
        "NewCtrField.StartTimestamp = '2026-11-20T01:08:50Z' is not mapped explicitly"
        " (it would fall to template:timestamps)",
        "Queue.Duration = '27 seconds' does not fit its long mapping (explicit)",
        "Unknown (null or empty in the fixtures) is not declared in the mapping",
    ]


# --- The template -----------------------------------------------------------------------------------------------


def test_the_template_is_a_composable_index_template() -> None:
    template = load_template()
    assert set(template) == {"index_patterns", "priority", "version", "_meta", "template"}
    assert template["index_patterns"] == ["ctr", "ctr-*"]
    # The pipeline rides on the one template: a second template on ctr-* would not merge with it.
    assert template["template"]["settings"]["index"]["default_pipeline"] == bodies.PIPELINE_NAME
    assert set(template["template"]) == {"settings", "mappings"}
    mapping = template["template"]["mappings"]
    assert mapping["dynamic"] is True
    for entry in mapping["dynamic_templates"]:
        assert len(entry) == 1
        ((_, body),) = entry.items()
        assert {"match", "path_match", "match_mapping_type"} & set(body)
        assert body["mapping"]["type"] in {"keyword", "date", "text"}


def test_every_timestamp_is_a_date_and_every_ctr_identifier_a_keyword() -> None:
    def walk(properties: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
        out = []
        for name, node in properties.items():
            out.append((prefix + name, node))
            out += walk(node.get("properties", {}), f"{prefix}{name}.")
        return out

    fields = dict(walk(mappings()["properties"]))
    assert all(node["type"] == "date" for name, node in fields.items() if name.endswith("Timestamp"))
    identifiers = [name for name in fields if name.endswith(("Id", "ARN", "Arn", "Address"))]
    assert "ContactId" in identifiers and "CustomerEndpoint.Address" in identifiers
    assert all(fields[name]["type"] == "keyword" for name in identifiers)
    assert fields["Description"]["type"] == "text"
    assert fields["ChatMetrics.ConversationCloseTimeInMillis"] == {"type": "date", "format": "epoch_millis"}


@pytest.mark.parametrize("rotation", ROTATION_PERIODS)
def test_the_template_and_the_index_pattern_match_every_index_firehose_writes(rotation: str) -> None:
    index = index_name("ctr", rotation, 1763601302000)
    title = next(obj for obj in load_saved_objects() if obj["type"] == "index-pattern")["attributes"]["title"]
    assert any(simple_match(pattern, index) for pattern in load_template()["index_patterns"])
    assert simple_match(title, index)
    assert not any(simple_match(pattern, "ctrl-other") for pattern in load_template()["index_patterns"])


# --- The saved objects -----------------------------------------------------------------------------------------


def test_the_saved_objects_are_one_json_object_per_line() -> None:
    text = SAVED_OBJECTS_PATH.read_text(encoding="utf-8")
    assert text.endswith("\n")
    objects = load_saved_objects()
    assert [obj["type"] for obj in objects] == [
        "index-pattern",
        "visualization",
        "visualization",
        "visualization",
        "dashboard",
    ]
    assert len({obj["id"] for obj in objects}) == len(objects)
    for obj in objects:
        assert {"id", "type", "attributes", "references", "migrationVersion"} <= set(obj)
        assert obj["attributes"]["title"]


def test_every_reference_points_at_an_object_in_the_file() -> None:
    objects = load_saved_objects()
    by_id = {(obj["type"], obj["id"]) for obj in objects}
    for obj in objects:
        for reference in obj["references"]:
            assert (reference["type"], reference["id"]) in by_id, (obj["id"], reference)
        names = [reference["name"] for reference in obj["references"]]
        assert len(names) == len(set(names))
        meta = obj["attributes"].get("kibanaSavedObjectMeta")
        if meta:
            search = json.loads(meta["searchSourceJSON"])
            if "indexRefName" in search:
                assert search["indexRefName"] in names
    (dashboard,) = [obj for obj in objects if obj["type"] == "dashboard"]
    panels = json.loads(dashboard["attributes"]["panelsJSON"])
    assert sorted(panel["panelRefName"] for panel in panels) == sorted(
        ref["name"] for ref in dashboard["references"] if ref["type"] == "visualization"
    )
    visualizations = {obj["id"] for obj in objects if obj["type"] == "visualization"}
    assert {ref["id"] for ref in dashboard["references"]} == visualizations
    assert json.loads(dashboard["attributes"]["optionsJSON"])["useMargins"] is True


def visualizations() -> dict[str, dict[str, Any]]:
    return {
        obj["attributes"]["title"]: json.loads(obj["attributes"]["visState"])
        for obj in load_saved_objects()
        if obj["type"] == "visualization"
    }


def test_every_chart_counts_distinct_calls() -> None:
    # One document per contact, but a transferred call has one contact per leg: count ContactKey, not documents.
    for title, vis in visualizations().items():
        metrics = [agg for agg in vis["aggs"] if agg["schema"] == "metric"]
        assert [(agg["type"], agg["params"]["field"]) for agg in metrics] == [("cardinality", "ContactKey")], title
    assert all("ContactId" not in obj["attributes"].get("visState", "") for obj in load_saved_objects())


def test_the_time_field_is_the_field_the_pipeline_routes_on() -> None:
    # A contact sits in the index of its InitiationTimestamp day, so a Dashboards time filter on that field and the
    # day in the index name agree (rerouting must not move documents out of the time range that finds them).
    index_pattern = next(obj for obj in load_saved_objects() if obj["type"] == "index-pattern")
    assert index_pattern["attributes"]["timeFieldName"] == bodies.ROUTING_TIME_FIELD
    assert f'ctx.get("{bodies.ROUTING_TIME_FIELD}")' in bodies.painless_source()


def test_the_charts_group_by_the_fields_the_dashboard_promises() -> None:
    buckets = {
        title: [(agg["type"], agg["params"]["field"]) for agg in vis["aggs"] if agg["schema"] != "metric"]
        for title, vis in visualizations().items()
    }
    assert buckets == {
        "Calls by company": [("terms", "Customer.CompanyName")],
        "Calls over time": [("date_histogram", "InitiationTimestamp")],
        "Enrichment status": [("terms", "EnrichmentStatus.customer")],
    }
    assert {title: vis["type"] for title, vis in visualizations().items()} == {
        "Calls by company": "histogram",
        "Calls over time": "line",
        "Enrichment status": "pie",
    }


def test_every_charted_field_is_aggregatable_in_the_mapping() -> None:
    samples = {"keyword": "x", "date": "2026-11-20T01:08:50Z"}
    index_pattern = next(obj for obj in load_saved_objects() if obj["type"] == "index-pattern")
    time_field = index_pattern["attributes"]["timeFieldName"]
    assert resolve(mappings(), tuple(time_field.split(".")), samples["date"])[0] == "date"
    for title, vis in visualizations().items():
        for agg in vis["aggs"]:
            path = tuple(agg["params"]["field"].split("."))
            field_type, _ = resolve(mappings(), path, samples["date"] if agg["type"] == "date_histogram" else "x")
            assert field_type in AGGREGATABLE, (title, agg["params"]["field"], field_type)
            if agg["type"] == "date_histogram":
                assert field_type == "date"


def test_the_assets_adapt_to_the_index_and_company_field() -> None:
    deployment = bodies.Deployment(index="connect-ctr", company_field="Customer.Name")
    template = bodies.index_template(deployment, OPENSEARCH)
    assert template["index_patterns"] == ["connect-ctr", "connect-ctr-*"]
    assert template["template"] == load_template()["template"]
    objects = bodies.saved_objects(deployment, OPENSEARCH)
    assert next(obj for obj in objects if obj["type"] == "index-pattern")["attributes"]["title"] == "connect-ctr*"
    company = json.loads(
        next(obj for obj in objects if obj["id"] == "ctr-enrichment-calls-by-company")["attributes"]["visState"]
    )
    assert [agg["params"]["field"] for agg in company["aggs"]] == ["ContactKey", "Customer.Name"]
    assert bodies.saved_objects(bodies.Deployment(), OPENSEARCH) == load_saved_objects()
    pipeline = bodies.ingest_pipeline(deployment, OPENSEARCH)
    assert pipeline["processors"][0]["script"]["params"]["daily_index_prefix"] == "connect-ctr-"


def test_engines_without_the_pipeline_keep_counting_contact_ids() -> None:
    legacy = bodies.Engine("elasticsearch", (7, 9, 1))
    template = bodies.index_template(bodies.Deployment(), legacy)
    assert "default_pipeline" not in template["template"]["settings"]["index"]
    for obj in bodies.saved_objects(bodies.Deployment(), legacy):
        assert "ContactKey" not in json.dumps(obj), obj["id"]


@pytest.mark.parametrize("rotation", ROTATION_PERIODS)
def test_exactly_one_template_matches_every_index_the_pipeline_or_firehose_names(rotation: str) -> None:
    # Composable templates do not merge: if two matched, one would silently drop the other's mapping or pipeline.
    templates = [bodies.index_template(bodies.Deployment(rotation=rotation), OPENSEARCH)]
    arrival = index_name("ctr", rotation, 1763601302000)
    rerouted = model(
        {
            "_index": arrival,
            "ContactId": "c",
            "InitiationTimestamp": "2026-11-20T15:00:00Z",
            "LastUpdateTimestamp": "2026-11-20T15:00:00Z",
        },
        {"daily_index_prefix": "ctr-", "time_zone": "Asia/Tokyo"},
    )["_index"]
    for index in (arrival, rerouted):
        assert sum(any(simple_match(p, index) for p in t["index_patterns"]) for t in templates) == 1
    assert len(list(ASSETS.glob("*template*.json"))) == 1


@pytest.mark.parametrize(
    "engine", [OPENSEARCH, bodies.Engine("elasticsearch", (7, 10, 2)), bodies.Engine("elasticsearch", (7, 9, 1))]
)
def test_every_body_validates_against_the_opensearch_api_specification(engine: bodies.Engine) -> None:
    deployment = bodies.Deployment(time_zone="UTC", retention_days=90)
    assert (
        check_request("PUT", "/_ingest/pipeline/x", bodies.ingest_pipeline(deployment, engine)) == "ingest.put_pipeline"
    )
    template = bodies.index_template(deployment, engine)
    assert check_request("PUT", "/_index_template/x", template) == "indices.put_index_template"
    assert check_request("PUT", "/_template/x", bodies.legacy_template(template)) == "indices.put_template"
    assert check_request("PUT", "/ctr-1/_settings", bodies.default_pipeline_settings()) == "indices.put_settings"
    assert (
        check_request("PUT", f"/{engine.plugins}/_ism/policies/x", bodies.retention_policy(deployment))
        == "ism.put_policy"
    )
    role = bodies.firehose_role(deployment)
    assert check_request("PUT", f"/{engine.plugins}/_security/api/roles/x", role) == "security.create_role"
