"""The demo season's documents compile and read right: its shows, its days, its money.

The sheets are read back for a run in each room, the contract for a run in each contract state
(a sample: reading a PDF back takes a fifth of a second, and every confirmed run has what the
documents print, as tests/test_demo.py checks in the database); then the road sheets of a week
in one ZIP, and the season's activity report.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from server.core.permissions import SYSTEM
from server.core.unit_of_work import unit_of_work
from server.db.engine import Database
from server.documents import formatting as fmt
from server.documents.batches import BatchIn, build, plan
from server.documents.documents import Documents, Target, file_name
from server.documents.kinds import DocumentKind
from tests.documents.conftest import pdf_text

ENGAGEMENTS = """
SELECT e.id, e.status, e.first_day, e.fee, e.vat_rate, e.contract_status, s.title, r.name AS room,
       h.first_name || ' ' || h.last_name AS host
FROM engagements e JOIN shows s ON s.id = e.show_id JOIN rooms r ON r.id = e.room_id
LEFT JOIN contacts h ON h.id = e.host_contact_id
ORDER BY e.first_day, e.id
"""


def plain(value: str) -> str:
    return " ".join(value.replace("\u202f", " ").replace("\u00a0", " ").split())


async def render(db: Database, kind: DocumentKind, target: Target) -> tuple[str, str]:
    async with unit_of_work(db, SYSTEM) as uow:
        document = await Documents(uow, "fr").render(kind, target)
    return document.filename, pdf_text(document.pdf)


def first_of_each(runs: list[Any], key: str) -> list[Any]:
    """The first run (in season order) of each value of ``key``."""
    firsts: dict[Any, Any] = {}
    for e in runs:
        firsts.setdefault(e[key], e)
    return list(firsts.values())


async def test_the_documents_of_the_demo_season(db: Database, demo: str) -> None:
    async with db.sessions() as session:
        engagements: list[Any] = list((await session.execute(text(ENGAGEMENTS))).mappings())
    confirmed = [e for e in engagements if e["status"] == "confirmed"]
    assert len(confirmed) >= 50
    # The sheets print the room, its venue and the host: one run in each room.
    rooms = first_of_each(confirmed, "room")
    assert len(rooms) >= 4
    for e in rooms:
        target = Target(engagement_id=e["id"])
        title = plain(e["title"])
        name, road = await render(db, DocumentKind.ROAD_SHEET, target)
        assert name.startswith(file_name("Feuille de route", e["title"]).removesuffix(".pdf"))
        for expected in ("FEUILLE DE ROUTE", title, e["room"], "Théâtre du Pont-Levant"):
            assert expected in road, (expected, name)
        assert fmt.heading_day(e["first_day"], "fr") in road or "Montage" in road
        assert "€" not in road
        _name, welcome = await render(db, DocumentKind.WELCOME_SHEET, target)
        assert title in welcome and e["host"] in welcome, e["title"]
    # The contract prints the money and where it stands: one run in each state.
    states = first_of_each(confirmed, "contract_status")
    assert {e["contract_status"] for e in states} == {"draft", "sent", "signed"}
    for e in states:
        title = plain(e["title"])
        _name, contract = await render(db, DocumentKind.CONTRACT, Target(engagement_id=e["id"]))
        fee: Decimal = e["fee"]
        vat = (fee * e["vat_rate"] / 100).quantize(Decimal("0.01"))
        for expected in (
            f"« {title} »",
            "419 512 348 00030",  # the theatre's SIRET, from the organisation's record
            plain(fmt.amount(fee, "fr") or ""),
            plain(fmt.amount(fee + vat, "fr") or ""),
            "TVA 5,5 %",
        ):
            assert expected in contract, (expected, e["title"])

    # Every road sheet of a week of October, day by day, in one ZIP.
    async with unit_of_work(db, SYSTEM) as uow:
        week = BatchIn(start=date(2026, 10, 5), end=date(2026, 10, 11))
        targets = await plan(uow, DocumentKind.ROAD_SHEET, week)
    assert len(targets) >= 5
    archive = zipfile.ZipFile(
        io.BytesIO(await build(db, SYSTEM, DocumentKind.ROAD_SHEET, targets, "fr"))
    )
    assert len(archive.namelist()) == len(targets)
    assert all(n.startswith("Feuille de route — ") for n in archive.namelist())

    # The season's activity report.
    name, report = await render(
        db, DocumentKind.ACTIVITY_REPORT, Target(start=date(2026, 9, 1), end=date(2027, 6, 30))
    )
    assert name == "Bilan d’activité — 2026-09-01 – 2027-06-30.pdf"
    for expected in ("Grande salle", "Salle Gérard-Philipe", "Studio", "théâtre", "danse"):
        assert expected in report, expected
    options = [e for e in engagements if e["status"] == "option"]
    assert any(plain(o["title"]) in report for o in options)
