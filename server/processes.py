"""Starting a real Saison server process and waiting until it answers.

Tests and benches talk to Saison the way people do, over HTTP to a separate process; this is
the one way they start it (same flags as ``saison serve``: no per-message deflate).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def start_server(
    database_url: str, port: int, env: dict[str, str] | None = None, timeout: float = 30
) -> subprocess.Popen[bytes]:
    """A uvicorn process on 127.0.0.1:``port``; ``env`` adds to (and may set REDIS_URL in)
    the environment, from which REDIS_URL is otherwise removed."""
    environment = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    environment.update(
        {"DATABASE_URL": database_url, "LITESTAR_WARN_SYNC_TO_THREAD_WITH_ASYNC": "0"}
    )
    environment.update(env or {})
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "server.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
         "--ws-per-message-deflate", "false", "--no-proxy-headers"],
        cwd=ROOT,
        env=environment,
    )  # fmt: skip
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError("the server process exited at start-up")
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server process did not start in time")
