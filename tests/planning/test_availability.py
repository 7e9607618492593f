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
    # Runs playing on the 10th evening, or needing a get-in on the 16th, are out; a get-in on
    # the 10th (09:00–18:00) fits before the gala. One period, not every sliding window.
    assert [(p["first_day"], p["last_day"], p["state"]) for p in rooms[0]["periods"]] == [
        ("2027-03-11", "2027-03-20", "free")
    ]
    assert rooms[0]["periods"][0]["run_starts"] == [
        {"first_day": "2027-03-11", "last_day": "2027-03-16"},
        {"first_day": "2027-03-18", "last_day": "2027-03-18"},
    ]
    assert studio["id"] not in [room["room_id"] for room in rooms]


async def test_options_are_shown_as_such_and_confirmed_engagements_hold_their_days(people):
    admin, prog = people["admin"], people["programmation"]
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle"})
    grande = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Grande salle"})
    phedre = await admin.create("/shows", {"title": "Phèdre"})
    cirque = await admin.create("/shows", {"title": "Cirque Éphémère"})
    tartuffe = await admin.create("/shows", {"title": "Tartuffe"})

    async def engage(show, first, last, **extra):
        return await prog.create(
            "/engagements",
            {
                "show_id": show["id"],
                "room_id": grande["id"],
                "first_day": first,
                "last_day": last,
                **extra,
            },
        )

    await engage(phedre, "2027-03-15", "2027-03-17")
    await engage(cirque, "2027-03-16", "2027-03-18")
    # Confirmed, no performance generated yet: its days are taken all the same.
    await engage(tartuffe, "2027-03-22", "2027-03-24", status="confirmed")
    query = {"from_day": "2027-03-12", "to_day": "2027-03-25"}
    r = await prog.post("/availability", query, headers={"Accept-Language": "en"})
    assert r.status_code == 200, r.text
    periods = r.json()[0]["periods"]
    assert [(p["first_day"], p["last_day"], p["label"]) for p in periods] == [
        ("2027-03-12", "2027-03-14", "free"),
        (
            "2027-03-15",
            "2027-03-15",
            "under option by “Phèdre”, rank 1, from Mon 15 Mar 2027 to Wed 17 Mar 2027",
        ),
        (
            "2027-03-16",
            "2027-03-17",
            "under option by “Phèdre”, rank 1, from Mon 15 Mar 2027 to Wed 17 Mar 2027; "
            "under option by “Cirque Éphémère”, rank 2, from Tue 16 Mar 2027 to Thu 18 Mar 2027",
        ),
        (
            "2027-03-18",
            "2027-03-18",
            "under option by “Cirque Éphémère”, rank 2, from Tue 16 Mar 2027 to Thu 18 Mar 2027",
        ),
        ("2027-03-19", "2027-03-21", "free"),
        ("2027-03-25", "2027-03-25", "free"),
    ]
    assert [p["state"] for p in periods] == ["free", "option", "option", "option", "free", "free"]
    assert [(o["show"], o["rank"]) for o in periods[2]["options"]] == [
        ("Phèdre", 1),
        ("Cirque Éphémère", 2),
    ]
    # In the venue's language by default.
    french = (await prog.post("/availability", query)).json()[0]["periods"]
    assert french[0]["label"] == "libre"
    assert french[1]["label"].startswith("sous option de « Phèdre », 1re option")


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
