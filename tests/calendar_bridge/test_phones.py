"""Phones as people use them: what iOS, Android (DAVx⁵) and Thunderbird send, and what a
technician expects to find afterwards. Each case reproduces something a phone did to Saison."""

from __future__ import annotations

import caldav
import httpx
import pytest

from server.processes import start_server
from server.settings import Settings
from tests.calendar_bridge.conftest import events_of
from tests.calendar_bridge.test_discovery import PROPFIND_PRINCIPAL
from tests.calendar_bridge.test_writes import activities_in, vevent
from tests.conftest import free_port

UID_HOST = "127.0.0.1"  # the host of SAISON_PUBLIC_URL in the tests: Saison's own UIDs end so


# -- discovery, ETags and feeds (12) -----------------------------------------------------------
async def test_a_phone_given_only_the_bare_host_finds_the_calendars(dav_for, stage):
    app = await dav_for("technique")
    r = await app.dav("PROPFIND", "/", PROPFIND_PRINCIPAL, depth="0")
    assert r.status_code == 207, r.text
    assert f"<d:href>/dav/principals/{app.user_id}/</d:href>" in r.text
    # The browser still gets its page at the same address.
    assert (await app.http.get("/")).status_code in (200, 503)

    bare = caldav.DAVClient(url=app.server_url + "/", username=app.email, password=app.password)
    assert str(bare.principal().url).endswith(f"/dav/principals/{app.user_id}/")


async def test_a_put_of_what_is_stored_answers_its_etag_and_a_change_does_not(dav_for, stage):
    app = await dav_for("technique")
    path = f"{app.home}room-{stage['studio']['id']}/activity-{stage['meeting']['id']}.ics"
    current = await app.dav("GET", path)
    etag = current.headers["etag"]

    same = await app.dav("PUT", path, current.content, if_match=etag, content_type="text/calendar")
    assert same.status_code == 204
    assert same.headers.get("etag") == etag  # stored as sent: the app may keep its copy

    changed = current.text.replace("SUMMARY:Réunion de saison", "SUMMARY:Réunion de rentrée")
    r = await app.dav("PUT", path, changed, if_match=etag, content_type="text/calendar")
    assert r.status_code == 204
    assert "etag" not in r.headers  # Saison rewrote it (stamps, sequence): the app reads it back
    assert (await app.dav("GET", path)).headers["etag"] != etag


async def test_feeds_answer_head_and_name_their_charset_once(signed_in, server_url, stage):
    me = await signed_in("technique")
    feed = (await me.post("/calendar-feeds", json={"scope": "mine"})).json()
    path = feed["url"].split("8000", 1)[1]
    async with httpx.AsyncClient(base_url=server_url) as http:
        got = await http.get(path)
        head = await http.head(path)
    assert got.headers["content-type"] == "text/calendar; charset=utf-8"
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    assert head.headers["content-type"] == "text/calendar; charset=utf-8"


# -- "Mon planning" (9) ------------------------------------------------------------------------
async def test_an_event_made_in_my_schedule_is_assigned_to_me(dav_for, stage, admin, people):
    for role in ("technique", "admin"):  # the administrator is in no team
        app = await dav_for(role)
        r = await app.dav(
            "PUT",
            f"{app.home}mine/rdv-{role}.ics",
            vevent(f"rdv-{role}@example.org", f"Rendez-vous {role}", "20261120T080000Z",
                   "20261120T090000Z"),
            if_none_match="*",
            content_type="text/calendar",
        )  # fmt: skip
        assert r.status_code == 201, r.text
        [made] = (await admin.get("/activities", params={"q": f"Rendez-vous {role}"})).json()[
            "items"
        ]
        assert made["assignee_ids"] == [people[role].user["id"]]
        assert made["team_id"] is None
        served = await app.dav("GET", f"{app.home}mine/")
        titles = {str(e["SUMMARY"]) for e in events_of(served.content)}
        assert f"Rendez-vous {role}" in titles


# -- a room calendar books the room (7) --------------------------------------------------------
async def test_an_event_put_in_a_room_calendar_books_the_room(dav_for, stage, admin):
    """Phones cannot set a category: such an event is of the venue's default kind, which
    blocks the room, so it cannot overlap the get-in."""
    app = await dav_for("technique")
    room = stage["room"]["id"]
    before = await activities_in(admin, room)
    r = await app.dav(
        "PUT",
        f"{app.home}room-{room}/calage.ics",
        vevent("calage@example.org", "Calage", "20261005T100000Z", "20261005T120000Z"),
        if_none_match="*",
        content_type="text/calendar",
    )
    assert r.status_code == 409, r.text
    assert "room-available" in r.text and "Montage Phèdre" in r.text
    assert await activities_in(admin, room) == before

    calendar = app.calendar(f"room-{room}")
    calendar.save_event(
        vevent("calage@example.org", "Calage", "20261004T100000Z", "20261004T120000Z")
    )
    [made] = [a for a in await activities_in(admin, room) if a["title"] == "Calage"]
    assert made["kind"] == "technical_service"
    kinds = (await admin.get("/activity-kinds")).json()
    assert {k["kind"]: k["blocks_room"] for k in kinds}["technical_service"] is True

    # A category naming a kind is still the phone's choice (a meeting does not block).
    r = await app.dav(
        "PUT",
        f"{app.home}room-{room}/point.ics",
        vevent("point@example.org", "Point technique", "20261005T100000Z", "20261005T110000Z",
               "CATEGORIES:Réunion"),
        content_type="text/calendar",
    )  # fmt: skip
    assert r.status_code == 201, r.text


@pytest.fixture(scope="module")
def rehearsing_server(database_url):
    """A second server process of the same venue, whose room calendars default to rehearsals."""
    port = free_port()
    process = start_server(database_url, port, env={"SAISON_CALENDAR_ROOM_KIND": "rehearsal"})
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


async def test_the_kind_of_room_calendar_events_is_the_venues_choice(
    rehearsing_server, dav_for, stage, admin, monkeypatch
):
    app = await dav_for("technique")
    async with httpx.AsyncClient(
        base_url=rehearsing_server, auth=(app.email, app.password), timeout=30
    ) as http:
        r = await http.put(
            f"{app.home}room-{stage['studio']['id']}/filage.ics",
            content=vevent("filage@example.org", "Filage", "20261104T130000Z", "20261104T170000Z"),
            headers={"Content-Type": "text/calendar"},
        )
    assert r.status_code == 201, r.text
    [made] = [
        a for a in await activities_in(admin, stage["studio"]["id"]) if a["title"] == "Filage"
    ]
    assert made["kind"] == "rehearsal"

    monkeypatch.setenv("SAISON_CALENDAR_ROOM_KIND", "performance")  # Programming's, never this
    with pytest.raises(ValueError, match="SAISON_CALENDAR_ROOM_KIND"):
        Settings.from_env()
