"""A block's history on the timeline: who changed what, from what to what, in the venue's time."""

from __future__ import annotations

from playwright.async_api import expect

from tests.web.conftest import THURSDAY, OpenPage, block, timeline_ready, winter


async def test_the_details_of_a_block_tell_who_changed_what(open_page: OpenPage, people, stage):
    mover = stage["mover"]
    r = await people["technique"].patch(
        f"/activities/{mover['id']}",
        {
            "title": "Raccord son",
            "room_id": stage["studio"]["id"],
            "starts_at": winter(THURSDAY, "14:00"),
            "ends_at": winter(THURSDAY, "16:00"),
        },
        mover["version"],
    )
    assert r.status_code == 200, r.text

    page = await open_page("programmation@test.saison", f"/planning?view=day&date={THURSDAY}")
    await timeline_ready(page)
    await block(page, "Raccord son").click()
    details = page.get_by_role("dialog", name="Raccord son")
    history = details.get_by_role("region", name="Historique")
    await expect(history).to_be_visible()
    entries = history.locator("ol > li")
    await expect(entries).to_have_count(2)

    # Newest first: the technician's change, field by field, in Paris time and in words.
    newest = entries.nth(0)
    await expect(newest.locator(".head")).to_contain_text("Modification par Technique")
    await expect(newest).to_contain_text("Intitulé : Raccord lumière → Raccord son")
    await expect(newest).to_contain_text("Salle : Grande salle → Studio")
    await expect(newest).to_contain_text(
        "Début : jeu. 14 janv. 2027, 10 h 00 → jeu. 14 janv. 2027, 14 h 00"
    )
    await expect(newest).to_contain_text(
        "Fin : jeu. 14 janv. 2027, 12 h 00 → jeu. 14 janv. 2027, 16 h 00"
    )
    assert "version" not in (await newest.text_content() or "")
    await expect(entries.nth(1).locator(".head")).to_contain_text("Création par Admin")

    await details.get_by_role("button", name="Fermer").click()
    await expect(details).to_be_hidden()
