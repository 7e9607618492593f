"""Activities as calendar events: one query per request, rendered as VEVENT text.

Each datum is read only if the person may read its workspace (see ``calendars``): the query
itself selects NULL in place of what they may not see, so the renderer cannot leak it. Fees and
contract terms are never selected.

An event's ETag is a digest of its text: it changes exactly when what the app would show
changes, whether the activity moved or the company's phone number did.

A repeating activity is one event (one resource): its pattern with the rule (RRULE), the dates
left out (EXDATE), and an exception (RECURRENCE-ID) for each occurrence that differs. An
occurrence moved to another room, team or people is an event of its own where it now is.
Whole days (midnight to midnight in the venue's zone) are all-day events. What an app sent that
the activity does not hold (attendees…) is served back to all, a person's reminders to them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, lru_cache
from types import SimpleNamespace
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
from server.core.localtime import local
from server.core.venue import venue
from server.planning.recurring import PATTERN_FIELDS, all_day, end_of, expand

DEFAULT_NAME = re.compile(r"^activity-(\d{1,18})\.ics$")
SERIES_NAME = re.compile(r"^series-(\d{1,18})\.ics$")
ACTIVITY, SERIES = "activity", "series"
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
    return TEXTS.get(venue().language, TEXTS["en"])


def uid_host() -> str:
    return urlsplit(venue().public_url).hostname or "saison"


@dataclass(frozen=True)
class Ref:
    """What a resource name or a UID names: an activity, or a repeating activity (series)."""

    kind: str
    id: int


@dataclass(frozen=True)
class Event:
    """One served event: where it lives, its ETag, its VEVENT text and what filters see.

    ``id`` is the activity's, or the series' for a repeating event (``series`` is then True
    and ``members`` lists the occurrences it holds).
    """

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
    series: bool = False
    members: tuple[int, ...] = ()

    @property
    def ref(self) -> Ref:
        return Ref(SERIES if self.series else ACTIVITY, self.id)

    @cached_property
    def data(self) -> str:
        """The event as a calendar object resource: a VCALENDAR with its zone."""
        return calendar_text([self.vevent], years_of([self.starts_at], [self.ends_at]))


# An occurrence is part of its series' event while it lives where the series does.
IN_SERIES = (
    "(a.series_id IS NOT NULL AND a.room_id IS NOT DISTINCT FROM rs.room_id "
    "AND a.team_id IS NOT DISTINCT FROM rs.team_id AND a.assignee_ids = rs.assignee_ids)"
)


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
           co.name AS object_name, co.uid AS object_uid,
           cp.lines AS properties, al.alarms AS alarms,
           a.series_id, a.occurrence_start, {IN_SERIES} AS in_series
    FROM activities a
    LEFT JOIN rooms r ON r.id = a.room_id
    LEFT JOIN venues v ON v.id = r.venue_id
    LEFT JOIN engagements e ON e.id = a.engagement_id
    LEFT JOIN activities p ON p.id = a.performance_id
    LEFT JOIN shows s ON s.id = COALESCE(a.show_id, e.show_id, p.show_id)
    LEFT JOIN organisations o ON o.id = s.company_id
    LEFT JOIN calendar_objects co ON co.activity_id = a.id
    LEFT JOIN calendar_properties cp ON cp.activity_id = a.id
    LEFT JOIN calendar_alarms al ON al.activity_id = a.id AND al.user_id = :me
    LEFT JOIN activity_series rs ON rs.id = a.series_id
    """


SERIES_SQL = text(
    """
    SELECT rs.id, rs.version, rs.kind, rs.status, rs.title, rs.notes, rs.starts_at, rs.ends_at,
           rs.rule, rs.created_at, rs.updated_at,
           co.name AS object_name, co.uid AS object_uid,
           cp.lines AS properties, al.alarms AS alarms
    FROM activity_series rs
    LEFT JOIN calendar_objects co ON co.series_id = rs.id
    LEFT JOIN calendar_properties cp ON cp.series_id = rs.id
    LEFT JOIN calendar_alarms al ON al.series_id = rs.id AND al.user_id = :me
    WHERE rs.id = ANY(:series)
    """
)
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
    "SELECT name, activity_id, series_id FROM calendar_objects "
    "WHERE name = ANY(:names) AND (activity_id IS NOT NULL OR series_id IS NOT NULL)"
)
RENAMED_SQL = text(
    "SELECT activity_id, series_id FROM calendar_objects "
    "WHERE activity_id = ANY(:activities) OR series_id = ANY(:series)"
)
_kind_labels: dict[str, str] = {}


