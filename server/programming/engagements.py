"""Engagements: a show in a room over a period, pencilled as a ranked option, then confirmed.

Fees and contract terms are confidential: only those who may read contracts see them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import Field
from sqlalchemy import func, select

from server.accounts.permissions import Workspace
from server.core.entities import EntityService, Filter
from server.core.errors import Conflict, Invalid
from server.core.fields import Id, Input, LongText
from server.core.records import RecordRead, partial_model
from server.planning.models import Activity
from server.programming.models import Engagement, EngagementStatus, Show
from server.technical.models import Room


class EngagementIn(Input):
    show_id: Id
    room_id: Id
    first_day: date
    last_day: date
    status: EngagementStatus = EngagementStatus.OPTION
    option_rank: int | None = Field(default=None, ge=1, le=99)
    option_expires_on: date | None = None
    fee: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    contract_terms: LongText | None = None
    notes: LongText | None = None


# Status changes go through confirm / release / cancel, which carry their consequences.
EngagementPatch = partial_model(EngagementIn, "EngagementPatch", exclude=frozenset({"status"}))


class EngagementOut(RecordRead):
    show_id: int
    room_id: int
    first_day: date
    last_day: date
    status: EngagementStatus
    option_rank: int | None = None
    option_expires_on: date | None = None
    fee: Decimal | None = Field(default=None, description="Only for those who may read contracts")
    contract_terms: str | None = Field(
        default=None, description="Only for those who may read contracts"
    )
    notes: str | None = None


class EngagementService(EntityService):
    model = Engagement
    entity = "engagement"
    label = "engagement"
    workspace = Workspace.PROGRAMMING
    references = {"show_id": (Show, "show"), "room_id": (Room, "room")}
    filters = {
        "show_id": Filter("show_id", int),
        "room_id": Filter("room_id", int),
        "status": Filter("status", EngagementStatus),
    }
    confidential = frozenset({"fee", "contract_terms"})
    order_by = ("first_day", "room_id", "option_rank", "id")
    log_refs = {"show_id": "show", "room_id": "room"}

    period = ("first_day", "last_day")

    # Moving an engagement that has performances goes through the move service, which moves
    # them too; a plain update of its room or dates would leave them behind.
    moves_attached: ClassVar[bool] = False

    async def check(self, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        if current is not None:
            await self.check_transition(values, current)
        problems: dict[str, str] = {}
        if values["last_day"] < values["first_day"]:
            problems["last_day"] = "must be on or after first_day"
        status = str(values.get("status") or "option")
        if status != "option" and values.get("option_rank") is not None and current is None:
            problems["option_rank"] = "only options have a rank"
        if problems:
            raise Invalid(problems)
        if status == "option" and values.get("option_rank") is None:
            values["option_rank"] = await self.next_rank(values, current)
        if status != "option":
            values["option_rank"] = None

    async def check_transition(self, values: dict[str, Any], current: dict[str, Any]) -> None:
        if values.get("status") == "option" and current["status"] != "option":
            raise Invalid(
                {"status": "a confirmed or cancelled engagement cannot become an option again"}
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
                    "this engagement has performances or activities: move it with "
                    f"POST /api/v1/engagements/{current['id']}/move so they follow"
                )

    async def next_rank(self, values: dict[str, Any], current: dict[str, Any] | None) -> int:
        """The next free rank among options competing for this room and period."""
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
