"""When scheduled connectors run: hourly on the hour; daily at 06:00 in the venue's zone
(before the box office opens); weekly on Mondays at 06:00."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from server.core.venue import venue

RUN_AT = time(6, 0)  # daily and weekly runs, venue time


def next_after(schedule: str, moment: datetime) -> datetime | None:
    """The first run strictly after ``moment`` (None: not scheduled)."""
    local = moment.astimezone(venue().tz)
    if schedule == "hourly":
        return (local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)).astimezone(
            UTC
        )
    if schedule not in ("daily", "weekly"):
        return None
    day = local.date()
    while True:
        candidate = datetime.combine(day, RUN_AT, venue().tz)
        if candidate > local and (schedule == "daily" or candidate.weekday() == 0):
            return candidate.astimezone(UTC)
        day += timedelta(days=1)


def first_run(schedule: str, now: datetime | None = None) -> datetime | None:
    return next_after(schedule, now or datetime.now(UTC))
