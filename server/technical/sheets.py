"""Technical sheets (of a room) and riders (of a show), with their files."""

from __future__ import annotations

import hashlib
from typing import Any

import filetype
from sqlalchemy import Select, select

from server.core.cascade import delete_dependents
from server.core.entities import EntityService, Filter
from server.core.errors import Invalid
from server.core.fields import Id, Input, LongText, Name
from server.core.i18n import N_, Message, Size, _
from server.core.permissions import Level, Workspace
from server.core.records import RecordRead
from server.technical.models import Attachment, TechnicalSheet


class TechnicalSheetIn(Input):
    room_id: Id | None = None
    show_id: Id | None = None
    title: Name
    notes: LongText | None = None


class TechnicalSheetOut(TechnicalSheetIn, RecordRead):
    pass


class TechnicalSheetService(EntityService):
    model = TechnicalSheet
    entity = "technical_sheet"
    label = N_("technical sheet")
    workspace = Workspace.TECHNICAL
    references = {"room_id": "room", "show_id": "show"}
    filters = {"room_id": Filter("room_id", int), "show_id": Filter("show_id", int)}
    search_columns = ("title", "notes")
    log_refs = {"room_id": "room", "show_id": "show"}

    async def check(self, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        if (values.get("room_id") is None) == (values.get("show_id") is None):
            message = _("give exactly one of room_id (a room's sheet) or show_id (a show's rider)")
            raise Invalid({"room_id": message, "show_id": message})

    async def delete_row(self, record_id: int, expected_version: int | None) -> dict[str, Any]:
        await delete_dependents(AttachmentService(self.uow), "technical_sheet_id", record_id)
        return await super().delete_row(record_id, expected_version)


# Office documents and plain archives: zip containers, which filetype names by what they hold
# when it can see it (a document saved oddly may only be recognised as a zip).
ZIPPED = frozenset(
    {
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/zip",
    }
)
TEXT = frozenset({"text/plain", "text/csv"})
# What a technical sheet may carry.
ALLOWED_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", *TEXT, *ZIPPED})


class AttachmentOut(RecordRead):
    technical_sheet_id: int
    filename: str
    content_type: str
    size: int
    sha256: str


class AttachmentService(EntityService):
    model = Attachment
    entity = "attachment"
    label = N_("attachment")
    workspace = Workspace.TECHNICAL
    references = {"technical_sheet_id": "technical sheet"}
    filters = {"technical_sheet_id": Filter("technical_sheet_id", int)}
    search_columns = ("filename",)
    log_refs = {"technical_sheet_id": "technical_sheet"}

    def base_query(self) -> Select[Any]:
        return select(*(c for c in self.table.c if c.name != "data"))

    async def get(self, record_id: int, *, for_update: bool = False) -> dict[str, Any]:
        row = await super().get(record_id, for_update=for_update)
        row.pop("data", None)
        return row

    async def upload(
        self, sheet_id: int, filename: str, content_type: str, data: bytes, max_bytes: int
    ) -> dict[str, Any]:
        """Store a file after checking its size, its declared type and its first bytes."""
        row = await self.add_file(sheet_id, filename, content_type, data, max_bytes)
        await self.uow.commit()
        return row

    async def add_file(
        self, sheet_id: int, filename: str, content_type: str, data: bytes, max_bytes: int
    ) -> dict[str, Any]:
        """``upload`` within the caller's transaction (the demo season is one transaction)."""
        self.require(Level.WRITE)
        name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
        content_type = content_type.split(";")[0].strip().lower()
        problems: dict[str, Message] = {}
        if not name or len(name) > 200 or any(ord(ch) < 32 for ch in name):
            problems["filename"] = _("give a file name of 1 to 200 printable characters")
        if not data:
            problems["file"] = _("the file is empty")
        elif len(data) > max_bytes:
            # Not its size: the upload stops reading one byte past the limit.
            problems["file"] = _(
                "the file is larger than the {limit} accepted", limit=Size(max_bytes)
            )
        if content_type not in ALLOWED_TYPES:
            problems["content_type"] = _(
                "{type} is not accepted; send PDF, images, office documents, text or CSV",
                type=content_type or "?",
            )
        elif data and not _looks_like(content_type, data):
            problems["file"] = _("the content does not look like {type}", type=content_type)
        if problems:
            raise Invalid(problems)
        row = await self.insert_row(
            {
                "technical_sheet_id": sheet_id,
                "filename": name,
                "content_type": content_type,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "data": data,
            }
        )
        row.pop("data", None)
        return row

    async def content(self, record_id: int) -> tuple[dict[str, Any], bytes]:
        self.require(Level.READ)
        row = await super().get(record_id)
        data = row.pop("data")
        return row, bytes(data)

    def log(
        self, action: str, record_id: int | None, before: Any, after: Any, refs: Any = None
    ) -> None:
        # The file itself never goes into the history; its hash does.
        for payload in (before, after):
            if isinstance(payload, dict):
                payload.pop("data", None)
        super().log(action, record_id, before, after, refs)


def _looks_like(content_type: str, data: bytes) -> bool:
    """Whether the content is what it claims: its signature, read by filetype; text has none,
    so it is UTF-8 without NUL bytes (what filetype does not judge)."""
    if content_type in TEXT:
        try:
            data[:4096].decode("utf-8")
        except UnicodeDecodeError:
            return False
        return b"\x00" not in data[:4096]
    sniffed = filetype.guess_mime(data)
    return sniffed == content_type or (content_type in ZIPPED and sniffed in ZIPPED)
