"""A small season built through the API, and the payloads used to make more of it.

Import the ``season`` fixture from here (tests/conftest.py re-exports it). Everything is made
by the administrator over HTTP, so each record also has its change-log rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.conftest import Api
    from tests.fresh import Fresh

PASSWORD = "motdepasse-solide"  # the password of every account the ``people`` fixture makes


def paris(day: str, time: str) -> str:
    """An instant of the venue's calendar, e.g. paris("2026-10-06", "20:00")."""
    return f"{day}T{time}:00+02:00"


@pytest.fixture
async def season(admin: Api, fresh: Fresh) -> dict[str, dict[str, Any]]:
    """One of each record: the directory, a venue with two rooms, a show and its dates.

    Made over HTTP the first time a process needs it, then recorded and brought back, change
    log included (``Fresh.once``).
    """
    return await fresh.once("season", on="people", make=lambda: make_season(admin))


async def make_season(admin: Api) -> dict[str, dict[str, Any]]:
    s: dict[str, dict[str, Any]] = {}
    s["organisation"] = await admin.create(
        "/organisations", {"name": "Compagnie Éclat", "kind": "company", "city": "Grenoble"}
    )
    s["contact"] = await admin.create(
        "/contacts", {"first_name": "Léa", "last_name": "Martin", "emails": ["lea@eclat.fr"]}
    )
    s["contact_role"] = await admin.create(
        "/contact-roles",
        {
            "contact_id": s["contact"]["id"],
            "organisation_id": s["organisation"]["id"],
            "role": "Chargée de diffusion",
        },
    )
    s["venue"] = await admin.create(
        "/venues",
        {"name": "Théâtre de la Halle", "address": "2 place du Marché", "city": "Lyon"},
    )
    s["room"] = await admin.create(
        "/rooms", {"venue_id": s["venue"]["id"], "name": "Grande salle", "capacity": 600}
    )
    s["studio"] = await admin.create(
        "/rooms", {"venue_id": s["venue"]["id"], "name": "Studio", "capacity": 120}
    )
    s["room_configuration"] = await admin.create(
        "/room-configurations", {"room_id": s["room"]["id"], "name": "Frontal", "capacity": 550}
    )
    s["place"] = await admin.create("/places", {"venue_id": s["venue"]["id"]})
    s["technical_sheet"] = await admin.create(
        "/technical-sheets", {"room_id": s["room"]["id"], "title": "Fiche technique"}
    )
    s["show"] = await admin.create(
        "/shows", {"title": "Phèdre", "company_id": s["organisation"]["id"], "genre": "théâtre"}
    )
    s["engagement"] = await admin.create(
        "/engagements",
        {
            "show_id": s["show"]["id"],
            "room_id": s["room"]["id"],
            "first_day": "2026-10-06",
            "last_day": "2026-10-08",
            "status": "confirmed",
            "fee": "8500.00",
            "contract_terms": "Contrat de cession, défraiements en sus",
        },
    )
    s["performance"] = await admin.create(
        "/performances",
        {
            "engagement_id": s["engagement"]["id"],
            "starts_at": paris("2026-10-06", "20:00"),
            "ends_at": paris("2026-10-06", "22:00"),
        },
    )
    s["activity"] = await admin.create(
        "/activities",
        {
            "kind": "get_in",
            "title": "Montage Phèdre",
            "room_id": s["room"]["id"],
            "starts_at": paris("2026-10-05", "09:00"),
            "ends_at": paris("2026-10-05", "18:00"),
        },
    )
    return s


@dataclass(frozen=True)
class Kind:
    """One kind of record as the API serves it, and how to make another one of it."""

    path: str
    entity: str  # its name in the change log
    workspace: str
    new: Callable[[dict[str, dict[str, Any]]], dict[str, Any]]
    change: dict[str, Any]  # a PATCH body that changes it

    def __str__(self) -> str:
        return self.path.strip("/")


KINDS = [
    Kind(
        "/organisations",
        "organisation",
        "directory",
        lambda s: {"name": "Les Tréteaux", "kind": "producer", "siret": "12345678900011"},
        {"city": "Marseille"},
    ),
    Kind(
        "/contacts",
        "contact",
        "directory",
        lambda s: {"first_name": "Hugo", "last_name": "Bernard", "phones": ["+33 6 12 34 56 78"]},
        {"notes": "Préfère le téléphone"},
    ),
    Kind(
        "/contact-roles",
        "contact_role",
        "directory",
        lambda s: {
            "contact_id": s["contact"]["id"],
            "organisation_id": s["organisation"]["id"],
            "role": "Régisseuse générale",
        },
        {"role": "Directrice technique"},
    ),
    Kind(
        "/places",
        "place",
        "directory",
        lambda s: {"name": "Salle des fêtes", "city": "Villeurbanne"},
        {"address": "1 rue de la Paix"},
    ),
    Kind(
        "/venues",
        "venue",
        "technical",
        lambda s: {"name": "La Fabrique", "city": "Vénissieux", "is_own": False},
        {"access_notes": "Quai de déchargement côté cour"},
    ),
    Kind(
        "/rooms",
        "room",
        "technical",
        lambda s: {"venue_id": s["venue"]["id"], "name": "Foyer", "capacity": 80},
        {"capacity": 90},
    ),
    Kind(
        "/room-configurations",
        "room_configuration",
        "technical",
        lambda s: {"room_id": s["room"]["id"], "name": "Bi-frontal", "capacity": 400},
        {"description": "Gradins déplacés"},
    ),
    Kind(
        "/technical-sheets",
        "technical_sheet",
        "technical",
        lambda s: {"show_id": s["show"]["id"], "title": "Fiche technique Phèdre"},
        {"notes": "Plan de feu joint"},
    ),
    Kind(
        "/shows",
        "show",
        "programming",
        lambda s: {"title": "Bérénice", "duration_minutes": 110},
        {"genre": "tragédie"},
    ),
    Kind(
        "/engagements",
        "engagement",
        "programming",
        lambda s: {
            "show_id": s["show"]["id"],
            "room_id": s["studio"]["id"],
            "first_day": "2026-11-03",
            "last_day": "2026-11-04",
        },
        {"notes": "Option posée au téléphone"},
    ),
    Kind(
        "/performances",
        "performance",
        "programming",
        lambda s: {
            "engagement_id": s["engagement"]["id"],
            "starts_at": paris("2026-10-07", "20:00"),
            "ends_at": paris("2026-10-07", "22:00"),
        },
        {"ticketing_ref": "BIL-0710"},
    ),
    Kind(
        "/activities",
        "activity",
        "planning",
        lambda s: {
            "kind": "rehearsal",
            "title": "Raccord lumière",
            "room_id": s["studio"]["id"],
            "starts_at": paris("2026-10-05", "14:00"),
            "ends_at": paris("2026-10-05", "17:00"),
        },
        {"title": "Raccord son"},
    ),
]
