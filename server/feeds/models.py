"""Feed tables: followers' positions in the change log, webhook subscriptions, deliveries."""

from __future__ import annotations

from datetime import datetime
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
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from server.core.records import Record

DELIVERY_STATUSES_SQL = "'pending','delivered','failed'"


class FeedConsumer(SQLModel, table=True):
    """A durable follower of the change log: the last sequence number it has handled, saved in
    the same transaction as what it did with the changes up to there."""

    __tablename__ = "feed_consumers"

    name: str = Field(sa_column=Column(Text, primary_key=True))
    position: int = Field(sa_column=Column(BigInteger, nullable=False))
    updated_at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )


class WebhookSubscription(Record, table=True):
    """Where to POST which changes, signed with a secret; disabled after failures in a row."""

    __tablename__ = "webhook_subscriptions"

    name: str = Field(sa_type=Text)
    url: str = Field(sa_type=Text)
    # Dotted action names (engagement.confirmed), entity patterns (engagement.*) or "*".
    events: list[str] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    # "whsec_" + base64 of 32 random bytes, as Standard Webhooks libraries read it.
    secret: str = Field(sa_type=Text)
    active: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default="true")
    )
    # Whose levels decide what is sent: the administrator who made it.
    owner_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("users.id", ondelete="SET NULL"), index=True),
    )
    failures: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    disabled_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
    disabled_reason: str | None = Field(default=None, sa_type=Text)


class WebhookDelivery(SQLModel, table=True):
    """One message to one subscription (a change, a ping or a replay), and how it went."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint(f"status IN ({DELIVERY_STATUSES_SQL})", name="webhook_delivery_status"),
        # A change is queued once per subscription (replays are rows of their own).
        Index(
            "ux_webhook_deliveries_change",
            "subscription_id",
            "seq",
            unique=True,
            postgresql_where=text("seq IS NOT NULL AND replay_of IS NULL"),
        ),
        # The head of each subscription's queue, found by the senders.
        Index(
            "ix_webhook_deliveries_pending",
            "subscription_id",
            "id",
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger)
    subscription_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), nullable=False
        )
    )
    seq: int | None = Field(default=None, sa_type=BigInteger)
    # The webhook-id header: the same for every attempt and replay of a message.
    message_id: str = Field(sa_type=Text)
    event: str = Field(sa_type=Text)
    payload: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    status: str = Field(
        default="pending", sa_column=Column(Text, nullable=False, server_default="pending")
    )
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    next_attempt_at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )
    last_attempt_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
    last_status_code: int | None = Field(default=None, sa_type=Integer)
    last_error: str | None = Field(default=None, sa_type=Text)
    delivered_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
    replay_of: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("webhook_deliveries.id", ondelete="SET NULL")),
    )
    created_at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )


class WebhookAttempt(SQLModel, table=True):
    """Each try of a delivery: the delivery log an administrator reads."""

    __tablename__ = "webhook_attempts"

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger)
    delivery_id: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )
    status_code: int | None = Field(default=None, sa_type=Integer)
    error: str | None = Field(default=None, sa_type=Text)
    duration_ms: int = Field(default=0, sa_column=Column(Integer, nullable=False))
