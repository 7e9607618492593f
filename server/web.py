"""The browser app: Saison serves the built pages (``web/dist``) beside its API.

``/`` and every client route (``/planning``, ``/connexion``…) answer the app's ``index.html``,
revalidated on each visit (``no-cache`` with an ETag) so a new build reaches everyone at once;
the hashed files under ``/assets/`` never change and are cached for a year. Paths that belong to
the server (the API, CalDAV, the OpenAPI pages…) never fall back to the page: an unknown one
still gets a 404 problem. The page is told the venue's time zone and the language to speak, so
the app never guesses from the browser's settings.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Request, Response, get, route
from litestar.datastructures import CacheControlHeader
from litestar.enums import HttpMethod
from litestar.response import File

from server.api.guards import PUBLIC, SIGNED_IN
from server.core.errors import NotFound
from server.core.i18n import LANGUAGES, _, negotiate
from server.core.venue import venue
from server.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# Prefixes the server answers itself: an unknown path under them is a 404, never the page.
SERVER_PATHS = (
    "/api",
    "/dav",
    "/.well-known",
    "/schema",
    "/swagger",
    "/ics",
    "/health",
    "/assets",
    "/public",
    "/metrics",
)
YEAR = 365 * 24 * 3600
HTML = "text/html"  # Litestar adds the charset
# The app loads only its own files; styles may be inline (the timeline positions its blocks so).
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'"
    ),
}

NOT_BUILT = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Saison — application à construire</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:4rem auto;padding:0 1rem}}
code{{background:#f2f2f2;padding:.1rem .3rem}}</style></head><body>
<h1>L'application n'est pas encore construite</h1>
<p>Saison fonctionne (l'API répond sous <code>/api/v1</code>), mais les pages du navigateur
n'ont pas été construites dans <code>{dist}</code>.</p>
<p>Lancez <code>./dev start</code> depuis le dossier de Saison : il construit l'application
(Node 20) puis la sert ici. Ou, à la main : <code>cd web &amp;&amp; npm ci &amp;&amp;
npm run build</code>, puis rechargez cette page.</p>
<hr><p lang="en"><strong>The browser app is not built yet.</strong> Run <code>./dev start</code>
(it builds the app with Node 20, then serves it), or <code>cd web &amp;&amp; npm ci &amp;&amp;
npm run build</code>, then reload this page.</p>
</body></html>
"""


def settings_of(request: Request[Any, Any, Any]) -> Settings:
    """The app's settings (``create_app`` keeps them in its state)."""
    settings = request.app.state.get("settings")
    return settings if isinstance(settings, Settings) else Settings.defaults()


def web_dist(settings: Settings) -> Path:
    """Where the built app is: ``SAISON_WEB_DIST``, else ``web/dist`` in the source tree."""
    return settings.web_dist or ROOT / "web" / "dist"


@dataclass
class _Page:
    mtime: float
    head: str
    tail: str


_page_cache: dict[Path, _Page] = {}


def _template(index: Path) -> _Page | None:
    """``index.html`` split where the configuration goes; re-read only when the build changes."""
    try:
        mtime = index.stat().st_mtime
    except FileNotFoundError:
        return None
    cached = _page_cache.get(index)
    if cached is None or cached.mtime != mtime:
        text = index.read_text(encoding="utf-8")
        cut = text.find("</head>")
        cut = cut if cut >= 0 else 0
        cached = _Page(mtime, text[:cut], text[cut:])
        _page_cache[index] = cached
    return cached


def page_config(settings: Settings, language: str) -> dict[str, Any]:
    """What the app must not guess: the venue's time zone and the language to speak (the
    organisation's, which this process follows from the change log)."""
    current = venue()
    return {
        "timezone": current.timezone,
        "language": language,
        "languages": list(LANGUAGES),
        "defaultLanguage": current.language,
    }


