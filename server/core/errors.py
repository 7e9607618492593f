"""Domain errors: raised by services, mapped to HTTP (and CalDAV) in one place each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.core.i18n import N_, Message, render


class DomainError(Exception):
    """``detail`` may be a lazy :class:`Message`: it is rendered in the reader's language."""

    status = 400
    title = N_("Bad request")

    def __init__(self, detail: str | Message, *, kind: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.message = detail
        self.kind = kind
        self.extra = extra

    @property
    def detail(self) -> str:
        return render(self.message)

    def __str__(self) -> str:
        return self.detail


class NotFound(DomainError):
    status = 404
    title = N_("Not found")


class Invalid(DomainError):
    """Input that cannot be accepted; ``fields`` maps a field name to what is wrong with it."""

    status = 422
    title = N_("Invalid input")

    def __init__(
        self, fields: Mapping[str, str | Message], detail: str | Message | None = None
    ) -> None:
        super().__init__(detail or "")
        self.fields = fields

    @property
    def detail(self) -> str:
        if self.message:
            return render(self.message)
        return "; ".join(f"{k}: {render(v)}" for k, v in self.fields.items())


class Conflict(DomainError):
    """The request collides with the current state (a booking, a reference, a unique name)."""

    status = 409
    title = N_("Conflict")


class StaleVersion(DomainError):
    """Somebody else changed the record since the client read it."""

    status = 412
    title = N_("Precondition failed")


class VersionRequired(DomainError):
    status = 428
    title = N_("Precondition required")


class NotAuthenticated(DomainError):
    status = 401
    title = N_("Not authenticated")


class PermissionDenied(DomainError):
    status = 403
    title = N_("Forbidden")


class TooManyAttempts(DomainError):
    status = 429
    title = N_("Too many attempts")
