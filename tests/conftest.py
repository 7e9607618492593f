"""Test fixtures: a real PostgreSQL database, a real server process over real HTTP.

The suite runs against the external PostgreSQL (``TEST_DATABASE_URL``, default the local
``test`` server). Each test starts from empty tables; data is made through the same services
and API that people use.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

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
from server.processes import start_server
from server.settings import Settings

configure(Settings())  # as the entry points do: the venue, password hashing (fast, above)

ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    name = f"saison_test_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f"CREATE DATABASE {name}"))
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    asyncio.run(_run(url, "CREATE TABLE seed_activity_templates AS TABLE activity_templates"))
    asyncio.run(_run(url, "CREATE TABLE seed_activity_kinds AS TABLE activity_kinds"))
    yield url
    asyncio.run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def server_url(database_url: str) -> Iterator[str]:
    port = free_port()
    process = start_server(database_url, port)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def servers_behind_proxy(database_url: str) -> Iterator[tuple[str, str]]:
    """Two processes sharing the database and Redis, as in a deployment, behind a reverse
    proxy at 127.0.0.1 (``SAISON_TRUSTED_PROXIES``): tests name the client's address with
    ``X-Forwarded-For``, as that proxy does."""
    redis = os.environ.get("TEST_REDIS_URL", f"redis://127.0.0.1:6379/{1 + uuid.uuid4().int % 14}")
    env = {"REDIS_URL": redis, "SAISON_TRUSTED_PROXIES": "127.0.0.1"}
    ports: list[int] = []
    processes = []
    for _ in range(2):  # one port at a time: two free_port() calls may return the same one
        ports.append(free_port())
        processes.append(start_server(database_url, ports[-1], env))
    yield (f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}")
    for process in processes:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="session")
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url, pool_size=5)
    yield database
    await database.dispose()


TABLES = (
    "attachments, technical_sheets, activities, activity_series, engagements, shows, "
    "room_configurations, rooms, "
    "room_bookings, room_links, places, venues, contact_roles, contacts, organisations, "
    "api_tokens, user_sessions, document_batches, document_templates, "
    "permissions, team_members, users, teams"
)


@pytest.fixture(autouse=True)
async def clean(db: Database) -> AsyncIterator[None]:
    """Empty every table before each test (the change log too, bypassing its trigger)."""
    async with db.engine.begin() as conn:
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(text(f"TRUNCATE {TABLES}, activity_templates RESTART IDENTITY CASCADE"))
        # The log's sequence keeps growing, as in production: running servers follow it.
        await conn.execute(text("TRUNCATE change_log"))
        # Data the migrations ship (default templates) comes back as a new installation has it.
        await conn.execute(
            text("INSERT INTO activity_templates SELECT * FROM seed_activity_templates")
        )
        # Kinds are configuration a test may change (colour, blocking): back as shipped.
        await conn.execute(
            text(
                "UPDATE activity_kinds k SET blocks_room = s.blocks_room, label_fr = s.label_fr, "
                "label_en = s.label_en, colour = s.colour FROM seed_activity_kinds s "
                "WHERE s.kind = k.kind AND (k.blocks_room, k.label_fr, k.label_en, k.colour) "
                "IS DISTINCT FROM (s.blocks_room, s.label_fr, s.label_en, s.colour)"
            )
        )
        await conn.execute(  # new templates are numbered after the shipped ones
            text(
                "SELECT setval(pg_get_serial_sequence('activity_templates', 'id'), "
                "(SELECT max(id) FROM activity_templates))"
            )
        )
    yield


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
