"""Access that follows every change, at once and on every process.

A signed-in person's credentials (session cookie, API token, app password) resolve to a
``Principal``; each process caches that answer, and an open websocket holds one for its whole
life. Both must follow the change log: when an administrator deactivates someone, moves them to
another team or changes a permission, when a token is revoked or a password changed, the next
request on *any* process must see it, and open sockets must be re-checked.

Each process's live hub reads every committed change in order (``realtime/hub.py``) and tells
its ``AccessWatch``: ``applied`` is how far it has read, ``changed`` the last *access change*
among what it read. Between a commit on another process and this hub reading it there is a gap
(a Redis wake-up in flight, or the one-second poll): ``AccessWatch.latest`` closes it with one
indexed query for access changes after ``applied``, so a credential revoked by a request that
has returned is refused by the very next request anywhere. A cached answer remembers the last
access change it reflects (``built``) and is used only while no later one exists.

Measured (2 cores, asyncpg): resolving a token from scratch (token, user, levels, teams, touch)
takes about 2.8 ms; this check about 0.5 ms (one round trip). Hence a cache checked per request
rather than no cache.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from cachetools import TTLCache

from server.core.permissions import Workspace
from server.db.engine import Database

ADMINISTRATION = Workspace.ADMINISTRATION.value

# Changes of the administration workspace that cannot alter anyone's *existing* access: sign-in
# attempts, new credentials, new users and teams, a team renamed. Every other one (a user
# updated, deactivated or deleted, their teams changed, a permission created, changed or
# removed, a team deleted, a token or feed revoked, a password changed, a sign-out) is an
# access change. Listing the harmless ones, not the others, keeps a future action safe.
HARMLESS = frozenset(
    {
        "auth.signed_in",
        "auth.sign_in_failed",
        "auth.app_password_failed",
        "api.created",
        "app_password.created",
        "calendar_feed.created",
        "user.created",
        "team.created",
        "team.updated",
        # Webhooks send data away but open no access to Saison itself.
        "webhook.created",
        "webhook.updated",
        "webhook.deleted",
        "webhook.disabled",
        "webhook.replayed",
        # The organisation's name, numbers, zone and language (server/core/organisation.py):
        # no one's access; processes follow them from the log by themselves.
        "organisation_settings.initialised",
        "organisation_settings.updated",
        "organisation_settings.logo_changed",
    }
)

# The highest access change after :after (0 if none); a range scan of the primary key from the
# point this process has read to the end of the log: a few rows, since the hub keeps up.
LATEST = (
    "SELECT coalesce(max(seq), 0) FROM change_log WHERE seq > $1 "
    "AND workspace = $2 AND action <> ALL($3::text[])"
)


def is_access_change(change: Mapping[str, Any]) -> bool:
    return change["workspace"] == ADMINISTRATION and change["action"] not in HARMLESS


@dataclass(frozen=True)
class Affected:
    """Whose open connections an access change concerns."""

    everyone: bool = False
    user_ids: frozenset[int] = frozenset()
    token_id: int | None = None


def affected_by(change: Mapping[str, Any]) -> Affected:
    """Who must be re-checked after ``change`` (an access change)."""
    entity, entity_id = change["entity"], change.get("entity_id")
    if entity == "user" and entity_id is not None:
        # updated, deleted, teams changed, password changed, signed out
        return Affected(user_ids=frozenset({int(entity_id)}))
    if entity == "token" and entity_id is not None:
        return Affected(token_id=int(entity_id))
    if entity == "calendar_feed":
        return Affected()  # feeds are read per request, nothing is held open
    if entity == "permission":
        sides = [s for s in (change.get("before"), change.get("after"), change.get("refs")) if s]
        users = {side["user_id"] for side in sides if side.get("user_id") is not None}
        teams = {side["team_id"] for side in sides if side.get("team_id") is not None}
        if users and not teams:
            return Affected(user_ids=frozenset(int(u) for u in users))
    return Affected(everyone=True)  # a team's permission, a team deleted: anyone may be in it


class AccessWatch:
    """This process's view of access changes in the change log (fed by the live hub)."""

    def __init__(self) -> None:
        self.applied = 0  # every change up to here has been seen by this process
        self.changed = 0  # the last access change seen
        self._next: asyncio.Future[int] | None = None  # the next check, not started yet
        self._runner: asyncio.Future[None] | None = None

    def saw(self, change: Mapping[str, Any]) -> bool:
        """Note a change read from the log, in order; True if it is an access change."""
        seq = int(change["seq"])
        access = is_access_change(change)
        if access:
            self.changed = max(self.changed, seq)
        self.applied = max(self.applied, seq)
        return access

    def read_up_to(self, seq: int) -> None:
        """Every change up to ``seq`` has been seen (those not passed to ``saw`` were not
        access changes)."""
        self.applied = max(self.applied, seq)

    async def latest(self, db: Database) -> int:
        """The last access change committed so far, anywhere.

        One short query that starts after this call began (so it sees every commit made
        before it); calls arriving while one runs share the next one, so a thousand screens
        reconnecting at once cost a handful of queries, not a thousand."""
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
            if self._runner is None or self._runner.done():
                self._runner = asyncio.ensure_future(self._run(db))
        return await asyncio.shield(self._next)

    async def _run(self, db: Database) -> None:
        while self._next is not None:
            waiting, self._next = self._next, None
            try:
                found = await self._query(db, self.applied)
            except Exception as error:
                waiting.set_exception(error)
            else:
                waiting.set_result(max(self.changed, found))

    @staticmethod
    async def _query(db: Database, after: int) -> int:
        # The driver's connection, straight from the pool: 0.5 ms where a SQLAlchemy
        # connection took 1.0 ms (measured), paid by every authenticated request.
        connection = await db.engine.raw_connection()
        try:
            driver: Any = connection.driver_connection
            return int(await driver.fetchval(LATEST, after, ADMINISTRATION, list(HARMLESS)))
        finally:
            connection.close()


V = TypeVar("V")

# How long a resolved credential is used at most, even with no access change meanwhile.
CACHE_SECONDS = 30.0


class CredentialCache:
    """Resolved credentials (sessions, API tokens, app passwords), each used only while no
    access change came after it was built; cachetools bounds how long and how many."""

    def __init__(self, seconds: float = CACHE_SECONDS, limit: int = 10_000) -> None:
        self._entries: TTLCache[tuple[str, str], tuple[int, object]] = TTLCache(
            maxsize=limit, ttl=seconds, timer=time.monotonic
        )

    def get(self, key: tuple[str, str], latest: int, kind: type[V]) -> V | None:
        """The ``kind`` cached under ``key``, if built after the ``latest`` access change."""
        built, value = self._entries.get(key, (-1, None))
        if built < latest or not isinstance(value, kind):
            self._entries.pop(key, None)
            return None
        return value

    def put(self, key: tuple[str, str], value: object, built: int) -> None:
        self._entries[key] = (built, value)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


# The one cache of every interface's credentials in this process (keys: what, its digest).
CREDENTIALS = CredentialCache()
