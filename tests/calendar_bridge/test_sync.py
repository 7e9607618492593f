"""Sync (RFC 6578): a phone asks what changed since its token and gets exactly that."""

from __future__ import annotations

import re

import httpx

from tests.calendar_bridge.conftest import DavUser
from tests.factories import paris

SYNC = """<d:sync-collection xmlns:d="DAV:"><d:sync-token>{token}</d:sync-token>
<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"""


async def sync(
    app: DavUser, calendar: str, token: str = ""
) -> tuple[dict[str, str], set[str], str]:
    """(href → ETag of changed events, removed hrefs, next token)."""
    r = await app.dav("REPORT", f"{app.home}{calendar}/", SYNC.format(token=token), depth="1")
    assert r.status_code == 207, r.text
    changed, removed = {}, set()
    for block in re.findall(r"<d:response>(.*?)</d:response>", r.text, re.S):
        href = re.search(r"<d:href>(.*?)</d:href>", block).group(1)
        etag = re.search(r"<d:getetag>(.*?)</d:getetag>", block)
        if etag:
            changed[href] = etag.group(1)
        else:
            assert "404 Not Found" in block
            removed.add(href)
    return changed, removed, re.search(r"<d:sync-token>(.*?)</d:sync-token>", r.text).group(1)


async def test_sync_reports_exactly_what_changed(dav_for, stage, admin):
    app = await dav_for("technique")
    room = f"room-{stage['room']['id']}"
    base = f"{app.home}{room}/"
    every, removed, token = await sync(app, room)
    get_in, performance, service = (
        f"{base}activity-{stage[k]['id']}.ics" for k in ("activity", "performance", "service")
    )
    assert set(every) == {get_in, performance, service} and not removed

    nothing, removed, same = await sync(app, room, token)
    assert nothing == {} and not removed and same == token

    # Someone moves the get-in by an hour, and books a meeting in the other room.
    moved = await admin.patch(
        f"/activities/{stage['activity']['id']}",
        {"starts_at": paris("2026-10-05", "10:00")},
        stage["activity"]["version"],
    )
    assert moved.status_code == 200, moved.text
    await admin.create(
        "/activities",
        {
            "kind": "meeting",
            "title": "Ailleurs",
            "room_id": stage["studio"]["id"],
            "starts_at": paris("2026-10-07", "10:00"),
            "ends_at": paris("2026-10-07", "11:00"),
        },
    )
    changed, removed, token2 = await sync(app, room, token)
    assert set(changed) == {get_in} and not removed and token2 != token
    assert changed[get_in] != every[get_in]  # its ETag changed with it …
    again, _, _ = await sync(app, room)
    assert again[performance] == every[performance]  # … and no other did

    # Moved to the other room: gone from this calendar, there in the other one.
    current = (await admin.get(f"/activities/{stage['activity']['id']}")).json()
    await admin.patch(
        f"/activities/{current['id']}", {"room_id": stage["studio"]["id"]}, current["version"]
    )
    changed, removed, token3 = await sync(app, room, token2)
    assert changed == {} and removed == {get_in}
    studio, _, _ = await sync(app, f"room-{stage['studio']['id']}")
    assert f"{app.home}room-{stage['studio']['id']}/activity-{current['id']}.ics" in studio

    # Deleted: reported removed.
    service_row = (await admin.get(f"/activities/{stage['service']['id']}")).json()
    r = await admin.delete(f"/activities/{service_row['id']}", service_row["version"])
    assert r.status_code == 204
    changed, removed, _ = await sync(app, room, token3)
    assert changed == {} and removed == {service}


async def test_what_a_description_shows_changing_changes_the_event(dav_for, stage, admin):
    app = await dav_for("technique")
    before, _, token = await sync(app, "mine")
    organisation = stage["organisation"]
    r = await admin.patch(
        f"/organisations/{organisation['id']}", {"phone": "04 72 00 00 00"}, organisation["version"]
    )
    assert r.status_code == 200
    changed, removed, _ = await sync(app, "mine", token)
    get_in, service = (
        f"{app.home}mine/activity-{stage[k]['id']}.ics" for k in ("activity", "service")
    )
    # Both show the company (the service through its performance).
    assert set(changed) == {get_in, service} and not removed
    assert changed[get_in] != before[get_in] and changed[service] != before[service]
    r = await app.dav("GET", get_in)
    assert "04 72 00 00 00" in r.text

    # A change nobody sees in an event (the fee) tells the calendar nothing.
    engagement = (await admin.get(f"/engagements/{stage['engagement']['id']}")).json()
    await admin.patch(f"/engagements/{engagement['id']}", {"fee": "9000.00"}, engagement["version"])
    _, _, token = await sync(app, "mine")
    nothing, removed, _ = await sync(app, "mine", token)
    assert nothing == {} and not removed


