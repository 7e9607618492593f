"""Live-update figures: many open screens, two server processes, Redis between them.

Why this exists: every department keeps the season open; when someone books a room the others
should see it "within a blink". This opens N websocket clients (default 1,000) spread over two
uvicorn processes joined by Redis, makes changes through the API at a steady rate, and prints
write-to-delivery latency (p50/p95/p99), events delivered per second and the servers' memory.

    .venv/bin/python bench/live.py [--clients 1000 --events 200 --rate 20]

Clients run in two helper processes so that the measuring side is not the bottleneck. The
database is a throw-away one, dropped at the end; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import statistics
import time
import uuid
from datetime import timedelta
from typing import Any

import httpx
import websockets
from season_api import (
    DEFAULT_SERVER,
    SEASON_START,
    admin_sql,
    admin_token,
    create,
    load_average,
    percentile,
)

from server.db.migrate import upgrade
from server.processes import ServerProcess, spawn_server

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TITLE = re.compile(r'"title":"(b\d+)"')
TIMELINE = {"timeline": {"start": "2026-01-01T00:00:00+01:00", "end": "2028-01-01T00:00:00+01:00"}}


def spawn(database_url: str, redis_url: str) -> ServerProcess:
    return spawn_server(database_url, {"REDIS_URL": redis_url})


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def clients_process(urls: list[str], token: str, count: int, expected: int, out: Any) -> None:
    """Open ``count`` screens, then record when each one receives each event."""

    async def one(
        url: str, received: dict[str, float], ready: asyncio.Event, opened: list[int]
    ) -> None:
        async with websockets.connect(
            url,
            additional_headers={"Authorization": f"Bearer {token}"},
            max_queue=None,
            open_timeout=60,
        ) as socket:
            await socket.send(json.dumps({"type": "subscribe", "id": "t", "topic": TIMELINE}))
            while json.loads(await socket.recv())["type"] != "subscribed":
                pass
            opened[0] += 1
            if opened[0] == count:
                ready.set()
            got = 0
            while got < expected:
                raw = await asyncio.wait_for(socket.recv(), 120)
                now = time.time()
                # A screen would parse the whole event; the bench only needs its title, and
                # must not be the bottleneck it measures.
                if '"activity.created"' in raw:
                    found = TITLE.search(raw)
                    if found:
                        received[found.group(1)] = now
                        got += 1

    async def main() -> None:
        ready = asyncio.Event()
        opened = [0]
        logs: list[dict[str, float]] = [{} for _ in range(count)]
        tasks = []
        for n in range(count):
            tasks.append(asyncio.create_task(one(urls[n % len(urls)], logs[n], ready, opened)))
            if n % 50 == 49:
                await asyncio.sleep(0.05)  # do not stampede the accept queue
        done, _ = await asyncio.wait(
            [asyncio.create_task(ready.wait()), *tasks],
            timeout=180,
            return_when=asyncio.FIRST_COMPLETED,
        )
        for task in done:
            if task in tasks and task.exception() is not None:
                raise RuntimeError(f"a client failed: {task.exception()!r}")
        if not ready.is_set():
            raise RuntimeError(f"only {opened[0]} of {count} clients subscribed in time")
        out.send("ready")
        await asyncio.gather(*tasks, return_exceptions=True)
        out.send(logs)

    asyncio.run(main())


async def write(base: str, token: str, events: int, rate: float) -> dict[str, float]:
    sent: dict[str, float] = {}
    async with httpx.AsyncClient(
        base_url=f"{base}/api/v1", timeout=30, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        venue = await create(client, "/venues", {"name": "Théâtre du Banc d'essai"})
        room = await create(client, "/rooms", {"venue_id": venue["id"], "name": "Salle 1"})
        interval = 1 / rate
        for n in range(events):
            begins = SEASON_START + timedelta(hours=3 * n)
            title = f"b{n}"
            sent[title] = time.time()
            await create(
                client,
                "/activities",
                {
                    "kind": "meeting",
                    "title": title,
                    "room_id": room["id"],
                    "starts_at": begins.isoformat(),
                    "ends_at": (begins + timedelta(hours=1)).isoformat(),
                },
            )
            await asyncio.sleep(max(0.0, interval - (time.time() - sent[title])))
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=1_000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0, help="changes per second")
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--database-url", default=DEFAULT_SERVER)
    args = parser.parse_args()
    name = f"saison_bench_{uuid.uuid4().hex[:8]}"
    database_url = args.database_url.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(admin_sql(args.database_url, f"CREATE DATABASE {name}"))
    servers: list[ServerProcess] = []
    workers: list[multiprocessing.Process] = []
    try:
        print(f"load average (1/5 min):    {load_average()}")
        upgrade(database_url)
        token = asyncio.run(admin_token(database_url))
        servers.extend(spawn(database_url, args.redis_url) for _ in range(2))
        for server in servers:
            server.ready()
        urls = [f"ws://127.0.0.1:{server.port}/api/v1/live" for server in servers]
        pipes = []
        half = args.clients // 2
        for share in (half, args.clients - half):
            mine, theirs = multiprocessing.Pipe()
            worker = multiprocessing.Process(
                target=clients_process, args=(urls, token, share, args.events, theirs)
            )
            worker.start()
            workers.append(worker)
            pipes.append(mine)
        for pipe in pipes:
            if not pipe.poll(240) or pipe.recv() != "ready":
                raise RuntimeError("clients did not connect in time")
        print(f"clients connected:         {args.clients} over 2 server processes (Redis between)")
        idle = [rss_mb(s.pid) for s in servers]
        started = time.time()
        sent = asyncio.run(write(servers[0].url, token, args.events, args.rate))
        peak = [rss_mb(s.pid) for s in servers]
        logs = []
        for pipe in pipes:
            if pipe.poll(180):
                logs.extend(pipe.recv())
        finished = max((max(log.values()) for log in logs if log), default=time.time())
        latencies = [(at - sent[title]) * 1000 for log in logs for title, at in log.items()]
        expected = args.clients * args.events
        print(f"events written:            {args.events} at {args.rate:.0f}/s through server 1")
        print(f"deliveries:                {len(latencies)} of {expected} expected")
        if latencies:
            print(f"write→delivery p50:        {statistics.median(latencies):.1f} ms")
            print(f"write→delivery p95:        {percentile(latencies, 0.95):.1f} ms")
            print(
                f"write→delivery p99:        {percentile(latencies, 0.99):.1f} ms (target ≤ 50 ms)"
            )
        print(f"events delivered / s:      {len(latencies) / (finished - started):.0f}")
        print(f"server RSS idle (MB):      {', '.join(f'{m:.0f}' for m in idle)}")
        print(f"server RSS under load (MB): {', '.join(f'{m:.0f}' for m in peak)} (target ≤ 200)")
        print(f"load average (1/5 min):    {load_average()}")
    finally:
        for worker in workers:
            worker.terminate()
        for server in servers:
            server.stop()
        asyncio.run(admin_sql(args.database_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


if __name__ == "__main__":
    main()
