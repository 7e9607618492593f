"""A realistic demo season (September 2026 to June 2027), loaded through the domain services.

A new installation can be tried at once (``saison demo``, ``saison serve --demo``). Every row
goes through its workspace's input schema and service, like anything a person types, so the
demo has a full change log and respects every rule. The season is one transaction: it is
loaded whole or not at all, and a second run finds it and adds nothing. ``random.Random(seed)``
drives every choice, so a seed always gives the same season.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from rich.progress import Progress, TaskID
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts.defaults import create_user, ensure_default_teams
from server.accounts.permissions import SYSTEM
from server.core.entities import EntityService
from server.core.errors import Invalid
from server.core.unit_of_work import UnitOfWork, unit_of_work
from server.db.engine import Database
from server.directory.contacts import ContactIn, ContactRoleIn, ContactRoleService, ContactService
from server.directory.organisations import OrganisationIn, OrganisationService
from server.directory.places import PlaceIn, PlaceService
from server.planning.activities import ActivityIn, ActivityService, PerformanceIn
from server.programming.engagements import EngagementIn, EngagementService
from server.programming.models import Show
from server.programming.performances import PerformanceService
from server.programming.shows import ShowIn, ShowService
from server.technical.rooms import (
    RoomConfigurationIn,
    RoomConfigurationService,
    RoomIn,
    RoomService,
)
from server.technical.sheets import TechnicalSheetIn, TechnicalSheetService
from server.technical.venues import VenueIn, VenueService

DEMO_PASSWORD = "saison-demo"
DEMO_USERS: tuple[tuple[str, str, str | None], ...] = (  # email, name, team (None: admin)
    ("programmation@demo.saison", "Hélène Marchand", "Programmation"),
    ("administration@demo.saison", "François Lemaître", "Administration"),
    ("technique@demo.saison", "Jérôme Caradec", "Technique"),
    ("rp@demo.saison", "Anaïs Bérard", "Relations publiques"),
    ("communication@demo.saison", "Zoé Thébault", "Communication"),
    ("admin@demo.saison", "Clémence Vasseur", None),
)
PARIS = ZoneInfo("Europe/Paris")
SEASON = (date(2026, 9, 14), date(2027, 6, 27))
CLOSURE = (date(2026, 12, 20), date(2027, 1, 4))
DEMO_LOCK = 0x5A150D  # serialises concurrent loads, so two starts cannot both load a season

ORGS = {  # kind: names
    "company": "Compagnie du Hérisson|Compagnie Les Éphémères|Théâtre de l'Écume|Compagnie "
    "Mélusine|Collectif Pièces Détachées|Compagnie Rêve Général|Ballet du Fleuve|Compagnie "
    "Étoile Filante|Cirque Hors Piste|Collectif Entre-Deux|Compagnie Sémaphore|Ensemble "
    "Orphée|Quatuor Andromède|Trio Zéphyr|Compagnie L'Échappée belle|Les Tréteaux de "
    "l'Aube|Compagnie Pétronille|Cirque Équinoxe|Compagnie À Pas Contés|Compagnie Frênésie",
    "producer": "Bureau Clémentine Productions|Les Visiteurs du Soir|Scène Émergente "
    "Production|Arts Vivants Développement|Prodigue Production",
    "agency": "Agence Tournée Générale|Agence Mélodie Booking|Les Décrocheurs de Lune|Bureau "
    "d'artistes Étincelle",
    "partner_venue": "Espace culturel Les Rives",
}
ROLES = {
    "company": "Administratrice de production|Chargé de production|Régisseur général|"
    "Directrice artistique|Chargée de diffusion",
    "producer": "Directeur de production|Chargée de production|Administrateur",
    "agency": "Agent artistique|Chargée de diffusion|Chargé de tournées",
    "partner_venue": "Directrice|Régisseur général|Chargé des relations publiques",
}
FIRST = (
    "Hélène Léa Chloé Jérôme François Zoé Amélie Benoît Mathéo Inès Noémie Gaël Céline "
    "Rémi Estelle Loïc Maëlle Joël Aurélie Stéphane Anaïs Cédric Agnès Frédéric Élodie Théo "
    "Sébastien Clémence Hervé Margaux"
).split()
LAST = (
    "Lefèvre|Bérard|Mercier|Garnier|Fournier|Rousseau|Lemaître|Girard|Chevalier|Dubois|"
    "Faure|Gauthier|Perrin|Leroy|Moreau|Delacroix|Lécuyer|Thébault|Ménard|Poirier|Brossard|"
    "Caradec|Le Goff|Chauvière|Hébert|Prévost|Géraud|Vasseur"
).split("|")
CITIES = (
    "69001 Lyon|44000 Nantes|13001 Marseille|59000 Lille|31000 Toulouse|35000 Rennes|"
    "75011 Paris|33000 Bordeaux|67000 Strasbourg|25000 Besançon|42000 Saint-Étienne|"
    "30000 Nîmes|63000 Clermont-Ferrand|45000 Orléans"
).split("|")
STREETS = [
    "rue de la République",
    "avenue Jean-Jaurès",
    "place du Marché",
    "rue des Écoles",
    "boulevard Gambetta",
    "impasse des Tisserands",
    "quai de la Fosse",
    "rue Pasteur",
]
TITLES = {
    "théâtre": "Le Misanthrope|Bérénice|La Cerisaie|Les Fausses Confidences|On ne badine pas "
    "avec l'amour|Électre|Nos Éclipses|La Légèreté des pierres|Ceux qui restent|Après la pluie, "
    "l'été|Le Bruit des clés|Une saison à Mézières|Fragments d'un hiver|L'Île aux oiseaux",
    "danse": "Élan|Sacre(s)|Les Hautes Herbes|Vertiges|Échos|Corps céleste|Marée basse|Ravel",
    "cirque": "Équilibre précaire|La Chute des anges|Trapèze(s)|Les Voltigeurs|Funambule|"
    "Cirque à l'envers",
    "musique": "Debussy, Fauré : quatuors|Nuit cubaine|Chansons d'Édith|Trio Zéphyr en concert|"
    "Requiem de Fauré|Bal trad' du printemps|Barbara, l'aigle noir|Cordes sensibles|Voix bulgares",
    "jeune public": "La Forêt qui chante|Plume et Caillou|Le Voyage de Léon|Mange tes ronces !|"
    "Ô Lune|Les Petits Géants|Une baleine dans la baignoire",
}
GENRES = {  # genre: credits lead, duration range, age guidance, pitch
    "théâtre": (
        "Mise en scène",
        (70, 150),
        "dès 12 ans|dès 14 ans|tout public",
        "{lead} fait entendre « {title} » avec {n} interprètes : une pièce sur {theme}.",
    ),
    "danse": (
        "Chorégraphie",
        (50, 80),
        "dès 8 ans|tout public",
        "Pièce pour {n} danseurs et danseuses, « {title} » explore {theme}.",
    ),
    "cirque": (
        "Mise en piste",
        (60, 90),
        "dès 6 ans|tout public",
        "Portés, agrès et voltige : {n} circassiens racontent {theme}.",
    ),
    "musique": (
        "Direction musicale",
        (70, 110),
        "tout public",
        "{n} musiciens autour de {theme}, entre répertoire et créations.",
    ),
    "jeune public": (
        "Mise en scène",
        (35, 55),
        "dès 3 ans|dès 5 ans|dès 8 ans",
        "Pour les enfants et leurs parents, à {n} interprètes, sur {theme}.",
    ),
}
THEMES = [
    "la transmission entre générations",
    "l'exil et le retour",
    "la fin d'un monde rural",
    "l'amitié à l'épreuve du temps",
    "la mémoire d'une ville ouvrière",
    "la peur du noir",
    "le désir et ses détours",
    "la forêt et ceux qui l'habitent",
    "les marées et la lune",
]
# key: name, capacity, colour, engagements, genres, performance days, fee range, configurations
ROOMS: dict[str, tuple[str, int, str, int, str, tuple[int, int], tuple[int, int], str]] = {
    "grande": (
        "Grande salle",
        650,
        "#b03a2e",
        24,
        "théâtre|danse|cirque|musique",
        (2, 4),
        (6000, 22000),
        "Frontale, gradin complet:650|Frontale avec fosse:590|Debout:900",
    ),
    "gp": (
        "Salle Gérard-Philipe",
        220,
        "#1f618d",
        20,
        "théâtre|danse|jeune public",
        (3, 6),
        (2500, 7000),
        "Frontale:220|Bi-frontale:180",
    ),
    "studio": (
        "Studio",
        80,
        "#7d3c98",
        18,
        "théâtre|jeune public",
        (4, 7),
        (1200, 3500),
        "Frontale:80|Quadri-frontale:64",
    ),
    "hall": (
        "Hall / foyer",
        150,
        "#b9770e",
        10,
        "musique",
        (1, 2),
        (800, 2500),
        "Cabaret:110|Debout:150",
    ),
    "rives": (
        "Salle des Rives",
        320,
        "#117a65",
        8,
        "cirque|théâtre|jeune public",
        (1, 2),
        (2000, 6000),
        "Frontale:320",
    ),
}
SHEETS = {
    "grande": "Cadre 12 m × 8 m, profondeur 11 m, grill à 16 m, 42 porteuses motorisées. "
    "Console lumière ETC Eos, 96 gradateurs ; façade son L-Acoustics. Quai de déchargement.",
    "gp": "Plateau 10 m × 9 m, grill fixe à 7,50 m, 24 perches. Console Chamsys, 48 circuits.",
    "studio": "Boîte noire 9 m × 8 m, grill technique à 6 m, gradin télescopique de 80 places.",
    "hall": "Petite scène 6 m × 4 m, 12 projecteurs LED, diffusion son Yamaha, 2 retours.",
    "rives": "Plateau 12 m × 10 m, grill à 9 m. Accès décors par la cour, hauteur 3,80 m.",
}
CANCEL_REASONS = [
    "blessure d'une interprète",
    "tournée interrompue par la compagnie",
    "désaccord sur la fiche technique",
    "création reportée à la saison prochaine",
]
HIRES = [
    "Assemblée générale de la Mutuelle des Artisans",
    "Gala de l'école de danse Arabesque",
    "Remise des diplômes de l'IUT",
    "Séminaire Lumière & Réseaux",
    "Congrès des sages-femmes du Centre",
    "Concert de l'Harmonie municipale",
    "Conférence de l'Université populaire",
]
MAINTENANCE = [
    "Maintenance des porteuses",
    "Contrôle des agrès et des accroches",
    "Vérification de la sécurité incendie",
    "Entretien du gradin et des fauteuils",
]


@dataclass
class _Spec:
    title: str
    genre: str
    duration: int = 60
    surtitles: bool = False
    id: int = 0


@dataclass
class _Slot:
    room: str
    show: int
    get_in: date
    days: list[date]
    status: str = "confirmed"
    rival: int | None = None  # a second show with an option on the same room and days


def _slug(value: str) -> str:
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split())


def _phone(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(f" {rng.randint(10, 99)}" for _ in range(4))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), PARIS)


def _weekday(day: date) -> date:
    """The day itself, or the Friday before if it falls on a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _times(genre: str, day: date) -> list[tuple[int, int, str | None]]:
    """When a show plays on a day: evenings, Sunday matinées, school performances."""
    weekday = day.weekday()
    if genre == "jeune public":
        if weekday in (1, 3, 4):
            return [(10, 0, "Séance scolaire"), (14, 30, "Séance scolaire")]
        return [(10, 0, "Séance scolaire"), (15, 0, None)] if weekday == 2 else [(15, 0, None)]
    return [(15, 0, None)] if weekday == 6 else [(20, 0, None)]


