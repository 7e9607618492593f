"""The browser app's speed as people feel it, in headless Chromium against a real server.

Why this exists: the timeline is the screen everyone keeps open; ui.md sets its budgets. This
prints, without asserting anything:
- the time until the month timeline is interactive (blocks drawn, the page free to respond),
  for the demo season and for a 10,000-activity season, on a first visit (nothing cached) and
  a second one (the app's files cached), with the page's JavaScript heap;
- the time from dropping a dragged block to the server's confirmation on screen (the success
  notice), and to the block painted in its new place, in the month and the week views.

It also writes the README's screenshots (docs/screenshots/timeline.png, day-phone.png,
calendars.png and engagement.png) from the demo season, made by this same browser run.

    .venv/bin/python bench/web.py [--runs 5] [--drops 10] [--activities 10000] [--no-screenshots]

Each season lives in a throw-away database (dropped at the end) served by one uvicorn process;
the app is built first if its sources changed (./dev web). Chromium is Debian's /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from season_api import (
    DEFAULT_SERVER,
    PARIS,
    CpuMeter,
    activity_bodies,
    admin_sql,
    admin_token,
    create,
    create_all,
    load_average,
    percentile,
)

from server.db.engine import Database
from server.db.migrate import upgrade
from server.demo import DEMO_PASSWORD, load_demo
from server.processes import ROOT, start_server

CHROMIUM = "/usr/bin/chromium"
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
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = ROOT / "docs" / "screenshots"
BENCH_PASSWORD = "motdepasse-solide"  # season_api.admin_token's user

# The busiest month of the demo, a day of it with much going on, and a day to drag on.
DEMO_MONTH = date(2026, 10, 1)
DEMO_DAY = date(2026, 10, 27)
BIG_MONTH = date(2027, 1, 1)
DRAG_DAY = date(2027, 1, 12)  # a Tuesday: the test block moves to Wednesday and back

INTERACTIVE_JS = """
() => new Promise((done) => requestAnimationFrame(() => setTimeout(() => done({
  at: performance.now(),
  heap: performance.memory ? performance.memory.usedJSHeapSize : 0,
  blocks: document.querySelectorAll('.ec-event.sa-block').length,
}), 0)))
"""

READY_JS = """
() => document.querySelector('.ec-body') !== null
  && document.querySelector('.loading-hint') === null
  && document.querySelectorAll('.ec-event.sa-block').length > 0
