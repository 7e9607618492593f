"""The organisation's data in an open format, and back: a ZIP of JSON Lines, one file per table,
files (attachments) as themselves, a JSON Schema per table and a README saying how to read it.

The venue owns its data: it can leave with it, read it with any tool, and load it into an
empty Saison without losing anything (``export`` → ``load`` → ``export`` gives the same
archive). Rows are written by PostgreSQL itself (``to_jsonb``, times in UTC) and read back by
it (``jsonb_populate_record``), so no value passes through another type system on the way:
amounts keep their digits, times their instant, arrays and JSON their shape. Sessions and
replayed answers are not data (``TRANSIENT``); password hashes and token digests are, so a
loaded instance signs its people in as before: keep the archive as safe as a backup.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

FORMAT = "saison-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# What a table's rows are not: who is signed in now, answers kept for a client's retries, and
# the migration mark (the manifest names the revision).
TRANSIENT = frozenset({"user_sessions", "idempotent_requests", "alembic_version"})
# What lets someone sign in or sign as the venue: in the command's archive (a lossless move,
# by whoever holds the server), never in a download over HTTP.
SECRETS: dict[str, frozenset[str]] = {
    "users": frozenset({"password_hash"}),
    "api_tokens": frozenset({"token_hash"}),
    "webhook_subscriptions": frozenset({"secret"}),
    "connectors": frozenset({"push_secret"}),
}
# Rows every installation has from its migrations: an import replaces them.
SHIPPED = frozenset({"activity_kinds", "activity_templates", "organisation"})
BATCH = 500

COLUMNS = text(
    """
    SELECT c.table_name, c.column_name, c.data_type, c.is_nullable = 'YES' AS nullable,
           c.udt_name
    FROM information_schema.columns c
    JOIN pg_tables t ON t.tablename = c.table_name AND t.schemaname = c.table_schema
    WHERE c.table_schema = 'public'
    ORDER BY c.table_name, c.ordinal_position
    """
)
PRIMARY_KEYS = text(
    """
    SELECT tc.table_name, kcu.column_name
    FROM information_schema.table_constraints tc
    JOIN information_schema.key_column_usage kcu
        ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
    WHERE tc.table_schema = 'public' AND tc.constraint_type = 'PRIMARY KEY'
    ORDER BY tc.table_name, kcu.ordinal_position
    """
)
SEQUENCES = text(
    """
    SELECT t.relname, a.attname, s.oid::regclass::text
    FROM pg_class s
    JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
        AND d.deptype IN ('a', 'i')
    JOIN pg_class t ON t.oid = d.refobjid
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
    WHERE s.relkind = 'S' AND t.relnamespace = 'public'::regnamespace
    """
)

JSON_TYPES: dict[str, dict[str, Any]] = {
    "bigint": {"type": "integer"},
    "integer": {"type": "integer"},
    "smallint": {"type": "integer"},
    "numeric": {"type": "number", "description": "an exact decimal"},
    "boolean": {"type": "boolean"},
    "text": {"type": "string"},
    "character varying": {"type": "string"},
    "timestamp with time zone": {"type": "string", "format": "date-time"},
    "timestamp without time zone": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "time without time zone": {"type": "string", "format": "time"},
    "jsonb": {},
    "json": {},
    "bytea": {
        "type": "string",
        "description": "the path, in this archive, of the file holding the bytes",
    },
}

README = """# {name}: the organisation's data

Exported by Saison {version} on {created_at} (database migration {revision}).

- `tables/<table>.jsonl`: one JSON object per line, one line per row, in the order of the
  table's primary key. Times are UTC (ISO 8601), amounts exact decimals, lists JSON arrays.
- `schema/<table>.json`: a JSON Schema of the table's rows (column names, types, nulls).
- `files/<table>/<id>/<name>`: file contents (technical sheets' attachments, document
  batches); the row's column holds the path of its file here.
- `manifest.json`: the format, the Saison version and migration, the row count and SHA-256 of
  every file, so a copy can be checked.

