"""Programming in the browser: a show from its first option to its performances and technical
calls, each step previewed before it happens, and fees kept from those who may not read them.

The browser's clock is in Montréal (see conftest): every time asserted here is Paris time.
"""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.conftest import Api
from tests.web.conftest import OpenPage, block, timeline_ready

PROGRAMMER = "programmation@test.saison"


@pytest.fixture
async def hall(admin: Api) -> dict[str, Any]:
    """A venue with its Grande salle and a Studio."""
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle", "city": "Lyon"})
    grande = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Grande salle"})
    studio = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Studio"})
    return {"venue": venue, "grande": grande, "studio": studio}


async def pencil(page: Page, room: str, first: str, last: str) -> None:
    """On a show's page: pencil an option in a room over some days."""
    await page.get_by_role("button", name="Poser une option").click()
    form = page.get_by_role("form", name="Poser une option")
    await form.get_by_label("Salle").select_option(label=room)
    await form.get_by_label("Premier jour").fill(first)
    await form.get_by_label("Dernier jour").fill(last)
    await form.get_by_role("button", name="Poser l’option").click()


def engagement_id(page: Page) -> int:
    found = re.search(r"/programmation/exploitations/(\d+)$", page.url)
    assert found, page.url
    return int(found.group(1))


async def test_two_options_and_one_confirmed_after_seeing_what_it_blocks(
    open_page: OpenPage, admin: Api, hall: dict[str, Any]
):
    rival = await admin.create("/shows", {"title": "Bérénice"})
    page = await open_page(PROGRAMMER, "/programmation/spectacles")

    # A new show, and its first option on the Grande salle.
    await page.get_by_role("button", name="Nouveau").click()
    await page.get_by_label("Titre").fill("Lac Gelé")
    await page.get_by_role("button", name="Créer").click()
    await expect(page.get_by_role("heading", name="Lac Gelé", level=1)).to_be_visible()
    await pencil(page, "Grande salle", "2027-03-09", "2027-03-13")
    await expect(page.get_by_role("heading", name="Lac Gelé — Grande salle")).to_be_visible()
    await expect(page.get_by_test_id("engagement-status")).to_have_text("1re option")
    lac = engagement_id(page)

    # Another show wants the same room on some of those days: it queues second.
    await page.goto(f"/programmation/spectacles/{rival['id']}")
    await pencil(page, "Grande salle", "2027-03-12", "2027-03-14")
    await expect(page.get_by_test_id("engagement-status")).to_have_text("2e option")
    berenice = engagement_id(page)
    queue = page.get_by_role("region", name="Options sur cette salle et ces dates")
    await expect(queue.get_by_role("row", name=re.compile("Lac Gelé"))).to_contain_text(
        "1re option"
    )

    # Confirming Lac Gelé: the preview says Bérénice will wait behind it, before anything.
    await queue.get_by_role("link", name="Lac Gelé").click()
    await page.get_by_role("button", name="Confirmer…").click()
    dialog = page.get_by_role("dialog", name="Confirmer « Lac Gelé » ?")
    preview = dialog.get_by_role("region", name="Ce que la confirmation change")
    blocked = preview.get_by_role(
        "list", name="Options d’autres spectacles mises en attente derrière elle"
    )
    await expect(blocked.get_by_role("listitem")).to_have_text(
        [
            re.compile(
                r"« Bérénice » — Grande salle, "
                r"du ven\. 12 mars 2027 au dim\. 14 mars 2027 — 2e option"
            )
        ]
    )
    assert (await admin.get(f"/engagements/{lac}")).json()["status"] == "option"

    await dialog.get_by_role("button", name="Confirmer l’exploitation").click()
    await expect(dialog).to_be_hidden()
    await expect(page.get_by_text("« Lac Gelé » est confirmée.")).to_be_visible()
    await expect(page.get_by_test_id("engagement-status")).to_have_text("Confirmée")
    await expect(page.get_by_role("button", name="Confirmer…")).to_have_count(0)
    row = queue.get_by_role("row", name=re.compile("Bérénice"))
    await expect(row).to_contain_text("attend derrière cette exploitation")
    assert (await admin.get(f"/engagements/{lac}")).json()["status"] == "confirmed"

    # Bérénice's own page says it waits behind Lac Gelé, and cannot be confirmed over it.
    await row.get_by_role("link", name="Bérénice").click()
    await expect(page.get_by_test_id("engagement-behind")).to_contain_text(
        "En attente derrière « Lac Gelé »"
    )
    await page.get_by_role("button", name="Confirmer…").click()
    dialog = page.get_by_role("dialog", name="Confirmer « Bérénice » ?")
    await expect(dialog.get_by_text("Grande salle est déjà tenue par « Lac Gelé »")).to_be_visible()
    await expect(dialog.get_by_role("button", name="Confirmer l’exploitation")).to_be_disabled()
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    assert (await admin.get(f"/engagements/{berenice}")).json()["status"] == "option"


