"""Live updates in real browsers: two people on the same days, one moves a block and the other
sees it move (with a highlight) and sees who did it; a server that goes away and comes back
(a real process stopped, another started on the same port) and a page that catches up on what
changed meanwhile, from its last sequence number, or by reloading its window when told to.

The browser's clock is in Montréal (see conftest): every time asserted here is Paris time.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import text

from server.processes import start_server
from tests.factories import PASSWORD
from tests.web.conftest import (
    BROWSER_ZONE,
    THURSDAY,
    VIEWPORT,
    WAIT_MS,
    OpenPage,
    block,
    drag,
    row_middle,
    time_x,
    timeline_ready,
    winter,
)

DAY = f"/planning?view=day&date={THURSDAY}"
# A gap longer than the server replays (realtime.hub.MAX_REPLAY): the page must reload.
TOO_MANY = 20_001


def timeline_loads(page: Page) -> list[str]:
    """The window loads a page makes from now on (a resume makes none)."""
    loads: list[str] = []
    page.on("request", lambda r: "/api/v1/timeline" in r.url and loads.append(r.url))
    return loads


async def test_a_move_shows_on_another_screen_with_who_made_it(open_page: OpenPage, stage, people):
    watcher = await open_page("programmation@test.saison", DAY)
    mover = await open_page("technique@test.saison", DAY)
    for page in (watcher, mover):
        await timeline_ready(page)
    loads = timeline_loads(watcher)

    # Each sees the other on this day.
    await expect(
        watcher.get_by_test_id("colleagues").get_by_label("Technique regarde cette période")
    ).to_be_visible()
    await expect(
        mover.get_by_test_id("colleagues").get_by_label("Programmation regarde cette période")
    ).to_be_visible()

    # The technician grabs the block: the programmer sees whose hands it is in.
    box = await block(mover, "Raccord lumière").bounding_box()
    assert box
    x, y = box["x"] + 12, box["y"] + box["height"] / 2
    to_x = await time_x(mover, f"{THURSDAY}T15:00:00") + 12 + 2
    await mover.mouse.move(x, y)
    await mover.mouse.down()
    await mover.mouse.move(x + 6, y, steps=3)
    await mover.mouse.move((x + to_x) / 2, y, steps=6)
    seen = block(watcher, "Raccord lumière")
    await expect(seen.locator(".sa-editor")).to_have_text("✎ Technique")
    await expect(
        watcher.get_by_test_id("colleagues").get_by_label("Technique modifie")
    ).to_be_visible()

    await mover.mouse.move(to_x, y, steps=6)
    await mover.mouse.up()
    await expect(mover.get_by_test_id("notice-success")).to_contain_text("« Raccord lumière »")
    # Without reloading, the block moves on the other screen, flashes, and is free again.
    await expect(seen.locator(".sa-when")).to_have_text("15 h 00 – 17 h 00")
    await expect(seen).to_have_class(re.compile(r"\bsa-highlight\b"))
    await expect(seen.locator(".sa-editor")).to_have_count(0)
    await expect(seen).not_to_have_class(re.compile(r"\bsa-highlight\b"))
    assert loads == []
    # The programmer may move it next: the version came with the change.
    later = await time_x(watcher, f"{THURSDAY}T18:00:00") + 12 + 2
    box = await seen.bounding_box()
    assert box
    await watcher.mouse.move(box["x"] + 12, box["y"] + box["height"] / 2)
    await watcher.mouse.down()
    await watcher.mouse.move(box["x"] + 18, box["y"] + box["height"] / 2, steps=3)
    await watcher.mouse.move(later, await row_middle(watcher, "Grande salle"), steps=10)
    await watcher.mouse.up()
    await expect(watcher.get_by_test_id("notice-success")).to_contain_text("18 h 00 – 20 h 00")
    await expect(block(mover, "Raccord lumière").locator(".sa-when")).to_have_text(
        "18 h 00 – 20 h 00"
    )

    # While the technician fills in a booking, the programmer sees it; then no longer.
    y = await row_middle(mover, "Studio")
    await drag(
        mover,
        await time_x(mover, f"{THURSDAY}T14:00:00") + 3,
        y,
        await time_x(mover, f"{THURSDAY}T16:00:00") - 3,
        y,
    )
    form = mover.get_by_role("dialog", name="Réserver Studio")
    await expect(form).to_be_visible()
    here = watcher.get_by_test_id("colleagues")
    await expect(here.get_by_label("Technique modifie")).to_be_visible()
    await form.get_by_role("button", name="Annuler").click()
    await expect(here.get_by_label("Technique regarde cette période")).to_be_visible()


# -- a server that goes away ---------------------------------------------------------------------
@pytest.fixture
async def own_server(database_url: str) -> AsyncIterator[dict[str, Any]]:
    """A Saison process of this test's own, on a port it keeps across restarts."""
    first = start_server(database_url)
    server: dict[str, Any] = {"url": first.url, "port": first.port, "process": first}

    def stop() -> None:
        server["process"].stop(15)  # SIGTERM: the server closes its websockets and exits

    def restart() -> None:
        server["process"] = start_server(database_url, port=server["port"])

    server["stop"], server["restart"] = stop, restart
    yield server
    stop()


