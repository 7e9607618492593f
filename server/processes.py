"""Starting a real Saison server process and waiting until it answers.

Tests and benches talk to Saison the way people do, over HTTP to a separate process; this is
the one way they start it (same flags as ``saison serve``: no per-message deflate, the
client's address read by Saison itself).

The parent binds the listening socket (port 0: the system picks a free one) and hands it to
the child, so the port is known before the child starts and no two servers can ever race for
one, as they could when a free port was probed and then bound by someone else.
"""

from __future__ import annotations

import importlib
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parent.parent
GO = b"g"  # what a held process waits for
# How coverage.py (patch = ["subprocess"]) tells a new Python process to measure itself.
COVERAGE_VARIABLES = ("COVERAGE_PROCESS_CONFIG", "COVERAGE_PROCESS_START")


@dataclass
class ServerProcess:
    """A uvicorn process serving Saison on ``url``."""

    process: subprocess.Popen[bytes]
    port: int
    url: str = field(init=False)
    held: IO[bytes] | None = None  # the pipe a held process waits on (``spawn_server``)

    def __post_init__(self) -> None:
        self.url = f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def release(self) -> ServerProcess:
        """Let a held process start its application (see ``spawn_server``)."""
        if self.held is not None:
            self.held.write(GO)
            self.held.close()
            self.held = None
        return self

    def ready(self, timeout: float = 120) -> ServerProcess:
        """Wait until the server answers ``/health``. The socket listens from the start, so
        the first request simply waits in its queue until the application is up."""
        self.release()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the server process exited at start-up")
            try:
                left = max(0.1, deadline - time.monotonic())
                if httpx.get(f"{self.url}/health", timeout=left).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.05)  # the process went away with its socket: poll says why
        self.process.kill()
        raise RuntimeError("the server process did not start in time")

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM: the server closes its connections and exits; killed if it hangs. A held
        one is told to exit instead."""
        if self.held is not None:
            self.held.close()
            self.held = None
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def spawn_server(
    database_url: str,
    env: dict[str, str] | None = None,
    port: int = 0,
    stderr: IO[bytes] | int | None = None,
    held: bool = False,
    measured: bool = True,
) -> ServerProcess:
    """A uvicorn process on 127.0.0.1:``port`` (0: any free port), not waited for; ``env``
    adds to (and may set REDIS_URL in) the environment, from which REDIS_URL is otherwise
    removed. It logs warnings and errors only, unless ``env`` sets SAISON_LOG_LEVEL, to
    ``stderr`` (default: this process's).

    ``held``: the process imports the application (most of a start), then waits for
    ``release`` (or ``ready``) to start it: a restart without waiting for the imports.
    ``measured=False``: coverage, if it measures this process, does not measure that one."""
    left_out = {"REDIS_URL"} | (set() if measured else set(COVERAGE_VARIABLES))
    environment = {k: v for k, v in os.environ.items() if k not in left_out}
    environment.update(
        {
            "DATABASE_URL": database_url,
            "LITESTAR_WARN_SYNC_TO_THREAD_WITH_ASYNC": "0",
            "SAISON_LOG_LEVEL": "warning",
        }
    )
    environment.update(env or {})
    with socket.create_server(("127.0.0.1", port), backlog=1024) as listening:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.processes", str(listening.fileno())]
            + (["held"] if held else []),
            cwd=ROOT,
            env=environment,
            pass_fds=[listening.fileno()],
            stdin=subprocess.PIPE if held else None,
            stderr=stderr,
        )
        # The child has its own copy; ours closes here, so the socket dies with the child.
        return ServerProcess(process, int(listening.getsockname()[1]), process.stdin)


def start_server(
    database_url: str, env: dict[str, str] | None = None, port: int = 0, timeout: float = 120
) -> ServerProcess:
    """A uvicorn process on 127.0.0.1 that answers (see ``spawn_server``)."""
    return spawn_server(database_url, env, port).ready(timeout)


def serve(fd: int, held: bool = False) -> None:
    """The child: serve the app on the listening socket inherited as ``fd`` (once told to go,
    if ``held``)."""
    import uvicorn

    if held:
        importlib.import_module("server.app")  # what takes the time, done before waiting
        if sys.stdin.buffer.read(1) != GO:
            sys.exit(0)  # told to exit (or its parent is gone)

    from server.observability.logs import logging_config
    from server.settings import get_settings

    listening = socket.socket(fileno=fd)  # its family (IPv4) read from the socket itself
    config = uvicorn.Config(
        "server.app:create_app",
        factory=True,
        log_config=logging_config(get_settings()),
        log_level=get_settings().log_level,
        access_log=False,
        proxy_headers=False,
        ws_per_message_deflate=False,
    )
    server = uvicorn.Server(config)
    server.run(sockets=[listening])
    if not server.started:
        sys.exit(3)  # as uvicorn's own command does when the application fails to start


if __name__ == "__main__":
    serve(int(sys.argv[1]), held=sys.argv[2:] == ["held"])
