"""A change of the organisation's time zone or language made through one server process is
followed by every other one, without a restart: times it answers, the language it speaks when
none is asked for, and the open screens it tells to load themselves again.

On a database of its own: every process of the suite on the shared one would follow the change
too, and keep it after the next test empties the tables (which writes no history)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from server.accounts.defaults import create_user, ensure_default_teams
from server.db.engine import Database
from server.processes import spawn_server
from server.settings import Settings
from tests.conftest import Api, Served, _admin, copy_of, serving, token_for
from tests.factories import PASSWORD, paris
from tests.realtime.test_access import open_live
from tests.services import RedisServer

PATIENCE = 30.0  # the other process reads the log within a second; slack for a busy machine
STEP = 0.1


@pytest.fixture
async def own_database(migrated: str) -> AsyncIterator[str]:
    name, url = await copy_of(migrated, "saison_org")
    try:
        yield url
    finally:
        await _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
async def processes(
    own_database: str, redis_server: RedisServer
) -> AsyncIterator[tuple[Served, str, str, str]]:
    """Two applications sharing a database and Redis, as in a deployment: the one where the
    change is made in this process (one process start less), the one that must follow it a
    server process; an administrator's and a technician's tokens, made as the README says."""
    db = Database(own_database, pool_size=2)
    try:
        await ensure_default_teams(db)
        admin, _ = await create_user(db, "admin@org.test", "Admin", PASSWORD, admin=True)
        tech, _ = await create_user(db, "tech@org.test", "Tech", PASSWORD, teams=["Technique"])
        tokens = (await token_for(db, admin["id"]), await token_for(db, tech["id"]))
    finally:
        await db.dispose()
    server = spawn_server(own_database, {"REDIS_URL": redis_server.url})
    try:
        async with serving(own_database, Settings(redis_url=redis_server.url)) as here:
            await asyncio.to_thread(server.ready)
            yield here, server.url, *tokens
    finally:
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
    processes: tuple[Served, str, str, str],
) -> None:
    a, b, admin, technician = processes
    on_a, on_b = Api(a, admin), Api(b, admin)
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
    screen = await open_live(b, token=technician)

    version = (await on_a.get("/organisation")).json()["version"]
    r = await on_a.patch("/organisation", {"timezone": "America/Montreal"}, version=version)
    assert r.status_code == 200, r.text
    # The process that made the change works in the new zone at once.
    assert (await on_a.get(path)).json()["starts_at"] == "2026-10-05T14:30:00-04:00"

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

    # The timeline, whose JSON PostgreSQL writes itself, too: no connection of either process's
    # pool keeps the old zone (each would otherwise, until recycled ten minutes later).
    async def timelines_in_montreal_time() -> bool:
        for api in (on_a, on_b):
            for _ in range(3):  # several requests, so several pooled connections answer
                r = await api.get("/timeline", params={"start": "2026-10-05", "end": "2026-10-06"})
                if r.json()["activities"][0]["starts_at"] != "2026-10-05T14:30:00-04:00":
                    return False
        return True

    assert await eventually(timelines_in_montreal_time)

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
