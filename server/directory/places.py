"""Places: where things happen. One of our venues is linked, so it is never typed twice."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Select, func, or_, select

from server.core.entities import EntityService, Filter, ListQuery
from server.core.errors import Invalid
from server.core.fields import Id, Input, LongText, Name, Short
from server.core.i18n import N_, _
from server.core.permissions import Workspace
from server.core.records import RecordRead
from server.directory.models import Place
from server.technical.models import Venue

LINKED_FIELDS = ("name", "address", "postcode", "city", "country")


class PlaceIn(Input):
    name: Name | None = None
    address: LongText | None = None
    postcode: Short | None = None
    city: Short | None = None
    country: Short | None = None
    venue_id: Id | None = None
    notes: LongText | None = None


class PlaceOut(PlaceIn, RecordRead):
    linked_version: int | None = None  # the linked venue's version


class PlaceService(EntityService):
    model = Place
    entity = "place"
    label = N_("place")
    workspace = Workspace.DIRECTORY
    references = {"venue_id": "venue"}
    filters = {"venue_id": Filter("venue_id", int)}
    search_columns = ("name", "city")
    order_by = ("name", "id")

    def base_query(self) -> Select[Any]:
        """A linked place shows its venue's name and address, read live from Technical."""
        place = self.table
        venue: Any = Venue.__table__  # type: ignore[attr-defined]
        linked = [func.coalesce(venue.c[f], place.c[f]).label(f) for f in LINKED_FIELDS]
        others = [c for c in place.c if c.name not in LINKED_FIELDS]
        # The venue's version joins the place's in its ETag (see api/crud.py etag).
        linked.append(venue.c.version.label("linked_version"))
        return select(*others, *linked).select_from(
            place.outerjoin(venue, venue.c.id == place.c.venue_id)
        )

    def apply_filters(self, query: Select[Any], q: ListQuery) -> Select[Any]:
        """Text search finds a linked place by what it shows: its venue's name and city."""
        query = super().apply_filters(query, replace(q, text=None))
        if q.text:
            escaped = q.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            place = self.table
            venue = Venue.__table__.alias("searched_venue")  # type: ignore[attr-defined]

            def matches(table: Any) -> Any:
                return or_(
                    *(table.c[name].ilike(pattern, escape="\\") for name in self.search_columns)
                )

            query = query.where(
                or_(matches(place), place.c.venue_id.in_(select(venue.c.id).where(matches(venue))))
            )
        return query

    async def check(self, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        if values.get("venue_id") is None and not values.get("name"):
            raise Invalid(
                {"name": _("a place needs a name, or a venue_id linking one of our venues")}
            )
        if values.get("venue_id") is not None:
            copied = [f for f in LINKED_FIELDS if values.get(f)]
            if copied:
                raise Invalid(
                    {f: _("comes from the linked venue; change it in Technical") for f in copied}
                )

    async def present(self, row: dict[str, Any]) -> dict[str, Any]:
        query = self.base_query().where(self.table.c.id == row["id"])
        return self.visible((await self.session.execute(query)).mappings().one())
