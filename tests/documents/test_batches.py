"""Many documents at once into a ZIP, the progress reaching the asker's screen live."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from typing import Any

import websockets

from tests.documents.conftest import pdf_text

OCTOBER = {"start": "2026-10-01", "end": "2026-10-31"}


async def live_events(server_url: str, client: Any, batch_id: int, since: int) -> list[dict]:
    """What a screen following the batch receives, from ``since`` until it is finished."""
    token = client.http.headers["Authorization"].removeprefix("Bearer ")
    async with websockets.connect(
        server_url.replace("http", "ws") + "/api/v1/live",
        additional_headers={"Authorization": f"Bearer {token}"},
    ) as socket:
        topic = {"record": {"entity": "document_batch", "id": batch_id}}
        await socket.send(json.dumps({"type": "subscribe", "id": "batch", "topic": topic}))
        # Whatever happened before the subscription is replayed, then it goes on live.
        await socket.send(json.dumps({"type": "resume", "since": since}))
        events: list[dict] = []
        while not events or events[-1]["action"] not in (
            "document_batch.finished",
            "document_batch.failed",
        ):
            message = json.loads(await asyncio.wait_for(socket.recv(), 30))
            if message["type"] == "event":
                events.append(message)
        return events


async def test_every_road_sheet_of_a_month_in_one_zip(server_url, people, run, admin):
    technique = people["technique"]
    since = (await admin.get("/changes", params={"limit": 5000})).json()["next_since"]
    r = await technique.post("/documents/road-sheets/batches", OCTOBER)
    assert r.status_code == 202, r.text
    batch = r.json()
    # Lac Gelé's three days and the day Phèdre plays.
    assert batch["total"] == 4 and batch["status"] in ("queued", "running", "done")
    assert r.headers["location"] == f"/api/v1/documents/road-sheets/batches/{batch['id']}"

    events = await live_events(server_url, technique, batch["id"], since)
    actions = [e["action"] for e in events]
    assert actions[0] == "document_batch.created"
    assert actions[1] == "document_batch.started"
    assert actions[-1] == "document_batch.finished"
    progress = [e["after"]["done"] for e in events if e["action"] == "document_batch.progressed"]
    assert progress and progress[-1] == 4 and progress == sorted(progress)
    assert all(e["actor"] == "Technique" and e["workspace"] == "planning" for e in events)

    done = (await technique.get(f"/documents/road-sheets/batches/{batch['id']}")).json()
    assert done["status"] == "done" and done["done"] == 4
    assert done["filename"] == "Feuilles de route — 2026-10-01 – 2026-10-31.zip"
    r = await technique.get(done["content_url"].removeprefix("/api/v1"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    assert archive.namelist() == [  # by day, then room
        "Feuille de route — Lac Gelé — 2026-10-05.pdf",
        "Feuille de route — Phèdre — 2026-10-06.pdf",
        "Feuille de route — Lac Gelé — 2026-10-06.pdf",
        "Feuille de route — Lac Gelé — 2026-10-07.pdf",
    ]
    assert "Mardi 6 octobre 2026" in pdf_text(archive.read(archive.namelist()[2]))

    # A batch is its asker's.
    r = await people["rp"].get(f"/documents/road-sheets/batches/{batch['id']}")
    assert r.status_code == 404


async def finished(client: Any, kind: str, batch: dict[str, Any]) -> dict[str, Any]:
    """The batch once built, asked for as a screen without a socket would."""
    for _ in range(300):
        batch = (await client.get(f"/documents/{kind}/batches/{batch['id']}")).json()
        if batch["status"] in ("done", "failed"):
            return batch
        await asyncio.sleep(0.1)
    raise AssertionError(f"batch {batch['id']} still {batch['status']}")


async def test_contract_batches_are_for_readers_of_contracts(server_url, people, run):
    r = await people["technique"].post("/documents/contracts/batches", OCTOBER)
    assert r.status_code == 403
    administration = people["administration"]
    r = await administration.post("/documents/contracts/batches", OCTOBER)
    assert r.status_code == 202, r.text
    batch = await finished(administration, "contracts", r.json())
    assert batch["status"] == "done", batch
    r = await administration.get(batch["content_url"].removeprefix("/api/v1"))
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert names == [
        "Contrat de cession — Lac Gelé — 2026-10-05.pdf",
        "Contrat de cession — Phèdre — 2026-10-06.pdf",
    ]
    # Its steps are news only for those who read contracts.
    seen = await people["technique"].get("/changes", params={"entity": "document_batch"})
    assert seen.json()["items"] == []


async def test_one_road_sheet_per_engagement_or_chosen_engagements(people, run):
    technique = people["technique"]
    body = {**OCTOBER, "per": "engagement", "engagement_ids": [run["engagement"]["id"]]}
    r = await technique.post("/documents/road-sheets/batches", body)
    assert r.status_code == 202, r.text
    assert r.json()["total"] == 1
    batch = await finished(technique, "road-sheets", r.json())
    assert batch["status"] == "done" and batch["done"] == 1
    r = await technique.post(
        "/documents/road-sheets/batches", {"start": "2026-10-31", "end": "2026-10-01"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "end"
