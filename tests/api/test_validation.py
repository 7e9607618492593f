"""Bad input gets 422 problem details naming each wrong field, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import paris

S = dict[str, dict[str, Any]]

# (what is wrong, path, payload made from the season, the field the problem must name)
BAD_CREATIONS = [
    (
        "activity ending before it starts",
        "/activities",
        lambda s: {
            "kind": "rehearsal",
            "title": "Filage",
            "room_id": s["studio"]["id"],
            "starts_at": paris("2026-10-05", "18:00"),
            "ends_at": paris("2026-10-05", "14:00"),
        },
        "ends_at",
    ),
    (
        "activity ending when it starts",
        "/activities",
        lambda s: {
            "kind": "meeting",
            "title": "Réunion",
            "starts_at": paris("2026-10-05", "18:00"),
            "ends_at": paris("2026-10-05", "18:00"),
        },
        "ends_at",
    ),
    (
        "engagement whose last day is before its first",
        "/engagements",
        lambda s: {
            "show_id": s["show"]["id"],
            "room_id": s["studio"]["id"],
            "first_day": "2026-11-10",
            "last_day": "2026-11-08",
        },
        "last_day",
    ),
    (
        "activity in an unknown room",
        "/activities",
        lambda s: {
            "kind": "rehearsal",
            "title": "Filage",
            "room_id": 987654,
            "starts_at": paris("2026-10-05", "14:00"),
            "ends_at": paris("2026-10-05", "18:00"),
        },
        "room_id",
    ),
    (
        "room of an unknown venue",
        "/rooms",
        lambda s: {"venue_id": 987654, "name": "Fantôme"},
        "venue_id",
    ),
    (
        "contact role of an unknown organisation",
        "/contact-roles",
        lambda s: {"contact_id": s["contact"]["id"], "organisation_id": 987654, "role": "x"},
        "organisation_id",
    ),
    (
        "malformed date",
        "/activities",
        lambda s: {
            "kind": "rehearsal",
            "title": "Filage",
            "room_id": s["studio"]["id"],
            "starts_at": "2026-13-45T25:00:00",
            "ends_at": paris("2026-10-05", "18:00"),
        },
        "starts_at",
    ),
    (
        "malformed day",
        "/engagements",
        lambda s: {
            "show_id": s["show"]["id"],
            "room_id": s["studio"]["id"],
            "first_day": "le 3 novembre",
            "last_day": "2026-11-08",
        },
        "first_day",
    ),
    (
        "name over 200 characters",
        "/organisations",
        lambda s: {"name": "N" * 201},
        "name",
    ),
    (
        "title over 200 characters",
        "/shows",
        lambda s: {"title": "T" * 201},
        "title",
    ),
    (
        "blank name",
        "/venues",
        lambda s: {"name": "   "},
        "name",
    ),
    (
        "missing required field",
        "/shows",
        lambda s: {"genre": "danse"},
        "title",
    ),
    (
        "text where a number is expected",
        "/rooms",
        lambda s: {"venue_id": s["venue"]["id"], "name": "Foyer", "capacity": "beaucoup"},
        "capacity",
    ),
    (
        "text where an id is expected",
        "/rooms",
        lambda s: {"venue_id": "la halle", "name": "Foyer"},
        "venue_id",
    ),
    (
        "negative capacity",
        "/rooms",
        lambda s: {"venue_id": s["venue"]["id"], "name": "Foyer", "capacity": -5},
        "capacity",
    ),
    (
        "unknown kind",
        "/organisations",
        lambda s: {"name": "X", "kind": "cirque"},
        "kind",
    ),
    (
        "malformed email",
        "/contacts",
        lambda s: {"first_name": "A", "last_name": "B", "emails": ["pas-un-email"]},
        "emails",
    ),
    (
        "negative fee",
        "/engagements",
        lambda s: {
            "show_id": s["show"]["id"],
            "room_id": s["studio"]["id"],
            "first_day": "2026-11-03",
            "last_day": "2026-11-04",
            "fee": "-10",
        },
        "fee",
    ),
    (
        "technical sheet of both a room and a show",
        "/technical-sheets",
        lambda s: {"room_id": s["room"]["id"], "show_id": s["show"]["id"], "title": "Fiche"},
        "room_id",
    ),
    (
        "place with neither name nor venue",
        "/places",
        lambda s: {"city": "Lyon"},
        "name",
    ),
]


async def counts(admin, paths):
    return {p: (await admin.get(p, params={"limit": 1})).json()["total"] for p in paths}


async def last_seq(admin):
    return (await admin.get("/changes", params={"limit": 5000})).json()["next_since"]


def assert_problem_naming(response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 422 and body["title"] and body["type"].startswith("https://")
    named = [e["field"] for e in body["errors"]]
    assert any(name == field or name.startswith(f"{field}.") for name in named), named
    assert all(e["message"] for e in body["errors"])


@pytest.mark.parametrize(
    ("path", "make", "field"),
    [(path, make, field) for _, path, make, field in BAD_CREATIONS],
    ids=[what for what, *_ in BAD_CREATIONS],
)
async def test_bad_creation_is_422_naming_the_field_and_writes_nothing(
    admin, season, path, make, field
):
    paths = ["/activities", "/engagements", "/rooms", "/organisations", "/shows", "/places"]
    before, seq = await counts(admin, paths), await last_seq(admin)
    assert_problem_naming(await admin.post(path, make(season)), field)
    assert await counts(admin, paths) == before
    assert await last_seq(admin) == seq


BAD_CHANGES = [
    ("/activities", "activity", {"ends_at": paris("2026-10-04", "08:00")}, "ends_at"),
    ("/engagements", "engagement", {"fee": "-1"}, "fee"),
    ("/rooms", "room", {"venue_id": 987654}, "venue_id"),
    ("/shows", "show", {"title": "x" * 201}, "title"),
    ("/shows", "show", {"duration_minutes": "deux heures"}, "duration_minutes"),
    ("/contacts", "contact", {"emails": "lea@eclat.fr"}, "emails"),
    ("/places", "place", {"name": "Copie du nom"}, "name"),
]


@pytest.mark.parametrize(("path", "key", "changes", "field"), BAD_CHANGES)
async def test_bad_change_is_422_and_the_record_is_untouched(
    admin, season, path, key, changes, field
):
    record = season[key]
    seq = await last_seq(admin)
    assert_problem_naming(
        await admin.patch(f"{path}/{record['id']}", changes, version=record["version"]), field
    )
    assert (await admin.get(f"{path}/{record['id']}")).json() == record
    assert await last_seq(admin) == seq


async def test_several_wrong_fields_are_all_named(admin):
    r = await admin.post("/rooms", {"venue_id": "x", "name": "", "capacity": -1})
    assert r.status_code == 422
    named = {e["field"] for e in r.json()["errors"]}
    assert {"venue_id", "name", "capacity"} <= named


async def test_malformed_json_is_a_problem_not_a_crash(admin):
    broken = '{"title": "Phèdre"'.encode()
    r = await admin.http.post(
        "/shows", content=broken, headers={"content-type": "application/json"}
    )
    assert 400 <= r.status_code < 500
    assert r.headers["content-type"].startswith("application/problem+json")
    assert (await admin.get("/shows")).json()["total"] == 0


async def test_a_body_that_is_not_an_object_is_422(admin):
    r = await admin.post("/shows", [{"title": "Phèdre"}])
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_a_user_with_an_unknown_team_is_not_half_created(admin):
    """The user row is written before its teams are checked: all of it must roll back."""
    r = await admin.post(
        "/users",
        {"email": "nouvelle@test.saison", "name": "Nouvelle", "team_ids": [987654]},
    )
    assert_problem_naming(r, "team_ids")
    users = (await admin.get("/users", params={"q": "nouvelle"})).json()
    assert users["total"] == 0
    history = (await admin.get("/changes", params={"entity": "user"})).json()["items"]
    assert "nouvelle@test.saison" not in str(history)


async def test_a_change_to_an_unknown_field_is_refused_not_ignored(admin, season):
    show = season["show"]
    r = await admin.patch(f"/shows/{show['id']}", {"titel": "Phèdre II"}, version=1)
    assert_problem_naming(r, "titel")


def messages(response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return {e["field"]: e["message"] for e in response.json()["errors"]}


async def test_input_errors_are_said_in_french_by_their_kind(admin, season):
    """pydantic's errors are read by their type code, not passed on in English."""
    r = await admin.post(
        "/shows", {"title": "x" * 201, "duration_minutes": "deux heures", "titel": "Phèdre"}
    )
    assert messages(r) == {
        "title": "doit compter au plus 200 caractères",
        "duration_minutes": "doit être un nombre entier",
        "titel": "champ inconnu",
    }
    assert r.json()["title"] == "Saisie invalide"
    r = await admin.post(
        "/activities",
        {"title": "", "kind": "apéro", "starts_at": "hier", "room_id": 0},
    )
    assert messages(r) == {
        "title": "ne doit pas être vide",
        "kind": "doit être l’une de ces valeurs : performance, get_in, get_out, rehearsal, "
        "technical_service, meeting, maintenance, private_hire, mediation, other",
        "starts_at": "doit être une date et une heure, par exemple 2026-10-06T20:30",
        "ends_at": "obligatoire",
        "room_id": "doit être supérieur ou égal à 1",
    }
    r = await admin.post(
        "/engagements",
        {
            "show_id": season["show"]["id"],
            "room_id": season["room"]["id"],
            "first_day": "6 octobre",
            "last_day": "2026-10-08",
            "fee": "12.345",
        },
    )
    assert messages(r) == {
        "first_day": "doit être un jour, par exemple 2026-10-06",
        "fee": "doit compter au plus 2 décimales",
    }
    # A rule of a form (a validator of ours) in the reader's words too.
    r = await admin.post("/availability", {"from_day": "2026-10-10", "to_day": "2026-10-01"})
    assert list(messages(r).values()) == ["to_day doit être le même jour que from_day ou après"]