`change_log` is the history: every change, who made it and when, in order (`seq`).
Password hashes (argon2) and API token digests are included, so that the data can be loaded
back into Saison with `saison import-archive` and everyone signs in as before: keep this file
as safe as a backup. Not included: open sessions and request replays (they expire anyway).
"""
README_WITHOUT_SECRETS = """
This copy was downloaded from Saison: password hashes, API token digests and webhook and
push secrets are left out (their columns are absent), so it cannot bring back an instance
where people sign in as before. To move an instance, the server's operator runs
`saison export`, whose archive holds them.
"""


class ArchiveError(Exception):
    """Why an archive cannot be written or loaded, said for the person who asked."""


@dataclass
class Table:
    name: str
    columns: list[tuple[str, str, bool]] = field(default_factory=list)  # name, type, nullable
    key: list[str] = field(default_factory=list)

    def quoted(self) -> str:
        return '"' + self.name.replace('"', '""') + '"'

    @property
    def files(self) -> list[str]:
        """Columns of bytes, written as files of their own."""
        return [name for name, kind, _ in self.columns if kind == "bytea"]

    def schema(self) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        for name, kind, nullable in self.columns:
            hint: dict[str, Any] = dict(JSON_TYPES.get(kind, {}))
            if kind == "ARRAY":
                hint = {"type": "array"}
            if nullable and "type" in hint:
                hint["type"] = [hint["type"], "null"]
            properties[name] = hint
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": self.name,
            "type": "object",
            "properties": properties,
            "required": [name for name, _, nullable in self.columns if not nullable],
            "x-primary-key": self.key,
        }


async def tables_of(session: AsyncSession, *, secrets: bool = True) -> list[Table]:
    """The tables that hold the organisation's data, as the database describes them (without
    the columns of ``SECRETS`` unless ``secrets``)."""
    tables: dict[str, Table] = {}
    for name, column, kind, nullable, _udt in await session.execute(COLUMNS):
        if name in TRANSIENT:
            continue
        if not secrets and column in SECRETS.get(name, ()):
            continue
        tables.setdefault(name, Table(name)).columns.append((column, kind, nullable))
    for name, column in await session.execute(PRIMARY_KEYS):
        if name in tables:
            tables[name].key.append(column)
    return [tables[name] for name in sorted(tables)]


def _file_path(table: Table, column: str) -> str:
    """SQL for the archive path of a row's file: by its key, named by its filename if any."""
    key = " || '-' || ".join(f'"{k}"::text' for k in table.key) or "ctid::text"
    names = {name for name, _, _ in table.columns}
    leaf = (
        "regexp_replace(coalesce(nullif(filename, ''), 'file'), '[^A-Za-z0-9._-]+', '_', 'g')"
        if "filename" in names
        else f"'{column}'"
    )
    return f"'files/{table.name}/' || {key} || '/{column}/' || {leaf}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def export(
    session: AsyncSession,
    out: IO[bytes],
    *,
    saison_version: str,
    name: str = "Saison",
    secrets: bool = True,
) -> dict[str, Any]:
    """Write the archive of everything in the database into ``out``; returns its manifest.
    Without ``secrets``, the columns of ``SECRETS`` are left out."""
    await session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
    await session.execute(text("SET LOCAL TimeZone = 'UTC'"))
    revision = (
        await session.execute(text("SELECT version_num FROM alembic_version"))
    ).scalar_one_or_none()
    created_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    contents: dict[str, Any] = {}
    counts: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:

        def add(path: str, data: bytes) -> None:
            info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
            contents[path] = {"sha256": _sha256(data), "bytes": len(data)}

        for table in await tables_of(session, secrets=secrets):
            row = "to_jsonb(t)"
            for column in SECRETS.get(table.name, ()) if not secrets else ():
                row = f"({row} - '{column}')"
            for column in table.files:
                path = _file_path(table, column)
                row = (
                    f"({row} - '{column}') || jsonb_build_object('{column}', "
                    f'CASE WHEN t."{column}" IS NULL THEN NULL ELSE {path} END)'
                )
            order = ", ".join(f'"{k}"' for k in table.key) or "1"
            lines = (
                await session.execute(
                    text(f"SELECT ({row})::text FROM {table.quoted()} AS t ORDER BY {order}")
                )
            ).scalars()
            body = "".join(f"{line}\n" for line in lines).encode()
            counts[table.name] = body.count(b"\n")
            add(f"tables/{table.name}.jsonl", body)
            add(
                f"schema/{table.name}.json",
                json.dumps(table.schema(), indent=2, ensure_ascii=False).encode(),
            )
            for column in table.files:
                files = await session.execute(
                    text(
                        f'SELECT {_file_path(table, column)}, t."{column}" '
                        f'FROM {table.quoted()} AS t WHERE t."{column}" IS NOT NULL '
                        f"ORDER BY {order}"
                    )
                )
                for path, data in files:
                    add(path, bytes(data))
        sequences: dict[str, int] = {}
        for table_name, column, sequence in await session.execute(SEQUENCES):
            if table_name in counts:
                last, called = (
                    await session.execute(text(f"SELECT last_value, is_called FROM {sequence}"))
                ).one()
                sequences[f"{table_name}.{column}"] = int(last) + (1 if called else 0)
        readme = README.format(
            name=name, version=saison_version, created_at=created_at, revision=revision
        ) + ("" if secrets else README_WITHOUT_SECRETS)
        add("README.md", readme.encode())
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "saison_version": saison_version,
            "revision": revision,
            "created_at": created_at,
            "tables": counts,
            "sequences": dict(sorted(sequences.items())),
            "contents": contents,
        }
        info = zipfile.ZipInfo(MANIFEST, date_time=(1980, 1, 1, 0, 0, 0))
        archive.writestr(info, json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    """The manifest, once every file it lists is there with its checksum."""
    try:
        manifest: dict[str, Any] = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError) as error:
        raise ArchiveError("this is not a Saison export (no readable manifest.json)") from error
    if manifest.get("format") != FORMAT or manifest.get("format_version", 0) > FORMAT_VERSION:
        raise ArchiveError("this is not an export this Saison can read")
    for path, facts in manifest.get("contents", {}).items():
        try:
            data = archive.read(path)
        except KeyError:
            raise ArchiveError(f"{path} is missing from the archive") from None
        if _sha256(data) != facts.get("sha256"):
            raise ArchiveError(f"{path} is damaged (its checksum differs)")
    return manifest


