"""Communication in the browser: a show's public content written, its poster uploaded, then
published, and the website's feed shows it; programming reads it without being offered edits."""

from __future__ import annotations

from typing import Any

from playwright.async_api import expect

from tests.communication.conftest import poster
from tests.conftest import Api
from tests.web.conftest import OpenPage


async def test_communication_writes_and_publishes_a_shows_public_content(
    open_page: OpenPage, admin: Api, people: dict[str, Api], season: dict[str, Any], tmp_path
):
    show = season["show"]
    page = await open_page("communication@test.saison", f"/programmation/spectacles/{show['id']}")
    card = page.get_by_role("region", name="Communication")
    await expect(card.get_by_text("Rien n’est encore écrit pour le public.")).to_be_visible()
    await card.get_by_role("button", name="Préparer la communication").click()

    form = card.get_by_role("form", name="Communication")
    await form.get_by_label("Titre public").fill("Phèdre")
    await form.get_by_label("Accroche", exact=True).fill("Racine, l’amour et la faute.")
    await form.get_by_label("Lien de billetterie").fill("billetterie.example.org/phedre")
    await form.get_by_label("Tarifs").fill("Plein tarif : 22,00\nRéduit : 15")
    await form.get_by_label("Audiodescription").check()
    await form.get_by_role("button", name="Enregistrer").click()
    # The server refuses a link without its scheme; what was typed stays.
    await expect(form.get_by_role("alert")).to_be_visible()
    await expect(form.get_by_label("Tarifs")).to_have_value("Plein tarif : 22,00\nRéduit : 15")
    await form.get_by_label("Lien de billetterie").fill("https://billetterie.example.org/phedre")
    await form.get_by_role("button", name="Enregistrer").click()
    await expect(form).to_have_count(0)
    await expect(card.locator('[data-field="prices"]')).to_have_text(
        "Plein tarif 22,00\u00a0€ · Réduit 15,00\u00a0€"
    )
    await expect(card.locator('[data-field="audio_description"]')).to_have_text("oui")

    picture = tmp_path / "affiche.png"
    picture.write_bytes(poster(1600, 2000))
    await card.locator('input[type="file"]').set_input_files(str(picture))
    image = card.get_by_role("img", name="Image publique de « Phèdre »")
    await expect(image).to_be_visible()
    assert await image.evaluate("img => img.naturalWidth") == 600

    state = card.get_by_test_id("publication-state")
    await expect(state).to_have_text("Non publié")
    await card.get_by_role("button", name="Publier").click()
    await expect(state).to_have_text("Publié")
    await expect(card.get_by_role("button", name="Retirer la publication")).to_be_visible()

    # The website's feed has it, as saved.
    feed = await page.request.get("/public/events.jsonld")
    events = (await feed.json())["@graph"]
    assert [e["name"] for e in events] == ["Phèdre"]
    assert events[0]["offers"][0]["price"] == "22.00"
    assert events[0]["image"]
    await expect(card.get_by_role("link", name="Site web (JSON-LD schema.org)")).to_have_attribute(
        "href", "/public/events.jsonld"
    )

    # Programming reads the public content; it is not offered to change it.
    reader = await open_page("programmation@test.saison", f"/programmation/spectacles/{show['id']}")
    theirs = reader.get_by_role("region", name="Communication")
    await expect(theirs.locator('[data-field="title_fr"]')).to_have_text("Phèdre")
    await expect(theirs.get_by_test_id("publication-state")).to_have_text("Publié")
    await expect(theirs.get_by_role("button")).to_have_count(0)
    await expect(theirs.locator('input[type="file"]')).to_have_count(0)
