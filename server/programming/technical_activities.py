"""An engagement's technical activities, placed by the planning's templates.

Programming builds on the planning here as for performances: applying templates reads the
engagement and its performances and writes planning activities only (get-ins, services,
get-outs), previewed first and committed all or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta
from typing import Any

from pydantic import Field
from sqlalchemy import select

from server.core.errors import Conflict, Invalid, NotFound
from server.core.fields import Id, Input
from server.core.i18n import N_, Message, _, ngettext
from server.core.localtime import at, day_of, shift_days
from server.core.permissions import Level
from server.planning.activities import ActivityService
from server.planning.bookings import Slot, conflicts_for, lock_rooms
from server.planning.models import Activity, ActivityTemplate
from server.programming.models import Engagement, Show


class ApplyIn(Input):
    template_ids: list[Id] = Field(min_length=1, max_length=20)
    dry_run: bool = True


def _span(day: Any, start: time, end: time) -> tuple[datetime, datetime]:
    begins = at(day, start)
    ends = at(day, end)
    if ends <= begins:  # 23:00–02:00 ends the next day
        ends = at(day + timedelta(days=1), end)
    return begins, ends


def _around(template: Mapping[Any, Any], performances: Sequence[Any]) -> tuple[datetime, datetime]:
    """When a before-first or after-last template places its activity.

    Minutes count from the first performance's start or from the last one's end, ``day_offset``
    days earlier or later (same wall-clock time); clock times fall on the first (last)
    performance's day, moved by ``day_offset``.
    """
    first = template["anchor"] == "before_first"
    days = -template["day_offset"] if first else template["day_offset"]
    if template["start_time"] is None or template["end_time"] is None:
        moment = shift_days(
            performances[0]["starts_at"] if first else max(p["ends_at"] for p in performances),
            days,
        )
        return (
            moment + timedelta(minutes=template["start_minutes"]),
            moment + timedelta(minutes=template["end_minutes"]),
        )
    day = day_of(performances[0 if first else -1]["starts_at"]) + timedelta(days=days)
    return _span(day, template["start_time"], template["end_time"])


class TechnicalPlanner(ActivityService):
    """Applies templates to an engagement; writes only planning data, never Programming's."""

    async def apply(self, engagement_id: int, spec: ApplyIn) -> dict[str, Any]:
        self.require(Level.READ if spec.dry_run else Level.WRITE)
        e: Any = Engagement.__table__  # type: ignore[attr-defined]
        if not spec.dry_run:
            # Two applies at once (a double click) queue on the engagement, and the second
            # finds what the first made; the room's lock comes first, as for every room write.
            room = select(e.c.room_id).where(e.c.id == engagement_id)
            await lock_rooms(self.session, [(await self.session.execute(room)).scalar()])
        query = select(e).where(e.c.id == engagement_id)
        engagement = (
            (await self.session.execute(query if spec.dry_run else query.with_for_update()))
            .mappings()
            .first()
        )
        if engagement is None:
            raise NotFound(
                _(
                    "{record:capital} {id} does not exist.",
                    record=Message(N_("engagement")),
                    id=engagement_id,
                )
            )
        a: Any = Activity.__table__  # type: ignore[attr-defined]
        performances = (
            (
                await self.session.execute(
                    select(a)
                    .where(
                        a.c.engagement_id == engagement_id,
                        a.c.kind == "performance",
                        a.c.status != "cancelled",
                    )
                    .order_by(a.c.starts_at)
                )
            )
            .mappings()
            .all()
        )
        if not performances:
            raise Invalid(
                {
                    "engagement_id": _(
                        "generate the performances first: templates are placed around them"
                    )
                }
            )
        t: Any = ActivityTemplate.__table__  # type: ignore[attr-defined]
        templates = (
            (await self.session.execute(select(t).where(t.c.id.in_(spec.template_ids))))
            .mappings()
            .all()
        )
        missing = set(spec.template_ids) - {row["id"] for row in templates}
        if missing:
            raise Invalid(
                {
                    "template_ids": ngettext(
                        "unknown template: {ids}",
                        "unknown templates: {ids}",
                        len(missing),
                        ids=", ".join(map(str, sorted(missing))),
                    )
                }
            )
        show: Any = Show.__table__  # type: ignore[attr-defined]
        show_title = (
            await self.session.execute(
                select(show.c.title).where(show.c.id == engagement["show_id"])
            )
        ).scalar_one()
        status = {"option": "tentative", "confirmed": "confirmed"}.get(
            engagement["status"], "cancelled"
        )
        planned: list[dict[str, Any]] = []
        for template in templates:
            base = {
                "kind": template["kind"],
                "title": f"{template['title'] or template['name']} — {show_title}",
                "room_id": engagement["room_id"],
                "engagement_id": engagement_id,
                "show_id": engagement["show_id"],
                "team_id": template["team_id"],
                "status": status,
            }
            if template["anchor"] == "each_performance":
                for perf in performances:
                    planned.append(
                        {
                            **base,
                            "room_id": perf["room_id"],
                            "performance_id": perf["id"],
                            "starts_at": perf["starts_at"]
                            + timedelta(minutes=template["start_minutes"]),
                            "ends_at": perf["ends_at"] + timedelta(minutes=template["end_minutes"]),
                        }
                    )
            else:
                starts, ends = _around(template, performances)
                planned.append({**base, "starts_at": starts, "ends_at": ends})
        existing = await self._existing(engagement_id, planned)
        to_create = [i for i, p in enumerate(planned) if _same(p) not in existing]
        slots = [Slot.of(planned[i], ref=i) for i in to_create]
        conflicts = await conflicts_for(self.session, slots)
        shown = [self.visible(existing.get(_same(p), p)) for p in planned]
        result: dict[str, Any] = {
            "activities": shown,
            "existing": [a for i, a in enumerate(shown) if i not in to_create],
            "created": [],
            "conflicts": conflicts,
        }
        if spec.dry_run:
            return result
        if conflicts:
            raise Conflict(
                _(
                    "Activities that would collide with the room's bookings: {count}; "
                    "nothing was created.",
                    count=len(conflicts),
                ),
                conflicts=conflicts,
                kind="double-booking",
            )
        for i in to_create:
            shown[i] = self.visible(await self.insert_row(dict(planned[i]), action="created"))
        await self.uow.commit()
        result.update(activities=shown, created=[shown[i] for i in to_create])
        return result

    async def _existing(
        self, engagement_id: int, planned: list[dict[str, Any]]
    ) -> dict[tuple[Any, ...], dict[str, Any]]:
        """Activities of the engagement already placed as planned (applying twice adds none)."""
        a: Any = Activity.__table__  # type: ignore[attr-defined]
        kinds = sorted({p["kind"] for p in planned})
        rows = await self.session.execute(
            select(a).where(
                a.c.engagement_id == engagement_id,
                a.c.kind.in_(kinds),
                a.c.status != "cancelled",
            )
        )
        return {_same(row): dict(row) for row in rows.mappings()}


def _same(activity: Any) -> tuple[Any, ...]:
    """What makes two technical activities the same one: kind, performance, times."""
    return (
        activity["kind"],
        activity.get("performance_id"),
        activity["starts_at"],
        activity["ends_at"],
    )
