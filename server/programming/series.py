"""Generating the performances of an engagement: days, times, days off, extra dates.

A preview lists what would be created and any room conflict (bookings, and days a confirmed
engagement of another show holds the room); the commit creates all of them or none. Asking
again creates nothing twice: performances that already exist (same engagement, same start)
are listed as ``existing``, only the missing ones are ``created``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import Field
from sqlalchemy import select

from server.core.errors import Conflict, Invalid
from server.core.fields import Input
from server.core.i18n import Message, _, ngettext
from server.core.localtime import at, day_of
from server.core.permissions import Level
from server.planning.bookings import Slot, conflicts_for
from server.planning.models import Activity
from server.programming import holds
from server.programming.engagements import EngagementService
from server.programming.models import Show
from server.programming.performances import PerformanceService

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ExtraDate(Input):
    day: date
    time: time


class SeriesIn(Input):
    first_day: date | None = Field(default=None, description="Default: the engagement's first day")
    last_day: date | None = Field(default=None, description="Default: the engagement's last day")
    weekdays: list[str] = Field(default_factory=lambda: list(WEEKDAYS), description="mon … sun")
    times: dict[str, list[time]] = Field(
        default_factory=dict,
        description="Start times per weekday, e.g. {'sun': ['16:00']}; others use default_time",
    )
    default_time: time = time(20, 0)
    duration_minutes: int | None = Field(
        default=None, ge=5, le=24 * 60, description="Default: the show's"
    )
    days_off: list[date] = Field(default_factory=list, description="Relâches")
    extra: list[ExtraDate] = Field(
        default_factory=list, description="One-off dates outside the pattern"
    )
    dry_run: bool = True


class SeriesPlanner(EngagementService):
    async def plan(self, engagement: dict[str, Any], spec: SeriesIn) -> list[dict[str, Any]]:
        problems: dict[str, Message] = {}
        unknown = [d for d in [*spec.weekdays, *spec.times] if d not in WEEKDAYS]
        if unknown:
            problems["weekdays"] = ngettext(
                "unknown day {days}; use {known}",
                "unknown days {days}; use {known}",
                len(unknown),
                days=", ".join(unknown),
                known=", ".join(WEEKDAYS),
            )
        first = spec.first_day or engagement["first_day"]
        last = spec.last_day or engagement["last_day"]
        if last < first:
            problems["last_day"] = _("must be on or after first_day")
        elif (last - first).days > 366:
            problems["last_day"] = _("a series spans at most a year")
        if problems:
            raise Invalid(problems)
        show: Any = Show.__table__  # type: ignore[attr-defined]
        duration = (
            spec.duration_minutes
            or (
                await self.session.execute(
                    select(show.c.duration_minutes).where(show.c.id == engagement["show_id"])
                )
            ).scalar_one()
            or 90
        )
        starts: list[datetime] = []
        day = first
        while day <= last:
            name = WEEKDAYS[day.weekday()]
            if name in spec.weekdays and day not in spec.days_off:
                starts.extend(at(day, t) for t in (spec.times.get(name) or [spec.default_time]))
            day += timedelta(days=1)
        starts.extend(at(extra.day, extra.time) for extra in spec.extra)
        status = {"option": "tentative", "confirmed": "confirmed"}.get(
            engagement["status"], "cancelled"
        )
        return [
            {
                "engagement_id": engagement["id"],
                "show_id": engagement["show_id"],
                "room_id": engagement["room_id"],
                "starts_at": start,
                "ends_at": start + timedelta(minutes=duration),
                "status": status,
            }
            for start in sorted(set(starts))
        ]

    async def _existing(self, engagement_id: int) -> dict[datetime, dict[str, Any]]:
        """The engagement's performances (not cancelled), by start."""
        a: Any = Activity.__table__  # type: ignore[attr-defined]
        rows = await self.session.execute(
            select(a).where(
                a.c.engagement_id == engagement_id,
                a.c.kind == "performance",
                a.c.status != "cancelled",
            )
        )
        return {row["starts_at"]: dict(row) for row in rows.mappings()}

    async def _held(
        self, engagement: dict[str, Any], planned: list[dict[str, Any]], indexes: list[int]
    ) -> list[dict[str, Any]]:
        """Planned performances on days a confirmed engagement of another show holds."""
        if not indexes:
            return []
        days = {i: day_of(planned[i]["starts_at"]) for i in indexes}
        holding = await holds.holders(
            self.session,
            engagement["room_id"],
            min(days.values()),
            max(days.values()),
            engagement["show_id"],
            ignoring=[engagement["id"]],
            limit=50,
        )
        return [
            {"proposal": i, "with": {**holds.public(h), "kind": "engagement"}}
            for i, day in days.items()
            for h in holding
            if h["first_day"] <= day <= h["last_day"]
        ]

    async def generate(self, engagement_id: int, spec: SeriesIn) -> dict[str, Any]:
        self.require(Level.READ if spec.dry_run else Level.WRITE)
        if not spec.dry_run:  # the room's lock before any row: see engagements.py
            await self.lock_rooms((await self.get(engagement_id))["room_id"])
        engagement = await self.get(engagement_id, for_update=not spec.dry_run)
        if engagement["status"] == "cancelled":
            raise Conflict(_("Engagement {id} is cancelled.", id=engagement_id))
        planned = await self.plan(engagement, spec)
        if not planned:
            raise Invalid({"weekdays": _("no performance falls in this pattern")})
        existing = await self._existing(engagement_id)
        service = PerformanceService(self.uow)
        series = [
            await service.present(existing[p["starts_at"]]) if p["starts_at"] in existing else p
            for p in planned
        ]
        missing = [i for i, p in enumerate(planned) if p["starts_at"] not in existing]
        slots = [
            Slot(
                planned[i]["room_id"],
                planned[i]["starts_at"],
                planned[i]["ends_at"],
                "performance",
                planned[i]["status"],
                "",
                i,
                engagement_id,
            )
            for i in missing
        ]
        conflicts = await conflicts_for(self.session, slots)
        conflicts += await self._held(engagement, planned, missing)
        result: dict[str, Any] = {
            "performances": series,
            "existing": [series[i] for i, p in enumerate(planned) if p["starts_at"] in existing],
            "created": [],
            "conflicts": conflicts,
        }
        if spec.dry_run:
            return result
        if conflicts:
            raise Conflict(
                ngettext(
                    "{count} performance would clash with what already holds the room; "
                    "nothing was created.",
                    "{count} performances would clash with what already holds the room; "
                    "nothing was created.",
                    len(conflicts),
                ),
                conflicts=conflicts,
                kind="double-booking",
            )
        for i in missing:
            row = await service.insert_row(dict(planned[i]), action="generated")
            series[i] = await service.present(row)
        await self.uow.commit()
        result.update(performances=series, created=[series[i] for i in missing])
        return result
