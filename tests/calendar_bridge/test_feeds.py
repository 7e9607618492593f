"""ICS subscriptions for Google Calendar and Outlook: secret URLs, cheap revalidation, revocable."""

from __future__ import annotations

from tests.calendar_bridge.conftest import events_of


async def test_a_feed_serves_the_calendar_and_revalidates_cheaply(
    signed_in, in_process, stage, admin
):
    me = await signed_in("technique")
    r = await me.post("/calendar-feeds", json={"scope": "mine"})
    assert r.status_code == 201, r.text
    feed = r.json()
    assert feed["url"].startswith("http://127.0.0.1:8000/ics/scf_")  # the public address
    assert feed["webcal_url"] == "webcal://" + feed["url"].split("://", 1)[1]
    path = feed["url"].split("8000", 1)[1]

    async with in_process.client() as http:
        r = await http.get(path)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/calendar")
        calendar = events_of(r.content)
        assert {str(e["SUMMARY"]) for e in calendar} == {"Montage Phèdre", "Service Phèdre"}
        assert "X-WR-CALNAME:Mon planning" in r.text
        etag, modified = r.headers["etag"], r.headers["last-modified"]

        assert (await http.get(path, headers={"If-None-Match": etag})).status_code == 304
        assert (await http.get(path, headers={"If-Modified-Since": modified})).status_code == 304

        await admin.patch(
            f"/activities/{stage['activity']['id']}",
            {"title": "Montage Phèdre, équipe renforcée"},
            stage["activity"]["version"],
        )
        r = await http.get(path, headers={"If-None-Match": etag})
        assert r.status_code == 200 and r.headers["etag"] != etag
        assert "équipe renforcée" in r.text.replace("\r\n ", "")

    listed = (await me.get("/calendar-feeds")).json()
    assert [f["id"] for f in listed] == [feed["id"]] and "secret" not in listed[0]
    assert feed["secret"] not in (await me.get("/calendar-feeds")).text

    assert (await me.delete(f"/calendar-feeds/{feed['id']}")).status_code == 204
    async with in_process.client() as http:
        assert (await http.get(path)).status_code == 404
        assert (await http.get(path.replace("scf_", "scf_x"))).status_code == 404


async def test_feeds_exist_per_room_team_and_for_performances(signed_in, in_process, stage, teams):
    me = await signed_in("technique")
    for scope, expected in (
        (f"room:{stage['studio']['id']}", {"Phèdre", "Réunion de saison"}),
        (f"team:{teams['Technique']}", {"Montage Phèdre", "Service Phèdre"}),
        ("performances", {"Phèdre"}),
    ):
        r = await me.post("/calendar-feeds", json={"scope": scope})
        assert r.status_code == 201, r.text
        async with in_process.client() as http:
            served = await http.get(r.json()["url"].split("8000", 1)[1])
        assert {str(e["SUMMARY"]) for e in events_of(served.content)} == expected, scope


async def test_feeds_only_for_ones_own_calendars_and_from_a_session(
    signed_in, stage, teams, people
):
    me = await signed_in("technique")
    for scope in (f"team:{teams['Communication']}", "room:999999", "everything"):
        r = await me.post("/calendar-feeds", json={"scope": scope})
        assert r.status_code == 422, scope
    nobody = await signed_in("nobody")
    assert (await nobody.post("/calendar-feeds", json={"scope": "mine"})).status_code == 422
    # An API token (possibly narrower than its owner) cannot mint a feed of the owner's rights.
    r = await people["technique"].post("/calendar-feeds", {"scope": "mine"})
    assert r.status_code == 403


async def test_my_calendars_are_listed_with_their_addresses(signed_in, stage):
    me = await signed_in("technique")
    listing = (await me.get("/calendars")).json()
    assert listing["caldav_url"] == "http://127.0.0.1:8000/dav/"
    scopes = {c["feed_scope"]: c["writable"] for c in listing["calendars"]}
    assert scopes["mine"] is True and scopes["performances"] is False
