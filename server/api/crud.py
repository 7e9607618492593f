"""Routers for plain records: list, create, read, update, delete, with ETags and If-Match.

Each domain concept declares its service and schemas; this builds the five routes so that
versions, preconditions, filters and pagination behave the same everywhere.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from litestar import Request, Response, Router, delete, get, patch, post
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from pydantic import BaseModel, create_model

from server.api.guards import access
from server.api.openapi import CONDITIONAL
from server.core.entities import DEFAULT_PAGE, MAX_PAGE, EntityService, ListQuery
from server.core.errors import Invalid, StaleVersion, VersionRequired
from server.core.fields import MAX_BIGINT, MAX_INTEGER, Version
from server.core.i18n import _
from server.core.localtime import parse_instant
from server.core.permissions import Level
from server.core.records import partial_model
from server.core.unit_of_work import UnitOfWork

Limit = Annotated[int, Parameter(ge=1, le=MAX_PAGE, description="Page size", required=False)]
Offset = Annotated[int, Parameter(ge=0, le=MAX_BIGINT, description="Items to skip", required=False)]
RecordId = Annotated[int, Parameter(ge=1, le=MAX_BIGINT)]


def etag(row: dict[str, Any]) -> str:
    """``"v<version>"``; a record that shows another's data (a place showing its venue) adds
    that record's version, so a cached copy is refreshed when either changes."""
    linked = row.get("linked_version")
    return f'"v{row["version"]}-{linked}"' if linked is not None else f'"v{row["version"]}"'


def parse_version_tag(value: str) -> int | None:
    tag = value.strip()
    if tag.startswith("W/"):
        tag = tag[2:]
    tag = tag.strip('"')
    own = tag.split("-", 1)[0]  # an If-Match names the record's own version
    if own.startswith("v") and own[1:].isdigit():
        return int(own[1:])
    return None


def resolve_version(
    request: Request[Any, Any, Any], body_version: int | None, current: int
) -> int | None:
    """The version the client based its change on, from If-Match or the body; one is required.

    ``None`` means "whatever the current version is" (``If-Match: *``). A list of ETags is
    satisfied when the current one is among them.
    """
    header = request.headers.get("if-match")
    if header:
        if header.strip() == "*":
            return None
        versions = [
            v for v in (parse_version_tag(part) for part in header.split(",")) if v is not None
        ]
        if not versions:
            raise StaleVersion(
                _("If-Match {header} does not name a version of this record.", header=header)
            )
        if body_version is not None and body_version not in versions:
            raise StaleVersion(_("If-Match and the version in the body disagree."))
        return current if current in versions else versions[0]
    if body_version is not None:
        return body_version
    raise VersionRequired(
        _(
            "Send If-Match with the ETag you read (or a 'version'), so that no one's change is "
            "overwritten."
        )
    )


# Query bounds are text: an instant (without offset: the venue's time) or a plain day (its
# midnight), read by ``parse_instant`` the same way on every list and the timeline.
Instant = Annotated[
    str | None,
    Parameter(
        description="ISO 8601 date and time (2026-10-06T20:30, offset optional: venue time) "
        "or a day (2026-10-06: its midnight)",
        max_length=40,
    ),
]


def bound(value: str | None, name: str) -> datetime | None:
    """A query bound (``start``, ``end``, ``updated_since``…) as an instant, or None."""
    return parse_instant(value, name) if value else None


def record_response(
    row: dict[str, Any], status: int = HTTP_200_OK, location: str | None = None
) -> Response[Any]:
    headers = {"ETag": etag(row)}
    if location:
        headers["Location"] = location
    return Response(row, status_code=status, headers=headers)


