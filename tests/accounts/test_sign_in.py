"""Signing in with a password: the session cookie, CSRF protection, sign-out, throttling."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie
from typing import Any

import httpx
import pytest

from server.settings import Settings
from tests.conftest import Served, serving, token_for
from tests.factories import PASSWORD

# The back-off's first wait in the tests of throttling (1 s in production): the same waits,
# doubled at each failure, ten times shorter (still several times a sign-in's own time).
FIRST_DELAY = 0.1


@pytest.fixture
async def browser(in_process: str, people) -> AsyncIterator[httpx.AsyncClient]:
    """A client that keeps cookies, like a browser, and is not signed in yet."""
    async with in_process.client("/api/v1") as client:
        yield client


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> Any:
    return await client.post("/auth/sign-in", json={"email": email, "password": password})


def session_cookie(response: httpx.Response) -> Any:
    jar = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        jar.load(header)
    return jar["saison_session"]


async def test_signing_in_sets_a_protected_session_cookie(browser):
    r = await sign_in(browser, "technique@test.saison")
    assert r.status_code == 200
    me = r.json()
    assert me["email"] == "technique@test.saison" and me["is_admin"] is False
    assert me["levels"]["technical"] == "manage" and me["levels"]["contracts"] == "none"
    assert me["csrf_token"]

    cookie = session_cookie(r)
    assert cookie.value and cookie.value not in r.text  # the secret is only in the cookie
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() in {"lax", "strict"}
    assert cookie["path"] == "/"
    assert not cookie["secure"]  # plain HTTP in tests; SAISON_SECURE_COOKIES turns it on

    again = await browser.get("/auth/me")
    assert again.status_code == 200
    assert again.json()["user_id"] == me["user_id"]
    assert again.json()["csrf_token"] == me["csrf_token"]


async def test_the_cookie_lasts_as_long_as_the_session(browser):
    date = datetime.now(UTC).replace(microsecond=0)  # when it was asked (HTTP dates are whole)
    r = await sign_in(browser, "technique@test.saison")
    cookie = session_cookie(r)
    if cookie["max-age"]:
        lifetime = int(cookie["max-age"])
    else:
        lifetime = (parsedate_to_datetime(cookie["expires"]) - date).total_seconds()
    days = lifetime / 86400
    assert 13.9 < days <= 14.01  # SAISON_SESSION_DAYS, 14 by default


async def test_email_is_not_case_sensitive(browser):
    assert (await sign_in(browser, "  Technique@TEST.saison ")).status_code == 200


async def test_writes_with_the_cookie_need_the_csrf_token(browser, admin, season):
    me = (await sign_in(browser, "technique@test.saison")).json()
    room = {"venue_id": season["venue"]["id"], "name": "Foyer"}

    for headers in ({}, {"X-CSRF-Token": "devine"}, {"X-CSRF-Token": ""}):
        refused = await browser.post("/rooms", json=room, headers=headers)
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "CSRF" in refused.json()["detail"]
    assert (await admin.get("/rooms", params={"q": "Foyer"})).json()["total"] == 0

    made = await browser.post("/rooms", json=room, headers={"X-CSRF-Token": me["csrf_token"]})
    assert made.status_code == 201
    history = (await admin.get(f"/changes/room/{made.json()['id']}")).json()["items"]
    assert history[0]["actor_id"] == me["user_id"]

    # Reads need no token.
    assert (await browser.get("/rooms")).status_code == 200


async def test_signing_out_ends_the_session(browser, in_process):
    r = await sign_in(browser, "technique@test.saison")
    secret, csrf = session_cookie(r).value, r.json()["csrf_token"]

    assert (await browser.post("/auth/sign-out")).status_code == 403  # CSRF applies here too
    out = await browser.post("/auth/sign-out", headers={"X-CSRF-Token": csrf})
    assert out.status_code == 204
    assert session_cookie(out).value == ""
    assert (await browser.get("/auth/me")).status_code == 401

    # The old cookie, replayed by someone who kept it, is dead too.
    async with in_process.client("/api/v1") as thief:
        replay = await thief.get("/auth/me", cookies={"saison_session": secret})
        assert replay.status_code == 401
        assert replay.headers["content-type"].startswith("application/problem+json")


async def test_a_forged_cookie_is_not_a_session(in_process, people):
    async with in_process.client("/api/v1") as client:
        r = await client.get("/organisations", cookies={"saison_session": "n-importe-quoi"})
        assert r.status_code == 401


async def test_wrong_password_and_unknown_email_get_the_same_answer(browser):
    wrong = await sign_in(browser, "technique@test.saison", "pas-le-bon-mot-de-passe")
    unknown = await sign_in(browser, "personne@test.saison", "pas-le-bon-mot-de-passe")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.headers["content-type"].startswith("application/problem+json")
    # Each answer names its own request (for the logs); nothing else tells them apart.
    assert wrong.json().pop("request_id") != unknown.json().pop("request_id")
    answers = [{k: v for k, v in r.json().items() if k != "request_id"} for r in (wrong, unknown)]
    assert answers[0] == answers[1]
    assert "saison_session" not in wrong.headers.get("set-cookie", "")


async def test_a_deactivated_person_cannot_sign_in_nor_keep_their_session(browser, admin):
    signed = await sign_in(browser, "rp@test.saison")
    assert signed.status_code == 200
    rp = (await admin.get("/users", params={"q": "rp@test.saison"})).json()["items"][0]
    r = await admin.patch(f"/users/{rp['id']}", {"is_active": False}, version=rp["version"])
    assert r.status_code == 200

    assert (await browser.get("/auth/me")).status_code == 401
    again = await sign_in(browser, "rp@test.saison")
    assert again.status_code == 401
    assert again.json()["detail"] == (await sign_in(browser, "x@test.saison", "y")).json()["detail"]


@pytest.fixture(scope="module")
async def throttled(database_url: str) -> AsyncIterator[tuple[Served, Served]]:
    """Two applications on the shared database behind a reverse proxy at 127.0.0.1, as two
    server processes are (failures are counted in the database, not in a process), waiting
    ``FIRST_DELAY`` first, then twice that, and so on."""
    settings = Settings(trusted_proxies=("127.0.0.1",), sign_in_first_delay=FIRST_DELAY)
    async with serving(database_url, settings) as a, serving(database_url, settings) as b:
        yield a, b


async def sign_in_from(
    base: str | Served, address: str, email: str, password: str = PASSWORD
) -> Any:
    """A sign-in from ``address``, as the reverse proxy in front of Saison reports it."""
    served = Served(base) if isinstance(base, str) else base
    async with served.client("/api/v1", timeout=60) as client:
        return await client.post(
            "/auth/sign-in",
            json={"email": email, "password": password},
            headers={"X-Forwarded-For": address},
        )


async def timed(attempt: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = await attempt
    return result, time.monotonic() - started


async def test_wrong_passwords_from_elsewhere_never_lock_the_owner_out(throttled, people, db):
    a, b = throttled
    # Someone guessing through both processes, past the free attempts (5) into the delays
    # (1 s, 2 s in production), does not lock the owner out.
    for attempt in range(7):
        guessed = await sign_in_from(
            (a, b)[attempt % 2], "203.0.113.9", "technique@test.saison", "x"
        )
        assert guessed.status_code == 401
    owner = await sign_in_from(b, "198.51.100.7", "technique@test.saison")
    assert owner.status_code == 200
    # … nor their calendar apps, even from the guesser's own address.
    assert people["technique"].user is not None
    phone = await token_for(db, people["technique"].user["id"], kind="app_password")
    async with a.client(headers={"X-Forwarded-For": "203.0.113.9"}) as http:
        synced = await http.request(
            "PROPFIND", "/dav/", auth=("technique@test.saison", phone), headers={"Depth": "0"}
        )
    assert synced.status_code == 207


async def test_my_own_mistakes_slow_me_down_but_the_right_password_still_works(throttled, people):
    a, b = throttled
    me = ("192.0.2.44", "technique@test.saison")
    for _ in range(5):  # SAISON_SIGN_IN_ATTEMPTS: free
        assert (await sign_in_from(a, *me, "essai-au-hasard")).status_code == 401
    sixth, waited = await timed(sign_in_from(b, *me, "essai-au-hasard"))
    # then 1 s, 2 s, 4 s… (bounded) in production
    assert sixth.status_code == 401 and waited >= FIRST_DELAY
    seventh, waited = await timed(sign_in_from(a, *me, "encore-faux"))
    assert seventh.status_code == 401 and waited >= 2 * FIRST_DELAY
    right = await sign_in_from(b, *me)
    assert right.status_code == 200  # after a wait, never a lockout


async def test_failures_from_one_address_do_not_block_the_others_behind_it(throttled, people):
    """Twenty failures from one address (different emails): the people sharing that address,
    and those behind the same reverse proxy, still sign in."""
    a, b = throttled
    for n in range(20):
        r = await sign_in_from(a, "192.0.2.80", f"personne{n}@test.saison", "devine")
        assert r.status_code == 401
    assert (await sign_in_from(b, "192.0.2.81", "rp@test.saison")).status_code == 200
    assert (await sign_in_from(a, "192.0.2.80", "communication@test.saison")).status_code == 200


async def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(browser, admin):
    """Rotating X-Forwarded-For does not make a client someone else (nor dodge the limit)."""
    for n in range(6):
        r = await browser.post(
            "/auth/sign-in",
            json={"email": f"robot{n}@test.saison", "password": "devine"},
            headers={"X-Forwarded-For": f"10.9.8.{n}"},
        )
        assert r.status_code == 401
    log = (await admin.get("/changes", params={"workspace": "administration"})).json()["items"]
    failed = [c for c in log if c["action"] == "auth.sign_in_failed"]
    assert [c["after"]["ip"] for c in failed] == ["127.0.0.1"] * 6


async def test_behind_a_trusted_proxy_the_client_address_is_the_one_it_saw(
    servers_behind_proxy, admin
):
    """The proxy appends the address it saw: what a client wrote before it is not believed."""
    a, _ = servers_behind_proxy
    r = await sign_in_from(a, "6.6.6.6, 203.0.113.50", "robot@test.saison", "devine")
    assert r.status_code == 401
    log = (await admin.get("/changes", params={"workspace": "administration"})).json()["items"]
    [failed] = [c for c in log if c["action"] == "auth.sign_in_failed"]
    assert failed["after"]["ip"] == "203.0.113.50"


async def test_unknown_emails_are_slowed_down_like_known_ones(throttled, people):
    """Otherwise the answer or its delay would tell which emails have an account."""
    a, _ = throttled
    answers = []
    for email in ("inconnu@test.saison", "rp@test.saison"):
        for _ in range(5):
            await sign_in_from(a, "192.0.2.90", email, "essai-au-hasard")
        r, waited = await timed(sign_in_from(a, "192.0.2.90", email, "essai"))
        answers.append((r.status_code, r.json()["detail"], waited >= FIRST_DELAY))
    assert answers[0] == answers[1] == (401, answers[0][1], True)


async def test_changing_my_password(browser, in_process):
    me = (await sign_in(browser, "technique@test.saison")).json()
    csrf = {"X-CSRF-Token": me["csrf_token"]}

    wrong = await browser.post(
        "/auth/password",
        json={"current_password": "pas-le-bon", "new_password": "un-nouveau-mot-de-passe"},
        headers=csrf,
    )
    assert wrong.status_code == 422
    assert [e["field"] for e in wrong.json()["errors"]] == ["current_password"]

    short = await browser.post(
        "/auth/password",
        json={"current_password": PASSWORD, "new_password": "court"},
        headers=csrf,
    )
    assert short.status_code == 422
    assert "new_password" in [e["field"] for e in short.json()["errors"]]

    no_csrf = await browser.post(
        "/auth/password",
        json={"current_password": PASSWORD, "new_password": "un-nouveau-mot-de-passe"},
    )
    assert no_csrf.status_code == 403

    done = await browser.post(
        "/auth/password",
        json={"current_password": PASSWORD, "new_password": "un-nouveau-mot-de-passe"},
        headers=csrf,
    )
    assert done.status_code == 204
    assert (await browser.get("/auth/me")).status_code == 200  # this session goes on

    async with in_process.client("/api/v1") as elsewhere:
        assert (await sign_in(elsewhere, "technique@test.saison")).status_code == 401
        new = await sign_in(elsewhere, "technique@test.saison", "un-nouveau-mot-de-passe")
        assert new.status_code == 200


async def test_sign_in_input_is_checked(browser):
    r = await browser.post("/auth/sign-in", json={"email": "technique@test.saison"})
    assert r.status_code == 422
    assert "password" in [e["field"] for e in r.json()["errors"]]
