"""Each request's id and what it is, for every log line written while serving it.

The id comes from ``X-Request-ID`` when a proxy or client sent a sensible one (so a request
can be followed from the proxy's logs into Saison's), else it is made here; it is sent back
in the same header and in problem details (``server.api.problems``). One ASGI wrapper,
outermost, sets it, times the request, counts it (``server.observability.metrics``) and
writes the access line.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from server.observability import metrics

access_log = logging.getLogger("saison.access")

HEADER = "x-request-id"
# What a request id sent by someone else may be: short, printable, no spaces or quotes (it
# goes into headers and log lines as it is).
VALID_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}")
# ``opt`` of a route whose path holds a credential (an ICS feed's secret): its logs show the
# route's template instead of the path.
SECRET_IN_PATH: dict[str, Any] = {"secret_in_path": True}


@dataclass
class RequestContext:
    id: str
    method: str
    scope: dict[str, Any] = field(repr=False)

    @property
    def path(self) -> str:
        handler = self.scope.get("route_handler")
        if handler is not None and getattr(handler, "opt", {}).get("secret_in_path"):
            return str(self.scope.get("path_template") or "")
        return str(self.scope.get("path", ""))

    @property
    def user_id(self) -> int | None:
        """Who asks, once authentication has said (the principal's id; none for a machine)."""
        return getattr(self.scope.get("user"), "user_id", None)


CURRENT: ContextVar[RequestContext | None] = ContextVar("saison_request", default=None)


def current_request_id() -> str | None:
    context = CURRENT.get()
    return context.id if context is not None else None


def request_id(headers: list[tuple[bytes, bytes]]) -> str:
    """The id the caller sent, when it is a sensible one; else a new one."""
    for name, value in headers:
        if name.lower() == b"x-request-id":
            sent = value.decode("latin-1").strip()
            if VALID_ID.fullmatch(sent):
                return sent
            break
    return uuid.uuid4().hex


class Observed:
    """The application wrapped: request id, access log line, request metrics."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        context = RequestContext(request_id(scope.get("headers", [])), scope.get("method", "GET"),
                                 scope)  # fmt: skip
        if kind == "websocket":
            context.method = "WEBSOCKET"
        token = CURRENT.set(context)
        header = (HEADER.encode(), context.id.encode())
        status = 500

        async def sending(message: Any) -> None:
            nonlocal status
            if message["type"] in ("http.response.start", "websocket.accept"):
                status = message.get("status", 101)
                message = {**message, "headers": [*message.get("headers", []), header]}
            elif message["type"] == "websocket.close" and status == 500:
                status = 403  # refused before being accepted
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, sending)
        finally:
            duration = time.perf_counter() - started
            route = scope.get("path_template") or "unmatched"
            if kind == "http":
                metrics.observe_request(context.method, route, status, duration)
            access_log.info(
                "%s %s %s",
                context.method,
                context.path,
                status,
                extra={"status": status, "duration_ms": round(duration * 1000, 2)},
            )
            CURRENT.reset(token)
