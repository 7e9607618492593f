"""Domain errors: raised by services, mapped to HTTP (and CalDAV) in one place each."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, kind: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.kind = kind
        self.extra = extra


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Invalid(DomainError):
    """Input that cannot be accepted; ``fields`` maps a field name to what is wrong with it."""

    status = 422
    title = "Invalid input"

    def __init__(self, fields: dict[str, str], detail: str | None = None) -> None:
        super().__init__(detail or "; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


class Conflict(DomainError):
    """The request collides with the current state (a booking, a reference, a unique name)."""

    status = 409
    title = "Conflict"


class StaleVersion(DomainError):
    """Somebody else changed the record since the client read it."""

    status = 412
    title = "Precondition failed"


class VersionRequired(DomainError):
    status = 428
    title = "Precondition required"


class NotAuthenticated(DomainError):
    status = 401
    title = "Not authenticated"


class PermissionDenied(DomainError):
    status = 403
    title = "Forbidden"


class TooManyAttempts(DomainError):
    status = 429
    title = "Too many attempts"
