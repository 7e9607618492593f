"""The one change log: every mutation appends a row, in commit order, and none is ever changed."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError


async def feed(client, **params):
    r = await client.get("/changes", params={"limit": 5000, **params})
    assert r.status_code == 200, r.text
    return r.json()


async def test_changes_since_a_sequence_come_in_order_with_what_changed_and_who(people):
    admin, prog = people["admin"], people["programmation"]
    start = (await feed(admin))["next_since"]

    org = await admin.create("/organisations", {"name": "Compagnie Éclat"})
    show = await prog.create("/shows", {"title": "Phèdre", "company_id": org["id"]})
    await prog.patch(f"/shows/{show['id']}", {"title": "Phèdre", "genre": "tragédie"}, version=1)
    await admin.patch(f"/organisations/{org['id']}", {"city": "Lyon", "name": "Éclat"}, version=1)
    await prog.delete(f"/shows/{show['id']}", version=2)

    page = await feed(admin, since=start)
    items = page["items"]
    assert [(c["entity"], c["entity_id"], c["action"]) for c in items] == [
        ("organisation", org["id"], "organisation.created"),
        ("show", show["id"], "show.created"),
        ("show", show["id"], "show.updated"),
        ("organisation", org["id"], "organisation.updated"),
        ("show", show["id"], "show.deleted"),
    ]
    seqs = [c["seq"] for c in items]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs) and seqs[0] > start
    assert page["next_since"] == seqs[-1]

    assert [c["actor_id"] for c in items] == [
        admin.user["id"],
        prog.user["id"],
        prog.user["id"],
        admin.user["id"],
        prog.user["id"],
    ]
    assert items[1]["actor"] == "Programmation"
    assert [c["workspace"] for c in items] == [
        "directory",
        "programming",
        "programming",
        "directory",
        "programming",
    ]
    # Only the fields that changed, from what to what.
    assert items[2]["before"] == {"genre": None}
    assert items[2]["after"] == {"genre": "tragédie"}
    assert items[3]["before"] == {"city": None, "name": "Compagnie Éclat"}
    assert items[3]["after"] == {"city": "Lyon", "name": "Éclat"}
    # The deletion keeps the last state of the record.
    assert items[4]["before"]["title"] == "Phèdre" and items[4]["before"]["genre"] == "tragédie"
    assert items[4]["after"] is None
    assert items[1]["refs"] is None or isinstance(items[1]["refs"], dict)

    assert (await feed(admin, since=page["next_since"]))["items"] == []


async def test_the_feed_can_be_read_in_pages_without_gaps(admin):
    start = (await feed(admin))["next_since"]
    for i in range(7):
        await admin.create("/contacts", {"first_name": "Personne", "last_name": f"N{i}"})
    seen, since = [], start
    while True:
        page = await feed(admin, since=since, limit=3)
        if not page["items"]:
            break
        assert len(page["items"]) <= 3
        seen += [c["entity_id"] for c in page["items"]]
        since = page["next_since"]
    assert len(seen) == 7 and len(set(seen)) == 7


async def test_the_feed_filters_by_entity_record_and_workspace(admin, season):
    room = season["room"]
    await admin.patch(f"/rooms/{room['id']}", {"capacity": 650}, version=1)

    rooms = (await feed(admin, entity="room"))["items"]
    assert {c["entity"] for c in rooms} == {"room"} and len(rooms) == 3  # 2 created, 1 updated
    one = (await feed(admin, entity="room", entity_id=room["id"]))["items"]
    assert [c["action"] for c in one] == ["room.created", "room.updated"]
    technical = (await feed(admin, workspace="technical"))["items"]
    assert {c["workspace"] for c in technical} == {"technical"}
    assert {c["entity"] for c in technical} >= {"venue", "room", "room_configuration"}


async def test_the_feed_can_be_bounded_in_time(admin, season):
    everything = (await feed(admin))["items"]
    last = everything[-1]["at"]
    assert (await feed(admin, start=last))["items"][0]["seq"] == everything[-1]["seq"]
    assert (await feed(admin, end=everything[0]["at"]))["items"] == []


async def test_refused_writes_leave_no_trace(people, season):
    admin = people["admin"]
    start = (await feed(admin))["next_since"]
    await admin.post("/rooms", {"venue_id": 987654, "name": "Fantôme"})  # 422
    await admin.patch(f"/rooms/{season['room']['id']}", {"capacity": 1}, version=9)  # 412
    await people["communication"].post("/shows", {"title": "Interdit"})  # 403
    await admin.post(
        "/activities",
        {
            "kind": "rehearsal",
            "title": "Doublon",
            "room_id": season["room"]["id"],
            "starts_at": season["activity"]["starts_at"],
            "ends_at": season["activity"]["ends_at"],
        },
    )  # 409: the room is taken
    assert (await feed(admin, since=start))["items"] == []


async def test_each_person_sees_only_the_workspaces_they_may_read(people, season):
    rp = (await feed(people["rp"]))["items"]
    assert {c["workspace"] for c in rp} == {"directory", "technical", "programming", "planning"}
    admin = (await feed(people["admin"]))["items"]
    assert "administration" in {c["workspace"] for c in admin}


async def test_feed_parameters_are_checked(admin):
    for params in ({"since": -1}, {"limit": 0}, {"limit": 5001}, {"start": "demain"}):
        r = await admin.get("/changes", params=params)
        assert r.status_code == 422, params
        assert r.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE change_log SET actor = 'quelqu''un d''autre'",
        "UPDATE change_log SET after = NULL WHERE seq = (SELECT max(seq) FROM change_log)",
        "DELETE FROM change_log",
        "DELETE FROM change_log WHERE seq = (SELECT min(seq) FROM change_log)",
        "TRUNCATE change_log",
    ],
)
async def test_the_change_log_is_append_only_in_the_database(db, admin, season, statement):
    before = (await feed(admin))["items"]
    with pytest.raises(DBAPIError):
        async with db.engine.begin() as conn:
            await conn.execute(text(statement))
    assert (await feed(admin))["items"] == before


async def test_the_change_log_still_accepts_new_rows(db, admin):
    async with db.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO change_log (actor, workspace, entity, action) "
                "VALUES ('test', 'directory', 'note', 'note.created')"
            )
        )
    assert (await feed(admin, entity="note"))["items"][0]["action"] == "note.created"
