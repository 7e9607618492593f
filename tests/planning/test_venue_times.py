"""Times as the venue reads them: every answer, conflict, feed and history in its zone with the
offset; the spring DST gap refused by name, the autumn's repeated hour read as its first one."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from server.planning.bookings import Slot, conflicts_for

VENUE_OFFSET = re.compile(r"[+]0[12]:00$")  # Europe/Paris: +01:00 in winter, +02:00 in summer


async def test_the_changes_feed_and_history_speak_venue_time(admin, season):
    """A client may send UTC; the log gives back what a person reads (09:00+02:00)."""
    made = await admin.create(
        "/activities",
        {
            "kind": "meeting",
            "title": "Réunion de production",
            "room_id": season["studio"]["id"],
            "starts_at": "2026-10-05T07:00:00Z",
            "ends_at": "2026-10-05T08:00:00Z",
        },
    )
    assert made["starts_at"] == "2026-10-05T09:00:00+02:00"
    r = await admin.patch(
        f"/activities/{made['id']}", {"ends_at": "2026-10-05T08:30:00Z"}, version=1
    )
    assert r.status_code == 200
    feed = (await admin.get("/changes", params={"entity": "activity"})).json()["items"]
    history = (await admin.get(f"/changes/activity/{made['id']}")).json()["items"]
    for changes in (feed, history):
        created, updated = (c for c in changes if c["entity_id"] == made["id"])
        assert created["after"]["starts_at"] == "2026-10-05T09:00:00+02:00"
        assert created["after"]["ends_at"] == "2026-10-05T10:00:00+02:00"
        assert created["refs"]["starts_at"] == "2026-10-05T09:00:00+02:00"
        assert updated["before"] == {"ends_at": "2026-10-05T10:00:00+02:00"}
        assert updated["after"] == {"ends_at": "2026-10-05T10:30:00+02:00"}
        for change in changes:
            assert VENUE_OFFSET.search(change["at"]), change["at"]
    assert "+00:00" not in str(feed) and "Z'" not in str(feed)


async def test_conflicts_give_venue_times_in_every_preview(admin, season):
    """Series dry runs, moves and confirmations list what holds the room, in venue time."""
    show = await admin.create("/shows", {"title": "Bérénice", "duration_minutes": 120})
    option = await admin.create(
        "/engagements",
        {
            "show_id": show["id"],
            "room_id": season["room"]["id"],
            "first_day": "2026-10-05",
            "last_day": "2026-10-05",
            "status": "confirmed",
        },
    )
    series = await admin.post(
        f"/engagements/{option['id']}/performances",
        {"default_time": "10:00", "dry_run": True},
    )
    assert series.status_code == 200, series.text
    [conflict] = series.json()["conflicts"]
    assert conflict["with"]["activity_id"] == season["activity"]["id"]
    assert conflict["with"]["starts_at"] == "2026-10-05T09:00:00+02:00"
    assert conflict["with"]["ends_at"] == "2026-10-05T18:00:00+02:00"
    assert series.json()["performances"][0]["starts_at"] == "2026-10-05T10:00:00+02:00"

    moved = await admin.post(
        f"/performances/{season['performance']['id']}/move",
        {"starts_at": "2026-10-05T12:00:00Z", "dry_run": True},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["activities"][0]["starts_at"] == "2026-10-05T14:00:00+02:00"
    [conflict] = moved.json()["conflicts"]
    assert conflict["with"]["starts_at"] == "2026-10-05T09:00:00+02:00"


async def test_proposals_colliding_with_each_other_are_told_in_venue_time(db, season):
    """Two proposals in one room (a preview's own collisions), given as the database gives
    times (UTC), come back in the venue's zone."""
    first = Slot(
        season["room"]["id"],
        datetime(2026, 10, 20, 7, tzinfo=UTC),
        datetime(2026, 10, 20, 9, tzinfo=UTC),
        "rehearsal",
        ref=0,
    )
    second = Slot(
        season["room"]["id"],
        datetime(2026, 10, 20, 8, tzinfo=UTC),
        datetime(2026, 10, 20, 10, tzinfo=UTC),
        "rehearsal",
        ref=1,
    )
    async with db.sessions() as session:
        [conflict] = await conflicts_for(session, [first, second])
    assert conflict["proposal"] == 1
    assert conflict["with"]["starts_at"] == "2026-10-20T09:00:00+02:00"
    assert conflict["with"]["ends_at"] == "2026-10-20T11:00:00+02:00"


def activity(season, start: str, end: str) -> dict:
    return {
        "kind": "rehearsal",
        "title": "Répétition de nuit",
        "room_id": season["studio"]["id"],
        "starts_at": start,
        "ends_at": end,
    }


async def test_a_time_in_the_spring_gap_is_refused_saying_it_does_not_exist(admin, season):
    """On 28 March 2027 clocks in Paris jump from 02:00 to 03:00: 02:30 never happens."""
    r = await admin.post("/activities", activity(season, "2027-03-28T02:30", "2027-03-28T04:00"))
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert error["field"] == "starts_at"
    assert error["message"] == (
        "dim. 28 mars 2027, 2 h 30 n’existe pas dans le fuseau horaire du lieu : "
        "cette nuit-là, on passe de 2 h 00 à 3 h 00."
    )
    assert "rule of the database" not in r.text
    english = await admin.post(
        "/activities",
        activity(season, "2027-03-28T01:00", "2027-03-28T02:15"),
        headers={"Accept-Language": "en"},
    )
    assert english.status_code == 422
    assert english.json()["errors"] == [
        {
            "field": "ends_at",
            "message": "Sun 28 Mar 2027, 02:15 does not exist in the venue's time zone: "
            "that night clocks jump from 02:00 to 03:00.",
        }
    ]
    # The same rule for a change, a move, a list bound; an offset makes any instant clear.
    made = await admin.create(
        "/activities", activity(season, "2027-03-28T01:00", "2027-03-28T03:30")
    )
    assert made["ends_at"] == "2027-03-28T03:30:00+02:00"
    r = await admin.patch(
        f"/activities/{made['id']}", {"starts_at": "2027-03-28T02:00:00"}, version=1
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "starts_at"
    r = await admin.post(
        f"/performances/{season['performance']['id']}/move",
        {"starts_at": "2027-03-28T02:59", "dry_run": True},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "starts_at"
    r = await admin.get("/activities", params={"start": "2027-03-28T02:30"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "start"
    assert "2 h 00 à 3 h 00" in r.json()["errors"][0]["message"]
    ok = await admin.get("/activities", params={"start": "2027-03-28T02:30+01:00"})
    assert ok.status_code == 200


async def test_a_time_in_the_autumn_repeated_hour_is_its_first_occurrence(admin, season):
    """On 25 October 2026, 02:00–03:00 happens twice: without offset, the first (summer time)."""
    made = await admin.create(
        "/activities", activity(season, "2026-10-25T02:30", "2026-10-25T02:45")
    )
    assert made["starts_at"] == "2026-10-25T02:30:00+02:00"
    assert made["ends_at"] == "2026-10-25T02:45:00+02:00"
    second = await admin.create(
        "/activities",
        activity(season, "2026-10-25T02:30:00+01:00", "2026-10-25T03:30:00+01:00"),
    )
    assert second["starts_at"] == "2026-10-25T02:30:00+01:00"
