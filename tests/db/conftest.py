"""Fixtures of the database tests: an empty database beside the test run's, and a place for
the data directories of embedded PostgreSQL servers."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ADMIN_URL, _admin


class Dropping:
    """Drops the databases of finished tests while the next ones run (dropping one that holds
    Saison's schema takes a second or more: every file of it is removed); all are gone, or
    the run fails, by its end."""

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1)
        self.drops: list[Future[None]] = []

    def drop(self, name: str) -> None:
        sql = f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        self.drops.append(self.executor.submit(lambda: asyncio.run(_admin(sql))))

    def finish(self) -> None:
        self.executor.shutdown(wait=True)
        for done in self.drops:
            done.result()


@pytest.fixture(scope="session")
def dropping() -> Iterator[Dropping]:
    dropping = Dropping()
    yield dropping
    dropping.finish()


@contextmanager
def empty_database(dropping: Dropping) -> Iterator[str]:
    name = f"saison_restore_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f"CREATE DATABASE {name}"))
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        dropping.drop(name)


@pytest.fixture
def new_database(dropping: Dropping) -> Iterator[str]:
    """An empty database on the same server, dropped afterwards."""
    with empty_database(dropping) as url:
        yield url


@pytest.fixture
def second_database(dropping: Dropping) -> Iterator[str]:
    """Another one, for tests that need two."""
    with empty_database(dropping) as url:
        yield url


def _in_memory() -> str | None:
    """/dev/shm when it has room for a few servers (Linux), else the system's temporary
    directory: a new server writes and syncs some 40 MB, which on a busy disk takes seconds."""
    try:
        room = os.statvfs("/dev/shm")
    except OSError:
        return None
    return "/dev/shm" if room.f_bavail * room.f_frsize > 1 << 30 else None


@pytest.fixture
def embedded_root() -> Iterator[Path]:
    """A directory for data directories (``SAISON_DATA_DIR``), removed afterwards with any
    PostgreSQL still running there stopped. Outside pytest's own temporary one: every pytest
    that starts on the machine makes that one private again (mode 0700), and the embedded
    PostgreSQL runs as a user of its own when started by root, which then could no longer
    reach its files."""
    root = Path(tempfile.mkdtemp(prefix="saison-embedded-", dir=_in_memory()))
    yield root
    for pid_file in root.glob("*/postgres/postmaster.pid"):
        stop_postgres(pid_file)
    shutil.rmtree(root, ignore_errors=True)


def stop_postgres(pid_file: Path) -> None:
    """Whatever happened, leave no PostgreSQL of ours running: it is gone once it has removed
    its pid file, or has died."""
    pid = int(pid_file.read_text().split()[0])
    try:
        os.kill(pid, signal.SIGINT)  # fast shutdown: clients are disconnected
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 20
    while pid_file.exists() and _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    """Whether the process runs (a dead one may wait a while to be reaped by its parent)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state != "Z"
