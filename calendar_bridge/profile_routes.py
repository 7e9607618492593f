"""``/api/v1/calendars/profile``: the signed-in person's Apple configuration profile.

GET gives a profile without password (the device asks for the app password while installing):
a plain link, so Safari on the iPhone itself opens it. POST with a fresh app password of the
person's own gives the profile with it, for a device set up in one tap. The rules are in
``calendar_bridge.profiles``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post
from pydantic import Field

from calendar_bridge import profiles
from server.api.guards import SIGNED_IN
from server.core.fields import Input
from server.core.unit_of_work import UnitOfWork


class ProfileIn(Input):
    app_password: str | None = Field(
        default=None,
        max_length=200,
        description="An app password of yours, just created, to put in the profile",
    )


def _download(body: bytes) -> Response[bytes]:
    return Response(
        body,
        media_type=profiles.MEDIA_TYPE,
        headers={
            "Content-Disposition": 'attachment; filename="saison.mobileconfig"',
            "Cache-Control": "no-store",
        },
    )


@get(
    "/",
    opt=SIGNED_IN,
    summary="My Apple configuration profile (the device asks for the app password)",
    media_type=profiles.MEDIA_TYPE,
)
async def profile_without_password(
    request: Request[Any, Any, Any], uow: UnitOfWork
) -> Response[bytes]:
    url = request.app.state.settings.public_url
    return _download(await profiles.profile_for(uow.session, uow.actor, url, None))


@post(
    "/",
    opt=SIGNED_IN,
    summary="My Apple configuration profile holding an app password of mine",
    media_type=profiles.MEDIA_TYPE,
    status_code=200,
)
async def profile_with_password(
    request: Request[Any, Any, Any], uow: UnitOfWork, data: ProfileIn
) -> Response[bytes]:
    url = request.app.state.settings.public_url
    body = await profiles.profile_for(uow.session, uow.actor, url, data.app_password)
    return _download(body)


def profile_router() -> Router:
    return Router(
        path="/calendars/profile",
        route_handlers=[profile_without_password, profile_with_password],
        tags=["Calendars"],
    )
