"""The models and the migrations describe one schema.

A migrated database must have exactly the tables, columns, types, indexes and constraints the
models declare (Alembic's autogenerate comparison, what ``alembic check`` runs), and the rules
of ``server/db/sql/`` as their files say: a model changed without its migration, or the other
way round, fails here instead of in someone's deployment.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from server.db.embedded import to_async_url
from server.db.migrate import RULES, rules
from server.tables import metadata

ROOT = Path(__file__).resolve().parents[2]


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "compare_server_default": False,  # defaults are written differently, not checked
        },
    )
    return list(compare_metadata(context, metadata))


async def _run(database_url: str, query: Any) -> Any:
    engine = create_async_engine(to_async_url(database_url))
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(query)
    finally:
        await engine.dispose()


async def test_the_migrated_database_is_what_the_models_declare(database_url: str) -> None:
    differences = await _run(database_url, _differences)
    assert differences == [], "models and migrations disagree:\n" + "\n".join(map(str, differences))


async def test_the_database_rules_are_those_of_server_db_sql(database_url: str) -> None:
    """Every function of Saison's own in the database is the one its file defines, and every
    file's function, trigger and constraint is in the database."""
    defined: dict[str, str] = {}
    names: set[str] = set()
    for folder in sorted(RULES.iterdir()):
        for statement in rules(folder.name):
            name = re.search(r"(?:FUNCTION|TRIGGER|CONSTRAINT)\s+(\w+)", statement)
            assert name is not None, statement
            names.add(name.group(1))
            body = re.search(r"\$\$(.*)\$\$", statement, re.S)
            if body is not None:
                defined[name.group(1)] = body.group(1)

    def read(connection: Connection) -> tuple[dict[str, str], set[str]]:
        # Written into saison_fold when it is made (server/db/sql/0008/).
        unaccent = connection.execute(
            text(
                "SELECT quote_ident(n.nspname) FROM pg_extension e "
                "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
            )
        ).scalar_one()
        functions = {
            name: source.replace(f"{unaccent}.unaccent", "{unaccent}.unaccent")
            for name, source in connection.execute(
                text(  # functions of the public schema that no extension brought
                    "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n "
                    "ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND NOT EXISTS ("
                    "SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass "
                    "AND d.objid = p.oid AND d.deptype = 'e')"
                )
            )
        }
        present = {
            name
            for (name,) in connection.execute(
                text(
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                    "UNION SELECT conname FROM pg_constraint WHERE contype = 'x'"
                )
            )
        }
        return functions, present

    functions, present = await _run(database_url, read)
    assert functions == defined
    assert names - set(functions) <= present


def test_the_package_ships_every_file_it_names() -> None:
    """``pip install`` takes what pyproject.toml lists: each pattern must match a file."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for package, patterns in project["tool"]["setuptools"]["package-data"].items():
        for pattern in patterns:
            assert list((ROOT / package).glob(pattern)), f"{package}/{pattern} matches nothing"
