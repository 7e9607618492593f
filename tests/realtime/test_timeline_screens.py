"""What a timeline screen needs from live updates: enough in each event to place and edit a
block without reading it back, and presence by period (who else looks at these weeks) and by
block (who is editing it)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.conftest import Api, token_for
from tests.realtime.test_live import Live

OCTOBER = {"start": "2026-10-01T00:00:00+02:00", "end": "2026-11-01T00:00:00+01:00"}
OCTOBER_WEEK = {"start": "2026-10-05T00:00:00+02:00", "end": "2026-10-12T00:00:00+02:00"}
JANUARY = {"start": "2027-01-01T00:00:00+01:00", "end": "2027-02-01T00:00:00+01:00"}


async def _screen(server_url: str, db: Any, people: dict[str, Api], who: str) -> Live:
    return await Live.open(server_url, await token_for(db, people[who].user["id"]))


async def _no_presence(screen: Live, seconds: float = 0.8) -> None:
    try:
        message = await screen.next("presence", seconds)
    except TimeoutError:
        return
    raise AssertionError(f"unexpected presence: {message}")


async def test_an_event_says_where_the_block_is_and_its_version(server_url, db, people, admin):
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle"})
    grande = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Grande salle"})
    studio = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Studio"})
    screen = await _screen(server_url, db, people, "technique")
    await screen.subscribe("t", {"timeline": OCTOBER})
    created = await admin.create(
        "/activities",
        {
            "kind": "rehearsal",
            "title": "Raccord",
            "room_id": grande["id"],
            "starts_at": "2026-10-06T10:00:00+02:00",
            "ends_at": "2026-10-06T12:00:00+02:00",
        },
    )
    (made,) = await screen.events(1)
    assert made["refs"]["version"] == created["version"] == 1
    moved = await admin.patch(
        f"/activities/{created['id']}",
        {"room_id": studio["id"], "starts_at": "2026-10-06T14:00:00+02:00",
         "ends_at": "2026-10-06T16:00:00+02:00"},
        version=1,
    )  # fmt: skip
    assert moved.status_code == 200, moved.text
    (event,) = await screen.events(1)
    # Only what changed is in "after"; "refs" says where and when it now is, and its version.
    assert "title" not in event["after"]
    assert event["refs"]["room_id"] == studio["id"]
    assert event["refs"]["kind"] == "rehearsal" and event["refs"]["status"] == "confirmed"
    assert event["refs"]["version"] == moved.json()["version"] == 2
    await screen.close()


async def test_presence_on_a_period_reaches_the_timelines_that_show_part_of_it(
    server_url, db, people
):
    october = await _screen(server_url, db, people, "technique")
    week = await _screen(server_url, db, people, "communication")
    january = await _screen(server_url, db, people, "admin")
    await october.subscribe("t", {"timeline": OCTOBER})
    await week.subscribe("t", {"timeline": OCTOBER_WEEK})
    await january.subscribe("t", {"timeline": JANUARY})
    claire = await _screen(server_url, db, people, "programmation")
    await claire.subscribe("t", {"timeline": OCTOBER})
    await claire.send({"type": "presence", "where": {"timeline": OCTOBER}})
    for screen in (october, week):
        seen = await screen.next("presence")
        assert seen["name"] == "Programmation" and seen["where"] == {"timeline": OCTOBER}
    await _no_presence(january)
    # She goes to January: those of October learn she left their period, January sees her.
    await claire.send({"type": "presence", "where": {"timeline": JANUARY}})
    for screen in (october, week, january):
        seen = await screen.next("presence")
        assert seen["where"] == {"timeline": JANUARY} and not seen["left"]
    # A screen arriving in January is told who is already there.
    late = await _screen(server_url, db, people, "rp")
    await late.send({"type": "subscribe", "id": "t", "topic": {"timeline": JANUARY}})
    await late.next("subscribed")
    already = await late.next("presence")
    assert already["name"] == "Programmation"
    for screen in (october, week, january, claire, late):
        await screen.close()


async def test_editing_a_block_reaches_every_timeline(server_url, db, people):
    january = await _screen(server_url, db, people, "technique")
    await january.subscribe("t", {"timeline": JANUARY})
    claire = await _screen(server_url, db, people, "programmation")
    await claire.send(
        {"type": "presence", "where": {"entity": "activity", "id": 12}, "state": "editing"}
    )
    seen = await january.next("presence")
    assert seen["where"] == {"entity": "activity", "id": 12} and seen["state"] == "editing"
    await claire.send({"type": "presence", "where": None})
    gone = await january.next("presence")
    assert gone["left"] is True
    await asyncio.gather(january.close(), claire.close())


async def test_a_malformed_period_is_refused(server_url, db, people):
    screen = await _screen(server_url, db, people, "technique")
    await screen.send(
        {"type": "presence", "where": {"timeline": {"start": "2026-10-01", "end": "x"}}}
    )
    error = await screen.next("error")
    assert error["message"].startswith("Période de présence : ")
    await screen.close()
