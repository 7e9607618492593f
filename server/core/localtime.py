"""Wall-clock arithmetic in the venue's time zone: 20:30 stays 20:30 across a DST change.

A time without offset is the venue's wall-clock time, wherever it comes from (a body, a query,
a calendar app's floating time): :func:`venue_time` is the one place that reads it. Twice a year
the wall clock is not a plain line:

- in spring an hour does not exist (Europe/Paris: 2027-03-28, 02:00 jumps to 03:00). A time in
  that gap is refused with a message saying so, never guessed;
- in autumn an hour happens twice (2026-10-25, 02:00–03:00 in summer time, then again in
  winter time). A time in it means the first one (summer time, ``fold=0``, as PostgreSQL and
  Python read it); the answer shows the offset it got, and a client meaning the second sends
  the offset (``2026-10-25T02:30:00+01:00``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from server.core.errors import Invalid
from server.core.i18n import _
from server.core.venue import venue

# The years Saison accepts for days and instants. A season is planned decades ahead at most;
# outside this range a date cannot be converted to and from the venue's zone near the edges of
# Python's calendar (year 1 and 9999) nor stored by PostgreSQL, so it is refused where it
# comes in, by name, rather than failing later.
FIRST_YEAR = 1900
LAST_YEAR = 2200


def out_of_range(value: date) -> bool:
    """Whether a day or an instant (its wall-clock year, as sent) is outside Saison's years."""
    return not FIRST_YEAR <= value.year <= LAST_YEAR


def require_in_range(value: date, field: str) -> None:
    """Refuse a day or instant outside :data:`FIRST_YEAR`–:data:`LAST_YEAR`, naming ``field``."""
    if out_of_range(value):
        raise Invalid({field: range_message()})


def range_message() -> Any:
    return _("must be between the years {first} and {last}", first=FIRST_YEAR, last=LAST_YEAR)


def at(day: date, clock: time) -> datetime:
    """``clock`` on ``day`` in the venue's time zone."""
    return datetime.combine(day, clock, tzinfo=venue().tz)


def local(moment: datetime) -> datetime:
    return moment.astimezone(venue().tz)


def shift_days(moment: datetime, days: int) -> datetime:
    """The same wall-clock time ``days`` later (not ``days`` × 24 hours)."""
    wall = local(moment)
    return at(wall.date() + timedelta(days=days), wall.time().replace(tzinfo=None))


def day_of(moment: datetime) -> date:
    return local(moment).date()


def venue_times(row: Mapping[str, Any]) -> dict[str, Any]:
    """A flat record with its instants in the venue's zone (drivers give them in UTC)."""
    tz = venue().tz
    return {
        k: v.astimezone(tz) if isinstance(v, datetime) and v.tzinfo else v for k, v in row.items()
    }


def exists(wall: datetime) -> bool:
    """Whether a wall-clock time (no offset) happens in the venue's zone (not in a spring gap)."""
    tz = venue().tz
    aware = wall.replace(tzinfo=tz, fold=0)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall.replace(fold=0)


def gap_around(wall: datetime) -> tuple[datetime, datetime]:
    """The spring gap a non-existent wall time falls in: (wall clock jumps from, to)."""
    tz = venue().tz
    before = wall.replace(tzinfo=tz, fold=0).utcoffset() or timedelta(0)
    after = wall.replace(tzinfo=tz, fold=1).utcoffset() or timedelta(0)
    start = wall.replace(second=0, microsecond=0)
    while not exists(start - timedelta(minutes=1)):
        start -= timedelta(minutes=1)
    return start, start + abs(before - after)


def venue_time(moment: datetime, field: str) -> datetime:
    """An instant from a time a client sent: without offset, the venue's wall-clock time.

    Raises ``Invalid`` naming ``field`` for a time in the spring gap (see the module's note), or
    outside Saison's years.
    """
    require_in_range(moment, field)
    if moment.tzinfo is not None:
        return moment
    if not exists(moment):
        jumps_from, jumps_to = gap_around(moment)
        raise Invalid(
            {
                field: _(
                    "{when} does not exist in the venue's time zone: that night clocks jump "
                    "from {jumps_from} to {jumps_to}.",
                    when=moment.replace(tzinfo=venue().tz),
                    jumps_from=jumps_from.time(),
                    jumps_to=jumps_to.time(),
                )
            }
        )
    return moment.replace(tzinfo=venue().tz, fold=0)


def instant(value: datetime | date, field: str = "time") -> datetime:
    """A query bound: an instant (naive means venue time) or a day, meaning its midnight."""
    if isinstance(value, datetime):
        return venue_time(value, field)
    require_in_range(value, field)
    return at(value, time(0, 0))


def parse_instant(text: str, field: str) -> datetime:
    """Parse a query bound given as ISO 8601 text; a bad one is the caller's error, by name."""
    try:
        value: datetime | date = (
            date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        )
    except ValueError:
        raise Invalid(
            {field: _("use an ISO 8601 day (2026-10-06) or date and time (2026-10-06T20:30)")}
        ) from None
    return instant(value, field)
