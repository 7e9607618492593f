"""What the database refused, read from asyncpg's exception: its class (the SQLSTATE) and the
constraint it names, never the wording of its message (PostgreSQL translates those)."""

from __future__ import annotations

from typing import Any

from asyncpg import exceptions as pg


def postgres_error(error: BaseException) -> pg.PostgresError | None:
    """asyncpg's exception under SQLAlchemy's wrappers (``error.orig``, then its cause)."""
    seen: BaseException | None = error
    for _ in range(4):
        if seen is None or isinstance(seen, pg.PostgresError):
            return seen
        seen = getattr(seen, "orig", None) or seen.__cause__
    return None


def constraint_of(error: BaseException) -> str | None:
    """The name of the constraint that refused the write, if one did."""
    cause: Any = postgres_error(error)
    return getattr(cause, "constraint_name", None)


def refused_by(error: BaseException, kind: type[pg.PostgresError], constraint: str) -> bool:
    """Whether ``constraint`` refused the write with an error of ``kind``."""
    return isinstance(postgres_error(error), kind) and constraint_of(error) == constraint


def is_refusal(error: BaseException) -> bool:
    """A rule of the database said no: a constraint (SQLSTATE class 23), or a deadlock between
    two such checks (each waited for the other's lock; one is refused)."""
    return isinstance(
        postgres_error(error), pg.IntegrityConstraintViolationError | pg.DeadlockDetectedError
    )
