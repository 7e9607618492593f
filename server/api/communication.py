"""Communication's routes: public content of shows and performances, their images, and the
public feeds (JSON-LD, OpenAgenda, ICS) a website or an agenda reads without signing in."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from pydantic import BaseModel

from server.api.bodies import uploaded
from server.api.crud import RecordId, bound, crud_router, record_response, resolve_version
from server.api.guards import ANY_QUERY, PUBLIC, access
from server.api.openapi import CONDITIONAL
from server.communication import exports
from server.communication.content import (
    PerformancePublicationIn,
    PerformancePublicationOut,
    PerformancePublicationPatch,
    PerformancePublicationService,
    ShowPublicationIn,
    ShowPublicationOut,
    ShowPublicationPatch,
    ShowPublicationService,
)
from server.communication.images import VARIANTS, PublicImageService
from server.core.errors import NotFound
from server.core.i18n import _
from server.core.permissions import Level, Principal, Workspace
from server.core.records import RecordRead
from server.core.unit_of_work import UnitOfWork

# Websites and agendas poll: five minutes of freshness, then a cheap 304.
FEED_CACHE = "public, max-age=300"
IMAGE_CACHE = "public, max-age=86400"


class PublicImageOut(RecordRead):
    show_id: int
    filename: str
    content_type: str
    width: int
    height: int
    size: int
    sha256: str
    alt_fr: str | None = None


class PublicImageIn(BaseModel):
    """Images are uploaded to a show's public content, never written as JSON."""


@post(
    "/{record_id:int}/image",
    opt=access(Workspace.COMMUNICATION, Level.WRITE),
    summary="Upload the show's public image (multipart field 'file'); sizes for the web "
    "are made at once",
    operation_id="upload_show_publication_image",
    request_max_body_size=None,
)
async def upload_image(
    request: Request[Any, Any, Any],
    uow: UnitOfWork,
    record_id: int,
    data: dict[str, Any] = Body(media_type=RequestEncodingType.MULTI_PART),
) -> ShowPublicationOut:
    settings = request.app.state.settings
    upload, content = await uploaded(data, settings.max_attachment_bytes)
    # If-Match is optional (the image is added, nothing typed is overwritten), but checked.
    expected = None
    if request.headers.get("if-match"):
        current = await ShowPublicationService(uow).get(record_id)
        expected = resolve_version(request, None, current["version"])
    row = await ShowPublicationService(uow).attach_image(
        record_id, upload.filename or "", content, settings.max_attachment_bytes, expected
    )
    return record_response(row)  # type: ignore[return-value]


def communication_routers() -> list[Router]:
    return [
        crud_router(
            "/show-publications",
            ShowPublicationService,
            ShowPublicationIn,
            ShowPublicationOut,
            tag="Communication",
            patch_schema=ShowPublicationPatch,
            extra_handlers=[upload_image],
        ),
        crud_router(
            "/performance-publications",
            PerformancePublicationService,
            PerformancePublicationIn,
            PerformancePublicationOut,
            tag="Communication",
            patch_schema=PerformancePublicationPatch,
        ),
        crud_router(
            "/public-images",
            PublicImageService,
            PublicImageIn,
            PublicImageOut,
            tag="Communication",
            writable=False,
            deletable=True,
        ),
    ]


# -- the public feeds ---------------------------------------------------------------------
def _http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def _fresh(request: Request[Any, Any, Any], etag: str, modified: datetime | None) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        return "*" in match or etag in {t.strip().removeprefix("W/") for t in match.split(",")}
    since = request.headers.get("if-modified-since")
    if since and modified is not None:
        try:
            return modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


Language = Annotated[
    str,
    Parameter(
        pattern=r"^(fr|en)$",
        description="Texts in this language (fr or en; French where no English is written)",
    ),
]
Since = Annotated[
    str | None,
    Parameter(
        description="Only performances ending at or after this day or instant "
        "(2026-10-01, or 2026-10-01T00:00+02:00)",
        max_length=40,
    ),
]


# The feeds are encoded once (their ETag is a hash of those bytes); the document describes them
# as the JSON objects they are.
JsonDocument = dict[str, Any]


