"""The worker runs its periodic jobs until stopped; a failing job never stops the others."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from server.core.organisation import Follower
from server.db.engine import Database
from server.feeds.worker import Job, Worker, make_worker


async def test_jobs_run_again_and_again_and_a_failure_stops_none(caplog):
    runs = {"steady": 0, "broken": 0}
    woken, both = asyncio.Event(), asyncio.Event()

    def count(name: str) -> None:
        runs[name] += 1
        if min(runs.values()) >= 3:
            both.set()

    async def steady() -> None:
        count("steady")

    async def broken() -> None:
        count("broken")
        raise RuntimeError("the agenda is down")

    async def on_commit() -> None:
        woken.set()

    worker = Worker([Job("steady", 0.01, steady), Job("broken", 0.01, broken)])
    worker.add(Job("follows commits", 3600, on_commit, wake_on_commit=True))
    worker.start()
    try:
        await asyncio.wait_for(both.wait(), 30)  # each ran three times at least
        woken.clear()
        await worker.on_commit([])  # a commit in this process: run it now, not in an hour
        await asyncio.wait_for(woken.wait(), 30)
    finally:
        await worker.stop()
    assert "the agenda is down" in caplog.text
    settled = dict(runs)
    await asyncio.sleep(0.05)
    assert runs == settled  # stopped: nothing runs any more


async def test_a_process_worker_queues_sends_and_runs_scheduled_connectors(db):
    worker = make_worker(db, db.settings, [Job("agenda export", 60, asyncio.sleep)])
    names = [job.name for job in worker.jobs]
    assert names[0] == "webhooks: queue" and "connectors: scheduled runs" in names
    assert sum(name.startswith("webhooks: sender") for name in names) >= 2
    assert names[-1] == "agenda export"  # a job of another package comes after Saison's own
    await worker.stop()


async def test_a_separate_worker_takes_a_new_zone_without_a_restart(database_url, admin):
    """`saison worker` has no live hub: its own job notices the organisation's change, so its
    connectors' files and the offsets its database connections write use the new zone."""
    worker_db = Database(database_url, pool_size=2)
    try:
        follower = Follower(worker_db)
        assert await follower.check() is False  # what the start applied

        organisation = (await admin.get("/organisation")).json()
        r = await admin.patch(
            "/organisation", {"timezone": "America/Montreal"}, version=organisation["version"]
        )
        assert r.status_code == 200, r.text

        assert await follower.check() is True
        async with worker_db.sessions() as session:
            zone = (await session.execute(text("SHOW timezone"))).scalar()
        assert zone == "America/Montreal"
        assert await follower.check() is False  # nothing new since
    finally:
        await worker_db.dispose()
