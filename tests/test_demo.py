"""The demo season: it must ring true to a régisseur and show what Saison guarantees.

It is loaded through its real loader (``load_demo``, what ``saison demo`` and ``saison serve
--demo`` run) once in a run (the ``demo`` fixture), then read back as the venue's people would:
with SQL for the rules of the trade, over HTTP and CalDAV for what each demo account sees. One
more load, after a first start and in another zone, shows what the loader does with those.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pypdf
import pytest
from sqlalchemy import text

from calendar_bridge.calendars import Access, find_calendar
from calendar_bridge.events import load_events
from server.accounts import credentials, signin
from server.accounts.defaults import create_first_admin
from server.core.permissions import SYSTEM, Level, Workspace
from server.core.unit_of_work import unit_of_work
from server.core.venue import venue_of
from server.db.engine import Database
from server.demo import ALREADY, DEMO_PASSWORD, DEMO_USERS, load_demo
from server.demo.calendar import SEASON, WINTER_BREAK, weeks
from server.settings import Settings, get_settings
from tests.conftest import Served

PARIS = ZoneInfo("Europe/Paris")
TYPICAL_WEEK = date(2027, 3, 8)  # a Monday in March, nothing special about it
LAST_OPTIONS = date(2027, 5, 1)  # after that, the season's options are too near to lapse "soon"


async def scalar(db: Database, sql: str, **params: Any) -> Any:
    async with db.sessions() as session:
        return (await session.execute(text(sql), params)).scalar_one()


async def rows(db: Database, sql: str, **params: Any) -> list[Any]:
    async with db.sessions() as session:
        return list((await session.execute(text(sql), params)).all())


async def season_counts(db: Database) -> dict[str, int]:
    tables = ("shows", "engagements", "activities", "organisations", "users", "change_log")
    return {t: await scalar(db, f"SELECT count(*) FROM {t}") for t in tables}


async def test_demo_season_is_rich_true_to_the_trade_and_loaded_once(
    db: Database, demo: str
) -> None:
    summary = demo  # what load_demo said when it loaded this season
    assert DEMO_PASSWORD in summary and "technique@demo.saison" in summary

    assert await scalar(db, "SELECT count(*) FROM shows") >= 60
    assert await scalar(db, "SELECT count(*) FROM engagements") >= 70
    assert await scalar(db, "SELECT count(*) FROM engagements WHERE status = 'option'") >= 10
    assert await scalar(db, "SELECT count(*) FROM engagements WHERE status = 'cancelled'") >= 1
    kind = "FROM activities WHERE kind"
    assert await scalar(db, f"SELECT count(*) {kind} = 'performance'") >= 250
    assert await scalar(db, f"SELECT count(*) {kind} = 'technical_service'") >= 300
    assert await scalar(db, f"SELECT count(DISTINCT kind) {kind} <> 'performance'") == 9
    assert await scalar(db, "SELECT count(*) FROM organisations") >= 25
    assert await scalar(db, "SELECT count(*) FROM contacts") >= 35
    assert await scalar(db, "SELECT count(*) FROM rooms") == 5
    assert await scalar(db, "SELECT count(*) FROM places WHERE venue_id IS NOT NULL") == 2
    # French text survives the round trip.
    assert await scalar(db, "SELECT count(*) FROM shows WHERE title ~ '[éèêàçôÉÎ]'") >= 5
    assert await scalar(db, "SELECT count(*) FROM rooms WHERE name = 'Salle Gérard-Philipe'") == 1
    # No room (nor its linked room) is used by two holders at once.
    clashes = await scalar(
        db,
        """
        SELECT count(*) FROM room_bookings a JOIN room_bookings b
          ON a.lock_key = b.lock_key AND a.id < b.id AND a.holder <> b.holder
         AND a.during && b.during""",
    )
    assert clashes == 0
    # Every row came through a service: each show and performance has its history entry.
    assert await scalar(db, "SELECT count(*) FROM change_log WHERE entity = 'show'") == (
        await scalar(db, "SELECT count(*) FROM shows")
    )
    assert await scalar(db, "SELECT count(*) FROM change_log WHERE entity = 'performance'") == (
        await scalar(db, f"SELECT count(*) {kind} = 'performance'")
    )
    # Contracts say where they stand (for those who may read them), on days that have passed;
    # every confirmed run has its layout, its people and its hospitality for the road sheets.
    states = {state for (state,) in await rows(db, "SELECT contract_status FROM engagements")}
    assert states == {"draft", "sent", "signed"}
    assert (
        await scalar(db, "SELECT count(*) FROM engagements WHERE contract_signed_on > current_date")
        == 0
    )
    assert (
        await scalar(
            db,
            """SELECT count(*) FROM engagements WHERE status = 'confirmed' AND (
            room_configuration_id IS NULL OR tour_manager_id IS NULL OR host_contact_id IS NULL
            OR meals IS NULL OR vat_rate IS NULL)""",
        )
        == 0
    )
    assert await scalar(db, "SELECT count(*) FROM organisations WHERE siret = '419 512 348 00030'")
    # The theatre runs this Saison: its record prints on every contract.
    assert await scalar(
        db,
        """SELECT count(*) FROM organisation WHERE name = 'Théâtre du Pont-Levant'
           AND siret = '41951234800030' AND licence_1 = 'PLATESV-R-2020-000812'""",
    )
    # The weekly production meeting repeats (one series, as a phone would show it), every
    # Monday but while the house is closed for the holidays.
    meetings = await rows(
        db,
        """SELECT a.starts_at FROM activities a JOIN activity_series s ON s.id = a.series_id
           WHERE s.title = 'Réunion de production' ORDER BY a.starts_at""",
    )
    assert len(meetings) >= 35
    paris = ZoneInfo("Europe/Paris")
    mondays = {m.astimezone(paris).date() for (m,) in meetings}
    assert all(day.weekday() == 0 for day in mondays)
    assert {m.astimezone(paris).hour for (m,) in meetings} == {14}  # 14 h, summer and winter
    assert not [d for d in mondays if WINTER_BREAK[0] <= d <= WINTER_BREAK[1]]

    # Each demo account signs in with the shared password and gets its team's rights.
    for email, _name, team in DEMO_USERS:
        async with unit_of_work(db, SYSTEM) as uow:
            who, _ = await signin.sign_in(uow, Settings(), email, DEMO_PASSWORD, "127.0.0.1")
        assert who.email == email
        assert who.is_admin == (team is None)
        if team == "Technique":
            assert who.can(Workspace.TECHNICAL, Level.MANAGE)
            assert not who.can_read_fees
    assert await scalar(db, "SELECT count(*) FROM users WHERE is_admin") == 1

    # Loading again changes nothing, and says so.
    before = await season_counts(db)
    assert await load_demo(db, progress=False) == str(ALREADY)
    assert "déjà une saison" in str(ALREADY)  # in the venue's language (SAISON_LANGUAGE)
    assert await season_counts(db) == before
    with pytest.raises(ValueError, match="already has a season"):
        await load_demo(db, replace=True, progress=False)
    assert await season_counts(db) == before

    # -- the rules of the trade -----------------------------------------------------------
    # Every performance of a confirmed engagement lies within one four-hour service of its
    # crew, in its room, and services leave a meal hour between them.
    uncovered = await rows(
        db,
        """
        SELECT p.title, p.starts_at FROM activities p
        JOIN engagements e ON e.id = p.engagement_id AND e.status = 'confirmed'
        WHERE p.kind = 'performance' AND NOT EXISTS (
            SELECT 1 FROM activities s
            WHERE s.kind = 'technical_service' AND s.room_id = p.room_id
              AND s.engagement_id = p.engagement_id
              AND s.starts_at <= p.starts_at AND p.ends_at <= s.ends_at)""",
    )
    assert uncovered == []
    assert (
        await scalar(
            db,
            f"""SELECT count(*) {kind} = 'technical_service'
        AND ends_at - starts_at <> interval '4 hours'""",
        )
        == 0
    )
    assert (
        await scalar(
            db,
            """
        SELECT count(*) FROM activities a JOIN activities b
          ON a.engagement_id = b.engagement_id AND a.id <> b.id
         AND a.kind = 'technical_service' AND b.kind = 'technical_service'
         AND b.starts_at >= a.ends_at AND b.starts_at < a.ends_at + interval '1 hour'""",
        )
        == 0
    )
    # The get-out follows the last performance (and its after-show talk), matinée or not.
    early = await rows(
        db,
        """
        SELECT g.title FROM activities g
        WHERE g.kind = 'get_out' AND g.starts_at < (
            SELECT max(a.ends_at) FROM activities a
            WHERE a.engagement_id = g.engagement_id AND a.kind IN ('performance', 'mediation')
              AND a.room_id IS NOT NULL)""",
    )
    assert early == []
    missing = await scalar(
        db,
        """
        SELECT count(*) FROM engagements e WHERE e.status = 'confirmed' AND NOT EXISTS (
            SELECT 1 FROM activities g WHERE g.engagement_id = e.id AND g.kind = 'get_out')""",
    )
    assert missing == 0
    after_matinee = await rows(
        db,
        """
        SELECT g.starts_at FROM activities g JOIN activities p
          ON p.engagement_id = g.engagement_id AND p.kind = 'performance'
         AND p.ends_at = (SELECT max(ends_at) FROM activities
                          WHERE engagement_id = g.engagement_id AND kind = 'performance')
        WHERE g.kind = 'get_out' AND extract(hour FROM p.starts_at AT TIME ZONE 'Europe/Paris') = 16
          AND extract(dow FROM p.starts_at AT TIME ZONE 'Europe/Paris') = 0""",
    )
    assert after_matinee and all(s.astimezone(PARIS).hour < 20 for (s,) in after_matinee)

    # -- season sense ------------------------------------------------------------------------
    local = "(starts_at AT TIME ZONE 'Europe/Paris')"
    performances = await rows(
        db,
        f"""
        SELECT {local}, a.notes, s.title FROM activities a JOIN shows s ON s.id = a.show_id
        WHERE a.kind = 'performance'""",
    )
    for when, notes, title in performances:
        assert SEASON[0] <= when.date() <= SEASON[1]
        assert not WINTER_BREAK[0] <= when.date() <= WINTER_BREAK[1]
        assert when.weekday() != 0, f"{title} plays on a Monday, the day off"
        if notes and "Séance scolaire" in notes:
            assert when.weekday() < 5 and when.time() in (time(10), time(14, 30))
    balls = {w.date() for w, _n, t in performances if t == "Bal trad' du printemps"}
    assert balls and all(3 <= d.month <= 5 for d in balls)  # the spring ball in spring
    december = {t for w, n, t in performances if w.month == 12 and w.day >= 14}
    assert {"Cirque à l'envers", "Ô Lune", "La Forêt qui chante"} <= december
    festival = await scalar(db, "SELECT count(*) FROM engagements WHERE notes LIKE 'Festival%'")
    assert festival >= 4
    closed = await rows(db, f"SELECT {local} FROM activities WHERE title = 'Fermeture estivale'")
    assert closed and all(w.month == 7 for (w,) in closed)

    # -- what Saison guarantees, made visible -------------------------------------------------
    links = await rows(
        db,
        """
        SELECT a.name, b.name FROM room_links l
        JOIN rooms a ON a.id = l.room_id JOIN rooms b ON b.id = l.other_room_id""",
    )
    assert {frozenset(pair) for pair in links} == {frozenset({"Grande salle", "Hall / foyer"})}
    competing = await scalar(
        db,
        """
        SELECT count(*) FROM engagements a JOIN engagements b
          ON a.room_id = b.room_id AND a.id < b.id AND a.status = 'option'
         AND b.status = 'option' AND a.first_day = b.first_day AND a.last_day = b.last_day""",
    )
    assert competing >= 2
    soon = await scalar(
        db,
        """
        SELECT count(*) FROM engagements a WHERE a.status = 'option'
           AND a.option_expires_on BETWEEN current_date AND current_date + 7
           AND EXISTS (SELECT 1 FROM engagements b WHERE b.id <> a.id AND b.status = 'option'
                       AND b.room_id = a.room_id AND b.first_day = a.first_day)""",
    )
    assert soon >= 1 or date.today() > LAST_OPTIONS  # options count from the day of loading
    assigned = await scalar(
        db,
        """
        SELECT count(*) FROM activities a JOIN users u ON a.assignee_ids @> ARRAY[u.id]
        WHERE a.kind = 'technical_service' AND u.email = 'technique@demo.saison'""",
    )
    assert assigned >= 50
    for (data,) in await rows(db, "SELECT data FROM attachments"):
        document = pypdf.PdfReader(io.BytesIO(data), strict=True)
        words = document.pages[0].extract_text()
        assert re.search(r"^(Fiche technique|Plan de feu|Plan d'implantation) — ", words)
    sheets = await scalar(
        db,
        """
        SELECT count(DISTINCT s.show_id) FROM technical_sheets s
        JOIN attachments f ON f.technical_sheet_id = s.id WHERE s.show_id IS NOT NULL""",
    )
    assert sheets >= 5


async def sign_in(http: httpx.AsyncClient, email: str) -> dict[str, Any]:
    """Sign in as a person does; later writes carry the CSRF token they were given."""
    r = await http.post("/api/v1/auth/sign-in", json={"email": email, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    me: dict[str, Any] = r.json()
    http.headers["X-CSRF-Token"] = me["csrf_token"]
    return me


WEEK_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
  <d:prop><d:getetag/><c:calendar-data/></d:prop>
  <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">
    <c:time-range start="{start}" end="{end}"/>
  </c:comp-filter></c:comp-filter></c:filter>
</c:calendar-query>"""


