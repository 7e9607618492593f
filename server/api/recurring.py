"""Repeating activities over HTTP: create from a rule, list, read, delete all or one occurrence.

Thin: the rules (expansion, bounds, bookings) are in ``server.planning.recurring``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, delete, post
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from server.api.crud import crud_router, resolve_version
from server.api.guards import access
from server.api.openapi import CONDITIONAL
from server.core.permissions import Level, Workspace
from server.core.unit_of_work import UnitOfWork
from server.planning.activities import ActivityService
from server.planning.recurring import (
    RecurringActivities,
    RecurringActivityIn,
    RecurringActivityOut,
    RecurringActivityPlanOut,
)

PATH = "/recurring-activities"


@post(
    "/",
    opt=access(Workspace.PLANNING, Level.READ),  # a dry run only reads; the service checks
    summary="Create a repeating activity from a rule (dry_run lists its occurrences)",
    operation_id="create_activity_series",
    status_code=HTTP_201_CREATED,
)
async def create_series(
    request: Request[Any, Any, Any], uow: UnitOfWork, data: RecurringActivityIn
) -> Response[RecurringActivityPlanOut]:
    body = data.model_dump()
    dry_run = body.pop("dry_run")
    row = await RecurringActivities(uow).create_series(body, dry_run=dry_run)
    if dry_run:
        return Response(row, status_code=HTTP_200_OK)  # type: ignore[arg-type]
    return Response(
        row,  # type: ignore[arg-type]
        status_code=HTTP_201_CREATED,
        headers={
            "ETag": f'"v{row["version"]}"',
            "Location": f"{request.url.path.rstrip('/')}/{row['id']}",
        },
    )


@delete(
    "/{series_id:int}/occurrences/{activity_id:int}",
    opt={**access(Workspace.PLANNING, Level.WRITE), **CONDITIONAL},
    summary="Delete one occurrence (send the activity's If-Match); the others stay",
    operation_id="delete_activity_series_occurrence",
    status_code=HTTP_204_NO_CONTENT,
)
async def delete_occurrence(
    request: Request[Any, Any, Any],
    uow: UnitOfWork,
    series_id: int,
    activity_id: int,
    version: int | None = None,
) -> None:
    current = await ActivityService(uow).get(activity_id)
    expected = resolve_version(request, version, current["version"])
    await RecurringActivities(uow).delete_occurrence(series_id, activity_id, expected)


def recurring_routers() -> list[Router]:
    return [
        crud_router(
            PATH,
            RecurringActivities,
            RecurringActivityIn,
            RecurringActivityOut,
            tag="General planning",
            writable=False,
            deletable=True,  # the series and all its occurrences
            extra_handlers=[create_series, delete_occurrence],
        )
    ]
