"""The changes feed as integrations follow it: since an instant, by kinds and workspaces,
deletions as tombstones, and pages that neither skip nor repeat while others write."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


async def feed(client, **params):
    r = await client.get("/changes", params={"limit": 5000, **params})
    assert r.status_code == 200, r.text
    return r.json()


async def test_what_changed_in_the_last_hour_in_venue_time_with_a_cursor_to_go_on(admin):
    org = await admin.create("/organisations", {"name": "Compagnie Éclat"})
    hour_ago = (datetime.now(PARIS) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page = await feed(admin, updated_since=hour_ago)  # no offset: the venue's clock
    assert ("organisation.created", org["id"]) in [
        (c["action"], c["entity_id"]) for c in page["items"]
    ]
    assert all(
        datetime.fromisoformat(c["at"]).utcoffset() in {timedelta(hours=1), timedelta(hours=2)}
        for c in page["items"]
    )
    # Nothing later yet; the cursor then gives exactly what comes next.
    await admin.patch(f"/organisations/{org['id']}", {"city": "Lyon"}, version=1)
    later = await feed(admin, since=page["next_since"])
    assert [c["action"] for c in later["items"]] == ["organisation.updated"]
    in_an_hour = (datetime.now(PARIS) + timedelta(hours=1)).isoformat()
    nothing = await feed(admin, updated_since=in_an_hour)
    # Nothing yet, and a cursor at the end of the log: going on from it is not starting over.
    assert nothing["items"] == [] and nothing["next_since"] == later["next_since"]
    assert (await feed(admin, since=nothing["next_since"]))["items"] == []
    bad = await admin.get("/changes", params={"updated_since": "hier"})
    assert bad.status_code == 422 and "updated_since" in bad.text


async def test_several_kinds_and_workspaces_at_once(admin, season):
    kinds = ["show", "room"]
    repeated = await feed(admin, entity=kinds)
    commas = await feed(admin, entity="show,room")
    assert repeated["items"] == commas["items"]
    assert {c["entity"] for c in repeated["items"]} == {"show", "room"}
    areas = await feed(admin, workspace=["technical", "directory"])
    assert {c["workspace"] for c in areas["items"]} == {"technical", "directory"}
    # What the filters leave out is passed over once: the cursor goes to the log's end.
    everything = await feed(admin)
    assert repeated["next_since"] == everything["next_since"] == everything["items"][-1]["seq"]
    shows = (await feed(admin, entity="show", limit=1))["items"]
    assert len(shows) == 1 and shows[0]["entity"] == "show"


async def test_a_deletion_is_a_tombstone_showing_only_what_the_reader_may_see(people, season):
    admin, communication = people["admin"], people["communication"]
    engagement = await admin.create(
        "/engagements",
        {
            "show_id": season["show"]["id"],
            "room_id": season["studio"]["id"],
            "first_day": "2027-01-12",
            "last_day": "2027-01-13",
            "fee": "4200.00",
        },
    )
    start = (await feed(admin))["next_since"]
    r = await admin.delete(f"/engagements/{engagement['id']}", version=engagement["version"])
    assert r.status_code == 204, r.text

    (seen_by_admin,) = (await feed(admin, since=start))["items"]
    assert seen_by_admin["deleted"] is True and seen_by_admin["after"] is None
    assert (seen_by_admin["entity"], seen_by_admin["entity_id"]) == ("engagement", engagement["id"])
    assert seen_by_admin["before"]["fee"] == "4200.00"

    (tombstone,) = (await feed(communication, since=start))["items"]  # reads no contracts
    assert tombstone["deleted"] is True
    assert (tombstone["entity"], tombstone["entity_id"]) == ("engagement", engagement["id"])
    assert "fee" not in tombstone["before"] and "4200" not in str(tombstone)
    creations = (await feed(admin, entity="engagement"))["items"]
    assert not any(c["deleted"] for c in creations if c["action"] != "engagement.deleted")


async def test_pages_read_while_others_write_neither_skip_nor_repeat_a_change(people):
    admin = people["admin"]
    writers = [people["admin"], people["programmation"], people["rp"]]
    start = (await feed(admin))["next_since"]
    done = asyncio.Event()

    async def write(client, n: int) -> None:
        for i in range(n):
            await client.create("/contacts", {"first_name": "Personne", "last_name": f"N{i}"})

    async def read() -> list[int]:
        seen, since = [], start
        while True:
            finished = done.is_set()  # read once more after the writers stop
            page = await feed(admin, since=since, limit=3)
            seen += [c["seq"] for c in page["items"]]
            since = page["next_since"]
            if finished and not page["items"]:
                return seen
            await asyncio.sleep(0)

    reader = asyncio.create_task(read())
    await asyncio.gather(*(write(client, 15) for client in writers))
    done.set()
    seen = await reader
    everything = [c["seq"] for c in (await feed(admin, since=start))["items"]]
    assert len(everything) == 45
    assert seen == everything  # each once, in order, none missed
