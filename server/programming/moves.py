"""Moving and rescheduling: an engagement or a performance moves with everything attached.

Conflicts are listed before anything changes; the move itself runs in one transaction with
the room constraint checked at commit, so activities can pass over each other on the way
(a series moved by one day) while the end state must still be free of double bookings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pydantic import Field, model_validator
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from server.core.errors import Conflict, Invalid
from server.core.fields import Input
from server.core.i18n import N_, _
from server.core.localtime import shift_days
from server.core.permissions import Level
from server.planning.activities import ActivityService, localise
from server.planning.bookings import Slot, conflicts_for
from server.planning.models import ROOM_BOOKINGS_NO_OVERLAP, Activity
from server.programming import holds
from server.programming.engagements import EngagementService
from server.programming.performances import PerformanceService
from server.technical.models import Room


class EngagementMove(Input):
    days: int = Field(
        default=0, ge=-366, le=366, description="Shift by this many days (wall-clock times kept)"
    )
    room_id: int | None = Field(
        default=None, ge=1, description="New room for the engagement and its activities"
    )
    dry_run: bool = True

    @model_validator(mode="after")
    def _moves_something(self) -> EngagementMove:
        if self.days == 0 and self.room_id is None:
            raise ValueError(_("give days, room_id or both"))
        return self


class PerformanceMove(Input):
    starts_at: datetime = Field(description="New start; attached activities keep their offsets")
    room_id: int | None = Field(default=None, ge=1)
    dry_run: bool = True


def _activities() -> Any:
    return Activity.__table__  # type: ignore[attr-defined]


def _moved(
    row: dict[str, Any],
    old_room: int | None,
    new_room: int | None,
    shift: Callable[[datetime], datetime],
) -> dict[str, Any]:
    """Where and when an activity goes: to the new room if it was in the old one, its times
    shifted."""
    room = new_room if new_room is not None and row["room_id"] == old_room else row["room_id"]
    return {"room_id": room, "starts_at": shift(row["starts_at"]), "ends_at": shift(row["ends_at"])}


class _Movable(EngagementService):
    moves_attached = True


class Mover(ActivityService):
    async def _room_exists(self, room_id: int) -> None:
        r: Any = Room.__table__  # type: ignore[attr-defined]
        if (await self.session.execute(select(r.c.id).where(r.c.id == room_id))).first() is None:
            raise Invalid({"room_id": self.missing(N_("room"), room_id)})

    async def _plan(self, rows: list[dict[str, Any]], move: Any) -> list[dict[str, Any]]:
        return [{**row, **move(row)} for row in rows]

    async def _apply(self, planned: list[dict[str, Any]], dry_run: bool) -> dict[str, Any]:
        ids = [p["id"] for p in planned]
        slots = [Slot.of(p) for p in planned]
        conflicts = await conflicts_for(self.session, slots, exclude=ids)
        moved = [
            self.visible(
                {
                    k: p[k]
                    for k in ("id", "kind", "title", "room_id", "starts_at", "ends_at", "status")
                }
            )
            for p in planned
        ]
        result: dict[str, Any] = {"activities": moved, "conflicts": conflicts, "moved": False}
        if dry_run:
            return result
        if conflicts:
            raise Conflict(
                _(
                    "Activities that would collide after the move: {count}; nothing was moved.",
                    count=len(conflicts),
                ),
                conflicts=conflicts,
                kind="double-booking",
            )
        await self.session.execute(text(f"SET CONSTRAINTS {ROOM_BOOKINGS_NO_OVERLAP} DEFERRED"))
        performances = PerformanceService(self.uow)
        activities = ActivityService(self.uow)
        for p in planned:
            service = performances if p["kind"] == "performance" else activities
            await service.update_row(
                p["id"],
                {"room_id": p["room_id"], "starts_at": p["starts_at"], "ends_at": p["ends_at"]},
                None,
                action="moved",
            )
        return result

    async def _commit(self, planned: list[dict[str, Any]]) -> None:
        try:
            await self.uow.commit()
        except IntegrityError as error:  # someone booked the room meanwhile
            await self.uow.rollback()
            slots = [Slot.of(p) for p in planned]
            conflicts = await conflicts_for(self.session, slots, exclude=[p["id"] for p in planned])
            raise Conflict(
                _("The room was booked meanwhile; nothing was moved."),
                conflicts=conflicts,
                kind="double-booking",
            ) from error

    async def move_engagement(
        self, engagement_id: int, spec: EngagementMove, expected_version: int | None
    ) -> dict[str, Any]:
        engagements = _Movable(self.uow)
        engagements.require(Level.READ if spec.dry_run else Level.WRITE)
        if not spec.dry_run:  # the rooms' locks before any row: see engagements.py
            current = await engagements.get(engagement_id)
            await engagements.lock_rooms(current["room_id"], spec.room_id)
        engagement = await engagements.get(engagement_id, for_update=not spec.dry_run)
        if spec.room_id is not None:
            await self._room_exists(spec.room_id)
        a = _activities()
        rows = [
            dict(r)
            for r in (
                await self.session.execute(
                    select(a)
                    .where(a.c.engagement_id == engagement_id, a.c.status != "cancelled")
                    .order_by(a.c.starts_at)
                    .with_for_update(skip_locked=False)
                )
            ).mappings()
        ]
        old_room = engagement["room_id"]
        planned = await self._plan(
            rows,
            lambda row: _moved(row, old_room, spec.room_id, lambda t: shift_days(t, spec.days)),
        )
        result = await self._apply(planned, spec.dry_run)
        new_period = {
            "first_day": engagement["first_day"] + timedelta(days=spec.days),
            "last_day": engagement["last_day"] + timedelta(days=spec.days),
            "room_id": spec.room_id or old_room,
        }
        result["engagement"] = {**engagements.visible(engagement), **new_period}
        if engagement["status"] == "confirmed":  # another show may hold the new dates
            holder = await holds.holder_of(self.session, {**engagement, **new_period})
            if holder is not None:
                result["conflicts"].append(
                    {
                        "proposal": "engagement",
                        "with": {**holds.public(holder), "kind": "engagement"},
                    }
                )
        if spec.dry_run:
            return result
        row = await engagements.update_row(
            engagement_id, new_period, expected_version, action="moved"
        )
        await engagements.settle({old_room, row["room_id"]})
        await self._commit(planned)
        result.update(engagement=engagements.visible(row), moved=True)
        return result

    async def move_performance(
        self, performance_id: int, spec: PerformanceMove, expected_version: int | None
    ) -> dict[str, Any]:
        performances = PerformanceService(self.uow)
        performances.require(Level.READ if spec.dry_run else Level.WRITE)
        performance = await performances.get(performance_id, for_update=not spec.dry_run)
        if not spec.dry_run:
            performances.check_version(performance, expected_version)
        if spec.room_id is not None:
            await self._room_exists(spec.room_id)
        delta = localise(spec.starts_at, "starts_at") - performance["starts_at"]
        a = _activities()
        attached = [
            dict(r)
            for r in (
                await self.session.execute(
                    select(a)
                    .where(a.c.performance_id == performance_id, a.c.status != "cancelled")
                    .order_by(a.c.starts_at)
                )
            ).mappings()
        ]
        old_room = performance["room_id"]
        planned = await self._plan(
            [performance, *attached],
            lambda row: _moved(row, old_room, spec.room_id, lambda t: t + delta),
        )
        result = await self._apply(planned, spec.dry_run)
        if not spec.dry_run:
            await self._commit(planned)
            result["moved"] = True
        return result
