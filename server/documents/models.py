"""Document tables: a venue's own templates, and batches of documents built together."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Integer, LargeBinary, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from server.core.records import Record

KINDS_SQL = "'road_sheet','welcome_sheet','contract','activity_report'"


class DocumentTemplate(Record, table=True):
    """The venue's own Typst template for one kind of document; none (or no source) means
    the default template of ``typst_templates/`` is used. Its history is the change log."""

    __tablename__ = "document_templates"
    __table_args__ = (CheckConstraint(f"kind IN ({KINDS_SQL})", name="document_template_kind"),)

    kind: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    source: str | None = Field(default=None, sa_type=Text)


class DocumentBatch(Record, table=True):
    """Many documents built into one ZIP for one person; each step of its progress is logged,
    which is how the live-update channel tells that person's screens how far it got."""

    __tablename__ = "document_batches"
    __table_args__ = (
        CheckConstraint(f"kind IN ({KINDS_SQL})", name="document_batch_kind"),
        CheckConstraint(
            "status IN ('queued','running','done','failed')", name="document_batch_status"
        ),
    )

    kind: str = Field(sa_type=Text)
    language: str = Field(default="fr", sa_type=Text)
    # What was asked: period, engagements, one sheet per day or per engagement.
    request: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    status: str = Field(default="queued", sa_type=Text)
    total: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    done: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    message: str | None = Field(default=None, sa_type=Text)
    filename: str | None = Field(default=None, sa_type=Text)
    size: int | None = Field(default=None, sa_type=BigInteger)
    requested_by: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("users.id", ondelete="SET NULL"), index=True),
    )
    # The ZIP once built; never in the change log, dropped after a day.
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
