"""The app's API types are generated from the server's OpenAPI document and committed
(web/src/api/schema.d.ts). When the API changes, this fails until they are generated again:

    SAISON_UPDATE_API_TYPES=1 .venv/bin/python -m pytest tests/web/test_api_types.py
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

from tests.conftest import ROOT

WEB = Path(ROOT) / "web"
COMMITTED = WEB / "src" / "api" / "schema.d.ts"
GENERATOR = WEB / "node_modules" / ".bin" / "openapi-typescript"


async def test_the_committed_api_types_match_the_server(admin, server_url, tmp_path, web_build):
    document = await admin.http.get(server_url + "/schema/openapi.json")
    assert document.status_code == 200
    source = tmp_path / "openapi.json"
    source.write_bytes(document.content)
    generated = tmp_path / "schema.d.ts"
    assert GENERATOR.exists(), "run ./dev web (npm ci in web/) first"
    await asyncio.to_thread(
        subprocess.run,
        [str(GENERATOR), str(source), "--output", str(generated)],
        cwd=WEB,
        check=True,
        capture_output=True,
    )
    fresh = generated.read_text(encoding="utf-8")
    if os.environ.get("SAISON_UPDATE_API_TYPES"):
        COMMITTED.write_text(fresh, encoding="utf-8")
    assert fresh == COMMITTED.read_text(encoding="utf-8"), (
        "the API changed: regenerate web/src/api/schema.d.ts with "
        "SAISON_UPDATE_API_TYPES=1 .venv/bin/python -m pytest tests/web/test_api_types.py, "
        "then check the app still type-checks (cd web && npm run check)"
    )