async def test_query_errors_are_said_in_french_too(admin):
    r = await admin.get("/activities", params={"limit": 0, "offset": "deux", "q": "x" * 201})
    assert messages(r) == {
        "limit": "doit être supérieur ou égal à 1",
        "offset": "doit être un nombre entier",
        "q": "doit compter au plus 200 caractères",
    }
    r = await admin.get("/activities", params={"kind": "apéro", "start": "hier"})
    assert messages(r)["kind"] == "ne fait pas partie des valeurs permises"
    r = await admin.get("/timeline", params={"end": "2026-10-07"})
    assert messages(r) == {"start": "obligatoire"}


async def test_counts_of_one_are_said_in_the_singular(admin, season):
    """ "au moins 1 élément", never "au moins 1 éléments"; more than one stays plural."""
    path = f"/engagements/{season['engagement']['id']}/technical-activities"
    r = await admin.post(path, {"template_ids": [], "dry_run": True})
    assert messages(r) == {"template_ids": "doit compter au moins 1 élément"}
    r = await admin.post(path, {"template_ids": list(range(1, 22)), "dry_run": True})
    assert messages(r) == {"template_ids": "doit compter au plus 20 éléments"}
    r = await admin.post(path, {"template_ids": []}, headers={"Accept-Language": "en"})
    assert messages(r) == {"template_ids": "must have at least 1 item"}
    r = await admin.get("/search", params={"q": ""})
    assert messages(r)["q"] == "doit compter au moins 1 caractère"


