"""Calendar apps sign in with an app password over Basic; wrong ones are refused and throttled."""

from __future__ import annotations

import httpx

from tests.conftest import Api, token_for

PROPFIND = '<d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>'


async def test_no_credentials_get_a_basic_challenge(in_process):
    async with in_process.client() as http:
        r = await http.request("PROPFIND", "/dav/", content=PROPFIND, headers={"Depth": "0"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith('Basic realm="Saison"')


async def test_wrong_passwords_are_refused_then_throttled_never_the_right_one(
    dav_for, in_process, admin
):
    app = await dav_for("technique")
    async with in_process.client() as http:
        for _ in range(5):
            r = await http.request(
                "PROPFIND", "/dav/", content=PROPFIND, auth=(app.email, "sap_000000000000_guess")
            )
            assert r.status_code == 401 and "mot de passe d’application" in r.text
        r = await http.request(
            "PROPFIND",
            "/dav/",
            content=PROPFIND,
            auth=(app.email, "sap_000000000000_guess"),
            headers={"Accept-Language": "en-GB,en;q=0.9"},  # an English phone
        )
        assert r.status_code == 429 and "Too many failed attempts" in r.text
        assert int(r.headers["retry-after"]) >= 1
        # The right app password is never refused for wrong ones: they cannot be guessed.
        r = await http.request(
            "PROPFIND", "/dav/", content=PROPFIND, auth=(app.email, app.password)
        )
        assert r.status_code == 207
    # … and every failure answered is in the history, for administrators to see.
    changes = (await admin.get("/changes", params={"limit": 100})).json()["items"]
    failed = [c for c in changes if c["action"] == "auth.app_password_failed"]
    assert len(failed) == 6 and failed[0]["after"]["email"] == app.email
    assert failed[0]["after"]["credential"] == "sap_000000000000"


async def test_a_forgotten_ipad_with_a_revoked_password_does_not_lock_out_the_iphone(
    servers_behind_proxy, people, db, admin
):
    """Same person, same home network, two processes: the iPad keeps polling with a password
    revoked since; the iPhone's valid one syncs every time."""
    a, b = servers_behind_proxy
    me = people["technique"]
    assert me.user is not None
    ipad = await token_for(db, me.user["id"], kind="app_password")
    iphone = await token_for(db, me.user["id"], kind="app_password")
    listed = (await me.get("/auth/tokens")).json()
    ipad_id = next(t["id"] for t in listed if ipad.startswith(t["prefix"] + "_"))
    assert (await me.delete(f"/auth/tokens/{ipad_id}")).status_code == 204
    home = {"X-Forwarded-For": "198.51.100.23"}
    async with httpx.AsyncClient(headers=home) as http:
        answers = []
        for poll in range(12):
            base = (a, b)[poll % 2]
            r = await http.request(
                "PROPFIND", base + "/dav/", content=PROPFIND, auth=(me.user["email"], ipad)
            )
            answers.append(r.status_code)
            synced = await http.request(
                "PROPFIND", base + "/dav/", content=PROPFIND, auth=(me.user["email"], iphone)
            )
            assert synced.status_code == 207, f"the iPhone was refused after {poll + 1} polls"
        assert set(answers) <= {401, 429} and answers[-1] == 429  # the iPad slows down
    changes = (await admin.get("/changes", params={"limit": 100})).json()["items"]
    failed = [c["after"] for c in changes if c["action"] == "auth.app_password_failed"]
    assert failed and all(f["ip"] == "198.51.100.23" for f in failed)  # as the proxy saw it
    assert all(ipad.startswith(f["credential"] + "_") for f in failed)


async def test_a_revoked_app_password_fails_on_the_next_request_on_another_process(
    servers_behind_proxy, people, db
):
    a, b = servers_behind_proxy
    me = people["technique"]
    assert me.user is not None
    owner_on_a = Api(a, await token_for(db, me.user["id"]))
    async with httpx.AsyncClient() as http:
        for _ in range(5):
            phone = await token_for(db, me.user["id"], kind="app_password")
            auth = (me.user["email"], phone)
            first = await http.request("PROPFIND", b + "/dav/", content=PROPFIND, auth=auth)
            assert first.status_code == 207  # resolved and cached on B
            listed = (await owner_on_a.get("/auth/tokens")).json()
            phone_id = next(t["id"] for t in listed if phone.startswith(t["prefix"] + "_"))
            assert (await owner_on_a.delete(f"/auth/tokens/{phone_id}")).status_code == 204
            again = await http.request("PROPFIND", b + "/dav/", content=PROPFIND, auth=auth)
            assert again.status_code == 401, "a revoked app password still synced elsewhere"
    await owner_on_a.close()


async def test_only_app_passwords_of_this_person_open_calendars(dav_for, db, people, in_process):
    app = await dav_for("technique")
    other = await dav_for("rp")
    api_token = await token_for(db, app.user_id)  # an API token is not an app password
    async with in_process.client() as http:
        for email, secret in ((app.email, api_token), (app.email, other.password)):
            r = await http.request("PROPFIND", "/dav/", content=PROPFIND, auth=(email, secret))
            assert r.status_code == 401
        r = await http.request(
            "PROPFIND", "/dav/", content=PROPFIND, auth=(app.email.upper(), app.password)
        )
        assert r.status_code == 207  # emails are not case-sensitive


async def test_a_revoked_app_password_stops_working(dav_for, people, in_process):
    app = await dav_for("technique")
    assert (await app.dav("PROPFIND", "/dav/", PROPFIND)).status_code == 207
    me = people["technique"]
    listed = (await me.get("/auth/tokens")).json()
    [token] = [t for t in listed if t["kind"] == "app_password" and t["revoked_at"] is None]
    assert token["last_used_at"] is not None
    assert (await me.delete(f"/auth/tokens/{token['id']}")).status_code == 204
    assert (await app.dav("PROPFIND", "/dav/", PROPFIND)).status_code == 401


async def test_basic_credentials_elsewhere_are_a_clean_401(dav_for, in_process):
    app = await dav_for("technique")
    r = await app.http.get("/api/v1/activities")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_an_app_password_made_as_the_readme_says_syncs_and_writes(
    in_process, server_url, people, stage, admin
):
    """Exactly the README: sign in, ``POST /api/v1/auth/tokens`` with ``{"name": "iPhone",
    "kind": "app_password"}`` (no scopes), then a calendar app with email + that password."""
    import caldav

    from tests.calendar_bridge.test_writes import vevent
    from tests.factories import PASSWORD

    email = "technique@test.saison"
    async with in_process.client("/api/v1") as browser:
        signed = await browser.post("/auth/sign-in", json={"email": email, "password": PASSWORD})
        assert signed.status_code == 200
        browser.headers["X-CSRF-Token"] = signed.json()["csrf_token"]
        made = await browser.post("/auth/tokens", json={"name": "iPhone", "kind": "app_password"})
        assert made.status_code == 201, made.text
        secret = made.json()["secret"]

    phone = caldav.DAVClient(url=server_url + "/dav/", username=email, password=secret)
    calendars = {
        str(c.url).rstrip("/").rsplit("/", 1)[-1]: c for c in phone.principal().calendars()
    }
    room = f"room-{stage['room']['id']}"
    assert {"mine", "performances", room} <= set(calendars)

    # A first sync gets every event of the room; an incremental one gets what changed since.
    synced = calendars[room].objects_by_sync_token(load_objects=True)
    titles = {str(o.icalendar_component["SUMMARY"]) for o in synced}
    assert "Phèdre" in titles
    calendars[room].save_event(
        vevent("IPHONE-1@example.org", "Réglages lumière", "20261112T080000Z", "20261112T110000Z")
    )
    made_here = (await admin.get("/activities", params={"q": "Réglages lumière"})).json()["items"]
    assert [a["room_id"] for a in made_here] == [stage["room"]["id"]]
    updated, deleted = synced.sync()
    assert [str(o.icalendar_component["SUMMARY"]) for o in updated] == ["Réglages lumière"]
    assert not deleted
