"""A realistic run for documents, made by the departments through the API as they would.

Le Lac Gelé by Compagnie Mélusine (produced by Bureau Clémentine), three days in the Salle
Gérard-Philipe of the Théâtre de la Halle: a get-in, a service, performances at 20:30 (one in
LSF) and a Wednesday matinée, a get-out; its run (layout, people, hospitality) kept by
Technique, its contract by Administration; the venue's own organisation in the directory with
its numbers and staff; an option of another show in the Studio.
"""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import unquote

import pytest
from pypdf import PdfReader

from tests.factories import paris

FEE = "12500.00"


def pdf_text(content: bytes) -> str:
    """The text of a PDF as a person reads it (spaces normalised: Babel uses narrow ones)."""
    assert content.startswith(b"%PDF-"), content[:100]
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text)


def file_name(response: Any) -> str:
    """The UTF-8 file name of a download (RFC 6266 ``filename*``)."""
    header = response.headers["content-disposition"]
    found = re.search(r"filename\*=UTF-8''([^;]+)", header)
    if found:
        return unquote(found.group(1))
    return re.search(r'filename="([^"]+)"', header).group(1)  # type: ignore[union-attr]


@pytest.fixture
async def run(admin, people, season, fresh) -> dict[str, Any]:
    """The run of Le Lac Gelé, made through the API (once a process, then brought back:
    ``Fresh.once``); ids of what documents print."""
    return await fresh.once("run", on="season", make=lambda: make_run(people, season))


