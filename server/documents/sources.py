"""What documents print, read through the workspaces' own services, as the reader may.

Records are read through the service of the workspace they come from, so its rule holds here
as everywhere: a fee or a contract term reaches a document only for those who may read
contracts (``EntityService.visible``), and a part from a workspace the reader may not read is
left out rather than refused (the company's phones need the Directory, the rider needs
Technical), as the calendars do. Three things are read in one query each instead, after the
same check: an organisation's people (a read per person cost more than the rest of a road
sheet), and names every screen shows anyway (a room's, a show's company, the departments and
kinds of activity). Labels are written in the document's language (formatting.py).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import text

from server.core import organisation
from server.core.entities import MAX_PAGE, ListQuery
from server.core.errors import NotFound
from server.core.i18n import N_, translate
from server.core.localtime import at, day_of
from server.core.permissions import Level, Workspace
from server.core.unit_of_work import UnitOfWork
from server.directory.contacts import ContactService
from server.directory.organisations import OrganisationService
from server.documents import formatting as fmt
from server.documents.typesetting import typesetter
from server.planning.activities import ActivityService
from server.programming.engagements import EngagementService
from server.programming.shows import ShowService
from server.technical.rooms import RoomConfigurationService, RoomService
from server.technical.sheets import AttachmentService, TechnicalSheetService
from server.technical.venues import VenueService

ACCESSIBILITY = {
    "audio_description": N_("Audio description"),
    "sign_language": N_("French sign language (LSF)"),
    "surtitles": N_("Surtitles"),
    "relaxed": N_("Relaxed performance"),
}
LEGAL_REPRESENTATIVE = N_("legal representative")
# Who of the venue's staff a company calls first (technical, stage, hosting, administration).
CALL_FIRST = ("techni", "régis", "regis", "accueil des artistes", "admin", "direct")
# Who signs a contract for an organisation, best first: its head, then its administration.
SIGNATORIES = (
    re.compile(
        r"^(président|presidente|présidente|gérante?|directeur|directrice)( général| générale)?$"
    ),
    re.compile(r"^(directeur|directrice)(?!.*(techni|artisti))"),
    re.compile(r"administrat"),
    re.compile(r"production"),
)

# Department names label the schedule's columns; they are no secret (every screen shows them),
# but their service is the administration's, so they are read here directly.
TEAMS_SQL = text("SELECT id, name FROM teams")
KINDS_SQL = text("SELECT kind, label_fr, label_en FROM activity_kinds")
PEOPLE_SQL = text(
    """SELECT c.first_name, c.last_name, c.phones, c.emails, r.role
    FROM contact_roles r JOIN contacts c ON c.id = r.contact_id
    WHERE r.organisation_id = :org ORDER BY r.id LIMIT 200"""
)


def address_lines(row: dict[str, Any] | None) -> list[str]:
    if not row:
        return []
    lines = [line.strip() for line in (row.get("address") or "").splitlines() if line.strip()]
    town = " ".join(part for part in (row.get("postcode"), row.get("city")) if part)
    if town:
        lines.append(town)
    country = row.get("country")
    if country and country.upper() not in ("FR", "FRANCE"):
        lines.append(country)
    return lines


def person(row: dict[str, Any], role: str | None) -> dict[str, Any]:
    return {
        "name": f"{row.get('first_name', '')} {row.get('last_name', '')}".strip(),
        "role": role,
        "phones": list(row.get("phones") or []),
        "emails": list(row.get("emails") or []),
    }


class Sources:
    """Reads for one document, as ``uow.actor`` may, with labels in ``language``.

    ``shared`` keeps what is the same for every document of a batch (the venue, its people,
    the departments' and kinds' names), read once for the whole batch by the same person.
    """

    def __init__(
        self, uow: UnitOfWork, language: str, shared: dict[str, Any] | None = None
    ) -> None:
        self.uow = uow
        self.actor = uow.actor
        self.language = language
        self.shared: dict[str, Any] = shared if shared is not None else {}

    def may(self, area: Workspace) -> bool:
        return self.actor.can(area, Level.READ)

    def word(self, msgid: str) -> str:
        return translate(msgid, self.language)

    # -- the venue --------------------------------------------------------------------------
    async def own_organisation(self) -> dict[str, Any]:
        """The organisation's record (Administration › Organisation): every signed-in person
        reads it, so every document may print it."""
        if "organisation" not in self.shared:
            self.shared["organisation"] = await organisation.read_row(self.uow.session)
        return self.shared["organisation"]  # type: ignore[no-any-return]

    async def brand(self) -> dict[str, Any]:
        """The venue as its papers name it: the organisation's name and logo, else its own
        venue's name."""
        if "brand" in self.shared:
            return self.shared["brand"]  # type: ignore[no-any-return]
        record = await self.own_organisation()
        own: dict[str, Any] | None = None
        if self.may(Workspace.TECHNICAL):
            venues = await VenueService(self.uow).list(
                ListQuery(filters={"is_own": True}, limit=MAX_PAGE)
            )
            own = min(venues.items, key=lambda v: v["id"]) if venues.items else None
        logo = typesetter().logo
        if record["logo_sha256"]:
            found = await organisation.read_logo(self.uow.session)
            if found is not None:
                logo = typesetter().place_logo(*found)
        brand = self.shared["brand"] = {
            "name": record["name"] or (own or {}).get("name") or "Saison",
            "logo": logo,
            "address": ", ".join(address_lines(record) or address_lines(own)) or None,
            "phone": (own or {}).get("phone"),
        }
        return brand

    async def organiser_party(self) -> dict[str, Any]:
        """The organisation as a party to a contract: its numbers and who signs, from its
        record; its email and phone from its directory entry when the reader may see it."""
        record = await self.own_organisation()
        brand = await self.brand()
        entry = await self.organiser() or {}
        licences = [
            f"{record[f'licence_{n}']} (cat. {n})" for n in (1, 2, 3) if record[f"licence_{n}"]
        ]
        signatory = None
        if record["representative_name"]:
            signatory = {
                "name": record["representative_name"],
                "role": record["representative_title"] or self.word(LEGAL_REPRESENTATIVE),
            }
        return {
            "name": brand["name"],
            "address_lines": address_lines(record)
            or address_lines(entry)
            or ([brand["address"]] if brand["address"] else []),
            "email": entry.get("email"),
            "phone": entry.get("phone") or brand["phone"],
            "siret": fmt.siret(record["siret"]),
            "ape_code": record["ape_code"],
            "vat_number": record["vat_number"],
            "licences": ", ".join(licences) or None,
            "signatory": signatory,
        }

    async def venue_of_room(self, room_id: int) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The room (name, capacity) and, for those who may read Technical, its venue."""
        if not self.may(Workspace.TECHNICAL):
            return {"id": room_id, "name": await self.room_name(room_id), "capacity": None}, None
        room = await RoomService(self.uow).read(room_id)
        venue = await VenueService(self.uow).read(room["venue_id"])
        return room, venue

    async def room_name(self, room_id: int) -> str:
        """A room's name is public knowledge inside the venue (every timeline shows it)."""
        row = await self.uow.session.execute(
            text("SELECT name FROM rooms WHERE id = :id"), {"id": room_id}
        )
        return str(row.scalar() or "")

    def venue_block(self, venue: dict[str, Any] | None) -> dict[str, Any] | None:
        if venue is None:
            return None
        return {
            "name": venue["name"],
            "address": ", ".join(address_lines(venue)) or None,
            "address_lines": address_lines(venue),
            "phone": venue.get("phone"),
            "access_notes": venue.get("access_notes"),
            "notes": venue.get("notes"),
        }

    async def configuration(self, configuration_id: int | None) -> dict[str, Any] | None:
        if configuration_id is None or not self.may(Workspace.TECHNICAL):
            return None
        try:
            row = await RoomConfigurationService(self.uow).read(configuration_id)
        except NotFound:
            return None
        return {
            "name": row["name"],
            "capacity": row.get("capacity"),
            "description": row.get("description"),
        }

    # -- the directory ------------------------------------------------------------------------
    async def organisation(self, organisation_id: int | None) -> dict[str, Any] | None:
        if organisation_id is None or not self.may(Workspace.DIRECTORY):
            return None
        try:
            return await OrganisationService(self.uow).read(organisation_id)
        except NotFound:
            return None

    async def organisation_name(self, organisation_id: int | None) -> str | None:
        """Who a show is by is part of the programming: its name needs no Directory access."""
        if organisation_id is None:
            return None
        row = await self.uow.session.execute(
            text("SELECT name FROM organisations WHERE id = :id"), {"id": organisation_id}
        )
        return row.scalar()

    async def organiser(self) -> dict[str, Any] | None:
        """The venue's own organisation in the directory: the one named as the venue."""
        if not self.may(Workspace.DIRECTORY):
            return None
        if "organiser" not in self.shared:
            name = (await self.brand())["name"]
            page = await OrganisationService(self.uow).list(ListQuery(text=name, limit=50))
            self.shared["organiser"] = next(
                (r for r in page.items if r["name"].strip().casefold() == name.strip().casefold()),
                None,
            )
        return self.shared["organiser"]  # type: ignore[no-any-return]

    async def people_of(self, organisation_id: int | None, limit: int = 8) -> list[dict[str, Any]]:
        """The organisation's people with their roles: technical and stage staff first, then
        hosts and administration, those with a phone before others.

        One query rather than a read per person (a venue's staff is a dozen): the Directory's
        rule, checked here, is the only one on contacts."""
        if organisation_id is None or not self.may(Workspace.DIRECTORY):
            return []
        key = f"people:{organisation_id}"
        if key not in self.shared:
            rows = await self.uow.session.execute(PEOPLE_SQL, {"org": organisation_id})
            self.shared[key] = [person(dict(row), row["role"]) for row in rows.mappings()]
        found = list(self.shared[key])

        def rank(p: dict[str, Any]) -> tuple[int, bool, str]:
            role = (p["role"] or "").casefold()
            first = next((i for i, w in enumerate(CALL_FIRST) if w in role), len(CALL_FIRST))
            return first, not p["phones"], p["name"]

        found.sort(key=rank)
        return found[:limit]

    async def contact(self, contact_id: int | None, role: str | None) -> dict[str, Any] | None:
        if contact_id is None or not self.may(Workspace.DIRECTORY):
            return None
        try:
            row = await ContactService(self.uow).read(contact_id)
        except NotFound:
            return None
        return person(row, role)

    def party(self, org: dict[str, Any] | None, people: list[dict[str, Any]]) -> dict[str, Any]:
        """A party to a contract, with the numbers the directory has."""
        org = org or {}
        signatory = next(
            (
                p
                for pattern in SIGNATORIES
                for p in people
                if p["role"] and pattern.search(p["role"].strip().casefold())
            ),
            None,
        )
        return {
            "name": org.get("name"),
            "address_lines": address_lines(org),
            "email": org.get("email"),
            "phone": org.get("phone"),
            "siret": org.get("siret"),
            "ape_code": org.get("ape_code"),
            "vat_number": org.get("vat_number"),
            "licences": org.get("licence_numbers"),
            "signatory": {"name": signatory["name"], "role": signatory["role"]}
            if signatory
            else None,
        }

    # -- programming -------------------------------------------------------------------------
    async def engagement(self, engagement_id: int) -> dict[str, Any]:
        """The engagement as the reader may see it (no fee without read access to contracts)."""
        return await EngagementService(self.uow).read(engagement_id)

    async def show(self, show_id: int) -> dict[str, Any]:
        show = await ShowService(self.uow).read(show_id)
        return {
            "id": show["id"],
            "title": show["title"],
            "company": await self.organisation_name(show.get("company_id")),
            "producer": await self.organisation_name(show.get("producer_id")),
            "genre": show.get("genre"),
            "duration": fmt.duration(show.get("duration_minutes"), self.language),
            "duration_minutes": show.get("duration_minutes"),
            "age_guidance": show.get("age_guidance"),
            "credits": show.get("credits"),
            "description": show.get("description"),
            "company_id": show.get("company_id"),
            "producer_id": show.get("producer_id"),
        }

    # -- the planning ------------------------------------------------------------------------
    async def kind_labels(self) -> dict[str, str]:
        if "kinds" not in self.shared:
            rows = (await self.uow.session.execute(KINDS_SQL)).mappings().all()
            column = "label_en" if self.language == "en" else "label_fr"
            self.shared["kinds"] = {r["kind"]: r[column] for r in rows}
        return self.shared["kinds"]  # type: ignore[no-any-return]

    async def team_names(self) -> dict[int, str]:
        if "teams" not in self.shared:
            rows = (await self.uow.session.execute(TEAMS_SQL)).all()
            self.shared["teams"] = {int(i): str(n) for i, n in rows}
        return self.shared["teams"]  # type: ignore[no-any-return]

    async def activities(
        self, engagement_id: int, first: date | None = None, last: date | None = None
    ) -> list[dict[str, Any]]:
        """The engagement's activities and performances (not cancelled), in time order."""
        query = ListQuery(filters={"engagement_id": engagement_id}, limit=MAX_PAGE)
        if first is not None and last is not None:
            query.start = at(first, datetime.min.time())
            query.end = at(last + timedelta(days=1), datetime.min.time())
        page = await ActivityService(self.uow).list(query)
        return [a for a in page.items if a["status"] != "cancelled"]

    def accessibility(self, activity: dict[str, Any]) -> list[str]:
        return [self.word(label) for flag, label in ACCESSIBILITY.items() if activity.get(flag)]

    async def entry(self, activity: dict[str, Any], rooms: dict[int, str]) -> dict[str, Any]:
        """One line of a day's schedule."""
        language = self.language
        kinds, teams = await self.kind_labels(), await self.team_names()
        starts, ends = activity["starts_at"], activity["ends_at"]
        room_id = activity.get("room_id")
        if room_id is not None and room_id not in rooms:
            rooms[room_id] = await self.room_name(room_id)
        next_day = day_of(ends) != day_of(starts) and ends - starts > timedelta(0)
        tags = self.accessibility(activity)
        # A note saying what a tag already says ("Adaptée en LSF") is not printed twice.
        said = {t.casefold() for t in tags}
        notes = " · ".join(
            part
            for part in (activity.get("notes") or "").split(" · ")
            if part.strip() and part.strip().casefold() not in said
        )
        return {
            "kind": activity["kind"],
            "kind_label": kinds.get(activity["kind"], activity["kind"]),
            "title": activity["title"],
            "start": fmt.clock(starts, language),
            "end": fmt.clock(ends, language),
            "end_day": fmt.day(day_of(ends), language) if next_day else None,
            "starts_at": starts,
            "ends_at": ends,
            "room": rooms.get(room_id) if room_id is not None else None,
            "team": teams.get(activity["team_id"]) if activity.get("team_id") else None,
            "notes": notes or None,
            "tentative": activity["status"] == "tentative",
            "performance": activity["kind"] == "performance",
            "accessibility": tags,
        }

    async def schedule(self, activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Day by day, in the venue's days: each day's entries in time order."""
        rooms: dict[int, str] = {}
        by_day: dict[date, list[dict[str, Any]]] = defaultdict(list)
        for activity in sorted(activities, key=lambda a: (a["starts_at"], a["id"])):
            by_day[day_of(activity["starts_at"])].append(await self.entry(activity, rooms))
        return [
            {
                "date": day,
                "label": fmt.heading_day(day, self.language),
                "short": fmt.day(day, self.language),
                "entries": entries,
            }
            for day, entries in sorted(by_day.items())
        ]

    async def performances(self, activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rooms: dict[int, str] = {}
        out = []
        for activity in activities:
            if activity["kind"] != "performance":
                continue
            entry = await self.entry(activity, rooms)
            local = day_of(activity["starts_at"])
            out.append(
                {
                    "date": local,
                    "day": fmt.day(local, self.language),
                    "legal_day": fmt.legal_day(local, self.language),
                    "time": entry["start"],
                    "end": entry["end"],
                    "room": entry["room"],
                    "tentative": entry["tentative"],
                    "accessibility": entry["accessibility"],
                    "ticketing_ref": activity.get("ticketing_ref"),
                    "notes": activity.get("notes"),
                }
            )
        return out

    # -- technical ---------------------------------------------------------------------------
    async def sheets(self, show_id: int | None = None, room_id: int | None = None) -> list[Any]:
        """Technical sheets (a show's rider, a room's sheet) with their files' names."""
        if not self.may(Workspace.TECHNICAL):
            return []
        key = {"show_id": show_id} if show_id is not None else {"room_id": room_id}
        page = await TechnicalSheetService(self.uow).list(ListQuery(filters=key, limit=50))
        if not page.items:
            return []
        files = await AttachmentService(self.uow).list(
            ListQuery(filters={"technical_sheet_id": [s["id"] for s in page.items]}, limit=MAX_PAGE)
        )
        names: dict[int, list[str]] = defaultdict(list)
        for f in files.items:
            names[f["technical_sheet_id"]].append(f["filename"])
        return [
            {"title": s["title"], "notes": s.get("notes"), "files": names.get(s["id"], [])}
            for s in page.items
        ]
