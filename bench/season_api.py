"""End-to-end load figures for the activities API, over real HTTP against a real server.

Why this exists: a venue's season is ~10,000 activities in ~10 rooms. The planning screens
read one room-month or the whole season at once, and imports create thousands of activities
in a row. This measures those three paths through the same stack people use (uvicorn,
Litestar, auth, unit of work, change log, PostgreSQL) so regressions show up as numbers.

    .venv/bin/python bench/season_api.py [--activities 10000 --rooms 10 --database-url URL]

It creates a throw-away database (saison_bench_<random>), migrates it, starts one uvicorn
process, loads data through POST /api/v1/activities, measures the list endpoint, then stops
the server and drops the database, even on error. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:  # run as a script from anywhere: make `server` importable
    sys.path.insert(0, ROOT)

from server import processes  # noqa: E402
from server.accounts import credentials, signin  # noqa: E402
from server.accounts.defaults import create_user  # noqa: E402
from server.core.permissions import SYSTEM  # noqa: E402
from server.core.unit_of_work import unit_of_work  # noqa: E402
from server.db.embedded import to_async_url  # noqa: E402
from server.db.engine import Database  # noqa: E402
from server.db.migrate import upgrade  # noqa: E402

DEFAULT_SERVER = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
PARIS = ZoneInfo("Europe/Paris")
SEASON_START = datetime(2026, 9, 1, tzinfo=PARIS)
SEASON_END = datetime(2027, 7, 1, tzinfo=PARIS)  # exclusive: the season runs Sept–June
MONTH_START = datetime(2027, 1, 1, tzinfo=PARIS)
MONTH_END = datetime(2027, 2, 1, tzinfo=PARIS)
KINDS = (
    "technical_service",
    "rehearsal",
    "meeting",
    "get_in",
    "get_out",
    "maintenance",
    "mediation",
    "private_hire",
    "other",
)
CONCURRENCY = 16  # requests in flight while creating
MONTH_RUNS = 50
SEASON_RUNS = 20
WARMUP = 3
TARGET_MONTH_P50_MS = 20.0
TARGET_SEASON_P50_MS = 150.0
TARGET_CREATES_PER_S = 500.0


# -- database -------------------------------------------------------------------------------
async def admin_sql(server_url: str, sql: str) -> None:
    engine = create_async_engine(to_async_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def admin_token(database_url: str) -> str:
    """An admin user and an API token without scopes: its owner's levels (as the README says)."""
    db = Database(database_url, pool_size=2)
    try:
        user, _ = await create_user(
            db, "bench@bench.saison", "Bench", "motdepasse-solide", admin=True
        )
        async with unit_of_work(db, SYSTEM) as uow:
            principal = await credentials.principal_for(uow.session, user["id"], via="session")
            if principal is None:
                raise RuntimeError("the bench user has no principal")
            uow.actor = principal
            _row, secret = await signin.create_token(uow, "api", "bench", {})
        return secret
    finally:
        await db.dispose()


# -- server ---------------------------------------------------------------------------------
def start_server(database_url: str) -> tuple[subprocess.Popen[bytes], str]:
    """A server process on a port the system picks (server/processes.py): the socket is
    bound before the process starts, so the server answering there is ours."""
    server = processes.start_server(database_url)
    return server.process, server.url


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


