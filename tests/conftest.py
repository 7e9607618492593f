"""Test fixtures: a real PostgreSQL database, the real application over real HTTP.

The suite runs against the external PostgreSQL (``TEST_DATABASE_URL``, default the local
``test`` server). Each test starts from empty tables; data is made through the same services
and API that people use.

Requests go to the application in this process (``in_process``: the app made by
``create_app``, its start-up and shutdown run, HTTP/1.1 requests passed to it as ASGI), which
spares a process start and a network hop per request. What needs a process of its own gets
one (``server_url``, ``servers_behind_proxy``, ``server.processes``): live websockets, calendar
apps (the ``caldav`` client), several processes sharing Redis, other settings, browsers.
"""

from __future__ import annotations

import asyncio
import copy
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

os.environ["SAISON_FAST_PASSWORD_HASHING"] = "1"  # before server modules are imported
os.environ.pop("REDIS_URL", None)  # the app in this process is one process on its own
os.environ["LITESTAR_WARN_SYNC_TO_THREAD_WITH_ASYNC"] = "0"  # as for server processes
# Server processes of the tests keep few connections, and the app in this process ten (fifteen
# at most): the PostgreSQL they use may be shared (a hundred connections in all), by the two
# processes of pytest-xdist too. Fifty simultaneous requests still race in the database, fifteen
# at a time, the others waiting for a connection as they would on a busy server.
os.environ["SAISON_DB_POOL_SIZE"] = "4"
# Webhooks are delivered by the workers the tests of tests/feeds/ run themselves (a server
# process that should deliver them is given SAISON_WORKER=server); receivers are on loopback.
os.environ["SAISON_WORKER"] = "separate"
os.environ["SAISON_WEBHOOK_ALLOW_HTTP"] = "1"
os.environ["SAISON_WEBHOOK_ALLOW_PRIVATE"] = "1"

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from server.accounts import credentials, signin
from server.accounts.defaults import create_user, ensure_default_teams
from server.app import create_app
from server.configure import configure
from server.core.permissions import SYSTEM
from server.core.unit_of_work import unit_of_work
from server.core.venue import set_venue
from server.db.engine import Database
from server.db.migrate import upgrade
from server.processes import ServerProcess, spawn_server, start_server
from server.settings import Settings
from tests.fresh import Fresh
from tests.proxy import RoundRobinProxy
from tests.services import RedisServer

# As the entry points do: the venue, password hashing (fast, above). The environment's settings
# are read once (a pydantic-settings read takes milliseconds, and each test starts from them).
SETTINGS = Settings()
configure(SETTINGS)

BROWSER_FIXTURES = {"chromium", "open_page"}  # tests/web/conftest.py


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that drive a browser (``-m "not browser"``: the fast part)."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


async def _admin(sql: str) -> None:
    engine = create_async_engine(
        ADMIN_URL.replace("postgresql://", "postgresql+asyncpg://"), isolation_level="AUTOCOMMIT"
    )
    async with engine.connect() as conn:
        await conn.execute(text(sql))
    await engine.dispose()


