"""No double booking: which activities block a room, and who holds it when a write is refused.

The guarantee itself is in PostgreSQL (an exclusion constraint on ``room_bookings`` kept by
triggers, see migration 0002). This module only *explains*: it lists the activities a proposal
would collide with, for dry runs and for the 409 a refused write gets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asyncpg import exceptions as pg
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.errors import Conflict
from server.core.i18n import Message, Span, _
from server.core.localtime import local
from server.core.refusals import postgres_error, refused_by
from server.planning.models import ROOM_BOOKINGS_NO_OVERLAP


@dataclass(frozen=True)
class Slot:
    """A proposed use of a room (for previews before anything is written)."""

    room_id: int | None
    starts_at: datetime
    ends_at: datetime
    kind: str
    status: str = "confirmed"
    title: str = ""
    ref: Any = None  # the caller's handle for this proposal (e.g. its index)
    holder: int | None = None  # its engagement: activities of one engagement may overlap

    @classmethod
    def of(cls, row: Mapping[str, Any], ref: Any = None, status: str | None = None) -> Slot:
        """The slot an activity (stored or proposed) would take."""
        return cls(
            row["room_id"],
            row["starts_at"],
            row["ends_at"],
            row["kind"],
            status or row["status"],
            row.get("title", ""),
            row.get("id") if ref is None else ref,
            row.get("engagement_id"),
        )


async def blocking_kinds(session: AsyncSession) -> set[str]:
    rows = await session.execute(text("SELECT kind FROM activity_kinds WHERE blocks_room"))
    return {kind for (kind,) in rows}


async def lock_keys(session: AsyncSession, room_id: int) -> list[str]:
    rows = await session.execute(
        text("SELECT id FROM room_links WHERE :room IN (room_id, other_room_id)"), {"room": room_id}
    )
    return [f"room:{room_id}", *(f"link:{link_id}" for (link_id,) in rows)]


LOCK_ROOMS_SQL = text(
    """
    SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
    FROM (
        SELECT k FROM (
            SELECT 'room:' || r AS k FROM unnest(CAST(:rooms AS bigint[])) r
            UNION
            SELECT 'link:' || l.id FROM room_links l
            WHERE l.room_id = ANY(CAST(:rooms AS bigint[]))
               OR l.other_room_id = ANY(CAST(:rooms AS bigint[]))
        ) keys
        ORDER BY k
    ) ordered
    """
)


async def lock_rooms(session: AsyncSession, room_ids: Iterable[int | None]) -> None:
    """Queue behind whoever is changing what happens in these rooms (or rooms linked to them).

    The same keys, in the same order, as the booking and hold triggers take: taken before any
    row is touched, writers of one room wait for each other instead of deadlocking, and rules
    counted from the rows (ranks, holds) see the previous writer's result.
    """
    rooms = sorted({r for r in room_ids if r is not None})
    if rooms:
        await session.execute(LOCK_ROOMS_SQL, {"rooms": rooms})


async def linked_rooms(session: AsyncSession, room_id: int) -> set[int]:
    rows = await session.execute(
        text(
            "SELECT CASE WHEN room_id = :room THEN other_room_id ELSE room_id END "
            "FROM room_links WHERE :room IN (room_id, other_room_id)"
        ),
        {"room": room_id},
    )
    return {r for (r,) in rows}


CONFLICTS_SQL = text(
    """
    SELECT DISTINCT a.id AS activity_id, a.title, a.kind, a.room_id, r.name AS room,
           a.starts_at, a.ends_at
    FROM room_bookings b
    JOIN activities a ON a.id = b.activity_id
    LEFT JOIN rooms r ON r.id = a.room_id
    WHERE b.lock_key = ANY(:keys)
      AND b.during && tstzrange(:starts, :ends, '[)')
      AND NOT (b.activity_id = ANY(:exclude))
      AND b.holder IS DISTINCT FROM CAST(:holder AS bigint)
    ORDER BY a.starts_at, a.id
    LIMIT 10
    """
)


def describe(row: Any) -> dict[str, Any]:
    return {
        "activity_id": row["activity_id"],
        "title": row["title"],
        "kind": row["kind"],
        "room_id": row["room_id"],
        "room": row["room"],
        "starts_at": local(row["starts_at"]).isoformat(),
        "ends_at": local(row["ends_at"]).isoformat(),
    }


async def conflicts_for(
    session: AsyncSession, slots: Sequence[Slot], exclude: Iterable[int] = ()
) -> list[dict[str, Any]]:
    """Every collision the slots would cause, with existing bookings and among themselves."""
    blocking = await blocking_kinds(session)
    excluded = list(exclude)
    found: list[dict[str, Any]] = []
    keys_cache: dict[int, list[str]] = {}
    live = [
        s for s in slots if s.room_id is not None and s.status == "confirmed" and s.kind in blocking
    ]
    for slot in live:
        assert slot.room_id is not None
        if slot.room_id not in keys_cache:
            keys_cache[slot.room_id] = await lock_keys(session, slot.room_id)
        rows = await session.execute(
            CONFLICTS_SQL,
            {
                "keys": keys_cache[slot.room_id],
                "starts": slot.starts_at,
                "ends": slot.ends_at,
                "exclude": excluded,
                "holder": slot.holder,
            },
        )
        for row in rows.mappings():
            found.append({"proposal": slot.ref, "with": describe(row)})
    # Collisions among the proposals themselves (same room or linked rooms).
    for i, a in enumerate(live):
        assert a.room_id is not None
        near = {a.room_id} | await linked_rooms(session, a.room_id)
        for b in live[i + 1 :]:
            same_holder = a.holder is not None and a.holder == b.holder
            if (
                b.room_id in near
                and not same_holder
                and a.starts_at < b.ends_at
                and b.starts_at < a.ends_at
            ):
                found.append(
                    {
                        "proposal": b.ref,
                        "with": {
                            "proposal": a.ref,
                            "title": a.title,
                            "room_id": a.room_id,
                            "starts_at": local(a.starts_at).isoformat(),
                            "ends_at": local(a.ends_at).isoformat(),
                        },
                    }
                )
    return found


def is_double_booking(error: DBAPIError) -> bool:
    """The constraint refused, or (rarely, a move across rooms racing another) a deadlock."""
    return refused_by(error, pg.ExclusionViolationError, ROOM_BOOKINGS_NO_OVERLAP) or isinstance(
        postgres_error(error), pg.DeadlockDetectedError
    )


async def double_booking(
    session: AsyncSession, values: dict[str, Any], exclude: Iterable[int] = ()
) -> Conflict:
    """The 409 for a refused write, naming what already holds the room."""
    slot = Slot(
        values["room_id"],
        values["starts_at"],
        values["ends_at"],
        values["kind"],
        values.get("status", "confirmed"),
        values.get("title", ""),
    )
    keys = await lock_keys(session, values["room_id"])
    holder = values.get("engagement_id")
    if holder is None and values.get("performance_id") is not None:
        holder = (
            await session.execute(
                text("SELECT engagement_id FROM activities WHERE id = :id"),
                {"id": values["performance_id"]},
            )
        ).scalar()
    rows = await session.execute(
        CONFLICTS_SQL,
        {
            "keys": keys,
            "starts": slot.starts_at,
            "ends": slot.ends_at,
            "exclude": list(exclude),
            "holder": holder,
        },
    )
    found = list(rows.mappings())
    holders = [describe(r) for r in found]
    detail: Message
    if found:
        first = found[0]
        detail = _(
            "{room} is already taken by “{title}”, {when}.",
            room=first["room"] or _("The room"),
            title=first["title"],
            when=Span(first["starts_at"], first["ends_at"]),
        )
    else:
        detail = _("The room was being booked at the same moment by someone else; try again.")
    return Conflict(detail, conflicts=holders, kind="double-booking")