async def make_run(people: dict[str, Any], season: dict[str, Any]) -> dict[str, Any]:
    admin = people["admin"]
    venue_org = await admin.create(
        "/organisations",
        {
            "name": "Théâtre de la Halle",
            "kind": "other",
            "address": "2 place du Marché",
            "postcode": "69002",
            "city": "Lyon",
            "siret": "123 456 789 00012",
            "ape_code": "9004Z",
            "vat_number": "FR12123456789",
            "licence_numbers": "PLATESV-D-2021-000124 (cat. 3)",
        },
    )
    producer = await admin.create(
        "/organisations",
        {
            "name": "Bureau Clémentine Productions",
            "kind": "producer",
            "address": "12 rue des Écoles",
            "postcode": "69001",
            "city": "Lyon",
            "siret": "987 654 321 00034",
            "ape_code": "9001Z",
            "licence_numbers": "PLATESV-D-2020-004567 (cat. 2)",
        },
    )
    company = await admin.create(
        "/organisations", {"name": "Compagnie Mélusine", "kind": "company", "city": "Nantes"}
    )

    async def person(first: str, last: str, org: int, role: str, phone: str) -> dict[str, Any]:
        contact = await admin.create(
            "/contacts", {"first_name": first, "last_name": last, "phones": [phone]}
        )
        await admin.create(
            "/contact-roles", {"contact_id": contact["id"], "organisation_id": org, "role": role}
        )
        return contact

    # The organiser's numbers and signatory: the organisation's record (Administration).
    current = await admin.get("/organisation")
    r = await admin.patch(
        "/organisation",
        {
            "name": "Théâtre de la Halle",
            "address": "2 place du Marché",
            "postcode": "69002",
            "city": "Lyon",
            "siret": "123 456 782 00002",
            "ape_code": "9004Z",
            "vat_number": "FR11123456782",
            "licence_3": "PLATESV-D-2021-000124",
            "representative_name": "Hélène Garnier",
            "representative_title": "Directrice",
        },
        version=current.json()["version"],
    )
    assert r.status_code == 200, r.text
    director = await person("Hélène", "Garnier", venue_org["id"], "Directrice", "04 72 00 00 01")
    await person("Joël", "Perrin", venue_org["id"], "Directeur technique", "04 72 00 00 02")
    host = await person("Zoé", "Lemaître", venue_org["id"], "Chargée d'accueil", "06 11 22 33 44")
    await person("Benoît", "Rousseau", producer["id"], "Administrateur", "06 55 44 33 22")
    tour = await person("Cédric", "Ménard", company["id"], "Tour manager", "06 12 34 56 78")
    stage = await person("Inès", "Faure", company["id"], "Régisseuse générale", "06 98 76 54 32")

    # The season's Phèdre has the Grande salle on those days: Lac Gelé plays next door.
    room = await admin.create(
        "/rooms",
        {
            "venue_id": season["venue"]["id"],
            "name": "Salle Gérard-Philipe",
            "capacity": 220,
            "color": "#1f618d",
        },
    )
    layout = await admin.create(
        "/room-configurations",
        {"room_id": room["id"], "name": "Bi-frontale", "capacity": 180},
    )
    await admin.patch(
        f"/venues/{season['venue']['id']}",
        {"access_notes": "Déchargement rue des Charrons (hauteur 4,20 m)."},
        version=season["venue"]["version"],
    )
    show = await admin.create(
        "/shows",
        {
            "title": "Lac Gelé",
            "company_id": company["id"],
            "producer_id": producer["id"],
            "genre": "théâtre",
            "duration_minutes": 95,
            "credits": "Mise en scène : Agnès Prévost",
        },
    )
    rider = await admin.create(
        "/technical-sheets",
        {
            "show_id": show["id"],
            "title": "Fiche technique Lac Gelé",
            "notes": "Plateau 10 m × 8 m, noir complet, 24 PC 1 kW.",
        },
    )
    upload = await admin.http.post(
        f"/technical-sheets/{rider['id']}/attachments",
        files={"file": ("Plan de feu — Lac Gelé.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")},
    )
    assert upload.status_code == 201, upload.text
    await admin.create(
        "/technical-sheets",
        {"room_id": room["id"], "title": "Salle Gérard-Philipe", "notes": "Grill fixe à 7,50 m."},
    )
    engagement = await admin.create(
        "/engagements",
        {
            "show_id": show["id"],
            "room_id": room["id"],
            "first_day": "2026-10-05",
            "last_day": "2026-10-07",
            "status": "confirmed",
        },
    )
    r = await people["technique"].patch(
        f"/engagements/{engagement['id']}",
        {
            "room_configuration_id": layout["id"],
            "tour_manager_id": tour["id"],
            "technical_contact_id": stage["id"],
            "host_contact_id": host["id"],
            "party_size": 9,
            "meals": "Repas chauds lundi midi et soir ; un végétarien.",
            "dressing_rooms": "Loges 1 et 2, loge 5 pour les costumes.",
            "accommodation": "Hôtel de la Loire, 5 chambres, nuits du 4 au 7.",
            "travel": "Arrivée en train le 4 à 18 h 12.",
        },
        version=engagement["version"],
    )
    assert r.status_code == 200, r.text
    r = await people["administration"].patch(
        f"/engagements/{engagement['id']}",
        {
            "fee": FEE,
            "vat_rate": "5.5",
            "travel_costs": "850.00",
            "accommodation_costs": "620.00",
            "authors_rights": "SACD : déclarés et réglés par l'Organisateur.",
            "contract_terms": "Deux places de parking pour le camion.",
        },
        version=r.json()["version"],
    )
    assert r.status_code == 200, r.text
    engagement = r.json()

    performances = []
    for day, clock, flags in (
        ("2026-10-05", "20:30", {"sign_language": True}),
        ("2026-10-06", "20:30", {}),
        ("2026-10-07", "15:00", {}),
    ):
        hour, minute = map(int, clock.split(":"))
        end = f"{hour + 1:02d}:{minute + 35:02d}" if minute < 25 else f"{hour + 2:02d}:05"
        performances.append(
            await admin.create(
                "/performances",
                {
                    "engagement_id": engagement["id"],
                    "starts_at": paris(day, clock),
                    "ends_at": paris(day, end),
                    **flags,
                },
            )
        )
    teams = {t["name"]: t["id"] for t in (await admin.get("/teams")).json()["items"]}
    for kind, title, day, start, end in (
        ("get_in", "Montage décor", "2026-10-05", "09:00", "13:00"),
        ("technical_service", "Réglages lumière", "2026-10-05", "14:00", "18:00"),
        ("get_out", "Démontage", "2026-10-07", "17:00", "21:00"),
    ):
        await admin.create(
            "/activities",
            {
                "kind": kind,
                "title": title,
                "room_id": room["id"],
                "starts_at": paris(day, start),
                "ends_at": paris(day, end),
                "engagement_id": engagement["id"],
                "team_id": teams["Technique"],
            },
        )
    rival = await admin.create("/shows", {"title": "Bérénice", "genre": "théâtre"})
    option = await admin.create(
        "/engagements",
        {
            "show_id": rival["id"],
            "room_id": season["studio"]["id"],
            "first_day": "2026-10-20",
            "last_day": "2026-10-22",
            "option_expires_on": "2026-09-15",
        },
    )
    return {
        "engagement": engagement,
        "show": show,
        "room": room,
        "performances": performances,
        "option": option,
        "director": director,
        "venue_org": venue_org,
    }
