"""Repeating events from phones and to phones: a weekly production meeting made on an iPhone
becomes a series of real activities, each checked against the room's bookings; a series made
in Saison is served back as one repeating event (RRULE, EXDATE, RECURRENCE-ID)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.calendar_bridge.conftest import events_of
from tests.factories import paris

PARIS = ZoneInfo("Europe/Paris")


def repeating(uid: str, summary: str, start: str, end: str, rule: str, *extra: str) -> str:
    """A repeating event as iOS writes it: times in the venue's zone, exceptions after."""
    master, overrides = [], []
    for part in extra:
        (overrides if part.startswith("BEGIN:VEVENT") else master).append(part)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Test phone//EN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261001T080000Z",
        f"DTSTART;TZID=Europe/Paris:{start}",
        f"DTEND;TZID=Europe/Paris:{end}",
        f"RRULE:{rule}",
        f"SUMMARY:{summary}",
        *master,
        "END:VEVENT",
        *overrides,
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(lines)


def override(uid: str, recurrence: str, start: str, end: str, summary: str) -> str:
    return "\r\n".join(
        [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20261001T080000Z",
            f"RECURRENCE-ID;TZID=Europe/Paris:{recurrence}",
            f"DTSTART;TZID=Europe/Paris:{start}",
            f"DTEND;TZID=Europe/Paris:{end}",
            f"SUMMARY:{summary}",
            "END:VEVENT",
        ]
    )


async def series_of(admin, title: str) -> list[dict]:
    found = (await admin.get("/activities", params={"q": title, "limit": 500})).json()["items"]
    return sorted(found, key=lambda a: a["starts_at"])


async def test_a_weekly_meeting_made_on_a_phone_becomes_booked_occurrences(dav_for, stage, admin):
    app = await dav_for("technique")
    uid = "PROD-MEETING@example.org"
    path = f"{app.home}room-{stage['studio']['id']}/production.ics"
    body = repeating(
        uid,
        "Réunion de production",
        "20261005T100000",
        "20261005T113000",
        "FREQ=WEEKLY;BYDAY=MO;COUNT=6",
        "CATEGORIES:Réunion",
        "EXDATE;TZID=Europe/Paris:20261019T100000",
        override(uid, "20261026T100000", "20261026T110000", "20261026T123000",
                 "Réunion de production (avec la compagnie)"),
    )  # fmt: skip
    r = await app.dav("PUT", path, body, if_none_match="*", content_type="text/calendar")
    assert r.status_code == 201, r.text

    made = await series_of(admin, "Réunion de production")
    assert len(made) == 5 and len({a["series_id"] for a in made}) == 1
    assert [a["starts_at"][:16] for a in made] == [
        "2026-10-05T10:00",
        "2026-10-12T10:00",
        "2026-10-26T11:00",  # the exception, an hour later (winter time by then)
        "2026-11-02T10:00",
        "2026-11-09T10:00",
    ]
    assert made[2]["title"] == "Réunion de production (avec la compagnie)"
    assert made[2]["occurrence_start"].startswith("2026-10-26T10:00")
    assert {a["kind"] for a in made} == {"meeting"}

    # Served back as one repeating event, as it was sent.
    served = await app.dav("GET", path)
    master, exception = events_of(served.content)
    assert str(master["UID"]) == str(exception["UID"]) == uid
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=6;BYDAY=MO"
    assert [d.dt for d in master["EXDATE"].dts] == [datetime(2026, 10, 19, 10, 0, tzinfo=PARIS)]
    assert exception.decoded("RECURRENCE-ID") == datetime(2026, 10, 26, 10, 0, tzinfo=PARIS)
    assert exception.decoded("DTSTART") == datetime(2026, 10, 26, 11, 0, tzinfo=PARIS)

    # The calendar app expands it like any repeating event: five meetings in the autumn.
    calendar = app.calendar(f"room-{stage['studio']['id']}")
    found = calendar.search(
        start=datetime(2026, 10, 1, tzinfo=PARIS),
        end=datetime(2026, 11, 30, tzinfo=PARIS),
        event=True,
        expand=True,
    )
    titles = [str(e.icalendar_component["SUMMARY"]) for e in found]
    assert (
        titles.count("Réunion de production") == 4 and len(titles) == 5 + 1
    )  # + Réunion de saison


async def test_a_repeating_event_colliding_with_a_booking_is_refused_whole(dav_for, stage, admin):
    app = await dav_for("technique")
    before = (await admin.get("/activities", params={"limit": 100})).json()["total"]
    r = await app.dav(
        "PUT",
        f"{app.home}room-{stage['room']['id']}/appel.ics",
        repeating("APPEL@example.org", "Appel plateau", "20261003T080000", "20261003T093000",
                  "FREQ=DAILY;COUNT=5"),
        content_type="text/calendar",
    )  # fmt: skip
    assert r.status_code == 409 and "room-available" in r.text and "Montage Phèdre" in r.text
    assert (await admin.get("/activities", params={"limit": 100})).json()["total"] == before

    r = await app.dav(
        "PUT",
        f"{app.home}room-{stage['room']['id']}/appel.ics",
        repeating("APPEL@example.org", "Appel plateau", "20261003T080000", "20261003T093000",
                  "FREQ=DAILY"),
        content_type="text/calendar",
        accept_language="en",
    )  # fmt: skip
    assert r.status_code == 403 and "valid-calendar-object-resource" in r.text
    assert "COUNT" in r.text and "UNTIL" in r.text  # the reason: it must end


