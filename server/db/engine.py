"""One async engine per process and the session factory every interface uses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from server.db.embedded import to_async_url
from server.settings import Settings


class Database:
    """Holds the engine and hands out sessions; services receive sessions, never the engine.

    ``settings`` (those of an installation that sets nothing, unless given) go to every unit of
    work, so services follow the deployment's choices without reading the environment.
    """

    def __init__(self, url: str, pool_size: int = 10, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.defaults()
        # The session time zone only shapes text PostgreSQL formats itself (JSON built in SQL,
        # such as the timeline); drivers always exchange instants. It follows the venue's zone,
        # which administrators may change while the server runs (``use_timezone``).
        self.timezone = self.settings.timezone
        self.url = to_async_url(url)
        self.engine: AsyncEngine = create_async_engine(
            self.url,
            pool_size=pool_size,
            # Several processes share PostgreSQL's max_connections (100 by default): beyond
            # the pool, requests wait for a connection rather than being refused.
            max_overflow=pool_size // 2,
            # No pre-ping (three round trips per request with asyncpg): a connection that died
            # is invalidated on first use and replaced; recycling bounds their age.
            pool_pre_ping=False,
            pool_recycle=600,
            connect_args={"server_settings": {"application_name": "saison"}},
        )
        event.listen(self.engine.sync_engine, "do_connect", self._in_venue_zone)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Called after each commit with the committed changes (live updates hook in here).
        self.listeners: list[Any] = []

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    def _in_venue_zone(
        self, dialect: Any, record: Any, cargs: Any, cparams: dict[str, Any]
    ) -> None:
        cparams["server_settings"] = {
            **cparams.get("server_settings", {}),
            "timezone": self.timezone,
        }

    async def use_timezone(self, timezone: str) -> None:
        """Work in another zone from now on: connections are opened anew (those in use are
        closed when given back), so none keeps writing the old zone's offsets."""
        if timezone != self.timezone:
            self.timezone = timezone
            await self.engine.dispose()

    async def dispose(self) -> None:
        await self.engine.dispose()