async def test_a_series_with_a_day_off_is_previewed_then_created_and_seen_on_the_timeline(
    open_page: OpenPage, admin: Api, hall: dict[str, Any]
):
    show = await admin.create("/shows", {"title": "Lac Gelé", "duration_minutes": 90})
    run = await admin.create(
        "/engagements",
        {
            "show_id": show["id"],
            "room_id": hall["grande"]["id"],
            "first_day": "2027-01-12",
            "last_day": "2027-01-16",
        },
    )
    page = await open_page(PROGRAMMER, f"/programmation/exploitations/{run['id']}")
    await page.get_by_role("button", name="Générer les représentations…").click()
    generator = page.get_by_role("form", name="Générer les représentations")
    await generator.get_by_label("Heure habituelle").fill("20 h 30")
    await generator.get_by_label("Heures du samedi").fill("15 h, 20 h 30")
    await generator.get_by_label("Jour de relâche").fill("2027-01-14")
    await generator.get_by_role("button", name="Ajouter la relâche").click()
    await expect(generator.get_by_text("jeu. 14 janv. 2027")).to_be_visible()
    await generator.get_by_role("button", name="Prévisualiser").click()

    # Tuesday to Saturday, Thursday off, two on Saturday: in Paris time, nothing made yet.
    preview = generator.get_by_role("region", name="Représentations prévues")
    await expect(preview.get_by_role("listitem")).to_have_text(
        [
            "mar. 12 janv. 2027, 20 h 30 – 22 h 00",
            "mer. 13 janv. 2027, 20 h 30 – 22 h 00",
            "ven. 15 janv. 2027, 20 h 30 – 22 h 00",
            "sam. 16 janv. 2027, 15 h 00 – 16 h 30",
            "sam. 16 janv. 2027, 20 h 30 – 22 h 00",
        ]
    )
    listed = await admin.get("/performances", params={"engagement_id": run["id"]})
    assert listed.json()["total"] == 0

    await preview.get_by_role("button", name="Créer 5 représentation(s)").click()
    await expect(page.get_by_text("5 représentation(s) de « Lac Gelé » créée(s).")).to_be_visible()
    performances = page.get_by_role("region", name="Représentations")
    await expect(performances.get_by_role("row")).to_have_count(6)  # with the header
    await expect(performances.get_by_role("row").nth(4)).to_contain_text(
        "sam. 16 janv. 2027, 15 h 00"
    )

    # The timeline shows them, and nothing on the day off.
    await page.goto("/planning?view=week&date=2027-01-12")
    await timeline_ready(page)
    await expect(block(page, "Lac Gelé")).to_have_count(5)
    starts = sorted(
        p["starts_at"]
        for p in (await admin.get("/performances", params={"engagement_id": run["id"]})).json()[
            "items"
        ]
    )
    assert not [s for s in starts if s.startswith("2027-01-14")]


