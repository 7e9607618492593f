"""Feeds in the browser: a spreadsheet checked, its problems read line by line, then imported;
a connector listed and downloaded."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

from playwright.async_api import expect

from tests.conftest import Api
from tests.web.conftest import OpenPage

WRITER = "programmation@test.saison"  # programming manage, directory write


def sheet(text: str) -> dict[str, object]:
    return {"name": "annuaire.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8-sig")}


async def test_a_spreadsheet_is_checked_then_imported(open_page: OpenPage, admin: Api):
    page = await open_page(WRITER, "/echanges/import")
    await expect(page.get_by_role("heading", name="Import", level=1)).to_be_visible()
    await page.get_by_label("Type de fiches").select_option(label="Contacts")
    await page.get_by_label("Fichier").set_input_files(
        sheet("Prénom;Nom;Courriel\nLéa;Martin;lea@eclat.fr\nHugo;;hugo@treteaux.fr\n")
    )
    await page.get_by_role("button", name="Vérifier").first.click()
    problems = page.get_by_role("region", name="Problèmes")
    await expect(problems.get_by_role("status")).to_have_text(
        "2 lignes : 1 à créer, 0 à modifier, 0 inchangées."
    )
    row = problems.get_by_role("row").nth(1)
    await expect(row).to_have_text("3Nomobligatoire")
    await expect(page.get_by_role("button", name="Importer")).to_have_count(0)
    # The columns the server guessed, shown to be changed.
    mapping = page.get_by_role("region", name="Correspondance des colonnes")
    await expect(mapping.get_by_label("Courriel")).to_have_value("Courriel")
    assert (await admin.get("/contacts")).json()["total"] == 0

    await page.get_by_label("Fichier").set_input_files(
        sheet("Prénom;Nom;Courriel\nLéa;Martin;lea@eclat.fr\nHugo;Bernard;hugo@treteaux.fr\n")
    )
    await page.get_by_role("button", name="Vérifier").first.click()
    await expect(page.get_by_text("Aucun problème : le fichier peut être importé.")).to_be_visible()
    await page.get_by_role("button", name="Importer").click()
    await expect(page.get_by_text("Import terminé : 2 créées, 0 modifiées.")).to_be_visible()
    names = [c["last_name"] for c in (await admin.get("/contacts")).json()["items"]]
    assert names == ["Bernard", "Martin"]


async def test_a_connector_is_listed_and_downloaded(open_page: OpenPage, admin: Api, season):
    await admin.create(
        "/connectors",
        {
            "name": "Billetterie",
            "entity": "performances",
            "fields": [
                {"column": "Spectacle", "source": "show"},
                {"column": "Cachet", "source": "fee"},
            ],
            "csv_separator": ";",
        },
    )
    page = await open_page("communication@test.saison", "/echanges/connecteurs")
    row = page.get_by_role("row", name="Billetterie")
    await expect(row).to_contain_text("Représentations")
    await expect(page.get_by_role("button", name="Nouveau connecteur")).to_have_count(0)
    async with page.expect_download() as info:
        await row.get_by_role("link", name="Télécharger").click()
    download = await info.value
    assert download.suggested_filename == "Billetterie.csv"
    content = await asyncio.to_thread(Path(await download.path()).read_text, encoding="utf-8")
    assert list(csv.reader(io.StringIO(content), delimiter=";")) == [["Spectacle"], ["Phèdre"]]
    # Communication reads, writes nothing: the import page says so rather than offer a form.
    await page.goto("/echanges/import")
    await expect(
        page.get_by_text("Votre compte ne peut importer aucun type de fiches")
    ).to_be_visible()
    await expect(page.get_by_role("button", name="Vérifier")).to_have_count(0)
