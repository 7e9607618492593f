"""Following a request: the id a proxy sent (or one made here) comes back in the answer, in
its problem details and on every log line of it, which are JSON objects a collector reads."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
import tempfile
from typing import Any

import httpx

from server.observability.logs import TextFormatter, chosen_format
from server.observability.requests import CURRENT, RequestContext
from server.processes import spawn_server
from server.settings import Settings
from tests.conftest import token_for


def log_lines(path: str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as stream:
        text = stream.read()
    lines = [line for line in text.splitlines() if line.strip()]
    return [json.loads(line) for line in lines]  # every line is one JSON object


async def test_the_request_id_goes_back_and_into_the_logs(database_url, db, people):
    token = await token_for(db, people["admin"].user["id"])
    admin_id = people["admin"].user["id"]
    with tempfile.NamedTemporaryFile(suffix=".log") as log:
        # SAISON_LOG_FORMAT left to "auto": standard error is a file, not a terminal: JSON.
        env = {"SAISON_LOG_LEVEL": "info", "SAISON_LOG_FORMAT": ""}
        server = spawn_server(database_url, env, stderr=log).ready()
        try:
            async with httpx.AsyncClient(base_url=server.url) as http:
                refused = await http.get("/api/v1/shows", headers={"X-Request-ID": "lb-4f2a.1"})
                assert refused.status_code == 401
                assert refused.headers["x-request-id"] == "lb-4f2a.1"
                assert refused.json()["request_id"] == "lb-4f2a.1"

                listed = await http.get(
                    "/api/v1/shows",
                    headers={"X-Request-ID": "lb-admin", "Authorization": f"Bearer {token}"},
                )
                assert listed.status_code == 200 and listed.headers["x-request-id"] == "lb-admin"

                # An id nobody could put in a header or a log line safely is replaced.
                odd = await http.get(
                    "/health/live", headers={"X-Request-ID": 'a b"c\\' + "x" * 200}
                )
                made = odd.headers["x-request-id"]
                assert re.fullmatch(r"[0-9a-f]{32}", made)

                feed = await http.get("/ics/s3cret-feed-name.ics")
                assert feed.status_code == 404
        finally:
            server.stop()
        lines = log_lines(log.name)

    by_id = {line.get("request_id"): line for line in lines if line["logger"] == "saison.access"}
    refused_line = by_id["lb-4f2a.1"]
    assert refused_line["method"] == "GET" and refused_line["path"] == "/api/v1/shows"
    assert refused_line["status"] == 401 and refused_line["level"] == "info"
    assert isinstance(refused_line["duration_ms"], float) and "user_id" not in refused_line
    assert refused_line["time"].startswith("20")
    assert by_id["lb-admin"]["user_id"] == admin_id and by_id["lb-admin"]["status"] == 200
    assert by_id[made]["path"] == "/health/live"
    # A feed's secret is its credential: the logs keep the route, not the address.
    assert all("s3cret" not in json.dumps(line) for line in lines)
    assert any(line.get("path", "").startswith("/ics/{") for line in lines)


def test_text_logs_name_the_request_for_a_person_at_a_terminal(monkeypatch):
    context = RequestContext("lb-7", "GET", {"path": "/api/v1/shows"})
    token = CURRENT.set(context)
    try:
        record = logging.makeLogRecord(
            {"name": "saison.access", "levelno": logging.INFO, "levelname": "INFO",
             "msg": "GET /api/v1/shows 200", "duration_ms": 3.5}
        )  # fmt: skip
        line = TextFormatter().format(record)
    finally:
        CURRENT.reset(token)
    assert line.endswith("INFO saison.access [lb-7] GET /api/v1/shows 200 (3.5 ms)")
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # a file, a pipe: not a terminal
    assert chosen_format(Settings(log_format="auto")) == "json"
    assert chosen_format(Settings(log_format="text")) == "text"
