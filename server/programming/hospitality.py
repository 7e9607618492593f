"""The run of an engagement as the road sheet and the welcome sheet tell it: the room's
configuration, the company's people for the run, the venue's person looking after them, and
hospitality (meals, dressing rooms, accommodation, travel).

Those who plan the days (Technique, Relations publiques) keep these up to date without the
right to change the programming: a change of these fields alone needs write access to the
planning and read access to the engagement.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.fields import Id, Input, LongText
from server.core.i18n import Message, _
from server.core.permissions import Level, Principal, Workspace
from server.technical.models import RoomConfiguration


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


def planned_alone(actor: Principal, changes: Mapping[str, Any]) -> bool:
    """A change of the run's details alone, by someone who may write the planning: they need
    only read the engagement (``EngagementService.require_to_change``)."""
    touched = set(changes) - {"version"}
    return bool(touched) and touched <= FIELDS and actor.can(Workspace.PLANNING, Level.WRITE)
