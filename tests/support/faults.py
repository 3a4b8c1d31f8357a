"""DynamoDB misbehaving on cue: the error responses it sends, requests held unanswered, through botocore hooks."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

from botocore.awsrequest import AWSResponse


class Body:
    """The raw-stream interface botocore reads an HTTP body through."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def dynamodb_error_response(request: Any, code: str, status: int = 400, message: str = "injected fault") -> Any:
    """An HTTP error response exactly as DynamoDB sends it, for botocore to parse into a ClientError."""
    body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "injected"}
    return AWSResponse(request.url, status, headers, Body(body))


def inject_fault(client: Any, hook: Callable[..., Any]) -> None:
    """Run ``hook(request=...)`` before each BatchGetItem is sent; a response it returns replaces the server's."""
    client.meta.events.register_first("before-send.dynamodb.BatchGetItem", hook)


class Hang:
    """A before-send hook that holds each request until released, like a server that does not answer.

    Release it before the test ends, so that the held request still meets the mocked service rather than
    escaping to the network after the mock has gone.
    """

    def __init__(self) -> None:
        self._released = threading.Event()
        self._finished = threading.Semaphore(0)
        self.held = 0

    def __call__(self, **_: Any) -> None:
        self.held += 1
        self._released.wait(30)

    def install(self, client: Any) -> None:
        inject_fault(client, self)
        client.meta.events.register("after-call.dynamodb.BatchGetItem", lambda **_: self._finished.release())

    def release(self) -> None:
        self._released.set()
        for _ in range(self.held):
            assert self._finished.acquire(timeout=10), "a held request never finished"
