"""One document: its data gathered as the reader may, its template, its PDF and file name.

Interfaces (the API, the CLI, batches) ask here; the data comes from sheets.py, contracts.py
and reports.py, the template from templates.py (the venue's own, else the default), the PDF
from typesetting.py. File names read as people name the paper:
« Feuille de route — Lac Gelé — 2026-10-05.pdf ».
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from server.core.i18n import _, current_language
from server.core.unit_of_work import UnitOfWork
from server.core.venue import venue
from server.documents import formatting as fmt
from server.documents.contracts import contract
from server.documents.kinds import KINDS, DocumentKind, require_reader
from server.documents.reports import activity_report
from server.documents.sheets import road_sheet, welcome_sheet
from server.documents.sources import Sources
from server.documents.templates import source_for
from server.documents.typesetting import typesetter

UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')


@dataclass(frozen=True)
class Target:
    """What a document is about: an engagement (one day of it), or a period."""

    engagement_id: int | None = None
    day: date | None = None
    start: date | None = None
    end: date | None = None  # the period's last day


@dataclass
class Document:
    kind: DocumentKind
    filename: str
    data: dict[str, Any]
    pdf: bytes = b""


def file_name(*parts: str | None) -> str:
    """« Feuille de route — Lac Gelé — 2026-10-05.pdf »: parts joined by dashes, made safe."""
    words = [UNSAFE.sub("-", part).strip(" .-") for part in parts if part]
    return " — ".join(w for w in words if w)[:180] + ".pdf"


def span(first: date, last: date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"


class Documents:
    """Builds documents for ``uow.actor`` in ``language`` (the request's, else the venue's)."""

    def __init__(
        self, uow: UnitOfWork, language: str | None = None, shared: dict[str, Any] | None = None
    ) -> None:
        self.uow = uow
        self.language = language or current_language()
        self.shared = shared  # what a batch's documents read once (Sources)

    async def data(self, kind: DocumentKind, target: Target) -> tuple[str, dict[str, Any]]:
        """The document's data (what its template receives) and its file name."""
        spec = KINDS[kind]
        require_reader(self.uow.actor, spec)
        src = Sources(self.uow, self.language, self.shared)
        title = spec.label(self.language)
        if kind is DocumentKind.ACTIVITY_REPORT:
            if target.start is None or target.end is None:
                raise ValueError("an activity report needs a period")
            data = await activity_report(src, target.start, target.end)
            name = file_name(title, span(target.start, target.end))
        else:
            if target.engagement_id is None:
                raise ValueError(f"a {kind.value} needs an engagement")
            if kind is DocumentKind.ROAD_SHEET:
                data = await road_sheet(src, target.engagement_id, target.day)
            elif kind is DocumentKind.WELCOME_SHEET:
                data = await welcome_sheet(src, target.engagement_id)
            else:
                data = await contract(src, target.engagement_id)
            e = data["engagement"]
            when = target.day.isoformat() if target.day else span(e["first_day"], e["last_day"])
            if kind is not DocumentKind.ROAD_SHEET:
                when = e["first_day"].isoformat()
            name = file_name(title, data["show"]["title"], when)
        data["document"] = self.heading(kind)
        return name, data

    def heading(self, kind: DocumentKind) -> dict[str, Any]:
        """Who printed the document and when (the footer of every page)."""
        now = datetime.now(venue().tz)
        who = self.uow.actor.name
        return {
            "kind": kind.value,
            "language": self.language,
            "title": KINDS[kind].label(self.language),
            "issued": fmt.moment(now, self.language),
            "issued_by": who,
            "issued_line": _(
                "Printed {when} by {who}", when=fmt.moment(now, self.language), who=who
            ).render(self.language),
        }

    async def render(self, kind: DocumentKind, target: Target) -> Document:
        name, data = await self.data(kind, target)
        source = await source_for(self.uow.session, kind)
        # The data is read: the connection goes back to the pool while Typst works.
        await self.uow.session.rollback()
        pdf = await typesetter().compile(source, data)
        return Document(kind, name, data, pdf)
