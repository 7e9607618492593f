"""Record pages: edited in place with If-Match; a concurrent edit is resolved on the 412 screen."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.conftest import Api
from tests.web.conftest import OpenPage

EMAIL = "programmation@test.saison"


async def edit_phone(page: Page, phone: str) -> None:
    await page.get_by_role("button", name="Modifier").click()
    await page.get_by_label("Téléphone").fill(phone)


async def test_an_organisation_is_edited_in_place_and_its_history_says_who(
    open_page: OpenPage, admin: Api
):
    company = await admin.create(
        "/organisations", {"name": "Compagnie du Lac Gelé", "city": "Lyon"}
    )
    page = await open_page(EMAIL, f"/annuaire/structures/{company['id']}")
    await expect(page.get_by_role("heading", name="Compagnie du Lac Gelé", level=1)).to_be_visible()

    await page.get_by_role("button", name="Modifier").click()
    await page.get_by_label("Ville").fill("Villeurbanne")
    await page.get_by_label("Ville").press("Enter")  # Enter saves
    await expect(page.get_by_text("Modifications enregistrées.")).to_be_visible()
    details = page.get_by_role("region", name="Fiche")
    await expect(details.get_by_text("Villeurbanne")).to_be_visible()
    history = page.get_by_role("region", name="Historique")
    await expect(history.get_by_text("par Programmation")).to_be_visible()
    await expect(history.locator("ins", has_text="Villeurbanne")).to_be_visible()
    assert (await admin.get(f"/organisations/{company['id']}")).json()["city"] == "Villeurbanne"

    # Esc leaves without saving what was typed.
    await page.get_by_role("button", name="Modifier").click()
    await page.get_by_label("Ville").fill("Vaulx-en-Velin")
    await page.get_by_label("Ville").press("Escape")
    await expect(details.get_by_text("Villeurbanne")).to_be_visible()
    assert (await admin.get(f"/organisations/{company['id']}")).json()["city"] == "Villeurbanne"


async def test_a_concurrent_edit_shows_both_versions_and_keeping_mine_saves_it_knowingly(
    open_page: OpenPage, admin: Api
):
    company = await admin.create(
        "/organisations",
        {"name": "Compagnie Sémaphore", "phone": "01 00 00 00 00", "city": "Lille"},
    )
    mine = await open_page(EMAIL, f"/annuaire/structures/{company['id']}")
    theirs = await open_page("administration@test.saison", f"/annuaire/structures/{company['id']}")

    # Both start editing the same version; the other person saves first (phone and city).
    await edit_phone(mine, "03 20 11 22 33")
    await theirs.get_by_role("button", name="Modifier").click()
    await theirs.get_by_label("Téléphone").fill("03 20 99 99 99")
    await theirs.get_by_label("Ville").fill("Roubaix")
    await theirs.get_by_role("button", name="Enregistrer").click()
    await expect(theirs.get_by_text("Modifications enregistrées.")).to_be_visible()

    # Saving mine meets the 412 screen: who changed it, their value next to mine.
    await mine.get_by_role("button", name="Enregistrer").click()
    dialog = mine.get_by_role(
        "dialog", name="Quelqu’un a modifié cette fiche en même temps que vous"
    )
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_text("Administration a enregistré ses changements")).to_be_visible()
    row = dialog.get_by_role("row", name="Téléphone")
    await expect(row.get_by_role("cell").nth(0)).to_have_text("03 20 11 22 33")
    await expect(row.get_by_role("cell").nth(1)).to_have_text("03 20 99 99 99")
    await expect(dialog.get_by_text("Ville : Lille → Roubaix")).to_be_visible()
    # Nothing of mine was saved yet.
    assert (await admin.get(f"/organisations/{company['id']}")).json()["phone"] == "03 20 99 99 99"

    await dialog.get_by_role("button", name="Garder mes modifications").click()
    await expect(
        mine.get_by_text("Vos modifications ont été enregistrées par-dessus les siennes.")
    ).to_be_visible()
    await expect(dialog).to_be_hidden()
    saved = (await admin.get(f"/organisations/{company['id']}")).json()
    assert saved["phone"] == "03 20 11 22 33"  # mine
    assert saved["city"] == "Roubaix"  # theirs, which I did not touch, is kept
    await expect(mine.get_by_role("region", name="Fiche").get_by_text("Roubaix")).to_be_visible()


async def test_taking_theirs_drops_my_changes_and_shows_the_record_as_they_left_it(
    open_page: OpenPage, admin: Api
):
    company = await admin.create(
        "/organisations", {"name": "Cirque Équinoxe", "phone": "05 00 00 00 00"}
    )
    page = await open_page(EMAIL, f"/annuaire/structures/{company['id']}")
    await edit_phone(page, "05 61 00 00 01")
    changed = await admin.patch(
        f"/organisations/{company['id']}", {"phone": "05 61 99 00 00"}, version=company["version"]
    )
    assert changed.status_code == 200, changed.text

    await page.get_by_role("button", name="Enregistrer").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog.get_by_text("Admin a enregistré ses changements")).to_be_visible()
    await dialog.get_by_role("button", name="Prendre les siennes").click()
    await expect(dialog).to_be_hidden()
    await expect(
        page.get_by_role("region", name="Fiche").get_by_text("05 61 99 00 00")
    ).to_be_visible()
    assert (await admin.get(f"/organisations/{company['id']}")).json()["phone"] == "05 61 99 00 00"
