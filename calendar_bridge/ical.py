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
from icalendar import Timezone

from calendar_bridge.errors import MalformedCalendar, TooLarge, UnsupportedEvent
from server.core.i18n import _
from server.core.localtime import venue_time
from server.settings import get_settings

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
    return _compact(moment.astimezone(get_settings().tz))


def utc_stamp(moment: datetime) -> str:
    return _compact(moment.astimezone(UTC)) + "Z"


@lru_cache(maxsize=64)
def vtimezone(first_year: int, last_year: int) -> str:
    """The venue's VTIMEZONE covering those years (cached: building one takes a while)."""
    tzid = get_settings().timezone
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
    tz = get_settings().tz
    first = min((s.astimezone(tz).year for s in starts), default=None)
    last = max((e.astimezone(tz).year for e in ends), default=None)
    if first is None or last is None:
        return None
    return first, last


def timezone_calendar() -> str:
    """CALDAV:calendar-timezone: a VCALENDAR with the venue's zone around this year."""
    year = datetime.now(get_settings().tz).year
    return calendar_text([], (year - 1, year + 2))


# -- reading what apps send -------------------------------------------------------------------
@dataclass(frozen=True)
class IncomingEvent:
    """The parts of a VEVENT Saison keeps. ``None`` means "not said" (keep what is there)."""

    uid: str
    title: str | None
    starts_at: datetime
    ends_at: datetime
    status: str | None
    categories: tuple[str, ...]
    kind: str | None
    notes: str | None
    has_description: bool


STATUSES = {"TENTATIVE": "tentative", "CONFIRMED": "confirmed", "CANCELLED": "cancelled"}


def _moment(value: Any, field: str) -> datetime:
    """A DTSTART/DTEND value as an instant; dates are midnights, floating times venue time."""
    tz = get_settings().tz
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


def parse_event(body: bytes) -> IncomingEvent:
    """The one VEVENT of a PUT body, or a clear refusal saying what is wrong."""
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
    if len(events) != 1:
        raise UnsupportedEvent(
            "send exactly one VEVENT; recurring events and their exceptions are not supported"
        )
    event = events[0]
    if any(key in event for key in ("RRULE", "RDATE", "RECURRENCE-ID")):
        raise UnsupportedEvent(
            _("Recurring events are not supported: create each date on its own.")
        )
    uid = str(event.get("UID", "")).strip()
    if not uid:
        raise MalformedCalendar(_("The event has no UID."))
    try:
        start_value = event.decoded("DTSTART")
    except KeyError:
        raise MalformedCalendar(_("The event has no DTSTART.")) from None
    except Exception as error:
        raise MalformedCalendar(
            _("{field} cannot be read: {error}", field="DTSTART", error=str(error))
        ) from None
    starts_at = _moment(start_value, "DTSTART")
    try:
        if "DTEND" in event:
            ends_at = _moment(event.decoded("DTEND"), "DTEND")
        elif "DURATION" in event:
            duration = event.decoded("DURATION")
            if not isinstance(duration, timedelta):
                raise MalformedCalendar(_("DURATION must be a duration."))
            ends_at = starts_at + duration
        elif isinstance(start_value, date) and not isinstance(start_value, datetime):
            ends_at = starts_at + timedelta(days=1)
        else:
            raise UnsupportedEvent(_("The event needs an end (DTEND or DURATION)."))
    except (MalformedCalendar, UnsupportedEvent):
        raise
    except Exception as error:
        raise MalformedCalendar(
            _("{field} cannot be read: {error}", field="DTEND", error=str(error))
        ) from None
    summary = str(event.get("SUMMARY", "")).strip() or None
    status = (
        STATUSES.get(str(event.get("STATUS", "")).strip().upper()) if "STATUS" in event else None
    )
    kind = str(event.get("X-SAISON-KIND", "")).strip() or None
    categories = tuple(_texts(event["CATEGORIES"])) if "CATEGORIES" in event else ()
    has_description = "DESCRIPTION" in event
    notes = None
    if has_description:
        description = str(event.get("DESCRIPTION", "")).replace("\r\n", "\n")
        notes = description.split(NOTES_END, 1)[0].strip() or None
    return IncomingEvent(
        uid=uid,
        title=summary,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        categories=categories,
        kind=kind,
        notes=notes,
        has_description=has_description,
    )
