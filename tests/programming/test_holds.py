"""A confirmed engagement holds its room and dates: no other show is confirmed over it, and
options placed there queue behind it (or are released, as the venue chooses)."""

from __future__ import annotations

import asyncio

import pytest

from server.settings import Settings
from tests.conftest import Api, serving


@pytest.fixture
async def season(admin):
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle aux Grains"})
    grande = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Grande salle"})
    studio = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Studio"})
    foyer = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Foyer"})
    shows = {}
    for title in ("Phèdre", "Cirque Éphémère", "Bérénice"):
        shows[title] = await admin.create("/shows", {"title": title, "duration_minutes": 100})
    return {"grande": grande, "studio": studio, "foyer": foyer, **shows}


def option(show, room, first, last, **extra):
    return {
        "show_id": show["id"],
        "room_id": room["id"],
        "first_day": first,
        "last_day": last,
        **extra,
    }


async def read(client, engagement):
    return (await client.get(f"/engagements/{engagement['id']}")).json()


async def confirm(client, engagement):
    current = await read(client, engagement)
    return await client.post(
        f"/engagements/{engagement['id']}/confirm",
        headers={"If-Match": f'"v{current["version"]}"'},
    )


async def test_an_option_behind_a_confirmed_engagement_cannot_be_confirmed(people, season):
    prog, s = people["programmation"], season
    phedre = await prog.create(
        "/engagements", option(s["Phèdre"], s["grande"], "2027-03-09", "2027-03-13")
    )
    cirque = await prog.create(
        "/engagements", option(s["Cirque Éphémère"], s["grande"], "2027-03-11", "2027-03-14")
    )
    assert (phedre["option_rank"], cirque["option_rank"]) == (1, 2)

    # The preview says what confirming Phèdre does to the Cirque: it stays, blocked behind.
    plan = (await prog.get(f"/engagements/{phedre['id']}/confirmation")).json()
    assert [e["engagement"]["id"] for e in plan["blocked"]] == [cirque["id"]]
    assert plan["released"] == []
    assert plan["held_by"] is None

    r = await confirm(prog, phedre)
    assert r.status_code == 200, r.text
    behind = await read(prog, cirque)
    assert behind["status"] == "option" and behind["blocked_by_id"] == phedre["id"]
    assert behind["option_rank"] == 1  # first in the queue, behind the confirmed Phèdre
    assert behind["behind"]["show"] == "Phèdre"

    plan = (await prog.get(f"/engagements/{cirque['id']}/confirmation")).json()
    assert plan["held_by"]["engagement_id"] == phedre["id"]
    r = await confirm(prog, cirque)
    assert r.status_code == 409, r.text
    problem = r.json()
    assert "Phèdre" in problem["detail"] and "Grande salle" in problem["detail"]
    assert problem["held_by"]["engagement_id"] == phedre["id"]
    assert (await read(prog, cirque))["status"] == "option"

    # Cancelling Phèdre frees the dates: the Cirque is no longer blocked and can be confirmed.
    current = await read(prog, phedre)
    r = await prog.post(f"/engagements/{phedre['id']}/cancel", {"version": current["version"]})
    assert r.status_code == 200, r.text
    assert (await read(prog, cirque))["blocked_by_id"] is None
    assert (await confirm(prog, cirque)).status_code == 200
    actions = [
        c["action"]
        for c in (
            await prog.get("/changes", params={"entity": "engagement", "entity_id": cirque["id"]})
        ).json()["items"]
    ]
    assert "engagement.blocked" in actions and "engagement.unblocked" in actions


async def test_a_new_option_on_held_dates_queues_behind_and_says_so(people, season):
    prog, s = people["programmation"], season
    held = await prog.create(
        "/engagements",
        option(s["Phèdre"], s["grande"], "2027-03-09", "2027-03-13", status="confirmed"),
    )
    r = await prog.post(
        "/engagements", option(s["Bérénice"], s["grande"], "2027-03-12", "2027-03-16")
    )
    assert r.status_code == 201, r.text
    late = r.json()
    assert late["status"] == "option" and late["blocked_by_id"] == held["id"]
    assert late["behind"]["engagement_id"] == held["id"]
    assert late["behind"]["show"] == "Phèdre"
    assert (late["behind"]["first_day"], late["behind"]["last_day"]) == ("2027-03-09", "2027-03-13")
    # Elsewhere or on other dates, nothing holds it.
    free = await prog.create(
        "/engagements", option(s["Bérénice"], s["grande"], "2027-03-20", "2027-03-21")
    )
    assert free["blocked_by_id"] is None and free.get("behind") is None

    # The dry run of its performances shows the clash instead of "conflicts: []".
    r = await prog.post(f"/engagements/{late['id']}/performances", {"dry_run": True})
    assert r.status_code == 200, r.text
    conflicts = r.json()["conflicts"]
    assert len(conflicts) == 2  # the 12th and the 13th; the 14th–16th are free
    assert {c["with"]["engagement_id"] for c in conflicts} == {held["id"]}
    assert conflicts[0]["with"]["show"] == "Phèdre"

    # Creating a confirmed engagement over it is refused, naming what holds the room.
    r = await prog.post(
        "/engagements",
        option(s["Cirque Éphémère"], s["grande"], "2027-03-13", "2027-03-13", status="confirmed"),
    )
    assert r.status_code == 409, r.text
    assert "Phèdre" in r.json()["detail"]


