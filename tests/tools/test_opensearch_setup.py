"""``ctr-enrichment opensearch-setup`` against a real HTTP server on 127.0.0.1 that keeps a domain's state.

The server answers the requests the command makes the way the documentation says OpenSearch (or Elasticsearch
with Open Distro) answers them, keeps what it is sent (pipelines, templates, index settings, ISM policies and
managed indices, security roles and mappings, with an ``all_access`` mapping holding the master user), and records
every request. Each request is checked three ways as it arrives:

* its AWS Signature Version 4: recomputed from the received method, path, headers and body with the secret key
  the server shares with the test (403 when it differs);
* against the vendored OpenSearch API specification (tests/support/opensearch_spec.py): the path and method exist, the
  query parameters are the operation's, the JSON body validates (the Dashboards import is not in the
  specification; ``include_type_name`` exists on Elasticsearch 6 only);
* against the engine: ``_plugins`` on OpenSearch, ``_opendistro`` on Elasticsearch (404 otherwise).

The server's answers (shapes, normalised template settings, ISM's added fields) come from the OpenSearch and
Open Distro documentation; they are not recorded from a live domain, which cannot run here.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from fnmatch import fnmatchcase
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ctr_enrichment_tools import cli
from ctr_enrichment_tools import opensearch_bodies as bodies
from tests.support.opensearch_spec import SpecError, check_request

ACCESS_KEY = "AKIDOPENSEARCHTEST"
SECRET_KEY = "opensearch-test-secret"
SESSION_TOKEN = "opensearch-test-session-token"
REGION = "ap-northeast-1"
FIREHOSE_ROLE = "arn:aws:iam::123456789012:role/ctr-enrichment-firehose"
MASTER_USER = "arn:aws:iam::123456789012:role/DomainAdmin"
DAY_MS = 86_400_000
NOW_MS = 1795132800000  # 2026-11-20T00:00:00Z; the server's indices are dated from it
AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request, "
    r"SignedHeaders=(?P<headers>[a-z0-9;-]+), Signature=(?P<signature>[0-9a-f]{64})$"
)
OPENSEARCH = {"distribution": "opensearch", "number": "2.19.0"}


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    signature: str  # "valid", "unsigned", or why it is invalid
    spec: str  # the operation group, "dashboards", or why the request is not in the specification

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def line(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class Domain:
    """What the domain holds, what it answers, and what it received."""

    version: dict[str, Any] = field(default_factory=lambda: dict(OPENSEARCH))
    secret_key: str = SECRET_KEY
    require_signature: bool = True
    pipelines: dict[str, Any] = field(default_factory=dict)
    index_templates: dict[str, Any] = field(default_factory=dict)
    legacy_templates: dict[str, Any] = field(default_factory=dict)
    indices: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> index settings
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    managed: dict[str, str] = field(default_factory=dict)  # index -> ISM policy id
    roles: dict[str, Any] = field(default_factory=dict)
    mappings: dict[str, Any] = field(
        default_factory=lambda: {"all_access": {"backend_roles": [MASTER_USER], "hosts": [], "users": []}}
    )
    imported: list[list[dict[str, Any]]] = field(default_factory=list)
    failures: dict[str, tuple[int, Any]] = field(default_factory=dict)  # "METHOD path" -> (status, body)
    received: list[Received] = field(default_factory=list)

    @property
    def opensearch(self) -> bool:
        return self.version.get("distribution") == "opensearch"

    @property
    def plugins(self) -> str:
        return "_plugins" if self.opensearch else "_opendistro"

    def add_index(self, name: str, age_days: float, default_pipeline: str | None = None) -> None:
        settings: dict[str, Any] = {"creation_date": str(int(NOW_MS - age_days * DAY_MS))}
        if default_pipeline:
            settings["default_pipeline"] = default_pipeline
        self.indices[name] = settings

    def writes(self) -> list[Received]:
        return [r for r in self.received if r.method != "GET"]

    def check_signature(self, method: str, path: str, headers: dict[str, str], body: bytes, host: str) -> str:
        authorization = headers.get("authorization")
        if authorization is None:
            return "unsigned"
        match = AUTHORIZATION.match(authorization)
        if match is None:
            return f"malformed Authorization header: {authorization}"
        if (match["key"], match["region"], match["service"]) != (ACCESS_KEY, REGION, "es"):
            return f"wrong credential scope: {match['key']}/{match['region']}/{match['service']}"
        if headers.get("x-amz-security-token") != SESSION_TOKEN:
            return "missing session token"
        signed = match["headers"].split(";")
        if "host" not in signed or "x-amz-date" not in signed:
            return f"host and x-amz-date must be signed: {signed}"
        request = AWSRequest(
            method=method, url=f"http://{host}{path}", data=body, headers={name: headers[name] for name in signed}
        )
        request.context["timestamp"] = headers["x-amz-date"]
        signer = SigV4Auth(Credentials(ACCESS_KEY, self.secret_key, SESSION_TOKEN), "es", REGION)
        expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
        return "valid" if expected == match["signature"] else "signature does not match"


def spec_check(method: str, path: str, body: bytes, headers: dict[str, str]) -> str:
    if path.split("?", maxsplit=1)[0].endswith("/api/saved_objects/_import"):
        return "dashboards"  # OpenSearch Dashboards / Kibana: not in the OpenSearch API specification
    try:
        document = json.loads(body) if body else None
        return check_request(method, path, document, extra_query=frozenset({"include_type_name"}))
    except SpecError as error:
        return f"not in the specification: {error}"


class Handler(BaseHTTPRequestHandler):
    domain: Domain

    def log_message(self, *_: Any) -> None:  # keep the test output clean
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        signature = self.domain.check_signature(self.command, self.path, headers, body, headers.get("host", ""))
        spec = spec_check(self.command, self.path, body, headers)
        self.domain.received.append(Received(self.command, self.path, headers, body, signature, spec))
        if signature != "valid" and (self.domain.require_signature or signature != "unsigned"):
            self._answer(403, {"message": f"The request signature we calculated does not match: {signature}"})
            return
        split = urllib.parse.urlsplit(self.path)
        key = f"{self.command} {split.path}"
        if key in self.domain.failures:
            self._answer(*self.domain.failures[key])
            return
        query = dict(urllib.parse.parse_qsl(split.query))
        document = json.loads(body) if body and "json" in headers.get("content-type", "") else None
        status, answer = route(self.domain, self.command, split.path, query, document, body, headers)
        self._answer(status, answer)

    def _answer(self, status: int, body: Any) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_PATCH = _serve


NOT_FOUND = (404, {"error": {"type": "resource_not_found_exception"}, "status": 404})
ACK = (200, {"acknowledged": True})


def stringify(value: Any) -> Any:
    """Index settings come back as strings (GET _index_template answers "1" for 1)."""
    if isinstance(value, dict):
        return {key: stringify(item) for key, item in value.items()}
    return value if isinstance(value, str) else json.dumps(value)


def route(  # noqa: PLR0912, PLR0917 - one branch per API the command calls
    domain: Domain, method: str, path: str, query: dict[str, str], document: Any, body: bytes, headers: dict[str, str]
) -> tuple[int, Any]:
    plugins = domain.plugins
    if (method, path) == ("GET", "/"):
        return 200, {"version": domain.version, "tagline": "The OpenSearch Project"}
    if match := re.fullmatch(r"/_ingest/pipeline/([^/]+)", path):
        name = match[1]
        if method == "GET":
            return (200, {name: domain.pipelines[name]}) if name in domain.pipelines else (404, {})
        domain.pipelines[name] = document
        return ACK
    if path == "/_index_template" and method == "GET":
        stored = [
            {
                "name": name,
                "index_template": {
                    **t,
                    "template": {**t["template"], "settings": stringify(t["template"]["settings"])},
                },
            }
            for name, t in domain.index_templates.items()
        ]
        return 200, {"index_templates": stored}
    if (match := re.fullmatch(r"/_index_template/([^/]+)", path)) and method == "PUT":
        domain.index_templates[match[1]] = document
        return ACK
    if match := re.fullmatch(r"/_template/([^/]+)", path):
        name = match[1]
        if method == "GET":
            return (200, {name: domain.legacy_templates[name]}) if name in domain.legacy_templates else (404, {})
        domain.legacy_templates[name] = document
        return ACK
    if match := re.fullmatch(r"/([^/_][^/]*)/_settings/([^/]+)", path):
        patterns = match[1].split(",")
        wanted = [name.removeprefix("index.") for name in match[2].split(",")]
        return 200, {
            name: {"settings": {"index": {k: v for k, v in settings.items() if k in wanted}}}
            for name, settings in domain.indices.items()
            if any(fnmatchcase(name, pattern) for pattern in patterns)
        }
    if (match := re.fullmatch(r"/([^/_][^/]*)/_settings", path)) and method == "PUT":
        names = match[1].split(",")
        if any(name not in domain.indices for name in names):
            return NOT_FOUND
        for name in names:
            domain.indices[name].update(document["index"])
        return ACK
    if not path.startswith(f"/{plugins}/") and re.match(r"/_(plugins|opendistro)/", path):
        return 404, {"error": f"no handler found for uri [{path}]"}
    if match := re.fullmatch(rf"/{plugins}/_ism/policies/([^/]+)", path):
        policy_id = match[1]
        current = domain.policies.get(policy_id)
        if method == "GET":
            if current is None:
                return 404, {"error": {"type": "status_exception", "reason": "Policy not found"}, "status": 404}
            # ISM adds fields to what it was given (documentation-website _im-plugin/ism/api.md, get policy).
            policy = copy.deepcopy(current["policy"])
            policy.update(
                {"policy_id": policy_id, "last_updated_time": 1, "schema_version": 17, "error_notification": None}
            )
            for state in policy["states"]:
                for action in state["actions"]:
                    action["retry"] = {"count": 3, "backoff": "exponential", "delay": "1m"}
            policy["ism_template"] = [policy["ism_template"]]
            return 200, {
                "_id": policy_id,
                "_version": current["seq_no"] + 1,
                "_seq_no": current["seq_no"],
                "_primary_term": 1,
                "policy": policy,
            }
        if current is not None and (
            query.get("if_seq_no") != str(current["seq_no"]) or query.get("if_primary_term") != "1"
        ):
            return 409, {"error": {"type": "version_conflict_engine_exception"}, "status": 409}
        seq_no = current["seq_no"] + 1 if current else 0
        domain.policies[policy_id] = {"policy": document["policy"], "seq_no": seq_no}
        return (200 if current else 201), {"_id": policy_id, "_seq_no": seq_no, "_primary_term": 1}
    if match := re.fullmatch(rf"/{plugins}/_ism/explain/([^/]+)", path):
        key = f"index.{'plugins' if domain.opensearch else 'opendistro'}.index_state_management.policy_id"
        names = match[1].split(",")
        answer: dict[str, Any] = {name: {key: domain.managed.get(name)} for name in names if name in domain.indices}
        answer["total_managed_indices"] = sum(1 for name in names if name in domain.managed)
        return 200, answer
    if match := re.fullmatch(rf"/{plugins}/_ism/add/([^/]+)", path):
        failed, updated = [], 0
        for name in match[1].split(","):
            if name in domain.managed:
                failed.append(
                    {"index_name": name, "reason": "This index already has a policy, use the update policy API"}
                )
            else:
                domain.managed[name] = document["policy_id"]
                updated += 1
        return 200, {"updated_indices": updated, "failures": bool(failed), "failed_indices": failed}
    if match := re.fullmatch(rf"/{plugins}/_security/api/(roles|rolesmapping)/([^/]+)", path):
        store = domain.roles if match[1] == "roles" else domain.mappings
        name = match[2]
        if method == "GET":
            if name not in store:
                return 404, {"status": "NOT_FOUND", "message": f"Resource '{name}' not found."}
            item = copy.deepcopy(store[name])
            item.update({"reserved": False, "hidden": False, "static": False})
            for permission in item.get("index_permissions", []):
                permission.update({"fls": [], "masked_fields": []})
            return 200, {name: item}
        if method == "PUT":
            created = name not in store
            store[name] = document
            return (201 if created else 200), {
                "status": "CREATED" if created else "OK",
                "message": f"'{name}' updated.",
            }
        if method == "PATCH" and name in store:
            for operation in document:
                assert operation["op"] in ("add", "replace"), operation
                store[name][operation["path"].strip("/")] = operation["value"]
            return 200, {"status": "OK", "message": "Resource updated."}
    if method == "POST" and path.endswith("/api/saved_objects/_import"):
        objects = uploaded(body, headers)
        domain.imported.append(objects)
        return 200, {"success": True, "successCount": len(objects)}
    return 404, {"error": f"no route for {method} {path}"}


def uploaded(body: bytes, headers: dict[str, str]) -> list[dict[str, Any]]:
    """The saved objects in a multipart/form-data upload (the one file part)."""
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {headers['content-type']}\r\n\r\n".encode() + body)
    (part,) = list(message.iter_parts())
    assert part.get_filename() == "saved-objects.ndjson"
    assert part.get_param("name", header="content-disposition") == "file"
    content = part.get_payload(decode=True)
    return [json.loads(line) for line in content.decode("utf-8").splitlines() if line.strip()]


@pytest.fixture
def domain(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Domain, str]]:
    monkeypatch.setattr("ctr_enrichment_tools.opensearch_setup.now_ms", lambda: NOW_MS)
    state = Domain()
    handler = type("BoundHandler", (Handler,), {"domain": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def run(endpoint: str, *args: str) -> int:
    return cli.main(["opensearch-setup", "--endpoint", endpoint, "--region", REGION, *args])


def everything_checked(state: Domain) -> None:
    """Every request was signed and is an operation of the specification with a valid body."""
    assert [(r.line, r.signature) for r in state.received if r.signature != "valid"] == []
    assert [(r.line, r.spec) for r in state.received if r.spec.startswith("not in")] == []


FULL = ("--time-zone", "Asia/Tokyo", "--retention-days", "90", "--firehose-role-arn", FIREHOSE_ROLE)


def seed(state: Domain) -> None:
    state.add_index("ctr-2026-11-19", 1)  # created before the template: no pipeline yet
    state.add_index("ctr-2026-07-01", 142)  # older than 90 days
    state.add_index("ctrl-other", 400)  # not the deployment's, although "ctr*" matches it


def test_installs_everything_in_order_on_opensearch(domain: tuple[Domain, str], capsys: Any) -> None:
    state, endpoint = domain
    seed(state)

    assert run(endpoint, *FULL, "--apply-retention-to-existing") == 0

    p = "/_plugins"
    assert [r.line for r in state.writes()] == [
        "PUT /_ingest/pipeline/ctr-enrichment",
        "PUT /_index_template/ctr-enrichment",
        "PUT /ctr-2026-07-01,ctr-2026-11-19/_settings",
        f"PUT {p}/_ism/policies/ctr-enrichment-retention",
        f"POST {p}/_ism/add/ctr-2026-07-01,ctr-2026-11-19",
        f"PUT {p}/_security/api/roles/ctr-enrichment-firehose",
        f"PUT {p}/_security/api/rolesmapping/ctr-enrichment-firehose",
        "POST /_dashboards/api/saved_objects/_import?overwrite=true",
    ]
    everything_checked(state)
    deployment = bodies.Deployment(time_zone="Asia/Tokyo", retention_days=90)
    engine = bodies.Engine("opensearch", (2, 19, 0))
    assert state.pipelines == {"ctr-enrichment": bodies.ingest_pipeline(deployment, engine)}
    assert state.pipelines["ctr-enrichment"]["processors"][0]["script"]["params"]["time_zone"] == "Asia/Tokyo"
    (template,) = state.index_templates.values()
    assert template["template"]["settings"]["index"]["default_pipeline"] == "ctr-enrichment"
    assert {name: s.get("default_pipeline") for name, s in state.indices.items()} == {
        "ctr-2026-11-19": "ctr-enrichment",
        "ctr-2026-07-01": "ctr-enrichment",
        "ctrl-other": None,
    }
    assert state.managed == {"ctr-2026-07-01": "ctr-enrichment-retention", "ctr-2026-11-19": "ctr-enrichment-retention"}
    assert state.policies["ctr-enrichment-retention"]["policy"]["ism_template"] == {
        "index_patterns": ["ctr-*"],
        "priority": 100,
    }
    assert state.mappings["ctr-enrichment-firehose"]["backend_roles"] == [FIREHOSE_ROLE]
    assert state.mappings["all_access"] == {"backend_roles": [MASTER_USER], "hosts": [], "users": []}
    assert not any("all_access" in r.path for r in state.received)
    (objects,) = state.imported
    assert objects == bodies.saved_objects(deployment, engine)
    out = capsys.readouterr().out
    assert "ctr-2026-07-01 (created 142 days ago)" in out
    assert "ctr-2026-11-19 (created" not in out


def test_a_second_run_changes_nothing(domain: tuple[Domain, str]) -> None:
    state, endpoint = domain
    seed(state)
    assert run(endpoint, *FULL, "--apply-retention-to-existing") == 0
    before = copy.deepcopy(
        (
            state.pipelines,
            state.index_templates,
            state.indices,
            state.policies,
            state.managed,
            state.roles,
            state.mappings,
        )
    )
    state.received.clear()

    assert run(endpoint, *FULL, "--apply-retention-to-existing") == 0

    # Only reads, and the Dashboards import (overwrite=true with the same objects): no write to the search engine.
    assert [r.line for r in state.writes()] == ["POST /_dashboards/api/saved_objects/_import?overwrite=true"]
    assert (
        state.pipelines,
        state.index_templates,
        state.indices,
        state.policies,
        state.managed,
        state.roles,
        state.mappings,
    ) == before
    assert state.imported[0] == state.imported[1]
    everything_checked(state)


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        (
            {"distribution": "opensearch", "number": "1.3.20"},
            ["/_ingest/pipeline/", "/_index_template/", "/_plugins/_ism/", "/_plugins/_security/", "/_dashboards/"],
        ),
        (
            {"distribution": "opensearch", "number": "3.1.0"},
            ["/_ingest/pipeline/", "/_index_template/", "/_plugins/_ism/", "/_plugins/_security/", "/_dashboards/"],
        ),
        (
            {"number": "7.10.2", "build_flavor": "oss"},
            [
                "/_ingest/pipeline/",
                "/_index_template/",
                "/_opendistro/_ism/",
                "/_opendistro/_security/",
                "/_plugin/kibana/",
            ],
        ),
    ],
    ids=["opensearch-1.3", "opensearch-3.1", "elasticsearch-7.10"],
)
def test_paths_per_engine(domain: tuple[Domain, str], version: dict[str, str], expected: list[str]) -> None:
    state, endpoint = domain
    state.version = version
    seed(state)

    assert run(endpoint, *FULL) == 0

    writes = [r.path for r in state.writes()]
    for prefix in expected:
        assert any(path.startswith(prefix) for path in writes), (prefix, writes)
    other = "_opendistro" if version.get("distribution") == "opensearch" else "_plugins"
    assert not any(other in r.path for r in state.received)
    assert state.managed == {}  # without --apply-retention-to-existing, existing indices keep everything
    everything_checked(state)


@pytest.mark.parametrize(
    ("number", "template_path"),
    [
        ("7.9.3", "/_index_template/ctr-enrichment"),
        ("7.4.2", "/_template/ctr-enrichment"),
        ("6.8.0", "/_template/ctr-enrichment?include_type_name=false"),
    ],
)
def test_older_elasticsearch_keeps_todays_behaviour(
    domain: tuple[Domain, str], number: str, template_path: str, capsys: Any
) -> None:
    state, endpoint = domain
    state.version = {"number": number}
    seed(state)

    assert run(endpoint, "--firehose-role-arn", FIREHOSE_ROLE) == 0

    assert [r.line for r in state.writes()] == [
        f"PUT {template_path}",
        "PUT /_opendistro/_security/api/roles/ctr-enrichment-firehose",
        "PUT /_opendistro/_security/api/rolesmapping/ctr-enrichment-firehose",
        "POST /_plugin/kibana/api/saved_objects/_import?overwrite=true",
    ]
    assert state.pipelines == {}
    assert all("default_pipeline" not in s for s in state.indices.values())
    assert "ContactKey" not in json.dumps(state.imported[0])
    assert "keeps today's behaviour" in capsys.readouterr().out
    everything_checked(state)
    state.received.clear()
    assert run(endpoint, "--firehose-role-arn", FIREHOSE_ROLE) == 0
    assert [r.line for r in state.writes()] == ["POST /_plugin/kibana/api/saved_objects/_import?overwrite=true"]


def test_retention_or_a_time_zone_on_older_elasticsearch_is_refused_before_any_write(
    domain: tuple[Domain, str], capsys: Any
) -> None:
    state, endpoint = domain
    state.version = {"number": "7.9.3"}
    assert run(endpoint, "--retention-days", "30") == 2
    assert "--retention-days needs ISM templates" in capsys.readouterr().err
    assert run(endpoint, "--time-zone", "Asia/Tokyo") == 2
    assert "--time-zone needs the ingest pipeline" in capsys.readouterr().err
    assert state.writes() == []


def test_dry_run_prints_every_request_and_sends_no_write(domain: tuple[Domain, str], capsys: Any) -> None:
    state, endpoint = domain
    seed(state)

    assert run(endpoint, *FULL, "--apply-retention-to-existing", "--dry-run") == 0

    assert state.writes() == []
    out = capsys.readouterr().out
    for read in state.received:
        assert f"GET {read.path}\n" in out
    assert "would send: PUT /_ingest/pipeline/ctr-enrichment\n{\n" in out
    assert '"time_zone": "Asia/Tokyo"' in out
    assert "would send: POST /_plugins/_ism/add/ctr-2026-07-01,ctr-2026-11-19\n" in out
    assert "would send: PUT /_plugins/_security/api/rolesmapping/ctr-enrichment-firehose\n" in out
    assert "would send: POST /_dashboards/api/saved_objects/_import?overwrite=true" in out
    assert "would delete 1 existing indices:\n  ctr-2026-07-01 (created 142 days ago)\n" in out
    assert "dry run: 8 write request(s) not sent" in out


def test_dry_run_lists_what_retention_would_delete_even_without_the_flag(
    domain: tuple[Domain, str], capsys: Any
) -> None:
    state, endpoint = domain
    seed(state)
    assert run(endpoint, "--retention-days", "90", "--dry-run", "--no-dashboards") == 0
    out = capsys.readouterr().out
    assert "--apply-retention-to-existing attaches the policy to them (1 are older than 90 days" in out
    assert "  ctr-2026-07-01 (created 142 days ago)" in out
    assert state.writes() == []


def test_an_existing_mapping_is_extended_never_replaced(domain: tuple[Domain, str]) -> None:
    state, endpoint = domain
    other = "arn:aws:iam::123456789012:role/OtherWriter"
    state.mappings["ctr-enrichment-firehose"] = {"backend_roles": [other], "users": ["analyst"], "hosts": []}

    assert run(endpoint, "--firehose-role-arn", FIREHOSE_ROLE, "--no-dashboards") == 0

    (patch,) = [r for r in state.writes() if "rolesmapping" in r.path]
    assert patch.method == "PATCH"
    assert patch.json == [{"op": "add", "path": "/backend_roles", "value": [other, FIREHOSE_ROLE]}]
    assert state.mappings["ctr-enrichment-firehose"] == {
        "backend_roles": [other, FIREHOSE_ROLE],
        "users": ["analyst"],
        "hosts": [],
    }
    everything_checked(state)


def test_a_changed_retention_updates_the_policy_with_its_sequence_number(domain: tuple[Domain, str]) -> None:
    state, endpoint = domain
    assert run(endpoint, "--retention-days", "90", "--no-dashboards") == 0
    state.received.clear()

    assert run(endpoint, "--retention-days", "30", "--no-dashboards") == 0

    (update,) = [r for r in state.writes() if "_ism" in r.path]
    assert update.line == "PUT /_plugins/_ism/policies/ctr-enrichment-retention?if_seq_no=0&if_primary_term=1"
    transition = state.policies["ctr-enrichment-retention"]["policy"]["states"][0]["transitions"][0]
    assert transition["conditions"] == {"min_index_age": "30d"}
    everything_checked(state)


def test_another_template_on_the_same_indices_is_refused_before_any_write(
    domain: tuple[Domain, str], capsys: Any
) -> None:
    state, endpoint = domain
    state.index_templates["logs-everything"] = {"index_patterns": ["*"], "priority": 500, "template": {"settings": {}}}

    assert run(endpoint) == 1

    assert [r.line for r in state.writes()] == ["PUT /_ingest/pipeline/ctr-enrichment"]
    err = capsys.readouterr().err
    assert "index template 'logs-everything'" in err and "composable templates do not merge" in err
    assert "ctr-enrichment" not in state.index_templates


def test_an_index_with_another_pipeline_is_left_alone(domain: tuple[Domain, str], capsys: Any) -> None:
    state, endpoint = domain
    state.add_index("ctr-2026-11-18", 2, default_pipeline="someone-elses")
    assert run(endpoint, "--no-dashboards") == 0
    assert state.indices["ctr-2026-11-18"]["default_pipeline"] == "someone-elses"
    assert "ctr-2026-11-18 runs ingest pipeline 'someone-elses', left as it is" in capsys.readouterr().out


def test_an_index_managed_by_another_policy_is_left_to_it(domain: tuple[Domain, str], capsys: Any) -> None:
    state, endpoint = domain
    seed(state)
    state.managed["ctr-2026-07-01"] = "hot-warm"
    assert run(endpoint, "--retention-days", "90", "--apply-retention-to-existing", "--no-dashboards") == 0
    assert state.managed == {"ctr-2026-07-01": "hot-warm", "ctr-2026-11-19": "ctr-enrichment-retention"}
    assert "ctr-2026-07-01 is managed by ISM policy 'hot-warm', left to it" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--time-zone", "Asia/Tokio"), "is not an IANA time zone name"),
        (("--time-zone", "Asia/Tokyo", "--index-rotation", "OneHour"), "--time-zone applies to daily indices only"),
        (("--retention-days", "30", "--index-rotation", "NoRotation"), "which it would delete entirely"),
        (("--retention-days", "0"), "--retention-days must be from 1"),
        (("--apply-retention-to-existing",), "goes with --retention-days"),
        (("--firehose-role-arn", "arn:aws:sts::123456789012:assumed-role/x/y"), "must be an IAM role ARN"),
        (("--index", "CTR"), "is not an index name"),
    ],
)
def test_usage_errors_are_reported_before_any_request(
    domain: tuple[Domain, str], args: tuple[str, ...], message: str, capsys: Any
) -> None:
    state, endpoint = domain
    assert run(endpoint, *args) == 2
    assert message in capsys.readouterr().err
    assert state.received == []


def test_a_security_api_that_is_missing_says_why(domain: tuple[Domain, str], capsys: Any) -> None:
    state, endpoint = domain
    state.failures["PUT /_plugins/_security/api/roles/ctr-enrichment-firehose"] = (
        404,
        {"error": "no handler found for uri [/_plugins/_security/api/roles/ctr-enrichment-firehose] and method [PUT]"},
    )
    assert run(endpoint, "--firehose-role-arn", FIREHOSE_ROLE) == 1
    assert "for domains with fine-grained access control" in capsys.readouterr().err


def test_a_wrong_secret_is_rejected_by_the_server(domain: tuple[Domain, str], capsys: Any) -> None:
    # The server's check is real: signed with another secret, the first request is refused.
    state, endpoint = domain
    state.secret_key = "another-secret"
    assert run(endpoint) == 1
    assert [r.signature for r in state.received] == ["signature does not match"]
    assert "HTTP 403" in capsys.readouterr().err


def test_unsigned_requests_for_an_ip_restricted_domain(domain: tuple[Domain, str]) -> None:
    state, endpoint = domain
    state.require_signature = False
    assert run(endpoint, "--no-sign") == 0
    assert {r.signature for r in state.received} == {"unsigned"}
    assert len(state.writes()) == 3


def test_import_errors_are_listed(domain: tuple[Domain, str], capsys: Any) -> None:
    state, endpoint = domain
    state.failures["POST /_dashboards/api/saved_objects/_import"] = (
        200,
        {
            "success": False,
            "errors": [{"id": "d", "type": "dashboard", "title": "Calls by company", "error": {"type": "conflict"}}],
        },
    )
    assert run(endpoint) == 1
    assert 'dashboard d (Calls by company): {"type": "conflict"}' in capsys.readouterr().err


def test_an_unreachable_endpoint_says_so(capsys: Any) -> None:
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert run(f"http://127.0.0.1:{port}") == 1
    assert "a VPC domain is reachable only from inside its VPC" in capsys.readouterr().err


def test_runs_as_the_installed_console_script(domain: tuple[Domain, str]) -> None:
    state, endpoint = domain
    script = Path(sys.executable).parent / "ctr-enrichment"
    result = subprocess.run(
        [str(script), "opensearch-setup", "--endpoint", endpoint, "--region", REGION, "--time-zone", "Asia/Tokyo"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path("/"),  # the assets come from the package, not from a checkout
        env={key: value for key, value in os.environ.items() if key != "PYTHONPATH"},
    )
    assert result.returncode == 0, result.stderr
    assert "ingest pipeline ctr-enrichment: created" in result.stdout
    everything_checked(state)