async def test_technical_templates_are_previewed_then_placed_around_the_performances(
    open_page: OpenPage, admin: Api, hall: dict[str, Any]
):
    show = await admin.create("/shows", {"title": "Lac Gelé", "duration_minutes": 90})
    run = await admin.create(
        "/engagements",
        {
            "show_id": show["id"],
            "room_id": hall["grande"]["id"],
            "first_day": "2027-01-12",
            "last_day": "2027-01-13",
        },
    )
    made = await admin.post(
        f"/engagements/{run['id']}/performances", {"default_time": "20:30", "dry_run": False}
    )
    assert made.status_code == 200, made.text

    page = await open_page(PROGRAMMER, f"/programmation/exploitations/{run['id']}")
    technical = page.get_by_role("region", name="Activités techniques")
    await expect(technical.get_by_text("Aucune activité technique pour l’instant.")).to_be_visible()
    await technical.get_by_role("button", name="Appliquer des modèles…").click()
    templates = technical.get_by_role("group", name="Modèles d’activités techniques")
    await templates.get_by_label("Montage la veille").check()
    await templates.get_by_label("Démontage après la dernière").check()
    await templates.get_by_role("button", name="Prévisualiser").click()

    preview = templates.get_by_role("region", name="Activités prévues")
    await expect(preview.get_by_role("listitem")).to_have_text(
        [
            re.compile(
                r"Montage — Lac Gelé — Montage, Grande salle, "
                r"lun\. 11 janv\. 2027, 9 h 00 – 18 h 00"
            ),
            re.compile(
                r"Démontage — Lac Gelé — Démontage, Grande salle, "
                r"mer\. 13 janv\. 2027, 22 h 15 – jeu\. 14 janv\. 2027, 2 h 15"
            ),
        ]
    )
    listed = await admin.get("/activities", params={"engagement_id": run["id"], "kind": "get_in"})
    assert listed.json()["total"] == 0

    await preview.get_by_role("button", name="Placer 2 activité(s)").click()
    await expect(page.get_by_text("2 activité(s) technique(s) placée(s).")).to_be_visible()
    get_in = (
        await admin.get("/activities", params={"engagement_id": run["id"], "kind": "get_in"})
    ).json()["items"]
    assert len(get_in) == 1
    link = technical.get_by_role("link", name="Montage — Lac Gelé", exact=True)
    await expect(link).to_have_attribute("href", f"/planning/activites/{get_in[0]['id']}")
    await expect(
        technical.get_by_role("row", name=re.compile("Démontage — Lac Gelé"))
    ).to_contain_text("mer. 13 janv. 2027, 22 h 15")


async def test_no_fee_for_a_reader_without_contracts_and_no_programming_actions(
    open_page: OpenPage, admin: Api, hall: dict[str, Any], tmp_path: Path
):
    show = await admin.create("/shows", {"title": "Lac Gelé"})
    run = await admin.create(
        "/engagements",
        {
            "show_id": show["id"],
            "room_id": hall["grande"]["id"],
            "first_day": "2027-01-12",
            "last_day": "2027-01-16",
            "fee": "12500.00",
            "contract_terms": "Deux services de montage",
            "meals": "Repas chauds après le spectacle",
        },
    )
    address = f"/programmation/exploitations/{run['id']}"

    # The administration reads contracts: the fee is there, in French.
    page = await open_page("administration@test.saison", address)
    details = page.get_by_role("region", name="Fiche")
    await expect(details.get_by_role("heading", name="Contrat de cession")).to_be_visible()
    await expect(details.get_by_text(re.compile(r"^12\s500,00\s€$"))).to_be_visible()
    async with page.expect_download() as waiting:
        await page.get_by_role("button", name="Contrat de cession (PDF)").click()
    contract = await waiting.value
    assert contract.suggested_filename.endswith(".pdf"), contract.suggested_filename
    await contract.save_as(tmp_path / "contrat.pdf")
    assert (tmp_path / "contrat.pdf").read_bytes().startswith(b"%PDF-")
    # It changes the contract's terms, and only those: the run is the programmers'.
    await page.get_by_role("button", name="Modifier").click()
    await expect(details.get_by_label("Premier jour")).to_have_count(0)
    await details.get_by_label("Cachet (HT)").fill("13 000,50")
    await details.get_by_label("État du contrat").select_option(label="Envoyé")
    await details.get_by_role("button", name="Enregistrer").click()
    await expect(details.get_by_text(re.compile(r"^13\s000,50\s€$"))).to_be_visible()
    saved = (await admin.get(f"/engagements/{run['id']}")).json()
    assert (saved["fee"], saved["contract_status"]) == ("13000.50", "sent")

    # The technical team reads the programming, not contracts: no fee at all, not an empty one.
    page = await open_page("technique@test.saison", address)
    details = page.get_by_role("region", name="Fiche")
    await expect(details.get_by_text("Repas chauds après le spectacle")).to_be_visible()
    await expect(details.get_by_role("heading", name="Accueil de l’équipe")).to_be_visible()
    await expect(details.get_by_role("heading", name="Contrat de cession")).to_have_count(0)
    await expect(page.get_by_text("Cachet")).to_have_count(0)
    await expect(page.get_by_text(re.compile(r"12\s?500"))).to_have_count(0)
    await expect(page.get_by_text("Deux services de montage")).to_have_count(0)
    await expect(page.get_by_role("button", name="Contrat de cession (PDF)")).to_have_count(0)
    await expect(page.get_by_role("button", name="Feuille de route (PDF)")).to_be_visible()
    # Programming actions are not offered to a reader of the programming.
    for action in ("Confirmer…", "Dupliquer…", "Lever l’option…", "Générer les représentations…"):
        await expect(page.get_by_role("button", name=action)).to_have_count(0)


