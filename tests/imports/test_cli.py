"""``saison import`` at the terminal: the check, then --commit, then the same file again."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


async def saison(database_url: str, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.cli",
        "import",
        *args,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, out.decode()


async def test_check_then_import_then_nothing_to_do(database_url, admin, tmp_path):
    draft, sheet = tmp_path / "brouillon.csv", tmp_path / "annuaire.csv"
    draft.write_text("Prénom;Nom;Mail\nLéa;Martin;lea@eclat.fr\nHugo;;hugo@x.fr\n")
    sheet.write_text("Prénom;Nom;Mail\nLéa;Martin;lea@eclat.fr\nHugo;Bernard;hugo@x.fr\n")
    # Neither writes anything: side by side, as two terminals would run them.
    (code, out), (checked, said) = await asyncio.gather(
        saison(database_url, str(draft), "--kind", "contacts", "--commit"),
        saison(database_url, str(sheet), "--kind", "contacts"),
    )
    assert code == 2, out
    assert "line 3, Nom: obligatoire" in out
    assert checked == 0 and "2 to create" in said and "Nothing written" in said, said
    assert (await admin.get("/contacts")).json()["total"] == 0

    code, out = await saison(database_url, str(sheet), "--kind", "contacts", "--commit")
    assert code == 0 and "Imported." in out, out
    assert (await admin.get("/contacts")).json()["total"] == 2
    code, out = await saison(database_url, str(sheet), "--kind", "contacts", "--commit")
    assert code == 0 and "2 unchanged" in out, out
