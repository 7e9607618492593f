"""Sample data for each kind of document: what a venue's own template is compiled against
before it is accepted, and what its author reads to know the data's shape.

The same shape as the real data (a test compares them key by key), with a little of everything
a real season holds: a performance in LSF, a day ending after midnight, a contract with costs,
an option waiting behind a confirmed show, and a title full of markup characters.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

from server.core.localtime import at
from server.documents import formatting as fmt
from server.documents.kinds import KINDS, DocumentKind
from server.programming.contracts import vat_of

TITLE = "Le Lac gelé — #titre *gras* <b>"
FIRST, LAST = date(2026, 10, 5), date(2026, 10, 7)


def _brand() -> dict[str, Any]:
    return {
        "name": "Théâtre du Pont-Levant",
        "logo": None,
        "address": "4 place de la Halle-aux-Grains, 45000 Orléans",
        "phone": "02 38 54 12 00",
    }


def _document(kind: DocumentKind, language: str) -> dict[str, Any]:
    when = fmt.moment(at(date(2026, 9, 28), time(10, 15)), language)
    return {
        "kind": kind.value,
        "language": language,
        "title": KINDS[kind].label(language),
        "issued": when,
        "issued_by": "Hélène Garnier",
        "issued_line": f"{when} — Hélène Garnier",
    }


def _person(name: str, role: str, phone: str | None, email: str | None) -> dict[str, Any]:
    return {
        "name": name,
        "role": role,
        "phones": [phone] if phone else [],
        "emails": [email] if email else [],
    }


def _entry(
    language: str,
    day: date,
    start: time,
    end: time,
    kind: str,
    kind_label: str,
    title: str,
    **extra: Any,
) -> dict[str, Any]:
    starts = at(day, start)
    ends = at(day if end > start else date.fromordinal(day.toordinal() + 1), end)
    return {
        "kind": kind,
        "kind_label": kind_label,
        "title": title,
        "start": fmt.clock(starts, language),
        "end": fmt.clock(ends, language),
        "end_day": fmt.day(ends.date(), language) if ends.date() != day else None,
        "starts_at": starts,
        "ends_at": ends,
        "room": extra.get("room", "Grande salle"),
        "team": extra.get("team", "Technique"),
        "notes": extra.get("notes"),
        "tentative": False,
        "performance": kind == "performance",
        "accessibility": extra.get("accessibility", []),
    }


def _days(language: str) -> list[dict[str, Any]]:
    e = _entry
    lsf = ["Adaptée en LSF" if language == "fr" else "French sign language (LSF)"]
    plan = {
        FIRST: [
            e(language, FIRST, time(9), time(13), "get_in", "Montage", "Montage décor"),
            e(language, FIRST, time(14), time(18), "technical_service", "Service", "Réglages"),
            e(
                language,
                FIRST,
                time(20, 30),
                time(22),
                "performance",
                "Représentation",
                TITLE,
                team=None,
            ),
            e(
                language,
                FIRST,
                time(22, 15),
                time(1),
                "technical_service",
                "Service",
                "Démontage partiel",
                notes="Pause repas de 19 h 00 à 20 h 00.",
            ),
        ],
        LAST: [
            e(
                language,
                LAST,
                time(15),
                time(16, 30),
                "performance",
                "Représentation",
                TITLE,
                team=None,
                accessibility=lsf,
            ),
            e(language, LAST, time(16, 45), time(20, 45), "get_out", "Démontage", "Démontage"),
        ],
    }
    return [
        {
            "date": day,
            "label": fmt.heading_day(day, language),
            "short": fmt.day(day, language),
            "entries": entries,
        }
        for day, entries in plan.items()
    ]


def _performances(language: str, days: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for day in days:
        for entry in day["entries"]:
            if entry["performance"]:
                out.append(
                    {
                        "date": day["date"],
                        "day": fmt.day(day["date"], language),
                        "legal_day": fmt.legal_day(day["date"], language),
                        "time": entry["start"],
                        "end": entry["end"],
                        "room": entry["room"],
                        "tentative": False,
                        "accessibility": entry["accessibility"],
                        "ticketing_ref": None,
                        "notes": None,
                    }
                )
    return out


def _show(language: str) -> dict[str, Any]:
    return {
        "id": 1,
        "title": TITLE,
        "company": "Compagnie Mélusine",
        "producer": "Bureau Clémentine Productions",
        "genre": "théâtre",
        "duration": fmt.duration(90, language),
        "duration_minutes": 90,
        "age_guidance": "dès 12 ans",
        "credits": "Mise en scène : Agnès Prévost",
        "description": None,
        "company_id": 1,
        "producer_id": 2,
    }


def _venue() -> dict[str, Any]:
    return {
        "name": "Théâtre du Pont-Levant",
        "address": "4 place de la Halle-aux-Grains, 45000 Orléans",
        "address_lines": ["4 place de la Halle-aux-Grains", "45000 Orléans"],
        "phone": "02 38 54 12 00",
        "access_notes": "Déchargement rue des Charrons (hauteur 4,20 m).",
        "notes": None,
    }


def _engagement(language: str) -> dict[str, Any]:
    return {
        "id": 12,
        "room_id": 1,
        "status": "confirmed",
        "first_day": FIRST,
        "last_day": LAST,
        "period": fmt.days(FIRST, LAST, language),
        "party_size": 9,
    }


def run_sheet(language: str, day: date | None = None) -> dict[str, Any]:
    days = _days(language)
    return {
        "brand": _brand(),
        "show": _show(language),
        "engagement": _engagement(language),
        "day": {"date": day, "label": fmt.long_day(day, language)} if day else None,
        "room": {
            "name": "Grande salle",
            "capacity": 650,
            "configuration": {
                "name": "Frontale avec fosse",
                "capacity": 590,
                "description": "Fosse d'orchestre couverte, premier rang retiré.",
            },
        },
        "venue": _venue(),
        "days": days,
        "performances": _performances(language, days),
        "contacts": {
            "company": [
                _person("Cédric Ménard", "Tour manager", "06 12 34 56 78", "cedric@melusine.fr"),
                _person("Inès Faure", "Régisseuse générale", "06 98 76 54 32", None),
            ],
            "venue": [
                _person("Joël Perrin", "Directeur technique", "02 38 54 12 10", None),
                _person("Amélie Girard", "Administratrice", None, "admin@pontlevant.fr"),
            ],
        },
        "host": _person("Zoé Lemaître", "Chargée d'accueil", "06 11 22 33 44", None),
        "hospitality": {
            "party_size": 9,
            "meals": "Repas chauds le lundi midi et soir ; un végétarien, un sans gluten.",
            "dressing_rooms": "Loges 1 et 2 (plateau), loge 5 pour les costumes.",
            "accommodation": "Hôtel de la Loire, 5 chambres simples, nuits du 4 au 7.",
            "travel": "Arrivée en train le 4 à 18 h 12 ; camion décor 12 m³.",
        },
    }


def sample(kind: DocumentKind, language: str = "fr") -> dict[str, Any]:
    """The sample data of ``kind`` in ``language``."""
    data: dict[str, Any]
    if kind is DocumentKind.ROAD_SHEET:
        data = run_sheet(language, FIRST)
        data["days"] = data["days"][:1]
        data["performances"] = data["performances"][:1]
        data["rider"] = [
            {
                "title": "Fiche technique — Le Lac gelé",
                "notes": "Plateau 10 m × 8 m minimum, noir complet, 24 PC 1 kW.",
                "files": ["Plan de feu — Le Lac gelé.pdf"],
            }
        ]
        data["room_sheets"] = [
            {"title": "Grande salle", "notes": "Cadre 12 m × 8 m, grill à 16 m.", "files": []}
        ]
    elif kind is DocumentKind.WELCOME_SHEET:
        data = run_sheet(language)
    elif kind is DocumentKind.CONTRACT:
        data = contract(language)
    else:
        data = report(language)
    data["document"] = _document(kind, language)
    return data


def _party(name: str, lines: list[str], **numbers: Any) -> dict[str, Any]:
    return {
        "name": name,
        "address_lines": lines,
        "email": numbers.get("email"),
        "phone": numbers.get("phone"),
        "siret": numbers.get("siret"),
        "ape_code": numbers.get("ape_code"),
        "vat_number": numbers.get("vat_number"),
        "licences": numbers.get("licences"),
        "signatory": numbers.get("signatory"),
    }


def contract(language: str) -> dict[str, Any]:
    fee, rate = Decimal("12500.00"), Decimal("5.50")
    costs = {"Transport": Decimal("850.00"), "Hébergement": Decimal("620.00")}
    vat = vat_of(fee, rate)
    total_costs = sum(costs.values(), Decimal(0))
    days = _days(language)
    return {
        "brand": _brand(),
        "organiser": _party(
            "Théâtre du Pont-Levant",
            ["4 place de la Halle-aux-Grains", "45000 Orléans"],
            siret="123 456 789 00012",
            ape_code="9004Z",
            vat_number="FR12 123456789",
            licences="PLATESV-R-2021-000123 (cat. 1), PLATESV-D-2021-000124 (cat. 3)",
            signatory={"name": "Hélène Garnier", "role": "Directrice"},
        ),
        "producer": _party(
            "Bureau Clémentine Productions",
            ["12 rue des Écoles", "69001 Lyon"],
            siret="987 654 321 00034",
            ape_code="9001Z",
            vat_number="FR98 987654321",
            licences="PLATESV-D-2020-004567 (cat. 2)",
            signatory={"name": "Benoît Rousseau", "role": "Administrateur"},
        ),
        "show": _show(language),
        "engagement": {
            "id": 12,
            "status": "confirmed",
            "first_day": FIRST,
            "last_day": LAST,
            "period": fmt.days(FIRST, LAST, language),
            "legal_period": f"{fmt.legal_day(FIRST, language)} – {fmt.legal_day(LAST, language)}",
            "performance_count": 2,
        },
        "room": {"name": "Grande salle", "capacity": 650},
        "venue": _venue(),
        "performances": _performances(language, days),
        "terms": {
            "fee": fmt.amount(fee, language),
            "vat_rate": fmt.rate(rate, language),
            "vat": fmt.amount(vat, language),
            "fee_incl_vat": fmt.amount(fee + vat, language),
            "costs": [
                {"label": label, "amount": fmt.amount(value, language)}
                for label, value in costs.items()
            ],
            "costs_total": fmt.amount(total_costs, language),
            "total_excl_vat": fmt.amount(fee + total_costs, language),
            "authors_rights": "SACD : déclarés et réglés par l'Organisateur.",
            "particular": "Deux places de parking réservées au camion de la compagnie.",
            "values": {"fee": fee, "vat_rate": rate, "vat": vat, "costs_total": total_costs},
        },
        "contract": {
            "reference": "2026-0012",
            "status": "sent",
            "status_label": "Envoyé" if language == "fr" else "Sent",
            "sent_on": fmt.legal_day(date(2026, 7, 1), language),
            "signed_on": None,
            "place": "Orléans",
            "date": fmt.legal_day(date(2026, 9, 28), language),
        },
    }


def report(language: str) -> dict[str, Any]:
    first, last = date(2026, 9, 1), date(2026, 12, 31)
    rooms = [("Grande salle", "#b03a2e", 24), ("Studio", "#7d3c98", 18)]
    months = [date(2026, m, 1) for m in (9, 10, 11, 12)]
    values = [[4, 3], [8, 5], [7, 6], [5, 4]]
    totals = {
        "performances": 42,
        "tentative": 3,
        "activities": 1118,
        "shows": 14,
        "options": 1,
        "days": 122,
    }
    return {
        "brand": _brand(),
        "period": fmt.period(first, last, language),
        "totals": totals,
        "figures": {key: fmt.number(value, language) for key, value in totals.items()},
        "rooms": [
            *(
                {
                    "room": name,
                    "performances": count,
                    "tentative": 1,
                    "activities": 59,
                    "hours": fmt.hours(310.5, language),
                    "days_used": 61,
                    "occupancy": fmt.share(61, 122, language),
                    "occupancy_ratio": 0.5,
                }
                for name, _colour, count in rooms
            ),
            {
                "room": "Hors salles" if language == "fr" else "Outside the rooms",
                "performances": 0,
                "tentative": 0,
                "activities": 1000,
                "hours": fmt.hours(820, language),
                "days_used": None,
                "occupancy": None,
                "occupancy_ratio": None,
            },
        ],
        "months": [
            {
                "label": fmt.month(m, language),
                "performances": sum(v),
                "tentative": 1,
                "activities": 30,
            }
            for m, v in zip(months, values, strict=True)
        ],
        "genres": [
            {"genre": "théâtre", "performances": 26, "shows": 8},
            {"genre": "danse", "performances": 16, "shows": 6},
        ],
        "kinds": [
            {
                "kind": "performance",
                "label": "Représentation",
                "count": 42,
                "hours": fmt.hours(63, language),
            },
            {"kind": "get_in", "label": "Montage", "count": 20, "hours": fmt.hours(180, language)},
        ],
        "options": [
            {
                "show": TITLE,
                "room": "Studio",
                "period": fmt.days(date(2026, 12, 8), date(2026, 12, 12), language),
                "rank": 2,
                "expires": fmt.day(date(2026, 10, 15), language),
                "blocked": True,
                "behind": "Bérénice",
            }
        ],
        "chart": {
            "rooms": [{"name": name, "color": colour} for name, colour, _n in rooms],
            "months": [
                {"label": fmt.short_month(m, language), "values": v, "total": sum(v)}
                for m, v in zip(months, values, strict=True)
            ],
            "max": 13,
        },
    }
