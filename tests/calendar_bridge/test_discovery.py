"""A calendar app given the server's address finds the person and their calendars."""

from __future__ import annotations

PROPFIND_PRINCIPAL = """<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>"""


async def test_well_known_address_leads_to_the_caldav_root(in_process):
    async with in_process.client() as http:
        for method in ("GET", "PROPFIND"):
            r = await http.request(method, "/.well-known/caldav")
            assert r.status_code == 301
            assert r.headers["location"] == "/dav/"


async def test_options_announce_calendar_access_without_signing_in(in_process):
    async with in_process.client() as http:
        r = await http.options("/dav/")
    assert r.status_code == 200
    assert "calendar-access" in r.headers["dav"]
    assert "REPORT" in r.headers["allow"] and "PROPFIND" in r.headers["allow"]


async def test_principal_and_calendar_home_are_discovered(dav_for, stage):
    app = await dav_for("technique")
    r = await app.dav("PROPFIND", "/dav/", PROPFIND_PRINCIPAL, depth="0")
    assert r.status_code == 207
    assert f"<d:href>/dav/principals/{app.user_id}/</d:href>" in r.text

    principal = app.client().principal()
    assert str(principal.url).endswith(f"/dav/principals/{app.user_id}/")
    assert str(principal.calendar_home_set.url).endswith(app.home)
    assert f"mailto:{app.email}" in [str(a) for a in principal.calendar_user_address_set()]


async def test_each_person_gets_the_calendars_their_permissions_allow(dav_for, stage, teams):
    rooms = {f"room-{stage['room']['id']}", f"room-{stage['studio']['id']}"}

    technique = await dav_for("technique")
    calendars = {str(c.url).rstrip("/").rsplit("/", 1)[-1]: c for c in
                 technique.client().principal().calendars()}  # fmt: skip
    assert set(calendars) == {"mine", f"team-{teams['Technique']}", "performances", *rooms}
    assert calendars["mine"].get_display_name() == "Mon planning"
    assert calendars[f"room-{stage['room']['id']}"].get_display_name() == (
        "Grande salle · Théâtre de la Halle"
    )

    admin = await dav_for("admin")  # in no team: "my schedule" (what is assigned by name)
    slugs = {
        str(c.url).rstrip("/").rsplit("/", 1)[-1] for c in admin.client().principal().calendars()
    }
    assert slugs == {"mine", "performances", *rooms}

    nobody = await dav_for("nobody")
    assert nobody.client().principal().calendars() == []

    # An app password scoped to the planning and rooms: no performances anywhere.
    narrow = await dav_for("technique", scopes={"planning": "read", "technical": "read"})
    slugs = {
        str(c.url).rstrip("/").rsplit("/", 1)[-1] for c in narrow.client().principal().calendars()
    }
    assert slugs == {"mine", f"team-{teams['Technique']}", *rooms}


async def test_calendars_say_whether_they_take_changes(dav_for, stage):
    body = """<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"
        xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:current-user-privilege-set/>
        <c:supported-calendar-component-set/><cs:getctag/><d:sync-token/>
        <d:supported-report-set/></d:prop></d:propfind>"""
    room = f"room-{stage['room']['id']}"

    writer = await dav_for("technique")
    r = await writer.dav("PROPFIND", f"{writer.home}{room}/", body, depth="0")
    assert r.status_code == 207
    assert "<d:write />" in r.text and '<cal:comp name="VEVENT" />' in r.text
    assert "sync-collection" in r.text and "calendar-multiget" in r.text
    assert "<cs:getctag>https://saison.dev/sync/" in r.text

    r = await writer.dav("PROPFIND", f"{writer.home}performances/", body, depth="0")
    assert "<d:read />" in r.text and "<d:write />" not in r.text

    reader = await dav_for("communication")  # reads the planning, may not change it
    r = await reader.dav("PROPFIND", f"{reader.home}{room}/", body, depth="0")
    assert "<d:read />" in r.text and "<d:write />" not in r.text


async def test_nobody_sees_another_persons_calendars(dav_for, stage, people):
    app = await dav_for("technique")
    other = people["programmation"].user["id"]
    for path in (f"/dav/principals/{other}/", f"/dav/calendars/{other}/",
                 f"/dav/calendars/{other}/performances/"):  # fmt: skip
        r = await app.dav("PROPFIND", path, PROPFIND_PRINCIPAL, depth="0")
        assert r.status_code == 404, path
    r = await app.dav("PROPFIND", f"{app.home}room-999999/", PROPFIND_PRINCIPAL, depth="0")
    assert r.status_code == 404


async def test_unknown_properties_are_reported_missing_not_failed(dav_for, stage):
    app = await dav_for("technique")
    body = """<d:propfind xmlns:d="DAV:" xmlns:x="urn:example"><d:prop><d:displayname/>
        <x:favourite-colour/></d:prop></d:propfind>"""
    r = await app.dav("PROPFIND", f"{app.home}mine/", body, depth="0")
    assert r.status_code == 207
    assert "Mon planning" in r.text
    assert "favourite-colour" in r.text and "404 Not Found" in r.text
