"""The programming workflow over HTTP: options, confirmation, series, templates, moves,
availability and the timeline. Thin: every rule is in the services."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from litestar import Request, Response, Router, get, patch, post
from litestar.params import Parameter
from pydantic import Field

from server.api.crud import crud_router, record_response, resolve_version
from server.api.guards import access
from server.api.openapi import CONDITIONAL
from server.api.problems import speak_to
from server.core.entities import EntityService
from server.core.errors import Invalid
from server.core.fields import Id, Input, Version
from server.core.i18n import _
from server.core.localtime import day_of, parse_instant
from server.core.permissions import Level, Workspace
from server.core.unit_of_work import UnitOfWork
from server.planning import kinds
from server.planning.availability import AvailabilityFinder, AvailabilityQuery
from server.planning.kinds import ActivityKindOut, ActivityKindPatch
from server.planning.templates import TemplateIn, TemplateOut, TemplateService
from server.planning.timeline import Timeline
from server.programming.engagements import EngagementOut
from server.programming.moves import EngagementMove, Mover, PerformanceMove
from server.programming.options import OptionDesk
from server.programming.performances import PerformanceService
from server.programming.series import SeriesIn, SeriesPlanner
from server.programming.technical_activities import ApplyIn, TechnicalPlanner
from server.technical.rooms import RoomLinkIn, RoomLinkOut, RoomLinkService

PROGRAMMING_READ = access(Workspace.PROGRAMMING, Level.READ)
PROGRAMMING_WRITE = access(Workspace.PROGRAMMING, Level.WRITE)
PLANNING_READ = access(Workspace.PLANNING, Level.READ)


class DuplicateTarget(Input):
    room_id: Id | None = None
    first_day: date | None = None
    last_day: date | None = None
    option_expires_on: date | None = None


class DuplicateIn(Input):
    targets: list[DuplicateTarget] = Field(min_length=1, max_length=50)


class VersionIn(Input):
    version: Version | None = None


async def _version(
    request: Request[Any, Any, Any],
    service: EntityService,
    record_id: int,
    body_version: int | None,
) -> int | None:
    """The version the client based its change on (If-Match or body), checked for presence."""
    current = await service.get(record_id)
    return resolve_version(request, body_version, current["version"])


# -- options ---------------------------------------------------------------------------------
@get(
    "/competing",
    opt=PROGRAMMING_READ,
    summary="Options competing for a room and period, best rank first",
)
async def competing(
    uow: UnitOfWork, room_id: int, first_day: date, last_day: date
) -> list[EngagementOut]:
    if last_day < first_day:
        raise Invalid({"last_day": _("must be on or after first_day")})
    return await OptionDesk(uow).competing(room_id, first_day, last_day)  # type: ignore[return-value]


@get("/expiring", opt=PROGRAMMING_READ, summary="Expired options and those expiring soon")
async def expiring(
    uow: UnitOfWork, within_days: Annotated[int, Parameter(ge=0, le=365)] = 14
) -> list[dict[str, Any]]:
    return await OptionDesk(uow).expiring(within_days, day_of(datetime.now().astimezone()))


@post(
    "/{engagement_id:int}/duplicate",
    opt=PROGRAMMING_WRITE,
    summary="Duplicate an option to other dates or rooms",
    status_code=201,
)
async def duplicate(uow: UnitOfWork, engagement_id: int, data: DuplicateIn) -> list[EngagementOut]:
    targets = [t.model_dump() for t in data.targets]
    return await OptionDesk(uow).duplicate(engagement_id, targets)  # type: ignore[return-value]


@get(
    "/{engagement_id:int}/confirmation",
    opt=PROGRAMMING_READ,
    summary="Preview a confirmation: options released, ranks moved, conflicts",
)
async def confirmation_preview(uow: UnitOfWork, engagement_id: int) -> dict[str, Any]:
    return await OptionDesk(uow).preview(engagement_id)


def _step(name: str, summary: str) -> Any:
    """confirm / release / cancel: the same shape, each with its own route and rules."""

    async def handler(
        request: Request[Any, Any, Any],
        uow: UnitOfWork,
        engagement_id: int,
        data: VersionIn | None = None,
    ) -> EngagementOut:
        desk = OptionDesk(uow)
        version = await _version(request, desk, engagement_id, data.version if data else None)
        row = await getattr(desk, name)(engagement_id, version)
        return record_response(row)  # type: ignore[return-value]

    handler.__name__ = name
    return post(
        f"/{{engagement_id:int}}/{name}",
        opt={**PROGRAMMING_WRITE, **CONDITIONAL},
        summary=summary,
        status_code=200,
        operation_id=f"{name}_engagement",
    )(handler)


confirm = _step("confirm", "Confirm an option (send If-Match)")
release = _step("release", "Release an option (those behind move up)")
cancel = _step("cancel", "Cancel an engagement and its activities")


@post(
    "/{engagement_id:int}/performances",
    opt=PROGRAMMING_READ,
    summary="Generate performances (dry_run previews; false creates all or none)",
    status_code=200,
)
async def generate(uow: UnitOfWork, engagement_id: int, data: SeriesIn) -> dict[str, Any]:
    return await SeriesPlanner(uow).generate(engagement_id, data)


@post(
    "/{engagement_id:int}/technical-activities",
    opt=PLANNING_READ,
    summary="Place technical activities from templates (dry_run previews)",
    status_code=200,
)
async def technical_activities(
    uow: UnitOfWork, engagement_id: int, data: ApplyIn
) -> dict[str, Any]:
    return await TechnicalPlanner(uow).apply(engagement_id, data)


@post(
    "/{engagement_id:int}/move",
    opt={**PROGRAMMING_READ, **CONDITIONAL},
    summary="Move an engagement with its performances and activities (dry_run previews)",
    status_code=200,
)
async def move_engagement(
    request: Request[Any, Any, Any], uow: UnitOfWork, engagement_id: int, data: EngagementMove
) -> dict[str, Any]:
    version = (
        None if data.dry_run else await _version(request, OptionDesk(uow), engagement_id, None)
    )
    return await Mover(uow).move_engagement(engagement_id, data, version)


@post(
    "/{performance_id:int}/move",
    opt={**PROGRAMMING_READ, **CONDITIONAL},
    summary="Move a performance with its attached activities (dry_run previews)",
    status_code=200,
)
async def move_performance(
    request: Request[Any, Any, Any], uow: UnitOfWork, performance_id: int, data: PerformanceMove
) -> dict[str, Any]:
    performances = PerformanceService(uow)
    version = None if data.dry_run else await _version(request, performances, performance_id, None)
    return await Mover(uow).move_performance(performance_id, data, version)


# -- planning ----------------------------------------------------------------------------------
@post(
    "/availability",
    opt=PLANNING_READ,
    summary="Periods when rooms are free for a run of days (with a get-in before), options shown",
    status_code=200,
)
async def availability(
    request: Request[Any, Any, Any], uow: UnitOfWork, data: AvailabilityQuery
) -> list[dict[str, Any]]:
    speak_to(request)  # the labels are read by a person
    return await AvailabilityFinder(uow).find(data)


@get(
    "/timeline",
    opt={**PLANNING_READ, **CONDITIONAL},
    summary="Rooms and every activity in a range (ETag, 304)",
)
async def timeline(
    request: Request[Any, Any, Any],
    uow: UnitOfWork,
    start: Annotated[str, Parameter(description="ISO 8601 instant, or a day (its midnight)")],
    end: Annotated[str, Parameter(description="ISO 8601 instant, or a day (its midnight)")],
    room_id: Annotated[list[int] | None, Parameter(description="Repeat to pick rooms")] = None,
    kind: Annotated[list[str] | None, Parameter(description="Repeat to pick kinds")] = None,
    include_cancelled: bool = False,
) -> Response[bytes]:
    tl = Timeline(uow)
    tl.require()
    start_at, end_at = parse_instant(start, "start"), parse_instant(end, "end")
    await tl.check(start_at, end_at)
    seq = await tl.last_seq()
    tag = tl.etag(
        seq,
        {
            "start": start_at.isoformat(),
            "end": end_at.isoformat(),
            "rooms": room_id,
            "kinds": kind,
            "cancelled": include_cancelled,
        },
    )
    if tag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
        return Response(b"", status_code=304, headers={"ETag": tag})
    body = await tl.build(start_at, end_at, room_id, kind, include_cancelled, seq)
    return Response(
        body.encode(),
        media_type="application/json",
        headers={"ETag": tag, "Cache-Control": "private, no-cache"},
    )


@get(
    "/activity-kinds",
    opt=PLANNING_READ,
    summary="Kinds of activity: names, colour, and whether they block their room",
)
async def activity_kinds(uow: UnitOfWork) -> list[ActivityKindOut]:
    return await kinds.list_kinds(uow)  # type: ignore[return-value]


@patch(
    "/activity-kinds/{kind:str}",
    opt=access(Workspace.PLANNING, Level.MANAGE),
    summary="Change a kind: whether it blocks its room, its names, its colour",
)
async def set_activity_kind(uow: UnitOfWork, kind: str, data: ActivityKindPatch) -> ActivityKindOut:
    return await kinds.update_kind(uow, kind, data.model_dump(exclude_unset=True))  # type: ignore[return-value]


def workflow_routers() -> list[Router]:
    return [
        Router(
            path="/engagements",
            route_handlers=[
                competing,
                expiring,
                duplicate,
                confirmation_preview,
                confirm,
                release,
                cancel,
                generate,
                technical_activities,
                move_engagement,
            ],
            tags=["Programming"],
        ),
        Router(path="/performances", route_handlers=[move_performance], tags=["Programming"]),
        Router(
            path="/",
            route_handlers=[availability, timeline, activity_kinds, set_activity_kind],
            tags=["General planning"],
        ),
        crud_router(
            "/activity-templates", TemplateService, TemplateIn, TemplateOut, tag="General planning"
        ),
        crud_router(
            "/room-links",
            RoomLinkService,
            RoomLinkIn,
            RoomLinkOut,
            tag="Technical",
            updatable=False,
        ),
    ]
