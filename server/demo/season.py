"""Writes the planned demo season through the domain services, in one transaction.

Every row goes through its workspace's input schema and service, like anything a person types,
so the demo has a full change log and respects every rule (the database refuses a double
booking: the planner books what it writes in memory first, with the same rule, rooms linked
to the Grande salle included).
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from pydantic import BaseModel
from rich.progress import Progress, TaskID

from server.core.entities import EntityService
from server.core.i18n import format_clock
from server.core.localtime import at
from server.core.unit_of_work import UnitOfWork
from server.demo import documents, publicity
from server.demo.calendar import (
    DURATIONS,
    FESTIVAL,
    FESTIVAL_DAYS,
    FIRST_MEETING,
    HERITAGE_DAY,
    PRESENTATIONS,
    SEASON,
    SUMMER_BREAK,
    SUMMER_WORKS,
    WINTER_BREAK,
    Planner,
    Slot,
    Spec,
    crew_calls,
    moment,
    specs,
    times,
    weeks,
)
from server.demo.runs import Runs
from server.demo.words import (
    CANCEL_REASONS,
    CITIES,
    FIRST,
    GENRES,
    GET_OUT_HOURS,
    HIRES,
    LAST,
    LINKS,
    MAINTENANCE,
    ORGS,
    ROLES,
    ROOMS,
    SHEETS,
    STREETS,
    THEMES,
)
from server.directory.contacts import ContactIn, ContactRoleIn, ContactRoleService, ContactService
from server.directory.organisations import OrganisationIn, OrganisationService
from server.directory.places import PlaceIn, PlaceService
from server.planning.activities import ActivityIn, ActivityService, PerformanceIn
from server.planning.recurring import RecurringActivities, RecurringActivityIn
from server.programming.engagements import EngagementIn, EngagementService
from server.programming.performances import PerformanceService
from server.programming.shows import ShowIn, ShowService
from server.technical.rooms import (
    RoomConfigurationIn,
    RoomConfigurationService,
    RoomIn,
    RoomLinkIn,
    RoomLinkService,
    RoomService,
)
from server.technical.sheets import AttachmentService, TechnicalSheetIn, TechnicalSheetService
from server.technical.venues import VenueIn, VenueService

# Kinds that hold their room (as shipped in activity_kinds): the database refuses overlaps.
BLOCKING = frozenset(
    {"performance", "get_in", "get_out", "rehearsal", "technical_service", "private_hire"}
)
EVERYONE = ("programmation", "administration", "technique", "rp", "communication", "admin")
RIDERS = 9  # shows whose technical sheet carries the company's rider and plans


def _slug(value: str) -> str:
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split())


def _phone(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(f" {rng.randint(10, 99)}" for _ in range(4))


def _weekday(day: date) -> date:
    """The day itself, or the Friday before if it falls on a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _long_date(day: date) -> str:
    return format_date(day, "d MMMM y", locale="fr")


def _meal_after(end: datetime) -> str:
    """The note of a service followed by the meal hour ("Pause repas de 18 h 00 à 19 h 00.")."""
    back = end + timedelta(hours=1)
    return f"Pause repas de {format_clock(end.time(), 'fr')} à {format_clock(back.time(), 'fr')}."