async def test_a_series_made_in_saison_is_one_repeating_event_with_its_exceptions(
    dav_for, stage, admin
):
    technique = await dav_for("technique")
    series = await admin.create(
        "/recurring-activities",
        {
            "kind": "technical_service",
            "title": "Entretien des projecteurs",
            "room_id": stage["studio"]["id"],
            "starts_at": paris("2026-10-07", "09:00"),
            "ends_at": paris("2026-10-07", "12:00"),
            "rule": "FREQ=WEEKLY;COUNT=4",
        },
    )
    _first, second, third, fourth = await series_of(admin, "Entretien des projecteurs")
    await admin.delete(
        f"/recurring-activities/{series['id']}/occurrences/{second['id']}", second["version"]
    )
    await admin.patch(
        f"/activities/{third['id']}",
        {"starts_at": paris("2026-10-21", "14:00"), "ends_at": paris("2026-10-21", "17:00")},
        third["version"],
    )
    await admin.patch(  # the last one in the Grande salle: an event of its own there
        f"/activities/{fourth['id']}", {"room_id": stage["room"]["id"]}, fourth["version"]
    )
    studio = f"{technique.home}room-{stage['studio']['id']}"
    master, moved = events_of(
        (await technique.dav("GET", f"{studio}/series-{series['id']}.ics")).content
    )
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=4"
    skipped = sorted(d.dt for prop in _list(master["EXDATE"]) for d in prop.dts)
    assert skipped == [
        datetime(2026, 10, 14, 9, 0, tzinfo=PARIS),
        datetime(2026, 10, 28, 9, 0, tzinfo=PARIS),
    ]
    assert moved.decoded("RECURRENCE-ID") == datetime(2026, 10, 21, 9, 0, tzinfo=PARIS)
    assert moved.decoded("DTSTART") == datetime(2026, 10, 21, 14, 0, tzinfo=PARIS)
    grande = f"{technique.home}room-{stage['room']['id']}"
    [alone] = events_of(
        (await technique.dav("GET", f"{grande}/activity-{fourth['id']}.ics")).content
    )
    assert "RRULE" not in alone and str(alone["SUMMARY"]) == "Entretien des projecteurs"

    # A phone changes the series: a new title for all, one more date left out.
    current = await technique.dav("GET", f"{studio}/series-{series['id']}.ics")
    body = current.text.replace(
        "SUMMARY:Entretien des projecteurs", "SUMMARY:Maintenance lumière", 1
    )
    body = body.replace("EXDATE;TZID=Europe/Paris:", "EXDATE;TZID=Europe/Paris:20261007T090000,", 1)
    r = await technique.dav(
        "PUT", f"{studio}/series-{series['id']}.ics", body,
        if_match=current.headers["etag"], content_type="text/calendar",
    )  # fmt: skip
    assert r.status_code == 204, r.text
    mine = await occurrences(admin, series["id"])
    assert [(a["id"], a["title"]) for a in mine] == [
        (third["id"], "Entretien des projecteurs"),  # its own exception kept its title
        (fourth["id"], "Entretien des projecteurs"),  # lives on its own in the Grande salle
    ]
    assert (await admin.get(f"/recurring-activities/{series['id']}")).json()["title"] == (
        "Maintenance lumière"
    )

    # Deleting the repeating event deletes the series and its occurrences.
    current = await technique.dav("GET", f"{studio}/series-{series['id']}.ics")
    r = await technique.dav(
        "DELETE", f"{studio}/series-{series['id']}.ics", if_match=current.headers["etag"]
    )
    assert r.status_code == 204
    assert await occurrences(admin, series["id"]) == []


async def test_sync_tells_of_a_changed_occurrence_and_a_phone_makes_an_event_repeat(
    dav_for, stage, admin
):
    app = await dav_for("technique")
    calendar = app.calendar(f"room-{stage['studio']['id']}")
    token = calendar.objects_by_sync_token(load_objects=False).sync_token
    path = f"{app.home}room-{stage['studio']['id']}/activity-{stage['meeting']['id']}.ics"
    current = await app.dav("GET", path)
    body = current.text.replace("END:VEVENT", "RRULE:FREQ=MONTHLY;COUNT=3\r\nEND:VEVENT")
    r = await app.dav(
        "PUT", path, body, if_match=current.headers["etag"], content_type="text/calendar"
    )
    assert r.status_code == 204, r.text
    made = await series_of(admin, "Réunion de saison")
    assert [a["starts_at"][:10] for a in made] == ["2026-12-01", "2027-01-01", "2027-02-01"]
    assert made[0]["id"] == stage["meeting"]["id"]  # the same activity, its history kept
    [event] = events_of((await app.dav("GET", path)).content)
    assert event["RRULE"].to_ical() == b"FREQ=MONTHLY;COUNT=3"

    changed = calendar.objects_by_sync_token(sync_token=token, load_objects=False)
    token = changed.sync_token
    assert [str(o.url).rsplit("/", 1)[-1] for o in changed] == [path.rsplit("/", 1)[-1]]
    await admin.patch(
        f"/activities/{made[1]['id']}", {"notes": "Salle de réunion"}, made[1]["version"]
    )
    changed = calendar.objects_by_sync_token(sync_token=token, load_objects=False)
    assert [str(o.url).rsplit("/", 1)[-1] for o in changed] == [path.rsplit("/", 1)[-1]]


async def occurrences(admin, series_id: int) -> list[dict]:
    r = await admin.get("/activities", params={"series_id": series_id, "limit": 500})
    return r.json()["items"]


def _list(value):
    return value if isinstance(value, list) else [value]
