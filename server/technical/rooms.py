"""Rooms of a venue and their configurations (seating and stage layouts)."""

from __future__ import annotations

from pydantic import BaseModel

from server.accounts.permissions import Workspace
from server.core.entities import EntityService, Filter
from server.core.fields import Colour, Count, Id, LongText, Name
from server.core.records import RecordRead
from server.technical.models import Room, RoomConfiguration, Venue


class RoomIn(BaseModel):
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
    label = "room"
    workspace = Workspace.TECHNICAL
    references = {"venue_id": (Venue, "venue")}
    filters = {"venue_id": Filter("venue_id", int)}
    search_columns = ("name",)
    order_by = ("venue_id", "position", "name", "id")
    log_refs = {"venue_id": "venue"}


class RoomConfigurationIn(BaseModel):
    room_id: Id
    name: Name
    capacity: Count | None = None
    description: LongText | None = None


class RoomConfigurationOut(RoomConfigurationIn, RecordRead):
    pass


class RoomConfigurationService(EntityService):
    model = RoomConfiguration
    entity = "room_configuration"
    label = "room configuration"
    workspace = Workspace.TECHNICAL
    references = {"room_id": (Room, "room")}
    filters = {"room_id": Filter("room_id", int)}
    search_columns = ("name",)
    order_by = ("room_id", "name", "id")
    log_refs = {"room_id": "room"}
