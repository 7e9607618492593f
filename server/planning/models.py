"""The activity table: one row per thing happening in a room, performances included."""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSTZRANGE, ExcludeConstraint
from sqlmodel import Field, SQLModel

from server.core.records import Record, search_index


class ActivityKind(StrEnum):
    PERFORMANCE = "performance"
    GET_IN = "get_in"
    GET_OUT = "get_out"
    REHEARSAL = "rehearsal"
    TECHNICAL_SERVICE = "technical_service"
    MEETING = "meeting"
    MAINTENANCE = "maintenance"
    PRIVATE_HIRE = "private_hire"
    MEDIATION = "mediation"
    OTHER = "other"


class ActivityStatus(StrEnum):
    TENTATIVE = "tentative"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


KINDS_SQL = ",".join(f"'{k.value}'" for k in ActivityKind)


class ActivitySeries(Record, table=True):
    """A repeating activity (the weekly production meeting, daily crew calls): its pattern.

    The rule (an RFC 5545 RRULE value, always bounded) places occurrences from the first one
    (``starts_at``–``ends_at``, wall-clock times in the venue's zone). Each occurrence is a real
    activity (``series_id``, ``occurrence_start``), booked and checked like any other, so the
    timeline and the no-double-booking constraint know nothing special. An occurrence deleted
    is an exception (EXDATE); one changed keeps its ``occurrence_start`` (RECURRENCE-ID).
    """

    __tablename__ = "activity_series"
    __table_args__ = (
        CheckConstraint(f"kind IN ({KINDS_SQL}) AND kind <> 'performance'", name="series_kind"),
        CheckConstraint("status IN ('tentative','confirmed','cancelled')", name="series_status"),
        CheckConstraint("ends_at > starts_at", name="series_period"),
    )

    kind: str = Field(sa_type=Text)
    status: str = Field(default="confirmed", sa_type=Text)
    title: str = Field(sa_type=Text)
    room_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("rooms.id", ondelete="RESTRICT"), index=True),
    )
    team_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("teams.id", ondelete="SET NULL"), index=True),
    )
    assignee_ids: list[int] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(BigInteger), nullable=False, server_default="{}"),
    )
    notes: str | None = Field(default=None, sa_type=Text)
    starts_at: datetime = Field(sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
    ends_at: datetime = Field(sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
    rule: str = Field(sa_type=Text)


class Activity(Record, table=True):
    """A performance *is* an activity (kind = performance): one row of truth for both views."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint(f"kind IN ({KINDS_SQL})", name="activity_kind"),
        CheckConstraint("status IN ('tentative','confirmed','cancelled')", name="activity_status"),
        CheckConstraint("ends_at > starts_at", name="activity_period"),
        Index("ix_activities_room_start", "room_id", "starts_at"),
        Index("ix_activities_start", "starts_at"),
        Index("ix_activities_engagement", "engagement_id"),
        Index("ix_activities_assignees", "assignee_ids", postgresql_using="gin"),
        UniqueConstraint("series_id", "occurrence_start", name="activity_occurrence_once"),
        search_index("ix_activities_title_search", "title"),
    )

    kind: str = Field(sa_type=Text)
    status: str = Field(default="confirmed", sa_type=Text)
    title: str = Field(sa_type=Text)
    room_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("rooms.id", ondelete="RESTRICT"))
    )
    starts_at: datetime = Field(sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
    ends_at: datetime = Field(sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
    engagement_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("engagements.id", ondelete="RESTRICT")),
    )
    performance_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("activities.id", ondelete="CASCADE"), index=True),
    )
    show_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("shows.id", ondelete="RESTRICT"), index=True),
    )
    team_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("teams.id", ondelete="SET NULL"), index=True),
    )
    notes: str | None = Field(default=None, sa_type=Text)
    # People it is assigned to (besides its team): their "my schedule" calendar shows it.
    assignee_ids: list[int] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(BigInteger), nullable=False, server_default="{}"),
    )
    # Performance details (only meaningful when kind = performance).
    ticketing_ref: str | None = Field(default=None, sa_type=Text)
    audio_description: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    sign_language: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    surtitles: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    relaxed: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    # An occurrence of a repeating activity, and where its rule placed it (RECURRENCE-ID).
    series_id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger, ForeignKey("activity_series.id", ondelete="SET NULL"), index=True
        ),
    )
    occurrence_start: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))  # type: ignore[call-overload]


class ActivityKindSetting(SQLModel, table=True):
    """Whether activities of a kind block their room, their names and colour (per venue)."""

    __tablename__ = "activity_kinds"
    __table_args__ = (
        CheckConstraint("colour ~ '^#[0-9a-f]{6}$'", name="activity_kinds_colour_hex"),
    )

    kind: str = Field(sa_column=Column(Text, primary_key=True))
    blocks_room: bool = Field(sa_column=Column(Boolean, nullable=False))
    label_fr: str = Field(sa_type=Text)
    label_en: str = Field(sa_type=Text)
    colour: str = Field(
        sa_column=Column(Text, nullable=False, server_default="#a5aab3"),
        description="#rrggbb, lower case",
    )


# The exclusion constraint that refuses a double booking (server/planning/bookings.py).
ROOM_BOOKINGS_NO_OVERLAP = "room_bookings_no_overlap"


class RoomBooking(SQLModel, table=True):
    """What the database uses to refuse double bookings; maintained by triggers, never by hand.

    A confirmed blocking activity holds one row for its room and one per link of that room
    (rooms sharing a stage, a crew or sound): an exclusion constraint forbids two rows with the
    same key and overlapping times.
    """

    __tablename__ = "room_bookings"
    __table_args__ = (
        ExcludeConstraint(
            (Column("lock_key"), "="),
            (Column("during"), "&&"),
            (Column("holder"), "<>"),
            name=ROOM_BOOKINGS_NO_OVERLAP,
            using="gist",
            deferrable=True,
            initially="IMMEDIATE",
        ),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger)
    activity_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("activities.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    link_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("room_links.id", ondelete="CASCADE"), index=True),
    )
    lock_key: str = Field(sa_type=Text)
    # The engagement using the room (or minus the activity's id): one holder may overlap itself.
    holder: int = Field(sa_type=BigInteger)
    during: Any = Field(sa_column=Column(TSTZRANGE, nullable=False))


class ActivityTemplate(Record, table=True):
    """A reusable technical activity around an engagement ("get-in the day before, 9–18")."""

    __tablename__ = "activity_templates"
    __table_args__ = (
        CheckConstraint(f"kind IN ({KINDS_SQL})", name="template_kind"),
        CheckConstraint(
            "anchor IN ('before_first','after_last','each_performance')", name="template_anchor"
        ),
    )

    name: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    kind: str = Field(sa_type=Text)
    anchor: str = Field(sa_type=Text)
    # before_first / after_last: either wall-clock times on the day day_offset days before the
    # first (after the last) performance day (an end before the start ends the next day), or
    # start_minutes and end_minutes from the first performance's start (the last one's end),
    # so a get-out follows a matinée and a late show alike. each_performance: start_minutes
    # from the performance's start, end_minutes from its end (negative = before).
    day_offset: int = Field(default=0, sa_type=Integer)
    start_time: time | None = Field(default=None, sa_type=Time)
    end_time: time | None = Field(default=None, sa_type=Time)
    start_minutes: int | None = Field(default=None, sa_type=Integer)
    end_minutes: int | None = Field(default=None, sa_type=Integer)
    title: str | None = Field(default=None, sa_type=Text)
    team_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("teams.id", ondelete="SET NULL"))
    )