def crud_router(
    path: str,
    service: type[EntityService],
    create_schema: type[BaseModel],
    read_schema: type[BaseModel],
    *,
    tag: str,
    patch_schema: type[BaseModel] | None = None,
    extra_handlers: list[Any] | None = None,
    writable: bool = True,
    deletable: bool | None = None,
    updatable: bool = True,
) -> Router:
    """Build the list/create/read/update/delete routes of one kind of record."""
    area = service.workspace
    name = service.entity
    label = service.label
    patch_model = patch_schema or partial_model(create_schema, f"{create_schema.__name__}Patch")
    patch_model = create_model(  # the body may carry the version it was based on
        patch_model.__name__, __base__=patch_model, version=(Version | None, None)
    )
    page_model = create_model(
        f"{read_schema.__name__}Page",
        items=(list[read_schema], ...),  # type: ignore[valid-type]
        total=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
    )

    # -- list ---------------------------------------------------------------------------
    async def list_records(**kwargs: Any) -> Any:
        uow: UnitOfWork = kwargs["uow"]
        filters = {key: kwargs.get(key) for key in service.filters}
        query = ListQuery(
            filters=filters,
            text=kwargs.get("q"),
            start=bound(kwargs.get("start"), "start"),
            end=bound(kwargs.get("end"), "end"),
            updated_since=bound(kwargs.get("updated_since"), "updated_since"),
            limit=kwargs.get("limit") or DEFAULT_PAGE,
            offset=kwargs.get("offset") or 0,
        )
        if query.start and query.end and query.end <= query.start:
            raise Invalid({"end": _("must be after start")})
        return (await service(uow).list(query)).as_dict()

    params = [
        inspect.Parameter("uow", inspect.Parameter.KEYWORD_ONLY, annotation=UnitOfWork),
        inspect.Parameter(
            "limit", inspect.Parameter.KEYWORD_ONLY, annotation=Limit, default=DEFAULT_PAGE
        ),
        inspect.Parameter("offset", inspect.Parameter.KEYWORD_ONLY, annotation=Offset, default=0),
        inspect.Parameter(
            "updated_since",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[
                str | None,
                Parameter(
                    description="Only records created or changed at or after this instant "
                    "(or day). Deletions are not listed: follow /api/v1/changes for those, "
                    "and for an exact cursor (sequence numbers).",
                    max_length=40,
                ),
            ],
            default=None,
        ),
    ]
    if service.search_columns:
        params.append(
            inspect.Parameter(
                "q",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[
                    str | None,
                    Parameter(
                        max_length=200,
                        description=f"Text to find in {', '.join(service.search_columns)}",
                    ),
                ],
                default=None,
            )
        )
    if service.period:
        for side, text in (
            ("start", "Only what ends after this instant"),
            ("end", "Only what starts before this instant"),
        ):
            params.append(
                inspect.Parameter(
                    side,
                    inspect.Parameter.KEYWORD_ONLY,
                    annotation=Annotated[
                        str | None,
                        Parameter(
                            description=f"{text}: a date and time (offset optional: venue "
                            "time) or a day (its midnight)",
                            max_length=40,
                        ),
                    ],
                    default=None,
                )
            )
    for key, spec in service.filters.items():
        params.append(
            inspect.Parameter(
                key,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[
                    spec.type | None,
                    Parameter(description=spec.description or f"Only records with this {key}"),
                ],
                default=None,
            )
        )
    _give_signature(list_records, params, page_model)
    handlers: list[Any] = [
        get(
            "/",
            opt=access(area, Level.READ),
            summary=f"List {label}s",
            operation_id=f"list_{name}s",
        )(list_records)
    ]

    # -- read ---------------------------------------------------------------------------
    async def read_record(request: Request[Any, Any, Any], uow: UnitOfWork, record_id: int) -> Any:
        row = await service(uow).read(record_id)
        tags = request.headers.get("if-none-match", "")
        if tags and etag(row) in {t.strip().removeprefix("W/") for t in tags.split(",")}:
            return Response(None, status_code=304, headers={"ETag": etag(row)})
        return record_response(row)

    _give_signature(
        read_record,
        [
            inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
            inspect.Parameter("uow", inspect.Parameter.KEYWORD_ONLY, annotation=UnitOfWork),
            inspect.Parameter("record_id", inspect.Parameter.KEYWORD_ONLY, annotation=RecordId),
        ],
        read_schema,
    )
    handlers.append(
        get(
            "/{record_id:int}",
            opt={**access(area, Level.READ), **CONDITIONAL},
            summary=f"Read a {label}",
            operation_id=f"read_{name}",
        )(read_record)
    )

    if writable:
        # -- create -----------------------------------------------------------------------
        async def create_record(request: Request[Any, Any, Any], uow: UnitOfWork, data: Any) -> Any:
            row = await service(uow).create(data.model_dump())
            return record_response(
                row, HTTP_201_CREATED, f"{request.url.path.rstrip('/')}/{row['id']}"
            )

        _give_signature(
            create_record,
            [
                inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
                inspect.Parameter("uow", inspect.Parameter.KEYWORD_ONLY, annotation=UnitOfWork),
                inspect.Parameter("data", inspect.Parameter.KEYWORD_ONLY, annotation=create_schema),
            ],
            read_schema,
        )
        handlers.append(
            post(
                "/",
                opt=access(area, Level.WRITE),
                summary=f"Create a {label}",
                operation_id=f"create_{name}",
                status_code=HTTP_201_CREATED,
            )(create_record)
        )

    if writable and updatable:
        # -- update -----------------------------------------------------------------------
        async def update_record(
            request: Request[Any, Any, Any], uow: UnitOfWork, record_id: int, data: Any
        ) -> Any:
            changes = data.model_dump(exclude_unset=True)
            body_version = changes.pop("version", None)
            svc = service(uow)
            current = await svc.get(record_id)
            version = resolve_version(request, body_version, current["version"])
            row = await svc.update(record_id, changes, version)
            return record_response(row)

        _give_signature(
            update_record,
            [
                inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
                inspect.Parameter("uow", inspect.Parameter.KEYWORD_ONLY, annotation=UnitOfWork),
                inspect.Parameter("record_id", inspect.Parameter.KEYWORD_ONLY, annotation=RecordId),
                inspect.Parameter("data", inspect.Parameter.KEYWORD_ONLY, annotation=patch_model),
            ],
            read_schema,
        )
        handlers.append(
            patch(
                "/{record_id:int}",
                # With confidential fields, read access lets a contracts writer change those
                # alone; the service checks the rest (EntityService.require_to_change).
                opt={
                    **access(area, Level.READ if service.confidential else Level.WRITE),
                    **CONDITIONAL,
                },
                summary=f"Change a {label} (send If-Match)",
                operation_id=f"update_{name}",
            )(update_record)
        )

    if writable if deletable is None else deletable:
        # -- delete -----------------------------------------------------------------------
        async def delete_record(
            request: Request[Any, Any, Any], uow: UnitOfWork, record_id: int, version: int | None
        ) -> None:
            svc = service(uow)
            current = await svc.get(record_id)
            await svc.delete(record_id, resolve_version(request, version, current["version"]))

        _give_signature(
            delete_record,
            [
                inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
                inspect.Parameter("uow", inspect.Parameter.KEYWORD_ONLY, annotation=UnitOfWork),
                inspect.Parameter("record_id", inspect.Parameter.KEYWORD_ONLY, annotation=RecordId),
                inspect.Parameter(
                    "version",
                    inspect.Parameter.KEYWORD_ONLY,
                    annotation=Annotated[
                        int | None,
                        Parameter(
                            ge=0,
                            le=MAX_INTEGER,
                            description="The version you read, if you send no If-Match",
                        ),
                    ],
                    default=None,
                ),
            ],
            None,
        )
        handlers.append(
            delete(
                "/{record_id:int}",
                opt={**access(area, Level.WRITE), **CONDITIONAL},
                summary=f"Delete a {label} (send If-Match)",
                operation_id=f"delete_{name}",
                status_code=HTTP_204_NO_CONTENT,
            )(delete_record)
        )

    handlers.extend(extra_handlers or [])
    return Router(path=path, route_handlers=handlers, tags=[tag])


def _give_signature(fn: Callable[..., Any], params: list[inspect.Parameter], returns: Any) -> None:
    """Let Litestar (and OpenAPI) see the per-record parameter and body types."""
    fn.__signature__ = inspect.Signature(params, return_annotation=returns)  # type: ignore[attr-defined]
    fn.__annotations__ = {p.name: p.annotation for p in params} | {"return": returns}
