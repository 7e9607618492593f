"""Timeline and booking figures over real HTTP: what the season screen and the technicians feel.

Why this exists: the season timeline loads a whole season (10 rooms, 10,000 activities) and
revalidates it on every focus; technicians book rooms in bursts, each booking checked by the
database's exclusion constraint. This prints those three figures for a real server.

    .venv/bin/python bench/timeline.py [--activities 10000 --rooms 10 --bookings 2000]

It reuses season_api.py's set-up (throw-away database, one uvicorn process, admin token),
drops the database at the end, and prints timings without asserting them.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import time
import uuid
from datetime import timedelta
from typing import Any

import httpx
from season_api import (
    DEFAULT_SERVER,
    SEASON_END,
    SEASON_START,
    CpuMeter,
    activity_bodies,
    admin_sql,
    admin_token,
    create,
    create_all,
    load_average,
    percentile,
    start_server,
    stop_server,
)

from server.db.migrate import upgrade

CONCURRENCY = 16


async def timed(client: httpx.AsyncClient, runs: int, headers: dict[str, str]) -> list[float]:
    params = {"start": SEASON_START.isoformat(), "end": SEASON_END.isoformat()}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = await client.get("/timeline", params=params, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 304), response.text
    return times


async def bookings(client: httpx.AsyncClient, room_ids: list[int], count: int) -> None:
    """Half of the attempts collide: two technicians racing for the same slots."""
    start = SEASON_START + timedelta(days=400)  # after the season: an empty calendar
    bodies = []
    for n in range(count // 2):
        room = room_ids[n % len(room_ids)]
        begins = start + timedelta(hours=3 * (n // len(room_ids)))
        body = {
            "kind": "get_in",
            "title": f"Montage {n}",
            "room_id": room,
            "starts_at": begins.isoformat(),
            "ends_at": (begins + timedelta(hours=2)).isoformat(),
        }
        bodies += [body, {**body, "title": f"Montage concurrent {n}"}]
    codes: dict[int, int] = {}
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)

    async def worker() -> None:
        while not queue.empty():
            response = await client.post("/activities", json=queue.get_nowait())
            codes[response.status_code] = codes.get(response.status_code, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - started
    booked, refused = codes.get(201, 0), codes.get(409, 0)
    others = sum(codes.values()) - booked - refused
    print(
        f"booking attempts:          {len(bodies)} ({booked} booked, "
        f"{refused} refused as double bookings, {others} other answers)"
    )
    print(
        f"bookings per second:       {len(bodies) / elapsed:.0f} attempts/s with conflict checks "
        f"(target ≥ 500)"
    )


async def run(base_url: str, token: str, meter: CpuMeter, args: argparse.Namespace) -> None:
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(
        base_url=f"{base_url}/api/v1",
        timeout=60,
        limits=limits,
        headers={"Authorization": f"Bearer {token}"},
    ) as client:
        venue = await create(client, "/venues", {"name": "Théâtre du Banc d'essai"})
        room_ids = [
            (await create(client, "/rooms", {"venue_id": venue["id"], "name": f"Salle {n + 1}"}))[
                "id"
            ]
            for n in range(args.rooms)
        ]
        await create_all(client, activity_bodies(room_ids, args.activities), CONCURRENCY, meter)
        full = await timed(client, 20, {})
        first = await client.get(
            "/timeline", params={"start": SEASON_START.isoformat(), "end": SEASON_END.isoformat()}
        )
        items = len(first.json()["activities"])
        tag = first.headers["etag"]
        cached = await timed(client, 100, {"If-None-Match": tag})
        print(
            f"timeline activities:       {items} in {args.rooms} rooms "
            f"({len(first.content)} bytes before compression)"
        )
        print(
            f"timeline GET p50 / p95:    {statistics.median(full):.1f} / "
            f"{percentile(full, 0.95):.1f} ms (target p50 ≤ 100 ms)"
        )
        print(
            f"304 revalidation p50 / p95: {statistics.median(cached):.2f} / "
            f"{percentile(cached, 0.95):.2f} ms (target ≤ 5 ms)"
        )
        await bookings(client, room_ids, args.bookings)


async def measure(
    base_url: str, token: str, pid: int, database_url: str, args: argparse.Namespace
) -> None:
    meter = CpuMeter(pid, database_url)
    try:
        await run(base_url, token, meter, args)
    finally:
        await meter.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--bookings", type=int, default=2_000)
    parser.add_argument("--database-url", default=DEFAULT_SERVER)
    args = parser.parse_args()
    name = f"saison_bench_{uuid.uuid4().hex[:8]}"
    database_url = args.database_url.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(admin_sql(args.database_url, f"CREATE DATABASE {name}"))
    process: subprocess.Popen[bytes] | None = None
    try:
        print(f"load average (1/5 min):    {load_average()}")
        upgrade(database_url)
        token = asyncio.run(admin_token(database_url))
        process, base_url = start_server(database_url)
        asyncio.run(measure(base_url, token, process.pid, database_url, args))
    finally:
        try:
            if process is not None:
                stop_server(process)
        finally:
            asyncio.run(
                admin_sql(args.database_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            )


if __name__ == "__main__":
    main()
