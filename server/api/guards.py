"""One guard for every route: each handler declares the area and level it needs in ``opt``.

A handler that declares neither an area nor ``public`` is refused (fail closed), and the app
refuses to start with such a route, so a route added without thought cannot leak data.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import HTTPRouteHandler
from litestar.handlers.base import BaseRouteHandler

from server.accounts.permissions import Level, Principal, Workspace, access_needed
from server.core.errors import Invalid, NotAuthenticated, PermissionDenied
from server.core.i18n import Message, _

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
        raise NotAuthenticated(_("Sign in, or send an API token as 'Authorization: Bearer …'."))
    if opt.get("signed_in") or connection.scope["path"].startswith(SCHEMA_PATH):
        return
    area = opt.get("area")
    if area is None:
        raise PermissionDenied(_("This address declares no permission and is closed."))
    level = opt.get("level")
    if level is None:
        method = connection.scope.get("method", "GET")
        level = Level.READ if method in SAFE_METHODS else Level.WRITE
    if not principal.can(area, level):
        raise PermissionDenied(access_needed(level, area))


# Routes whose callers add query parameters of their own (calendar apps subscribed to a feed
# append cache-busters): they take any query and ignore what they do not know.
ANY_QUERY: dict[str, Any] = {"any_query": True}
_query_names: dict[tuple[Any, frozenset[str]], frozenset[str]] = {}


def _names_taken(handler: HTTPRouteHandler, path_params: dict[str, Any]) -> frozenset[str]:
    """The query parameters a route takes, read once from its signature (guards receive a copy
    of the handler on each request: the cache is keyed by its function)."""
    key = (handler.fn, frozenset(path_params))
    names = _query_names.get(key)
    if names is None:
        model = handler.create_kwargs_model(dict.fromkeys(path_params))  # type: ignore[arg-type]
        names = frozenset(p.field_alias for p in model.expected_query_params)
        _query_names[key] = names
    return names


async def known_query_parameters(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """A query parameter a route does not take is a 422 naming it, never silently ignored.

    (Integrators sent ``updated_since`` to lists that did not filter on it and believed they
    did.) Runs after ``permission_guard``, for every route, from the route's own signature.
    """
    if not connection.query_params or connection.scope["type"] != "http":
        return
    if not isinstance(handler, HTTPRouteHandler) or handler.opt.get("any_query"):
        return
    if _is_framework(handler):
        return
    taken = _names_taken(handler, connection.path_params)
    unknown = [name for name in connection.query_params if name not in taken]
    if unknown:
        message: Message = (
            _("this address takes no query parameters")
            if not taken
            else _("unknown parameter; this address takes: {names}", names=", ".join(sorted(taken)))
        )
        raise Invalid(dict.fromkeys(unknown, message))


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