async def test_ctag_and_token_move_with_the_log(dav_for, stage, admin):
    app = await dav_for("technique")
    body = (
        '<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/">'
        "<d:prop><cs:getctag/></d:prop></d:propfind>"
    )
    r = await app.dav("PROPFIND", f"{app.home}mine/", body, depth="0")
    ctag = re.search(r"<cs:getctag>(.*?)</cs:getctag>", r.text).group(1)
    await admin.patch(
        f"/activities/{stage['activity']['id']}", {"title": "Montage"}, stage["activity"]["version"]
    )
    r = await app.dav("PROPFIND", f"{app.home}mine/", body, depth="0")
    assert re.search(r"<cs:getctag>(.*?)</cs:getctag>", r.text).group(1) != ctag


async def test_a_bad_or_foreign_token_asks_for_a_full_sync(dav_for, stage):
    app = await dav_for("technique")
    _, _, token = await sync(app, "mine")
    for bad in ("nonsense", "https://saison.dev/sync/abc-1", token + "0", token + "x"):
        r = await app.dav("REPORT", f"{app.home}mine/", SYNC.format(token=bad), depth="1")
        assert r.status_code == 403, bad
        assert "<d:valid-sync-token" in r.text
    # The same person under other permissions (a narrower app password): reload.
    narrow = await dav_for("technique", scopes={"planning": "read", "technical": "read"})
    r = await narrow.dav("REPORT", f"{narrow.home}mine/", SYNC.format(token=token), depth="1")
    assert r.status_code == 403 and "valid-sync-token" in r.text


async def test_the_caldav_client_syncs(dav_for, stage, admin):
    app = await dav_for("technique")
    calendar = app.calendar("mine")
    first = calendar.objects_by_sync_token(load_objects=True)
    assert {str(o.icalendar_component["SUMMARY"]) for o in first} == {
        "Montage Phèdre",
        "Service Phèdre",
    }
    await admin.patch(
        f"/activities/{stage['activity']['id']}",
        {"title": "Montage Phèdre (décor lourd)"},
        stage["activity"]["version"],
    )
    later = calendar.objects_by_sync_token(first.sync_token, load_objects=True)
    assert [str(o.icalendar_component["SUMMARY"]) for o in later] == [
        "Montage Phèdre (décor lourd)"
    ]


async def test_an_event_an_app_named_is_reported_gone_under_that_name(dav_for, stage, admin):
    app = await dav_for("technique")
    room = f"room-{stage['studio']['id']}"
    body = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:B71C@phone\r\n"
        "DTSTAMP:20261001T080000Z\r\nDTSTART:20261201T130000Z\r\nDTEND:20261201T140000Z\r\n"
        "SUMMARY:Visite technique\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    r = await app.dav("PUT", f"{app.home}{room}/B71C.ics", body, content_type="text/calendar")
    assert r.status_code == 201
    every, _, token = await sync(app, room)
    assert f"{app.home}{room}/B71C.ics" in every
    [made] = (await admin.get("/activities", params={"q": "Visite technique"})).json()["items"]
    assert (await admin.delete(f"/activities/{made['id']}", made["version"])).status_code == 204
    changed, removed, _ = await sync(app, room, token)
    assert changed == {} and removed == {f"{app.home}{room}/B71C.ics"}


def unfolded(response: httpx.Response) -> str:
    return response.text.replace("\r\n ", "")


async def test_erasing_a_contact_reaches_phones_through_the_tokens_they_hold(dav_for, stage, admin):
    """The erasure redacts the history in place: every sync token stays valid, and the next
    sync brings the events that showed the person's phone, now without it."""
    app = await dav_for("technique")
    room = f"room-{stage['room']['id']}"
    _, _, token = await sync(app, room)
    get_in = f"{app.home}{room}/activity-{stage['activity']['id']}.ics"
    assert "+33 6 12 34 56 78" in unfolded(await app.dav("GET", get_in))

    erased = await admin.post(f"/contacts/{stage['contact']['id']}/erase")
    assert erased.status_code == 200, erased.text
    changed, removed, later = await sync(app, room, token)  # the old token still answers
    assert get_in in changed and not removed and later != token
    shown = unfolded(await app.dav("GET", get_in))
    assert "+33 6 12 34 56 78" not in shown and "lea@eclat.fr" not in shown
    assert (await sync(app, room, later))[0] == {}