OpenOn = Callable[[str, str], Awaitable[Page]]


@pytest.fixture
async def open_on(chromium: Browser, own_server: dict[str, Any]) -> AsyncIterator[OpenOn]:
    contexts = []

    async def open_(email: str, path: str) -> Page:
        context = await chromium.new_context(
            base_url=own_server["url"], viewport=VIEWPORT, locale="fr-FR", timezone_id=BROWSER_ZONE
        )
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        signed = await context.request.post(
            "/api/v1/auth/sign-in", data={"email": email, "password": PASSWORD}
        )
        assert signed.ok, await signed.text()
        page = await context.new_page()
        await page.goto(path)
        return page

    yield open_
    for context in contexts:
        await context.close()


async def _meanwhile(admin: Any, stage: dict[str, Any]) -> None:
    """What colleagues do while the page is cut off: a move, and a new booking."""
    mover = stage["mover"]
    moved = await admin.patch(
        f"/activities/{mover['id']}",
        {"starts_at": winter(THURSDAY, "15:00"), "ends_at": winter(THURSDAY, "17:00")},
        version=mover["version"],
    )
    assert moved.status_code == 200, moved.text
    await admin.create(
        "/activities",
        {
            "kind": "rehearsal",
            "title": "Raccord son",
            "room_id": stage["studio"]["id"],
            "starts_at": winter(THURSDAY, "14:00"),
            "ends_at": winter(THURSDAY, "16:00"),
        },
    )


async def test_after_the_server_closed_the_socket_the_page_catches_up(
    open_on: OpenOn, own_server, stage, people, admin
):
    page = await open_on("technique@test.saison", DAY)
    await timeline_ready(page)
    await expect(block(page, "Raccord lumière").locator(".sa-when")).to_have_text(
        "10 h 00 – 12 h 00"
    )
    loads = timeline_loads(page)
    banner = page.get_by_test_id("live-banner")
    await expect(banner).to_have_count(0)

    own_server["stop"]()
    await expect(banner).to_contain_text("Reconnexion…")
    await _meanwhile(admin, stage)  # through another process on the same database
    own_server["restart"]()

    await expect(banner).to_have_count(0, timeout=20_000)
    await expect(block(page, "Raccord lumière").locator(".sa-when")).to_have_text(
        "15 h 00 – 17 h 00"
    )
    await expect(block(page, "Raccord son")).to_be_visible()
    await expect(block(page, "Raccord son")).to_have_class(re.compile(r"\bsa-highlight\b"))
    assert loads == []  # caught up from its last sequence number, not by reloading
    await expect(page.get_by_test_id("notice-error")).to_have_count(0)


