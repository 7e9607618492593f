"""A season with public content: one published show playing, and shows that must not show."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from tests.factories import paris


def poster(width: int = 2400, height: int = 3200, fmt: str = "PNG") -> bytes:
    """A picture as a designer would send it: larger than any size the web needs."""
    picture = Image.new("RGB", (width, height), (181, 55, 90))
    out = io.BytesIO()
    picture.save(out, fmt)
    return out.getvalue()


PUBLIC = {
    "published": True,
    "title_fr": "Phèdre",
    "title_en": "Phaedra",
    "summary_fr": "Racine, l’amour et la faute, dans une mise en scène dépouillée.",
    "summary_en": "Racine's tragedy of love and guilt, pared down.",
    "text_fr": "Phèdre aime Hippolyte, le fils de son époux…",
    "keywords": ["théâtre", "classique"],
    "language": "fr",
    "ticket_url": "https://billetterie.example.org/phedre",
    "prices": [
        {"label": "Plein tarif", "amount": "22.00"},
        {"label": "Réduit", "amount": "15"},
    ],
    "audience": "all",
    "age_from": 14,
    "audio_description": True,
    "wheelchair": True,
}


@pytest.fixture
async def public(admin, people, season) -> dict[str, Any]:
    """The season's show published by communication, with a second performance announced as
    cancelled, and beside it what must stay out of the feeds: a show only under option, a
    confirmed show not published, and a performance cancelled in the planning only."""
    com = people["communication"]
    s: dict[str, Any] = dict(season)
    # The company's people, with the numbers the old "Représentations" calendar leaked.
    await admin.patch(
        f"/organisations/{season['organisation']['id']}",
        {"phone": "+33 4 76 00 11 22", "email": "diffusion@eclat.fr"},
        season["organisation"]["version"],
    )
    await admin.patch(
        f"/contacts/{season['contact']['id']}",
        {"phones": ["06 12 34 56 78"]},
        season["contact"]["version"],
    )
    await admin.patch(
        f"/shows/{season['show']['id']}",
        {"notes": "Loges à prévoir pour 9 (note interne)"},
        season["show"]["version"],
    )
    s["publication"] = await com.create(
        "/show-publications", {"show_id": season["show"]["id"], **PUBLIC}
    )
    s["second"] = await admin.create(
        "/performances",
        {
            "engagement_id": season["engagement"]["id"],
            "starts_at": paris("2026-10-07", "20:00"),
            "ends_at": paris("2026-10-07", "22:00"),
        },
    )
    s["second_public"] = await com.create(
        "/performance-publications", {"performance_id": s["second"]["id"], "cancelled": True}
    )
    s["dropped"] = await admin.create(
        "/performances",
        {
            "engagement_id": season["engagement"]["id"],
            "starts_at": paris("2026-10-08", "20:00"),
            "ends_at": paris("2026-10-08", "22:00"),
            "status": "cancelled",
        },
    )
    # A show only under option, published early by mistake: not in any feed.
    s["option_show"] = await admin.create("/shows", {"title": "Le Lac Gelé", "genre": "danse"})
    s["option"] = await admin.create(
        "/engagements",
        {
            "show_id": s["option_show"]["id"],
            "room_id": season["studio"]["id"],
            "first_day": "2026-11-03",
            "last_day": "2026-11-03",
            "status": "option",
        },
    )
    await admin.create(
        "/performances",
        {
            "engagement_id": s["option"]["id"],
            "starts_at": paris("2026-11-03", "20:00"),
            "ends_at": paris("2026-11-03", "21:00"),
        },
    )
    await com.create(
        "/show-publications",
        {"show_id": s["option_show"]["id"], "published": True, "title_fr": "Le Lac Gelé"},
    )
    # A confirmed show whose public content is still a draft.
    s["draft_show"] = await admin.create("/shows", {"title": "Ubu roi"})
    s["draft"] = await admin.create(
        "/engagements",
        {
            "show_id": s["draft_show"]["id"],
            "room_id": season["studio"]["id"],
            "first_day": "2026-11-10",
            "last_day": "2026-11-10",
            "status": "confirmed",
        },
    )
    await admin.create(
        "/performances",
        {
            "engagement_id": s["draft"]["id"],
            "starts_at": paris("2026-11-10", "20:00"),
            "ends_at": paris("2026-11-10", "21:30"),
        },
    )
    await com.create(
        "/show-publications", {"show_id": s["draft_show"]["id"], "title_fr": "Ubu roi"}
    )
    return s
