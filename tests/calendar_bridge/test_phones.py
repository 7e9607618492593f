"""Phones as people use them: what iOS, Android (DAVx⁵) and Thunderbird send, and what a
technician expects to find afterwards. Each case reproduces something a phone did to Saison."""

from __future__ import annotations

import caldav
import pytest

from server.settings import Settings
from tests.calendar_bridge.conftest import events_of
from tests.calendar_bridge.test_discovery import PROPFIND_PRINCIPAL
from tests.calendar_bridge.test_writes import activities_in, vevent
from tests.conftest import serving

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


async def test_feeds_answer_head_and_name_their_charset_once(signed_in, in_process, stage):
    me = await signed_in("technique")
    feed = (await me.post("/calendar-feeds", json={"scope": "mine"})).json()
    path = feed["url"].split("8000", 1)[1]
    async with in_process.client() as http:
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
async def rehearsing(database_url):
    """The same venue's application with other settings: room calendars default to rehearsals."""
    async with serving(database_url, Settings(calendar_room_kind="rehearsal")) as served:
        yield served


async def test_the_kind_of_room_calendar_events_is_the_venues_choice(
    rehearsing, dav_for, stage, admin, monkeypatch
):
    app = await dav_for("technique")
    async with rehearsing.client(auth=(app.email, app.password)) as http:
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


# -- moving an event to another calendar (8) ---------------------------------------------------
async def test_a_phone_moves_an_event_to_another_room_and_the_delete_that_follows_keeps_it(
    dav_for, stage, admin
):
    """iOS and Android: PUT to the new calendar with the same UID, then DELETE the old copy."""
    app = await dav_for("technique")
    studio, grande = stage["studio"]["id"], stage["room"]["id"]
    event = app.calendar(f"room-{studio}").save_event(
        vevent("5E1A-MOVE@example.org", "Essai son", "20261110T130000Z", "20261110T150000Z")
    )
    [made] = [a for a in await activities_in(admin, studio) if a["title"] == "Essai son"]

    moved = event.copy(keep_uid=True, new_parent=app.calendar(f"room-{grande}"))
    moved.save()
    event.delete()  # what the phone does next, with the old address

    now = (await admin.get(f"/activities/{made['id']}")).json()
    assert now["room_id"] == grande and now["title"] == "Essai son"  # the same activity, moved
    assert [a["id"] for a in await activities_in(admin, grande) if a["title"] == "Essai son"] == [
        made["id"]
    ]
    assert [a for a in await activities_in(admin, studio) if a["title"] == "Essai son"] == []
    moved.load()
    assert str(moved.icalendar_component["UID"]) == "5E1A-MOVE@example.org"
    assert "Grande salle" in str(moved.icalendar_component["LOCATION"])
    history = (await admin.get(f"/changes/activity/{made['id']}")).json()["items"]
    assert [c["action"] for c in history] == ["activity.created", "activity.updated"]


