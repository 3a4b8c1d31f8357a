"""Invoking the function in tests, with the checks every invocation gets, and reading what it wrote."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from ctr_enrichment_tools.harness import LambdaContext


def invoke(function: Callable[[Any, Any], Any], event: dict[str, Any], **context: Any) -> dict[str, Any]:
    """Call the function as Lambda does: the response must serialise, and answer every record in order."""
    response = function(event, LambdaContext(**context))
    json.dumps(response)  # what the Lambda runtime does with it; a failure here is a lost batch
    assert [r["recordId"] for r in response["records"]] == [r["recordId"] for r in event["records"]]
    return response


def decoded_documents(response: dict[str, Any]) -> list[Any]:
    """The JSON document of each Ok record (None for the others), after checking the wire shape."""
    documents = []
    for record in response["records"]:
        assert set(record) == {"recordId", "result", "data"}
        raw = base64.b64decode(record["data"], validate=True)
        if record["result"] == "Ok":
            text = raw.decode("utf-8")
            assert "\n" not in text
            documents.append(json.loads(text))
        else:
            documents.append(None)
    return documents


def emitted_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def emf_line(text: str) -> dict[str, Any]:
    (line,) = [line for line in emitted_lines(text) if "_aws" in line]
    return line
