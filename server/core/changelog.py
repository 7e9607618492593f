"""The one history: every mutation appends a row here in the same transaction.

Audit trail, live updates, CalDAV sync tokens and external feeds all read this table. The
sequence is monotonic *in commit order*: rows are written at the very end of a transaction
under a transaction-scoped advisory lock, so a reader that has seen sequence N will never later
discover a committed row below N. That is what makes "changes since N" safe to resume from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Identity, Index, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from server.core.venue import venue

# Arbitrary constant naming the advisory lock that orders change-log writers.
CHANGE_LOG_LOCK = 7_246_853_101


class ChangeLogEntry(SQLModel, table=True):
    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_entity", "entity", "entity_id", "seq"),
        Index("ix_change_log_actor", "actor_id", "seq"),
        Index("ix_change_log_at", "at"),
    )

    seq: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, Identity(always=True), primary_key=True),
    )
    at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )
    actor_id: int | None = Field(default=None, sa_type=BigInteger)
    actor: str = Field(sa_type=Text)
    workspace: str = Field(sa_type=Text)
    entity: str = Field(sa_type=Text)
    entity_id: int | None = Field(default=None, sa_type=BigInteger)
    action: str = Field(sa_type=Text)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    # Ids of records this change also concerns (e.g. the engagement of a performance), so that
    # per-record history and calendars can follow relations without scanning payloads.
    refs: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))


@dataclass
class Change:
    """A change waiting for its transaction to commit."""

    workspace: str
    entity: str
    entity_id: int | None
    action: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    refs: dict[str, Any] | None = None
    seq: int | None = None
    at: datetime | None = None
    actor_id: int | None = None
    actor: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def read_change(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A log row as every outlet gives it (feed, history, live updates): its time in the
    venue's zone, like the times inside its payloads (written so by ``UnitOfWork.record``)."""
    change = dict(row)
    at = change.get("at")
    if isinstance(at, datetime):
        change["at"] = at.astimezone(venue().tz)
    return change