async def test_an_event_made_in_saison_moves_between_room_team_and_my_schedule(
    dav_for, stage, admin, teams
):
    app = await dav_for("technique")
    meeting = stage["meeting"]  # "Réunion de saison", in the studio, made in Saison
    name = f"activity-{meeting['id']}.ics"
    old = f"{app.home}room-{stage['studio']['id']}/{name}"
    current = await app.dav("GET", old)

    # To the Grande salle, under the same name (what iOS does), then the old copy deleted.
    r = await app.dav(
        "PUT",
        f"{app.home}room-{stage['room']['id']}/{name}",
        current.content,
        if_none_match="*",
        content_type="text/calendar",
    )
    assert r.status_code == 201, r.text
    r = await app.dav("DELETE", old, if_match=current.headers["etag"])
    assert r.status_code == 204
    now = (await admin.get(f"/activities/{meeting['id']}")).json()
    assert now["room_id"] == stage["room"]["id"]

    # To "my schedule" with WebDAV MOVE (Thunderbird, DAVx⁵): assigned to me, room kept.
    source = f"{app.home}room-{stage['room']['id']}/{name}"
    r = await app.dav(
        "MOVE", source, destination=f"{app.origin}{app.home}mine/reunion.ics", overwrite="F"
    )
    assert r.status_code == 201, r.text
    now = (await admin.get(f"/activities/{meeting['id']}")).json()
    assert now["assignee_ids"] == [app.user_id] and now["room_id"] == stage["room"]["id"]
    assert (await app.dav("GET", f"{app.home}mine/reunion.ics")).status_code == 200

    # From "my schedule" to the team's calendar: no longer mine, the team's.
    r = await app.dav(
        "MOVE",
        f"{app.home}mine/reunion.ics",
        destination=f"{app.home}team-{teams['Technique']}/reunion.ics",
    )
    assert r.status_code == 201, r.text
    now = (await admin.get(f"/activities/{meeting['id']}")).json()
    assert now["assignee_ids"] == [] and now["team_id"] == teams["Technique"]
    # Every other device is told the old names are gone.
    assert (await app.dav("GET", old)).status_code == 404


async def test_a_move_onto_a_booked_room_is_refused_and_nothing_changes(dav_for, stage, admin):
    app = await dav_for("technique")
    hire = await admin.create(
        "/activities",
        {
            "kind": "private_hire",
            "title": "Location entreprise",
            "room_id": stage["studio"]["id"],
            "starts_at": "2026-10-05T10:00:00",
            "ends_at": "2026-10-05T12:00:00",
        },
    )
    name = f"activity-{hire['id']}.ics"
    current = await app.dav("GET", f"{app.home}room-{stage['studio']['id']}/{name}")
    r = await app.dav(
        "PUT",
        f"{app.home}room-{stage['room']['id']}/{name}",
        current.content,
        content_type="text/calendar",
    )
    assert r.status_code == 409 and "Montage Phèdre" in r.text
    r = await app.dav(
        "MOVE",
        f"{app.home}room-{stage['studio']['id']}/{name}",
        destination=f"{app.home}room-{stage['room']['id']}/{name}",
    )
    assert r.status_code == 409
    assert (await admin.get(f"/activities/{hire['id']}")).json()["version"] == 1


async def test_a_refused_move_does_not_reveal_an_event_one_may_not_see(dav_for, stage):
    """Without Programming a performance is hidden: its UID gets the answer a UID that names
    nothing gets."""
    app = await dav_for("technique", scopes={"planning": "write", "technical": "read"})
    room = f"{app.home}room-{stage['studio']['id']}"
    answers = []
    for number in (stage["performance"]["id"], 987654):
        r = await app.dav(
            "PUT",
            f"{room}/essai-{number}.ics",
            vevent(f"activity-{number}@{UID_HOST}", "Essai", "20261120T080000Z",
                   "20261120T090000Z"),
            content_type="text/calendar",
        )  # fmt: skip
        answers.append((r.status_code, r.text))
    assert answers[0] == answers[1]
    assert answers[0][0] == 403 and "no-uid-conflict" in answers[0][1]
    assert "Phèdre" not in answers[0][1]
    for name in (f"activity-{stage['performance']['id']}.ics", "activity-987654.ics"):
        r = await app.dav("DELETE", f"{room}/{name}")
        assert r.status_code == 404


# -- reminders, all-day events, attendees: nothing dropped silently (10) -----------------------
ALARM = "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Rappel\r\nTRIGGER:-PT30M\r\nEND:VALARM"


