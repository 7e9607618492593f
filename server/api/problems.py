"""Every error leaves as RFC 9457 problem details; domain errors are mapped here, once."""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY, HTTP_500_INTERNAL_SERVER_ERROR

from server.core.errors import DomainError, Invalid
from server.core.i18n import N_, negotiate, render, translate, use_language

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
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
    """A problem document; ``title`` is the English title, sent in the reader's language."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + (kind or title.lower().replace(" ", "-")),
        "title": translate(title),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def speak_to(request: Request[Any, Any, Any]) -> None:
    """Render what follows in the language the request asks for (``Accept-Language``)."""
    use_language(negotiate(request.headers.get("accept-language")))


def _field_of(key: Any) -> str:
    text = str(key or "")
    return text[2:] if text.startswith("$.") else text


def domain_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, DomainError)
    speak_to(request)
    errors = None
    if isinstance(exc, Invalid):
        errors = [
            {"field": name, "message": render(message)} for name, message in exc.fields.items()
        ]
    headers = {"WWW-Authenticate": 'Bearer realm="saison"'} if exc.status == 401 else None
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
    """Litestar's own input validation (body, query, path): 422 with one entry per field."""
    assert isinstance(exc, ValidationException)
    speak_to(request)
    errors = []
    for item in exc.extra or []:
        if isinstance(item, dict):
            errors.append(
                {
                    "field": _field_of(item.get("key")),
                    "message": str(item.get("message", "is invalid")),
                    "source": item.get("source"),
                }
            )
    if not errors:
        errors = [{"field": "", "message": exc.detail}]
    detail = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors)
    return problem(HTTP_422_UNPROCESSABLE_ENTITY, N_("Invalid input"), detail, errors=errors)


def http_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, HTTPException)
    speak_to(request)
    status = exc.status_code
    title = {
        401: N_("Not authenticated"),
        403: N_("Forbidden"),
        404: N_("Not found"),
        405: N_("Method not allowed"),
        413: N_("Payload too large"),
        415: N_("Unsupported media type"),
    }.get(status, N_("Error"))
    headers = dict(exc.headers or {})
    if isinstance(exc, NotAuthorizedException):
        headers.setdefault("WWW-Authenticate", 'Bearer realm="saison"')
    if isinstance(exc, PermissionDeniedException):
        title = N_("Forbidden")
    return problem(status, title, exc.detail, headers=headers or None)


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


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error_handler,
    ValidationException: validation_handler,
    HTTPException: http_error_handler,
    HTTP_500_INTERNAL_SERVER_ERROR: internal_error_handler,
}

__all__ = ["EXCEPTION_HANDLERS", "PROBLEM_JSON", "MediaType", "problem"]
