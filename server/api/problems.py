"""Every error leaves as RFC 9457 problem details; domain errors are mapped here, once."""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY, HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DBAPIError

from server.api.validation import field_of, msgspec_message, pydantic_message
from server.core.errors import DomainError, Invalid
from server.core.i18n import N_, Message, negotiate, render, translate, use_language
from server.observability.requests import current_request_id

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
MISSING_PARAMETER = re.compile(r"Missing required (\w+) parameter '([^']+)'")
TYPE_BASE = "https://saison.dev/problems/"


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    kind: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response[dict[str, Any]]:
    """A problem document; ``title`` is the English title, sent in the reader's language.
    ``request_id`` names the request in the server's logs (``X-Request-ID``)."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + (kind or title.lower().replace(" ", "-")),
        "title": translate(title),
        "status": status,
        "detail": detail,
        "request_id": current_request_id(),
    }
    if errors:
        body["errors"] = errors
    body.update({k: v for k, v in extra.items() if v is not None})
    if body["request_id"] is None:
        del body["request_id"]
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def speak_to(request: Request[Any, Any, Any]) -> None:
    """Render what follows in the language the request asks for (``Accept-Language``)."""
    use_language(negotiate(request.headers.get("accept-language")))


def domain_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, DomainError)
    speak_to(request)
    errors = None
    if isinstance(exc, Invalid):
        errors = [
            {"field": name, "message": render(message)} for name, message in exc.fields.items()
        ]
    headers = {"WWW-Authenticate": 'Bearer realm="saison"'} if exc.status == 401 else None
    if exc.status == 429 and "retry_after" in exc.extra:
        headers = {"Retry-After": str(exc.extra["retry_after"])}
    return problem(
        exc.status,
        exc.title,
        exc.detail,
        kind=exc.kind,
        errors=errors,
        headers=headers,
        **exc.extra,
    )


def validation_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Litestar's own input validation (body, query, path): 422 with one entry per field, each
    said in the reader's language (``server.api.validation``)."""
    assert isinstance(exc, ValidationException)
    speak_to(request)
    errors: list[dict[str, Any]] = []
    cause = exc.__cause__
    detailed = getattr(cause, "errors", None)
    if callable(detailed):  # pydantic's own ValidationError
        detailed = detailed()
    if isinstance(detailed, list) and detailed:
        # A body checked by pydantic: each error keeps its type code and limits.
        for item in detailed:
            errors.append(
                {
                    "field": field_of(item.get("loc")),
                    "message": pydantic_message(item),
                    "source": "body",
                }
            )
    else:
        for item in exc.extra or []:
            if isinstance(item, dict):
                errors.append(
                    {
                        "field": field_of(item.get("key")),
                        "message": msgspec_message(str(item.get("message", ""))),
                        "source": item.get("source"),
                    }
                )
    missing = MISSING_PARAMETER.match(str(exc.detail or ""))
    if not errors and missing:  # Litestar names a missing required parameter in English
        source, name = missing.groups()
        errors = [{"field": name, "message": translate("required"), "source": source}]
    if not errors:
        errors = [{"field": "", "message": translate("The request could not be read.")}]
    detail = "; ".join(
        f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors
    )
    return problem(HTTP_422_UNPROCESSABLE_ENTITY, N_("Invalid input"), detail, errors=errors)


# What Litestar itself refuses (no such address, a method an address does not take, a body too
# large or unreadable), said by Saison in the reader's language rather than in HTTP's English.
HTTP_TEXTS: dict[int, tuple[str, str]] = {
    400: (
        N_("Bad request"),
        N_("The request could not be read; if it has a body, check it is valid JSON."),
    ),
    401: (
        N_("Not authenticated"),
        N_("Sign in, or send an API token as 'Authorization: Bearer …'."),
    ),
    403: (N_("Forbidden"), N_("You may not do this.")),
    404: (N_("Not found"), N_("There is nothing at this address.")),
    405: (N_("Method not allowed"), N_("This address does not take {method} requests.")),
    413: (N_("Payload too large"), N_("The request is too large.")),
    415: (N_("Unsupported media type"), N_("This address does not take this content type.")),
}


def http_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, HTTPException)
    speak_to(request)
    status = exc.status_code
    title, text = HTTP_TEXTS.get(status, (N_("Error"), ""))
    if isinstance(exc, PermissionDeniedException):
        title, text = HTTP_TEXTS[403]
    detail = Message(text, method=request.method).render() if text else exc.detail
    headers = dict(exc.headers or {})
    if isinstance(exc, NotAuthorizedException):
        headers.setdefault("WWW-Authenticate", 'Bearer realm="saison"')
    return problem(status, title, detail, headers=headers or None)


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    speak_to(request)
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR,
        N_("Internal error"),
        translate(
            "Something went wrong on the server; nothing was saved. The error has been logged."
        ),
    )


def _is_data_exception(exc: BaseException) -> bool:
    """A value PostgreSQL (or its driver) cannot take: SQLSTATE class 22 ("data exception":
    numeric or date out of range, a NUL in text…) or a value asyncpg cannot encode."""
    seen: BaseException | None = exc
    while seen is not None:
        state = getattr(seen, "sqlstate", None) or getattr(seen, "pgcode", None)
        if isinstance(state, str) and state.startswith("22"):
            return True
        if type(seen).__module__.startswith("asyncpg") and type(seen).__name__ == "DataError":
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False


def database_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The last line of defence for input: a value the database refuses is the caller's 422.

    Inputs are checked where they come in (``server.core.fields``, ``server.api.guards``); a
    value that still reaches PostgreSQL out of range is logged, so that its field gets a type.
    """
    if not _is_data_exception(exc):
        return internal_error_handler(request, exc)
    log.warning("value refused by the database on %s %s: %s", request.method, request.url.path,
                exc)  # fmt: skip
    speak_to(request)
    message = translate("A value sent cannot be stored: it is out of range.")
    return problem(
        HTTP_422_UNPROCESSABLE_ENTITY,
        N_("Invalid input"),
        message,
        errors=[{"field": "", "message": message}],
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error_handler,
    DBAPIError: database_error_handler,
    ValidationException: validation_handler,
    HTTPException: http_error_handler,
    HTTP_500_INTERNAL_SERVER_ERROR: internal_error_handler,
}

__all__ = ["EXCEPTION_HANDLERS", "PROBLEM_JSON", "MediaType", "problem"]
