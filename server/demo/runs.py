"""What the demo's runs and contracts hold, for its road sheets, welcome sheets and contracts.

The theatre as the organisation running Saison (its numbers and signatory, the organiser's
party to every contract) and in its own directory with its staff; each company's tour manager
and stage manager; for each engagement, its room layout, the people of the run, hospitality,
and its contract: drafted, sent or signed on days that have passed, the fee with VAT at 5.5 %,
costs and authors' rights. Drawn from a random stream of its own (the contract's dates from the
season's, as before), so the rest of the demo stays as the seed makes it.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy import text

from server.core.entities import EntityService
from server.core.organisation import OrganisationSettings
from server.core.unit_of_work import UnitOfWork
from server.demo.calendar import Slot, Spec
from server.demo.words import FIRST, LAST
from server.directory.contacts import ContactIn, ContactRoleIn, ContactRoleService, ContactService
from server.directory.organisations import OrganisationIn, OrganisationService


class Season(Protocol):
    """What the runs need of the season being loaded (``server.demo.season.Season``)."""

    uow: UnitOfWork
    rng: random.Random
    today: date
    rooms: dict[str, int]
    orgs: dict[str, list[dict[str, Any]]]

    async def add(
        self, service: type[EntityService], schema: type[BaseModel], data: dict[str, Any]
    ) -> dict[str, Any]: ...


HOUSE = {
    "name": "Théâtre du Pont-Levant",  # as the venue is named: the organiser of every contract
    "kind": "other",
    "email": "administration@pont-levant.fr",
    "phone": "02 38 54 12 00",
    "address": "4 place de la Halle-aux-Grains",
    "postcode": "45000",
    "city": "Orléans",
    "website": "https://www.pont-levant.fr",
    "siret": "419 512 348 00030",  # fictional, but passing the Luhn check as a real one does
    "ape_code": "9004Z",
    "vat_number": "FR80419512348",
    "licence_numbers": "PLATESV-R-2020-000812 (cat. 1), PLATESV-D-2020-000813 (cat. 3)",
    "notes": "Association loi 1901, scène conventionnée.",
}
# The theatre as Administration › Organisation holds it: what its documents and contracts print.
ORGANISATION = {
    "name": HOUSE["name"],
    "address": HOUSE["address"],
    "postcode": HOUSE["postcode"],
    "city": HOUSE["city"],
    "siret": HOUSE["siret"],
    "ape_code": HOUSE["ape_code"],
    "vat_number": HOUSE["vat_number"],
    "licence_1": "PLATESV-R-2020-000812",
    "licence_3": "PLATESV-D-2020-000813",
    "representative_name": "Hélène Garnier",
    "representative_title": "Directrice",
}
STAFF = [  # first, last, role, phone
    ("Hélène", "Garnier", "Directrice", "02 38 54 12 01"),
    ("Joël", "Perrin", "Directeur technique", "06 70 12 34 01"),
    ("Rémi", "Caradec", "Régisseur général", "06 70 12 34 02"),
    ("Amélie", "Girard", "Administratrice", "02 38 54 12 03"),
    ("Zoé", "Lemaître", "Chargée d'accueil des artistes", "06 70 12 34 05"),
    ("Loïc", "Thébault", "Chargé d'accueil des artistes", "06 70 12 34 06"),
    ("Margaux", "Hébert", "Responsable de l'accueil du public", "02 38 54 12 07"),
]
DRESSING_ROOMS = {
    "grande": "Loges 1 à 4 au niveau du plateau, loge 6 pour l'habillage (lave-linge, "
    "sèche-linge, fer). Catering servi en loge 1.",
    "gp": "Loges 7 et 8 côté jardin, douches à l'étage ; portants et fer en loge 8.",
    "studio": "Loge du Studio (6 places) et loge 9 pour les costumes.",
    "hall": "Loge du foyer (4 places), accès par l'escalier de service.",
    "rives": "Loges de l'Espace Les Rives, accès par la cour ; clés à l'accueil du lieu.",
}
PARTY = {  # genre: people on the road
    "théâtre": (5, 11),
    "danse": (7, 13),
    "cirque": (6, 12),
    "musique": (3, 8),
    "jeune public": (2, 5),
}
TRAVEL = [
    "Arrivée en train à Orléans la veille du montage ; navette du théâtre depuis la gare.",
    "Camion décor de 20 m³ et minibus de l'équipe ; stationnement réservé rue des Charrons.",
    "Équipe en voiture depuis {city} ; décor livré par transporteur le matin du montage.",
]
HOTELS = ["Hôtel de la Loire", "Hôtel du Théâtre", "Résidence Jeanne-d'Arc"]
DIET = ["un repas végétarien", "un repas sans gluten", "deux repas végétariens", "aucun régime"]
CENT = Decimal("0.01")


class Runs:
    """Fills the demo's engagements in, from its own random stream."""

    def __init__(self, season: Season) -> None:
        self.season = season
        self.rng = random.Random(2026)
        self.hosts: list[int] = []
        self.people: dict[int, dict[str, int]] = {}  # company id -> role -> contact id

    async def person(
        self, first: str, last: str, org: int, role: str, phone: str, domain: str
    ) -> int:
        name = unicodedata.normalize("NFKD", f"{first[0]}.{last}").encode("ascii", "ignore")
        contact = await self.season.add(
            ContactService,
            ContactIn,
            {
                "first_name": first,
                "last_name": last,
                "phones": [phone],
                "emails": [f"{name.decode().lower().replace(' ', '')}@{domain}"],
            },
        )
        await self.season.add(
            ContactRoleService,
            ContactRoleIn,
            {"contact_id": contact["id"], "organisation_id": org, "role": role},
        )
        return int(contact["id"])

    async def directory(self) -> None:
        """The theatre in its own directory, and every company's people for the road."""
        await OrganisationSettings(self.season.uow).update(ORGANISATION, None, commit=False)
        house = await self.season.add(OrganisationService, OrganisationIn, HOUSE)
        for first, last, role, phone in STAFF:
            contact = await self.person(first, last, house["id"], role, phone, "pont-levant.fr")
            if "accueil des artistes" in role:
                self.hosts.append(contact)
        names = [(f, n) for f in FIRST for n in LAST]
        for company in self.season.orgs["company"]:
            people = {}
            for role in ("Administrateur de tournée", "Régisseuse générale"):
                first, last = self.rng.choice(names)
                phone = "06 " + " ".join(f"{self.rng.randint(10, 99)}" for _ in range(4))
                domain = (company.get("website") or "https://compagnie.fr").split("www.")[-1]
                people[role] = await self.person(
                    first, last, company["id"], role, phone, domain.removeprefix("https://")
                )
            self.people[company["id"]] = people

    async def details(self, slot: Slot, spec: Spec, status: str) -> dict[str, Any]:
        """The run and the contract of one engagement."""
        rng, session = self.rng, self.season.uow.session
        company, city = (
            await session.execute(
                text(
                    "SELECT s.company_id, o.city FROM shows s "
                    "LEFT JOIN organisations o ON o.id = s.company_id WHERE s.id = :id"
                ),
                {"id": spec.id},
            )
        ).one()
        layouts = (
            (
                await session.execute(
                    text("SELECT id FROM room_configurations WHERE room_id = :r ORDER BY id"),
                    {"r": self.season.rooms[slot.room]},
                )
            )
            .scalars()
            .all()
        )
        people = self.people.get(company, {})
        party = rng.randint(*PARTY[spec.genre])
        nights = (slot.days[-1] - slot.get_in).days + 1
        rooms = max(1, (party + 1) // 2)
        first_night = slot.get_in - timedelta(days=1)
        out: dict[str, Any] = {
            "room_configuration_id": layouts[0] if rng.random() < 0.75 else rng.choice(layouts),
            "tour_manager_id": people.get("Administrateur de tournée"),
            "technical_contact_id": people.get("Régisseuse générale"),
            "host_contact_id": self.hosts[spec.id % len(self.hosts)] if self.hosts else None,
            "party_size": party,
            "meals": f"Catering en loge dès l'arrivée ; repas chauds midi et soir pour {party} "
            f"personnes les jours de montage et de représentation ({rng.choice(DIET)}).",
            "dressing_rooms": DRESSING_ROOMS[slot.room],
            "accommodation": f"{rng.choice(HOTELS)}, {rooms} chambre{'s' if rooms > 1 else ''}, "
            f"nuits du {first_night.day}/{first_night.month:02d} au "
            f"{slot.days[-1].day}/{slot.days[-1].month:02d}, petits-déjeuners compris.",
            "travel": rng.choice(TRAVEL).format(city=city or "la région"),
            "vat_rate": Decimal("5.50"),
            "authors_rights": (
                "SACEM : déclarés et réglés par l'Organisateur sur le programme fourni par le "
                "Producteur."
                if spec.genre == "musique"
                else "SACD : déclarés et réglés par l'Organisateur."
            ),
        }
        if status != "option":
            out["travel_costs"] = Decimal(rng.randrange(250, 1500, 10))
            out["meal_costs"] = (Decimal("20.20") * party * (nights + 1)).quantize(CENT)
        out.update(self.contract(slot, status))
        return out

    def contract(self, slot: Slot, status: str) -> dict[str, Any]:
        """Drafted, sent or signed, on days that have passed (the database refuses others).

        Drawn from the season's own stream, three draws per confirmed engagement, as the
        demo always has: what follows in the season stays as the seed makes it.
        """
        if status != "confirmed":
            return {"contract_status": "draft"}
        rng, first, today = self.season.rng, slot.days[0], self.season.today
        signed = first - timedelta(days=rng.randint(45, 120))
        sent = signed - timedelta(days=rng.randint(30, 60) - 25)  # 5 to 35 days before
        draw = rng.random()
        if first < date(2027, 1, 1) or (first < date(2027, 4, 1) and draw < 0.7) or draw < 0.4:
            state = "signed"
        else:
            state = "sent" if draw < 0.8 else "draft"
        if state == "signed" and signed > today:
            state = "sent"
        if state == "sent" and sent > today:
            state = "draft"
        if state == "signed":
            return {
                "contract_status": "signed",
                "contract_sent_on": sent,
                "contract_signed_on": signed,
            }
        if state == "sent":
            return {"contract_status": "sent", "contract_sent_on": sent}
        return {"contract_status": "draft"}
