"""Every refusal as a WebDAV/CalDAV response, mapped here once.

Statuses and preconditions follow RFC 4918, 4791 and 6578; where no standard precondition
fits (a room already booked), a Saison one in the ``https://saison.dev/ns`` namespace names it.
Bodies are DAV:error documents with a sentence (``s:message``) an app may show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from calendar_bridge.dav.xml import c, d, element, error_body, href, s
from calendar_bridge.errors import (
    InvalidFilter,
    InvalidSyncToken,
    MalformedCalendar,
    MalformedRequest,
    ReadOnlyCalendar,
    TooLarge,
    UidConflict,
    UnsupportedCollation,
    UnsupportedEvent,
    UnsupportedFilter,
    UnsupportedReport,
)
from server.core.errors import (
    Conflict,
    DomainError,
    Invalid,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    StaleVersion,
    TooManyAttempts,
    VersionRequired,
)
from server.core.i18n import _, render

XML_TYPE = "application/xml; charset=utf-8"
CHALLENGE = ("WWW-Authenticate", 'Basic realm="Saison", charset="UTF-8"')


@dataclass
class DavResponse:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


def _error(status: int, condition: Element | None, message: str) -> DavResponse:
    return DavResponse(status, error_body(condition, message), [("Content-Type", XML_TYPE)])


def _condition(error: DomainError) -> tuple[int, Element | None]:
    """(status, precondition element) for a domain error; most specific classes first."""
    if isinstance(error, MalformedCalendar):
        return 400, element(c("valid-calendar-data"))
    if isinstance(error, InvalidFilter):
        return 400, element(c("valid-filter"))
    if isinstance(error, MalformedRequest):
        return 400, None
    if isinstance(error, UnsupportedCollation):
        return 403, element(c("supported-collation"))
    if isinstance(error, UnsupportedFilter):
        return 403, element(c("supported-filter"))
    if isinstance(error, UnsupportedReport):
        return 403, element(d("supported-report"))
    if isinstance(error, InvalidSyncToken):
        return 403, element(d("valid-sync-token"))
    if isinstance(error, UidConflict):
        inner = [href(error.href)] if error.href else []
        return 403, element(c("no-uid-conflict"), None, *inner)
    if isinstance(error, UnsupportedEvent | Invalid):
        return 403, element(c("valid-calendar-object-resource"))
    if isinstance(error, ReadOnlyCalendar | PermissionDenied):
        return 403, element(d("need-privileges"))
    if isinstance(error, Conflict):
        if error.kind == "double-booking":
            return 409, element(s("room-available"))
        return 409, element(s("no-conflict"))
    if isinstance(error, StaleVersion | VersionRequired):
        return 412, None
    if isinstance(error, NotFound):
        return 404, None
    if isinstance(error, TooLarge):
        return 413, element(c("max-resource-size"))
    return error.status, None


def error_response(error: DomainError) -> DavResponse:
    if isinstance(error, NotAuthenticated):
        response = _error(401, None, error.detail)
        response.headers.append(CHALLENGE)
        return response
    if isinstance(error, TooManyAttempts):
        response = _error(429, None, error.detail)
        response.headers.append(("Retry-After", str(error.extra.get("retry_after", 60))))
        return response
    status, condition = _condition(error)
    return _error(status, condition, error.detail)


def internal_error() -> DavResponse:
    return _error(
        500,
        None,
        render(
            _("Something went wrong on the server; nothing was saved. The error has been logged.")
        ),
    )
