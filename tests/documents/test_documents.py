"""Each document downloaded as its readers get it: the right names, dates, times and amounts,
in French (English when asked), only for those who may read it, and data never run as markup."""

from __future__ import annotations

from tests.api.test_organisation import png
from tests.documents.conftest import file_name, pdf_text


async def test_the_road_sheet_of_a_day_reads_as_the_venue_prints_it(people, run):
    technique = people["technique"]
    engagement = run["engagement"]
    r = await technique.get(
        f"/documents/road-sheets/{engagement['id']}", params={"day": "2026-10-05"}
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert file_name(r) == "Feuille de route — Lac Gelé — 2026-10-05.pdf"
    assert (
        'filename="Feuille de route - Lac Gele - 2026-10-05.pdf"'
        in r.headers["content-disposition"]
    )
    text = pdf_text(r.content)
    for expected in (
        "FEUILLE DE ROUTE",
        "Théâtre de la Halle",
        "Lac Gelé",
        "Compagnie Mélusine",
        "Lundi 5 octobre 2026",
        "9 h 00",
        "13 h 00",
        "20 h 30",
        "Montage décor",
        "Salle Gérard-Philipe",
        "Bi-frontale — 180 places",
        "Technique",  # the department of the get-in
        "Adaptée en LSF",
        "Déchargement rue des Charrons",
        "Cédric Ménard",
        "06 12 34 56 78",
        "Administration de tournée",
        "Zoé Lemaître",
        "Joël Perrin",
        "9 personnes",
        "Hôtel de la Loire",
        "Plateau 10 m × 8 m, noir complet",  # the rider's summary, and its files
        "Plan de feu — Lac Gelé.pdf",
        "Grill fixe à 7,50 m.",
    ):
        assert expected in text, expected
    # One day only, and never a fee on a road sheet.
    assert "6 octobre" not in text and "Démontage" not in text
    assert "12 500" not in text and "€" not in text


async def test_the_road_sheet_of_the_run_has_every_day(people, run):
    r = await people["technique"].get(f"/documents/road-sheets/{run['engagement']['id']}")
    assert r.status_code == 200, r.text
    assert file_name(r) == "Feuille de route — Lac Gelé — 2026-10-05 – 2026-10-07.pdf"
    text = pdf_text(r.content)
    for expected in (
        "lun. 5 – mer. 7 oct. 2026",
        "Mardi 6 octobre 2026",
        "Mercredi 7 octobre 2026",
        "15 h 00",
        "Démontage",
    ):
        assert expected in text, expected


async def test_a_day_without_the_engagement_is_refused_by_name(people, run):
    r = await people["technique"].get(
        f"/documents/road-sheets/{run['engagement']['id']}", params={"day": "2026-10-09"}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "day"
    assert "9 oct. 2026" in r.json()["errors"][0]["message"]


async def test_english_when_the_reader_asks_for_it(people, run):
    r = await people["technique"].get(
        f"/documents/road-sheets/{run['engagement']['id']}",
        params={"day": "2026-10-05"},
        headers={"Accept-Language": "en-GB,en;q=0.9"},
    )
    assert r.status_code == 200
    assert file_name(r) == "Road sheet — Lac Gelé — 2026-10-05.pdf"
    text = pdf_text(r.content)
    for expected in ("ROAD SHEET", "Monday 5 October 2026", "20:30", "09:00", "Tour manager"):
        assert expected in text, expected
    r = await people["technique"].get(
        f"/documents/welcome-sheets/{run['engagement']['id']}", params={"language": "en"}
    )
    assert file_name(r) == "Welcome sheet — Lac Gelé — 2026-10-05.pdf"


async def test_the_welcome_sheet_names_the_host_and_the_hospitality(people, run):
    r = await people["rp"].get(f"/documents/welcome-sheets/{run['engagement']['id']}")
    assert r.status_code == 200, r.text
    assert file_name(r) == "Fiche d’accueil — Lac Gelé — 2026-10-05.pdf"
    text = pdf_text(r.content)
    for expected in (
        "FICHE D’ACCUEIL",
        "Bienvenue au Théâtre de la Halle",
        "Zoé Lemaître",
        "06 11 22 33 44",
        "Loges 1 et 2",
        "Repas chauds lundi midi et soir",
        "Arrivée en train le 4 à 18 h 12",
        "Entrée des artistes ouverte de 9 h 00 à 22 h 05",
        "SÉCURITÉ",
    ):
        assert expected in text, expected
    assert "12 500" not in text


async def test_the_contract_has_the_parties_terms_and_amounts(people, run):
    administration = people["administration"]
    r = await administration.get(f"/documents/contracts/{run['engagement']['id']}")
    assert r.status_code == 200, r.text
    assert file_name(r) == "Contrat de cession — Lac Gelé — 2026-10-05.pdf"
    text = pdf_text(r.content)
    for expected in (
        "CONTRAT DE CESSION DU DROIT D’EXPLOITATION D’UN SPECTACLE",
        "Bureau Clémentine Productions",  # the producer sells the show
        "SIRET : 987 654 321 00034",
        "PLATESV-D-2020-004567 (cat. 2)",
        "Benoît Rousseau (Administrateur)",
        "Théâtre de la Halle",  # the organiser, from the organisation's record
        "SIRET : 123 456 782 00002",
        "Code APE : 90.04Z",
        "TVA intracommunautaire : FR11123456782",
        "PLATESV-D-2021-000124 (cat. 3)",
        "Hélène Garnier (Directrice)",
        "« Lac Gelé »",
        "3 représentations",
        "5 octobre 2026 à 20 h 30",
        "7 octobre 2026 à 15 h 00",
        "12 500,00 €",  # the fee, excluding VAT
        "TVA 5,5 %",
        "687,50 €",
        "13 187,50 €",  # including VAT
        "850,00 €",
        "620,00 €",
        "13 970,00 €",  # fee and costs, excluding VAT
        "SACD : déclarés et réglés par l'Organisateur.",
        "Deux places de parking pour le camion.",
        "force majeure",
        "Pour le Producteur",
        "Pour l’Organisateur",
        "Fait à Lyon",
    ):
        assert expected in text, expected


async def test_the_contract_prints_the_organisation_as_an_administrator_last_edited_it(
    people, run, admin
):
    """The organiser's SIRET, licences and signatory come from the organisation's record: an
    administrator changes them, and the next contract says the new ones (and the new logo)."""
    path = f"/documents/contracts/{run['engagement']['id']}"
    before = (await admin.get(path)).content
    assert "SIRET : 419 512 348 00030" not in pdf_text(before)
    assert b"/Subtype/Image" not in before.replace(b" ", b"")  # no logo yet: the name in type
    current = (await admin.get("/organisation")).json()
    r = await admin.patch(
        "/organisation",
        {
            "name": "Scène des Deux Rives",
            "siret": "41951234800030",
            "licence_1": "PLATESV-R-2024-000777",
            "licence_3": "L-R-21-123",
            "representative_name": "Paul Verne",
            "representative_title": "Président",
        },
        version=current["version"],
    )
    assert r.status_code == 200, r.text
    r = await admin.http.put(
        "/organisation/logo",
        files={"file": ("logo.png", png(), "image/png")},
        headers={"If-Match": r.headers["etag"]},
    )
    assert r.status_code == 200, r.text
    r = await people["administration"].get(path)
    assert r.status_code == 200, r.text
    text = pdf_text(r.content)
    for expected in (
        "Scène des Deux Rives",
        "SIRET : 419 512 348 00030",
        "PLATESV-R-2024-000777 (cat. 1)",
        "L-R-21-123 (cat. 3)",
        "Paul Verne (Président)",
    ):
        assert expected in text, expected
    assert "123 456 782 00002" not in text
    assert b"/Subtype/Image" in r.content.replace(b" ", b"")  # the logo, at the top


async def test_a_contract_needs_read_access_to_fees(people, run):
    path = f"/documents/contracts/{run['engagement']['id']}"
    for role in ("technique", "rp", "communication"):
        r = await people[role].get(path)
        assert r.status_code == 403, role
        assert r.headers["content-type"].startswith("application/problem+json")
    for role in ("programmation", "administration", "admin"):
        assert (await people[role].get(path)).status_code == 200, role
    assert (await people["nobody"].get(path)).status_code == 403
    assert (await people["anonymous"].get(path)).status_code == 401


async def test_the_activity_report_counts_rooms_months_and_options(people, run):
    r = await people["communication"].get(
        "/documents/activity-reports", params={"start": "2026-10-01", "end": "2026-10-31"}
    )
    assert r.status_code == 200, r.text
    assert file_name(r) == "Bilan d’activité — 2026-10-01 – 2026-10-31.pdf"
    text = pdf_text(r.content)
    for expected in (
        "BILAN D’ACTIVITÉ",
        "Période du 1er octobre 2026 au 31 octobre 2026",
        "Salle Gérard-Philipe",
        "Grande salle",
        "octobre 2026",
        "théâtre",
        "Représentation",
        "Montage",
        "Bérénice",  # the option still open in the Studio
        "mar. 20 – jeu. 22 oct. 2026",
        "Représentations par mois et par salle".upper(),
    ):
        assert expected in text, expected
    r = await people["communication"].get(
        "/documents/activity-reports", params={"start": "2026-10-31", "end": "2026-10-01"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "end"


async def test_a_title_full_of_markup_prints_as_typed(people, run, admin):
    title = '#panic("x") *bold* <b>gras</b> $x^2$ @ref [lien](x) \\ _souligné_'
    show = run["show"]
    r = await admin.patch(f"/shows/{show['id']}", {"title": title}, version=show["version"])
    assert r.status_code == 200, r.text
    for kind in ("road-sheets", "welcome-sheets", "contracts"):
        r = await admin.get(f"/documents/{kind}/{run['engagement']['id']}")
        assert r.status_code == 200, (kind, r.text)
        text = pdf_text(r.content)
        assert '#panic("x") *bold* <b>gras</b> $x^2$ @ref [lien](x)' in text, kind
    # The file name keeps what a file system accepts.
    assert file_name(r).startswith("Contrat de cession — #panic(-x-) -bold- -b-gras-b-")
