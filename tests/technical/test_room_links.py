"""Linked rooms (shared stage, crew, sound bleed) cannot be booked at the same time."""

import pytest


@pytest.fixture
async def rooms(admin):
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle"})
    names = ("Grande salle", "Foyer", "Studio")
    return [await admin.create("/rooms", {"venue_id": venue["id"], "name": n}) for n in names]


def booking(room, title, start="19:00", end="23:00"):
    return {
        "kind": "private_hire",
        "title": title,
        "room_id": room["id"],
        "starts_at": f"2027-03-10T{start}:00+01:00",
        "ends_at": f"2027-03-10T{end}:00+01:00",
    }


async def test_a_link_extends_the_guarantee_to_both_rooms(people, rooms):
    tech = people["technique"]
    grande, foyer, studio = rooms
    link = await tech.create("/room-links", {"room_id": foyer["id"], "other_room_id": grande["id"]})
    assert (link["room_id"], link["other_room_id"]) == (grande["id"], foyer["id"])
    await tech.create("/activities", booking(grande, "Concert"))
    r = await tech.post("/activities", booking(foyer, "Cocktail", "22:00", "23:30"))
    assert r.status_code == 409 and "Concert" in r.json()["detail"]
    # Unlinked rooms stay independent, and a link is not transitive.
    await tech.create("/activities", booking(studio, "Atelier"))
    # Removing the link frees the foyer.
    assert (
        await tech.delete(f"/room-links/{link['id']}", version=link["version"])
    ).status_code == 204
    await tech.create("/activities", booking(foyer, "Cocktail", "22:00", "23:30"))


async def test_linking_rooms_already_in_use_together_is_refused(people, rooms):
    tech = people["technique"]
    grande, foyer, _ = rooms
    await tech.create("/activities", booking(grande, "Concert"))
    await tech.create("/activities", booking(foyer, "Cocktail", "22:00", "23:30"))
    r = await tech.post("/room-links", {"room_id": grande["id"], "other_room_id": foyer["id"]})
    assert r.status_code == 409
    assert (await tech.get("/room-links")).json()["total"] == 0


async def test_only_technical_writers_link_rooms(people, rooms):
    grande, foyer, _ = rooms
    r = await people["programmation"].post(
        "/room-links", {"room_id": grande["id"], "other_room_id": foyer["id"]}
    )
    assert r.status_code == 403


async def test_which_kinds_block_a_room_is_configurable(people, rooms):
    tech = people["technique"]
    grande, _, _ = rooms
    kinds = {k["kind"]: k["blocks_room"] for k in (await tech.get("/activity-kinds")).json()}
    assert kinds["get_in"] is True and kinds["meeting"] is False
    await tech.create(
        "/activities", {**booking(grande, "Réunion de production"), "kind": "meeting"}
    )
    await tech.create("/activities", {**booking(grande, "Réunion équipe"), "kind": "meeting"})
    # Two meetings overlap already: meetings cannot start blocking rooms until one moves.
    r = await tech.patch("/activity-kinds/meeting", {"blocks_room": True})
    assert r.status_code == 409
    r = await tech.patch("/activity-kinds/maintenance", {"blocks_room": True})
    assert r.status_code == 200 and r.json()["blocks_room"] is True
    await tech.create(
        "/activities", {**booking(grande, "Entretien", "08:00", "10:00"), "kind": "maintenance"}
    )
    r = await tech.post(
        "/activities", {**booking(grande, "Peinture", "09:00", "11:00"), "kind": "maintenance"}
    )
    assert r.status_code == 409
    # Restore the default for the other tests (the kinds table is configuration, not test data).
    await tech.patch("/activity-kinds/maintenance", {"blocks_room": False})
    assert (
        await people["rp"].patch("/activity-kinds/maintenance", {"blocks_room": True})
    ).status_code == 403
