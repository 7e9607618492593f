"""Every record of a database, to compare two of them: each table's rows and sequences.

Rows are read as JSON (bytea as hex, so attachments' bytes are compared too) and sorted, so
two databases holding the same data compare equal whatever order their rows were written in.
"""

from __future__ import annotations

from typing import Any

import asyncpg

TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
SEQUENCES = (
    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' "
    "ORDER BY sequencename"
)


async def every_record(url: str) -> dict[str, Any]:
    """Table → its rows (sorted JSON texts), and each sequence's last value."""
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        tables = [row["tablename"] for row in await connection.fetch(TABLES)]
        records: dict[str, Any] = {}
        for table in tables:
            rows = await connection.fetch(f'SELECT to_jsonb(t)::text AS row FROM "{table}" AS t')
            records[table] = sorted(row["row"] for row in rows)
        records["(sequences)"] = {
            row["sequencename"]: row["last_value"] for row in await connection.fetch(SEQUENCES)
        }
        return records
    finally:
        await connection.close()
