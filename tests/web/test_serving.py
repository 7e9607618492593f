"""Saison serves the built app beside its API: pages revalidated, assets cached for a year,
client routes answered with the app, server paths never swallowed by it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from litestar.datastructures import State
from litestar.testing import TestClient

from server.settings import Settings
from server.web import web_routes


@pytest.fixture
async def http(server_url: str, web_build) -> httpx.AsyncClient:
    async with httpx.AsyncClient(base_url=server_url, timeout=30) as client:
        yield client


def config_of(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="saison-config">(.*?)</script>', html)
    assert found, "the page carries no configuration"
    return json.loads(found.group(1))


async def test_the_first_page_is_the_app_revalidated_on_each_visit(http):
    r = await http.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-cache"
    assert '<div id="app">' in r.text
    # The venue's zone comes from the server, never from the browser's settings.
    assert config_of(r.text)["timezone"] == "Europe/Paris"
    again = await http.get("/", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


async def test_client_routes_get_the_app(http):
    home = await http.get("/")
    for path in (
        "/planning",
        "/planning?view=week&date=2027-01-14&rooms=1,2",
        "/sign-in",
        "/no/such/page",
    ):
        r = await http.get(path)
        assert r.status_code == 200, path
        assert r.text == home.text, path


async def test_assets_are_cached_for_a_year(http):
    page = (await http.get("/")).text
    scripts = re.findall(r'src="(/assets/[^"]+\.js)"', page)
    styles = re.findall(r'href="(/assets/[^"]+\.css)"', page)
    assert scripts and styles
    script = await http.get(scripts[0])
    assert script.status_code == 200
    assert script.headers["content-type"].split(";")[0] in {
        "text/javascript",
        "application/javascript",
    }
    assert "max-age=31536000" in script.headers["cache-control"]
    assert "immutable" in script.headers["cache-control"]
    style = await http.get(styles[0])
    assert style.headers["content-type"].startswith("text/css")


async def test_server_paths_are_never_the_app(http):
    for method, path in (
        ("GET", "/api/v1/no-such-thing"),
        ("POST", "/api/v1/no-such-thing"),
        ("GET", "/api"),
        ("GET", "/assets/no-such-file.js"),
        ("GET", "/assets/%2E%2E/%2E%2E/pyproject.toml"),
        ("GET", "/ics/a/b"),
        ("POST", "/planning"),
    ):
        r = await http.request(method, path)
        assert r.status_code == 404, (method, path)
        assert r.headers["content-type"].startswith("application/problem+json"), (method, path)
    assert "[project]" not in (await http.get("/assets/../../pyproject.toml")).text
    # What was there keeps working.
    assert (await http.get("/health")).json() == {"status": "ok"}
    assert (await http.get("/schema/openapi.json")).status_code == 401
    assert (
        await http.get("/api/v1/timeline", params={"start": "2027-01-01", "end": "2027-01-02"})
    ).status_code == 401
    discovery = await http.get("/.well-known/caldav")
    assert discovery.status_code == 301 and discovery.headers["location"] == "/dav/"
    assert (await http.request("PROPFIND", "/dav/")).status_code == 401


async def test_the_language_follows_the_browser(http):
    english = config_of((await http.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})).text)
    french = config_of(
        (await http.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})).text
    )
    other = config_of((await http.get("/", headers={"Accept-Language": "de-DE"})).text)
    assert (english["language"], french["language"], other["language"]) == ("en", "fr", "fr")


def test_without_a_build_the_page_says_how_to_make_one(tmp_path: Path):
    settings = Settings(web_dist=tmp_path / "dist")
    app = Litestar(route_handlers=web_routes(), state=State({"settings": settings}))
    with TestClient(app) as client:
        for path in ("/", "/planning"):
            r = client.get(path)
            assert r.status_code == 503
            assert r.headers["content-type"].startswith("text/html")
            assert "./dev start" in r.text and "npm run build" in r.text
