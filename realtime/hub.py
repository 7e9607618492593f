"""One hub per server process: it tails the change log and feeds the process's websockets.

Why tail the log instead of forwarding payloads: the log is already in commit order with a
gap-free sequence (see server/core/changelog.py), so every connection receives events in
order, nothing published for a rolled-back transaction can exist, and a client that resumes
from sequence N gets exactly what it missed. Each event is filtered by the one visibility rule
and encoded once per kind of reader, not once per client.

Access follows the same path: an access change (server/accounts/revocation.py) met in the log
makes this process's cached credentials stale at once, and the connections it concerns are
re-checked before any later change is sent: a closed account's socket is closed (4401), a
person moved to a team that may not see fees receives the next engagement without them.

Memory is bounded: each connection may hold ``MAX_QUEUED_BYTES`` of events not yet sent, and
all of them together ``MAX_TOTAL_QUEUED_BYTES``; past that the slowest is closed with 4008
("reconnect and resume from your last seq") and what it held is freed at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import logging
import os
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from realtime.bus import CHANGES, PRESENCE, Bus
from realtime.events import Topic, decode, encode, placements, visible_event
from server.accounts.revocation import AccessWatch, affected_by, is_access_change
from server.core import organisation
from server.core.changelog import Change, read_change
from server.core.i18n import Message, _, render
from server.core.permissions import Level, Principal, Workspace, area_name
from server.db.engine import Database
from server.observability.metrics import WEBSOCKETS

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
BATCH = 2_000
CHUNK = 100  # rows dispatched between two chances for the senders to write
MAX_REPLAY = 20_000
PRESENCE_TTL = 45.0
# Events waiting for a client that reads slowly. 1 MiB is a few thousand events, far more than a
# screen on a poor network lags behind; past it the client resumes from its last seq instead.
MAX_QUEUED_BYTES = 1 << 20
MAX_TOTAL_QUEUED_BYTES = 64 << 20
# After this much was freed (slow clients dropped), memory goes back to the system: glibc
# otherwise keeps the holes left by many freed 2 KB frames (measured: 20 slow clients, 6,000
# events of 2 KB: the process stayed at +25 MB after they left; +5 MB with this).
GIVE_BACK_AFTER = 4 << 20
RECHECK_CONCURRENCY = 8
RECHECK_SECONDS = 5.0

# Close codes (the protocol is documented in realtime/live.py).
NO_HEARTBEAT = 4002
TOO_SLOW = 4008
SIGNED_OUT = 4401
TRY_AGAIN = 1013
# Their reasons, in the language the screen asked for (a close frame holds 123 bytes at most).
TOO_FAR_BEHIND = _("Too far behind: reconnect and resume from your last seq.")
ACCESS_ENDED = _("Signed out, or access revoked: sign in again.")
NOT_CONFIRMED = _("Access could not be confirmed: reconnect.")
MAX_REASON_BYTES = 123

FETCH = text(
    "SELECT seq, at, actor_id, actor, workspace, entity, entity_id, action, before, after, refs "
    "FROM change_log WHERE seq > :after AND seq <= :upto ORDER BY seq LIMIT :limit"
)
# With no connection to feed, only access changes matter (a busy writer reads little).
FETCH_ACCESS = text(
    "SELECT seq, workspace, entity, entity_id, action, before, after, refs FROM change_log "
    "WHERE seq > :after AND workspace = 'administration' ORDER BY seq LIMIT :limit"
)
TOP = text("SELECT coalesce(max(seq), 0) FROM change_log")

Recheck = Callable[[], Awaitable[Principal | None]]


@dataclass(eq=False)
class Connection:
    """One open socket: who it is, what it follows, and the events not sent to it yet."""

    principal: Principal
    topics: dict[str, Topic] = field(default_factory=dict)
    cursor: int = 0
    replaying: bool = True
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    presence: dict[str, Any] | None = None
    reader: tuple[Any, ...] = ()
    language: str | None = None  # of its error messages (the socket's Accept-Language)
    # What opened it, to re-check it when access changes: credential groups sockets opened
    # with the same cookie or token (one lookup for all of them).
    credential: str = ""
    token_id: int | None = None
    recheck: Recheck | None = None
    hub: Hub | None = None
    outbox: deque[str] = field(default_factory=deque)
    queued: int = 0  # characters waiting in the outbox
    closing: tuple[int, str] | None = None
    _ready: asyncio.Event = field(default_factory=asyncio.Event)
    _room: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.reader = reader_key(self.principal)

    def push(self, payload: bytes | str) -> None:
        """Queue a frame; a client too far behind is closed (4008) rather than let lag."""
        if self.closing is not None:
            return
        text_ = payload if isinstance(payload, str) else payload.decode()
        size = len(text_)
        if self.queued + size > MAX_QUEUED_BYTES:
            self.close(TOO_SLOW, TOO_FAR_BEHIND)
            return
        self.outbox.append(text_)
        self.queued += size
        self._ready.set()
        if self.hub is not None:
            self.hub.queued_total += size
            if self.hub.queued_total > MAX_TOTAL_QUEUED_BYTES:
                self.hub.shed()

    async def next(self) -> str | None:
        """The next frame to send, or None once the connection is closing."""
        while not self.outbox and self.closing is None:
            self._ready.clear()
            await self._ready.wait()
        if self.closing is not None:
            return None
        text_ = self.outbox.popleft()
        self._taken(len(text_))
        return text_

    def _taken(self, size: int) -> None:
        self.queued -= size
        if self.hub is not None:
            self.hub.queued_total -= size
        if self.queued <= MAX_QUEUED_BYTES // 2:
            self._room.set()

    async def room(self) -> None:
        """Wait until the client has read enough (replays push at the client's pace)."""
        while self.queued > MAX_QUEUED_BYTES // 2 and self.closing is None:
            self._room.clear()
            await self._room.wait()

    def close(self, code: int, reason: str | Message) -> None:
        """Stop sending, free what was queued; the socket's handler closes it with ``code``."""
        if self.closing is None:
            self.closing = (code, close_reason(reason, self.language))
        freed = self.queued
        self._taken(freed)
        self.outbox.clear()
        if self.hub is not None and freed:
            self.hub.freed(freed)
        self._ready.set()
        self._room.set()

    def reauthorise(self, principal: Principal | None) -> None:
        """Apply a re-checked identity: closed, or filtered as ``principal`` from now on."""
        if principal is None:
            self.close(SIGNED_OUT, ACCESS_ENDED)
            return
        self.principal = principal
        self.reader = reader_key(principal)
        for ref, topic in list(self.topics.items()):
            if not principal.can(topic.area(), Level.READ):
                del self.topics[ref]
                self.push(
                    encode(
                        {
                            "type": "unsubscribed",
                            "id": ref,
                            "reason": render(
                                _(
                                    "Your read access to {area} was withdrawn.",
                                    area=area_name(topic.area()),
                                ),
                                self.language,
                            ),
                        }
                    )
                )


def _malloc_trim() -> Callable[[int], object] | None:
    """glibc's ``malloc_trim``, which returns freed heap pages to the system (None elsewhere)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], object] = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


MALLOC_TRIM = _malloc_trim()


def close_reason(reason: str | Message, language: str | None) -> str:
    """A close frame's reason in the reader's language, cut to what the frame can hold."""
    encoded = render(reason, language).encode()[:MAX_REASON_BYTES]
    return encoded.decode(errors="ignore")


def reader_key(principal: Principal) -> tuple[Any, ...]:
    """Readers who see the same thing share one encoding of each event."""
    return (tuple(sorted((a.value, int(lv)) for a, lv in principal.levels.items())),)


class Hub:
    def __init__(self, db: Database, redis_url: str | None, access: AccessWatch) -> None:
        self.db = db
        self.bus = Bus(redis_url)
        self.access = access
        self.connections: set[Connection] = set()
        self.queued_total = 0  # characters queued for all connections
        self._freed = 0  # characters freed since memory was last given back
        self.last_seq = 0
        self.known_seq = 0  # highest seq we heard of (commits here, wake-ups from others)
        self.process = f"{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.presence: dict[str, dict[str, Any]] = {}  # conn id -> entry (all processes)
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[Any]] = []
        self._pending: set[asyncio.Task[Any]] = set()

    # -- life ---------------------------------------------------------------------------
    async def start(self) -> None:
        self.last_seq = await self._max_seq()
        self.access.read_up_to(self.last_seq)
        await self.bus.start(self._on_bus)
        self._tasks.append(asyncio.create_task(self._tail(), name="saison-tail"))
        self._tasks.append(asyncio.create_task(self._presence_keeper(), name="saison-presence"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.bus.stop()
        for conn in list(self.connections):
            restarting = render(_("The server is restarting."), conn.language)
            conn.push(encode({"type": "reload", "reason": restarting}))

    async def _max_seq(self) -> int:
        async with self.db.sessions() as session:
            return int(
                (
                    await session.execute(text("SELECT coalesce(max(seq), 0) FROM change_log"))
                ).scalar_one()
            )

    # -- writes in this process, and wake-ups from others --------------------------------------
    async def on_commit(self, changes: list[Change]) -> None:
        """Database commit listener: wake our tailer now and tell the other processes."""
        last = max(c.seq or 0 for c in changes)
        self.known_seq = max(self.known_seq, last)
        self._wake.set()
        # Not awaited: a slow or absent Redis must never slow down a write.
        task = asyncio.create_task(self.bus.publish(CHANGES, str(last).encode()))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _on_bus(self, channel: str, payload: bytes) -> None:
        if channel == CHANGES:
            self.known_seq = max(self.known_seq, int(payload or 0))
            self._wake.set()
        elif channel == PRESENCE:
            self._on_presence(decode(payload))

    # -- the tailer -------------------------------------------------------------------------
    async def _tail(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=POLL_SECONDS)
            self._wake.clear()
            try:
                await self._catch_up()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("live tailer failed; retrying")
                await asyncio.sleep(POLL_SECONDS)

    async def _catch_up(self) -> None:
        while True:
            if not self.connections:
                if not await self._catch_up_access():
                    continue  # a screen connected meanwhile: read everything for it
                return
            rows = await self.fetch(self.last_seq, None, BATCH)
            if not rows:
                return
            for start in range(0, len(rows), CHUNK):
                if start:
                    # Let each socket's sender hand what it holds to the network: a burst
                    # (a season moved at once) must not pile up in memory, even for screens
                    # that read quickly.
                    await asyncio.sleep(0)
                await self._deliver(rows[start : start + CHUNK])
            if len(rows) < BATCH:
                return

    async def _deliver(self, rows: list[dict[str, Any]]) -> None:
        done = 0
        for index, row in enumerate(rows):
            if is_access_change(row):
                # Everything up to the change goes out as before; what follows it goes out
                # filtered by who each reader is once the change is applied.
                self.dispatch(rows[done : index + 1])
                self.last_seq = row["seq"]
                self.access.saw(row)
                await self._apply_access_change(row)
                done = index + 1
        if done < len(rows):
            self.dispatch(rows[done:])
        self.last_seq = rows[-1]["seq"]
        self.access.read_up_to(self.last_seq)
        await self._follow_organisation(rows)

    async def _catch_up_access(self) -> bool:
        """Nobody to tell: read only access changes (a busy writer process pays little).

        False if a connection opened while reading (then everything is read for it)."""
        async with self.db.sessions() as session:
            top = int((await session.execute(TOP)).scalar_one())
            rows = [
                dict(r)
                for r in (
                    await session.execute(FETCH_ACCESS, {"after": self.last_seq, "limit": BATCH})
                ).mappings()
            ]
        if self.connections:
            return False
        for row in rows:
            self.access.saw(row)
        await self._follow_organisation(rows)
        full = len(rows) == BATCH
        # Every row up to ``top`` was committed before the access changes were read.
        self.last_seq = max(self.last_seq, self.access.applied if full else top)
        self.access.read_up_to(self.last_seq)
        return not full

    async def _follow_organisation(self, rows: list[dict[str, Any]]) -> None:
        """The organisation's zone or language changed (here or in another process): this
        process works in the new ones from now on, and open screens are told to load the page
        again (the browser app takes both from it)."""
        changed = [r for r in rows if r["entity"] == organisation.ENTITY]
        if not changed:
            return
        row = await organisation.follow(self.db)
        if any({"timezone", "language"} & set(r.get("after") or {}) for r in changed):
            message = encode(
                {"type": "venue", "timezone": row["timezone"], "language": row["language"]}
            ).decode()
            for conn in list(self.connections):
                conn.push(message)

    async def _apply_access_change(self, row: dict[str, Any]) -> None:
        affected = affected_by(row)
        await self.recheck(
            [
                conn
                for conn in self.connections
                if affected.everyone
                or conn.principal.user_id in affected.user_ids
                or (affected.token_id is not None and conn.token_id == affected.token_id)
            ]
        )

    async def recheck(self, conns: list[Connection]) -> None:
        """Resolve again what opened each connection, once per credential, and apply it."""
        groups: dict[str, list[Connection]] = {}
        for conn in conns:
            if conn.recheck is not None and conn.closing is None:
                groups.setdefault(conn.credential or conn.id, []).append(conn)
        limit = asyncio.Semaphore(RECHECK_CONCURRENCY)

        async def one(members: list[Connection]) -> None:
            check = members[0].recheck
            assert check is not None
            async with limit:
                try:
                    principal = await asyncio.wait_for(check(), RECHECK_SECONDS)
                except Exception:
                    log.exception("re-checking live connections failed; closing them")
                    for conn in members:
                        conn.close(TRY_AGAIN, NOT_CONFIRMED)
                    return
            for conn in members:
                conn.reauthorise(principal)

        await asyncio.gather(*(one(members) for members in groups.values()))

    async def fetch(self, after: int, upto: int | None, limit: int) -> list[dict[str, Any]]:
        async with self.db.sessions() as session:
            result = await session.execute(
                FETCH, {"after": after, "upto": upto if upto is not None else 2**62, "limit": limit}
            )
            return [read_change(r) for r in result.mappings()]

    def dispatch(self, rows: list[dict[str, Any]]) -> None:
        """Send each row to the live connections following it (synchronous: no event slips by).

        The hot loop of live updates: per row, visibility and encoding are done once per kind
        of reader and where-and-when is parsed once; per connection only topics are matched.
        """
        live = [c for c in self.connections if not c.replaying]
        for row in rows:
            row["_places"] = placements(row)
            encoded: dict[tuple[Any, ...], str | None] = {}
            prefixes: dict[tuple[str, ...], str] = {}
            seq = row["seq"]
            for conn in live:
                if seq <= conn.cursor:
                    continue
                conn.cursor = seq
                names = tuple(name for name, topic in conn.topics.items() if topic.matches(row))
                if not names:
                    continue
                key = conn.reader
                if key not in encoded:
                    event = visible_event(conn.principal, row)
                    encoded[key] = encode(event).decode() if event is not None else None
                body = encoded[key]
                if body is None:
                    continue
                prefix = prefixes.get(names)
                if prefix is None:
                    prefix = prefixes[names] = '{"topics":' + encode(list(names)).decode() + ","
                conn.push(prefix + body[1:])
        for conn in live:
            conn.cursor = max(conn.cursor, rows[-1]["seq"])

    # -- connections --------------------------------------------------------------------------
    def attach(self, principal: Principal, **credential: Any) -> Connection:
        """Start following changes for ``principal`` (``credential``: see Connection)."""
        conn = Connection(
            principal=principal, cursor=self.last_seq, replaying=False, hub=self, **credential
        )
        self.connections.add(conn)
        WEBSOCKETS.inc()
        return conn

    async def detach(self, conn: Connection) -> None:
        """Forget a connection and free everything it held."""
        if conn in self.connections:
            WEBSOCKETS.dec()
        self.connections.discard(conn)
        conn.close(*(conn.closing or (1000, "")))
        conn.hub = None
        conn.recheck = None
        if conn.presence is not None:
            await self.set_presence(conn, None)

    def freed(self, size: int) -> None:
        """Count what dropped connections freed; give memory back once it is worth it."""
        self._freed += size
        if self._freed >= GIVE_BACK_AFTER and MALLOC_TRIM is not None:
            self._freed = -(1 << 62)  # one at a time
            asyncio.get_running_loop().call_later(1.0, self._give_back)

    def _give_back(self) -> None:
        self._freed = 0
        if MALLOC_TRIM is not None:
            MALLOC_TRIM(0)

    def shed(self) -> None:
        """Over the total budget: close the connections holding the most until under it."""
        for conn in sorted(self.connections, key=lambda c: c.queued, reverse=True):
            if self.queued_total <= MAX_TOTAL_QUEUED_BYTES // 2 or conn.queued == 0:
                return
            conn.close(TOO_SLOW, TOO_FAR_BEHIND)

    async def resume(self, conn: Connection, since: int) -> bool:
        """Replay what ``conn`` missed after ``since``, then hand it to live dispatch.

        Returns False when the gap is too large (the client should reload instead).
        """
        conn.replaying = True
        try:
            if since > self.last_seq or self.last_seq - since > MAX_REPLAY:
                return False
            cursor = since
            while cursor < self.last_seq:
                target = self.last_seq
                rows = await self.fetch(cursor, target, BATCH)
                if not rows:
                    cursor = target
                    continue
                for row in rows:
                    if conn.closing is not None:
                        return True  # closed meanwhile (too slow, or access withdrawn)
                    names = [n for n, t in conn.topics.items() if t.matches(row)]
                    event = visible_event(conn.principal, row) if names else None
                    if event is not None:
                        conn.push(encode({"topics": names, **event}))
                        await conn.room()  # at the client's pace, not into memory
                cursor = rows[-1]["seq"]
            conn.cursor = cursor  # checked and set with no await in between: nothing slips
            return True
        finally:
            conn.replaying = False

    # -- presence --------------------------------------------------------------------------------
    async def set_presence(self, conn: Connection, where: dict[str, Any] | None) -> None:
        entry = {
            "conn": f"{self.process}:{conn.id}",
            "user_id": conn.principal.user_id,
            "name": conn.principal.name,
            "where": where.get("where") if where else None,
            "state": where.get("state", "viewing") if where else None,
            "area": where.get("area") if where else None,
            "left": where is None,
            "expires": time.time() + PRESENCE_TTL,
        }
        conn.presence = entry if where else None
        self._on_presence(entry)
        await self.bus.publish(PRESENCE, encode(entry))

    def _on_presence(self, entry: dict[str, Any]) -> None:
        key = entry["conn"]
        known = self.presence.get(key)
        if entry.get("left"):
            if known is None:
                return
            self.presence.pop(key, None)
            self._announce({**known, "left": True})
            return
        self.presence[key] = entry
        if known is None or (known["where"], known["state"]) != (entry["where"], entry["state"]):
            self._announce(entry, known)

    def _announce(self, entry: dict[str, Any], earlier: dict[str, Any] | None = None) -> None:
        """Tell the screens concerned; those that saw the earlier place learn it was left."""
        message = encode({"type": "presence", **{k: v for k, v in entry.items() if k != "expires"}})
        for conn in self.connections:
            if self.presence_visible(conn, entry) or (
                earlier is not None and self.presence_visible(conn, earlier)
            ):
                conn.push(message)

    def presence_visible(self, conn: Connection, entry: dict[str, Any]) -> bool:
        if entry["conn"].endswith(conn.id):
            return False
        area = entry.get("area")
        if area and not conn.principal.can(Workspace(area), Level.READ):
            return False
        return any(_topic_covers(t, entry.get("where")) for t in conn.topics.values())

    def present_for(self, conn: Connection) -> list[dict[str, Any]]:
        now = time.time()
        return [
            {"type": "presence", **{k: v for k, v in e.items() if k != "expires"}}
            for e in self.presence.values()
            if e["expires"] > now and self.presence_visible(conn, e)
        ]

    async def _presence_keeper(self) -> None:
        """Refresh our entries for the other processes; expire entries of vanished ones."""
        while True:
            await asyncio.sleep(PRESENCE_TTL / 3)
            for conn in list(self.connections):
                if conn.presence is not None:
                    conn.presence["expires"] = time.time() + PRESENCE_TTL
                    await self.bus.publish(PRESENCE, encode(conn.presence))
            now = time.time()
            for entry in list(self.presence.values()):
                if entry["expires"] < now:
                    self._on_presence({**entry, "left": True})


def _topic_covers(topic: Topic, where: Any) -> bool:
    if where == "timeline":
        return topic.kind == "timeline"
    if isinstance(where, dict) and "timeline" in where:
        # Someone looking at a period: the timelines showing part of it.
        if topic.kind != "timeline":
            return False
        try:
            period = Topic.parse(where)
        except ValueError:
            return False
        assert period.start and period.end and topic.start and topic.end
        return period.start < topic.end and period.end > topic.start
    if isinstance(where, dict):
        if topic.kind == "timeline" and where.get("entity") in ("activity", "performance"):
            return True  # a block being edited: every timeline may be showing it
        return (
            topic.kind == "record"
            and topic.record_id == where.get("id")
            and (
                topic.entity == where.get("entity")
                or {topic.entity, where.get("entity")} == {"activity", "performance"}
            )
        )
    return False
