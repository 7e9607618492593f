"""The organisation's data in an open format: exported, loaded into an empty instance, and
exported again, it is the same archive (every row, every file, the history)."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from pathlib import Path

from alembic.script import ScriptDirectory

from server.db.migrate import alembic_config
from tests.db.test_backup import PDF, saison
from tests.records import every_record

# The newest migration (the one a new database is at).
HEAD = ScriptDirectory.from_config(alembic_config("postgresql://localhost/head")).get_current_head()


def contents(archive: bytes) -> dict[str, bytes]:
    """Every file of an export but the time it was made."""
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        files = {name: zipped.read(name) for name in zipped.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    manifest.pop("created_at")
    manifest["contents"].pop("README.md")  # says when it was made
    files["manifest.json"] = json.dumps(manifest, sort_keys=True).encode()
    files.pop("README.md")
    return files


async def test_an_export_loaded_into_an_empty_instance_exports_the_same(
    admin, people, season, database_url, new_database, tmp_path: Path
):
    sheet = season["technical_sheet"]
    upload = await admin.http.post(
        f"/technical-sheets/{sheet['id']}/attachments",
        files={"file": ("Plan de feu — Œdipe.pdf", PDF, "application/pdf")},
    )
    assert upload.status_code == 201, upload.text
    fee = await admin.patch(
        f"/engagements/{season['engagement']['id']}",
        {"fee": "12500.50"},
        version=season["engagement"]["version"],
    )
    assert fee.status_code == 200, fee.text

    # Administrators download it; nobody else may.
    assert (await people["programmation"].get("/export")).status_code == 403
    download = await admin.get("/export")
    assert download.status_code == 200, download.text
    assert download.headers["content-type"] == "application/zip"
    first = download.content
    with zipfile.ZipFile(io.BytesIO(first)) as zipped:
        names = zipped.namelist()
        manifest = json.loads(zipped.read("manifest.json"))
        readme = zipped.read("README.md").decode()
        engagements = [
            json.loads(line) for line in zipped.read("tables/engagements.jsonl").splitlines()
        ]
        schema = json.loads(zipped.read("schema/engagements.json"))
        attachment = json.loads(zipped.read("tables/attachments.jsonl").splitlines()[0])
        assert zipped.read(attachment["data"]) == PDF
    assert "tables/change_log.jsonl" in names and "user_sessions" not in str(names)
    assert "change_log" in readme and manifest["revision"] == HEAD
    assert engagements[0]["fee"] == 12500.50 and schema["properties"]["fee"]["type"] == [
        "number",
        "null",
    ]
    assert attachment["data"] == f"files/attachments/{attachment['id']}/data/Plan_de_feu_dipe.pdf"

    # The move between instances is the command's archive (secrets included).
    archive = tmp_path / "export.zip"
    written = await asyncio.to_thread(
        saison, "export", "-o", str(archive), database_url=database_url
    )
    assert written.returncode == 0, written.stderr
    first = archive.read_bytes()
    loaded = await asyncio.to_thread(
        saison, "import-archive", str(archive), database_url=new_database
    )
    assert loaded.returncode == 0, loaded.stderr
    again = tmp_path / "again.zip"
    exported = await asyncio.to_thread(
        saison, "export", "-o", str(again), database_url=new_database
    )
    assert exported.returncode == 0, exported.stderr
    assert contents(again.read_bytes()) == contents(first)

    # Every record is there, numbered as it was; sequences go on from where they were.
    source, copy = await every_record(database_url), await every_record(new_database)
    for table in ("change_log", "attachments", "engagements", "users", "room_bookings"):
        assert copy[table] == source[table], table

    # A second load into the same database is refused: it is no longer empty.
    twice = await asyncio.to_thread(
        saison, "import-archive", str(archive), database_url=new_database
    )
    assert twice.returncode == 2 and "not empty" in twice.stderr


async def test_only_a_full_administrator_downloads_the_data_and_never_its_secrets(admin, people):
    """Administration manage can be granted to anyone; every user's password hash and every
    webhook secret are not theirs to take away."""
    tech = people["technique"]
    granted = await admin.post(
        "/permissions",
        {"area": "administration", "level": "manage", "user_id": tech.user["id"]},
    )
    assert granted.status_code in (200, 201), granted.text
    refused = await tech.get("/export")
    assert refused.status_code == 403
    assert "administrat" in refused.json()["detail"]

    download = await admin.get("/export")
    assert download.status_code == 200, download.text
    with zipfile.ZipFile(io.BytesIO(download.content)) as zipped:
        users = [json.loads(line) for line in zipped.read("tables/users.jsonl").splitlines()]
        schema = json.loads(zipped.read("schema/users.json"))
        readme = zipped.read("README.md").decode()
    assert users and all("password_hash" not in user for user in users)
    assert "password_hash" not in schema["properties"]
    assert "saison export" in readme