async def test_told_too_much_was_missed_the_page_reloads_its_window(
    open_on: OpenOn, own_server, stage, people, admin, db
):
    page = await open_on("technique@test.saison", DAY)
    await timeline_ready(page)
    loads = timeline_loads(page)
    banner = page.get_by_test_id("live-banner")

    own_server["stop"]()
    await expect(banner).to_contain_text("Reconnexion…")
    await _meanwhile(admin, stage)
    # A long night of changes elsewhere in the season (more than the server replays).
    async with db.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO change_log (actor, workspace, entity, entity_id, action) "
                "SELECT 'Import', 'directory', 'contact', g, 'contact.updated' "
                "FROM generate_series(1, :n) AS g"
            ),
            {"n": TOO_MANY},
        )
    own_server["restart"]()

    await expect(banner).to_have_count(0, timeout=20_000)
    await expect(block(page, "Raccord lumière").locator(".sa-when")).to_have_text(
        "15 h 00 – 17 h 00"
    )
    await expect(block(page, "Raccord son")).to_be_visible()
    assert len(loads) == 1  # one quiet reload of the window
    await expect(page.get_by_test_id("notice-error")).to_have_count(0)


# -- the day on a phone ----------------------------------------------------------------------------
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


async def test_the_day_on_a_phone_with_the_company_to_call(
    open_page: OpenPage, stage, people, admin
):
    company = await admin.create(
        "/organisations", {"name": "Compagnie du Lac", "kind": "company", "phone": "04 72 10 20 30"}
    )
    manager = await admin.create(
        "/contacts",
        {"first_name": "Inès", "last_name": "Moreau", "phones": ["+33 6 11 22 33 44"],
         "emails": ["ines@lac.example"]},
    )  # fmt: skip
    await admin.create(
        "/contact-roles",
        {"contact_id": manager["id"], "organisation_id": company["id"], "role": "Régisseuse"},
    )
    show = await admin.create("/shows", {"title": "Lac Gelé", "company_id": company["id"]})
    holder = stage["holder"]
    linked = await admin.patch(
        f"/activities/{holder['id']}", {"show_id": show["id"]}, version=holder["version"]
    )
    assert linked.status_code == 200, linked.text

    page = await open_page("technique@test.saison", f"/jour/{THURSDAY}", **PHONE)
    await expect(page.get_by_role("heading", name="jeu. 14 janv. 2027")).to_be_visible()
    grande = page.get_by_role("region", name="Grande salle")
    studio = page.get_by_role("region", name="Studio")
    await expect(grande.get_by_test_id("day-entry")).to_have_text(
        [re.compile(r"10 h 00 – 12 h 00\s*Répétition\s*Raccord lumière")]
    )
    rehearsal = studio.get_by_test_id("day-entry").filter(has_text="Répétition — Lac Gelé")
    await expect(rehearsal).to_contain_text("10 h 00 – 12 h 00")
    # Nothing is cut off or scrolls sideways at a phone's width.
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390

    await rehearsal.get_by_text("Répétition — Lac Gelé").tap()
    await expect(rehearsal.get_by_text("Lac Gelé", exact=True)).to_be_visible()
    call = rehearsal.get_by_role("link", name="Appeler Inès Moreau (+33 6 11 22 33 44)")
    await expect(call).to_be_visible()
    await expect(call).to_have_attribute("href", "tel:+33611223344")
    await expect(rehearsal.get_by_role("link", name="04 72 10 20 30")).to_have_attribute(
        "href", "tel:0472102030"
    )

    # Live: a booking made elsewhere appears in its room, flashing, without reloading.
    await admin.create(
        "/activities",
        {
            "kind": "technical_service",
            "title": "Service lumière",
            "room_id": stage["grande"]["id"],
            "starts_at": winter(THURSDAY, "14:00"),
            "ends_at": winter(THURSDAY, "18:00"),
        },
    )
    added = grande.get_by_test_id("day-entry").filter(has_text="Service lumière")
    await expect(added).to_contain_text("14 h 00 – 18 h 00")
    await expect(added).to_have_class(re.compile(r"\bflash\b"))
    await expect(call).to_be_visible()  # the open entry stayed open

    await page.get_by_role("link", name="Jour suivant").tap()
    await expect(page.get_by_role("heading", name="ven. 15 janv. 2027")).to_be_visible()
    assert page.url.endswith("/jour/2027-01-15")
    phedre = page.get_by_test_id("day-entry").filter(has_text="Phèdre")
    await expect(phedre).to_contain_text("20 h 30 – 22 h 30")
    await expect(phedre).to_contain_text("option")