async def test_what_each_account_sees_over_http_and_caldav(
    db: Database, in_process: Served, demo: str
) -> None:
    await every_account_has_a_working_week(db, in_process)
    await linked_rooms_options_and_riders(in_process)
    await the_public_feeds_show_the_season(in_process)


async def the_public_feeds_show_the_season(server: Served) -> None:
    """A first start has a season to publish: the website's feed is not empty, has posters,
    prices and ticket links, and names no one's phone."""
    async with server.client() as http:
        document = (await http.get("/public/events.jsonld")).json()
        events = document["@graph"]
        assert len(events) > 100, len(events)
        assert {e["eventStatus"] for e in events} == {"https://schema.org/EventScheduled"}
        assert sum("image" in e for e in events) > 10
        assert all(e["offers"] and e["offers"][0]["priceCurrency"] == "EUR" for e in events)
        assert any("SoldOut" in e["offers"][0]["availability"] for e in events)
        image = await http.get(httpx.URL(next(e["image"][0] for e in events if "image" in e)).path)
        assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
        agenda = (await http.get("/public/openagenda.json")).json()
        assert agenda["total"] > 20
        text = (await http.get("/public/events.ics")).text
        assert text.count("BEGIN:VEVENT") == len(events)
        assert "@demo.saison" not in text and "+33" not in text and "06 " not in text


