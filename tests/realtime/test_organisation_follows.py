"""A change of the organisation's time zone or language made through one server process is
followed by every other one, without a restart: times it answers, the language it speaks when
none is asked for, and the open screens it tells to load themselves again."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from server.processes import spawn_server
from tests.conftest import Api, token_for
from tests.factories import paris
from tests.realtime.test_access import open_live
from tests.services import RedisServer

PATIENCE = 30.0  # the other process reads the log within a second; slack for a busy machine
STEP = 0.1


@pytest.fixture
async def processes(database_url: str, redis_server: RedisServer) -> AsyncIterator[tuple[str, str]]:
    """Two processes of their own (their zone is changed here, so not the suite's shared pair),
    sharing the database and Redis as in a deployment."""
    servers = [spawn_server(database_url, {"REDIS_URL": redis_server.url}) for _ in range(2)]
    try:
        for server in servers:
            server.ready()
        yield servers[0].url, servers[1].url
    finally:
        for server in servers:
            server.stop()


async def eventually(check: Callable[[], Awaitable[bool]]) -> bool:
    """Whether ``check`` comes true within PATIENCE (asked again and again, not timed): the
    other process gives no sign to wait for."""
    for _ in range(int(PATIENCE / STEP)):
        if await check():
            return True
        await asyncio.sleep(STEP)
    return False


async def test_a_zone_and_language_changed_on_one_process_hold_on_another(
    processes: tuple[str, str], db: Any, people: dict[str, Api]
) -> None:
    a, b = processes
    admin = people["admin"].user
    on_a = Api(a, await token_for(db, admin["id"]))
    on_b = Api(b, await token_for(db, admin["id"]))
    activity = await on_a.create(
        "/activities",
        {
            "kind": "meeting",
            "title": "Réunion de production",
            "starts_at": paris("2026-10-05", "20:30"),
            "ends_at": paris("2026-10-05", "21:30"),
        },
    )
    path = f"/activities/{activity['id']}"
    assert (await on_b.get(path)).json()["starts_at"] == "2026-10-05T20:30:00+02:00"
    screen = await open_live(b, token=await token_for(db, people["technique"].user["id"]))

    version = (await on_a.get("/organisation")).json()["version"]
    r = await on_a.patch("/organisation", {"timezone": "America/Montreal"}, version=version)
    assert r.status_code == 200, r.text

    # The screen on B is told (the browser app then loads its page, which names the zone).
    async with asyncio.timeout(PATIENCE):
        while True:
            message = json.loads(await screen.socket.recv())
            if message["type"] == "venue":
                break
    assert message["timezone"] == "America/Montreal" and message["language"] == "fr"
    await screen.socket.close()

    async def b_answers_in_montreal_time() -> bool:
        return bool((await on_b.get(path)).json()["starts_at"] == "2026-10-05T14:30:00-04:00")

    assert await eventually(b_answers_in_montreal_time)

    # The language: B speaks English to whoever asks for no language in particular.
    version = (await on_a.get("/organisation")).json()["version"]
    r = await on_a.patch("/organisation", {"language": "en"}, version=version)
    assert r.status_code == 200, r.text

    async def b_speaks_english() -> bool:
        async with httpx.AsyncClient(base_url=b) as anonymous:
            r = await anonymous.get("/api/v1/organisation")
        return bool(r.status_code == 401 and r.json()["title"] == "Not authenticated")

    assert await eventually(b_speaks_english)
    await on_a.close()
    await on_b.close()
