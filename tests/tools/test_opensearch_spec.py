"""The vendored OpenSearch API specification and the request checker built on it (tests/support/opensearch_spec.py).

The checker must find the operations the project calls (``_opendistro`` paths included), accept correct bodies
and refuse wrong ones: a checker that accepts everything would make every "validates against the specification"
assertion in the other tests meaningless.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import REPO
from tests.support.opensearch_spec import NAMESPACES, SPEC, VENDORED, SpecError, check_request, referenced_files

SHARED = REPO.parent / "shared" / "opensearch-api-spec"


def vendored_files() -> set[Path]:
    return {path.resolve() for path in SPEC.rglob("*.yaml")}


def test_the_vendored_subset_is_closed_under_refs_and_licensed() -> None:
    start = [SPEC / "namespaces" / f"{name}.yaml" for name in NAMESPACES] + [SPEC / "_superseded_operations.yaml"]
    assert referenced_files(start) == vendored_files()
    assert "Apache License" in (VENDORED / "LICENSE.txt").read_text(encoding="utf-8")
    assert (VENDORED / "NOTICE.txt").read_text(encoding="utf-8").strip()


@pytest.mark.skipif(not SHARED.is_dir(), reason="only where ../shared/opensearch-api-spec sits beside the project")
def test_the_vendored_files_are_unchanged_copies_of_the_shared_specification() -> None:
    for path in sorted(vendored_files()):
        relative = path.relative_to(SPEC.resolve())
        assert path.read_bytes() == (SHARED / "spec" / relative).read_bytes(), relative


@pytest.mark.parametrize(
    ("method", "path", "group"),
    [
        ("GET", "/", "info"),
        ("PUT", "/_ingest/pipeline/ctr-enrichment", "ingest.put_pipeline"),
        ("GET", "/_index_template", "indices.get_index_template"),
        ("PUT", "/_index_template/ctr-enrichment", "indices.put_index_template"),
        ("PUT", "/_template/ctr-enrichment", "indices.put_template"),
        ("GET", "/ctr*/_settings/index.creation_date,index.default_pipeline", "indices.get_settings"),
        ("PUT", "/ctr-2026-11-20,ctr/_settings", "indices.put_settings"),
        ("PUT", "/_plugins/_ism/policies/p?if_seq_no=3&if_primary_term=1", "ism.put_policy"),
        ("PUT", "/_opendistro/_ism/policies/p", "ism.put_policy"),
        ("GET", "/_opendistro/_ism/explain/ctr-1,ctr-2", "ism.explain_policy"),
        ("POST", "/_plugins/_ism/add/ctr-1", "ism.add_policy"),
        ("PUT", "/_opendistro/_security/api/roles/r", "security.create_role"),
        ("PATCH", "/_plugins/_security/api/rolesmapping/r", "security.patch_role_mapping"),
    ],
)
def test_operations_are_found_as_a_router_would(method: str, path: str, group: str) -> None:
    assert check_request(method, path) == group


@pytest.mark.parametrize(
    ("method", "path", "body", "message"),
    [
        ("GET", "/_plugins/_ism/polices/p", None, "no such operation"),
        ("PUT", "/_plugins/_ism/policies/p?if_seqno=3", None, "not parameters of ism.put_policy"),
        ("PUT", "/_plugins/_security/api/roles/r", {"cluster_permissions": "x"}, "is not of type 'array'"),
        ("PUT", "/_plugins/_security/api/rolesmapping/r", {"backend_roles": "arn"}, "is not of type 'array'"),
        (
            "PUT",
            "/_plugins/_ism/policies/p",
            {"policy": {"default_state": "a", "states": [], "ism_template": {"index_patterns": "ctr-*"}}},
            "policy/ism_template: .* is not valid",
        ),
        ("PUT", "/_ingest/pipeline/p", {"processors": [{"set": {}, "fail": {}}]}, "processors/0"),
        (
            "PUT",
            "/_index_template/t",
            {
                "index_patterns": ["a"],
                "template": {"mappings": {"properties": {"a": {"type": "keyword", "ignore_above": "x"}}}},
            },
            "is not of type 'integer'",
        ),
        (
            "PUT",
            "/_index_template/t",
            {
                "index_patterns": ["a"],
                "template": {"mappings": {"properties": {"a": {"properties": {"b": {"type": "txt"}}}}}},
            },
            "none of the types the specification lists",
        ),
        ("GET", "/_index_template", {"x": 1}, "takes no request body"),
    ],
)
def test_wrong_requests_are_refused(method: str, path: str, body: object, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        check_request(method, path, body)
