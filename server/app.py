"""The application factory: one place where interfaces, errors and guards are assembled."""

from __future__ import annotations

import asyncio
import gc
import ipaddress
import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from asyncpg import exceptions as pg
from litestar import Litestar, Request, Router
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from sqlalchemy.exc import DBAPIError
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from calendar_bridge.profile_routes import profile_router
from calendar_bridge.routes import calendar_api_routers, calendar_routes, dav_at_root
from realtime.hub import Hub
from realtime.live import live
from server.accounts import credentials
from server.accounts.revocation import AccessWatch
from server.api.accounts import account_routers
from server.api.auth import AuthMiddleware
from server.api.bodies import SaisonRequest
from server.api.changes import changes_router
from server.api.communication import communication_routers, public_router
from server.api.connectors import connector_router
from server.api.day import day_router
from server.api.documents import document_routers
from server.api.guards import (
    known_query_parameters,
    permission_guard,
    storable_parameters,
    undeclared_routes,
)
from server.api.idempotency import IdempotencyMiddleware
from server.api.imports import import_router
from server.api.methods import allowed_methods, answer_options
from server.api.openapi import TimeOfDay, describe_answers
from server.api.organisation import organisation_router
from server.api.ownership import ownership_routers
from server.api.personal_data import personal_data_routers
from server.api.problems import EXCEPTION_HANDLERS
from server.api.records import record_routers
from server.api.recurring import recurring_routers
from server.api.search import search_router
from server.api.service import ROUTES as SERVICE_ROUTES
from server.api.webhooks import webhook_router
from server.api.workflow import workflow_routers
from server.configure import configure
from server.core import organisation
from server.core.idempotency import IdempotencyStore
from server.core.permissions import Principal
from server.core.refusals import postgres_error
from server.core.unit_of_work import UnitOfWork, unit_of_work
from server.db.embedded import start_embedded
from server.db.engine import Database
from server.db.migrate import upgrade
from server.feeds.outbox import backlog_size
from server.feeds.worker import Job, make_worker
from server.observability.metrics import process_exited, register_outbox_backlog
from server.observability.requests import Observed
from server.settings import Settings, get_settings
from server.web import API_DOCS_PATH, web_routes

log = logging.getLogger("saison")

ANONYMOUS = Principal(user_id=None, name="anonymous", via="anonymous")


async def provide_uow(request: Request[Any, Any, Any]) -> AsyncGenerator[UnitOfWork, None]:
    actor = request.scope.get("user") or ANONYMOUS
    async with unit_of_work(request.app.state.db, actor) as uow:
        yield uow


def client_address_middleware(settings: Settings) -> list[DefineMiddleware]:
    """Read the client's address from ``X-Forwarded-For`` only when the peer is one of
    ``SAISON_TRUSTED_PROXIES`` (throttling and the history key on it, so a client must not be
    able to choose it). uvicorn's middleware reads the header right to left, skipping trusted
    hops; ``Forwarded`` is never read. ``saison serve`` turns uvicorn's own handling off."""
    if not settings.trusted_proxies:
        return []
    for entry in settings.trusted_proxies:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise RuntimeError(
                f"SAISON_TRUSTED_PROXIES: {entry!r} is not an address or a network"
            ) from None
    proxies = list(settings.trusted_proxies)
    return [DefineMiddleware(ProxyHeadersMiddleware, trusted_hosts=proxies)]  # type: ignore[arg-type]


def extra_jobs(db: Database, settings: Settings) -> list[Job]:
    """Periodic jobs of packages above ``server.feeds`` (connectors on a schedule…), run by
    each server's worker and by `saison worker` alike, after Saison's own (webhooks)."""
    del db, settings
    return []


def api_router(extra: list[Any] | None = None) -> Router:
    return Router(
        path="/api/v1",
        # Inside authentication (it needs to know who asks): see server/api/idempotency.py.
        middleware=[DefineMiddleware(IdempotencyMiddleware)],
        route_handlers=[
            *record_routers(),
            *communication_routers(),
            *workflow_routers(),
            *document_routers(),
            *recurring_routers(),
            *personal_data_routers(),
            *ownership_routers(),
            changes_router,
            connector_router(),
            import_router(),
            day_router,
            search_router,
            webhook_router(),
            live,
            *account_routers(),
            *calendar_api_routers(),
            profile_router(),
            organisation_router(),
            *(extra or []),
        ],
    )


def all_handlers(app: Litestar) -> list[Any]:
    handlers: list[Any] = []
    for route in app.routes:
        handlers.extend(getattr(route, "route_handlers", None) or [route.route_handler])  # type: ignore[union-attr]
    return handlers


