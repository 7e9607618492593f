"""Sync tokens from the change log (RFC 6578): what changed in a calendar since a point.

A token names a sequence number of the one change log, the person's last reminder revision
(reminders are personal: they are not in the shared log), and a fingerprint of what the person
may see. Changes since a token are read from the log (a partial index keeps to the rows that
can touch a calendar), passed through ``visible_change``, and turned into activity (and
series) ids using each row's ``refs``; only those are then read. The cost follows the number of
changes, not the size of the calendar. Names an event had before an app moved it to a name of
its own are reported gone, so every other device drops the old copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_bridge.calendars import Access, Calendar
from calendar_bridge.errors import InvalidSyncToken
from calendar_bridge.events import Event, load_events
from calendar_bridge.models import CALENDAR_ENTITIES_SQL
from server.audit.history import visible_change
from server.core.i18n import _
from server.core.permissions import Principal

TOKEN_PREFIX = "https://saison.dev/sync/"
HOME_FIELDS = frozenset({"series_id", "room_id", "team_id", "assignee_ids"})
MAX_CHANGES = 20_000  # beyond that, a full reload is cheaper for everyone
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

LAST_SQL = text(
    f"SELECT seq, at FROM change_log WHERE entity IN ({CALENDAR_ENTITIES_SQL}) "
    "ORDER BY seq DESC LIMIT 1"
)
CHANGES_SQL = text(
    f"""
    SELECT seq, workspace, entity, entity_id, action, before, after, refs
    FROM change_log
    WHERE entity IN ({CALENDAR_ENTITIES_SQL}) AND seq > :since AND seq <= :upto
    ORDER BY seq
    LIMIT :limit
    """
)
# Activities whose description shows one of these records (rooms, venues, shows, companies,
# contacts, engagements); one index-backed branch per relation.
RELATED_SQL = text(
    """
    WITH hit_orgs AS (
        SELECT unnest(CAST(:orgs AS bigint[])) AS id
        UNION SELECT organisation_id FROM contact_roles WHERE contact_id = ANY(:contacts)
    ), hit_shows AS (
        SELECT unnest(CAST(:shows AS bigint[])) AS id
        UNION SELECT id FROM shows WHERE company_id IN (SELECT id FROM hit_orgs)
    ), hit_rooms AS (
        SELECT unnest(CAST(:rooms AS bigint[])) AS id
        UNION SELECT id FROM rooms WHERE venue_id = ANY(:venues)
    ), hit_engagements AS (
        SELECT unnest(CAST(:engagements AS bigint[])) AS id
        UNION SELECT id FROM engagements WHERE show_id IN (SELECT id FROM hit_shows)
    )
    SELECT id FROM activities WHERE room_id IN (SELECT id FROM hit_rooms)
    UNION SELECT id FROM activities WHERE show_id IN (SELECT id FROM hit_shows)
    UNION SELECT id FROM activities WHERE engagement_id IN (SELECT id FROM hit_engagements)
    UNION SELECT id FROM activities WHERE performance_id IN (
        SELECT id FROM activities WHERE show_id IN (SELECT id FROM hit_shows))
    """
)
ORIGIN_NAMES_SQL = text("SELECT origin_id, name FROM calendar_objects WHERE origin_id = ANY(:ids)")
SERIES_NAMES_SQL = text(
    "SELECT series_origin_id, name FROM calendar_objects WHERE series_origin_id = ANY(:ids)"
)
ALARM_REV_SQL = text("SELECT coalesce(max(rev), 0) FROM calendar_alarms WHERE user_id = :me")
ALARMS_SINCE_SQL = text(
    "SELECT activity_id, series_id FROM calendar_alarms "
    "WHERE user_id = :me AND rev > :since AND rev <= :upto"
)


@dataclass(frozen=True)
class Point:
    """Where a token stands: the shared change log, and the person's reminders."""

    seq: int
    alarms: int = 0


