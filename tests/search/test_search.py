"""Search across workspaces: accents and case ignored, grouped by kind, each reader's own."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, token_for
from tests.factories import paris

LAC = "Lac Gelé"


@pytest.fixture
async def lac(admin: Api, season: dict[str, Any]) -> dict[str, Any]:
    """A show with an option (fee and contract terms), a rehearsal and a rider, next to the
    small season (Phèdre in the Grande salle)."""
    show = await admin.create("/shows", {"title": LAC, "genre": "danse"})
    engagement = await admin.create(
        "/engagements",
        {
            "show_id": show["id"],
            "room_id": season["studio"]["id"],
            "first_day": "2027-01-14",
            "last_day": "2027-01-16",
            "fee": "12345.67",
            "contract_terms": "Clause Zanzibar : captation interdite",
        },
    )
    rehearsal = await admin.create(
        "/activities",
        {
            "kind": "rehearsal",
            "title": f"Répétition — {LAC}",
            "room_id": season["studio"]["id"],
            "starts_at": paris("2026-10-12", "14:00"),
            "ends_at": paris("2026-10-12", "18:00"),
        },
    )
    rider = await admin.create(
        "/technical-sheets", {"show_id": show["id"], "title": f"Fiche technique {LAC}"}
    )
    return {"show": show, "engagement": engagement, "rehearsal": rehearsal, "rider": rider}


async def search(client: Api, q: str, **params: Any) -> dict[str, Any]:
    r = await client.get("/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def group(answer: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    found = [g["items"] for g in answer["groups"] if g["kind"] == kind]
    return found[0] if found else []


def labels(answer: dict[str, Any], kind: str) -> list[str]:
    return [item["label"] for item in group(answer, kind)]


@pytest.mark.parametrize("typed", ["lac gele", "LAC GELÉ", "Lac Gelé", "gel", "  gelé   LAC "])
async def test_accents_case_and_word_parts_do_not_matter(admin, lac, typed):
    answer = await search(admin, typed)
    assert labels(answer, "show") == [LAC]
    show = group(answer, "show")[0]
    assert show["id"] == lac["show"]["id"]
    assert show["path"] == f"/programmation/spectacles/{lac['show']['id']}"


async def test_ligatures_quotes_and_wildcards_are_plain_letters(admin, season):
    oedipe = await admin.create("/shows", {"title": "Œdipe à Colone"})
    ile = await admin.create("/shows", {"title": "L’Île des esclaves"})
    await admin.create("/shows", {"title": "100% Coton"})
    assert labels(await search(admin, "oedipe a colone"), "show") == [oedipe["title"]]
    assert labels(await search(admin, "l'ile"), "show") == [ile["title"]]
    # % and _ are searched for, not patterns: "%" finds the one title that has one.
    assert labels(await search(admin, "%"), "show") == ["100% Coton"]
    assert (await search(admin, "_"))["groups"] == []


async def test_results_are_grouped_by_kind_with_a_line_a_venue_reads(admin, season, lac):
    answer = await search(admin, "lac gele")
    assert [g["kind"] for g in answer["groups"]] == ["show", "engagement", "activity",
                                                     "technical_sheet"]  # fmt: skip
    assert answer["q"] == "lac gele"
    (show,) = group(answer, "show")
    assert show["context"] == "Danse"
    (engagement,) = group(answer, "engagement")
    assert engagement == {
        "id": lac["engagement"]["id"],
        "label": LAC,
        "context": "Option 1 · Studio · jeu. 14 janv. 2027 – sam. 16 janv. 2027",
        "path": f"/programmation/exploitations/{lac['engagement']['id']}",
    }
    (rehearsal,) = group(answer, "activity")
    assert rehearsal["label"] == f"Répétition — {LAC}"
    # The venue's time (14:00 in Paris), whatever the server's zone.
    assert rehearsal["context"] == "Répétition · Studio · lun. 12 oct. 2026, 14 h 00"
    assert rehearsal["path"] == f"/planning/activites/{lac['rehearsal']['id']}"
    (rider,) = group(answer, "technical_sheet")
    assert rider["context"] == LAC and rider["path"] == f"/technique/fiches/{lac['rider']['id']}"

    english = await admin.get(
        "/search", params={"q": "lac gele"}, headers={"Accept-Language": "en"}
    )
    (engagement,) = group(english.json(), "engagement")
    assert engagement["context"] == "Option 1 · Studio · Thu 14 Jan 2027 – Sat 16 Jan 2027"


async def test_each_kind_of_record_is_found_and_opened_where_it_lives(admin, season):
    expect = {
        "Éclat": ("organisation", season["organisation"], "/annuaire/structures/",
                  "Compagnie · Grenoble"),
        "lea martin": ("contact", season["contact"], "/annuaire/contacts/",
                       "Chargée de diffusion, Compagnie Éclat"),
        "theatre halle": ("venue", season["venue"], "/technique/lieux/",
                          "2 place du Marché · Lyon"),
        "grande": ("room", season["room"], "/technique/salles/",
                   "Théâtre de la Halle · 600 places"),
        "montage phedre": ("activity", season["activity"], "/planning/activites/",
                           "Montage · Grande salle · lun. 5 oct. 2026, 9 h 00"),
    }  # fmt: skip
    for typed, (kind, record, path, context) in expect.items():
        items = group(await search(admin, typed), kind)
        assert [(i["id"], i["path"], i["context"]) for i in items] == [
            (record["id"], f"{path}{record['id']}", context)
        ], typed
    # A place linked to our venue is found by the venue's name, in the directory.
    places = group(await search(admin, "halle"), "place")
    assert [(p["id"], p["label"], p["path"]) for p in places] == [
        (season["place"]["id"], "Théâtre de la Halle", f"/annuaire/lieux/{season['place']['id']}")
    ]


async def test_the_closest_labels_come_first_and_limit_says_there_is_more(admin, season):
    for title in ("Le Lac", "Lac", "Au bord du lac", "Lacrymal"):
        await admin.create("/shows", {"title": title})
    answer = await search(admin, "lac")
    assert labels(answer, "show") == ["Lac", "Lacrymal", "Au bord du lac", "Le Lac"]
    assert answer["groups"][0]["more"] is False
    answer = await search(admin, "lac", limit=2)
    assert labels(answer, "show") == ["Lac", "Lacrymal"]
    assert answer["groups"][0]["more"] is True


async def test_a_reader_sees_only_the_workspaces_they_may_read(db, in_process, people, lac):
    """A token limited to Technical and Planning: the rooms and the rehearsal, no show, no
    engagement, and the rider does not name its show."""
    user = people["technique"].user
    assert user is not None
    token = await token_for(db, user["id"], {"technical": "read", "planning": "read"})
    narrow = Api(in_process, token)
    try:
        answer = await search(narrow, "lac gele")
        assert [g["kind"] for g in answer["groups"]] == ["activity", "technical_sheet"]
        (rider,) = group(answer, "technical_sheet")
        assert rider["context"] == "Fiche technique d’un spectacle"
        assert LAC not in rider["context"]
        assert labels(await search(narrow, "eclat"), "organisation") == []
    finally:
        await narrow.close()
    # Someone who reads none of the searched workspaces is told so.
    r = await people["nobody"].get("/search", params={"q": "lac"})
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "au moins un espace" in r.json()["detail"]


async def test_fees_and_contract_terms_never_reach_those_without_contracts(people, lac):
    # Contract terms are searched for those who may read contracts…
    found = await search(people["administration"], "zanzibar")
    assert [i["id"] for i in group(found, "engagement")] == [lac["engagement"]["id"]]
    # …and never for those who may not (the Technique team reads programming, not contracts).
    assert (await search(people["technique"], "zanzibar"))["groups"] == []
    # The fee is never searched, and no answer carries it.
    for role in ("admin", "technique"):
        assert (await search(people[role], "12345"))["groups"] == []
        r = await people[role].get("/search", params={"q": "lac"})
        assert "12345" not in r.text and "fee" not in r.text and "Zanzibar" not in r.text


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"q": ""}, "q", "doit compter au moins 1 caract"),
        ({"q": "   "}, "q", "saisissez au moins une lettre ou un chiffre"),
        ({"q": "x" * 101}, "q", "doit compter au plus 100 caractères"),
        ({}, "q", "obligatoire"),
        ({"q": "lac", "limit": 0}, "limit", "supérieur ou égal à 1"),
        ({"q": "a b c d e f g h i"}, "q", "au plus 8 mots"),
        ({"q": "lac", "kind": "show"}, "kind", "paramètre inconnu"),
    ],
)
async def test_bad_input_is_a_problem_naming_the_field_in_french(admin, params, field, message):
    r = await admin.get("/search", params=params)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert [e["field"] for e in problem["errors"]] == [field]
    assert message in problem["errors"][0]["message"], problem


async def test_anonymous_callers_are_asked_to_sign_in(people):
    r = await people["anonymous"].get("/search", params={"q": "lac"})
    assert r.status_code == 401
