"""Input the database or the calendar cannot hold is a 4xx problem naming the field, never a 500.

Found by fuzzing the API: integers past PostgreSQL's bigint, NUL characters (PostgreSQL text
cannot store them), JSON nested thousands of levels deep, and dates so far away that the venue's
time zone or PostgreSQL cannot represent them. Each is refused where it comes in, in the reader's
language, and nothing is written.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import paris

TOO_BIG = 2**63  # one past PostgreSQL's bigint
TOO_SMALL = -(2**63) - 1


def problem(response: httpx.Response, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def message_for(response: httpx.Response, field: str) -> str:
    """The message the 422 gives for ``field`` (it must name it)."""
    errors = problem(response)["errors"]
    named = {e["field"]: e["message"] for e in errors}
    assert field in named, errors
    assert named[field]
    return named[field]


# -- integers past bigint -------------------------------------------------------------------
@pytest.mark.parametrize("number", [TOO_BIG, TOO_SMALL], ids=["2^63", "-2^63-1"])
@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/shows/{n}", "record_id"),
        ("/engagements/{n}/confirmation", "engagement_id"),
        ("/changes/activity/{n}", "entity_id"),
        ("/activities?room_id={n}", "room_id"),
        ("/activities?offset={n}", "offset"),
        ("/changes?since={n}", "since"),
        ("/changes?actor_id={n}", "actor_id"),
        ("/timeline?start=2026-10-01&end=2026-10-02&room_id={n}", "room_id"),
    ],
)
async def test_integers_past_bigint_in_addresses_are_422(admin, path, field, number):
    r = await admin.get(path.format(n=number))
    message = message_for(r, field)
    assert "9223372036854775807" in message or "9223372036854775808" in message, message


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/rooms", lambda s: {"venue_id": TOO_BIG, "name": "Foyer"}, "venue_id"),
        ("/rooms", lambda s: {"venue_id": s["venue"]["id"], "name": "F", "position": TOO_BIG},
         "position"),
        ("/activities", lambda s: {
            "kind": "meeting", "title": "Réunion", "room_id": TOO_BIG,
            "starts_at": paris("2026-10-05", "10:00"), "ends_at": paris("2026-10-05", "11:00"),
        }, "room_id"),
        ("/availability", lambda s: {
            "from_day": "2026-10-01", "to_day": "2026-10-30", "room_ids": [TOO_BIG],
        }, "room_ids"),
        ("/engagements/{engagement}/move",
         lambda s: {"days": 1, "room_id": TOO_BIG, "dry_run": True}, "room_id"),
    ],
)  # fmt: skip
async def test_integers_past_what_the_column_holds_in_bodies_are_422(
    admin, season, path, body, field
):
    r = await admin.post(path.format(engagement=season["engagement"]["id"]), body(season))
    assert r.status_code == 422, r.text
    named = [e["field"] for e in problem(r)["errors"]]
    assert any(name == field or name.startswith(f"{field}.") for name in named), named


async def test_a_number_past_a_column_no_field_type_bounds_is_still_422(admin):
    """The last line of defence: PostgreSQL refusing a value is the caller's 422, not a 500."""
    r = await admin.post(
        "/availability",
        {"from_day": "2026-10-01", "to_day": "2026-10-30", "min_capacity": 2**40},
        headers={"Accept-Language": "en"},
    )
    assert "cannot be stored" in problem(r)["detail"]


async def test_a_version_past_the_column_in_a_change_is_412_or_422_not_500(admin, season):
    show = season["show"]
    r = await admin.patch(f"/shows/{show['id']}", {"title": "Phèdre", "version": TOO_BIG})
    assert r.status_code == 422, r.text
    r = await admin.delete(f"/shows/{show['id']}", params={"version": TOO_BIG})
    assert r.status_code == 422, r.text
    assert (await admin.get(f"/shows/{show['id']}")).json()["title"] == "Phèdre"


# -- NUL characters -------------------------------------------------------------------------
async def test_a_nul_character_in_a_body_is_422_in_french(admin):
    r = await admin.post("/organisations", {"name": "Compagnie\x00Éclat"})
    assert message_for(r, "name") == "ne doit pas contenir le caractère NUL"
    r = await admin.post(
        "/contacts", {"first_name": "A", "last_name": "B", "emails": ["a\x00@b.fr"]}
    )
    assert message_for(r, "emails") == "ne doit pas contenir le caractère NUL"
    assert (await admin.get("/organisations")).json()["total"] == 0


