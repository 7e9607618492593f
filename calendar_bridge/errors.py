"""Refusals specific to calendars, beside the domain errors of ``server.core.errors``.

They name what went wrong, never an HTTP status: ``calendar_bridge.dav.errors`` maps every
error to a WebDAV/CalDAV response in one place.
"""

from __future__ import annotations

from server.core.errors import DomainError, PermissionDenied
from server.core.i18n import N_, Message


class MalformedRequest(DomainError):
    """The request body cannot be read: malformed XML, or XML that is not what was asked."""

    status = 400
    title = N_("Bad request")


class MalformedCalendar(MalformedRequest):
    """The iCalendar body of a PUT cannot be parsed."""


class UnsupportedFilter(DomainError):
    """A calendar-query filter this server does not evaluate (CALDAV:supported-filter)."""

    status = 403
    title = N_("Unsupported filter")


class UnsupportedCollation(UnsupportedFilter):
    """A text-match collation other than i;ascii-casemap, i;unicode-casemap, i;octet."""


class InvalidSyncToken(DomainError):
    """A sync token this server did not issue, or one issued under other permissions."""

    status = 403
    title = N_("Invalid sync token")


class UidConflict(DomainError):
    """The UID of a new event is already used by another event (CALDAV:no-uid-conflict)."""

    status = 403
    title = N_("UID conflict")

    def __init__(self, detail: str | Message, href: str | None = None) -> None:
        super().__init__(detail)
        self.href = href


class UnsupportedEvent(DomainError):
    """A well-formed event Saison cannot hold (recurrence, several events, no end)."""

    status = 403
    title = N_("Unsupported event")


class ReadOnlyCalendar(PermissionDenied):
    """Writing to a calendar that takes no writes (performances, or no planning write)."""


class TooLarge(DomainError):
    status = 413
    title = N_("Payload too large")


class InvalidFilter(MalformedRequest):
    """A calendar-query filter that is not well formed (CALDAV:valid-filter)."""


class UnsupportedReport(DomainError):
    """A REPORT this resource does not answer (DAV:supported-report)."""

    status = 403
    title = N_("Unsupported report")
