"""Venues: our own buildings and partner venues, with their access notes."""

from __future__ import annotations

from server.core.entities import EntityService, Filter
from server.core.fields import Input, LongText, Name, Phone, Short
from server.core.i18n import N_
from server.core.permissions import Workspace
from server.core.records import RecordRead
from server.technical.models import Venue


class VenueIn(Input):
    name: Name
    address: LongText | None = None
    postcode: Short | None = None
    city: Short | None = None
    country: Short | None = "FR"
    phone: Phone | None = None
    access_notes: LongText | None = None
    is_own: bool = True
    notes: LongText | None = None


class VenueOut(VenueIn, RecordRead):
    pass


class VenueService(EntityService):
    model = Venue
    entity = "venue"
    label = N_("venue")
    workspace = Workspace.TECHNICAL
    filters = {
        "is_own": Filter(
            "is_own", bool, description="Only our own venues (true) or partners (false)"
        )
    }
    search_columns = ("name", "city")
    order_by = ("name", "id")