@pytest.fixture(scope="session")
def migrated() -> Iterator[str]:
    """The name of a migrated database nobody connects to, from which the run's databases are
    copied: a copy takes a fifth of a second, migrating an empty database three."""
    name = f"saison_migrated_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f"CREATE DATABASE {name}"))
    try:
        upgrade(ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
        yield name
    finally:
        asyncio.run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


async def copy_of(migrated: str, prefix: str) -> tuple[str, str]:
    """A new database (name, URL) copied from ``migrated``: a new installation's."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    await _admin(f"CREATE DATABASE {name} TEMPLATE {migrated}")
    return name, ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def database_url(migrated: str) -> Iterator[str]:
    name, url = asyncio.run(copy_of(migrated, "saison_test"))
    # Commits need not wait for the disk in a database that lives as long as the run.
    asyncio.run(_admin(f"ALTER DATABASE {name} SET synchronous_commit = off"))
    yield url
    asyncio.run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def server_process(database_url: str) -> Iterator[ServerProcess]:
    """The run's server process, with the environment's settings."""
    server = start_server(database_url)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def server_url(server_process: ServerProcess) -> str:
    return server_process.url


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A Redis of the run's own (tests/services.py), never the shared one."""
    server = RedisServer()
    yield server
    server.close()


METRICS_TOKEN = "prometheus-scrapes-with-this-token"


@dataclass
class BehindProxy:
    """Server processes as compose.yaml runs them, with their reverse proxy (at
    ``proxy.url``) and the environment they were given."""

    servers: list[ServerProcess]
    proxy: RoundRobinProxy
    redis: RedisServer
    env: dict[str, str]


@pytest.fixture(scope="session")
def behind_proxy(database_url: str, redis_server: RedisServer) -> Iterator[BehindProxy]:
    """Two processes sharing the database and Redis, as in a deployment, behind a reverse
    proxy at 127.0.0.1 (``SAISON_TRUSTED_PROXIES``, tests/proxy.py), adding up their metrics.
    Tests reach them through the proxy (tests/test_deployment.py), or each directly, naming
    the client's address with ``X-Forwarded-For`` as the proxy does."""
    proxy = RoundRobinProxy()
    metrics_dir = tempfile.mkdtemp(prefix="saison-metrics-")  # one machine's processes share it
    env = {
        "REDIS_URL": redis_server.url,
        "SAISON_TRUSTED_PROXIES": "127.0.0.1",
        "SAISON_PUBLIC_URL": proxy.url,
        "SAISON_METRICS_TOKEN": METRICS_TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": metrics_dir,
    }
    servers = [spawn_server(database_url, env) for _ in range(2)]  # starting side by side
    try:
        for server in servers:
            server.ready()
        proxy.balance([server.url for server in servers])
        yield BehindProxy(servers, proxy, redis_server, env)
    finally:
        for server in servers:
            server.stop()
        proxy.close()
        shutil.rmtree(metrics_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def servers_behind_proxy(behind_proxy: BehindProxy) -> tuple[str, str]:
    """The addresses of the two processes of ``behind_proxy``, each reached directly."""
    return behind_proxy.servers[0].url, behind_proxy.servers[1].url


@dataclass(frozen=True)
class Served:
    """Where requests go: a server process at ``url``, or (with ``transport``) the app in
    this process, addressed as ``url``."""

    url: str
    transport: httpx.AsyncBaseTransport | None = None

    def client(self, path: str = "", **options: Any) -> httpx.AsyncClient:
        """An HTTP client for ``url + path`` (the caller closes it)."""
        options.setdefault("timeout", 30)
        return httpx.AsyncClient(base_url=self.url + path, transport=self.transport, **options)


# The databases of the applications running in this process (``serving``).
APP_DATABASES: list[Database] = []


@asynccontextmanager
async def serving(database_url: str, settings: Settings) -> AsyncIterator[Served]:
    """The application made with ``settings``, started in this process as a server starts it
    (its lifespan: the database pool, the live hub, access watching), and stopped after."""
    app = create_app(settings, database_url=database_url)
    up, stopping = asyncio.Event(), asyncio.Event()

    async def serve() -> None:  # one task from start-up to shutdown, as a server runs it
        async with app.lifespan():
            up.set()
            await stopping.wait()

    serving = asyncio.create_task(serve())
    await asyncio.wait([serving, asyncio.create_task(up.wait())], return_when="FIRST_COMPLETED")
    if serving.done():
        serving.result()  # the start-up failed: say why
    APP_DATABASES.append(app.state.db)
    try:
        yield Served("http://saison.test", httpx.ASGITransport(app=app))
    finally:
        APP_DATABASES.remove(app.state.db)
        stopping.set()
        await serving


@pytest.fixture(scope="session")
async def in_process(database_url: str) -> AsyncIterator[Served]:
    """The application in this process, with the environment's settings (its pool above)."""
    async with serving(database_url, Settings(db_pool_size=10)) as served:
        yield served


@pytest.fixture
def served(in_process: Served) -> Served:
    """Where the ``people`` fixture's clients send requests: the app in this process. Tests
    of what needs a process (screens over websockets) override it with a server process."""
    return in_process


@pytest.fixture(scope="session")
async def db(database_url: str) -> AsyncIterator[Database]:
    # Connectors run by the tests push to receivers on loopback.
    loopback = Settings.defaults().model_copy(update={"webhook_allow_private": True})
    database = Database(database_url, pool_size=5, settings=loopback)
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
async def fresh(database_url: str) -> AsyncIterator[Fresh]:
    fresh = await Fresh.connect(database_url)
    yield fresh
    await fresh.close()


@pytest.fixture(autouse=True)
async def clean(fresh: Fresh) -> None:
    """Every test starts from a new installation (tests/fresh.py), in the zone and language
    of its organisation's record as shipped (a test may have changed them)."""
    await fresh.empty()
    set_venue(SETTINGS)
    for database in APP_DATABASES:  # a test changed the zone: their connections follow it
        await database.use_timezone(SETTINGS.timezone)


@pytest.fixture
async def demo(db: Database, fresh: Fresh) -> str:
    """The demo season, loaded by its real loader (what ``saison demo`` runs) into a new
    installation once in a process, then brought back as it was for each test that reads it
    (``Fresh.once``): what the loader said when it loaded."""
    from server.demo import load_demo

    return await fresh.once("demo", on=None, make=lambda: load_demo(db, progress=False))


class Api:
    """An HTTP client signed in as one person, with helpers for versioned writes."""

    def __init__(
        self, server: Served | str, token: str | None, user: dict[str, Any] | None = None
    ) -> None:
        """``server``: a ``Served``, or the URL of a server process."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        served = Served(server) if isinstance(server, str) else server
        self.http = served.client("/api/v1", headers=headers)
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


ROLES = {  # the test accounts: their teams, and whether they administer
    "admin": ([], True),
    "programmation": (["Programmation"], False),
    "administration": (["Administration"], False),
    "technique": (["Technique"], False),
    "rp": (["Relations publiques"], False),
    "communication": (["Communication"], False),
    "nobody": ([], False),
}


@pytest.fixture(scope="session")
async def accounts(db: Database, fresh: Fresh) -> dict[str, tuple[str, dict[str, Any]]]:
    """The test accounts, made once through the services (default teams, users, an API token
    each) and recorded, so that ``people`` brings them back in one round trip: role → (token,
    user). Session fixtures are set up before a test's own, so nothing else is recorded."""
    await fresh.empty()
    await ensure_default_teams(db)
    made: dict[str, tuple[str, dict[str, Any]]] = {}
    for key, (teams, admin) in ROLES.items():
        user, _ = await create_user(
            db, f"{key}@test.saison", key.capitalize(), PASSWORD, admin=admin, teams=teams
        )
        made[key] = (await token_for(db, user["id"]), user)
    await fresh.record("people")
    return made


@pytest.fixture
async def people(
    fresh: Fresh, accounts: dict[str, tuple[str, dict[str, Any]]], served: Served
) -> AsyncIterator[dict[str, Api]]:
    """One signed-in client per role: admin, each default team, and someone with no team."""
    assert await fresh.restore("people")
    clients = {
        key: Api(served, token, copy.deepcopy(user)) for key, (token, user) in accounts.items()
    }
    clients["anonymous"] = Api(served, None)
    yield clients
    for client in clients.values():
        await client.close()


@pytest.fixture
async def admin(people: dict[str, Api]) -> Api:
    return people["admin"]


@pytest.fixture
async def signed_in(served: Served, people: dict[str, Api]) -> AsyncIterator[Any]:
    """A browser session (feeds, like tokens, are made from one), CSRF header included."""
    clients: list[httpx.AsyncClient] = []

    async def open_session(role: str) -> httpx.AsyncClient:
        client = served.client("/api/v1")
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
