"""Screens that stop reading cost bounded memory, and give it all back when they leave.

A server process (its memory is read from /proc), twenty clients that subscribe and
then read nothing (a phone gone to sleep with the socket open), one screen that reads, and
thousands of changes of about 2 KB.
"""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any

import pytest
import websockets

from server.core.changelog import Change
from server.core.permissions import SYSTEM
from server.core.unit_of_work import unit_of_work
from server.processes import ServerProcess
from tests.conftest import token_for

SLOW_CLIENTS = 20
CHANGES = 6_000
NOTES = "Prévoir la nacelle, 4 techniciens, un régisseur plateau et la fiche lumière. " * 25
MARGIN_MB = 40  # without a bound it was +226 MB with the slow clients, +104 MB after


@pytest.fixture
def lone_server(server_process: ServerProcess) -> tuple[str, int]:
    """The run's server process (the screens of tests/realtime/ are on it; one process start
    less): its memory is compared with itself, before and after, whatever came before."""
    return server_process.url, server_process.pid


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


async def given_back(pid: int, below: float, wait: float = 10.0) -> float:
    """The process's memory once it is ``below`` (the server notices the gone clients in its
    own time), or as it is after ``wait`` seconds."""
    for _ in range(int(wait / 0.1)):
        if (now := rss_mb(pid)) < below:
            return now
        await asyncio.sleep(0.1)
    return rss_mb(pid)


async def connect(base: str, token: str, reads: bool) -> Any:
    """A websocket client; one that does not read gets a tiny receive window, as a phone
    whose app is asleep: the server's own buffers fill, not the kernel's."""
    sock = None
    if not reads:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", int(base.rsplit(":", 1)[1])))
    client = await websockets.connect(
        base.replace("http", "ws") + "/api/v1/live",
        additional_headers={"Authorization": f"Bearer {token}"},
        sock=sock,
        max_queue=1 if not reads else None,
        ping_interval=None,
        compression=None,
    )
    await client.send(
        json.dumps({"type": "subscribe", "id": "p", "topic": {"workspace": "planning"}})
    )
    return client


async def write_changes(db: Any, count: int) -> int:
    """Rows as every planning write appends them (through the unit of work), in batches."""
    last = 0
    for start in range(0, count, 500):
        async with unit_of_work(db, SYSTEM, listeners=[]) as uow:
            for n in range(start, min(start + 500, count)):
                uow.record(
                    Change(
                        workspace="planning",
                        entity="activity",
                        entity_id=n + 1,
                        action="activity.updated",
                        before={"notes": None},
                        after={"notes": f"{n} {NOTES}"},
                    )
                )
            last = max(c.seq or 0 for c in await uow.commit())
    return last


async def read_until(client: Any, seq: int) -> int:
    received = 0
    while True:
        message = json.loads(await asyncio.wait_for(client.recv(), 30))
        if message["type"] == "event":
            received += 1
            if message["seq"] >= seq:
                return received


async def test_slow_readers_are_dropped_and_their_memory_comes_back(lone_server, people, db):
    base, pid = lone_server
    token = await token_for(db, people["technique"].user["id"])
    reader = await connect(base, token, reads=True)
    await read_until(reader, await write_changes(db, 500))  # warm up: first-use allocations
    start = rss_mb(pid)

    slow = [await connect(base, token, reads=False) for _ in range(SLOW_CLIENTS)]
    await asyncio.sleep(0.5)
    first = await write_changes(db, 1)
    reading = asyncio.create_task(read_until(reader, first + CHANGES))
    assert await write_changes(db, CHANGES) == first + CHANGES
    assert await reading == CHANGES + 1  # a screen that reads misses nothing
    await asyncio.sleep(1.0)
    while_slow = rss_mb(pid)

    for client in slow:  # the phones go away (no closing handshake: they are gone)
        client.transport.abort()
    after = await given_back(pid, start + MARGIN_MB)
    print(f"RSS {start:.0f} MB → {while_slow:.0f} MB with slow clients → {after:.0f} MB after")
    assert while_slow - start < MARGIN_MB, "slow clients are not bounded"
    assert after - start < MARGIN_MB, "memory held for slow clients was not given back"
    await reader.close()
