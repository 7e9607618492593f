"""Who is calling: session cookie (with CSRF token on writes) or ``Authorization: Bearer``.

Resolved credentials are cached per process, and each answer is used only while no access
change (a deactivation, a revoked token, a permission changed…) has been committed since it was
built, on any process: ``server/accounts/revocation.py`` says how, and why it costs one short
query per request.
"""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass, field
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from server.accounts import credentials
from server.accounts.revocation import CREDENTIALS, AccessWatch
from server.api.guards import METRICS_SCRAPER, SAFE_METHODS
from server.core.errors import NotAuthenticated, PermissionDenied
from server.core.i18n import _
from server.core.permissions import Principal
from server.db.engine import Database

SESSION_COOKIE = "saison_session"
METRICS_PATH = "/metrics"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class Identity:
    """A resolved credential: who it is, and what opened it (live sockets re-check it)."""

    principal: Principal
    kind: str  # "session" (cookie) or "token"
    secret: str = field(repr=False)
    csrf: str | None = field(default=None, repr=False)
    token_id: int | None = None
    built: int = 0  # the last access change this answer reflects


_inflight: dict[tuple[tuple[str, str], int], asyncio.Future[Identity | None]] = {}


async def identify(db: Database, watch: AccessWatch, kind: str, secret: str) -> Identity | None:
    """The identity behind a session cookie (``kind="session"``) or an API token, now."""
    latest = await watch.latest(db)
    key = (kind, credentials.digest(secret))
    hit = CREDENTIALS.get(key, latest, Identity)
    if hit is not None:
        return hit
    # Many requests with the same credentials at once (screens reconnecting after a restart)
    # share one lookup instead of each taking a database connection.
    pending = _inflight.get((key, latest))
    if pending is None:
        pending = asyncio.ensure_future(_lookup(db, kind, secret, key, latest))
        _inflight[(key, latest)] = pending
        pending.add_done_callback(lambda _: _inflight.pop((key, latest), None))
    return await asyncio.shield(pending)


async def _lookup(
    db: Database, kind: str, secret: str, key: tuple[str, str], latest: int
) -> Identity | None:
    token_id = None
    async with db.sessions() as session:
        if kind == "session":
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
            csrf, token_id = None, token["id"]
    if principal is None:
        return None
    identity = Identity(principal, kind, secret, csrf, token_id, latest)
    CREDENTIALS.put(key, identity, latest)
    return identity


def is_metrics_token(connection: ASGIConnection[Any, Any, Any, Any], secret: str) -> bool:
    """Prometheus's token (``SAISON_METRICS_TOKEN``), sent to the metrics route only."""
    expected = connection.app.state.settings.metrics_token
    return bool(
        expected
        and connection.scope["path"] == METRICS_PATH
        and hmac.compare_digest(secret.encode(), expected.encode())
    )


class AuthMiddleware(AbstractAuthenticationMiddleware):
    """Attach the principal; routes decide (through the guard) whether one is needed."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        db: Database = connection.app.state.db
        watch: AccessWatch = connection.app.state.access
        header = connection.headers.get("authorization", "")
        if header:
            scheme, _sep, secret = header.partition(" ")
            if scheme.lower() == "basic":
                # Calendar apps (app passwords): the CalDAV mount authenticates them itself.
                return AuthenticationResult(user=None, auth=None)
            if scheme.lower() != "bearer" or not secret.strip():
                raise NotAuthenticated(_("Send the API token as 'Authorization: Bearer <token>'."))
            if is_metrics_token(connection, secret.strip()):
                return AuthenticationResult(user=None, auth=METRICS_SCRAPER)
            identity = await identify(db, watch, "token", secret.strip())
            if identity is None:
                raise NotAuthenticated(_("This API token is unknown or was revoked."))
            return AuthenticationResult(user=identity.principal, auth=identity)
        cookie = connection.cookies.get(SESSION_COOKIE)
        if cookie:
            identity = await identify(db, watch, "session", cookie)
            if identity is not None:
                principal, csrf = identity.principal, identity.csrf
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
                return AuthenticationResult(user=principal, auth=identity)
        return AuthenticationResult(user=None, auth=None)
