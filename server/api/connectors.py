"""Connectors over HTTP: administrators manage them; readers of their workspace download them.

List, read and download are open to anyone signed in and filtered by the service (a connector
of performances is seen by Programming readers, its fees only by those who read contracts);
creating, changing, deleting and pushing need Administration write; a push holds only what
both the owner and the pusher read, like a download.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, delete, get, patch, post
from litestar.params import Parameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT
from pydantic import BaseModel, create_model

from server.api.crud import (
    Instant,
    Limit,
    Offset,
    RecordId,
    bound,
    record_response,
    resolve_version,
)
from server.api.guards import SIGNED_IN, access
from server.api.openapi import CONDITIONAL
from server.api.problems import speak_to
from server.api.records import content_disposition
from server.connectors.push import push
from server.connectors.service import (
    ConnectorIn,
    ConnectorOut,
    ConnectorService,
    EntityOut,
    catalogue,
)
from server.core.entities import DEFAULT_PAGE, ListQuery
from server.core.fields import Version
from server.core.permissions import Level, Workspace
from server.core.records import partial_model
from server.core.unit_of_work import UnitOfWork

MANAGE = access(Workspace.ADMINISTRATION, Level.WRITE)
ConnectorPatch = create_model(
    "ConnectorPatch",
    __base__=partial_model(ConnectorIn, "ConnectorPatchFields"),
    version=(Version | None, None),
)


class ConnectorPage(BaseModel):
    items: list[ConnectorOut]
    total: int
    limit: int
    offset: int


class PushOut(BaseModel):
    status: str
    rows: int


@get("/fields", opt=SIGNED_IN, summary="The fields a connector may map, per entity")
async def connector_fields(request: Request[Any, Any, Any]) -> list[EntityOut]:
    speak_to(request)  # the labels, in the reader's language
    return catalogue()


@get("/", opt=SIGNED_IN, summary="List the connectors of the workspaces I read")
async def list_connectors(
    uow: UnitOfWork, limit: Limit = DEFAULT_PAGE, offset: Offset = 0, updated_since: Instant = None
) -> ConnectorPage:
    since = bound(updated_since, "updated_since")
    page = await ConnectorService(uow).list(
        ListQuery(limit=limit, offset=offset, updated_since=since)
    )
    return ConnectorPage.model_validate(page.as_dict())


@get("/{record_id:int}", opt={**SIGNED_IN, **CONDITIONAL}, summary="Read a connector")
async def read_connector(uow: UnitOfWork, record_id: RecordId) -> ConnectorOut:
    return record_response(await ConnectorService(uow).read(record_id))  # type: ignore[return-value]


@post(
    "/",
    opt=MANAGE,
    summary="Create a connector (its push secret is in this answer only)",
    status_code=HTTP_201_CREATED,
)
async def create_connector(
    request: Request[Any, Any, Any], uow: UnitOfWork, data: ConnectorIn
) -> ConnectorOut:
    row = await ConnectorService(uow).create(data.model_dump())
    return record_response(row, HTTP_201_CREATED, f"/api/v1/connectors/{row['id']}")  # type: ignore[return-value]


@patch("/{record_id:int}", opt={**MANAGE, **CONDITIONAL}, summary="Change a connector (If-Match)")
async def update_connector(
    request: Request[Any, Any, Any],
    uow: UnitOfWork,
    record_id: RecordId,
    data: ConnectorPatch,  # type: ignore[valid-type]
) -> ConnectorOut:
    changes = data.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    body_version = changes.pop("version", None)
    service = ConnectorService(uow)
    current = await service.get(record_id)
    version = resolve_version(request, body_version, current["version"])
    return record_response(await service.update(record_id, changes, version))  # type: ignore[return-value]


@delete(
    "/{record_id:int}",
    opt={**MANAGE, **CONDITIONAL},
    summary="Delete a connector (If-Match)",
    status_code=HTTP_204_NO_CONTENT,
)
async def delete_connector(
    request: Request[Any, Any, Any],
    uow: UnitOfWork,
    record_id: RecordId,
    version: Annotated[int | None, Parameter(ge=0, le=2**31 - 1)] = None,
) -> None:
    service = ConnectorService(uow)
    current = await service.get(record_id)
    await service.delete(record_id, resolve_version(request, version, current["version"]))


@get(
    "/{record_id:int}/output",
    opt=SIGNED_IN,
    summary="Download a connector's file now (JSON, CSV or XLSX)",
    media_type="application/octet-stream",
)
async def download_connector(
    request: Request[Any, Any, Any], uow: UnitOfWork, record_id: RecordId
) -> Response[bytes]:
    output = await ConnectorService(uow).produce(record_id, reader=uow.actor)
    return Response(
        output.content,
        media_type=output.content_type,
        headers={
            "Content-Disposition": content_disposition(output.filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


@post("/{record_id:int}/push", opt=MANAGE, summary="Push a connector's file to its address now")
async def push_connector(uow: UnitOfWork, record_id: RecordId) -> PushOut:
    service = ConnectorService(uow)
    row = await service.get(record_id)
    output = await service.produce(record_id, reader=uow.actor)
    allow_private = uow.settings.webhook_allow_private
    return PushOut(status=await push(row, output, allow_private), rows=output.rows)


def connector_router() -> Router:
    return Router(
        path="/connectors",
        route_handlers=[
            connector_fields,
            list_connectors,
            read_connector,
            create_connector,
            update_connector,
            delete_connector,
            download_connector,
            push_connector,
        ],
        tags=["Feeds"],
    )
