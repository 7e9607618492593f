"""The run of an engagement as the road sheet and the welcome sheet tell it: the room's
configuration, the company's people for the run, the venue's person looking after them, and
hospitality (meals, dressing rooms, accommodation, travel).

Those who plan the days (Technique, Relations publiques) keep these up to date without the
right to change the programming: ``PATCH /api/v1/engagements/{id}/hospitality`` needs write
access to the planning and read access to the engagement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts.permissions import Level, Workspace
from server.core.errors import PermissionDenied
from server.core.fields import Id, Input, LongText
from server.core.i18n import Message, _
from server.technical.models import RoomConfiguration

if TYPE_CHECKING:
    from server.programming.engagements import EngagementService


class HospitalityFields(Input):
    """What the run needs besides the dates; each may be left out."""

    room_configuration_id: Id | None = Field(
        default=None, description="The layout of the engagement's room used for this run"
    )
    tour_manager_id: Id | None = Field(
        default=None, description="The company's tour manager for the run (a contact)"
    )
    technical_contact_id: Id | None = Field(
        default=None, description="The company's stage or technical manager (a contact)"
    )
    host_contact_id: Id | None = Field(
        default=None, description="The venue's person looking after the company (a contact)"
    )
    party_size: int | None = Field(
        default=None, ge=0, le=500, description="People on the road with the show"
    )
    meals: LongText | None = Field(default=None, description="Catering, dietary needs")
    dressing_rooms: LongText | None = None
    accommodation: LongText | None = Field(default=None, description="Hotel, nights, rooms")
    travel: LongText | None = Field(default=None, description="Arrivals, departures, vehicles")


FIELDS = frozenset(HospitalityFields.model_fields)


async def check(
    session: AsyncSession, values: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, str | Message]:
    """The configuration belongs to the engagement's room; moving the engagement to another
    room leaves the old room's layout behind (it does not apply there)."""
    chosen = values.get("room_configuration_id")
    if chosen is None:
        return {}
    c: Any = RoomConfiguration.__table__  # type: ignore[attr-defined]
    room = (await session.execute(select(c.c.room_id).where(c.c.id == chosen))).scalar()
    if room is None:
        return {"room_configuration_id": _("unknown room configuration {id}", id=chosen)}
    if room != values["room_id"]:
        kept = current is not None and current.get("room_configuration_id") == chosen
        if kept and current is not None and current.get("room_id") != values["room_id"]:
            values["room_configuration_id"] = None
            return {}
        return {"room_configuration_id": _("is a configuration of another room")}
    return {}


async def update(
    service: EngagementService,
    record_id: int,
    changes: dict[str, Any],
    expected_version: int | None,
) -> dict[str, Any]:
    """Change the run's details: needs write access to the planning and read access to the
    engagement."""
    service.require(Level.READ)
    if not service.actor.can(Workspace.PLANNING, Level.WRITE):
        raise PermissionDenied(_("write access to planning is needed to do this"))
    row = await service.update_row(record_id, changes, expected_version)
    await service.uow.commit()
    return await service.present(row)
