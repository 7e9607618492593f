"""Retries and double clicks change nothing: generating a series or applying templates again
creates nothing new and says what already exists."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import Api


@pytest.fixture
async def engagement(admin, people):
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle aux Grains"})
    room = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Grande salle"})
    show = await admin.create("/shows", {"title": "Phèdre", "duration_minutes": 110})
    return await people["programmation"].create(
        "/engagements",
        {
            "show_id": show["id"],
            "room_id": room["id"],
            "first_day": "2027-03-09",
            "last_day": "2027-03-12",
            "status": "confirmed",
        },
    )


SERIES = {"weekdays": ["tue", "wed", "thu", "fri"], "times": {"fri": ["19:00"]}, "dry_run": False}


async def count(client, path, **params):
    return (await client.get(path, params=params)).json()["total"]


async def test_generating_a_series_twice_creates_nothing_the_second_time(people, engagement):
    prog = people["programmation"]
    path = f"/engagements/{engagement['id']}/performances"
    first = await prog.post(path, SERIES)
    assert first.status_code == 200, first.text
    made = first.json()
    assert len(made["created"]) == 4 and made["existing"] == []

    again = await prog.post(path, SERIES)
    assert again.status_code == 200, again.text
    body = again.json()
    assert body["created"] == []
    assert [p["id"] for p in body["existing"]] == [p["id"] for p in made["created"]]
    assert body["existing"][3]["starts_at"] == "2027-03-12T19:00:00+01:00"
    assert await count(prog, "/performances", engagement_id=engagement["id"]) == 4

    # A wider series adds only what is missing; its preview says which exist.
    wider = {**SERIES, "weekdays": [*SERIES["weekdays"], "sat"], "last_day": "2027-03-13"}
    preview = (await prog.post(path, {**wider, "dry_run": True})).json()
    assert len(preview["existing"]) == 4 and len(preview["performances"]) == 5
    assert preview["created"] == []
    r = await prog.post(path, wider)
    assert [p["starts_at"][:10] for p in r.json()["created"]] == ["2027-03-13"]
    assert await count(prog, "/performances", engagement_id=engagement["id"]) == 5


async def test_a_double_click_on_generate_makes_one_series(in_process, people, engagement):
    prog = people["programmation"]
    token = prog.http.headers["authorization"][len("Bearer ") :]
    clients = [Api(in_process, token) for _ in range(2)]
    path = f"/engagements/{engagement['id']}/performances"
    try:
        answers = await asyncio.gather(*(c.post(path, SERIES) for c in clients))
    finally:
        for c in clients:
            await c.close()
    assert [r.status_code for r in answers] == [200, 200], [r.text for r in answers]
    assert sorted(len(r.json()["created"]) for r in answers) == [0, 4]
    assert await count(prog, "/performances", engagement_id=engagement["id"]) == 4


async def test_applying_templates_twice_places_each_activity_once(in_process, people, engagement):
    prog, tech = people["programmation"], people["technique"]
    await prog.post(f"/engagements/{engagement['id']}/performances", SERIES)
    templates = {
        t["name"]: t["id"] for t in (await tech.get("/activity-templates")).json()["items"]
    }
    body = {
        "template_ids": [templates["Montage la veille"], templates["Service de jeu"]],
        "dry_run": False,
    }
    path = f"/engagements/{engagement['id']}/technical-activities"
    first = await tech.post(path, body)
    assert first.status_code == 200, first.text
    assert len(first.json()["created"]) == 1 + 4

    again = await tech.post(path, body)
    assert again.status_code == 200, again.text
    assert again.json()["created"] == []
    assert sorted(a["id"] for a in again.json()["existing"]) == sorted(
        a["id"] for a in first.json()["created"]
    )
    assert await count(tech, "/activities", engagement_id=engagement["id"]) == 4 + 5

    # Two clicks at the same moment: one set of activities.
    token = tech.http.headers["authorization"][len("Bearer ") :]
    clients = [Api(in_process, token) for _ in range(2)]
    out = {**body, "template_ids": [templates["Démontage après la dernière"]]}
    try:
        answers = await asyncio.gather(*(c.post(path, out) for c in clients))
    finally:
        for c in clients:
            await c.close()
    assert [r.status_code for r in answers] == [200, 200], [r.text for r in answers]
    assert sorted(len(r.json()["created"]) for r in answers) == [0, 1]
    assert await count(tech, "/activities", engagement_id=engagement["id"]) == 4 + 6
