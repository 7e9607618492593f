"""The Litestar side: the CalDAV mount, discovery, ICS feeds and the feeds API.

``/dav`` and ``/.well-known/caldav`` are ASGI routes because Litestar only routes the methods it
knows; they are public to the app's guard and authenticate by themselves (Basic + app
password). ``/ics/<secret>.ics`` is public too: the secret in the URL is the credential.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from litestar import Request, Response, Router, delete, get, post, route
from litestar.enums import HttpMethod
from litestar.handlers import asgi
from litestar.types import ASGIApp, HTTPResponseStartEvent, Receive, Scope, Send
from pydantic import BaseModel, Field

from calendar_bridge import feeds
from calendar_bridge.calendars import MINE, PERFORMANCES, ROOM, TEAM, Access, calendars_for
from calendar_bridge.dav.protocol import MOUNT, dav_app
from server.api.guards import ANY_QUERY, PUBLIC, SIGNED_IN
from server.api.openapi import CONDITIONAL
from server.core.errors import NotFound
from server.core.fields import Input, Name
from server.core.i18n import _
from server.core.unit_of_work import UnitOfWork
from server.observability.requests import SECRET_IN_PATH

SCOPE_PATTERN = r"^(mine|performances|room:\d{1,18}|team:\d{1,18})$"


@asgi(MOUNT, is_mount=True, copy_scope=True, opt=PUBLIC)
async def caldav(scope: Scope, receive: Receive, send: Send) -> None:
    """CalDAV (RFC 4791, 6578): authenticated by app password inside."""
    await dav_app(scope, receive, send)  # type: ignore[arg-type]


@asgi("/.well-known/caldav", copy_scope=True, opt=PUBLIC)
async def caldav_discovery(scope: Scope, receive: Receive, send: Send) -> None:
    """RFC 6764: apps given only the server's address find the CalDAV root here."""
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": 301,
        "headers": [(b"location", f"{MOUNT}/".encode()), (b"content-length", b"0")],
    }
    await send(start)
    await send({"type": "http.response.body", "body": b"", "more_body": False})


# Methods a calendar app sends to the bare host ("saison.example.org" typed in a phone): they
# reach the CalDAV root. GET and the rest stay the browser app's (server/web.py).
DAV_AT_ROOT = frozenset({"PROPFIND", "REPORT"})


def dav_at_root(handler: ASGIApp) -> ASGIApp:
    """Wrap the app so that WebDAV methods on ``/`` are CalDAV discovery.

    Litestar refuses methods it does not know (405) before any route or middleware runs, and
    ``/`` is the browser app's page: so this sits in front of Litestar's own handler.
    """

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"] == "/"
            and str(scope.get("method", "")).upper() in DAV_AT_ROOT
        ):
            await dav_app(scope, receive, send)  # type: ignore[arg-type]
            return
        await handler(scope, receive, send)

    return wrapped


def _http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def _fresh(request: Request[Any, Any, Any], etag: str, modified: datetime) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        return "*" in match or etag in {t.strip().removeprefix("W/") for t in match.split(",")}
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _feed_operation(_handler: Any, method: str, _path: Any) -> str:
    """One operation id per method (the GET keeps the one it always had)."""
    return "IcsNameIcsFeed" if method == "GET" else "IcsNameHeadIcsFeed"


@route(
    "/ics/{name:str}",
    http_method=[HttpMethod.GET, HttpMethod.HEAD],
    operation_id=_feed_operation,
    # 304 for If-None-Match; the secret is kept out of the logs.
    opt={**PUBLIC, **ANY_QUERY, **CONDITIONAL, **SECRET_IN_PATH},
    summary="An ICS subscription (the secret in the URL is the credential)",
    tags=["Calendars"],
    media_type="text/calendar",  # Litestar adds "; charset=utf-8" to text types, once
)
async def ics_feed(request: Request[Any, Any, Any], name: str) -> Response[bytes]:
    """GET the calendar; HEAD gives its validators only (apps check for changes so)."""
    feed = await feeds.open_feed(request.app.state.db, name.removesuffix(".ics"))
    if feed is None:
        raise NotFound(_("This calendar feed does not exist or was revoked."))
    headers = {
        "ETag": feed.etag,
        "Last-Modified": _http_date(feed.last_modified),
        "Cache-Control": "private, no-cache",
    }
    if _fresh(request, feed.etag, feed.last_modified):
        return Response(b"", status_code=304, headers=headers)
    if request.method == HttpMethod.HEAD:
        return Response(b"", media_type="text/calendar", headers=headers)
    body = await feeds.feed_text(request.app.state.db, feed)
    return Response(body.encode(), media_type="text/calendar", headers=headers)


# -- the API for people managing their calendars -----------------------------------------------
class FeedIn(Input):
    scope: str = Field(
        pattern=SCOPE_PATTERN, description="mine, performances, room:<id> or team:<id>"
    )
    name: Name | None = None


class FeedOut(BaseModel):
    id: int
    scope: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewFeed(FeedOut):
    secret: str = Field(description="Shown once: the feed's URL holds it")
    url: str
    webcal_url: str


class CalendarOut(BaseModel):
    slug: str
    name: str
    description: str
    writable: bool
    caldav_url: str
    feed_scope: str


class CalendarsOut(BaseModel):
    caldav_url: str
    calendars: list[CalendarOut]


def _feed_scope(kind: str, ref: int | None) -> str:
    return f"{kind}:{ref}" if kind in (ROOM, TEAM) else kind


@get("/calendars", opt=SIGNED_IN, summary="My calendars, for CalDAV apps and feeds")
async def my_calendars(request: Request[Any, Any, Any], uow: UnitOfWork) -> CalendarsOut:
    base = f"{request.app.state.settings.public_url.rstrip('/')}{MOUNT}/"
    access = Access.of(uow.actor)
    home = f"{base}calendars/{access.user_id}/"
    found = await calendars_for(uow.session, access)
    return CalendarsOut(
        caldav_url=base,
        calendars=[
            CalendarOut(
                slug=cal.slug,
                name=cal.name,
                description=cal.description,
                writable=cal.writable,
                caldav_url=f"{home}{cal.slug}/",
                feed_scope=_feed_scope(cal.kind, cal.ref),
            )
            for cal in found
        ],
    )


@get("/", opt=SIGNED_IN, summary="My ICS feeds (secrets are never shown again)")
async def list_feeds(uow: UnitOfWork) -> list[FeedOut]:
    return [FeedOut(**row) for row in await feeds.list_feeds(uow)]


@post("/", opt=SIGNED_IN, summary="Create an ICS feed of one of my calendars")
async def create_feed(uow: UnitOfWork, data: FeedIn) -> NewFeed:
    row, secret = await feeds.create_feed(uow, data.scope, data.name)
    links = feeds.urls(secret)
    return NewFeed(**row, secret=secret, url=links["url"], webcal_url=links["webcal_url"])


@delete("/{feed_id:int}", opt=SIGNED_IN, summary="Revoke an ICS feed")
async def revoke_feed(uow: UnitOfWork, feed_id: int) -> None:
    await feeds.revoke_feed(uow, feed_id)


def calendar_api_routers() -> list[Any]:
    """Handlers under /api/v1."""
    return [
        my_calendars,
        Router(
            path="/calendar-feeds",
            route_handlers=[list_feeds, create_feed, revoke_feed],
            tags=["Calendars"],
        ),
    ]


def calendar_routes() -> list[Any]:
    """Handlers at the root of the app."""
    return [caldav, caldav_discovery, ics_feed]


__all__ = ["MINE", "PERFORMANCES", "calendar_api_routers", "calendar_routes"]
