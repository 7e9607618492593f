"""ICS subscription URLs for apps without CalDAV (Google Calendar, Outlook).

A feed is a secret URL naming a person and one of their calendars. The secret is shown once and
kept hashed (like API tokens); a feed is revocable, and every fetch re-checks the person's
current permissions, so a feed never shows more than its owner may see today.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text

from calendar_bridge.calendars import Access, Calendar, calendar_for_scope, find_calendar
from calendar_bridge.events import load_events
from calendar_bridge.ical import calendar_text, escape, years_of
from calendar_bridge.sync import last_change
from server.accounts import credentials
from server.core.changelog import Change
from server.core.errors import Invalid, NotAuthenticated, NotFound, PermissionDenied
from server.core.i18n import _
from server.core.localtime import venue_times
from server.core.permissions import Principal
from server.core.unit_of_work import UnitOfWork
from server.core.venue import venue
from server.db.engine import Database

PREFIX = "scf"
MAX_FEEDS = 50  # per person
REFRESH = "PT1H"

COLUMNS = "id, scope, name, prefix, created_at, last_used_at, revoked_at"
INSERT_SQL = text(
    "INSERT INTO calendar_feeds (user_id, scope, name, prefix, token_hash) "
    f"VALUES (:user, :scope, :name, :prefix, :hash) RETURNING {COLUMNS}"
)
LIST_SQL = text(f"SELECT {COLUMNS} FROM calendar_feeds WHERE user_id = :user ORDER BY id")
COUNT_SQL = text("SELECT count(*) FROM calendar_feeds WHERE user_id = :user AND revoked_at IS NULL")
ONE_SQL = text(f"SELECT {COLUMNS} FROM calendar_feeds WHERE id = :id AND user_id = :user")
REVOKE_SQL = text("UPDATE calendar_feeds SET revoked_at = now() WHERE id = :id")
FIND_SQL = text(
    "SELECT id, user_id, scope, token_hash, last_used_at FROM calendar_feeds "
    "WHERE prefix = :prefix AND revoked_at IS NULL"
)
TOUCH_SQL = text(
    "UPDATE calendar_feeds SET last_used_at = now() WHERE id = :id "
    "AND (last_used_at IS NULL OR last_used_at < now() - interval '5 minutes')"
)


def urls(secret: str) -> dict[str, str]:
    https = f"{venue().public_url.rstrip('/')}/ics/{secret}.ics"
    return {"url": https, "webcal_url": "webcal://" + https.split("://", 1)[1]}


def view(row: Any) -> dict[str, Any]:
    return venue_times(row._mapping)


async def create_feed(uow: UnitOfWork, scope: str, name: str | None) -> tuple[dict[str, Any], str]:
    """A new feed for the signed-in person; the secret is returned once."""
    actor = uow.actor
    if actor.user_id is None:
        raise NotAuthenticated(_("Sign in first."))
    if actor.via not in {"session", "system"}:
        # A feed shows what its owner may see: a narrower token must not mint one.
        raise PermissionDenied(_("Feeds are created from a signed-in session, not with a token."))
    slug = calendar_for_scope(scope)
    calendar = await find_calendar(uow.session, Access.of(actor), slug) if slug else None
    if calendar is None:
        raise Invalid(
            {"scope": "use mine, performances, room:<id> or team:<id>, among your calendars"}
        )
    count = (await uow.session.execute(COUNT_SQL, {"user": actor.user_id})).scalar_one()
    if count >= MAX_FEEDS:
        raise Invalid({"scope": _("at most {max} active feeds; revoke one first", max=MAX_FEEDS)})
    prefix = f"{PREFIX}_{secrets.token_hex(6)}"
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    row = (
        await uow.session.execute(
            INSERT_SQL,
            {
                "user": actor.user_id,
                "scope": scope,
                "name": name or calendar.name,
                "prefix": prefix,
                "hash": credentials.digest(secret),
            },
        )
    ).one()
    feed = view(row)
    uow.record(
        Change(
            workspace="administration",
            entity="calendar_feed",
            entity_id=feed["id"],
            action="calendar_feed.created",
            after={
                "scope": scope,
                "name": feed["name"],
                "prefix": prefix,
                "user_id": actor.user_id,
            },
        )
    )
    await uow.commit()
    return feed, secret


async def list_feeds(uow: UnitOfWork) -> list[dict[str, Any]]:
    rows = await uow.session.execute(LIST_SQL, {"user": uow.actor.user_id})
    return [view(row) for row in rows]


async def revoke_feed(uow: UnitOfWork, feed_id: int) -> None:
    row = (await uow.session.execute(ONE_SQL, {"id": feed_id, "user": uow.actor.user_id})).first()
    if row is None:
        raise NotFound(_("Calendar feed {id} does not exist.", id=feed_id))
    if row.revoked_at is None:
        await uow.session.execute(REVOKE_SQL, {"id": feed_id})
        uow.record(
            Change(
                workspace="administration",
                entity="calendar_feed",
                entity_id=feed_id,
                action="calendar_feed.revoked",
                before={"name": row.name},
                after={"revoked": True},
            )
        )
    await uow.commit()


@dataclass(frozen=True)
class Feed:
    """A resolved feed: whose, which calendar, and the validators of its current content."""

    principal: Principal
    access: Access
    calendar: Calendar
    etag: str
    last_modified: datetime


async def open_feed(db: Database, secret: str) -> Feed | None:
    """The feed a secret names, if it exists, is not revoked and its calendar is still open."""
    parts = secret.split("_", 2)  # "scf_<12 hex>_<secret>"; the secret may hold "_" itself
    if len(parts) != 3 or parts[0] != PREFIX or not all(parts):
        return None
    prefix = f"{parts[0]}_{parts[1]}"
    async with db.sessions() as session:
        row = (await session.execute(FIND_SQL, {"prefix": prefix})).first()
        if row is None or not hmac.compare_digest(row.token_hash, credentials.digest(secret)):
            return None
        principal = await credentials.principal_for(session, row.user_id, via="calendar_feed")
        if principal is None:
            return None
        access = Access.of(principal)
        slug = calendar_for_scope(row.scope)
        calendar = await find_calendar(session, access, slug) if slug else None
        if calendar is None:
            return None
        seq, at = await last_change(session)
        await session.execute(TOUCH_SQL, {"id": row.id})
        await session.commit()
    return Feed(principal, access, calendar, f'"{seq}-{access.fingerprint}"', at)


async def feed_text(db: Database, feed: Feed) -> str:
    """The whole calendar as one iCalendar file, with hints for subscribing apps."""
    async with db.sessions() as session:
        events = await load_events(session, feed.calendar, feed.access)
    headers = [
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(feed.calendar.name)}",
        f"X-WR-CALDESC:{escape(feed.calendar.description)}",
        f"X-WR-TIMEZONE:{venue().timezone}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
    ]
    years = years_of((e.starts_at for e in events), (e.ends_at for e in events))
    return calendar_text([e.vevent for e in events], years, headers)
