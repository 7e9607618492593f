"""The availability finder: "which rooms are free for 3 evenings in March, get-in the day before?"

It asks the same questions the database constraints answer: for each candidate run, would any
of its slots overlap a booking of the room or of a room linked to it, or fall on a day a
confirmed engagement holds. The answer is written for a person: per room, the periods made of
fitting runs (merged), each cut where options are pencilled ("free" / "under option by “Phèdre”,
rank 1, …": options never block a room, but everyone must see them), with the days on which a
run may start.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from pydantic import Field, model_validator
from sqlalchemy import text

from server.core.errors import PermissionDenied
from server.core.fields import Input
from server.core.i18n import Message, _
from server.core.localtime import at
from server.core.permissions import Level, Workspace
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
            raise ValueError(_("to_day must be on or after from_day"))
        if (self.to_day - self.from_day).days > 366:
            raise ValueError(_("search at most a year at a time"))
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
            raise PermissionDenied(
                _("You need read access to General planning to search availability.")
            )
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
            holds = (
                await session.execute(
                    text(
                        "SELECT lower(during), upper(during) FROM engagement_holds "
                        "WHERE lock_key = ANY(:keys) AND during && daterange(:s, :e, '[]')"
                    ),
                    {"keys": keys, "s": window_start.date(), "e": window_end.date()},
                )
            ).all()
            busy += [(at(first, time(0, 0)), at(after, time(0, 0))) for first, after in holds]
            starts = []
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
                    starts.append(first)
                first += timedelta(days=1)
            if starts:
                periods = _merge(starts, q.days)
                options = await self._options(room["id"], periods[0][0], periods[-1][1])
                out.append(
                    {
                        "room_id": room["id"],
                        "room": room["name"],
                        "venue": room["venue"],
                        "capacity": room["capacity"],
                        "periods": [
                            part for period in periods for part in _cut(period, options, starts)
                        ],
                    }
                )
        return out

    async def _options(self, room_id: int, first: date, last: date) -> list[dict[str, Any]]:
        rows = await self.uow.session.execute(
            text(
                "SELECT e.id AS engagement_id, e.show_id, s.title AS show, "
                "e.option_rank AS rank, e.first_day, e.last_day, "
                "e.option_expires_on AS expires_on, e.blocked_by_id "
                "FROM engagements e JOIN shows s ON s.id = e.show_id "
                "WHERE e.room_id = :room AND e.status = 'option' "
                "AND e.first_day <= :last AND e.last_day >= :first "
                "ORDER BY e.option_rank, e.first_day, e.id"
            ),
            {"room": room_id, "first": first, "last": last},
        )
        return [dict(r) for r in rows.mappings()]


def _merge(starts: list[date], days: int) -> list[tuple[date, date]]:
    """The runs that fit, merged where they overlap or follow each other."""
    periods: list[tuple[date, date]] = []
    for start in starts:
        end = start + timedelta(days=days - 1)
        if periods and start <= periods[-1][1] + timedelta(days=1):
            periods[-1] = (periods[-1][0], max(end, periods[-1][1]))
        else:
            periods.append((start, end))
    return periods


def _ranges(days: list[date]) -> list[dict[str, date]]:
    """Consecutive days as {first_day, last_day} ranges."""
    out: list[dict[str, date]] = []
    for day in days:
        if out and out[-1]["last_day"] == day - timedelta(days=1):
            out[-1]["last_day"] = day
        else:
            out.append({"first_day": day, "last_day": day})
    return out


def _cut(
    period: tuple[date, date], options: list[dict[str, Any]], starts: list[date]
) -> list[dict[str, Any]]:
    """A free period cut where options are pencilled, each part saying what it is."""
    parts: list[dict[str, Any]] = []
    day, last = period
    while day <= last:
        covering = [o for o in options if o["first_day"] <= day <= o["last_day"]]
        if parts and parts[-1]["options"] == covering:
            parts[-1]["last_day"] = day
        else:
            parts.append({"first_day": day, "last_day": day, "options": covering})
        day += timedelta(days=1)
    for part in parts:
        part["state"] = "option" if part["options"] else "free"
        part["label"] = (
            "; ".join(str(_under_option(o)) for o in part["options"])
            if part["options"]
            else str(_("free"))
        )
        part["run_starts"] = _ranges(
            [d for d in starts if part["first_day"] <= d <= part["last_day"]]
        )
    return parts


def _under_option(option: dict[str, Any]) -> Message:
    dates = {"show": option["show"], "start": option["first_day"], "end": option["last_day"]}
    if option["rank"] == 1:  # "1re option" in French, "2e option" after
        return _("under option by “{show}”, rank 1, from {start} to {end}", **dates)
    return _(
        "under option by “{show}”, rank {rank}, from {start} to {end}", rank=option["rank"], **dates
    )
