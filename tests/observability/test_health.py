"""Readiness as a load balancer reads it: green when the database, Redis and the schema are
what this code needs; a 503 problem naming what is not, and green again once it is back."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from server.db.migrate import upgrade
from server.settings import Settings
from tests.conftest import ADMIN_URL, _admin, copy_of, serving
from tests.services import RedisServer

PROBLEM = "application/problem+json"


@pytest.fixture
async def own_database() -> AsyncIterator[tuple[str, str]]:
    """A database of the test's own (name, URL), not migrated: the test says how far."""
    name = f"saison_ready_{uuid.uuid4().hex[:8]}"
    await _admin(f"CREATE DATABASE {name}")
    yield name, ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    await _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def until_ready(http, tries: int = 50) -> dict:
    for _ in range(tries):
        r = await http.get("/health/ready")
        if r.status_code == 200:
            return r.json()
        await asyncio.sleep(0.2)
    raise AssertionError(f"never ready again: {r.text}")


async def test_ready_when_the_database_answers_and_the_schema_is_current(in_process):
    async with in_process.client() as http:
        r = await http.get("/health/ready")
        assert r.status_code == 200
        assert r.json() == {
            "status": "ready",
            "checks": {"database": "ok", "migrations": "ok", "redis": "skipped"},
        }
        assert (await http.get("/health/live")).json() == {"status": "ok"}
        assert (await http.get("/health")).json() == {"status": "ok"}  # what already polls it


@pytest.fixture
async def migrated_database(migrated: str) -> AsyncIterator[tuple[str, str]]:
    """A database of the test's own (name, URL), migrated."""
    name, url = await copy_of(migrated, "saison_ready")
    yield name, url
    await _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def test_not_ready_while_the_database_cannot_be_reached(migrated_database):
    name, url = migrated_database
    async with serving(url, Settings()) as served, served.client() as http:
        await until_ready(http)
        await _admin(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false")
        await _admin(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        )
        try:
            r = await http.get("/health/ready", headers={"X-Request-ID": "lb-probe-1"})
            assert r.status_code == 503
            assert r.headers["content-type"].startswith(PROBLEM)
            problem = r.json()
            assert problem["status"] == 503 and problem["failed"] == ["database"]
            assert problem["checks"]["database"] != "ok" and problem["checks"]["redis"] == "skipped"
            assert "database" in problem["detail"]  # said in French: "Pas prêt à servir : …"
            assert problem["request_id"] == "lb-probe-1" == r.headers["x-request-id"]
            # Alive all the same: restarting the process would not bring the database back.
            assert (await http.get("/health/live")).status_code == 200
        finally:
            await _admin(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true")
        assert (await until_ready(http))["checks"]["database"] == "ok"


async def test_not_ready_while_the_schema_is_behind_the_code(own_database):
    """A release's processes started before `saison migrate` ran must not take requests."""
    _name, url = own_database
    await asyncio.to_thread(upgrade, url, "0008")
    async with serving(url, Settings()) as served, served.client() as http:
        r = await http.get("/health/ready")
        assert r.status_code == 503 and r.headers["content-type"].startswith(PROBLEM)
        assert r.json()["failed"] == ["migrations"]
        assert "0008" in r.json()["checks"]["migrations"]
        await asyncio.to_thread(upgrade, url)
        assert (await until_ready(http))["checks"]["migrations"] == "ok"


async def test_not_ready_while_redis_is_away(database_url):
    redis = RedisServer()
    try:
        async with serving(database_url, Settings(redis_url=redis.url)) as served:
            async with served.client() as http:
                assert (await until_ready(http))["checks"]["redis"] == "ok"
                redis.stop()
                r = await http.get("/health/ready")
                assert r.status_code == 503 and r.json()["failed"] == ["redis"]
                redis.start()
                assert (await until_ready(http))["checks"]["redis"] == "ok"
    finally:
        redis.close()