def create_app(settings: Settings | None = None, database_url: str | None = None) -> Litestar:
    """The application, configured by ``settings`` (without them: the environment's, as for
    ``uvicorn server.app:create_app --factory``), which it passes down to every part."""
    settings = configure(settings or get_settings())
    # /metrics reads the webhook outbox's backlog from the database, whichever process answers.
    register_outbox_backlog(backlog_size)
    url = database_url or settings.database_url
    embedded: Any = None

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        nonlocal embedded, url
        if url is None:
            embedded, url = start_embedded(settings.data_dir)
            upgrade(url)
        app.state.db = Database(url, pool_size=settings.db_pool_size, settings=settings)
        await asyncio.to_thread(credentials.prepare)
        app.state.idempotency = IdempotencyStore(url, settings.idempotency_hours)
        # The organisation's zone and language (the environment's only at the first start).
        try:
            await organisation.prepare(app.state.db, settings)
        except DBAPIError as error:
            # A database behind the code (not migrated yet): serve anyway, in the
            # environment's zone, so that /health/ready can say what is wrong (503).
            if not isinstance(postgres_error(error), pg.UndefinedTableError):
                raise
            log.warning("the database is not migrated: run `saison migrate`")
        # Cached credentials and open sockets follow access changes through the hub, which
        # reads every committed change (server/accounts/revocation.py).
        app.state.access = AccessWatch()

        app.state.hub = Hub(app.state.db, settings.redis_url, app.state.access)
        await app.state.hub.start()
        app.state.db.listeners.append(app.state.hub.on_commit)
        # Webhooks (and other periodic jobs) run here unless `saison worker` processes do.
        app.state.worker = None
        if settings.worker == "server":
            app.state.worker = make_worker(
                app.state.db, settings, extra_jobs(app.state.db, settings)
            )
            app.state.db.listeners.append(app.state.worker.on_commit)
            app.state.worker.start()
        for hook in app.state.get("startup_hooks", []):
            await hook(app)
        # Everything loaded so far lives as long as the process: keep the collector off it
        # (fewer, shorter pauses on the hot paths; measured on live fan-out).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            for hook in app.state.get("shutdown_hooks", []):
                await hook(app)
            if app.state.worker is not None:
                await app.state.worker.stop()
            await app.state.hub.stop()
            await app.state.idempotency.dispose()
            await app.state.db.dispose()
            process_exited(settings.metrics_dir)

    app = Litestar(
        route_handlers=[
            *SERVICE_ROUTES,
            api_router(),
            public_router,
            *calendar_routes(),
            *web_routes(),
        ],
        lifespan=[lifespan],
        state=State({"settings": settings}),
        dependencies={"uow": Provide(provide_uow)},
        guards=[permission_guard, known_query_parameters, storable_parameters],
        middleware=[*client_address_middleware(settings), DefineMiddleware(AuthMiddleware)],
        request_class=SaisonRequest,
        before_request=answer_options,
        exception_handlers=EXCEPTION_HANDLERS,
        compression_config=CompressionConfig(
            backend="gzip", minimum_size=2048, gzip_compress_level=1
        ),
        openapi_config=OpenAPIConfig(
            title="Saison",
            version="1.0.0",
            description=(
                "The season of a performing-arts venue: directory, technical, programming and "
                "general planning. Errors are RFC 9457 problem details; writes need If-Match."
            ),
            path="/schema",
            # Swagger UI from Saison's own files, at /schema (and /schema/swagger): no
            # request leaves the server (Litestar's pages load theirs from a CDN by default).
            render_plugins=[
                SwaggerRenderPlugin(
                    path=["/swagger"],
                    js_url=f"{API_DOCS_PATH}/swagger-ui-bundle.js",
                    css_url=f"{API_DOCS_PATH}/swagger-ui.css",
                    standalone_preset_js_url=f"{API_DOCS_PATH}/swagger-ui-standalone-preset.js",
                    favicon="",
                )
            ],
        ),
        plugins=[TimeOfDay()],
        request_max_body_size=settings.max_attachment_bytes + 1024 * 1024,
        debug=False,
        # Logging is the entry point's (server/observability/logs.py), not the framework's.
        logging_config=None,
    )
    describe_answers(app)
    app.state.allowed_methods = allowed_methods(app)
    app.asgi_handler = dav_at_root(app.asgi_handler)  # PROPFIND / finds the CalDAV root
    # Outermost: every request gets its id, its access line and its count, errors included.
    app.asgi_handler = Observed(app.asgi_handler)
    missing = undeclared_routes(all_handlers(app))
    if missing:
        raise RuntimeError(f"routes without a declared permission: {missing}")
    return app