async def test_a_reminder_is_the_persons_own(dav_for, stage, admin):
    technique = await dav_for("technique")
    director = await dav_for("admin")
    path = f"room-{stage['studio']['id']}/repetition.ics"
    r = await technique.dav(
        "PUT",
        f"{technique.home}{path}",
        vevent("rep-alarm@example.org", "Répétition", "20261112T130000Z", "20261112T150000Z",
               ALARM),
        content_type="text/calendar",
    )  # fmt: skip
    assert r.status_code == 201, r.text
    [mine] = events_of((await technique.dav("GET", f"{technique.home}{path}")).content)
    assert [str(a["TRIGGER"].to_ical().decode()) for a in mine.walk("VALARM")] == ["-PT30M"]
    [theirs] = events_of((await director.dav("GET", f"{director.home}{path}")).content)
    assert list(theirs.walk("VALARM")) == []

    # The director sets their own reminder; each keeps theirs.
    current = await director.dav("GET", f"{director.home}{path}")
    body = current.text.replace(
        "END:VEVENT",
        ALARM.replace("-PT30M", "-P1D").replace("Rappel", "La veille") + "\r\nEND:VEVENT",
    )
    r = await director.dav(
        "PUT", f"{director.home}{path}", body, if_match=current.headers["etag"],
        content_type="text/calendar",
    )  # fmt: skip
    assert r.status_code == 204, r.text
    for app, trigger in ((technique, "-PT30M"), (director, "-P1D")):
        [event] = events_of((await app.dav("GET", f"{app.home}{path}")).content)
        assert [a["TRIGGER"].to_ical().decode() for a in event.walk("VALARM")] == [trigger]

    # A reminder set on the phone reaches the person's other devices at their next sync.
    calendar = technique.calendar(f"room-{stage['studio']['id']}")
    token = calendar.objects_by_sync_token(load_objects=False).sync_token
    current = await technique.dav("GET", f"{technique.home}{path}")
    r = await technique.dav(
        "PUT", f"{technique.home}{path}", current.text.replace("-PT30M", "-PT10M"),
        if_match=current.headers["etag"], content_type="text/calendar",
    )  # fmt: skip
    assert r.status_code == 204
    changed = calendar.objects_by_sync_token(sync_token=token, load_objects=False)
    assert [str(o.url).rsplit("/", 1)[-1] for o in changed] == ["repetition.ics"]
    # ...and only theirs: nothing changed for anybody else.
    director_calendar = director.calendar(f"room-{stage['studio']['id']}")
    token = director_calendar.objects_by_sync_token(load_objects=False).sync_token
    current = await technique.dav("GET", f"{technique.home}{path}")
    await technique.dav(
        "PUT", f"{technique.home}{path}", current.text.replace("-PT10M", "-PT5M"),
        content_type="text/calendar",
    )  # fmt: skip
    assert list(director_calendar.objects_by_sync_token(sync_token=token, load_objects=False)) == []


async def test_an_all_day_event_stays_all_day(dav_for, stage, admin):
    app = await dav_for("technique")
    path = f"{app.home}room-{stage['studio']['id']}/inventaire.ics"
    body = vevent("inventaire@example.org", "Inventaire", "", "", "TRANSP:TRANSPARENT")
    body = body.replace("DTSTART:\r\n", "DTSTART;VALUE=DATE:20261116\r\n").replace(
        "DTEND:\r\n", "DTEND;VALUE=DATE:20261118\r\n"
    )
    r = await app.dav("PUT", path, body, content_type="text/calendar")
    assert r.status_code == 201, r.text
    [made] = (await admin.get("/activities", params={"q": "Inventaire"})).json()["items"]
    assert made["starts_at"] == "2026-11-16T00:00:00+01:00"
    assert made["ends_at"] == "2026-11-18T00:00:00+01:00"
    served = (await app.dav("GET", path)).text
    assert "DTSTART;VALUE=DATE:20261116" in served and "DTEND;VALUE=DATE:20261118" in served
    assert "TRANSP:TRANSPARENT" in served  # iOS marks all-day events "free": kept
    [event] = events_of(served)
    assert str(event["SUMMARY"]) == "Inventaire"


