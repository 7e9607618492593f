"""Activities as calendar events: one query per request, rendered as VEVENT text.

Each datum is read only if the person may read its workspace (see ``calendars``): the query
itself selects NULL in place of what they may not see, so the renderer cannot leak it. Fees and
contract terms are never selected.

An event's ETag is a digest of its text: it changes exactly when what the app would show
changes, whether the activity moved or the company's phone number did.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_bridge.calendars import Access, Calendar
from calendar_bridge.ical import (
    NOTES_END,
    calendar_text,
    escape,
    fold,
    local_stamp,
    utc_stamp,
    years_of,
)
from server.settings import get_settings

DEFAULT_NAME = re.compile(r"^activity-(\d{1,18})\.ics$")
MAX_CONTACTS = 8
RENDERED_EVENTS = 20_000  # memoised renderings (a few kB each): a season's worth
# Kinds whose description gets the venue's access notes (loading dock, parking, codes).
GET_IN_KINDS = frozenset({"get_in", "get_out", "technical_service", "rehearsal"})

TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "where": "Lieu",
        "tentative": "Statut : option, à confirmer",
        "cancelled": "Statut : annulé",
        "contacts": "Contacts",
        "access": "Accès et montage",
        "ticketing": "Billetterie",
        "accessibility": "Accessibilité",
        "audio_description": "audiodescription",
        "sign_language": "LSF",
        "surtitles": "surtitrage",
        "relaxed": "représentation relax",
    },
    "en": {
        "where": "Where",
        "tentative": "Status: option, to be confirmed",
        "cancelled": "Status: cancelled",
        "contacts": "Contacts",
        "access": "Access and get-in",
        "ticketing": "Ticketing",
        "accessibility": "Accessibility",
        "audio_description": "audio description",
        "sign_language": "sign language",
        "surtitles": "surtitles",
        "relaxed": "relaxed performance",
    },
}


def texts() -> dict[str, str]:
    return TEXTS.get(get_settings().language, TEXTS["en"])


def uid_host() -> str:
    return urlsplit(get_settings().public_url).hostname or "saison"


@dataclass(frozen=True)
class Event:
    """One served event: where it lives, its ETag, its VEVENT text and what filters see."""

    id: int
    version: int
    kind: str
    name: str
    uid: str
    etag: str
    vevent: str
    starts_at: datetime
    ends_at: datetime
    updated_at: datetime
    props: dict[str, list[str]]

    @cached_property
    def data(self) -> str:
        """The event as a calendar object resource: a VCALENDAR with its zone."""
        return calendar_text([self.vevent], years_of([self.starts_at], [self.ends_at]))


@lru_cache(maxsize=32)
def _select(technical: bool, programming: bool, directory: bool) -> str:
    """The event columns this person may read; NULL stands for the rest."""
    room = (
        "r.name AS room_name, v.name AS venue_name, v.address AS venue_address, "
        "v.city AS venue_city, v.access_notes AS access_notes"
        if technical
        else "NULL AS room_name, NULL AS venue_name, NULL AS venue_address, "
        "NULL AS venue_city, NULL AS access_notes"
    )
    show = "s.title AS show_title" if programming else "NULL AS show_title"
    company = (
        "o.id AS company_id, o.name AS company_name, o.phone AS company_phone"
        if directory and programming
        else "NULL AS company_id, NULL AS company_name, NULL AS company_phone"
    )
    return f"""
    SELECT a.id, a.version, a.kind, a.status, a.title, a.starts_at, a.ends_at,
           a.created_at, a.updated_at, a.notes, a.ticketing_ref, a.audio_description,
           a.sign_language, a.surtitles, a.relaxed,
           {room}, {show}, {company},
           co.name AS object_name, co.uid AS object_uid
    FROM activities a
    LEFT JOIN rooms r ON r.id = a.room_id
    LEFT JOIN venues v ON v.id = r.venue_id
    LEFT JOIN engagements e ON e.id = a.engagement_id
    LEFT JOIN activities p ON p.id = a.performance_id
    LEFT JOIN shows s ON s.id = COALESCE(a.show_id, e.show_id, p.show_id)
    LEFT JOIN organisations o ON o.id = s.company_id
    LEFT JOIN calendar_objects co ON co.activity_id = a.id
    """


CONTACTS_SQL = text(
    """
    SELECT cr.organisation_id, cr.role, c.first_name, c.last_name, c.phones, c.emails
    FROM contact_roles cr JOIN contacts c ON c.id = cr.contact_id
    WHERE cr.organisation_id = ANY(:orgs)
    ORDER BY cr.organisation_id, c.last_name, c.first_name, cr.id
    """
)
KIND_LABELS_SQL = text("SELECT kind, label_fr, label_en FROM activity_kinds")
NAMES_SQL = text(
    "SELECT activity_id, name FROM calendar_objects "
    "WHERE name = ANY(:names) AND activity_id IS NOT NULL"
)
_kind_labels: dict[str, str] = {}


async def kind_labels(session: AsyncSession) -> dict[str, str]:
    """Labels of activity kinds in the venue's language (shipped data: read once)."""
    if not _kind_labels:
        french = get_settings().language == "fr"
        for kind, fr, en in await session.execute(KIND_LABELS_SQL):
            _kind_labels[kind] = fr if french else en
    return _kind_labels


