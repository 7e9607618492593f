"""Programming tables: shows and engagements. Performances are planning activities."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

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
from sqlalchemy.dialects.postgresql import DATERANGE, ExcludeConstraint
from sqlmodel import Field, SQLModel

from server.core.records import CONFIDENTIAL, Record, search_index


class Show(Record, table=True):
    __tablename__ = "shows"
    __table_args__ = (
        CheckConstraint("duration_minutes IS NULL OR duration_minutes > 0", name="show_duration"),
        Index("ix_shows_title", "title"),
        search_index("ix_shows_title_search", "title"),
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
        CheckConstraint(
            "contract_status IN ('draft','sent','signed')", name="engagement_contract_status"
        ),
        CheckConstraint(
            "vat_rate IS NULL OR (vat_rate >= 0 AND vat_rate <= 100)", name="engagement_vat_rate"
        ),
        CheckConstraint(
            "coalesce(travel_costs, 0) >= 0 AND coalesce(accommodation_costs, 0) >= 0"
            " AND coalesce(meal_costs, 0) >= 0",
            name="engagement_costs",
        ),
        CheckConstraint("party_size IS NULL OR party_size >= 0", name="engagement_party_size"),
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
    # The fee for the whole run, excluding VAT (the contract adds VAT at ``vat_rate``).
    fee: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 2), info=CONFIDENTIAL))
    contract_terms: str | None = Field(
        default=None, sa_type=Text, sa_column_kwargs={"info": CONFIDENTIAL}
    )
    notes: str | None = Field(default=None, sa_type=Text)
    # An option placed on dates a confirmed engagement of another show holds: it waits behind it.
    blocked_by_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("engagements.id", ondelete="SET NULL"), index=True),
    )

    # -- the run: what the road sheet and the welcome sheet print (server/programming/hospitality)
    room_configuration_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("room_configurations.id", ondelete="SET NULL")),
    )
    # The company's people for the run, and the venue's person looking after them.
    tour_manager_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("contacts.id", ondelete="SET NULL"))
    )
    technical_contact_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("contacts.id", ondelete="SET NULL"))
    )
    host_contact_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("contacts.id", ondelete="SET NULL"))
    )
    party_size: int | None = Field(default=None, sa_type=Integer)
    meals: str | None = Field(default=None, sa_type=Text)
    dressing_rooms: str | None = Field(default=None, sa_type=Text)
    accommodation: str | None = Field(default=None, sa_type=Text)
    travel: str | None = Field(default=None, sa_type=Text)

    # -- the contract (server/programming/contracts): confidential, like the fee -----------
    # Marked CONFIDENTIAL: answers, history and live updates show them only to those who may
    # read contracts (EntityService.confidential and server/audit/history.py read the mark).
    contract_status: str = Field(
        default="draft",
        sa_column=Column(Text, nullable=False, server_default="draft", info=CONFIDENTIAL),
    )
    contract_sent_on: date | None = Field(
        default=None, sa_type=Date, sa_column_kwargs={"info": CONFIDENTIAL}
    )
    contract_signed_on: date | None = Field(
        default=None, sa_type=Date, sa_column_kwargs={"info": CONFIDENTIAL}
    )
    vat_rate: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(5, 2), info=CONFIDENTIAL)
    )
    travel_costs: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(12, 2), info=CONFIDENTIAL)
    )
    accommodation_costs: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(12, 2), info=CONFIDENTIAL)
    )
    meal_costs: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(12, 2), info=CONFIDENTIAL)
    )
    authors_rights: str | None = Field(
        default=None, sa_type=Text, sa_column_kwargs={"info": CONFIDENTIAL}
    )


# The exclusion constraint that refuses two shows confirmed on one room's days.
ENGAGEMENT_HOLDS_NO_OVERLAP = "engagement_holds_no_overlap"


class EngagementHold(SQLModel, table=True):
    """How the database refuses two shows confirmed in one room on the same days; kept by
    triggers (migration 0005), never by hand.

    A confirmed engagement holds one row for its room and one per link of that room, with its
    days; the exclusion constraint forbids two shows on the same key with overlapping days.
    """

    __tablename__ = "engagement_holds"
    __table_args__ = (
        ExcludeConstraint(
            (Column("lock_key"), "="),
            (Column("during"), "&&"),
            (Column("show_id"), "<>"),
            name=ENGAGEMENT_HOLDS_NO_OVERLAP,
            using="gist",
            deferrable=True,
            initially="IMMEDIATE",
        ),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger)
    engagement_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("engagements.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    link_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("room_links.id", ondelete="CASCADE"), index=True),
    )
    lock_key: str = Field(sa_type=Text)
    show_id: int = Field(sa_type=BigInteger)
    during: Any = Field(sa_column=Column(DATERANGE, nullable=False))
