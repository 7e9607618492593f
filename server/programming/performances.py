"""Performances: the activities of kind "performance", managed by Programming.

One row of truth: a performance is stored once, in the activity table, and appears both here
and in the general planning.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from server.core.entities import Filter, ListQuery
from server.core.errors import Invalid, NotFound
from server.core.i18n import N_, _
from server.core.permissions import Workspace
from server.planning.activities import PERFORMANCE_FIELDS, ActivityService
from server.planning.models import ActivityKind, ActivityStatus
from server.programming.models import Engagement, Show


class PerformanceService(ActivityService):
    entity = "performance"
    label = N_("performance")
    workspace = Workspace.PROGRAMMING
    filters = {
        "room_id": Filter("room_id", int),
        "status": Filter("status", ActivityStatus),
        "show_id": Filter("show_id", int),
        "engagement_id": Filter("engagement_id", int),
    }
    search_columns = ("title", "ticketing_ref", "notes")

    def base_query(self) -> Select[Any]:
        columns = [self.table.c[name] for name in PERFORMANCE_FIELDS]
        return select(*columns).where(self.table.c.kind == ActivityKind.PERFORMANCE.value)

    def apply_filters(self, query: Select[Any], q: ListQuery) -> Select[Any]:
        query = super().apply_filters(query, q)
        return query.where(self.table.c.kind == ActivityKind.PERFORMANCE.value)

    async def get(self, record_id: int, *, for_update: bool = False) -> dict[str, Any]:
        row = await super().get(record_id, for_update=for_update)
        if row["kind"] != ActivityKind.PERFORMANCE.value:
            raise NotFound(self.not_found(record_id))
        return row

    async def present(self, row: dict[str, Any]) -> dict[str, Any]:
        return self.visible({name: row[name] for name in PERFORMANCE_FIELDS})

    async def check(self, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        values["kind"] = ActivityKind.PERFORMANCE.value
        if values.get("engagement_id") is not None:
            e: Any = Engagement.__table__  # type: ignore[attr-defined]
            found = await self.session.execute(select(e).where(e.c.id == values["engagement_id"]))
            engagement = found.mappings().first()
            if engagement is None:
                raise Invalid(
                    {"engagement_id": self.missing(N_("engagement"), values["engagement_id"])}
                )
            values["show_id"] = values.get("show_id") or engagement["show_id"]
            values["room_id"] = values.get("room_id") or engagement["room_id"]
            if values["show_id"] != engagement["show_id"]:
                raise Invalid({"show_id": _("differs from the show of the engagement")})
            if values.get("status") is None:
                values["status"] = (
                    ActivityStatus.TENTATIVE.value
                    if engagement["status"] == "option"
                    else ActivityStatus.CANCELLED.value
                    if engagement["status"] == "cancelled"
                    else ActivityStatus.CONFIRMED.value
                )
        if values.get("show_id") is None:
            raise Invalid({"engagement_id": _("a performance belongs to an engagement or a show")})
        if values.get("status") is None:
            values["status"] = ActivityStatus.CONFIRMED.value
        if not values.get("title"):
            show: Any = Show.__table__  # type: ignore[attr-defined]
            title = await self.session.execute(
                select(show.c.title).where(show.c.id == values["show_id"])
            )
            found_title = title.scalar_one_or_none()
            if found_title is None:
                raise Invalid({"show_id": self.missing(N_("show"), values["show_id"])})
            values["title"] = found_title
        await super().check(values, current)
