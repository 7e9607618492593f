"""Activities of the general planning: local times, rooms optional, teams, cancelled ones."""

from __future__ import annotations

from datetime import datetime

from tests.factories import paris


async def test_a_time_without_offset_is_the_venue_s_wall_clock(admin, season):
    r = await admin.post(
        "/activities",
        {
            "kind": "rehearsal",
            "title": "Italienne",
            "room_id": season["studio"]["id"],
            "starts_at": "2026-10-05T10:00:00",  # Paris, summer time
            "ends_at": "2026-12-05T12:00:00",  # Paris, winter time
        },
    )
    assert r.status_code == 201, r.text
    activity = r.json()
    assert datetime.fromisoformat(activity["starts_at"]) == datetime.fromisoformat(
        "2026-10-05T10:00:00+02:00"
    )
    assert datetime.fromisoformat(activity["ends_at"]) == datetime.fromisoformat(
        "2026-12-05T12:00:00+01:00"
    )


async def test_an_activity_may_have_no_room_and_belong_to_a_team(people, season):
    rp = people["rp"]
    team_id = rp.user["team_ids"][0]
    made = await rp.post(
        "/activities",
        {
            "kind": "mediation",
            "title": "Bord de scène",
            "starts_at": paris("2026-10-06", "22:00"),
            "ends_at": paris("2026-10-06", "22:30"),
            "team_id": team_id,
            "show_id": season["show"]["id"],
        },
    )
    assert made.status_code == 201, made.text
    assert made.json()["room_id"] is None
    mine = (await rp.get("/activities", params={"team_id": team_id})).json()["items"]
    assert [a["id"] for a in mine] == [made.json()["id"]]
    unknown_team = await rp.post(
        "/activities",
        {
            "kind": "meeting",
            "title": "Réunion",
            "starts_at": paris("2026-10-06", "10:00"),
            "ends_at": paris("2026-10-06", "11:00"),
            "team_id": 987654,
        },
    )
    assert unknown_team.status_code == 422
    assert [e["field"] for e in unknown_team.json()["errors"]] == ["team_id"]


async def test_an_activity_can_hang_off_a_performance_only(admin, season):
    performance, get_in = season["performance"], season["activity"]

    def service(parent_id):
        return {
            "kind": "technical_service",
            "title": "Service de jeu",
            "room_id": season["studio"]["id"],
            "starts_at": paris("2026-10-06", "18:00"),
            "ends_at": paris("2026-10-06", "23:00"),
            "performance_id": parent_id,
        }

    assert (await admin.post("/activities", service(performance["id"]))).status_code == 201
    r = await admin.post("/activities", service(get_in["id"]))
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["performance_id"]


async def test_a_cancelled_activity_frees_its_room(admin, season):
    get_in = season["activity"]
    clash = {
        "kind": "rehearsal",
        "title": "Répétition",
        "room_id": get_in["room_id"],
        "starts_at": get_in["starts_at"],
        "ends_at": get_in["ends_at"],
    }
    assert (await admin.post("/activities", clash)).status_code == 409
    r = await admin.patch(f"/activities/{get_in['id']}", {"status": "cancelled"}, version=1)
    assert r.status_code == 200
    assert (await admin.post("/activities", clash)).status_code == 201
    # And it cannot come back while the room is taken.
    back = await admin.patch(f"/activities/{get_in['id']}", {"status": "confirmed"}, version=2)
    assert back.status_code == 409
