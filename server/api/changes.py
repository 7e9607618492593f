"""The changes feed and per-record history, read from the one change log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Router, get
from litestar.params import Parameter
from pydantic import BaseModel, Field

from server.api.crud import Instant, bound
from server.api.guards import SIGNED_IN
from server.audit.history import MAX_CHANGES, History
from server.core.fields import MAX_BIGINT
from server.core.unit_of_work import UnitOfWork


class ChangeOut(BaseModel):
    seq: int
    at: datetime
    actor_id: int | None
    actor: str
    workspace: str
    entity: str
    entity_id: int | None
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    refs: dict[str, Any] | None
    deleted: bool = Field(
        description="A deletion (a tombstone): the record named by entity and entity_id is "
        "gone; 'before' holds its last state as far as you may read it"
    )


class ChangesPage(BaseModel):
    items: list[ChangeOut]
    next_since: int
    """Pass this as ``since`` to continue; it moves past changes you may not see too."""


@get(
    "/",
    opt=SIGNED_IN,
    summary="Changes since a sequence number or an instant, in commit order (audit trail and "
    "feeds)",
    description="Follow every change without reading the whole season again: start with "
    "updated_since (an instant, venue time unless it has an offset) or since=0, then pass "
    "next_since as since. Sequence order is commit order: paging never skips nor repeats a "
    "change, even while others write. Deletions come as tombstones (deleted: true).",
    operation_id="list_changes",
)
async def list_changes(
    uow: UnitOfWork,
    since: Annotated[
        int, Parameter(ge=0, le=MAX_BIGINT, description="Last sequence number already seen")
    ] = 0,
    limit: Annotated[int, Parameter(ge=1, le=MAX_CHANGES)] = 500,
    entity: Annotated[
        list[str] | None,
        Parameter(
            description="Only these kinds of record (engagement, activity…): repeat the "
            "parameter or separate them with commas",
            max_items=50,
        ),
    ] = None,
    entity_id: int | None = None,
    actor_id: Annotated[int | None, Parameter(description="Only changes made by this user")] = None,
    workspace: Annotated[
        list[str] | None,
        Parameter(
            description="Only these workspaces (programming, planning…): repeat the parameter "
            "or separate them with commas",
            max_items=50,
        ),
    ] = None,
    start: Instant = None,
    end: Instant = None,
    updated_since: Annotated[
        str | None,
        Parameter(
            description="Only changes made at or after this instant (2026-10-06T20:30, offset "
            "optional: venue time; or a day: its midnight), e.g. the last hour's; continue "
            "with since=next_since",
            max_length=40,
        ),
    ] = None,
) -> ChangesPage:
    items, cursor = await History(uow.session, uow.actor).changes(
        since=since,
        limit=limit,
        entity=entity,
        entity_id=entity_id,
        actor_id=actor_id,
        workspace=workspace,
        start=bound(start, "start"),
        end=bound(end, "end"),
        updated_since=bound(updated_since, "updated_since"),
    )
    return {"items": items, "next_since": cursor}  # type: ignore[return-value]


@get(
    "/{entity:str}/{entity_id:int}",
    opt=SIGNED_IN,
    summary="The history of one record: who changed which fields, from what to what",
    operation_id="record_history",
)
async def record_history(
    uow: UnitOfWork,
    entity: str,
    entity_id: int,
    actor_id: int | None = None,
    start: Instant = None,
    end: Instant = None,
) -> ChangesPage:
    # No existence check: a deleted record keeps its history.
    items, cursor = await History(uow.session, uow.actor).changes(
        entity=entity,
        entity_id=entity_id,
        actor_id=actor_id,
        start=bound(start, "start"),
        end=bound(end, "end"),
        limit=MAX_CHANGES,
    )
    return {"items": items, "next_since": cursor}  # type: ignore[return-value]


changes_router = Router(
    path="/changes", route_handlers=[list_changes, record_history], tags=["History"]
)
