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
from pathlib import Path

import pytest

from tests.conftest import ADMIN_URL, _admin


@pytest.fixture
def new_database() -> Iterator[str]:
    """An empty database on the same server, dropped afterwards."""
    name = f"saison_restore_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f"CREATE DATABASE {name}"))
    yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


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
