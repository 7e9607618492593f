"""Live updates over real websockets, across two real server processes joined by real Redis
(a ``redis-server`` of the run's own, which one test stops and starts again)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.conftest import Api


class Live:
    """A websocket client the way a screen uses it."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.seen: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, base: str, token: str, origin: str | None = None) -> Live:
        headers = {"Authorization": f"Bearer {token}"}
        if origin:
            headers["Origin"] = origin
        socket = await websockets.connect(
            base.replace("http", "ws") + "/api/v1/live", additional_headers=headers
        )
        live = cls(socket)
        hello = await live.next("hello")
        live.hello = hello
        return live

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send(json.dumps(message))

    async def next(self, kind: str | None = None, wait: float = 5.0) -> dict[str, Any]:
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), wait))
            if message["type"] == "ping":
                continue
            if kind is None or message["type"] == kind:
                return message

    async def events(self, count: int, wait: float = 10.0) -> list[dict[str, Any]]:
        out = []
        while len(out) < count:
            out.append(await self.next("event", wait))
        return out

    async def quiet(self, seconds: float = 1.0) -> list[dict[str, Any]]:
        """Whatever events arrive within ``seconds`` (to prove that nothing does)."""
        got = []
        try:
            while True:
                got.append(await self.next("event", seconds))
        except TimeoutError:
            return got

    async def subscribe(self, ref: str, topic: dict[str, Any]) -> dict[str, Any]:
        await self.send({"type": "subscribe", "id": ref, "topic": topic})
        return await self.next()

    async def close(self) -> None:
        await self.socket.close()


@pytest.fixture
async def clients(
    people: dict[str, Api], servers_behind_proxy: tuple[str, str], db: Any
) -> AsyncIterator[dict[str, Any]]:
    a, b = servers_behind_proxy
    from tests.conftest import token_for

    tokens = {}
    for role in ("admin", "programmation", "technique", "communication", "nobody"):
        tokens[role] = await token_for(db, people[role].user["id"])
    api_a, api_b = Api(a, tokens["admin"]), Api(b, tokens["admin"])
    yield {"a": a, "b": b, "tokens": tokens, "api_a": api_a, "api_b": api_b}
    await api_a.close()
    await api_b.close()


async def _season(api: Api) -> dict[str, Any]:
    venue = await api.create("/venues", {"name": "Théâtre de la Halle"})
    room = await api.create("/rooms", {"venue_id": venue["id"], "name": "Grande salle"})
    show = await api.create("/shows", {"title": "Phèdre"})
    return {"room": room, "show": show}


TIMELINE = {"timeline": {"start": "2026-09-01T00:00:00+02:00", "end": "2027-07-01T00:00:00+02:00"}}


def activity(room: dict[str, Any], day: int, title: str = "Montage") -> dict[str, Any]:
    return {
        "kind": "get_in",
        "title": title,
        "room_id": room["id"],
        "starts_at": f"2026-10-{day:02d}T09:00:00+02:00",
        "ends_at": f"2026-10-{day:02d}T18:00:00+02:00",
    }


async def test_a_change_made_through_one_process_reaches_a_screen_on_the_other(clients):
    s = await _season(clients["api_a"])
    screen = await Live.open(clients["b"], clients["tokens"]["technique"])
    assert (await screen.subscribe("t", TIMELINE))["type"] == "subscribed"
    created = await clients["api_a"].create("/activities", activity(s["room"], 5))
    (event,) = await screen.events(1)
    assert event["topics"] == ["t"] and event["action"] == "activity.created"
    assert event["id"] == created["id"] and event["actor"] == "Admin"
    assert event["after"]["title"] == "Montage" and event["seq"] > 0
    await screen.close()


