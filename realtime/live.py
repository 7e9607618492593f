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
Server → client: "hello", "subscribed", "unsubscribed", "event" (with the subscription ids it
matches in "topics"), "presence", "ping" (with "seq", a safe point to resume from), "resumed",
"reload" (the gap is too old or the client fell behind: reload, then resume from "seq"),
"error".
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any
from urllib.parse import urlsplit

from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect

from realtime.events import Topic, decode, encode
from realtime.hub import Connection, Hub
from server.accounts.permissions import Level, Principal, Workspace, access_needed
from server.api.guards import SIGNED_IN
from server.core.i18n import Message, _, negotiate, render

PING_SECONDS = 15.0
DEAD_SECONDS = 45.0
MAX_TOPICS = 50
MAX_FRAME = 16_384


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
        payload = await conn.queue.get()
        if payload is None:
            await socket.close(code=4001, reason="reload")
            return
        await socket.send_text(payload)


async def _pinger(
    conn: Connection, last_heard: list[float], socket: WebSocket[Any, Any, Any]
) -> None:
    while True:
        await asyncio.sleep(PING_SECONDS)
        if time.monotonic() - last_heard[0] > DEAD_SECONDS:
            await socket.close(code=4002, reason="no heartbeat")
            return
        conn.push(encode({"type": "ping", "seq": conn.cursor}))


def _error(conn: Connection, message: str | Message, ref: Any = None) -> None:
    """An error frame, in the language the screen asked for when it connected."""
    text = render(message, conn.language)
    conn.push(encode({"type": "error", "message": text, "id": ref}))


async def handle(hub: Hub, conn: Connection, message: Any) -> None:
    if not isinstance(message, dict):
        _error(conn, _("Send JSON objects with a 'type'."))
        return
    kind = message.get("type")
    ref = message.get("id")
    if kind == "pong":
        return
    if kind == "subscribe":
        if not isinstance(ref, str) or not ref or len(ref) > 64:
            _error(conn, _("A subscription needs an 'id' (text, up to 64 characters)."))
            return
        if ref not in conn.topics and len(conn.topics) >= MAX_TOPICS:
            _error(conn, _("At most {max} subscriptions per connection.", max=MAX_TOPICS), ref)
            return
        try:
            topic = Topic.parse(message.get("topic"))
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
    if kind == "unsubscribe":
        conn.topics.pop(str(ref), None)
        conn.push(encode({"type": "unsubscribed", "id": ref}))
        return
    if kind == "resume":
        since = message.get("since")
        if not isinstance(since, int) or since < 0:
            _error(conn, _("Resume needs 'since', the last sequence number seen."))
            return
        if await hub.resume(conn, since):
            conn.push(encode({"type": "resumed", "seq": conn.cursor}))
        else:
            conn.push(
                encode({"type": "reload", "reason": "too much was missed", "seq": hub.last_seq})
            )
        return
    if kind == "presence":
        await _presence(hub, conn, message)
        return
    _error(conn, _("Unknown message type {name}.", name=repr(kind)))


async def _presence(hub: Hub, conn: Connection, message: dict[str, Any]) -> None:
    where = message.get("where")
    if where is None:
        await hub.set_presence(conn, None)
        return
    state = message.get("state", "viewing")
    if state not in ("viewing", "editing"):
        _error(conn, _("Presence state is viewing or editing."))
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
    principal = socket.scope.get("user")
    if hub is None or not isinstance(principal, Principal):
        await socket.close(code=4003, reason="live updates unavailable")
        return
    if not origin_allowed(socket):
        await socket.close(code=4003, reason="origin not allowed")
        return
    await socket.accept()
    conn = hub.attach(principal)
    conn.language = negotiate(socket.headers.get("accept-language"))
    last_heard = [time.monotonic()]
    conn.push(
        encode(
            {"type": "hello", "seq": conn.cursor, "user": principal.name, "bus": hub.bus.status()}
        )
    )
    sender = asyncio.create_task(_sender(socket, conn))
    pinger = asyncio.create_task(_pinger(conn, last_heard, socket))
    try:
        while True:
            raw = await socket.receive_data(mode="text")
            last_heard[0] = time.monotonic()
            if len(raw) > MAX_FRAME:
                _error(conn, _("Message too large."))
                continue
            try:
                message = decode(raw)
            except Exception:
                _error(conn, _("Malformed JSON."))
                continue
            await handle(hub, conn, message)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        for task in (sender, pinger):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await hub.detach(conn)