async def test_english_readers_get_english(admin):
    r = await admin.post(
        "/shows", {"title": "x" * 201}, headers={"Accept-Language": "en-GB,en;q=0.8"}
    )
    assert messages(r) == {"title": "must have at most 200 characters"}
    assert r.json()["title"] == "Invalid input"
    assert r.json()["detail"] == "title: must have at most 200 characters"


async def test_refusals_of_the_framework_are_said_in_french(people, admin):
    anonymous, communication = people["anonymous"], people["communication"]
    r = await anonymous.get("/shows")
    assert r.status_code == 401 and r.json()["title"] == "Non connecté"
    assert r.json()["detail"].startswith("Connectez-vous")
    r = await communication.post("/shows", {"title": "Phèdre"})
    assert r.status_code == 403 and r.json()["detail"] == (
        "Il faut l’accès en écriture à l’espace « Programmation » pour faire cela."
    )
    r = await admin.get("/nulle-part")
    assert r.status_code == 404 and r.json()["detail"] == "Il n’y a rien à cette adresse."
    r = await admin.http.delete("/timeline")
    assert r.status_code == 405
    assert r.json()["detail"] == "Cette adresse n’accepte pas les requêtes DELETE."
    r = await admin.get("/shows/987654")
    assert r.status_code == 404 and r.json()["detail"] == "Spectacle 987654 introuvable."
    broken = await admin.http.post(
        "/shows", content=b'{"title": ', headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400 and "JSON valide" in broken.json()["detail"]
