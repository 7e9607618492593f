"""Rooms of a venue and their configurations (seating and stage layouts)."""

from __future__ import annotations

from typing import Any

from asyncpg import exceptions as pg
from sqlalchemy.exc import DBAPIError

from server.core.cascade import delete_dependents
from server.core.entities import EntityService, Filter
from server.core.errors import Conflict, Invalid
from server.core.fields import Colour, Count, Id, Input, LongText, Name
from server.core.i18n import N_, _
from server.core.permissions import Workspace
from server.core.records import RecordRead
from server.core.refusals import postgres_error
from server.technical.models import Room, RoomConfiguration, RoomLink
from server.technical.sheets import TechnicalSheetService


class RoomIn(Input):
    venue_id: Id
    name: Name
    capacity: Count | None = None
    position: Count = 0
    color: Colour | None = None
    notes: LongText | None = None


class RoomOut(RoomIn, RecordRead):
    pass


class RoomService(EntityService):
    model = Room
    entity = "room"
    label = N_("room")
    workspace = Workspace.TECHNICAL
    references = {"venue_id": "venue"}
    filters = {"venue_id": Filter("venue_id", int)}
    search_columns = ("name",)
    order_by = ("venue_id", "position", "name", "id")
    log_refs = {"venue_id": "venue"}

    async def delete_row(self, record_id: int, expected_version: int | None) -> dict[str, Any]:
        await delete_dependents(RoomConfigurationService(self.uow), "room_id", record_id)
        await delete_dependents(TechnicalSheetService(self.uow), "room_id", record_id)
        for column in ("room_id", "other_room_id"):
            await delete_dependents(RoomLinkService(self.uow), column, record_id)
        return await super().delete_row(record_id, expected_version)


class RoomConfigurationIn(Input):
    room_id: Id
    name: Name
    capacity: Count | None = None
    description: LongText | None = None


class RoomConfigurationOut(RoomConfigurationIn, RecordRead):
    pass


class RoomConfigurationService(EntityService):
    model = RoomConfiguration
    entity = "room_configuration"
    label = N_("room configuration")
    workspace = Workspace.TECHNICAL
    references = {"room_id": "room"}
    filters = {"room_id": Filter("room_id", int)}
    search_columns = ("name",)
    order_by = ("room_id", "name", "id")
    log_refs = {"room_id": "room"}


class RoomLinkIn(Input):
    room_id: Id
    other_room_id: Id
    reason: LongText | None = None


class RoomLinkOut(RoomLinkIn, RecordRead):
    pass


class RoomLinkService(EntityService):
    """Rooms that cannot be used at the same time; the booking constraint covers them too."""

    model = RoomLink
    entity = "room_link"
    label = N_("room link")
    workspace = Workspace.TECHNICAL
    references = {"room_id": "room", "other_room_id": "room"}
    filters = {"room_id": Filter("room_id", int), "other_room_id": Filter("other_room_id", int)}
    log_refs = {"room_id": "room", "other_room_id": "room"}

    async def check(self, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        if values["room_id"] == values["other_room_id"]:
            raise Invalid({"other_room_id": _("a room cannot be linked to itself")})
        if values["room_id"] > values["other_room_id"]:  # stored once, in order
            values["room_id"], values["other_room_id"] = values["other_room_id"], values["room_id"]

    async def explain(
        self, error: DBAPIError, values: dict[str, Any], current: dict[str, Any] | None
    ) -> Exception:
        # A link makes the rooms share their bookings: only their exclusion can refuse it (or a
        # deadlock with a booking being written into one of them meanwhile).
        if isinstance(postgres_error(error), pg.ExclusionViolationError | pg.DeadlockDetectedError):
            return Conflict(
                _(
                    "These rooms are already used at the same time; move one of the activities "
                    "before linking them."
                ),
                kind="double-booking",
            )
        return await super().explain(error, values, current)
