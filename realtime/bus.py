"""The wire between server processes: Litestar channels, Redis pub/sub when REDIS_URL is set.

It carries only *wake-ups* ("the change log has grown to seq N") and presence; the changes
themselves are read from the change log, in commit order, by each process. So a message lost
while Redis is away costs latency, never an event: every process also polls the log each
second, and the bus reconnects on its own when Redis comes back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend

log = logging.getLogger(__name__)

CHANGES = "saison.changes"
PRESENCE = "saison.presence"
CHANNELS = (CHANGES, PRESENCE)

Handler = Callable[[str, bytes], Awaitable[None]]


class Bus:
    def __init__(self, redis_url: str | None) -> None:
        self.redis_url = redis_url
        self.backend: ChannelsBackend | None = None
        self.connected = False
        self._handler: Handler | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def _new_backend(self) -> ChannelsBackend:
        if not self.redis_url:
            return MemoryChannelsBackend()
        from litestar.channels.backends.redis import RedisChannelsPubSubBackend
        from redis.asyncio import Redis

        redis = Redis.from_url(
            self.redis_url, socket_connect_timeout=2, socket_timeout=None, health_check_interval=10
        )
        return RedisChannelsPubSubBackend(redis=redis, stream_sleep_no_subscriptions=50)

    async def start(self, handler: Handler) -> None:
        self._handler = handler
        self._task = asyncio.create_task(self._listen(), name="saison-bus")

    async def stop(self) -> None:
        self._stopping = True
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
        await self._close_backend()

    async def _close_backend(self) -> None:
        backend, self.backend = self.backend, None
        self.connected = False
        if backend is not None:
            try:
                await backend.on_shutdown()
            except Exception:
                pass
            redis = getattr(backend, "_redis", None)
            if redis is not None:
                try:
                    await redis.aclose()
                except Exception:
                    pass

    async def _listen(self) -> None:
        delay = 0.2
        while not self._stopping:
            try:
                backend = self._new_backend()
                await backend.on_startup()
                await backend.subscribe(list(CHANNELS))
                if self.redis_url:
                    await backend._redis.ping()  # type: ignore[attr-defined]
                self.backend = backend
                if not self.connected:
                    log.info("live bus connected (%s)", "redis" if self.redis_url else "memory")
                self.connected = True
                delay = 0.2
                async for channel, payload in backend.stream_events():
                    if self._handler is not None:
                        await self._handler(channel, payload)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # Redis away: keep trying, writes are unaffected
                if self.connected:
                    log.warning("live bus lost (%s); retrying", error)
                await self._close_backend()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def publish(self, channel: str, data: bytes) -> bool:
        """Best effort: a failed publish is caught up by polling, never raised to a writer."""
        backend = self.backend
        if backend is None or not self.connected:
            return False
        try:
            await asyncio.wait_for(backend.publish(data, [channel]), timeout=0.5)
            return True
        except Exception as error:
            log.warning("live bus publish failed: %s", error)
            return False

    def status(self) -> dict[str, Any]:
        return {"backend": "redis" if self.redis_url else "memory", "connected": self.connected}
