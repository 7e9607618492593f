"""Bringing the test database back to a known state before each test, in one round trip.

``Fresh.empty`` makes it a new installation again: every table emptied, what the migrations
ship (activity kinds, default templates) as they shipped it, ids from 1 again. The change log
is emptied too, but its sequence keeps growing, as in production: running servers follow it.

``Fresh.restore`` brings back rows recorded once with ``Fresh.record`` (the test accounts that
the ``people`` fixture makes through the services): the same rows, and their change-log
entries appended again with new numbers, as if made anew; those include access changes
(permissions), so every process drops the credentials it had cached before. A shipped table
that was changed (the demo fills in the organisation's record) is brought back as it was.

The copies are kept in a schema of their own (``fresh``), out of the application's.

DELETE, not TRUNCATE: on tables of a few rows it takes milliseconds where TRUNCATE (new files
for every table, on a database server other runs share) took one to two seconds a test.
Replication mode skips triggers (the change log's append-only guard) and foreign keys. Every
table is named from the catalogue, so a table a migration adds is emptied too.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import asyncpg

T = TypeVar("T")

# Tables whose rows the migrations ship (a new installation has them): each test starts from
# a copy taken after migrating, whatever a test changed (which kinds of activity hold a room,
# the organisation's one row).
SHIPPED = ("activity_kinds", "activity_templates", "organisation")
KEPT = ("alembic_version",)
LOG = "change_log"
COPIES = "fresh"  # the schema of the copies

TABLES = """
SELECT tablename FROM pg_tables
WHERE schemaname = 'public' AND NOT tablename = ANY($1)
ORDER BY tablename
"""
# Sequences that number a column of these tables (serial or identity), with that column.
SEQUENCES = """
SELECT s.oid::regclass::text, t.relname, a.attname
FROM pg_class s
JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
JOIN pg_class t ON t.oid = d.refobjid
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
WHERE s.relkind = 'S' AND t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace
"""
LOG_COLUMNS = """
SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = $1 AND column_name <> 'seq'
"""

# Whether a table's rows differ from its copy's (as text: json columns have no equality).
CHANGED = """
SELECT (SELECT array_agg(r::text ORDER BY r::text) FROM {table} AS r)
    IS DISTINCT FROM (SELECT array_agg(r::text ORDER BY r::text) FROM {copy} AS r)
"""


def transaction(*statements: str) -> str:
    return "; ".join(
        ["BEGIN", "SET LOCAL session_replication_role = replica", *statements, "COMMIT"]
    )


@dataclass
class Fresh:
    connection: asyncpg.Connection
    emptying: str = ""
    restoring: dict[str, str] = field(default_factory=dict)
    log_rows: dict[str, int] = field(default_factory=dict)  # change-log rows of a recording
    made: dict[str, Any] = field(default_factory=dict)  # what ``once`` returned, by recording
    current: str | None = None  # the recording the database holds, if nothing else

    @classmethod
    async def connect(cls, database_url: str) -> Fresh:
        """Keep what the migrations shipped and write the emptying script."""
        connection = await asyncpg.connect(database_url)
        await connection.execute(f"CREATE SCHEMA IF NOT EXISTS {COPIES}")
        for table in SHIPPED:
            await connection.execute(
                f"CREATE TABLE IF NOT EXISTS {COPIES}.{table} AS TABLE {table}"
            )
        tables = await connection.fetchval(
            "SELECT array_agg(t) FROM (" + TABLES + ") AS x(t)", [*SHIPPED, *KEPT, LOG]
        )
        sequences = await connection.fetch(SEQUENCES, list(tables) + list(SHIPPED))
        fresh = cls(connection)
        fresh.emptying = transaction(
            *(f"DELETE FROM {t}" for t in tables),
            f"DELETE FROM {LOG}",
            *(f"DELETE FROM {t}; INSERT INTO {t} SELECT * FROM {COPIES}.{t}" for t in SHIPPED),
            # Ids restart at 1; new rows of shipped tables are numbered after the shipped ones.
            *(
                f"SELECT setval('{sequence}', coalesce((SELECT max({column}) FROM {table}), 0)"
                f" + 1, false)"
                for sequence, table, column in sequences
            ),
        )
        return fresh

    async def empty(self) -> None:
        await self.connection.execute(self.emptying)
        self.current = None

    async def record(self, name: str) -> None:
        """Keep the rows made since the last ``empty`` to bring them back as ``name``."""
        tables = await self.connection.fetch(TABLES, [*SHIPPED, *KEPT, LOG])
        kept, replaced = [], []
        for table in SHIPPED:
            if await self.connection.fetchval(
                CHANGED.format(table=table, copy=f"{COPIES}.{table}")
            ):
                await self.connection.execute(
                    f"CREATE TABLE {COPIES}.{name}_{table} AS TABLE {table}"
                )
                replaced.append(table)
        for (table,) in tables:
            if await self.connection.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
                await self.connection.execute(
                    f"CREATE TABLE {COPIES}.{name}_{table} AS TABLE {table}"
                )
                kept.append(table)
        await self.connection.execute(f"CREATE TABLE {COPIES}.{name}_{LOG} AS TABLE {LOG}")
        self.log_rows[name] = await self.connection.fetchval(f"SELECT count(*) FROM {LOG}")
        self.current = name
        columns = await self.connection.fetchval(LOG_COLUMNS, LOG)
        sequences = await self.connection.fetch(SEQUENCES, kept + replaced)
        self.restoring[name] = transaction(
            *(f"DELETE FROM {t}" for t in replaced),
            *(f"INSERT INTO {t} SELECT * FROM {COPIES}.{name}_{t}" for t in kept + replaced),
            f"INSERT INTO {LOG} ({columns}) "
            f"SELECT {columns} FROM {COPIES}.{name}_{LOG} ORDER BY seq",
            *(
                f"SELECT setval('{sequence}', (SELECT max({column}) FROM {table}))"
                for sequence, table, column in sequences
            ),
        )

    async def restore(self, name: str) -> bool:
        """Bring back what was recorded as ``name``; False if nothing was."""
        if name not in self.restoring:
            return False
        await self.connection.execute(self.restoring[name])
        self.current = name
        return True

    async def untouched_since(self, name: str | None) -> bool:
        """Whether the database holds what ``name`` recorded (``None``: a new installation)
        and nothing more: it was the last brought back (or recorded, or emptied), and the change
        log, which every write through the services appends to, has grown by nothing since. A
        fixture that writes otherwise (raw SQL) must not come before one that uses ``once``:
        its rows would be emptied."""
        if self.current != name:
            return False
        rows = 0 if name is None else self.log_rows[name]
        return rows == await self.connection.fetchval(f"SELECT count(*) FROM {LOG}")

    async def once(self, name: str, on: str | None, make: Callable[[], Awaitable[T]]) -> T:
        """What ``make`` makes through the services on top of the recording ``on`` (``None``: a
        new installation): made the first time and recorded as ``name``, then brought back (two
        round trips instead of dozens of requests) with what ``make`` returned. Made anew, and
        not recorded, on a database that holds more than ``on`` (another fixture wrote first)."""
        untouched = await self.untouched_since(on)
        if untouched and name in self.made:
            await self.empty()
            assert await self.restore(name)
            return copy.deepcopy(self.made[name])  # type: ignore[no-any-return]
        value = await make()
        if untouched:
            await self.record(name)
            self.made[name] = copy.deepcopy(value)
        return value

    async def close(self) -> None:
        await self.connection.close()
