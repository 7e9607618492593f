"""Tables of the calendar bridge: names and UIDs chosen by calendar apps, ICS feed secrets.

Listed in ``server/tables.py`` so Alembic's metadata knows them (migration 0003).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Sequence,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlmodel import Field, SQLModel

from server.core.changelog import ChangeLogEntry

# Entities whose changes can alter a served event (the activity itself, or what its
# description shows). Sync reads only these rows of the log, through a partial index.
CALENDAR_ENTITIES: tuple[str, ...] = (
    "activity",
    "activity_series",
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
ALARM_REVS = Sequence("calendar_alarm_revs")


class CalendarObject(SQLModel, table=True):
    """The resource name and UID a calendar app gave an event (or a repeating one) it made.

    Apps expect to find an event at the URL they PUT it to, with the UID they chose; events
    made in Saison use ``activity-<id>.ics`` / ``series-<id>.ics`` and ``activity-<id>@<host>``
    / ``series-<id>@<host>`` and need no row until an app moves them to a name of its own.
    ``origin_id`` (``series_origin_id``) outlives the activity (series): the link becomes NULL
    when it is deleted, and sync can still tell the app which of its names went away.
    """

    __tablename__ = "calendar_objects"

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger)
    activity_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("activities.id", ondelete="SET NULL"), unique=True),
    )
    origin_id: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))
    series_id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger, ForeignKey("activity_series.id", ondelete="SET NULL"), unique=True
        ),
    )
    series_origin_id: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))
    name: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    uid: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    created_at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )


class CalendarProperties(SQLModel, table=True):
    """What a calendar app sent that is not an activity's field, kept and served back to
    everyone who sees the event: attendees, organizer, URL, its own categories and X- data.

    Nothing an app sends is dropped silently: what Saison does not model is kept here, as the
    app's own iCalendar lines (folded text); what cannot be kept is refused with a reason.
    Exactly one of ``activity_id`` (an event, or one occurrence's override) and ``series_id``
    (a repeating event's master).
    """

    __tablename__ = "calendar_properties"
    __table_args__ = (
        CheckConstraint("(activity_id IS NULL) <> (series_id IS NULL)", name="properties_of_one"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger)
    activity_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("activities.id", ondelete="CASCADE"), unique=True),
    )
    series_id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger, ForeignKey("activity_series.id", ondelete="CASCADE"), unique=True
        ),
    )
    lines: str = Field(sa_column=Column(Text, nullable=False))


class CalendarAlarm(SQLModel, table=True):
    """One person's reminders (VALARM) on an event: theirs alone, served to nobody else.

    ``rev`` grows with each change (taken under a per-person lock, so in commit order): a
    person's sync tokens carry the last one they saw, and their other devices learn of a
    reminder set on the phone. An empty ``alarms`` is a reminder removed (kept for sync).
    """

    __tablename__ = "calendar_alarms"
    __table_args__ = (
        CheckConstraint("(activity_id IS NULL) <> (series_id IS NULL)", name="alarms_of_one"),
        UniqueConstraint("user_id", "activity_id", name="alarms_once_per_activity"),
        UniqueConstraint("user_id", "series_id", name="alarms_once_per_series"),
        Index("ix_calendar_alarms_user_rev", "user_id", "rev"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger)
    user_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    activity_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("activities.id", ondelete="CASCADE"), index=True),
    )
    series_id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger, ForeignKey("activity_series.id", ondelete="CASCADE"), index=True
        ),
    )
    alarms: str = Field(sa_column=Column(Text, nullable=False))
    rev: int = Field(
        sa_column=Column(
            BigInteger,
            ALARM_REVS,
            server_default=ALARM_REVS.next_value(),
            nullable=False,
        )
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
