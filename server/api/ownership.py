"""The organisation's data, downloaded by an administrator (``server.db.ownership``)."""

from __future__ import annotations

import io
from typing import Any

from litestar import Request, Response, Router, get

from server.api.guards import access
from server.api.records import content_disposition
from server.core.errors import PermissionDenied
from server.core.i18n import _
from server.core.permissions import Level, Workspace
from server.db.backup import saison_version
from server.db.engine import Database
from server.db.ownership import export, export_name


@get(
    "/",
    opt=access(Workspace.ADMINISTRATION, Level.MANAGE),
    summary="All the organisation's data in an open format (a ZIP: JSON Lines, files, schemas)",
    operation_id="export_organisation_data",
    media_type="application/zip",
)
async def export_data(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Every user's data and every fee: an administrator's alone (Administration manage can be
    lent to others). Secrets stay out: moving an instance is ``saison export``'s job."""
    if not request.scope["user"].is_admin:
        raise PermissionDenied(_("Only an administrator may download all the organisation's data."))
    db: Database = request.app.state.db
    out = io.BytesIO()
    async with db.sessions() as session:  # a transaction of its own: one read-only snapshot
        await export(session, out, saison_version=saison_version(), secrets=False)
    return Response(
        out.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": content_disposition(export_name())},
    )


def ownership_routers() -> list[Router]:
    return [Router(path="/export", route_handlers=[export_data], tags=["Administration"])]
