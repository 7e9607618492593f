"""The availability finder: "which rooms are free for 3 evenings in March, get-in the day before?"

It asks the same question the database constraint answers: for each candidate run, would any
of its slots overlap a booking of the room or of a room linked to it.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from pydantic import Field, model_validator
from sqlalchemy import text

from server.accounts.permissions import Level, Workspace
from server.core.errors import PermissionDenied
from server.core.fields import Input
from server.core.localtime import at
from server.core.unit_of_work import UnitOfWork
from server.planning.bookings import lock_keys


class AvailabilityQuery(Input):
    from_day: date
    to_day: date
    days: int = Field(default=1, ge=1, le=60, description="Consecutive days needed")
    starts: time = Field(default=time(19, 0), description="Daily use from (e.g. the evening)")
    ends: time = Field(
        default=time(23, 30), description="Daily use until (before starts: next day)"
    )
    get_in_days_before: int = Field(
        default=0, ge=0, le=14, description="Get-in days before the first day"
    )
    get_in_starts: time = time(9, 0)
    get_in_ends: time = time(18, 0)
    room_ids: list[int] | None = None
    min_capacity: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def window(self) -> AvailabilityQuery:
        if self.to_day < self.from_day:
            raise ValueError("to_day must be on or after from_day")
        if (self.to_day - self.from_day).days > 366:
            raise ValueError("search at most a year at a time")
        return self


def _span(day: date, start: time, end: time) -> tuple[Any, Any]:
    begins, ends = at(day, start), at(day, end)
    if ends <= begins:
        ends = at(day + timedelta(days=1), end)
    return begins, ends


class AvailabilityFinder:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def find(self, q: AvailabilityQuery) -> list[dict[str, Any]]:
        if not self.uow.actor.can(Workspace.PLANNING, Level.READ):
            raise PermissionDenied("read access to planning is needed to search availability")
        session = self.uow.session
        rooms = (
            (
                await session.execute(
                    text(
                        "SELECT r.id, r.name, r.capacity, v.name AS venue FROM rooms r "
                        "JOIN venues v ON v.id = r.venue_id "
                        "WHERE (CAST(:ids AS bigint[]) IS NULL "
                        "       OR r.id = ANY(CAST(:ids AS bigint[]))) "
                        "AND (CAST(:cap AS int) IS NULL OR r.capacity >= CAST(:cap AS int)) "
                        "ORDER BY v.id, r.position, r.name"
                    ),
                    {"ids": q.room_ids, "cap": q.min_capacity},
                )
            )
            .mappings()
            .all()
        )
        window_start = at(q.from_day - timedelta(days=q.get_in_days_before), time(0, 0))
        window_end = at(q.to_day + timedelta(days=2), time(0, 0))
        out = []
        for room in rooms:
            keys = await lock_keys(session, room["id"])
            busy = [
                (lower, upper)
                for lower, upper in (
                    await session.execute(
                        text(
                            "SELECT lower(during), upper(during) FROM room_bookings "
                            "WHERE lock_key = ANY(:keys) AND during && tstzrange(:s, :e, '[)')"
                        ),
                        {"keys": keys, "s": window_start, "e": window_end},
                    )
                ).all()
            ]
            runs = []
            first = q.from_day
            while first + timedelta(days=q.days - 1) <= q.to_day:
                slots = [_span(first + timedelta(days=i), q.starts, q.ends) for i in range(q.days)]
                for i in range(q.get_in_days_before):
                    slots.append(
                        _span(first - timedelta(days=i + 1), q.get_in_starts, q.get_in_ends)
                    )
                if all(
                    not (s < b_end and b_start < e) for s, e in slots for b_start, b_end in busy
                ):
                    runs.append(
                        {"first_day": first, "last_day": first + timedelta(days=q.days - 1)}
                    )
                first += timedelta(days=1)
            if runs:
                out.append(
                    {
                        "room_id": room["id"],
                        "room": room["name"],
                        "venue": room["venue"],
                        "capacity": room["capacity"],
                        "runs": runs,
                    }
                )
        return out
