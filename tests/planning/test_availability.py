"""The availability finder answers from the same rules as the booking constraint."""


async def test_rooms_free_for_three_evenings_with_a_get_in_the_day_before(people):
    admin = people["admin"]
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle"})
    grande = await admin.create(
        "/rooms", {"venue_id": venue["id"], "name": "Grande salle", "capacity": 650}
    )
    studio = await admin.create(
        "/rooms", {"venue_id": venue["id"], "name": "Studio", "capacity": 80}
    )
    # The grande salle is busy on 10 March in the evening and on the 16th in the morning.
    await admin.create(
        "/activities",
        {
            "kind": "private_hire",
            "title": "Gala",
            "room_id": grande["id"],
            "starts_at": "2027-03-10T19:00:00+01:00",
            "ends_at": "2027-03-10T23:00:00+01:00",
        },
    )
    await admin.create(
        "/activities",
        {
            "kind": "get_in",
            "title": "Montage",
            "room_id": grande["id"],
            "starts_at": "2027-03-16T09:00:00+01:00",
            "ends_at": "2027-03-16T12:00:00+01:00",
        },
    )
    r = await people["programmation"].post(
        "/availability",
        {
            "from_day": "2027-03-08",
            "to_day": "2027-03-20",
            "days": 3,
            "starts": "19:00",
            "ends": "23:30",
            "get_in_days_before": 1,
            "min_capacity": 100,
        },
    )
    assert r.status_code == 200, r.text
    rooms = r.json()
    assert [room["room_id"] for room in rooms] == [grande["id"]]  # the studio is too small
    firsts = [run["first_day"] for run in rooms[0]["runs"]]
    # Runs playing on the 10th evening, or needing a get-in on the 16th, are out; a get-in on
    # the 10th (09:00–18:00) fits before the gala.
    assert firsts == [
        "2027-03-11",
        "2027-03-12",
        "2027-03-13",
        "2027-03-14",
        "2027-03-15",
        "2027-03-16",
        "2027-03-18",
    ]
    assert studio["id"] not in [room["room_id"] for room in rooms]


async def test_linked_rooms_count_as_busy(people):
    admin = people["admin"]
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle"})
    grande = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Grande salle"})
    foyer = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Foyer"})
    await admin.create(
        "/room-links",
        {"room_id": grande["id"], "other_room_id": foyer["id"], "reason": "le son passe"},
    )
    await admin.create(
        "/activities",
        {
            "kind": "rehearsal",
            "title": "Répétition",
            "room_id": grande["id"],
            "starts_at": "2027-03-10T19:00:00+01:00",
            "ends_at": "2027-03-10T23:00:00+01:00",
        },
    )
    r = await admin.post(
        "/availability",
        {"from_day": "2027-03-10", "to_day": "2027-03-10", "room_ids": [foyer["id"]]},
    )
    assert r.json() == []
