"""A performance is an activity of kind "performance": one row, seen by Programming and Planning."""

from __future__ import annotations

from tests.factories import paris


async def test_a_performance_is_one_row_in_the_general_planning(admin, season):
    performance = season["performance"]
    assert performance["show_id"] == season["show"]["id"]
    assert performance["room_id"] == season["room"]["id"]  # from its engagement
    assert performance["title"] == "Phèdre"  # from its show
    assert performance["status"] == "confirmed"  # its engagement is confirmed

    as_activity = (await admin.get(f"/activities/{performance['id']}")).json()
    assert as_activity["kind"] == "performance"
    for field in ("title", "room_id", "starts_at", "ends_at", "status", "version"):
        assert as_activity[field] == performance[field], field
    planning = (await admin.get("/activities", params={"kind": "performance"})).json()
    assert [a["id"] for a in planning["items"]] == [performance["id"]]
    all_of_it = (await admin.get("/activities")).json()
    assert all_of_it["total"] == 2  # the get-in and the performance, once each


async def test_a_change_made_in_programming_is_the_change_seen_in_planning(people, season):
    performance = season["performance"]
    prog = people["programmation"]
    r = await prog.patch(
        f"/performances/{performance['id']}",
        {
            "starts_at": paris("2026-10-06", "20:30"),
            "ends_at": paris("2026-10-06", "22:30"),
            "surtitles": True,
        },
        version=performance["version"],
    )
    assert r.status_code == 200, r.text
    seen = (await people["technique"].get(f"/activities/{performance['id']}")).json()
    assert seen["starts_at"] == r.json()["starts_at"] and seen["surtitles"] is True
    assert seen["version"] == 2


async def test_performances_are_not_made_or_changed_from_the_planning(people, season):
    admin, technique = people["admin"], people["technique"]
    performance = season["performance"]
    as_activity = {
        "kind": "performance",
        "title": "Phèdre (supplémentaire)",
        "room_id": season["room"]["id"],
        "show_id": season["show"]["id"],
        "starts_at": paris("2026-10-07", "15:00"),
        "ends_at": paris("2026-10-07", "17:00"),
    }
    for client in (admin, technique):
        r = await client.post("/activities", as_activity)
        assert r.status_code == 403, r.text
        r = await client.patch(f"/activities/{performance['id']}", {"title": "Autre"}, version=1)
        assert r.status_code == 403
    assert (await admin.get("/performances")).json()["total"] == 1
    assert (await admin.get(f"/performances/{performance['id']}")).json()["title"] == "Phèdre"


async def test_a_performance_cannot_be_deleted_from_the_planning(people, season):
    performance = season["performance"]
    r = await people["technique"].delete(
        f"/activities/{performance['id']}", version=performance["version"]
    )
    assert r.status_code == 403
    assert (await people["admin"].get(f"/performances/{performance['id']}")).status_code == 200


async def test_planning_writers_cannot_touch_performances(people, season):
    technique, performance = people["technique"], season["performance"]
    r = await technique.post(
        "/performances",
        {
            "engagement_id": season["engagement"]["id"],
            "starts_at": paris("2026-10-08", "20:00"),
            "ends_at": paris("2026-10-08", "22:00"),
        },
    )
    assert r.status_code == 403
    path = f"/performances/{performance['id']}"
    assert (await technique.patch(path, {"ticketing_ref": "X"}, version=1)).status_code == 403
    assert (await technique.delete(path, version=1)).status_code == 403
    assert (await technique.get(path)).status_code == 200  # but they read them


async def test_other_activities_are_not_performances(admin, season):
    get_in = season["activity"]
    assert (await admin.get(f"/performances/{get_in['id']}")).status_code == 404
    r = await admin.patch(f"/performances/{get_in['id']}", {"ticketing_ref": "X"}, version=1)
    assert r.status_code == 404
    assert (await admin.delete(f"/performances/{get_in['id']}", version=1)).status_code == 404
    assert (await admin.get(f"/activities/{get_in['id']}")).json()["version"] == 1


async def test_a_performance_of_an_option_is_tentative(admin, season):
    option = await admin.create(
        "/engagements",
        {
            "show_id": season["show"]["id"],
            "room_id": season["studio"]["id"],
            "first_day": "2026-11-03",
            "last_day": "2026-11-04",
        },
    )
    assert option["status"] == "option" and option["option_rank"] == 1
    performance = await admin.create(
        "/performances",
        {
            "engagement_id": option["id"],
            "starts_at": paris("2026-11-03", "20:00"),
            "ends_at": paris("2026-11-03", "21:30"),
        },
    )
    assert performance["status"] == "tentative"
    assert performance["room_id"] == season["studio"]["id"]


async def test_a_performance_needs_a_show(admin, season):
    r = await admin.post(
        "/performances",
        {"starts_at": paris("2026-11-03", "20:00"), "ends_at": paris("2026-11-03", "21:30")},
    )
    assert r.status_code == 422
    r = await admin.post(
        "/performances",
        {
            "engagement_id": 987654,
            "starts_at": paris("2026-11-03", "20:00"),
            "ends_at": paris("2026-11-03", "21:30"),
        },
    )
    assert r.status_code == 422
    assert "engagement_id" in [e["field"] for e in r.json()["errors"]]


async def test_deleting_a_performance_removes_it_from_both_views(people, season):
    prog, performance = people["programmation"], season["performance"]
    r = await prog.delete(f"/performances/{performance['id']}", version=1)
    assert r.status_code == 204
    assert (await prog.get(f"/activities/{performance['id']}")).status_code == 404
    history = (await prog.get(f"/changes/performance/{performance['id']}")).json()["items"]
    assert [c["action"] for c in history] == ["performance.created", "performance.deleted"]