async def _export(
    request: Request[Any, Any, Any], kind: str, language: str, since: str | None, media: str
) -> Response[Any]:
    start = bound(since, "since")
    async with request.app.state.db.sessions() as session:
        changed = await exports.last_modified(session)
        events = await exports.public_events(session, language, start)
        organiser = await exports.organiser_name(session, request.app.state.settings)
    if kind == "jsonld":
        export = exports.json_ld(events, organiser, changed)
    elif kind == "openagenda":
        export = exports.openagenda(events, changed)
    else:
        export = exports.ics(events, organiser, changed)
    headers = {"ETag": export.etag, "Cache-Control": FEED_CACHE, "Vary": "Accept-Encoding"}
    if export.last_modified is not None:
        headers["Last-Modified"] = _http_date(export.last_modified)
    if _fresh(request, export.etag, export.last_modified):
        return Response(b"", status_code=304, headers=headers)
    return Response(export.body, media_type=media, headers=headers)


FEED_OPT = {**PUBLIC, **CONDITIONAL}


@get(
    "/events.jsonld",
    opt=FEED_OPT,
    summary="Published performances as schema.org events (JSON-LD), for the website",
    operation_id="public_events_jsonld",
    media_type="application/ld+json",
)
async def events_jsonld(
    request: Request[Any, Any, Any], language: Language = "fr", since: Since = None
) -> Response[JsonDocument]:
    return await _export(request, "jsonld", language, since, "application/ld+json")


@get(
    "/openagenda.json",
    opt=FEED_OPT,
    summary="Published shows as OpenAgenda events (one per show and room, timings with offset)",
    operation_id="public_openagenda",
    media_type="application/json",
)
async def events_openagenda(
    request: Request[Any, Any, Any], since: Since = None
) -> Response[JsonDocument]:
    return await _export(request, "openagenda", "fr", since, "application/json")


@get(
    "/events.ics",
    # Calendar apps add query parameters of their own (cache-busters): taken and ignored.
    opt={**FEED_OPT, **ANY_QUERY},
    summary="Published performances as an iCalendar subscription (public fields only)",
    operation_id="public_events_ics",
    media_type="text/calendar",
)
async def events_ics(request: Request[Any, Any, Any], language: Language = "fr") -> Response[bytes]:
    return await _export(request, "ics", language, None, "text/calendar")


@get(
    "/images/{image_id:int}/{name:str}",
    opt=FEED_OPT,
    summary="A published show's image: original, 1200.jpg, 1200.webp, 600.jpg or 600.webp",
    operation_id="public_image",
    media_type="image/jpeg",
)
async def public_image(
    request: Request[Any, Any, Any],
    uow: UnitOfWork,
    image_id: RecordId,
    name: str,
    v: Annotated[
        str | None, Parameter(description="Cache-buster (the image's fingerprint)", max_length=64)
    ] = None,
) -> Response[bytes]:
    """The image of a published show, to anyone; of a show not yet published, only to those
    who read communication (the show page shows it before it is public)."""
    if name not in VARIANTS:
        raise NotFound(_("There is no size {name} of an image.", name=name))
    meta, content_type, data = await PublicImageService(uow).variant(image_id, name)
    published = await exports.image_is_public(uow.session, image_id)
    actor = request.scope.get("user")
    if not published and not (
        isinstance(actor, Principal) and actor.can(Workspace.COMMUNICATION, Level.READ)
    ):
        raise NotFound(_("There is no public image {id}.", id=image_id))
    etag = f'"{meta["sha256"][:32]}-{name}"'
    headers = {
        "ETag": etag,
        "Cache-Control": IMAGE_CACHE if published else "private, no-cache",
        "Last-Modified": _http_date(meta["updated_at"]),
        "X-Content-Type-Options": "nosniff",
    }
    if _fresh(request, etag, None):
        return Response(b"", status_code=304, headers=headers)
    return Response(data, media_type=content_type, headers=headers)


public_router = Router(
    path="/public",
    route_handlers=[events_jsonld, events_openagenda, events_ics, public_image],
    tags=["Public feeds"],
)
