"""iCalendar (RFC 5545) text: writing events fast, reading the ones calendar apps send.

Served events are written as text directly (escaping and folding done here), because a month
of events is rendered on every query and the icalendar object model costs ten times more; the
tests parse everything served with ``icalendar``. Incoming events are parsed with
``icalendar``, which knows the many ways apps write times and zones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from icalendar import Calendar as ICalendar
from icalendar import Event as IEvent
from icalendar import Timezone

from calendar_bridge.errors import MalformedCalendar, TooLarge, UnsupportedEvent
from server.core.i18n import _
from server.core.localtime import venue_time
from server.core.venue import venue

PRODID = "-//Saison//Calendars//FR"
MAX_EVENT_BYTES = 256 * 1024
# Separates the notes people write from what Saison adds to a description; only the part
# above it is read back when an app sends the event again.
NOTES_END = "— Saison —"


def escape(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next, never splitting a UTF-8 character."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    start, limit = 0, 75
    while start < len(raw):
        end = min(start + limit, len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:  # continuation byte
            end -= 1
        parts.append(raw[start:end].decode())
        start, limit = end, 74  # continuation lines begin with a space
    return "\r\n ".join(parts)


def _compact(moment: datetime) -> str:
    """20261006T200000 from an aware datetime (isoformat is several times faster than
    strftime, and this runs several times per event served)."""
    text = moment.isoformat()
    return text[0:4] + text[5:7] + text[8:13] + text[14:16] + text[17:19]


def local_stamp(moment: datetime) -> str:
    return _compact(moment.astimezone(venue().tz))


def utc_stamp(moment: datetime) -> str:
    return _compact(moment.astimezone(UTC)) + "Z"


@lru_cache(maxsize=64)
def vtimezone(first_year: int, last_year: int) -> str:
    """The venue's VTIMEZONE covering those years (cached: building one takes a while)."""
    tzid = venue().timezone
    component = Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )
    return component.to_ical().decode().rstrip("\r\n")


def calendar_text(
    vevents: Sequence[str],
    years: tuple[int, int] | None,
    headers: Iterable[str] = (),
) -> str:
    """A VCALENDAR holding ``vevents`` (already folded text) and the zone they use."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    lines.extend(fold(h) for h in headers)
    if years is not None:
        lines.append(vtimezone(*years))
    lines.extend(vevents)
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def years_of(starts: Iterable[datetime], ends: Iterable[datetime]) -> tuple[int, int] | None:
    tz = venue().tz
    first = min((s.astimezone(tz).year for s in starts), default=None)
    last = max((e.astimezone(tz).year for e in ends), default=None)
    if first is None or last is None:
        return None
    return first, last


def timezone_calendar() -> str:
    """CALDAV:calendar-timezone: a VCALENDAR with the venue's zone around this year."""
    year = datetime.now(venue().tz).year
    return calendar_text([], (year - 1, year + 2))


# -- reading what apps send -------------------------------------------------------------------
@dataclass(frozen=True)
class IncomingEvent:
    """The parts of a VEVENT Saison keeps. ``None`` means "not said" (keep what is there).

    Fields of the activity are read into their own attributes; what an activity does not hold
    but the app wants kept (attendees, organizer, URL, X- data…) is in ``properties`` as the
    app's own iCalendar lines, and the person's reminders in ``alarms``.
    """

    uid: str
    title: str | None
    starts_at: datetime
    ends_at: datetime
    status: str | None
    categories: tuple[str, ...]
    kind: str | None
    notes: str | None
    has_description: bool
    saison_part: str | None = None  # what was below the "— Saison —" line, if the line was
    location: str | None = None
    transparent: bool | None = None  # TRANSP, when the app said it
    properties: str = ""
    alarms: str = ""
    rule: str | None = None
    exceptions: tuple[datetime, ...] = ()
    recurrence_id: datetime | None = None


@dataclass(frozen=True)
class IncomingObject:
    """A calendar object resource: one event, or a repeating one with its exceptions."""

    master: IncomingEvent
    overrides: tuple[IncomingEvent, ...] = ()

    @property
    def uid(self) -> str:
        return self.master.uid

    @property
    def repeats(self) -> bool:
        return self.master.rule is not None


STATUSES = {"TENTATIVE": "tentative", "CONFIRMED": "confirmed", "CANCELLED": "cancelled"}
# Read into the activity (or its series), or written by Saison itself on every event served.
MAPPED = frozenset(
    {
        "UID", "DTSTART", "DTEND", "DURATION", "SUMMARY", "DESCRIPTION", "STATUS",
        "CATEGORIES", "X-SAISON-KIND", "RRULE", "EXDATE", "RECURRENCE-ID", "LOCATION",
        "TRANSP", "DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE", "CLASS",
    }
)  # fmt: skip
# A person's own state of their reminders (Thunderbird's "acknowledged", "snoozed"): kept with
# their alarms, never shown to others.
PERSONAL_PREFIXES = ("X-MOZ-LASTACK", "X-MOZ-SNOOZE")


