"""The OpenAPI description tells the truth: what every operation may answer, declared once.

Litestar describes each handler's success and a generic 400. Saison's answers are wider and the
same everywhere, so they are declared here for all routes at once, from what each route is
(its method, whether it has a body or path parameters, whether it is public) and from one flag
in ``opt`` for the routes that use versions (:data:`CONDITIONAL`):

- every error is an RFC 9457 problem (``application/problem+json``, schema ``Problem``): 400,
  401 and 403 (unless public), 404 (with path parameters), 409 (writes), 413 and 415 (bodies),
  422 (any input: an unknown query parameter is one), 429;
- versioned writes take ``If-Match`` (412 for an old version, 428 for none), versioned reads
  take ``If-None-Match`` (304) and answer an ``ETag``;
- every ``POST`` of the API takes an ``Idempotency-Key`` (``server/api/idempotency.py``);
- who may call: a bearer token or the session cookie, except on public routes;
- times of day are ``format: time`` strings ("20:30"), not durations (:class:`TimeOfDay`).

``tests/api/test_schemathesis.py`` holds the server to this document.
"""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING, Any

from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin
from litestar.openapi.spec import (
    Components,
    OpenAPI,
    OpenAPIFormat,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    Reference,
    Schema,
    SecurityRequirement,
    SecurityScheme,
)
from litestar.plugins import OpenAPISchemaPlugin
from litestar.routes import HTTPRoute
from litestar.typing import FieldDefinition

from server.api.problems import PROBLEM_JSON
from server.core.fields import MAX_BIGINT

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator

# ``opt`` of a route whose record has a version: reads answer its ETag (and 304 to a current
# If-None-Match), writes need If-Match (or the version in the body).
CONDITIONAL: dict[str, Any] = {"conditional": True}
# ``opt`` of a route without path parameters that may find nothing (404): the one organisation's
# logo, when it has none.
MAY_BE_ABSENT: dict[str, Any] = {"may_be_absent": True}

TIME_OF_DAY = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
METHODS = ("get", "head", "put", "post", "patch", "delete")

_STRING = Schema(type=OpenAPIType.STRING)
PROBLEM_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    title="Problem",
    description="RFC 9457 problem details; title, detail and messages in the reader's language "
    "(Accept-Language). Some problems add members (held_by, behind, current_version…).",
    required=["type", "title", "status", "detail"],
    properties={
        "type": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.URI),
        "title": _STRING,
        "status": Schema(type=OpenAPIType.INTEGER),
        "detail": _STRING,
        "request_id": Schema(
            type=OpenAPIType.STRING,
            description="The request's id (X-Request-ID), which finds it in the server's logs",
        ),
        "errors": Schema(
            type=OpenAPIType.ARRAY,
            description="What is wrong with each field (422)",
            items=Schema(
                type=OpenAPIType.OBJECT,
                required=["field", "message"],
                properties={
                    "field": _STRING,
                    "message": _STRING,
                    "source": Schema(one_of=[_STRING, Schema(type=OpenAPIType.NULL)]),
                },
            ),
        ),
    },
)

ANSWERS: dict[int, str] = {
    304: "Not modified: the ETag in If-None-Match is current",
    400: "The request could not be read (malformed JSON, a body nested too deep…)",
    401: "Not signed in, or the token is unknown or revoked",
    403: "Signed in, without the permission this needs",
    404: "No such record",
    409: "Conflicts with the current state (a booking, a reference, a request still running)",
    412: "If-Match (or version) names an older version: someone changed the record since",
    413: "The body is too large",
    415: "The body is not of a type this address takes",
    422: "Invalid input; `errors` names each field",
    428: "Send If-Match with the ETag you read (or the version)",
    429: "Too many attempts; wait before trying again",
    503: "Not ready: `failed` names the checks that failed (database, redis, migrations)",
}


# Names of the shared answers in ``components/responses`` (one definition, referenced by all).
RESPONSE_NAMES: dict[int, str] = {
    304: "NotModified",
    400: "BadRequest",
    401: "NotAuthenticated",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    412: "PreconditionFailed",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    422: "InvalidInput",
    428: "PreconditionRequired",
    429: "TooManyAttempts",
    503: "NotReady",
}


def _header(description: str, example: str | None = None) -> OpenAPIHeader:
    return OpenAPIHeader(schema=_STRING, description=description, example=example)


def _parameter(name: str, description: str) -> Parameter:
    return Parameter(
        name=name, param_in="header", required=False, schema=_STRING, description=description
    )


IF_MATCH = _parameter(
    "If-Match", 'The ETag you read ("v3"), so that no one\'s change is overwritten'
)
IF_NONE_MATCH = _parameter("If-None-Match", "The ETag you hold: 304 if it is still current")
IDEMPOTENCY_KEY = _parameter(
    "Idempotency-Key", "A new UUID per request; send the same one when you retry it"
)
ETAG = _header("The record's version, for If-Match and If-None-Match", '"v3"')
SECURITY_SCHEMES: dict[str, SecurityScheme | Reference] = {
    "token": SecurityScheme(
        type="http",
        scheme="bearer",
        description="A personal API token (POST /api/v1/auth/tokens)",
    ),
    "session": SecurityScheme(
        type="apiKey",
        name="saison_session",
        security_scheme_in="cookie",
        description="The session cookie of POST /api/v1/auth/sign-in (writes also need the "
        "X-CSRF-Token header it gives)",
    ),
}
SIGNED_IN: list[SecurityRequirement] = [{"token": []}, {"session": []}]