async def kind_labels(session: AsyncSession) -> dict[str, str]:
    """Labels of activity kinds in the venue's language (shipped data: read once)."""
    if not _kind_labels:
        french = venue().language == "fr"
        for kind, fr, en in await session.execute(KIND_LABELS_SQL):
            _kind_labels[kind] = fr if french else en
    return _kind_labels


async def refs_for_names(session: AsyncSession, names: Sequence[str]) -> dict[str, Ref]:
    """Resource names → what they name: names apps chose, then Saison's own patterns
    (``activity-<id>.ics``, ``series-<id>.ics``) for those an app did not rename."""
    found: dict[str, Ref] = {}
    if not names:
        return found
    for name, activity_id, series_id in await session.execute(NAMES_SQL, {"names": list(names)}):
        found[name] = Ref(ACTIVITY, activity_id) if activity_id else Ref(SERIES, series_id)
    guessed: dict[str, Ref] = {}
    for name in names:
        if name in found:
            continue
        if match := DEFAULT_NAME.match(name):
            guessed[name] = Ref(ACTIVITY, int(match.group(1)))
        elif match := SERIES_NAME.match(name):
            guessed[name] = Ref(SERIES, int(match.group(1)))
    if guessed:
        renamed = await session.execute(
            RENAMED_SQL,
            {
                "activities": [r.id for r in guessed.values() if r.kind == ACTIVITY],
                "series": [r.id for r in guessed.values() if r.kind == SERIES],
            },
        )
        moved = {Ref(ACTIVITY, a) if a else Ref(SERIES, s) for a, s in renamed}
        found.update({n: r for n, r in guessed.items() if r not in moved})
    return found


async def load_events(
    session: AsyncSession,
    calendar: Calendar,
    access: Access,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    ids: Iterable[int] | None = None,
    series: Iterable[int] | None = None,
) -> list[Event]:
    """The calendar's events overlapping [start, end) (or holding these activities or
    series), rendered; a repeating activity is one event whichever occurrence matched."""
    where, params = calendar.member_sql(access)
    params["me"] = access.user_id
    clauses = [where]
    if start is not None:
        clauses.append("a.ends_at > :start")
        params["start"] = start
    if end is not None:
        clauses.append("a.starts_at < :end")
        params["end"] = end
    if ids is not None or series is not None:
        params["ids"] = sorted(set(ids or ()))
        params["series"] = sorted(set(series or ()))
        if not params["ids"] and not params["series"]:
            return []
        clauses.append(f"(a.id = ANY(:ids) OR (a.series_id = ANY(:series) AND {IN_SERIES}))")
    sql = _select(access.technical, access.programming, access.directory)
    sql += " WHERE " + " AND ".join(clauses) + " ORDER BY a.starts_at, a.id"
    rows = (await session.execute(text(sql), params)).all()
    single = [row for row in rows if not row.in_series]
    events = await render_rows(session, single, access)
    wanted = sorted({row.series_id for row in rows if row.in_series})
    if wanted:
        events.extend(await _series_events(session, access, wanted))
        events.sort(key=lambda e: (e.starts_at, e.id))
    return events


async def _series_events(session: AsyncSession, access: Access, wanted: list[int]) -> list[Event]:
    """Repeating events, each with every occurrence it holds (not only those in a range)."""
    sql = _select(access.technical, access.programming, access.directory)
    sql += f" WHERE a.series_id = ANY(:series) AND {IN_SERIES} ORDER BY a.starts_at, a.id"
    params = {"series": wanted, "me": access.user_id}
    members = (await session.execute(text(sql), params)).all()
    heads = {row.id: row for row in await session.execute(SERIES_SQL, params)}
    await kind_labels(session)
    contacts = await _contacts(session, members, access)
    by_series: dict[int, list[Any]] = {}
    for member in members:
        by_series.setdefault(member.series_id, []).append(member)
    return [
        render_series(
            heads[series_id],
            tuple(rows),
            tuple(sorted((k, v) for k, v in contacts.items() if k in {r.company_id for r in rows})),
        )
        for series_id, rows in by_series.items()
        if series_id in heads
    ]