async def holds_data(session: AsyncSession) -> list[str]:
    """The tables with rows of their own (not those the migrations ship)."""
    full = []
    for table in await tables_of(session):
        if table.name in SHIPPED:
            continue
        found = await session.execute(text(f"SELECT EXISTS (SELECT 1 FROM {table.quoted()})"))
        if found.scalar_one():
            full.append(table.name)
    return full


async def load(session: AsyncSession, source: Path | IO[bytes]) -> dict[str, int]:
    """Load an export into this database (empty, at the export's migration): every row as it
    was, ids and history numbers included, then the sequences past them. All or nothing."""
    with zipfile.ZipFile(source) as archive:
        manifest = read_manifest(archive)
        revision = (
            await session.execute(text("SELECT version_num FROM alembic_version"))
        ).scalar_one_or_none()
        if revision != manifest.get("revision"):
            raise ArchiveError(
                f"the export is at migration {manifest.get('revision')}, this database at "
                f"{revision}: load it into a database at the same migration"
            )
        full = await holds_data(session)
        if full:
            raise ArchiveError(
                "the database is not empty (" + ", ".join(full[:5]) + "): load the export "
                "into a new database"
            )
        superuser = (
            await session.execute(
                text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            )
        ).scalar_one()
        if not superuser:
            raise ArchiveError(
                "loading an export sets rows as they were, past the database's own triggers: "
                "connect as the database's superuser (the embedded PostgreSQL's user is one)"
            )
        # Rows go in as they were: no trigger derives anything (the derived tables are in the
        # export too), no reference is checked before every table is there.
        await session.execute(text("SET LOCAL session_replication_role = replica"))
        await session.execute(text("SET LOCAL TimeZone = 'UTC'"))
        tables = {table.name: table for table in await tables_of(session)}
        loaded: dict[str, int] = {}
        for name in manifest.get("tables", {}):
            table = tables.get(name)
            if table is None:
                raise ArchiveError(f"the export has a table this database lacks: {name}")
            if name in SHIPPED:
                await session.execute(text(f"DELETE FROM {table.quoted()}"))
            lines = archive.read(f"tables/{name}.jsonl").decode().splitlines()
            row = "elem"
            for column in table.files:
                row = (
                    f"({row} || jsonb_build_object('{column}', "
                    f"CAST(:files AS jsonb) -> (elem->>'{column}')))"
                )
            insert = text(
                f"INSERT INTO {table.quoted()} OVERRIDING SYSTEM VALUE "
                f"SELECT (jsonb_populate_record(NULL::{table.quoted()}, {row})).* "
                "FROM jsonb_array_elements(CAST(:rows AS jsonb)) AS elem"
            )
            for start in range(0, len(lines), BATCH):
                chunk = lines[start : start + BATCH]
                params: dict[str, Any] = {"rows": "[" + ",".join(chunk) + "]"}
                if table.files:
                    params["files"] = json.dumps(_files_of(archive, chunk, table.files))
                await session.execute(insert, params)
            loaded[name] = len(lines)
        # Ids and history numbers go on from where they were (calendar apps' sync tokens
        # name history numbers: none is given twice).
        following = manifest.get("sequences", {})
        for table_name, column, sequence in (await session.execute(SEQUENCES)).all():
            if table_name not in tables:
                continue
            await session.execute(
                text(
                    f"SELECT setval('{sequence}', greatest(:next, "
                    f'coalesce(max("{column}"), 0) + 1), false) FROM "{table_name}"'
                ),
                {"next": int(following.get(f"{table_name}.{column}", 1))},
            )
    return loaded


def _files_of(archive: zipfile.ZipFile, lines: list[str], columns: list[str]) -> dict[str, str]:
    """The files these rows name, as PostgreSQL reads bytes from text (hex)."""
    found: dict[str, str] = {}
    for line in lines:
        row = json.loads(line)
        for column in columns:
            path = row.get(column)
            if isinstance(path, str) and path not in found:
                found[path] = "\\x" + archive.read(path).hex()
    return found


def export_name(created: datetime | None = None) -> str:
    """The archive's file name, as people find it in their downloads."""
    return f"saison-export-{(created or datetime.now(UTC)).strftime('%Y-%m-%d')}.zip"
