"""No request leaves the server except those the venue configures (webhooks, connectors):
the browser app, the API's description page and the document templates load nothing from
another host (no web fonts, no CDN, no Typst package, which Typst would download)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.web import API_DOCS
from tests.conftest import ROOT as CHECKOUT

EXTERNAL = r"""(?:https?:)?//(?!(?:localhost|127\.0\.0\.1)[:/])[\w.-]+\.[a-z]{2,}"""
# What makes a browser fetch a URL by itself: markup that loads (not links one follows), CSS,
# and the script calls that load or connect.
LOADS = {
    "markup": re.compile(
        rf"""<(?:script|link|img|iframe|source|video|audio|embed|object|use|image)\b[^>]*?"""
        rf"""\b(?:src|href|srcset|data|poster|xlink:href)\s*=\s*["']?{EXTERNAL}""",
        re.I,
    ),
    "css": re.compile(rf"""(?:url\(\s*["']?|@import\s+(?:url\()?\s*["']?){EXTERNAL}""", re.I),
    "script": re.compile(
        rf"""\b(?:fetch|import|importScripts|WebSocket|EventSource|sendBeacon|open)\s*\(\s*"""
        rf"""["'`]{EXTERNAL}|\bfrom\s*["'`]{EXTERNAL}|\.src\s*=\s*["'`]{EXTERNAL}""",
    ),
}
ROOT = Path(CHECKOUT)
# Typst downloads packages named @preview/… (or any @namespace/…) from its registry.
TYPST_PACKAGE = re.compile(r"""#?import\s+"@[\w-]+/""")


def external_loads(folder: Path, suffixes: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in suffixes:
            continue
        text = path.read_text(errors="replace")
        for kind, pattern in LOADS.items():
            for match in pattern.finditer(text):
                found.append(f"{path.relative_to(ROOT)}: {kind}: {match.group(0)[:120]}")
    return found


def test_the_rules_catch_what_loads_from_elsewhere():
    samples = [
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Inter">',
        "<script src='//cdn.jsdelivr.net/npm/x.js'></script>",
        "@font-face{src:url(https://fonts.gstatic.com/s/inter.woff2)}",
        '@import "https://cdn.example.org/a.css";',
        'fetch("https://api.example.org/v1")',
        'import x from "https://esm.sh/x"',
    ]
    for sample in samples:
        assert any(p.search(sample) for p in LOADS.values()), sample
    for harmless in (
        '<a href="https://saison.dev">site</a>',  # a link people may follow
        '"https://svelte.dev/e/each_key_duplicate"',  # an error message's reference
        '<svg xmlns="http://www.w3.org/2000/svg">',
        'fetch("/api/v1/changes")',
    ):
        assert not any(p.search(harmless) for p in LOADS.values()), harmless
    assert TYPST_PACKAGE.search('#import "@preview/tablex:0.0.8": tablex')


def test_the_built_web_app_loads_nothing_from_another_host(web_build: None):
    dist = ROOT / "web" / "dist"
    assert (dist / "index.html").is_file()
    assert external_loads(dist, (".html", ".js", ".mjs", ".css", ".svg", ".webmanifest")) == []


def test_the_api_description_page_runs_from_saisons_own_files():
    assert external_loads(API_DOCS, (".js", ".css")) == []


def test_document_templates_use_no_typst_package():
    templates = ROOT / "typst_templates"
    found = [
        f"{path.name}: {match.group(0)}"
        for path in sorted(templates.rglob("*.typ"))
        for match in TYPST_PACKAGE.finditer(path.read_text())
    ]
    assert list(templates.rglob("*.typ")) and found == []


@pytest.mark.parametrize("path", ["/schema", "/schema/swagger"])
async def test_the_api_description_page_names_no_other_host(admin, served, signed_in, path):
    client = await signed_in("admin")
    page = await client.get(f"{served.url}{path}")
    assert page.status_code == 200, page.text
    assert "swagger-ui-bundle.js" in page.text
    assert not any(p.search(page.text) for p in LOADS.values()), page.text[:2000]
    for asset in re.findall(r"""(?:src|href)="(/schema/assets/[^"]+)""", page.text):
        assert (await client.get(f"{served.url}{asset}")).status_code == 200, asset
