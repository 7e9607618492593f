"""The activity table: one row per thing happening in a room, performances included."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Column, DateTime, ForeignKey, Index, Text
from sqlmodel import Field

from server.core.records import Record


class ActivityKind(str, Enum):
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


class ActivityStatus(str, Enum):
    TENTATIVE = "tentative"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


KINDS_SQL = ",".join(f"'{k.value}'" for k in ActivityKind)


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
    )

    kind: str = Field(sa_type=Text)
    status: str = Field(default="confirmed", sa_type=Text)
    title: str = Field(sa_type=Text)
    room_id: int | None = Field(default=None, sa_column=Column(BigInteger, ForeignKey("rooms.id", ondelete="RESTRICT")))
    starts_at: datetime = Field(sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
    ends_at: datetime = Field(sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
    engagement_id: int | None = Field(default=None, sa_column=Column(BigInteger, ForeignKey("engagements.id", ondelete="RESTRICT")))
    performance_id: int | None = Field(default=None, sa_column=Column(BigInteger, ForeignKey("activities.id", ondelete="CASCADE"), index=True))
    show_id: int | None = Field(default=None, sa_column=Column(BigInteger, ForeignKey("shows.id", ondelete="RESTRICT"), index=True))
    team_id: int | None = Field(default=None, sa_column=Column(BigInteger, ForeignKey("teams.id", ondelete="SET NULL"), index=True))
    notes: str | None = Field(default=None, sa_type=Text)
    # Performance details (only meaningful when kind = performance).
    ticketing_ref: str | None = Field(default=None, sa_type=Text)
    audio_description: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))
    sign_language: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))
    surtitles: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))
    relaxed: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))
