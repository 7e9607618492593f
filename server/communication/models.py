"""Communication tables: a show's public content, a performance's public status, a show's image.

Kept apart from the show and the activity on purpose: the programming's fields (notes, fees,
contacts) are internal, and the public feeds read only these tables and the few facts of a
performance the public needs (when, where, by whom).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from server.core.records import Record


class Audience(StrEnum):
    ALL = "all"  # tout public
    YOUNG = "young"  # jeune public (families)
    SCHOOLS = "schools"  # scolaires


AUDIENCES_SQL = ", ".join(f"'{a.value}'" for a in Audience)
# The flags a show or one performance may carry, as the programming names them on activities.
ACCESSIBILITY = ("audio_description", "sign_language", "surtitles", "relaxed", "wheelchair")


def _flag() -> Any:
    return Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))


class ShowPublication(Record, table=True):
    """What the public reads of a show: texts in French and English, image, tickets, prices."""

    __tablename__ = "show_publications"
    __table_args__ = (
        CheckConstraint(f"audience IN ({AUDIENCES_SQL})", name="show_publication_audience"),
        CheckConstraint(
            "age_from IS NULL OR (age_from >= 0 AND age_from <= 99)", name="show_publication_age"
        ),
        CheckConstraint(
            "age_to IS NULL OR age_from IS NULL OR age_to >= age_from",
            name="show_publication_age_range",
        ),
    )

    show_id: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("shows.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        )
    )
    published: bool = _flag()
    title_fr: str | None = Field(default=None, sa_type=Text)
    title_en: str | None = Field(default=None, sa_type=Text)
    summary_fr: str | None = Field(default=None, sa_type=Text)
    summary_en: str | None = Field(default=None, sa_type=Text)
    text_fr: str | None = Field(default=None, sa_type=Text)
    text_en: str | None = Field(default=None, sa_type=Text)
    keywords: list[str] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]")
    )
    # The language the show is played in (schema.org inLanguage), e.g. "fr", "en", "" (none).
    language: str | None = Field(default="fr", sa_type=Text)
    ticket_url: str | None = Field(default=None, sa_type=Text)
    # Named tariffs: [{"label": "Plein tarif", "amount": "22.00"}], in euros.
    prices: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]")
    )
    audience: str = Field(
        default=Audience.ALL.value,
        sa_column=Column(Text, nullable=False, server_default=Audience.ALL.value),
    )
    age_from: int | None = Field(default=None, sa_type=Integer)
    age_to: int | None = Field(default=None, sa_type=Integer)
    audio_description: bool = _flag()
    sign_language: bool = _flag()
    surtitles: bool = _flag()
    relaxed: bool = _flag()
    wheelchair: bool = _flag()
    image_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("public_images.id", ondelete="SET NULL")),
    )


class PerformancePublication(Record, table=True):
    """What the public is told of one performance beyond its show: its own ticket link, sold
    out, or cancelled (announced as such rather than silently gone)."""

    __tablename__ = "performance_publications"

    performance_id: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("activities.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        )
    )
    ticket_url: str | None = Field(default=None, sa_type=Text)
    sold_out: bool = _flag()
    cancelled: bool = _flag()


class PublicImage(Record, table=True):
    """A show's poster as uploaded, and the sizes the web uses, made once at upload."""

    __tablename__ = "public_images"

    show_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("shows.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    filename: str = Field(sa_type=Text)
    content_type: str = Field(sa_type=Text)
    width: int = Field(sa_type=Integer)
    height: int = Field(sa_type=Integer)
    size: int = Field(sa_type=BigInteger)
    sha256: str = Field(sa_type=Text)
    alt_fr: str | None = Field(default=None, sa_type=Text)
    original: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    large_jpeg: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    large_webp: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    small_jpeg: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    small_webp: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


PRICE_MAX = Decimal("10000")
