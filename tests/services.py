"""A Redis of the tests' own: a ``redis-server`` on a Unix socket in a temporary directory.

The Redis at 127.0.0.1:6379 is shared with other runs; tests that join server processes
through Redis, or take Redis away to see Saison recover, use one of these instead, so nothing
they do reaches anyone else's (and no port is probed for: a socket file cannot be taken).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import redis


class RedisServer:
    """``redis-server`` without persistence, listening on ``url`` only."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="saison-redis-"))
        self.socket = self.directory / "redis.sock"
        self.url = f"unix://{self.socket}"
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self, timeout: float = 10) -> None:
        self.socket.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", "0", "--unixsocket", str(self.socket),
             "--save", "", "--appendonly", "no", "--loglevel", "warning"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("redis-server exited at start-up")
            try:
                if redis.Redis(unix_socket_path=str(self.socket)).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.02)
        raise RuntimeError("redis-server did not start in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def restart(self) -> None:
        """What a Redis restart does to its clients: every connection drops, then a new
        server with nothing in it answers at the same address."""
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)