async def option(admin: Api, show: dict[str, Any], room: dict[str, Any], first: str, last: str):
    return await admin.create(
        "/engagements",
        {"show_id": show["id"], "room_id": room["id"], "first_day": first, "last_day": last},
    )


async def test_an_option_duplicated_to_another_room_then_released_lets_the_next_move_up(
    open_page: OpenPage, admin: Api, hall: dict[str, Any]
):
    lac = await admin.create("/shows", {"title": "Lac Gelé"})
    berenice = await admin.create("/shows", {"title": "Bérénice"})
    first = await option(admin, lac, hall["grande"], "2027-03-09", "2027-03-13")
    second = await option(admin, berenice, hall["grande"], "2027-03-10", "2027-03-11")
    assert second["option_rank"] == 2
    page = await open_page(PROGRAMMER, f"/programmation/exploitations/{first['id']}")

    await page.get_by_role("button", name="Dupliquer…").click()
    dialog = page.get_by_role("dialog", name="Dupliquer l’option de « Lac Gelé »")
    await dialog.get_by_label("Salle 1").select_option(label="Studio")
    await dialog.get_by_role("button", name="Ajouter une ligne").click()
    await dialog.get_by_label("Premier jour 2").fill("2027-04-06")
    await dialog.get_by_label("Dernier jour 2").fill("2027-04-08")
    await dialog.get_by_role("button", name="Créer 2 option(s)").click()
    await expect(dialog.get_by_text("2 option(s) créée(s) :")).to_be_visible()
    await expect(dialog.get_by_role("listitem")).to_have_text(
        [
            "Studio, du mar. 9 mars 2027 au sam. 13 mars 2027 — 1re option",
            "Grande salle, du mar. 6 avr. 2027 au jeu. 8 avr. 2027 — 1re option",
        ]
    )
    await dialog.get_by_role("button", name="Fermer").click()

    await page.get_by_role("button", name="Lever l’option…").click()
    dialog = page.get_by_role("dialog", name="Lever l’option sur « Lac Gelé » ?")
    await dialog.get_by_role("button", name="Lever l’option").click()
    await expect(page.get_by_text("L’option sur « Lac Gelé » est levée.")).to_be_visible()
    await expect(page.get_by_test_id("engagement-status")).to_have_text("Annulée")
    for action in ("Confirmer…", "Lever l’option…", "Annuler l’exploitation…"):
        await expect(page.get_by_role("button", name=action)).to_have_count(0)
    # Bérénice, second until now, is first.
    await page.goto(f"/programmation/exploitations/{second['id']}")
    await expect(page.get_by_test_id("engagement-status")).to_have_text("1re option")