# The years a venue's calendar holds (times beyond cannot be shown in its zone).
YEARS = (1900, 2200)


def _moment(value: Any, field: str) -> datetime:
    """A DTSTART/DTEND value as an instant; dates are midnights, floating times venue time."""
    tz = venue().tz
    if isinstance(value, date) and not YEARS[0] <= value.year <= YEARS[1]:
        raise UnsupportedEvent(
            _("{field} must fall between the years {first} and {last}.",
              field=field, first=YEARS[0], last=YEARS[1])
        )  # fmt: skip
    if isinstance(value, datetime):
        return venue_time(value, field)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=tz)
    raise UnsupportedEvent(_("{field} must be a date or a date and time.", field=field))


def _texts(value: Any) -> list[str]:
    """CATEGORIES may come as one property or several, each a list."""
    values = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in values:
        cats = getattr(item, "cats", None)
        if cats is not None:
            out.extend(str(c) for c in cats)
        else:
            out.extend(part.strip() for part in str(item).split(",") if part.strip())
    return out


def _lines(component: Any) -> str:
    """A component's content lines (folded, CRLF) without its BEGIN and END."""
    text = component.to_ical().decode()
    lines = text.rstrip("\r\n").split("\r\n")
    return "\r\n".join(lines[1:-1])


def _decoded(event: Any, name: str) -> Any:
    try:
        return event.decoded(name)
    except KeyError:
        return None
    except Exception as error:
        raise MalformedCalendar(
            _("{field} cannot be read: {error}", field=name, error=str(error))
        ) from None


def _times(event: Any) -> tuple[datetime, datetime]:
    start_value = _decoded(event, "DTSTART")
    if start_value is None:
        raise MalformedCalendar(_("The event has no DTSTART."))
    starts_at = _moment(start_value, "DTSTART")
    if "DTEND" in event:
        ends_at = _moment(_decoded(event, "DTEND"), "DTEND")
    elif "DURATION" in event:
        duration = _decoded(event, "DURATION")
        if not isinstance(duration, timedelta):
            raise MalformedCalendar(_("DURATION must be a duration."))
        if isinstance(start_value, datetime):
            ends_at = starts_at + duration
        else:  # whole days stay whole days across a change of hour
            ends_at = _moment(start_value + duration, "DURATION")
    elif isinstance(start_value, date) and not isinstance(start_value, datetime):
        ends_at = starts_at + timedelta(days=1)
    else:
        raise UnsupportedEvent(_("The event needs an end (DTEND or DURATION)."))
    return starts_at, ends_at


def _exceptions(event: Any) -> tuple[datetime, ...]:
    found: list[datetime] = []
    values = event.get("EXDATE")
    for item in values if isinstance(values, list) else [values] if values is not None else []:
        for moment in getattr(item, "dts", []):
            found.append(_moment(moment.dt, "EXDATE"))
    return tuple(found)


