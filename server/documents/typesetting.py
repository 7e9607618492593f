"""Typst compilation: a template (its source text) and a document's data give a PDF.

The data never enters the markup: it is handed to Typst as one JSON text in ``sys.inputs``
and templates read it with ``json(bytes(sys.inputs.data))``; a string from it is displayed as
text, whatever it contains (``#panic("x")``, ``*bold*``, ``<b>`` print as typed).

Each compilation runs in one of a few worker threads (Typst releases the GIL, so the server
keeps answering), each with its own compiler kept warm: fonts loaded once and Typst's caches
reused, the second compilation of a template costs a fraction of the first. The templates see a
private folder holding the shared ``saison.typ`` helpers and the venue's logo, and nothing
else: reading outside it is refused by Typst; packages (``@preview/…``) are refused before
compiling, the package registry being out of reach from a venue's server anyway.

Fonts are Typst's own (Libertinus Serif, DejaVu Sans Mono): a document looks the same on every
machine, whatever fonts the system has.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import json
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import typst

from server.core.records import jsonable
from server.settings import Settings

# The default templates: typst_templates/ of the checkout, or (an installed package, such as
# the container image) the folder SAISON_TYPST_TEMPLATES names (``configure``).
CHECKOUT_TEMPLATES = Path(__file__).resolve().parents[2] / "typst_templates"
LOGO_NAME = "venue-logo"
WORKERS = 2  # the machines Saison runs on have a few cores; documents are not its main load
INLINE_NAME = "__typst_py_bytes__.typ"  # how Typst names a source given as text
PACKAGE_IMPORT = re.compile(r"""(import|include)\s*\(?\s*["']@""")


class TemplateError(Exception):
    """Typst refused the template (or its data): its message, with where it happened."""

    def __init__(self, message: str, diagnostic: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.diagnostic = diagnostic

    @property
    def text(self) -> str:
        """What a template's author needs: Typst's message and the place it points at."""
        text = self.diagnostic.strip() or self.message
        return text.replace(INLINE_NAME, "template.typ")


def default_source(template_file: str) -> str:
    return (_templates / template_file).read_text(encoding="utf-8")


def refuse_packages(source: str) -> None:
    if PACKAGE_IMPORT.search(source):
        raise TemplateError(
            "Typst packages (@preview/…) are not available: use Typst's built-in functions"
        )


class Typesetter:
    """Compiles documents on a few worker threads, each with a warm compiler."""

    def __init__(self, logo: Path | None = None, workers: int = WORKERS) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="saison-typst-"))
        atexit.register(shutil.rmtree, self.root, ignore_errors=True)
        for helper in _templates.glob("*.typ"):
            shutil.copy(helper, self.root / helper.name)
        self.logo: str | None = None
        if logo is not None and logo.is_file():
            name = f"{LOGO_NAME}{logo.suffix.lower()}"
            shutil.copy(logo, self.root / name)
            self.logo = "/" + name
        self._local = threading.local()
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="typst"
        )

    def place_logo(self, content_type: str, data: bytes, digest: str) -> str:
        """The organisation's logo in the templates' folder, named by its hash (a new logo is
        a new file: no compiler keeps the old drawing), and its path for ``brand.logo``."""
        suffix = {"image/png": ".png", "image/jpeg": ".jpg"}.get(content_type, ".svg")
        name = f"{LOGO_NAME}-{digest[:16]}{suffix}"
        path = self.root / name
        if not path.exists():
            partial = self.root / f".{name}.{threading.get_ident()}"
            partial.write_bytes(data)
            partial.replace(path)
        return "/" + name

    def _compiler(self) -> typst.Compiler:
        compiler = getattr(self._local, "compiler", None)
        if compiler is None:
            compiler = typst.Compiler(root=str(self.root), ignore_system_fonts=True)
            self._local.compiler = compiler
        return compiler

    def compile_now(self, source: str, data: dict[str, Any], fmt: str = "pdf") -> bytes:
        """Compile in the calling thread (the worker threads, the CLI, a validation process)."""
        refuse_packages(source)
        inputs = {"data": json.dumps(jsonable(data), ensure_ascii=False)}
        try:
            result = self._compiler().compile(
                input=source.encode(),
                format=fmt,  # type: ignore[arg-type]
                sys_inputs=inputs,
                ppi=110 if fmt == "png" else None,
            )
        except typst.TypstError as error:
            raise TemplateError(error.message, getattr(error, "diagnostic", "")) from None
        if isinstance(result, list):  # PNG: one image per page; the first is the one shown
            result = result[0]
        assert isinstance(result, bytes)
        return result

    async def compile(self, source: str, data: dict[str, Any], fmt: str = "pdf") -> bytes:
        """Compile on a worker thread; the event loop goes on serving meanwhile."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self.compile_now, source, data, fmt)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


_typesetter: Typesetter | None = None
_lock = threading.Lock()
_templates = CHECKOUT_TEMPLATES
_logo: Path | None = None


def configure(settings: Settings) -> None:
    """Where the default templates are, from the entry point's settings (the typesetter is one
    per process: its compilers stay warm). The logo is the organisation's record's
    (``Typesetter.place_logo``); SAISON_VENUE_LOGO only fills that record at the first start."""
    global _templates, _logo, _typesetter
    wanted = (settings.typst_templates or CHECKOUT_TEMPLATES, None)
    with _lock:
        if (_templates, _logo) == wanted:
            return
        _templates, _logo = wanted
        if _typesetter is not None:
            _typesetter.close()
            _typesetter = None


def typesetter() -> Typesetter:
    """The process's typesetter, made on first use with the venue's logo."""
    global _typesetter
    with _lock:
        if _typesetter is None:
            _typesetter = Typesetter(_logo)
        return _typesetter
