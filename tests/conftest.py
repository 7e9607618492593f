"""Test fixtures: a real PostgreSQL database, a real server process over real HTTP.

The suite runs against the external PostgreSQL (``TEST_DATABASE_URL``, default the local
``test`` server). Each test starts from empty tables; data is made through the same services
and API that people use.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import asyncpg
import httpx
import pytest

os.environ["SAISON_FAST_PASSWORD_HASHING"] = "1"  # before server modules are imported

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from server.accounts import credentials, signin
from server.accounts.defaults import create_user, ensure_default_teams
from server.configure import configure
from server.core.permissions import SYSTEM
from server.core.unit_of_work import unit_of_work
from server.db.engine import Database
from server.db.migrate import upgrade
from server.processes import spawn_server, start_server
from server.settings import Settings
from tests.services import RedisServer

configure(Settings())  # as the entry points do: the venue, password hashing (fast, above)

ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


async def _admin(sql: str) -> None:
    engine = create_async_engine(
        ADMIN_URL.replace("postgresql://", "postgresql+asyncpg://"), isolation_level="AUTOCOMMIT"
    )
    async with engine.connect() as conn:
        await conn.execute(text(sql))
    await engine.dispose()


async def _run(url: str, sql: str) -> None:
    engine = create_async_engine(url.replace("postgresql://", "postgresql+asyncpg://"))
    async with engine.begin() as conn:
        await conn.execute(text(sql))
    await engine.dispose()


# Tables whose rows the migrations ship (a new installation has them): each test starts from
# a copy taken after migrating, whatever a test changed (which kinds of activity hold a room).
SHIPPED = ("activity_kinds", "activity_templates")
KEPT = ("alembic_version", "change_log")  # the log is emptied, its sequence keeps growing


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    name = f"saison_test_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f"CREATE DATABASE {name}"))
    # Commits need not wait for the disk in a database that lives as long as the run.
    asyncio.run(_admin(f"ALTER DATABASE {name} SET synchronous_commit = off"))
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    for table in SHIPPED:
        asyncio.run(_run(url, f"CREATE TABLE seed_{table} AS TABLE {table}"))
    yield url
    asyncio.run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def server_url(database_url: str) -> Iterator[str]:
    server = start_server(database_url)
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis of the run's own (tests/services.py), never the shared one."""
    server = RedisServer()
    yield server.url
    server.close()


@pytest.fixture(scope="session")
def servers_behind_proxy(database_url: str, redis_url: str) -> Iterator[tuple[str, str]]:
    """Two processes sharing the database and Redis, as in a deployment, behind a reverse
    proxy at 127.0.0.1 (``SAISON_TRUSTED_PROXIES``): tests name the client's address with
    ``X-Forwarded-For``, as that proxy does."""
    env = {"REDIS_URL": redis_url, "SAISON_TRUSTED_PROXIES": "127.0.0.1"}
    servers = [spawn_server(database_url, env) for _ in range(2)]  # starting side by side
    for server in servers:
        server.ready()
    yield (servers[0].url, servers[1].url)
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url, pool_size=5)
    yield database
    await database.dispose()


EMPTYING = """
SELECT string_agg(format('DELETE FROM %I', tablename), '; ')
FROM pg_tables
WHERE schemaname = 'public' AND tablename NOT LIKE 'seed\\_%' AND NOT tablename = ANY($1)
"""
RESTARTING = """
SELECT string_agg(format('ALTER SEQUENCE %s RESTART', s.oid::regclass), '; ')
FROM pg_class s
JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
JOIN pg_class t ON t.oid = d.refobjid
WHERE s.relkind = 'S' AND NOT t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace
"""