def _read_event(event: Any) -> IncomingEvent:
    """One VEVENT: its fields, what is kept as it came, and what cannot be kept (refused)."""
    uid = str(event.get("UID", "")).strip()
    if not uid:
        raise MalformedCalendar(_("The event has no UID."))
    if "RDATE" in event or "EXRULE" in event:
        raise UnsupportedEvent(
            _(
                "Extra dates (RDATE, EXRULE) cannot be kept: repeat the event with a rule "
                "(RRULE) and exceptions, or add those dates as events of their own."
            )
        )
    if str(event.get("CLASS", "PUBLIC")).strip().upper() != "PUBLIC":
        raise UnsupportedEvent(
            _(
                "Private or confidential events cannot be kept: the planning is shared with "
                "the venue. Keep it in a personal calendar instead."
            )
        )
    if isinstance(event.get("RRULE"), list):
        raise UnsupportedEvent(_("An event repeats by one rule (RRULE) only."))
    others = sorted({str(c.name) for c in event.subcomponents if c.name != "VALARM"})
    if others:
        raise UnsupportedEvent(
            _("Only reminders (VALARM) are kept inside an event, not {kinds}.",
              kinds=", ".join(others))
        )  # fmt: skip
    status = None
    if "STATUS" in event:
        said = str(event.get("STATUS", "")).strip().upper()
        if said not in STATUSES:
            raise UnsupportedEvent(
                _("STATUS must be TENTATIVE, CONFIRMED or CANCELLED (not {status}).",
                  status=said)
            )  # fmt: skip
        status = STATUSES[said]
    starts_at, ends_at = _times(event)
    kept = IEvent()
    personal = IEvent()
    for name, value in event.property_items(recursive=False, sorted=False):
        if name in ("BEGIN", "END") or name in MAPPED:
            continue
        target = personal if name.startswith(PERSONAL_PREFIXES) else kept
        target.add(name, value, encode=False)
    alarms = [_lines_of(sub) for sub in event.subcomponents if sub.name == "VALARM"]
    personal_lines = _lines(personal)
    description = None
    saison_part = None
    if "DESCRIPTION" in event:
        description = str(event.get("DESCRIPTION", "")).replace("\r\n", "\n")
        head, line, tail = description.partition(NOTES_END)
        description = head
        saison_part = tail if line else None
    recurrence_value = _decoded(event, "RECURRENCE-ID")
    rule = event.get("RRULE")
    transp = str(event.get("TRANSP", "")).strip().upper() if "TRANSP" in event else None
    return IncomingEvent(
        uid=uid,
        title=str(event.get("SUMMARY", "")).strip() or None,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        categories=tuple(_texts(event["CATEGORIES"])) if "CATEGORIES" in event else (),
        kind=str(event.get("X-SAISON-KIND", "")).strip() or None,
        notes=(description or "").strip() or None if description is not None else None,
        has_description=description is not None,
        saison_part=saison_part,
        location=str(event["LOCATION"]).strip() if "LOCATION" in event else None,
        transparent=None if transp is None else transp == "TRANSPARENT",
        properties=_lines(kept),
        alarms="\r\n".join([*alarms, personal_lines] if personal_lines else alarms),
        rule=rule.to_ical().decode() if rule is not None else None,
        exceptions=_exceptions(event),
        recurrence_id=(
            _moment(recurrence_value, "RECURRENCE-ID") if recurrence_value is not None else None
        ),
    )


def _lines_of(component: Any) -> str:
    """A subcomponent (a VALARM) as folded text, BEGIN and END included."""
    return str(component.to_ical().decode().rstrip("\r\n"))


def parse_object(body: bytes) -> IncomingObject:
    """The event (or repeating event) of a PUT body, or a clear refusal saying what is wrong."""
    if len(body) > MAX_EVENT_BYTES:
        raise TooLarge(_("An event may not exceed {size} KiB.", size=MAX_EVENT_BYTES // 1024))
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedCalendar(_("The iCalendar data is not UTF-8 text.")) from None
    if "BEGIN:VCALENDAR" not in text.upper():
        raise MalformedCalendar(_("The body is not iCalendar data (no BEGIN:VCALENDAR)."))
    try:
        calendar = ICalendar.from_ical(text)
    except Exception as error:  # icalendar raises ValueError and others on bad input
        raise MalformedCalendar(
            _("The iCalendar data cannot be read: {error}", error=str(error))
        ) from None
    if getattr(calendar, "name", None) != "VCALENDAR":
        raise MalformedCalendar(_("The body must be one VCALENDAR."))
    events = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    others = [str(c.name) for c in calendar.subcomponents if c.name not in ("VEVENT", "VTIMEZONE")]
    if others:
        raise UnsupportedEvent(
            _("Only events are kept here, not {kinds}.", kinds=", ".join(sorted(set(others))))
        )
    if not events:
        raise UnsupportedEvent(_("Send one event (VEVENT)."))
    read = [_read_event(event) for event in events]
    if len({e.uid for e in read}) > 1:
        raise UnsupportedEvent(_("Send one event per address: these events have different UIDs."))
    masters = [e for e in read if e.recurrence_id is None]
    if len(masters) != 1:
        raise UnsupportedEvent(
            _(
                "Send the whole repeating event: its rule (one VEVENT with RRULE) and its "
                "exceptions (RECURRENCE-ID), at one address."
            )
        )
    master = masters[0]
    overrides = tuple(e for e in read if e.recurrence_id is not None)
    if overrides and master.rule is None:
        raise UnsupportedEvent(_("Exceptions (RECURRENCE-ID) belong to a repeating event."))
    if any(o.rule for o in overrides):
        raise UnsupportedEvent(_("An exception (RECURRENCE-ID) cannot repeat itself."))
    if len({o.recurrence_id for o in overrides}) != len(overrides):
        raise UnsupportedEvent(_("Each occurrence has one exception (RECURRENCE-ID) at most."))
    return IncomingObject(master, overrides)