class TimeOfDay(OpenAPISchemaPlugin):
    """``datetime.time`` is a time of day ("20:30"); Litestar describes it as a duration.

    Not ``format: time`` either: JSON Schema's ``time`` is RFC 3339's *full-time*, which needs
    an offset ("20:30:00+02:00"), and validators refuse "20:30:00". A time of day without
    offset is RFC 3339's *partial-time*; the pattern says what is read and written.
    """

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return value is time

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        return Schema(
            type=OpenAPIType.STRING,
            format="partial-time",  # type: ignore[arg-type]
            pattern=TIME_OF_DAY,
            description="A time of day in the venue's zone (20:30 or 20:30:00)",
            examples=["20:30"],
        )


def _problem(status: int) -> OpenAPIResponse:
    headers: dict[str, OpenAPIHeader | Reference] | None = None
    if status == 401:
        headers = {"WWW-Authenticate": _header("How to authenticate", 'Bearer realm="saison"')}
    elif status == 429:
        headers = {"Retry-After": _header("Seconds to wait")}
    return OpenAPIResponse(
        description=ANSWERS[status],
        headers=headers,
        content={
            PROBLEM_JSON: OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))
        },
    )


def _answers_of(path: str, method: str, operation: Operation, opt: dict[str, Any]) -> list[int]:
    statuses = [400, 401, 422, 429]  # 401: a public sign-in refuses a wrong password too
    if not opt.get("public"):
        statuses.append(403)
    if "{" in path or opt.get("may_be_absent"):
        statuses.append(404)
    if method in UNSAFE or "{" in path:  # a preview may say the record's state forbids it
        statuses.append(409)
    if operation.request_body is not None:
        statuses += [413, 415]
    if opt.get("conditional"):
        statuses += [412, 428] if method in UNSAFE else [304]
    if opt.get("readiness"):
        statuses.append(503)
    return sorted(statuses)


def _describe(path: str, method: str, operation: Operation, opt: dict[str, Any]) -> None:
    responses = operation.responses = dict(operation.responses or {})
    parameters = operation.parameters = list(operation.parameters or [])
    named = {p.name for p in parameters if isinstance(p, Parameter)}
    for parameter in parameters:
        if isinstance(parameter, Parameter):
            _exact_integers(parameter.schema)
    for code, answer in responses.items():
        if not isinstance(answer, OpenAPIResponse):
            continue
        if code in ("204", "304"):
            answer.content = None  # nothing follows
        if code.startswith("2") and opt.get("conditional"):
            answer.headers = {**(answer.headers or {}), "ETag": ETAG}
    for status in _answers_of(path, method, operation, opt):
        responses[str(status)] = Reference(ref=f"#/components/responses/{RESPONSE_NAMES[status]}")
    if opt.get("conditional"):
        header = IF_MATCH if method in UNSAFE else IF_NONE_MATCH
        if header.name not in named:
            parameters.append(header)
    if method == "POST" and path.startswith("/api/v1/") and IDEMPOTENCY_KEY.name not in named:
        parameters.append(IDEMPOTENCY_KEY)
    operation.security = [] if opt.get("public") else SIGNED_IN


def _exact_integers(schema: Any) -> None:
    """Bounds of integers as integers: Litestar writes them as floats, and 2^63 − 1 as a float
    is 2^63, one past what PostgreSQL's bigint holds."""
    if not isinstance(schema, Schema):
        return
    if schema.type == OpenAPIType.INTEGER:
        for bound in ("minimum", "maximum"):
            value = getattr(schema, bound)
            if isinstance(value, float):
                exact = int(value)
                setattr(schema, bound, max(min(exact, MAX_BIGINT), -MAX_BIGINT - 1))
    for child in (
        *(schema.properties or {}).values(),
        *(schema.one_of or []),
        *(schema.any_of or []),
        *(schema.all_of or []),
        schema.items,
    ):
        _exact_integers(child)


class _DescribedOpenAPI(OpenAPIPlugin):
    """Litestar's OpenAPI plugin, which completes the document as it builds it."""

    __slots__ = ()

    def _build_openapi(self) -> OpenAPI:
        document = super()._build_openapi()
        _complete(self.app, document)
        return document


def describe_answers(app: Litestar) -> None:
    """Complete the app's OpenAPI document when it is first asked for (built once, then
    served as is): building it took a third of an app's start-up, at each server start."""
    app.plugins.get(OpenAPIPlugin).__class__ = _DescribedOpenAPI


def _complete(app: Litestar, document: OpenAPI) -> None:
    opts: dict[tuple[str, str], dict[str, Any]] = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                for http_method in handler.http_methods:
                    opts[(route.path_format or "/", http_method)] = handler.opt
    components = document.components
    if not isinstance(components, Components):  # pragma: no cover - Litestar gives one
        return
    components.schemas["Problem"] = PROBLEM_SCHEMA
    for schema in components.schemas.values():
        _exact_integers(schema)
    components.security_schemes = {**(components.security_schemes or {}), **SECURITY_SCHEMES}
    components.responses = {
        **(components.responses or {}),
        **{
            name: (
                OpenAPIResponse(description=ANSWERS[304], headers={"ETag": ETAG})
                if status == 304
                else _problem(status)
            )
            for status, name in RESPONSE_NAMES.items()
        },
    }
    for path, item in (document.paths or {}).items():
        for method in METHODS:
            operation = getattr(item, method, None)
            if isinstance(operation, Operation):
                _describe(path, method.upper(), operation, opts.get((path, method.upper()), {}))
