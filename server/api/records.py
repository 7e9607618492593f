"""The record routes of the four workspaces, built from their services and schemas."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

from litestar import Request, Response, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from pydantic import BaseModel, Field

from server.api.bodies import uploaded
from server.api.crud import RecordId, crud_router, record_response
from server.api.guards import access
from server.core.entities import MAX_PAGE, ListQuery
from server.core.permissions import Level, Workspace
from server.core.unit_of_work import UnitOfWork
from server.directory.contacts import (
    ContactIn,
    ContactOut,
    ContactRoleIn,
    ContactRoleOut,
    ContactRoleService,
    ContactService,
)
from server.directory.organisations import OrganisationIn, OrganisationOut, OrganisationService
from server.directory.places import PlaceIn, PlaceOut, PlaceService
from server.planning.activities import (
    ActivityIn,
    ActivityOut,
    ActivityService,
    PerformanceIn,
    PerformanceOut,
)
from server.programming.engagements import (
    EngagementIn,
    EngagementOut,
    EngagementPatch,
    EngagementService,
)
from server.programming.performances import PerformanceService
from server.programming.shows import ShowIn, ShowOut, ShowService
from server.technical.rooms import (
    RoomConfigurationIn,
    RoomConfigurationOut,
    RoomConfigurationService,
    RoomIn,
    RoomOut,
    RoomService,
)
from server.technical.sheets import (
    AttachmentOut,
    AttachmentService,
    TechnicalSheetIn,
    TechnicalSheetOut,
    TechnicalSheetService,
)
from server.technical.venues import VenueIn, VenueOut, VenueService


@post(
    "/{record_id:int}/attachments",
    opt=access(Workspace.TECHNICAL, Level.WRITE),
    summary="Attach a file to a technical sheet (multipart field 'file')",
    operation_id="upload_attachment",
    request_max_body_size=None,
)
async def upload_attachment(
    request: Request[Any, Any, Any],
    uow: UnitOfWork,
    record_id: int,
    data: dict[str, Any] = Body(media_type=RequestEncodingType.MULTI_PART),
) -> AttachmentOut:
    settings = request.app.state.settings
    upload, content = await uploaded(data, settings.max_attachment_bytes)
    await TechnicalSheetService(uow).read(record_id)
    row = await AttachmentService(uow).upload(
        record_id,
        upload.filename or "",
        upload.content_type or "",
        content,
        settings.max_attachment_bytes,
    )
    return record_response(row, 201, f"/api/v1/attachments/{row['id']}")  # type: ignore[return-value]


class SheetFiles(BaseModel):
    items: list[AttachmentOut]
    max_bytes: int = Field(
        description="The largest file this server accepts on a technical sheet, in bytes"
    )


@get(
    "/{record_id:int}/attachments",
    opt=access(Workspace.TECHNICAL, Level.READ),
    summary="A technical sheet's files, and the largest file it accepts",
    operation_id="list_sheet_attachments",
)
async def sheet_attachments(
    request: Request[Any, Any, Any], uow: UnitOfWork, record_id: RecordId
) -> SheetFiles:
    """What the sheet page shows: its files and the limit the upload below enforces, read
    from the same settings, so the page never states a limit the server does not apply."""
    await TechnicalSheetService(uow).read(record_id)
    query = ListQuery(filters={"technical_sheet_id": record_id}, limit=MAX_PAGE)
    page = await AttachmentService(uow).list(query)
    return SheetFiles(
        items=[AttachmentOut.model_validate(row) for row in page.items],
        max_bytes=request.app.state.settings.max_attachment_bytes,
    )


@get(
    "/{record_id:int}/content",
    opt=access(Workspace.TECHNICAL, Level.READ),
    summary="Download an attachment",
    operation_id="download_attachment",
    media_type="application/octet-stream",
)
async def download_attachment(uow: UnitOfWork, record_id: int) -> Response[bytes]:
    row, content = await AttachmentService(uow).content(record_id)
    return Response(
        content,
        media_type=row["content_type"],
        headers={
            "Content-Disposition": content_disposition(row["filename"]),
            "X-Content-Type-Options": "nosniff",
            "ETag": f'"{row["sha256"]}"',
        },
    )


# Letters NFKD does not reduce to ASCII, for the plain name old clients read.
_ASCII = str.maketrans({"—": "-", "–": "-", "’": "'", "Œ": "OE", "œ": "oe", "Æ": "AE", "æ": "ae"})


def content_disposition(filename: str) -> str:
    """RFC 6266: the file's own name (UTF-8, ``filename*``) and a plain ASCII one beside it.

    Header values are ASCII: a French name ("Plan de feu — Œdipe.pdf") sent as is broke the
    download. Our own rather than Litestar's ``File``: attachments and documents are bytes (from
    the database, or made in memory), not files, and ``File`` gives no ASCII ``filename``.
    """
    name = filename.replace('"', "").replace("\\", "")
    if name.isascii():
        return f'attachment; filename="{name}"'
    plain = unicodedata.normalize("NFKD", name.translate(_ASCII))
    # What has no ASCII form at all (Cyrillic, Chinese) becomes one "_" per run.
    ascii_name = re.sub(
        r"[^\x20-\x7e]+", "_", "".join(c for c in plain if not unicodedata.combining(c))
    )
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def record_routers() -> list[Router]:
    return [
        crud_router(
            "/organisations", OrganisationService, OrganisationIn, OrganisationOut, tag="Directory"
        ),
        crud_router("/contacts", ContactService, ContactIn, ContactOut, tag="Directory"),
        crud_router(
            "/contact-roles", ContactRoleService, ContactRoleIn, ContactRoleOut, tag="Directory"
        ),
        crud_router("/places", PlaceService, PlaceIn, PlaceOut, tag="Directory"),
        crud_router("/venues", VenueService, VenueIn, VenueOut, tag="Technical"),
        crud_router("/rooms", RoomService, RoomIn, RoomOut, tag="Technical"),
        crud_router(
            "/room-configurations",
            RoomConfigurationService,
            RoomConfigurationIn,
            RoomConfigurationOut,
            tag="Technical",
        ),
        crud_router(
            "/technical-sheets",
            TechnicalSheetService,
            TechnicalSheetIn,
            TechnicalSheetOut,
            tag="Technical",
            extra_handlers=[upload_attachment, sheet_attachments],
        ),
        crud_router(
            "/attachments",
            AttachmentService,
            TechnicalSheetIn,
            AttachmentOut,
            tag="Technical",
            writable=False,
            deletable=True,
            extra_handlers=[download_attachment],
        ),
        crud_router("/shows", ShowService, ShowIn, ShowOut, tag="Programming"),
        crud_router(
            "/engagements",
            EngagementService,
            EngagementIn,
            EngagementOut,
            tag="Programming",
            patch_schema=EngagementPatch,
        ),
        crud_router(
            "/performances", PerformanceService, PerformanceIn, PerformanceOut, tag="Programming"
        ),
        crud_router(
            "/activities", ActivityService, ActivityIn, ActivityOut, tag="General planning"
        ),
    ]
