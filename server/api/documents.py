"""Documents over HTTP: download one as PDF, build many into a ZIP, change the templates.

Thin: the rules are in ``server.documents``. Each kind of document has its own routes, so each
route declares exactly the permission it needs (a contract needs read access to contracts, a
road sheet to the planning; changing a template, the managing level of its workspace):

  GET    /documents/road-sheets/{engagement_id}[?day=2026-10-05]   PDF (the run, or one day)
  GET    /documents/welcome-sheets/{engagement_id}                 PDF
  GET    /documents/contracts/{engagement_id}                      PDF
  GET    /documents/activity-reports?start=…&end=…                 PDF
  POST   /documents/{kind}/batches                                 202, then follow its record
  GET    /documents/{kind}/batches/{id}[/content]                  its progress, then its ZIP
  GET    /documents/{kind}/template[/sample]                       the template in use, its data
  PUT    /documents/{kind}/template                                use the venue's own (If-Match)
  DELETE /documents/{kind}/template                                back to the default (If-Match)

The language is the request's (``Accept-Language``, or ``?language=en``), else the venue's.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any, Literal

from litestar import Request, Response, Router, delete, get, post, put
from litestar.params import Parameter
from litestar.status_codes import HTTP_202_ACCEPTED
from pydantic import BaseModel, Field

from server.api.crud import resolve_version
from server.api.guards import access
from server.api.openapi import CONDITIONAL
from server.api.problems import speak_to
from server.api.records import content_disposition
from server.core.fields import Input
from server.core.i18n import current_language
from server.core.permissions import Level
from server.core.unit_of_work import UnitOfWork
from server.documents import batches
from server.documents.batches import BatchIn, BatchOut, DocumentBatchService
from server.documents.documents import Documents, Target
from server.documents.kinds import KINDS, DocumentKind, KindSpec, require_reader
from server.documents.samples import sample
from server.documents.templates import DocumentTemplateService

Language = Annotated[
    Literal["fr", "en"] | None,
    Parameter(description="The document's language (default: Accept-Language, else the venue's)"),
]
# Batches being built by this process: kept referenced until they end.
RUNNING: set[asyncio.Task[None]] = set()


def download(content: bytes, filename: str, media_type: str) -> Response[bytes]:
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": content_disposition(filename),
            "X-Content-Type-Options": "nosniff",
            # A contract's fee must not linger in shared caches.
            "Cache-Control": "private, no-store",
        },
    )


def language_of(request: Request[Any, Any, Any], language: str | None) -> str:
    speak_to(request)
    return language or current_language()


class TemplateIn(Input):
    source: str = Field(description="The Typst source of the template")
    version: int | None = Field(default=None, description="The version you read (or If-Match)")


class TemplateOut(BaseModel):
    kind: DocumentKind
    custom: bool = Field(description="False: the default template is in use")
    version: int = Field(description="0 until a template of the venue's own was uploaded")
    updated_at: Any = None
    source: str


def template_response(row: dict[str, Any]) -> Response[Any]:
    return Response(row, headers={"ETag": f'"v{row["version"]}"'})


# -- one document ---------------------------------------------------------------------------------
def engagement_document(spec: KindSpec) -> Any:
    kind = spec.kind
    handler: Any

    if kind is DocumentKind.ROAD_SHEET:

        async def road_sheet(
            request: Request[Any, Any, Any],
            uow: UnitOfWork,
            engagement_id: int,
            day: Annotated[date | None, Parameter(description="Only this day of the run")] = None,
            language: Language = None,
        ) -> Response[bytes]:
            document = await Documents(uow, language_of(request, language)).render(
                kind, Target(engagement_id=engagement_id, day=day)
            )
            return download(document.pdf, document.filename, "application/pdf")

        handler = road_sheet
    else:

        async def engagement_paper(
            request: Request[Any, Any, Any],
            uow: UnitOfWork,
            engagement_id: int,
            language: Language = None,
        ) -> Response[bytes]:
            document = await Documents(uow, language_of(request, language)).render(
                kind, Target(engagement_id=engagement_id)
            )
            return download(document.pdf, document.filename, "application/pdf")

        handler = engagement_paper

    return get(
        f"/{spec.slug}/{{engagement_id:int}}",
        opt=access(spec.workspace, Level.READ),
        summary=f"Download the {spec.title.lower()} of an engagement (PDF)",
        operation_id=f"download_{kind.value}",
        media_type="application/pdf",
    )(handler)


@get(
    "/activity-reports",
    opt=access(KINDS[DocumentKind.ACTIVITY_REPORT].workspace, Level.READ),
    summary="Download the activity report of a period (PDF)",
    operation_id="download_activity_report",
    media_type="application/pdf",
)
async def activity_report(
    request: Request[Any, Any, Any],
    uow: UnitOfWork,
    start: Annotated[date, Parameter(description="First day of the period")],
    end: Annotated[date, Parameter(description="Last day of the period")],
    language: Language = None,
) -> Response[bytes]:
    document = await Documents(uow, language_of(request, language)).render(
        DocumentKind.ACTIVITY_REPORT, Target(start=start, end=end)
    )
    return download(document.pdf, document.filename, "application/pdf")


# -- batches ---------------------------------------------------------------------------------------
def batch_routes(spec: KindSpec) -> list[Any]:
    kind = spec.kind
    reader = access(spec.workspace, Level.READ)

    async def start_batch(
        request: Request[Any, Any, Any], uow: UnitOfWork, data: BatchIn, language: Language = None
    ) -> Response[Any]:
        row, targets = await DocumentBatchService(uow).start(
            kind, data, language_of(request, language)
        )
        task = asyncio.create_task(
            batches.run(request.app.state.db, uow.actor, row["id"], targets),
            name=f"saison-batch-{row['id']}",
        )
        RUNNING.add(task)
        task.add_done_callback(RUNNING.discard)
        location = f"/api/v1/documents/{spec.slug}/batches/{row['id']}"
        return Response(row, status_code=HTTP_202_ACCEPTED, headers={"Location": location})

    async def read_batch(uow: UnitOfWork, batch_id: int) -> BatchOut:
        return await DocumentBatchService(uow).read_batch(kind, batch_id)  # type: ignore[return-value]

    async def batch_content(uow: UnitOfWork, batch_id: int) -> Response[bytes]:
        name, content = await DocumentBatchService(uow).content(kind, batch_id)
        return download(content, name, "application/zip")

    start_batch.__annotations__["return"] = BatchOut
    return [
        post(
            f"/{spec.slug}/batches",
            opt=reader,
            summary=f"Build many {spec.plural.lower()} into a ZIP; follow the batch's record "
            "on /api/v1/live for its progress",
            operation_id=f"start_{kind.value}_batch",
            status_code=HTTP_202_ACCEPTED,
        )(start_batch),
        get(
            f"/{spec.slug}/batches/{{batch_id:int}}",
            opt=reader,
            summary=f"A batch of {spec.plural.lower()}: how far it got",
            operation_id=f"read_{kind.value}_batch",
        )(read_batch),
        get(
            f"/{spec.slug}/batches/{{batch_id:int}}/content",
            opt=reader,
            summary=f"Download a finished batch of {spec.plural.lower()} (ZIP)",
            operation_id=f"download_{kind.value}_batch",
            media_type="application/zip",
        )(batch_content),
    ]


# -- templates -------------------------------------------------------------------------------------
def template_routes(spec: KindSpec) -> list[Any]:
    kind = spec.kind

    async def read_template(uow: UnitOfWork) -> Response[Any]:
        return template_response(await DocumentTemplateService(uow).current(kind))

    async def sample_data(request: Request[Any, Any, Any], uow: UnitOfWork) -> dict[str, Any]:
        require_reader(uow.actor, spec)
        return sample(kind, language_of(request, None))

    async def upload_template(
        request: Request[Any, Any, Any], uow: UnitOfWork, data: TemplateIn
    ) -> Response[Any]:
        service = DocumentTemplateService(uow)
        version = resolve_version(request, data.version, await service.version_of(kind))
        return template_response(await service.upload(kind, data.source, version))

    async def reset_template(
        request: Request[Any, Any, Any],
        uow: UnitOfWork,
        version: Annotated[
            int | None, Parameter(description="The version you read, if you send no If-Match")
        ] = None,
    ) -> Response[Any]:
        service = DocumentTemplateService(uow)
        expected = resolve_version(request, version, await service.version_of(kind))
        return template_response(await service.reset(kind, expected))

    for fn in (read_template, upload_template, reset_template):
        fn.__annotations__["return"] = TemplateOut
    manage = {**access(*spec.manage), **CONDITIONAL}  # If-Match, 412, 428 in the description
    return [
        get(
            f"/{spec.slug}/template",
            opt=access(spec.workspace, Level.READ),
            summary=f"The template of {spec.plural.lower()} in use (Typst source)",
            operation_id=f"read_{kind.value}_template",
        )(read_template),
        get(
            f"/{spec.slug}/template/sample",
            opt=access(spec.workspace, Level.READ),
            summary=f"The data a template of {spec.plural.lower()} receives (a sample)",
            operation_id=f"sample_{kind.value}_data",
        )(sample_data),
        put(
            f"/{spec.slug}/template",
            opt=manage,
            summary=f"Use the venue's own template for {spec.plural.lower()} once it compiles "
            "(send If-Match)",
            operation_id=f"upload_{kind.value}_template",
        )(upload_template),
        delete(
            f"/{spec.slug}/template",
            opt=manage,
            summary=f"Go back to the default template for {spec.plural.lower()} (send If-Match)",
            operation_id=f"reset_{kind.value}_template",
            status_code=200,
        )(reset_template),
    ]


def document_routers() -> list[Router]:
    handlers: list[Any] = [activity_report]
    for spec in KINDS.values():
        if spec.per_engagement:
            handlers.append(engagement_document(spec))
            handlers.extend(batch_routes(spec))
        handlers.extend(template_routes(spec))
    return [Router(path="/documents", route_handlers=handlers, tags=["Documents"])]
