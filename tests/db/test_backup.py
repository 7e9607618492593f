"""`saison backup` and `saison restore`, run as a person runs them: a round trip gives back
every record (each table's rows, the change log, attachments' bytes, the sequences)."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import asyncpg
import pytest
from alembic.script import ScriptDirectory

from server.db.migrate import alembic_config, upgrade
from tests.conftest import ROOT
from tests.records import every_record

# The newest migration (the one a new database is at).
HEAD = ScriptDirectory.from_config(alembic_config("postgresql://localhost/head")).get_current_head()

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def saison(*args: str, database_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The command, as ``saison …`` (this checkout's code)."""
    environment = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    environment.update(DATABASE_URL=database_url, **env)
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


async def test_a_backup_restored_into_an_empty_database_gives_back_every_record(
    admin, season, database_url, new_database, tmp_path: Path
):
    sheet = season["technical_sheet"]
    upload = await admin.http.post(
        f"/technical-sheets/{sheet['id']}/attachments",
        files={"file": ("plan.pdf", PDF, "application/pdf")},
    )
    assert upload.status_code == 201, upload.text
    erased = await admin.post(f"/contacts/{season['contact']['id']}/erase")
    assert erased.status_code == 200  # a redacted history goes through as it is

    archive = tmp_path / "saison.tar"
    made = await asyncio.to_thread(saison, "backup", "-o", str(archive), database_url=database_url)
    assert made.returncode == 0, made.stderr
    with tarfile.open(archive) as tar:
        assert tar.getnames()[0] == "manifest.json"
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert manifest["revision"] == HEAD and manifest["saison_version"]
    assert set(manifest["contents"]) == {"database.dump"}
    assert len(manifest["contents"]["database.dump"]["sha256"]) == 64

    done = await asyncio.to_thread(saison, "restore", str(archive), database_url=new_database)
    assert done.returncode == 0, done.stderr
    assert "Restored the backup" in done.stdout

    source, restored = await every_record(database_url), await every_record(new_database)
    assert source.keys() == restored.keys()
    for table in source:
        assert restored[table] == source[table], table
    assert len(source["change_log"]) > 20 and source["attachments"]
    assert PDF.hex() in source["attachments"][0]

    # A second restore into the same (now full) database is refused, unless forced.
    again = await asyncio.to_thread(saison, "restore", str(archive), database_url=new_database)
    assert again.returncode == 2 and "not empty" in again.stderr
    forced = await asyncio.to_thread(
        saison, "restore", str(archive), "--force", database_url=new_database
    )
    assert forced.returncode == 0, forced.stderr
    assert await every_record(new_database) == source


def test_an_older_backup_is_migrated_once_restored(new_database, second_database, tmp_path: Path):
    old = second_database
    upgrade(old, "0009")
    archive = tmp_path / "old.tar"
    assert saison("backup", "-o", str(archive), database_url=old).returncode == 0
    done = saison("restore", str(archive), database_url=new_database)
    assert done.returncode == 0, done.stderr
    assert f"migration 0009), migrated to {HEAD}" in done.stdout


def test_a_damaged_backup_is_refused_and_nothing_is_restored(
    database_url, new_database, tmp_path: Path
):
    archive = tmp_path / "saison.tar"
    assert saison("backup", "-o", str(archive), database_url=database_url).returncode == 0
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as tar, tarfile.open(damaged, "w") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "database.dump":
                data = data[:-10] + b"0123456789"
            out.addfile(member, io.BytesIO(data))
    done = saison("restore", str(damaged), database_url=new_database)
    assert done.returncode == 2 and "damaged" in done.stderr
    assert asyncio.run(every_record(new_database)) == {"(sequences)": {}}


def embedded(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command on the embedded PostgreSQL under ``data_dir`` (no DATABASE_URL)."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    environment["SAISON_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def data_dirs(embedded_root: Path) -> tuple[Path, Path]:
    return embedded_root / "here", embedded_root / "there"


def test_the_embedded_database_is_backed_up_and_restored_elsewhere(
    data_dirs: tuple[Path, Path], tmp_path: Path
):
    here, there = data_dirs
    # A new installation (the first command sets up its PostgreSQL) with a user of its own.
    made = embedded(here, "createuser", "regie@theatre.example", "--password", "x" * 12)
    assert made.returncode == 0, made.stderr
    archive = tmp_path / "saison.tar"
    backup = embedded(here, "backup", "-o", str(archive))
    assert backup.returncode == 0, backup.stderr
    restored = embedded(there, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr

    from server.db.embedded import start_embedded

    source, source_url = start_embedded(here)
    copy, copy_url = start_embedded(there)
    try:
        records = asyncio.run(every_record(source_url))
        assert len(records["users"]) == 1 and "regie@theatre.example" in records["users"][0]
        assert asyncio.run(every_record(copy_url)) == records
    finally:
        del source, copy


def test_a_backup_from_a_newer_saison_is_refused(database_url, new_database, tmp_path: Path):
    archive = tmp_path / "saison.tar"
    assert saison("backup", "-o", str(archive), database_url=database_url).returncode == 0
    newer = tmp_path / "newer.tar"
    with tarfile.open(archive) as tar, tarfile.open(newer, "w") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                data = json.dumps({**json.loads(data), "revision": "9999"}).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    done = saison("restore", str(newer), database_url=new_database)
    assert done.returncode == 2 and "unknown to this Saison" in done.stderr
    assert asyncio.run(every_record(new_database)) == {"(sequences)": {}}


async def test_a_forced_restore_that_fails_leaves_the_database_as_it_was(
    admin, season, database_url, new_database, second_database, tmp_path: Path
):
    archive = tmp_path / "saison.tar"
    done = await asyncio.to_thread(saison, "backup", "-o", str(archive), database_url=database_url)
    assert done.returncode == 0, done.stderr
    done = await asyncio.to_thread(saison, "restore", str(archive), database_url=new_database)
    assert done.returncode == 0, done.stderr
    before = await every_record(new_database)

    # A backup whose rows its own database refuses on the way in: the check holds only in the
    # session that wrote them, so the load stops half-way.
    connection = await asyncpg.connect(second_database)
    try:
        await connection.execute("SET saison.loading = 'yes'")
        await connection.execute(
            "CREATE TABLE programme (title text "
            "CHECK (coalesce(current_setting('saison.loading', true), '') = 'yes'))"
        )
        await connection.execute("INSERT INTO programme VALUES ('Phèdre')")
    finally:
        await connection.close()
    broken = tmp_path / "broken.tar"
    done = await asyncio.to_thread(
        saison, "backup", "-o", str(broken), database_url=second_database
    )
    assert done.returncode == 0, done.stderr

    forced = await asyncio.to_thread(
        saison, "restore", str(broken), "--force", database_url=new_database
    )
    assert forced.returncode == 2 and "programme" in forced.stderr, forced.stderr
    assert await every_record(new_database) == before  # not emptied
