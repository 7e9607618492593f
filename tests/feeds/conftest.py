"""Webhook tests: a receiver on loopback, and workers run by the test itself."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from server.db.engine import Database
from server.feeds.outbox import Webhooks
from server.settings import Settings
from tests.feeds.receiver import Receiver

# Retries a few milliseconds apart, a receiver given half a second, three failures in a row.
FAST = Settings(
    worker="separate",
    webhook_allow_http=True,
    webhook_allow_private=True,
    webhook_retry_seconds=0.01,
    webhook_retry_max_seconds=0.05,
    webhook_timeout_seconds=0.5,
    webhook_max_failures=3,
)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
async def hooks(database_url: str) -> AsyncIterator[Webhooks]:
    """A worker's webhook jobs, as `saison worker` runs them, with fast retries."""
    db = Database(database_url, pool_size=4, settings=FAST)
    webhooks = Webhooks(db, FAST)
    yield webhooks
    await webhooks.close()
    await db.dispose()


async def subscribe(admin: Any, receiver: Receiver, events: list[str] | None = None) -> dict:
    sub = await admin.create(
        "/webhooks",
        {"name": "Billetterie", "url": receiver.url, "events": events or ["organisation.*"]},
    )
    receiver.secrets.append(sub["secret"])
    return sub  # type: ignore[no-any-return]


async def deliver(hooks: Webhooks, done: Callable[[], Any], patience: float = 30) -> None:
    """Run the worker's jobs until ``done()`` holds (failing if it never does)."""
    deadline = time.monotonic() + patience
    while True:
        await hooks.fan_out()
        await hooks.send_due()
        if await _holds(done):
            return
        assert time.monotonic() < deadline, "webhooks were not delivered"
        await asyncio.sleep(0.02)


async def _holds(done: Callable[[], Any]) -> bool:
    value = done()
    if asyncio.iscoroutine(value):
        value = await value
    return bool(value)
