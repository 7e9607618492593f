"""Document figures on the demo season: one road sheet, and a hundred at once.

Why this exists: a stage manager opens the day's road sheet from a phone and expects it at
once (target: p50 ≤ 100 ms, data query included); administration prints a month of contracts
or road sheets in one go (target: 100 documents ≤ 8 s). This prints, on a throw-away database
holding the demo season:

- one road sheet (a day of a run) over HTTP from a real server, p50/p95, and the same in the
  process split into gathering the data and compiling it with Typst;
- a batch of 100 road sheets into a ZIP, in the process (what ``saison documents`` does) and
  through the API (POST, then the batch's record until it is done).

    .venv/bin/python bench/documents.py [--runs 100]

Timings are printed, never asserted; the database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from datetime import date, timedelta

import httpx
from season_api import (
    DEFAULT_SERVER,
    admin_sql,
    admin_token,
    load_average,
    percentile,
    start_server,
    stop_server,
)

from server.core.permissions import SYSTEM
from server.core.unit_of_work import unit_of_work
from server.db.engine import Database
from server.db.migrate import upgrade
from server.demo import load_demo
from server.documents.batches import BatchIn, build, plan
from server.documents.documents import Documents, Target
from server.documents.kinds import DocumentKind
from server.documents.templates import source_for
from server.documents.typesetting import typesetter

ROAD_SHEET = DocumentKind.ROAD_SHEET
TARGET_P50_MS = 100.0
TARGET_BATCH_S = 8.0
BATCH = 100
WARMUP = 3


def figures(label: str, values: list[float], target: float | None = None) -> str:
    p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
    line = f"{label:<44} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms"
    return line + (f"   (target p50 ≤ {target:.0f} ms)" if target else "")


async def day_sheets(db: Database, count: int) -> list[Target]:
    """Road sheets of single days, from the start of the season on."""
    targets: list[Target] = []
    start = date(2026, 9, 1)
    async with unit_of_work(db, SYSTEM) as uow:
        while len(targets) < count and start < date(2027, 7, 1):
            period = BatchIn(start=start, end=start + timedelta(days=30))
            targets += await plan(uow, ROAD_SHEET, period)
            start += timedelta(days=31)
    return targets[:count]


async def in_process(db: Database, targets: list[Target]) -> tuple[list[float], list[float]]:
    """Each sheet: the data (as the API reads it) and the compilation, timed apart."""
    gather, compile_ = [], []
    for target in targets:
        started = time.perf_counter()
        async with unit_of_work(db, SYSTEM) as uow:
            _name, data = await Documents(uow, "fr").data(ROAD_SHEET, target)
            source = await source_for(uow.session, ROAD_SHEET)
        gathered = time.perf_counter()
        await typesetter().compile(source, data)
        gather.append((gathered - started) * 1000)
        compile_.append((time.perf_counter() - gathered) * 1000)
    return gather, compile_


async def over_http(base_url: str, token: str, targets: list[Target]) -> list[float]:
    times = []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url + "/api/v1", headers=headers) as client:
        for i, target in enumerate(targets):
            assert target.day is not None
            started = time.perf_counter()
            r = await client.get(
                f"/documents/road-sheets/{target.engagement_id}",
                params={"day": target.day.isoformat()},
            )
            elapsed = (time.perf_counter() - started) * 1000
            assert r.status_code == 200, r.text
            if i >= WARMUP:
                times.append(elapsed)
    return times


async def api_batch(base_url: str, token: str, end: date) -> tuple[int, float]:
    """A batch asked for over HTTP, followed until done: documents and seconds."""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url + "/api/v1", headers=headers) as client:
        started = time.perf_counter()
        r = await client.post(
            "/documents/road-sheets/batches", json={"start": "2026-09-01", "end": end.isoformat()}
        )
        assert r.status_code == 202, r.text
        batch = r.json()
        while batch["status"] not in ("done", "failed"):
            await asyncio.sleep(0.05)
            batch = (await client.get(f"/documents/road-sheets/batches/{batch['id']}")).json()
        assert batch["status"] == "done", batch
        zipped = await client.get(batch["content_url"].removeprefix("/api/v1"))
        assert zipped.status_code == 200
        return batch["total"], time.perf_counter() - started


async def run(server: str, runs: int) -> None:
    name = f"saison_bench_documents_{uuid.uuid4().hex[:8]}"
    await admin_sql(server, f"CREATE DATABASE {name}")
    url = server.rsplit("/", 1)[0] + f"/{name}"
    process = None
    try:
        await asyncio.to_thread(upgrade, url)
        db = Database(url, pool_size=8)
        started = time.perf_counter()
        await load_demo(db, progress=False)
        print(f"demo season loaded in {time.perf_counter() - started:.1f} s")
        targets = await day_sheets(db, max(runs, BATCH) + WARMUP)
        print(f"machine load (1 / 5 min): {load_average()}")

        await in_process(db, targets[:WARMUP])
        gather, compile_ = await in_process(db, targets[WARMUP : WARMUP + runs])
        total = [g + c for g, c in zip(gather, compile_, strict=True)]
        print(figures("road sheet, in process: data", gather))
        print(figures("road sheet, in process: Typst", compile_))
        print(figures("road sheet, in process: data + Typst", total, TARGET_P50_MS))

        started = time.perf_counter()
        content = await build(db, SYSTEM, ROAD_SHEET, targets[:BATCH], "fr")
        seconds = time.perf_counter() - started
        print(
            f"{BATCH} road sheets into a ZIP, in process: {seconds:.2f} s "
            f"({seconds / BATCH * 1000:.0f} ms each, {len(content) // 1024} KB)"
            f"   (target ≤ {TARGET_BATCH_S:.0f} s)"
        )

        token = await admin_token(url)
        process, base_url = await asyncio.to_thread(start_server, url)
        times = await over_http(base_url, token, targets[: runs + WARMUP])
        print(figures("road sheet over HTTP (PDF downloaded)", times, TARGET_P50_MS))
        print(f"{'':<44} mean {statistics.mean(times):6.1f} ms over {len(times)} sheets")
        end = date(2026, 9, 1)
        async with unit_of_work(db, SYSTEM) as uow:  # the period holding about a hundred
            while len(await plan(uow, ROAD_SHEET, BatchIn(start=date(2026, 9, 1), end=end))) < 100:
                end += timedelta(days=1)
        count, seconds = await api_batch(base_url, token, end)
        print(
            f"{count} road sheets into a ZIP through the API: {seconds:.2f} s "
            f"(POST, progress, download)   (target ≤ {TARGET_BATCH_S:.0f} s)"
        )
        await db.dispose()
    finally:
        if process is not None:
            stop_server(process)
        await admin_sql(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=100, help="road sheets timed one by one")
    parser.add_argument("--database-url", default=DEFAULT_SERVER)
    args = parser.parse_args()
    asyncio.run(run(args.database_url, args.runs))


if __name__ == "__main__":
    main()
