"""Options (holds): pencil, duplicate, compare, confirm, release.

Several shows may hold ranked options on the same room and dates. Options never block a room
for activities; confirming one makes its performances and technical activities confirmed (then
the database checks the room), releases the other options of the same show, and makes the
engagement hold its room and dates: options of other shows there are blocked behind it (or
released, if the venue set ``SAISON_CONFIRM_COMPETITORS=release``), and confirming one of them
is refused while it holds. Those ranked behind anything leaving the queue move up. A preview
tells all of that before it happens.

Each step takes the rooms' locks before touching a row (see engagements.py), so programmers
confirming rival options at the same moment get one confirmation and clear refusals.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from server.core.errors import Conflict
from server.core.i18n import _
from server.core.permissions import Level
from server.planning.activities import ActivityService
from server.planning.bookings import Slot, conflicts_for
from server.programming import holds
from server.programming.engagements import EngagementService, ranked
from server.programming.performances import PerformanceService


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
        await self.lock_rooms(source["room_id"], *(t.get("room_id") for t in targets))
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
        return [await self.behind(r) for r in created]

    # -- confirmation -----------------------------------------------------------------------
    async def _siblings(self, engagement: dict[str, Any]) -> list[dict[str, Any]]:
        """The show's other options, anywhere: confirming one engagement releases them."""
        e = self.table.c
        rows = await self.session.execute(
            select(self.table)
            .where(
                e.show_id == engagement["show_id"], e.status == "option", e.id != engagement["id"]
            )
            .order_by(e.first_day, e.id)
        )
        return [dict(r) for r in rows.mappings()]

    async def _locked(self, engagement_id: int, with_siblings: bool = False) -> dict[str, Any]:
        """The engagement, read after taking its rooms' locks (and its siblings' rooms')."""
        engagement = await self.get(engagement_id)
        rooms = {engagement["room_id"]}
        if with_siblings and engagement["status"] == "option":
            rooms |= {s["room_id"] for s in await self._siblings(engagement)}
        await self.lock_rooms(*rooms)
        engagement = await self.get(engagement_id, for_update=True)
        if engagement["room_id"] not in rooms:  # moved meanwhile
            await self.lock_rooms(engagement["room_id"])
        return engagement

    def _not_an_option(self, engagement: dict[str, Any]) -> Conflict:
        if engagement["status"] == "confirmed":
            return Conflict(_("This engagement is already confirmed."))
        return Conflict(_("This engagement is cancelled: it is no longer an option."))

    async def preview(self, engagement_id: int) -> dict[str, Any]:
        """What confirming would do: options released or blocked, ranks moved up, conflicts."""
        self.require(Level.READ)
        engagement = await self.get(engagement_id)
        if engagement["status"] != "option":
            raise self._not_an_option(engagement)
        siblings = await self._siblings(engagement)
        competitors = await self.competitors(engagement)
        releasing = self.uow.settings.confirm_competitors == "release"
        leaving = [engagement, *siblings, *(competitors if releasing else [])]
        rooms = {row["room_id"] for row in leaving}
        options = await self.options_in(rooms)
        after = ranked(options, leaving={row["id"] for row in leaving})
        by_id = {o["id"]: o for o in options}
        promoted = [
            {
                "engagement": self.visible(await self.get(option_id)),
                "from_rank": by_id[option_id]["option_rank"],
                "to_rank": rank,
            }
            for option_id, rank in sorted(after.items(), key=lambda item: (item[1], item[0]))
            if rank < (by_id[option_id]["option_rank"] or 99)
        ]
        becoming = await self.attached(engagement_id, ("tentative",))
        slots = [Slot.of(a, status="confirmed") for a in becoming]
        conflicts = await conflicts_for(self.session, slots, exclude=[a["id"] for a in becoming])
        holder = await holds.holder_of(self.session, engagement)
        return {
            "engagement": self.visible(engagement),
            "held_by": holds.public(holder) if holder else None,
            "released": [self.visible(s) for s in [*siblings, *(competitors if releasing else [])]],
            "blocked": [] if releasing else [{"engagement": self.visible(c)} for c in competitors],
            "promoted": promoted,
            "activities_confirmed": len(becoming),
            "conflicts": conflicts,
        }

    async def confirm(self, engagement_id: int, expected_version: int | None) -> dict[str, Any]:
        """Confirm in one transaction: all of it happens, or (on a room conflict) none of it."""
        self.require(Level.WRITE)
        engagement = await self._locked(engagement_id, with_siblings=True)
        if engagement["status"] != "option":
            raise self._not_an_option(engagement)
        # Who holds the room is the answer that matters, before "your copy is old".
        holder = await holds.holder_of(self.session, engagement)
        if holder is not None:
            raise holds.held(holder)
        self.check_version(engagement, expected_version)
        siblings = await self._siblings(engagement)
        confirmed = await self.update_row(
            engagement_id,
            {"status": "confirmed", "option_rank": None},
            None,
            action="confirmed",
        )
        activities, performances = ActivityService(self.uow), PerformanceService(self.uow)
        for activity in await self.attached(engagement_id, ("tentative",)):
            service = performances if activity["kind"] == "performance" else activities
            await service.update_row(
                activity["id"], {"status": "confirmed"}, None, action="confirmed"
            )
        for option in siblings:
            await self.leave(option, action="released")
        leaving = [*siblings, *await self.displace(engagement)]
        await self.settle({engagement["room_id"], *(o["room_id"] for o in leaving)})
        await self.uow.commit()
        return self.visible(confirmed)

    async def release(self, engagement_id: int, expected_version: int | None) -> dict[str, Any]:
        """Give up an option: it is cancelled (kept in history) and those behind move up."""
        self.require(Level.WRITE)
        engagement = await self._locked(engagement_id)
        if engagement["status"] != "option":
            raise self._not_an_option(engagement)
        self.check_version(engagement, expected_version)
        row = await self.leave(engagement, action="released")
        await self.settle({engagement["room_id"]})
        await self.uow.commit()
        return self.visible(row)

    async def cancel(self, engagement_id: int, expected_version: int | None) -> dict[str, Any]:
        """Cancel an engagement (confirmed or not): its activities are cancelled with it, and
        the options waiting behind it are no longer blocked."""
        self.require(Level.WRITE)
        engagement = await self._locked(engagement_id)
        if engagement["status"] == "cancelled":
            raise Conflict(_("This engagement is already cancelled."))
        self.check_version(engagement, expected_version)
        row = await self.leave(engagement, action="cancelled")
        await self.settle({engagement["room_id"]})
        await self.uow.commit()
        return self.visible(row)
