"""Deleting what a deletion takes with it, one logged row at a time.

The database removes dependent rows by ``ON DELETE CASCADE`` without a word; a feed reader or
a calendar would then keep showing them. Services delete their dependents through this first,
so that each one gets its own ``….deleted`` change, in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select


async def delete_dependents(service: Any, column: str, record_id: int) -> None:
    """Delete, through ``service``, every row whose ``column`` is ``record_id``."""
    table = service.table
    query = select(table.c.id).where(table.c[column] == record_id).order_by(table.c.id)
    for dependent_id in (await service.session.execute(query)).scalars().all():
        await service.delete_row(dependent_id, None)
