"""scripts/opensearch_assets.py against a real HTTP server on 127.0.0.1.

The server answers like an OpenSearch (or Elasticsearch) domain for the three requests the script makes, records
what it received, and checks every request's AWS Signature Version 4 the way the service does: it recomputes the
signature from the received method, path, headers and body with the secret key it shares with the test, and answers
403 when they differ.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from scripts import opensearch_assets

REPO = Path(__file__).resolve().parents[1]
ACCESS_KEY = "AKIDOPENSEARCHTEST"
SECRET_KEY = "opensearch-test-secret"
SESSION_TOKEN = "opensearch-test-session-token"
REGION = "ap-northeast-1"
AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request, "
    r"SignedHeaders=(?P<headers>[a-z0-9;-]+), Signature=(?P<signature>[0-9a-f]{64})$"
)


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    signature: str  # "valid", "unsigned", or why it is invalid


@dataclass
class Domain:
    """What the fake domain answers, and what it received."""

    info: dict[str, Any] = field(
        default_factory=lambda: {
            "version": {"distribution": "opensearch", "number": "2.19.0"},
            "tagline": "The OpenSearch Project",
        }
    )
    secret_key: str = SECRET_KEY
    require_signature: bool = True
    failures: dict[str, tuple[int, Any]] = field(default_factory=dict)  # "METHOD path" -> (status, body)
    import_answer: dict[str, Any] | None = None
    received: list[Received] = field(default_factory=list)

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


class Handler(BaseHTTPRequestHandler):
    domain: Domain

    def log_message(self, *_: Any) -> None:  # keep the test output clean
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        signature = self.domain.check_signature(self.command, self.path, headers, body, headers.get("host", ""))
        self.domain.received.append(Received(self.command, self.path, headers, body, signature))
        if signature != "valid" and (self.domain.require_signature or signature != "unsigned"):
            self._answer(403, {"message": f"The request signature we calculated does not match: {signature}"})
            return
        key = f"{self.command} {self.path.split('?')[0]}"
        if key in self.domain.failures:
            self._answer(*self.domain.failures[key])
        elif key == "GET /":
            self._answer(200, self.domain.info)
        elif self.command == "PUT" and re.fullmatch(r"/_(index_)?template/ctr-enrichment", key.split(" ")[1]):
            self._answer(200, {"acknowledged": True})
        elif self.command == "POST" and key.endswith("/api/saved_objects/_import"):
            self._answer(
                200, self.domain.import_answer or {"success": True, "successCount": len(uploaded(body, headers))}
            )
        else:
            self._answer(404, {"error": f"no route for {key}"})

    def _answer(self, status: int, body: Any) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_PUT = do_POST = _serve


def uploaded(body: bytes, headers: dict[str, str]) -> list[dict[str, Any]]:
    """The saved objects in a multipart/form-data upload (the one file part)."""
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {headers['content-type']}\r\n\r\n".encode() + body)
    (part,) = list(message.iter_parts())
    assert part.get_filename() == "saved-objects.ndjson"
    assert part.get_param("name", header="content-disposition") == "file"
    content = part.get_payload(decode=True)
    return [json.loads(line) for line in content.decode("utf-8").splitlines() if line.strip()]


@pytest.fixture
def domain() -> Iterator[tuple[Domain, str]]:
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
    return opensearch_assets.main(["--endpoint", endpoint, "--region", REGION, *args])


def test_installs_the_template_and_the_dashboard_on_opensearch(domain: tuple[Domain, str], capsys: Any) -> None:
    state, endpoint = domain

    assert run(endpoint) == 0

    assert [(r.method, r.path) for r in state.received] == [
        ("GET", "/"),
        ("PUT", "/_index_template/ctr-enrichment"),
        ("POST", "/_dashboards/api/saved_objects/_import?overwrite=true"),
    ]
    assert [r.signature for r in state.received] == ["valid"] * 3
    _, template, upload = state.received
    assert json.loads(template.body) == json.loads((REPO / "opensearch" / "index-template.json").read_text("utf-8"))
    assert template.headers["content-type"] == "application/json"
    assert uploaded(upload.body, upload.headers) == [
        json.loads(line) for line in (REPO / "opensearch" / "saved-objects.ndjson").read_text("utf-8").splitlines()
    ]
    assert upload.headers["osd-xsrf"] == "true"
    out = capsys.readouterr().out
    assert "OpenSearch 2.19.0" in out and "5 imported" in out


def test_custom_index_and_company_field(domain: tuple[Domain, str]) -> None:
    state, endpoint = domain

    assert run(endpoint, "--index", "connect-ctr", "--company-field", "Customer.Name") == 0

    template = json.loads(state.received[1].body)
    assert template["index_patterns"] == ["connect-ctr", "connect-ctr-*"]
    objects = {obj["id"]: obj for obj in uploaded(state.received[2].body, state.received[2].headers)}
    assert objects["ctr-enrichment-index-pattern"]["attributes"]["title"] == "connect-ctr*"
    vis = json.loads(objects["ctr-enrichment-calls-by-company"]["attributes"]["visState"])
    assert vis["aggs"][1]["params"]["field"] == "Customer.Name"


@pytest.mark.parametrize(
    ("number", "template_path"),
    [
        ("7.10.2", "/_index_template/ctr-enrichment"),
        ("7.4.2", "/_template/ctr-enrichment"),
        ("6.8.0", "/_template/ctr-enrichment?include_type_name=false"),
    ],
)
def test_legacy_elasticsearch_gets_its_template_api_and_kibana(
    domain: tuple[Domain, str], number: str, template_path: str
) -> None:
    state, endpoint = domain
    state.info = {"version": {"number": number, "build_flavor": "oss"}, "tagline": "You Know, for Search"}

    assert run(endpoint) == 0

    assert [r.path for r in state.received] == [
        "/",
        template_path,
        "/_plugin/kibana/api/saved_objects/_import?overwrite=true",
    ]
    assert all(r.signature == "valid" for r in state.received)
    body = json.loads(state.received[1].body)
    source = opensearch_assets.index_template()
    if template_path.startswith("/_index_template"):
        assert body == source
    else:
        assert body == {
            "index_patterns": ["ctr", "ctr-*"],
            "order": source["priority"],
            "version": source["version"],
            "settings": source["template"]["settings"],
            "mappings": source["template"]["mappings"],
        }
    assert state.received[2].headers["kbn-xsrf"] == "true"


def test_elasticsearch_before_6_7_is_refused(domain: tuple[Domain, str], capsys: Any) -> None:
    state, endpoint = domain
    state.info = {"version": {"number": "6.3.1"}}

    assert run(endpoint) == 1

    assert [r.path for r in state.received] == ["/"]
    assert "Elasticsearch 6.3.1 is not supported" in capsys.readouterr().err


def test_a_refused_request_stops_with_the_reason_and_a_hint(domain: tuple[Domain, str], capsys: Any) -> None:
    state, endpoint = domain
    state.failures["PUT /_index_template/ctr-enrichment"] = (
        403,
        {"Message": "User: arn:aws:sts::123456789012:assumed-role/x is not authorized to perform: es:ESHttpPut"},
    )

    assert run(endpoint) == 1

    assert [r.method for r in state.received] == ["GET", "PUT"]
    err = capsys.readouterr().err
    assert "PUT /_index_template/ctr-enrichment failed: HTTP 403" in err
    assert "not authorized to perform: es:ESHttpPut" in err
    assert "dashboards_principal_arns" in err


def test_import_errors_are_listed(domain: tuple[Domain, str], capsys: Any) -> None:
    state, endpoint = domain
    state.import_answer = {
        "success": False,
        "successCount": 4,
        "errors": [
            {
                "id": "ctr-enrichment-calls-by-company-dashboard",
                "type": "dashboard",
                "title": "Calls by company",
                "error": {"type": "conflict"},
            },
        ],
    }

    assert run(endpoint) == 1

    err = capsys.readouterr().err
    assert "importing the saved objects into OpenSearch 2.19.0 failed" in err
    assert 'dashboard ctr-enrichment-calls-by-company-dashboard (Calls by company): {"type": "conflict"}' in err


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

    assert [r.signature for r in state.received] == ["unsigned"] * 3
    assert all("authorization" not in r.headers for r in state.received)


def test_an_unreachable_endpoint_says_so(capsys: Any) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert run(f"http://127.0.0.1:{port}") == 1
    assert f"cannot reach http://127.0.0.1:{port}" in capsys.readouterr().err


@pytest.mark.parametrize(
    "endpoint", ["https://search-ctr.us-east-1.es.amazonaws.com/_dashboards", "file:///etc/passwd", "https://"]
)
def test_an_endpoint_that_is_not_a_host_is_refused(endpoint: str, capsys: Any) -> None:
    assert run(endpoint) == 1
    assert "--endpoint must be a host name or https://host" in capsys.readouterr().err


def test_no_credentials_is_reported_before_any_request(
    domain: tuple[Domain, str], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    state, endpoint = domain
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in (
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)

    assert run(endpoint) == 1

    assert state.received == []
    assert "no AWS credentials found" in capsys.readouterr().err


def test_runs_as_a_script(domain: tuple[Domain, str]) -> None:
    state, endpoint = domain
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "opensearch_assets.py"), "--endpoint", endpoint, "--region", REGION],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=REPO / "opensearch",
        env={key: value for key, value in os.environ.items() if key != "PYTHONPATH"},
    )
    assert result.returncode == 0, result.stderr
    assert [r.signature for r in state.received] == ["valid"] * 3
    assert "index template: PUT /_index_template/ctr-enrichment" in result.stdout
