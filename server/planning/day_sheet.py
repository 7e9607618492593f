"""The day sheet: one day of the venue, room by room, as a stage manager reads it on a phone.

Each entry carries the show it belongs to and the company's contacts to call, but only what the
person may read where it comes from: the show needs Programming, the company and its contacts
need the Directory as well. Fees and contract terms are never read. Three queries, whatever the
day holds (a phone on the venue's wifi should not wait for a dozen round trips).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import text

from server.core.errors import PermissionDenied
from server.core.localtime import at
from server.core.permissions import Level, Workspace, access_needed
from server.core.unit_of_work import UnitOfWork
from server.core.venue import venue

MAX_CONTACTS = 12

ROOMS_SQL = text(
    """
    SELECT r.id, r.name, r.venue_id, v.name AS venue
    FROM rooms r JOIN venues v ON v.id = r.venue_id
    ORDER BY r.venue_id, r.position, r.name, r.id
    """
)

# The show of an activity: its own, its engagement's, or its performance's.
ENTRIES_SQL = text(
    """
    SELECT a.id, a.kind, a.status, a.title, a.room_id, a.starts_at, a.ends_at, a.version,
           a.notes, a.engagement_id, a.performance_id, a.team_id,
           s.id AS show_id, s.title AS show_title, s.company_id,
           o.name AS company_name, o.phone AS company_phone
    FROM activities a
    LEFT JOIN engagements e ON e.id = a.engagement_id
    LEFT JOIN activities p ON p.id = a.performance_id
    LEFT JOIN shows s ON s.id = COALESCE(a.show_id, e.show_id, p.show_id)
    LEFT JOIN organisations o ON o.id = s.company_id
    WHERE a.starts_at < :end AND a.ends_at > :start AND a.status <> 'cancelled'
    ORDER BY a.starts_at, a.room_id, a.id
    """
)

CONTACTS_SQL = text(
    """
    SELECT cr.organisation_id, c.id, c.first_name, c.last_name, cr.role, c.phones, c.emails
    FROM contact_roles cr JOIN contacts c ON c.id = cr.contact_id
    WHERE cr.organisation_id = ANY(:orgs)
    ORDER BY cr.organisation_id, (cardinality(c.phones) = 0), c.last_name, c.first_name, cr.id
    """
)


@dataclass
class DaySheet:
    day: date
    seq: int
    rooms: list[dict[str, Any]]
    entries: list[dict[str, Any]] = field(default_factory=list)


class DaySheets:
    """Reads day sheets for the person of ``uow``."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def read(self, day: date) -> DaySheet:
        actor = self.uow.actor
        if not actor.can(Workspace.PLANNING, Level.READ):
            raise PermissionDenied(access_needed(Level.READ, Workspace.PLANNING))
        shows = actor.can(Workspace.PROGRAMMING, Level.READ)
        companies = shows and actor.can(Workspace.DIRECTORY, Level.READ)
        session = self.uow.session
        # The sequence first: a screen resuming from it may see a change twice, never miss one.
        seq = int((await session.execute(text("SELECT max(seq) FROM change_log"))).scalar() or 0)
        rooms = [dict(r) for r in (await session.execute(ROOMS_SQL)).mappings()]
        start = at(day, time(0, 0))
        end = at(day + timedelta(days=1), time(0, 0))
        rows = (await session.execute(ENTRIES_SQL, {"start": start, "end": end})).mappings().all()
        contacts: dict[int, list[dict[str, Any]]] = {}
        orgs = sorted({r["company_id"] for r in rows if r["company_id"] is not None})
        if companies and orgs:
            for c in (await session.execute(CONTACTS_SQL, {"orgs": orgs})).mappings():
                listed = contacts.setdefault(c["organisation_id"], [])
                if len(listed) < MAX_CONTACTS:
                    listed.append(
                        {
                            "id": c["id"],
                            "name": f"{c['first_name']} {c['last_name']}".strip(),
                            "role": c["role"] or None,
                            "phones": list(c["phones"] or []),
                            "emails": list(c["emails"] or []),
                        }
                    )
        entries = [self._entry(r, shows, companies, contacts) for r in rows]
        return DaySheet(day=day, seq=seq, rooms=rooms, entries=entries)

    @staticmethod
    def _entry(
        row: Any, shows: bool, companies: bool, contacts: dict[int, list[dict[str, Any]]]
    ) -> dict[str, Any]:
        tz = venue().tz
        entry: dict[str, Any] = {
            "id": row["id"],
            "kind": row["kind"],
            "status": row["status"],
            "tentative": row["status"] == "tentative",
            "title": row["title"],
            "room_id": row["room_id"],
            "starts_at": _local(row["starts_at"], tz),
            "ends_at": _local(row["ends_at"], tz),
            "version": row["version"],
            "notes": row["notes"],
            "engagement_id": row["engagement_id"],
            "performance_id": row["performance_id"],
            "team_id": row["team_id"],
            "show": None,
            "company": None,
            "contacts": [],
        }
        if shows and row["show_id"] is not None:
            entry["show"] = {"id": row["show_id"], "title": row["show_title"]}
        if companies and row["company_id"] is not None:
            entry["company"] = {
                "id": row["company_id"],
                "name": row["company_name"],
                "phone": row["company_phone"],
            }
            entry["contacts"] = contacts.get(row["company_id"], [])
        return entry


def _local(moment: datetime, tz: Any) -> datetime:
    return moment.astimezone(tz)