class _Season:
    """Plans the season from the seed, then writes it through the services in one transaction."""

    def __init__(self, uow: UnitOfWork, rng: random.Random, teams: dict[str, int]) -> None:
        self.uow, self.rng, self.teams = uow, rng, teams
        self.counts: Counter[str] = Counter()
        self.rooms: dict[str, int] = {}
        self.orgs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        # Confirmed intervals per room: the planned exclusion constraint must never fire.
        self.booked: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
        self.busy: dict[str, set[date]] = defaultdict(set)  # days an engagement holds a room
        self.specs = [_Spec(t, g) for g, ts in TITLES.items() for t in ts.split("|")]
        self.slots = self.plan()

    def plan(self) -> list[_Slot]:
        """Each room's engagements through the season, then which are options or cancelled."""
        rng, slots, uses = self.rng, list[_Slot](), Counter[int]()
        for key, (_n, _c, _colour, count, genres, (low, high), _f, _cf) in ROOMS.items():
            pool = [i for i, spec in enumerate(self.specs) if spec.genre in genres.split("|")]
            span = (SEASON[1] - SEASON[0]).days // count
            cursor = SEASON[0] + timedelta(days=rng.randrange(4))
            for _ in range(count):
                if cursor <= CLOSURE[1] and cursor + timedelta(days=9) >= CLOSURE[0]:
                    cursor = CLOSURE[1] + timedelta(days=1)
                show = min(pool, key=lambda i: (uses[i], rng.random()))
                young = self.specs[show].genre == "jeune public"
                wanted = rng.randint(2, 4) if young else rng.randint(low, high)
                days = [cursor + timedelta(days=n) for n in range(1, 2 * wanted + 2)]
                days = [d for d in days if d.weekday() != 0][:wanted]  # Monday is the day off
                if days[-1] > SEASON[1]:
                    break
                uses[show] += 1
                slots.append(_Slot(key, show, cursor, days))
                held = (days[-1] - cursor).days + 2  # the get-out runs past midnight
                self.busy[key].update(cursor + timedelta(days=n) for n in range(held))
                cursor = max(
                    days[-1] + timedelta(days=2), cursor + timedelta(days=span + rng.randint(-2, 2))
                )
        for slot in rng.sample([s for s in slots if s.get_in >= date(2027, 1, 15)], 11):
            slot.status = "option"  # spring is not settled yet
        for slot in rng.sample([s for s in slots if s.status == "option"], 4):
            slot.rival = rng.choice(
                [
                    i
                    for i, s in enumerate(self.specs)
                    if s.genre in ROOMS[slot.room][4] and i != slot.show
                ]
            )
        for slot in rng.sample([s for s in slots if s.status == "confirmed"], 4):
            slot.status = "cancelled"
        return sorted(slots, key=lambda s: (s.get_in, s.room))

    async def add(
        self, service: type[EntityService], schema: type[BaseModel], data: dict[str, Any]
    ) -> dict[str, Any]:
        """Validate as the API would, then insert through the service (logged in the history)."""
        clean = schema.model_validate(data).model_dump(exclude_unset=True)
        row = await service(self.uow).insert_row(clean)
        self.counts[service.entity] += 1
        return row

    def book(self, room_id: int | None, start: datetime, end: datetime) -> bool:
        if room_id is not None:
            if any(s < end and start < e for s, e in self.booked[room_id]):
                return False
            self.booked[room_id].append((start, end))
        return True

    async def activity(
        self,
        kind: str,
        title: str,
        room: str | None,
        start: datetime,
        end: datetime,
        team: str = "Technique",
        **links: Any,
    ) -> bool:
        """A confirmed activity, only if its room is free then (else skipped)."""
        room_id = self.rooms[room] if room else None
        if not self.book(room_id, start, end):
            return False
        await self.add(
            ActivityService,
            ActivityIn,
            {
                "kind": kind,
                "title": title,
                "room_id": room_id,
                "starts_at": start,
                "ends_at": end,
                "team_id": self.teams[team],
                **links,
            },
        )
        return True

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

    async def shows(self) -> None:
        rng, companies = self.rng, self.orgs["company"]
        people = [f"{f} {n}" for f in FIRST for n in LAST]
        for i, spec in enumerate(self.specs):
            (lead, durations, ages, pitch), crew = GENRES[spec.genre], rng.sample(people, 6)
            spec.duration = rng.randrange(*durations, 5)
            spec.surtitles = spec.title in ("La Cerisaie", "Voix bulgares")
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

    async def engagement(self, slot: _Slot, show: int, status: str) -> None:
        rng, spec, room_id = self.rng, self.specs[show], self.rooms[slot.room]
        plan = [(d, h, m, note) for d in slot.days for h, m, note in _times(spec.genre, d)]
        fee = rng.randrange(*ROOMS[slot.room][6], 50)
        amount = f"{fee:,}".replace(",", "\u202f")
        terms = rng.choice(
            [
                f"Contrat de cession : {amount} € HT par représentation ; transports, "
                "hébergement et repas de l'équipe à notre charge, SACD en sus.",
                f"Coréalisation : minimum garanti de {amount} € HT par représentation,"
                " partage de recette 70/30 au-delà.",
            ]
        )
        data: dict[str, Any] = {
            "show_id": spec.id,
            "room_id": room_id,
            "first_day": slot.get_in,
            "status": status,
            "last_day": slot.days[-1],
            "fee": Decimal(fee * len(plan)),
            "contract_terms": terms,
        }
        if status == "option":
            data["notes"] = (
                "Option posée en comité de programmation."
                if show == slot.show
                else "Deuxième option : la salle est déjà pré-réservée sur ces dates."
            )
            if rng.random() < 0.6:
                data["option_expires_on"] = slot.get_in - timedelta(days=rng.randint(45, 90))
        elif status == "cancelled":
            data["notes"] = f"Annulé : {rng.choice(CANCEL_REASONS)}."
        engagement = await self.add(EngagementService, EngagementIn, data)
        self.counts[f"engagement.{status}"] += 1
        links = {"engagement_id": engagement["id"], "show_id": spec.id}
        public = [i for i, p in enumerate(plan) if p[3] is None] or [0]
        special = {
            "audio_description": "Audiodescription",
            "sign_language": "Adaptée en LSF",
            "relaxed": "Représentation relax",
        }
        chosen = {rng.choice(public): flag for flag in special if rng.random() < 0.25}
        firsts: dict[date, tuple[datetime, int]] = {}
        ends: list[datetime] = []
        for i, (day, hour, minute, note) in enumerate(plan):
            start = _at(day, hour, minute)
            end = start + timedelta(minutes=spec.duration)
            if status == "confirmed" and not self.book(room_id, start, end):
                continue
            perf: dict[str, Any] = {
                "engagement_id": engagement["id"],
                "starts_at": start,
                "ends_at": end,
                "surtitles": spec.surtitles,
            }
            notes = [note] if note else []
            if i in chosen:
                perf[chosen[i]] = True
                notes.append(special[chosen[i]])
            if notes:
                perf["notes"] = " · ".join(notes)
            if status != "option":
                perf["ticketing_ref"] = f"PL2627-{self.counts['performance'] + 1:04d}"
            row = await self.add(PerformanceService, PerformanceIn, perf)
            firsts.setdefault(day, (start, row["id"]))
            ends.append(end)
            talk = end + timedelta(minutes=10)
            if (
                status == "confirmed"
                and hour >= 20
                and rng.random() < 0.2
                and await self.activity(
                    "mediation",
                    f"Bord de plateau — {spec.title}",
                    slot.room,
                    talk,
                    talk + timedelta(minutes=30),
                    "Relations publiques",
                    performance_id=row["id"],
                    **links,
                )
            ):
                ends.append(talk + timedelta(minutes=30))
        if status != "confirmed" or not ends:
            return
        title, room, get_in = spec.title, slot.room, slot.get_in
        await self.activity(
            "get_in", f"Montage — {title}", room, _at(get_in, 9), _at(get_in, 17), **links
        )
        await self.activity(
            "rehearsal", f"Raccords — {title}", room, _at(get_in, 18), _at(get_in, 21, 30), **links
        )
        for day, (first, perf_id) in firsts.items():
            await self.activity(
                "technical_service",
                f"Service de plateau — {title}",
                room,
                max(first - timedelta(hours=3), _at(day, 8)),
                first - timedelta(minutes=30),
                performance_id=perf_id,
                **links,
            )
        out = max(ends) + timedelta(minutes=15)
        await self.activity(
            "get_out", f"Démontage — {title}", room, out, out + timedelta(hours=3), **links
        )
        if rng.random() < 0.3:
            day = _weekday(get_in - timedelta(days=rng.randint(14, 28)))
            await self.activity(
                "meeting",
                f"Réunion technique — {title}",
                None,
                _at(day, 10),
                _at(day, 11, 30),
                **links,
            )
        if spec.genre == "jeune public":
            day = _weekday(get_in - timedelta(days=rng.randint(7, 12)))
            await self.activity(
                "mediation",
                f"Atelier en classe — {title}",
                None,
                _at(day, 9, 30),
                _at(day, 11, 30),
                "Relations publiques",
                **links,
            )

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
        """The activity on the first day from ``day`` its room has no engagement and is free."""
        for _ in range(40):
            if (
                str(day.weekday()) in weekdays
                and day not in self.busy[room]
                and not CLOSURE[0] <= day <= CLOSURE[1]
                and await self.activity(
                    kind, title, room, _at(day, hours[0]), _at(day, hours[1]), team
                )
            ):
                self.busy[room].add(day)
                return
            day += timedelta(days=1)

    async def house(self) -> None:
        """What keeps a theatre busy between shows: meetings, upkeep, hires, visits."""
        rng = self.rng
        for week in range(0, 43, 2):
            monday = date(2026, 9, 7) + timedelta(weeks=week)
            if not CLOSURE[0] <= monday <= CLOSURE[1]:
                await self.activity(
                    "meeting",
                    "Réunion de l'équipe technique",
                    None,
                    _at(monday, 10),
                    _at(monday, 11, 30),
                )
        for key in ("grande", "gp", "studio", "hall"):
            for day in (CLOSURE[0] + timedelta(days=n) for n in (1, 2, 3)):
                await self.activity(
                    "maintenance",
                    f"Maintenance annuelle — {ROOMS[key][0]}",
                    key,
                    _at(day, 9),
                    _at(day, 17),
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
        for month in (10, 11, 12, 13, 14, 15, 16, 17, 18):
            first = date(2026 + month // 13, (month - 1) % 12 + 1, 1)
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
        ]
        for label, step in steps:
            bar.update(task, description=label)
            await step()
            bar.advance(task)
        bar.update(task, description="Engagements, représentations et activités")
        for slot in self.slots:
            await self.engagement(slot, slot.show, slot.status)
            if slot.rival is not None:
                await self.engagement(slot, slot.rival, "option")
            bar.advance(task)
        bar.update(task, description="Vie de la maison")
        await self.house()
        bar.advance(task)


async def _has_season(session: AsyncSession, replace: bool) -> str | None:
    shows: Any = Show.__table__  # type: ignore[attr-defined]
    if not (await session.execute(select(func.count()).select_from(shows))).scalar_one():
        return None
    if replace:
        raise ValueError("the database already has a season; use a fresh data directory")
    return "The database already has a season (demo already loaded); nothing was added."


async def load_demo(
    db: Database, seed: int = 1, replace: bool = False, progress: bool = True
) -> str:
    """Load the demo season unless the database already has shows; return a summary."""
    async with db.sessions() as session:
        if (already := await _has_season(session, replace)) is not None:
            return already
    teams = await ensure_default_teams(db)
    for email, name, team in DEMO_USERS:
        try:
            await create_user(
                db, email, name, DEMO_PASSWORD, admin=team is None, teams=[team] if team else []
            )
        except Invalid:
            pass  # kept from an earlier load that did not finish
    async with unit_of_work(db, SYSTEM) as uow:
        await uow.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DEMO_LOCK})
        if (already := await _has_season(uow.session, replace)) is not None:
            return already
        season = _Season(uow, random.Random(seed), teams)
        with Progress(disable=not progress) as bar:
            task = bar.add_task("Saison de démonstration", total=len(season.slots) + 4)
            await season.load(bar, task)
            bar.update(task, description="Enregistrement")
            await uow.commit()
    c = season.counts
    accounts = ", ".join(f"{email} ({team or 'administrateur'})" for email, _n, team in DEMO_USERS)
    return (
        f"Demo season 2026–2027 loaded: Théâtre du Pont-Levant ({c['room'] - 1} rooms) and a "
        f"partner venue, {c['organisation']} organisations, {c['contact']} contacts, "
        f"{c['show']} shows, {c['engagement']} engagements ({c['engagement.option']} options, "
        f"{c['engagement.cancelled']} cancelled), {c['performance']} performances and "
        f"{c['activity']} other activities. Sign in as {accounts} with the password "
        f"{DEMO_PASSWORD}."
    )
