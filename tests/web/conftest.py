"""Browser tests: Debian's Chromium, driven by Playwright, against a real Saison process.

One browser for the whole session (a context per person and test is cheap); the app is built
first if its sources changed (``./dev web``). Every context's clock is in Montréal on purpose:
the times on screen must still be the venue's (Europe/Paris), never the browser's.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Browser, Locator, Page, async_playwright

from tests.conftest import ROOT, Api
from tests.factories import PASSWORD

CHROMIUM = os.environ.get("SAISON_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
BROWSER_ZONE = "America/Montreal"
WAIT_MS = 10_000

OpenPage = Callable[..., Awaitable[Page]]


@pytest.fixture(scope="session")
def web_build() -> None:
    """The built app the server serves (rebuilt only when web/ changed). One build at a
    time: the workers of ``pytest -n`` each ask for it."""
    with open(os.path.join(ROOT, "web", ".build.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(["bash", "dev", "web"], cwd=ROOT, check=True)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: ./dev test installs Debian's chromium")
    return CHROMIUM


@pytest.fixture(scope="session")
async def chromium(web_build: None, chromium_path: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS
        )
        yield browser
        await browser.close()


@pytest.fixture
async def open_page(chromium: Browser, server_url: str) -> AsyncIterator[OpenPage]:
    """``await open_page("technique@test.saison", "/planning?…")``: a page, signed in or not.

    A test ends only once its pages have no request left on the way: the next test empties
    the tables, which must not race a timeline still being read for this one.
    """
    contexts = []
    in_flight: set[Any] = set()

    async def open_(
        email: str | None = None, path: str = "/", *, locale: str = "fr-FR", **options: Any
    ) -> Page:
        context = await chromium.new_context(
            base_url=server_url,
            viewport=options.pop("viewport", VIEWPORT),
            locale=locale,
            timezone_id=BROWSER_ZONE,
            **options,
        )
        context.set_default_timeout(WAIT_MS)
        context.on("request", lambda request: in_flight.add(request))
        context.on("requestfinished", lambda request: in_flight.discard(request))
        context.on("requestfailed", lambda request: in_flight.discard(request))
        contexts.append(context)
        if email:
            signed = await context.request.post(
                "/api/v1/auth/sign-in", data={"email": email, "password": PASSWORD}
            )
            assert signed.ok, await signed.text()
        page = await context.new_page()
        await page.goto(path)
        return page

    yield open_
    for _ in range(250):
        if not in_flight:
            break
        await asyncio.sleep(0.02)
    for context in contexts:
        await context.close()


# -- finding things on the timeline ---------------------------------------------------------------
def block(page: Page, title: str) -> Locator:
    """A block of the timeline, by its title."""
    return page.locator(".ec-event.sa-block", has=page.locator(".sa-title", has_text=title))


async def row_middle(page: Page, room: str) -> float:
    """The vertical middle of a room's row."""
    head = page.locator(".ec-body .ec-row-head", has=page.locator(".sa-room", has_text=room))
    box = await head.bounding_box()
    assert box, f"no row for {room}"
    return box["y"] + box["height"] / 2


async def row_span(page: Page, room: str) -> tuple[float, float]:
    head = page.locator(".ec-body .ec-row-head", has=page.locator(".sa-room", has_text=room))
    box = await head.bounding_box()
    assert box, f"no row for {room}"
    return box["y"], box["y"] + box["height"]


async def time_x(page: Page, wall: str) -> float:
    """Where the header puts a labelled time (``2027-01-14T14:00:00``, venue time)."""
    slot = page.locator(f'.ec-header time[datetime="{wall}"]')
    box = await slot.locator("..").bounding_box()
    assert box, f"no time label {wall} on screen"
    return box["x"]


async def drag(page: Page, x: float, y: float, to_x: float, to_y: float) -> None:
    """Press, move past the drag threshold in small steps, release (as a hand would)."""
    await page.mouse.move(x, y)
    await page.mouse.down()
    await page.mouse.move(x + 3, y + 3, steps=2)
    await page.mouse.move(to_x, to_y, steps=12)
    await page.mouse.up()


async def drag_block(page: Page, title: str, to_x: float | None, to_y: float) -> None:
    box = await block(page, title).bounding_box()
    assert box, f"no block {title}"
    x, y = box["x"] + min(12, box["width"] / 2), box["y"] + box["height"] / 2
    await drag(page, x, y, x if to_x is None else to_x, to_y)


async def timeline_ready(page: Page) -> None:
    await page.locator(".ec-body").wait_for()
    await page.locator(".loading-hint").wait_for(state="detached")


# -- a small stage to play on -------------------------------------------------------------------
def winter(day: str, time: str) -> str:
    """An instant of the venue in winter (UTC+1), e.g. winter("2027-01-14", "10:00")."""
    return f"{day}T{time}:00+01:00"


THURSDAY = "2027-01-14"


@pytest.fixture
async def stage(admin: Api) -> dict[str, Any]:
    """A venue with two rooms and one Thursday of January 2027: a rehearsal holds the Studio,
    another is in the Grande salle, and a show holds the Grande salle on Friday as an option."""
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle", "city": "Lyon"})
    grande = await admin.create(
        "/rooms", {"venue_id": venue["id"], "name": "Grande salle", "capacity": 600}
    )
    studio = await admin.create(
        "/rooms", {"venue_id": venue["id"], "name": "Studio", "capacity": 120}
    )
    holder = await admin.create(
        "/activities",
        {
            "kind": "rehearsal",
            "title": "Répétition — Lac Gelé",
            "room_id": studio["id"],
            "starts_at": winter(THURSDAY, "10:00"),
            "ends_at": winter(THURSDAY, "12:00"),
        },
    )
    mover = await admin.create(
        "/activities",
        {
            "kind": "rehearsal",
            "title": "Raccord lumière",
            "room_id": grande["id"],
            "starts_at": winter(THURSDAY, "10:00"),
            "ends_at": winter(THURSDAY, "12:00"),
        },
    )
    show = await admin.create("/shows", {"title": "Phèdre"})
    option = await admin.create(
        "/engagements",
        {
            "show_id": show["id"],
            "room_id": grande["id"],
            "first_day": "2027-01-15",
            "last_day": "2027-01-15",
        },
    )
    performance = await admin.create(
        "/performances",
        {
            "engagement_id": option["id"],
            "title": "Phèdre",
            "starts_at": winter("2027-01-15", "20:30"),
            "ends_at": winter("2027-01-15", "22:30"),
        },
    )
    return {
        "venue": venue,
        "grande": grande,
        "studio": studio,
        "holder": holder,
        "mover": mover,
        "show": show,
        "option": option,
        "performance": performance,
    }
