"""Options (holds): pencil, duplicate, compare, confirm, release.

Several shows may hold ranked options on the same room and dates. Options never block a room;
confirming one makes its performances and technical activities confirmed (then the database
checks the room), releases the other options of the same show, and moves up the options that
were ranked behind anything leaving the queue. A preview tells all of that before it happens.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from server.accounts.permissions import Level
from server.core.errors import Conflict
from server.planning.activities import ActivityService
from server.planning.bookings import Slot, conflicts_for
from server.planning.models import Activity
from server.programming.engagements import EngagementService
from server.programming.performances import PerformanceService

ACTIVE = ("tentative", "confirmed")


def _activities() -> Any:
    return Activity.__table__  # type: ignore[attr-defined]


class OptionDesk(EngagementService):
    """The programmer's actions on options; every step is logged with its author."""

    async def competing(
        self, room_id: int, first_day: date, last_day: date
    ) -> list[dict[str, Any]]:
        """Options on a room overlapping a period, best rank first."""
        self.require(Level.READ)
        e = self.table.c
        rows = await self.session.execute(
            select(self.table)
            .where(
                e.room_id == room_id,
                e.status == "option",
                e.first_day <= last_day,
                e.last_day >= first_day,
            )
            .order_by(e.option_rank, e.first_day, e.id)
        )
        return [self.visible(dict(r)) for r in rows.mappings()]

    async def expiring(self, within_days: int, today: date) -> list[dict[str, Any]]:
        """Expired options and those expiring within ``within_days``, soonest first."""
        self.require(Level.READ)
        e = self.table.c
        rows = await self.session.execute(
            select(self.table)
            .where(
                e.status == "option",
                e.option_expires_on.is_not(None),
                e.option_expires_on <= today + timedelta(days=within_days),
            )
            .order_by(e.option_expires_on, e.id)
        )
        return [
            {**self.visible(dict(r)), "expired": r["option_expires_on"] < today}
            for r in rows.mappings()
        ]

    async def duplicate(
        self, engagement_id: int, targets: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Copy an option to other rooms or dates in one call, each ranked in its own queue."""
        self.require(Level.WRITE)
        source = await self.get(engagement_id)
        created = []
        for target in targets:
            data = {
                k: source[k]
                for k in (
                    "show_id",
                    "room_id",
                    "first_day",
                    "last_day",
                    "fee",
                    "contract_terms",
                    "notes",
                )
            }
            data.update({k: v for k, v in target.items() if v is not None})
            data.update(
                status="option", option_rank=None, option_expires_on=target.get("option_expires_on")
            )
            row = await self.insert_row(
                data, action="duplicated", refs={"duplicated_from": engagement_id}
            )
            created.append(row)
        await self.uow.commit()
        return [self.visible(r) for r in created]

    # -- confirmation -----------------------------------------------------------------------
    async def _siblings(self, engagement: dict[str, Any]) -> list[dict[str, Any]]:
        e = self.table.c
        rows = await self.session.execute(
            select(self.table)
            .where(
                e.show_id == engagement["show_id"], e.status == "option", e.id != engagement["id"]
            )
            .order_by(e.first_day, e.id)
        )
        return [dict(r) for r in rows.mappings()]

    async def _behind(self, leaving: dict[str, Any], skip: set[int]) -> list[dict[str, Any]]:
        """Options ranked behind ``leaving`` on its room and period."""
        e = self.table.c
        rows = await self.session.execute(
            select(self.table)
            .where(
                e.room_id == leaving["room_id"],
                e.status == "option",
                e.option_rank > leaving["option_rank"],
                e.first_day <= leaving["last_day"],
                e.last_day >= leaving["first_day"],
                e.id.not_in(skip),
            )
            .order_by(e.option_rank, e.id)
        )
        return [dict(r) for r in rows.mappings()]

    async def _attached(
        self, engagement_id: int, statuses: tuple[str, ...]
    ) -> list[dict[str, Any]]:
        a = _activities().c
        rows = await self.session.execute(
            select(_activities())
            .where(a.engagement_id == engagement_id, a.status.in_(statuses))
            .order_by(a.starts_at, a.id)
        )
        return [dict(r) for r in rows.mappings()]

    async def preview(self, engagement_id: int) -> dict[str, Any]:
        """What confirming would do: options released, ranks moved up, room conflicts."""
        self.require(Level.READ)
        engagement = await self.get(engagement_id)
        if engagement["status"] != "option":
            raise Conflict(f"engagement {engagement_id} is {engagement['status']}, not an option")
        siblings = await self._siblings(engagement)
        leaving = [engagement, *siblings]
        skip = {row["id"] for row in leaving}
        promoted: dict[int, dict[str, Any]] = {}
        for row in leaving:
            if row["option_rank"] is None:
                continue
            for behind in await self._behind(row, skip):
                entry = promoted.setdefault(
                    behind["id"],
                    {
                        "engagement": self.visible(behind),
                        "from_rank": behind["option_rank"],
                        "to_rank": behind["option_rank"],
                    },
                )
                entry["to_rank"] -= 1
        becoming = await self._attached(engagement_id, ("tentative",))
        slots = [Slot.of(a, status="confirmed") for a in becoming]
        conflicts = await conflicts_for(self.session, slots, exclude=[a["id"] for a in becoming])
        return {
            "engagement": self.visible(engagement),
            "released": [self.visible(s) for s in siblings],
            "promoted": list(promoted.values()),
            "activities_confirmed": len(becoming),
            "conflicts": conflicts,
        }

    async def confirm(self, engagement_id: int, expected_version: int | None) -> dict[str, Any]:
        """Confirm in one transaction: all of it happens, or (on a room conflict) none of it."""
        self.require(Level.WRITE)
        engagement = await self.get(engagement_id, for_update=True)
        if engagement["status"] != "option":
            raise Conflict(f"engagement {engagement_id} is {engagement['status']}, not an option")
        siblings = await self._siblings(engagement)
        confirmed = await self.update_row(
            engagement_id,
            {"status": "confirmed", "option_rank": None},
            expected_version,
            action="confirmed",
        )
        activities = ActivityService(self.uow)
        performances = PerformanceService(self.uow)
        for activity in await self._attached(engagement_id, ("tentative",)):
            service = performances if activity["kind"] == "performance" else activities
            await service.update_row(
                activity["id"], {"status": "confirmed"}, None, action="confirmed"
            )
        for sibling in siblings:
            await self._leave(sibling, action="released", cause=engagement_id)
        await self._promote_behind(engagement, {engagement_id, *(s["id"] for s in siblings)})
        await self.uow.commit()
        return self.visible(confirmed)

    async def release(self, engagement_id: int, expected_version: int | None) -> dict[str, Any]:
        """Give up an option: it is cancelled (kept in history) and those behind move up."""
        self.require(Level.WRITE)
        engagement = await self.get(engagement_id, for_update=True)
        if engagement["status"] != "option":
            raise Conflict(f"engagement {engagement_id} is {engagement['status']}, not an option")
        self.check_version(engagement, expected_version)
        row = await self._leave(engagement, action="released", cause=None)
        await self.uow.commit()
        return self.visible(row)

    async def cancel(self, engagement_id: int, expected_version: int | None) -> dict[str, Any]:
        """Cancel an engagement (confirmed or not): its activities are cancelled with it."""
        self.require(Level.WRITE)
        engagement = await self.get(engagement_id, for_update=True)
        if engagement["status"] == "cancelled":
            raise Conflict(f"engagement {engagement_id} is already cancelled")
        self.check_version(engagement, expected_version)
        row = await self._leave(engagement, action="cancelled", cause=None)
        await self.uow.commit()
        return self.visible(row)

    async def _leave(
        self, option: dict[str, Any], action: str, cause: int | None
    ) -> dict[str, Any]:
        row = await self.update_row(
            option["id"], {"status": "cancelled", "option_rank": None}, None, action=action
        )
        activities = ActivityService(self.uow)
        performances = PerformanceService(self.uow)
        for activity in await self._attached(option["id"], ACTIVE):
            service = performances if activity["kind"] == "performance" else activities
            await service.update_row(
                activity["id"], {"status": "cancelled"}, None, action="cancelled"
            )
        await self._promote_behind(option, {option["id"]})
        return row

    async def _promote_behind(self, leaving: dict[str, Any], skip: set[int]) -> None:
        if leaving.get("option_rank") is None:
            return
        for behind in await self._behind(leaving, skip):
            await self.update_row(
                behind["id"], {"option_rank": behind["option_rank"] - 1}, None, action="promoted"
            )
