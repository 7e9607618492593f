"""Engagements: a show in a room over a period, pencilled as a ranked option, then confirmed.

Fees and contract terms are confidential: only those who may read contracts see them.

Options on a room are ranked 1st, 2nd, 3rd among those overlapping them; a confirmed
engagement holds its room and dates (see holds.py) and options on them wait behind it. Every
write that changes who is where takes the room's lock first (bookings.lock_rooms), then
``settle`` closes up the ranks and keeps "blocked by" in step, so both stay right when many
people write at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from asyncpg import exceptions as pg
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from server.core.entities import EntityService, Filter
from server.core.errors import Conflict, Invalid, PermissionDenied
from server.core.fields import Id, LongText
from server.core.i18n import N_, Message, _
from server.core.permissions import Level, Workspace
from server.core.records import RecordRead, partial_model
from server.core.refusals import refused_by
from server.planning.activities import ActivityService
from server.planning.bookings import linked_rooms, lock_rooms
from server.planning.models import Activity
from server.programming import contracts, holds, hospitality
from server.programming.contracts import ContractFields, ContractStatus
from server.programming.hospitality import HospitalityFields
from server.programming.models import ENGAGEMENT_HOLDS_NO_OVERLAP, Engagement, EngagementStatus
from server.programming.performances import PerformanceService


class EngagementIn(HospitalityFields, ContractFields):
    """An engagement, with its run (hospitality.py) and its contract (contracts.py)."""

    show_id: Id
    room_id: Id
    first_day: date
    last_day: date
    status: EngagementStatus = EngagementStatus.OPTION
    option_rank: int | None = Field(default=None, ge=1, le=99)
    option_expires_on: date | None = None
    notes: LongText | None = None


# Status changes go through confirm / release / cancel, which carry their consequences.
EngagementPatch = partial_model(EngagementIn, "EngagementPatch", exclude=frozenset({"status"}))


class HolderOut(BaseModel):
    """A confirmed engagement holding a room and dates."""

    engagement_id: int
    show_id: int
    show: str
    room_id: int
    room: str
    first_day: date
    last_day: date


CONFIDENTIAL = "Only for those who may read contracts"


class EngagementOut(RecordRead):
    show_id: int
    room_id: int
    first_day: date
    last_day: date
    status: EngagementStatus
    option_rank: int | None = None
    option_expires_on: date | None = None
    notes: str | None = None
    room_configuration_id: int | None = None
    tour_manager_id: int | None = None
    technical_contact_id: int | None = None
    host_contact_id: int | None = None
    party_size: int | None = None
    meals: str | None = None
    dressing_rooms: str | None = None
    accommodation: str | None = None
    travel: str | None = None
    # Only for those who may read contracts:
    fee: Decimal | None = Field(default=None, description="Only for those who may read contracts")
    vat_rate: Decimal | None = Field(default=None, description=CONFIDENTIAL)
    travel_costs: Decimal | None = Field(default=None, description=CONFIDENTIAL)
    accommodation_costs: Decimal | None = Field(default=None, description=CONFIDENTIAL)
    meal_costs: Decimal | None = Field(default=None, description=CONFIDENTIAL)
    authors_rights: str | None = Field(default=None, description=CONFIDENTIAL)
    contract_terms: str | None = Field(default=None, description=CONFIDENTIAL)
    contract_status: ContractStatus | None = Field(default=None, description=CONFIDENTIAL)
    contract_sent_on: date | None = Field(default=None, description=CONFIDENTIAL)
    contract_signed_on: date | None = Field(default=None, description=CONFIDENTIAL)
    blocked_by_id: int | None = Field(
        default=None, description="The confirmed engagement this option waits behind"
    )
    behind: HolderOut | None = Field(
        default=None, description="That engagement (in answers about one engagement)"
    )


# What decides who is where: a change to one of these may move other options' ranks or blocks.
PLACED = frozenset({"status", "room_id", "first_day", "last_day", "show_id", "option_rank"})
ACTIVE = ("tentative", "confirmed")


def _activities() -> Any:
    return Activity.__table__  # type: ignore[attr-defined]


def ranked(
    options: list[dict[str, Any]], leaving: Set[int] = frozenset(), favour: int | None = None
) -> dict[int, int]:
    """The ranks of a room's options once ``leaving`` are gone, the queue closed up.

    An option comes right behind the last of those ahead of it that overlap it: options on the
    same dates are ranked 1, 2, 3…; ``favour`` goes first among equal ranks (a rank asked for).
    """
    new: dict[int, int] = {}
    placed: dict[int, list[tuple[date, date, int]]] = {}
    order = sorted(
        (o for o in options if o["id"] not in leaving),
        key=lambda o: (o["option_rank"] or 99, o["id"] != favour, o["id"]),
    )
    for o in order:
        queue = placed.setdefault(o["room_id"], [])
        rank = 1 + max(
            (r for first, last, r in queue if first <= o["last_day"] and o["first_day"] <= last),
            default=0,
        )
        queue.append((o["first_day"], o["last_day"], rank))
        new[o["id"]] = rank
    return new


class EngagementService(EntityService):
    model = Engagement
    entity = "engagement"
    label = N_("engagement")
    workspace = Workspace.PROGRAMMING
    references = {
        "show_id": "show",
        "room_id": "room",
        "room_configuration_id": "room configuration",
        "tour_manager_id": "contact",
        "technical_contact_id": "contact",
        "host_contact_id": "contact",
    }
    filters = {
        "show_id": Filter("show_id", int),
        "room_id": Filter("room_id", int),
        "status": Filter("status", EngagementStatus),
        "contract_status": Filter("contract_status", ContractStatus, confidential=True),
    }
    order_by = ("first_day", "room_id", "option_rank", "id")
    log_refs = {"show_id": "show", "room_id": "room"}

    period = ("first_day", "last_day")

    # Moving an engagement that has performances goes through the move service, which moves
    # them too; a plain update of its room or dates would leave them behind.
    moves_attached: ClassVar[bool] = False

    def require_to_change(self, changes: Mapping[str, Any]) -> None:
        """As for every record, plus: the run's details alone (layout, people, hospitality)
        may be changed by those who write the planning."""
        if hospitality.planned_alone(self.actor, changes):
            self.require(Level.READ)
            return
        super().require_to_change(changes)

    async def check(self, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        if current is not None:
            await self.check_transition(values, current)
        problems: dict[str, str | Message] = {
            **contracts.check(values, current),
            **await hospitality.check(self.session, values, current),
        }
        if values["last_day"] < values["first_day"]:
            problems["last_day"] = _("must be on or after first_day")
        status = str(values.get("status") or "option")
        if status != "option" and values.get("option_rank") is not None and current is None:
            problems["option_rank"] = _("only options have a rank")
        if problems:
            raise Invalid(problems)
        if status == "option":
            if values.get("option_rank") is None:
                values["option_rank"] = await self.next_rank(values, current)
            holder = await holds.holder_of(self.session, values, self.ignoring)
            values["blocked_by_id"] = holder["engagement_id"] if holder else None
            return
        values["option_rank"] = None
        values["blocked_by_id"] = None
        if status == "confirmed" and (
            current is None or any(values.get(k) != current.get(k) for k in PLACED)
        ):
            holder = await holds.holder_of(self.session, values, self.ignoring)
            if holder is not None:
                raise holds.held(holder)

    async def check_transition(self, values: dict[str, Any], current: dict[str, Any]) -> None:
        if values.get("status") == "option" and current["status"] != "option":
            raise Invalid(
                {"status": _("a confirmed or cancelled engagement cannot become an option again")}
            )
        moved = any(values.get(k) != current.get(k) for k in ("room_id", "first_day", "last_day"))
        if moved and not self.moves_attached:
            a: Any = Activity.__table__  # type: ignore[attr-defined]
            attached = await self.session.execute(
                select(func.count()).where(
                    a.c.engagement_id == current["id"], a.c.status != "cancelled"
                )
            )
            if attached.scalar_one():
                raise Conflict(
                    _(
                        "This engagement has performances or activities: move it with "
                        "POST /api/v1/engagements/{id}/move so that they follow.",
                        id=current["id"],
                    )
                )

    async def next_rank(self, values: dict[str, Any], current: dict[str, Any] | None) -> int:
        """The next free rank among options competing for this room and period.

        Counted under the room's lock, so options created at the same moment queue one by one.
        """
        await lock_rooms(self.session, [values["room_id"]])
        t = self.table.c
        query = select(func.coalesce(func.max(t.option_rank), 0)).where(
            t.room_id == values["room_id"],
            t.status == "option",
            t.first_day <= values["last_day"],
            t.last_day >= values["first_day"],
        )
        if current is not None:
            query = query.where(t.id != current["id"])
        return int((await self.session.execute(query)).scalar_one()) + 1

    # -- who is where: locks first, then rows; ranks and blocks settled after each write -----
    ignoring: frozenset[int] = frozenset()  # engagements about to go (deleted): hold nothing

    async def lock_rooms(self, *room_ids: int | None) -> None:
        await lock_rooms(self.session, room_ids)

    async def settle(self, room_ids: set[int], favour: int | None = None) -> None:
        """After options came, left or moved in these rooms: ranks closed up (``favour`` first
        among equals), and every option's "blocked by" in step with what holds its dates."""
        rooms = sorted(room_ids)
        near = set(rooms)
        for room in rooms:
            near |= await linked_rooms(self.session, room)
        for option_id, holder in await holds.blocks_to_change(self.session, near, self.ignoring):
            await self.update_row(
                option_id,
                {"blocked_by_id": holder},
                None,
                action="blocked" if holder is not None else "unblocked",
            )
        options = await self.options_in(set(rooms))
        before = {o["id"]: o["option_rank"] for o in options}
        for option_id, rank in sorted(ranked(options, self.ignoring, favour).items()):
            if rank != before[option_id]:
                action = "promoted" if rank < (before[option_id] or 99) else "reranked"
                await self.update_row(option_id, {"option_rank": rank}, None, action=action)

    async def options_in(self, rooms: set[int]) -> list[dict[str, Any]]:
        """The options of these rooms, as ``ranked`` needs them."""
        e = self.table.c
        rows = await self.session.execute(
            select(e.id, e.room_id, e.first_day, e.last_day, e.option_rank).where(
                e.room_id.in_(sorted(rooms)), e.status == "option"
            )
        )
        return [dict(r) for r in rows.mappings()]

    async def competitors(self, engagement: dict[str, Any]) -> list[dict[str, Any]]:
        """Options of other shows on its dates, in its room or a room linked to it."""
        e = self.table.c
        rooms = {engagement["room_id"]} | await linked_rooms(self.session, engagement["room_id"])
        rows = await self.session.execute(
            select(self.table)
            .where(
                e.room_id.in_(sorted(rooms)),
                e.status == "option",
                e.show_id != engagement["show_id"],
                e.first_day <= engagement["last_day"],
                e.last_day >= engagement["first_day"],
            )
            .order_by(e.option_rank, e.first_day, e.id)
        )
        return [dict(r) for r in rows.mappings()]

    async def attached(self, engagement_id: int, statuses: tuple[str, ...]) -> list[dict[str, Any]]:
        a = _activities().c
        rows = await self.session.execute(
            select(_activities())
            .where(a.engagement_id == engagement_id, a.status.in_(statuses))
            .order_by(a.starts_at, a.id)
        )
        return [dict(r) for r in rows.mappings()]

    async def leave(self, option: dict[str, Any], action: str) -> dict[str, Any]:
        """Released or cancelled: out of the queue, its activities cancelled with it."""
        row = await self.update_row(
            option["id"], {"status": "cancelled", "option_rank": None}, None, action=action
        )
        activities = ActivityService(self.uow)
        performances = PerformanceService(self.uow)
        for activity in await self.attached(option["id"], ACTIVE):
            service = performances if activity["kind"] == "performance" else activities
            await service.update_row(
                activity["id"], {"status": "cancelled"}, None, action="cancelled"
            )
        return row

    async def displace(self, engagement: dict[str, Any]) -> list[dict[str, Any]]:
        """Just confirmed: if the venue releases competitors, other shows' options are released."""
        if self.uow.settings.confirm_competitors != "release":
            return []  # they are blocked behind it by ``settle``
        released = await self.competitors(engagement)
        for option in released:
            await self.leave(option, action="released")
        return released

    async def behind(self, row: dict[str, Any]) -> dict[str, Any]:
        """An engagement as answers about it show it: with what it waits behind, if anything."""
        shown = self.visible(row)
        if row.get("blocked_by_id") is not None:
            shown["behind"] = await holds.describe(self.session, row["blocked_by_id"])
        return shown

    async def present(self, row: dict[str, Any]) -> dict[str, Any]:
        return await self.behind(row)

    async def read(self, record_id: int) -> dict[str, Any]:
        self.require(Level.READ)
        return await self.behind(await self.get(record_id))

    async def create(self, data: dict[str, Any]) -> dict[str, Any]:
        self.require(Level.WRITE)
        self.guard_confidential({k: v for k, v in data.items() if v is not None})
        await self.lock_rooms(data.get("room_id"))
        row = await self.insert_row(data)
        released = await self.displace(row) if row["status"] == "confirmed" else []
        await self.settle(
            {row["room_id"], *(o["room_id"] for o in released)},
            favour=row["id"] if data.get("option_rank") else None,
        )
        await self.uow.commit()
        return await self.present(row)

    async def update(
        self, record_id: int, changes: dict[str, Any], expected_version: int | None
    ) -> dict[str, Any]:
        self.require_to_change(changes)  # fees alone: contracts write + programming read
        current = await self.get(record_id)
        await self.lock_rooms(current["room_id"], changes.get("room_id"))
        row = await self.update_row(record_id, changes, expected_version)
        if PLACED.intersection(changes):  # a note or a fee changes nobody's place
            favour = record_id if changes.get("option_rank") is not None else None
            await self.settle({current["room_id"], row["room_id"]}, favour=favour)
        await self.uow.commit()
        return await self.present(row)

    async def delete(self, record_id: int, expected_version: int | None) -> None:
        """Only for administrators (a mistake to erase): cancelling is how a run ends, and a
        cancelled run stays in the season with its history."""
        self.require(Level.WRITE)
        if not self.actor.is_admin:
            raise PermissionDenied(
                _("Only an administrator deletes an engagement; cancel it instead.")
            )
        current = await self.get(record_id)
        await self.lock_rooms(current["room_id"])
        self.check_version(current, expected_version)
        self.ignoring = frozenset({record_id})  # options behind it are unblocked, with history
        await self.settle({current["room_id"]})
        await self.delete_row(record_id, expected_version)
        await self.uow.commit()

    async def explain(
        self, error: DBAPIError, values: dict[str, Any], current: dict[str, Any] | None
    ) -> Exception:
        """A refused write: who holds the room (a confirmation that raced ours), or try again."""
        if refused_by(error, pg.ExclusionViolationError, ENGAGEMENT_HOLDS_NO_OVERLAP):
            holder = await holds.holder_of(self.session, values)
            if holder is not None:
                return holds.held(holder)
            return Conflict(
                _("The room was being confirmed for another show at the same moment; try again."),
                kind="room-held",
            )
        return await super().explain(error, values, current)
