"""The service's own routes, for machines: health, readiness, metrics.

``/health/live`` answers as long as the process runs (restart it otherwise);
``/health/ready`` says whether it should be sent requests (``server.observability.health``),
with a 503 problem naming the failed checks; ``/health`` is the older check (the database
answers), kept for what already polls it. ``/metrics`` is Prometheus's, for administrators or
whoever holds ``SAISON_METRICS_TOKEN``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from sqlalchemy import text

from server.api.auth import METRICS_PATH
from server.api.guards import PUBLIC, SCRAPER_TOO, access
from server.api.problems import problem, speak_to
from server.core.i18n import N_, _, render
from server.core.permissions import Level, Workspace
from server.db.engine import Database
from server.observability import metrics
from server.observability.health import readiness
from server.settings import Settings

TAGS = ["Service"]


@get("/health", opt=PUBLIC, summary="Liveness and database check", tags=TAGS)
async def health(request: Request[Any, Any, Any]) -> dict[str, Any]:
    db: Database = request.app.state.db
    async with db.sessions() as session:
        await session.execute(text("SELECT 1"))
    return {"status": "ok"}


@get(
    "/health/live",
    operation_id="HealthLive",
    opt=PUBLIC,
    summary="Liveness: the process answers",
    tags=TAGS,
)
async def live() -> dict[str, Any]:
    return {"status": "ok"}


@get(
    "/health/ready",
    operation_id="HealthReady",
    opt={**PUBLIC, "readiness": True},  # 503 is described (server/api/openapi.py)
    summary="Readiness: database, Redis and migrations (503 problem when not)",
    tags=TAGS,
)
async def ready(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    settings: Settings = request.app.state.settings
    result = await readiness(request.app.state.db, settings.redis_url)
    if result.ready:
        return Response({"status": "ready", "checks": result.checks})
    speak_to(request)
    return problem(
        503,
        N_("Not ready"),
        render(_("Not ready to serve: {checks}.", checks=", ".join(result.failed))),
        kind="not-ready",
        checks=result.checks,
        failed=result.failed,
    )


@get(
    METRICS_PATH,
    operation_id="Metrics",
    opt={**access(Workspace.ADMINISTRATION, Level.READ), **SCRAPER_TOO},
    summary="Prometheus metrics of every process (administrators, or SAISON_METRICS_TOKEN)",
    tags=TAGS,
    media_type=metrics.CONTENT_TYPE,
)
async def metrics_page(request: Request[Any, Any, Any]) -> Response[bytes]:
    settings: Settings = request.app.state.settings
    body = await metrics.exposition(request.app.state.db, settings.metrics_dir)
    return Response(body, media_type=metrics.CONTENT_TYPE)


ROUTES = [health, live, ready, metrics_page]
