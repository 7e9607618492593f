"""Scheduled runs (``run_due_connectors``, which the worker loop calls).

Several workers may call it at once: each connector due is taken with ``FOR UPDATE SKIP
LOCKED``, so no two run the same one at the same time.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from server.connectors.push import push
from server.connectors.schedule import next_after
from server.connectors.service import ConnectorService, make_output
from server.core.errors import DomainError
from server.core.permissions import SYSTEM
from server.core.unit_of_work import unit_of_work
from server.db.engine import Database

log = logging.getLogger(__name__)


async def run_due_connectors(db: Database, now: datetime | None = None) -> list[dict[str, Any]]:
    """Run every scheduled connector whose time has come; each run is one transaction that
    pushes the file and records the outcome (``connector.ran``) in the change log.

    Returns what ran: ``[{"id", "name", "status"}]``. A failing push is recorded as the
    connector's ``last_status`` and tried again at its next time.
    """
    ran: list[dict[str, Any]] = []
    done: set[int] = set()
    while True:
        moment = now or datetime.now(UTC)
        async with unit_of_work(db, SYSTEM) as uow:
            service = ConnectorService(uow)
            t = service.table.c
            query = (
                select(service.table)
                .where(t.schedule != "none", t.next_run_at <= moment, t.id.not_in(done or {0}))
                .order_by(t.next_run_at, t.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            found = (await uow.session.execute(query)).mappings().first()
            if found is None:
                return ran
            row = dict(found)
            done.add(row["id"])
            try:
                output = await make_output(service, row, [await service.owner(row)])
                status = await push(row, output, uow.settings.webhook_allow_private)
            except DomainError as error:  # recorded on the connector, tried again next time
                log.warning("connector %s failed: %s", row["id"], error.detail)
                status = f"failed: {error.detail}"[:500]
            await service.update_row(
                row["id"],
                {
                    "last_run_at": moment,
                    "last_status": status,
                    "next_run_at": next_after(row["schedule"], moment),
                },
                None,
                action="ran",
            )
            await uow.commit()
            ran.append({"id": row["id"], "name": row["name"], "status": status})
