"""Untrusted XML: no entity expansion, no external entities, bounded size, clear 400s."""

from __future__ import annotations

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&lol3;</d:displayname></d:prop></d:propfind>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&xxe;</d:displayname></d:prop></d:propfind>"""


async def test_entities_and_doctypes_are_refused(dav_for, stage):
    app = await dav_for("technique")
    for body in (LAUGHS, EXTERNAL):
        r = await app.dav("PROPFIND", f"{app.home}mine/", body, depth="0")
        assert r.status_code == 400
        assert "est refusé" in r.text and "root:" not in r.text


async def test_malformed_and_unexpected_xml_get_a_clear_400(dav_for, stage):
    app = await dav_for("technique")
    r = await app.dav("REPORT", f"{app.home}mine/", "<c:calendar-query", depth="1")
    assert r.status_code == 400 and "mal formé" in r.text
    r = await app.dav("PROPFIND", f"{app.home}mine/", "<hello/>", depth="0")
    assert r.status_code == 400 and "DAV:propfind" in r.text
    r = await app.dav("REPORT", f"{app.home}mine/", "", depth="1")
    assert r.status_code == 400
    r = await app.dav(
        "REPORT",
        f"{app.home}mine/",
        '<d:expand-property xmlns:d="DAV:"/>',
        depth="0",
    )
    assert r.status_code == 403 and "supported-report" in r.text


async def test_oversized_bodies_are_refused(dav_for, stage):
    app = await dav_for("technique")
    huge = (
        '<d:propfind xmlns:d="DAV:"><d:prop>'
        + "<d:displayname/>" * 200_000
        + "</d:prop></d:propfind>"
    )
    r = await app.dav("PROPFIND", f"{app.home}mine/", huge, depth="0")
    assert r.status_code == 413


async def test_calendar_properties_are_not_changed_by_apps(dav_for, stage):
    app = await dav_for("technique")
    body = """<d:propertyupdate xmlns:d="DAV:" xmlns:a="http://apple.com/ns/ical/"><d:set><d:prop>
        <a:calendar-color>#FF0000</a:calendar-color></d:prop></d:set></d:propertyupdate>"""
    r = await app.dav("PROPPATCH", f"{app.home}mine/", body)
    assert r.status_code == 207 and "403 Forbidden" in r.text and "calendar-color" in r.text
