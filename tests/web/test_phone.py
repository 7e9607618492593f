"""On a phone (390 px), every page fits the screen: a long title wraps, the buttons wrap, and a
list too wide for the screen scrolls sideways inside its card; the page itself never does
(a technician reads the engagement or the organisations on the stage, one hand free)."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page

from tests.conftest import Api
from tests.web.conftest import THURSDAY, OpenPage

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


async def test_room_names_on_a_phone_timeline_end_in_an_ellipsis_not_mid_letter(
    open_page: OpenPage, stage: dict[str, Any]
):
    """The rooms column is narrow on a phone: a name that does not fit is shortened with "…"
    inside the column, never cut off by its edge."""
    page = await open_page(
        "technique@test.saison", f"/planning?view=week&date={THURSDAY}", viewport=PHONE
    )
    await page.locator(".sa-room", has_text="Grande salle").wait_for()
    labels = await page.evaluate(
        """() => [...document.querySelectorAll('.calendar .sa-room, .calendar .sa-venue')]
          .map(el => {
            const column = el.closest('.ec-sidebar').getBoundingClientRect();
            const box = el.getBoundingClientRect();
            return {
                name: el.textContent,
                inside: box.left >= column.left - 1 && box.right <= column.right + 1,
                shortened: el.scrollWidth > el.clientWidth,
                ellipsis: getComputedStyle(el).textOverflow === 'ellipsis',
            };
        })"""
    )
    assert {label["name"] for label in labels} >= {"Théâtre de la Halle", "Grande salle", "Studio"}
    for label in labels:
        assert label["inside"], f"{label['name']} runs past the rooms column"
        assert not label["shortened"] or label["ellipsis"], label
