"""Write-back: a planner creates, moves and deletes activities from their calendar app; the
planning's rules (permissions, no double booking, versions) hold as they do in the API."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from caldav.elements import dav

from tests.calendar_bridge.conftest import events_of
from tests.factories import paris

PARIS = ZoneInfo("Europe/Paris")


def vevent(uid: str, summary: str, start: str, end: str, extra: str = "") -> str:
    """An event as phones write it (times in UTC here; the server keeps the instant)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Test phone//EN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261001T080000Z",
        f"DTSTART:{start}",
        f"DTEND:{end}",
        f"SUMMARY:{summary}",
        *([extra] if extra else []),
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(lines)


async def activities_in(admin, room_id: int) -> list[dict]:
    r = await admin.get("/activities", params={"room_id": room_id, "limit": 1000})
    return r.json()["items"]


async def test_a_planner_creates_moves_and_deletes_from_their_phone(dav_for, stage, admin):
    app = await dav_for("technique")
    calendar = app.calendar(f"room-{stage['studio']['id']}")
    event = calendar.save_event(
        vevent(
            "4F2A-PHONE@example.org",
            "Répétition son",
            "20261110T130000Z",
            "20261110T160000Z",
            "CATEGORIES:Répétition\r\nDESCRIPTION:Avec le régisseur son",
        )
    )
    [made] = [
        a
        for a in await activities_in(admin, stage["studio"]["id"])
        if a["title"] == "Répétition son"
    ]
    assert made["kind"] == "rehearsal" and made["status"] == "confirmed"
    assert made["starts_at"] == "2026-11-10T14:00:00+01:00"
    assert made["notes"] == "Avec le régisseur son"

    # The app finds it where it put it, with the UID it chose, and Saison's details added.
    event.load()
    component = event.icalendar_component
    assert str(component["UID"]) == "4F2A-PHONE@example.org"
    assert "Studio" in str(component["LOCATION"])
    assert str(component["DESCRIPTION"]).startswith("Avec le régisseur son")

    # Moved by an hour (the app sends If-Match with the ETag it holds).
    old_etag = event.get_property(dav.GetEtag())
    component["DTSTART"].dt += timedelta(hours=1)
    component["DTEND"].dt += timedelta(hours=1)
    event.save()
    moved = (await admin.get(f"/activities/{made['id']}")).json()
    assert moved["starts_at"] == "2026-11-10T15:00:00+01:00" and moved["version"] == 2

    # An app holding the old ETag may not overwrite the move.
    r = await app.dav(
        "PUT",
        str(event.url),
        vevent("4F2A-PHONE@example.org", "Répétition son", "20261110T080000Z", "20261110T090000Z"),
        if_match=old_etag,
        content_type="text/calendar",
    )
    assert r.status_code == 412
    assert (await admin.get(f"/activities/{made['id']}")).json()["version"] == 2

    history = (await admin.get(f"/changes/activity/{made['id']}")).json()
    actions = [(c["action"], c["actor"]) for c in history["items"]]
    assert actions[:2] == [("activity.created", "Technique"), ("activity.updated", "Technique")]

    event.load()
    event.delete(if_match=True)
    assert (await admin.get(f"/activities/{made['id']}")).status_code == 404
    titles = {str(e.icalendar_component["SUMMARY"]) for e in calendar.events()}
    assert "Répétition son" not in titles and "Phèdre" in titles


async def test_an_event_made_in_my_schedule_keeps_its_address_and_uid(dav_for, stage, admin):
    app = await dav_for("technique")
    r = await app.dav(
        "PUT",
        f"{app.home}mine/rangement.ics",
        vevent(
            "rangement@example.org", "Rangement atelier", "20261120T080000Z", "20261120T100000Z"
        ),
        if_none_match="*",
        content_type="text/calendar",
    )
    assert r.status_code == 201, r.text
    made = (await admin.get("/activities", params={"q": "Rangement atelier"})).json()["items"]
    assert [(a["assignee_ids"], a["team_id"], a["room_id"], a["kind"]) for a in made] == [
        ([app.user_id], None, None, "other")
    ]
    again = await app.dav(
        "PUT",
        f"{app.home}mine/rangement.ics",
        vevent("rangement@example.org", "Rangement", "20261120T080000Z", "20261120T100000Z"),
        if_none_match="*",
        content_type="text/calendar",
    )
    assert again.status_code == 412  # it exists now
    other = await app.dav(
        "PUT",
        f"{app.home}mine/autre.ics",
        vevent("rangement@example.org", "Doublon", "20261121T080000Z", "20261121T100000Z"),
        content_type="text/calendar",
    )
    assert other.status_code == 403 and "no-uid-conflict" in other.text


