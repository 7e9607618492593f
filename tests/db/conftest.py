"""Fixtures of the database tests: an empty database beside the test run's."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import ADMIN_URL, _admin


@pytest.fixture
def new_database() -> Iterator[str]:
    """An empty database on the same server, dropped afterwards."""
    name = f"saison_restore_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f"CREATE DATABASE {name}"))
    yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