async def test_live_events_give_times_in_the_venues_zone(clients):
    """Whatever zone a client wrote in, screens read 09:00+02:00, like REST and the feed."""
    s = await _season(clients["api_a"])
    screen = await Live.open(clients["b"], clients["tokens"]["technique"])
    assert (await screen.subscribe("t", TIMELINE))["type"] == "subscribed"
    made = await clients["api_a"].create(
        "/activities",
        {**activity(s["room"], 5), "starts_at": "2026-10-05T07:00:00Z"},
    )
    r = await clients["api_a"].patch(
        f"/activities/{made['id']}", {"ends_at": "2026-10-05T15:00:00Z"}, version=1
    )
    assert r.status_code == 200
    created, updated = await screen.events(2)
    assert created["after"]["starts_at"] == "2026-10-05T09:00:00+02:00"
    assert created["after"]["ends_at"] == "2026-10-05T18:00:00+02:00"
    assert updated["before"] == {"ends_at": "2026-10-05T18:00:00+02:00"}
    assert updated["after"] == {"ends_at": "2026-10-05T17:00:00+02:00"}
    for event in (created, updated):
        assert event["at"].endswith(("+01:00", "+02:00")), event["at"]
    await screen.close()


async def test_live_errors_are_said_in_the_screens_language(clients):
    url = clients["b"].replace("http", "ws") + "/api/v1/live"
    for language, expected in ((None, "JSON mal formé."), ("en-GB,en;q=0.8", "Malformed JSON.")):
        headers = {"Authorization": f"Bearer {clients['tokens']['technique']}"}
        if language:
            headers["Accept-Language"] = language
        async with websockets.connect(url, additional_headers=headers) as socket:
            screen = Live(socket)
            await screen.next("hello")
            await screen.socket.send("{pas du json")
            error = await screen.next("error")
            assert error["message"] == expected
            await screen.send({"type": "subscribe", "id": "p", "topic": {"workspace": "contracts"}})
            refused = await screen.next("error")
            assert ("Contrats" if language is None else "Contracts") in refused["message"]


async def test_each_screen_sees_only_what_its_permissions_allow(clients):
    s = await _season(clients["api_a"])
    prog = await Live.open(clients["a"], clients["tokens"]["programmation"])
    comm = await Live.open(clients["b"], clients["tokens"]["communication"])
    for screen in (prog, comm):
        assert (await screen.subscribe("w", {"workspace": "programming"}))["type"] == "subscribed"
    nobody = await Live.open(clients["a"], clients["tokens"]["nobody"])
    refused = await nobody.subscribe("w", {"workspace": "programming"})
    assert refused["type"] == "error"
    await clients["api_b"].create(
        "/engagements",
        {
            "show_id": s["show"]["id"],
            "room_id": s["room"]["id"],
            "first_day": "2026-10-06",
            "last_day": "2026-10-08",
            "fee": "8500.00",
            "contract_terms": "Cession, 3 représentations",
        },
    )
    (for_prog,) = await prog.events(1)
    (for_comm,) = await comm.events(1)
    assert for_prog["after"]["fee"] == "8500.00" and "contract_terms" in for_prog["after"]
    assert "fee" not in for_comm["after"] and "contract_terms" not in for_comm["after"]
    assert for_comm["after"]["first_day"] == "2026-10-06"
    assert await nobody.quiet(0.5) == []
    for screen in (prog, comm, nobody):
        await screen.close()


async def test_nothing_is_sent_for_a_refused_write(clients):
    s = await _season(clients["api_a"])
    screen = await Live.open(clients["a"], clients["tokens"]["technique"])
    await screen.subscribe("t", TIMELINE)
    await clients["api_a"].create("/activities", activity(s["room"], 5))
    await screen.events(1)
    refused = await clients["api_b"].post("/activities", activity(s["room"], 5, "Doublon"))
    assert refused.status_code == 409  # rolled back by the database
    # A later write through the same process: its event is the next one, none came between.
    later = await clients["api_b"].create("/activities", activity(s["room"], 6, "Démontage"))
    (event,) = await screen.events(1)
    assert (event["id"], event["after"]["title"]) == (later["id"], "Démontage")
    assert await screen.quiet(0.2) == []
    await screen.close()