async def every_account_has_a_working_week(db: Database, server: Served) -> None:
    start = datetime.combine(TYPICAL_WEEK, time(0), PARIS)
    utc = "%Y%m%dT%H%M%SZ"
    body = WEEK_QUERY.format(
        start=start.astimezone(ZoneInfo("UTC")).strftime(utc),
        end=(start + timedelta(days=7)).astimezone(ZoneInfo("UTC")).strftime(utc),
    )
    # A typical week in each account's "Mon planning", in their phone's calendar app.
    for email, _name, team in DEMO_USERS:
        async with server.client() as http:
            await sign_in(http, email)
            # Scoped to what "Mon planning" needs (an app password without scopes is being
            # fixed elsewhere to mean "as its owner").
            scopes = {"planning": "read", "programming": "read"}
            token = {"name": "iPhone", "kind": "app_password", "scopes": scopes}
            r = await http.post("/api/v1/auth/tokens", json=token)
            assert r.status_code in (200, 201), r.text
            app = httpx.BasicAuth(email, r.json()["secret"])
            calendars = (await http.get("/api/v1/calendars")).json()["calendars"]
            mine = next(c for c in calendars if c["slug"] == "mine")
            assert mine["name"] == "Mon planning"
            r = await http.request(
                "REPORT",
                httpx.URL(mine["caldav_url"]).path,
                content=body,
                headers={"Depth": "1", "Content-Type": "application/xml"},
                auth=app,
            )
            assert r.status_code == 207, r.text
            events = r.text.count("BEGIN:VEVENT")
            assert events >= 3, f"{email} has {events} events in a typical week"
            assert "Réunion de production" in r.text
            if team == "Technique":
                assert "Service de jeu" in r.text

    # And every other week of the season, through the service behind the calendar: the
    # season's events at once, then week by week (a repeating one by its occurrences).
    mondays = weeks(SEASON[0], SEASON[1])
    season = (
        datetime.combine(mondays[0], time(0), PARIS),
        datetime.combine(mondays[-1] + timedelta(days=7), time(0), PARIS),
    )
    async with db.sessions() as session:
        for email, _name, _team in DEMO_USERS:
            user_id = await scalar(db, "SELECT id FROM users WHERE email = :e", e=email)
            principal = await credentials.principal_for(session, user_id, via="session")
            assert principal is not None
            access = Access.of(principal)
            mine = await find_calendar(session, access, "mine")
            assert mine is not None
            events = await load_events(session, mine, access, start=season[0], end=season[1])
            spans = [(e.starts_at, e.ends_at) for e in events if not e.series]
            members = [m for e in events if e.series for m in e.members]
            spans += await rows(
                db, "SELECT starts_at, ends_at FROM activities WHERE id = ANY(:ids)", ids=members
            )
            for monday in mondays:
                begins = datetime.combine(monday, time(0), PARIS)
                ends = begins + timedelta(days=7)
                found = [s for s in spans if s[1] > begins and s[0] < ends]
                assert found, f"{email} has nothing in the week of {monday}"


