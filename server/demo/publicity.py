"""What the public reads of the demo season: texts, prices, accessibility, a few posters.

Most shows with a confirmed run are published, so the public feeds (``/public/…``) have a
season to show on a first ``./dev start``; a few stay drafts, as in a venue where the brochure
is still being written. Posters are drawn here (a coloured sheet, shapes and the title), made
like any upload, so the web sizes exist.
"""

from __future__ import annotations

import io
import random
import re
import unicodedata
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import text

from server.communication.content import (
    PerformancePublicationIn,
    PerformancePublicationService,
    ShowPublicationIn,
    ShowPublicationService,
)
from server.communication.images import PublicImageService
from server.core.entities import EntityService
from server.core.unit_of_work import UnitOfWork
from server.demo.words import CLASSICS

POSTERS = 14  # shows that get a drawn poster (each is resized four times at upload)
PALETTE = {
    "théâtre": ((122, 28, 52), (238, 200, 120)),
    "danse": ((31, 97, 141), (245, 222, 179)),
    "cirque": ((196, 92, 24), (252, 236, 200)),
    "musique": ((40, 40, 60), (220, 180, 90)),
    "jeune public": ((46, 125, 90), (255, 240, 160)),
}
PRICES = {
    "théâtre": [("Plein tarif", "24.00"), ("Réduit", "16.00"), ("Moins de 26 ans", "10.00")],
    "danse": [("Plein tarif", "22.00"), ("Réduit", "15.00"), ("Moins de 26 ans", "10.00")],
    "cirque": [("Plein tarif", "20.00"), ("Réduit", "14.00"), ("Enfant", "8.00")],
    "musique": [("Plein tarif", "18.00"), ("Réduit", "12.00")],
    "jeune public": [("Tarif unique", "8.00"), ("Scolaires", "5.50")],
}
ENGLISH_GENRE = {
    "théâtre": "A play",
    "danse": "A dance piece",
    "cirque": "A circus show",
    "musique": "A concert",
    "jeune public": "A show for children and their families",
}
SENTENCES = [
    "Une soirée à partager, suivie d’un bord de plateau avec l’équipe artistique.",
    "Le spectacle a été créé la saison dernière et tourne dans toute la France.",
    "Un moment de théâtre vivant, drôle et grave à la fois.",
    "La presse a salué une distribution d’une rare justesse.",
    "Une création en résidence au Théâtre du Pont-Levant.",
]


def _slug(value: str) -> str:
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def poster(title: str, genre: str, rng: random.Random) -> bytes:
    """A simple poster: the genre's colours, a few shapes, the title and the venue."""
    back, ink = PALETTE.get(genre, PALETTE["théâtre"])
    picture = Image.new("RGB", (1200, 1600), back)
    draw = ImageDraw.Draw(picture)
    for _ in range(6):
        x, y, r = rng.randrange(0, 1200), rng.randrange(0, 1100), rng.randrange(80, 380)
        shade = tuple(min(255, c + rng.randrange(20, 70)) for c in back)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=shade)  # type: ignore[arg-type]
    big, small = ImageFont.load_default(size=92), ImageFont.load_default(size=40)
    words, lines, line = title.split(), [], ""
    for word in words:
        if line and draw.textlength(f"{line} {word}", font=big) > 1040:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    y = 1160 - 110 * (len(lines) - 1)
    for text_line in lines:
        draw.text((80, y), text_line, font=big, fill=ink)
        y += 110
    draw.text((80, 1420), genre.upper(), font=small, fill=ink)
    draw.text((80, 1480), "Théâtre du Pont-Levant · Orléans", font=small, fill=ink)
    out = io.BytesIO()
    # A JPEG, as a designer sends a poster: a PNG squeezed small took longer to write than the
    # web sizes took to make from it (a tenth of the whole load).
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def _age(guidance: str | None) -> int | None:
    found = re.search(r"(\d+)", guidance or "")
    return int(found.group(1)) if found else None


async def _add(
    uow: UnitOfWork,
    service: type[EntityService],
    schema: type[ShowPublicationIn] | type[PerformancePublicationIn],
    data: dict[str, Any],
) -> None:
    """Validated as the API would, then written through the service (logged)."""
    await service(uow).insert_row(schema.model_validate(data).model_dump(exclude_unset=True))


async def publish(uow: UnitOfWork, rng: random.Random, surtitled: set[int]) -> None:
    """Public content for most shows of the season; posters for some; a few runs sold out."""
    session = uow.session
    rows = await session.execute(
        text(
            "SELECT s.id, s.title, s.genre, s.description, s.age_guidance, "
            "bool_or(e.status = 'confirmed') AS confirmed "
            "FROM shows s JOIN engagements e ON e.show_id = s.id "
            "GROUP BY s.id ORDER BY s.id"
        )
    )
    shows = [dict(r) for r in rows.mappings()]
    posters = 0
    max_bytes = uow.settings.max_attachment_bytes
    for show in shows:
        if rng.random() < 0.12:
            continue  # the text is not written yet
        genre = show["genre"] or "théâtre"
        title = show["title"]
        age = _age(show["age_guidance"])
        data: dict[str, Any] = {
            "show_id": show["id"],
            # Options are not announced; a few confirmed shows are still drafts.
            "published": bool(show["confirmed"]) and rng.random() < 0.9,
            "title_fr": title,
            "summary_fr": show["description"],
            "text_fr": f"{show['description']} {rng.choice(SENTENCES)}",
            "keywords": [genre, *(["classique"] if title in CLASSICS else [])],
            "language": "" if genre in ("danse", "cirque", "musique") else "fr",
            "ticket_url": f"https://billetterie.pont-levant.example/{_slug(title)}",
            "prices": [{"label": label, "amount": amount} for label, amount in PRICES[genre]],
            "audience": "young" if genre == "jeune public" else "all",
            "age_from": age,
            "surtitles": show["id"] in surtitled,
            "audio_description": genre == "théâtre" and rng.random() < 0.3,
            "sign_language": genre == "jeune public" and rng.random() < 0.3,
            "relaxed": genre in ("jeune public", "cirque") and rng.random() < 0.25,
            "wheelchair": True,
        }
        if rng.random() < 0.6:
            data["title_en"] = title
            data["summary_en"] = f"{ENGLISH_GENRE[genre]} at the Théâtre du Pont-Levant."
        if posters < POSTERS and data["published"]:
            image = await PublicImageService(uow).add_image(
                show["id"], f"affiche-{_slug(title)}.jpg", poster(title, genre, rng), max_bytes
            )
            data["image_id"] = image["id"]
            posters += 1
        await _add(uow, ShowPublicationService, ShowPublicationIn, data)
    # Some evenings sold out, as a popular run's last dates often are.
    performances = await session.execute(
        text(
            "SELECT a.id FROM activities a JOIN engagements e ON e.id = a.engagement_id "
            "WHERE a.kind = 'performance' AND e.status = 'confirmed' ORDER BY a.starts_at"
        )
    )
    ids = [r[0] for r in performances.all()]
    for performance_id in rng.sample(ids, min(6, len(ids))):
        await _add(
            uow,
            PerformancePublicationService,
            PerformancePublicationIn,
            {"performance_id": performance_id, "sold_out": True},
        )