async def ids_for_names(session: AsyncSession, names: Sequence[str]) -> dict[str, int]:
    """Resource names → activity ids: names apps chose, then Saison's own pattern."""
    found: dict[str, int] = {}
    if not names:
        return found
    for activity_id, name in await session.execute(NAMES_SQL, {"names": list(names)}):
        found[name] = activity_id
    for name in names:
        if name not in found and (match := DEFAULT_NAME.match(name)):
            found[name] = int(match.group(1))
    return found


async def load_events(
    session: AsyncSession,
    calendar: Calendar,
    access: Access,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    ids: Iterable[int] | None = None,
) -> list[Event]:
    """The calendar's events overlapping [start, end) (or with these ids), rendered."""
    where, params = calendar.member_sql(access)
    clauses = [where]
    if start is not None:
        clauses.append("a.ends_at > :start")
        params["start"] = start
    if end is not None:
        clauses.append("a.starts_at < :end")
        params["end"] = end
    if ids is not None:
        params["ids"] = sorted(set(ids))
        if not params["ids"]:
            return []
        clauses.append("a.id = ANY(:ids)")
    sql = _select(access.technical, access.programming, access.directory)
    sql += " WHERE " + " AND ".join(clauses) + " ORDER BY a.starts_at, a.id"
    rows = (await session.execute(text(sql), params)).all()
    return await render_rows(session, rows, access)


async def render_rows(session: AsyncSession, rows: Sequence[Any], access: Access) -> list[Event]:
    if not rows:
        return []
    await kind_labels(session)
    contacts: dict[int, list[str]] = {}
    companies = {row.company_id for row in rows if row.company_id is not None}
    if companies and access.directory:
        for c in await session.execute(CONTACTS_SQL, {"orgs": sorted(companies)}):
            listed = contacts.setdefault(c.organisation_id, [])
            if len(listed) < MAX_CONTACTS:
                listed.append(contact_line(c))
    return [render(row, tuple(contacts.get(row.company_id, ()))) for row in rows]


def contact_line(c: Any) -> str:
    name = f"{c.first_name} {c.last_name}".strip()
    reach = [*(c.phones or []), *(c.emails or [])]
    role = f" ({c.role})" if c.role else ""
    return f"- {name}{role}" + (f" : {' · '.join(reach)}" if reach else "")


def location_of(row: Any) -> str | None:
    if row.room_name is None:
        return None
    parts = [row.room_name, row.venue_name, row.venue_address, row.venue_city]
    return ", ".join(p for p in parts if p)


