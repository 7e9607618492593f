"""CalDAV over the calendar domain: the ASGI app mounted at ``/dav``.

URL space (``<user>`` is the signed-in person's id; anyone else's is 404):

    /dav/                                 root: where current-user-principal is found
    /dav/principals/<user>/               the person: calendar-home-set, addresses
    /dav/calendars/<user>/                their calendar home
    /dav/calendars/<user>/<calendar>/     mine, team-<id>, room-<id>, performances
    /dav/calendars/<user>/<calendar>/<name>.ics

Litestar routes methods it knows; PROPFIND, REPORT and PROPPATCH are not among them, so this is
a plain ASGI app. It authenticates each request itself (Basic + app password) and answers every
error through ``dav.errors``; it never lets an exception become a 500 page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from xml.etree.ElementTree import Element, SubElement

from sqlalchemy.ext.asyncio import AsyncSession

from calendar_bridge import auth, writes
from calendar_bridge.calendars import Access, Calendar, calendars_for, find_calendar
from calendar_bridge.dav.errors import XML_TYPE, DavResponse, error_response, internal_error
from calendar_bridge.dav.xml import (
    CALDAV,
    add_response,
    add_status,
    apple,
    c,
    cs,
    d,
    element,
    href,
    multistatus,
    parse,
    serialize,
)
from calendar_bridge.errors import (
    InvalidFilter,
    MalformedRequest,
    ReadOnlyCalendar,
    TooLarge,
    UnsupportedFilter,
    UnsupportedReport,
)
from calendar_bridge.events import SERIES, Event, load_events, refs_for_names
from calendar_bridge.ical import (
    MAX_EVENT_BYTES,
    calendar_text,
    parse_object,
    timezone_calendar,
    years_of,
)
from calendar_bridge.query import EventQuery, PropFilter, TextMatch
from calendar_bridge.sync import current_point, make_token, sync_calendar
from server.accounts.revocation import AccessWatch
from server.core.errors import DomainError, NotAuthenticated, NotFound
from server.core.i18n import _, negotiate, use_language
from server.core.permissions import Principal
from server.db.engine import Database
from server.settings import Settings

log = logging.getLogger(__name__)

MOUNT = "/dav"
ALLOW = "OPTIONS, GET, HEAD, PROPFIND, PROPPATCH, REPORT, PUT, DELETE, MOVE"
DAV_CLASSES = "1, 3, calendar-access"
CALENDAR_TYPE = "text/calendar; charset=utf-8"
EVENT_TYPE = "text/calendar; charset=utf-8; component=vevent"
MAX_BODY = 1024 * 1024

ROOT, PRINCIPALS, PRINCIPAL, HOME, CALENDAR, EVENT = (
    "root",
    "principals",
    "principal",
    "home",
    "calendar",
    "event",
)


@dataclass
class Resource:
    kind: str
    href: str
    calendar: Calendar | None = None
    name: str | None = None


@dataclass
class Context:
    """One request: who asks, with what, and the read session it uses."""

    db: Database
    settings: Settings
    method: str
    path: str
    headers: dict[str, str]
    client_ip: str
    access_watch: AccessWatch
    body: bytes = b""
    principal: Principal | None = None
    access: Access | None = None
    session: AsyncSession | None = None
    _token: str | None = field(default=None, repr=False)

    @property
    def user(self) -> int:
        assert self.access is not None
        return self.access.user_id

    @property
    def principal_href(self) -> str:
        return f"{MOUNT}/principals/{self.user}/"

    @property
    def home_href(self) -> str:
        return f"{MOUNT}/calendars/{self.user}/"

    def calendar_href(self, calendar: Calendar) -> str:
        return f"{self.home_href}{calendar.slug}/"

    def event_href(self, calendar: Calendar, name: str) -> str:
        return f"{self.calendar_href(calendar)}{quote(name)}"

    @property
    def depth(self) -> str:
        value = self.headers.get("depth", "0").strip().lower()
        return "1" if value in ("1", "infinity") else "0"

    async def token(self) -> str:
        """The calendars' sync token and ctag (one query per request)."""
        if self._token is None:
            assert self.session is not None and self.access is not None
            self._token = make_token(await current_point(self.session, self.access), self.access)
        return self._token


