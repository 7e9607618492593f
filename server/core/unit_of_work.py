"""A transaction plus the changes it makes, written to the change log at commit."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.changelog import CHANGE_LOG_LOCK, Change
from server.core.permissions import Principal
from server.core.records import jsonable
from server.db.engine import Database
from server.settings import Settings

log = logging.getLogger(__name__)

# Taken last and held to commit, the advisory lock makes sequence order commit order (see
# changelog.py). Rows get their sequence numbers in the order given.
APPEND = text(
    """
    WITH locked AS (SELECT pg_advisory_xact_lock(:key))
    INSERT INTO change_log
        (actor_id, actor, workspace, entity, entity_id, action, before, after, refs)
    SELECT r.actor_id, r.actor, r.workspace, r.entity, r.entity_id, r.action,
           r.before, r.after, r.refs
    FROM locked, jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(
        ord int, actor_id bigint, actor text, workspace text, entity text, entity_id bigint,
        action text, before jsonb, after jsonb, refs jsonb)
    ORDER BY r.ord
    RETURNING seq, at
    """
)
_json = msgspec.json.Encoder().encode


def _json_text(rows: list[dict[str, Any]]) -> str:
    return _json(rows).decode()


CommitListener = Callable[[list[Change]], Awaitable[None]]


class UnitOfWork:
    """Services receive one of these: a session, who acts, and the pending history."""

    def __init__(
        self,
        session: AsyncSession,
        actor: Principal,
        listeners: list[CommitListener],
        settings: Settings,
    ) -> None:
        self.session = session
        self.actor = actor
        self.settings = settings  # the deployment's choices (policies, names), from the app
        self.pending: list[Change] = []
        # Changes the database appended itself in this transaction (an audited function, see
        # ``appended``): listeners hear of them at commit with the others.
        self.written: list[Change] = []
        self._listeners = listeners

    def record(self, change: Change) -> None:
        """Keep a change for the log; its payloads become JSON here, the one place (times in
        the venue's zone, decimals as text: ``jsonable``)."""
        change.before = jsonable(change.before) if change.before is not None else None
        change.after = jsonable(change.after) if change.after is not None else None
        change.refs = jsonable(change.refs) if change.refs else None
        self.pending.append(change)

    def appended(self, change: Change) -> None:
        """A change already in the log, appended by a database function of this transaction
        (with its ``seq`` and ``at``): told to listeners after commit, like the others."""
        change.actor_id, change.actor = self.actor.user_id, self.actor.label
        self.written.append(change)

    async def append(self) -> None:
        """Append the pending changes now, before the transaction's end: what a database
        function of the same transaction appends after them then follows them in the log.
        This takes the log's lock, held until commit: only for short transactions."""
        changes, self.pending = self.pending, []
        if not changes:
            return
        rows = [
            {
                "ord": ord_,
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
            for ord_, c in enumerate(changes)
        ]
        # One statement takes the lock and appends: the lock is then held only for this
        # statement and the commit, so writers queue for as little as possible.
        result = await self.session.execute(
            APPEND, {"key": CHANGE_LOG_LOCK, "rows": _json_text(rows)}
        )
        for change, (seq, at) in zip(changes, sorted(result.all()), strict=True):
            change.seq, change.at = seq, at
            change.actor_id, change.actor = self.actor.user_id, self.actor.label
        self.written.extend(changes)

    async def commit(self) -> list[Change]:
        """Append the pending changes and commit; listeners hear of them only afterwards."""
        await self.append()
        changes, self.written = self.written, []
        await self.session.commit()
        if changes:
            changes.sort(key=lambda c: c.seq or 0)
            for listener in self._listeners:
                try:
                    await listener(changes)
                except Exception:  # a listener must never undo a committed write
                    log.exception("change listener failed")
        return changes

    async def rollback(self) -> None:
        self.pending, self.written = [], []
        await self.session.rollback()


@asynccontextmanager
async def unit_of_work(
    db: Database, actor: Principal, listeners: list[CommitListener] | None = None
) -> AsyncIterator[UnitOfWork]:
    async with db.sessions() as session:
        uow = UnitOfWork(
            session, actor, listeners if listeners is not None else db.listeners, db.settings
        )
        try:
            yield uow
        finally:
            if session.in_transaction():
                await session.rollback()
