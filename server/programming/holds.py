"""A confirmed engagement holds its room and dates: who holds them, and the refusal that names it.

The guarantee is in PostgreSQL (``engagement_holds``, an exclusion constraint kept by triggers,
migration 0005, linked rooms included as for room bookings). This module asks the same question
for previews, for options queued behind a hold and for the 409 a refused confirmation gets.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.errors import Conflict
from server.core.i18n import Message, _
from server.planning.bookings import lock_keys

HOLDERS_SQL = text(
    """
    SELECT DISTINCT e.id AS engagement_id, e.show_id, s.title AS show, e.room_id,
           r.name AS room, e.first_day, e.last_day
    FROM engagement_holds h
    JOIN engagements e ON e.id = h.engagement_id
    JOIN shows s ON s.id = e.show_id
    JOIN rooms r ON r.id = e.room_id
    WHERE h.lock_key = ANY(:keys)
      AND h.during && daterange(:first, :last, '[]')
      AND h.show_id <> :show
      AND NOT (e.id = ANY(CAST(:ignoring AS bigint[])))
    ORDER BY e.first_day, e.id
    LIMIT :limit
    """
)

# For each option of some rooms: the confirmed engagement it now waits behind (or none).
BLOCKS_SQL = text(
    """
    SELECT o.id, o.blocked_by_id, (
        SELECT h.engagement_id
        FROM engagement_holds h JOIN engagements e ON e.id = h.engagement_id
        WHERE h.during && daterange(o.first_day, o.last_day, '[]')
          AND h.show_id <> o.show_id
          AND NOT (e.id = ANY(CAST(:ignoring AS bigint[])))
          AND (h.lock_key = 'room:' || o.room_id OR h.lock_key IN (
                SELECT 'link:' || l.id FROM room_links l
                WHERE o.room_id IN (l.room_id, l.other_room_id)))
        ORDER BY e.first_day, e.id
        LIMIT 1
    ) AS holder
    FROM engagements o
    WHERE o.status = 'option' AND o.room_id = ANY(CAST(:rooms AS bigint[]))
    ORDER BY o.id
    """
)


async def holders(
    session: AsyncSession,
    room_id: int,
    first_day: date,
    last_day: date,
    show_id: int,
    *,
    ignoring: Iterable[int] = (),
    limit: int = 10,
) -> list[dict[str, Any]]:
    """Confirmed engagements of other shows holding this room (or a linked one) on these days."""
    rows = await session.execute(
        HOLDERS_SQL,
        {
            "keys": await lock_keys(session, room_id),
            "first": first_day,
            "last": last_day,
            "show": show_id,
            "ignoring": list(ignoring),
            "limit": limit,
        },
    )
    return [dict(r) for r in rows.mappings()]


async def holder_of(
    session: AsyncSession, engagement: dict[str, Any], ignoring: Iterable[int] = ()
) -> dict[str, Any] | None:
    """What holds an engagement's room and dates against it, if anything (the earliest)."""
    found = await holders(
        session,
        engagement["room_id"],
        engagement["first_day"],
        engagement["last_day"],
        engagement["show_id"],
        ignoring=[*ignoring, *([engagement["id"]] if engagement.get("id") else [])],
        limit=1,
    )
    return found[0] if found else None


async def blocks_to_change(
    session: AsyncSession, room_ids: Iterable[int], ignoring: Iterable[int] = ()
) -> list[tuple[int, int | None]]:
    """Options of these rooms whose stored "blocked by" differs from what holds them now."""
    rows = await session.execute(
        BLOCKS_SQL, {"rooms": sorted(set(room_ids)), "ignoring": list(ignoring)}
    )
    return [(r.id, r.holder) for r in rows if r.holder != r.blocked_by_id]


def held(holder: dict[str, Any]) -> Conflict:
    """The 409 for confirming over a confirmed engagement: it names what holds the room."""
    return Conflict(held_message(holder), kind="room-held", held_by=public(holder))


def held_message(holder: dict[str, Any]) -> Message:
    return _(
        "{room} is already held by “{show}” from {start} to {end}",
        room=holder["room"],
        show=holder["show"],
        start=holder["first_day"],
        end=holder["last_day"],
    )


def public(holder: dict[str, Any]) -> dict[str, Any]:
    """A holder as answers show it (``behind``, ``held_by``, conflicts)."""
    return {
        "engagement_id": holder["engagement_id"],
        "show_id": holder["show_id"],
        "show": holder["show"],
        "room_id": holder["room_id"],
        "room": holder["room"],
        "first_day": holder["first_day"].isoformat(),
        "last_day": holder["last_day"].isoformat(),
    }


async def describe(session: AsyncSession, engagement_id: int) -> dict[str, Any] | None:
    """The public description of one engagement as a holder (for ``behind``)."""
    row = (
        (
            await session.execute(
                text(
                    "SELECT e.id AS engagement_id, e.show_id, s.title AS show, e.room_id, "
                    "r.name AS room, e.first_day, e.last_day FROM engagements e "
                    "JOIN shows s ON s.id = e.show_id JOIN rooms r ON r.id = e.room_id "
                    "WHERE e.id = :id"
                ),
                {"id": engagement_id},
            )
        )
        .mappings()
        .first()
    )
    return public(dict(row)) if row else None
