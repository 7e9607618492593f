"""The venue's logo (SAISON_VENUE_LOGO) heads every document; without one, its name does."""

from __future__ import annotations

import base64

from server.documents.kinds import DocumentKind
from server.documents.samples import sample
from server.documents.templates import default_of
from server.documents.typesetting import Typesetter

LOGO = """<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">
<rect width="120" height="40" fill="#00ff00"/></svg>"""


async def test_the_logo_heads_every_kind_of_document(tmp_path) -> None:
    path = tmp_path / "logo.svg"
    path.write_text(LOGO)
    with_logo, without = Typesetter(path, workers=1), Typesetter(None, workers=1)
    assert with_logo.logo == "/venue-logo.svg" and without.logo is None
    for kind in DocumentKind:
        data = sample(kind)
        data["brand"]["logo"] = with_logo.logo
        page = await with_logo.compile(default_of(kind), data, "svg")  # the first page, drawn
        assert base64.b64encode(LOGO.encode()).decode() in page.decode(), kind
        data["brand"]["logo"] = None
        page = await without.compile(default_of(kind), data, "svg")
        assert "<image" not in page.decode(), kind
    with_logo.close()
    without.close()
