"""My calendars: an app password shown once, a phone set up from a profile, revoked at will."""

from __future__ import annotations

import plistlib
from pathlib import Path

import httpx
from playwright.async_api import expect

from tests.web.conftest import OpenPage

EMAIL = "technique@test.saison"


async def test_an_app_password_sets_up_a_device_and_revoking_it_stops_calendar_apps(
    open_page: OpenPage, people, server_url, tmp_path: Path
):
    page = await open_page(EMAIL, "/planning", permissions=["clipboard-read", "clipboard-write"])
    await page.get_by_role("link", name="Mes calendriers").click()
    await expect(page.get_by_role("heading", name="Mes calendriers", level=1)).to_be_visible()
    await expect(page.get_by_test_id("caldav-url")).to_have_text("http://127.0.0.1:8000/dav/")
    await expect(page.get_by_text("Aucun mot de passe d’application.")).to_be_visible()

    # A name is needed; then the secret is shown, once.
    await page.get_by_role("button", name="Créer un mot de passe").click()
    await expect(page.get_by_text("Donnez un nom à l’appareil.")).to_be_visible()
    await page.get_by_label("Nom de l’appareil").fill("iPhone de Léa")
    await page.get_by_label("Nom de l’appareil").press("Enter")
    fresh = page.get_by_role("region", name="Mot de passe d’application « iPhone de Léa »")
    await expect(fresh).to_be_visible()
    secret = (await page.get_by_test_id("fresh-secret").text_content() or "").strip()
    assert secret.startswith("sap_")
    await fresh.get_by_role("button", name="Copier").click()
    await expect(page.get_by_text("Copié dans le presse-papiers.")).to_be_visible()
    assert await page.evaluate("navigator.clipboard.readText()") == secret

    # The app password works for CalDAV.
    async with httpx.AsyncClient(base_url=server_url, auth=(EMAIL, secret)) as dav:
        r = await dav.request("PROPFIND", "/dav/", headers={"Depth": "0"})
        assert r.status_code == 207, r.text

    # The QR code carries the account for DAVx⁵, with the fresh password.
    qr = page.get_by_role("img", name="Code QR du compte CalDAV (http://127.0.0.1:8000/dav/)")
    await expect(qr).to_be_visible()
    link = await qr.get_attribute("data-link")
    assert link == f"caldav://technique%40test.saison:{secret}@127.0.0.1:8000/dav/"

    # The configuration profile, with that password in it.
    async with page.expect_download() as waiting:
        await fresh.get_by_role("button", name="Télécharger le profil avec ce mot de passe").click()
    download = await waiting.value
    assert download.suggested_filename == "saison.mobileconfig"
    saved = tmp_path / "saison.mobileconfig"
    await download.save_as(saved)
    profile = plistlib.loads(saved.read_bytes())
    (account,) = profile["PayloadContent"]
    assert account["PayloadType"] == "com.apple.caldav.account"
    assert account["CalDAVHostName"] == "127.0.0.1"
    assert account["CalDAVUsername"] == EMAIL
    user_id = people["technique"].user["id"]
    assert account["CalDAVPrincipalURL"] == f"http://127.0.0.1:8000/dav/principals/{user_id}/"
    assert account["CalDAVPassword"] == secret

    # Once hidden, the secret is gone for good (a reload does not bring it back either).
    await fresh.get_by_role("button", name="C’est fait, masquer").click()
    await expect(page.get_by_test_id("fresh-secret")).to_have_count(0)
    await page.reload()
    await expect(page.get_by_text("iPhone de Léa")).to_be_visible()
    assert secret not in await page.content()

    # Without a fresh password, the profile leaves the password to the device.
    async with page.expect_download() as waiting:
        await page.get_by_role("link", name="Télécharger le profil").click()
    saved_again = tmp_path / "sans-mot-de-passe.mobileconfig"
    await (await waiting.value).save_as(saved_again)
    (account,) = plistlib.loads(saved_again.read_bytes())["PayloadContent"]
    assert account["CalDAVUsername"] == EMAIL
    assert "CalDAVPassword" not in account

    # Revoking takes a confirmation, then CalDAV refuses that password.
    await page.get_by_role("button", name="Révoquer iPhone de Léa").click()
    await page.get_by_role("button", name="Confirmer la révocation").click()
    await expect(page.get_by_text("« iPhone de Léa » est révoqué")).to_be_visible()
    await expect(page.get_by_text("Aucun mot de passe d’application.")).to_be_visible()
    async with httpx.AsyncClient(base_url=server_url, auth=(EMAIL, secret)) as dav:
        r = await dav.request("PROPFIND", "/dav/", headers={"Depth": "0"})
        assert r.status_code == 401


async def test_a_subscription_link_is_shown_once_and_can_be_revoked(
    open_page: OpenPage, people, server_url
):
    page = await open_page(EMAIL, "/calendriers")
    await page.get_by_label("Calendrier", exact=True).select_option(label="Mon planning")
    await page.get_by_role("button", name="Créer une adresse d’abonnement").click()
    url = (await page.get_by_test_id("feed-url").text_content() or "").strip()
    assert url.startswith("http://127.0.0.1:8000/ics/")
    await expect(page.get_by_text("webcal://127.0.0.1:8000/ics/")).to_be_visible()
    path = url.split("8000", 1)[1]
    async with httpx.AsyncClient(base_url=server_url) as http:
        assert (await http.get(path)).status_code == 200

        await page.get_by_role("button", name="Révoquer Mon planning").click()
        await page.get_by_role("button", name="Confirmer la révocation").click()
        await expect(page.get_by_text("Aucun abonnement.")).to_be_visible()
        assert (await http.get(path)).status_code == 404


async def test_the_page_speaks_english_too(open_page: OpenPage, people):
    page = await open_page(EMAIL, "/calendriers", locale="en-GB")
    await expect(page.get_by_role("heading", name="My calendars", level=1)).to_be_visible()
    await page.get_by_text("Android (DAVx⁵)").click()
    await expect(page.get_by_text("Base URL http://127.0.0.1:8000/")).to_be_visible()
