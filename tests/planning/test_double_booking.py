"""The database itself refuses double bookings; the refusal names who holds the room."""

import asyncio

import pytest


@pytest.fixture
async def rooms(admin):
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle"})
    grande = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Grande salle"})
    studio = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Studio"})
    foyer = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Foyer"})
    return grande, studio, foyer


def slot(room, start, end, kind="get_in", title="Montage", **extra):
    return {
        "kind": kind,
        "title": title,
        "room_id": room["id"],
        "starts_at": f"2026-10-05T{start}:00+02:00",
        "ends_at": f"2026-10-05T{end}:00+02:00",
        **extra,
    }


async def test_overlap_in_same_room_is_refused_with_the_holder(admin, rooms):
    grande, _, _ = rooms
    await admin.create("/activities", slot(grande, "09:00", "13:00", title="Montage Phèdre"))
    r = await admin.post(
        "/activities", slot(grande, "12:00", "14:00", kind="rehearsal", title="Filage")
    )
    assert r.status_code == 409
    body = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "Montage Phèdre" in body["detail"] and "Grande salle" in body["detail"]
    assert body["conflicts"][0]["title"] == "Montage Phèdre"
    listed = (await admin.get("/activities", params={"room_id": grande["id"]})).json()
    assert listed["total"] == 1  # nothing half-written


async def test_the_refusal_speaks_french_in_the_venues_time_or_english_on_request(admin, rooms):
    grande, _, _ = rooms
    await admin.create("/activities", slot(grande, "09:00", "13:00", title="Montage Phèdre"))
    clash = slot(grande, "12:00", "14:00", kind="rehearsal", title="Filage")
    body = (await admin.post("/activities", clash)).json()
    assert body["title"] == "Conflit"
    assert body["detail"] == (
        "Grande salle : créneau déjà pris par « Montage Phèdre », "
        "lun. 5 oct. 2026, 9 h 00 – 13 h 00."
    )
    assert body["conflicts"][0]["starts_at"] == "2026-10-05T09:00:00+02:00"
    english = await admin.post("/activities", clash, headers={"Accept-Language": "en-GB,en"})
    assert english.json()["title"] == "Conflict"
    assert english.json()["detail"] == (
        "Grande salle is already taken by “Montage Phèdre”, Mon 5 Oct 2026, 09:00 – 13:00."
    )


async def test_back_to_back_tentative_and_non_blocking_are_allowed(admin, rooms):
    grande, studio, _ = rooms
    await admin.create("/activities", slot(grande, "09:00", "13:00"))
    await admin.create("/activities", slot(grande, "13:00", "15:00", kind="rehearsal"))
    await admin.create("/activities", slot(grande, "10:00", "11:00", status="tentative"))
    await admin.create(
        "/activities", slot(grande, "10:00", "11:00", kind="meeting", title="Réunion")
    )
    await admin.create("/activities", slot(studio, "09:00", "13:00"))


async def test_moving_into_a_busy_slot_is_refused_and_changes_nothing(admin, rooms):
    grande, _, _ = rooms
    await admin.create("/activities", slot(grande, "09:00", "13:00", title="Montage"))
    other = await admin.create("/activities", slot(grande, "14:00", "16:00", kind="rehearsal"))
    r = await admin.patch(
        f"/activities/{other['id']}",
        {"starts_at": "2026-10-05T12:00:00+02:00"},
        version=other["version"],
    )
    assert r.status_code == 409
    again = (await admin.get(f"/activities/{other['id']}")).json()
    assert again["starts_at"] == other["starts_at"] and again["version"] == other["version"]


async def test_confirming_a_tentative_activity_checks_the_room(admin, rooms):
    grande, _, _ = rooms
    await admin.create("/activities", slot(grande, "09:00", "13:00"))
    tentative = await admin.create(
        "/activities", slot(grande, "10:00", "11:00", status="tentative")
    )
    r = await admin.patch(
        f"/activities/{tentative['id']}", {"status": "confirmed"}, version=tentative["version"]
    )
    assert r.status_code == 409


async def test_fifty_concurrent_conflicting_bookings_exactly_one_wins(admin, rooms):
    grande, _, _ = rooms

    async def book(i):
        return await admin.post("/activities", slot(grande, "09:00", "18:00", title=f"Montage {i}"))

    responses = await asyncio.gather(*(book(i) for i in range(50)))
    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 1
    assert codes.count(409) == 49
    listed = (await admin.get("/activities", params={"room_id": grande["id"]})).json()
    assert listed["total"] == 1
