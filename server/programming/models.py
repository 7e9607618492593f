"""Programming tables: shows and engagements. Performances are planning activities."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    Text,
)
from sqlmodel import Field

from server.core.records import Record


class Show(Record, table=True):
    __tablename__ = "shows"
    __table_args__ = (
        CheckConstraint("duration_minutes IS NULL OR duration_minutes > 0", name="show_duration"),
        Index("ix_shows_title", "title"),
    )

    title: str = Field(sa_type=Text)
    company_id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger, ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
        ),
    )
    producer_id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger, ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
        ),
    )
    genre: str | None = Field(default=None, sa_type=Text)
    duration_minutes: int | None = Field(default=None, sa_type=Integer)
    age_guidance: str | None = Field(default=None, sa_type=Text)
    description: str | None = Field(default=None, sa_type=Text)
    credits: str | None = Field(default=None, sa_type=Text)
    website: str | None = Field(default=None, sa_type=Text)
    notes: str | None = Field(default=None, sa_type=Text)


class EngagementStatus(StrEnum):
    OPTION = "option"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class Engagement(Record, table=True):
    """A show in a room over a period: pencilled as a ranked option, then confirmed."""

    __tablename__ = "engagements"
    __table_args__ = (
        CheckConstraint("status IN ('option','confirmed','cancelled')", name="engagement_status"),
        CheckConstraint("last_day >= first_day", name="engagement_period"),
        CheckConstraint("option_rank IS NULL OR option_rank >= 1", name="engagement_option_rank"),
        CheckConstraint("fee IS NULL OR fee >= 0", name="engagement_fee"),
        Index("ix_engagements_room_period", "room_id", "first_day", "last_day"),
    )

    show_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("shows.id", ondelete="RESTRICT"), nullable=False, index=True
        )
    )
    room_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("rooms.id", ondelete="RESTRICT"), nullable=False)
    )
    first_day: date = Field(sa_type=Date)
    last_day: date = Field(sa_type=Date)
    status: str = Field(default="option", sa_type=Text)
    option_rank: int | None = Field(default=None, sa_type=Integer)
    option_expires_on: date | None = Field(default=None, sa_type=Date)
    fee: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 2)))
    contract_terms: str | None = Field(default=None, sa_type=Text)
    notes: str | None = Field(default=None, sa_type=Text)
