"""``ctr-enrichment opensearch-setup``: install the index side on an OpenSearch or Elasticsearch domain.

In this order, each step only when the domain differs from what it should be (so a second run sends no write):

1. ``GET /``: OpenSearch or Elasticsearch, and which version (``_plugins`` or ``_opendistro`` paths).
2. The ingest pipeline ``ctr-enrichment`` (one document per contact; OpenSearch and Elasticsearch 7.10).
3. The index template ``ctr-enrichment``, which names that pipeline as ``index.default_pipeline``. It refuses
   when another composable template would take its indices (templates do not merge; only one applies).
4. ``index.default_pipeline`` on the deployment's existing indices (a template shapes only new indices).
5. With ``--retention-days``: the ISM policy ``ctr-enrichment-retention``, which attaches itself to new
   indices; with ``--apply-retention-to-existing`` also to existing ones (``--dry-run`` lists what goes).
6. With ``--firehose-role-arn`` (fine-grained access control): the role ``ctr-enrichment-firehose`` and its
   mapping to the Firehose role. An existing mapping is extended, never replaced; ``all_access`` is not touched.
7. The Dashboards objects (index pattern, charts, dashboard), imported with ``overwrite=true``.

Requests are signed with AWS Signature Version 4 (service ``es``) using the default credential chain, so run
it as a principal the domain's access policy admits and, with fine-grained access control, as the master user
(or one mapped to ``all_access`` and ``security_manager``). A VPC domain is reachable only from inside its VPC.
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, TextIO

from ctr_enrichment_tools import opensearch_bodies as bodies
from ctr_enrichment_tools.errors import SetupError, UsageError
from ctr_enrichment_tools.opensearch import ROTATION_PERIODS
from ctr_enrichment_tools.opensearch_bodies import Deployment, Engine

try:  # only needed to sign requests (not with --no-sign)
    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
except ImportError:  # pragma: no cover - boto3 is a dependency of the package
    boto3 = None

TIMEOUT_SECONDS = 30
# Keep each request line well under the 4,096-byte HTTP line limit of OpenSearch (http.max_initial_line_length).
MAX_PATH_BYTES = 3000
DAY_MS = 86_400_000
# Index names that the deployment's template must own, whatever the rotation (Firehose's suffixes and the
# pipeline's daily names), to find other composable templates that would take them instead.
_SAMPLE_SUFFIXES = ("", "-2026-11-20", "-2026-11-20-01", "-2026-w46", "-2026-11")


def now_ms() -> int:
    return int(time.time() * 1000)


# --- HTTP, signed or not -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


class Domain:
    """An OpenSearch Service domain endpoint, called with (optionally SigV4-signed) HTTP requests."""

    def __init__(self, endpoint: str, region: str | None, profile: str | None, sign: bool) -> None:
        if "://" not in endpoint:
            endpoint = f"https://{endpoint}"
        parsed = urllib.parse.urlsplit(endpoint)
        if parsed.scheme not in ("https", "http") or not parsed.netloc or parsed.path not in ("", "/") or parsed.query:
            raise UsageError(f"--endpoint must be a host name or https://host, got {endpoint!r}")
        self.base = f"{parsed.scheme}://{parsed.netloc}"
        self._sign: Callable[[str, str, bytes | None, dict[str, str]], dict[str, str]] | None = None
        if sign:
            self._sign = _signer(region, profile)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        missing_ok: bool = False,
    ) -> Answer:
        url = self.base + path
        headers = dict(headers or {})
        if self._sign is not None:
            headers = self._sign(method, url, body, headers)
        request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310 (http(s) only, checked above)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            payload = error.read()
            if missing_ok and error.code == 404:
                return Answer(404, _json_or_text(payload))
            detail = payload.decode("utf-8", "replace").strip()
            raise SetupError(
                f"{method} {path} failed: HTTP {error.code} {error.reason}: {detail[:500]}{_hint(error.code, path)}"
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SetupError(
                f"cannot reach {self.base}: {reason} (a VPC domain is reachable only from inside its VPC, for example "
                "from a host in dashboards_allowed_cidr_blocks; see the README's Operations section)"
            ) from None
        answer = _json_or_text(payload)
        if isinstance(answer, str):
            raise SetupError(f"{method} {path} answered with something that is not JSON: {payload[:200]!r}")
        return Answer(status, answer)


def _json_or_text(payload: bytes) -> Any:
    if not payload:
        return None
    try:
        return json.loads(payload)
    except ValueError:
        return payload.decode("utf-8", "replace")


def _hint(status: int, path: str) -> str:
    if "/_security/" in path and status in (400, 404, 405):
        return (
            "\n  The security API is missing: --firehose-role-arn is for domains with fine-grained access control"
            " (the module's opensearch_master_user_arn). Without it, leave the option out."
        )
    if status in (401, 403):
        return (
            "\n  The domain refused the request: sign with a principal its access policy admits"
            " (dashboards_allowed_principal_arns in the module), pass --region of the domain, and with fine-grained"
            " access control run as the master user (opensearch_master_user_arn) or a user mapped to all_access and"
            " security_manager."
        )
    return ""


def _signer(
    region: str | None, profile: str | None
) -> Callable[[str, str, bytes | None, dict[str, str]], dict[str, str]]:
    """A function that adds SigV4 headers (service ``es``) to a request, with the default credential chain."""
    if boto3 is None:  # pragma: no cover - boto3 is a dependency of the package
        raise SetupError("signing needs boto3 (pip install boto3), or pass --no-sign for an IP-restricted domain")
    session = boto3.Session(profile_name=profile, region_name=region)
    region = session.region_name
    if not region:
        raise UsageError("no AWS Region: pass --region (the domain's Region) or set AWS_REGION")
    credentials = session.get_credentials()
    if credentials is None:
        raise SetupError("no AWS credentials found: configure them (aws configure, SSO, AWS_PROFILE) or pass --profile")
    signer = SigV4Auth(credentials.get_frozen_credentials(), "es", region)

    def sign(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> dict[str, str]:
        request = AWSRequest(method=method, url=url, data=body or b"", headers=headers)
        signer.add_auth(request)
        return dict(request.headers.items())

    return sign


def multipart(field_name: str, filename: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    """A multipart/form-data body holding one file, and its Content-Type header."""
    boundary = f"ctr-enrichment-{uuid.uuid4().hex}"
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{field_name}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# --- The steps -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    deployment: Deployment
    firehose_role_arn: str | None = None
    apply_retention_to_existing: bool = False
    dashboards: bool = True
    dashboards_path: str | None = None
    dry_run: bool = False


@dataclass(frozen=True)
class ExistingIndex:
    name: str
    created_ms: int | None
    default_pipeline: str | None


@dataclass
class Setup:
    """One run: reads the domain's state, sends the writes it lacks (or, with ``dry_run``, prints them)."""

    domain: Domain
    options: Options
    out: TextIO
    now_ms: int = field(default_factory=lambda: now_ms())  # noqa: PLW0108 (looked up at call time: tests fix the clock)
    writes: int = 0

    @property
    def deployment(self) -> Deployment:
        return self.options.deployment

    # Every request goes through these two, so a dry run shows each one and sends no write.

    def read(self, path: str, missing_ok: bool = False) -> Answer:
        if self.options.dry_run:
            self.out.write(f"GET {path}\n")
        return self.domain.request("GET", path, missing_ok=missing_ok)

    def write(self, method: str, path: str, body: Any, shown: Any = None) -> Any:
        self.writes += 1
        if self.options.dry_run:
            text = json.dumps(body if shown is None else shown, indent=2, ensure_ascii=False)
            self.out.write(f"would send: {method} {path}\n{text}\n")
            return None
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return self.domain.request(method, path, payload, {"Content-Type": "application/json"}).body

    def say(self, line: str) -> None:
        self.out.write(line + "\n")

    # 1.

    def detect(self) -> Engine:
        info = self.read("/").body
        try:
            version = info["version"]
            number = tuple(int(part) for part in version["number"].split("-")[0].split(".")[:3])
        except (TypeError, KeyError, ValueError, AttributeError):
            raise SetupError(
                f"GET / did not answer like OpenSearch or Elasticsearch: {json.dumps(info)[:300]}"
            ) from None
        engine = Engine("opensearch" if version.get("distribution") == "opensearch" else "elasticsearch", number)
        if not engine.opensearch and engine.version < (6, 7):
            raise SetupError(f"{engine} is not supported: the template needs Elasticsearch 6.7 or later, or OpenSearch")
        self.say(f"{self.domain.base}: {engine}")
        return engine

    def check(self, engine: Engine) -> None:
        """Refuse, before any write, what this engine cannot do."""
        deployment = self.deployment
        if not engine.one_document_per_contact:
            if deployment.time_zone != bodies.DEFAULT_TIME_ZONE:
                raise UsageError(
                    f"--time-zone needs the ingest pipeline, which this command installs on OpenSearch and "
                    f"Elasticsearch 7.10 only; {engine} keeps Firehose's UTC arrival-day indices. Leave it out."
                )
            self.say(
                f"note: {engine} keeps today's behaviour: no ingest pipeline, so Firehose's arrival-day indices hold "
                "a document per delivery and the charts count distinct ContactId (upgrade to OpenSearch for one "
                "document per contact)."
            )
        elif deployment.rotation != "OneDay":
            self.say(
                f"note: with {deployment.rotation} rotation documents stay in the index Firehose names by arrival "
                "time: one document per contact within each index; the charts count distinct ContactKey across them."
            )
        if deployment.retention_days is not None and not engine.ism_templates:
            raise UsageError(
                f"--retention-days needs ISM templates (OpenSearch, or Elasticsearch 7.10); {engine} has none. "
                "Leave it out, or delete old indices with your own policy."
            )

    # 2.

    def pipeline(self, engine: Engine) -> None:
        body = bodies.ingest_pipeline(self.deployment, engine)
        path = f"/_ingest/pipeline/{bodies.PIPELINE_NAME}"
        stored = self.read(path, missing_ok=True)
        current = stored.body.get(bodies.PIPELINE_NAME) if stored.status == 200 and stored.body else None
        if current == body:
            self.say(f"ingest pipeline {bodies.PIPELINE_NAME}: unchanged")
            return
        self.write("PUT", path, body)
        self.say(f"ingest pipeline {bodies.PIPELINE_NAME}: {'updated' if current else 'created'}")

    # 3.

    def template(self, engine: Engine) -> None:
        template = bodies.index_template(self.deployment, engine)
        if not engine.composable_templates:
            self._legacy_template(engine, bodies.legacy_template(template))
            return
        stored = self.read("/_index_template").body or {}
        templates = {item["name"]: item["index_template"] for item in stored.get("index_templates", [])}
        self._refuse_overlaps(templates, template)
        current = templates.get(bodies.TEMPLATE_NAME)
        path = f"/_index_template/{bodies.TEMPLATE_NAME}"
        if current is not None and (current.get("_meta") or {}).get("fingerprint") == template["_meta"]["fingerprint"]:
            self.say(f"index template {bodies.TEMPLATE_NAME}: unchanged")
            return
        self.write("PUT", path, template)
        patterns = " and ".join(template["index_patterns"])
        self.say(
            f"index template {bodies.TEMPLATE_NAME}: {'updated' if current else 'created'} (indices {patterns}, "
            "from the next one created)"
        )

    def _refuse_overlaps(self, templates: dict[str, Any], ours: dict[str, Any]) -> None:
        names = [self.deployment.index + suffix for suffix in _SAMPLE_SUFFIXES]
        priority = ours["priority"]
        for name, other in sorted(templates.items()):
            if name == bodies.TEMPLATE_NAME:
                continue
            taken = [index for index in names if any(fnmatchcase(index, p) for p in other.get("index_patterns", []))]
            if not taken:
                continue
            if int(other.get("priority", 0)) >= priority:
                raise SetupError(
                    f"index template {name!r} (patterns {other.get('index_patterns')}, priority "
                    f"{other.get('priority', 0)}) also matches {taken[0]}: composable templates do not merge, only "
                    f"the highest priority one applies, so the CTR mapping and pipeline would be lost or the PUT "
                    f"refused. Narrow or delete {name!r}, or set --index to another name."
                )
            self.say(
                f"warning: index template {name!r} also matches {taken[0]} with a lower priority; it will not apply "
                f"to those indices (templates do not merge)."
            )

    def _legacy_template(self, engine: Engine, template: dict[str, Any]) -> None:
        path = f"/_template/{bodies.TEMPLATE_NAME}"
        stored = self.read(path, missing_ok=True)
        current = (stored.body or {}).get(bodies.TEMPLATE_NAME) if stored.status == 200 else None
        if current is not None and all(current.get(key) == template[key] for key in ("version", "index_patterns")):
            self.say(
                f"index template {bodies.TEMPLATE_NAME}: unchanged (legacy _template, version {template['version']})"
            )
            return
        if engine.version < (7, 0):
            path += "?include_type_name=false"
        self.write("PUT", path, template)
        self.say(f"index template {bodies.TEMPLATE_NAME}: {'updated' if current else 'created'} (legacy _template)")

    # 4.

    def existing_indices(self) -> list[ExistingIndex]:
        # "<index>*" also matches "<index>x-..."; keep only the deployment's own (owns()). No match is "{}".
        path = f"/{self.deployment.index}*/_settings/index.creation_date,index.default_pipeline"
        settings = self.read(path).body or {}
        found = []
        for name, value in sorted(settings.items()):
            if not self.deployment.owns(name):
                continue
            index = _index_settings(value)
            created = index.get("creation_date")
            found.append(
                ExistingIndex(name, int(created) if created is not None else None, index.get("default_pipeline"))
            )
        return found

    def default_pipeline_on_existing(self, indices: list[ExistingIndex]) -> None:
        missing = [index.name for index in indices if index.default_pipeline is None]
        for index in indices:
            if index.default_pipeline not in (None, bodies.PIPELINE_NAME):
                self.say(
                    f"warning: {index.name} runs ingest pipeline {index.default_pipeline!r}, left as it is: its "
                    "documents are not made one per contact."
                )
        if not missing:
            self.say(f"existing indices: {len(indices)} with the pipeline already, none to change")
            return
        for names in _chunks(missing):
            self.write("PUT", f"/{','.join(names)}/_settings", bodies.default_pipeline_settings())
        shown = ", ".join(missing[:3]) + (", …" if len(missing) > 3 else "")
        self.say(f"existing indices: index.default_pipeline set on {len(missing)} ({shown})")

    # 5.

    def retention(self, engine: Engine, indices: list[ExistingIndex]) -> None:
        body = bodies.retention_policy(self.deployment)
        path = f"/{engine.plugins}/_ism/policies/{bodies.POLICY_NAME}"
        stored = self.read(path, missing_ok=True)
        current = stored.body if stored.status == 200 else None
        if current is not None and current.get("policy", {}).get("description") == body["policy"]["description"]:
            self.say(f"retention policy {bodies.POLICY_NAME}: unchanged ({self.deployment.retention_days} days)")
        elif current is not None:
            # ISM updates need the policy's current sequence number and primary term (optimistic concurrency).
            query = urllib.parse.urlencode(
                {"if_seq_no": current["_seq_no"], "if_primary_term": current["_primary_term"]}
            )
            self.write("PUT", f"{path}?{query}", body)
            self.say(f"retention policy {bodies.POLICY_NAME}: updated ({self.deployment.retention_days} days)")
        else:
            self.write("PUT", path, body)
            self.say(
                f"retention policy {bodies.POLICY_NAME}: created ({self.deployment.retention_days} days, new indices)"
            )
        unmanaged = self._unmanaged(engine, indices)
        if not unmanaged:
            return
        limit_ms = self.now_ms - self.deployment.retention_days * DAY_MS  # type: ignore[operator]
        doomed = [index for index in unmanaged if index.created_ms is not None and index.created_ms <= limit_ms]
        if not self.options.apply_retention_to_existing:
            self.say(
                f"note: {len(unmanaged)} existing indices keep everything; --apply-retention-to-existing attaches the "
                f"policy to them ({len(doomed)} are older than {self.deployment.retention_days} days and would be "
                "deleted: see them with --dry-run)."
            )
            if self.options.dry_run:
                self._list_doomed(doomed)
            return
        self._list_doomed(doomed)
        for names in _chunks([index.name for index in unmanaged]):
            answer = self.write(
                "POST", f"/{engine.plugins}/_ism/add/{','.join(names)}", {"policy_id": bodies.POLICY_NAME}
            )
            failed = (answer or {}).get("failed_indices") or []
            if failed:
                lines = "\n".join(f"  {item.get('index_name')}: {item.get('reason')}" for item in failed)
                raise SetupError(f"attaching {bodies.POLICY_NAME} failed for {len(failed)} indices:\n{lines}")
        self.say(f"retention policy {bodies.POLICY_NAME}: attached to {len(unmanaged)} existing indices")

    def _unmanaged(self, engine: Engine, indices: list[ExistingIndex]) -> list[ExistingIndex]:
        """The indices no ISM policy manages (another policy's indices are left to it)."""
        unmanaged = []
        by_name = {index.name: index for index in indices}
        for names in _chunks(list(by_name)):
            explained = self.read(f"/{engine.plugins}/_ism/explain/{','.join(names)}").body or {}
            for name in names:
                policy = _managing_policy(explained.get(name))
                if policy is None:
                    unmanaged.append(by_name[name])
                elif policy != bodies.POLICY_NAME:
                    self.say(f"note: {name} is managed by ISM policy {policy!r}, left to it")
        return unmanaged

    def _list_doomed(self, doomed: list[ExistingIndex]) -> None:
        days = self.deployment.retention_days
        if not doomed:
            self.say(f"the first ISM cycles would delete no existing index (none is older than {days} days)")
            return
        self.say(f"the first ISM cycles (every 5-8 minutes on AWS) would delete {len(doomed)} existing indices:")
        for index in doomed:
            age = (self.now_ms - (index.created_ms or 0)) // DAY_MS
            self.say(f"  {index.name} (created {age} days ago)")

    # 6.

    def firehose_access(self, engine: Engine, role_arn: str) -> None:
        api = f"/{engine.plugins}/_security/api"
        role = bodies.firehose_role(self.deployment)
        role_path = f"{api}/roles/{bodies.FIREHOSE_ROLE_NAME}"
        stored = self.read(role_path, missing_ok=True)
        current = (stored.body or {}).get(bodies.FIREHOSE_ROLE_NAME) if stored.status == 200 else None
        if current is not None and _role_permissions(current) == _role_permissions(role):
            self.say(f"security role {bodies.FIREHOSE_ROLE_NAME}: unchanged")
        else:
            self.write("PUT", role_path, role)
            self.say(f"security role {bodies.FIREHOSE_ROLE_NAME}: {'updated' if current else 'created'}")

        mapping_path = f"{api}/rolesmapping/{bodies.FIREHOSE_ROLE_NAME}"
        stored = self.read(mapping_path, missing_ok=True)
        mapping = (stored.body or {}).get(bodies.FIREHOSE_ROLE_NAME) if stored.status == 200 else None
        if mapping is None:
            # PUT "creates or replaces" a mapping: only for one that does not exist yet.
            self.write(
                "PUT",
                mapping_path,
                {"backend_roles": [role_arn], "description": "Amazon Data Firehose delivery role (ctr-enrichment)"},
            )
            self.say(f"role mapping {bodies.FIREHOSE_ROLE_NAME}: created for {role_arn}")
            return
        backend_roles = list(mapping.get("backend_roles") or [])
        if role_arn in backend_roles:
            self.say(f"role mapping {bodies.FIREHOSE_ROLE_NAME}: unchanged ({role_arn} is mapped)")
            return
        # Read-modify-write of the backend roles alone: users, hosts and the other backend roles stay.
        patch = [{"op": "add", "path": "/backend_roles", "value": [*backend_roles, role_arn]}]
        self.write("PATCH", mapping_path, patch)
        self.say(f"role mapping {bodies.FIREHOSE_ROLE_NAME}: {role_arn} added to {len(backend_roles)} backend roles")

    # 7.

    def dashboards(self, engine: Engine) -> None:
        objects = bodies.saved_objects(self.deployment, engine)
        path = f"{self.options.dashboards_path or engine.dashboards_path}/api/saved_objects/_import?overwrite=true"
        self.writes += 1
        if self.options.dry_run:
            self.out.write(f"would send: POST {path} (multipart/form-data, file saved-objects.ndjson)\n")
            self.out.write(bodies.ndjson(objects).decode("utf-8"))
            return
        body, content_type = multipart("file", "saved-objects.ndjson", bodies.ndjson(objects), "application/ndjson")
        # OpenSearch Dashboards asks for osd-xsrf, Kibana for kbn-xsrf; each ignores the other.
        headers = {"Content-Type": content_type, "osd-xsrf": "true", "kbn-xsrf": "true"}
        answer = self.domain.request("POST", path, body, headers).body
        if not isinstance(answer, dict) or answer.get("success") is not True:
            errors = answer.get("errors", []) if isinstance(answer, dict) else []
            lines = [
                f"  {error.get('type')} {error.get('id')} ({error.get('title', '')}): {json.dumps(error.get('error'))}"
                for error in errors
            ]
            raise SetupError(
                f"importing the saved objects into {engine} failed:\n" + ("\n".join(lines) or f"  {answer}")
            )
        count = int(answer.get("successCount", len(objects)))
        self.say(
            f"saved objects: {count} imported (index pattern {self.deployment.index}*, dashboard 'Calls by company')"
        )

    def run(self) -> None:
        engine = self.detect()
        self.check(engine)
        if engine.one_document_per_contact:
            self.pipeline(engine)
        self.template(engine)
        indices: list[ExistingIndex] = []
        if engine.one_document_per_contact or self.deployment.retention_days is not None:
            indices = self.existing_indices()
        if engine.one_document_per_contact:
            self.default_pipeline_on_existing(indices)
        if self.deployment.retention_days is not None:
            self.retention(engine, indices)
        if self.options.firehose_role_arn:
            self.firehose_access(engine, self.options.firehose_role_arn)
        if self.options.dashboards:
            self.dashboards(engine)
        if self.options.dry_run:
            self.say(f"dry run: {self.writes} write request(s) not sent")


