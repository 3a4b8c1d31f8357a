"""One Firehose invocation, end to end: decode, look up, enrich, fit, report.

The steps overlap: lookups are sent while the batch is still being decoded, and each record is enriched as
soon as its own lookups are answered, so the CPU work hides inside the DynamoDB round trips.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from itertools import chain
from typing import Any

from ctr_enrichment.cache import MISS, TTLCache, budget_bytes
from ctr_enrichment.config import LookupErrorPolicy, NonCtrRecordPolicy, Settings
from ctr_enrichment.deadline import Deadline
from ctr_enrichment.dynamodb import TableKey, make_client
from ctr_enrichment.enrichment import (
    Addition,
    CompiledRule,
    Fragments,
    Renderer,
    Status,
    compile_rules,
    lookup_key,
    render_fragments,
    rule_statuses,
)
from ctr_enrichment.logs import JsonLogger
from ctr_enrichment.lookup import LookupResult, LookupStream, get_executor
from ctr_enrichment.metrics import InvocationMetrics, emf_document, emit
from ctr_enrichment.outcomes import FailureReason, LogMessage
from ctr_enrichment.records import (
    DecodedRecord,
    DecodeFailure,
    NotAContactRecord,
    Result,
    TransformedRecord,
    decode_record,
    encode_data,
    is_contact_record,
)
from ctr_enrichment.response import fit_response

# How many records to decode between two looks at the lookups that have come back.
_POLL_EVERY = 64

# ON_NON_CTR_RECORD -> the result of a record that is a JSON object but not a contact trace record. Dropped is the
# result Firehose defines for a record the function discards on purpose ("Data Transformation Status Model",
# Firehose Developer Guide); its data is the original, as AWS's examples return it.
_NON_CTR_RESULTS: dict[NonCtrRecordPolicy, Result] = {
    "deliver_unenriched": "Ok",
    "drop": "Dropped",
    "processing_failed": "ProcessingFailed",
}


class LookupUnavailableError(RuntimeError):
    """Raised under ON_LOOKUP_ERROR=retry_batch so that Firehose retries the whole invocation."""


# What one cache entry costs beyond its key string and fragments: the OrderedDict's slot and linked-list
# node, the (table, key) and (expiry, value) tuples and the expiry float. With it the estimate matches what
# tracemalloc counts to within 1 % (200,000 "not found" entries: 303 bytes estimated, 304 traced; demo-shaped
# items: 444 and 445; 20-attribute items: 4,045 and 4,019).
ENTRY_OVERHEAD_BYTES = 240


def entry_size(table_key: Hashable, fragments: Fragments | None) -> int:
    """The cache's estimate of one entry's bytes (the table name is shared by every key of its table)."""
    size = ENTRY_OVERHEAD_BYTES + sys.getsizeof(table_key[1])  # type: ignore[index]
    if fragments is not None:
        size += sys.getsizeof(fragments) + sum(sys.getsizeof(fragment) for fragment in fragments if fragment)
    return size


class Enricher:
    """Holds what outlives one invocation in a warm process: settings, client, cache, the renderer's memo.

    It is built during INIT (the handler module's import), which Lambda runs before the first invocation and
    outside its timeout: the DynamoDB client (botocore loading its models, ~70 ms) is built here, so it costs
    no invocation any of its deadline. Should that fail (no Region, a bad endpoint), the function still starts
    and every lookup fails with the reason, each record answered by the ON_LOOKUP_ERROR policy.
    """

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.cache = TTLCache(
            ttl_seconds=settings.cache_ttl_seconds,
            max_bytes=budget_bytes(settings.memory_size_mb),
            max_entries=settings.cache_max_entries,
            size_of=entry_size,
            clock=clock,
        )
        self.logger = JsonLogger(settings.log_level)
        self.rules = compile_rules(settings.rules)
        self.queries = {rule.query.table: rule.query for rule in self.rules}
        self.renderer = Renderer(self.rules)
        self.client: Any = None
        self.client_error = ""
        try:
            self.client = make_client()
        except Exception as error:  # e.g. no Region configured: lookups fail per key, no record is lost
            self.client_error = f"cannot create the DynamoDB client: {error!r}"
            self.logger.error(LogMessage.CLIENT_UNAVAILABLE, error=self.client_error)
        self.executor = get_executor()
        self._clock = clock

    def handle(self, event: Any, context: Any) -> dict[str, Any]:
        # The deadline first: nothing is built or sent for a call that could only come back too late.
        started = self._clock()
        deadline = Deadline.from_context(context, self._clock)
        self.logger.bind(aws_request_id=context.aws_request_id)
        if not isinstance(event, dict) or not isinstance(event.get("records"), list):
            raise ValueError("event is not a Firehose transformation event: it has no 'records' list")
        stream = LookupStream(self.queries, self.client, self.executor, deadline, client_error=self.client_error)
        policy = self.settings.on_lookup_error
        invocation = _Invocation(
            self.rules,
            cache=self.cache,
            renderer=self.renderer,
            logger=self.logger,
            policy=policy,
            non_ctr_policy=self.settings.on_non_ctr_record,
            stream=stream,
        )
        records, metrics = invocation.run(event["records"])
        metrics.duration_ms = round((self._clock() - started) * 1000, 3)
        # One line a minute or so at INFO: what an operator reads first when a dashboard looks wrong.
        self.logger.info(
            LogMessage.BATCH_TRANSFORMED,
            records=metrics.records,
            ok=metrics.records - metrics.processing_failed - metrics.dropped,
            processing_failed=metrics.processing_failed,
            dropped=metrics.dropped,
            non_ctr_records=metrics.non_ctr_records,
            found=metrics.found,
            not_found=metrics.not_found,
            skipped=metrics.skipped,
            lookup_errors=metrics.errors,
            oversize=metrics.oversize,
            dynamodb_calls=metrics.dynamodb_calls,
            cache_hits=metrics.cache_hits,
            cache_entries=len(self.cache),
            cache_bytes=self.cache.size_bytes,
            duration_ms=metrics.duration_ms,
        )
        # The metrics line last: CloudWatch reads it whatever the level, and so do tools that tail the log.
        emit(emf_document(metrics, self.settings.metrics_namespace, context.function_name, int(time.time() * 1000)))
        if invocation.failed and policy == "retry_batch":
            raise LookupUnavailableError(
                f"{len(invocation.failed)} lookup(s) failed ({next(iter(invocation.failed.values()))}); "
                "ON_LOOKUP_ERROR=retry_batch asks Firehose to retry the whole batch"
            )
        return {"records": records}


class _Invocation:
    """The state of one batch: which records wait on which keys, and what has been answered."""

    def __init__(
        self,
        rules: tuple[CompiledRule, ...],
        *,
        cache: TTLCache,
        renderer: Renderer,
        logger: JsonLogger,
        policy: LookupErrorPolicy,
        non_ctr_policy: NonCtrRecordPolicy,
        stream: LookupStream,
    ) -> None:
        self.rules = rules
        self.cache = cache
        self.renderer = renderer
        self.logger = logger
        self.policy = policy
        self.non_ctr_result: Result = _NON_CTR_RESULTS[non_ctr_policy]
        self.stream = stream
        self.debug = logger.enabled("DEBUG")
        self.warn = logger.warning  # bound once: rules warn through it from every record
        self.metrics = InvocationMetrics()
        self.statuses: Counter[Status] = Counter()
        self.resolved: dict[TableKey, Fragments | None] = {}
        self.failed: dict[TableKey, str] = {}
        self.waiting: dict[TableKey, list[int]] = {}  # key -> indexes of the records waiting for it
        self.unanswered: list[int] = []  # per record, how many of its keys are still waiting
        self.records: list[DecodedRecord | DecodeFailure | NotAContactRecord | None] = []
        self.keys: list[tuple[str | None, ...]] = []  # per record, its key for each rule (by rule index)
        self.outputs: list[TransformedRecord | None] = []

    def run(self, records: list[Any]) -> tuple[list[dict[str, Any]], InvocationMetrics]:
        self.metrics.records = len(records)
        for index, record in enumerate(records):
            self._admit(index, decode_record(record))
            if index % _POLL_EVERY == _POLL_EVERY - 1:
                self._absorb(self.stream.ready())
        self._absorb(self.stream.finish())
        logger = self.logger
        if self.failed:
            logger.error(
                LogMessage.LOOKUPS_FAILED,
                keys=len(self.failed),
                reasons=sorted(set(self.failed.values())),
                policy=self.policy,
            )
        # Every record has been transformed: its last key was answered, or it had none to wait for.
        outputs: list[TransformedRecord] = self.outputs  # type: ignore[assignment]
        wire, self.metrics.oversize = fit_response(outputs)
        if self.metrics.oversize:
            logger.warning(LogMessage.OVERSIZE, count=self.metrics.oversize)
        processing_failed = dropped = 0
        for answer, output in zip(wire, outputs, strict=True):
            if answer["result"] == "ProcessingFailed":
                processing_failed += 1
                if not answer["data"] and output.original:
                    logger.warning(LogMessage.WITHHELD, recordId=output.record_id)
            elif answer["result"] == "Dropped":
                dropped += 1
        metrics = self.metrics
        metrics.found, metrics.not_found = self.statuses["found"], self.statuses["not_found"]
        metrics.skipped, metrics.errors = self.statuses["skipped"], self.statuses["error"]
        metrics.processing_failed, metrics.dropped = processing_failed, dropped
        return wire, metrics

    def _admit(self, index: int, record: DecodedRecord | DecodeFailure | NotAContactRecord) -> None:
        """Register a decoded record: answer it at once, or note the keys it waits for."""
        if isinstance(record, DecodedRecord) and record.document is not None and not is_contact_record(record.document):
            # Not a contact trace record (an agent event on a shared Kinesis stream): nothing to look up.
            record = NotAContactRecord(record.record_id, record.original)
            self.metrics.non_ctr_records += 1
        self.records.append(record)
        self.outputs.append(None)
        keys: tuple[str | None, ...] = ()
        if isinstance(record, DecodedRecord):
            document = record.document
            keys = tuple([lookup_key(rule.rule, document) for rule in self.rules])  # type: ignore[arg-type]
            if document and self.renderer.appendable(record):
                record.document = None  # answered from its raw bytes: the parsed object would only wait
        self.keys.append(keys)
        unanswered = 0
        for rule, key in zip(self.rules, keys, strict=False):
            if key is None:
                continue
            table_key = (rule.query.table, key)
            if table_key in self.resolved or table_key in self.failed:
                continue
            waiting = self.waiting.get(table_key)
            if waiting is None:
                cached = self.cache.get(table_key)
                if cached is not MISS:
                    self.resolved[table_key] = cached
                    self.metrics.cache_hits += 1
                    continue
                waiting = self.waiting[table_key] = []
                self.stream.want(*table_key)
            waiting.append(index)
            unanswered += 1
        self.unanswered.append(unanswered)
        if not unanswered:
            self._finish(index)

    def _absorb(self, results: Iterable[LookupResult]) -> None:
        """Take in lookup answers and finish every record whose last key was among them."""
        for result in results:
            self.metrics.dynamodb_calls += result.calls
            self.failed.update(result.failed)
            for table_key, item in result.items.items():
                found = None if item is None else render_fragments(item, self.rules, table_key[0])
                self.resolved[table_key] = found
                self.cache.put(table_key, found)
            for table_key in chain(result.items, result.failed):
                for index in self.waiting.pop(table_key, ()):
                    self.unanswered[index] -= 1
                    if not self.unanswered[index]:
                        self._finish(index)

    def _finish(self, index: int) -> None:
        record = self.records[index]
        assert record is not None  # noqa: S101 - each record is finished once
        output, statuses = self._transform(record, self.keys[index])
        self.outputs[index] = output
        self.records[index] = None  # the decoded document is no longer needed
        self.statuses.update(statuses)
        if self.debug:
            self.logger.debug(
                LogMessage.RECORD_TRANSFORMED,
                recordId=output.record_id,
                result=output.result,
                statuses=dict(zip(self.renderer.names, statuses, strict=False)),
            )

    def _transform(
        self, record: DecodedRecord | DecodeFailure | NotAContactRecord, keys: tuple[str | None, ...]
    ) -> tuple[TransformedRecord, list[Status]]:
        """The output record, and each rule's status (none for data that is not a contact trace record)."""
        statuses: list[Status] = []
        if isinstance(record, NotAContactRecord):
            result = self.non_ctr_result
            if result != "ProcessingFailed":  # delivered exactly as it came, or dropped: never enriched
                original = record.original
                return TransformedRecord(record.record_id, result, original, original, record.original_size), statuses
            reason: str = FailureReason.NOT_A_CONTACT_RECORD
        elif isinstance(record, DecodeFailure):
            reason = record.reason
        else:
            additions: list[Addition] = []
            statuses = rule_statuses(
                record,
                keys,
                self.rules,
                resolved=self.resolved,
                failed=self.failed,
                additions=additions,
                warn=self.warn,
            )
            if "error" in statuses and self.policy == "processing_failed":
                reason = FailureReason.LOOKUP_FAILED
            else:
                try:
                    rendered = self.renderer.render(record, tuple(statuses), additions)
                except RecursionError:  # parsed just below the interpreter's limit, too deep to write back out
                    reason = FailureReason.NESTED_TOO_DEEPLY_TO_WRITE
                else:
                    ok = TransformedRecord(
                        record.record_id, "Ok", encode_data(rendered), record.original, record.original_size
                    )
                    return ok, statuses
        self.logger.warning(LogMessage.RECORD_FAILED, recordId=record.record_id, reason=reason)
        original = record.original
        failed = TransformedRecord(record.record_id, "ProcessingFailed", original, original, record.original_size)
        return failed, statuses