# -- CPU accounting -------------------------------------------------------------------------
# On a shared machine wall-clock figures move with everyone else's load; CPU time per request
# does not (much). Server CPU per request also bounds what one uvicorn process can serve.
def cpu_seconds(pid: int) -> float | None:
    """User + system CPU a process has used (Linux /proc), or None where unavailable."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


@dataclass
class CpuSnapshot:
    server: float | None
    client: float
    backends: dict[int, float] | None
    sessions: int | None  # connections ever opened to the database (PostgreSQL ≥ 14)


BACKENDS_SQL = (
    "SELECT pid FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)
SESSIONS_SQL = "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"


class CpuMeter:
    """CPU used by the server process, its PostgreSQL backends (local server only), and us."""

    def __init__(self, server_pid: int, database_url: str) -> None:
        self.server_pid = server_pid
        local = urlsplit(database_url).hostname in {"127.0.0.1", "localhost", "::1"}
        self.engine = create_async_engine(to_async_url(database_url)) if local else None

    async def snapshot(self) -> CpuSnapshot:
        backends: dict[int, float] | None = None
        sessions: int | None = None
        if self.engine is not None:
            async with self.engine.connect() as conn:
                pids = list((await conn.execute(text(BACKENDS_SQL))).scalars())
                times = {pid: cpu_seconds(pid) for pid in pids}
                try:
                    sessions = (await conn.execute(text(SESSIONS_SQL))).scalar_one()
                except DBAPIError:  # PostgreSQL before 14 does not count sessions
                    await conn.rollback()
            backends = {pid: t for pid, t in times.items() if t is not None} or None
        return CpuSnapshot(cpu_seconds(self.server_pid), time.process_time(), backends, sessions)

    async def per_request(self, before: CpuSnapshot, count: int) -> str:
        """CPU ms per request since ``before``.

        PostgreSQL time is read from the backends alive at the end: when the pool closed
        connections meanwhile (more sessions opened than new backends seen), it is a floor.
        """
        after = await self.snapshot()

        def ms(seconds: float) -> str:
            return f"{seconds * 1000 / count:.2f} ms"

        server = "n/a"
        if before.server is not None and after.server is not None:
            server = ms(after.server - before.server)
        postgres = "n/a"
        if before.backends is not None and after.backends is not None:
            old = before.backends
            postgres = ms(sum(t - old.get(pid, 0.0) for pid, t in after.backends.items()))
            if before.sessions is not None and after.sessions is not None:
                opened = after.sessions - before.sessions
                new = len(set(after.backends) - set(old))
                lost = opened > new or bool(set(old) - set(after.backends))
                postgres = f"{'≥ ' if lost else ''}{postgres} ({opened} connections opened)"
        return f"server {server}, postgres {postgres}, client {ms(after.client - before.client)}"

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()


# -- data -----------------------------------------------------------------------------------
def slots(per_room: int) -> Iterator[tuple[datetime, datetime]]:
    """``per_room`` non-overlapping slots spread evenly over the season, daytime first."""
    days = (SEASON_END.date() - SEASON_START.date()).days
    per_day = max(1, math.ceil(per_room / days))
    spacing = min(timedelta(hours=3, minutes=30), timedelta(hours=15) / per_day)
    length = min(timedelta(hours=3), spacing)
    used: dict[int, int] = {}
    for i in range(per_room):
        day = i * days // per_room
        k = used.get(day, 0)
        used[day] = k + 1
        start_date = SEASON_START.date() + timedelta(days=day)
        start = datetime(start_date.year, start_date.month, start_date.day, 9, tzinfo=PARIS)
        start += spacing * k
        yield start, start + length


def activity_bodies(room_ids: list[int], total: int) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []
    base, extra = divmod(total, len(room_ids))
    for r, room_id in enumerate(room_ids):
        for i, (start, end) in enumerate(slots(base + (1 if r < extra else 0))):
            kind = KINDS[(i + r) % len(KINDS)]
            bodies.append(
                {
                    "kind": kind,
                    "title": f"{kind.replace('_', ' ').capitalize()} {r + 1}-{i + 1}",
                    "room_id": room_id,
                    "starts_at": start.isoformat(),
                    "ends_at": end.isoformat(),
                    "status": "confirmed" if i % 5 else "tentative",
                }
            )
    return bodies


async def create(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    if response.status_code != 201:
        raise RuntimeError(f"POST {path} → {response.status_code}: {response.text[:500]}")
    data: dict[str, Any] = response.json()
    return data


async def create_all(
    client: httpx.AsyncClient, bodies: list[dict[str, Any]], concurrency: int, meter: CpuMeter
) -> tuple[float, str]:
    """POST every body with ``concurrency`` requests in flight; elapsed seconds and CPU use."""
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)

    async def worker() -> None:
        while True:
            try:
                body = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            await create(client, "/activities", body)

    cpu_before = await meter.snapshot()
    started = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for _ in range(concurrency):
            group.create_task(worker())
    elapsed = time.perf_counter() - started
    return elapsed, await meter.per_request(cpu_before, len(bodies))


# -- measures -------------------------------------------------------------------------------
@dataclass
class Timing:
    p50: float
    p95: float
    items: int
    wire_bytes: int
    encoding: str
    cpu: str


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


async def timed_get(
    client: httpx.AsyncClient, params: dict[str, Any], runs: int, meter: CpuMeter
) -> Timing:
    """Time to the last byte (body not decoded: the client's JSON parsing is not counted)."""
    check = await client.get("/activities", params=params)
    check.raise_for_status()
    items = len(check.json()["items"])
    for _ in range(WARMUP - 1):
        (await client.get("/activities", params=params)).raise_for_status()
    times: list[float] = []
    size = 0
    encoding = "identity"
    cpu_before = await meter.snapshot()
    for _ in range(runs):
        started = time.perf_counter()
        async with client.stream("GET", "/activities", params=params) as response:
            encoding = response.headers.get("content-encoding", "identity")
            size = 0
            async for chunk in response.aiter_raw():
                size += len(chunk)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    cpu = await meter.per_request(cpu_before, runs)
    p50, p95 = statistics.median(times), percentile(times, 0.95)
    return Timing(p50, p95, items, size, encoding, cpu)


# -- main -----------------------------------------------------------------------------------
async def load_and_measure(
    base_url: str, meter: CpuMeter, token: str, args: argparse.Namespace
) -> None:
    concurrency: int = args.concurrency
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=f"{base_url}/api/v1",
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
        limits=limits,
    ) as client:
        venue = await create(client, "/venues", {"name": "Théâtre du Banc d'essai"})
        room_ids = [
            (await create(
                client, "/rooms", {"venue_id": venue["id"], "name": f"Salle {n + 1}", "position": n}
            ))["id"]
            for n in range(args.rooms)
        ]  # fmt: skip
        bodies = activity_bodies(room_ids, args.activities)
        elapsed, create_cpu = await create_all(client, bodies, concurrency, meter)
        print(f"activities created:        {len(bodies)}")
        print(f"creation wall time:        {elapsed:.2f} s ({concurrency} concurrent requests)")
        rate = len(bodies) / elapsed
        print(f"creations per second:      {rate:.0f}")
        print(f"CPU per creation:          {create_cpu}")

        month = await timed_get(
            client,
            {
                "room_id": room_ids[0],
                "start": MONTH_START.isoformat(),
                "end": MONTH_END.isoformat(),
                "limit": 10_000,
            },
            MONTH_RUNS,
            meter,
        )
        season = await timed_get(
            client,
            {"start": SEASON_START.isoformat(), "end": SEASON_END.isoformat(), "limit": 10_000},
            SEASON_RUNS,
            meter,
        )
        print(
            f"room-month items:          {month.items} "
            f"({month.wire_bytes} bytes on the wire, {month.encoding})"
        )
        print(f"room-month GET p50:        {month.p50:.1f} ms")
        print(f"room-month GET p95:        {month.p95:.1f} ms  ({MONTH_RUNS} runs)")
        print(f"CPU per room-month GET:    {month.cpu}")
        print(
            f"season items:              {season.items} "
            f"({season.wire_bytes} bytes on the wire, {season.encoding})"
        )
        print(f"whole-season GET p50:      {season.p50:.1f} ms")
        print(f"whole-season GET p95:      {season.p95:.1f} ms  ({SEASON_RUNS} runs)")
        print(f"CPU per season GET:        {season.cpu}")

        def verdict(ok: bool) -> str:
            return "ok" if ok else "MISSED"

        print(
            "targets: "
            f"room-month p50 ≤ {TARGET_MONTH_P50_MS:.0f} ms "
            f"[{verdict(month.p50 <= TARGET_MONTH_P50_MS)}], "
            f"whole season p50 ≤ {TARGET_SEASON_P50_MS:.0f} ms "
            f"[{verdict(season.p50 <= TARGET_SEASON_P50_MS)}], "
            f"≥ {TARGET_CREATES_PER_S:.0f} creations/s "
            f"[{verdict(rate >= TARGET_CREATES_PER_S)}]"
        )


