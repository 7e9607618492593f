"""Schema changes go through Alembic only; this applies them from code (CLI, tests, serve)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

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
    """Migrate the database to ``revision``. Already there (every start but the first after
    an update): nothing to do, and Alembic's environment, which loads every table of the
    application, is not loaded (a second off each ``saison`` command and start)."""
    config = alembic_config(url)
    if _already_at(config, url, revision):
        return
    command.upgrade(config, revision)


def _already_at(config: Config, url: str, revision: str) -> bool:
    """Whether the database is at ``revision`` (False when unsure: Alembic decides)."""
    try:
        asyncio.get_running_loop()
        return False  # called from a running loop (an app's start-up): Alembic's own way
    except RuntimeError:
        pass
    try:
        wanted = (
            set(ScriptDirectory.from_config(config).get_heads())
            if revision == "head"
            else {revision}
        )
        return asyncio.run(_revisions(url)) == wanted
    except Exception:  # any doubt: the full upgrade, which says what is wrong
        return False


async def _revisions(url: str) -> set[str]:
    """The revisions recorded in the database (none: never migrated)."""
    from sqlalchemy import pool, text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(to_async_url(url), poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(text("SELECT to_regclass('public.alembic_version')"))
            if found is None:
                return set()
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return {row[0] for row in rows}
    finally:
        await engine.dispose()


def revision(url: str, message: str) -> None:
    command.revision(alembic_config(url), message=message, autogenerate=True)
