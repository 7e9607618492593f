"""The day sheet (a stage manager's day on a phone): the day's activities room by room, each
with its show and the company's contacts to call, shown only to those who may read them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, token_for
from tests.factories import paris


@pytest.fixture
async def day(admin: Api, season: dict[str, Any]) -> dict[str, Any]:
    """The 6th of October: a get-in of Phèdre in the morning, its performance at 20:00; the
    company has a tour manager with phones and an administrator with only an email."""
    manager = await admin.create(
        "/contacts",
        {"first_name": "Marc", "last_name": "Roux", "phones": ["+33 6 12 34 56 78"]},
    )
    await admin.create(
        "/contact-roles",
        {
            "contact_id": manager["id"],
            "organisation_id": season["organisation"]["id"],
            "role": "Régisseur général",
        },
    )
    get_in = await admin.create(
        "/activities",
        {
            "kind": "get_in",
            "title": "Montage Phèdre",
            "room_id": season["room"]["id"],
            "engagement_id": season["engagement"]["id"],
            "starts_at": paris("2026-10-06", "09:00"),
            "ends_at": paris("2026-10-06", "13:00"),
        },
    )
    # Another day and a cancelled one: not on the sheet.
    await admin.create(
        "/activities",
        {
            "kind": "meeting",
            "title": "Réunion de production",
            "room_id": season["studio"]["id"],
            "status": "cancelled",
            "starts_at": paris("2026-10-06", "10:00"),
            "ends_at": paris("2026-10-06", "11:00"),
        },
    )
    return {**season, "get_in": get_in, "manager": manager}


async def test_the_day_room_by_room_with_contacts_to_call(people, day):
    r = await people["technique"].get("/day-sheets/2026-10-06")
    assert r.status_code == 200, r.text
    sheet = r.json()
    assert sheet["day"] == "2026-10-06" and sheet["seq"] > 0
    assert [room["name"] for room in sheet["rooms"]] == ["Grande salle", "Studio"]
    titles = [(e["title"], e["starts_at"]) for e in sheet["entries"]]
    assert titles == [
        ("Montage Phèdre", "2026-10-06T09:00:00+02:00"),
        ("Phèdre", "2026-10-06T20:00:00+02:00"),
    ]
    get_in, performance = sheet["entries"]
    for entry in (get_in, performance):
        assert entry["show"]["title"] == "Phèdre"
        assert entry["company"]["name"] == "Compagnie Éclat"
        # Those with a phone first: that is who a stage manager calls.
        assert [(c["name"], c["role"], c["phones"]) for c in entry["contacts"]] == [
            ("Marc Roux", "Régisseur général", ["+33 6 12 34 56 78"]),
            ("Léa Martin", "Chargée de diffusion", []),
        ]
    assert "8500" not in r.text and "cession" not in r.text.lower()  # never a fee


async def test_no_contacts_without_the_directory_and_no_show_without_programming(
    admin, db, in_process, day
):
    team = await admin.create("/teams", {"name": "Régie"})
    for area in ("planning", "programming"):
        await admin.create("/permissions", {"team_id": team["id"], "area": area, "level": "read"})
    user = await admin.create(
        "/users",
        {"email": "regie@test.saison", "name": "Régie", "password": "motdepasse-solide",
         "team_ids": [team["id"]]},
    )  # fmt: skip
    regie = Api(in_process, await token_for(db, user["id"]))
    sheet = (await regie.get("/day-sheets/2026-10-06")).json()
    assert [e["title"] for e in sheet["entries"]] == ["Montage Phèdre", "Phèdre"]
    for entry in sheet["entries"]:
        assert entry["show"]["title"] == "Phèdre"
        assert entry["company"] is None and entry["contacts"] == []
    # Without programming either (a token limited to the planning): the show is not named.
    await regie.close()
    regie = Api(in_process, await token_for(db, user["id"], {"planning": "read"}))
    sheet = (await regie.get("/day-sheets/2026-10-06")).json()
    assert [e["show"] for e in sheet["entries"]] == [None, None]
    assert "Éclat" not in str(sheet)
    await regie.close()


async def test_who_may_not_read_the_planning_is_refused(people, day):
    assert (await people["nobody"].get("/day-sheets/2026-10-06")).status_code == 403
    assert (await people["anonymous"].get("/day-sheets/2026-10-06")).status_code == 401
    bad = await people["technique"].get("/day-sheets/6-octobre")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "day"


async def test_the_day_follows_the_venue_clock(people, admin, season):
    """An activity ending at 00:30 belongs to the evening it started on, and to the next day."""
    late = await admin.create(
        "/activities",
        {
            "kind": "get_out",
            "title": "Démontage de nuit",
            "room_id": season["studio"]["id"],
            "starts_at": paris("2026-10-09", "23:00"),
            "ends_at": paris("2026-10-10", "00:30"),
        },
    )
    for day in ("2026-10-09", "2026-10-10"):
        sheet = (await people["technique"].get(f"/day-sheets/{day}")).json()
        assert [e["id"] for e in sheet["entries"]] == [late["id"]]
    sheet = (await people["technique"].get("/day-sheets/2026-10-11")).json()
    assert sheet["entries"] == []
