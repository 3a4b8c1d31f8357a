"""A TCP proxy that adds a round-trip time, standing in for the network between Lambda and DynamoDB.

Each byte is delivered half the round trip after it arrives, in each direction, so a request/response pair
costs one RTT; opening a connection costs one more (the TCP handshake). Run it as its own process:

    python benchmarks/latency_proxy.py --listen-port 8001 --upstream-port 8000 --rtt-ms 5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal


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


async def _serve(listen_port: int, upstream_port: int, rtt: float) -> None:
    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(rtt)  # the handshake
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            _deliver_later(client_reader, upstream_writer, rtt / 2),
            _deliver_later(upstream_reader, client_writer, rtt / 2),
        )

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen-port", type=int, required=True)
    parser.add_argument("--upstream-port", type=int, required=True)
    parser.add_argument("--rtt-ms", type=float, default=5.0)
    args = parser.parse_args()
    asyncio.run(_serve(args.listen_port, args.upstream_port, args.rtt_ms / 1000))


if __name__ == "__main__":
    main()