async def measure(
    base_url: str, server_pid: int, database_url: str, token: str, args: argparse.Namespace
) -> None:
    meter = CpuMeter(server_pid, database_url)
    try:
        await load_and_measure(base_url, meter, token, args)
    finally:
        await meter.close()


def load_average() -> str:
    """Other work on the machine skews wall-clock figures; say how busy it was."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "n/a"
    return f"{one:.2f} / {five:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument(
        "--database-url",
        default=DEFAULT_SERVER,
        help="any database on the PostgreSQL server to use (a fresh one is created beside it)",
    )
    args = parser.parse_args()
    if min(args.rooms, args.activities, args.concurrency) < 1:
        parser.error("--rooms, --activities and --concurrency must be positive")

    name = f"saison_bench_{uuid.uuid4().hex[:8]}"
    database_url = args.database_url.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(admin_sql(args.database_url, f"CREATE DATABASE {name}"))
    process: subprocess.Popen[bytes] | None = None
    try:
        print(f"database:                  {name}")
        print(f"load average (1/5 min):    {load_average()} on {os.cpu_count()} CPUs")
        upgrade(database_url)
        token = asyncio.run(admin_token(database_url))
        process, base_url = start_server(database_url)
        print(f"server:                    {base_url} (pid {process.pid})")
        asyncio.run(measure(base_url, process.pid, database_url, token, args))
        print(f"load average (1/5 min):    {load_average()} on {os.cpu_count()} CPUs")
    finally:
        try:
            if process is not None:
                stop_server(process)
        finally:
            drop = f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            asyncio.run(admin_sql(args.database_url, drop))
            print(f"dropped:                   {name}")


if __name__ == "__main__":
    main()
