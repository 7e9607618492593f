"""Durable followers of the change log: a name, a saved position, batches after it.

The change log holds committed changes only, numbered in commit order (server/core/changelog.py),
so a follower that saves "done up to N" in the same transaction as what it did with those
changes never loses one (a crash rolls both back: the batch is read again) and never sees one
that was rolled back. Webhooks follow the log this way; live updates and connectors may too.

A follower's row is locked while it works (``FOR UPDATE SKIP LOCKED``): several processes may
run the same follower, one at a time handles each batch, the others skip it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.changelog import read_change
from server.db.engine import Database

# A new follower starts at the end of the log: it follows what happens from now on.
ENSURE = text(
    """
    INSERT INTO feed_consumers (name, position)
    SELECT :name, coalesce(max(seq), 0) FROM change_log
    ON CONFLICT (name) DO NOTHING
    """
)
CLAIM = text("SELECT position FROM feed_consumers WHERE name = :name FOR UPDATE SKIP LOCKED")
BATCH = text("SELECT * FROM change_log WHERE seq > :after ORDER BY seq LIMIT :limit")
ADVANCE = text(
    "UPDATE feed_consumers SET position = :position, updated_at = now() WHERE name = :name"
)
POSITION = text("SELECT position FROM feed_consumers WHERE name = :name")

Handler = Callable[[AsyncSession, list[dict[str, Any]]], Awaitable[None]]


class DurableConsumer:
    """One follower of the change log, known by ``name``."""

    def __init__(self, name: str) -> None:
        self.name = name

    async def ensure(self, session: AsyncSession) -> None:
        """Start following (at the log's end) unless already following; in the caller's
        transaction, so what starts following (a subscription) and the start commit together."""
        await session.execute(ENSURE, {"name": self.name})

    async def claim(self, session: AsyncSession) -> int | None:
        """The position, locked until the transaction ends; None if another process holds it."""
        await self.ensure(session)
        value = (await session.execute(CLAIM, {"name": self.name})).scalar()
        return None if value is None else int(value)

    async def batch(self, session: AsyncSession, after: int, limit: int) -> list[dict[str, Any]]:
        """The committed changes after ``after``, in order, as every outlet reads them."""
        result = await session.execute(BATCH, {"after": after, "limit": limit})
        return [read_change(row) for row in result.mappings()]

    async def advance(self, session: AsyncSession, position: int) -> None:
        await session.execute(ADVANCE, {"name": self.name, "position": position})

    async def position(self, session: AsyncSession) -> int | None:
        value = (await session.execute(POSITION, {"name": self.name})).scalar()
        return None if value is None else int(value)

    async def step(self, db: Database, handle: Handler, limit: int = 500) -> int:
        """Handle the next batch and save the position, in one transaction; the number of
        changes handled (0: nothing new, or another process is at it)."""
        async with db.sessions() as session:
            after = await self.claim(session)
            if after is None:
                await session.rollback()
                return 0
            changes = await self.batch(session, after, limit)
            if changes:
                await handle(session, changes)
                await self.advance(session, int(changes[-1]["seq"]))
            await session.commit()
            return len(changes)
