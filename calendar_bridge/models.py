"""Tables of the calendar bridge: names and UIDs chosen by calendar apps, ICS feed secrets.

Listed in ``server/db/models.py`` so Alembic's metadata knows them (migration 0003).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Index, Text, func, text
from sqlmodel import Field, SQLModel

from server.core.changelog import ChangeLogEntry

# Entities whose changes can alter a served event (the activity itself, or what its
# description shows). Sync reads only these rows of the log, through a partial index.
CALENDAR_ENTITIES: tuple[str, ...] = (
    "activity",
    "performance",
    "show",
    "engagement",
    "room",
    "venue",
    "organisation",
    "contact",
    "contact_role",
)
CALENDAR_ENTITIES_SQL = ", ".join(f"'{e}'" for e in CALENDAR_ENTITIES)


class CalendarObject(SQLModel, table=True):
    """The resource name and UID a calendar app gave an event it created.

    Apps expect to find an event at the URL they PUT it to, with the UID they chose; events
    made in Saison use ``activity-<id>.ics`` and ``activity-<id>@<host>`` and need no row.
    ``origin_id`` outlives the activity (``activity_id`` becomes NULL when it is deleted), so
    sync can still tell the app which of its names went away.
    """

    __tablename__ = "calendar_objects"

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger)
    activity_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("activities.id", ondelete="SET NULL"), unique=True),
    )
    origin_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    name: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    uid: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    created_at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )


class CalendarFeed(SQLModel, table=True):
    """An ICS subscription URL: a revocable secret (kept hashed) naming a user and a calendar."""

    __tablename__ = "calendar_feeds"

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger)
    user_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    scope: str = Field(sa_type=Text)
    name: str = Field(sa_type=Text)
    prefix: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    token_hash: str = Field(sa_type=Text)
    created_at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )
    last_used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))  # type: ignore[call-overload]


# Sync and ctags read "the calendar-relevant changes after N" and "the last one": with this
# index both cost what the changes cost, whatever else the log holds.
CALENDAR_CHANGES_INDEX = Index(
    "ix_change_log_calendar",
    ChangeLogEntry.__table__.c.seq,  # type: ignore[attr-defined]
    postgresql_where=text(f"entity IN ({CALENDAR_ENTITIES_SQL})"),
)
