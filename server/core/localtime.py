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
