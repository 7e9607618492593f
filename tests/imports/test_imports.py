"""Starting from spreadsheets: each line's problems before anything is written, all or nothing,
and the same file imported twice changes nothing."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

CONTACTS = (
    "Prénom;Nom;Courriel;Téléphone\r\n"
    "Léa;Martin;lea@eclat.fr;+33 6 11 22 33 44\r\n"
    "Hugo;Bernard;hugo@treteaux.fr;\r\n"
    "Inès;Petit;;04 78 00 00 00\r\n"
)


async def check(client: Any, kind: str, content: bytes, name: str = "f.csv", **form: str):
    return await client.http.post(
        f"/imports/{kind}",
        files={"file": (name, content)},
        data=form,
        headers={"Accept-Language": "fr"},
    )


async def commit(client: Any, kind: str, content: bytes, token: str, name: str = "f.csv", **form):
    return await client.http.post(
        f"/imports/{kind}/commit", files={"file": (name, content)}, data={"token": token, **form}
    )


async def changes(admin: Any) -> list[dict[str, Any]]:
    return (await admin.get("/changes", params={"limit": 1000})).json()["items"]


async def test_contacts_guessed_from_french_headers_then_imported_once(admin, season):
    content = CONTACTS.encode("utf-8-sig")  # as Excel writes "CSV UTF-8"
    r = await check(admin, "contacts", content)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["mapping"] == {
        "first_name": "Prénom",
        "last_name": "Nom",
        "email": "Courriel",
        "phone": "Téléphone",
    }
    # Léa Martin exists (same email): she gains her phone; the others are new.
    assert (report["created"], report["updated"], report["unchanged"]) == (2, 1, 0)
    assert report["problems"] == [] and report["committed"] is False
    before = await changes(admin)
    assert (await admin.get("/contacts", params={"q": "Bernard"})).json()["total"] == 0

    r = await commit(admin, "contacts", content, report["token"])
    assert r.status_code == 200, r.text
    assert r.json()["committed"] is True
    after = await changes(admin)
    assert [c["action"] for c in after[len(before) :]] == [
        "contact.updated",
        "contact.created",
        "contact.created",
    ]
    lea = (await admin.get("/contacts", params={"q": "Martin"})).json()["items"][0]
    assert lea["phones"] == ["+33 6 11 22 33 44"]

    # The same file again: nothing to do, nothing written, the history unchanged.
    again = (await check(admin, "contacts", content)).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    r = await commit(admin, "contacts", content, again["token"])
    assert r.status_code == 200
    assert await changes(admin) == after


DAY = "doit être un jour, par ex. 06/10/2026 ou 2026-10-06"


async def test_every_problem_named_by_line_and_column_in_french(admin, season):
    content = (
        "Spectacle;Salle;Du;Au;Statut\n"
        "Phèdre;Studio;12/11/2026;13/11/2026;option\n"
        "Phèdre;Salle inconnue;14/11/2026;;option\n"
        "Inconnu;Studio;32/13/2026;;peut-être\n"
    ).encode()
    r = await check(admin, "engagements", content)
    report = r.json()
    assert r.status_code == 200
    assert report["problems"] == [
        {"line": 3, "column": "Salle", "reason": "aucune salle ne s’appelle « Salle inconnue »"},
        {"line": 4, "column": "Du", "reason": DAY},
        {"line": 4, "column": "Statut", "reason": "doit être option ou confirmé"},
    ]
    # Nothing was written, not even the good line.
    before = await changes(admin)
    r = await commit(admin, "engagements", content, report["token"])
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert len(r.json()["report"]["problems"]) == 3
    assert await changes(admin) == before


async def test_one_refused_line_and_nothing_is_written(admin, season):
    """A line every cell of which reads well, refused by the venue's rules when it runs (the
    Grande salle is confirmed for Phèdre those days): the lines before it are not kept."""
    await admin.create("/shows", {"title": "Bérénice"})
    content = (
        "Spectacle;Salle;Du;Au;Statut\n"
        "Bérénice;Studio;12/11/2026;13/11/2026;confirmé\n"
        "Bérénice;Grande salle;07/10/2026;07/10/2026;confirmé\n"
    ).encode()
    before = await changes(admin)
    report = (await check(admin, "engagements", content)).json()
    assert [p["line"] for p in report["problems"]] == [3]
    r = await commit(admin, "engagements", content, report["token"])
    assert r.status_code == 422
    assert await changes(admin) == before
    listed = (await admin.get("/engagements")).json()["items"]
    assert [e["room_id"] for e in listed] == [season["room"]["id"]]  # only Phèdre's


async def test_xlsx_performances_with_their_engagement(admin, season):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Spectacle", "Date", "Heure", "Référence billetterie", "LSF"])
    sheet.append(["Phèdre", "07/10/2026", "20h30", "BIL-0710", "oui"])
    sheet.append(["Phèdre", "08/10/2026", "15:00", "BIL-0810", "non"])
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    report = (await check(admin, "performances", content, "saison.xlsx")).json()
    assert report["problems"] == [], report
    assert report["created"] == 2
    r = await commit(admin, "performances", content, report["token"], "saison.xlsx")
    assert r.status_code == 200, r.text
    items = (
        await admin.get("/performances", params={"engagement_id": season["engagement"]["id"]})
    ).json()["items"]
    starts = {p["starts_at"]: p for p in items}
    assert starts["2026-10-07T20:30:00+02:00"]["sign_language"] is True
    assert starts["2026-10-08T15:00:00+02:00"]["ticketing_ref"] == "BIL-0810"
    again = (await check(admin, "performances", content, "saison.xlsx")).json()
    assert again["unchanged"] == 2 and again["created"] == 0


async def test_shows_bring_their_company_into_the_directory(admin, season):
    content = "Titre;Compagnie;Durée\nLa Mouette;Théâtre du Lierre;120\nPhèdre;Compagnie Éclat;\n"
    report = (await check(admin, "shows", content.encode())).json()
    assert (report["created"], report["unchanged"]) == (1, 1), report
    r = await commit(admin, "shows", content.encode(), report["token"])
    assert r.status_code == 200, r.text
    orgs = (await admin.get("/organisations", params={"q": "Lierre"})).json()["items"]
    assert [o["name"] for o in orgs] == ["Théâtre du Lierre"]


async def test_mapping_edited_token_checked_and_workspace_guarded(people, admin, season):
    content = b"Given;Family\nAnn;Lee\n"
    report = (await check(admin, "contacts", content)).json()
    assert report["problems"][0]["line"] == 1  # nothing guessed for first and last names
    mapping = '{"first_name": "Given", "last_name": "Family"}'
    report = (await check(admin, "contacts", content, mapping=mapping)).json()
    assert report["problems"] == [] and report["created"] == 1
    r = await commit(admin, "contacts", content + b"Bob;Ray\n", report["token"], mapping=mapping)
    assert r.status_code == 409  # not the file that was checked
    # Contacts belong to the Directory: Communication only reads it.
    r = await check(people["communication"], "contacts", content)
    assert r.status_code == 403


async def test_limits_are_problem_details(admin):
    r = await check(admin, "contacts", b"")
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    big = "Prénom;Nom\n" + "A;B\n" * 5001
    r = await check(admin, "contacts", big.encode())
    assert r.status_code == 422 and "5000" in r.text


async def test_fees_are_not_guessed_by_someone_who_may_not_read_them(people, admin, season):
    """Technique, a Programming writer without Contracts read, cannot learn a fee by importing
    guesses and watching "updated" or "unchanged": a fee column is refused, whatever it holds,
    and the same file without it goes through."""
    technique = people["technique"]
    await admin.create(
        "/permissions",
        {"area": "programming", "level": "write", "user_id": technique.user["id"]},
    )
    e = season["engagement"]
    room = (await admin.get(f"/rooms/{e['room_id']}")).json()["name"]
    show = (await admin.get(f"/shows/{e['show_id']}")).json()["title"]
    reports = []
    for guess in ("8000", "8500"):  # 8500 is the fee stored
        content = f"Spectacle;Salle;Du;Cachet\n{show};{room};{e['first_day']};{guess}\n".encode()
        r = await check(technique, "engagements", content)
        assert r.status_code == 200, r.text
        reports.append({k: v for k, v in r.json().items() if k != "token"})
    assert reports[0] == reports[1]
    assert reports[0]["problems"] == [
        {
            "line": 1,
            "column": "Cachet",
            "reason": "importer des cachets demande l’accès en lecture aux contrats : "
            "laissez cette colonne de côté",
        }
    ]
    assert reports[0]["updated"] == reports[0]["unchanged"] == 0
    mapping = '{"show": "Spectacle", "room": "Salle", "first_day": "Du"}'
    r = await check(technique, "engagements", content, mapping=mapping)
    assert r.json()["problems"] == [] and r.json()["unchanged"] == 1
    # Whoever reads contracts imports fees as before.
    r = await check(admin, "engagements", content)
    assert r.json()["problems"] == [] and r.json()["unchanged"] == 1
