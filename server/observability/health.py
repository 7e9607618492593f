"""Is this process fit to serve? Liveness is answering at all; readiness is what a load
balancer waits for: the database answers, Redis answers (when the processes share one), and
the database's schema is the one this code was written for (a process started before
``saison migrate`` ran, or after a newer release's migration, must not take requests)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from functools import lru_cache

from alembic.script import ScriptDirectory
from sqlalchemy import text

from server.db.engine import Database
from server.db.migrate import alembic_config

TIMEOUT = 3.0  # seconds a check may take before it counts as failed
NOT_FAILED = ("ok", "skipped", "unknown")


@dataclass
class Readiness:
    """Each check's outcome: "ok", "skipped" (not configured), "unknown" (a check it needs
    failed: only that one is named) or what went wrong."""

    checks: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> list[str]:
        return [name for name, outcome in self.checks.items() if outcome not in NOT_FAILED]

    @property
    def ready(self) -> bool:
        return all(outcome in ("ok", "skipped") for outcome in self.checks.values())


@lru_cache(maxsize=1)
def code_heads() -> frozenset[str]:
    """The migrations this code ends with (read from its files once)."""
    return frozenset(ScriptDirectory.from_config(alembic_config("postgresql://")).get_heads())


def _failure(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return f"no answer within {TIMEOUT:g} s"
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {first}"[:300]


async def database_revisions(db: Database) -> frozenset[str]:
    async with db.sessions() as session:
        rows = await session.execute(text("SELECT version_num FROM alembic_version"))
        return frozenset(str(row[0]) for row in rows)


async def redis_answers(url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)
    try:
        await client.ping()
    finally:
        await client.aclose()


async def readiness(db: Database, redis_url: str | None) -> Readiness:
    result = Readiness()
    try:
        revisions = await asyncio.wait_for(database_revisions(db), TIMEOUT)
    except Exception as error:
        result.checks["database"] = _failure(error)
        result.checks["migrations"] = "unknown"
    else:
        result.checks["database"] = "ok"
        heads = code_heads()
        result.checks["migrations"] = (
            "ok"
            if revisions == heads
            else f"the database is at {', '.join(sorted(revisions)) or 'no revision'}, "
            f"this code at {', '.join(sorted(heads))}: run `saison migrate`"
        )
    if redis_url:
        try:
            await asyncio.wait_for(redis_answers(redis_url), TIMEOUT)
        except Exception as error:
            result.checks["redis"] = _failure(error)
        else:
            result.checks["redis"] = "ok"
    else:
        result.checks["redis"] = "skipped"
    return result