async def test_attendees_and_what_saison_does_not_hold_are_kept(dav_for, stage, admin):
    app = await dav_for("technique")
    director = await dav_for("admin")
    kept = (
        'ORGANIZER;CN="Technique":mailto:technique@test.saison\r\n'
        'ATTENDEE;CN="Léa Martin";PARTSTAT=NEEDS-ACTION:mailto:lea@eclat.fr\r\n'
        "URL:https://visio.example.org/reunion\r\n"
        "CATEGORIES:Urgent\r\n"
        "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC\r\n"
        "LOCATION:Bureau de la régie"
    )
    r = await app.dav(
        "PUT",
        f"{app.home}mine/point.ics",
        vevent("point@example.org", "Point avec la compagnie", "20261113T090000Z",
               "20261113T100000Z", kept),
        content_type="text/calendar",
    )  # fmt: skip
    assert r.status_code == 201, r.text
    [made] = (await admin.get("/activities", params={"q": "Point avec"})).json()["items"]
    await admin.patch(
        f"/activities/{made['id']}",
        {"assignee_ids": [app.user_id, director.user_id]},
        made["version"],
    )
    for reader in (app, director):  # everyone who sees the event sees its attendees
        [event] = events_of((await reader.dav("GET", f"{reader.home}mine/point.ics")).content)
        assert str(event["ATTENDEE"]) == "mailto:lea@eclat.fr"
        assert event["ATTENDEE"].params["CN"] == "Léa Martin"
        assert str(event["ORGANIZER"]) == "mailto:technique@test.saison"
        assert str(event["URL"]) == "https://visio.example.org/reunion"
        assert str(event["LOCATION"]) == "Bureau de la régie"
        assert event["X-APPLE-TRAVEL-ADVISORY-BEHAVIOR"] == "AUTOMATIC"
        listed = event.get("CATEGORIES")
        categories = [str(c) for prop in (listed if isinstance(listed, list) else [listed])
                      for c in prop.cats]  # fmt: skip
        assert categories == ["Autre", "Urgent"]


async def test_what_cannot_be_kept_is_refused_with_a_reason(dav_for, stage, admin):
    app = await dav_for("technique")
    room = f"{app.home}room-{stage['studio']['id']}"
    cases = [
        ("CLASS:PRIVATE", "Private"),
        ("RDATE:20261201T090000Z", "RDATE"),
        ("STATUS:IN-PROCESS", "STATUS"),
        ("LOCATION:Salle des fêtes", "room"),  # an event in a room is where its room is
        ("BEGIN:VTODO\r\nEND:VTODO", "VALARM"),
    ]
    for extra, reason in cases:
        r = await app.dav(
            "PUT",
            f"{room}/refus.ics",
            vevent("refus@example.org", "Refus", "20261120T080000Z", "20261120T090000Z", extra),
            content_type="text/calendar",
            accept_language="en",
        )
        assert r.status_code == 403, (extra, r.text)
        assert "valid-calendar-object-resource" in r.text and reason in r.text, (extra, r.text)
    r = await app.dav(  # the end of the calendar: refused, never a server error
        "PUT",
        f"{room}/loin.ics",
        vevent("loin@example.org", "Loin", "99991231T220000Z", "99991231T230000Z"),
        content_type="text/calendar",
    )
    assert r.status_code == 403 and "2200" in r.text
    # Notes written below the "— Saison —" line would be lost: refused, with where to write.
    path = f"{room}/activity-{stage['meeting']['id']}.ics"
    current = await app.dav("GET", path)
    edited = current.text.replace("Lieu : Studio", "Lieu : Studio (côté jardin)")
    r = await app.dav(
        "PUT", path, edited, if_match=current.headers["etag"], content_type="text/calendar"
    )
    assert r.status_code == 403 and "— Saison —" in r.text
    assert (await admin.get(f"/activities/{stage['meeting']['id']}")).json()["version"] == 1
