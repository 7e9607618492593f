"""One guard for every route: each handler declares the area and level it needs in ``opt``.

A handler that declares neither an area nor ``public`` is refused (fail closed), and the app
refuses to start with such a route, so a route added without thought cannot leak data.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from server.accounts.permissions import Level, Principal, Workspace
from server.core.errors import NotAuthenticated, PermissionDenied

SCHEMA_PATH = "/schema"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PROPFIND", "REPORT"})


def access(area: Workspace | None, level: Level | None = None) -> dict[str, Any]:
    """``opt`` for a handler: the area it touches; level defaults to read for safe methods."""
    return {"area": area, "level": level}


PUBLIC: dict[str, Any] = {"public": True}
SIGNED_IN: dict[str, Any] = {"area": None, "level": None, "signed_in": True}


async def permission_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    opt = handler.opt
    if opt.get("public") or connection.scope.get("method") == "OPTIONS":
        return
    principal = connection.scope.get("user")
    if not isinstance(principal, Principal):
        raise NotAuthenticated("sign in, or send an API token as 'Authorization: Bearer …'")
    if opt.get("signed_in") or connection.scope["path"].startswith(SCHEMA_PATH):
        return
    area = opt.get("area")
    if area is None:
        raise PermissionDenied("this route declares no permission and is closed")
    level = opt.get("level")
    if level is None:
        method = connection.scope.get("method", "GET")
        level = Level.READ if method in SAFE_METHODS else Level.WRITE
    if not principal.can(area, level):
        raise PermissionDenied(f"{level.label} access to {area.value} is needed to do this")


def _is_framework(handler: BaseRouteHandler) -> bool:
    """Litestar's own handlers: automatic OPTIONS and the OpenAPI pages (signed-in only)."""
    module = getattr(getattr(handler, "fn", None), "__module__", "") or ""
    return handler.handler_name == "options_handler" or module.startswith("litestar.")


def undeclared_routes(handlers: list[BaseRouteHandler]) -> list[str]:
    """Routes that declare no permission at all; the app refuses to start if there are any."""
    missing = []
    for handler in handlers:
        opt = handler.opt
        if opt.get("public") or opt.get("signed_in") or opt.get("area") is not None:
            continue
        if _is_framework(handler):
            continue
        missing.append(f"{handler.handler_name} {sorted(getattr(handler, 'paths', ()))}")
    return missing