async def _contacts(
    session: AsyncSession, rows: Sequence[Any], access: Access
) -> dict[int, tuple[str, ...]]:
    contacts: dict[int, list[str]] = {}
    companies = {row.company_id for row in rows if row.company_id is not None}
    if companies and access.directory:
        for c in await session.execute(CONTACTS_SQL, {"orgs": sorted(companies)}):
            listed = contacts.setdefault(c.organisation_id, [])
            if len(listed) < MAX_CONTACTS:
                listed.append(contact_line(c))
    return {k: tuple(v) for k, v in contacts.items()}


async def render_rows(session: AsyncSession, rows: Sequence[Any], access: Access) -> list[Event]:
    if not rows:
        return []
    await kind_labels(session)
    contacts = await _contacts(session, rows, access)
    return [render(row, contacts.get(row.company_id, ())) for row in rows]


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
    return notes_of(row) + NOTES_END + saison_part(row, contacts)


def notes_of(row: Any) -> str:
    notes = (row.notes or "").strip()
    return f"{notes}\n\n" if notes else ""


def saison_part(row: Any, contacts: Sequence[str]) -> str:
    """What Saison writes below the "— Saison —" line (read-only for apps)."""
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
    return "\n" + "\n".join(lines) if lines else ""


def _when(prop: str, moment: datetime, whole_day: bool) -> str:
    """DTSTART, DTEND, RECURRENCE-ID…: a day for all-day events, else venue time with its zone."""
    if whole_day:
        return f"{prop};VALUE=DATE:{local(moment).strftime('%Y%m%d')}"
    return f"{prop};TZID={venue().timezone}:{local_stamp(moment)}"


def kept_lines(lines: str | None, without: Iterable[str] = ()) -> tuple[list[str], set[str]]:
    """An app's kept properties (unfolded, then folded again), leaving out those Saison
    writes itself now; and the names present."""
    if not lines:
        return [], set()
    skip = set(without)
    out: list[str] = []
    names: set[str] = set()
    for line in lines.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n"):
        if not line:
            continue
        name = re.split(r"[;:]", line, maxsplit=1)[0].upper()
        names.add(name)
        if name not in skip:
            out.append(fold(line))
    return out, names


def _lines(
    row: Any,
    contacts: Sequence[str],
    uid: str,
    *,
    recurrence: list[str] | None = None,
    version: int | None = None,
) -> tuple[list[str], dict[str, list[str]]]:
    """One VEVENT's lines (and the texts filters see) from a row holding what is shown."""
    whole_day = all_day(row.starts_at, row.ends_at)
    location = location_of(row)
    description = description_of(row, contacts)
    category = _kind_labels.get(row.kind, row.kind)
    status = row.status.upper()
    start, end = local_stamp(row.starts_at), local_stamp(row.ends_at)
    stamp = utc_stamp(row.updated_at)
    kept, present = kept_lines(row.properties, ("LOCATION",) if location else ())
    lines = [
        "BEGIN:VEVENT",
        fold(f"UID:{escape(uid)}"),
        *(recurrence or []),
        f"DTSTAMP:{stamp}",
        f"CREATED:{utc_stamp(row.created_at)}",
        f"LAST-MODIFIED:{stamp}",
        f"SEQUENCE:{(version or row.version) - 1}",
        _when("DTSTART", row.starts_at, whole_day),
        _when("DTEND", row.ends_at, whole_day),
        *getattr(row, "rule_lines", ()),
        fold(f"SUMMARY:{escape(row.title)}"),
    ]
    if location:
        lines.append(fold(f"LOCATION:{escape(location)}"))
    lines.append(fold(f"DESCRIPTION:{escape(description)}"))
    lines.append(f"STATUS:{status}")
    if "TRANSP" not in present:
        lines.append("TRANSP:TRANSPARENT" if row.status == "cancelled" else "TRANSP:OPAQUE")
    lines.append(fold(f"CATEGORIES:{escape(category)}"))
    lines.append(f"X-SAISON-KIND:{row.kind}")
    lines.extend(kept)
    if row.alarms:
        lines.append(row.alarms)
    lines.append("END:VEVENT")
    props = {
        "UID": [uid],
        "SUMMARY": [row.title],
        "DESCRIPTION": [description],
        "STATUS": [status],
        "CATEGORIES": [category],
        "X-SAISON-KIND": [row.kind],
        "DTSTART": [start],
        "DTEND": [end],
    }
    if location:
        props["LOCATION"] = [location]
    return lines, props


