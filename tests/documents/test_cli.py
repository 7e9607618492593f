"""``saison documents`` at the terminal: one PDF, or a month of road sheets in a ZIP."""

from __future__ import annotations

import asyncio
import os
import sys
import zipfile
from pathlib import Path
from typing import Any

from tests.documents.conftest import pdf_text

SAISON = str(Path(sys.executable).with_name("saison"))


async def saison(database_url: str, cwd: Path, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        SAISON,
        "documents",
        *args,
        cwd=cwd,
        env={**os.environ, "DATABASE_URL": database_url, "SAISON_LANGUAGE": "fr"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, out.decode()


async def test_one_document_then_a_month_of_them(database_url: str, run: Any, tmp_path) -> None:
    engagement = str(run["engagement"]["id"])
    # Three commands that only read, side by side, as three terminals would run them.
    (code, out), (month, said), (missing, refused) = await asyncio.gather(
        saison(
            database_url, tmp_path, "road-sheet", "--engagement", engagement, "--day", "2026-10-05"
        ),
        saison(database_url, tmp_path, "road-sheet", "--month", "2026-10"),
        saison(database_url, tmp_path, "contract", "--engagement", "999"),
    )
    assert code == 0, out
    written = tmp_path / "Feuille de route — Lac Gelé — 2026-10-05.pdf"
    assert "Lundi 5 octobre 2026" in pdf_text(written.read_bytes())

    assert month == 0, said
    assert "4/4" in said  # the progress bar's last state
    archive = zipfile.ZipFile(tmp_path / "Feuilles de route — 2026-10-01 – 2026-10-31.zip")
    assert len(archive.namelist()) == 4

    assert missing == 2 and "999" in refused