def description_of(row: Any, contacts: Sequence[str]) -> str:
    """What a phone shows under the title: the show, where, who to call, how to get in."""
    t = texts()
    lines: list[str] = []
    if row.show_title or row.company_name:
        lines.append(" · ".join(p for p in (row.show_title, row.company_name) if p))
    location = location_of(row)
    if location:
        lines.append(f"{t['where']} : {location}")
    if row.status in ("tentative", "cancelled"):
        lines.append(t[row.status])
    if row.kind == "performance":
        flags = [
            t[flag]
            for flag in ("audio_description", "sign_language", "surtitles", "relaxed")
            if getattr(row, flag)
        ]
        if flags:
            lines.append(f"{t['accessibility']} : {', '.join(flags)}")
        if row.ticketing_ref:
            lines.append(f"{t['ticketing']} : {row.ticketing_ref}")
    if contacts or row.company_phone:
        lines.append(f"{t['contacts']} :")
        if row.company_phone:
            lines.append(f"- {row.company_name} : {row.company_phone}")
        lines.extend(contacts)
    if row.access_notes and row.kind in GET_IN_KINDS:
        lines.append(f"{t['access']} : {row.access_notes}")
    notes = (row.notes or "").strip()
    head = f"{notes}\n\n" if notes else ""
    return head + NOTES_END + ("\n" + "\n".join(lines) if lines else "")


@lru_cache(maxsize=RENDERED_EVENTS)
def render(row: Any, contacts: tuple[str, ...]) -> Event:
    """One event, from its row (which holds everything shown, NULL where hidden) and the
    company's contacts. Memoised on exactly those: an unchanged event costs a lookup, a
    changed one has another row and is rendered anew."""
    tz_name = get_settings().timezone
    host = uid_host()
    uid = row.object_uid or f"activity-{row.id}@{host}"
    name = row.object_name or f"activity-{row.id}.ics"
    title = row.title
    location = location_of(row)
    description = description_of(row, contacts)
    category = _kind_labels.get(row.kind, row.kind)
    status = row.status.upper()
    start, end = local_stamp(row.starts_at), local_stamp(row.ends_at)
    stamp = utc_stamp(row.updated_at)
    lines = [
        "BEGIN:VEVENT",
        fold(f"UID:{escape(uid)}"),
        f"DTSTAMP:{stamp}",
        f"CREATED:{utc_stamp(row.created_at)}",
        f"LAST-MODIFIED:{stamp}",
        f"SEQUENCE:{row.version - 1}",
        f"DTSTART;TZID={tz_name}:{start}",
        f"DTEND;TZID={tz_name}:{end}",
        fold(f"SUMMARY:{escape(title)}"),
    ]
    if location:
        lines.append(fold(f"LOCATION:{escape(location)}"))
    lines.append(fold(f"DESCRIPTION:{escape(description)}"))
    lines.append(f"STATUS:{status}")
    lines.append("TRANSP:TRANSPARENT" if row.status == "cancelled" else "TRANSP:OPAQUE")
    lines.append(fold(f"CATEGORIES:{escape(category)}"))
    lines.append(f"X-SAISON-KIND:{row.kind}")
    lines.append("END:VEVENT")
    vevent = "\r\n".join(lines)
    digest = hashlib.blake2b(vevent.encode(), digest_size=8).hexdigest()
    props = {
        "UID": [uid],
        "SUMMARY": [title],
        "DESCRIPTION": [description],
        "STATUS": [status],
        "CATEGORIES": [category],
        "X-SAISON-KIND": [row.kind],
        "DTSTART": [start],
        "DTEND": [end],
    }
    if location:
        props["LOCATION"] = [location]
    return Event(
        id=row.id,
        version=row.version,
        kind=row.kind,
        name=name,
        uid=uid,
        etag=f'"{row.id}-{digest}"',
        vevent=vevent,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        updated_at=row.updated_at,
        props=props,
    )