async def test_a_person_whose_account_is_closed_is_sent_to_sign_in(
    open_page: OpenPage, stage, people
):
    page = await open_page("technique@test.saison", DAY)
    await timeline_ready(page)
    await expect(page.get_by_test_id("live-banner")).to_have_count(0)
    user = people["technique"].user
    current = (await people["admin"].get(f"/users/{user['id']}")).json()
    closed = await people["admin"].patch(
        f"/users/{user['id']}", {"is_active": False}, current["version"]
    )
    assert closed.status_code == 200, closed.text

    # The server closes the socket (4401): the page stops reconnecting and asks to sign in,
    # remembering the day it showed.
    await expect(page).to_have_url(re.compile(r"/sign-in\?next="), timeout=WAIT_MS)
    await expect(page.get_by_role("heading", name="Connexion")).to_be_visible()


async def test_the_road_sheet_of_the_day_is_one_tap_away(open_page: OpenPage, stage):
    page = await open_page("technique@test.saison", "/jour/2027-01-15", **PHONE)
    phedre = page.get_by_test_id("day-entry").filter(has_text="Phèdre")
    await phedre.get_by_text("Phèdre").first.tap()
    sheet = phedre.get_by_role("link", name="Feuille de route du jour (PDF)")
    await expect(sheet).to_be_visible()
    async with page.expect_download() as downloading:
        await sheet.tap()
    download = await downloading.value
    assert download.suggested_filename.startswith("Feuille de route — Phèdre")
    assert download.suggested_filename.endswith("2027-01-15.pdf")
    saved = await download.path()
    assert saved.read_bytes()[:5] == b"%PDF-"


async def test_no_road_sheet_for_those_who_may_not_read_the_programming(
    open_page: OpenPage, stage, admin
):
    page = await open_page("nobody@test.saison", "/jour/2027-01-15", **PHONE)
    await expect(page.get_by_role("link", name="Feuille de route du jour (PDF)")).to_have_count(0)


async def test_an_option_moving_up_shows_its_new_rank_on_another_screen(
    open_page: OpenPage, stage, people, admin
):
    """Releasing the first option moves the one behind it up: a programmer watching the week
    sees "option 1" on it without reloading, though only its engagement changed."""
    show = await admin.create("/shows", {"title": "Bérénice"})
    second = await admin.create(
        "/engagements",
        {
            "show_id": show["id"],
            "room_id": stage["grande"]["id"],
            "first_day": "2027-01-15",
            "last_day": "2027-01-15",
        },
    )
    await admin.create(
        "/performances",
        {
            "engagement_id": second["id"],
            "title": "Bérénice",
            "starts_at": winter("2027-01-15", "15:00"),
            "ends_at": winter("2027-01-15", "17:00"),
        },
    )
    watcher = await open_page("programmation@test.saison", f"/planning?view=week&date={THURSDAY}")
    await timeline_ready(watcher)
    loads = timeline_loads(watcher)
    rank = block(watcher, "Bérénice").locator(".sa-rank")
    await expect(rank).to_have_text("option 2")

    first = stage["option"]
    released = await admin.http.post(
        f"/engagements/{first['id']}/release", json={"version": first["version"]}
    )
    assert released.status_code == 200, released.text

    await expect(rank).to_have_text("option 1")
    assert loads == []
