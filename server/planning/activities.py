"""Activities: everything that happens in a room (get-in, rehearsal, service, meeting…).

Performances are activities too, but they belong to Programming: this module refuses to
create or change them, so that only those who may write Programming do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from server.accounts.models import User
from server.core.cascade import delete_dependents
from server.core.entities import EntityService, Filter
from server.core.errors import Invalid, PermissionDenied
from server.core.fields import Id, Input, LongText, Name, Short
from server.core.i18n import N_, _, ngettext
from server.core.localtime import venue_time
from server.core.permissions import Workspace
from server.core.records import RecordRead
from server.planning.bookings import double_booking, is_double_booking
from server.planning.models import Activity, ActivityKind, ActivityStatus


class ActivityIn(Input):
    kind: ActivityKind
    title: Name
    room_id: Id | None = None
    starts_at: datetime
    ends_at: datetime
    status: ActivityStatus = ActivityStatus.CONFIRMED
    engagement_id: Id | None = None
    performance_id: Id | None = None
    show_id: Id | None = None
    team_id: Id | None = None
    assignee_ids: list[Id] = Field(
        default_factory=list, max_length=50, description="Users it is assigned to"
    )
    notes: LongText | None = None


class ActivityOut(RecordRead):
    kind: ActivityKind
    title: str
    room_id: int | None
    starts_at: datetime
    ends_at: datetime
    status: ActivityStatus
    engagement_id: int | None
    performance_id: int | None
    show_id: int | None
    team_id: int | None
    assignee_ids: list[int]
    notes: str | None
    ticketing_ref: str | None
    audio_description: bool
    sign_language: bool
    surtitles: bool
    relaxed: bool
    series_id: int | None = Field(default=None, description="Its repeating activity, if any")
    occurrence_start: datetime | None = Field(
        default=None, description="Where its repeating activity's rule placed it"
    )


def localise(moment: datetime, field: str) -> datetime:
    """A time without offset is the venue's wall-clock time (Europe/Paris by default)."""
    return venue_time(moment, field)


class ActivityService(EntityService):
    model = Activity
    entity = "activity"
    label = N_("activity")
    workspace = Workspace.PLANNING
    references = {
        "room_id": "room",
        "engagement_id": "engagement",
        "performance_id": "performance",
        "show_id": "show",
        "team_id": "team",
    }
    filters = {
        "room_id": Filter("room_id", int),
        "kind": Filter("kind", ActivityKind),
        "status": Filter("status", ActivityStatus),
        "show_id": Filter("show_id", int),
        "engagement_id": Filter("engagement_id", int),
        "team_id": Filter("team_id", int),
        "series_id": Filter("series_id", int, description="Only the occurrences of this series"),
    }
    search_columns: ClassVar[Sequence[str]] = ("title", "notes")
    period = ("starts_at", "ends_at")
    order_by = ("starts_at", "room_id", "id")
    # Where and when, on every change: live timelines and calendars place an event without
    # reading the activity back (and with its version, a screen can move it next).
    log_refs = {
        "room_id": "room",
        "engagement_id": "engagement",
        "show_id": "show",
        "performance_id": "activity",
        "team_id": "team",
        "assignee_ids": "users",
        "kind": "kind",
        "status": "status",
        "starts_at": "time",
        "ends_at": "time",
        "version": "version",
        "series_id": "activity_series",
    }

    async def check(self, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        is_performance = values.get("kind") == ActivityKind.PERFORMANCE or (
            current is not None and current.get("kind") == ActivityKind.PERFORMANCE.value
        )
        if is_performance and type(self) is ActivityService:
            raise PermissionDenied(
                _("Performances are managed in Programming (/api/v1/performances).")
            )
        for key in ("starts_at", "ends_at"):
            values[key] = localise(values[key], key)
        if values["ends_at"] <= values["starts_at"]:
            raise Invalid({"ends_at": _("must be after starts_at")})
        if values.get("assignee_ids"):
            values["assignee_ids"] = sorted(set(values["assignee_ids"]))
            users: Any = User.__table__  # type: ignore[attr-defined]
            found = await self.session.execute(
                select(users.c.id).where(users.c.id.in_(values["assignee_ids"]))
            )
            missing = set(values["assignee_ids"]) - set(found.scalars())
            if missing:
                raise Invalid(
                    {
                        "assignee_ids": ngettext(
                            "unknown user: {ids}",
                            "unknown users: {ids}",
                            len(missing),
                            ids=", ".join(map(str, sorted(missing))),
                        )
                    }
                )
        if values.get("performance_id") is not None:
            parent = await self.get_kind(values["performance_id"])
            if parent != ActivityKind.PERFORMANCE.value:
                raise Invalid({"performance_id": _("must name a performance")})

    async def delete_row(self, record_id: int, expected_version: int | None) -> dict[str, Any]:
        if type(self) is ActivityService:
            kind = await self.get_kind(record_id)
            if kind == ActivityKind.PERFORMANCE.value:
                raise PermissionDenied(
                    _("Performances are managed in Programming (/api/v1/performances).")
                )
        # Services of a performance go with it, each with its own line in the history.
        await delete_dependents(ActivityService(self.uow), "performance_id", record_id)
        return await super().delete_row(record_id, expected_version)

    async def explain(
        self, error: DBAPIError, values: dict[str, Any], current: dict[str, Any] | None
    ) -> Exception:
        if is_double_booking(error):
            exclude = [current["id"]] if current else []
            return await double_booking(self.session, values, exclude)
        return await super().explain(error, values, current)

    async def get_kind(self, activity_id: int) -> str | None:
        row = await self.session.execute(
            self.table.select()
            .with_only_columns(self.table.c.kind)
            .where(self.table.c.id == activity_id)
        )
        return row.scalar_one_or_none()


class PerformanceIn(Input):
    engagement_id: Id | None = None
    show_id: Id | None = None
    room_id: Id | None = None
    title: Name | None = None
    starts_at: datetime
    ends_at: datetime
    status: ActivityStatus | None = None
    ticketing_ref: Short | None = None
    audio_description: bool = False
    sign_language: bool = False
    surtitles: bool = False
    relaxed: bool = False
    notes: LongText | None = None


class PerformanceOut(RecordRead):
    engagement_id: int | None
    show_id: int | None
    room_id: int | None
    title: str
    starts_at: datetime
    ends_at: datetime
    status: ActivityStatus
    ticketing_ref: str | None
    audio_description: bool
    sign_language: bool
    surtitles: bool
    relaxed: bool
    notes: str | None


PERFORMANCE_FIELDS = tuple(PerformanceOut.model_fields)