async def test_a_room_conflict_is_refused_and_nothing_changes(dav_for, stage, admin):
    app = await dav_for("technique")
    room = f"{app.home}room-{stage['room']['id']}/"
    before = await activities_in(admin, stage["room"]["id"])

    r = await app.dav(
        "PUT",
        f"{room}raccord.ics",
        vevent(
            "raccord@example.org",
            "Raccord lumière",
            "20261006T170000Z",
            "20261006T190000Z",
            "CATEGORIES:Répétition",
        ),
        if_none_match="*",
        content_type="text/calendar",
    )
    assert r.status_code == 409
    assert "<s:room-available" in r.text and "Phèdre" in r.text
    assert await activities_in(admin, stage["room"]["id"]) == before

    # Moving a private hire onto the performance: refused, and it stays where it was.
    hire = await admin.create(
        "/activities",
        {
            "kind": "private_hire",
            "title": "Location entreprise",
            "room_id": stage["room"]["id"],
            "starts_at": paris("2026-10-12", "18:00"),
            "ends_at": paris("2026-10-12", "20:00"),
        },
    )
    before = await activities_in(admin, stage["room"]["id"])
    get_in = f"{room}activity-{hire['id']}.ics"
    current = await app.dav("GET", get_in)
    [component] = events_of(current.content)
    component["DTSTART"].dt = datetime(2026, 10, 6, 19, 0, tzinfo=PARIS)
    component["DTEND"].dt = datetime(2026, 10, 6, 21, 0, tzinfo=PARIS)
    body = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n" + component.to_ical().decode()
    body += "END:VCALENDAR\r\n"
    r = await app.dav(
        "PUT", get_in, body, if_match=current.headers["etag"], content_type="text/calendar"
    )
    assert r.status_code == 409 and "room-available" in r.text
    assert await activities_in(admin, stage["room"]["id"]) == before
    assert (await app.dav("GET", get_in)).headers["etag"] == current.headers["etag"]


async def test_changes_are_refused_where_they_are_not_allowed(dav_for, stage, admin):
    room = f"room-{stage['room']['id']}"
    performance = f"activity-{stage['performance']['id']}.ics"
    new = vevent("x@example.org", "Essai", "20261120T080000Z", "20261120T100000Z")

    reader = await dav_for("communication")  # reads the planning only
    r = await reader.dav("PUT", f"{reader.home}{room}/x.ics", new, content_type="text/calendar")
    assert r.status_code == 403 and "need-privileges" in r.text
    r = await reader.dav("DELETE", f"{reader.home}{room}/activity-{stage['activity']['id']}.ics")
    assert r.status_code == 403

    writer = await dav_for("technique")
    r = await writer.dav(
        "PUT", f"{writer.home}performances/x.ics", new, content_type="text/calendar"
    )
    assert r.status_code == 403
    # Performances belong to Programming: not changed, not deleted from a planner's calendar.
    current = await writer.dav("GET", f"{writer.home}{room}/{performance}")
    moved = current.text.replace("T200000", "T210000").replace("T220000", "T230000")
    r = await writer.dav(
        "PUT", f"{writer.home}{room}/{performance}", moved, content_type="text/calendar"
    )
    assert r.status_code == 403 and "need-privileges" in r.text
    r = await writer.dav("DELETE", f"{writer.home}{room}/{performance}")
    assert r.status_code == 403
    assert (await admin.get(f"/performances/{stage['performance']['id']}")).json()["version"] == 1

    narrow = await dav_for("technique", scopes={"planning": "read", "technical": "read"})
    r = await narrow.dav("PUT", f"{narrow.home}{room}/x.ics", new, content_type="text/calendar")
    assert r.status_code == 403
    r = await narrow.dav("MKCALENDAR", f"{narrow.home}nouveau/")
    assert r.status_code in (403, 404, 405)
    assert len(await activities_in(admin, stage["room"]["id"])) == 3


async def test_malformed_or_unsupported_events_are_explained(dav_for, stage, admin):
    app = await dav_for("technique")
    path = f"{app.home}room-{stage['studio']['id']}/bad.ics"
    cases = [
        ("this is not a calendar", 400, "valid-calendar-data"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VCALENDAR\r\n", 400,
         "valid-calendar-data"),
        (vevent("a@b", "Sans début", "", "20261120T100000Z").replace("DTSTART:\r\n", ""), 400,
         "valid-calendar-data"),
        (vevent("a@b", "Chaque lundi", "20261120T080000Z", "20261120T100000Z",
                "RRULE:FREQ=WEEKLY"), 403, "valid-calendar-object-resource"),
        (vevent("a@b", "À l'envers", "20261120T100000Z", "20261120T080000Z"), 403,
         "valid-calendar-object-resource"),
        (b"\xff\xfe not utf-8", 400, "valid-calendar-data"),
    ]  # fmt: skip
    for body, status, condition in cases:
        r = await app.dav("PUT", path, body, content_type="text/calendar")
        assert r.status_code == status, (body, r.text)
        assert condition in r.text and "<s:message>" in r.text
    assert len(await activities_in(admin, stage["studio"]["id"])) == 2


async def test_a_floating_time_in_the_spring_gap_is_explained_in_the_apps_language(
    dav_for, stage, admin
):
    """A phone writing 02:30 without a zone on 28 March 2027 (Paris skips 02:00–03:00)."""
    app = await dav_for("technique")
    path = f"{app.home}room-{stage['studio']['id']}/gap.ics"
    body = vevent("gap@example.org", "Veille technique", "20270328T023000", "20270328T040000")
    r = await app.dav("PUT", path, body, content_type="text/calendar")
    assert r.status_code == 403 and "valid-calendar-object-resource" in r.text
    assert "n’existe pas" in r.text and "de 2 h 00 à 3 h 00" in r.text
    r = await app.dav("PUT", path, body, content_type="text/calendar", accept_language="en")
    assert "does not exist in the venue's time zone" in r.text
    assert len(await activities_in(admin, stage["studio"]["id"])) == 2
