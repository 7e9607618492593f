"""A transaction plus the changes it makes, written to the change log at commit."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts.permissions import Principal
from server.core.changelog import CHANGE_LOG_LOCK, Change, ChangeLogEntry
from server.db.engine import Database

log = logging.getLogger(__name__)

CommitListener = Callable[[list[Change]], Awaitable[None]]


class UnitOfWork:
    """Services receive one of these: a session, who acts, and the pending history."""

    def __init__(
        self, session: AsyncSession, actor: Principal, listeners: list[CommitListener]
    ) -> None:
        self.session = session
        self.actor = actor
        self.pending: list[Change] = []
        self._listeners = listeners

    def record(self, change: Change) -> None:
        self.pending.append(change)

    async def commit(self) -> list[Change]:
        """Append the pending changes and commit; listeners hear of them only afterwards."""
        changes, self.pending = self.pending, []
        if changes:
            # Taken last, held to commit: sequence order is commit order (see changelog.py).
            await self.session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHANGE_LOG_LOCK}
            )
            table: Any = ChangeLogEntry.__table__
            rows = [
                {
                    "actor_id": self.actor.user_id,
                    "actor": self.actor.label,
                    "workspace": c.workspace,
                    "entity": c.entity,
                    "entity_id": c.entity_id,
                    "action": c.action,
                    "before": c.before,
                    "after": c.after,
                    "refs": c.refs,
                }
                for c in changes
            ]
            result = await self.session.execute(
                insert(table).returning(table.c.seq, table.c.at, sort_by_parameter_order=True),
                rows,
            )
            for change, (seq, at) in zip(changes, result.all(), strict=True):
                change.seq, change.at = seq, at
                change.actor_id, change.actor = self.actor.user_id, self.actor.label
        await self.session.commit()
        if changes:
            for listener in self._listeners:
                try:
                    await listener(changes)
                except Exception:  # a listener must never undo a committed write
                    log.exception("change listener failed")
        return changes

    async def rollback(self) -> None:
        self.pending = []
        await self.session.rollback()


@asynccontextmanager
async def unit_of_work(
    db: Database, actor: Principal, listeners: list[CommitListener] | None = None
) -> AsyncIterator[UnitOfWork]:
    async with db.sessions() as session:
        uow = UnitOfWork(session, actor, listeners if listeners is not None else db.listeners)
        try:
            yield uow
        finally:
            if session.in_transaction():
                await session.rollback()
