"""Wrong passwords slow down where they come from; nobody can lock anyone else out.

A failed sign-in (or app password) is recorded in the change log, for administrators to see,
with the identifier tried and the client's address (read through trusted proxies only, see
``SAISON_TRUSTED_PROXIES``). Failures are counted over ``SAISON_SIGN_IN_WINDOW`` per
(identifier, address) and per address:

- Past ``SAISON_SIGN_IN_ATTEMPTS`` failures for one identifier from one address, or four times
  that from one address, the next attempt from there first *waits* 1 s
  (``SAISON_SIGN_IN_FIRST_DELAY``), then 2 s, 4 s… up to ``SAISON_SIGN_IN_MAX_DELAY``, and is
  then checked as usual: the right password still signs in. A delay, not a lockout: someone
  guessing elsewhere (another address) changes nothing for the owner, and people sharing an
  address wait a few seconds at worst.
- Attempts for one identifier from one address are checked one after another (per process),
  each after the delay the previous ones earned, so sending many at once gains nothing; more
  than ``MAX_WAITING`` waiting get 429 at once.
- App passwords are random 256-bit secrets that cannot be guessed: a valid one is accepted at
  once whatever failed before. A wrong one (a revoked password left in a forgotten iPad) counts
  against that password and address only; past the allowance it gets 429 with ``Retry-After``
  (1 s, 2 s, 4 s… up to the maximum), answered from memory until then.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cachetools import TLRUCache
from sqlalchemy import func, select

from server.core.changelog import ChangeLogEntry
from server.core.errors import TooManyAttempts
from server.core.i18n import _
from server.core.unit_of_work import UnitOfWork
from server.settings import Settings

MAX_WAITING = 4  # attempts for one identifier from one address, queued in one process
PER_ADDRESS = 4  # an address may fail this many times more than one identifier
MAX_COOLING = 10_000


@dataclass(frozen=True)
class Policy:
    attempts: int
    window: int
    max_delay: float
    first_delay: float = 1.0

    @classmethod
    def of(cls, settings: Settings) -> Policy:
        return cls(
            settings.sign_in_attempts,
            settings.sign_in_window_seconds,
            float(settings.sign_in_max_delay),
            settings.sign_in_first_delay,
        )

    def delay(self, by_identifier: int, by_address: int) -> float:
        """Seconds to wait before the next attempt, given the failures already counted."""
        return max(
            self._progressive(by_identifier, self.attempts),
            self._progressive(by_address, self.attempts * PER_ADDRESS),
        )

    def _progressive(self, failures: int, allowed: int) -> float:
        if failures < allowed:
            return 0.0
        return min(self.max_delay, self.first_delay * 2.0 ** min(failures - allowed, 30))


async def recent_failures(
    uow: UnitOfWork, action: str, identifier: Mapping[str, str], address: str, window: int
) -> tuple[int, int]:
    """Failures of ``action`` in the window: for this identifier from ``address``, and from
    ``address`` at all (one query over the log's recent rows)."""
    c: Any = ChangeLogEntry.__table__.c  # type: ignore[attr-defined]
    from_address = c.after["ip"].astext == address
    same = from_address
    for name, value in identifier.items():
        same = same & (c.after[name].astext == value)
    query = select(func.count().filter(same), func.count().filter(from_address)).where(
        c.action == action, c.at > func.now() - timedelta(seconds=window)
    )
    by_identifier, by_address = (await uow.session.execute(query)).one()
    return int(by_identifier), int(by_address)


# -- per process: attempts in turn, and answers already known ------------------------------
_turns: dict[str, tuple[asyncio.Lock, list[int]]] = {}
# When each cooling key may be answered again; each entry expires at its own time (cachetools'
# time-aware LRU), the oldest dropped beyond MAX_COOLING.
_cooling: TLRUCache[str, float] = TLRUCache(
    maxsize=MAX_COOLING, ttu=lambda _key, until, _now: until, timer=time.monotonic
)


@asynccontextmanager
async def in_turn(key: str, retry_after: float) -> AsyncIterator[None]:
    """Attempts with the same ``key`` (identifier and address) one at a time."""
    lock, waiting = _turns.setdefault(key, (asyncio.Lock(), [0]))
    if waiting[0] >= MAX_WAITING:
        raise too_many(retry_after or 1.0)
    waiting[0] += 1
    try:
        async with lock:
            yield
    finally:
        waiting[0] -= 1
        if waiting[0] == 0:
            _turns.pop(key, None)


def cooling(key: str) -> float:
    """Seconds until ``key`` may be answered again (0 if now)."""
    until = _cooling.get(key)
    return max(0.0, until - time.monotonic()) if until is not None else 0.0


def cool(key: str, seconds: float) -> None:
    _cooling[key] = time.monotonic() + seconds


def too_many(seconds: float) -> TooManyAttempts:
    wait = max(1, round(seconds + 0.49))
    return TooManyAttempts(
        _("Too many failed attempts from your address; try again in {seconds} s.", seconds=wait),
        retry_after=wait,
    )