def render_index(request: Request[Any, Any, Any]) -> Response[bytes]:
    settings = settings_of(request)
    page = _template(web_dist(settings) / "index.html")
    if page is None:
        return Response(
            NOT_BUILT.format(dist=web_dist(settings)).encode(),
            status_code=503,
            media_type=HTML,
            headers={"Cache-Control": "no-store", "Retry-After": "60"},
        )
    language = negotiate(request.headers.get("accept-language"))
    config = json.dumps(page_config(settings, language)).replace("<", "\\u003c")
    body = (
        f'{page.head}<script type="application/json" id="saison-config">{config}</script>\n'
        f"{page.tail}"
    ).encode()
    tag = f'"{hashlib.sha256(body).hexdigest()[:20]}"'
    headers = {
        "ETag": tag,
        "Cache-Control": "no-cache",
        "Vary": "Accept-Language",
        **SECURITY_HEADERS,
    }
    if tag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
        return Response(b"", status_code=304, headers=headers)
    return Response(body, status_code=200, media_type=HTML, headers=headers)


def is_server_path(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in SERVER_PATHS)


# The app's pages read their own parameters (view, date, filters): any query is theirs.
APP_PAGE = {**PUBLIC, "any_query": True}


@get("/", opt=APP_PAGE, include_in_schema=False, sync_to_thread=False)
def home(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The app's first page (it sends people who are not signed in to the sign-in form)."""
    return render_index(request)


@route(
    "/{path:path}",
    http_method=[
        HttpMethod.GET,
        HttpMethod.POST,
        HttpMethod.PUT,
        HttpMethod.PATCH,
        HttpMethod.DELETE,
    ],
    opt=APP_PAGE,
    include_in_schema=False,
    sync_to_thread=False,
    status_code=200,
)
def client_route(request: Request[Any, Any, Any], path: str) -> Response[bytes]:
    """A route of the app (a link someone bookmarked or shared): the page, which shows it.

    Anything else (an unknown API path, a write to a page) is the 404 problem it always was.
    """
    if request.method != HttpMethod.GET or is_server_path(path):
        raise NotFound(_("There is nothing at {path}.", path="/" + path))
    return render_index(request)


@get(
    "/assets/{name:path}",
    opt=APP_PAGE,
    include_in_schema=False,
    sync_to_thread=False,
    cache_control=CacheControlHeader(public=True, max_age=YEAR, immutable=True),
)
def asset(request: Request[Any, Any, Any], name: str) -> File:
    """A file of the build; its name holds a hash of its content, so it is kept for a year."""
    folder = (web_dist(settings_of(request)) / "assets").resolve()
    target = (folder / name.lstrip("/")).resolve()
    if not target.is_relative_to(folder) or not target.is_file():
        raise NotFound(_("There is no file {name} in the app.", name=name))
    media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return File(target, media_type=media_type, headers={"X-Content-Type-Options": "nosniff"})


# The API's interactive description (/schema) runs Swagger UI from these files, shipped with
# Saison (swagger-ui-dist, Apache-2.0: LICENSE and NOTICE beside them): the page loads nothing
# from another host.
API_DOCS = ROOT / "server" / "static" / "swagger-ui"
API_DOCS_FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-standalone-preset.js": "text/javascript",
    "swagger-ui.css": "text/css",
}
API_DOCS_PATH = "/schema/assets"


@get(
    f"{API_DOCS_PATH}/{{name:str}}",
    opt=SIGNED_IN,
    include_in_schema=False,
    sync_to_thread=False,
    cache_control=CacheControlHeader(public=False, max_age=24 * 3600),
)
def api_docs_asset(name: str) -> File:
    """A file of the API description's page."""
    if name not in API_DOCS_FILES:
        raise NotFound(_("There is no file {name} in the app.", name=name))
    return File(API_DOCS / name, media_type=API_DOCS_FILES[name])


def web_routes() -> list[Any]:
    return [home, client_route, asset, api_docs_asset]