"""

# Times, in the page's own clock, of the drop, of the block painted in its new place and of
# the server's confirmation (the success notice) on screen.
WATCH_DROPS_JS = """
(title) => {
  const watch = { drops: [], painted: [], confirmed: [] };
  window.__watch = watch;
  const find = () => [...document.querySelectorAll('.ec-event.sa-block')]
    .find((e) => e.querySelector('.sa-title')?.textContent === title);
  let before = null;
  document.addEventListener('pointerdown', () => {
    before = find()?.getBoundingClientRect().left ?? null;
  }, true);
  document.addEventListener('pointerup', () => {
    const dropped = performance.now();
    watch.drops.push(dropped);
    const check = () => {
      const left = find()?.getBoundingClientRect().left;
      if (left !== undefined && left !== before) watch.painted.push(performance.now());
      else if (performance.now() - dropped < 5000) requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  }, true);
  new MutationObserver((changes) => {
    for (const change of changes) for (const node of change.addedNodes) {
      if (node.nodeType === 1 && (node.matches('[data-testid="notice-success"]')
          || node.querySelector('[data-testid="notice-success"]'))) {
        watch.confirmed.push(performance.now());
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
}
"""


def stats(values: list[float]) -> str:
    if not values:
        return "n/a"
    return f"p50 {statistics.median(values):.0f} ms, p95 {percentile(values, 0.95):.0f} ms"


def wall(day: date, hour: int) -> str:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS).isoformat()


# -- servers and databases ------------------------------------------------------------------------
@asynccontextmanager
async def season_database(server: str) -> AsyncIterator[str]:
    name = f"saison_bench_{uuid.uuid4().hex[:8]}"
    await admin_sql(server, f"CREATE DATABASE {name}")
    try:
        url = server.rsplit("/", 1)[0] + f"/{name}"
        await asyncio.to_thread(upgrade, url)
        yield url
    finally:
        await admin_sql(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@asynccontextmanager
async def serving(database_url: str) -> AsyncIterator[tuple[str, int]]:
    server = await asyncio.to_thread(start_server, database_url)
    try:
        yield server.url, server.pid
    finally:
        server.stop()


async def signed_in(
    browser: Browser, base_url: str, email: str, password: str, **options: Any
) -> BrowserContext:
    context = await browser.new_context(
        base_url=base_url,
        viewport=options.pop("viewport", DESKTOP),
        locale="fr-FR",
        timezone_id="America/Montreal",  # the venue's times all the same
        **options,
    )
    context.set_default_timeout(30_000)
    answer = await context.request.post(
        "/api/v1/auth/sign-in", data={"email": email, "password": password}
    )
    if not answer.ok:
        raise RuntimeError(f"sign-in as {email} failed: {answer.status} {await answer.text()}")
    return context


# -- measures ------------------------------------------------------------------------------
async def interactive(page: Page, path: str) -> dict[str, float]:
    """Navigate and wait until the month is drawn and the page free to respond."""
    await page.goto(path, wait_until="commit")
    await page.wait_for_function(READY_JS, polling="raf", timeout=60_000)
    result: dict[str, float] = await page.evaluate(INTERACTIVE_JS)
    return result


async def time_to_interactive(
    browser: Browser, base_url: str, email: str, password: str, path: str, runs: int
) -> None:
    cold: list[float] = []
    warm: list[float] = []
    heaps: list[float] = []
    blocks = 0
    for _ in range(runs):
        context = await signed_in(browser, base_url, email, password)
        page = await context.new_page()
        first = await interactive(page, path)  # a new context: nothing cached
        second = await interactive(page, path)  # the app's files now cached
        cold.append(first["at"])
        warm.append(second["at"])
        heaps.append(second["heap"] / 1e6)
        blocks = int(second["blocks"])
        await context.close()
    print(f"  blocks drawn:              {blocks}")
    print(f"  interactive, first visit:  {stats(cold)}")
    print(f"  interactive, app cached:   {stats(warm)}")
    print(f"  JavaScript heap:           {statistics.median(heaps):.1f} MB")


async def drops(
    browser: Browser, base_url: str, email: str, password: str, view: str, title: str, count: int
) -> None:
    """Drag the test block a day later and back, ``count`` times; time each drop."""
    context = await signed_in(browser, base_url, email, password)
    page = await context.new_page()
    await interactive(page, f"/planning?view={view}&date={DRAG_DAY.isoformat()}")
    await page.evaluate(WATCH_DROPS_JS, title)
    days = [DRAG_DAY + timedelta(days=1), DRAG_DAY]
    for n in range(count):
        target = days[n % 2]
        source = (await page.evaluate(
            """(title) => { const e = [...document.querySelectorAll('.ec-event.sa-block')]
                 .find((e) => e.querySelector('.sa-title')?.textContent === title);
               const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; }""",
            title,
        ))  # fmt: skip
        x, y = source[0] + min(8, source[2] / 2), source[1] + source[3] / 2
        shift = await day_width(page, view) * (1 if target > DRAG_DAY else -1)
        await page.mouse.move(x, y)
        await page.mouse.down()
        await page.mouse.move(x + 5, y, steps=2)
        await page.mouse.move(x + shift, y, steps=8)
        await page.mouse.up()
        await page.wait_for_function(
            "(n) => window.__watch.confirmed.length >= n", arg=n + 1, polling="raf", timeout=15_000
        )
        await page.wait_for_timeout(150)  # let the last frames settle before the next drag
    watch = await page.evaluate("window.__watch")
    confirmed = [c - d for d, c in zip(watch["drops"], watch["confirmed"], strict=False)]
    painted = [p - d for d, p in zip(watch["drops"], watch["painted"], strict=False)]
    print(f"  drop → block painted:       {stats(painted)} ({len(painted)} drops)")
    print(f"  drop → server confirmation: {stats(confirmed)} ({len(confirmed)} drops)")
    await context.close()


async def day_width(page: Page, view: str) -> float:
    if view == "month":
        cells = page.locator(".ec-header time")
        first = await cells.nth(0).locator("..").bounding_box()
        second = await cells.nth(1).locator("..").bounding_box()
        assert first and second
        return second["x"] - first["x"]
    one = (
        await page.locator(f'.ec-header time[datetime="{DRAG_DAY.isoformat()}"]')
        .locator("..")
        .bounding_box()
    )
    assert one
    return one["width"]


async def test_block(client: httpx.AsyncClient, venue_id: int) -> str:
    """An empty room and one block in it, to drag back and forth without clashing."""
    room = await create(client, "/rooms", {"venue_id": venue_id, "name": "Banc d'essai"})
    title = "Essai de glisser"
    await create(
        client,
        "/activities",
        {
            "kind": "rehearsal",
            "title": title,
            "room_id": room["id"],
            "starts_at": wall(DRAG_DAY, 10),
            "ends_at": wall(DRAG_DAY, 13),
        },
    )
    return title


# -- screenshots --------------------------------------------------------------------------------
async def screenshots(browser: Browser, base_url: str) -> None:
    """The README's pictures: the month with a colleague editing a block, the day on a phone."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    month = f"/planning?view=month&date={DEMO_MONTH.isoformat()}"
    viewer = await signed_in(browser, base_url, "technique@demo.saison", DEMO_PASSWORD)
    colleague = await signed_in(browser, base_url, "programmation@demo.saison", DEMO_PASSWORD)
    page = await viewer.new_page()
    other = await colleague.new_page()
    await interactive(page, month)
    await interactive(other, month)
    # The programmer holds a performance mid-drag: the technician sees her name on it.
    held = other.locator(".ec-event.sa-block.k-performance").nth(3)
    box = await held.bounding_box()
    assert box
    await other.mouse.move(box["x"] + 6, box["y"] + box["height"] / 2)
    await other.mouse.down()
    await other.mouse.move(box["x"] + 14, box["y"] + box["height"] / 2 + 2, steps=3)
    await page.locator(".sa-editor").first.wait_for()
    await page.locator('[data-testid="colleagues"]').wait_for()
    await page.wait_for_timeout(300)
    await page.screenshot(path=SCREENSHOTS / "timeline.png")
    await colleague.close()  # never dropped: the demo stays as it was

    phone = await signed_in(
        browser,
        base_url,
        "technique@demo.saison",
        DEMO_PASSWORD,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    day = await phone.new_page()
    await day.goto(f"/jour/{DEMO_DAY.isoformat()}")
    entries = day.get_by_test_id("day-entry")
    await entries.first.wait_for()
    # Open the first entry whose company has someone to call.
    for n in range(await entries.count()):
        await entries.nth(n).locator("summary").tap()
        if await entries.nth(n).locator("a[href^='tel:']").count():
            break
        await entries.nth(n).locator("summary").tap()
    await day.wait_for_timeout(300)
    await day.screenshot(path=SCREENSHOTS / "day-phone.png", full_page=True)
    # My calendars, right after creating an app password for a phone.
    mine = await viewer.new_page()
    await mine.goto("/calendriers")
    await mine.get_by_label("Nom de l’appareil").fill("iPhone de la régie")
    await mine.get_by_role("button", name="Créer un mot de passe").click()
    await mine.get_by_test_id("fresh-secret").wait_for()
    await mine.get_by_role("img", name=re.compile("Code QR")).wait_for()
    await mine.screenshot(path=SCREENSHOTS / "calendars.png", full_page=True)
    await engagement_screenshot(browser, base_url)
    for context in (viewer, phone):
        await context.close()
    print(
        f"screenshots:                 {SCREENSHOTS}/timeline.png, day-phone.png, calendars.png,"
        " engagement.png"
    )


async def engagement_screenshot(browser: Browser, base_url: str) -> None:
    """The engagement page of a 1st option another show competes with, as the programmer sees
    it: its status and expiry, the run, hospitality and contract, the queue, its performances."""
    context = await signed_in(browser, base_url, "programmation@demo.saison", DEMO_PASSWORD)
    options = await context.request.get("/api/v1/engagements?status=option&limit=1000")
    chosen = None
    for option in (await options.json())["items"]:
        if option["option_rank"] != 1:
            continue
        query = f"room_id={option['room_id']}&first_day={option['first_day']}"
        rivals = await context.request.get(
            f"/api/v1/engagements/competing?{query}&last_day={option['last_day']}"
        )
        performances = await context.request.get(
            f"/api/v1/performances?engagement_id={option['id']}&limit=1"
        )
        if len(await rivals.json()) > 1 and (await performances.json())["total"]:
            chosen = option
            break
    assert chosen, "the demo has no 1st option with a rival and performances"
    page = await context.new_page()
    await page.goto(f"/programmation/exploitations/{chosen['id']}")
    queue = page.get_by_role("region", name="Options sur cette salle et ces dates")
    await queue.get_by_role("row").nth(2).wait_for()
    await page.get_by_role("region", name="Représentations").get_by_role("row").nth(1).wait_for()
    await page.get_by_role("region", name="Historique").get_by_text("Création").wait_for()
    await page.wait_for_timeout(300)
    await page.screenshot(path=SCREENSHOTS / "engagement.png", full_page=True)
    await context.close()


# -- the two seasons ------------------------------------------------------------------------------
async def demo_season(browser: Browser, server: str, args: argparse.Namespace) -> None:
    async with season_database(server) as url:
        db = Database(url, pool_size=2)
        try:
            summary = await load_demo(db, progress=False)
        finally:
            await db.dispose()
        async with serving(url) as (base_url, _pid):
            print(re.split(r"\. (?:Sign in|Connectez-vous)", summary)[0])
            if args.screenshots:
                await screenshots(browser, base_url)
            print(f"month view ({DEMO_MONTH:%B %Y}), target interactive ≤ 2 s:")
            await time_to_interactive(
                browser,
                base_url,
                "technique@demo.saison",
                DEMO_PASSWORD,
                f"/planning?view=month&date={DEMO_MONTH.isoformat()}",
                args.runs,
            )
            print("week view:")
            await time_to_interactive(
                browser,
                base_url,
                "technique@demo.saison",
                DEMO_PASSWORD,
                f"/planning?view=week&date={(DEMO_MONTH + timedelta(days=18)).isoformat()}",
                args.runs,
            )
            token = await admin_token(url)
            async with httpx.AsyncClient(
                base_url=f"{base_url}/api/v1", headers={"Authorization": f"Bearer {token}"}
            ) as client:
                venues = (await client.get("/venues")).json()["items"]
                title = await test_block(client, venues[0]["id"])
            for view in ("month", "week"):
                print(f"drag and drop, {view} view, target confirmed ≤ 200 ms:")
                await drops(
                    browser,
                    base_url,
                    "technique@demo.saison",
                    DEMO_PASSWORD,
                    view,
                    title,
                    args.drops,
                )


async def big_season(browser: Browser, server: str, args: argparse.Namespace) -> None:
    async with season_database(server) as url:
        token = await admin_token(url)
        async with serving(url) as (base_url, pid):
            meter = CpuMeter(pid, url)
            try:
                async with httpx.AsyncClient(
                    base_url=f"{base_url}/api/v1",
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=60,
                    limits=httpx.Limits(max_connections=16, max_keepalive_connections=16),
                ) as client:
                    venue = await create(client, "/venues", {"name": "Théâtre du Banc d'essai"})
                    rooms = [
                        (
                            await create(
                                client,
                                "/rooms",
                                {"venue_id": venue["id"], "name": f"Salle {n + 1}"},
                            )
                        )["id"]
                        for n in range(args.rooms)
                    ]
                    started = time.perf_counter()
                    await create_all(client, activity_bodies(rooms, args.activities), 16, meter)
                    loaded = time.perf_counter() - started
                    title = await test_block(client, venue["id"])
            finally:
                await meter.close()
            count = f"{args.activities:,}".replace(",", " ")
            print(
                f"{count}-activity season ({args.rooms} rooms, "
                f"made through the API in {loaded:.0f} s)"
            )
            print(f"month view ({BIG_MONTH:%B %Y}), target interactive ≤ 3 s:")
            await time_to_interactive(
                browser,
                base_url,
                "bench@bench.saison",
                BENCH_PASSWORD,
                f"/planning?view=month&date={BIG_MONTH.isoformat()}",
                args.runs,
            )
            for view in ("month", "week"):
                print(f"drag and drop, {view} view, target confirmed ≤ 200 ms:")
                await drops(
                    browser, base_url, "bench@bench.saison", BENCH_PASSWORD, view, title, args.drops
                )


async def run(args: argparse.Namespace) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            version = browser.version
            print(f"headless Chromium {version}, viewport {DESKTOP['width']}×{DESKTOP['height']}")
            steps: list[Callable[[Browser, str, argparse.Namespace], Awaitable[None]]] = [
                demo_season
            ]
            if args.activities:
                steps.append(big_season)
            for step in steps:
                await step(browser, args.database_url, args)
        finally:
            await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="page loads per figure")
    parser.add_argument("--drops", type=int, default=10, help="drags per view")
    parser.add_argument("--activities", type=int, default=10_000, help="0 skips the big season")
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--no-screenshots", dest="screenshots", action="store_false")
    parser.add_argument("--database-url", default=DEFAULT_SERVER)
    args = parser.parse_args()
    subprocess.run(["bash", "dev", "web"], cwd=ROOT, check=True)
    print(f"load average (1/5 min):      {load_average()}")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
