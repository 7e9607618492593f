"""Venues, rooms, configurations and sheets: their rules, and what a room's removal takes along."""

from __future__ import annotations

PDF = b"%PDF-1.7\n%%EOF\n"


async def test_room_names_are_unique_within_a_venue(admin, season):
    venue = season["venue"]
    r = await admin.post("/rooms", {"venue_id": venue["id"], "name": "Studio"})
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    other = await admin.create("/venues", {"name": "La Fabrique"})
    assert (
        await admin.post("/rooms", {"venue_id": other["id"], "name": "Studio"})
    ).status_code == 201


async def test_room_fields_are_checked(admin, season):
    venue_id = season["venue"]["id"]
    for bad, field in (
        ({"color": "rouge"}, "color"),
        ({"capacity": 2_000_000}, "capacity"),
        ({"position": -1}, "position"),
    ):
        r = await admin.post("/rooms", {"venue_id": venue_id, "name": "Foyer", **bad})
        assert r.status_code == 422, bad
        assert field in [e["field"] for e in r.json()["errors"]]
    ok = await admin.post("/rooms", {"venue_id": venue_id, "name": "Foyer", "color": "#c0ffee"})
    assert ok.status_code == 201


async def test_rooms_and_configurations_filter_by_their_parent(admin, season):
    venue, room, studio = season["venue"], season["room"], season["studio"]
    other = await admin.create("/venues", {"name": "La Fabrique"})
    await admin.create("/rooms", {"venue_id": other["id"], "name": "Atelier"})
    rooms = (await admin.get("/rooms", params={"venue_id": venue["id"]})).json()["items"]
    assert sorted(r["id"] for r in rooms) == sorted([room["id"], studio["id"]])
    configurations = (
        await admin.get("/room-configurations", params={"room_id": room["id"]})
    ).json()["items"]
    assert [c["name"] for c in configurations] == ["Frontal"]
    assert (await admin.get("/room-configurations", params={"room_id": studio["id"]})).json()[
        "total"
    ] == 0


async def test_sheets_of_rooms_and_riders_of_shows(admin, season):
    rider = await admin.create(
        "/technical-sheets", {"show_id": season["show"]["id"], "title": "Fiche technique Phèdre"}
    )
    by_show = await admin.get("/technical-sheets", params={"show_id": season["show"]["id"]})
    assert [s["id"] for s in by_show.json()["items"]] == [rider["id"]]
    by_room = await admin.get("/technical-sheets", params={"room_id": season["room"]["id"]})
    assert [s["id"] for s in by_room.json()["items"]] == [season["technical_sheet"]["id"]]
    neither = await admin.post("/technical-sheets", {"title": "Orpheline"})
    assert neither.status_code == 422
    assert {e["field"] for e in neither.json()["errors"]} == {"room_id", "show_id"}


async def test_removing_a_room_takes_its_layouts_sheets_and_files_with_a_trace(admin):
    venue = await admin.create("/venues", {"name": "La Fabrique"})
    room = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Atelier"})
    other = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Cour"})
    layout = await admin.create("/room-configurations", {"room_id": room["id"], "name": "Cabaret"})
    sheet = await admin.create("/technical-sheets", {"room_id": room["id"], "title": "Fiche"})
    upload = await admin.http.post(
        f"/technical-sheets/{sheet['id']}/attachments",
        files={"file": ("plan.pdf", PDF, "application/pdf")},
    )
    assert upload.status_code == 201
    attachment = upload.json()
    link = await admin.create(
        "/room-links", {"room_id": room["id"], "other_room_id": other["id"], "reason": "son"}
    )
    start = (await admin.get("/changes")).json()["next_since"]

    assert (await admin.delete(f"/rooms/{room['id']}", version=1)).status_code == 204

    feed = (await admin.get("/changes", params={"since": start})).json()["items"]
    assert [(c["action"], c["entity_id"]) for c in feed] == [
        ("room_configuration.deleted", layout["id"]),
        ("attachment.deleted", attachment["id"]),
        ("technical_sheet.deleted", sheet["id"]),
        ("room_link.deleted", link["id"]),
        ("room.deleted", room["id"]),
    ]
    assert {c["actor_id"] for c in feed} == {admin.user["id"]}
    for path, record in (
        ("/room-configurations", layout),
        ("/technical-sheets", sheet),
        ("/attachments", attachment),
        ("/room-links", link),
    ):
        assert (await admin.get(f"{path}/{record['id']}")).status_code == 404, path
    assert (await admin.get(f"/rooms/{other['id']}")).status_code == 200


async def test_a_room_in_use_is_kept_with_everything_in_it(admin, season):
    room = season["room"]
    r = await admin.delete(f"/rooms/{room['id']}", version=1)
    assert r.status_code == 409
    for path, key in (
        ("/room-configurations", "room_configuration"),
        ("/technical-sheets", "technical_sheet"),
    ):
        assert (await admin.get(f"{path}/{season[key]['id']}")).status_code == 200
    feed = (await admin.get("/changes", params={"entity": "room_configuration"})).json()["items"]
    assert [c["action"] for c in feed] == ["room_configuration.created"]
