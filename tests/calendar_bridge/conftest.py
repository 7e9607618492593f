"""Calendar apps as people use them: the real ``caldav`` client, raw WebDAV over HTTP, and
``icalendar`` to check that every calendar served is valid iCalendar."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import caldav
import httpx
import icalendar
import pytest

from tests.conftest import Api, Served, token_for
from tests.factories import paris


@dataclass
class DavUser:
    """Someone's calendar app: their email, an app password and the server's address.

    The ``caldav`` client (blocking, its own HTTP stack) talks to a server process at
    ``server_url``; ``http`` sends raw WebDAV requests to the app in this process, at
    ``origin``."""

    server_url: str
    email: str
    password: str
    user_id: int
    http: httpx.AsyncClient

    @property
    def origin(self) -> str:
        return str(self.http.base_url).rstrip("/")

    @property
    def home(self) -> str:
        return f"/dav/calendars/{self.user_id}/"

    def client(self) -> caldav.DAVClient:
        return caldav.DAVClient(
            url=self.server_url + "/dav/", username=self.email, password=self.password
        )

    def calendar(self, slug: str) -> caldav.Calendar:
        return self.client().calendar(url=f"{self.server_url}{self.home}{slug}/")

    async def dav(
        self, method: str, path: str, body: str | bytes = b"", **headers: str
    ) -> httpx.Response:
        return await self.http.request(
            method, path, content=body, headers={k.replace("_", "-"): v for k, v in headers.items()}
        )


@pytest.fixture
async def dav_for(
    server_url: str, in_process: Served, people: dict[str, Api], db: Any
) -> AsyncIterator[Callable[..., Awaitable[DavUser]]]:
    """``await dav_for("technique")``: that person's calendar app, with a fresh app password."""
    opened: list[httpx.AsyncClient] = []

    async def open_app(role: str, scopes: dict[str, str] | None = None) -> DavUser:
        user = people[role].user
        assert user is not None
        password = await token_for(db, user["id"], scopes=scopes, kind="app_password")
        http = in_process.client(auth=(user["email"], password))
        opened.append(http)
        return DavUser(server_url, user["email"], password, user["id"], http)

    yield open_app
    for http in opened:
        await http.aclose()


def parse_calendar(data: str | bytes, raw: bool = True) -> icalendar.Calendar:
    """Parse what the server sent and check what every app relies on; returns the calendar.

    ``raw``: the text is as served (the caldav client rewrites line ends in what it returns).
    """
    text = data.decode() if isinstance(data, bytes) else data
    if raw:
        assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    calendar = icalendar.Calendar.from_ical(text)
    assert calendar.name == "VCALENDAR"
    assert calendar["VERSION"] == "2.0" and calendar.get("PRODID")
    zones = {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")}
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event, f"{required} missing from {event.get('SUMMARY')}"
        for key in ("DTSTART", "DTEND"):
            if event[key].params.get("VALUE") == "DATE":  # an all-day event: days, no zone
                assert not isinstance(event.decoded(key), datetime)
                continue
            tzid = event[key].params.get("TZID")
            assert tzid in zones, f"{key} names a zone ({tzid}) the calendar does not define"
            assert event.decoded(key).tzinfo is not None
    for line in text.splitlines():
        assert len(line.encode()) <= 75, f"line not folded: {line!r}"
    return calendar


def events_of(data: str | bytes, raw: bool = True) -> list[icalendar.Event]:
    return list(parse_calendar(data, raw).walk("VEVENT"))


@pytest.fixture
async def teams(admin: Api) -> dict[str, int]:
    listed = (await admin.get("/teams", params={"limit": 100})).json()["items"]
    return {team["name"]: team["id"] for team in listed}


@pytest.fixture
async def stage(
    season: dict[str, dict[str, Any]], admin: Api, teams: dict[str, int]
) -> dict[str, dict[str, Any]]:
    """The small season, plus what a technician's calendar shows: a phone to call, access
    notes, an option (tentative) and activities of the Technique team."""
    s = dict(season)
    await admin.patch(
        f"/contacts/{s['contact']['id']}",
        {"phones": ["+33 6 12 34 56 78"]},
        s["contact"]["version"],
    )
    await admin.patch(
        f"/venues/{s['venue']['id']}",
        {"access_notes": "Quai de déchargement côté cour, code 1789"},
        s["venue"]["version"],
    )
    s["activity"] = (await admin.get(f"/activities/{s['activity']['id']}")).json()
    s["activity"] = (
        await admin.patch(
            f"/activities/{s['activity']['id']}",
            {
                "team_id": teams["Technique"],
                "notes": "Prévoir 4 techniciens",
                "engagement_id": s["engagement"]["id"],
            },
            s["activity"]["version"],
        )
    ).json()
    s["option"] = await admin.create(
        "/engagements",
        {
            "show_id": s["show"]["id"],
            "room_id": s["studio"]["id"],
            "first_day": "2026-11-03",
            "last_day": "2026-11-04",
        },
    )
    s["option_performance"] = await admin.create(
        "/performances",
        {
            "engagement_id": s["option"]["id"],
            "starts_at": paris("2026-11-03", "19:00"),
            "ends_at": paris("2026-11-03", "21:00"),
        },
    )
    s["service"] = await admin.create(
        "/activities",
        {
            "kind": "technical_service",
            "title": "Service Phèdre",
            "room_id": s["room"]["id"],
            "team_id": teams["Technique"],
            "starts_at": paris("2026-10-06", "18:00"),
            "ends_at": paris("2026-10-06", "23:00"),
            "performance_id": s["performance"]["id"],
        },
    )
    s["meeting"] = await admin.create(
        "/activities",
        {
            "kind": "meeting",
            "title": "Réunion de saison",
            "room_id": s["studio"]["id"],
            "starts_at": paris("2026-12-01", "10:00"),
            "ends_at": paris("2026-12-01", "12:00"),
        },
    )
    return s
