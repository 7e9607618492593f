"""Repeating activities: a weekly production meeting, daily crew calls. Each occurrence is a
real activity, booked and checked like any other; rules are bounded and refused with a reason."""

from __future__ import annotations

from datetime import datetime

from tests.factories import paris


def weekly_meeting(season, **changes):
    return {
        "kind": "meeting",
        "title": "Réunion de production",
        "room_id": season["studio"]["id"],
        "starts_at": "2026-10-05T10:00:00",  # a Monday, venue time
        "ends_at": "2026-10-05T11:30:00",
        "rule": "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261221",
        **changes,
    }


async def occurrences(api, series_id: int) -> list[dict]:
    r = await api.get("/activities", params={"series_id": series_id, "limit": 1000})
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_a_weekly_meeting_keeps_its_time_across_the_change_of_hour(people, season):
    technique = people["technique"]
    r = await technique.post(
        "/recurring-activities",
        weekly_meeting(season, exceptions=["2026-11-02T10:00:00"]),  # the All Saints' week
    )
    assert r.status_code == 201, r.text
    series = r.json()
    assert series["rule"] == "FREQ=WEEKLY;UNTIL=20261221T225959Z;BYDAY=MO"
    assert r.headers["location"].endswith(f"/recurring-activities/{series['id']}")
    made = await occurrences(technique, series["id"])
    assert len(made) == len(series["occurrences"]) == 11
    starts = [datetime.fromisoformat(a["starts_at"]) for a in made]
    assert {s.strftime("%H:%M %a") for s in starts} == {"10:00 Mon"}
    assert starts[0].utcoffset() != starts[-1].utcoffset()  # summer, then winter time
    assert "2026-11-02" not in {s.date().isoformat() for s in starts}
    assert {a["series_id"] for a in made} == {series["id"]}
    assert all(a["occurrence_start"] == a["starts_at"] for a in made)

    listed = (await technique.get("/recurring-activities")).json()["items"]
    assert [s["title"] for s in listed] == ["Réunion de production"]
    history = (await technique.get(f"/changes/activity_series/{series['id']}")).json()
    assert [c["action"] for c in history["items"]] == ["activity_series.created"]


async def test_daily_crew_calls_are_checked_against_the_room_bookings(people, season, admin):
    technique = people["technique"]
    calls = {
        "kind": "technical_service",  # blocks the room
        "title": "Appel plateau",
        "room_id": season["room"]["id"],
        "starts_at": paris("2026-10-03", "08:00"),
        "ends_at": paris("2026-10-03", "09:30"),
        "rule": "FREQ=DAILY;COUNT=5",
    }
    r = await technique.post("/recurring-activities", calls)
    assert r.status_code == 409, r.text
    problem = r.json()
    assert "Montage Phèdre" in problem["detail"] and "rien n’a été enregistré" in problem["detail"]
    assert [c["with"]["title"] for c in problem["conflicts"]] == ["Montage Phèdre"]
    assert (await technique.get("/recurring-activities")).json()["items"] == []
    assert len((await admin.get("/activities", params={"limit": 100})).json()["items"]) == 2

    preview = await technique.post("/recurring-activities", {**calls, "dry_run": True})
    assert preview.status_code == 200
    assert len(preview.json()["occurrences"]) == 5 and len(preview.json()["conflicts"]) == 1

    r = await technique.post(
        "/recurring-activities", {**calls, "exceptions": [paris("2026-10-05", "08:00")]}
    )
    assert r.status_code == 201, r.text
    made = await occurrences(technique, r.json()["id"])
    assert len(made) == 4
    # Each occurrence books the room: moving one onto the get-in is refused like any activity.
    first = made[0]
    moved = await technique.patch(
        f"/activities/{first['id']}",
        {"starts_at": paris("2026-10-05", "10:00"), "ends_at": paris("2026-10-05", "11:00")},
        first["version"],
    )
    assert moved.status_code == 409


async def test_rules_must_end_and_stay_within_bounds(people, season):
    technique = people["technique"]
    cases = [
        ("FREQ=WEEKLY;BYDAY=MO", "COUNT"),  # a phone's "repeat forever"
        ("FREQ=DAILY;COUNT=400", "366"),
        ("FREQ=DAILY;COUNT=0", "COUNT"),
        ("FREQ=DAILY;INTERVAL=999999999999;COUNT=3", "RRULE"),
        ("FREQ=WEEKLY;BYDAY=MO;UNTIL=20291231", "731"),
        ("FREQ=HOURLY;COUNT=3", "FREQ"),
        ("FREQ=WEEKLY;BYDAY=TU;COUNT=3", "première occurrence"),  # the 5th is a Monday
        ("every monday", "FREQ"),
    ]
    for rule, said in cases:
        r = await technique.post("/recurring-activities", weekly_meeting(season, rule=rule))
        assert r.status_code == 422, (rule, r.text)
        assert said in r.text, (rule, r.text)
    r = await technique.post(
        "/recurring-activities",
        weekly_meeting(season, kind="performance", rule="FREQ=DAILY;COUNT=2"),
    )
    assert r.status_code == 422
    r = await technique.post(  # the end of the calendar: refused, never a server error
        "/recurring-activities",
        weekly_meeting(
            season,
            starts_at="9999-12-31T23:00:00-14:00",
            ends_at="9999-12-31T23:30:00-14:00",
            rule="FREQ=DAILY;COUNT=2",
        ),
    )
    assert r.status_code == 422, r.text
    r = await technique.post(
        "/recurring-activities", weekly_meeting(season, exceptions=["2026-10-06T10:00:00"])
    )
    assert r.status_code == 422 and "exceptions" in r.text
    assert (await technique.get("/recurring-activities")).json()["total"] == 0


async def test_one_occurrence_or_the_whole_series_is_deleted(people, season):
    technique = people["technique"]
    series = await technique.create(
        "/recurring-activities", weekly_meeting(season, rule="FREQ=WEEKLY;COUNT=3")
    )
    first, second, third = await occurrences(technique, series["id"])
    path = f"/recurring-activities/{series['id']}/occurrences/{second['id']}"
    assert (await technique.delete(path)).status_code == 428  # If-Match, as everywhere
    assert (await technique.delete(path, second["version"])).status_code == 204
    assert [a["id"] for a in await occurrences(technique, series["id"])] == [
        first["id"],
        third["id"],
    ]
    r = await technique.delete(
        f"/recurring-activities/{series['id']}/occurrences/{season['activity']['id']}", 1
    )
    assert r.status_code == 404  # not one of its occurrences

    r = await technique.delete(f"/recurring-activities/{series['id']}", series["version"])
    assert r.status_code == 204
    assert await occurrences(technique, series["id"]) == []
    assert (await technique.get(f"/recurring-activities/{series['id']}")).status_code == 404
    history = (await technique.get(f"/changes/activity/{first['id']}")).json()["items"]
    assert [c["action"] for c in history] == ["activity.created", "activity.deleted"]


async def test_only_planners_repeat_activities(people, season):
    body = weekly_meeting(season, rule="FREQ=WEEKLY;COUNT=2")
    assert (await people["communication"].post("/recurring-activities", body)).status_code == 403
    assert (await people["nobody"].post("/recurring-activities", body)).status_code == 403
    assert (await people["anonymous"].get("/recurring-activities")).status_code == 401
    preview = await people["communication"].post("/recurring-activities", {**body, "dry_run": True})
    assert preview.status_code == 200  # reading the planning is enough to preview