async def test_a_nul_character_in_a_change_is_422_in_english_when_asked(admin, season):
    show = season["show"]
    r = await admin.patch(
        f"/shows/{show['id']}",
        {"genre": "danse\x00"},
        version=show["version"],
        headers={"Accept-Language": "en"},
    )
    assert message_for(r, "genre") == "must not contain the NUL character"


async def test_a_nul_character_in_an_anonymous_sign_in_is_422(people):
    r = await people["anonymous"].post(
        "/auth/sign-in", {"email": "admin\x00@test.saison", "password": "x"}
    )
    assert message_for(r, "email") == "ne doit pas contenir le caractère NUL"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/organisations?q=a%00b", "q"),
        ("/activities?kind=meeting%00", "kind"),
        ("/changes?entity=activity%00", "entity"),
        ("/changes/activity%00/1", "entity"),
        ("/activities?start=2026-10-01%00", "start"),
    ],
)
async def test_a_nul_character_in_an_address_is_422(admin, path, field):
    assert message_for(await admin.get(path), field) == "ne doit pas contenir le caractère NUL"


async def test_a_nul_character_in_a_path_of_a_write_is_422(admin):
    r = await admin.patch("/activity-kinds/meeting%00", {"blocks_room": True})
    assert message_for(r, "kind") == "ne doit pas contenir le caractère NUL"


# -- JSON nested too deep -------------------------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        "[" * 5000 + "]" * 5000,
        '{"name": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"name": "x", "notes": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}",
    ],
    ids=["array", "in a field", "objects"],
)
async def test_json_nested_thousands_of_levels_is_400(admin, body):
    r = await admin.post(
        "/organisations", content=body, headers={"Content-Type": "application/json"}
    )
    detail = problem(r, 400)["detail"]
    assert "32" in detail and "niveaux" in detail, detail


async def test_json_nested_a_few_levels_is_read_as_usual(admin, season):
    r = await admin.post(
        f"/engagements/{season['engagement']['id']}/performances",
        {"times": {"wed": ["14:30", "20:00"]}, "extra": [{"day": "2026-10-09", "time": "20:00"}]},
    )
    assert r.status_code == 200, r.text


# -- dates out of range ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        ("9999-12-31T23:00:00-14:00", "9999-12-31T23:30:00-14:00"),
        ("9999-12-31T23:00:00", "9999-12-31T23:30:00"),
        ("0001-01-01T00:30:00+14:00", "0001-01-01T01:00:00+14:00"),
        ("0001-01-01T00:30:00", "0001-01-01T01:00:00"),
    ],
)
async def test_instants_out_of_range_in_a_body_are_422(admin, starts_at, ends_at):
    r = await admin.post(
        "/activities",
        {"kind": "meeting", "title": "Réunion", "starts_at": starts_at, "ends_at": ends_at},
    )
    assert message_for(r, "starts_at") == "doit être entre les années 1900 et 2200"
    assert (await admin.get("/activities")).json()["total"] == 0


async def test_days_out_of_range_in_a_body_are_422(admin, season):
    r = await admin.post(
        "/engagements",
        {
            "show_id": season["show"]["id"],
            "room_id": season["studio"]["id"],
            "first_day": "0001-01-01",
            "last_day": "9999-12-31",
        },
    )
    assert message_for(r, "first_day") == "doit être entre les années 1900 et 2200"
    r = await admin.post(
        f"/performances/{season['performance']['id']}/move",
        {"starts_at": "9999-12-31T23:00:00-14:00", "dry_run": True},
    )
    assert message_for(r, "starts_at") == "doit être entre les années 1900 et 2200"


@pytest.mark.parametrize(
    "path",
    [
        "/activities?start=0001-01-01",
        "/activities?end=9999-12-31T23:59:59-14:00",
        "/activities?updated_since=0001-01-01",
        "/performances?start=0001-01-01T00:00:00",
        "/changes?start=0001-01-01",
        "/timeline?start=0001-01-01&end=0001-01-02",
        "/engagements/competing?room_id=1&first_day=0001-01-01&last_day=0001-01-02",
    ],
)
async def test_dates_out_of_range_in_an_address_are_422(admin, path):
    r = await admin.get(path, headers={"Accept-Language": "en"})
    errors = problem(r)["errors"]
    assert any(e["message"] == "must be between the years 1900 and 2200" for e in errors), errors


async def test_the_edges_of_the_range_are_accepted(admin):
    r = await admin.get("/activities", params={"start": "1900-01-01", "end": "2200-12-31"})
    assert r.status_code == 200, r.text