def _index_settings(value: Any) -> dict[str, Any]:
    settings = (value or {}).get("settings", {})
    nested = settings.get("index")
    if isinstance(nested, dict):
        return nested
    return {key.removeprefix("index."): item for key, item in settings.items()}  # flat_settings form


def _managing_policy(explained: Any) -> str | None:
    """The ISM policy of one index in an explain answer (the key differs across versions), or None."""
    if not isinstance(explained, dict):
        return None
    for key in (
        "policy_id",
        "index.plugins.index_state_management.policy_id",
        "index.opendistro.index_state_management.policy_id",
    ):
        if explained.get(key):
            return str(explained[key])
    return None


def _role_permissions(role: dict[str, Any]) -> tuple[Any, ...]:
    """What a role allows, ignoring the fields the security plugin adds (fls, masked_fields, reserved...)."""
    return (
        sorted(role.get("cluster_permissions") or []),
        sorted(
            (sorted(item.get("index_patterns") or []), sorted(item.get("allowed_actions") or []))
            for item in role.get("index_permissions") or []
        ),
    )


def _chunks(names: list[str]) -> Iterator[list[str]]:
    """Index names in groups whose comma-joined length keeps the request line short."""
    group: list[str] = []
    length = 0
    for name in names:
        if group and length + len(name) + 1 > MAX_PATH_BYTES:
            yield group
            group, length = [], 0
        group.append(name)
        length += len(name) + 1
    if group:
        yield group


