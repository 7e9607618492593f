"""The connector table: what to export, how, and when it runs next."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Column, DateTime, ForeignKey, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from server.core.records import Record

ENTITIES_SQL = "'performances','engagements','activities','shows','contacts'"
DATE_FORMATS_SQL = "'iso','utc','unix','local_split','french'"
OUTPUTS_SQL = "'json','csv','xlsx'"
SCHEDULES_SQL = "'none','hourly','daily','weekly'"


class Connector(Record, table=True):
    """One named export; its output is made with its owner's permissions (never more)."""

    __tablename__ = "connectors"
    __table_args__ = (
        CheckConstraint(f"entity IN ({ENTITIES_SQL})", name="connector_entity"),
        CheckConstraint(f"date_format IN ({DATE_FORMATS_SQL})", name="connector_date_format"),
        CheckConstraint(f"output IN ({OUTPUTS_SQL})", name="connector_output"),
        CheckConstraint(f"schedule IN ({SCHEDULES_SQL})", name="connector_schedule"),
        CheckConstraint("csv_separator IN (',',';')", name="connector_csv_separator"),
    )

    name: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    entity: str = Field(sa_type=Text)
    # {"start": "2026-09-01", "end": …, "room_ids": [...], "venue_ids": [...],
    #  "confirmed_only": true}: see server/connectors/catalogue.py.
    filters: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}")
    )
    # [{"column": "Date", "source": "starts_at", "time_column": "Heure"}, …] in output order.
    fields: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]")
    )
    date_format: str = Field(default="iso", sa_type=Text)
    output: str = Field(default="csv", sa_type=Text)
    csv_bom: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    csv_separator: str = Field(
        default=",", sa_column=Column(Text, nullable=False, server_default=",")
    )
    schedule: str = Field(
        default="none", sa_column=Column(Text, nullable=False, server_default="none")
    )
    next_run_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), index=True)
    )
    last_run_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    last_status: str | None = Field(default=None, sa_type=Text)
    push_url: str | None = Field(default=None, sa_type=Text)
    # The Standard Webhooks secret ("whsec_…"): shown once, never in answers or the history.
    push_secret: str | None = Field(default=None, sa_type=Text)
    owner_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("users.id", ondelete="SET NULL"), index=True),
    )
