"""Wall-clock arithmetic in the venue's time zone: 20:30 stays 20:30 across a DST change."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from server.settings import get_settings


def at(day: date, clock: time) -> datetime:
    """``clock`` on ``day`` in the venue's time zone."""
    return datetime.combine(day, clock, tzinfo=get_settings().tz)


def local(moment: datetime) -> datetime:
    return moment.astimezone(get_settings().tz)


def shift_days(moment: datetime, days: int) -> datetime:
    """The same wall-clock time ``days`` later (not ``days`` × 24 hours)."""
    wall = local(moment)
    return at(wall.date() + timedelta(days=days), wall.time().replace(tzinfo=None))


def day_of(moment: datetime) -> date:
    return local(moment).date()


def instant(value: datetime | date) -> datetime:
    """A query bound: an instant (naive means venue time) or a day, meaning its midnight."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=get_settings().tz)
    return at(value, time(0, 0))


def parse_instant(text: str, field: str) -> datetime:
    """Parse a query bound given as ISO 8601 text; a bad one is the caller's error, by name."""
    from server.core.errors import Invalid

    try:
        value: datetime | date = (
            date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        )
    except ValueError:
        raise Invalid({field: "use an ISO 8601 date (2026-10-06) or date-time"}) from None
    return instant(value)