# --- Command line --------------------------------------------------------------------------------------------

DESCRIPTION = (
    "Install the index side on an OpenSearch or Elasticsearch domain: the ingest pipeline (one document per "
    "contact, daily indices in your time zone), the index template, optional retention, the Firehose role mapping "
    "under fine-grained access control, and the Dashboards objects. Idempotent: a second run sends no write."
)

EPILOG = """\
examples:
  ctr-enrichment opensearch-setup --endpoint "$(terraform output -raw opensearch_domain_endpoint)" \\
      --region ap-northeast-1 --time-zone Asia/Tokyo --retention-days 400 \\
      --firehose-role-arn "$(terraform output -raw firehose_role_arn)"
  ctr-enrichment opensearch-setup --endpoint search-ctr-abc123.us-east-1.es.amazonaws.com --dry-run

exit status: 0 when the domain is set up (or, with --dry-run, when the plan was printed), 1 when a request
failed, 2 for a usage error.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    domain = parser.add_argument_group("domain")
    domain.add_argument(
        "--endpoint",
        required=True,
        help="domain endpoint host (terraform output opensearch_domain_endpoint) or https://host",
    )
    domain.add_argument("--region", help="the domain's Region (default: the AWS configuration's)")
    domain.add_argument("--profile", help="AWS profile to sign with (default: the default credential chain)")
    domain.add_argument(
        "--no-sign", dest="sign", action="store_false", help="send unsigned requests (IP-restricted domain)"
    )
    index = parser.add_argument_group("index (as the module delivers)")
    index.add_argument("--index", default=bodies.DEFAULT_INDEX, help="the module's index_name (default: %(default)s)")
    index.add_argument(
        "--index-rotation",
        choices=ROTATION_PERIODS,
        default="OneDay",
        help="the module's index_rotation_period (default: %(default)s); daily indices by the contact's own day "
        "need OneDay",
    )
    index.add_argument(
        "--time-zone",
        default=bodies.DEFAULT_TIME_ZONE,
        help="IANA time zone of the contact centre: a contact goes into the index of its InitiationTimestamp day "
        "there (default: %(default)s, the names Firehose uses). Changing it later splits contacts across indices.",
    )
    retention = parser.add_argument_group("retention (default: keep every index)")
    retention.add_argument(
        "--retention-days",
        type=int,
        metavar="DAYS",
        help="delete an index this many days after it was created (ISM policy on new indices)",
    )
    retention.add_argument(
        "--apply-retention-to-existing",
        action="store_true",
        help="also attach the policy to existing indices; indices already older are deleted (see --dry-run)",
    )
    access = parser.add_argument_group("fine-grained access control")
    access.add_argument(
        "--firehose-role-arn",
        metavar="ARN",
        help="map this IAM role (terraform output firehose_role_arn) to the ctr-enrichment-firehose role",
    )
    dashboards = parser.add_argument_group("dashboards")
    dashboards.add_argument(
        "--company-field",
        default=bodies.DEFAULT_COMPANY_FIELD,
        help="field the 'Calls by company' chart groups by: <rule target>.<attribute> (default: %(default)s)",
    )
    dashboards.add_argument("--dashboards-path", help="base path of OpenSearch Dashboards/Kibana (default: by engine)")
    dashboards.add_argument("--no-dashboards", dest="dashboards", action="store_false", help="skip the saved objects")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="read the domain and print every request (method, path, body) without sending any write",
    )


def options_from(args: argparse.Namespace) -> Options:
    deployment = Deployment(
        index=args.index,
        rotation=args.index_rotation,
        time_zone=args.time_zone,
        retention_days=args.retention_days,
        company_field=args.company_field,
    )
    problems = deployment.problems()
    if args.apply_retention_to_existing and args.retention_days is None:
        problems.append("--apply-retention-to-existing goes with --retention-days")
    if args.firehose_role_arn is not None and not bodies.valid_role_arn(args.firehose_role_arn):
        problems.append(
            f"--firehose-role-arn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got "
            f"{args.firehose_role_arn!r}; an assumed-role (sts) ARN never matches a backend role"
        )
    if problems:
        raise UsageError("; ".join(problems))
    return Options(
        deployment=deployment,
        firehose_role_arn=args.firehose_role_arn,
        apply_retention_to_existing=args.apply_retention_to_existing,
        dashboards=args.dashboards,
        dashboards_path=args.dashboards_path,
        dry_run=args.dry_run,
    )


def run(args: argparse.Namespace, out: TextIO) -> None:
    """Set the domain up as the parsed arguments say; raises ``SetupError`` (``UsageError``) for what to fix."""
    options = options_from(args)
    domain = Domain(args.endpoint, args.region, args.profile, args.sign)
    Setup(domain, options, out).run()
