#!/usr/bin/env python3
"""Install the CTR index template and the "Calls by company" dashboard on an OpenSearch or Elasticsearch domain.

    python3 scripts/opensearch_assets.py --endpoint search-ctr-abc123.us-east-1.es.amazonaws.com --region us-east-1

1. ``GET /`` tells OpenSearch from Elasticsearch and its version.
2. ``PUT /_index_template/<name>`` with ``opensearch/index-template.json`` (OpenSearch, Elasticsearch 7.8+), or
   ``PUT /_template/<name>`` with the same settings and mappings (Elasticsearch 6.7-7.7). The template applies to
   indices created from then on: Firehose creates a new one each rotation period (``ctr-2026-11-20``).
3. ``POST <dashboards>/api/saved_objects/_import?overwrite=true`` with ``opensearch/saved-objects.ndjson`` (index
   pattern, three visualizations, the dashboard), through ``/_dashboards`` (OpenSearch) or ``/_plugin/kibana``
   (Elasticsearch). Importing again replaces the objects, so the script can be re-run after an upgrade.

Requests are signed with AWS Signature Version 4 (service ``es``) using the default credential chain
(environment, ``--profile``, SSO, instance or container role), so the caller must be allowed by the domain's
access policy (the module's ``dashboards_principal_arns``) and, with fine-grained access control, mapped to a role
that may manage index templates and Dashboards objects. ``--no-sign`` sends unsigned requests, for a domain that
admits your network by IP (``dashboards_allowed_cidrs``). A VPC domain is reachable only from inside its VPC.

Standard library plus botocore (for signing, only when signing). Exit status: 0 when both were installed, 1 when a
request failed, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:  # only needed to sign requests (not with --no-sign)
    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
except ImportError:  # pragma: no cover - boto3 is in every Lambda runtime and in requirements-dev.txt
    boto3 = None

ASSETS = Path(__file__).resolve().parents[1] / "opensearch"
TEMPLATE_FILE = ASSETS / "index-template.json"
SAVED_OBJECTS_FILE = ASSETS / "saved-objects.ndjson"
TEMPLATE_NAME = "ctr-enrichment"
INDEX_PATTERN_ID = "ctr-enrichment-index-pattern"
CALLS_BY_COMPANY_ID = "ctr-enrichment-calls-by-company"
DEFAULT_INDEX = "ctr"
DEFAULT_COMPANY_FIELD = "Customer.CompanyName"
TIMEOUT_SECONDS = 30


class AssetError(Exception):
    """A request failed, or the domain is one this script cannot handle; the message says what to do."""


@dataclass(frozen=True)
class Engine:
    distribution: str  # "opensearch" or "elasticsearch"
    version: tuple[int, ...]

    @property
    def composable_templates(self) -> bool:
        return self.distribution == "opensearch" or self.version >= (7, 8)

    @property
    def dashboards_path(self) -> str:
        return "/_dashboards" if self.distribution == "opensearch" else "/_plugin/kibana"

    def __str__(self) -> str:
        name = "OpenSearch" if self.distribution == "opensearch" else "Elasticsearch"
        return f"{name} {'.'.join(str(part) for part in self.version)}"


# --- The assets, adapted to the index name and the company field ---------------------------------------------


def index_template(index: str = DEFAULT_INDEX, path: Path = TEMPLATE_FILE) -> dict[str, Any]:
    """The composable index template, matching ``index`` and the rotated indices Firehose creates from it."""
    template = json.loads(path.read_text(encoding="utf-8"))
    template["index_patterns"] = [index, f"{index}-*"]
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


def saved_objects(
    index: str = DEFAULT_INDEX, company_field: str = DEFAULT_COMPANY_FIELD, path: Path = SAVED_OBJECTS_FILE
) -> list[dict[str, Any]]:
    """The saved objects, with the index pattern on ``index`` and the company chart on ``company_field``."""
    objects = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for obj in objects:
        if obj["id"] == INDEX_PATTERN_ID:
            obj["attributes"]["title"] = f"{index}*"
        if obj["id"] == CALLS_BY_COMPANY_ID:
            vis = json.loads(obj["attributes"]["visState"])
            for agg in vis["aggs"]:
                if agg["type"] == "terms":
                    agg["params"]["field"] = company_field
                    agg["params"]["customLabel"] = f"Company ({company_field})"
            obj["attributes"]["visState"] = json.dumps(vis, ensure_ascii=False, separators=(",", ":"))
    return objects


def ndjson(objects: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n" for obj in objects).encode()


def multipart(field: str, filename: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    """A multipart/form-data body holding one file, and its Content-Type header."""
    boundary = f"ctr-enrichment-{uuid.uuid4().hex}"
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# --- HTTP, signed or not -------------------------------------------------------------------------------------


class Domain:
    """An OpenSearch Service domain endpoint, called with (optionally SigV4-signed) HTTP requests."""

    def __init__(self, endpoint: str, region: str | None, profile: str | None, sign: bool) -> None:
        if "://" not in endpoint:
            endpoint = f"https://{endpoint}"
        parsed = urllib.parse.urlsplit(endpoint)
        if parsed.scheme not in ("https", "http") or not parsed.netloc or parsed.path not in ("", "/") or parsed.query:
            raise AssetError(f"--endpoint must be a host name or https://host, got {endpoint!r}")
        self.base = f"{parsed.scheme}://{parsed.netloc}"
        self._auth: Any = None
        if sign:
            self._auth = _signer(region, profile)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
        url = self.base + path
        headers = dict(headers or {})
        if self._auth is not None:
            headers = self._auth(method, url, body, headers)
        request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310 (http or https only, checked above)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                payload = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace").strip()
            raise AssetError(
                f"{method} {path} failed: HTTP {error.code} {error.reason}: {detail[:500]}{_hint(error.code)}"
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise AssetError(
                f"cannot reach {self.base}: {reason} (a VPC domain is reachable only from inside its VPC, for example "
                "from a host in vpc_config.allowed_cidr_blocks)"
            ) from None
        try:
            return json.loads(payload) if payload else None
        except ValueError:
            raise AssetError(f"{method} {path} answered with something that is not JSON: {payload[:200]!r}") from None


def _hint(status: int) -> str:
    if status in (401, 403):
        return (
            "\n  The domain refused the request: sign with a principal its access policy admits"
            " (dashboards_principal_arns in the module), pass --region of the domain, and with fine-grained access"
            " control map that principal to a role that may manage index templates and Dashboards objects."
        )
    return ""


def _signer(region: str | None, profile: str | None) -> Any:
    """A function that adds SigV4 headers (service ``es``) to a request, with the default credential chain."""
    if boto3 is None:
        raise AssetError("signing needs boto3 (pip install boto3), or pass --no-sign for an IP-restricted domain")
    session = boto3.Session(profile_name=profile, region_name=region)
    region = session.region_name
    if not region:
        raise AssetError("no AWS Region: pass --region (the domain's Region) or set AWS_REGION")
    credentials = session.get_credentials()
    if credentials is None:
        raise AssetError("no AWS credentials found: configure them (aws configure, SSO, AWS_PROFILE) or pass --profile")
    signer = SigV4Auth(credentials.get_frozen_credentials(), "es", region)

    def sign(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> dict[str, str]:
        request = AWSRequest(method=method, url=url, data=body or b"", headers=headers)
        signer.add_auth(request)
        return dict(request.headers.items())

    return sign


# --- Steps ---------------------------------------------------------------------------------------------------


def detect(domain: Domain) -> Engine:
    info = domain.request("GET", "/")
    try:
        version = info["version"]
        number = tuple(int(part) for part in version["number"].split("-")[0].split(".")[:3])
    except (TypeError, KeyError, ValueError, AttributeError):
        raise AssetError(f"GET / did not answer like OpenSearch or Elasticsearch: {json.dumps(info)[:300]}") from None
    distribution = "opensearch" if version.get("distribution") == "opensearch" else "elasticsearch"
    engine = Engine(distribution, number)
    if distribution == "elasticsearch" and engine.version < (6, 7):
        raise AssetError(f"{engine} is not supported: the template needs Elasticsearch 6.7 or later, or OpenSearch")
    return engine


def put_template(domain: Domain, engine: Engine, template: dict[str, Any], name: str = TEMPLATE_NAME) -> str:
    if engine.composable_templates:
        path, body = f"/_index_template/{name}", template
    else:
        path, body = f"/_template/{name}", legacy_template(template)
        if engine.version < (7, 0):
            path += "?include_type_name=false"
    answer = domain.request(
        "PUT", path, json.dumps(body, ensure_ascii=False).encode(), {"Content-Type": "application/json"}
    )
    if not (isinstance(answer, dict) and answer.get("acknowledged") is True):
        raise AssetError(f"PUT {path} was not acknowledged: {json.dumps(answer)[:300]}")
    return path


def import_saved_objects(domain: Domain, engine: Engine, objects: list[dict[str, Any]], dashboards_path: str) -> int:
    body, content_type = multipart("file", "saved-objects.ndjson", ndjson(objects), "application/ndjson")
    path = f"{dashboards_path}/api/saved_objects/_import?overwrite=true"
    # OpenSearch Dashboards asks for osd-xsrf, Kibana for kbn-xsrf; each ignores the other.
    headers = {"Content-Type": content_type, "osd-xsrf": "true", "kbn-xsrf": "true"}
    answer = domain.request("POST", path, body, headers)
    if not isinstance(answer, dict) or answer.get("success") is not True:
        errors = answer.get("errors", []) if isinstance(answer, dict) else []
        lines = [
            f"  {error.get('type')} {error.get('id')} ({error.get('title', '')}): {json.dumps(error.get('error'))}"
            for error in errors
        ]
        raise AssetError(f"importing the saved objects into {engine} failed:\n" + ("\n".join(lines) or f"  {answer}"))
    return int(answer.get("successCount", len(objects)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--endpoint",
        required=True,
        help="domain endpoint host (terraform output opensearch_domain_endpoint) or https://host",
    )
    parser.add_argument("--region", help="the domain's Region (default: the AWS configuration's)")
    parser.add_argument("--profile", help="AWS profile to sign with (default: the default credential chain)")
    parser.add_argument(
        "--no-sign", dest="sign", action="store_false", help="send unsigned requests (IP-restricted domain)"
    )
    parser.add_argument("--index", default=DEFAULT_INDEX, help="the module's index_name (default: %(default)s)")
    parser.add_argument(
        "--company-field",
        default=DEFAULT_COMPANY_FIELD,
        help="field the 'Calls by company' chart groups by: <rule target>.<attribute> (default: %(default)s)",
    )
    parser.add_argument("--dashboards-path", help="base path of OpenSearch Dashboards/Kibana (default: by engine)")
    args = parser.parse_args(argv)

    try:
        domain = Domain(args.endpoint, args.region, args.profile, args.sign)
        engine = detect(domain)
        print(f"{domain.base}: {engine}")
        path = put_template(domain, engine, index_template(args.index))
        print(f"index template: PUT {path} (indices {args.index} and {args.index}-*, from the next one created)")
        count = import_saved_objects(
            domain,
            engine,
            saved_objects(args.index, args.company_field),
            args.dashboards_path or engine.dashboards_path,
        )
        print(f"saved objects: {count} imported (index pattern {args.index}*, dashboard 'Calls by company')")
    except AssetError as error:
        print(f"opensearch_assets: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
