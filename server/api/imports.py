"""Importing spreadsheets over HTTP: check a file (every line's problems), then import it.

Each kind has its two routes, guarded by the workspace that owns its records (contacts: the
Directory; shows, engagements and performances: Programming), both multipart with ``file``,
an optional ``mapping`` (JSON: field → the file's column; guessed from the headers when
absent) and, to import, the ``token`` the check answered (the file's digest: the file
imported is the file checked). An import with a problem writes nothing: 422 with the problems.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from litestar import Request, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel

from server.api.bodies import uploaded
from server.api.guards import SIGNED_IN, access
from server.api.problems import speak_to
from server.core.errors import DomainError, Invalid
from server.core.i18n import N_, Message, _, ngettext, render
from server.core.permissions import Level
from server.core.unit_of_work import UnitOfWork
from server.imports.kinds import KINDS
from server.imports.reading import MAX_BYTES, MAX_ROWS
from server.imports.service import import_file


class ImportRefused(DomainError):
    status = 422
    title = N_("The file has problems: nothing was imported")


class ImportColumnOut(BaseModel):
    name: str
    label: str
    required: bool


class ImportKindOut(BaseModel):
    name: str
    workspace: str
    columns: list[ImportColumnOut]
    max_bytes: int
    max_rows: int


class ProblemOut(BaseModel):
    line: int
    column: str
    reason: str


class ImportReportOut(BaseModel):
    kind: str
    token: str
    headers: list[str]
    mapping: dict[str, str]
    rows: int
    created: int
    updated: int
    unchanged: int
    problems: list[ProblemOut]
    committed: bool


@get("/kinds", opt=SIGNED_IN, summary="What can be imported, and the columns of each kind")
async def import_kinds(request: Request[Any, Any, Any]) -> list[ImportKindOut]:
    speak_to(request)  # the columns' names, in the reader's language
    return [
        ImportKindOut(
            name=k.name,
            workspace=k.workspace.value,
            columns=[
                ImportColumnOut(name=c.name, label=render(Message(c.label)), required=c.required)
                for c in k.columns
            ],
            max_bytes=MAX_BYTES,
            max_rows=MAX_ROWS,
        )
        for k in KINDS.values()
    ]


async def _read_form(data: dict[str, Any]) -> tuple[bytes, str, dict[str, str] | None, str | None]:
    upload, content = await uploaded(data, MAX_BYTES)
    mapping: dict[str, str] | None = None
    raw = data.get("mapping")
    if isinstance(raw, str) and raw.strip():
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()
        ):
            raise Invalid({"mapping": _("must be a JSON object: field → column of the file")})
        mapping = parsed
    token = data.get("token")
    return content, upload.filename or "", mapping, token if isinstance(token, str) else None


def _routes(kind: str) -> list[Any]:
    spec = KINDS[kind]
    guard = access(spec.workspace, Level.WRITE)

    async def check(
        request: Request[Any, Any, Any],
        uow: UnitOfWork,
        data: dict[str, Any] = Body(media_type=RequestEncodingType.MULTI_PART),
    ) -> ImportReportOut:
        speak_to(request)  # the reasons are read by a person
        content, filename, mapping, _token = await _read_form(data)
        report = await import_file(uow, kind, content, filename, mapping)
        return ImportReportOut.model_validate(asdict(report))

    async def commit(
        request: Request[Any, Any, Any],
        uow: UnitOfWork,
        data: dict[str, Any] = Body(media_type=RequestEncodingType.MULTI_PART),
    ) -> ImportReportOut:
        speak_to(request)
        content, filename, mapping, token = await _read_form(data)
        if not token:
            raise Invalid({"token": _("required: the token the check answered")})
        report = await import_file(uow, kind, content, filename, mapping, commit=True, token=token)
        if not report.committed:
            raise ImportRefused(
                ngettext(
                    "{count} problem: nothing was imported.",
                    "{count} problems: nothing was imported.",
                    len(report.problems),
                ),
                kind="import-refused",
                report=asdict(report),
            )
        return ImportReportOut.model_validate(asdict(report))

    noun = render(spec.name)
    return [
        post(
            f"/{kind}",
            opt=guard,
            summary=f"Check a file of {noun} (CSV or XLSX): every line's problems",
            operation_id=f"check_import_{kind}",
            status_code=HTTP_200_OK,
            request_max_body_size=MAX_BYTES + 64 * 1024,
        )(check),
        post(
            f"/{kind}/commit",
            opt=guard,
            summary=f"Import a checked file of {noun}: all lines or none",
            operation_id=f"commit_import_{kind}",
            status_code=HTTP_200_OK,
            request_max_body_size=MAX_BYTES + 64 * 1024,
        )(commit),
    ]


def import_router() -> Router:
    handlers: list[Any] = [import_kinds]
    for kind in KINDS:
        handlers.extend(_routes(kind))
    return Router(path="/imports", route_handlers=handlers, tags=["Feeds"])