@pytest.fixture(scope="session")
async def emptying(database_url: str) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """One script, in one round trip, that brings the database back to a new installation.

    DELETE, not TRUNCATE: on tables of a few rows it takes milliseconds where TRUNCATE (new
    files for every table, on a server other runs share) took one to two seconds a test.
    Replication mode skips triggers (the change log's append-only guard) and foreign keys.
    Every table is named from the catalogue, so a table a migration adds is emptied too."""
    connection = await asyncpg.connect(database_url)
    tables = (*SHIPPED, *KEPT)
    script = "; ".join(
        [
            "BEGIN",
            "SET LOCAL session_replication_role = replica",
            await connection.fetchval(EMPTYING, list(tables)),
            "DELETE FROM change_log",
            *(f"DELETE FROM {t}; INSERT INTO {t} SELECT * FROM seed_{t}" for t in SHIPPED),
            # Ids restart at 1; new templates are numbered after the shipped ones.
            await connection.fetchval(RESTARTING, ["change_log"]),
            "SELECT setval(pg_get_serial_sequence('activity_templates', 'id'), "
            "(SELECT max(id) FROM activity_templates))",
            "COMMIT",
        ]
    )

    async def empty() -> None:
        await connection.execute(script)

    yield empty
    await connection.close()


@pytest.fixture(autouse=True)
async def clean(emptying: Callable[[], Awaitable[None]]) -> None:
    """Empty every table before each test (what a new installation has comes back)."""
    await emptying()


class Api:
    """An HTTP client signed in as one person, with helpers for versioned writes."""

    def __init__(
        self, base_url: str, token: str | None, user: dict[str, Any] | None = None
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.AsyncClient(base_url=base_url + "/api/v1", headers=headers, timeout=30)
        self.user = user

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        return await self.http.get(path, **kw)

    async def post(self, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        return await self.http.post(path, json=json, **kw)

    async def patch(
        self, path: str, json: Any, version: int | None = None, **kw: Any
    ) -> httpx.Response:
        headers = kw.pop("headers", {})
        if version is not None:
            headers["If-Match"] = f'"v{version}"'
        return await self.http.patch(path, json=json, headers=headers, **kw)

    async def delete(self, path: str, version: int | None = None, **kw: Any) -> httpx.Response:
        headers = kw.pop("headers", {})
        if version is not None:
            headers["If-Match"] = f'"v{version}"'
        return await self.http.delete(path, headers=headers, **kw)

    async def create(self, path: str, json: Any) -> dict[str, Any]:
        response = await self.post(path, json)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    async def close(self) -> None:
        await self.http.aclose()


async def token_for(
    db: Database, user_id: int, scopes: dict[str, str] | None = None, kind: str = "api"
) -> str:
    """A token made as the README tells people to: no scopes (the owner's own levels), unless
    a test narrows it."""
    async with unit_of_work(db, SYSTEM) as uow:
        principal = await credentials.principal_for(uow.session, user_id, via="session")
        assert principal is not None
        uow.actor = principal
        _row, secret = await signin.create_token(uow, kind, "tests", scopes or {})
    return secret


@pytest.fixture
async def people(db: Database, server_url: str) -> AsyncIterator[dict[str, Api]]:
    """One signed-in client per role: admin, each default team, and someone with no team."""
    await ensure_default_teams(db)
    clients: dict[str, Api] = {}
    roles = {
        "admin": ([], True),
        "programmation": (["Programmation"], False),
        "administration": (["Administration"], False),
        "technique": (["Technique"], False),
        "rp": (["Relations publiques"], False),
        "communication": (["Communication"], False),
        "nobody": ([], False),
    }
    for key, (teams, admin) in roles.items():
        user, _ = await create_user(
            db,
            f"{key}@test.saison",
            key.capitalize(),
            "motdepasse-solide",
            admin=admin,
            teams=teams,
        )
        clients[key] = Api(server_url, await token_for(db, user["id"]), user)
    clients["anonymous"] = Api(server_url, None)
    yield clients
    for client in clients.values():
        await client.close()


@pytest.fixture
async def admin(people: dict[str, Api]) -> Api:
    return people["admin"]


@pytest.fixture
async def signed_in(server_url: str, people: dict[str, Api]) -> AsyncIterator[Any]:
    """A browser session (feeds, like tokens, are made from one), CSRF header included."""
    clients: list[httpx.AsyncClient] = []

    async def open_session(role: str) -> httpx.AsyncClient:
        client = httpx.AsyncClient(base_url=server_url + "/api/v1", timeout=30)
        clients.append(client)
        r = await client.post(
            "/auth/sign-in", json={"email": f"{role}@test.saison", "password": PASSWORD}
        )
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return client

    yield open_session
    for client in clients:
        await client.aclose()


# A small season (one record of each kind) for tests that need existing data.
from tests.factories import PASSWORD, season  # noqa: E402, F401
