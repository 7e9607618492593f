"""The topology of compose.yaml, without Docker: two server processes on the external
PostgreSQL and a Redis of the run's own, behind a reverse proxy (tests/proxy.py). Everything
below goes through the proxy, as people's browsers, phones and Prometheus do."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from server.processes import ROOT, ServerProcess
from tests.calendar_bridge.test_writes import vevent
from tests.conftest import METRICS_TOKEN, Api, BehindProxy, token_for
from tests.feeds.conftest import subscribe
from tests.feeds.receiver import Receiver
from tests.proxy import RoundRobinProxy
from tests.realtime.test_live import TIMELINE, Live, activity
from tests.services import RedisServer


@dataclass
class Deployment:
    url: str  # the proxy's address: the only one people know
    proxy: RoundRobinProxy
    servers: list[ServerProcess]
    redis: RedisServer
    worker: subprocess.Popen[bytes]


@pytest.fixture(scope="module")
def deployment(database_url: str, behind_proxy: BehindProxy) -> Iterator[Deployment]:
    """The run's two server processes behind their proxy (tests/conftest.py), and a
    `saison worker` beside them."""
    env = {
        **behind_proxy.env,
        # Webhooks are the worker's (as in compose.yaml); its receiver here is on loopback.
        "SAISON_WORKER": "separate",
        "SAISON_WEBHOOK_ALLOW_HTTP": "1",
        "SAISON_WEBHOOK_ALLOW_PRIVATE": "1",
    }
    worker_env = {**os.environ, **env, "DATABASE_URL": database_url}
    worker_env.pop("PROMETHEUS_MULTIPROC_DIR")  # its own counters, as in compose.yaml
    worker = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "worker"],
        cwd=ROOT,
        env=worker_env,
        stdout=subprocess.PIPE,
    )
    try:
        assert worker.stdout is not None and b"worker running" in worker.stdout.readline()
        proxy = behind_proxy.proxy
        yield Deployment(proxy.url, proxy, behind_proxy.servers, behind_proxy.redis, worker)
    finally:
        worker.terminate()
        worker.wait(30)


def metrics(deployment: Deployment) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, read through the proxy as Prometheus reads it."""
    r = httpx.get(deployment.url + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert r.status_code == 200, r.text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(r.text)
        for sample in family.samples
    }


def readiness_answers(sample: dict[Any, float]) -> float:
    key = ("saison_http_requests_total", (("method", "GET"), ("route", "/health/ready"),
                                          ("status", "200")))  # fmt: skip
    return sample.get(key, 0.0)


async def test_every_process_is_ready_behind_the_proxy(deployment):
    first = len(deployment.proxy.chosen)
    async with httpx.AsyncClient(base_url=deployment.url) as http:
        for _ in range(4):
            r = await http.get("/health/ready")
            assert r.status_code == 200, r.text
            assert r.json()["checks"] == {"database": "ok", "migrations": "ok", "redis": "ok"}
    assert set(deployment.proxy.chosen[first:]) == {0, 1}  # both processes answered


async def test_a_change_made_through_one_process_reaches_a_screen_on_the_other(
    deployment, people, db
):
    admin = Api(deployment.url, await token_for(db, people["admin"].user["id"]))
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle"})
    room = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Grande salle"})
    screen = await Live.open(deployment.url, await token_for(db, people["technique"].user["id"]))
    screen_process = deployment.proxy.chosen[-1]
    assert (await screen.subscribe("t", TIMELINE))["type"] == "subscribed"
    made = await admin.create("/activities", activity(room, 5))
    assert deployment.proxy.chosen[-1] != screen_process  # written through the other one
    (event,) = await screen.events(1)
    assert event["action"] == "activity.created" and event["id"] == made["id"]
    await screen.close()
    await admin.close()


async def test_calendar_apps_work_through_the_proxy(deployment, people, db, season):
    """A phone (the real caldav client) writes an event; read back through the other process."""
    user = people["technique"].user
    password = await token_for(db, user["id"], kind="app_password")

    def phone() -> list[str]:
        import caldav

        client = caldav.DAVClient(
            url=deployment.url + "/dav/", username=user["email"], password=password
        )
        names = [str(c.name) for c in client.principal().calendars()]
        calendar = client.calendar(
            url=f"{deployment.url}/dav/calendars/{user['id']}/room-{season['studio']['id']}/"
        )
        calendar.save_event(
            vevent("PROXY-1@example.org", "Répétition son", "20261110T130000Z", "20261110T160000Z")
        )
        again = caldav.DAVClient(
            url=deployment.url + "/dav/", username=user["email"], password=password
        ).calendar(url=str(calendar.url))
        return names + [str(e.icalendar_component["SUMMARY"]) for e in again.events()]

    seen = await asyncio.to_thread(phone)
    assert "Répétition son" in seen
    admin = Api(deployment.url, await token_for(db, people["admin"].user["id"]))
    listed = await admin.get("/activities", params={"room_id": season["studio"]["id"]})
    assert "Répétition son" in [a["title"] for a in listed.json()["items"]]
    await admin.close()


