"""Who is calling: session cookie (with CSRF token on writes) or ``Authorization: Bearer``.

Resolved principals are cached a few seconds per process; any change of accounts, tokens or
permissions made in this process clears the cache, other processes follow within the TTL.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from server.accounts import credentials
from server.accounts.permissions import Principal
from server.api.guards import SAFE_METHODS
from server.core.errors import NotAuthenticated, PermissionDenied
from server.core.i18n import _
from server.db.engine import Database

SESSION_COOKIE = "saison_session"
CSRF_HEADER = "x-csrf-token"
CACHE_SECONDS = 5.0

_cache: dict[str, tuple[float, Principal, str | None]] = {}
_inflight: dict[str, asyncio.Future[tuple[Principal, str | None] | None]] = {}


def forget_principals() -> None:
    """Called after any change to accounts, tokens, sessions or permissions."""
    _cache.clear()


async def _resolve(db: Database, kind: str, secret: str) -> tuple[Principal, str | None] | None:
    key = f"{kind}:{credentials.digest(secret)}"
    hit = _cache.get(key)
    now = time.monotonic()
    if hit and hit[0] > now:
        return hit[1], hit[2]
    # Many requests with the same credentials at once (screens reconnecting after a restart)
    # share one lookup instead of each taking a database connection.
    pending = _inflight.get(key)
    if pending is None:
        pending = asyncio.ensure_future(_lookup(db, kind, secret, key, now))
        _inflight[key] = pending
        pending.add_done_callback(lambda _: _inflight.pop(key, None))
    return await asyncio.shield(pending)


async def _lookup(
    db: Database, kind: str, secret: str, key: str, now: float
) -> tuple[Principal, str | None] | None:
    async with db.sessions() as session:
        if kind == "cookie":
            row = await credentials.find_session(session, secret)
            if row is None:
                return None
            principal = await credentials.principal_for(session, row["user_id"], via="session")
            csrf: str | None = row["csrf_token"]
        else:
            token = await credentials.find_token(session, secret, kind="api")
            if token is None:
                return None
            principal = await credentials.principal_for(
                session, token["user_id"], via=token["kind"], scopes=token["scopes"]
            )
            await credentials.touch_token(session, token["id"])
            await session.commit()
            csrf = None
    if principal is None:
        return None
    _cache[key] = (now + CACHE_SECONDS, principal, csrf)
    return principal, csrf


class AuthMiddleware(AbstractAuthenticationMiddleware):
    """Attach the principal; routes decide (through the guard) whether one is needed."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        db: Database = connection.app.state.db
        header = connection.headers.get("authorization", "")
        if header:
            scheme, _sep, secret = header.partition(" ")
            if scheme.lower() == "basic":
                # Calendar apps (app passwords): the CalDAV mount authenticates them itself.
                return AuthenticationResult(user=None, auth=None)
            if scheme.lower() != "bearer" or not secret.strip():
                raise NotAuthenticated(_("Send the API token as 'Authorization: Bearer <token>'."))
            resolved = await _resolve(db, "token", secret.strip())
            if resolved is None:
                raise NotAuthenticated(_("This API token is unknown or was revoked."))
            return AuthenticationResult(user=resolved[0], auth="token")
        cookie = connection.cookies.get(SESSION_COOKIE)
        if cookie:
            resolved = await _resolve(db, "cookie", cookie)
            if resolved is not None:
                principal, csrf = resolved
                method = connection.scope.get("method", "GET")
                signing_in = connection.scope["path"].endswith("/auth/sign-in")
                if (
                    method not in SAFE_METHODS
                    and connection.scope["type"] == "http"
                    and not signing_in
                ):
                    sent = connection.headers.get(CSRF_HEADER, "")
                    if not csrf or not hmac.compare_digest(sent, csrf):
                        raise PermissionDenied(
                            _(
                                "Missing or wrong X-CSRF-Token header (given at sign-in and by "
                                "/api/v1/auth/me)."
                            )
                        )
                return AuthenticationResult(user=principal, auth="session")
        return AuthenticationResult(user=None, auth=None)
