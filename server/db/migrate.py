"""Schema changes go through Alembic only; this applies them from code (CLI, tests, serve)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from server.db.embedded import to_async_url

MIGRATIONS = Path(__file__).parent / "migrations"
# The rules PostgreSQL enforces by itself (trigger functions, triggers, exclusion constraints),
# as SQL files to read and review together: server/db/sql/<revision>/<order>_<name>.sql. A
# migration runs its own folder; a later change adds a folder, never edits one that ran.
RULES = Path(__file__).parent / "sql"


def rules(revision: str) -> list[str]:
    """The statements of ``revision``'s folder, one per file, in their order."""
    files = sorted((RULES / revision).glob("*.sql"), key=lambda p: int(p.name.split("_", 1)[0]))
    return [path.read_text(encoding="utf-8") for path in files]


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", to_async_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def revision(url: str, message: str) -> None:
    command.revision(alembic_config(url), message=message, autogenerate=True)
