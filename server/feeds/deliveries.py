"""The delivery log of a subscription, its manual replays and test pings (for the API)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import func, insert, select

from server.core.changelog import Change
from server.core.errors import Invalid, NotFound
from server.core.i18n import _
from server.core.permissions import Level, Workspace
from server.core.records import jsonable
from server.core.signed_post import client, post_signed
from server.core.unit_of_work import UnitOfWork
from server.core.venue import venue
from server.feeds.models import WebhookAttempt, WebhookDelivery
from server.feeds.outbox import PING
from server.feeds.subscriptions import WebhookService

STATUSES = ("pending", "delivered", "failed")


class AttemptOut(BaseModel):
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryOut(BaseModel):
    id: int
    subscription_id: int
    seq: int | None = Field(description="The change's sequence number (none for a ping)")
    message_id: str = Field(description="Its webhook-id header, the same on every attempt")
    event: str
    status: str = Field(description="pending (queued or to be retried), delivered, failed")
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    replay_of: int | None
    created_at: datetime


class DeliveryDetail(DeliveryOut):
    payload: dict[str, Any] | None = Field(
        description="What was sent: shown to the webhook's owner and administrators only "
        "(shaped for the owner, it may hold what others may not read)"
    )
    attempt_log: list[AttemptOut]


class DeliveriesPage(BaseModel):
    items: list[DeliveryOut]
    total: int
    limit: int
    offset: int


def _t(model: Any) -> Any:
    return model.__table__


def _local(row: dict[str, Any]) -> dict[str, Any]:
    tz = venue().tz
    return {k: (v.astimezone(tz) if isinstance(v, datetime) else v) for k, v in row.items()}


async def _subscription(uow: UnitOfWork, subscription_id: int, level: Level) -> dict[str, Any]:
    service = WebhookService(uow)
    service.require(level)
    return await service.get(subscription_id)


async def list_deliveries(
    uow: UnitOfWork, subscription_id: int, status: str | None, limit: int, offset: int
) -> dict[str, Any]:
    """Newest first: what was sent, when, with which answer."""
    await _subscription(uow, subscription_id, Level.READ)
    if status is not None and status not in STATUSES:
        raise Invalid({"status": _("must be one of {values}", values=", ".join(STATUSES))})
    d = _t(WebhookDelivery)
    where = [d.c.subscription_id == subscription_id]
    if status is not None:
        where.append(d.c.status == status)
    columns = [c for c in d.c if c.name != "payload"]
    total = (await uow.session.execute(select(func.count()).select_from(d).where(*where))).scalar()
    rows = (
        await uow.session.execute(
            select(*columns).where(*where).order_by(d.c.id.desc()).limit(limit).offset(offset)
        )
    ).mappings()
    return {
        "items": [_local(dict(r)) for r in rows],
        "total": int(total or 0),
        "limit": limit,
        "offset": offset,
    }


async def read_delivery(uow: UnitOfWork, subscription_id: int, delivery_id: int) -> dict[str, Any]:
    """One delivery with every attempt, and its body for those who may read it."""
    service = WebhookService(uow)
    service.require(Level.READ)
    subscription = await service.get(subscription_id)
    d, a = _t(WebhookDelivery), _t(WebhookAttempt)
    row = (
        (
            await uow.session.execute(
                select(d).where(d.c.id == delivery_id, d.c.subscription_id == subscription_id)
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(_("Delivery {id} does not exist.", id=delivery_id))
    attempts = (
        await uow.session.execute(
            select(a.c.at, a.c.status_code, a.c.error, a.c.duration_ms)
            .where(a.c.delivery_id == delivery_id)
            .order_by(a.c.id)
        )
    ).mappings()
    shown = _local(dict(row))
    if not service.may_read_bodies(subscription):
        shown["payload"] = None
    return {**shown, "attempt_log": [_local(dict(x)) for x in attempts]}


async def replay(uow: UnitOfWork, subscription_id: int, delivery_id: int) -> dict[str, Any]:
    """Send a delivery again (after the subscription's queue), with the same webhook-id: a
    receiver that had it drops it, one that lost it gets it."""
    await _subscription(uow, subscription_id, Level.WRITE)
    d = _t(WebhookDelivery)
    source = (
        (
            await uow.session.execute(
                select(d).where(d.c.id == delivery_id, d.c.subscription_id == subscription_id)
            )
        )
        .mappings()
        .first()
    )
    if source is None:
        raise NotFound(_("Delivery {id} does not exist.", id=delivery_id))
    row = (
        (
            await uow.session.execute(
                insert(d)
                .values(
                    subscription_id=subscription_id,
                    seq=source["seq"],
                    message_id=source["message_id"],
                    event=source["event"],
                    payload=source["payload"],
                    replay_of=source["replay_of"] or source["id"],
                )
                .returning(d)
            )
        )
        .mappings()
        .one()
    )
    uow.record(
        Change(
            workspace=Workspace.ADMINISTRATION.value,
            entity="webhook",
            entity_id=subscription_id,
            action="webhook.replayed",
            after={"delivery_id": row["id"], "replay_of": delivery_id, "seq": source["seq"]},
        )
    )
    await uow.commit()
    return _local(dict(row))


async def ping(uow: UnitOfWork, subscription_id: int) -> dict[str, Any]:
    """Post a ``webhook.ping`` now and answer how it went (not retried, not queued: a test)."""
    subscription = await _subscription(uow, subscription_id, Level.WRITE)
    now = datetime.now(UTC)
    at = jsonable(now)
    body = {
        "type": PING,
        "timestamp": at,
        "data": {"webhook_id": subscription_id, "name": subscription["name"], "at": at},
    }
    message = f"msg_ping_{uuid.uuid4().hex}"
    async with client(uow.settings.webhook_allow_private) as http:
        outcome = await post_signed(
            http,
            subscription["url"],
            subscription["secret"],
            message,
            body,
            uow.settings.webhook_timeout_seconds,
        )
    d, a = _t(WebhookDelivery), _t(WebhookAttempt)
    row = (
        (
            await uow.session.execute(
                insert(d)
                .values(
                    subscription_id=subscription_id,
                    message_id=message,
                    event=PING,
                    payload=body,
                    status="delivered" if outcome.ok else "failed",
                    attempts=1,
                    last_attempt_at=now,
                    last_status_code=outcome.status_code,
                    last_error=outcome.error,
                    delivered_at=now if outcome.ok else None,
                )
                .returning(d)
            )
        )
        .mappings()
        .one()
    )
    await uow.session.execute(
        insert(a).values(
            delivery_id=row["id"],
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
    )
    await uow.commit()
    return await read_delivery(uow, subscription_id, row["id"])
