"""Idempotency-Key: a retried or double-clicked POST gets the first answer and changes nothing."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import text

from tests.conftest import Api
from tests.factories import PASSWORD


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


async def total(client, path, **params):
    return (await client.get(path, params=params)).json()["total"]


async def test_a_retry_gets_the_first_answer_and_creates_nothing(people):
    prog = people["programmation"]
    headers = key()
    first = await prog.post("/shows", {"title": "Phèdre"}, headers=headers)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = await prog.post("/shows", {"title": "Phèdre"}, headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    assert await total(prog, "/shows") == 1
    created = (await prog.get("/changes", params={"entity": "show"})).json()["items"]
    assert [c["action"] for c in created] == ["show.created"]

    # Without a key, each POST is a new request (as before).
    assert (await prog.post("/shows", {"title": "Phèdre"})).status_code == 201
    assert await total(prog, "/shows") == 2


async def test_the_same_key_for_another_request_is_refused(people):
    prog = people["programmation"]
    headers = key()
    assert (await prog.post("/shows", {"title": "Phèdre"}, headers=headers)).status_code == 201
    other = await prog.post("/shows", {"title": "Bérénice"}, headers=headers)
    assert other.status_code == 422
    assert other.headers["content-type"].startswith("application/problem+json")
    problem = other.json()
    assert problem["type"].endswith("/idempotency-key-reused")
    assert "Idempotency-Key" in problem["detail"]
    elsewhere = await prog.post("/organisations", {"name": "Phèdre"}, headers=headers)
    assert elsewhere.status_code == 422
    assert await total(prog, "/shows") == 1
    assert await total(prog, "/organisations") == 0
    english = await prog.post(
        "/shows", {"title": "Andromaque"}, headers={**headers, "Accept-Language": "en"}
    )
    assert "already used for another request" in english.json()["detail"]
    too_long = await prog.post("/shows", {"title": "X"}, headers={"Idempotency-Key": "k" * 300})
    assert too_long.status_code == 422


async def test_keys_belong_to_each_person(people):
    prog, admin = people["programmation"], people["admin"]
    headers = key()
    mine = await prog.post("/shows", {"title": "Phèdre"}, headers=headers)
    theirs = await admin.post("/shows", {"title": "Phèdre"}, headers=headers)
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    assert "idempotent-replayed" not in theirs.headers


async def test_twenty_simultaneous_requests_with_one_key_create_once(in_process, people):
    prog = people["programmation"]
    token = prog.http.headers["authorization"][len("Bearer ") :]
    clients = [Api(in_process, token) for _ in range(20)]
    headers = key()
    try:
        answers = await asyncio.gather(
            *(c.post("/shows", {"title": "Phèdre"}, headers=headers) for c in clients)
        )
    finally:
        for c in clients:
            await c.close()
    assert [r.status_code for r in answers] == [201] * 20, [r.text for r in answers][:2]
    assert {r.json()["id"] for r in answers} == {answers[0].json()["id"]}
    replayed = [r for r in answers if r.headers.get("idempotent-replayed") == "true"]
    print(f"20 requests, one key: {20 - len(replayed)} executed, {len(replayed)} replayed")
    assert len(replayed) == 19
    assert await total(prog, "/shows") == 1


async def test_workflow_steps_replay_too(people, season):
    prog = people["programmation"]
    s = season
    option = await prog.create(
        "/engagements",
        {
            "show_id": s["show"]["id"],
            "room_id": s["studio"]["id"],
            "first_day": "2027-01-12",
            "last_day": "2027-01-14",
        },
    )
    headers = key()
    body = {"targets": [{"first_day": "2027-02-02", "last_day": "2027-02-04"}]}
    path = f"/engagements/{option['id']}/duplicate"
    first = await prog.post(path, body, headers=headers)
    again = await prog.post(path, body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert await total(prog, "/engagements", show_id=s["show"]["id"]) == 3  # with the season's

    confirm = {**key(), "If-Match": f'"v{option["version"]}"'}
    path = f"/engagements/{option['id']}/confirm"
    first = await prog.post(path, headers=confirm)
    assert first.status_code == 200, first.text
    again = await prog.post(path, headers=confirm)  # not "already confirmed": the same answer
    assert again.status_code == 200 and again.json() == first.json()


async def test_a_token_created_twice_is_one_token_and_its_secret_is_not_stored(
    db, in_process, people
):
    async with in_process.client("/api/v1") as me:
        r = await me.post(
            "/auth/sign-in", json={"email": "programmation@test.saison", "password": PASSWORD}
        )
        me.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        headers = key()
        body = {"name": "Script billetterie", "scopes": {"programming": "read"}}
        first = await me.post("/auth/tokens", json=body, headers=headers)
        again = await me.post("/auth/tokens", json=body, headers=headers)
        assert (first.status_code, again.status_code) == (201, 201), first.text
        assert again.json()["secret"] == first.json()["secret"]
        names = [t["name"] for t in (await me.get("/auth/tokens")).json()]
        assert names.count("Script billetterie") == 1
    async with db.engine.connect() as conn:
        stored = (await conn.execute(text("SELECT response FROM idempotent_requests"))).all()
    secret = first.json()["secret"].encode()
    assert stored and all(secret not in bytes(row.response) for row in stored)
    assert all(headers["Idempotency-Key"].encode() not in bytes(row.response) for row in stored)


async def test_answers_are_kept_a_day_then_forgotten(db, people):
    prog = people["programmation"]
    headers = key()
    await prog.post("/shows", {"title": "Phèdre"}, headers=headers)
    async with db.engine.begin() as conn:
        kept = (
            await conn.execute(text("SELECT expires_at - created_at FROM idempotent_requests"))
        ).scalar_one()
        assert kept.total_seconds() >= 24 * 3600
        await conn.execute(
            text("UPDATE idempotent_requests SET expires_at = now() - interval '1 second'")
        )
    # Expired: the key is free again, and the request runs anew.
    again = await prog.post("/shows", {"title": "Phèdre"}, headers=headers)
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
    assert await total(prog, "/shows") == 2

    from server.core.idempotency import IdempotencyStore

    store = IdempotencyStore(db.url, 24)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(
                text("UPDATE idempotent_requests SET expires_at = now() - interval '1 second'")
            )
        assert await store.purge() == 1
    finally:
        await store.dispose()


async def test_a_refused_request_is_replayed_as_refused(people):
    prog = people["programmation"]
    headers = key()
    bad = await prog.post("/shows", {"title": ""}, headers=headers)
    assert bad.status_code == 422
    again = await prog.post("/shows", {"title": ""}, headers=headers)
    assert again.status_code == 422 and again.headers["idempotent-replayed"] == "true"
