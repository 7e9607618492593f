"""Reading calendars: time-range and text queries, multiget, what an event tells a phone, and
what it never tells (fees, contract terms, workspaces one may not read)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from caldav.lib.url import URL

from tests.calendar_bridge.conftest import events_of, parse_calendar

PARIS = ZoneInfo("Europe/Paris")
QUERY = """<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
  <d:prop><d:getetag/><c:calendar-data/></d:prop>
  <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">{inner}
  </c:comp-filter></c:comp-filter></c:filter>
</c:calendar-query>"""


def summaries(events) -> set[str]:
    return {str(e.icalendar_component["SUMMARY"]) for e in events}


async def test_a_month_query_returns_the_events_of_that_month(dav_for, stage):
    app = await dav_for("technique")
    room = app.calendar(f"room-{stage['room']['id']}")
    october = room.search(
        start=datetime(2026, 10, 1, tzinfo=PARIS),
        end=datetime(2026, 11, 1, tzinfo=PARIS),
        event=True,
    )
    assert summaries(october) == {"Montage Phèdre", "Phèdre", "Service Phèdre"}
    for event in october:
        parse_calendar(event.data, raw=False)
    november = room.search(
        start=datetime(2026, 11, 1, tzinfo=PARIS),
        end=datetime(2026, 12, 1, tzinfo=PARIS),
        event=True,
    )
    assert november == []
    studio = app.calendar(f"room-{stage['studio']['id']}")
    autumn = studio.search(
        start=datetime(2026, 11, 1, tzinfo=PARIS),
        end=datetime(2027, 1, 1, tzinfo=PARIS),
        event=True,
    )
    assert summaries(autumn) == {"Phèdre", "Réunion de saison"}


async def test_an_event_tells_a_phone_what_matters(dav_for, stage):
    app = await dav_for("technique")
    r = await app.dav(
        "REPORT",
        f"{app.home}room-{stage['room']['id']}/",
        QUERY.format(inner='<c:time-range start="20261005T000000Z" end="20261006T000000Z"/>'),
        depth="1",
    )
    assert r.status_code == 207
    [event] = events_of(_calendar_data(r.text)[0])
    assert str(event["UID"]) == f"activity-{stage['activity']['id']}@127.0.0.1"
    assert event.decoded("DTSTART") == datetime(2026, 10, 5, 9, 0, tzinfo=PARIS)
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert str(event["LOCATION"]).startswith("Grande salle, Théâtre de la Halle")
    assert str(event["STATUS"]) == "CONFIRMED"
    description = str(event["DESCRIPTION"])
    assert description.startswith("Prévoir 4 techniciens")  # the notes first
    for shown in ("Phèdre · Compagnie Éclat", "Léa Martin (Chargée de diffusion)",
                  "+33 6 12 34 56 78", "lea@eclat.fr", "code 1789"):  # fmt: skip
        assert shown in description, shown


async def test_an_option_is_tentative_and_says_so(dav_for, stage):
    app = await dav_for("technique")
    [option] = [
        e
        for e in app.calendar("performances").events()
        if str(e.icalendar_component["DTSTART"].dt.date()) == "2026-11-03"
    ]
    component = option.icalendar_component
    assert str(component["STATUS"]) == "TENTATIVE"
    assert "option, à confirmer" in str(component["DESCRIPTION"])
    assert str(component["CATEGORIES"].cats[0]) == "Représentation"


async def test_fees_and_contract_terms_are_never_served(dav_for, stage):
    app = await dav_for("admin")  # may read contracts, and still: not in a calendar
    for calendar in app.client().principal().calendars():
        r = await app.dav("GET", str(calendar.url))
        assert r.status_code == 200
        parse_calendar(r.content)
        assert "8500" not in r.text and "Contrat de cession" not in r.text


async def test_what_one_may_not_read_is_left_out(dav_for, stage):
    # Planning and rooms only: no performances, no show, no company, no contacts.
    app = await dav_for("technique", scopes={"planning": "read", "technical": "read"})
    r = await app.dav("GET", f"{app.home}room-{stage['room']['id']}/")
    events = events_of(r.content)
    assert {str(e["SUMMARY"]) for e in events} == {"Montage Phèdre", "Service Phèdre"}
    for event in events:
        assert "Compagnie Éclat" not in str(event["DESCRIPTION"])
        assert "Léa Martin" not in str(event["DESCRIPTION"])
        assert "Grande salle" in str(event["LOCATION"])
    r = await app.dav("GET", f"{app.home}performances/")
    assert r.status_code == 404


async def test_text_filters_search_titles_and_descriptions(dav_for, stage):
    app = await dav_for("technique")
    room = f"{app.home}room-{stage['room']['id']}/"

    async def found(inner: str) -> set[str]:
        r = await app.dav("REPORT", room, QUERY.format(inner=inner), depth="1")
        assert r.status_code == 207, r.text
        return {str(e["SUMMARY"]) for data in _calendar_data(r.text) for e in events_of(data)}

    assert await found(
        '<c:prop-filter name="SUMMARY"><c:text-match>montage</c:text-match></c:prop-filter>'
    ) == {"Montage Phèdre"}
    assert (
        await found(
            '<c:prop-filter name="SUMMARY"><c:text-match negate-condition="yes">Phèdre'
            "</c:text-match></c:prop-filter>"
        )
        == set()
    )
    assert await found(
        '<c:prop-filter name="DESCRIPTION"><c:text-match>code 1789</c:text-match></c:prop-filter>'
    ) == {"Montage Phèdre", "Service Phèdre"}
    assert await found(
        '<c:time-range start="20261006T000000Z"/>'
        '<c:prop-filter name="CATEGORIES"><c:text-match>Représentation</c:text-match>'
        "</c:prop-filter>"
    ) == {"Phèdre"}
    r = await app.dav(
        "REPORT",
        room,
        QUERY.format(
            inner='<c:prop-filter name="SUMMARY"><c:text-match collation="i;klingon">x'
            "</c:text-match></c:prop-filter>"
        ),
        depth="1",
    )
    assert r.status_code == 403 and "supported-collation" in r.text
    r = await app.dav(
        "REPORT", room, QUERY.format(inner='<c:time-range start="tomorrow"/>'), depth="1"
    )
    assert r.status_code == 400 and "valid-filter" in r.text


async def test_tasks_are_not_here(dav_for, stage):
    app = await dav_for("technique")
    body = QUERY.replace('name="VEVENT"', 'name="VTODO"').format(inner="")
    r = await app.dav("REPORT", f"{app.home}mine/", body, depth="1")
    assert r.status_code == 207 and "<d:response>" not in r.text


async def test_multiget_returns_the_events_asked_for(dav_for, stage):
    app = await dav_for("technique")
    base = f"{app.home}room-{stage['room']['id']}/"
    wanted = [
        f"{base}activity-{stage['activity']['id']}.ics",
        f"{base}activity-{stage['performance']['id']}.ics",
        f"{base}activity-{stage['meeting']['id']}.ics",  # in the Studio, not here
        f"{base}nothing.ics",
    ]
    body = (
        '<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
        "<d:prop><d:getetag/><c:calendar-data/></d:prop>"
        + "".join(f"<d:href>{h}</d:href>" for h in wanted)
        + "</c:calendar-multiget>"
    )
    r = await app.dav("REPORT", base, body, depth="1")
    assert r.status_code == 207
    data = _calendar_data(r.text)
    assert [str(events_of(d)[0]["SUMMARY"]) for d in data] == ["Montage Phèdre", "Phèdre"]
    assert r.text.count("404 Not Found") == 2

    room = app.calendar(f"room-{stage['room']['id']}")
    objects = room.calendar_multiget([URL.objectify(app.server_url + h) for h in wanted[:2]])
    assert summaries(objects) == {"Montage Phèdre", "Phèdre"}


async def test_an_event_is_fetched_with_its_etag_and_revalidated(dav_for, stage):
    app = await dav_for("technique")
    path = f"{app.home}mine/activity-{stage['activity']['id']}.ics"
    r = await app.dav("GET", path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    parse_calendar(r.content)
    again = await app.dav("GET", path, if_none_match=r.headers["etag"])
    assert again.status_code == 304 and again.content == b""
    assert (await app.dav("GET", f"{app.home}mine/activity-999999.ics")).status_code == 404


def _calendar_data(xml: str) -> list[str]:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(xml)
    return [node.text or "" for node in root.iter("{urn:ietf:params:xml:ns:caldav}calendar-data")]


async def test_my_schedule_holds_what_is_assigned_to_me_and_follows_reassignment(
    dav_for, stage, people
):
    """ "Mon planning" is what my teams do plus what is assigned to me by name."""
    comm = people["communication"]
    app = await dav_for("communication")
    mine = app.calendar("mine")
    before = summaries(
        mine.search(
            start=datetime(2026, 9, 1, tzinfo=PARIS),
            end=datetime(2027, 7, 1, tzinfo=PARIS),
            event=True,
        )
    )
    assert "Réunion de saison" not in before
    meeting = stage["meeting"]
    admin = people["admin"]
    r = await admin.patch(
        f"/activities/{meeting['id']}", {"assignee_ids": [comm.user["id"]]}, meeting["version"]
    )
    assert r.status_code == 200 and r.json()["assignee_ids"] == [comm.user["id"]]
    after = summaries(
        mine.search(
            start=datetime(2026, 9, 1, tzinfo=PARIS),
            end=datetime(2027, 7, 1, tzinfo=PARIS),
            event=True,
        )
    )
    assert "Réunion de saison" in after
    unknown = await admin.patch(
        f"/activities/{meeting['id']}", {"assignee_ids": [987654]}, r.json()["version"]
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "assignee_ids"
