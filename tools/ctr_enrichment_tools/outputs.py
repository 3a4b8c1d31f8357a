"""The files a replay writes: enriched NDJSON, processing-failed documents, the handler's log, a ``_bulk`` file."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from ctr_enrichment_tools.errors import ReplayError
from ctr_enrichment_tools.opensearch import bulk_entry, index_name

ENRICHED = "enriched.ndjson"
PROCESSING_FAILED = "processing-failed.ndjson"
BULK = "bulk.ndjson"
LAMBDA_LOG = "lambda.log"
SUMMARY_JSON = "summary.json"
SUMMARY_TEXT = "summary.txt"
ALL_FILES = (ENRICHED, PROCESSING_FAILED, BULK, LAMBDA_LOG, SUMMARY_JSON, SUMMARY_TEXT)

# What Firehose writes to processing-failed/ for a record the function answered with ProcessingFailed.
PROCESSING_FAILED_CODE = "Lambda.ProcessingFailedStatus"
PROCESSING_FAILED_MESSAGE = "ProcessingFailed status set for record"
FUNCTION_ERROR_CODE = "Lambda.FunctionError"


@dataclass(frozen=True, slots=True)
class BulkSettings:
    index: str
    rotation: str


class ReplayOutputs:
    """Opens the output files in ``directory`` (replacing the ones a previous replay left there)."""

    def __init__(self, directory: Path, lambda_arn: str, bulk: BulkSettings | None = None) -> None:
        self.directory = directory
        self.lambda_arn = lambda_arn
        self.bulk = bulk
        self._files: dict[str, IO[bytes]] = {}
        self.indices: Counter[str] = Counter()  # documents per OpenSearch index in the bulk file

    def path(self, name: str) -> Path:
        return self.directory / name

    def __enter__(self) -> ReplayOutputs:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for name in ALL_FILES:  # a stale bulk.ndjson next to fresh results would mislead
                self.path(name).unlink(missing_ok=True)
            names = [ENRICHED, PROCESSING_FAILED, LAMBDA_LOG] + ([BULK] if self.bulk else [])
            for name in names:
                self._files[name] = self.path(name).open("wb")
        except OSError as error:
            self.close()
            raise ReplayError(f"cannot write the outputs to {self.directory}: {error.strerror or error}") from None
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        for file in self._files.values():
            file.close()
        self._files.clear()

    def write_ok(self, document: bytes, arrival_ms: int) -> None:
        """A document as Firehose delivers it to OpenSearch."""
        self._files[ENRICHED].write(document + b"\n")
        if self.bulk is not None:
            index = index_name(self.bulk.index, self.bulk.rotation, arrival_ms)
            self.indices[index] += 1
            self._files[BULK].write(bulk_entry(index, document))

    def write_failed(self, raw_data: str, arrival_ms: int, error_code: str, error_message: str) -> None:
        """A record as Firehose writes it to the backup bucket's processing-failed/ prefix (replayable)."""
        document = {
            "attemptsMade": 1,
            "arrivalTimestamp": arrival_ms,
            "errorCode": error_code,
            "errorMessage": error_message,
            "attemptEndingTimestamp": int(time.time() * 1000),
            "rawData": raw_data,
            "lambdaArn": self.lambda_arn,
        }
        self._files[PROCESSING_FAILED].write(json.dumps(document, separators=(",", ":")).encode("ascii") + b"\n")

    def write_log(self, text: str) -> None:
        self._files[LAMBDA_LOG].write(text.encode("utf-8"))

    def write_summary(self, summary_json: dict[str, object], summary_text: str) -> None:
        self.path(SUMMARY_JSON).write_text(
            json.dumps(summary_json, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        self.path(SUMMARY_TEXT).write_text(summary_text, encoding="utf-8")