async def test_linked_rooms_are_held_too(people, season):
    admin, prog, s = people["admin"], people["programmation"], season
    await admin.create(
        "/room-links",
        {"room_id": s["grande"]["id"], "other_room_id": s["foyer"]["id"], "reason": "le son"},
    )
    held = await prog.create(
        "/engagements",
        option(s["Phèdre"], s["grande"], "2027-04-01", "2027-04-03", status="confirmed"),
    )
    in_foyer = await prog.create(
        "/engagements", option(s["Cirque Éphémère"], s["foyer"], "2027-04-03", "2027-04-05")
    )
    assert in_foyer["blocked_by_id"] == held["id"]
    r = await confirm(prog, in_foyer)
    assert r.status_code == 409 and "Phèdre" in r.json()["detail"]
    # The studio is not linked: it is free.
    in_studio = await prog.create(
        "/engagements", option(s["Cirque Éphémère"], s["studio"], "2027-04-01", "2027-04-03")
    )
    assert in_studio["blocked_by_id"] is None
    assert (await confirm(prog, in_studio)).status_code == 200


async def test_the_database_refuses_two_confirmed_engagements_on_the_same_dates(db, people, season):
    """Whatever code path writes, the exclusion constraint has the last word."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    prog, s = people["programmation"], season
    held = await prog.create(
        "/engagements",
        option(s["Phèdre"], s["grande"], "2027-05-03", "2027-05-06", status="confirmed"),
    )
    other = await prog.create(
        "/engagements", option(s["Bérénice"], s["grande"], "2027-05-06", "2027-05-08")
    )
    with pytest.raises(IntegrityError, match="engagement_holds"):
        async with db.engine.begin() as conn:
            await conn.execute(
                text("UPDATE engagements SET status = 'confirmed' WHERE id = :id"),
                {"id": other["id"]},
            )
    assert (await read(prog, held))["status"] == "confirmed"


async def test_two_programmers_confirming_rival_options_at_once_get_one_each(
    in_process, db, people, season
):
    """Two people, two clients, the same instant: one confirmation, one clear refusal."""
    s = season
    prog = people["programmation"]
    for attempt in range(5):
        first = attempt * 6 + 1
        days = (f"2027-06-{first:02d}", f"2027-06-{first + 3:02d}")
        a = await prog.create("/engagements", option(s["Phèdre"], s["studio"], *days))
        b = await prog.create("/engagements", option(s["Bérénice"], s["studio"], *days))
        clients = [Api(in_process, prog.http.headers["authorization"][7:]) for _ in range(2)]
        try:
            answers = await asyncio.gather(
                *(confirm(c, e) for c, e in zip(clients, (a, b), strict=True))
            )
        finally:
            for c in clients:
                await c.close()
        codes = sorted(r.status_code for r in answers)
        assert codes == [200, 409], [r.text for r in answers]


@pytest.fixture(scope="module")
async def releasing(database_url):
    """The same venue's application with other settings: competitors are released when an
    option is confirmed."""
    async with serving(database_url, Settings(confirm_competitors="release")) as served:
        yield served


async def test_a_venue_may_choose_to_release_competitors_instead(releasing, people, season):
    s = season
    prog = Api(releasing, people["programmation"].http.headers["authorization"][7:])
    try:
        phedre = await prog.create(
            "/engagements", option(s["Phèdre"], s["grande"], "2027-09-07", "2027-09-10")
        )
        cirque = await prog.create(
            "/engagements", option(s["Cirque Éphémère"], s["grande"], "2027-09-09", "2027-09-12")
        )
        later = await prog.create(  # behind the Cirque only, which is behind Phèdre
            "/engagements", option(s["Bérénice"], s["grande"], "2027-09-12", "2027-09-14")
        )
        assert later["option_rank"] == 3
        plan = (await prog.get(f"/engagements/{phedre['id']}/confirmation")).json()
        assert [e["id"] for e in plan["released"]] == [cirque["id"]]
        assert plan["blocked"] == []
        assert (await confirm(prog, phedre)).status_code == 200
        assert (await read(prog, cirque))["status"] == "cancelled"
        assert (await read(prog, later))["option_rank"] == 1
        # A new option on held dates is still accepted, behind.
        r = await prog.post(
            "/engagements", option(s["Bérénice"], s["grande"], "2027-09-10", "2027-09-10")
        )
        assert r.status_code == 201 and r.json()["behind"]["engagement_id"] == phedre["id"]
        # An engagement entered as confirmed right away releases them the same way.
        pencilled = await prog.create(
            "/engagements", option(s["Cirque Éphémère"], s["studio"], "2027-09-20", "2027-09-21")
        )
        await prog.create(
            "/engagements",
            option(s["Phèdre"], s["studio"], "2027-09-21", "2027-09-22", status="confirmed"),
        )
        assert (await read(prog, pencilled))["status"] == "cancelled"
    finally:
        await prog.close()


async def test_moving_a_confirmed_engagement_onto_held_dates_is_previewed_and_refused(
    people, season
):
    prog, s = people["programmation"], season
    held = await prog.create(
        "/engagements",
        option(s["Phèdre"], s["studio"], "2027-10-12", "2027-10-14", status="confirmed"),
    )
    mover = await prog.create(
        "/engagements",
        option(s["Bérénice"], s["studio"], "2027-10-05", "2027-10-07", status="confirmed"),
    )
    path = f"/engagements/{mover['id']}/move"
    r = await prog.post(path, {"days": 7, "dry_run": True})
    assert r.status_code == 200, r.text
    assert [c["with"]["engagement_id"] for c in r.json()["conflicts"]] == [held["id"]]
    r = await prog.post(
        path, {"days": 7, "dry_run": False}, headers={"If-Match": f'"v{mover["version"]}"'}
    )
    assert r.status_code == 409 and "Phèdre" in r.json()["detail"]
    assert (await read(prog, mover))["first_day"] == "2027-10-05"
