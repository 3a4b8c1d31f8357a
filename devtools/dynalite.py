"""Run dynalite, a DynamoDB-compatible HTTP server, on 127.0.0.1 for tests, benchmarks and the demo.

dynalite validates requests like the real service (duplicate keys, more than 100 keys, empty keys, key
types) and answers with UnprocessedKeys past 1 MB, which moto does not. It is pinned in package.json and
installed by ``npm ci``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from ctr_enrichment_tools.table_io import MAX_WRITES_PER_REQUEST, serialize

REPO_ROOT = Path(__file__).resolve().parents[1]
CLI = REPO_ROOT / "node_modules" / "dynalite" / "cli.js"
STARTUP_TIMEOUT_SECONDS = 15.0


def create_table(client: Any, table: str, key: str = "number") -> None:
    """Create an on-demand table keyed by a string attribute and wait until it is ACTIVE."""
    client.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for _ in range(500):  # dynalite activates a new table on a timer (moto at once)
        if client.describe_table(TableName=table)["Table"]["TableStatus"] == "ACTIVE":
            return
        time.sleep(0.01)
    raise RuntimeError(f"table {table} did not become ACTIVE within 5 s")


def put_items(client: Any, table: str, items: list[dict[str, Any]]) -> None:
    """Write plain-Python items (numbers as int or Decimal), 25 per BatchWriteItem, until none is left over."""
    for start in range(0, len(items), MAX_WRITES_PER_REQUEST):
        requests: dict[str, Any] = {
            table: [{"PutRequest": {"Item": serialize(item)}} for item in items[start : start + MAX_WRITES_PER_REQUEST]]
        }
        while requests:
            requests = client.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes] | None = None, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before listening on port {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listened on 127.0.0.1:{port} within {timeout:.0f} s")


class Dynalite:
    """A dynalite process on a free loopback port, in memory; ``with Dynalite() as server: server.endpoint``."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Dynalite:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is not on PATH: dynalite needs Node.js 18 or newer")
        if not CLI.exists():
            raise RuntimeError(f"{CLI} is missing: run `npm ci` (or `make setup`) in {REPO_ROOT}")
        log = tempfile.TemporaryFile()  # noqa: SIM115 - the server writes to it until it stops
        self.process = subprocess.Popen(  # noqa: S603 - fixed command, no shell
            [
                node,
                str(CLI),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--createTableMs",
                "0",
                "--deleteTableMs",
                "0",
                "--updateTableMs",
                "0",
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        with log:
            try:
                wait_for_port(self.port, self.process, STARTUP_TIMEOUT_SECONDS)
            except RuntimeError as error:
                self.stop()
                log.seek(0)
                output = log.read().decode(errors="replace")
                raise RuntimeError(f"dynalite did not start: {error}\n{output}") from None
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> Dynalite:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