def _digest(vevent: str) -> str:
    return hashlib.blake2b(vevent.encode(), digest_size=8).hexdigest()


@lru_cache(maxsize=RENDERED_EVENTS)
def render(row: Any, contacts: tuple[str, ...]) -> Event:
    """One event, from its row (which holds everything shown, NULL where hidden) and the
    company's contacts. Memoised on exactly those: an unchanged event costs a lookup, a
    changed one has another row and is rendered anew."""
    host = uid_host()
    uid = row.object_uid or f"activity-{row.id}@{host}"
    name = row.object_name or f"activity-{row.id}.ics"
    lines, props = _lines(row, contacts, uid)
    vevent = "\r\n".join(lines)
    return Event(
        id=row.id,
        version=row.version,
        kind=row.kind,
        name=name,
        uid=uid,
        etag=f'"{row.id}-{_digest(vevent)}"',
        vevent=vevent,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        updated_at=row.updated_at,
        props=props,
    )


def differs(member: Any, head: Any) -> bool:
    """Whether an occurrence is an exception of its series (its own VEVENT)."""
    planned_end = end_of(member.occurrence_start, head.starts_at, head.ends_at)
    return (
        member.starts_at != member.occurrence_start
        or member.ends_at != planned_end
        or any(getattr(member, key) != getattr(head, key) for key in PATTERN_FIELDS)
        or bool(member.properties)
        or bool(member.alarms)
    )


@lru_cache(maxsize=RENDERED_EVENTS // 10)
def render_series(
    head: Any, members: tuple[Any, ...], contacts: tuple[tuple[int, tuple[str, ...]], ...]
) -> Event:
    """A repeating activity as one event: the pattern with its rule and the dates left out,
    then one exception per occurrence that differs from the pattern."""
    by_company = dict(contacts)
    host = uid_host()
    uid = head.object_uid or f"series-{head.id}@{host}"
    name = head.object_name or f"series-{head.id}.ics"
    whole_day = all_day(head.starts_at, head.ends_at)
    held = {m.occurrence_start for m in members}
    skipped = [s for s in expand(head.rule, head.starts_at, head.ends_at).starts if s not in held]
    rule_lines = [fold(f"RRULE:{head.rule}")]
    if skipped:
        values = ",".join(
            local(s).strftime("%Y%m%d") if whole_day else local_stamp(s) for s in skipped
        )
        prefix = "EXDATE;VALUE=DATE:" if whole_day else f"EXDATE;TZID={venue().timezone}:"
        rule_lines.append(fold(prefix + values))
    first = members[0]
    updated = max([head.updated_at, *(m.updated_at for m in members)])
    pattern = SimpleNamespace(
        **{
            **first._mapping,
            **{key: getattr(head, key) for key in PATTERN_FIELDS},
            "starts_at": head.starts_at,
            "ends_at": head.ends_at,
            "created_at": head.created_at,
            "updated_at": updated,
            "properties": head.properties,
            "alarms": head.alarms,
            "rule_lines": rule_lines,
            # The pattern shows no performance of its own (series are never performances).
            "show_title": None,
            "company_name": None,
            "company_phone": None,
        }
    )
    lines, props = _lines(pattern, (), uid, version=head.version)
    for member in members:
        if not differs(member, head):
            continue
        recurrence = [_when("RECURRENCE-ID", member.occurrence_start, whole_day)]
        member_lines, _props = _lines(
            member, by_company.get(member.company_id, ()), uid, recurrence=recurrence
        )
        lines.extend(member_lines)
    vevent = "\r\n".join(lines)
    return Event(
        id=head.id,
        version=head.version,
        kind=head.kind,
        name=name,
        uid=uid,
        etag=f'"s{head.id}-{_digest(vevent)}"',
        vevent=vevent,
        starts_at=min(m.starts_at for m in members),
        ends_at=max(m.ends_at for m in members),
        updated_at=updated,
        props=props,
        series=True,
        members=tuple(m.id for m in members),
    )
