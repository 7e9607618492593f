"""On a phone (390 px), every page fits the screen: a long title wraps, the buttons wrap, and a
list too wide for the screen scrolls sideways inside its card; the page itself never does
(a technician reads the engagement or the organisations on the stage, one hand free)."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page

from tests.conftest import Api
from tests.web.conftest import OpenPage

PHONE = {"width": 390, "height": 800}


async def sideways(page: Page) -> int:
    """How far the page itself scrolls sideways (0: it fits)."""
    width: int = await page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return width


async def test_record_pages_and_lists_fit_a_phone_screen(
    open_page: OpenPage, admin: Api, stage: dict[str, Any]
):
    company = await admin.create(
        "/organisations", {"name": "Compagnie du Lac Gelé — Théâtre itinérant de la Vallée"}
    )
    option = stage["option"]
    pages = {
        f"/programmation/exploitations/{option['id']}": "Phèdre",
        "/programmation/exploitations": "Exploitations",
        f"/annuaire/structures/{company['id']}": "Compagnie du Lac Gelé",
        "/annuaire/structures": "Structures",
        f"/technique/salles/{stage['grande']['id']}": "Grande salle",
        f"/planning/activites/{stage['mover']['id']}": "Raccord lumière",
    }
    page = await open_page("admin@test.saison", "/", viewport=PHONE)
    for path, heading in pages.items():
        await page.goto(path)
        await page.get_by_role("heading", name=heading).first.wait_for()
        await page.wait_for_load_state("networkidle")
        assert await sideways(page) == 0, f"{path} scrolls sideways on a phone"