def make_token(point: Point | int, access: Access) -> str:
    if isinstance(point, int):
        point = Point(point)
    return f"{TOKEN_PREFIX}{point.seq}.{point.alarms}-{access.fingerprint}"


def parse_token(token: str, access: Access, upto: Point) -> Point:
    """The point of a token this server gave this person, or InvalidSyncToken."""
    if not token.startswith(TOKEN_PREFIX):
        raise InvalidSyncToken(_("This sync token was not issued by Saison."))
    point_text, _sep, fingerprint = token[len(TOKEN_PREFIX) :].partition("-")
    seq_text, _dot, alarms_text = point_text.partition(".")
    if not all(t.isdigit() and len(t) <= 18 for t in (seq_text, alarms_text)):
        raise InvalidSyncToken(_("This sync token is malformed."))
    if fingerprint != access.fingerprint:
        raise InvalidSyncToken(_("Your permissions or teams changed since this token: sync again."))
    point = Point(int(seq_text), int(alarms_text))
    if point.seq > upto.seq or point.alarms > upto.alarms:
        raise InvalidSyncToken(_("This sync token is from the future."))
    return point


async def last_change(session: AsyncSession) -> tuple[int, datetime]:
    """The last change that can touch a calendar, and when it was made."""
    row = (await session.execute(LAST_SQL)).first()
    return (int(row.seq), row.at) if row else (0, EPOCH)


async def current_point(session: AsyncSession, access: Access) -> Point:
    """Where a token made now stands for this person."""
    seq, _at = await last_change(session)
    alarms = (await session.execute(ALARM_REV_SQL, {"me": access.user_id})).scalar_one()
    return Point(seq, int(alarms))


@dataclass
class SyncResult:
    token: str
    changed: list[Event]
    removed: list[str] = field(default_factory=list)


# What a description shows of each related record: other changes to them change no event.
SHOWN_FIELDS: dict[str, frozenset[str]] = {
    "show": frozenset({"title", "company_id"}),
    "engagement": frozenset({"show_id"}),
    "room": frozenset({"name", "venue_id"}),
    "venue": frozenset({"name", "address", "city", "access_notes"}),
    "organisation": frozenset({"name", "phone"}),
    "contact": frozenset({"first_name", "last_name", "phones", "emails"}),
    "contact_role": frozenset({"role", "organisation_id", "contact_id"}),
}
RELATED_KEY = {
    "show": "shows",
    "engagement": "engagements",
    "room": "rooms",
    "venue": "venues",
    "organisation": "orgs",
    "contact": "contacts",
}


def shows_differently(change: dict[str, Any]) -> bool:
    """Whether a change to a related record alters what some event shows."""
    before, after = change.get("before"), change.get("after")
    if before is None:  # a new record: no event shows it yet, except a company's new contact
        return change["entity"] == "contact_role"
    if after is None:
        return True
    return bool(SHOWN_FIELDS[change["entity"]] & (set(before) | set(after)))


@dataclass
class _Touched:
    activities: set[int] = field(default_factory=set)
    maybe_held: set[int] = field(default_factory=set)
    series: set[int] = field(default_factory=set)
    series_held: set[int] = field(default_factory=set)
    # Occurrences that may have been events of their own before (moved back into their series,
    # or an event an app made repeat): their own names may need to go.
    were_alone: set[int] = field(default_factory=set)
    former_names: set[str] = field(default_factory=set)
    related: dict[str, set[int]] = field(default_factory=dict)

    def relate(self, key: str, record_id: Any) -> None:
        if isinstance(record_id, int):
            self.related.setdefault(key, set()).add(record_id)


