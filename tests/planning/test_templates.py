"""Templates place technical activities around the real performances: a get-out follows a Sunday
matinée as it follows a late show, because it counts from when the last performance ends."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest


@pytest.fixture
async def stage(admin: Any) -> dict[str, Any]:
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle aux Grains"})
    grande = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Grande salle"})
    studio = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Studio"})
    phedre = await admin.create("/shows", {"title": "Phèdre", "duration_minutes": 110})
    return {"grande": grande, "studio": studio, "phedre": phedre}


async def engagement(prog: Any, stage: dict[str, Any], room: str, *starts: str) -> dict[str, Any]:
    """A confirmed engagement of Phèdre (110 minutes) playing at these times."""
    days = sorted(s[:10] for s in starts)
    eng = await prog.create(
        "/engagements",
        {
            "show_id": stage["phedre"]["id"],
            "room_id": stage[room]["id"],
            "first_day": days[0],
            "last_day": days[-1],
            "status": "confirmed",
        },
    )
    for start in starts:
        end = datetime.fromisoformat(start) + timedelta(minutes=110)
        await prog.create(
            "/performances",
            {"engagement_id": eng["id"], "starts_at": start, "ends_at": end.isoformat()},
        )
    return eng  # type: ignore[no-any-return]


async def apply(tech: Any, eng: dict[str, Any], *names: str) -> list[dict[str, Any]]:
    templates = {
        t["name"]: t["id"] for t in (await tech.get("/activity-templates")).json()["items"]
    }
    r = await tech.post(
        f"/engagements/{eng['id']}/technical-activities",
        {"template_ids": [templates[n] for n in names], "dry_run": False},
    )
    assert r.status_code == 200, r.text
    return r.json()["activities"]  # type: ignore[no-any-return]


async def test_the_get_out_follows_a_sunday_matinee_and_a_late_show(people, stage):
    prog, tech = people["programmation"], people["technique"]
    # Saturday at 21:00, then the Sunday matinée at 16:00 (110 minutes: it ends at 17:50).
    matinee = await engagement(
        prog, stage, "grande", "2027-03-13T21:00:00+01:00", "2027-03-14T16:00:00+01:00"
    )
    [get_out] = await apply(tech, matinee, "Démontage après la dernière")
    assert get_out["kind"] == "get_out"
    assert (get_out["starts_at"], get_out["ends_at"]) == (
        "2027-03-14T18:05:00+01:00",  # a quarter of an hour after the end, not at 23:00
        "2027-03-14T22:05:00+01:00",  # one four-hour service
    )
    # A late show ending at 23:20 is followed past midnight.
    late = await engagement(prog, stage, "studio", "2027-03-12T21:30:00+01:00")
    [get_out] = await apply(tech, late, "Démontage après la dernière")
    assert (get_out["starts_at"], get_out["ends_at"]) == (
        "2027-03-12T23:35:00+01:00",
        "2027-03-13T03:35:00+01:00",
    )


async def test_a_template_counts_minutes_from_the_first_performance(people, stage):
    prog, tech = people["programmation"], people["technique"]
    r = await tech.post(
        "/activity-templates",
        {
            "name": "Service de préparation",
            "kind": "technical_service",
            "anchor": "before_first",
            "start_minutes": -360,
            "end_minutes": -120,
        },
    )
    assert r.status_code == 201, r.text
    eng = await engagement(
        prog, stage, "grande", "2027-03-13T21:00:00+01:00", "2027-03-14T16:00:00+01:00"
    )
    [service] = await apply(tech, eng, "Service de préparation")
    assert (service["starts_at"], service["ends_at"]) == (
        "2027-03-13T15:00:00+01:00",
        "2027-03-13T19:00:00+01:00",
    )
    # Clock times still work, on the day before the first performance.
    [get_in] = await apply(tech, eng, "Montage la veille")
    assert get_in["starts_at"] == "2027-03-12T09:00:00+01:00"


async def test_a_template_says_when_its_times_are_unclear(people):
    tech = people["technique"]
    base = {"name": "Démontage", "kind": "get_out", "anchor": "after_last"}
    neither = await tech.post("/activity-templates", base)
    assert neither.status_code == 422
    assert {e["field"] for e in neither.json()["errors"]} >= {"start_time", "start_minutes"}
    both = await tech.post(
        "/activity-templates",
        {
            **base,
            "start_time": "23:00",
            "end_time": "23:59",
            "start_minutes": 15,
            "end_minutes": 255,
        },
    )
    assert both.status_code == 422
    backwards = await tech.post(
        "/activity-templates", {**base, "start_minutes": 60, "end_minutes": 15}
    )
    assert backwards.status_code == 422
    assert [e["field"] for e in backwards.json()["errors"]] == ["end_minutes"]
