"""A reverse proxy of the tests' own, in front of several server processes, as a deployment
puts Caddy or nginx in front of them (compose.yaml).

Round robin, one backend per connection; it adds ``X-Forwarded-For`` (the client's address,
which Saison believes from ``SAISON_TRUSTED_PROXIES`` only) and asks for ``Connection: close``
so that every request is a connection of its own, hence balanced and given its header.
Websocket upgrades are passed through and then piped both ways, as a proxy does. It runs in
a thread with its own event loop, so blocking clients (``caldav``) may use it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from urllib.parse import urlsplit

HEAD_LIMIT = 64 * 1024


class RoundRobinProxy:
    """Listening at ``url`` from the start; ``balance`` names the backends (so that they may
    be started knowing the proxy's address)."""

    def __init__(self) -> None:
        self.backends: list[tuple[str, int]] = []
        self.chosen: list[int] = []  # the backend of each connection, in order
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    def balance(self, backends: list[str]) -> None:
        self.backends = [(urlsplit(b).hostname or "", urlsplit(b).port or 80) for b in backends]

    async def _start(self) -> asyncio.Server:
        return await asyncio.start_server(self._connection, "127.0.0.1", 0)

    async def _connection(
        self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter
    ) -> None:
        index = len(self.chosen) % len(self.backends)
        self.chosen.append(index)
        peer = client_w.get_extra_info("peername")[0]
        try:
            head = await client_r.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            client_w.close()
            return
        host, port = self.backends[index]
        server_r, server_w = await asyncio.open_connection(host, port)
        server_w.write(rewrite(head, peer))
        await asyncio.gather(pipe(client_r, server_w), pipe(server_r, client_w))

    def close(self) -> None:
        async def stop() -> None:
            self.server.close()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def rewrite(head: bytes, client: str) -> bytes:
    """The request's head with X-Forwarded-For added, and Connection: close unless it is a
    websocket upgrade (whose Connection header must stay)."""
    request_line, *lines = head.rstrip(b"\r\n").split(b"\r\n")
    headers = [line for line in lines if not line.lower().startswith(b"x-forwarded-for:")]
    upgrade = any(line.lower().startswith(b"upgrade:") for line in headers)
    if not upgrade:
        headers = [line for line in headers if not line.lower().startswith(b"connection:")]
        headers.append(b"Connection: close")
    headers.append(b"X-Forwarded-For: " + client.encode())
    return b"\r\n".join([request_line, *headers]) + b"\r\n\r\n"


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()
