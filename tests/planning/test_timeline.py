"""The season timeline: rooms as rows, every activity, options marked tentative, ETag and 304."""

import pytest


@pytest.fixture
async def planned(people):
    admin = people["admin"]
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle"})
    grande = await admin.create(
        "/rooms", {"venue_id": venue["id"], "name": "Grande salle", "position": 1}
    )
    studio = await admin.create(
        "/rooms", {"venue_id": venue["id"], "name": "Studio", "position": 2}
    )
    show = await admin.create("/shows", {"title": "Les Fourberies de Scapin"})
    opt = await admin.create(
        "/engagements",
        {
            "show_id": show["id"],
            "room_id": studio["id"],
            "first_day": "2026-10-06",
            "last_day": "2026-10-06",
        },
    )
    await admin.post(f"/engagements/{opt['id']}/performances", {"dry_run": False})
    get_in = await admin.create(
        "/activities",
        {
            "kind": "get_in",
            "title": "Montage",
            "room_id": grande["id"],
            "starts_at": "2026-10-05T09:00:00+02:00",
            "ends_at": "2026-10-05T18:00:00+02:00",
        },
    )
    return {"grande": grande, "studio": studio, "get_in": get_in}


async def test_timeline_lists_rooms_and_activities_with_options_tentative(people, planned):
    tech = people["technique"]
    r = await tech.get(
        "/timeline",
        params={"start": "2026-10-01T00:00:00+02:00", "end": "2026-11-01T00:00:00+01:00"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert [room["name"] for room in body["rooms"]] == ["Grande salle", "Studio"]
    by_kind = {a["kind"]: a for a in body["activities"]}
    assert by_kind["performance"]["tentative"] is True
    assert by_kind["performance"]["starts_at"].startswith("2026-10-06T20:00:00+02")
    assert by_kind["get_in"]["tentative"] is False
    only_studio = (
        await tech.get(
            "/timeline",
            params={
                "start": "2026-10-01T00:00:00+02:00",
                "end": "2026-11-01T00:00:00+01:00",
                "room_id": planned["studio"]["id"],
            },
        )
    ).json()
    assert [a["kind"] for a in only_studio["activities"]] == ["performance"]
    only_get_ins = (
        await tech.get(
            "/timeline", params={"start": "2026-10-01", "end": "2026-11-01", "kind": "get_in"}
        )
    ).json()
    assert [a["title"] for a in only_get_ins["activities"]] == ["Montage"]


async def test_timeline_revalidates_with_304_until_something_changes(people, planned):
    tech = people["technique"]
    params = {"start": "2026-10-01T00:00:00+02:00", "end": "2026-11-01T00:00:00+01:00"}
    first = await tech.get("/timeline", params=params)
    tag = first.headers["etag"]
    again = await tech.get("/timeline", params=params, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    get_in = planned["get_in"]
    r = await tech.patch(
        f"/activities/{get_in['id']}", {"title": "Montage décor"}, version=get_in["version"]
    )
    assert r.status_code == 200
    changed = await tech.get("/timeline", params=params, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert "Montage décor" in changed.text


async def test_timeline_needs_planning_read_and_a_sane_range(people, planned):
    params = {"start": "2026-10-01T00:00:00+02:00", "end": "2026-11-01T00:00:00+01:00"}
    assert (await people["nobody"].get("/timeline", params=params)).status_code == 403
    r = await people["technique"].get(
        "/timeline", params={"start": params["end"], "end": params["start"]}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "end"
