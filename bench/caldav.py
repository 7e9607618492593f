"""CalDAV load figures over real HTTP against a real server: what phones and desktops cost.

Why this exists: every member of staff keeps Saison in their calendar apps, which poll it
every few minutes (sync-collection), page through months (calendar-query) and fetch what
changed (calendar-multiget). A 5,000-event season must answer those fast, and incremental sync
must cost what the changes cost, not what the calendar holds.

    .venv/bin/python bench/caldav.py [--events 5000 --rooms 10 --small 500 --big 50000]

It creates a throw-away database, starts one uvicorn process, loads activities through
POST /api/v1/activities (so the change log is as in production), signs in as a technician
with an app password, and prints: PROPFIND, a room-month calendar-query, a calendar-multiget
of 50 events, initial and incremental (10 changes) sync-collection, requests per second with 16
concurrent clients, and incremental sync again at --small and --big events. The server is
stopped and the database dropped at the end, even on error. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]  # season_api's helpers, and the server package

from season_api import (  # noqa: E402
    DEFAULT_SERVER,
    PARIS,
    SEASON_START,
    CpuMeter,
    admin_sql,
    create,
    load_average,
    percentile,
    start_server,
    stop_server,
)

from server.accounts import credentials, signin  # noqa: E402
from server.accounts.defaults import create_user  # noqa: E402
from server.core.permissions import SYSTEM  # noqa: E402
from server.core.unit_of_work import unit_of_work  # noqa: E402
from server.db.engine import Database  # noqa: E402
from server.db.migrate import upgrade  # noqa: E402

KINDS = ("rehearsal", "technical_service", "get_in", "meeting", "get_out", "mediation", "other")
DAYS = 300  # September to June
SLOT = timedelta(minutes=45)
LOAD_CONCURRENCY = 16
CLIENTS = 16
RUNS = 50
SYNC_RUNS = 10
THROUGHPUT_SECONDS = 10.0
MONTHS = [(2026, m) for m in range(9, 13)] + [(2027, m) for m in range(1, 7)]
TARGET_MONTH_P50_MS = 15.0
TARGET_INCREMENTAL_MS = 10.0
TARGET_QUERIES_PER_S = 200.0

QUERY = """<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><d:getetag/><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR">
<c:comp-filter name="VEVENT"><c:time-range start="{start}" end="{end}"/></c:comp-filter>
</c:comp-filter></c:filter></c:calendar-query>"""
PROPFIND_HOME = """<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"
xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:a="http://apple.com/ns/ical/"><d:prop>
<d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/><a:calendar-color/>
<d:current-user-privilege-set/><c:supported-calendar-component-set/></d:prop></d:propfind>"""
MULTIGET = """<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><d:getetag/><c:calendar-data/></d:prop>{hrefs}</c:calendar-multiget>"""
SYNC = """<d:sync-collection xmlns:d="DAV:"><d:sync-token>{token}</d:sync-token>
<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"""


# -- setup ----------------------------------------------------------------------------------
async def accounts(database_url: str) -> tuple[str, str, str, int]:
    """(admin API token, technician's email, their app password, their user id)."""
    db = Database(database_url, pool_size=2)
    try:
        admin, _ = await create_user(db, "bench@bench.saison", "Bench", "motdepasse", admin=True)
        tech, _ = await create_user(
            db, "regie@bench.saison", "Régie", "motdepasse", teams=["Technique"]
        )
        secrets = []
        for user, kind in ((admin, "api"), (tech, "app_password")):
            async with unit_of_work(db, SYSTEM) as uow:
                principal = await credentials.principal_for(uow.session, user["id"], via="session")
                assert principal is not None
                uow.actor = principal
                _row, secret = await signin.create_token(uow, kind, "bench", {})
                secrets.append(secret)
        return secrets[0], tech["email"], secrets[1], tech["id"]
    finally:
        await db.dispose()


def body(room_id: int, room_index: int, i: int, team_id: int) -> dict[str, Any]:
    """The i-th activity of a room: its own 45-minute slot, so none collide."""
    day, k = i % DAYS, i // DAYS
    start = SEASON_START + timedelta(days=day)
    start = datetime(start.year, start.month, start.day, 7, tzinfo=PARIS) + SLOT * k
    kind = KINDS[(i + room_index) % len(KINDS)]
    return {
        "kind": kind,
        "title": f"{kind.replace('_', ' ').capitalize()} {room_index + 1}-{i + 1}",
        "room_id": room_id,
        "team_id": team_id if i % 3 == 0 else None,
        "starts_at": start.isoformat(),
        "ends_at": (start + SLOT - timedelta(minutes=5)).isoformat(),
        "status": "tentative" if i % 7 == 0 else "confirmed",
        "notes": "Accueil compagnie à 9 h, quai côté cour" if i % 4 == 0 else None,
    }


class Season:
    """Activities spread over the rooms, loaded through the API, grown on demand."""

    def __init__(self, api: httpx.AsyncClient, room_ids: list[int], team_id: int) -> None:
        self.api, self.room_ids, self.team_id = api, room_ids, team_id
        self.count = 0

    async def grow(self, total: int) -> float:
        bodies = []
        for n in range(self.count, total):
            r = n % len(self.room_ids)
            bodies.append(body(self.room_ids[r], r, n // len(self.room_ids), self.team_id))
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        for b in bodies:
            queue.put_nowait(b)

        async def worker() -> None:
            while not queue.empty():
                await create(self.api, "/activities", queue.get_nowait())

        started = time.perf_counter()
        async with asyncio.TaskGroup() as group:
            for _ in range(LOAD_CONCURRENCY):
                group.create_task(worker())
        self.count = total
        return time.perf_counter() - started


# -- measures -------------------------------------------------------------------------------
@dataclass
class Timing:
    p50: float
    p95: float
    responses: int
    size: int


async def timed(
    dav: httpx.AsyncClient, method: str, path: str, payload: str, depth: str, runs: int
) -> Timing:
    headers = {"Depth": depth, "Content-Type": "application/xml; charset=utf-8"}
    for _ in range(2):  # warm-up
        (await dav.request(method, path, content=payload, headers=headers)).raise_for_status()
    times: list[float] = []
    last: httpx.Response | None = None
    for _ in range(runs):
        started = time.perf_counter()
        last = await dav.request(method, path, content=payload, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        if last.status_code != 207:
            raise RuntimeError(f"{method} {path} → {last.status_code}: {last.text[:300]}")
    assert last is not None
    return Timing(
        statistics.median(times),
        percentile(times, 0.95),
        last.text.count("<d:response>"),
        len(last.content),
    )


def utc_range(year: int, month: int) -> str:
    """A calendar-query for one month of the venue's calendar (bounds in UTC, as apps send)."""
    start = datetime(year, month, 1, tzinfo=PARIS).astimezone(UTC)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=PARIS).astimezone(UTC)
    z = "%Y%m%dT%H%M%SZ"
    return QUERY.format(start=start.strftime(z), end=end.strftime(z))


async def first_queries(dav: httpx.AsyncClient, home: str, room_ids: list[int]) -> float:
    """p50 of month queries each asking for events no query has rendered yet."""
    times = []
    for room in room_ids:
        year, month = MONTHS[room % len(MONTHS)]
        started = time.perf_counter()
        r = await dav.request(
            "REPORT", f"{home}room-{room}/", content=utc_range(year, month), headers={"Depth": "1"}
        )
        times.append((time.perf_counter() - started) * 1000)
        r.raise_for_status()
    return statistics.median(times)


async def sync_token(dav: httpx.AsyncClient, calendar: str) -> tuple[str, list[str]]:
    r = await dav.request("REPORT", calendar, content=SYNC.format(token=""), headers={"Depth": "1"})
    r.raise_for_status()
    token = re.search(r"<d:sync-token>(.*?)</d:sync-token>", r.text)
    assert token is not None
    return token.group(1), re.findall(r"<d:href>(.*?)</d:href>", r.text)


async def ten_changes(api: httpx.AsyncClient, room_id: int) -> None:
    """Ten people each rename one activity of the room (through the API, as they would)."""
    page = await api.get("/activities", params={"room_id": room_id, "limit": 10})
    for item in page.json()["items"]:
        r = await api.patch(
            f"/activities/{item['id']}",
            json={"title": item["title"] + " (modifié)"},
            headers={"If-Match": f'"v{item["version"]}"'},
        )
        r.raise_for_status()


async def incremental(
    api: httpx.AsyncClient, dav: httpx.AsyncClient, home: str, room_id: int
) -> Timing:
    calendar = f"{home}room-{room_id}/"
    token, _ = await sync_token(dav, calendar)
    await ten_changes(api, room_id)
    timing = await timed(dav, "REPORT", calendar, SYNC.format(token=token), "1", RUNS)
    if timing.responses != 10:
        raise RuntimeError(f"incremental sync saw {timing.responses} changes, not 10")
    return timing


async def throughput(
    dav: httpx.AsyncClient, home: str, room_ids: list[int], seconds: float
) -> tuple[float, int, int, float]:
    """Month queries from CLIENTS concurrent clients: (per second, done, refused, p95 ms)."""
    done = refused = 0
    times: list[float] = []
    deadline = time.perf_counter() + seconds

    async def client(n: int) -> None:
        nonlocal done, refused
        k = n
        while time.perf_counter() < deadline:
            room = room_ids[k % len(room_ids)]
            year, month = MONTHS[k % len(MONTHS)]
            k += CLIENTS
            started = time.perf_counter()
            r = await dav.request(
                "REPORT", f"{home}room-{room}/", content=utc_range(year, month),
                headers={"Depth": "1"},
            )  # fmt: skip
            times.append((time.perf_counter() - started) * 1000)
            if r.status_code == 207:
                done += 1
            else:
                refused += 1

    started = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for n in range(CLIENTS):
            group.create_task(client(n))
    elapsed = time.perf_counter() - started
    return done / elapsed, done, refused, percentile(times, 0.95)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


async def run(base_url: str, pid: int, database_url: str, setup: tuple[str, str, str, int],
              args: argparse.Namespace) -> None:  # fmt: skip
    token, email, password, user_id = setup
    meter = CpuMeter(pid, database_url)
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    api = httpx.AsyncClient(
        base_url=f"{base_url}/api/v1", headers={"Authorization": f"Bearer {token}"},
        timeout=60, limits=limits,
    )  # fmt: skip
    dav = httpx.AsyncClient(base_url=base_url, auth=(email, password), timeout=60, limits=limits)
    home = f"/dav/calendars/{user_id}/"
    try:
        venue = await create(api, "/venues", {"name": "Théâtre du Banc d'essai"})
        room_ids = [
            (await create(api, "/rooms", {"venue_id": venue["id"], "name": f"Salle {n + 1}"}))["id"]
            for n in range(args.rooms)
        ]
        teams = (await api.get("/teams")).json()["items"]
        team_id = next(t["id"] for t in teams if t["name"] == "Technique")
        season = Season(api, room_ids, team_id)
        room = room_ids[0]
        calendar = f"{home}room-{room}/"

        small: Timing | None = None
        if args.small:
            await season.grow(args.small)
            small = await incremental(api, dav, home, room)

        elapsed = await season.grow(args.events)
        rate = (args.events - (args.small or 0)) / elapsed
        print(f"events loaded:             {args.events} in {args.rooms} rooms "
              f"({rate:.0f} creations/s through the API)")  # fmt: skip

        home_find = await timed(dav, "PROPFIND", home, PROPFIND_HOME, "1", RUNS)
        print(f"PROPFIND home, Depth 1:    p50 {home_find.p50:.1f} ms, p95 {home_find.p95:.1f} ms "
              f"({home_find.responses} resources)")  # fmt: skip
        cal_find = await timed(dav, "PROPFIND", calendar, PROPFIND_HOME, "0", RUNS)
        print(f"PROPFIND calendar, Depth 0:p50 {cal_find.p50:.1f} ms, p95 {cal_find.p95:.1f} ms")

        cold = await first_queries(dav, home, room_ids[1:])
        print(f"month query, first time:   p50 {cold:.1f} ms (events not yet rendered by this "
              "process: rendered events are memoised on their content)")  # fmt: skip
        cpu = await meter.snapshot()
        month = await timed(dav, "REPORT", calendar, utc_range(2027, 1), "1", RUNS)
        month_cpu = await meter.per_request(cpu, RUNS + 2)
        print(f"month calendar-query:      p50 {month.p50:.1f} ms, p95 {month.p95:.1f} ms "
              f"({month.responses} events, {month.size} bytes)")  # fmt: skip
        print(f"  CPU per month query:     {month_cpu}")

        _, hrefs = await sync_token(dav, calendar)
        multi = MULTIGET.format(hrefs="".join(f"<d:href>{h}</d:href>" for h in hrefs[:50]))
        multiget = await timed(dav, "REPORT", calendar, multi, "1", RUNS)
        print(f"calendar-multiget of 50:   p50 {multiget.p50:.1f} ms, p95 {multiget.p95:.1f} ms "
              f"({multiget.responses} events)")  # fmt: skip

        initial = await timed(dav, "REPORT", calendar, SYNC.format(token=""), "1", SYNC_RUNS)
        print(f"initial sync-collection:   p50 {initial.p50:.1f} ms, p95 {initial.p95:.1f} ms "
              f"({initial.responses} events of one room)")  # fmt: skip
        mine = await timed(dav, "REPORT", f"{home}mine/", SYNC.format(token=""), "1", SYNC_RUNS)
        print(f"initial sync, my schedule: p50 {mine.p50:.1f} ms ({mine.responses} events)")

        steady = await incremental(api, dav, home, room)
        print(f"incremental sync (10 chg): p50 {steady.p50:.1f} ms, p95 {steady.p95:.1f} ms "
              f"at {args.events} events")  # fmt: skip
        if small is not None:
            print(
                f"{'  … at ' + str(args.small) + ' events:':<27}p50 {small.p50:.1f} ms, "
                f"p95 {small.p95:.1f} ms"
            )

        cpu = await meter.snapshot()
        rate, done, refused, p95 = await throughput(dav, home, room_ids, THROUGHPUT_SECONDS)
        print(f"month queries, {CLIENTS} clients: {rate:.0f} per second ({done} answered, "
              f"{refused} refused, p95 {p95:.1f} ms)")  # fmt: skip
        print(f"  CPU per query:           {await meter.per_request(cpu, done + refused)}")

        big: Timing | None = None
        if args.big:
            elapsed = await season.grow(args.big)
            print(f"grown to:                  {args.big} events ({elapsed:.0f} s)")
            big = await incremental(api, dav, home, room)
            label = f"  … at {args.big} events:"
            print(f"{label:<27}p50 {big.p50:.1f} ms, p95 {big.p95:.1f} ms")
            month_big = await timed(dav, "REPORT", calendar, utc_range(2027, 1), "1", RUNS)
            label = f"  month query at {args.big}:"
            print(f"{label:<27}p50 {month_big.p50:.1f} ms "
                  f"({month_big.responses} events)")  # fmt: skip

        worst_incremental = max(t.p50 for t in (steady, small, big) if t is not None)
        print(
            "targets: "
            f"month query p50 ≤ {TARGET_MONTH_P50_MS:.0f} ms [{verdict(month.p50 <= TARGET_MONTH_P50_MS)}], "  # noqa: E501
            f"incremental sync p50 ≤ {TARGET_INCREMENTAL_MS:.0f} ms at every size "
            f"[{verdict(worst_incremental <= TARGET_INCREMENTAL_MS)}], "
            f"≥ {TARGET_QUERIES_PER_S:.0f} queries/s none refused "
            f"[{verdict(rate >= TARGET_QUERIES_PER_S and refused == 0)}]"
        )
    finally:
        await api.aclose()
        await dav.aclose()
        await meter.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--small", type=int, default=500, help="0 to skip")
    parser.add_argument("--big", type=int, default=50_000, help="0 to skip")
    parser.add_argument("--database-url", default=DEFAULT_SERVER)
    args = parser.parse_args()
    if (args.small and args.small >= args.events) or (args.big and args.big <= args.events):
        parser.error("--small < --events < --big")

    name = f"saison_bench_{uuid.uuid4().hex[:8]}"
    database_url = args.database_url.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(admin_sql(args.database_url, f"CREATE DATABASE {name}"))
    process: subprocess.Popen[bytes] | None = None
    try:
        print(f"database:                  {name}")
        print(f"load average (1/5 min):    {load_average()} on {os.cpu_count()} CPUs")
        upgrade(database_url)
        setup = asyncio.run(accounts(database_url))
        process, base_url = start_server(database_url)
        print(f"server:                    {base_url} (pid {process.pid}, one process)")
        asyncio.run(run(base_url, process.pid, database_url, setup, args))
        print(f"load average (1/5 min):    {load_average()} on {os.cpu_count()} CPUs")
    finally:
        try:
            if process is not None:
                stop_server(process)
        finally:
            asyncio.run(
                admin_sql(args.database_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            )
            print(f"dropped:                   {name}")


if __name__ == "__main__":
    main()
