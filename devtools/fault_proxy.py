"""A TCP proxy between the function and a DynamoDB-compatible server that adds latency or injects faults.

* ``latency``: each byte is delivered half a round trip after it arrives, in each direction, so a request
  costs one round trip and opening a connection one more (the TCP handshake). The benchmark uses this.
* ``reset``: connections are accepted and reset at once (RST), as by a crashed load balancer.
* ``blackhole``: connections are accepted and read, and nothing is ever answered (a read timeout).

For tests it runs in a background thread (``FaultProxy(...)`` as a context manager, ``mode`` changeable at
any time); for the benchmark it runs as its own process:

    python -m devtools.fault_proxy --listen-port 8001 --upstream-port 8000 --rtt-ms 5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import socket
import struct
import threading
from types import TracebackType
from typing import Literal

from devtools.dynalite import free_port

Mode = Literal["latency", "reset", "blackhole"]


async def _deliver_later(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, data = await queue.get()
            if not data:
                break
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()

    delivery = asyncio.create_task(deliver())
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(1 << 16):
            queue.put_nowait((loop.time() + delay, data))
    queue.put_nowait((0.0, b""))
    with contextlib.suppress(ConnectionError):
        await delivery
        writer.close()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with SO_LINGER 0, which sends a TCP RST instead of an orderly FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    def __init__(self, upstream_port: int, rtt_ms: float = 0.0, mode: Mode = "latency", port: int | None = None):
        self.upstream_port = upstream_port
        self.rtt = rtt_ms / 1000
        self.mode: Mode = mode
        self.port = port or free_port()
        self.connections = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Connections still open when the proxy stops are cancelled; that is the end of them, not an error.
        with contextlib.suppress(asyncio.CancelledError):
            await self._relay(reader, writer)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        if self.mode == "reset":
            _reset(writer)
            return
        if self.mode == "blackhole":
            with contextlib.suppress(ConnectionError):
                while await reader.read(1 << 16):
                    pass
            writer.close()
            return
        await asyncio.sleep(self.rtt)  # the handshake
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            _reset(writer)
            return
        try:
            await asyncio.gather(
                _deliver_later(reader, upstream_writer, self.rtt / 2),
                _deliver_later(upstream_reader, writer, self.rtt / 2),
            )
        finally:  # also when the proxy stops with the relay still going
            upstream_writer.transport.abort()
            writer.transport.abort()

    async def serve(self, install_signal_handlers: bool = False) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        if install_signal_handlers:
            for signum in (signal.SIGTERM, signal.SIGINT):
                self._loop.add_signal_handler(signum, self._stop.set)
        server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self._ready.set()
        async with server:
            await self._stop.wait()

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=asyncio.run, args=(self.serve(),), daemon=True, name="fault-proxy")
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fault proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen-port", type=int, required=True)
    parser.add_argument("--upstream-port", type=int, required=True)
    parser.add_argument("--rtt-ms", type=float, default=5.0)
    parser.add_argument("--mode", choices=("latency", "reset", "blackhole"), default="latency")
    args = parser.parse_args()
    proxy = FaultProxy(args.upstream_port, args.rtt_ms, args.mode, args.listen_port)
    asyncio.run(proxy.serve(install_signal_handlers=True))


if __name__ == "__main__":
    main()
