"""Webhooks delivered by real processes: a server stopped in the middle of a backlog and
started again, and two `saison worker` processes sharing one backlog."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

from server.processes import ROOT, spawn_server
from tests.feeds.conftest import _holds, subscribe

FAST = {
    "SAISON_WORKER": "server",
    "SAISON_WEBHOOK_RETRY_SECONDS": "0.05",
    "SAISON_WEBHOOK_RETRY_MAX_SECONDS": "0.2",
}


async def until(condition, patience: float = 60) -> None:
    deadline = time.monotonic() + patience
    while not await _holds(condition):
        assert time.monotonic() < deadline, "waited in vain"
        await asyncio.sleep(0.05)


async def test_a_backlog_survives_a_server_restart_and_arrives_once(admin, database_url, receiver):
    sub = await subscribe(admin, receiver)
    made = [await admin.create("/organisations", {"name": f"Compagnie {i}"}) for i in range(20)]
    receiver.hold_after = 5  # the sixth message waits in the receiver: the server stops then

    # The process that starts once the first has stopped imports beside it, then waits.
    second = spawn_server(database_url, FAST, held=True)
    first = spawn_server(database_url, FAST)
    try:
        await asyncio.to_thread(first.ready)
        await until(lambda: receiver.seen >= 6)
        await asyncio.to_thread(first.stop)
        pending = await admin.get(f"/webhooks/{sub['id']}/deliveries", params={"status": "pending"})
        assert pending.json()["total"] >= 15  # stopped in the middle of the backlog

        receiver.hold_after = None
        receiver.released.set()  # the held one is handled now, its answer lost with the server
        await asyncio.to_thread(second.ready)
        await until(lambda: len(receiver.effects()) == 20)

        async def recorded() -> bool:
            r = await admin.get(f"/webhooks/{sub['id']}/deliveries", params={"status": "delivered"})
            return r.json()["total"] == 20  # type: ignore[no-any-return]

        await until(recorded)
    finally:
        for server in (first, second):
            await asyncio.to_thread(server.stop)

    assert [e["data"]["entity_id"] for e in receiver.effects()] == [o["id"] for o in made]
    assert all(a.verified for a in receiver.received())
    # Sent again only what was in flight when the server stopped (same webhook-id).
    assert len(receiver.received()) - 20 <= 1
    delivered = await admin.get(f"/webhooks/{sub['id']}/deliveries", params={"limit": 100})
    assert [d["status"] for d in delivered.json()["items"]] == ["delivered"] * 20


def worker(database_url: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update({"DATABASE_URL": database_url, **FAST})
    return subprocess.Popen(
        [sys.executable, "-m", "server.cli", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
    )


async def test_two_worker_processes_share_a_backlog_without_sending_twice(
    admin, database_url, receiver
):
    subs = [await subscribe(admin, receiver) for _ in range(2)]
    workers = [worker(database_url) for _ in range(2)]
    try:
        for process in workers:  # both running before the backlog is made
            assert process.stdout is not None
            line = await asyncio.to_thread(process.stdout.readline)
            assert b"worker running" in line
        for i in range(25):
            await admin.create("/organisations", {"name": f"Compagnie {i}"})
        await until(lambda: len(receiver.effects()) == 50)

        async def recorded() -> bool:  # the workers recorded every answer they got
            for sub in subs:
                r = await admin.get(
                    f"/webhooks/{sub['id']}/deliveries", params={"status": "delivered"}
                )
                if r.json()["total"] < 25:
                    return False
            return True

        await until(recorded)
    finally:
        for process in workers:
            process.send_signal(signal.SIGTERM)
        codes = [await asyncio.to_thread(process.wait, 30) for process in workers]
    assert codes == [0, 0]  # stopped cleanly by SIGTERM
    ids = [a.message_id for a in receiver.received()]
    assert len(ids) == 50 and len(set(ids)) == 50
    for sub in subs:
        log = (await admin.get(f"/webhooks/{sub['id']}/deliveries")).json()
        assert log["total"] == 25 and {d["attempts"] for d in log["items"]} == {1}
