"""A venue's own templates: accepted once they compile, refused with Typst's message when they
do not (the one in use stays), back to the default on request, each step in the history."""

from __future__ import annotations

import pytest

from server.documents.templates import validate
from server.documents.typesetting import TemplateError
from tests.documents.conftest import pdf_text

OURS = """#let data = json(bytes(sys.inputs.data))
#set text(lang: "fr")
= Feuille de service maison
#data.show.title — #data.engagement.period
#for day in data.days [
  - #day.label : #day.entries.len() entrées
]
"""
BROKEN = "#let data = json(bytes(sys.inputs.data))\n= Maison\n#data.show.titre\n"


async def test_a_venue_uses_its_own_road_sheet_then_goes_back(people, run):
    technique = people["technique"]
    engagement = run["engagement"]["id"]
    current = await technique.get("/documents/road-sheets/template")
    assert current.status_code == 200
    assert current.json()["custom"] is False and current.headers["etag"] == '"v0"'
    assert '#import "saison.typ"' in current.json()["source"]

    r = await technique.http.put("/documents/road-sheets/template", json={"source": OURS})
    assert r.status_code == 428  # say which version you replace
    r = await technique.http.put(
        "/documents/road-sheets/template", json={"source": OURS}, headers={"If-Match": '"v0"'}
    )
    assert r.status_code == 200, r.text
    assert r.json()["custom"] is True and r.headers["etag"] == '"v1"'
    text = pdf_text((await technique.get(f"/documents/road-sheets/{engagement}")).content)
    assert "Feuille de service maison" in text and "Lundi 5 octobre 2026 : 3 entrées" in text

    # A broken one is refused with Typst's words, and ours stays in use.
    r = await technique.http.put(
        "/documents/road-sheets/template", json={"source": BROKEN}, headers={"If-Match": '"v1"'}
    )
    assert r.status_code == 422
    problem = r.json()
    assert problem["errors"][0]["field"] == "source"
    assert "dictionary does not contain key" in problem["errors"][0]["message"]
    assert "template.typ:3" in problem["errors"][0]["message"]  # where, for its author
    assert "Typst n’a pas pu composer ce modèle" in problem["detail"]
    text = pdf_text((await technique.get(f"/documents/road-sheets/{engagement}")).content)
    assert "Feuille de service maison" in text

    r = await technique.delete("/documents/road-sheets/template", version=1)
    assert r.status_code == 200, r.text
    assert r.json()["custom"] is False and r.headers["etag"] == '"v2"'
    text = pdf_text((await technique.get(f"/documents/road-sheets/{engagement}")).content)
    assert "FEUILLE DE ROUTE" in text and "maison" not in text

    history = (await technique.get("/changes", params={"entity": "document_template"})).json()
    steps = history["items"]
    assert [c["action"] for c in steps] == [
        "document_template.created",
        "document_template.updated",
    ]
    assert steps[0]["after"]["source"] == OURS and steps[1]["after"]["source"] is None
    assert {c["workspace"] for c in steps} == {"planning"}


async def test_an_old_version_cannot_overwrite_a_newer_template(people):
    technique = people["technique"]
    ok = await technique.http.put(
        "/documents/road-sheets/template", json={"source": OURS, "version": 0}
    )
    assert ok.status_code == 200
    stale = await technique.http.put(
        "/documents/road-sheets/template", json={"source": OURS, "version": 0}
    )
    assert stale.status_code == 412


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("", "vide"),
        ('#import "@preview/cetz:0.3.0": canvas\nx', "packages"),
        ('#read("/etc/passwd")', "file not found"),
        ('#read("../../../etc/passwd")', "escape"),
        ('#panic("non")', "panicked"),
    ],
)
async def test_what_cannot_be_used_is_refused_with_its_reason(people, source, words):
    r = await people["admin"].http.put(
        "/documents/welcome-sheets/template", json={"source": source, "version": 0}
    )
    assert r.status_code == 422, r.text
    assert words in r.json()["errors"][0]["message"]


async def test_who_may_change_which_template(people):
    body = {"source": OURS, "version": 0}
    # Contracts: those who write contracts; road sheets: those who manage the planning.
    r = await people["technique"].http.put("/documents/contracts/template", json=body)
    assert r.status_code == 403
    r = await people["programmation"].http.put("/documents/road-sheets/template", json=body)
    assert r.status_code == 403
    contract = """#let data = json(bytes(sys.inputs.data))
Contrat maison : #data.terms.fee, #data.producer.name"""
    r = await people["administration"].http.put(
        "/documents/contracts/template", json={"source": contract, "version": 0}
    )
    assert r.status_code == 200, r.text
    # The contract template's history is for those who read contracts.
    seen = await people["technique"].get("/changes", params={"entity": "document_template"})
    assert seen.json()["items"] == []
    seen = await people["administration"].get("/changes", params={"entity": "document_template"})
    assert [c["workspace"] for c in seen.json()["items"]] == ["contracts"]
    assert (await people["technique"].get("/documents/contracts/template")).status_code == 403


async def test_the_sample_data_says_what_a_template_receives(people):
    r = await people["technique"].get("/documents/road-sheets/template/sample")
    assert r.status_code == 200
    data = r.json()
    assert {"document", "brand", "show", "engagement", "days", "contacts"} <= set(data)
    assert data["days"][0]["entries"][0]["start"] == "9 h 00"


async def test_a_template_that_never_ends_is_stopped():
    with pytest.raises(TemplateError, match="did not finish"):
        # It never ends: any bound stops it (the server's is VALIDATION_SECONDS).
        await validate("#for i in range(1000000000) { let x = i * i }", {}, seconds=0.5)
