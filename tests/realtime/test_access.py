"""Open sockets follow access: a closed account, a revoked token, an ended session or a
permission change reaches them at once, on every process (two processes joined by Redis)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from tests.conftest import Api, token_for
from tests.factories import PASSWORD
from tests.realtime.test_live import Live

CLOSED_WITHIN = 3.0  # the server applies it within a second; slack for a busy test machine


async def open_live(base: str, *, token: str | None = None, cookie: str | None = None) -> Live:
    headers = (
        {"Authorization": f"Bearer {token}"} if token else {"Cookie": f"saison_session={cookie}"}
    )
    socket = await websockets.connect(
        base.replace("http", "ws") + "/api/v1/live", additional_headers=headers
    )
    live = Live(socket)
    await live.next("hello")
    return live


async def closing_code(live: Live, wait: float = CLOSED_WITHIN) -> tuple[int | None, list[Any]]:
    """Read until the server closes the socket: its close code and the events seen first."""
    events = []
    try:
        async with asyncio.timeout(wait):
            while True:
                message = json.loads(await live.socket.recv())
                if message["type"] == "event":
                    events.append(message)
    except ConnectionClosed as closed:
        return (closed.rcvd.code if closed.rcvd else None), events
    except TimeoutError:
        return None, events


@pytest.fixture
async def world(
    servers_behind_proxy: tuple[str, str], people: dict[str, Api], db: Any, admin: Api
) -> AsyncIterator[dict[str, Any]]:
    """Admin writes through process A; screens watch on process B."""
    a, b = servers_behind_proxy
    admin_on_a = Api(a, await token_for(db, admin.user["id"]))
    venue = await admin_on_a.create("/venues", {"name": "Théâtre de la Halle"})
    room = await admin_on_a.create("/rooms", {"venue_id": venue["id"], "name": "Grande salle"})
    show = await admin_on_a.create("/shows", {"title": "Phèdre"})
    teams = {t["name"]: t["id"] for t in (await admin_on_a.get("/teams")).json()["items"]}
    yield {"a": a, "b": b, "admin": admin_on_a, "room": room, "show": show, "teams": teams}
    await admin_on_a.close()


async def engage(world: dict[str, Any], day: int) -> dict[str, Any]:
    return await world["admin"].create(
        "/engagements",
        {
            "show_id": world["show"]["id"],
            "room_id": world["room"]["id"],
            "first_day": f"2026-10-{day:02d}",
            "last_day": f"2026-10-{day:02d}",
            "fee": "8500.00",
            "contract_terms": "Cession, défraiements en sus",
        },
    )


async def patch_user(world: dict[str, Any], user_id: int, changes: dict[str, Any]) -> None:
    current = (await world["admin"].get(f"/users/{user_id}")).json()
    r = await world["admin"].patch(f"/users/{user_id}", changes, current["version"])
    assert r.status_code == 200, r.text


async def test_deactivation_closes_the_open_socket_before_anything_else_reaches_it(
    world, people, db
):
    prog = people["programmation"].user
    screen = await open_live(world["b"], token=await token_for(db, prog["id"]))
    await screen.subscribe("w", {"workspace": "programming"})
    await engage(world, 1)
    (first,) = await screen.events(1)
    assert first["after"]["fee"] == "8500.00"
    await patch_user(world, prog["id"], {"is_active": False})
    await engage(world, 2)  # right after: must not reach the closed account
    code, events = await closing_code(screen)
    assert events == [], "a deactivated person's socket received new contracts"
    assert code == 4401


async def test_a_revoked_token_closes_the_socket_it_opened_and_only_that_one(world, people, db):
    technique = people["technique"]
    kept_token = await token_for(db, technique.user["id"])
    revoked_token = await token_for(db, technique.user["id"])
    kept = await open_live(world["b"], token=kept_token)
    doomed = await open_live(world["b"], token=revoked_token)
    for screen in (kept, doomed):
        await screen.subscribe("w", {"workspace": "programming"})
    owner_on_a = Api(world["a"], kept_token)
    listed = (await owner_on_a.get("/auth/tokens")).json()
    [revoked] = [t for t in listed if t["id"] == max(x["id"] for x in listed)]
    assert (await owner_on_a.delete(f"/auth/tokens/{revoked['id']}")).status_code == 204
    await engage(world, 3)
    code, events = await closing_code(doomed)
    assert code == 4401 and events == []
    (event,) = await kept.events(1)  # the other token goes on
    assert event["action"] == "engagement.created" and "fee" not in event["after"]
    await kept.close()
    await owner_on_a.close()


async def test_password_change_and_sign_out_close_the_sockets_of_the_ended_sessions(world):
    async def sign_in(base: str) -> tuple[str, str]:
        async with httpx.AsyncClient(base_url=base + "/api/v1") as client:
            r = await client.post(
                "/auth/sign-in", json={"email": "technique@test.saison", "password": PASSWORD}
            )
            assert r.status_code == 200
            return r.cookies["saison_session"], r.json()["csrf_token"]

    here, here_csrf = await sign_in(world["a"])
    elsewhere, _ = await sign_in(world["a"])
    on_this_laptop = await open_live(world["b"], cookie=here)
    on_a_lost_phone = await open_live(world["b"], cookie=elsewhere)
    async with httpx.AsyncClient(
        base_url=world["a"] + "/api/v1",
        cookies={"saison_session": here},
        headers={"X-CSRF-Token": here_csrf},
    ) as laptop:
        changed = await laptop.post(
            "/auth/password",
            json={"current_password": PASSWORD, "new_password": "un-nouveau-mot-de-passe"},
        )
        assert changed.status_code == 204
        code, _ = await closing_code(on_a_lost_phone)
        assert code == 4401  # the other session ended with the old password
        await on_this_laptop.subscribe("w", {"workspace": "planning"})  # this one goes on
        assert (await laptop.post("/auth/sign-out")).status_code == 204
        code, _ = await closing_code(on_this_laptop)
        assert code == 4401


async def test_moved_to_a_team_without_fees_the_next_engagement_comes_without_its_fee(
    world, people, db
):
    prog = people["programmation"].user
    screen = await open_live(world["b"], token=await token_for(db, prog["id"]))
    await screen.subscribe("w", {"workspace": "programming"})
    await patch_user(world, prog["id"], {"team_ids": [world["teams"]["Communication"]]})
    await engage(world, 4)  # right after the move returned, through the other process
    (event,) = await screen.events(1)
    assert event["after"]["first_day"] == "2026-10-04"
    assert "fee" not in event["after"] and "contract_terms" not in event["after"]
    await screen.close()


async def test_a_personal_permission_change_refilters_at_once(world, people, db):
    """Administration may see fees through its team; a personal 'none' on contracts wins."""
    person = people["administration"].user
    screen = await open_live(world["b"], token=await token_for(db, person["id"]))
    await screen.subscribe("w", {"workspace": "programming"})
    await engage(world, 5)
    assert (await screen.events(1))[0]["after"]["fee"] == "8500.00"
    await world["admin"].create(
        "/permissions", {"area": "contracts", "level": "none", "user_id": person["id"]}
    )
    await engage(world, 6)
    (event,) = await screen.events(1)
    assert event["after"]["first_day"] == "2026-10-06" and "fee" not in event["after"]
    await screen.close()


async def test_a_topic_no_longer_readable_is_dropped_with_a_reason(world, people, db):
    technique = people["technique"].user
    screen = await open_live(world["b"], token=await token_for(db, technique["id"]))
    assert (await screen.subscribe("w", {"workspace": "programming"}))["type"] == "subscribed"
    await patch_user(world, technique["id"], {"team_ids": []})
    dropped = await screen.next("unsubscribed")
    assert dropped["id"] == "w"
    assert dropped["reason"] == "Votre accès en lecture à l’espace « Programmation » a été retiré."
    await engage(world, 7)
    assert await screen.quiet(1.0) == []
    await screen.close()
