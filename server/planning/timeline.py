"""The season timeline: rooms as rows and every activity in a range, in one query.

PostgreSQL builds the JSON itself (a season of 10,000 activities is one round trip and no
per-row Python work). The ETag is the change log's last sequence number plus the question
asked, so a client whose copy is current gets a 304 without the timeline being rebuilt.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import text

from server.core.errors import Invalid, PermissionDenied
from server.core.i18n import _
from server.core.permissions import Level, Workspace, access_needed
from server.core.unit_of_work import UnitOfWork

MAX_DAYS = 400

TIMELINE_SQL = """
WITH picked_rooms AS (
    SELECT r.id, r.name, r.venue_id, v.name AS venue, r.capacity, r.color, r.position
    FROM rooms r JOIN venues v ON v.id = r.venue_id
    WHERE (CAST(:rooms AS bigint[]) IS NULL OR r.id = ANY(CAST(:rooms AS bigint[])))
)
SELECT json_build_object(
    'start', CAST(:start AS timestamptz),
    'end', CAST(:end AS timestamptz),
    'seq', CAST(:seq AS bigint),
    'rooms', COALESCE((
        SELECT json_agg(json_build_object(
            'id', id, 'name', name, 'venue_id', venue_id, 'venue', venue,
            'capacity', capacity, 'color', color) ORDER BY venue_id, position, name, id)
        FROM picked_rooms), '[]'::json),
    'activities', COALESCE((
        SELECT json_agg(json_build_object(
            'id', a.id, 'kind', a.kind, 'status', a.status,
            'tentative', a.status = 'tentative', 'title', a.title, 'room_id', a.room_id,
            'starts_at', a.starts_at, 'ends_at', a.ends_at,
            'engagement_id', a.engagement_id, 'show_id', a.show_id,
            'performance_id', a.performance_id, 'team_id', a.team_id,
            'version', a.version) ORDER BY a.room_id, a.starts_at, a.id)
        FROM activities a
        WHERE a.starts_at < CAST(:end AS timestamptz) AND a.ends_at > CAST(:start AS timestamptz)
          AND (a.room_id IN (SELECT id FROM picked_rooms)
               OR (CAST(:rooms AS bigint[]) IS NULL AND a.room_id IS NULL))
          AND (CAST(:kinds AS text[]) IS NULL OR a.kind = ANY(CAST(:kinds AS text[])))
          AND (:cancelled OR a.status <> 'cancelled')), '[]'::json)
)::text
"""


class Timeline:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def require(self) -> None:
        if not self.uow.actor.can(Workspace.PLANNING, Level.READ):
            raise PermissionDenied(access_needed(Level.READ, Workspace.PLANNING))

    async def last_seq(self) -> int:
        value = await self.uow.session.execute(text("SELECT max(seq) FROM change_log"))
        return int(value.scalar() or 0)

    @staticmethod
    def etag(seq: int, params: dict[str, Any]) -> str:
        question = repr(sorted(params.items())).encode()
        return f'W/"tl-{seq}-{hashlib.sha256(question).hexdigest()[:16]}"'

    async def check(self, start: datetime, end: datetime) -> None:
        if end <= start:
            raise Invalid({"end": _("must be after start")})
        if (end - start).days > MAX_DAYS:
            raise Invalid({"end": _("a timeline spans at most {days} days", days=MAX_DAYS)})

    async def build(
        self,
        start: datetime,
        end: datetime,
        rooms: list[int] | None,
        kinds: list[str] | None,
        include_cancelled: bool,
        seq: int,
    ) -> str:
        result = await self.uow.session.execute(
            text(TIMELINE_SQL),
            {
                "start": start,
                "end": end,
                "rooms": rooms,
                "kinds": kinds,
                "cancelled": include_cancelled,
                "seq": seq,
            },
        )
        return str(result.scalar_one())
