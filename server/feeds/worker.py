"""The background worker: periodic jobs, run in each server process or in ``saison worker``.

Each job is a coroutine run again and again, ``every`` seconds apart when idle, sooner when
woken (a commit in this process wakes them: changes go out at once). Jobs must be safe to
run in several processes at the same time (webhooks lock what they work on); a job that fails
is logged and run again at its next turn, never stopping the others.

To add a job (connectors on a schedule, exports): return a ``Job`` from
``server.app.extra_jobs`` (both the server's worker and `saison worker` call it), or
``worker.add(job)`` before ``start``; ``make_worker`` adds Saison's own first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from server.connectors.runs import run_due_connectors
from server.core.changelog import Change
from server.core.organisation import Follower
from server.db.engine import Database
from server.feeds.outbox import Webhooks
from server.settings import Settings

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
CONNECTORS_SECONDS = 30.0  # scheduled connectors run on the hour at the finest
ORGANISATION_SECONDS = 2.0  # a changed zone or language reaches `saison worker` this soon
SENDERS = "webhook senders"


@dataclass
class Job:
    """A periodic job: its name (in logs), the pause between idle runs, what it does."""

    name: str
    every: float
    run: Callable[[], Awaitable[Any]]
    wake_on_commit: bool = False
    group: str = ""  # jobs woken together by ``Worker.wake(group)``


class Worker:
    """Runs its jobs until stopped; one per process."""

    def __init__(self, jobs: list[Job] | None = None) -> None:
        self.jobs: list[Job] = list(jobs or [])
        self._wake: dict[str, asyncio.Event] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._closers: list[Callable[[], Awaitable[Any]]] = []

    def add(self, job: Job) -> None:
        self.jobs.append(job)

    def on_close(self, closer: Callable[[], Awaitable[Any]]) -> None:
        self._closers.append(closer)

    def wake(self, group: str | None = None) -> None:
        """Run jobs now rather than at their next turn: those of ``group``, or without one,
        those that follow commits."""
        for job in self.jobs:
            wanted = job.group == group if group is not None else job.wake_on_commit
            if wanted and job.name in self._wake:
                self._wake[job.name].set()

    async def on_commit(self, changes: list[Change]) -> None:
        """A commit listener (``Database.listeners``)."""
        self.wake()

    def start(self) -> None:
        for job in self.jobs:
            self._wake[job.name] = asyncio.Event()
            self._tasks.append(asyncio.create_task(self._loop(job), name=f"job {job.name}"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        for closer in self._closers:
            await closer()

    async def run_forever(self) -> None:
        self.start()
        try:
            await asyncio.gather(*self._tasks)
        finally:
            await self.stop()

    async def _loop(self, job: Job) -> None:
        wake = self._wake[job.name]
        while True:
            wake.clear()
            try:
                await job.run()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("job %s failed; it runs again at its next turn", job.name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), job.every)


def make_worker(db: Database, settings: Settings, extra: list[Job] | None = None) -> Worker:
    """The worker of a process: Saison's jobs, then ``extra`` ones.

    Webhooks take one job queuing committed changes (woken by commits in this process) and
    ``Webhooks.concurrency`` senders (woken when something was queued): a slow receiver
    holds one sender, never the queuing nor the other receivers. Scheduled connectors
    (``server.connectors.runs``) are looked for every ``CONNECTORS_SECONDS``.
    """
    webhooks = Webhooks(db, settings)
    worker = Worker()

    async def queue() -> None:
        if await webhooks.fan_out():
            worker.wake(SENDERS)

    worker.add(Job("webhooks: queue", POLL_SECONDS, queue, wake_on_commit=True))
    for number in range(1, webhooks.concurrency + 1):
        worker.add(
            Job(f"webhooks: sender {number}", POLL_SECONDS, webhooks.send_until_idle, group=SENDERS)
        )

    async def connectors() -> None:
        await run_due_connectors(db)

    worker.add(Job("connectors: scheduled runs", CONNECTORS_SECONDS, connectors))
    organisation = Follower(db)
    worker.add(Job("organisation: zone and language", ORGANISATION_SECONDS, organisation.check))
    for job in extra or []:
        worker.add(job)
    worker.on_close(webhooks.close)
    return worker
