"""Which methods an address takes: ``OPTIONS`` answers list all of them in ``Allow``.

Litestar makes a route's OPTIONS answer when the route's first handler is registered: for a
collection whose ``GET`` and ``POST`` are registered one after the other (every list of
``server/api/crud.py``), OPTIONS said ``Allow: GET, OPTIONS``, and a client believed it could
not create. The app answers OPTIONS itself, from its routes as they finally are. (405 answers
already list them: Litestar reads them from the same final routes.)
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Request, Response
from litestar.routes import HTTPRoute
from litestar.status_codes import HTTP_204_NO_CONTENT


def allowed_methods(app: Litestar) -> dict[str, str]:
    """Each route's path template (``/api/v1/rooms/{record_id}``) → its ``Allow`` value."""
    return {
        route.path_format: ", ".join(sorted(route.methods))
        for route in app.routes
        if isinstance(route, HTTPRoute)
    }


async def answer_options(request: Request[Any, Any, Any]) -> Response[None] | None:
    """``before_request`` hook of the app: OPTIONS is answered here, other methods go on."""
    if request.method != "OPTIONS":
        return None
    allow = request.app.state.allowed_methods.get(request.scope.get("path_template", ""))
    if allow is None:
        return None  # Litestar's own answer
    return Response(None, status_code=HTTP_204_NO_CONTENT, headers={"Allow": allow})