# -- ASGI ---------------------------------------------------------------------------------
async def dav_app(
    scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
) -> None:
    app = scope["app"]
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    raw = scope.get("raw_path") or scope["path"].encode()
    path = unquote(raw.decode("latin-1").split("?", 1)[0])
    client = scope.get("client")
    use_language(negotiate(headers.get("accept-language")))  # the app's language, else the venue's
    ctx = Context(
        db=app.state.db,
        settings=app.state.settings,
        method=scope["method"].upper(),
        path=path,
        headers=headers,
        client_ip=client[0] if client else "unknown",
        access_watch=app.state.access,
    )
    try:
        ctx.body = await _read_body(receive, headers, MAX_BODY)
        response = await _dispatch(ctx)
    except DomainError as error:
        response = error_response(error)
    except Exception:
        log.exception("CalDAV %s %s failed", ctx.method, ctx.path)
        response = internal_error()
    await _send(send, response, head=ctx.method == "HEAD")


async def _read_body(receive: Callable[..., Any], headers: dict[str, str], limit: int) -> bytes:
    length = headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise TooLarge(_("Request bodies are limited to {size} KiB.", size=limit // 1024))
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge(_("Request bodies are limited to {size} KiB.", size=limit // 1024))
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _send(send: Callable[..., Any], response: DavResponse, head: bool) -> None:
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
    headers.append((b"dav", DAV_CLASSES.encode()))
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else response.body})


def _xml(status: int, root: Element, *headers: tuple[str, str]) -> DavResponse:
    return DavResponse(status, serialize(root), [("Content-Type", XML_TYPE), *headers])


# -- routing ------------------------------------------------------------------------------
async def _dispatch(ctx: Context) -> DavResponse:
    if ctx.method == "OPTIONS":
        return DavResponse(200, b"", [("Allow", ALLOW)])
    header = ctx.headers.get("authorization")
    if not header:
        raise NotAuthenticated(_("Sign in with your email and an app password."))
    ctx.principal = await auth.authenticate(
        ctx.db, ctx.access_watch, ctx.settings, header, ctx.client_ip
    )
    ctx.access = Access.of(ctx.principal)
    async with ctx.db.sessions() as session:
        ctx.session = session
        resource = await _resolve(ctx)
        handler = METHODS.get(ctx.method)
        if handler is None:
            return DavResponse(405, b"", [("Allow", ALLOW)])
        return await handler(ctx, resource)


async def _resolve(ctx: Context) -> Resource:
    assert ctx.session is not None and ctx.access is not None
    rest = ctx.path[len(MOUNT) :] if ctx.path.startswith(MOUNT) else ctx.path
    parts = [p for p in rest.split("/") if p]
    missing = NotFound(_("There is nothing at this address."))
    if not parts:  # /dav/, or the bare host (phones given only the server's address)
        return Resource(ROOT, "/" if ctx.path == "/" else f"{MOUNT}/")
    head, *tail = parts
    if head == "principals":
        if not tail:
            return Resource(PRINCIPALS, f"{MOUNT}/principals/")
        if tail == [str(ctx.user)]:
            return Resource(PRINCIPAL, ctx.principal_href)
        raise missing
    if head != "calendars":
        raise missing
    if not tail:
        return Resource(ROOT, f"{MOUNT}/calendars/")
    if tail[0] != str(ctx.user) or len(tail) > 3:
        raise missing
    if len(tail) == 1:
        return Resource(HOME, ctx.home_href)
    calendar = await find_calendar(ctx.session, ctx.access, tail[1])
    if calendar is None:
        raise NotFound(_("No such calendar (or not one of yours)."))
    if len(tail) == 2:
        return Resource(CALENDAR, ctx.calendar_href(calendar), calendar)
    return Resource(EVENT, ctx.event_href(calendar, tail[2]), calendar, tail[2])


async def _event(ctx: Context, resource: Resource) -> Event:
    """The event a resource names, or NotFound."""
    assert ctx.session is not None and ctx.access is not None
    assert resource.calendar is not None and resource.name is not None
    refs = await refs_for_names(ctx.session, [resource.name])
    ref = refs.get(resource.name)
    if ref is not None:
        events = await load_events(
            ctx.session,
            resource.calendar,
            ctx.access,
            ids=[ref.id] if ref.kind != SERIES else None,
            series=[ref.id] if ref.kind == SERIES else None,
        )
        for event in events:
            if event.name == resource.name:
                return event
    raise NotFound(_("No such event in this calendar."))


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


# -- properties ---------------------------------------------------------------------------
ALL_PROPS = {
    ROOT: [d("resourcetype"), d("displayname"), d("current-user-principal")],
    PRINCIPALS: [d("resourcetype"), d("displayname"), d("current-user-principal")],
    PRINCIPAL: [
        d("resourcetype"),
        d("displayname"),
        d("current-user-principal"),
        d("principal-URL"),
        c("calendar-home-set"),
        c("calendar-user-address-set"),
    ],
    HOME: [d("resourcetype"), d("displayname"), d("current-user-principal"), d("owner")],
    CALENDAR: [
        d("resourcetype"),
        d("displayname"),
        c("calendar-description"),
        c("supported-calendar-component-set"),
        cs("getctag"),
        d("sync-token"),
        apple("calendar-color"),
        d("current-user-privilege-set"),
    ],
    EVENT: [d("resourcetype"), d("getetag"), d("getcontenttype"), d("getlastmodified")],
}


def _privileges(writable: bool) -> Element:
    names = ["read", "read-current-user-privilege-set"]
    if writable:
        names += ["write", "write-content", "bind", "unbind"]
    return element(
        d("current-user-privilege-set"),
        None,
        *(element(d("privilege"), None, element(d(n))) for n in names),
    )


def _report_set(*reports: str) -> Element:
    return element(
        d("supported-report-set"),
        None,
        *(
            element(d("supported-report"), None, element(d("report"), None, element(r)))
            for r in reports
        ),
    )


async def _properties(
    ctx: Context, resource: Resource, tags: Iterable[str], event: Event | None = None
) -> tuple[list[Element], list[str]]:
    """(values found, tags this resource does not have)."""
    assert ctx.principal is not None
    found: list[Element] = []
    missing: list[str] = []
    kind = resource.kind
    calendar = resource.calendar
    for tag in tags:
        value: Element | None = None
        if tag == d("current-user-principal"):
            value = element(tag, None, href(ctx.principal_href))
        elif tag == d("principal-collection-set"):
            value = element(tag, None, href(f"{MOUNT}/principals/"))
        elif tag == d("resourcetype"):
            value = element(tag)
            if kind != EVENT:
                SubElement(value, d("collection"))
            if kind == PRINCIPAL:
                SubElement(value, d("principal"))
            if kind == CALENDAR:
                SubElement(value, c("calendar"))
        elif tag == d("displayname"):
            if kind in (PRINCIPAL, HOME):
                value = element(tag, ctx.principal.name)
            elif kind == CALENDAR and calendar is not None:
                value = element(tag, calendar.name)
            elif kind in (ROOT, PRINCIPALS):
                value = element(tag, "Saison")
        elif tag == d("owner") and kind in (HOME, CALENDAR, PRINCIPAL):
            value = element(tag, None, href(ctx.principal_href))
        elif tag == d("principal-URL") and kind == PRINCIPAL:
            value = element(tag, None, href(ctx.principal_href))
        elif tag == c("calendar-home-set") and kind == PRINCIPAL:
            value = element(tag, None, href(ctx.home_href))
        elif tag == c("calendar-user-address-set") and kind == PRINCIPAL:
            addresses = [href(ctx.principal_href)]
            if ctx.principal.email:
                addresses.insert(0, href(f"mailto:{ctx.principal.email}"))
            value = element(tag, None, *addresses)
        elif tag == d("current-user-privilege-set") and kind != EVENT:
            value = _privileges(kind == CALENDAR and calendar is not None and calendar.writable)
        elif tag == d("supported-report-set") and kind in (CALENDAR, HOME):
            value = _report_set(c("calendar-query"), c("calendar-multiget"), d("sync-collection"))
        elif kind == CALENDAR and calendar is not None:
            value = await _calendar_property(ctx, calendar, tag)
        elif kind == EVENT and event is not None:
            value = _event_property(event, tag)
        if value is None:
            missing.append(tag)
        else:
            found.append(value)
    return found, missing


async def _calendar_property(ctx: Context, calendar: Calendar, tag: str) -> Element | None:
    if tag == c("calendar-description"):
        return element(tag, calendar.description)
    if tag == c("supported-calendar-component-set"):
        comp = element(c("comp"))
        comp.set("name", "VEVENT")
        return element(tag, None, comp)
    if tag == c("supported-calendar-data"):
        data = element(c("calendar-data"))
        data.set("content-type", "text/calendar")
        data.set("version", "2.0")
        return element(tag, None, data)
    if tag == c("calendar-timezone"):
        return element(tag, timezone_calendar())
    if tag == c("max-resource-size"):
        return element(tag, str(MAX_EVENT_BYTES))
    if tag in (cs("getctag"), d("sync-token")):
        return element(tag, await ctx.token())
    if tag == apple("calendar-color") and calendar.color:
        return element(tag, calendar.color)
    if tag == d("getcontenttype"):
        return element(tag, CALENDAR_TYPE)
    return None


def _event_property(event: Event, tag: str) -> Element | None:
    if tag == d("getetag"):
        return element(tag, event.etag)
    if tag == d("getcontenttype"):
        return element(tag, EVENT_TYPE)
    if tag == d("getlastmodified"):
        return element(tag, http_date(event.updated_at))
    if tag == c("calendar-data"):
        return element(tag, event.data)
    if tag == d("getcontentlength"):
        return element(tag, str(len(event.data.encode())))
    return None


def _requested(root: Element | None, resource_kind: str) -> tuple[list[str], bool]:
    """The property tags asked for (all of them for allprop), and whether only names are."""
    if root is None:
        return ALL_PROPS[resource_kind], False
    prop = root.find(d("prop"))
    if prop is not None:
        return [child.tag for child in prop], False
    if root.find(d("propname")) is not None:
        return ALL_PROPS[resource_kind], True
    return ALL_PROPS[resource_kind], False  # allprop


async def _describe(
    ctx: Context, ms: Element, resource: Resource, root: Element | None, event: Event | None = None
) -> None:
    tags, names_only = _requested(root, resource.kind)
    found, missing = await _properties(ctx, resource, tags, event)
    if names_only:
        found, missing = [element(f.tag) for f in found], []
    add_response(ms, resource.href, found, missing)


def _describe_events(
    ctx: Context, ms: Element, calendar: Calendar, root: Element | None, events: Iterable[Event]
) -> None:
    """One response per event: the hot path of queries, multigets and syncs."""
    tags, names_only = _requested(root, EVENT)
    for event in events:
        found: list[Element] = []
        missing: list[str] = []
        for tag in tags:
            value = _event_property(event, tag)
            if value is None:
                missing.append(tag)
            else:
                found.append(element(tag) if names_only else value)
        add_response(ms, ctx.event_href(calendar, event.name), found, missing)


# -- methods ------------------------------------------------------------------------------
async def propfind(ctx: Context, resource: Resource) -> DavResponse:
    assert ctx.session is not None and ctx.access is not None
    root = parse(ctx.body)
    if root is not None and root.tag != d("propfind"):
        raise MalformedRequest(_("A PROPFIND body is a DAV:propfind element."))
    ms = multistatus()
    event = await _event(ctx, resource) if resource.kind == EVENT else None
    await _describe(ctx, ms, resource, root, event)
    if ctx.depth == "1":
        if resource.kind == PRINCIPALS:
            await _describe(ctx, ms, Resource(PRINCIPAL, ctx.principal_href), root)
        elif resource.kind == HOME:
            for calendar in await calendars_for(ctx.session, ctx.access):
                child = Resource(CALENDAR, ctx.calendar_href(calendar), calendar)
                await _describe(ctx, ms, child, root)
        elif resource.kind == CALENDAR and resource.calendar is not None:
            events = await load_events(ctx.session, resource.calendar, ctx.access)
            _describe_events(ctx, ms, resource.calendar, root, events)
    return _xml(207, ms)


async def proppatch(ctx: Context, resource: Resource) -> DavResponse:
    """Calendars are described by Saison: every property change is refused, politely (207)."""
    root = parse(ctx.body)
    if root is None or root.tag != d("propertyupdate"):
        raise MalformedRequest(_("A PROPPATCH body is a DAV:propertyupdate element."))
    tags = [child.tag for action in root for prop in action.iter(d("prop")) for child in prop]
    ms = multistatus()
    add_response(ms, resource.href, [], tags, missing_status="403 Forbidden")
    return _xml(207, ms)


async def report(ctx: Context, resource: Resource) -> DavResponse:
    root = parse(ctx.body)
    if root is None:
        raise MalformedRequest(_("A REPORT needs a body."))
    if resource.kind not in (CALENDAR, EVENT) or resource.calendar is None:
        raise UnsupportedReport(
            _("No report is answered here; ask a calendar ({report}).", report=root.tag)
        )
    if root.tag == c("calendar-query"):
        return await _calendar_query(ctx, resource, root)
    if root.tag == c("calendar-multiget"):
        return await _multiget(ctx, resource, root)
    if root.tag == d("sync-collection") and resource.kind == CALENDAR:
        return await _sync(ctx, resource, root)
    raise UnsupportedReport(_("The report {report} is not supported here.", report=root.tag))


def _utc(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value.strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise InvalidFilter(
            f"time-range {name} must be a UTC date-time like 20261001T000000Z"
        ) from None


def parse_filter(root: Element) -> EventQuery:
    """A CALDAV:filter as an EventQuery; filters on other components match nothing."""
    query = EventQuery()
    top = root.find(c("filter"))
    if top is None:
        return query
    comps = top.findall(c("comp-filter"))
    if len(comps) != 1 or comps[0].get("name", "").upper() != "VCALENDAR":
        raise InvalidFilter(_("A filter holds one comp-filter on VCALENDAR."))
    calendar = comps[0]
    if calendar.find(c("prop-filter")) is not None or calendar.find(c("time-range")) is not None:
        raise UnsupportedFilter(_("Filter on VEVENT properties, not on VCALENDAR."))
    for comp in calendar.findall(c("comp-filter")):
        name = comp.get("name", "").upper()
        undefined = comp.find(c("is-not-defined")) is not None
        if name != "VEVENT":
            if not undefined and name != "VTIMEZONE":
                query.nothing = True  # no tasks, journals or free-busy here
            continue
        if undefined:
            query.nothing = True
            continue
        if comp.find(c("comp-filter")) is not None:
            raise UnsupportedFilter(_("Filters on alarms are not supported (events have none)."))
        span = comp.find(c("time-range"))
        if span is not None:
            query.start = _utc(span.get("start"), "start")
            query.end = _utc(span.get("end"), "end")
            if query.start is None and query.end is None:
                raise InvalidFilter(_("A time-range needs a start or an end."))
        for prop in comp.findall(c("prop-filter")):
            query.props.append(_prop_filter(prop))
    return query


def _prop_filter(prop: Element) -> PropFilter:
    name = prop.get("name")
    if not name:
        raise InvalidFilter(_("A prop-filter needs a name."))
    if prop.find(c("param-filter")) is not None or prop.find(c("time-range")) is not None:
        raise UnsupportedFilter(_("param-filter and time-range on a property are not supported."))
    if prop.find(c("is-not-defined")) is not None:
        return PropFilter(name, is_not_defined=True)
    matches = tuple(
        TextMatch(
            value=m.text or "",
            collation=m.get("collation", "i;ascii-casemap"),
            negate=m.get("negate-condition", "no").lower() == "yes",
        )
        for m in prop.findall(c("text-match"))
    )
    return PropFilter(name, text_matches=matches)


async def _calendar_query(ctx: Context, resource: Resource, root: Element) -> DavResponse:
    assert ctx.session is not None and ctx.access is not None and resource.calendar is not None
    query = parse_filter(root)
    ms = multistatus()
    if query.nothing:
        return _xml(207, ms)
    if resource.kind == EVENT:
        candidates = [await _event(ctx, resource)]
        candidates = [
            e
            for e in candidates
            if (query.start is None or e.ends_at > query.start)
            and (query.end is None or e.starts_at < query.end)
        ]
    else:
        candidates = await load_events(
            ctx.session, resource.calendar, ctx.access, start=query.start, end=query.end
        )
    matching = [event for event in candidates if query.matches(event)]
    _describe_events(ctx, ms, resource.calendar, root, matching)
    return _xml(207, ms)


def _name_in(ctx: Context, calendar: Calendar, location: str) -> str | None:
    path = unquote(urlsplit(location.strip()).path)
    base = ctx.calendar_href(calendar)
    if not path.startswith(base):
        return None
    name = path[len(base) :]
    return name if name and "/" not in name else None


async def _multiget(ctx: Context, resource: Resource, root: Element) -> DavResponse:
    assert ctx.session is not None and ctx.access is not None and resource.calendar is not None
    calendar = resource.calendar
    locations = [h.text or "" for h in root.findall(d("href"))]
    names = {loc: _name_in(ctx, calendar, loc) for loc in locations}
    refs = await refs_for_names(ctx.session, [n for n in names.values() if n])
    events = await load_events(
        ctx.session,
        calendar,
        ctx.access,
        ids=[r.id for r in refs.values() if r.kind != SERIES],
        series=[r.id for r in refs.values() if r.kind == SERIES],
    )
    by_name = {event.name: event for event in events}
    ms = multistatus()
    for location, name in names.items():
        event = by_name.get(name) if name else None
        if event is None:
            add_status(ms, location.strip(), "404 Not Found")
            continue
        _describe_events(ctx, ms, calendar, root, [event])
    return _xml(207, ms)


async def _sync(ctx: Context, resource: Resource, root: Element) -> DavResponse:
    assert ctx.session is not None and ctx.access is not None and ctx.principal is not None
    assert resource.calendar is not None
    token = (root.findtext(d("sync-token")) or "").strip()
    result = await sync_calendar(ctx.session, resource.calendar, ctx.access, ctx.principal, token)
    ms = multistatus()
    _describe_events(ctx, ms, resource.calendar, root, result.changed)
    for name in result.removed:
        add_status(ms, ctx.event_href(resource.calendar, name), "404 Not Found")
    SubElement(ms, d("sync-token")).text = result.token
    return _xml(207, ms)


def _not_modified(ctx: Context, etag: str, modified: datetime | None) -> bool:
    match = ctx.headers.get("if-none-match")
    if match is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return "*" in tags or etag in tags
    since = ctx.headers.get("if-modified-since")
    if since and modified is not None:
        try:
            return modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


async def get(ctx: Context, resource: Resource) -> DavResponse:
    assert ctx.session is not None and ctx.access is not None
    if resource.kind == EVENT:
        event = await _event(ctx, resource)
        headers = [
            ("ETag", event.etag),
            ("Last-Modified", http_date(event.updated_at)),
            ("Content-Type", CALENDAR_TYPE),
        ]
        if _not_modified(ctx, event.etag, None):
            return DavResponse(304, b"", headers)
        return DavResponse(200, event.data.encode(), headers)
    if resource.kind == CALENDAR and resource.calendar is not None:
        etag = f'"{(await ctx.token()).rsplit("/", 1)[-1]}"'
        if _not_modified(ctx, etag, None):
            return DavResponse(304, b"", [("ETag", etag)])
        events = await load_events(ctx.session, resource.calendar, ctx.access)
        years = years_of((e.starts_at for e in events), (e.ends_at for e in events))
        body = calendar_text([e.vevent for e in events], years).encode()
        return DavResponse(200, body, [("ETag", etag), ("Content-Type", CALENDAR_TYPE)])
    text = (
        _(
            "Saison CalDAV: add {address} to your calendar app.",
            address=ctx.settings.public_url + MOUNT + "/",
        ).render()
        + "\n"
    )
    return DavResponse(200, text.encode(), [("Content-Type", "text/plain; charset=utf-8")])


def _tag_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [t.strip() for t in value.split(",") if t.strip()]


async def put(ctx: Context, resource: Resource) -> DavResponse:
    assert ctx.principal is not None and ctx.access is not None
    if resource.kind != EVENT or resource.calendar is None or resource.name is None:
        return DavResponse(405, b"", [("Allow", "OPTIONS, GET, HEAD, PROPFIND, REPORT")])
    incoming = parse_object(ctx.body)
    created = await writes.put_object(
        ctx.db,
        ctx.principal,
        ctx.access,
        resource.calendar,
        resource.name,
        incoming,
        _tag_list(ctx.headers.get("if-match")),
        _tag_list(ctx.headers.get("if-none-match")),
    )
    # RFC 4791 §5.3.4: an ETag only when what is stored is, octet for octet, what was sent
    # (a PUT of an unchanged copy); otherwise Saison added to it and the app must read it back.
    stored = await _event(ctx, resource)
    headers = [("ETag", stored.etag)] if stored.data.encode() == ctx.body else []
    return DavResponse(201 if created else 204, b"", headers)


async def delete(ctx: Context, resource: Resource) -> DavResponse:
    assert ctx.principal is not None and ctx.access is not None
    if resource.kind != EVENT or resource.calendar is None or resource.name is None:
        raise ReadOnlyCalendar(_("Calendars and homes are managed by Saison."))
    await writes.delete_object(
        ctx.db,
        ctx.principal,
        ctx.access,
        resource.calendar,
        resource.name,
        _tag_list(ctx.headers.get("if-match")),
    )
    return DavResponse(204)


async def move(ctx: Context, resource: Resource) -> DavResponse:
    """WebDAV MOVE of an event to another of one's calendars (RFC 4918 §9.9): the activity
    moves to that room, team or schedule in one step."""
    assert ctx.principal is not None and ctx.access is not None and ctx.session is not None
    if resource.kind != EVENT or resource.calendar is None or resource.name is None:
        raise ReadOnlyCalendar(_("Calendars and homes are managed by Saison."))
    destination = ctx.headers.get("destination", "").strip()
    if not destination:
        raise MalformedRequest(_("A MOVE names its Destination."))
    path = unquote(urlsplit(destination).path)
    target = await _resolve(replace(ctx, path=path))
    if target.kind != EVENT or target.calendar is None or target.name is None:
        raise MalformedRequest(_("A MOVE's Destination is an event in one of your calendars."))
    await writes.move_object(
        ctx.db,
        ctx.principal,
        ctx.access,
        resource.calendar,
        resource.name,
        target.calendar,
        target.name,
        _tag_list(ctx.headers.get("if-match")),
        overwrite=ctx.headers.get("overwrite", "T").strip().upper() != "F",
    )
    return DavResponse(201, b"", [("Location", target.href)])


METHODS = {
    "MOVE": move,
    "PROPFIND": propfind,
    "PROPPATCH": proppatch,
    "REPORT": report,
    "GET": get,
    "HEAD": get,
    "PUT": put,
    "DELETE": delete,
}

__all__ = ["CALDAV", "MOUNT", "dav_app"]
