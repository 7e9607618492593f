"""The websocket every screen keeps open: ``/api/v1/live``.

Protocol (JSON text frames). Client → server:
  {"type": "subscribe", "id": "t1", "topic": {"timeline": {"start": …, "end": …, "rooms": [1, 2]}}}
  {"type": "subscribe", "id": "r1", "topic": {"record": {"entity": "activity", "id": 12}}}
  {"type": "subscribe", "id": "w1", "topic": {"workspace": "programming"}}
  {"type": "unsubscribe", "id": "t1"}
  {"type": "resume", "since": 1234}          replay what was missed, then continue live
  {"type": "presence", "where": "timeline" | {"entity": "activity", "id": 12}, "state": "editing"}
  {"type": "presence", "where": {"timeline": {"start": …, "end": …}}}   looking at this period
  {"type": "presence", "where": null}        leave
Presence reaches the screens whose topics cover its "where": a period reaches the timelines
that overlap it; an activity (or performance) reaches its record's followers and every
timeline (a timeline shows the block someone is editing; the screen knows whether it holds it).
  {"type": "pong"}
Server → client: "hello", "subscribed", "unsubscribed" (also unasked, with a "reason", when
the person's access to that topic is withdrawn), "event" (with the subscription ids it matches
in "topics"), "presence", "ping" (with "seq", a safe point to resume from), "resumed", "reload"
(the gap is too old: reload, then resume from "seq"), "venue" (the organisation's "timezone" or
"language" changed: a page showing times in the old zone loads itself again), "error".

The server closes the socket with:
  4002  no heartbeat heard for 45 s
  4008  the client read too slowly and fell behind: reconnect and resume from the last seq seen
  4401  the session ended, the token was revoked, the password changed or the account was
        closed: sign in again (these reach open sockets within a second, on every process)
  1013  access could not be confirmed just now: reconnect
A permission change re-filters an open socket from the next event on (no fees once the person
may no longer read them); topics no longer readable are dropped with an "unsubscribed".
Error messages, the reason of an "unsubscribed" and those of the 4008, 4401 and 1013 closes
are in the language the screen asked for when it connected (Accept-Language).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any
from urllib.parse import urlsplit

from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect

from realtime.events import Topic, encode
from realtime.hub import ACCESS_ENDED, NO_HEARTBEAT, SIGNED_OUT, Connection, Hub, close_reason
from realtime.protocol import (
    ClientMessage,
    Pong,
    Presence,
    Refused,
    Resume,
    Subscribe,
    Unsubscribe,
    read,
)
from server.accounts import credentials
from server.api.auth import Identity, identify
from server.api.guards import SIGNED_IN
from server.core.i18n import Message, _, negotiate, render
from server.core.permissions import Level, Principal, Workspace, access_needed

PING_SECONDS = 15.0
DEAD_SECONDS = 45.0
MAX_TOPICS = 50
MAX_FRAME = 16_384
CLOSE_SECONDS = 2.0  # a client that reads nothing cannot take a close frame either


def origin_allowed(socket: WebSocket[Any, Any, Any]) -> bool:
    """Browsers send Origin; it must be this server (or the configured public URL)."""
    origin = socket.headers.get("origin")
    if not origin:
        return True  # not a browser: authenticated by token or cookie all the same
    host = socket.headers.get("host", "")
    allowed = {urlsplit(socket.app.state.settings.public_url).netloc, host}
    return urlsplit(origin).netloc in allowed


async def _sender(socket: WebSocket[Any, Any, Any], conn: Connection) -> None:
    while True:
        payload = await conn.next()
        if payload is None:
            return  # closing: the handler closes the socket with the connection's code
        await socket.send_text(payload)


async def _pinger(conn: Connection, last_heard: list[float]) -> None:
    while conn.closing is None:
        await asyncio.sleep(PING_SECONDS)
        if time.monotonic() - last_heard[0] > DEAD_SECONDS:
            conn.close(NO_HEARTBEAT, _("No heartbeat: reconnect."))
            return
        conn.push(encode({"type": "ping", "seq": conn.cursor}))


async def _receiver(
    socket: WebSocket[Any, Any, Any], hub: Hub, conn: Connection, last_heard: list[float]
) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while conn.closing is None:
            raw = await socket.receive_data(mode="text")
            last_heard[0] = time.monotonic()
            if len(raw) > MAX_FRAME:
                _error(conn, _("Message too large."))
                continue
            try:
                message = read(raw)
            except Refused as refused:
                _error(conn, refused.reason, refused.ref)
                continue
            await handle(hub, conn, message)


def _error(conn: Connection, message: str | Message, ref: Any = None) -> None:
    """An error frame, in the language the screen asked for when it connected."""
    text = render(message, conn.language)
    conn.push(encode({"type": "error", "message": text, "id": ref}))


async def handle(hub: Hub, conn: Connection, message: ClientMessage) -> None:
    if isinstance(message, Pong):
        return
    if isinstance(message, Subscribe):
        ref = message.id
        if ref not in conn.topics and len(conn.topics) >= MAX_TOPICS:
            _error(conn, _("At most {max} subscriptions per connection.", max=MAX_TOPICS), ref)
            return
        try:
            topic = Topic.parse(message.topic)
        except ValueError as error:
            reason = error.args[0] if error.args else ""
            _error(conn, reason if isinstance(reason, Message) else str(error), ref)
            return
        if not conn.principal.can(topic.area(), Level.READ):
            _error(conn, access_needed(Level.READ, topic.area()), ref)
            return
        conn.topics[ref] = topic
        conn.push(encode({"type": "subscribed", "id": ref, "seq": conn.cursor}))
        for entry in hub.present_for(conn):
            conn.push(encode(entry))
        return
    if isinstance(message, Unsubscribe):
        conn.topics.pop(str(message.id), None)
        conn.push(encode({"type": "unsubscribed", "id": message.id}))
        return
    if isinstance(message, Resume):
        if await hub.resume(conn, message.since):
            conn.push(encode({"type": "resumed", "seq": conn.cursor}))
        else:
            conn.push(
                encode(
                    {
                        "type": "reload",
                        "reason": render(_("Too much was missed: load again."), conn.language),
                        "seq": hub.last_seq,
                    }
                )
            )
        return
    await _presence(hub, conn, message)


async def _presence(hub: Hub, conn: Connection, message: Presence) -> None:
    where, state = message.where, message.state
    if where is None:
        await hub.set_presence(conn, None)
        return
    if where == "timeline":
        area = Workspace.PLANNING
    elif isinstance(where, dict) and set(where) == {"timeline"}:
        try:
            Topic.parse(where)
        except ValueError as error:
            reason = error.args[0] if error.args else ""
            _error(conn, _("Presence period: {reason}", reason=reason))
            return
        area = Workspace.PLANNING
    elif (
        isinstance(where, dict)
        and isinstance(where.get("entity"), str)
        and isinstance(where.get("id"), int)
    ):
        area = Topic("record", entity=where["entity"], record_id=where["id"]).area()
    else:
        _error(
            conn,
            _("Presence 'where' is \"timeline\", {{timeline: {{start, end}}}} or {{entity, id}}."),
        )
        return
    if not conn.principal.can(area, Level.READ):
        _error(conn, access_needed(Level.READ, area))
        return
    await hub.set_presence(conn, {"where": where, "state": state, "area": area.value})


@websocket("/live", opt=SIGNED_IN, summary="Live updates of the season (see realtime/live.py)")
async def live(socket: WebSocket[Any, Any, Any]) -> None:
    hub: Hub | None = socket.app.state.get("hub")
    identity = socket.scope.get("auth")
    language = negotiate(socket.headers.get("accept-language"))
    if hub is None or not isinstance(identity, Identity):
        unavailable = _("Live updates are unavailable.")
        await socket.close(code=4003, reason=close_reason(unavailable, language))
        return
    if not origin_allowed(socket):
        refused = _("This page's origin may not open live updates.")
        await socket.close(code=4003, reason=close_reason(refused, language))
        return
    db = socket.app.state.db
    kind, secret = identity.kind, identity.secret

    async def recheck() -> Principal | None:
        found = await identify(db, hub.access, kind, secret)
        return found.principal if found is not None else None

    await socket.accept()
    # The hub re-checks the connections it holds when it reads an access change; one read
    # since this identity was resolved is applied here, and attaching follows with no await
    # in between, so no access change can fall between the two.
    while identity.built < hub.access.changed:
        fresh = await identify(db, hub.access, kind, secret)
        if fresh is None:
            await socket.close(code=SIGNED_OUT, reason=close_reason(ACCESS_ENDED, language))
            return
        identity = fresh
    conn = hub.attach(
        identity.principal,
        language=language,
        credential=f"{kind}:{credentials.digest(secret)}",
        token_id=identity.token_id,
        recheck=recheck,
    )
    last_heard = [time.monotonic()]
    conn.push(
        encode(
            {
                "type": "hello",
                "seq": conn.cursor,
                "user": identity.principal.name,
                "bus": hub.bus.status(),
            }
        )
    )
    tasks = [
        asyncio.create_task(_sender(socket, conn)),
        asyncio.create_task(_pinger(conn, last_heard)),
        asyncio.create_task(_receiver(socket, hub, conn, last_heard)),
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        closing = conn.closing
        await hub.detach(conn)  # frees what was queued, whatever happens next
        if closing is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(
                    socket.close(code=closing[0], reason=closing[1]), CLOSE_SECONDS
                )
