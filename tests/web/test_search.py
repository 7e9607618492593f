"""Search from anywhere: the shortcut opens it, accents and case do not matter, Enter opens."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.web.conftest import OpenPage, timeline_ready


async def ask(page: Page, shortcut: str, typed: str, name: str = "Rechercher dans Saison"):
    """Open search with ``shortcut`` and type ``typed``; the dialog."""
    await page.keyboard.press(shortcut)
    dialog = page.get_by_role("dialog", name=name)
    await expect(dialog).to_be_visible()
    field = dialog.get_by_role("combobox")
    await expect(field).to_be_focused()
    await field.fill(typed)
    return dialog


async def test_search_with_and_without_accents_then_open_with_enter(
    open_page: OpenPage, admin, stage
):
    show = await admin.create("/shows", {"title": "Lac Gelé", "genre": "danse"})
    engagement = await admin.create(
        "/engagements",
        {
            "show_id": show["id"],
            "room_id": stage["studio"]["id"],
            "first_day": "2027-01-21",
            "last_day": "2027-01-23",
        },
    )
    page = await open_page("programmation@test.saison", "/planning?view=week&date=2027-01-14")
    await timeline_ready(page)
    # The box in the top bar says its shortcut.
    box = page.get_by_role("button", name="Rechercher (raccourci : / ou Ctrl+K)")
    await expect(box).to_be_visible()
    await expect(box).to_contain_text("Ctrl K")

    # Without accents, with "/": the show under its kind's heading, the engagement under its own.
    dialog = await ask(page, "/", "lac gele")
    shows = dialog.get_by_role("group", name="Spectacles")
    await expect(shows.get_by_role("option")).to_have_count(1)
    await expect(shows.get_by_role("option")).to_contain_text("Lac Gelé")
    await expect(shows.get_by_role("option")).to_contain_text("Danse")
    runs = dialog.get_by_role("group", name="Exploitations")
    await expect(runs.get_by_role("option")).to_contain_text(
        "Option 1 · Studio · jeu. 21 janv. 2027 – sam. 23 janv. 2027"
    )
    # The rehearsal of the stage is an activity whose title has the words too.
    await expect(dialog.get_by_role("group", name="Activités")).to_contain_text(
        "Répétition — Lac Gelé"
    )
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()

    # With accents and capitals, with Ctrl+K: the same show, chosen first; Enter opens it.
    dialog = await ask(page, "Control+k", "LAC GELÉ")
    option = dialog.get_by_role("group", name="Spectacles").get_by_role("option")
    await expect(option).to_contain_text("Lac Gelé")
    await expect(option).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("Enter")
    await expect(dialog).to_be_hidden()
    await expect(page).to_have_url(re.compile(f"/programmation/spectacles/{show['id']}$"))

    # Arrow keys walk the list: the next record is the engagement.
    dialog = await ask(page, "/", "gel")
    await expect(dialog.get_by_role("group", name="Exploitations")).to_be_visible()
    await page.keyboard.press("ArrowDown")
    chosen = dialog.get_by_role("option", selected=True)
    await expect(chosen).to_contain_text("Studio")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(f"/programmation/exploitations/{engagement['id']}$"))


async def test_nothing_found_is_said_and_english_headings_follow_the_language(
    open_page: OpenPage, admin, stage
):
    page = await open_page(
        "technique@test.saison", "/planning?view=week&date=2027-01-14", locale="en-GB"
    )
    await timeline_ready(page)
    dialog = await ask(page, "Control+k", "zzz introuvable", "Search Saison")
    await expect(dialog.get_by_role("status")).to_have_text("Nothing matches “zzz introuvable”.")
    await dialog.get_by_role("combobox").fill("studio")
    rooms = dialog.get_by_role("group", name="Rooms")
    await expect(rooms.get_by_role("option")).to_contain_text("Théâtre de la Halle · 120 seats")
    # A record whose page exists opens on it: the organisation's page in the directory.
    company = await admin.create("/organisations", {"name": "Compagnie Éclat", "city": "Lyon"})
    await dialog.get_by_role("combobox").fill("ECLAT")
    companies = dialog.get_by_role("group", name="Organisations")
    await expect(companies.get_by_role("option")).to_contain_text("Company · Lyon")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(f"/annuaire/structures/{company['id']}$"))
    await expect(page.get_by_role("heading", name="Compagnie Éclat", level=1)).to_be_visible()
