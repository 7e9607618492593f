"""Programmers working at the same moment get answers, not errors: one confirmation wins and the
others are told who holds the room; ranks stay distinct and gapless."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from tests.conftest import Api


@pytest.fixture
async def room(admin):
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle aux Grains"})
    return await admin.create("/rooms", {"venue_id": venue["id"], "name": "Grande salle"})


async def shows(admin, count):
    return [
        await admin.create("/shows", {"title": f"Spectacle {n + 1}", "duration_minutes": 90})
        for n in range(count)
    ]


def clients(in_process, person, count):
    """``count`` separate HTTP clients (own connections) signed in as the same person."""
    token = person.http.headers["authorization"][len("Bearer ") :]
    return [Api(in_process, token) for _ in range(count)]


async def gather_with(many, calls):
    try:
        return await asyncio.gather(*calls)
    finally:
        for client in many:
            await client.close()


async def ranks(client, room_id, first, last):
    r = await client.get(
        "/engagements/competing", params={"room_id": room_id, "first_day": first, "last_day": last}
    )
    return [e["option_rank"] for e in r.json()]


async def test_fifty_simultaneous_confirmations_give_one_200_and_clean_409s(
    in_process, people, room
):
    admin, prog = people["admin"], people["programmation"]
    rivals = await shows(admin, 50)
    options = []
    for show in rivals:
        options.append(
            await prog.create(
                "/engagements",
                {
                    "show_id": show["id"],
                    "room_id": room["id"],
                    "first_day": "2027-03-09",
                    "last_day": "2027-03-13",
                },
            )
        )
    assert [o["option_rank"] for o in options] == list(range(1, 51))
    many = clients(in_process, prog, 50)

    async def confirm(client: Api, option: dict[str, Any]) -> Any:
        return await client.post(
            f"/engagements/{option['id']}/confirm",
            headers={"If-Match": f'"v{option["version"]}"'},
        )

    answers = await gather_with(many, [confirm(c, o) for c, o in zip(many, options, strict=True)])
    codes = Counter(r.status_code for r in answers)
    print(f"50 confirmations: {dict(codes)}")
    assert codes == {200: 1, 409: 49}, [r.text for r in answers if r.status_code != 409][:3]
    winner = next(r.json() for r in answers if r.status_code == 200)
    title = next(s["title"] for s in rivals if s["id"] == winner["show_id"])
    for refused in (r for r in answers if r.status_code == 409):
        problem = refused.json()
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert title in problem["detail"], problem
    # The 49 others stay options, blocked behind the winner, ranked 1…49.
    assert await ranks(prog, room["id"], "2027-03-09", "2027-03-13") == list(range(1, 50))


async def test_thirty_options_created_at_once_get_distinct_gapless_ranks(in_process, people, room):
    admin, prog = people["admin"], people["programmation"]
    rivals = await shows(admin, 30)
    many = clients(in_process, prog, 30)
    answers = await gather_with(
        many,
        [
            c.post(
                "/engagements",
                {
                    "show_id": show["id"],
                    "room_id": room["id"],
                    "first_day": "2027-04-06",
                    "last_day": "2027-04-10",
                },
            )
            for c, show in zip(many, rivals, strict=True)
        ],
    )
    assert [r.status_code for r in answers] == [201] * 30, [r.text for r in answers][:3]
    got = sorted(r.json()["option_rank"] for r in answers)
    print(f"30 simultaneous options: {len(set(got))} distinct ranks")
    assert got == list(range(1, 31))

    # Releases and cancellations, some at the same moment, keep the queue gapless.
    by_rank = {r.json()["option_rank"]: r.json() for r in answers}
    leaving = [by_rank[n] for n in (1, 7, 8, 15, 30)]
    many = clients(in_process, prog, len(leaving))
    steps = ["release", "cancel", "release", "cancel", "release"]
    answers = await gather_with(
        many,
        [
            c.post(f"/engagements/{e['id']}/{step}", {"version": e["version"]})
            for c, e, step in zip(many, leaving, steps, strict=True)
        ],
    )
    # A promotion changes an option's version: one released on an old copy gets a clean 412,
    # and goes through once reloaded.
    assert {r.status_code for r in answers} <= {200, 412}, [r.text for r in answers]
    for e, step, r in zip(leaving, steps, answers, strict=True):
        if r.status_code == 412:
            current = (await prog.get(f"/engagements/{e['id']}")).json()
            retry = await prog.post(
                f"/engagements/{e['id']}/{step}", {"version": current["version"]}
            )
            assert retry.status_code == 200, retry.text
    assert await ranks(prog, room["id"], "2027-04-06", "2027-04-10") == list(range(1, 26))
    # The order is kept: the former 2nd is now 1st, the former 9th is 6th.
    assert (await prog.get(f"/engagements/{by_rank[2]['id']}")).json()["option_rank"] == 1
    assert (await prog.get(f"/engagements/{by_rank[9]['id']}")).json()["option_rank"] == 6


async def test_ranks_follow_overlaps_and_close_up_when_an_option_leaves(people, room):
    admin, prog = people["admin"], people["programmation"]
    a, b, c, d = await shows(admin, 4)

    async def pencil(show, first, last, **extra):
        return await prog.create(
            "/engagements",
            {
                "show_id": show["id"],
                "room_id": room["id"],
                "first_day": first,
                "last_day": last,
                **extra,
            },
        )

    first = await pencil(a, "2027-05-03", "2027-05-07")
    second = await pencil(b, "2027-05-06", "2027-05-10")  # behind the first on the 6th–7th
    third = await pencil(c, "2027-05-10", "2027-05-12")  # behind the second on the 10th
    assert (first["option_rank"], second["option_rank"], third["option_rank"]) == (1, 2, 3)
    # Someone asks to be first on the 5th: placed 1st, the others move back one.
    jumped = await pencil(d, "2027-05-05", "2027-05-05", option_rank=1)
    assert jumped["option_rank"] == 1
    now = {
        e["id"]: e["option_rank"]
        for e in (await prog.get("/engagements", params={"room_id": room["id"]})).json()["items"]
    }
    assert now == {first["id"]: 2, second["id"]: 3, third["id"]: 4, jumped["id"]: 1}
    # The second leaves: the third, queued only behind it, is now 1st on the 10th–12th.
    current = (await prog.get(f"/engagements/{second['id']}")).json()
    r = await prog.post(f"/engagements/{second['id']}/release", {"version": current["version"]})
    assert r.status_code == 200, r.text
    assert (await prog.get(f"/engagements/{third['id']}")).json()["option_rank"] == 1
    assert (await prog.get(f"/engagements/{first['id']}")).json()["option_rank"] == 2
    # Deleting an option (a mistake, deleted by an administrator) closes the queue up too.
    current = (await prog.get(f"/engagements/{jumped['id']}")).json()
    assert (
        await admin.delete(f"/engagements/{jumped['id']}", current["version"])
    ).status_code == 204
    assert (await prog.get(f"/engagements/{first['id']}")).json()["option_rank"] == 1
