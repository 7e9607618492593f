"""The organisation running Saison (``server/core/organisation.py``): read by everyone signed
in (its name and zone are on every screen), changed by those who manage the administration,
with If-Match like every record."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Request, Response, Router, delete, get, patch, put
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel, Field, StringConstraints

from server.api.bodies import uploaded
from server.api.crud import etag, record_response, resolve_version
from server.api.guards import SIGNED_IN, access
from server.api.openapi import CONDITIONAL, MAY_BE_ABSENT
from server.core.errors import NotFound
from server.core.fields import Input, Version
from server.core.i18n import _
from server.core.organisation import MAX_LOGO_BYTES, OrganisationSettings, read_logo
from server.core.permissions import Level, Workspace
from server.core.unit_of_work import UnitOfWork

Line = Annotated[str, StringConstraints(max_length=200)]
Lines = Annotated[str, StringConstraints(max_length=2000)]
Code = Annotated[str, StringConstraints(max_length=40)]


class OrganisationSettingsOut(BaseModel):
    id: int
    version: int
    created_at: datetime
    updated_at: datetime
    name: str | None = Field(description="As documents and screens name the organisation")
    address: str | None = Field(description="Street lines, one a line")
    postcode: str | None
    city: str | None
    timezone: str = Field(description="IANA zone of every time shown, entered and exported")
    language: str = Field(description="fr or en: documents, feeds and messages by default")
    siret: str | None = Field(description="14 digits (Luhn check)")
    ape_code: str | None = Field(description="APE (NAF) code, 90.04Z")
    vat_number: str | None = Field(description="Intra-community VAT number, FR…")
    licence_1: str | None = Field(description="Performing-arts licence, category 1 (venue)")
    licence_2: str | None = Field(description="Performing-arts licence, category 2 (producer)")
    licence_3: str | None = Field(description="Performing-arts licence, category 3 (presenter)")
    representative_name: str | None = Field(description="Who signs contracts")
    representative_title: str | None = Field(description="Their title (Directrice…)")
    logo_type: str | None = Field(description="The logo's type; none: no logo")
    logo_sha256: str | None = Field(description="The logo's hash (its download's ETag)")
    max_logo_bytes: int = Field(description="The largest logo accepted, in bytes")


class OrganisationSettingsPatch(Input):
    """Fields left out stay as they are; an empty text clears an optional one."""

    name: Line | None = None
    address: Lines | None = None
    postcode: Code | None = None
    city: Line | None = None
    timezone: Code | None = None
    language: Code | None = None
    siret: Code | None = None
    ape_code: Code | None = None
    vat_number: Code | None = None
    licence_1: Code | None = None
    licence_2: Code | None = None
    licence_3: Code | None = None
    representative_name: Line | None = None
    representative_title: Line | None = None
    version: Version | None = None


def answer(row: dict[str, Any]) -> Response[Any]:
    return record_response({**row, "max_logo_bytes": MAX_LOGO_BYTES})


@get(
    "/",
    opt={**SIGNED_IN, **CONDITIONAL},
    summary="The organisation: name, address, zone, language, the numbers contracts carry",
    operation_id="read_organisation_settings",
)
async def read_organisation(
    request: Request[Any, Any, Any], uow: UnitOfWork
) -> OrganisationSettingsOut:
    row = await OrganisationSettings(uow).read()
    tags = request.headers.get("if-none-match", "")
    if tags and etag(row) in {t.strip().removeprefix("W/") for t in tags.split(",")}:
        return Response(None, status_code=304, headers={"ETag": etag(row)})  # type: ignore[return-value]
    return answer(row)  # type: ignore[return-value]


@patch(
    "/",
    opt={**access(Workspace.ADMINISTRATION, Level.MANAGE), **CONDITIONAL},
    summary="Change the organisation (send If-Match)",
    operation_id="update_organisation_settings",
)
async def update_organisation(
    request: Request[Any, Any, Any], uow: UnitOfWork, data: OrganisationSettingsPatch
) -> OrganisationSettingsOut:
    changes = data.model_dump(exclude_unset=True)
    body_version = changes.pop("version", None)
    service = OrganisationSettings(uow)
    service.require_manage()
    current = await service.read()
    version = resolve_version(request, body_version, current["version"])
    return answer(await service.update(changes, version))  # type: ignore[return-value]


@put(
    "/logo",
    opt={**access(Workspace.ADMINISTRATION, Level.MANAGE), **CONDITIONAL},
    summary="Put the organisation's logo: PNG, JPEG or SVG (multipart field 'file'; If-Match)",
    operation_id="upload_organisation_logo",
    status_code=HTTP_200_OK,
    request_max_body_size=MAX_LOGO_BYTES + 64 * 1024,
)
async def upload_logo(
    request: Request[Any, Any, Any],
    uow: UnitOfWork,
    data: dict[str, Any] = Body(media_type=RequestEncodingType.MULTI_PART),
) -> OrganisationSettingsOut:
    upload, content = await uploaded(data, MAX_LOGO_BYTES)
    service = OrganisationSettings(uow)
    service.require_manage()
    current = await service.read()
    version = resolve_version(request, None, current["version"])
    row = await service.set_logo(upload.content_type or "", content, version)
    return answer(row)  # type: ignore[return-value]


@delete(
    "/logo",
    opt={**access(Workspace.ADMINISTRATION, Level.MANAGE), **CONDITIONAL},
    summary="Remove the organisation's logo (documents then set its name in type; If-Match)",
    operation_id="delete_organisation_logo",
    status_code=HTTP_200_OK,
)
async def delete_logo(request: Request[Any, Any, Any], uow: UnitOfWork) -> OrganisationSettingsOut:
    service = OrganisationSettings(uow)
    service.require_manage()
    current = await service.read()
    version = resolve_version(request, None, current["version"])
    return answer(await service.set_logo("", None, version))  # type: ignore[return-value]


@get(
    "/logo",
    opt={**SIGNED_IN, **MAY_BE_ABSENT},
    summary="The organisation's logo",
    operation_id="download_organisation_logo",
    media_type="application/octet-stream",
)
async def download_logo(request: Request[Any, Any, Any], uow: UnitOfWork) -> Response[bytes]:
    logo = await read_logo(uow.session)
    if logo is None:
        raise NotFound(_("The organisation has no logo."))
    kind, content, digest = logo
    headers = {
        "ETag": f'"{digest}"',
        "X-Content-Type-Options": "nosniff",
        # An SVG opened on its own must run nothing.
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        "Cache-Control": "no-cache",
    }
    if f'"{digest}"' in request.headers.get("if-none-match", ""):
        return Response(b"", status_code=304, headers=headers)
    return Response(content, media_type=kind, headers=headers)


def organisation_router() -> Router:
    return Router(
        path="/organisation",
        route_handlers=[
            read_organisation,
            update_organisation,
            upload_logo,
            delete_logo,
            download_logo,
        ],
        tags=["Organisation"],
    )
