"""The day sheet route (the phone's day view): thin, the rules are in planning.day_sheet."""

from __future__ import annotations

from datetime import date, datetime

from litestar import Router, get
from pydantic import BaseModel

from server.api.guards import access
from server.core.errors import Invalid
from server.core.i18n import _
from server.core.permissions import Level, Workspace
from server.core.unit_of_work import UnitOfWork
from server.planning.day_sheet import DaySheets
from server.planning.models import ActivityKind


class DayRoom(BaseModel):
    id: int
    name: str
    venue_id: int
    venue: str


class DayShow(BaseModel):
    id: int
    title: str


class DayCompany(BaseModel):
    id: int
    name: str
    phone: str | None


class DayContact(BaseModel):
    id: int
    name: str
    role: str | None
    phones: list[str]
    emails: list[str]


class DayEntry(BaseModel):
    id: int
    kind: ActivityKind
    status: str
    tentative: bool
    title: str
    room_id: int | None
    starts_at: datetime
    ends_at: datetime
    version: int
    notes: str | None
    engagement_id: int | None
    performance_id: int | None
    team_id: int | None
    show: DayShow | None
    """Only for those who may read Programming."""
    company: DayCompany | None
    """Only for those who may read Programming and the Directory."""
    contacts: list[DayContact]
    """The company's contacts, those with a phone first; only with the Directory."""


class DaySheetOut(BaseModel):
    day: date
    seq: int
    """The change-log sequence number this sheet reflects (live updates resume from it)."""
    rooms: list[DayRoom]
    entries: list[DayEntry]


@get(
    "/{day:str}",
    opt=access(Workspace.PLANNING, Level.READ),
    summary="One day, room by room, with the company contacts to call (the phone's day view)",
)
async def day_sheet(uow: UnitOfWork, day: str) -> DaySheetOut:
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        raise Invalid({"day": _("use a date such as 2026-10-05")}) from None
    sheet = await DaySheets(uow).read(wanted)
    return DaySheetOut.model_validate(
        {"day": sheet.day, "seq": sheet.seq, "rooms": sheet.rooms, "entries": sheet.entries}
    )


day_router = Router(path="/day-sheets", route_handlers=[day_sheet], tags=["General planning"])
