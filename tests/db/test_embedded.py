"""The default installation: no DATABASE_URL, an embedded PostgreSQL under SAISON_DATA_DIR.

These run the real ``saison`` command as a person would, in a temporary data directory.
"""

from __future__ import annotations

import itertools
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

SAISON = str(Path(sys.executable).with_name("saison"))
EMAIL, PASSWORD = "regie@theatre.example", "un-mot-de-passe-tres-long"


@pytest.fixture
def data_dir(embedded_root: Path) -> Path:
    return embedded_root / "data"


def environment(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SAISON_ADMIN_EMAIL", "SAISON_ADMIN_PASSWORD"}
    }
    env.update(
        SAISON_DATA_DIR=str(data_dir),
        SAISON_ADMIN_EMAIL=EMAIL,
        SAISON_ADMIN_PASSWORD=PASSWORD,
        LITESTAR_WARN_SYNC_TO_THREAD_WITH_ASYNC="0",
    )
    return env


def migrate(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SAISON, "migrate"],
        cwd=ROOT,
        env=environment(data_dir),
        capture_output=True,
        text=True,
        timeout=180,
    )


class Served:
    """``saison serve --port 0``: the system picks a free port, uvicorn says which."""

    starts = itertools.count(1)

    def __init__(self, data_dir: Path) -> None:
        self.log = data_dir.parent / f"serve-{next(self.starts)}.log"
        self.process = subprocess.Popen(
            [SAISON, "serve", "--port", "0", "--log-level", "info"],
            cwd=ROOT,
            env=environment(data_dir),
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            bound = re.search(r"Uvicorn running on (http://127\.0\.0\.1:\d+)", self.output())
            if bound:
                self.url = bound.group(1)
                if httpx.get(f"{self.url}/health", timeout=10).status_code == 200:
                    return
            if self.process.poll() is not None:
                raise AssertionError(f"saison serve exited:\n{self.output()}")
            time.sleep(0.1)
        self.process.kill()
        raise AssertionError(f"saison serve did not answer /health:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text()

    def stop(self, sig: int) -> int:
        self.process.send_signal(sig)
        return self.process.wait(60)


def postgres_running(data_dir: Path, wait: float = 10) -> bool:
    """Whether the embedded server still runs, once it has had time to stop."""
    pid_file = data_dir / "postgres" / "postmaster.pid"
    deadline = time.monotonic() + wait
    while pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return pid_file.exists()


def sign_in(client: httpx.Client) -> dict[str, str]:
    r = client.post("/api/v1/auth/sign-in", json={"email": EMAIL, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"X-CSRF-Token": r.json()["csrf_token"]}


def test_a_new_installation_runs_on_its_embedded_postgresql(data_dir: Path):
    done = migrate(data_dir)
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout
    # The first administrator is made by the first step that touches a new database.
    assert f"administrator {EMAIL} created" in done.stdout
    assert (data_dir / "postgres").is_dir()

    server = Served(data_dir)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            csrf = sign_in(client)
            me = client.get("/api/v1/auth/me").json()
            assert me["is_admin"] is True and me["email"] == EMAIL
            made = client.post(
                "/api/v1/venues",
                json={"name": "Théâtre de la Halle", "city": "Lyon"},
                headers=csrf,
            )
            assert made.status_code == 201, made.text
            venue = made.json()
            assert client.get(f"/api/v1/venues/{venue['id']}").json()["name"] == venue["name"]
            # Search folds accents with PostgreSQL's unaccent (migration 0008): the embedded
            # server ships it as the external one does.
            found = client.get("/api/v1/search", params={"q": "THEATRE de la halle"})
            assert found.status_code == 200, found.text
            assert [(g["kind"], [i["id"] for i in g["items"]]) for g in found.json()["groups"]] == [
                ("venue", [venue["id"]])
            ]
    finally:
        code = server.stop(signal.SIGINT)  # Ctrl+C
    assert code in (0, 130), server.output()
    assert not postgres_running(data_dir), "the embedded PostgreSQL outlived saison serve"

    # Everything is still there on the next start, and no second administrator is made.
    again = Served(data_dir)
    try:
        assert "created with password" not in again.output()
        with httpx.Client(base_url=again.url, timeout=30) as client:
            sign_in(client)
            venues = client.get("/api/v1/venues").json()
            assert [v["name"] for v in venues["items"]] == ["Théâtre de la Halle"]
    finally:
        # What systemd, Docker or a process manager does: SIGTERM, which stops it as well.
        code = again.stop(signal.SIGTERM)
    assert code == 0, again.output()
    assert not postgres_running(data_dir), "the embedded PostgreSQL outlived a SIGTERM"