async def test_a_confirmation_changed_meanwhile_is_previewed_again_before_confirming(
    open_page: OpenPage, admin: Api, hall: dict[str, Any]
):
    lac = await admin.create("/shows", {"title": "Lac Gelé"})
    run = await option(admin, lac, hall["grande"], "2027-03-09", "2027-03-13")
    page = await open_page(PROGRAMMER, f"/programmation/exploitations/{run['id']}")
    await page.get_by_role("button", name="Confirmer…").click()
    dialog = page.get_by_role("dialog", name="Confirmer « Lac Gelé » ?")
    await expect(dialog.get_by_text("Aucune autre option n’est touchée.")).to_be_visible()

    # Someone else shortens the option while the preview is on screen: the page follows the
    # change live, and the dialog says so and shows what confirming now means.
    changed = await admin.patch(
        f"/engagements/{run['id']}", {"last_day": "2027-03-12"}, version=run["version"]
    )
    assert changed.status_code == 200, changed.text
    await expect(dialog.get_by_test_id("preview-changed")).to_have_text(
        "« Lac Gelé » vient d’être modifié par quelqu’un d’autre : "
        "l’aperçu a été recalculé, relisez-le."
    )
    await expect(
        dialog.get_by_text("Grande salle, du mar. 9 mars 2027 au ven. 12 mars 2027")
    ).to_be_visible()
    assert (await admin.get(f"/engagements/{run['id']}")).json()["status"] == "option"

    await dialog.get_by_role("button", name="Confirmer l’exploitation").click()
    await expect(page.get_by_test_id("engagement-status")).to_have_text("Confirmée")
    await expect(page.get_by_test_id("engagement-status").locator("..")).to_contain_text(
        "du mar. 9 mars 2027 au ven. 12 mars 2027"
    )
    confirmed = (await admin.get(f"/engagements/{run['id']}")).json()
    assert (confirmed["status"], confirmed["last_day"]) == ("confirmed", "2027-03-12")


async def test_the_run_s_road_sheets_come_as_one_zip_once_built(
    open_page: OpenPage, admin: Api, hall: dict[str, Any]
):
    lac = await admin.create("/shows", {"title": "Lac Gelé", "duration_minutes": 90})
    run = await option(admin, lac, hall["grande"], "2027-01-12", "2027-01-13")
    made = await admin.post(
        f"/engagements/{run['id']}/performances", {"default_time": "20:30", "dry_run": False}
    )
    assert made.status_code == 200, made.text
    page = await open_page(PROGRAMMER, f"/programmation/exploitations/{run['id']}")
    # The batch's steps reach the page through the live socket, as the change log records them.
    steps: list[str] = []

    def listen(socket: Any) -> None:
        def received(frame: Any) -> None:
            message = json.loads(frame) if isinstance(frame, str) else {}
            if message.get("type") == "event" and message.get("entity") == "document_batch":
                steps.append(message["action"])

        socket.on("framereceived", received)

    page.on("websocket", listen)
    documents = page.get_by_role("region", name="Documents")
    await documents.get_by_role("button", name="Générer le ZIP").click()
    ready = documents.get_by_role(
        "button", name=re.compile(r"Télécharger « Feuilles de route — .*\.zip » \(\d")
    )
    await expect(ready).to_be_visible(timeout=60_000)
    async with page.expect_download() as waiting:
        await ready.click()
    download = await waiting.value
    path = await download.path()
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert len(names) == 2, names  # one road sheet per day of the run
    assert all(name.endswith(".pdf") for name in names)
    assert "document_batch.finished" in steps, steps


async def test_performances_are_listed_for_the_period_asked(
    open_page: OpenPage, admin: Api, hall: dict[str, Any]
):
    lac = await admin.create("/shows", {"title": "Lac Gelé", "duration_minutes": 90})
    winter = await option(admin, lac, hall["grande"], "2027-01-12", "2027-01-13")
    spring = await option(admin, lac, hall["studio"], "2027-03-09", "2027-03-09")
    for run in (winter, spring):
        made = await admin.post(
            f"/engagements/{run['id']}/performances", {"default_time": "20:30", "dry_run": False}
        )
        assert made.status_code == 200, made.text
    page = await open_page(PROGRAMMER, "/programmation/representations")
    period = page.get_by_role("group", name="Période")
    await period.get_by_label("Du").fill("2027-01-13")
    await period.get_by_label("Au").fill("2027-03-09")
    rows = page.get_by_role("table").get_by_role("row")
    await expect(rows).to_have_count(3)
    await expect(rows.nth(1)).to_contain_text("mer. 13 janv. 2027, 20 h 30 – 22 h 00")
    await expect(rows.nth(2)).to_contain_text("Studio")
    await period.get_by_label("Au").fill("2027-03-08")
    await expect(rows).to_have_count(2)
    await rows.nth(1).get_by_role("link").click()
    await expect(page.get_by_role("heading", name="Lac Gelé", level=1)).to_be_visible()
    await expect(page.get_by_role("link", name="Exploitation de « Lac Gelé »")).to_have_attribute(
        "href", f"/programmation/exploitations/{winter['id']}"
    )


