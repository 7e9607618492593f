"""One guard for every route: each handler declares the area and level it needs in ``opt``.

A handler that declares neither an area nor ``public`` is refused (fail closed), and the app
refuses to start with such a route, so a route added without thought cannot leak data.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import HTTPRouteHandler
from litestar.handlers.base import BaseRouteHandler
from litestar.typing import FieldDefinition

from server.core.errors import Invalid, NotAuthenticated, PermissionDenied
from server.core.fields import MAX_BIGINT, MIN_BIGINT, NUL_MESSAGE, unstorable
from server.core.i18n import Message, _
from server.core.localtime import out_of_range, range_message
from server.core.permissions import Level, Principal, Workspace, access_needed

SCHEMA_PATH = "/schema"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PROPFIND", "REPORT"})


def access(area: Workspace | None, level: Level | None = None) -> dict[str, Any]:
    """``opt`` for a handler: the area it touches; level defaults to read for safe methods."""
    return {"area": area, "level": level}


PUBLIC: dict[str, Any] = {"public": True}
# A route Prometheus may also read with ``SAISON_METRICS_TOKEN`` (``server.api.auth`` marks
# such a request's ``auth`` as ``METRICS_SCRAPER``); anyone else needs the route's area.
SCRAPER_TOO: dict[str, Any] = {"metrics_token": True}
METRICS_SCRAPER = "metrics-scraper"
SIGNED_IN: dict[str, Any] = {"area": None, "level": None, "signed_in": True}


async def permission_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    opt = handler.opt
    if opt.get("public") or connection.scope.get("method") == "OPTIONS":
        return
    if opt.get("metrics_token") and connection.scope.get("auth") == METRICS_SCRAPER:
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


_scalar_types: dict[tuple[Any, str], type | None] = {}


def _scalar_type(handler: HTTPRouteHandler, name: str) -> type | None:
    """The type a query parameter is read as (``int`` for ``list[int] | None``), if plain."""
    key = (handler.fn, name)
    if key not in _scalar_types:
        found: type | None = None
        field: FieldDefinition | None = handler.parsed_fn_signature.parameters.get(name)
        if field is not None:
            if field.is_optional:
                field = next((t for t in field.inner_types if not t.is_none_type), field)
            if field.is_non_string_sequence and field.inner_types:
                field = field.inner_types[0]
            if isinstance(field.annotation, type):
                found = field.annotation
        _scalar_types[key] = found
    return _scalar_types[key]


def _problem_with(kind: type | None, text: str) -> Message | None:
    """What makes a query value impossible to use although it has the right form, or None.

    Values of the wrong form are left to Litestar's own validation (a 422 as well)."""
    if "\x00" in text:
        return Message(NUL_MESSAGE)
    try:
        if kind is int:
            number = int(text)
            if not MIN_BIGINT <= number <= MAX_BIGINT:
                return unstorable(number)
        elif kind is date:
            if out_of_range(date.fromisoformat(text)):
                return range_message()
        elif kind is datetime:
            if out_of_range(datetime.fromisoformat(text)):
                return range_message()
    except ValueError:
        return None
    return None


async def storable_parameters(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Path and query values that no record can match are a 422 naming them, on every route.

    A NUL character (PostgreSQL text cannot hold one), a number past PostgreSQL's bigint or a
    day outside Saison's years would otherwise reach the database or the venue's calendar and
    fail there as a server error. Bodies are checked by ``server.core.fields.Input``.
    """
    if connection.scope["type"] != "http" or not isinstance(handler, HTTPRouteHandler):
        return
    problems: dict[str, Message] = {}
    for name, value in connection.path_params.items():
        problem = unstorable(value) if isinstance(value, int | str) else None
        if problem is not None:
            problems[name] = problem
    if connection.query_params and not _is_framework(handler):
        for name, values in connection.query_params.dict().items():
            kind = _scalar_type(handler, name)
            for text in values:
                problem = _problem_with(kind, text)
                if problem is not None:
                    problems[name] = problem
                    break
    if problems:
        raise Invalid(problems)


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