async def test_metrics_add_up_every_process(deployment, people, db):
    before = metrics(deployment)
    async with httpx.AsyncClient(base_url=deployment.url) as http:
        for _ in range(6):  # three to each process
            assert (await http.get("/health/ready")).status_code == 200
    # Whichever process answers /metrics counts the six (it answered three of them itself).
    for _ in range(2):
        assert readiness_answers(metrics(deployment)) - readiness_answers(before) == 6

    sockets = ("saison_websocket_connections", ())
    before = metrics(deployment).get(sockets, 0.0)  # the processes serve other tests too
    screen = await Live.open(deployment.url, await token_for(db, people["admin"].user["id"]))
    for _ in range(2):  # one socket more, whichever process holds it and whichever answers
        assert metrics(deployment)[sockets] == before + 1
    await screen.close()
    admin = Api(deployment.url, await token_for(db, people["admin"].user["id"]))
    await admin.create("/shows", {"title": "Phèdre"})
    head = metrics(deployment)[("saison_change_log_head_seq", ())]
    last = (await admin.get("/changes", params={"limit": 5000})).json()["items"][-1]["seq"]
    assert head == last
    await admin.close()


async def test_webhooks_are_delivered_by_the_worker(deployment, people, db):
    """Subscribed and changed through the proxy; delivered, signed, by `saison worker`."""
    receiver = Receiver()
    try:
        admin = Api(deployment.url, await token_for(db, people["admin"].user["id"]))
        await subscribe(admin, receiver)
        made = await admin.create("/organisations", {"name": "Billetterie du Quai"})
        for _ in range(600):
            if receiver.effects():
                break
            await asyncio.sleep(0.05)
        [effect] = receiver.effects()
        assert effect["data"]["entity_id"] == made["id"]
        assert all(arrival.verified for arrival in receiver.received())
        for _ in range(600):  # the worker records the answer after the receiver has it
            if metrics(deployment)[("saison_outbox_backlog", ())] == 0:
                break
            await asyncio.sleep(0.05)
        assert metrics(deployment)[("saison_outbox_backlog", ())] == 0
        await admin.close()
    finally:
        receiver.close()


# Commands compose.yaml runs that come with another branch (none left).
PENDING_COMMANDS: set[str] = set()


def test_compose_keeps_secrets_out_and_runs_what_exists():
    import yaml

    from server.cli import build_parser

    root = Path(__file__).resolve().parent.parent
    text = (root / "compose.yaml").read_text(encoding="utf-8")
    services = yaml.safe_load(text)["services"]
    # Passwords come from the environment (.env), never from the file.
    for name in ("POSTGRES_PASSWORD", "REDIS_PASSWORD"):
        assert f"${{{name}:?" in text
    assert "saison:saison@" not in text
    # Load balancers and Docker wait for readiness, not mere liveness.
    assert "/health/ready" in " ".join(services["app"]["healthcheck"]["test"])
    assert services["app"]["deploy"]["replicas"] >= 2
    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    for name, service in services.items():
        command = service.get("command") or []
        if command[:1] == ["saison"]:
            assert command[1] in commands | PENDING_COMMANDS, f"{name}: saison {command[1]}"
    assert services["worker"]["command"] == ["saison", "worker"]
    # Webhooks and scheduled connectors are the worker's, not the web processes'.
    assert services["app"]["environment"]["SAISON_WORKER"] == "separate"


def test_saison_serve_runs_processes_that_add_up_their_metrics(database_url, tmp_path):
    """`saison serve --processes 2` as an operator starts it (DATABASE_URL, no Redis): it says
    what is lost without Redis, and its processes answer for one another's metrics."""
    import re
    import time

    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DATABASE_URL=database_url,
        SAISON_PORT="0",  # the system picks the port; the log line names it
        SAISON_DATA_DIR=str(tmp_path),
        SAISON_LOG_FORMAT="json",
        SAISON_METRICS_TOKEN=METRICS_TOKEN,
        SAISON_DB_POOL_SIZE="2",
    )
    log = tmp_path / "stderr.log"
    with log.open("wb") as stderr:
        command = [sys.executable, "-m", "server.cli", "serve", "--processes", "2"]
        process = subprocess.Popen(command, env=env, stderr=stderr, stdout=subprocess.DEVNULL)
    try:
        url = None
        for _ in range(600):  # the line saying where it listens (up to a minute)
            found = re.search(r"Uvicorn running on (http://[\d.]+:\d+)", log.read_text())
            if found:
                url = found.group(1)
                break
            assert process.poll() is None, log.read_text()
            time.sleep(0.1)
        assert url, log.read_text()
        assert "2 processes without REDIS_URL" in log.read_text()
        answered = 0
        for _ in range(600):  # the workers start after the line: wait for six answers
            try:
                if httpx.get(url + "/health/ready", timeout=10).status_code == 200:
                    answered += 1
            except httpx.TransportError:
                time.sleep(0.1)
            if answered == 6:
                break
        assert answered == 6
        r = httpx.get(url + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        samples = {
            (s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(r.text)
            for s in family.samples
        }
        assert readiness_answers(samples) == 6  # whichever process answered
        assert list((tmp_path / "metrics").glob("*.db"))  # the processes' shared files
    finally:
        process.terminate()
        process.wait(30)