async def test_options_about_to_lapse_are_listed_first_on_the_engagements(
    open_page: OpenPage, admin: Api, hall: dict[str, Any]
):
    lac = await admin.create("/shows", {"title": "Lac Gelé"})
    berenice = await admin.create("/shows", {"title": "Bérénice"})
    soon = (date.today() + timedelta(days=3)).isoformat()
    later = (date.today() + timedelta(days=60)).isoformat()
    for show, expires in ((lac, soon), (berenice, later)):
        await admin.create(
            "/engagements",
            {
                "show_id": show["id"],
                "room_id": hall["grande"]["id"],
                "first_day": "2027-03-09",
                "last_day": "2027-03-13",
                "option_expires_on": expires,
            },
        )
    page = await open_page(PROGRAMMER, "/programmation/exploitations")
    follow_up = page.get_by_role("region", name="Options à relancer")
    await expect(follow_up.get_by_role("listitem")).to_have_text(
        [re.compile(r"^Lac Gelé — Grande salle, 1re option : expire le \S+ \d+ \S+ 20\d\d$")]
    )
    await expect(page.get_by_role("table").get_by_role("row")).to_have_count(3)


async def test_a_performance_moved_onto_a_booked_slot_is_refused_in_words(
    open_page: OpenPage, admin: Api, hall: dict[str, Any]
):
    lac = await admin.create("/shows", {"title": "Lac Gelé", "duration_minutes": 90})
    run = await option(admin, lac, hall["grande"], "2027-01-12", "2027-01-12")
    confirmed = await admin.post(f"/engagements/{run['id']}/confirm", headers={"If-Match": '"v1"'})
    assert confirmed.status_code == 200, confirmed.text
    made = await admin.post(
        f"/engagements/{run['id']}/performances", {"default_time": "20:30", "dry_run": False}
    )
    (performance,) = made.json()["created"]
    await admin.create(
        "/activities",
        {
            "kind": "rehearsal",
            "title": "Raccord lumière",
            "room_id": hall["grande"]["id"],
            "starts_at": "2027-01-12T14:00:00+01:00",
            "ends_at": "2027-01-12T18:00:00+01:00",
        },
    )
    page = await open_page(PROGRAMMER, f"/programmation/representations/{performance['id']}")
    await page.get_by_role("button", name="Modifier").click()
    details = page.get_by_role("region", name="Fiche")
    await details.get_by_label("Début").fill("2027-01-12T15:00")
    await details.get_by_label("Fin").fill("2027-01-12T16:30")
    await details.get_by_role("button", name="Enregistrer").click()
    await expect(page.get_by_test_id("notice-error")).to_contain_text(
        "Grande salle : créneau déjà pris par « Raccord lumière », "
        "mar. 12 janv. 2027, 14 h 00 – 18 h 00."
    )
    saved = (await admin.get(f"/performances/{performance['id']}")).json()
    assert saved["starts_at"].startswith("2027-01-12T20:30")


async def test_programmers_cancel_an_engagement_only_administrators_may_delete_it(
    open_page: OpenPage, admin: Api, hall: dict[str, Any]
):
    lac = await admin.create("/shows", {"title": "Lac Gelé"})
    run = await option(admin, lac, hall["grande"], "2027-03-09", "2027-03-13")
    page = await open_page(PROGRAMMER, f"/programmation/exploitations/{run['id']}")
    await expect(page.get_by_role("button", name="Annuler l’exploitation…")).to_be_visible()
    await expect(page.get_by_role("button", name="Supprimer")).to_have_count(0)

    page = await open_page("admin@test.saison", f"/programmation/exploitations/{run['id']}")
    await expect(page.get_by_role("button", name="Annuler l’exploitation…")).to_be_visible()
    await expect(page.get_by_role("button", name="Supprimer")).to_be_visible()
