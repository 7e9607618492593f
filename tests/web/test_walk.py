"""Every department walks the main pages: what it may not read is absent, what it may not do is
not offered. The fee of a run is never on screen (nor in its history) for those without the
contracts workspace, and readers see no control that writes."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Page, expect

from tests.conftest import Api
from tests.web.conftest import OpenPage

# The departments as the demo season has them (one test account per default team).
ROLES = ("admin", "programmation", "administration", "technique", "rp", "communication")
WRITES = re.compile(
    r"^(Modifier|Nouveau|Supprimer|Confirmer|Lever l’option|Annuler l’exploitation|Dupliquer"
    r"|Ajouter|Joindre|Appliquer|Générer les représentations|Retirer)"
)
FEE_SHOWN = "12 345,67"  # the fee as French eyes read it (12 345,67 €)


async def levels_of(page: Page) -> dict[str, str]:
    me = await page.request.get("/api/v1/auth/me")
    assert me.ok
    body: dict[str, Any] = await me.json()
    return dict(body["levels"])


async def write_controls(page: Page) -> list[str]:
    names = []
    for button in await page.locator("main").get_by_role("button").all():
        if await button.is_visible():
            name = (await button.inner_text()).strip()
            if WRITES.match(name):
                names.append(name)
    return names


async def test_each_department_sees_what_it_may_and_is_offered_only_what_it_may_do(
    open_page: OpenPage, admin: Api, stage: dict[str, Any]
):
    company = await admin.create("/organisations", {"name": "Compagnie du Lac Gelé"})
    contact = await admin.create(
        "/contacts", {"first_name": "Léa", "last_name": "Vasseur", "phones": ["06 12 34 56 78"]}
    )
    sheet = await admin.create(
        "/technical-sheets", {"show_id": stage["show"]["id"], "title": "Fiche technique Phèdre"}
    )
    option = stage["option"]
    # A fee set, then changed: the history holds it twice.
    first = await admin.patch(
        f"/engagements/{option['id']}", {"fee": "9000.00"}, version=option["version"]
    )
    assert first.status_code == 200, first.text
    second = await admin.patch(
        f"/engagements/{option['id']}", {"fee": "12345.67"}, version=first.json()["version"]
    )
    assert second.status_code == 200, second.text

    pages = {
        "directory": [
            ("/annuaire/structures", "Structures"),
            (f"/annuaire/structures/{company['id']}", "Compagnie du Lac Gelé"),
            (f"/annuaire/contacts/{contact['id']}", "Léa Vasseur"),
        ],
        "technical": [
            ("/technique/salles", "Salles"),
            (f"/technique/salles/{stage['grande']['id']}", "Grande salle"),
            (f"/technique/fiches/{sheet['id']}", "Fiche technique Phèdre"),
        ],
        "programming": [
            ("/programmation/spectacles", "Spectacles"),
            (f"/programmation/spectacles/{stage['show']['id']}", "Phèdre"),
            (f"/programmation/exploitations/{option['id']}", "Phèdre"),
        ],
        "planning": [(f"/planning/activites/{stage['mover']['id']}", "Raccord lumière")],
    }
    seen_fee: dict[str, bool] = {}
    for role in ROLES:
        page = await open_page(f"{role}@test.saison", "/planning")
        levels = await levels_of(page)
        top = page.get_by_role("banner")
        for area, label in (
            ("programming", "Programmation"),
            ("technical", "Technique"),
            ("directory", "Annuaire"),
        ):
            link = top.get_by_role("link", name=label, exact=True)
            if levels[area] == "none":
                await expect(link).to_have_count(0)
            else:
                await expect(link).to_be_visible()
        if levels["administration"] == "manage":
            await expect(top.get_by_role("link", name="Administration")).to_be_visible()
        else:
            await expect(top.get_by_role("link", name="Administration")).to_have_count(0)

        for area, visits in pages.items():
            for path, heading in visits:
                await page.goto(path)
                main = page.locator("main")
                if levels[area] == "none":
                    await expect(main.get_by_text("Votre compte n’a pas accès")).to_be_visible()
                    continue
                await expect(main.get_by_role("heading", name=heading, level=1)).to_be_visible()
                record_page = path.count("/") >= 3
                if record_page:
                    await expect(main.get_by_role("region", name="Historique")).to_be_visible()
                await page.wait_for_load_state("networkidle")
                controls = await write_controls(page)
                if levels[area] == "read" and "/exploitations/" in path:
                    # A run is read by some who write a part of it: administration its contract
                    # and fee, the planning its hospitality and technical calls. They may edit
                    # those fields only, never the run itself (show, room, dates).
                    contracts = levels["contracts"] in ("write", "manage")
                    planning = levels["planning"] in ("write", "manage")
                    expected = (["Modifier"] if contracts or planning else []) + (
                        ["Appliquer des modèles…"] if planning else []
                    )
                    assert controls == expected, f"{role} is offered {controls} on {path}"
                    if controls:
                        await main.get_by_role("button", name="Modifier").click()
                        form = main.locator("form")
                        await expect(form.get_by_role("button", name="Enregistrer")).to_be_visible()
                        await expect(form.get_by_label("Premier jour")).to_have_count(0)
                        await expect(form.get_by_label("Cachet (HT)")).to_have_count(
                            1 if contracts else 0
                        )
                        await expect(form.get_by_label("Repas et régimes")).to_have_count(
                            1 if planning else 0
                        )
                        await form.get_by_role("button", name="Annuler").click()
                elif levels[area] == "read":
                    assert controls == [], f"{role} reads {area}, is offered {controls} on {path}"
                elif record_page:
                    assert "Modifier" in controls, f"{role} writes {area} but cannot edit {path}"
                text = (await main.inner_text()).replace("\u202f", " ").replace("\xa0", " ")
                if path.startswith("/programmation/exploitations/"):
                    seen_fee[role] = FEE_SHOWN in text
                    assert ("Cachet" in text) == seen_fee[role], role
                if levels["contracts"] == "none":
                    assert FEE_SHOWN not in text and "12345.67" not in text, (role, path)
                    assert "9 000,00" not in text, (role, path)

    # Those who read contracts do see the fee: the check above could fail.
    assert seen_fee == {
        "admin": True,
        "programmation": True,
        "administration": True,
        "technique": False,
        "rp": False,
        "communication": False,
    }