async def test_resume_after_a_dropped_connection_during_a_burst(clients):
    s = await _season(clients["api_a"])
    screen = await Live.open(clients["b"], clients["tokens"]["technique"])
    await screen.subscribe("t", TIMELINE)
    first = await clients["api_a"].create("/activities", activity(s["room"], 1))
    (seen,) = await screen.events(1)
    assert seen["id"] == first["id"]
    last = seen["seq"]

    async def burst(start: int) -> None:
        for day in range(start, start + 10):
            await clients["api_a"].create("/activities", activity(s["room"], day))

    writer = asyncio.create_task(burst(2))
    await asyncio.sleep(0.05)
    await screen.close()  # the phone goes through a tunnel mid-burst
    await writer
    await burst(12)
    again = await Live.open(clients["a"], clients["tokens"]["technique"])
    await again.subscribe("t", TIMELINE)
    await again.send({"type": "resume", "since": last})
    missed = await again.events(20)
    resumed = await again.next("resumed")
    days = [e["after"]["starts_at"][:10] for e in missed]
    assert days == [f"2026-10-{d:02d}" for d in range(2, 22)]  # in order, none twice
    assert [e["seq"] for e in missed] == sorted({e["seq"] for e in missed})
    await clients["api_b"].create("/activities", activity(s["room"], 25))
    (live,) = await again.events(1)
    assert live["seq"] > resumed["seq"] >= missed[-1]["seq"]
    # A cursor the server cannot replay from (another database, or far too old): reload.
    await again.send({"type": "resume", "since": live["seq"] + 1_000_000})
    answer = await again.next("reload")
    assert answer["seq"] >= live["seq"]
    await again.close()


async def test_presence_is_shared_and_cleared_on_leave(clients):
    s = await _season(clients["api_a"])
    created = await clients["api_a"].create("/activities", activity(s["room"], 3))
    claire = await Live.open(clients["a"], clients["tokens"]["programmation"])
    tech = await Live.open(clients["b"], clients["tokens"]["technique"])
    record = {"record": {"entity": "activity", "id": created["id"]}}
    await tech.subscribe("r", record)
    await claire.subscribe("r", record)
    await claire.send(
        {
            "type": "presence",
            "where": {"entity": "activity", "id": created["id"]},
            "state": "editing",
        }
    )
    seen = await tech.next("presence")
    assert seen["name"] == "Programmation" and seen["state"] == "editing" and not seen["left"]
    await claire.close()  # dropping the connection clears it
    gone = await tech.next("presence")
    assert gone["left"] is True
    await tech.close()


async def test_a_foreign_origin_is_refused(clients):
    with pytest.raises((InvalidStatus, ConnectionClosed)):
        screen = await Live.open(
            clients["a"], clients["tokens"]["technique"], origin="https://evil.example"
        )
        await screen.next("event", 2)


async def test_redis_restart_degrades_then_recovers(clients, redis_server):
    s = await _season(clients["api_a"])
    screen = await Live.open(clients["b"], clients["tokens"]["technique"])
    await screen.subscribe("t", TIMELINE)
    # Redis goes away: every connection of the two servers drops, none can be made.
    redis_server.stop()
    # Writes keep working, and the screen still gets them (by the log poll), then by pub/sub.
    for day in (7, 8):
        created = await clients["api_a"].create("/activities", activity(s["room"], day))
        (event,) = await screen.events(1, wait=10)
        assert event["id"] == created["id"]
    redis_server.start()
    # Both processes join Redis again by themselves (a screen opening now is told so) …
    for base in (clients["a"], clients["b"]):
        await joined_again(base, clients["tokens"]["technique"])
    # … and changes travel through it again.
    created = await clients["api_a"].create("/activities", activity(s["room"], 9))
    (event,) = await screen.events(1)
    assert event["id"] == created["id"]
    await screen.close()


async def joined_again(base: str, token: str, attempts: int = 300) -> None:
    """Wait until the process at ``base`` says its live bus is connected: it retries on its
    own, at most every 5 s."""
    for _ in range(attempts):
        screen = await Live.open(base, token)
        await screen.close()
        if screen.hello["bus"] == {"backend": "redis", "connected": True}:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{base} never joined Redis again")
