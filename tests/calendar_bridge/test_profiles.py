"""Apple configuration profiles: an iPhone, iPad or Mac set up from one file."""

from __future__ import annotations

import plistlib

from tests.conftest import token_for

PATH = "/calendars/profile"


def caldav_payload(body: bytes) -> dict:
    profile = plistlib.loads(body)
    assert profile["PayloadType"] == "Configuration"
    (account,) = profile["PayloadContent"]
    assert account["PayloadType"] == "com.apple.caldav.account"
    return account


async def test_anonymous_gets_no_profile(people):
    assert (await people["anonymous"].get(PATH + "/")).status_code == 401
    r = await people["anonymous"].post(PATH + "/", {"app_password": None})
    assert r.status_code == 401


async def test_the_profile_names_the_server_and_the_person_and_lets_the_device_ask(people):
    me = people["technique"]
    r = await me.get(PATH + "/")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/x-apple-aspen-config")
    assert "saison.mobileconfig" in r.headers["content-disposition"]
    account = caldav_payload(r.content)
    assert account["CalDAVHostName"] == "127.0.0.1"
    assert account["CalDAVPort"] == 8000
    assert account["CalDAVUseSSL"] is False
    assert account["CalDAVUsername"] == "technique@test.saison"
    assert account["CalDAVPrincipalURL"] == (
        f"http://127.0.0.1:8000/dav/principals/{me.user['id']}/"
    )
    assert "CalDAVPassword" not in account  # the device asks for it


async def test_a_fresh_app_password_of_ones_own_goes_in_the_profile(people, db):
    me, other = people["technique"], people["programmation"]
    mine = await token_for(db, me.user["id"], kind="app_password")
    r = await me.post(PATH + "/", {"app_password": mine})
    assert r.status_code == 200, r.text
    assert caldav_payload(r.content)["CalDAVPassword"] == mine

    # Someone else's app password, an API token, or junk: refused, nothing leaks.
    theirs = await token_for(db, other.user["id"], kind="app_password")
    api_token = await token_for(db, me.user["id"])
    for wrong in (theirs, api_token, "sap_000000000000_nope"):
        r = await me.post(PATH + "/", {"app_password": wrong})
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == "app_password"


async def test_reinstalling_replaces_the_account_instead_of_adding_one(people):
    me = people["rp"]
    first = plistlib.loads((await me.get(PATH + "/")).content)
    again = plistlib.loads((await me.get(PATH + "/")).content)
    assert first["PayloadUUID"] == again["PayloadUUID"]
    other = plistlib.loads((await people["technique"].get(PATH + "/")).content)
    assert other["PayloadUUID"] != first["PayloadUUID"]
    assert other["PayloadIdentifier"] != first["PayloadIdentifier"]