class Season:
    """Plans the season from the seed, then writes it through the services in one transaction."""

    def __init__(
        self,
        uow: UnitOfWork,
        rng: random.Random,
        teams: dict[str, int],
        people: dict[str, int],
        today: date,
    ) -> None:
        self.uow, self.rng, self.teams, self.people = uow, rng, teams, people
        self.today = today
        self.runs = Runs(self)  # what road sheets and contracts need (runs.py)
        self.counts: Counter[str] = Counter()
        self.rooms: dict[str, int] = {}
        self.orgs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        # What each room (and each link between rooms) holds, by whom: the database's rule.
        self.booked: dict[str, list[tuple[datetime, datetime, int]]] = defaultdict(list)
        self.holders = 0  # activities outside engagements hold their room alone
        self.specs: list[Spec] = specs()
        self.planner = Planner(rng, self.specs)
        self.slots = self.planner.plan()
        self.planner.expiries(self.slots, today)

    # -- writing ----------------------------------------------------------------------------
    async def add(
        self, service: type[EntityService], schema: type[BaseModel], data: dict[str, Any]
    ) -> dict[str, Any]:
        """Validate as the API would, then insert through the service (logged in the history)."""
        clean = schema.model_validate(data).model_dump(exclude_unset=True)
        row = await service(self.uow).insert_row(clean)
        self.counts[service.entity] += 1
        return row

    def holder(self) -> int:
        self.holders -= 1
        return self.holders

    def book(self, room: str, start: datetime, end: datetime, holder: int) -> bool:
        """Hold the room (and its links) unless someone else holds it then."""
        keys = [f"room:{room}"] + [f"link:{a}-{b}" for a, b in LINKS if room in (a, b)]
        for key in keys:
            if any(s < end and start < e and h != holder for s, e, h in self.booked[key]):
                return False
        for key in keys:
            self.booked[key].append((start, end, holder))
        return True

    async def activity(
        self,
        kind: str,
        title: str,
        room: str | None,
        start: datetime,
        end: datetime,
        team: str | None = "Technique",
        *,
        assignees: tuple[str, ...] = (),
        notes: str | None = None,
        holder: int | None = None,
        **links: Any,
    ) -> bool:
        """A confirmed activity; one that would take a room someone holds is skipped."""
        if kind in BLOCKING and room is not None:
            owner = holder if holder is not None else links.get("engagement_id") or self.holder()
            if not self.book(room, start, end, owner):
                return False
        await self.add(
            ActivityService,
            ActivityIn,
            {
                "kind": kind,
                "title": title,
                "room_id": self.rooms[room] if room else None,
                "starts_at": start,
                "ends_at": end,
                "team_id": self.teams[team] if team else None,
                "assignee_ids": [self.people[p] for p in assignees],
                "notes": notes,
                **links,
            },
        )
        return True

    # -- the directory, the venues, the shows -------------------------------------------------
    async def directory(self) -> None:
        rng = self.rng
        for kind, names in ORGS.items():
            for name in names.split("|"):
                postcode, city = rng.choice(CITIES).split(" ", 1)
                self.orgs[kind].append(
                    await self.add(
                        OrganisationService,
                        OrganisationIn,
                        {
                            "name": name,
                            "kind": kind,
                            "email": f"contact@{_slug(name)}.fr",
                            "phone": _phone(rng, f"0{rng.randint(1, 5)}"),
                            "city": city,
                            "website": f"https://www.{_slug(name)}.fr",
                            "postcode": postcode,
                            "address": f"{rng.randint(1, 80)} {rng.choice(STREETS)}",
                            "siret": "".join(rng.choices("0123456789", k=14)),
                            "ape_code": "9001Z" if kind == "company" else "9002Z",
                            "licence_numbers": f"PLATESV-R-{rng.randint(2019, 2025)}-"
                            f"{rng.randint(1, 999999):06d}",
                        },
                    )
                )
        everyone = [(kind, org) for kind, orgs in self.orgs.items() for org in orgs]
        for i, (first, last) in enumerate(rng.sample([(f, n) for f in FIRST for n in LAST], 40)):
            kind, org = everyone[i % len(everyone)]
            contact = await self.add(
                ContactService,
                ContactIn,
                {
                    "first_name": first,
                    "last_name": last,
                    "phones": [_phone(rng, "06")],
                    "emails": [f"{_slug(first)}.{_slug(last)}@{_slug(org['name'])}.fr"],
                    "notes": "Joignable de préférence le matin." if rng.random() < 0.15 else None,
                },
            )
            roles = [(org, rng.choice(ROLES[kind].split("|")))]
            if rng.random() < 0.25:
                roles.append((rng.choice(self.orgs["agency"]), "Chargée de diffusion"))
            for where, role in roles:
                await self.add(
                    ContactRoleService,
                    ContactRoleIn,
                    {"contact_id": contact["id"], "organisation_id": where["id"], "role": role},
                )
        await self.runs.directory()  # the theatre itself, the companies' people for the road

    async def venues(self) -> None:
        own = await self.add(
            VenueService,
            VenueIn,
            {
                "name": "Théâtre du Pont-Levant",
                "address": "4 place de la Halle-aux-Grains",
                "postcode": "45000",
                "city": "Orléans",
                "phone": "02 38 54 12 00",
                "access_notes": "Déchargement des décors rue des Charrons (hauteur 4,20 m). "
                "Stationnement des semi-remorques sur réservation à la mairie.",
            },
        )
        partner = await self.add(
            VenueService,
            VenueIn,
            {
                "name": "Espace culturel Les Rives",
                "address": "12 allée des Mariniers",
                "postcode": "45800",
                "city": "Saint-Jean-de-Braye",
                "is_own": False,
                "notes": "Lieu partenaire : spectacles hors les murs, billetterie commune.",
            },
        )
        for venue in (own, partner):
            await self.add(PlaceService, PlaceIn, {"venue_id": venue["id"]})
        for position, (key, (name, seats, colour, *_, configs)) in enumerate(ROOMS.items()):
            room = await self.add(
                RoomService,
                RoomIn,
                {
                    "venue_id": (partner if key == "rives" else own)["id"],
                    "name": name,
                    "capacity": seats,
                    "position": position,
                    "color": colour,
                },
            )
            self.rooms[key] = room["id"]
            for config in configs.split("|"):
                label, capacity = config.split(":")
                await self.add(
                    RoomConfigurationService,
                    RoomConfigurationIn,
                    {"room_id": room["id"], "name": label, "capacity": int(capacity)},
                )
            await self.add(
                TechnicalSheetService,
                TechnicalSheetIn,
                {"room_id": room["id"], "title": f"Fiche technique — {name}", "notes": SHEETS[key]},
            )
        for (one, other), reason in LINKS.items():
            await self.add(
                RoomLinkService,
                RoomLinkIn,
                {"room_id": self.rooms[one], "other_room_id": self.rooms[other], "reason": reason},
            )

    async def shows(self) -> None:
        rng, companies = self.rng, self.orgs["company"]
        people = [f"{f} {n}" for f in FIRST for n in LAST]
        for i, spec in enumerate(self.specs):
            (lead, durations, ages, pitch), crew = GENRES[spec.genre], rng.sample(people, 6)
            spec.duration = DURATIONS.get(spec.title, rng.randrange(*durations, 5))
            spec.surtitles = spec.title in ("La Cerisaie", "Voix bulgares", "Oncle Vania")
            spec.id = (
                await self.add(
                    ShowService,
                    ShowIn,
                    {
                        "title": spec.title,
                        "genre": spec.genre,
                        "duration_minutes": spec.duration,
                        "company_id": companies[i % len(companies)]["id"],
                        "producer_id": rng.choice(self.orgs["producer"])["id"],
                        "age_guidance": rng.choice(ages.split("|")),
                        "description": pitch.format(
                            lead=crew[0],
                            title=spec.title,
                            n=rng.randint(2, 9),
                            theme=rng.choice(THEMES),
                        ),
                        "credits": f"{lead} : {crew[0]}\nAvec : {', '.join(crew[1:4])}\n"
                        f"Lumière : {crew[4]}\nSon : {crew[5]}",
                        "notes": "Surtitré en français." if spec.surtitles else None,
                    },
                )
            )["id"]

    async def riders(self) -> None:
        """The riders and plans companies send: on the technical sheets of shows coming soon."""
        rng, companies = self.rng, self.orgs["company"]
        confirmed = [s for s in self.slots if s.status == "confirmed" and s.room != "hall"]
        chosen: list[Slot] = []
        for slot in sorted(confirmed, key=lambda s: (not s.pinned, s.get_in)):
            if len(chosen) < RIDERS and all(c.show != slot.show for c in chosen):
                chosen.append(slot)
        limit = 20 * 1024 * 1024
        for n, slot in enumerate(chosen):
            spec = self.specs[slot.show]
            company = companies[slot.show % len(companies)]["name"]
            room = ROOMS[slot.room][0]
            sheet = await self.add(
                TechnicalSheetService,
                TechnicalSheetIn,
                {
                    "show_id": spec.id,
                    "title": f"Fiche technique — {spec.title}",
                    "notes": f"Reçue avec le contrat. Adaptée à la {room} : plan de feu validé "
                    "par le régisseur général du lieu."
                    if slot.room in ("grande", "gp")
                    else f"Reçue avec le contrat ; à adapter à la {room}.",
                },
            )
            files = [
                (
                    f"Fiche technique — {spec.title}.pdf",
                    documents.rider(
                        spec.title,
                        company,
                        spec.genre,
                        spec.duration,
                        rng.randint(2, 4),
                        rng.randint(2, 9),
                    ),
                ),
                (f"Plan de feu — {spec.title}.pdf", documents.lighting_plan(spec.title, company)),
            ]
            if n % 2 == 0:
                plan = documents.stage_plan(spec.title, company)
                files.append((f"Plan d'implantation — {spec.title}.pdf", plan))
            for filename, data in files:
                await AttachmentService(self.uow).add_file(
                    sheet["id"], filename, "application/pdf", data, limit
                )
                self.counts["attachment"] += 1

    # -- engagements ------------------------------------------------------------------------
    async def engagement(self, slot: Slot, show: int, status: str) -> None:
        rng, spec, room_id = self.rng, self.specs[show], self.rooms[slot.room]
        plan = [(d, clock, note) for d in slot.days for clock, note in times(spec, slot.room, d)]
        fee = rng.randrange(*ROOMS[slot.room][6], 50)
        amount = f"{fee:,}".replace(",", "\u202f")
        terms = rng.choice(
            [
                f"Prix de cession de {amount} € HT par représentation ; hébergement réservé "
                "et réglé par le théâtre, transports et repas remboursés sur facture.",
                f"Prix de cession de {amount} € HT par représentation ; acompte de 30 % à "
                "la signature, le solde après la dernière représentation.",
            ]
        )
        rival = show != slot.show
        notes = [slot.note] if slot.note and not rival else []
        data: dict[str, Any] = {
            "show_id": spec.id,
            "room_id": room_id,
            "first_day": slot.get_in,
            "status": status,
            "last_day": slot.days[-1],
            "fee": Decimal(fee * len(plan)),
            "contract_terms": terms,
            **await self.runs.details(slot, spec, status),
        }
        if status == "option":
            notes.append(
                "Deuxième option : la salle est déjà pré-réservée sur ces dates."
                if rival
                else "Option posée en comité de programmation."
            )
            data["option_expires_on"] = slot.rival_expires if rival else slot.expires
        elif status == "cancelled":
            notes.append(f"Annulé : {rng.choice(CANCEL_REASONS)}.")
        data["notes"] = " ".join(notes) or None
        engagement = await self.add(EngagementService, EngagementIn, data)
        self.counts[f"engagement.{status}"] += 1
        links = {"engagement_id": engagement["id"], "show_id": spec.id}
        if status == "option":
            await self.option_call(spec, data["option_expires_on"], links)
        public = [i for i, p in enumerate(plan) if p[2] is None] or [0]
        special = {
            "audio_description": "Audiodescription",
            "sign_language": "Adaptée en LSF",
            "relaxed": "Représentation relax",
        }
        chosen = {rng.choice(public): flag for flag in special if rng.random() < 0.25}
        played: dict[date, list[tuple[datetime, datetime, int]]] = defaultdict(list)
        last_end: datetime | None = None
        for i, (day, clock, note) in enumerate(plan):
            start = at(day, clock)
            end = start + timedelta(minutes=spec.duration)
            confirmed = status == "confirmed"
            if confirmed and not self.book(slot.room, start, end, engagement["id"]):
                continue  # the planner keeps rooms free: never happens, but never double-book
            perf: dict[str, Any] = {
                "engagement_id": engagement["id"],
                "starts_at": start,
                "ends_at": end,
                "surtitles": spec.surtitles,
            }
            texts = [note] if note else []
            if i in chosen:
                perf[chosen[i]] = True
                texts.append(special[chosen[i]])
            if texts:
                perf["notes"] = " · ".join(texts)
            if status != "option":
                perf["ticketing_ref"] = f"PL2627-{self.counts['performance'] + 1:04d}"
            row = await self.add(PerformanceService, PerformanceIn, perf)
            played[day].append((start, end, row["id"]))
            last_end = end
            if not confirmed:
                continue
            if note:  # school groups are met at the door by public relations
                await self.activity(
                    "mediation",
                    f"Accueil des classes — {spec.title}",
                    None,
                    start - timedelta(minutes=30),
                    start,
                    "Relations publiques",
                    performance_id=row["id"],
                    **links,
                )
            talk = end + timedelta(minutes=10)
            if clock >= time(19) and rng.random() < 0.2:
                await self.activity(
                    "mediation",
                    f"Bord de plateau — {spec.title}",
                    slot.room,
                    talk,
                    talk + timedelta(minutes=30),
                    "Relations publiques",
                    assignees=("rp",),
                    performance_id=row["id"],
                    **links,
                )
                last_end = talk + timedelta(minutes=30)
        if status == "confirmed" and played and last_end is not None:
            await self.technical(slot, spec, engagement["id"], played, last_end, links)

    async def option_call(self, spec: Spec, expires: date | None, links: dict[str, Any]) -> None:
        """The programmer calls the company before its option lapses."""
        if expires is None:
            return
        day = _weekday(expires - timedelta(days=2))
        await self.activity(
            "meeting",
            f"Point option avec la compagnie — {spec.title}",
            None,
            moment(day, 11),
            moment(day, 11, 30),
            "Programmation",
            notes=f"L'option expire le {_long_date(expires)} : confirmer, prolonger ou lever.",
            **links,
        )

    async def technical(
        self,
        slot: Slot,
        spec: Spec,
        engagement_id: int,
        played: dict[date, list[tuple[datetime, datetime, int]]],
        last_end: datetime,
        links: dict[str, Any],
    ) -> None:
        """Get-in, the crew's four-hour services around every performance, the get-out."""
        rng, title, room = self.rng, spec.title, slot.room
        crew = ("technique",) if room in ("grande", "rives") else ()
        first_perf = played[slot.days[0]][0][2]
        tech = {"assignees": crew, "holder": engagement_id, **links}
        before = [slot.get_in + timedelta(days=n) for n in range((slot.days[0] - slot.get_in).days)]
        for n, day in enumerate(before):
            final = n == len(before) - 1
            plan = [
                ("get_in", "Montage", 9, 13),
                ("get_in", "Montage", 14, 18),
                ("rehearsal", "Réglages et raccords" if final else "Réglages lumière", 19, 23),
            ]
            if len(before) == 2 and final:
                plan = [
                    ("rehearsal", "Réglages lumière", 9, 13),
                    ("rehearsal", "Raccords son et lumière", 14, 18),
                    ("rehearsal", "Répétition générale", 19, 23),
                ]
            for kind, label, first_hour, last_hour in plan:
                await self.activity(
                    kind,
                    f"{label} — {title}",
                    room,
                    moment(day, first_hour),
                    moment(day, last_hour),
                    notes=_meal_after(moment(day, last_hour)) if last_hour < 23 else None,
                    **tech,
                )
        if not before:  # a same-day get-in, in the morning before the evening's services
            day = slot.days[0]
            await self.activity(
                "get_in",
                f"Montage — {title}",
                room,
                moment(day, 9),
                moment(day, 13),
                notes=_meal_after(moment(day, 13)),
                **tech,
            )
        if before:
            welcome = moment(before[0], 9)
            await self.activity(
                "meeting",
                f"Accueil de la compagnie — {title}",
                None,
                welcome,
                welcome + timedelta(hours=1),
                "Administration",
                notes="Clés des loges, fiche d'accueil, feuilles de route, attestations sociales.",
                **links,
            )
            if room in ("grande", "gp"):
                evening = moment(before[-1], 20)
                await self.activity(
                    "other",
                    f"Photos de presse — {title}",
                    room,
                    evening,
                    evening + timedelta(hours=1),
                    "Communication",
                    assignees=("communication",),
                    notes="Pendant le filage : photographe accrédité, sans flash.",
                    **links,
                )
        for _day, shows in sorted(played.items()):
            calls = crew_calls([(start, end) for start, end, _id in shows])
            for k, (begin, end) in enumerate(calls):
                covered = [pid for start, stop, pid in shows if begin <= start and stop <= end]
                upcoming = [pid for start, _stop, pid in shows if start >= begin]
                label = "Service de jeu" if covered else "Service de préparation"
                await self.activity(
                    "technical_service",
                    f"{label} — {title}",
                    room,
                    begin,
                    end,
                    notes=_meal_after(end) if k < len(calls) - 1 else None,
                    performance_id=(covered or upcoming or [shows[-1][2]])[0],
                    **tech,
                )
        out = last_end + timedelta(minutes=15)
        await self.activity(
            "get_out",
            f"Démontage — {title}",
            room,
            out,
            out + timedelta(hours=GET_OUT_HOURS[room]),
            notes="À l'issue de la dernière représentation ; chargement du camion au quai.",
            **tech,
        )
        if room in ("grande", "gp"):
            curtain = played[slot.days[0]][-1][1] + timedelta(minutes=15)
            await self.activity(
                "other",
                f"Verre de première — {title}",
                None,
                curtain,
                curtain + timedelta(minutes=45),
                "Programmation",
                assignees=("programmation", "admin"),
                notes="Au foyer, avec l'équipe artistique et les partenaires.",
                performance_id=first_perf,
                **links,
            )
        if room in ("grande", "gp") and rng.random() < 0.4:
            opening = played[slot.days[0]][-1][0]
            await self.activity(
                "other",
                f"Soirée presse — {title}",
                None,
                opening - timedelta(minutes=45),
                opening,
                "Communication",
                assignees=("communication",),
                notes="Accueil des journalistes au foyer, dossiers de presse, invitations.",
                performance_id=first_perf,
                **links,
            )
        if rng.random() < 0.3:
            day = _weekday(slot.get_in - timedelta(days=rng.randint(14, 28)))
            await self.activity(
                "meeting",
                f"Réunion technique — {title}",
                None,
                moment(day, 10),
                moment(day, 11, 30),
                assignees=("technique",),
                notes="Avec le régisseur général de la compagnie, en visio : fiche technique, "
                "planning des services, besoins en personnel.",
                **links,
            )
        if room in ("grande", "gp") and rng.random() < 0.3:
            day = _weekday(slot.get_in - timedelta(days=rng.randint(3, 9)))
            await self.activity(
                "meeting",
                f"Interview radio — {title}",
                None,
                moment(day, 11),
                moment(day, 11, 45),
                "Communication",
                notes="Avec la metteuse en scène ou le chorégraphe, en direct du studio.",
                **links,
            )
        if spec.genre == "jeune public":
            day = _weekday(slot.get_in - timedelta(days=rng.randint(7, 12)))
            await self.activity(
                "mediation",
                f"Atelier en classe — {title}",
                None,
                moment(day, 9, 30),
                moment(day, 11, 30),
                "Relations publiques",
                assignees=("rp",),
                **links,
            )

    # -- the life of the house ----------------------------------------------------------------
    async def free_day(
        self,
        kind: str,
        title: str,
        room: str,
        day: date,
        hours: tuple[int, int],
        weekdays: str = "01234",
        team: str = "Technique",
    ) -> None:
        """The activity on the first day from ``day`` its room (and linked rooms) are free."""
        for _ in range(40):
            if (
                str(day.weekday()) in weekdays
                and self.planner.free(room, [day])
                and await self.activity(
                    kind, title, room, moment(day, hours[0]), moment(day, hours[1]), team
                )
            ):
                self.planner.hold(room, [day])
                return
            day += timedelta(days=1)

    async def meetings(self) -> None:
        """The house's regular meetings, week after week."""
        # The weekly production meeting is one repeating activity (an RRULE, as a calendar app
        # writes it), assigned to every department's head, and skipped while the house is closed.
        held = weeks(FIRST_MEETING, SUMMER_WORKS[0])
        every = [held[0] + timedelta(weeks=n) for n in range((held[-1] - held[0]).days // 7 + 1)]
        closed = [monday for monday in every if monday not in held]
        clean = RecurringActivityIn.model_validate(
            {
                "kind": "meeting",
                "title": "Réunion de production",
                "starts_at": moment(held[0], 14),
                "ends_at": moment(held[0], 15, 30),
                "rule": f"FREQ=WEEKLY;BYDAY=MO;UNTIL={held[-1]:%Y%m%d}",
                "exceptions": [moment(monday, 14) for monday in closed],
                "assignee_ids": [self.people[p] for p in EVERYONE],
                "notes": "La semaine à venir : accueils, services, publics, presse.",
            }
        ).model_dump()
        series = await RecurringActivities(self.uow).create_series(clean, commit=False)
        self.counts[ActivityService.entity] += len(series["occurrences"])
        partners = self.orgs["agency"] + self.orgs["producer"] + self.orgs["company"]
        for monday in weeks(FIRST_MEETING, SEASON[1]):
            tuesday = monday + timedelta(days=1)
            await self.activity(
                "meeting",
                "Réunion de direction",
                None,
                moment(tuesday, 9, 30),
                moment(tuesday, 11),
                None,
                assignees=("programmation", "administration", "admin"),
                notes="Budget, contrats en cours, ressources humaines, saison suivante.",
            )
            thursday = monday + timedelta(days=3)
            await self.activity(
                "meeting",
                "Réunion publics et communication",
                None,
                moment(thursday, 10),
                moment(thursday, 11),
                None,
                assignees=("rp", "communication"),
                notes="Groupes et scolaires, accessibilité, presse, réseaux, lettre d'information.",
            )
            day = monday + timedelta(days=self.rng.choice((2, 3)))
            who = self.rng.choice(partners)["name"]
            await self.activity(
                "meeting",
                f"Rendez-vous — {who}",
                None,
                moment(day, 11),
                moment(day, 12),
                "Programmation",
                notes="Projets de création et de tournée pour la saison 2027-2028.",
            )
        for n, monday in enumerate(weeks(FIRST_MEETING, SEASON[1])):
            if n % 2 == 0:
                await self.activity(
                    "meeting",
                    "Réunion de l'équipe technique",
                    None,
                    moment(monday, 10),
                    moment(monday, 11, 30),
                    assignees=("technique",),
                )
        for month in range(9, 19):  # the first Thursday of each month
            first = date(2026 + (month - 1) // 12, (month - 1) % 12 + 1, 1)
            thursday = first + timedelta(days=(3 - first.weekday()) % 7)
            await self.activity(
                "meeting",
                "Comité de programmation",
                None,
                moment(thursday, 14),
                moment(thursday, 17),
                "Programmation",
                assignees=("programmation", "admin"),
                notes="Spectacles vus, options à poser ou à lever, saison suivante.",
            )
            wednesday = first + timedelta(days=(2 - first.weekday()) % 7)
            await self.activity(
                "other",
                "Bouclage de la lettre d'information",
                None,
                moment(wednesday, 14),
                moment(wednesday, 16),
                "Communication",
            )
        for day in (date(2026, 10, 15), date(2027, 1, 21), date(2027, 3, 18), date(2027, 6, 10)):
            await self.activity(
                "meeting",
                "Conseil d'administration de l'association",
                None,
                moment(day, 18),
                moment(day, 20),
                "Administration",
                assignees=("administration", "admin"),
            )

    async def occasions(self) -> None:
        """The season's landmarks: presentations, heritage days, press, safety, festival."""
        for day in PRESENTATIONS:
            holder = self.holder()
            label = "2026-2027" if day.year == 2026 else "2027-2028"
            start, end = moment(day, 19), moment(day, 21)
            await self.activity(
                "other",
                f"Présentation de la saison {label}",
                "grande",
                start,
                end,
                "Communication",
                assignees=EVERYONE,
                notes="Ouverte au public, suivie d'un verre au foyer.",
            )
            for begin, stop in crew_calls([(start, end)]):
                await self.activity(
                    "technical_service",
                    f"Service — présentation de la saison {label}",
                    "grande",
                    begin,
                    stop,
                    assignees=("technique",),
                    holder=holder,
                )
        for opens, closes in ((10, 12), (14, 18)):
            await self.activity(
                "mediation",
                "Journées du patrimoine : visites guidées du théâtre",
                "grande",
                moment(HERITAGE_DAY, opens),
                moment(HERITAGE_DAY, closes),
                "Relations publiques",
                assignees=("rp",),
                notes="Départ toutes les 30 minutes depuis le hall, plateau et cintres.",
            )
        press = [
            (date(2026, 9, 10), "Conférence de presse — saison 2026-2027"),
            (date(2027, 4, 27), f"Conférence de presse — {FESTIVAL}"),
        ]
        for day, title in press:
            await self.activity(
                "other",
                title,
                None,
                moment(day, 11),
                moment(day, 12, 30),
                "Communication",
                assignees=("communication", "programmation", "admin"),
            )
        await self.activity(
            "other",
            "Bouclage de la brochure de la saison 2027-2028",
            None,
            moment(date(2027, 5, 12), 10),
            moment(date(2027, 5, 12), 12),
            "Communication",
            assignees=("communication", "programmation"),
        )
        await self.activity(
            "mediation",
            "Rencontre avec les enseignants — séances scolaires",
            None,
            moment(date(2026, 9, 23), 14),
            moment(date(2026, 9, 23), 16, 30),
            "Relations publiques",
            assignees=("rp",),
            notes="Présentation des séances scolaires et des ateliers ; inscriptions des classes.",
        )
        await self.activity(
            "meeting",
            "Commission de sécurité",
            None,
            moment(date(2026, 10, 13), 9, 30),
            moment(date(2026, 10, 13), 12),
            "Administration",
            assignees=("administration", "technique", "admin"),
            notes="Visite périodique : registre de sécurité, désenfumage, issues de secours.",
        )
        monday = FESTIVAL_DAYS[0] - timedelta(days=1)
        await self.activity(
            "meeting",
            f"Réunion de coordination — {FESTIVAL}",
            None,
            moment(monday, 10),
            moment(monday, 12),
            "Programmation",
            assignees=EVERYONE,
            notes="Navettes vers Les Rives, accueil des compagnies, bénévoles, billetterie.",
        )

    async def house(self) -> None:
        """What keeps a theatre busy between shows: upkeep, hires, visits, closures."""
        rng = self.rng
        own = ("grande", "gp", "studio", "hall")
        for key in own:
            for day in (WINTER_BREAK[0] + timedelta(days=n) for n in (0, 1, 2)):
                await self.activity(
                    "maintenance",
                    f"Maintenance annuelle — {ROOMS[key][0]}",
                    key,
                    moment(day, 9),
                    moment(day, 17),
                )
            await self.activity(
                "other",
                "Fermeture du théâtre — fêtes de fin d'année",
                key,
                moment(date(2026, 12, 24), 0),
                moment(WINTER_BREAK[1] + timedelta(days=1), 0),
                None,
            )
            await self.activity(
                "maintenance",
                f"Travaux d'été — {ROOMS[key][0]}",
                key,
                moment(SUMMER_WORKS[0], 9),
                moment(SUMMER_WORKS[1], 17),
                notes="Révision des porteuses et des équipements scéniques, contrôles "
                "réglementaires, peinture du plateau.",
            )
            await self.activity(
                "other",
                "Fermeture estivale",
                key,
                moment(SUMMER_BREAK[0], 0),
                moment(SUMMER_BREAK[1] + timedelta(days=1), 0),
                None,
                notes="Réouverture des bureaux le 23 août ; billetterie en ligne ouverte.",
            )
            for start in (date(2026, 10, 5), date(2027, 3, 1)):
                await self.free_day(
                    "maintenance",
                    rng.choice(MAINTENANCE),
                    key,
                    start + timedelta(days=rng.randrange(20)),
                    (9, 17),
                )
        for hire in HIRES:
            room, day = rng.choice(["grande", "hall"]), SEASON[0] + timedelta(rng.randrange(260))
            await self.free_day("private_hire", f"Location — {hire}", room, day, (9, 18))
        for month in range(10, 19):
            first = date(2026 + (month - 1) // 12, (month - 1) % 12 + 1, 1)
            await self.free_day(
                "mediation",
                "Visite guidée du théâtre",
                "hall",
                first,
                (11, 12),
                weekdays="5",
                team="Relations publiques",
            )

    async def load(self, bar: Progress, task: TaskID) -> None:
        steps = [
            ("Annuaire", self.directory),
            ("Lieux et salles", self.venues),
            ("Spectacles", self.shows),
            ("Fiches techniques des compagnies", self.riders),
            ("Rendez-vous de la saison", self.occasions),
        ]
        for label, step in steps:
            bar.update(task, description=label)
            await step()
            bar.advance(task)
        bar.update(task, description="Exploitations, représentations et services")
        for slot in self.slots:
            await self.engagement(slot, slot.show, slot.status)
            if slot.rival is not None:
                await self.engagement(slot, slot.rival, "option")
            bar.advance(task)
        bar.update(task, description="Vie de la maison")
        await self.meetings()
        await self.house()
        bar.advance(task)
        bar.update(task, description="Communication")
        # Last: the season's other choices stay as they were.
        surtitled = {spec.id for spec in self.specs if spec.surtitles}
        await publicity.publish(self.uow, self.rng, surtitled)
        bar.advance(task)