def _read(
    rows: Iterable[Any], calendar: Calendar, access: Access, principal: Principal
) -> _Touched:
    touched = _Touched()
    for row in rows:
        change = visible_change(principal, dict(row._mapping))
        if change is None:
            continue
        entity, record_id = change["entity"], change["entity_id"]
        refs = change.get("refs") or {}
        earlier = {**refs, **(change.get("before") or {})}
        held = calendar.could_hold(refs, access) or calendar.could_hold(earlier, access)
        if isinstance(refs.get("former_name"), str) and held:
            touched.former_names.add(refs["former_name"])
        if entity in ("activity", "performance"):
            touched.activities.add(record_id)
            for side in (refs, earlier):
                if isinstance(side.get("series_id"), int):
                    touched.series.add(side["series_id"])
                    if held:
                        touched.series_held.add(side["series_id"])
            if held:
                touched.maybe_held.add(record_id)
            if HOME_FIELDS & set(change.get("before") or {}):
                touched.were_alone.add(record_id)
        elif entity == "activity_series":
            touched.series.add(record_id)
            if held:
                touched.series_held.add(record_id)
        elif not shows_differently(change):
            continue
        elif entity == "contact_role":
            for side in (change.get("refs"), change.get("before"), change.get("after")):
                touched.relate("orgs", (side or {}).get("organisation_id"))
        else:
            touched.relate(RELATED_KEY[entity], record_id)
    return touched


async def _related_activities(session: AsyncSession, related: dict[str, set[int]]) -> set[int]:
    if not related:
        return set()
    params = {
        key: sorted(related.get(key, ()))
        for key in ("orgs", "contacts", "shows", "rooms", "venues", "engagements")
    }
    return set((await session.execute(RELATED_SQL, params)).scalars())


async def names_of(
    session: AsyncSession, ids: Iterable[int], series: Iterable[int] = ()
) -> list[str]:
    """Resource names of activities (and series), including deleted ones an app had named
    itself (names they had before an app renamed them come from the log: ``former_name``)."""
    found: list[str] = []
    for sql, wanted, prefix in (
        (ORIGIN_NAMES_SQL, sorted(set(ids)), "activity"),
        (SERIES_NAMES_SQL, sorted(set(series)), "series"),
    ):
        if not wanted:
            continue
        named: dict[int, str] = {o: n for o, n in await session.execute(sql, {"ids": wanted})}
        found.extend(named.get(i, f"{prefix}-{i}.ics") for i in wanted)
    return found


async def sync_calendar(
    session: AsyncSession,
    calendar: Calendar,
    access: Access,
    principal: Principal,
    token: str | None,
) -> SyncResult:
    """Everything (no token) or what changed since ``token``, and the token to use next."""
    upto = await current_point(session, access)  # first: a later change is sent again
    new_token = make_token(upto, access)
    if not token:
        return SyncResult(new_token, await load_events(session, calendar, access))
    since = parse_token(token, access, upto)
    if since == upto:
        return SyncResult(new_token, [])
    rows = (
        await session.execute(
            CHANGES_SQL, {"since": since.seq, "upto": upto.seq, "limit": MAX_CHANGES + 1}
        )
    ).all()
    if len(rows) > MAX_CHANGES:
        raise InvalidSyncToken(_("Too much changed since this token: sync again from the start."))
    touched = _read(rows, calendar, access, principal)
    reminded = await session.execute(
        ALARMS_SINCE_SQL, {"me": access.user_id, "since": since.alarms, "upto": upto.alarms}
    )
    for activity_id, series_id in reminded:
        if activity_id is not None:
            touched.activities.add(activity_id)
        if series_id is not None:
            touched.series.add(series_id)
    candidates = touched.activities | await _related_activities(session, touched.related)
    changed = await load_events(session, calendar, access, ids=candidates, series=touched.series)
    present = {event.name for event in changed}
    in_series = {m for event in changed if event.series for m in event.members}
    alone = touched.maybe_held - (in_series - touched.were_alone)
    gone = await names_of(session, alone, touched.series_held)
    removed = sorted({*gone, *touched.former_names} - present)
    return SyncResult(new_token, changed, removed)
