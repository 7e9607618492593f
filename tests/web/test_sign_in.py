"""Signing in and out in the browser: where one was going, and messages people understand."""

from __future__ import annotations

import asyncio

import httpx
from playwright.async_api import expect

from tests.factories import PASSWORD
from tests.web.conftest import OpenPage

WEEK = "/planning?view=week&date=2027-01-14"


async def test_sign_in_then_back_to_where_one_was_going(open_page: OpenPage, people):
    page = await open_page(None, WEEK)

    # Not signed in: the sign-in form, remembering the week asked for.
    await expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    assert "/sign-in?next=" in page.url and "2027-01-14" in page.url

    await page.get_by_label("Adresse e-mail").fill("technique@test.saison")
    await page.get_by_label("Mot de passe").fill("pas le bon")
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page.get_by_role("alert")).to_have_text(
        "Adresse e-mail ou mot de passe incorrect."
    )
    # The email stays; the wrong password is cleared for the next try.
    await expect(page.get_by_label("Adresse e-mail")).to_have_value("technique@test.saison")
    await expect(page.get_by_label("Mot de passe")).to_have_value("")

    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_label("Mot de passe").press("Enter")
    await expect(
        page.get_by_role("heading", name="Semaine du 11 janv. au dim. 17 janv. 2027")
    ).to_be_visible()
    assert page.url.endswith(WEEK)
    await expect(page.get_by_text("Connecté·e : Technique")).to_be_visible()

    await page.get_by_role("button", name="Se déconnecter").click()
    await expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    # The session is over on the server too: the planning asks to sign in again.
    await page.goto(WEEK)
    await expect(page.get_by_role("heading", name="Connexion")).to_be_visible()


async def test_wrong_passwords_slow_down_are_explained_and_never_lock_out(
    open_page: OpenPage, people, server_url
):
    """Past five failures each attempt waits first (1 s, 2 s, 4 s… up to 5 s), then is checked
    as usual; beyond four waiting at once, one is told how long to wait (server/accounts/
    throttling.py)."""
    wrong = {"email": "rp@test.saison", "password": "non"}
    async with httpx.AsyncClient(base_url=server_url, timeout=60) as client:
        for _ in range(5):
            r = await client.post("/api/v1/auth/sign-in", json=wrong)
            assert r.status_code == 401
        page = await open_page(None, "/sign-in")
        await page.get_by_label("Adresse e-mail").fill("rp@test.saison")
        # A script keeps guessing from this address: four of its attempts wait their turn …
        guesses = [
            asyncio.create_task(client.post("/api/v1/auth/sign-in", json=wrong)) for _ in range(4)
        ]
        await asyncio.sleep(0.5)  # (they reach the server; the first waits 1 s, the last 12 s)
        await page.get_by_label("Mot de passe").fill("encore faux")
        await page.get_by_role("button", name="Se connecter").click()
        # … so one more is told, in seconds, when to try again.
        await expect(page.get_by_role("alert")).to_have_text(
            "Trop de tentatives de connexion à la fois. Réessayez dans 5 s."
        )
        assert [r.status_code for r in await asyncio.gather(*guesses)] == [401] * 4
    # The right password still signs in, after its wait: never a lockout.
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page.get_by_text("Connecté·e : Rp")).to_be_visible(timeout=20_000)


async def test_the_page_speaks_english_to_an_english_browser(open_page: OpenPage, people):
    page = await open_page(None, "/", locale="en-GB")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await page.get_by_label("Email").fill("technique@test.saison")
    await page.get_by_label("Password").fill("wrong")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    # And a French speaker can switch at once.
    await page.get_by_role("button", name="Français").click()
    await expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