async def linked_rooms_options_and_riders(server: Served) -> None:
    async with server.client() as http:
        await sign_in(http, "technique@demo.saison")
        api = "/api/v1"
        rooms = {r["name"]: r for r in (await http.get(f"{api}/rooms")).json()["items"]}
        grande, foyer = rooms["Grande salle"], rooms["Hall / foyer"]
        # A show in the Grande salle: the foyer cannot be booked while it plays.
        shows = await http.get(
            f"{api}/activities",
            params={
                "room_id": grande["id"],
                "kind": "performance",
                "status": "confirmed",
                "start": "2027-03-01T00:00:00+01:00",
                "end": "2027-04-01T00:00:00+02:00",
            },
        )
        assert shows.status_code == 200, shows.text
        show = shows.json()["items"][0]
        r = await http.post(
            f"{api}/activities",
            json={
                "kind": "rehearsal",
                "title": "Répétition de la chorale",
                "room_id": foyer["id"],
                "starts_at": show["starts_at"],
                "ends_at": show["ends_at"],
            },
        )
        assert r.status_code == 409, r.text
        assert show["title"] in r.json()["detail"]
        # The companies' riders and plans open as PDF files.
        sheets = (await http.get(f"{api}/technical-sheets", params={"limit": 100})).json()
        riders = [s for s in sheets["items"] if s["show_id"] is not None]
        assert len(riders) >= 5
        files = (
            await http.get(f"{api}/attachments", params={"technical_sheet_id": riders[0]["id"]})
        ).json()["items"]
        assert len(files) >= 2
        for attachment in files:
            r = await http.get(f"{api}/attachments/{attachment['id']}/content")
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("application/pdf")
            document = pypdf.PdfReader(io.BytesIO(r.content), strict=True)
            assert document.metadata is not None and document.metadata.title in (
                attachment["filename"].removesuffix(".pdf")
            )

    async with server.client() as http:
        await sign_in(http, "programmation@demo.saison")
        # Options about to lapse, and who competes for the same dates.
        expiring = await http.get(f"{api}/engagements/expiring", params={"within_days": 7})
        assert expiring.status_code == 200, expiring.text
        rivals = []
        for option in expiring.json():
            competing = await http.get(
                f"{api}/engagements/competing",
                params={k: option[k] for k in ("room_id", "first_day", "last_day")},
            )
            rivals.append(len(competing.json()))
        assert max(rivals, default=0) >= 2 or date.today() > LAST_OPTIONS


async def test_one_administrator_and_the_venues_time_zone(db: Database) -> None:
    # ``saison migrate`` on a new database made its administrator before the demo was chosen.
    made = await create_first_admin(db, get_settings().admin_email)
    assert made is not None
    with venue_of(Settings(timezone="America/Montreal")):  # a venue in Québec
        summary = await load_demo(db, progress=False)
    assert get_settings().admin_email in summary  # it says the unused one was removed
    admins = await rows(db, "SELECT email FROM users WHERE is_admin")
    assert admins == [("admin@demo.saison",)]
    # Evening shows at 20:00 and matinées at 16:00 in Montréal, not in Paris.
    montreal = ZoneInfo("America/Montreal")
    hours = {
        s.astimezone(montreal).time()
        for (s,) in await rows(db, "SELECT starts_at FROM activities WHERE kind = 'performance'")
    }
    assert {time(20), time(16), time(10), time(14, 30)} <= hours
    # A first administrator is then not needed: the demo brought one.
    assert await create_first_admin(db, get_settings().admin_email) is None
