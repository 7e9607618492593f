"""The technical workspace in the browser: rooms with their configurations and links, technical
sheets with their files (sent, given back identical, a too-big one refused in French), and the
same pages for a reader, without a write control."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from playwright.async_api import Locator, Page, expect

from tests.conftest import Api
from tests.factories import paris
from tests.web.conftest import OpenPage

TECHNICIAN = "technique@test.saison"  # technical: manage
READER = "communication@test.saison"  # technical: read
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
LIMIT = 20 * 1024 * 1024  # SAISON_MAX_ATTACHMENT_BYTES of the test server (the default)


def field(within: Page | Locator, label: str) -> Locator:
    """An input by its whole label (a required field's label ends with "*")."""
    return within.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


async def test_a_room_gets_a_configuration_and_is_linked_to_another(
    open_page: OpenPage, admin: Api
):
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle", "city": "Lyon"})
    grande = await admin.create(
        "/rooms", {"venue_id": venue["id"], "name": "Grande salle", "capacity": 600}
    )
    page = await open_page(TECHNICIAN, "/technique")
    # The workspace opens on its rooms, with its tabs.
    await page.goto("/technique/salles")
    tabs = page.get_by_role("navigation", name="Technique")
    await expect(tabs.get_by_role("link")).to_have_text(["Salles", "Lieux", "Fiches techniques"])
    await expect(page.get_by_role("row", name="Grande salle")).to_contain_text("600")

    await page.get_by_role("button", name="Nouveau").click()
    form = page.get_by_role("form", name="Nouveau")
    await field(form, "Lieu").select_option(label="Théâtre de la Halle")
    await field(form, "Nom").fill("Studio")
    await field(form, "Jauge").fill("120")
    await form.get_by_role("button", name="Créer").click()
    await expect(page.get_by_role("heading", name="Studio", level=1)).to_be_visible()
    await expect(page.get_by_text("Théâtre de la Halle · 120 places")).to_be_visible()
    studio = (await admin.get("/rooms", params={"q": "Studio"})).json()["items"][0]
    assert (studio["venue_id"], studio["capacity"]) == (venue["id"], 120)

    # A configuration, added on the room's page, with its own page.
    configurations = page.get_by_role("region", name="Configurations")
    await expect(configurations.get_by_text("Aucune configuration")).to_be_visible()
    form = configurations.get_by_role("form", name="Nouvelle configuration")
    await field(form, "Nom").fill("Bifrontal")
    await field(form, "Jauge").fill("90")
    await form.get_by_role("button", name="Ajouter la configuration").click()
    await expect(configurations.get_by_role("listitem")).to_have_text(["Bifrontal · 90 places"])
    [configuration] = (
        await admin.get("/room-configurations", params={"room_id": studio["id"]})
    ).json()["items"]
    assert (configuration["name"], configuration["capacity"]) == ("Bifrontal", 90)
    await configurations.get_by_role("link", name="Bifrontal").click()
    await expect(page.get_by_role("heading", name="Bifrontal", level=1)).to_be_visible()
    await expect(page.get_by_role("region", name="Fiche").get_by_role("link")).to_have_text(
        "Studio"
    )
    await page.get_by_role("link", name="← Studio").click()

    # Linked to the big room: booking one now blocks the other, on both pages.
    links = page.get_by_role("region", name="Salles liées")
    await expect(links.get_by_text("Cette salle n’est liée à aucune autre.")).to_be_visible()
    form = links.get_by_role("form", name="Lier une autre salle")
    await field(form, "Salle liée").select_option(label="Grande salle")
    await field(form, "Raison").fill("Plateau commun")
    await form.get_by_role("button", name="Lier les salles").click()
    await expect(links.get_by_role("listitem")).to_have_text(
        ["Grande salle · Plateau commun Délier"]
    )
    [link] = (await admin.get("/room-links")).json()["items"]
    assert {link["room_id"], link["other_room_id"]} == {studio["id"], grande["id"]}
    await links.get_by_role("link", name="Grande salle").click()
    await expect(page.get_by_role("heading", name="Grande salle", level=1)).to_be_visible()
    await expect(links.get_by_role("link", name="Studio")).to_be_visible()
    rehearsal = {
        "kind": "rehearsal",
        "title": "Répétition",
        "starts_at": paris("2027-01-14", "10:00"),
        "ends_at": paris("2027-01-14", "12:00"),
    }
    await admin.create("/activities", {**rehearsal, "room_id": grande["id"]})
    blocked = await admin.post("/activities", {**rehearsal, "room_id": studio["id"]})
    assert blocked.status_code == 409, blocked.text

    # Unlinking takes a second click.
    await links.get_by_role("button", name="Délier Studio").click()
    await links.get_by_role("button", name="Confirmer").click()
    await expect(links.get_by_text("Cette salle n’est liée à aucune autre.")).to_be_visible()
    assert (await admin.get("/room-links")).json()["total"] == 0


async def test_rooms_busy_at_the_same_time_cannot_be_linked_and_the_page_says_why(
    open_page: OpenPage, admin: Api
):
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle"})
    grande = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Grande salle"})
    studio = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Studio"})
    for room in (grande, studio):
        await admin.create(
            "/activities",
            {
                "kind": "rehearsal",
                "title": f"Répétition {room['name']}",
                "room_id": room["id"],
                "starts_at": paris("2027-01-14", "10:00"),
                "ends_at": paris("2027-01-14", "12:00"),
            },
        )
    page = await open_page(TECHNICIAN, f"/technique/salles/{studio['id']}")
    form = page.get_by_role("form", name="Lier une autre salle")
    await field(form, "Salle liée").select_option(label="Grande salle")
    await form.get_by_role("button", name="Lier les salles").click()
    await expect(form.get_by_role("alert")).to_contain_text(
        "Ces salles sont déjà occupées en même temps ; "
        "déplacez l’une des activités avant de les lier."
    )
    assert (await admin.get("/room-links")).json()["total"] == 0


async def test_a_pdf_goes_on_a_sheet_comes_back_identical_and_a_too_big_file_is_refused(
    open_page: OpenPage, admin: Api, season: dict, tmp_path: Path
):
    room = season["room"]
    page = await open_page(TECHNICIAN, f"/technique/salles/{room['id']}")
    sheets = page.get_by_role("region", name="Fiches techniques de la salle")
    form = sheets.get_by_role("form", name="Nouvelle fiche technique pour cette salle")
    await field(form, "Intitulé").fill("Fiche technique 2026-2027")
    await form.get_by_role("button", name="Créer la fiche").click()
    await expect(
        page.get_by_role("heading", name="Fiche technique 2026-2027", level=1)
    ).to_be_visible()
    sheet = (await admin.get("/technical-sheets", params={"q": "2026-2027"})).json()["items"][0]
    assert sheet["room_id"] == room["id"]

    files = page.get_by_role("region", name="Fichiers")
    # The limit stated is the server's (20 MiB here).
    await expect(files.get_by_text("Taille maximale d’un fichier : 20 Mo.")).to_be_visible()
    await files.get_by_label("Fichier à joindre").set_input_files(
        files=[{"name": "plan de feu.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    await files.get_by_role("button", name="Joindre le fichier").click()
    await expect(page.get_by_text("« plan de feu.pdf » a été joint.")).to_be_visible()
    download_link = files.get_by_role("link", name="Télécharger plan de feu.pdf")
    await expect(download_link).to_be_visible()

    async with page.expect_download() as waiting:
        await download_link.click()
    download = await waiting.value
    assert download.suggested_filename == "plan de feu.pdf"
    saved = Path(await download.path()).read_bytes()  # noqa: ASYNC240 (a small local file)
    assert hashlib.sha256(saved).hexdigest() == hashlib.sha256(PDF).hexdigest()

    # One byte over the limit: refused by the server, in French, and nothing is stored.
    # (Given as a file on disk: the browser reads it itself, as from a person's folder.)
    too_big = tmp_path / "plan énorme.pdf"
    too_big.write_bytes(b"%PDF-1.7\n" + bytes(LIMIT - 8))
    await files.get_by_label("Fichier à joindre").set_input_files(too_big)
    await files.get_by_role("button", name="Joindre le fichier").click()
    await expect(files.get_by_role("alert")).to_have_text(
        "« plan énorme.pdf » refusé : le fichier dépasse la taille acceptée de 20\u202fMo"
    )
    listed = (await admin.get("/attachments", params={"technical_sheet_id": sheet["id"]})).json()
    assert [a["filename"] for a in listed["items"]] == ["plan de feu.pdf"]

    # Deleting the file takes a second click.
    await files.get_by_role("button", name="Supprimer le fichier plan de feu.pdf").click()
    await files.get_by_role("button", name="Confirmer la suppression").click()
    await expect(files.get_by_text("Aucun fichier joint.")).to_be_visible()
    listed = (await admin.get("/attachments", params={"technical_sheet_id": sheet["id"]})).json()
    assert listed["total"] == 0


async def test_a_reader_sees_the_technical_pages_without_any_write_control(
    open_page: OpenPage, admin: Api, season: dict
):
    sheet, room = season["technical_sheet"], season["room"]
    upload = await admin.http.post(
        f"/technical-sheets/{sheet['id']}/attachments",
        files={"file": ("plan.pdf", PDF, "application/pdf")},
    )
    assert upload.status_code == 201, upload.text
    await admin.create(
        "/room-links", {"room_id": room["id"], "other_room_id": season["studio"]["id"]}
    )
    page = await open_page(READER, f"/technique/fiches/{sheet['id']}")
    files = page.get_by_role("region", name="Fichiers")
    await expect(files.get_by_role("link", name="Télécharger plan.pdf")).to_be_visible()
    await expect(files.get_by_text("Taille maximale d’un fichier : 20 Mo.")).to_be_visible()

    for path, heading in (
        (f"/technique/fiches/{sheet['id']}", "Fiche technique"),
        (f"/technique/salles/{room['id']}", "Grande salle"),
        (f"/technique/lieux/{season['venue']['id']}", "Théâtre de la Halle"),
        (f"/technique/configurations/{season['room_configuration']['id']}", "Frontal"),
        ("/technique/salles", "Salles"),
        ("/technique/lieux", "Lieux"),
        ("/technique/fiches", "Fiches techniques"),
    ):
        await page.goto(path)
        await expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        main = page.locator("main")
        await expect(main.get_by_role("button")).to_have_count(0)
        await expect(
            main.locator("form, input:not([type=search]), select, textarea")
        ).to_have_count(0)
    # The room's page still shows what is linked and configured, only without controls.
    await page.goto(f"/technique/salles/{room['id']}")
    await expect(page.get_by_role("region", name="Salles liées").get_by_role("link")).to_have_text(
        "Studio"
    )
    await expect(page.get_by_role("region", name="Configurations")).to_contain_text("Frontal")
