"""Webhooks as a durable follower of the change log: fan-out, then sending, both idempotent.

**Fan-out.** The ``webhooks`` follower (``server.feeds.consumers``) reads committed changes after
its position and queues one delivery per matching active subscription, the change as its
owner may read it (``server.audit.history.feed_entry``), then saves its position, all in one
transaction: a committed change is queued exactly once, even across crashes and restarts, and
a rolled-back one never reaches the log, so it is never queued.

**Sending.** Each sender takes the oldest due delivery at the head of a subscription's queue,
locked (``FOR UPDATE SKIP LOCKED``) for as long as it posts it and records the attempt: two
senders (tasks, processes, ``saison worker``) never post the same attempt, and the attempt,
its outcome and the next try commit together. A worker that dies mid-request rolls back: the
delivery is posted again with the same ``webhook-id``, which receivers use to drop duplicates.

**Order.** Per subscription, strictly in change order: a later change waits while an earlier one
is retried, so a receiver never sees a deletion before the creation it undoes. Retries back
off exponentially (doubling from ``SAISON_WEBHOOK_RETRY_SECONDS``, capped at
``SAISON_WEBHOOK_RETRY_MAX_SECONDS``, with jitter); after ``SAISON_WEBHOOK_MAX_FAILURES`` failed
attempts in a row the subscription is disabled (logged as ``webhook.disabled``). Enabling it
again resumes its queue where it stopped; changes made while it was disabled are not queued
(the changes feed has them: continue from the last ``seq`` received).
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts.credentials import principal_for
from server.audit.history import feed_entry
from server.core.changelog import Change
from server.core.i18n import _, default_language, render
from server.core.permissions import SYSTEM, Principal, Workspace
from server.core.records import jsonable
from server.core.signed_post import USER_AGENT, Outcome, client, post_signed
from server.core.unit_of_work import UnitOfWork
from server.db.engine import Database
from server.feeds.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from server.feeds.subscriptions import WEBHOOKS, matches
from server.observability.metrics import WEBHOOK_FAILURES
from server.settings import Settings

log = logging.getLogger(__name__)

FAN_OUT_BATCH = 500
PING = "webhook.ping"

# The oldest due delivery that heads its subscription's queue, locked for this sender.
HEAD = text(
    """
    SELECT d.id, d.subscription_id, d.message_id, d.event, d.payload, d.attempts,
           s.url, s.secret, s.failures
    FROM webhook_deliveries d
    JOIN webhook_subscriptions s ON s.id = d.subscription_id
    WHERE d.status = 'pending' AND s.active AND d.next_attempt_at <= now()
      AND NOT EXISTS (
        SELECT 1 FROM webhook_deliveries e
        WHERE e.subscription_id = d.subscription_id AND e.status = 'pending' AND e.id < d.id)
    ORDER BY d.next_attempt_at, d.id
    LIMIT 1
    FOR UPDATE OF d SKIP LOCKED
    """
)
# Whether anything may be due soon (a sender stops when nothing is).
DUE = text(
    """
    SELECT EXISTS (
      SELECT 1 FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
      WHERE d.status = 'pending' AND s.active AND d.next_attempt_at <= now())
    """
)


def _t(model: Any) -> Any:
    return model.__table__


def message_id(subscription_id: int, seq: int) -> str:
    """The webhook-id of a change for a subscription: stable, so retries and replays share it."""
    return f"msg_{seq}_{subscription_id}"


def payload_of(entry: dict[str, Any]) -> dict[str, Any]:
    """The body of a change's webhook: Standard Webhooks' type/timestamp/data envelope, the
    data being the change as the changes feed gives it (times in the venue's zone)."""
    data = jsonable(entry)
    return {"type": data["action"], "timestamp": data["at"], "data": data}


def backoff(attempts: int, settings: Settings) -> float:
    """Seconds before the next try after ``attempts`` failed ones: doubling, capped, jittered
    (between half and all of it, so receivers coming back are not hit by every queue at once)."""
    ceiling = min(
        settings.webhook_retry_max_seconds,
        settings.webhook_retry_seconds * 2 ** max(0, attempts - 1),
    )
    return random.uniform(ceiling / 2, ceiling)


class Webhooks:
    """Fan-out and sending for one process; safe to run in many at once."""

    def __init__(self, db: Database, settings: Settings, concurrency: int = 4) -> None:
        self.db = db
        self.settings = settings
        self.concurrency = concurrency
        self.client = client(settings.webhook_allow_private, headers={"user-agent": USER_AGENT})

    async def close(self) -> None:
        await self.client.aclose()

    # -- fan-out ------------------------------------------------------------------------
    async def fan_out(self) -> int:
        """Queue every committed change not yet queued; the number of changes read."""
        total = 0
        while True:
            read = await WEBHOOKS.step(self.db, self._queue, FAN_OUT_BATCH)
            total += read
            if read < FAN_OUT_BATCH:
                return total

    async def _queue(self, session: AsyncSession, changes: list[dict[str, Any]]) -> None:
        s = _t(WebhookSubscription)
        subscriptions = (
            (await session.execute(select(s.c.id, s.c.events, s.c.owner_id).where(s.c.active)))
            .mappings()
            .all()
        )
        if not subscriptions:
            return
        owners: dict[int, Principal | None] = {}
        for sub in subscriptions:
            owner = sub["owner_id"]
            if owner is not None and owner not in owners:
                owners[owner] = await principal_for(session, owner, via="webhook")
        rows = []
        for change in changes:
            for sub in subscriptions:
                if not matches(sub["events"], change["action"]):
                    continue
                principal = owners.get(sub["owner_id"]) if sub["owner_id"] is not None else None
                entry = feed_entry(principal, change) if principal is not None else None
                if entry is None:  # what its owner may not read is not sent
                    continue
                rows.append(
                    {
                        "subscription_id": sub["id"],
                        "seq": change["seq"],
                        "message_id": message_id(sub["id"], change["seq"]),
                        "event": change["action"],
                        "payload": payload_of(entry),
                    }
                )
        if rows:
            await session.execute(insert(_t(WebhookDelivery)), rows)

    # -- sending ------------------------------------------------------------------------
    async def send_due(self) -> int:
        """Post every due delivery, ``concurrency`` at a time; the number of attempts made."""
        counts = await asyncio.gather(*(self.send_until_idle() for _ in range(self.concurrency)))
        return sum(counts)

    async def send_until_idle(self) -> int:
        """One sender: post due deliveries one after the other until none is due."""
        made = 0
        while await self.send_one():
            made += 1
        return made

    async def send_one(self) -> bool:
        """Post the next due delivery and record the attempt; False when none is due."""
        async with self.db.sessions() as session:
            head = (await session.execute(HEAD)).mappings().first()
            if head is None:
                await session.rollback()
                return False
            outcome = await post_signed(
                self.client,
                head["url"],
                head["secret"],
                head["message_id"],
                head["payload"],
                self.settings.webhook_timeout_seconds,
            )
            uow = UnitOfWork(session, SYSTEM, self.db.listeners, self.settings)
            await self.record(uow, dict(head), outcome)
            await uow.commit()
            return True

    async def record(self, uow: UnitOfWork, head: dict[str, Any], outcome: Outcome) -> None:
        """The attempt, the delivery's new state and the subscription's failure count."""
        session = uow.session
        d, s = _t(WebhookDelivery), _t(WebhookSubscription)
        now = datetime.now(UTC)
        attempts = int(head["attempts"]) + 1
        await session.execute(
            insert(_t(WebhookAttempt)).values(
                delivery_id=head["id"],
                status_code=outcome.status_code,
                error=outcome.error,
                duration_ms=outcome.duration_ms,
            )
        )
        values: dict[str, Any] = {
            "attempts": attempts,
            "last_attempt_at": now,
            "last_status_code": outcome.status_code,
            "last_error": outcome.error,
        }
        if outcome.ok:
            values.update(status="delivered", delivered_at=now)
            await session.execute(update(d).where(d.c.id == head["id"]).values(**values))
            if head["failures"]:
                await session.execute(
                    update(s).where(s.c.id == head["subscription_id"]).values(failures=0)
                )
            return
        # Counted in the process that tried (`saison worker`'s own, or a server's).
        WEBHOOK_FAILURES.labels("status" if outcome.status_code is not None else "no_answer").inc()
        values["next_attempt_at"] = now + timedelta(seconds=backoff(attempts, self.settings))
        await session.execute(update(d).where(d.c.id == head["id"]).values(**values))
        failures = (
            await session.execute(
                update(s)
                .where(s.c.id == head["subscription_id"])
                .values(failures=s.c.failures + 1)
                .returning(s.c.failures, s.c.active)
            )
        ).one()
        if failures.active and failures.failures >= self.settings.webhook_max_failures:
            await disable(uow, head["subscription_id"], failures.failures, outcome.error or "")


async def disable(uow: UnitOfWork, subscription_id: int, failures: int, error: str) -> None:
    """Stop sending to a subscription that keeps failing, and say so in the log."""
    s = _t(WebhookSubscription)
    reason = render(
        _(
            "Disabled after {count} failed deliveries in a row (last: {error}). Enable it "
            "again once the receiver answers: its queue resumes where it stopped.",
            count=failures,
            error=error,
        ),
        default_language(),
    )
    await uow.session.execute(
        update(s)
        .where(s.c.id == subscription_id)
        .values(
            active=False,
            disabled_at=datetime.now(UTC),
            disabled_reason=reason,
            version=s.c.version + 1,
            updated_at=datetime.now(UTC),
        )
    )
    uow.record(
        Change(
            workspace=Workspace.ADMINISTRATION.value,
            entity="webhook",
            entity_id=subscription_id,
            action="webhook.disabled",
            before={"active": True},
            after={"active": False, "failures": failures, "disabled_reason": reason},
        )
    )
    log.warning("webhook %s disabled after %s failures in a row", subscription_id, failures)


BACKLOG = text(
    """
    SELECT
      coalesce((SELECT max(seq) FROM change_log), 0)
        - coalesce((SELECT position FROM feed_consumers WHERE name = :name),
                   (SELECT max(seq) FROM change_log), 0) AS unqueued,
      (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending') AS pending,
      (SELECT count(*) FROM webhook_subscriptions WHERE active AND failures > 0) AS failing,
      (SELECT count(*) FROM webhook_subscriptions WHERE NOT active) AS inactive
    """
)


async def backlog(session: AsyncSession) -> dict[str, int]:
    """How far behind webhooks are (for monitoring): changes not yet queued (by sequence
    number), deliveries waiting, active subscriptions failing, inactive ones."""
    row = (await session.execute(BACKLOG, {"name": WEBHOOKS.name})).mappings().one()
    return {key: int(value) for key, value in row.items()}


async def backlog_size(db: Database) -> float:
    """``saison_outbox_backlog``: changes not yet queued for webhooks plus deliveries waiting."""
    async with db.sessions() as session:
        figures = await backlog(session)
    return float(figures["unqueued"] + figures["pending"])
